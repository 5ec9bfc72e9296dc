/* ising.c — the ising model: ±1 spins with fixed couplings, no training,
 * H = −Σ_{i<j} J_ij s_i s_j − h Σ_i s_i, either a Sherrington–Kirkpatrick
 * instance (J_ij ~ N(0, J²/N), drawn from the model stream) or an L × L
 * periodic nearest-neighbour lattice; for checking samplers against physics. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plugins.h"

#define MAX_SK_SPINS 20000            /* J is N × N floats */
#define MAX_GRID_SIDE 16384

typedef struct ising {
    int grid;              /* 0: SK (all pairs), 1: periodic square lattice */
    size_t n, side;
    double field, temperature;
    float *couplings;      /* SK: n × n symmetric, zero diagonal; grid: 1 (J) */
} ising;

static const ebm_param ising_params[] = {
    {.name = "lattice", .type = EBM_P_ENUM, .def = "sk", .choices = "sk|grid",
     .help = "sk: all pairs coupled, J_ij ~ N(0, coupling^2/n) (seed picks the "
             "instance); grid: side x side periodic lattice, nearest neighbours"},
    {.name = "n", .type = EBM_P_INT, .range = "[1, inf)", .flags = EBM_PF_OPTIONAL,
     .help = "lattice sk: number of spins"},
    {.name = "side", .type = EBM_P_INT, .range = "[2, inf)", .flags = EBM_PF_OPTIONAL,
     .help = "lattice grid: L, for L x L spins"},
    {.name = "coupling", .type = EBM_P_FLOAT, .def = "1",
     .help = "grid: J of every bond (> 0 ferromagnet); sk: the couplings' "
             "standard deviation times sqrt(n)"},
    {.name = "field", .type = EBM_P_FLOAT, .def = "0",
     .help = "uniform field h in -h * sum_i s_i"},
    {.name = "temperature", .type = EBM_P_FLOAT, .def = "1", .range = "(0, inf)",
     .help = "T in p(s) = exp(-H(s)/T)/Z (samplers use it unless they set their own)"},
    EBM_PARAM_END};

/* ---------------------------------------------------------------- energy */

/* The four neighbours of site i on the periodic lattice. */
static double neighbour_sum(const ising *m, const float *s, size_t i) {
    size_t L = m->side, r = i / L, c = i % L;
    size_t left = r * L + (c + L - 1) % L, right = r * L + (c + 1) % L;
    size_t up = ((r + L - 1) % L) * L + c, down = ((r + 1) % L) * L + c;
    return (double)s[left] + s[right] + s[up] + s[down];
}

/* Σ_j J_ij s_j: the coupling part of the local field on spin i. */
static double coupling_field(const ising *m, const float *s, size_t i) {
    if (m->grid) return m->couplings[0] * neighbour_sum(m, s, i);
    const float *row = m->couplings + i * m->n;
    double h = 0.0;
    for (size_t j = 0; j < m->n; j++) h += (double)row[j] * s[j];
    return h;
}

static double ising_energy(void *model, const float *s) {
    const ising *m = model;
    double pairs = 0.0, magnet = 0.0;
    for (size_t i = 0; i < m->n; i++) {
        magnet += s[i];
        if (m->grid) {
            /* Each bond once: to the right and downwards. */
            size_t L = m->side, r = i / L, c = i % L;
            pairs += (double)m->couplings[0] * s[i] *
                     ((double)s[r * L + (c + 1) % L] + s[((r + 1) % L) * L + c]);
        } else {
            const float *row = m->couplings + i * m->n;
            double h = 0.0;
            for (size_t j = i + 1; j < m->n; j++) h += (double)row[j] * s[j];
            pairs += s[i] * h;
        }
    }
    return -pairs - m->field * magnet;
}

/* Flipping s_i changes H by 2 s_i (Σ_j J_ij s_j + h). */
static double ising_flip_energy(void *model, const float *s, size_t i) {
    const ising *m = model;
    return 2.0 * s[i] * (coupling_field(m, s, i) + m->field);
}

static void ising_flip_energies(void *model, const float *s, double *delta) {
    const ising *m = model;
    for (size_t i = 0; i < m->n; i++) delta[i] = ising_flip_energy(model, s, i);
}

/* H = −½ sᵀJs − h Σ_i s_i, J with zero diagonal: pairwise for SK only. */
static int ising_pairwise(void *model, ebm_pairwise *out) {
    const ising *m = model;
    if (m->grid) return 0;
    *out = (ebm_pairwise){.w = m->couplings, .field = m->field};
    return 1;
}

static void ising_flip_unit(void *model, float *s, size_t i) {
    (void)model;
    s[i] = -s[i];
}

static double ising_temperature(void *model) {
    return ((const ising *)model)->temperature;
}

static void ising_unit_values(void *model, float *low, float *high) {
    const ising *m = model;
    for (size_t i = 0; i < m->n; i++) {
        low[i] = -1.0f;
        high[i] = 1.0f;
    }
}

/* Data rows ({0,1}) as spins; the model ignores data, but `ebm sample` and
 * estimators may still hand it rows. */
static void ising_encode(void *model, const float *row, float *s) {
    const ising *m = model;
    for (size_t i = 0; i < m->n; i++) s[i] = row[i] > 0.5f ? 1.0f : -1.0f;
}

