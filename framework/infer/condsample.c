/* condsample.c — independent chains of a model with the label units clamped
 * to one class (conditional generation, P(v | c)) or free, and the check of
 * drawn visible parts against a class's training rows. */
#include "condsample.h"

#include <stdlib.h>
#include <string.h>

/* Scratch for one draw, freed in one place. */
typedef struct draw_work {
    float *states, *label_state, *row;
    unsigned char *clamped;
} draw_work;

static void draw_work_free(draw_work *w) {
    free(w->states);
    free(w->label_state);
    free(w->row);
    free(w->clamped);
}

/* The label part of a state: the one-hot data row for `label` encoded, so a
 * model with its own coding (±1 units) gets its own values. */
static void label_template(const ebm_cond_draw *how, draw_work *w, float *state) {
    size_t first = how->n_data - how->n_labels;
    memset(w->row, 0, how->n_data * sizeof *w->row);
    w->row[first + (size_t)how->label] = 1.0f;
    ebm_model_encode(how->ops, how->model, w->row, how->n_data, state);
}

/* Whether rows are data rows the model's states hold. */
static int rows_fit(const ebm_model_ops *ops, void *model, const ebm_dataset *rows) {
    return rows && rows->n > 0 && ebm_model_row_length(ops, model, rows->dim) == rows->dim;
}

int ebm_chains_start(const ebm_model_ops *ops, void *model, const ebm_dataset *rows,
                     size_t n, size_t units, ebm_rng *rng, float *x, ebm_error *err) {
    ebm_rng start;
    ebm_rng_named(&start, rng, "start");
    if (ebm_model_all_binary(ops, model)) {
        float *low = malloc(units * sizeof *low), *high = malloc(units * sizeof *high);
        if (!low || !high) {
            free(low);
            free(high);
            return ebm_fail(err, EBM_ENOMEM, "out of memory for %zu units", units);
        }
        ebm_model_unit_values(ops, model, low, high);
        for (size_t c = 0; c < n; c++) {
            ebm_rng chain;
            ebm_rng_derive(&chain, &start, c);
            for (size_t i = 0; i < units; i++)
                x[c * units + i] = (ebm_rng_u64(&chain) >> 63) ? high[i] : low[i];
        }
        free(low);
        free(high);
        return EBM_OK;
    }
    /* Real-valued units: a pick of two values is no state to start from (a
     * Gaussian unit would start at 0 or 1 whatever the data's scale), so the
     * rows the model learned from, or its own noise. */
    int from_rows = rows_fit(ops, model, rows);
    if (!from_rows && !ebm_model_has_noise(ops))
        return ebm_fail(err, EBM_ENOTSUP, "model %s has real-valued units, no noise "
                        "distribution (xNoise) and its states are not data rows to "
                        "start from, so chains have no start", ops->info.name);
    for (size_t c = 0; c < n; c++) {
        float *state = x + c * units;
        if (from_rows) {
            ebm_model_encode(ops, model, rows->x + (c % rows->n) * rows->dim, rows->dim,
                             state);
        } else {
            ebm_rng chain;
            ebm_rng_derive(&chain, &start, c);
            ebm_model_noise(ops, model, state, 1, &chain);
        }
    }
    return EBM_OK;
}

