/* The order of the container's file system setup (see rootfs.h); the
 * mechanisms live in mounts.c, mount_cgroup.c, devices.c, masked.c, sysctl.c
 * and paths.c. */
#include "mocker-runtime/mount/rootfs.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/mount/devices.h"
#include "mocker-runtime/mount/masked.h"
#include "mocker-runtime/mount/mount_options.h"
#include "mocker-runtime/mount/mounts.h"
#include "mocker-runtime/mount/paths.h"
#include "mocker-runtime/mount/rootfs_shared.h"
#include "mocker-runtime/kernel/sysctl.h"

/* The mounts asked to be read-only whose flag waits until everything beneath
 * them exists (mounts, devices, the cwd, /dev/console): O_PATH fds of the
 * mounts, made read-only by rootfs_finalize, as runc does for /dev.  Only the
 * init (one per process) uses them. */
static struct
{
  int fd;
  const char *what;
} *ro_later;
static size_t n_ro_later;

/* Whether path lies strictly beneath dir (both absolute or both relative to
 * the root; repeated slashes and "." components are ignored). */
static bool
path_beneath (const char *dir, const char *path)
{
  for (;;)
    {
      while (*dir == '/' || (dir[0] == '.' && (dir[1] == '/' || dir[1] == '\0')))
        dir++;
      while (*path == '/' || (path[0] == '.' && (path[1] == '/' || path[1] == '\0')))
        path++;
      if (*dir == '\0')
        return *path != '\0';
      size_t nd = strcspn (dir, "/"), np = strcspn (path, "/");
      if (nd != np || strncmp (dir, path, nd) != 0)
        return false;
      dir += nd;
      path += np;
    }
}

/* A file system mount's "ro" waits when /dev (devices, the console) or a
 * later mount, device or the cwd goes beneath it. */
static bool
defer_readonly (const struct spec *spec, size_t i)
{
  const char *dest = spec->mounts[i].destination;
  if (dest == NULL)
    return false;
  if (path_beneath (dest, "/dev/null"))
    return true;
  for (size_t j = i + 1; j < spec->n_mounts; j++)
    if (spec->mounts[j].destination && path_beneath (dest, spec->mounts[j].destination))
      return true;
  const struct spec_linux *l = spec->linux_;
  for (size_t d = 0; l && d < l->n_devices; d++)
    if (l->devices[d].path && path_beneath (dest, l->devices[d].path))
      return true;
  return spec->process && spec->process->cwd && path_beneath (dest, spec->process->cwd);
}

/* Checks what can be checked before anything is mounted. */
static int
validate (const struct spec *spec, mk_error **err)
{
  const struct spec_linux *l = spec->linux_;
  if (l && l->rootfs_propagation && mount_propagation_flag (l->rootfs_propagation) == 0)
    return mk_error_set (err, 0, "linux.rootfsPropagation: unknown value \"%s\"",
                         l->rootfs_propagation);
  for (size_t i = 0; l && i < l->sysctl.len; i++)
    if (sysctl_check (spec, l->sysctl.keys[i], err) < 0)
      return -1;
  return 0;
}

/* The destination as "/a/b": without repeated, "." and trailing slashes. */
static bool
dest_is (const char *dest, const char *want)
{
  const char *w = want;
  for (const char *p = dest; *p;)
    {
      while (*p == '/')
        p++;
      if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
        {
          p++;
          continue;
        }
      if (*p == '\0')
        break;
      if (*w++ != '/')
        return false;
      while (*p && *p != '/')
        if (*p++ != *w++)
          return false;
    }
  return *w == '\0';
}

/* proc and sysfs mounts, and whatever lands on /proc or /sys, need a real
 * directory (or nothing: it is made): a rootfs whose /proc is a symlink
 * would put procfs somewhere else than where the runtime then masks,
 * makes read-only and reads through /proc/self (the class of
 * CVE-2019-16884).  runc refuses the same. */
