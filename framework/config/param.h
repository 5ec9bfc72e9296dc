/* param.h — parameter tables: what a plugin (or a framework section) accepts.
 * One table drives `ebm list`, config validation and the defaults filled into
 * the resolved config, so the three can never disagree. */
#ifndef EBM_PARAM_H
#define EBM_PARAM_H

typedef enum {
    EBM_P_INT,      /* integer scalar */
    EBM_P_FLOAT,    /* real scalar */
    EBM_P_BOOL,
    EBM_P_STRING,
    EBM_P_ENUM,     /* one of `choices` ("a|b|c") */
    EBM_P_FLOATS,   /* a number or a list of numbers */
    EBM_P_TABLE,    /* a nested map described by `sub` */
    EBM_P_PLUGIN,   /* a map {type: NAME, ...} naming a plugin of `kind` */
    EBM_P_PLUGINS,  /* a list of such maps */
    EBM_P_TABLES,   /* a list of maps, each described by `sub` */
    EBM_P_ANY       /* free-form; checked by whoever reads it */
} ebm_param_type;

enum {
    EBM_PF_REQUIRED = 1,  /* no default: the config must give it */
    EBM_PF_OPTIONAL = 2,  /* no default: may be absent (getters get their def) */
    EBM_PF_STATES = 4     /* an integer counting states the plugin holds at once
                             (chains, runs): the memory check multiplies the
                             ones of a section with the length of a state */
};

typedef struct ebm_param ebm_param;
struct ebm_param {
    const char *name;
    ebm_param_type type;
    const char *def;       /* default, as YAML text; NULL with a flag above */
    const char *range;     /* numbers: interval such as "[0, 1]", "(0, inf)",
                              "[1, inf)"; NULL = any */
    const char *choices;   /* EBM_P_ENUM: "hebbian|storkey|pseudo_inverse" */
    const char *help;      /* one line */
    int flags;
    const ebm_param *sub;  /* EBM_P_TABLE(S): its table; EBM_P_PLUGIN(S): keys
                              every plugin accepts there besides its own */
    int kind;              /* EBM_P_PLUGIN(S): an ebm_kind */
};

/* Tables end with an entry whose name is NULL. */
#define EBM_PARAM_END { 0 }

#endif
