/* Containers in the store: <store>/containers/<id>/ (docs/containers.md).
 *
 *   container.json   the record (written once, atomically, last when made):
 *                    id, name, image ("sha256:..."; store_image_in_use reads
 *                    it), image_ref, created, path, args, config {Docker's
 *                    Config}, host_config {Docker's HostConfig}, ports, layers
 *   state.json       status, pid, exit code... (mocker/container/state.h)
 *   lock             flock: one start/rm/stop at a time per container
 *   monitor.lock     flock held by the monitor (then by `mocker _cleanup`)
 *   container.log    Docker's json-file log
 *   bundle/          config.json + rootfs/ (the overlay mount point)
 *   upper/ work/     the overlay's upper and work directories (commit reads upper/)
 *   etc/             hosts, hostname, resolv.conf (bind-mounted)
 *   <store>/containers/.names/<name>  symlink -> id: names are unique
 */
#ifndef MOCKER_CONTAINER_H
#define MOCKER_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/bundle/bundle.h"
#include "mocker/container/restart.h"
#include "mocker/container/state.h"
#include "mocker/network/network.h"

struct store;

struct container
{
  char *id;            /* 64 hex */
  char *name;
  char *dir;           /* <store>/containers/<id> */
  yajl_val record;     /* container.json */
  struct ctr_state state;
  bool has_state;
};

void container_free (struct container *c);
void cleanup_containerp (struct container **c);
#define _cleanup_container_ __attribute__ ((cleanup (cleanup_containerp)))

/* Record accessors. */
const char *ctr_image (const struct container *c);      /* "sha256:..." */
const char *ctr_image_ref (const struct container *c);  /* as typed */
bool ctr_flag (const struct container *c, const char *section, const char *key);
const char *ctr_str (const struct container *c, const char *section, const char *key);
char *ctr_command_line (const struct container *c);   /* "path arg ..." */
enum net_mode ctr_net_mode (const struct container *c);
/* The published ports of the record (heap array). */
int ctr_ports (const struct container *c, struct port_map **out, size_t *n, mk_error **err);

char *ctr_containers_dir (struct store *s);
/* Loads a container by directory name (full id); ENOENT when absent. */
int ctr_load (struct store *s, const char *id, struct container **out, mk_error **err);
/* By name, full id or unique id prefix: "no such container: `x`" (ENOENT). */
int ctr_find (struct store *s, const char *ref, struct container **out, mk_error **err);
/* Every container (records that load), newest first. */
int ctr_list (struct store *s, struct container ***out, size_t *n, mk_error **err);
void ctr_list_free (struct container **list, size_t n);

/* What `run` makes (the record is written last: a crash leaves no record). */
struct ctr_new
{
  const char *name;          /* NULL: generated */
  const char *image_id;
  const char *image_ref;
  yajl_val image_config;
  struct run_options *opts;
  bool auto_remove, open_stdin;
  const struct port_map *ports;
  size_t n_ports;
  char **port_specs;         /* the -p values as typed */
  struct ctr_restart restart; /* --restart */
  bool volatile_rootfs;      /* a build step's: overlay `volatile` (create.c) */
};
int ctr_create (struct store *s, const struct ctr_new *in, struct container **out,
                mk_error **err);

/* Mounts the overlay rootfs if it is not mounted (start after an exit). */
int ctr_mount_rootfs (struct store *s, const struct container *c, mk_error **err);
/* Undoes what a run set up: network, runtime state, mount.  Idempotent. */
int ctr_teardown (struct store *s, const struct container *c, mk_error **err);
/* Removes the container from the store (after ctr_teardown). */
int ctr_remove_files (struct store *s, const struct container *c, mk_error **err);

/* The binaries mocker drives: MOCKER_RUNTIME / MOCKER_MONITOR, else next
 * to the mocker executable, else in PATH. */
const char *ctr_runtime_path (void);
const char *ctr_monitor_path (void);
const char *ctr_self_path (void);
/* Where one of our binaries is: $ENV, else NAME next to this executable, else
 * (libexec) ../libexec/mocker/NAME from it or (not libexec) the first NAME in
 * PATH, else the bare name (exec fails later with a clear message). The
 * answer is cached in buf (static, of size PATH_MAX). */
const char *ctr_find_binary (const char *env, const char *name, bool libexec, char *buf,
                             size_t size);
/* The runtime's --root for this store: MOCKER_RUNTIME_ROOT, else
 * <store>/runtime (a private store gets its own runtime state). */
char *ctr_runtime_root (struct store *s);
/* Runs the runtime with ARGS (stdio: /dev/null in, stdout kept, stderr
 * captured into the error); returns its exit status, -1 when it could not run. */
int ctr_runtime_call (struct store *s, char *const args[], char **err_text);

/* True when the monitor (or its teardown) still holds monitor.lock. */
bool ctr_monitor_active (const struct container *c);
/* Waits until the monitor and teardown are done (blocking). */
void ctr_monitor_wait (const struct container *c);

/* Parses a signal name ("KILL", "SIGKILL", "9"); -1 when unknown. */
int ctr_parse_signal (const char *s);

/* Re-reads state.json. */
void ctr_reload_state (struct container *c);
/* Sends a signal through `mocker-runtime kill`. */
int ctr_signal (struct store *s, const struct container *c, int sig, mk_error **err);
/* Waits until the container's init is gone, at most timeout_ms (< 0:
 * forever); true when it is gone. */
bool ctr_wait_gone (const struct container *c, int timeout_ms);
/* `stop` of a container whose lock the caller holds: no restart after it
 * (the manual-stop file), the StopSignal, SIGKILL after timeout_s (< 0:
 * never; CTR_STOP_TIMEOUT_DEFAULT: the container's --stop-timeout, else
 * 10 s), then the monitor's teardown is waited for.  0 (a stopped one is
 * fine). */
#define CTR_STOP_TIMEOUT_DEFAULT (-2)
int ctr_stop (struct store *s, struct container *c, long long timeout_s);
/* Takes the per-container operation lock (start/stop/rm/kill). */
int ctr_lock (const struct container *c, mk_error **err);

/* Docker's multi-container commands (rm, kill, stop): fn runs on each
 * reference in turn; a success prints the reference on stdout, a failure
 * prints "mocker: <error>" on stderr and the loop goes on.  Returns 1 when
 * any failed (the command's exit status), else 0. */
typedef int (*ctr_each_fn) (struct store *s, const char *ref, const void *arg, mk_error **err);
int ctr_each (struct store *s, char *const *refs, int n, ctr_each_fn fn, const void *arg);

#endif
