/* schema.c — the tables behind schema.h: every key the framework itself
 * reads from an experiment, with its type, default, range and help. */
#include "schema.h"

#include <string.h>

#include "registry.h"
#include "optim.h"

#define END EBM_PARAM_END

/* Keys every dataset accepts besides its own. */
static const ebm_param data_common[] = {
    {.name = "valid", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "rows held out from the end of the data as the validation split"},
    {.name = "append_labels", .type = EBM_P_BOOL, .def = "false",
     .help = "append each row's label as one-hot columns (for models with label units)"},
    {.name = "standardize", .type = EBM_P_BOOL, .def = "false",
     .help = "shift and scale each column to mean 0, variance 1 by the training split's "
             "statistics (Gaussian visible units)"},
    END};

static const ebm_param train_params[] = {
    {.name = "epochs", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "passes over the training data, for models that learn by gradient steps"},
    {.name = "batch", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "minibatch size; 0 = the whole training set"},
    {.name = "shuffle", .type = EBM_P_BOOL, .def = "true",
     .help = "shuffle the training rows before every epoch"},
    {.name = "optim", .type = EBM_P_TABLE, .sub = ebm_optim_params,
     .help = "the optimiser: SGD with momentum, or Adam; weight decay and lr decay"},
    {.name = "sampler", .type = EBM_P_PLUGIN, .flags = EBM_PF_OPTIONAL,
     .kind = EBM_KIND_SAMPLER,
     .help = "contrastive (maximum-likelihood) training: the model term's "
             "sampler, cd (CD-k), pcd (persistent chains) or pt (tempering)"},
    {.name = "positive_sweeps", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "Gibbs sweeps over the hidden units with the data clamped (models "
             "whose hidden units cannot be summed out exactly)"},
    {.name = "on_divergence", .type = EBM_P_ENUM, .def = "stop", .choices = "stop|skip_batch",
     .help = "a NaN or infinite gradient: stop the run naming the step and "
             "parameter, or skip that minibatch and count it (metric "
             "train_skipped_batches)"},
    {.name = "max_abs_param", .type = EBM_P_FLOAT, .def = "1e8", .range = "(0, inf)",
     .help = "checked after every epoch: a parameter larger than this in size "
             "(or NaN, or infinite) means training diverged, and the run stops "
             "naming it, whatever on_divergence says"},
    END};

static const ebm_param checkpoint_params[] = {
    {.name = "steps", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "write a checkpoint every this many gradient steps (0: by time only)"},
    {.name = "minutes", .type = EBM_P_FLOAT, .def = "10", .range = "[0, inf)",
     .help = "write a checkpoint when this long has passed since the last (0: "
             "by steps only); one is also written after set-up and on Ctrl-C"},
    END};

static const ebm_param log_every_params[] = {
    {.name = "epochs", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "evaluate estimators every this many epochs (and at the start and end)"},
    END};

static const ebm_param estimator_every_params[] = {
    {.name = "epochs", .type = EBM_P_INT, .range = "[1, inf)", .flags = EBM_PF_OPTIONAL,
     .help = "evaluate this estimator every this many epochs (default: log.every)"},
    END};

/* Keys every estimator accepts besides its own. */
static const ebm_param estimator_common[] = {
    {.name = "name", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "metric name prefix (default: the estimator type)"},
    {.name = "split", .type = EBM_P_ENUM, .def = "train", .choices = "train|valid|test",
     .help = "the data the estimator reads: the training rows, the validation "
             "rows, or the dataset of `test`"},
    {.name = "test", .type = EBM_P_PLUGIN, .flags = EBM_PF_OPTIONAL,
     .kind = EBM_KIND_DATASET,
     .help = "with split: test, the dataset to read, e.g. {type: fashion_mnist, "
             "split: test}"},
    {.name = "every", .type = EBM_P_TABLE, .sub = estimator_every_params,
     .help = "how often this estimator runs"},
    END};

static const ebm_param log_params[] = {
    {.name = "every", .type = EBM_P_TABLE, .sub = log_every_params,
     .help = "how often the log points come"},
    {.name = "at_start", .type = EBM_P_BOOL, .def = "true",
     .help = "a log point at step 0, before training, where every estimator runs "
             "(0 is a multiple of any `every`; false: skip it, e.g. when an "
             "estimator is expensive and the start is known)"},
    {.name = "estimators", .type = EBM_P_PLUGINS, .def = "[]",
     .kind = EBM_KIND_ESTIMATOR, .sub = estimator_common,
     .help = "what to measure at each log point"},
    {.name = "headline", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "the metric the progress line and the end-of-run and sweep tables lead "
             "with (default: the metric of the first expect entry, else the first "
             "estimator's first metric)"},
    END};

