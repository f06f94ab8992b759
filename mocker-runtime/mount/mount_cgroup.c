/* The "cgroup" mount type.
 *   cgroup v2 host: a cgroup2 mount (the container's own subtree when it has
 *     a cgroup namespace); refused (EPERM, e.g. a user namespace without a
 *     cgroup namespace) -> a bind of the container's own cgroup directory.
 *   v1 or hybrid host: a tmpfs at the destination and, for every hierarchy the
 *     host mounts under /sys/fs/cgroup, a sub-directory of the same name with
 *     the container's own cgroup of that hierarchy bound on it (or, with a
 *     cgroup namespace, a fresh mount of that hierarchy, which the namespace
 *     roots at the container's cgroup).  Co-mounted controllers get
 *     symlinks (cpu -> cpu,cpuacct) like on the host.
 * "ro" makes all of it read-only.  The container's cgroup is read from
 * /proc/self/cgroup: the init must already be in its cgroups. */
#include "mocker-runtime/mount/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/mount/paths.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_FS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_RELATIME | MS_NOATIME)

/* The path of this process's cgroup in the hierarchy whose controller list
 * (as /proc/self/cgroup writes it: "memory", "cpu,cpuacct", "name=systemd",
 * "" for v2) is ctrls.  Heap, NULL when not found. */
static char *
own_cgroup (const char *ctrls)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (read_file ("/proc/self/cgroup", &text, NULL, &e) < 0)
    return NULL;
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (!c2)
        continue;
      *c2 = '\0';
      if (strcmp (c1 + 1, ctrls) == 0)
        return xstrdup (c2 + 1);
    }
  return NULL;
}

struct hierarchy
{
  char *name;    /* directory under /sys/fs/cgroup: "memory", "unified", "systemd" */
  char *root;    /* the mount's root in the hierarchy, usually "/" */
  char *ctrls;   /* "memory", "name=systemd", "" for cgroup2 */
  bool v2;
};

static void
hierarchies_free (struct hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].name);
      free (h[i].root);
      free (h[i].ctrls);
    }
  free (h);
}

/* The controller list of a v1 mount from its super options: everything but
 * the generic ones, in the kernel's order (which /proc/self/cgroup uses too). */
static char *
v1_controllers (const char *superopts)
{
  static const char *generic[] = { "rw", "ro", "xattr", "noprefix", "clone_children",
                                   "cpuset_v2_mode", "favordynmods" };
  _cleanup_free_ char *copy = xstrdup (superopts);
  char *out = xzalloc (strlen (superopts) + 1);
  char *save = NULL;
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    {
      bool skip = str_has_prefix (o, "release_agent=");
      for (size_t i = 0; i < ARRAY_SIZE (generic); i++)
        skip = skip || strcmp (o, generic[i]) == 0;
      if (skip)
        continue;
      if (*out)
        strcat (out, ",");
      strcat (out, o);
    }
  return out;
}

/* The hierarchies mounted directly under /sys/fs/cgroup, from mountinfo. */
static int
list_hierarchies (struct hierarchy **out, size_t *n, mk_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (!f)
    return mk_error_set (err, errno, "open /proc/self/mountinfo");
  struct hierarchy *h = NULL;
  size_t len = 0;
  char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      char root[4096], mnt[4096], fstype[64], superopts[1024];
      char *dash = strstr (line, " - ");
      if (!dash || sscanf (line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2
          || sscanf (dash + 3, "%63s %*s %1023s", fstype, superopts) != 2)
        continue;
      bool v2 = strcmp (fstype, "cgroup2") == 0;
      if (!v2 && strcmp (fstype, "cgroup") != 0)
        continue;
      if (!str_has_prefix (mnt, CGROUP_ROOT "/") || strchr (mnt + sizeof CGROUP_ROOT, '/'))
        continue;
      h = xrealloc (h, (len + 1) * sizeof *h);
      h[len].name = xstrdup (mnt + sizeof CGROUP_ROOT);
      h[len].root = xstrdup (root);
      h[len].ctrls = v2 ? xstrdup ("") : v1_controllers (superopts);
      h[len].v2 = v2;
      len++;
    }
  free (line);
  *out = h;
  *n = len;
  return 0;
}

/* Binds the container's own cgroup of hierarchy (host dir hostdir, mount
 * root mroot, controllers ctrls) on target. */
static int
bind_own_cgroup (int rootfd, const char *hostdir, const char *mroot, const char *ctrls,
                 const char *dest, unsigned long flags, mk_error **err)
{
  _cleanup_free_ char *own = own_cgroup (ctrls);
  if (own == NULL)
    return mk_error_set (err, 0, "no cgroup of `%s` in /proc/self/cgroup", hostdir);
  const char *rel = own;
  /* The path is relative to the hierarchy's root; the host mount may show a
   * sub-tree of it. */
  if (strcmp (mroot, "/") != 0 && str_has_prefix (own, mroot))
    rel = own + strlen (mroot);
  _cleanup_free_ char *source = path_join (hostdir, rel);
  _cleanup_close_ int top = mount_bind_into_root (rootfd, source, dest, false, err);
  if (top < 0)
    return -1;
  char buf[FD_PATH_MAX];
  return mount_remount_bind (fd_path (top, buf), flags | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                             dest, err);
}

