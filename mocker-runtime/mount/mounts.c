#include "mocker-runtime/mount/mounts.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/linux_compat.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/mount/paths.h"
#include "mocker-runtime/process/sync.h"

/* Bind sources the runtime opens for an init in a user namespace
 * (mount_sources_prepare): per mounts[] index, the init's fd once received,
 * SOURCE_PENDING until then, -1 for the sources the init resolves itself. */
#define SOURCE_PENDING (-2)
static int *source_fds;
static size_t n_source_fds;

/* Per-mount flags that a remount must repeat when a user namespace locked them. */
static unsigned long
locked_flags (const char *target)
{
  struct statvfs sv;
  if (statvfs (target, &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

int
mount_remount_bind (const char *target, unsigned long flags, const char *what, mk_error **err)
{
  flags &= MOUNT_BIND_REMOUNT_FLAGS;
  if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) == 0)
    return 0;
  if (errno == EPERM)
    {
      /* Keep what is locked; never drop read-only if it was asked. */
      unsigned long keep = locked_flags (target) & ~MS_RDONLY;
      if ((flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) != 0)
        keep &= ~(MS_NOATIME | MS_RELATIME);
      if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | keep, NULL) == 0)
        return 0;
    }
  return mk_error_set (err, errno, "remount `%s` with its flags", what);
}

int
mount_remount_add (const char *target, unsigned long flags, const char *what, mk_error **err)
{
  return mount_remount_bind (target, flags | locked_flags (target), what, err);
}

int
mount_setattr_recursive (int fd, unsigned long long set, unsigned long long clr, const char *what,
                         mk_error **err)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
  if (mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return mk_error_set (err, errno, "apply the recursive options to `%s`", what);
  return 0;
}

int
mount_apply_propagation (const char *target, const unsigned long *props, size_t n,
                         const char *what, mk_error **err)
{
  for (size_t i = 0; i < n; i++)
    if (mount (NULL, target, NULL, props[i], NULL) < 0)
      return mk_error_set (err, errno, "set the propagation of `%s`", what);
  return 0;
}

int
mount_bind_into_root (int rootfd, const char *source, const char *dest, bool rec,
                      mk_error **err)
{
  struct stat st;
  if (stat (source, &st) < 0)
    return mk_error_set (err, errno, "bind source `%s`", source);
  _cleanup_close_ int fd = root_mkmountpoint (rootfd, dest, S_ISDIR (st.st_mode), err);
  if (fd < 0)
    return -1;
  char buf[FD_PATH_MAX];
  if (mount (source, fd_path (fd, buf), NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
    return mk_error_set (err, errno, "bind `%s` on `%s`", source, dest);
  /* The old fd names the directory under the new mount: reopen to get the
   * mount itself (remounts and propagation act on it). */
  int top = root_open (rootfd, dest, O_PATH);
  if (top < 0)
    return mk_error_set (err, errno, "open `%s` after mounting it", dest);
  return top;
}

static bool
is_bind (const struct spec_mount *m, const struct mount_options *o)
{
  return o->bind || (m->type && strcmp (m->type, "bind") == 0);
}

int
mount_sources_prepare (struct spec *spec, const char *bundle, const char *rootfs, bool userns,
                       mk_error **err)
{
  mount_sources_close ();
  source_fds = xzalloc (sizeof *source_fds * (spec->n_mounts + 1));
  n_source_fds = spec->n_mounts;
  for (size_t i = 0; i < spec->n_mounts; i++)
    source_fds[i] = -1;
  size_t root_len = strlen (rootfs);
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      struct spec_mount *m = &spec->mounts[i];
      struct mount_options o;
      if (str_is_empty (m->source))
        continue;
      if (mount_options_parse (m->options, &o, err) < 0)
        return mk_error_wrap (err, "mounts[%zu].options", i);
      bool bind = is_bind (m, &o);
      mount_options_clear (&o);
      if (!bind)
        continue;
      if (m->source[0] != '/')
        {
          char *abs = path_join (bundle, m->source);
          free (m->source);
          m->source = abs;
        }
      if (!userns)
        continue;
      /* Inside the rootfs: the init's to resolve, after the mounts before it.
       * A missing source: the init's error. */
      _cleanup_free_ char *real = realpath (m->source, NULL);
      if (real && !(strncmp (real, rootfs, root_len) == 0
                    && (real[root_len] == '/' || real[root_len] == '\0')))
        source_fds[i] = SOURCE_PENDING;
    }
  return 0;
}

size_t
mount_sources_pending (void)
{
  size_t n = 0;
  for (size_t i = 0; i < n_source_fds; i++)
    n += source_fds[i] == SOURCE_PENDING;
  return n;
}

/* Opens the pending sources (O_PATH) inside the mount namespace of pid, into
 * fds; back in the runtime's own namespace and cwd in any case. */
static int
open_in_mount_ns (const struct spec *spec, pid_t pid, int *fds, mk_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int) pid);
  _cleanup_close_ int target = open (path, O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int own = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (target < 0 || own < 0 || cwd < 0 || root < 0)
    return mk_error_set (err, errno, "open the mount namespaces to open bind sources");
  if (setns (target, CLONE_NEWNS) < 0)
    return mk_error_set (err, errno, "join the container's mount namespace to open bind sources");
  size_t k = 0;
  int ret = 0;
  for (size_t i = 0; i < n_source_fds && ret == 0; i++)
    {
      if (source_fds[i] != SOURCE_PENDING)
        continue;
      const struct spec_mount *m = &spec->mounts[i];
      if ((fds[k] = open (m->source, O_PATH | O_CLOEXEC)) < 0)
        ret = mk_error_set (err, errno, "mounts[%zu] (%s): bind source `%s`", i, m->destination,
                            m->source);
      else
        k++;
    }
  /* setns resets the root and cwd to the namespace's: both are restored. */
  if (setns (own, CLONE_NEWNS) < 0 || fchdir (root) < 0 || chroot (".") < 0 || fchdir (cwd) < 0)
    {
      /* Never go on in a container's namespace. */
      log_error ("return to the runtime's mount namespace: %s", strerror (errno));
      _exit (1);
    }
  if (ret < 0)
    for (size_t i = 0; i < k; i++)
      close (fds[i]);
  return ret;
}

