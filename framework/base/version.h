/* version.h — what ebm calls its version: the release number, and the git
 * revision of the source it was built from when there was one. */
#ifndef EBM_VERSION_TEXT_H
#define EBM_VERSION_TEXT_H

/* "0.1.0", or "0.1.0 (git 1a2b3c4d5e6f)" ("-dirty" when the tree had
 * uncommitted changes). Written to every run file as ebm_version. */
const char *ebm_version(void);

#endif