static int
mount_cgroup_v2 (int rootfd, const struct spec_mount *m, unsigned long flags, mk_error **err)
{
  _cleanup_close_ int fd = root_mkmountpoint (rootfd, m->destination, true, err);
  if (fd < 0)
    return -1;
  char buf[FD_PATH_MAX];
  if (mount ("cgroup2", fd_path (fd, buf), "cgroup2", flags, NULL) == 0)
    return 0;
  if (errno != EPERM)
    return mk_error_set (err, errno, "mount cgroup2 on `%s`", m->destination);
  log_debug ("mount cgroup2 on `%s`: EPERM, binding the container's cgroup", m->destination);
  return bind_own_cgroup (rootfd, CGROUP_ROOT, "/", "", m->destination, flags, err);
}

static int
mount_cgroup_v1 (int rootfd, const struct spec *spec, const struct spec_mount *m,
                 unsigned long flags, mk_error **err)
{
  const struct spec_namespace *ns = spec_find_namespace (spec, "cgroup");
  bool cgroupns = ns != NULL;
  struct hierarchy *h = NULL;
  size_t n = 0;
  if (list_hierarchies (&h, &n, err) < 0)
    return -1;

  int r = -1;
  _cleanup_close_ int fd = root_mkmountpoint (rootfd, m->destination, true, err);
  if (fd < 0)
    goto out;
  char buf[FD_PATH_MAX];
  if (mount ("tmpfs", fd_path (fd, buf), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755")
      < 0)
    {
      mk_error_set (err, errno, "mount tmpfs on `%s`", m->destination);
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *dest = path_join (m->destination, h[i].name);
      _cleanup_free_ char *hostdir = path_join (CGROUP_ROOT, h[i].name);
      if (cgroupns)
        {
          _cleanup_close_ int sub = root_mkmountpoint (rootfd, dest, true, err);
          if (sub < 0)
            goto out;
          const char *fstype = h[i].v2 ? "cgroup2" : "cgroup";
          if (mount (fstype, fd_path (sub, buf), fstype, flags, h[i].v2 ? NULL : h[i].ctrls) < 0)
            {
              mk_error_set (err, errno, "mount %s (%s) on `%s`", fstype, h[i].ctrls, dest);
              goto out;
            }
        }
      else if (bind_own_cgroup (rootfd, hostdir, h[i].root, h[i].ctrls, dest, flags, err) < 0)
        goto out;

      /* cpu -> cpu,cpuacct, as on hosts that co-mount controllers. */
      if (strchr (h[i].name, ','))
        {
          _cleanup_free_ char *copy = xstrdup (h[i].name);
          char *save = NULL;
          _cleanup_close_ int dir = root_open (rootfd, m->destination, O_PATH | O_DIRECTORY);
          for (char *c = strtok_r (copy, ",", &save); c && dir >= 0;
               c = strtok_r (NULL, ",", &save))
            if (symlinkat (h[i].name, dir, c) < 0 && errno != EEXIST)
              log_debug ("symlink `%s` in `%s`: %s", c, m->destination, strerror (errno));
        }
    }
  if (flags & MS_RDONLY)
    {
      _cleanup_close_ int top = root_open (rootfd, m->destination, O_PATH | O_DIRECTORY);
      if (top < 0
          || mount (NULL, fd_path (top, buf), NULL,
                    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
                 < 0)
        {
          mk_error_set (err, errno, "remount `%s` read-only", m->destination);
          goto out;
        }
    }
  r = 0;
out:
  hierarchies_free (h, n);
  return r;
}

int
mount_cgroup (int rootfd, const struct spec *spec, const struct spec_mount *m,
              const struct mount_options *o, mk_error **err)
{
  struct statfs sfs;
  if (statfs (CGROUP_ROOT, &sfs) < 0)
    return mk_error_set (err, errno, "statfs " CGROUP_ROOT);
  unsigned long flags = o->flags & CGROUP_FS_FLAGS;
  int r;
  if (sfs.f_type == CGROUP2_SUPER_MAGIC)
    r = mount_cgroup_v2 (rootfd, m, flags, err);
  else
    r = mount_cgroup_v1 (rootfd, spec, m, flags, err);
  if (r < 0)
    return -1;
  if (o->n_propagation == 0)
    return 0;
  _cleanup_close_ int top = root_open (rootfd, m->destination, O_PATH);
  if (top < 0)
    return mk_error_set (err, errno, "open `%s` after mounting it", m->destination);
  char buf[FD_PATH_MAX];
  return mount_apply_propagation (fd_path (top, buf), o->propagation, o->n_propagation,
                                  m->destination, err);
}
