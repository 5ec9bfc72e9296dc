/* png_pixels.h — reads the pixels of the PNGs gnuplot's pngcairo terminal
 * writes (8-bit RGB or RGBA, not interlaced), so plot tests can check what a
 * picture shows (a curve's colour, dark and light image cells) instead of
 * only that a file appeared. Header-only, for tests. */
#ifndef EBM_TEST_PNG_PIXELS_H
#define EBM_TEST_PNG_PIXELS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct png_pixels {
    int width, height;
    unsigned char *rgb;   /* width × height × 3, top row first */
} png_pixels;

static unsigned long png_be32(const unsigned char *p) {
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

static int png_paeth(int a, int b, int c) {
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Returns 0 and fills img, or -1 (not a PNG of the kind above). */
static int png_read_pixels(const char *path, png_pixels *img) {
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *file = malloc(size > 0 ? (size_t)size : 1);
    int ok = file && size > 8 && fread(file, 1, (size_t)size, f) == (size_t)size &&
             memcmp(file, "\x89PNG\r\n\x1a\n", 8) == 0;
    fclose(f);
    unsigned char *idat = NULL, *raw = NULL;
    size_t idat_len = 0;
    int channels = 0;
    for (long at = 8; ok && at + 12 <= size;) {
        unsigned long len = png_be32(file + at);
        const unsigned char *type = file + at + 4, *data = file + at + 8;
        if (len > (unsigned long)(size - at - 12)) ok = 0;
        else if (memcmp(type, "IHDR", 4) == 0) {
            img->width = (int)png_be32(data);
            img->height = (int)png_be32(data + 4);
            channels = data[9] == 2 ? 3 : data[9] == 6 ? 4 : 0;
            ok = data[8] == 8 && channels && data[12] == 0 && img->width > 0 &&
                 img->height > 0;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            unsigned char *grown = realloc(idat, idat_len + len);
            if (!grown) ok = 0;
            else {
                idat = grown;
                memcpy(idat + idat_len, data, len);
                idat_len += len;
            }
        }
        at += 12 + (long)len;
    }
    size_t stride = (size_t)img->width * (size_t)channels;
    uLongf raw_len = (uLongf)((stride + 1) * (size_t)img->height);
    if (ok) {
        raw = malloc(raw_len);
        img->rgb = malloc((size_t)img->width * (size_t)img->height * 3);
        ok = raw && img->rgb && uncompress(raw, &raw_len, idat, (uLong)idat_len) == Z_OK &&
             raw_len == (stride + 1) * (size_t)img->height;
    }
    /* undo the per-row filters in place, then drop alpha */
    for (int y = 0; ok && y < img->height; y++) {
        unsigned char *row = raw + (size_t)y * (stride + 1) + 1;
        const unsigned char *up = y ? row - (stride + 1) : NULL;
        int filter = row[-1];
        for (size_t i = 0; i < stride; i++) {
            int a = i >= (size_t)channels ? row[i - channels] : 0, b = up ? up[i] : 0;
            int c = up && i >= (size_t)channels ? up[i - channels] : 0;
            int add = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b
                    : filter == 3 ? (a + b) / 2 : filter == 4 ? png_paeth(a, b, c) : -1;
            if (add < 0) { ok = 0; break; }
            row[i] = (unsigned char)(row[i] + add);
        }
        for (int x = 0; ok && x < img->width; x++)
            memcpy(img->rgb + ((size_t)y * (size_t)img->width + (size_t)x) * 3,
                   row + (size_t)x * (size_t)channels, 3);
    }
    free(file);
    free(idat);
    free(raw);
    if (!ok) {
        free(img->rgb);
        img->rgb = NULL;
        return -1;
    }
    return 0;
}

/* Pixels within tol (per channel) of the colour 0xRRGGBB. */
static long png_count_colour(const png_pixels *img, unsigned colour, int tol) {
    int r = (int)(colour >> 16) & 255, g = (int)(colour >> 8) & 255, b = (int)colour & 255;
    long n = 0;
    for (long i = 0; i < (long)img->width * img->height; i++) {
        const unsigned char *p = img->rgb + 3 * i;
        n += abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
    }
    return n;
}

#endif
