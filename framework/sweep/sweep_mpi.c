/* sweep_mpi.c — `ebm sweep` spread over MPI ranks: rank 0 hands points out
 * one at a time as ranks ask (so a slow point never idles the others) while
 * running its own share; each rank runs its points as child processes. */
#include "sweep_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc.h"

/* The launchers' variables: Open MPI's mpirun, Hydra/Slurm PMI-1 and PMI-2,
 * PMIx (srun --mpi=pmix, newer mpiruns) and MVAPICH. */
static const char *const size_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                        "MV2_COMM_WORLD_SIZE", NULL};
static const char *const rank_vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK",
                                        "PMIX_RANK", "MV2_COMM_WORLD_RANK", NULL};

/* The first of vars that is set, as a number; -1 when none is. */
static int env_number(const char *const *vars) {
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return atoi(v);
    }
    return -1;
}

#ifdef EBM_HAVE_MPI
#include <mpi.h>

enum { TAG_REQUEST = 1, TAG_JOB, TAG_NONE, TAG_RESULT, TAG_DONE, TAG_STOP, TAG_BYE };

#define POLL_NS 20000000L
#define STOP_GRACE_SECONDS 10.0

struct ebm_sweep_mpi {
    MPI_Comm comm;
    int rank, size;
    int active;        /* rank 0: workers that have not said they are done */
    int *done;         /* rank 0: per rank */
    int *stop_sent;    /* rank 0: per rank */
    ebm_sweep_workers workers;
};

static void nap(void) {
    struct timespec t = {0, POLL_NS};
    nanosleep(&t, NULL);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A job on the wire: "point\0log_path\0argv[0]\0argv[1]\0...". */
static char *pack_job(const ebm_sweep_job *job, int *len) {
    char head[32];
    int n_head = snprintf(head, sizeof head, "%d", job->point) + 1;
    size_t total = (size_t)n_head + strlen(job->log_path) + 1;
    for (int i = 0; job->argv[i]; i++) total += strlen(job->argv[i]) + 1;
    if (total > (size_t)1 << 30) return NULL;
    char *buf = malloc(total), *at = buf;
    if (!buf) return NULL;
    memcpy(at, head, (size_t)n_head);
    at += n_head;
    size_t n = strlen(job->log_path) + 1;
    memcpy(at, job->log_path, n);
    at += n;
    for (int i = 0; job->argv[i]; i++) {
        n = strlen(job->argv[i]) + 1;
        memcpy(at, job->argv[i], n);
        at += n;
    }
    *len = (int)total;
    return buf;
}

/* Splits a packed job in place: *argv (malloc'd) points into buf. */
static int unpack_job(char *buf, int len, int *point, const char **log_path,
                      char ***argv) {
    if (len < 1 || buf[len - 1] != '\0') return -1;
    int n_fields = 0;
    for (int i = 0; i < len; i++) n_fields += buf[i] == '\0';
    if (n_fields < 3) return -1;
    char **fields = malloc((size_t)(n_fields + 1) * sizeof *fields);
    if (!fields) return -1;
    char *at = buf;
    for (int f = 0; f < n_fields; f++) {
        fields[f] = at;
        at += strlen(at) + 1;
    }
    fields[n_fields] = NULL;
    *point = atoi(fields[0]);
    *log_path = fields[1];
    /* argv starts at fields[2]: shift so the caller frees one block. */
    memmove(fields, fields + 2, (size_t)(n_fields - 1) * sizeof *fields);
    *argv = fields;
    return 0;
}

/* Receives the message status describes: a job's text, four ints of a
 * result, or one int for every other tag. Returns it malloc'd (*count
 * elements), NULL when out of memory. */
static void *receive(MPI_Comm comm, const MPI_Status *status, int *count) {
    MPI_Datatype type = status->MPI_TAG == TAG_JOB ? MPI_CHAR : MPI_INT;
    MPI_Get_count(status, type, count);
    size_t size = type == MPI_CHAR ? 1 : sizeof(int);
    void *buf = calloc(*count > 0 ? (size_t)*count : 1, size);
    if (!buf) return NULL;
    MPI_Recv(buf, *count, type, status->MPI_SOURCE, status->MPI_TAG, comm,
             MPI_STATUS_IGNORE);
    return buf;
}

/* ---- rank 0 ---- */

static int coordinator_poll(void *ctx, const ebm_sweep_hub *hub, ebm_error *err) {
    ebm_sweep_mpi *m = ctx;
    for (;;) {
        int flag = 0;
        MPI_Status status;
        if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, m->comm, &flag, &status) !=
            MPI_SUCCESS)
            return ebm_fail(err, EBM_EIO, "MPI: cannot poll the other ranks"), -1;
        if (!flag) break;
        int src = status.MPI_SOURCE, tag = status.MPI_TAG, count = 0;
        int *msg = receive(m->comm, &status, &count);
        if (!msg) return ebm_fail(err, EBM_ENOMEM, "out of memory"), -1;
        if (tag == TAG_REQUEST) {
            ebm_sweep_job job;
            int answered = 0;
            if (hub && hub->next(hub->ctx, src, &job)) {
                int len = 0;
                char *buf = pack_job(&job, &len);
                if (buf) {
                    MPI_Send(buf, len, MPI_CHAR, src, TAG_JOB, m->comm);
                    answered = 1;
                    free(buf);
                } else {
                    hub->ended(hub->ctx, src, job.point, -1, 0, 0);
                }
            }
            int none = 0;
            if (!answered) MPI_Send(&none, 1, MPI_INT, src, TAG_NONE, m->comm);
        } else if (tag == TAG_RESULT && count == 4) {
            if (hub) hub->ended(hub->ctx, src, msg[0], msg[1], msg[2], msg[3]);
        } else if (tag == TAG_DONE && !m->done[src]) {
            m->done[src] = 1;
            m->active--;
            /* The worker waits for this before it finalises, so nothing
             * sent to it is left undelivered. */
            int bye = 0;
            MPI_Send(&bye, 1, MPI_INT, src, TAG_BYE, m->comm);
        }
        free(msg);
    }
    return m->active;
}

