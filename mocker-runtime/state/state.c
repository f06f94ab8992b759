#include "mocker-runtime/state/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/lock.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/process/hooks.h"

void
rt_state_free (struct rt_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->cgroup_path);
  free (st->owner);
  spec_map_clear (&st->annotations);
  hook_list_free (&st->poststart);
  hook_list_free (&st->poststop);
  free (st);
}

void
cleanup_rt_statep (struct rt_state **st)
{
  rt_state_free (*st);
}

const char *
rt_status_name (enum rt_status s)
{
  switch (s)
    {
    case RT_CREATED: return "created";
    case RT_RUNNING: return "running";
    case RT_PAUSED: return "paused";
    case RT_STOPPED: return "stopped";
    }
  return "unknown";
}

int
state_validate_id (const char *id, mk_error **err)
{
  size_t len = strlen (id);
  if (len == 0)
    return mk_error_set (err, 0, "invalid container id: empty");
  if (len > RT_ID_MAX)
    return mk_error_set (err, 0, "invalid container id: longer than %d bytes", RT_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return mk_error_set (err, 0, "invalid container id `%s`", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '+' || c == '-' || c == '.';
      if (!ok)
        return mk_error_set (err, 0, "invalid container id `%s`: only [A-Za-z0-9_+.-] allowed", id);
    }
  return 0;
}

const char *
state_default_root (void)
{
  static char buf[4096];
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg && *xdg && strlen (xdg) < sizeof buf - 32)
    {
      snprintf (buf, sizeof buf, "%s/mocker-runtime", xdg);
      return buf;
    }
  return "/run/mocker-runtime";
}

int
state_lock (const char *root, const char *id, bool exclusive, mk_error **err)
{
  _cleanup_free_ char *dir = path_join (root, id);
  _cleanup_close_ int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return mk_error_set (err, 0, "container does not exist: `%s`", id);
      return mk_error_set (err, errno, "open `%s`", dir);
    }
  if (lock_fd (fd, exclusive, dir, err) < 0)
    return -1;
  /* Removed (delete, or a create cleaning a half-made one) while we waited. */
  struct stat st;
  if (fstat (fd, &st) < 0)
    return mk_error_set (err, errno, "stat `%s`", dir);
  if (st.st_nlink == 0)
    return mk_error_set (err, 0, "container does not exist: `%s`", id);
  return STEAL_FD (fd);
}

static char *
dup_str (yajl_val obj, const char *key)
{
  const char *s = json_get_str (obj, key);
  return s ? xstrdup (s) : NULL;
}

int
state_read (int dirfd, const char *id, struct rt_state **out, mk_error **err)
{
  *out = NULL;
  _cleanup_free_ char *text = NULL;
  size_t len;
  mk_error *ignored = NULL;
  if (read_file_at (dirfd, "state.json", 1 << 20, &text, &len, &ignored) < 0)
    {
      mk_error_free (&ignored);
      return 0;
    }
  _cleanup_json_ yajl_val tree = NULL;
  if (json_parse (text, len, "state.json", &tree, &ignored) < 0 || !YAJL_IS_OBJECT (tree))
    {
      mk_error_free (&ignored);
      return 0;
    }
  _cleanup_rt_state_ struct rt_state *st = xzalloc (sizeof *st);
  const char *sid = json_get_str (tree, "id");
  st->id = xstrdup (sid ? sid : id);
  yajl_val v = json_get (tree, "pid");
  st->pid = v && YAJL_IS_INTEGER (v) ? (pid_t) YAJL_GET_INTEGER (v) : 0;
  v = json_get (tree, "init_start_time");
  st->start_time = v && YAJL_IS_INTEGER (v) ? (unsigned long long) YAJL_GET_INTEGER (v) : 0;
  st->bundle = dup_str (tree, "bundle");
  st->rootfs = dup_str (tree, "rootfs");
  st->created = dup_str (tree, "created");
  st->cgroup_path = dup_str (tree, "cgroup_path");
  st->owner = dup_str (tree, "owner");
  yajl_val ann = json_get (tree, "annotations");
  if (ann && YAJL_IS_OBJECT (ann))
    for (size_t i = 0; i < ann->u.object.len; i++)
      if (YAJL_IS_STRING (ann->u.object.values[i]))
        spec_map_set (&st->annotations, ann->u.object.keys[i],
                      YAJL_GET_STRING (ann->u.object.values[i]));
  if (hooks_from_json (json_get (tree, "poststart"), &st->poststart, err) < 0
      || hooks_from_json (json_get (tree, "poststop"), &st->poststop, err) < 0)
    return mk_error_wrap (err, "state of `%s`", id);
  if (st->bundle == NULL || st->rootfs == NULL || st->created == NULL)
    st->pid = 0;
  *out = STEAL (st);
  return 0;
}

