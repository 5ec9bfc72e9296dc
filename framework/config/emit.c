/* emit.c — a config tree back to YAML: block style for the resolved config
 * that `ebm validate` prints and every run file keeps, flow style on one line
 * for a map given as a sweep value. libyaml's emitter does the quoting, so
 * the text parses back to the same tree. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cfg.h"

typedef struct buffer {
    char *text;
    size_t len, cap;
    int failed;
} buffer;

static int write_out(void *data, unsigned char *bytes, size_t size) {
    buffer *b = data;
    if (b->len + size + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + size + 1) cap *= 2;
        char *text = realloc(b->text, cap);
        if (!text) {
            b->failed = 1;
            return 0;
        }
        b->text = text;
        b->cap = cap;
    }
    memcpy(b->text + b->len, bytes, size);
    b->len += size;
    b->text[b->len] = '\0';
    return 1;
}

static int emit_scalar(yaml_emitter_t *em, const char *text, int quoted) {
    yaml_event_t ev;
    /* A quoted scalar stays quoted (it is a string even if it reads like a
     * number); a plain one stays plain when libyaml can write it so, and is
     * quoted otherwise. */
    yaml_scalar_style_t style = quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                       : YAML_PLAIN_SCALAR_STYLE;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
                                      (int)strlen(text), !quoted, 1, style))
        return 0;
    return yaml_emitter_emit(em, &ev);
}

static int emit_node(yaml_emitter_t *em, const ebm_node *n, int flow) {
    yaml_event_t ev;
    switch (n->kind) {
    case EBM_NODE_SCALAR:
        return emit_scalar(em, n->scalar, n->quoted);
    case EBM_NODE_MAP:
        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                 flow ? YAML_FLOW_MAPPING_STYLE
                                                      : YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            return 0;
        for (int i = 0; i < n->n; i++)
            if (!emit_scalar(em, n->keys[i], 0) || !emit_node(em, n->values[i], flow))
                return 0;
        return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
    case EBM_NODE_SEQ:
        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                  flow ? YAML_FLOW_SEQUENCE_STYLE
                                                       : YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            return 0;
        for (int i = 0; i < n->n; i++)
            if (!emit_node(em, n->values[i], flow)) return 0;
        return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
    }
    return 0;
}

static char *emit(const ebm_node *root, int flow) {
    if (!root) return NULL;
    buffer out = {0};
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em)) return NULL;
    yaml_emitter_set_output(&em, write_out, &out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);   /* never fold long strings */
    yaml_emitter_set_indent(&em, 2);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&em, &ev) &&
             yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&em, &ev) && emit_node(&em, root, flow) &&
             yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
             yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
             yaml_emitter_flush(&em);
    yaml_emitter_delete(&em);
    if (!ok || out.failed) {
        free(out.text);
        return NULL;
    }
    if (!out.text) return strdup("{}\n");
    return out.text;
}

char *ebm_cfg_to_yaml(const ebm_node *root) { return emit(root, 0); }

char *ebm_cfg_to_flow(const ebm_node *root) {
    char *text = emit(root, 1);
    if (!text) return NULL;
    /* One line: drop the document-end marker and the newlines libyaml adds. */
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) text[--len] = '\0';
    if (len >= 3 && strcmp(text + len - 3, "...") == 0) text[len -= 3] = '\0';
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) text[--len] = '\0';
    return text;
}
