/* linux.seccomp as a compiled BPF program, compiled once and reused.
 *
 * Compiling a real profile (podman's or Docker's: ~350 syscalls) with
 * libseccomp costs ~10 ms of CPU.  The runtime compiles in the parent
 * (errors surface before the init exists), the init and exec only load the
 * program.  Compiled programs are kept:
 *   <root>/.seccomp-cache/<hash>.bpf   by profile, for every create
 *                                      (managers use one profile again and again)
 *   <root>/<id>/seccomp.bpf            the container's, for exec
 * A cache file holds the full key (the profile as text, plus libseccomp's
 * version and API level), checked on every read: a hash collision or an
 * upgraded libseccomp only means a recompile. */
#ifndef RT_SECCOMP_BPF_H
#define RT_SECCOMP_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "spec/spec.h"

struct seccomp_bpf
{
  struct sock_filter *insns;  /* heap; NULL = no filter */
  size_t len;
  unsigned int flags;          /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
};

void seccomp_bpf_clear (struct seccomp_bpf *b);
#define _cleanup_seccomp_bpf_ __attribute__ ((cleanup (seccomp_bpf_clear)))

/* The program for s: from the cache under root when it is there, else
 * compiled (and cached, best effort).  s may be NULL (out stays empty). */
int seccomp_bpf_prepare (const struct spec_seccomp *s, const char *root, struct seccomp_bpf *out,
                         mk_error **err);

/* <dirfd>/seccomp.bpf: write the container's program, read it back (exec).
 * Reading a missing file leaves out empty and returns 0. */
int seccomp_bpf_save (int dirfd, const struct spec_seccomp *s, const struct seccomp_bpf *b,
                      mk_error **err);
int seccomp_bpf_load_saved (int dirfd, const struct spec_seccomp *s, struct seccomp_bpf *out,
                            mk_error **err);

/* True when b is loaded with a listener (it has SCMP_ACT_NOTIFY rules):
 * the loader must then hand the listener to the runtime, which passes it to
 * the agent at linux.seccomp.listenerPath (seccomp_notify.h). */
bool seccomp_bpf_has_listener (const struct seccomp_bpf *b);

/* Loads b into the calling thread (seccomp(2) SECCOMP_SET_MODE_FILTER).
 * Needs no_new_privs or CAP_SYS_ADMIN.  An empty b is nothing to do.  With
 * a listener, the listener fd is sent over listener_sock and closed. */
int seccomp_bpf_load (const struct seccomp_bpf *b, int listener_sock, mk_error **err);

#endif