int
mount_sources_send (const struct spec *spec, pid_t pid, int sync_fd, mk_error **err)
{
  size_t n = mount_sources_pending ();
  if (n == 0)
    return 0;
  _cleanup_free_ int *fds = xzalloc (sizeof *fds * n);
  if (open_in_mount_ns (spec, pid, fds, err) < 0)
    return -1;
  int ret = 0;
  for (size_t off = 0; off < n && ret == 0; off += SYNC_MAX_FDS)
    ret = sync_send_fds (sync_fd, SYNC_FDS, fds + off, n - off < SYNC_MAX_FDS ? n - off : SYNC_MAX_FDS,
                         err);
  for (size_t i = 0; i < n; i++)
    close (fds[i]);
  return ret;
}

int
mount_sources_receive (int sync_fd, mk_error **err)
{
  size_t next = 0;
  size_t left = mount_sources_pending ();
  /* The request: the init's namespaces are all made (a user namespace
   * given by path is joined, and the mount namespace made, by the init). */
  if (left > 0 && sync_send (sync_fd, SYNC_FDS, NULL, err) < 0)
    return -1;
  while (left > 0)
    {
      int fds[SYNC_MAX_FDS];
      size_t got;
      char type;
      if (sync_recv_fds (sync_fd, &type, fds, SYNC_MAX_FDS, &got, err) < 0)
        return -1;
      if (type != SYNC_FDS || got == 0)
        return mk_error_set (err, 0, "the runtime sent no bind sources");
      for (size_t i = 0; i < got; i++)
        {
          while (next < n_source_fds && source_fds[next] != SOURCE_PENDING)
            next++;
          if (next == n_source_fds || left == 0)
            {
              close (fds[i]);
              continue;
            }
          source_fds[next] = fds[i];
          left--;
        }
    }
  return 0;
}

void
mount_sources_close (void)
{
  for (size_t i = 0; i < n_source_fds; i++)
    if (source_fds[i] >= 0)
      close (source_fds[i]);
  free (source_fds);
  source_fds = NULL;
  n_source_fds = 0;
}

/* A mount the kernel refuses in a user namespace without the matching
 * namespace (sysfs without a netns, mqueue without an ipc ns): bind the
 * host's instead, as runc does. */
