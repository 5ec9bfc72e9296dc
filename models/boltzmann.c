/* boltzmann.c — the Boltzmann machine (stochastic Hopfield network): units
 * [visible | labels | hidden], {0,1} or ±1 states, symmetric zero-diagonal W,
 * bias b, E(s) = −½ sᵀWs − bᵀs and p(s) = exp(−E(s)/T)/Z. Learning is the
 * framework's contrastive trainer, fed through xEnergyGrad. */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plugins.h"

typedef struct boltzmann {
    size_t n;            /* all units: n_data + n_hidden */
    size_t n_data;       /* visible and label units = data row length */
    size_t n_labels;     /* the last n_labels of the data units */
    size_t n_hidden;
    int pm1;             /* states ±1 (else {0,1}) */
    float low, high;     /* the two values of a unit */
    double temperature;
    float *w;            /* n × n, symmetric, zero diagonal */
    float *b;            /* n */
    unsigned char *data_mask;  /* n: 1 for visible and label units */
} boltzmann;

static const ebm_param boltzmann_params[] = {
    {.name = "hidden", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "hidden units (after the visible and label units)"},
    {.name = "labels", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "how many trailing data columns are one-hot label units "
             "(set data.append_labels: true)"},
    {.name = "units", .type = EBM_P_ENUM, .def = "binary", .choices = "binary|pm1",
     .help = "unit states: binary {0,1} or pm1 {-1,+1}"},
    {.name = "temperature", .type = EBM_P_FLOAT, .def = "1", .range = "(0, inf)",
     .help = "T in p(s) = exp(-E(s)/T) / Z"},
    {.name = "init_scale", .type = EBM_P_FLOAT, .def = "0.01", .range = "[0, inf)",
     .help = "initial weights drawn from N(0, init_scale^2), symmetric, zero diagonal"},
    {.name = "bias_init", .type = EBM_P_ENUM, .def = "data", .choices = "data|zero",
     .help = "data: visible and label biases so each unit alone matches its data "
             "marginal (hidden biases 0); zero: all biases 0"},
    EBM_PARAM_END};

/* ---------------------------------------------------------------- helpers */

/* Σ_j w_ij s_j + b_i in double (w_ii = 0, so s_i itself does not count). */
static double field(const boltzmann *m, const float *s, size_t i) {
    const float *row = m->w + i * m->n;
    double h = m->b[i];
    for (size_t j = 0; j < m->n; j++) h += (double)row[j] * s[j];
    return h;
}

/* What flipping unit i adds to s_i: 1 − 2s_i for {0,1}, −2s_i for ±1. */
static double flip_step(const boltzmann *m, float s_i) {
    return m->pm1 ? -2.0 * s_i : 1.0 - 2.0 * s_i;
}

static int data_bit(float x) { return x > 0.5f; }

/* With no weights a unit is on with probability σ(b/T) ({0,1}) or σ(2b/T)
 * (±1); b is set so that this equals the data's marginal, smoothed by
 * (count + ½)/(rows + 1) so it never reaches 0 or 1. */
static void init_biases_from_data(boltzmann *m, const ebm_dataset *train) {
    for (size_t i = 0; i < m->n_data; i++) {
        double on = 0.0;
        for (size_t r = 0; r < train->n; r++) on += data_bit(train->x[r * train->dim + i]);
        double p = (on + 0.5) / ((double)train->n + 1.0);
        double logit = log(p / (1.0 - p));
        m->b[i] = (float)(m->temperature * logit * (m->pm1 ? 0.5 : 1.0));
    }
}

/* ---------------------------------------------------------------- ops */

static void boltzmann_destroy(void *model) {
    boltzmann *m = model;
    if (!m) return;
    free(m->w);
    free(m->b);
    free(m->data_mask);
    free(m);
}

static void boltzmann_size(const ebm_node *cfg, size_t data_dim, ebm_model_size *out) {
    double units = (double)data_dim + (double)ebm_cfg_int(cfg, "hidden", 0);
    *out = (ebm_model_size){.units = units, .params = units * units + units, .key = "hidden"};
}

