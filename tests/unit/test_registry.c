/* test_registry.c — the registry's contract test: walks every built-in
 * plugin and holds it to its kind's interface (ebm_registry_check: unique
 * names, one line of help, this build's interface version, the required ops,
 * a parameter table whose every default validates), and checks that the
 * lookups agree with the plugin list. */
#include "test.h"

#include "catalog.h"
#include "contract.h"
#include "plugins.h"
#include "registry.h"
#include "validate.h"

TEST(every_plugin_keeps_the_contract) {
    ebm_diags diags = {0};
    int problems = ebm_registry_check(&diags);
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "  contract: %s\n", diags.items[i]);
    ebm_diags_free(&diags);
    ASSERT_EQ(problems, 0);
}

TEST(lookups_agree_with_the_list) {
    for (int kind = 0; kind < EBM_KIND_COUNT; kind++) {
        const ebm_plugin *p;
        int count = 0;
        for (int i = 0; (p = ebm_registry_at((ebm_kind)kind, i)); i++, count++)
            ASSERT(ebm_registry_find((ebm_kind)kind, p->name) == p);
        ASSERT(count > 0);
        ASSERT(ebm_registry_find((ebm_kind)kind, "no-such-plugin") == NULL);
    }
    const ebm_sampler_ops *s;
    for (int i = 0; (s = ebm_sampler_at(i)); i++)
        ASSERT(ebm_registry_find(EBM_KIND_SAMPLER, s->info.name) == &s->info);
    ASSERT(ebm_registry_find(EBM_KIND_MODEL, "rbm") == &ebm_model_rbm.info);
    ASSERT(ebm_sampler_find("pcd") == &ebm_sampler_pcd);
}

/* The check itself catches what it exists for: a table with a default
 * outside its range, an enum default that is no choice, a missing help. */
TEST(a_broken_table_is_caught) {
    static const ebm_param broken[] = {
        {"rate", EBM_P_FLOAT, "0", "(0, inf)", NULL, "a rate", 0, NULL, 0},
        {"rule", EBM_P_ENUM, "fast", NULL, "slow|careful", "a rule", 0, NULL, 0},
        {"count", EBM_P_INT, "1.5", "[1, inf)", NULL, "a count", 0, NULL, 0},
        {"quiet", EBM_P_BOOL, "false", NULL, NULL, NULL, 0, NULL, 0},
        EBM_PARAM_END};
    ebm_diags diags = {0};
    ASSERT_EQ(ebm_param_table_check(broken, "toy", &diags), 4);
    ebm_diags_free(&diags);
}

int main(void) {
    RUN(every_plugin_keeps_the_contract);
    RUN(lookups_agree_with_the_list);
    RUN(a_broken_table_is_caught);
    TEST_MAIN_END();
}
