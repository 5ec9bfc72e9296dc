/* test_fastmath.c — ebm_fast_expf against libm's expf over its range, and
 * defined on the inputs a diverged model feeds it: NaN gives NaN, ±inf and
 * values beyond ±80 give the clamp's e^±80 (no undefined conversion of a
 * NaN to an integer, which UBSan reports). */
#include <float.h>

#include "fastmath.h"
#include "test.h"

TEST(matches_expf_inside_the_clamp) {
    for (float x = -80.0f; x <= 80.0f; x += 0.37f)
        ASSERT_NEAR(ebm_fast_expf(x) / expf(x), 1.0, 1e-6);
}

TEST(nan_and_infinities) {
    ASSERT(isnan(ebm_fast_expf(NAN)));
    ASSERT(isnan(ebm_fast_expf(-NAN)));
    ASSERT_NEAR(ebm_fast_expf(INFINITY) / expf(80.0f), 1.0, 1e-6);
    ASSERT_NEAR(ebm_fast_expf(-INFINITY) / expf(-80.0f), 1.0, 1e-6);
    ASSERT_NEAR(ebm_fast_expf(FLT_MAX) / expf(80.0f), 1.0, 1e-6);
    ASSERT_NEAR(ebm_fast_expf(-FLT_MAX) / expf(-80.0f), 1.0, 1e-6);
    ASSERT(isnan(ebm_fast_expm1f_nonneg(NAN)));
}

int main(void) {
    RUN(matches_expf_inside_the_clamp);
    RUN(nan_and_infinities);
    TEST_MAIN_END();
}
