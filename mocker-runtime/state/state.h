/* The state directory of one container, <root>/<id>/:
 *   state.json  what create recorded (written atomically; pid 0 while create runs)
 *   exec.fifo   exists from create until start: the init blocks opening it
 * The directory itself is the per-id lock (flock on its fd).
 *
 * Status is never read from a file: it is derived from the live system each
 * time (state_status): init pid alive with the recorded start time, not a
 * zombie; exec.fifo present = created; frozen cgroup = paused.
 */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/json.h"
#include "spec/spec.h"

#define RT_OCI_VERSION "1.2.0"
#define RT_ID_MAX 200  /* the state dir name (plus a temp prefix) must fit NAME_MAX */

enum rt_status { RT_CREATED, RT_RUNNING, RT_PAUSED, RT_STOPPED };

struct rt_state
{
  char *id;
  pid_t pid;                      /* host pid of the init; 0 = create did not finish */
  unsigned long long start_time;  /* /proc/<pid>/stat field 22, detects pid reuse */
  char *bundle;                   /* absolute */
  char *rootfs;                   /* absolute */
  char *created;                  /* RFC 3339 UTC */
  char *cgroup_path;
  char *owner;
  struct spec_map annotations;
  struct spec_hook_list poststart, poststop;  /* kept for start/delete */
};

void rt_state_free (struct rt_state *st);
void cleanup_rt_statep (struct rt_state **st);
#define _cleanup_rt_state_ __attribute__ ((cleanup (cleanup_rt_statep)))

const char *rt_status_name (enum rt_status s);

/* Id rules as runc: not empty, at most RT_ID_MAX bytes, [A-Za-z0-9_+.-], not "." or "..". */
int state_validate_id (const char *id, mk_error **err);

/* The default --root: $XDG_RUNTIME_DIR/mocker-runtime when set and non-empty,
 * else /run/mocker-runtime. */
const char *state_default_root (void);

/* Opens <root>/<id> and locks it (exclusive or shared), waiting for a holder
 * (a create in progress).  Fails with "container does not exist" when there is
 * no such directory, or when it was removed while waiting.  Returns the fd. */
int state_lock (const char *root, const char *id, bool exclusive, mk_error **err);

/* Reads state.json from an opened state directory.  A directory without a
 * complete state (create killed halfway) gives *st with pid 0, or NULL when
 * state.json is missing or unreadable (returns 0 either way). */
int state_read (int dirfd, const char *id, struct rt_state **st, mk_error **err);
int state_write (int dirfd, const struct rt_state *st, mk_error **err);
/* The first state.json, in a state directory not yet renamed into place:
 * nobody can read it half-written, so no temp file and rename. */
int state_write_unpublished (int dirfd, const struct rt_state *st, mk_error **err);

/* Loads a complete container's state for a read-only command (state, list,
 * exec): no lock unless a create is in progress.  "container does not exist"
 * when absent or incomplete. */
int state_load (const char *root, const char *id, struct rt_state **st, mk_error **err);

/* Status from the live system (root locates exec.fifo). */
enum rt_status state_status (const char *root, const struct rt_state *st);

/* Start time (field 22) and run state letter of /proc/<pid>/stat; -1 when gone. */
int proc_stat_start_time (pid_t pid, unsigned long long *start, char *run_state);

/* The OCI state JSON ({ociVersion,id,status,pid,bundle,...}); pid is 0
 * when stopped.  status_name overrides the derived status (hooks: "creating"). */
char *state_to_json (const struct rt_state *st, const char *status_name, bool pretty);
void state_gen_json (json_gen *g, const struct rt_state *st, const char *status_name);

/* Removes <root>/<id> (unmounting nothing: the state dir never holds mounts). */
int state_remove (const char *root, const char *id, mk_error **err);

#endif
