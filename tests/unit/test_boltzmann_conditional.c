/* test_boltzmann_conditional.c — the Boltzmann machine's distribution
 * against exact enumeration: the single-site conditional (and the lecture
 * notes' wrong factor), what low temperature does, and the ±1 ↔ {0,1}
 * conversion of docs/math.md. */
#include "test.h"

#include "boltzmann_testutil.h"
#include "enumerate.h"

#define N_UNITS 6
#define N_STATES (1u << N_UNITS)

/* Every state's probability, indexed by its bits (bit i = unit i high). */
typedef struct table {
    float low;
    double t, log_p[N_STATES];
} table;

static int record(const float *s, double energy, void *ctx) {
    table *tab = ctx;
    unsigned k = 0;
    for (unsigned i = 0; i < N_UNITS; i++) k |= (s[i] != tab->low) << i;
    tab->log_p[k] = -energy / tab->t;
    return 0;
}

/* log p(s) for all states through ebm_enum_visit and ebm_enum_log_z. */
static int exact_table(void *m, table *tab) {
    ebm_enum e;
    ebm_error err = {0};
    if (ebm_enum_init(&e, &ebm_model_boltzmann, m, 20, &err)) return -1;
    float s[N_UNITS] = {0};
    double log_z;
    tab->low = e.low[0];
    tab->t = e.temperature;
    ebm_enum_visit(&e, s, e.all, N_UNITS, record, tab);
    int rc = ebm_enum_log_z(&e, &log_z, &err);
    for (unsigned k = 0; k < N_STATES; k++) tab->log_p[k] -= log_z;
    ebm_enum_free(&e);
    return rc;
}

/* p(s_i = high | rest) = p(s^hi) / (p(s^hi) + p(s^lo)) = σ(−(E(s^hi) − E(s^lo))/T).
 * With ΔE = −(high − low)(Σ_j w_ij s_j + b_i) that is σ((Σ_j w_ij s_j + b_i)/T)
 * for {0,1} and σ(2h_i/T) for ±1, as docs/math.md says. The notes' σ((Σ_j w_ij y_j
 * + 2b_i)/T) is checked to miss on the same cases. */
TEST(single_site_conditional_matches_enumeration) {
    const char *cfgs[4] = {"{hidden: 2, temperature: 1}",
                           "{hidden: 2, temperature: 0.5}",
                           "{hidden: 2, temperature: 1, units: pm1}",
                           "{hidden: 2, temperature: 0.5, units: pm1}"};
    for (int c = 0; c < 4; c++) {
        int pm1 = c >= 2;
        void *m = bm_new(cfgs[c], N_UNITS - 2);
        ASSERT(m);
        bm_randomise(m, 0.8, 0.6, 100 + (uint64_t)c);
        table tab;
        ASSERT_OK(exact_table(m, &tab));
        const float *w = bm_w(m), *b = bm_b(m);
        float s[N_UNITS];
        double worst_notes = 0.0;
        for (unsigned k = 0; k < N_STATES; k++) {
            for (unsigned i = 0; i < N_UNITS; i++) {
                if (k & (1u << i)) continue;    /* k is the state with s_i low */
                unsigned hi = k | (1u << i);
                double ratio = 1.0 / (1.0 + exp(tab.log_p[k] - tab.log_p[hi]));
                bm_state_of(k, N_UNITS, tab.low, 1.0f, s);
                double wsum = 0.0;
                for (unsigned j = 0; j < N_UNITS; j++) wsum += (double)w[i * N_UNITS + j] * s[j];
                double h = wsum + b[i];
                double math = pm1 ? bm_sigmoid(2.0 * h / tab.t) : bm_sigmoid(h / tab.t);
                double generic = bm_sigmoid(-ebm_model_flip_energy(&ebm_model_boltzmann, m, s, i) / tab.t);
                ASSERT_NEAR(ratio, math, 1e-9);
                ASSERT_NEAR(ratio, generic, 1e-9);
                if (pm1) {
                    double notes = bm_sigmoid((wsum + 2.0 * b[i]) / tab.t);
                    if (fabs(notes - ratio) > worst_notes) worst_notes = fabs(notes - ratio);
                }
            }
        }
        if (pm1) ASSERT(worst_notes > 0.1);
        ebm_model_boltzmann.xDestroy(m);
    }
}

/* The smallest case where the notes and docs/math.md differ: two ±1 units, w = 1,
 * b = 0, T = 1, the other unit +1. p(y_0 = +1 | y_1 = +1) = e/(e + e^{-1})
 * = σ(2) ≈ 0.881 (states ++ and −+ have energies −1 and +1); the notes'
 * σ(Σ w y + 2b) = σ(1) ≈ 0.731. */
TEST(notes_conditional_factor_is_wrong) {
    void *m = bm_new("{units: pm1, init_scale: 0}", 2);
    float *w = bm_w(m);
    w[1] = w[2] = 1.0f;
    float pp[2] = {1, 1}, mp[2] = {-1, 1};
    double e_pp = ebm_model_boltzmann.xEnergy(m, pp), e_mp = ebm_model_boltzmann.xEnergy(m, mp);
    ASSERT_NEAR(e_pp, -1.0, 0);
    ASSERT_NEAR(e_mp, 1.0, 0);
    double truth = exp(-e_pp) / (exp(-e_pp) + exp(-e_mp));
    ASSERT_NEAR(truth, bm_sigmoid(2.0), 1e-12);
    ASSERT(fabs(truth - bm_sigmoid(1.0)) > 0.14);
    ebm_model_boltzmann.xDestroy(m);
}