int ebm_cond_sample(const ebm_cond_draw *how, ebm_rng *rng, float *rows,
                    ebm_error *err) {
    const ebm_model_ops *ops = how->ops;
    size_t units = ops->xUnits(how->model);
    if (!ebm_model_has_binary(ops) && how->label >= 0)
        return ebm_fail(err, EBM_ENOTSUP, "model %s has no binary unit values "
                        "(xUnitValues), so no label units to clamp", ops->info.name);
    if (how->n_data > units || how->n_labels > how->n_data)
        return ebm_fail(err, EBM_EINVAL, "%zu data units with %zu labels, but the "
                        "model has %zu units", how->n_data, how->n_labels, units);
    if (how->label >= 0 && (size_t)how->label >= how->n_labels)
        return ebm_fail(err, EBM_EINVAL, "label %d: the model has %zu label units "
                        "(classes 0..%zu)", how->label, how->n_labels,
                        how->n_labels ? how->n_labels - 1 : 0);
    if (how->n == 0) return EBM_OK;
    if (how->n > ((size_t)1 << 40) / (units ? units : 1))
        return ebm_fail(err, EBM_ELIMIT, "%zu chains of %zu units are too many",
                        how->n, units);
    draw_work w = {0};
    w.states = malloc(how->n * units * sizeof *w.states);
    w.label_state = malloc(units * sizeof *w.label_state);
    w.row = malloc((how->n_data ? how->n_data : 1) * sizeof *w.row);
    w.clamped = calloc(units, 1);
    if (!w.states || !w.label_state || !w.row || !w.clamped) {
        draw_work_free(&w);
        return ebm_fail(err, EBM_ENOMEM, "out of memory for %zu chains", how->n);
    }
    int rc = ebm_chains_start(ops, how->model, how->start_rows, how->n, units, rng,
                              w.states, err);
    if (!rc && how->label >= 0) {
        size_t first = how->n_data - how->n_labels;
        memset(w.clamped + first, 1, how->n_labels);
        label_template(how, &w, w.label_state);
        for (size_t c = 0; c < how->n; c++)
            memcpy(w.states + c * units + first, w.label_state + first,
                   how->n_labels * sizeof *w.states);
    }

    ebm_rng sampler_rng;
    ebm_rng_named(&sampler_rng, rng, "sampler");
    ebm_chains chains = {.n = how->n, .units = units, .x = w.states,
                         .clamped = how->label >= 0 ? w.clamped : NULL};
    ebm_sample_ctx ctx = {.ops = ops, .model = how->model, .cfg = how->sampler_cfg,
                          .rng = &sampler_rng, .stop = how->stop};
    ebm_sampler_stats stats = {0};
    if (!rc) rc = how->sampler->xRun(&ctx, &chains, 0, &stats, err);
    if (rc) ebm_error_prefix(err, "sampler %s", how->sampler->info.name);

    size_t n_visible = how->n_data - how->n_labels;
    for (size_t c = 0; !rc && c < how->n; c++) {
        const float *x = w.states + c * units;
        ebm_model_decode(ops, how->model, x, how->n_data, w.row);
        memcpy(rows + c * n_visible, w.row, n_visible * sizeof *rows);
    }
    draw_work_free(&w);
    return rc;
}

int ebm_cond_row_class(const ebm_dataset *d, size_t r, size_t n_labels) {
    if (n_labels == 0 || n_labels > d->dim) return -1;
    const float *tail = d->x + r * d->dim + (d->dim - n_labels);
    int found = -1;
    for (size_t c = 0; c < n_labels; c++) {
        if (tail[c] <= 0.5f) continue;
        if (found >= 0) return -1;
        found = (int)c;
    }
    if (found < 0 && d->labels && d->labels[r] >= 0 && (size_t)d->labels[r] < n_labels)
        found = d->labels[r];
    return found;
}

static int same_bits(const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((a[i] > 0.5f) != (b[i] > 0.5f)) return 0;
    return 1;
}

size_t ebm_cond_count_matches(const ebm_dataset *d, size_t n_labels, int label,
                              const float *rows, size_t n, size_t n_visible) {
    if (n_visible > d->dim) return 0;
    size_t matches = 0;
    for (size_t s = 0; s < n; s++) {
        for (size_t r = 0; r < d->n; r++) {
            if (label >= 0 && ebm_cond_row_class(d, r, n_labels) != label) continue;
            if (same_bits(rows + s * n_visible, d->x + r * d->dim, n_visible)) {
                matches++;
                break;
            }
        }
    }
    return matches;
}