static const char *
host_fallback_for (const char *type)
{
  if (strcmp (type, "sysfs") == 0)
    return "/sys";
  if (strcmp (type, "mqueue") == 0)
    return "/dev/mqueue";
  return NULL;
}

/* devpts "gid=5" fails with EINVAL when gid 5 is not mapped in the user
 * namespace: the copy of data without the gid= option. */
static char *
data_without_gid (const char *data)
{
  char *out = xzalloc (strlen (data) + 1);
  _cleanup_free_ char *copy = xstrdup (data);
  char *save = NULL;
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    {
      if (str_has_prefix (o, "gid="))
        continue;
      if (*out)
        strcat (out, ",");
      strcat (out, o);
    }
  return out;
}

/* Whether the comma-separated data has an option starting with prefix. */
static bool
data_has_option (const char *data, const char *prefix)
{
  size_t n = strlen (prefix);
  for (const char *p = data; p && *p;)
    {
      if (strncmp (p, prefix, n) == 0)
        return true;
      p = strchr (p, ',');
      if (p)
        p++;
    }
  return false;
}

int
mount_make_readonly (int fd, const char *what, mk_error **err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  if (mount_setattr (fd, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0)
    return 0;
  if (errno != ENOSYS)
    return mk_error_set (err, errno, "make `%s` read-only", what);
  /* Kernels before 5.12: a bind remount, the mount's locked flags kept. */
  char buf[FD_PATH_MAX];
  return mount_remount_add (fd_path (fd, buf), MS_RDONLY, what, err);
}

/* *top: the new mount (for remounts, recursive attributes and propagation),
 * or -1 when none of those is asked for. */
static int
mount_fs (int rootfd, const struct spec_mount *m, const struct mount_options *o, bool defer_ro,
          int *top, mk_error **err)
{
  bool need_top = o->rec_set || o->rec_clr || o->n_propagation > 0;
  const char *type = m->type;
  const char *source = m->source && *m->source ? m->source : type;
  /* A tmpfs without mode= keeps the mode of the directory it covers
   * (/tmp's 1777, a setgid directory's bits), as runc does: the mode is
   * given to the tmpfs, so nothing needs a chmod afterwards. */
  _cleanup_free_ char *tmpfs_data = NULL;
  const char *data = o->data;
  _cleanup_close_ int fd = -1;
  if (strcmp (type, "tmpfs") == 0 && !data_has_option (data, "mode="))
    {
      struct stat st;
      fd = root_open (rootfd, m->destination, O_PATH | O_DIRECTORY);
      if (fd >= 0 && fstat (fd, &st) == 0)
        data = tmpfs_data = data ? xasprintf ("mode=%o,%s", (unsigned) (st.st_mode & 07777), data)
                                 : xasprintf ("mode=%o", (unsigned) (st.st_mode & 07777));
    }
  if (fd < 0 && (fd = root_mkmountpoint (rootfd, m->destination, true, err)) < 0)
    return -1;
  char buf[FD_PATH_MAX];
  const char *target = fd_path (fd, buf);
  unsigned long flags = o->flags & ~MS_REC;
  /* Read-only later: mounts, devices or a cwd beneath it are still to come. */
  bool ro_later = defer_ro && (flags & MS_RDONLY);
  unsigned long mflags = ro_later ? flags & ~MS_RDONLY : flags;
  need_top = need_top || ro_later;

  int r = mount (source, target, type, mflags, data);
  if (r < 0 && errno == EINVAL && strcmp (type, "devpts") == 0 && data
      && strstr (data, "gid="))
    {
      _cleanup_free_ char *nogid = data_without_gid (data);
      log_debug ("mount devpts on `%s` without gid= (EINVAL with it)", m->destination);
      r = mount (source, target, type, mflags, nogid);
    }
  if (r < 0 && errno == EPERM && host_fallback_for (type) && !(o->flags & MS_REMOUNT)
      && path_exists (host_fallback_for (type)))
    {
      const char *host = host_fallback_for (type);
      log_debug ("mount %s on `%s`: EPERM, binding the host's `%s` instead", type,
                 m->destination, host);
      if (mount (host, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        return mk_error_set (err, errno, "bind `%s` on `%s` (mount %s was refused)", host,
                             m->destination, type);
      *top = root_open (rootfd, m->destination, O_PATH);
      if (*top < 0)
        return mk_error_set (err, errno, "open `%s` after mounting it", m->destination);
      /* The host's tree is made read-only as a whole, right away (its
       * directories exist: nothing needs to be created beneath). */
      ro_later = false;
      char tbuf[FD_PATH_MAX];
      if ((flags & MOUNT_BIND_REMOUNT_FLAGS)
          && mount_remount_bind (fd_path (*top, tbuf), flags, m->destination, err) < 0)
        return -1;
      /* A read-only sysfs stays read-only below too (cgroup mounts under
       * the host's /sys come along with the recursive bind). */
      if (flags & MS_RDONLY)
        {
          mk_error *e = NULL;
          if (mount_setattr_recursive (*top, MOUNT_ATTR_RDONLY, 0, m->destination, &e) < 0)
            log_debug ("%s", e->msg);
          mk_error_free (&e);
        }
      return 0;
    }
  if (r < 0 && errno == EPERM && host_fallback_for (type))
    return mk_error_set (err, errno, "mount %s on `%s` (refused in a user namespace without "
                                     "the matching namespace, and the host has no `%s` to bind)",
                         type, m->destination, host_fallback_for (type));
  if (r < 0)
    return mk_error_set (err, errno, "mount %s on `%s`", type, m->destination);
  if (!need_top)
    return 0;
  *top = root_open (rootfd, m->destination, O_PATH);
  if (*top < 0)
    return mk_error_set (err, errno, "open `%s` after mounting it", m->destination);
  return ro_later ? 1 : 0;
}

static int
mount_entry (int rootfd, const struct spec *spec, const struct spec_mount *m, int source_fd,
             const struct mount_options *o, bool defer_ro, int *ro_later, mk_error **err)
{
  bool bind = is_bind (m, o);
  _cleanup_close_ int top = -1;
  char buf[FD_PATH_MAX];

  if (bind)
    {
      if (str_is_empty (m->source))
        return mk_error_set (err, 0, "a bind mount needs a source");
      /* A source the runtime opened: its fd, reached through /proc. */
      char src[FD_PATH_MAX];
      const char *source = source_fd >= 0 ? fd_path (source_fd, src) : m->source;
      top = mount_bind_into_root (rootfd, source, m->destination, o->flags & MS_REC, err);
      if (top < 0)
        return -1;
      /* A bind mount ignores ro/nosuid/nodev/noexec: they need a remount. */
      if (o->flags & MOUNT_BIND_REMOUNT_FLAGS)
        if (mount_remount_bind (fd_path (top, buf), o->flags, m->destination, err) < 0)
          return -1;
    }
  else if (str_is_empty (m->type))
    return mk_error_set (err, 0, "missing type (and not a bind mount)");
  else if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
    return mount_cgroup (rootfd, spec, m, o, err);
  else
    {
      int r = mount_fs (rootfd, m, o, defer_ro, &top, err);
      if (r < 0)
        return -1;
      if (r > 0 && (*ro_later = fcntl (top, F_DUPFD_CLOEXEC, 0)) < 0)
        return mk_error_set (err, errno, "dup");
    }
  if (top < 0)
    return 0; /* mount_fs: nothing more to apply */

  if ((o->rec_set || o->rec_clr) && mount_setattr_recursive (top, o->rec_set, o->rec_clr,
                                                             m->destination, err) < 0)
    return -1;
  return mount_apply_propagation (fd_path (top, buf), o->propagation, o->n_propagation,
                                  m->destination, err);
}

int
mount_spec_entry (int rootfd, const struct spec *spec, size_t index, bool defer_ro,
                  int *ro_later, mk_error **err)
{
  const struct spec_mount *m = &spec->mounts[index];
  *ro_later = -1;
  if (str_is_empty (m->destination))
    return mk_error_set (err, 0, "mounts[%zu].destination: missing", index);
  struct mount_options o;
  if (mount_options_parse (m->options, &o, err) < 0)
    return mk_error_wrap (err, "mounts[%zu].options", index);
  int source_fd = index < n_source_fds ? source_fds[index] : -1;
  int r = mount_entry (rootfd, spec, m, source_fd, &o, defer_ro, ro_later, err);
  mount_options_clear (&o);
  if (r < 0)
    {
      if (*ro_later >= 0)
        close (*ro_later);
      *ro_later = -1;
      return mk_error_wrap (err, "mounts[%zu] (%s)", index, m->destination);
    }
  return 0;
}