static void coordinator_stop(void *ctx) {
    ebm_sweep_mpi *m = ctx;
    for (int r = 1; r < m->size; r++) {
        if (m->done[r] || m->stop_sent[r]) continue;
        int stop = 0;
        MPI_Send(&stop, 1, MPI_INT, r, TAG_STOP, m->comm);
        m->stop_sent[r] = 1;
    }
}

const ebm_sweep_workers *ebm_sweep_mpi_workers(ebm_sweep_mpi *mpi) {
    return mpi && mpi->rank == 0 ? &mpi->workers : NULL;
}

/* ---- the other ranks ---- */

typedef struct worker_slot {
    int busy, point, stopped;
    pid_t pid;
} worker_slot;

static void send_result(ebm_sweep_mpi *m, int point, int exit_code, int stopped,
                        int not_run) {
    int result[4] = {point, exit_code, stopped, not_run};
    MPI_Send(result, 4, MPI_INT, 0, TAG_RESULT, m->comm);
}

static void kill_slots(worker_slot *slots, int n, int sig) {
    for (int i = 0; i < n; i++) {
        if (!slots[i].busy) continue;
        kill(slots[i].pid, sig);
        slots[i].stopped = 1;
    }
}

/* Starts the job in buf in a free slot (there is one: we only ask then). */
static void start_job(ebm_sweep_mpi *m, const char *self_exe, char *buf, int len,
                      worker_slot *slots, int n_slots) {
    int point = -1;
    const char *log_path = NULL;
    char **argv = NULL;
    if (unpack_job(buf, len, &point, &log_path, &argv)) {
        send_result(m, point, -1, 0, 0);
        return;
    }
    /* This rank's own binary: the same ebm, wherever it is installed. */
    argv[0] = (char *)self_exe;
    worker_slot *slot = NULL;
    for (int i = 0; i < n_slots && !slot; i++)
        if (!slots[i].busy) slot = &slots[i];
    ebm_error spawn_err;
    if (!slot || ebm_proc_spawn(argv, log_path, slot ? &slot->pid : NULL, &spawn_err)) {
        FILE *log = fopen(log_path, "a");
        if (log && slot) fprintf(log, "ebm sweep (rank %d): %s\n", m->rank, spawn_err.msg);
        if (log) fclose(log);
        send_result(m, point, -1, 0, 0);
    } else {
        *slot = (worker_slot){.busy = 1, .point = point, .pid = slot->pid};
    }
    free(argv);
}