static int
check_proc_sys_destination (int rootfd, const struct spec_mount *m, size_t index, mk_error **err)
{
  if (str_is_empty (m->destination))
    return 0; /* mount_spec_entry reports it */
  bool typed = m->type && (strcmp (m->type, "proc") == 0 || strcmp (m->type, "sysfs") == 0);
  if (!typed && !dest_is (m->destination, "/proc") && !dest_is (m->destination, "/sys"))
    return 0;
  _cleanup_close_ int fd = root_open (rootfd, m->destination, O_PATH | O_NOFOLLOW);
  if (fd < 0)
    return 0; /* missing: made as a directory; other errors are the mount's to report */
  struct stat st;
  if (fstat (fd, &st) < 0)
    return mk_error_set (err, errno, "mounts[%zu] (%s): stat", index, m->destination);
  if (!S_ISDIR (st.st_mode))
    return mk_error_set (err, 0, "mounts[%zu] (%s): %s must be mounted on a directory, "
                                 "and the rootfs has a %s there", index, m->destination,
                         typed ? m->type : m->destination,
                         S_ISLNK (st.st_mode) ? "symlink" : "file that is not a directory");
  return 0;
}

/* pivot_root(".", "."): the old root ends up stacked on the new one and is
 * detached from there; no directory for it is needed in the rootfs. */
