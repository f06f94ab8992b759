/* --privileged: every device node of the host's /dev goes into the
 * container (linux.devices, which the runtime makes), as Docker does. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/bundle/bundle.h"

/* Docker's list: directories other mounts provide or that are not devices,
 * and the console (the container's is its own). /dev/ptmx is the
 * container's devpts one (a symlink the runtime makes), as in runc. */
static bool
skipped (const char *rel, bool is_dir)
{
  static const char *const dirs[] = { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts",
                                      ".udev" };
  if (is_dir)
    {
      for (size_t i = 0; i < ARRAY_SIZE (dirs); i++)
        if (strcmp (rel, dirs[i]) == 0)
          return true;
      return false;
    }
  return strcmp (rel, "console") == 0 || strcmp (rel, "ptmx") == 0;
}

static void
add (struct spec_device **out, size_t *n, const char *path, const struct stat *st)
{
  *out = xrealloc (*out, (*n + 1) * sizeof **out);
  struct spec_device *d = &(*out)[(*n)++];
  memset (d, 0, sizeof *d);
  d->type = xstrdup (S_ISBLK (st->st_mode) ? "b" : "c");
  d->path = xstrdup (path);
  d->major = major (st->st_rdev);
  d->minor = minor (st->st_rdev);
  d->has_file_mode = true;
  d->file_mode = st->st_mode & 07777;
  d->has_uid = true;
  d->uid = st->st_uid;
  d->has_gid = true;
  d->gid = st->st_gid;
}

/* dirfd: the open directory at host path dir (under /dev), rel its path
 * under /dev ("" for /dev itself). Symlinks are not followed. */
static int
walk (int dirfd, const char *rel, struct spec_device **out, size_t *n, mk_error **err)
{
  DIR *d = fdopendir (dirfd);
  if (d == NULL)
    {
      close (dirfd);
      return mk_error_set (err, errno, "read `/dev/%s`", rel);
    }
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      _cleanup_free_ char *sub = *rel ? xasprintf ("%s/%s", rel, e->d_name) : xstrdup (e->d_name);
      struct stat st;
      if (fstatat (dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue; /* gone meanwhile */
      if (S_ISDIR (st.st_mode))
        {
          if (skipped (sub, true))
            continue;
          int fd = openat (dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (fd >= 0)
            rc = walk (fd, sub, out, n, err);
          continue;
        }
      if (!(S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)) || skipped (sub, false))
        continue;
      _cleanup_free_ char *path = xasprintf ("/dev/%s", sub);
      add (out, n, path, &st);
    }
  closedir (d);
  return rc;
}

int
bundle_host_devices (const char *dev, struct spec_device **out, size_t *n, mk_error **err)
{
  *out = NULL;
  *n = 0;
  int fd = open (dev, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", dev);
  if (walk (fd, "", out, n, err) < 0)
    {
      for (size_t i = 0; i < *n; i++)
        {
          free ((*out)[i].type);
          free ((*out)[i].path);
        }
      free (*out);
      *out = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}
