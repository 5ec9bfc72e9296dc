/* sweep_mpi.h — `ebm sweep` under mpirun or srun: rank 0 runs the sweep and
 * hands points out on request; every other rank runs what it is handed.
 * Linked into the ebm binary only, so ebm_lib and its tests need no MPI. */
#ifndef EBM_SWEEP_MPI_H
#define EBM_SWEEP_MPI_H

#include <signal.h>

#include "error.h"
#include "sweep_opts.h"

typedef struct ebm_sweep_mpi ebm_sweep_mpi;

/* What ebm_sweep_mpi_start found. */
typedef enum {
    EBM_MPI_NONE,        /* not started by an MPI launcher, or one rank */
    EBM_MPI_COORDINATOR, /* rank 0 of several: run the sweep with the workers */
    EBM_MPI_WORKER,      /* another rank: ebm_sweep_mpi_work */
    EBM_MPI_ABSENT       /* under a launcher, but this ebm was built without
                            MPI: rank 0 runs everything, the others nothing */
} ebm_mpi_role;

/* Looks for a launcher's variables (OMPI_COMM_WORLD_SIZE, PMI_SIZE,
 * PMIX_RANK, MV2_COMM_WORLD_SIZE) and calls MPI_Init only when one is set,
 * so a plain `ebm sweep` never touches MPI. *mpi is NULL for EBM_MPI_NONE
 * and EBM_MPI_ABSENT; *rank and *size describe the job. */
int ebm_sweep_mpi_start(ebm_sweep_mpi **mpi, ebm_mpi_role *role, int *rank,
                        int *size, ebm_error *err);

/* Rank 0: the other ranks, for ebm_sweep_opts.workers. */
const ebm_sweep_workers *ebm_sweep_mpi_workers(ebm_sweep_mpi *mpi);

/* Another rank: asks rank 0 for points, runs them with this ebm binary
 * (self_exe), `jobs` at a time, reports each as it ends, and returns when
 * rank 0 has no more or says stop (or *stop is set here). */
int ebm_sweep_mpi_work(ebm_sweep_mpi *mpi, const char *self_exe, int jobs,
                       const volatile sig_atomic_t *stop, ebm_error *err);

/* Releases the workers still waiting (rank 0), finalises MPI and frees mpi
 * (NULL is fine). */
void ebm_sweep_mpi_end(ebm_sweep_mpi *mpi);

#endif