static int
enter_root_pivot (const char *rootfs, mk_error **err)
{
  _cleanup_close_ int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return mk_error_set (err, errno, "open /");
  if (chdir (rootfs) < 0)
    return mk_error_set (err, errno, "chdir `%s`", rootfs);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return mk_error_set (err, errno, "pivot_root `%s`", rootfs);
  if (fchdir (oldroot) < 0)
    return mk_error_set (err, errno, "fchdir to the old root");
  /* The detach must not propagate to the host's copy of these mounts. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return mk_error_set (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return mk_error_set (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return mk_error_set (err, errno, "chdir /");
  return 0;
}

/* mountinfo's octal escapes (\040 for a space) decoded in place. */
static void
unescape_octal (char *s)
{
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
        && s[3] <= '7')
      {
        *out++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

static bool
path_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* --no-pivot keeps the host's mounts in the container's mount namespace,
 * under the moved rootfs.  The kernel lets a user namespace mount a fresh
 * procfs or sysfs only when one is already fully visible in its mount
 * namespace: the host's /proc and /sys would be, so a process that may make
 * a user namespace (unshare -mrp) could mount an unmasked, writable /proc.
 * Every full procfs and sysfs mount outside the rootfs is detached first (as
 * runc does), or covered with an empty tmpfs where it cannot be (locked in a
 * user namespace).  Our own mount namespace is private or a slave by now:
 * nothing of this reaches the host. */
static int
hide_host_proc_sys (const char *rootfs, mk_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return mk_error_set (err, errno, "--no-pivot: open /proc/self/mountinfo");
  _cleanup_strv_ char **targets = NULL;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE ... */
      char root[4096], point[4096], fstype[64];
      const char *dash = strstr (line, " - ");
      if (dash == NULL || sscanf (line, "%*s %*s %*s %4095s %4095s", root, point) != 2
          || sscanf (dash + 3, "%63s", fstype) != 1)
        continue;
      unescape_octal (root);
      unescape_octal (point);
      if ((strcmp (fstype, "proc") == 0 || strcmp (fstype, "sysfs") == 0)
          && strcmp (root, "/") == 0 && !path_under (point, rootfs))
        strv_push (&targets, point);
    }
  for (size_t i = 0; targets && targets[i]; i++)
    {
      if (umount2 (targets[i], MNT_DETACH) == 0 || errno == ENOENT)
        continue; /* gone, or under one detached before */
      if (errno != EINVAL && errno != EPERM)
        return mk_error_set (err, errno, "--no-pivot: detach the host's `%s`", targets[i]);
      if (mount ("tmpfs", targets[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=0") < 0
          && errno != ENOENT)
        return mk_error_set (err, errno, "--no-pivot: cover the host's `%s`", targets[i]);
    }
  return 0;
}

/* --no-pivot: move the rootfs over / and chroot, the host's procfs and sysfs
 * detached first (the old root stays reachable for a process with
 * CAP_SYS_CHROOT: an escape hatch only). */
static int
enter_root_move (const char *rootfs, mk_error **err)
{
  if (hide_host_proc_sys (rootfs, err) < 0)
    return -1;
  if (chdir (rootfs) < 0)
    return mk_error_set (err, errno, "chdir `%s`", rootfs);
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return mk_error_set (err, errno, "move `%s` to /", rootfs);
  if (chroot (".") < 0)
    return mk_error_set (err, errno, "chroot `%s`", rootfs);
  if (chdir ("/") < 0)
    return mk_error_set (err, errno, "chdir /");
  return 0;
}

/* No mount namespace: chroot into the rootfs's bind. */
static int
enter_root_chroot (const char *rootfs, mk_error **err)
{
  if (chdir (rootfs) < 0)
    return mk_error_set (err, errno, "chdir `%s`", rootfs);
  if (chroot (".") < 0)
    return mk_error_set (err, errno, "chroot `%s`", rootfs);
  if (chdir ("/") < 0)
    return mk_error_set (err, errno, "chdir /");
  return 0;
}

int
rootfs_setup (const struct spec *spec, const char *rootfs, bool no_pivot, mk_error **err)
{
  if (validate (spec, err) < 0)
    return -1;

  /* Nothing done from here on may propagate to the host: every mount of this
   * (new) namespace becomes private, or a slave when asked for.  Without a
   * mount namespace (the runtime's is shared, rootfs_shared.h) only the
   * rootfs's bind is made private: the host's tree is left as it is. */
  bool shared = rootfs_shared_ns (spec);
  const char *rp = spec->linux_ ? spec->linux_->rootfs_propagation : NULL;
  unsigned long first = MS_REC | MS_PRIVATE;
  if (rp && (mount_propagation_flag (rp) & MS_SLAVE))
    first = MS_REC | MS_SLAVE;
  if (!shared && mount (NULL, "/", NULL, first, NULL) < 0)
    return mk_error_set (err, errno, "make the mount tree private");

  /* pivot_root needs the new root to be a mount point (EINVAL otherwise). */
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return mk_error_set (err, errno, "bind the rootfs `%s` onto itself", rootfs);
  if (shared && mount (NULL, rootfs, NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return mk_error_set (err, errno, "make the rootfs `%s` private", rootfs);
  _cleanup_close_ int rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mk_error_set (err, errno, "open the rootfs `%s`", rootfs);

  ro_later = xzalloc (sizeof *ro_later * (spec->n_mounts + 1));
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      int later;
      if (check_proc_sys_destination (rootfd, &spec->mounts[i], i, err) < 0
          || mount_spec_entry (rootfd, spec, i, defer_readonly (spec, i), &later, err) < 0)
        return -1;
      if (later >= 0)
        ro_later[n_ro_later++] = (typeof (*ro_later)) { later, spec->mounts[i].destination };
    }
  /* The bind sources the runtime sent are host paths: none may outlive the
   * mounts (--preserve-fds could otherwise hand one to the process). */
  mount_sources_close ();

  if (devices_setup (rootfd, spec, err) < 0)
    return -1;

  /* The process's cwd exists before the user switch (as runc does). */
  if (spec->process && !str_is_empty (spec->process->cwd))
    {
      _cleanup_close_ int cwd = root_mkdir_p (rootfd, spec->process->cwd, 0755, err);
      if (cwd < 0)
        return mk_error_wrap (err, "process.cwd");
    }

  /* The runtime's own namespace: pivot_root or a move over / would change
   * the host's root; a chroot changes the init's alone. */
  if (shared)
    return enter_root_chroot (rootfs, err);
  return no_pivot ? enter_root_move (rootfs, err) : enter_root_pivot (rootfs, err);
}

int
rootfs_finalize (const struct spec *spec, mk_error **err)
{
  const struct spec_linux *l = spec->linux_;
  if (sysctl_apply (spec, err) < 0)
    return -1;
  if (l && masked_paths_apply (l->masked_paths, err) < 0)
    return -1;
  if (l && readonly_paths_apply (l->readonly_paths, err) < 0)
    return -1;
  for (size_t i = n_ro_later; i-- > 0;)
    {
      if (mount_make_readonly (ro_later[i].fd, ro_later[i].what, err) < 0)
        return mk_error_wrap (err, "mounts (%s)", ro_later[i].what);
      close (ro_later[i].fd);
    }
  n_ro_later = 0;
  if (spec->root_readonly && mount_remount_add ("/", MS_RDONLY, "/ (root.readonly)", err) < 0)
    return -1;
  if (l && l->rootfs_propagation)
    {
      unsigned long flag = mount_propagation_flag (l->rootfs_propagation);
      if (mount (NULL, "/", NULL, flag, NULL) < 0)
        return mk_error_set (err, errno, "linux.rootfsPropagation: set \"%s\" on /",
                             l->rootfs_propagation);
    }
  return 0;
}