static int boltzmann_create(const ebm_node *cfg, const ebm_dataset *train,
                            ebm_rng *rng, void **out, ebm_error *err) {
    *out = NULL;
    if (!train || train->dim == 0)
        return ebm_fail(err, EBM_EINVAL,
                        "boltzmann: needs training data to fix the number of "
                        "visible units");
    int64_t hidden = ebm_cfg_int(cfg, "hidden", 0);
    int64_t labels = ebm_cfg_int(cfg, "labels", 0);
    if (hidden < 0 || labels < 0)
        return ebm_fail(err, EBM_ECONFIG, "boltzmann: hidden and labels must be >= 0");
    if ((uint64_t)labels > train->dim)
        return ebm_fail(err, EBM_ECONFIG,
                        "boltzmann: labels: %lld label units, but data rows have "
                        "only %zu columns (set data.append_labels: true to append "
                        "one-hot labels)", (long long)labels, train->dim);
    if ((uint64_t)hidden > 32768 || train->dim + (size_t)hidden > 32768)
        return ebm_fail(err, EBM_ELIMIT,
                        "boltzmann: %zu data + %lld hidden units; at most 32768 "
                        "units are supported", train->dim, (long long)hidden);
    const char *units = ebm_cfg_str(cfg, "units", "binary");
    if (strcmp(units, "binary") != 0 && strcmp(units, "pm1") != 0)
        return ebm_fail(err, EBM_ECONFIG, "boltzmann: unknown units '%s' "
                        "(binary or pm1)", units);
    double temperature = ebm_cfg_double(cfg, "temperature", 1.0);
    if (!(temperature > 0.0) || !isfinite(temperature))
        return ebm_fail(err, EBM_ECONFIG, "boltzmann: temperature must be > 0 "
                        "(it is %g)", temperature);
    double scale = ebm_cfg_double(cfg, "init_scale", 0.01);

    boltzmann *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "boltzmann: out of memory");
    m->n_data = train->dim;
    m->n_labels = (size_t)labels;
    m->n_hidden = (size_t)hidden;
    m->n = m->n_data + m->n_hidden;
    m->pm1 = strcmp(units, "pm1") == 0;
    m->low = m->pm1 ? -1.0f : 0.0f;
    m->high = 1.0f;
    m->temperature = temperature;
    size_t n = m->n;
    m->w = calloc(n * n, sizeof *m->w);
    m->b = calloc(n, sizeof *m->b);
    m->data_mask = calloc(n, 1);
    if (!m->w || !m->b || !m->data_mask) {
        boltzmann_destroy(m);
        return ebm_fail(err, EBM_ENOMEM,
                        "boltzmann: out of memory for %zu x %zu weights", n, n);
    }
    memset(m->data_mask, 1, m->n_data);
    if (scale > 0.0) {
        /* Tests build models without a run's rng; they get a fixed stream. */
        ebm_rng fallback;
        if (!rng) {
            ebm_rng_seed(&fallback, 0);
            rng = &fallback;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                m->w[i * n + j] = m->w[j * n + i] = (float)(scale * ebm_rng_normal(rng));
    }
    if (strcmp(ebm_cfg_str(cfg, "bias_init", "data"), "data") == 0 && train->n > 0)
        init_biases_from_data(m, train);
    *out = m;
    return EBM_OK;
}

static size_t boltzmann_units(void *model) { return ((boltzmann *)model)->n; }

static double boltzmann_energy(void *model, const float *s) {
    const boltzmann *m = model;
    double e = 0.0;
    for (size_t i = 0; i < m->n; i++) {
        if (s[i] == 0.0f) continue;
        double wsum = field(m, s, i) - m->b[i];
        e -= s[i] * (0.5 * wsum + m->b[i]);
    }
    return e;
}

static int boltzmann_params_of(void *model, ebm_tensor *out, int max) {
    boltzmann *m = model;
    ebm_tensor t[2] = {
        {.name = "W", .data = m->w, .rank = 2, .shape = {m->n, m->n}},
        {.name = "b", .data = m->b, .rank = 1, .shape = {m->n}},
    };
    return ebm_tensor_list(out, max, t, 2);
}

/* Data values above one half are "on"; hidden units start at the low value. */
static void boltzmann_encode(void *model, const float *row, float *s) {
    const boltzmann *m = model;
    for (size_t i = 0; i < m->n_data; i++) s[i] = data_bit(row[i]) ? m->high : m->low;
    for (size_t i = m->n_data; i < m->n; i++) s[i] = m->low;
}

static void boltzmann_decode(void *model, const float *s, float *row) {
    const boltzmann *m = model;
    for (size_t i = 0; i < m->n_data; i++) row[i] = s[i] > 0.0f ? 1.0f : 0.0f;
}