void
state_gen_json (json_gen *g, const struct rt_state *st, const char *status_name)
{
  bool stopped = strcmp (status_name, "stopped") == 0;
  json_obj_open (g);
  json_kv_str (g, "ociVersion", RT_OCI_VERSION);
  json_kv_str (g, "id", st->id);
  json_kv_int (g, "pid", stopped ? 0 : st->pid);
  json_kv_str (g, "status", status_name);
  json_kv_str (g, "bundle", st->bundle);
  json_kv_str (g, "rootfs", st->rootfs);
  json_kv_str (g, "created", st->created);
  json_kv_str (g, "owner", st->owner ? st->owner : "");
  json_key (g, "annotations");
  json_obj_open (g);
  for (size_t i = 0; i < st->annotations.len; i++)
    json_kv_str (g, st->annotations.keys[i], st->annotations.values[i]);
  json_obj_close (g);
  json_obj_close (g);
}

char *
state_to_json (const struct rt_state *st, const char *status_name, bool pretty)
{
  json_gen *g = json_gen_new (pretty);
  state_gen_json (g, st, status_name);
  return json_gen_finish (g, NULL);
}

static int
state_write_how (int dirfd, const struct rt_state *st, bool published, mk_error **err)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "id", st->id);
  json_kv_int (g, "pid", st->pid);
  json_kv_int (g, "init_start_time", (long long) st->start_time);
  json_kv_str (g, "bundle", st->bundle);
  json_kv_str (g, "rootfs", st->rootfs);
  json_kv_str (g, "created", st->created);
  json_kv_str (g, "cgroup_path", st->cgroup_path);
  json_kv_str (g, "owner", st->owner);
  json_key (g, "annotations");
  json_obj_open (g);
  for (size_t i = 0; i < st->annotations.len; i++)
    json_kv_str (g, st->annotations.keys[i], st->annotations.values[i]);
  json_obj_close (g);
  if (st->poststart.len)
    {
      json_key (g, "poststart");
      hooks_gen_json (g, &st->poststart);
    }
  if (st->poststop.len)
    {
      json_key (g, "poststop");
      hooks_gen_json (g, &st->poststop);
    }
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  /* Not fsync'ed: the state dir lives on a tmpfs (/run) and dies with a reboot. */
  int r = published ? write_file_atomic_at (dirfd, "state.json", text, len, 0600, false, err)
                    : write_file_new_at (dirfd, "state.json", text, len, 0600, err);
  if (r < 0)
    return mk_error_wrap (err, "write state of `%s`", st->id);
  return 0;
}

int
state_write (int dirfd, const struct rt_state *st, mk_error **err)
{
  return state_write_how (dirfd, st, true, err);
}

int
state_write_unpublished (int dirfd, const struct rt_state *st, mk_error **err)
{
  return state_write_how (dirfd, st, false, err);
}

int
state_load (const char *root, const char *id, struct rt_state **out, mk_error **err)
{
  if (state_validate_id (id, err) < 0)
    return -1;
  _cleanup_free_ char *dir = path_join (root, id);
  _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return mk_error_set (err, 0, "container does not exist: `%s`", id);
      return mk_error_set (err, errno, "open `%s`", dir);
    }
  _cleanup_rt_state_ struct rt_state *st = NULL;
  if (state_read (dfd, id, &st, err) < 0)
    return -1;
  if (st == NULL || st->pid == 0)
    {
      /* Maybe a create in progress: wait for its lock, then look again. */
      if (flock (dfd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
        {
          rt_state_free (STEAL (st));
          _cleanup_close_ int lfd = state_lock (root, id, false, err);
          if (lfd < 0)
            return -1;
          if (state_read (lfd, id, &st, err) < 0)
            return -1;
        }
      if (st == NULL || st->pid == 0)
        return mk_error_set (err, 0, "container does not exist: `%s`", id);
    }
  *out = STEAL (st);
  return 0;
}

int
proc_stat_start_time (pid_t pid, unsigned long long *start, char *run_state)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields restart after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return -1;
  p += 2;
  if (run_state)
    *run_state = *p;
  /* p is field 3 (state); starttime is field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -1;
      p++;
    }
  *start = strtoull (p, NULL, 10);
  return 0;
}

enum rt_status
state_status (const char *root, const struct rt_state *st)
{
  unsigned long long start;
  char run_state;
  if (st->pid <= 0 || proc_stat_start_time (st->pid, &start, &run_state) < 0)
    return RT_STOPPED;
  if (start != st->start_time || run_state == 'Z' || run_state == 'X')
    return RT_STOPPED;
  char fifo[4096];
  snprintf (fifo, sizeof fifo, "%s/%s/exec.fifo", root, st->id);
  if (access (fifo, F_OK) == 0)
    return RT_CREATED;
  bool frozen = false;
  mk_error *ignored = NULL;
  if (st->cgroup_path && cgroup_is_frozen (st->cgroup_path, &frozen, &ignored) < 0)
    mk_error_free (&ignored);
  return frozen ? RT_PAUSED : RT_RUNNING;
}

int
state_remove (const char *root, const char *id, mk_error **err)
{
  _cleanup_free_ char *dir = path_join (root, id);
  return rm_rf_one_fs (dir, err);
}