/* p(argmin E) → 1 as T falls to 0.05 (the notes say probability moves to the
 * highest energy: p(argmax E) → 0 instead), and the bound
 * p(argmin) ≥ 1 / (1 + (2^N − 1) e^{−gap/T}) holds. */
TEST(low_temperature_concentrates_on_the_lowest_energy) {
    const double temps[4] = {1.0, 0.5, 0.2, 0.05};
    for (int pm1 = 0; pm1 < 2; pm1++) {
        double prev_min = 0.0, prev_max = 1.0;
        for (int k = 0; k < 4; k++) {
            char yaml[96];
            snprintf(yaml, sizeof yaml, "{hidden: 1, temperature: %g, units: %s}",
                     temps[k], pm1 ? "pm1" : "binary");
            void *m = bm_new(yaml, N_UNITS - 1);
            bm_randomise(m, 1.0, 1.0, 302);
            table tab;
            ASSERT_OK(exact_table(m, &tab));
            unsigned lowest = 0, highest = 0;
            double e_min = INFINITY, e_second = INFINITY, e_max = -INFINITY;
            float s[N_UNITS];
            for (unsigned st = 0; st < N_STATES; st++) {
                bm_state_of(st, N_UNITS, tab.low, 1.0f, s);
                double e = ebm_model_boltzmann.xEnergy(m, s);
                if (e < e_min) {
                    e_second = e_min;
                    e_min = e;
                    lowest = st;
                } else if (e < e_second) {
                    e_second = e;
                }
                if (e > e_max) {
                    e_max = e;
                    highest = st;
                }
            }
            double gap = e_second - e_min;
            ASSERT(gap > 0.4);   /* the seeds give a clear ground state */
            double p_min = exp(tab.log_p[lowest]), p_max = exp(tab.log_p[highest]);
            ASSERT(p_min >= 1.0 / (1.0 + (N_STATES - 1) * exp(-gap / temps[k])) - 1e-12);
            ASSERT(p_min > prev_min && p_max < prev_max);
            prev_min = p_min;
            prev_max = p_max;
            if (k == 3) {
                ASSERT(p_min > 0.99);
                ASSERT(p_max < 1e-20);
            }
            ebm_model_boltzmann.xDestroy(m);
        }
    }
}

/* y = 2s − 1: the ±1 model (W_y, b_y) and the {0,1} model with W_s = 4W_y,
 * b_s = 2b_y − 2W_y·1 give every state the same probability, at T = 1 and
 * T = 0.7, and their energies differ by a constant. */
TEST(pm1_and_binary_parametrisations_agree) {
    const double temps[2] = {1.0, 0.7};
    for (int k = 0; k < 2; k++) {
        char yaml[96];
        snprintf(yaml, sizeof yaml, "{hidden: 2, units: pm1, temperature: %g}", temps[k]);
        void *y_model = bm_new(yaml, N_UNITS - 2);
        snprintf(yaml, sizeof yaml, "{hidden: 2, units: binary, temperature: %g}", temps[k]);
        void *s_model = bm_new(yaml, N_UNITS - 2);
        bm_randomise(y_model, 0.7, 0.5, 400 + (uint64_t)k);
        float *wy = bm_w(y_model), *by = bm_b(y_model);
        /* Multiples of 1/64, so that the converted parameters are exact in
         * float and the two distributions agree to rounding in double. */
        for (unsigned i = 0; i < N_UNITS * N_UNITS; i++) wy[i] = roundf(64.0f * wy[i]) / 64.0f;
        for (unsigned i = 0; i < N_UNITS; i++) by[i] = roundf(64.0f * by[i]) / 64.0f;
        float *ws = bm_w(s_model), *bs = bm_b(s_model);
        for (unsigned i = 0; i < N_UNITS; i++) {
            double row = 0.0;
            for (unsigned j = 0; j < N_UNITS; j++) {
                ws[i * N_UNITS + j] = 4.0f * wy[i * N_UNITS + j];
                row += wy[i * N_UNITS + j];
            }
            bs[i] = (float)(2.0 * by[i] - 2.0 * row);
        }
        table ty, ts;
        ASSERT_OK(exact_table(y_model, &ty));
        ASSERT_OK(exact_table(s_model, &ts));
        float y[N_UNITS], s[N_UNITS];
        double offset = NAN;
        for (unsigned st = 0; st < N_STATES; st++) {
            ASSERT_NEAR(ty.log_p[st], ts.log_p[st], 1e-9);
            bm_state_of(st, N_UNITS, -1.0f, 1.0f, y);
            bm_state_of(st, N_UNITS, 0.0f, 1.0f, s);
            double d = ebm_model_boltzmann.xEnergy(y_model, y) -
                       ebm_model_boltzmann.xEnergy(s_model, s);
            if (st == 0) offset = d;
            ASSERT_NEAR(d, offset, 1e-9);
        }
        /* Without the conversion (W_s = W_y, b_s = b_y) they differ. */
        memcpy(ws, wy, sizeof(float) * N_UNITS * N_UNITS);
        memcpy(bs, by, sizeof(float) * N_UNITS);
        ASSERT_OK(exact_table(s_model, &ts));
        double worst = 0.0;
        for (unsigned st = 0; st < N_STATES; st++)
            worst = fmax(worst, fabs(ty.log_p[st] - ts.log_p[st]));
        ASSERT(worst > 0.5);
        ebm_model_boltzmann.xDestroy(y_model);
        ebm_model_boltzmann.xDestroy(s_model);
    }
}

int main(void) {
    RUN(single_site_conditional_matches_enumeration);
    RUN(notes_conditional_factor_is_wrong);
    RUN(low_temperature_concentrates_on_the_lowest_energy);
    RUN(pm1_and_binary_parametrisations_agree);
    TEST_MAIN_END();
}
