/* The init born sharing the runtime's memory (CLONE_VM | CLONE_VFORK), for a
 * foreground `run` with nothing to do between the init's birth and its
 * execve: see init_early.c. */
#ifndef RT_INIT_EARLY_H
#define RT_INIT_EARLY_H

#include <stdbool.h>
#include <sys/types.h>

#include "mocker-runtime/process/init.h"

struct create_opts;
struct spec;
struct ns_plan;

/* Whether this container can be run that way (musl builds only). */
bool init_early_possible (const struct create_opts *o, const struct spec *spec,
                          const struct ns_plan *plan);

/* Starts the init on its own stack with a->exec_reached set, after closing
 * close_fds[0..1] in it (the runtime's ends). Returns when the init has
 * executed the program or exited; its pid, or -1 (errno). */
pid_t init_early_clone (const struct ns_plan *plan, struct init_args *a, const int close_fds[2]);

/* After init_early_clone: the init got as far as execve. */
bool init_early_exec_reached (void);

#endif
