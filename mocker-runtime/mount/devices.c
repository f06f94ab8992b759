#include "mocker-runtime/mount/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/mount/mounts.h"
#include "mocker-runtime/mount/paths.h"

struct device
{
  const char *path;
  mode_t type;   /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct device default_devices[] = {
  { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
  { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
  { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
  { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
  { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
  { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

/* Sets mode and owner of the node we just made, through an O_PATH fd taken
 * with O_NOFOLLOW and checked to be that node: never a path a symlink could
 * redirect, never a bound host device. */
static int
fix_node (int dirfd, const char *name, const struct device *d, mk_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return mk_error_set (err, errno, "open `%s`", d->path);
  if ((st.st_mode & S_IFMT) != d->type
      || (d->type != S_IFIFO && st.st_rdev != makedev (d->major, d->minor)))
    return mk_error_set (err, 0, "`%s` changed under us", d->path);
  /* Made with umask 0 by a root runtime, the node usually has its mode and
   * owner already: change only what differs. */
  char buf[FD_PATH_MAX];
  if ((st.st_mode & 07777) != (d->mode & 07777) && chmod (fd_path (fd, buf), d->mode & 07777) < 0)
    return mk_error_set (err, errno, "chmod `%s`", d->path);
  if ((st.st_uid != d->uid || st.st_gid != d->gid)
      && fchownat (fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return mk_error_set (err, errno, "chown `%s`", d->path);
  return 0;
}

/* Binds the host's device node on an empty file at d->path (user namespaces). */
static int
bind_host_device (int rootfd, const struct device *d, mk_error **err)
{
  _cleanup_close_ int top = mount_bind_into_root (rootfd, d->path, d->path, false, err);
  return top < 0 ? -1 : 0;
}

/* Makes d as `name` in dirfd (its parent directory, opened in the root). The
 * caller has set umask 0. replace: false for the default devices (an image's
 * node of the right kind is kept), true for linux.devices (made afresh with
 * its mode/owner). exact: a node made here already has d's mode and owner
 * (root made it, umask 0, in a directory without setgid), so fix_node's
 * check and changes can be skipped. */
static int
make_device_at (int rootfd, int dirfd, const char *name, const struct device *d, bool replace,
                bool exact, mk_error **err)
{
  dev_t rdev = makedev (d->major, d->minor);
  mode_t mode = d->type | (d->mode & 07777);
  if (mknodat (dirfd, name, mode, rdev) == 0)
    return exact && d->uid == 0 && d->gid == 0 ? 0 : fix_node (dirfd, name, d, err);
  if (errno == EEXIST)
    {
      struct stat st;
      if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return mk_error_set (err, errno, "stat `%s`", d->path);
      bool same = (st.st_mode & S_IFMT) == d->type && (d->type == S_IFIFO || st.st_rdev == rdev);
      if (same && !replace)
        return 0;  /* a default device the image already has */
      /* Never chmod/chown what exists: it may be a host device bound there.
       * An image's node (or a plain file) is replaced by a fresh one; a busy
       * one (a mount: a bound host device) is left exactly as it is. */
      if (unlinkat (dirfd, name, 0) < 0)
        {
          if (errno == EBUSY)
            {
              log_debug ("`%s` is a mount point: left as it is", d->path);
              return 0;
            }
          return mk_error_set (err, errno, "replace `%s`", d->path);
        }
      if (mknodat (dirfd, name, mode, rdev) == 0)
        return fix_node (dirfd, name, d, err);
    }
  if (errno != EPERM || d->type == S_IFIFO)
    return mk_error_set (err, errno, "mknod `%s`", d->path);
  log_debug ("mknod `%s`: EPERM, binding the host's device", d->path);
  return bind_host_device (rootfd, d, err);
}

static int
make_device (int rootfd, const struct device *d, bool replace, mk_error **err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = root_open_parent (rootfd, d->path, &name, err);
  if (dirfd < 0)
    return -1;
  return make_device_at (rootfd, dirfd, name, d, replace, false, err);
}

static int
spec_device_type (const struct spec_device *sd, mode_t *type)
{
  if (sd->type == NULL)
    return -1;
  if (strcmp (sd->type, "c") == 0 || strcmp (sd->type, "u") == 0)
    *type = S_IFCHR;
  else if (strcmp (sd->type, "b") == 0)
    *type = S_IFBLK;
  else if (strcmp (sd->type, "p") == 0)
    *type = S_IFIFO;
  else
    return -1;
  return 0;
}

static int
make_spec_devices (int rootfd, const struct spec_linux *l, mk_error **err)
{
  for (size_t i = 0; l && i < l->n_devices; i++)
    {
      const struct spec_device *sd = &l->devices[i];
      struct device d = { .path = sd->path, .major = (unsigned) sd->major,
                          .minor = (unsigned) sd->minor };
      if (str_is_empty (sd->path) || sd->path[0] != '/')
        return mk_error_set (err, 0, "linux.devices[%zu].path: must be an absolute path", i);
      if (spec_device_type (sd, &d.type) < 0)
        return mk_error_set (err, 0, "linux.devices[%zu].type: unknown device type \"%s\"", i,
                             sd->type ? sd->type : "");
      if (sd->major < 0 || sd->minor < 0 || sd->major > 0xfff || sd->minor > 0xfffff)
        return mk_error_set (err, 0, "linux.devices[%zu]: major/minor out of range", i);
      d.mode = sd->has_file_mode ? sd->file_mode : 0666;
      d.uid = sd->has_uid ? sd->uid : 0;
      d.gid = sd->has_gid ? sd->gid : 0;
      if (make_device (rootfd, &d, true, err) < 0)
        return mk_error_wrap (err, "linux.devices[%zu]", i);
    }
  return 0;
}

/* The default devices and links, in dev (the container's /dev). */
static int
make_defaults (int rootfd, int dev, mk_error **err)
{
  static const char *links[][2] = {
    { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  struct stat st;
  if (fstat (dev, &st) < 0)
    return mk_error_set (err, errno, "stat /dev");
  /* A default ACL on /dev (an image's) would set the nodes' mode instead of
   * the umask. */
  char buf[FD_PATH_MAX];
  bool exact = !(st.st_mode & S_ISGID) && geteuid () == 0 && getegid () == 0
               && getxattr (fd_path (dev, buf), "system.posix_acl_default", NULL, 0) < 0;
  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    {
      const struct device *d = &default_devices[i];
      if (make_device_at (rootfd, dev, d->path + strlen ("/dev/"), d, false, exact, err) < 0)
        return mk_error_wrap (err, "default device %s", d->path);
    }
  for (size_t i = 0; i < ARRAY_SIZE (links); i++)
    if (symlinkat (links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return mk_error_set (err, errno, "symlink /dev/%s", links[i][1]);
  if (access ("/proc/kcore", F_OK) == 0 && symlinkat ("/proc/kcore", dev, "core") < 0
      && errno != EEXIST)
    return mk_error_set (err, errno, "symlink /dev/core");

  /* /dev/ptmx must be the devpts instance's own ptmx. */
  if (unlinkat (dev, "ptmx", 0) < 0 && errno != ENOENT)
    {
      if (errno == EBUSY) /* something is mounted on it: leave it */
        return 0;
      return mk_error_set (err, errno, "remove /dev/ptmx");
    }
  if (symlinkat ("pts/ptmx", dev, "ptmx") < 0)
    return mk_error_set (err, errno, "symlink /dev/ptmx");
  return 0;
}

/* Like runc: a /dev that is a bind mount (of the host's /dev, usually) is
 * used as it is; anything else gets the runtime's devices. */
static bool
dev_is_bound (const struct spec *spec)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const struct spec_mount *m = &spec->mounts[i];
      if (!m->destination || strcmp (m->destination, "/dev") != 0)
        continue;
      if (m->type && strcmp (m->type, "bind") == 0)
        return true;
      for (size_t j = 0; m->options && m->options[j]; j++)
        if (strcmp (m->options[j], "bind") == 0 || strcmp (m->options[j], "rbind") == 0)
          return true;
    }
  return false;
}

int
devices_setup (int rootfd, const struct spec *spec, mk_error **err)
{
  /* Nodes are made with their exact mode (restored below on every path). */
  mode_t old_umask = umask (0);
  int r = 0;
  if (!dev_is_bound (spec))
    {
      _cleanup_close_ int dev = root_mkdir_p (rootfd, "/dev", 0755, err);
      r = dev < 0 ? -1 : make_defaults (rootfd, dev, err);
    }
  if (r == 0)
    r = make_spec_devices (rootfd, spec->linux_, err);
  umask (old_umask);
  return r;
}