int ebm_sweep_mpi_work(ebm_sweep_mpi *m, const char *self_exe, int jobs,
                       const volatile sig_atomic_t *stop, ebm_error *err) {
    if (!m || m->rank == 0)
        return ebm_fail(err, EBM_EINVAL, "ebm_sweep_mpi_work: not a worker rank");
    int n_slots = jobs >= 1 ? jobs : 1;
    worker_slot *slots = calloc((size_t)n_slots, sizeof *slots);
    if (!slots) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int asked = 0, no_more = 0, stopping = 0, running = 0;
    double kill_at = 0;
    for (;;) {
        if (!stopping && stop && *stop) {
            stopping = 1;
            kill_slots(slots, n_slots, SIGTERM);
            kill_at = now_seconds() + STOP_GRACE_SECONDS;
        }
        if (!asked && !no_more && !stopping && running < n_slots) {
            int request = 0;
            MPI_Send(&request, 1, MPI_INT, 0, TAG_REQUEST, m->comm);
            asked = 1;
        }
        int flag = 0;
        MPI_Status status;
        MPI_Iprobe(0, MPI_ANY_TAG, m->comm, &flag, &status);
        while (flag) {
            int count = 0;
            char *buf = receive(m->comm, &status, &count);
            if (!buf) {
                free(slots);
                return ebm_fail(err, EBM_ENOMEM, "out of memory");
            }
            if (status.MPI_TAG == TAG_JOB) {
                asked = 0;
                if (stopping) {
                    int point = atoi(buf);
                    send_result(m, point, -1, 1, 1);
                } else {
                    start_job(m, self_exe, buf, count, slots, n_slots);
                }
            } else if (status.MPI_TAG == TAG_NONE) {
                asked = 0;
                no_more = 1;
            } else if (status.MPI_TAG == TAG_STOP && !stopping) {
                stopping = 1;
                kill_slots(slots, n_slots, SIGTERM);
                kill_at = now_seconds() + STOP_GRACE_SECONDS;
            }
            free(buf);
            MPI_Iprobe(0, MPI_ANY_TAG, m->comm, &flag, &status);
        }
        running = 0;
        for (int i = 0; i < n_slots; i++) {
            if (!slots[i].busy) continue;
            int wait_status = 0;
            int ended = ebm_proc_wait(slots[i].pid, 0, &wait_status);
            if (ended == 0) {
                running++;
                continue;
            }
            slots[i].busy = 0;
            send_result(m, slots[i].point,
                        ended > 0 ? ebm_proc_exit_code(wait_status) : -1,
                        slots[i].stopped, 0);
        }
        if (kill_at > 0 && now_seconds() > kill_at) {
            kill_slots(slots, n_slots, SIGKILL);
            kill_at = 0;
        }
        if ((no_more || stopping) && !asked && running == 0) break;
        nap();
    }
    free(slots);
    int done = 0;
    MPI_Send(&done, 1, MPI_INT, 0, TAG_DONE, m->comm);
    /* Whatever rank 0 sent before it heard us (a late STOP) comes first. */
    for (;;) {
        MPI_Status status;
        MPI_Probe(0, MPI_ANY_TAG, m->comm, &status);
        int count = 0;
        void *buf = receive(m->comm, &status, &count);
        if (!buf) return ebm_fail(err, EBM_ENOMEM, "out of memory");
        free(buf);
        if (status.MPI_TAG == TAG_BYE) break;
    }
    return EBM_OK;
}

/* ---- both ---- */

int ebm_sweep_mpi_start(ebm_sweep_mpi **mpi, ebm_mpi_role *role, int *rank,
                        int *size, ebm_error *err) {
    *mpi = NULL;
    *role = EBM_MPI_NONE;
    *rank = 0;
    *size = 1;
    int env_size = env_number(size_vars), env_rank = env_number(rank_vars);
    if (env_rank < 0 && env_size < 0) return EBM_OK;
    if (env_size == 1) return EBM_OK;
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised && MPI_Init(NULL, NULL) != MPI_SUCCESS)
        return ebm_fail(err, EBM_EIO, "MPI_Init failed");
    ebm_sweep_mpi *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    MPI_Comm_dup(MPI_COMM_WORLD, &m->comm);
    MPI_Comm_rank(m->comm, &m->rank);
    MPI_Comm_size(m->comm, &m->size);
    m->done = calloc((size_t)m->size, sizeof *m->done);
    m->stop_sent = calloc((size_t)m->size, sizeof *m->stop_sent);
    if (!m->done || !m->stop_sent) {
        ebm_sweep_mpi_end(m);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    m->active = m->size - 1;
    m->workers = (ebm_sweep_workers){.ctx = m, .poll = coordinator_poll,
                                     .stop = coordinator_stop};
    *rank = m->rank;
    *size = m->size;
    *mpi = m;
    *role = m->size == 1 ? EBM_MPI_NONE
            : m->rank == 0 ? EBM_MPI_COORDINATOR : EBM_MPI_WORKER;
    return EBM_OK;
}

void ebm_sweep_mpi_end(ebm_sweep_mpi *m) {
    if (!m) return;
    if (m->rank == 0 && m->active > 0) {
        /* The sweep ended early (a bad config): let the workers go. */
        ebm_error ignored;
        coordinator_stop(m);
        while (coordinator_poll(m, NULL, &ignored) > 0) nap();
    }
    free(m->done);
    free(m->stop_sent);
    MPI_Comm_free(&m->comm);
    free(m);
    MPI_Finalize();
}

#else   /* built without MPI */

struct ebm_sweep_mpi {
    int unused;
};

int ebm_sweep_mpi_start(ebm_sweep_mpi **mpi, ebm_mpi_role *role, int *rank,
                        int *size, ebm_error *err) {
    (void)err;
    *mpi = NULL;
    *role = EBM_MPI_NONE;
    int env_size = env_number(size_vars), env_rank = env_number(rank_vars);
    *rank = env_rank > 0 ? env_rank : 0;
    *size = env_size > 0 ? env_size : 1;
    if (env_rank >= 0 || env_size > 1)
        if (env_size != 1) *role = EBM_MPI_ABSENT;
    return EBM_OK;
}

const ebm_sweep_workers *ebm_sweep_mpi_workers(ebm_sweep_mpi *mpi) {
    (void)mpi;
    return NULL;
}

int ebm_sweep_mpi_work(ebm_sweep_mpi *mpi, const char *self_exe, int jobs,
                       const volatile sig_atomic_t *stop, ebm_error *err) {
    (void)mpi;
    (void)self_exe;
    (void)jobs;
    (void)stop;
    return ebm_fail(err, EBM_ENOTSUP, "this ebm was built without MPI");
}

void ebm_sweep_mpi_end(ebm_sweep_mpi *mpi) {
    (void)mpi;
}

#endif