static void ising_decode(void *model, const float *s, float *row) {
    const ising *m = model;
    for (size_t i = 0; i < m->n; i++) row[i] = s[i] > 0 ? 1.0f : 0.0f;
}

/* ---------------------------------------------------------------- life cycle */

static int ising_create(const ebm_node *cfg, const ebm_dataset *train,
                        ebm_rng *rng, void **out, ebm_error *err) {
    (void)train;   /* the couplings are given, not learnt */
    int grid = strcmp(ebm_cfg_str(cfg, "lattice", "sk"), "grid") == 0;
    int64_t n = ebm_cfg_int(cfg, "n", 0), side = ebm_cfg_int(cfg, "side", 0);
    double coupling = ebm_cfg_double(cfg, "coupling", 1.0);
    if (grid && side < 2)
        return ebm_fail(err, EBM_ECONFIG, "model.side: lattice grid needs side >= 2");
    if (!grid && n < 1)
        return ebm_fail(err, EBM_ECONFIG, "model.n: lattice sk needs n >= 1 spins");
    if (grid ? side > MAX_GRID_SIDE : n > MAX_SK_SPINS)
        return ebm_fail(err, EBM_ELIMIT, "model: at most %s", grid
                        ? "16384 x 16384 grid spins" : "20000 SK spins (J is n x n)");
    ising *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "ising: out of memory");
    m->grid = grid;
    m->side = grid ? (size_t)side : 0;
    m->n = grid ? (size_t)side * (size_t)side : (size_t)n;
    m->field = ebm_cfg_double(cfg, "field", 0.0);
    m->temperature = ebm_cfg_double(cfg, "temperature", 1.0);
    size_t count = grid ? 1 : m->n * m->n;
    m->couplings = calloc(count, sizeof *m->couplings);
    if (!m->couplings) {
        free(m);
        return ebm_fail(err, EBM_ENOMEM, "ising: out of memory for %zu couplings", count);
    }
    if (grid) {
        m->couplings[0] = (float)coupling;
    } else {
        double scale = coupling / sqrt((double)m->n);
        for (size_t i = 0; i < m->n; i++)
            for (size_t j = i + 1; j < m->n; j++) {
                float v = (float)(scale * ebm_rng_normal(rng));
                m->couplings[i * m->n + j] = m->couplings[j * m->n + i] = v;
            }
    }
    *out = m;
    return EBM_OK;
}

static void ising_destroy(void *model) {
    ising *m = model;
    if (!m) return;
    free(m->couplings);
    free(m);
}

static size_t ising_units(void *model) { return ((const ising *)model)->n; }

static int ising_params_out(void *model, ebm_tensor *out, int max) {
    ising *m = model;
    if (max < 1) return 0;
    out[0] = (ebm_tensor){.name = "J", .data = m->couplings};
    if (m->grid) {
        out[0].rank = 1;
        out[0].shape[0] = 1;
    } else {
        out[0].rank = 2;
        out[0].shape[0] = out[0].shape[1] = m->n;
    }
    return 1;
}

/* Each lattice takes its own size key: n for sk, side for grid. */
static void ising_check(const ebm_node *experiment, ebm_diags *diags) {
    const char *lattice = ebm_cfg_str(experiment, "model.lattice", "sk");
    int grid = strcmp(lattice, "grid") == 0;
    const char *needed = grid ? "side" : "n", *other = grid ? "n" : "side";
    char path[32];
    snprintf(path, sizeof path, "model.%s", needed);
    if (!ebm_node_at(experiment, path)) {
        ebm_mark at = ebm_mark_near(experiment, "model.lattice");
        ebm_diags_add(diags, "%s: model.%s: missing: lattice %s needs %s",
                      ebm_where_of(at).text, needed, lattice,
                      grid ? "side (L, for L x L spins)" : "n (the number of spins)");
    }
    snprintf(path, sizeof path, "model.%s", other);
    if (ebm_node_at(experiment, path)) {
        ebm_mark at = ebm_mark_near(experiment, path);
        ebm_diags_add(diags, "%s: model.%s: applies to lattice %s, not %s; "
                      "use %s", ebm_where_of(at).text, other,
                      grid ? "sk" : "grid", lattice, needed);
    }
}

static const ebm_model_binary ising_binary = {
    .xFlipEnergies = ising_flip_energies,
    .xFlipEnergy = ising_flip_energy,
    .xFlipUnit = ising_flip_unit,
    .xUnitValues = ising_unit_values,
    .xPairwise = ising_pairwise,
};

const ebm_model_ops ebm_model_ising = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "ising",
             .help = "Ising spins with fixed couplings (no training): an SK spin "
                     "glass or a periodic 2-D ferromagnet, for checking samplers",
             .params = ising_params},
    .example = "{data: {type: none}, model: {type: ising, lattice: sk, n: 8, field: 0.3, "
               "temperature: 1.5}}",
    .xCreate = ising_create,
    .xDestroy = ising_destroy,
    .xUnits = ising_units,
    .xEnergy = ising_energy,
    .xParams = ising_params_out,
    .xCheck = ising_check,
    .xEncode = ising_encode,
    .xDecode = ising_decode,
    .xTemperature = ising_temperature,
    .binary = &ising_binary,
};