/* E(s with s_i → s_i + d) − E(s) = −d (Σ_j w_ij s_j + b_i), W symmetric with
 * zero diagonal; d = 1 − 2s_i ({0,1}) or −2s_i (±1). */
static double boltzmann_flip_energy(void *model, const float *s, size_t i) {
    const boltzmann *m = model;
    return -flip_step(m, s[i]) * field(m, s, i);
}

static void boltzmann_flip_energies(void *model, const float *s, double *delta) {
    const boltzmann *m = model;
    for (size_t i = 0; i < m->n; i++) delta[i] = -flip_step(m, s[i]) * field(m, s, i);
}

static int boltzmann_pairwise(void *model, ebm_pairwise *out) {
    const boltzmann *m = model;
    *out = (ebm_pairwise){.w = m->w, .bias = m->b};
    return 1;
}

static void boltzmann_flip_unit(void *model, float *s, size_t i) {
    const boltzmann *m = model;
    s[i] = s[i] > 0.5f * (m->low + m->high) ? m->low : m->high;
}

static double boltzmann_temperature(void *model) {
    return ((boltzmann *)model)->temperature;
}

static const unsigned char *boltzmann_data_mask(void *model) {
    return ((boltzmann *)model)->data_mask;
}

static void boltzmann_unit_values(void *model, float *low, float *high) {
    const boltzmann *m = model;
    for (size_t i = 0; i < m->n; i++) {
        low[i] = m->low;
        high[i] = m->high;
    }
}

/* w_ij = w_ji is one parameter, so ∂E/∂w_ij = −s_i s_j (i ≠ j), and
 * ∂E/∂b_i = −s_i. grads must be (W, b) as xParams gives them and symmetric on
 * entry; the upper triangle is accumulated by syrk and mirrored. */
static int boltzmann_energy_grad(void *model, const float *states, size_t count,
                                 double scale, ebm_tensor *grads, ebm_error *err) {
    const boltzmann *m = model;
    size_t n = m->n;
    if (count == 0) return ebm_fail(err, EBM_EINVAL, "boltzmann: energy gradient of no states");
    if (count > (size_t)INT_MAX)
        return ebm_fail(err, EBM_ELIMIT, "boltzmann: energy gradient of %zu states", count);
    if (!grads || !grads[0].data || !grads[1].data || ebm_tensor_size(&grads[0]) != n * n ||
        ebm_tensor_size(&grads[1]) != n)
        return ebm_fail(err, EBM_EINVAL,
                        "boltzmann: gradient tensors must be W (%zu x %zu) and b (%zu)",
                        n, n, n);
    float *gw = grads[0].data, *gb = grads[1].data;
    double per_state = scale / (double)count;
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)count,
                (float)-per_state, states, (int)n, 1.0f, gw, (int)n);
    for (size_t i = 0; i < n; i++) {
        gw[i * n + i] = 0.0f;
        for (size_t j = i + 1; j < n; j++) gw[j * n + i] = gw[i * n + j];
    }
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (size_t r = 0; r < count; r++) sum += states[r * n + i];
        gb[i] += (float)(-per_state * sum);
    }
    return EBM_OK;
}

static const ebm_model_binary boltzmann_binary = {
    .xFlipEnergies = boltzmann_flip_energies,
    .xFlipEnergy = boltzmann_flip_energy,
    .xFlipUnit = boltzmann_flip_unit,
    .xUnitValues = boltzmann_unit_values,
    .xPairwise = boltzmann_pairwise,
};

static const ebm_model_learning boltzmann_learning = {
    .xEnergyGrad = boltzmann_energy_grad,
};

const ebm_model_ops ebm_model_boltzmann = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "boltzmann",
             .help = "Boltzmann machine: visible, label and hidden units, {0,1} or "
                     "+-1, E = -1/2 s'Ws - b's, p = exp(-E/T)/Z, contrastive training",
             .params = boltzmann_params},
    .example = "{data: {type: bars_stripes, side: 2}, model: {type: boltzmann, hidden: 3, "
               "init_scale: 0.5}}",
    .xCreate = boltzmann_create,
    .xSize = boltzmann_size,
    .xDestroy = boltzmann_destroy,
    .xUnits = boltzmann_units,
    .xEnergy = boltzmann_energy,
    .xParams = boltzmann_params_of,
    .xEncode = boltzmann_encode,
    .xDecode = boltzmann_decode,
    .xTemperature = boltzmann_temperature,
    .xDataMask = boltzmann_data_mask,
    .binary = &boltzmann_binary,
    .learning = &boltzmann_learning,
};
