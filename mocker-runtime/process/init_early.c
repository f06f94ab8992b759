/* An init that shares the runtime's memory until it executes the program.
 *
 * The usual init is a copy of the runtime (clone3 without CLONE_VM): every
 * page either side writes afterwards is copied, the copy's page tables are
 * built and, at the init's execve, torn down again; ~0.15 ms of CPU per
 * container here. When the runtime has nothing to do while the init sets the
 * container up (a foreground `run`: no exec.fifo; no user namespace, whose id
 * maps the runtime writes; no prestart, createRuntime, createContainer or
 * startContainer hook, which need the runtime's part of the handshake), the
 * init is born with CLONE_VM | CLONE_VFORK instead, like posix_spawn's child:
 * the runtime sleeps in clone() until the init calls execve or exits, so the
 * two never run at once on the shared memory, and the init reports to the
 * runtime as usual (an error on the sync socket, end-of-file at execve).
 * The init runs on a stack of its own (below) with the runtime's TLS: it may
 * change errno and the allocator's state, which the runtime then inherits.
 *
 * Only in musl builds: glibc's raise() and its sanitizers rely on per-thread
 * state that such a child would share, and glibc builds are the sanitized
 * and valgrind ones (docs/runtime.md "Build"). */
#include "mocker-runtime/process/init_early.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "mocker-runtime/state/container.h"
#include "mocker-runtime/kernel/namespaces.h"
#include "spec/spec.h"

#ifndef __GLIBC__
#define EARLY_STACK_SIZE (1 << 20)

/* The init's stack: in .bss, so only the pages the init reaches are ever
 * touched; the init uses a few KiB (it never recurses deeply): 1 MiB is margin. */
static _Alignas (16) char early_stack[EARLY_STACK_SIZE];
/* Set by the init just before execve (shared memory). */
static volatile int exec_reached;

struct early_child
{
  struct init_args *a;
  const int *close_fds;
};

static int
early_child_main (void *arg)
{
  const struct early_child *e = arg;
  /* The fd table is the init's own copy (no CLONE_FILES). */
  close (e->close_fds[0]);
  close (e->close_fds[1]);
  init_main (e->a);
}
#endif

bool
init_early_possible (const struct create_opts *o, const struct spec *spec,
                     const struct ns_plan *plan)
{
#ifdef __GLIBC__
  (void) o;
  (void) spec;
  (void) plan;
  return false;
#else
  const struct spec_hooks *h = &spec->hooks;
  return o->attached && o->foreground && !plan->new_user && plan->user_fd < 0
         && (plan->clone_flags >> 31) == 0 && h->prestart.len == 0
         && h->create_runtime.len == 0 && h->create_container.len == 0
         && h->start_container.len == 0;
#endif
}

pid_t
init_early_clone (const struct ns_plan *plan, struct init_args *a, const int close_fds[2])
{
#ifdef __GLIBC__
  (void) plan;
  (void) a;
  (void) close_fds;
  return -1;
#else
  exec_reached = 0;
  a->exec_reached = &exec_reached;
  struct early_child e = { .a = a, .close_fds = close_fds };
  int flags = (int) plan->clone_flags | CLONE_VM | CLONE_VFORK | SIGCHLD;
  return clone (early_child_main, early_stack + sizeof early_stack, flags, &e);
#endif
}

bool
init_early_exec_reached (void)
{
#ifdef __GLIBC__
  return false;
#else
  return exec_reached != 0;
#endif
}