static const ebm_param crossing_params[] = {
    {.name = "metric", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "metric whose crossing is located"},
    {.name = "level", .type = EBM_P_FLOAT, .flags = EBM_PF_REQUIRED,
     .help = "the level it crosses"},
    {.name = "over", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "the swept key"},
    {.name = "direction", .type = EBM_P_ENUM, .def = "below", .choices = "below|above",
     .help = "crossing from above to below the level, or the reverse"},
    END};

static const ebm_param expect_params[] = {
    {.name = "quantity", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "what is compared, e.g. critical_load"},
    {.name = "value", .type = EBM_P_FLOAT, .flags = EBM_PF_OPTIONAL,
     .help = "the documented value"},
    {.name = "tolerance", .type = EBM_P_FLOAT, .range = "[0, inf)",
     .flags = EBM_PF_OPTIONAL, .help = "accepted distance from value"},
    {.name = "range", .type = EBM_P_FLOATS, .flags = EBM_PF_OPTIONAL,
     .help = "[low, high] accepted interval (instead of value ± tolerance)"},
    {.name = "source", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "citation of the documented value"},
    {.name = "metric", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "metric whose value is compared (single run)"},
    {.name = "reduce", .type = EBM_P_ENUM, .def = "final", .choices = "final|max|min|mean",
     .help = "how the metric's series becomes one number"},
    {.name = "at", .type = EBM_P_ANY, .flags = EBM_PF_OPTIONAL,
     .help = "sweep point to read the metric at, as {key: value}"},
    {.name = "crossing", .type = EBM_P_TABLE, .flags = EBM_PF_OPTIONAL,
     .sub = crossing_params,
     .help = "the swept value at which a metric crosses a level"},
    END};

const ebm_param ebm_experiment_params[] = {
    {.name = "name", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "experiment name; names the run directory"},
    {.name = "description", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "what the experiment shows"},
    {.name = "seed", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "seeds every random stream of the run"},
    {.name = "threads", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "threads for the dense algebra and sampling; 0 = OMP_NUM_THREADS, "
             "else every core (results are the same for any number)"},
    {.name = "data", .type = EBM_P_PLUGIN, .flags = EBM_PF_REQUIRED,
     .kind = EBM_KIND_DATASET, .sub = data_common, .help = "the dataset"},
    {.name = "model", .type = EBM_P_PLUGIN, .flags = EBM_PF_REQUIRED,
     .kind = EBM_KIND_MODEL, .help = "the model"},
    {.name = "train", .type = EBM_P_TABLE, .sub = train_params,
     .help = "how the model learns"},
    {.name = "log", .type = EBM_P_TABLE, .sub = log_params,
     .help = "what is measured and when"},
    {.name = "checkpoint", .type = EBM_P_TABLE, .sub = checkpoint_params,
     .help = "how often training state is saved for `ebm run --resume DIR`"},
    {.name = "sweep", .type = EBM_P_ANY, .flags = EBM_PF_OPTIONAL,
     .help = "map of key: sweep expression, as on the ebm sweep command line"},
    {.name = "expect", .type = EBM_P_TABLES, .flags = EBM_PF_OPTIONAL,
     .sub = expect_params,
     .help = "documented values this experiment reproduces"},
    END};

const char *ebm_schema_headline(const ebm_node *cfg) {
    const char *named = cfg ? ebm_cfg_str(cfg, "log.headline", "") : "";
    if (named[0]) return named;
    const ebm_node *expect = cfg ? ebm_node_child(cfg, "expect") : NULL;
    if (!expect || expect->kind != EBM_NODE_SEQ || expect->n == 0) return "";
    const ebm_node *first = expect->values[0];
    const char *metric = ebm_cfg_str(first, "metric", "");
    return metric[0] ? metric : ebm_cfg_str(first, "crossing.metric", "");
}

const ebm_param *ebm_param_find(const ebm_param *table, const char *name) {
    for (const ebm_param *p = table; p && p->name; p++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}
