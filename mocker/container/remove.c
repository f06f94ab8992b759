/* See remove.h. */
#include "mocker/container/remove.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/events.h"

bool
ctr_rootfs_mounted (const char *dir)
{
  struct stat a, b;
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  _cleanup_free_ char *parent = xasprintf ("%s/bundle", dir);
  if (stat (rootfs, &a) < 0 || stat (parent, &b) < 0)
    return false;
  return a.st_dev != b.st_dev;
}

void
ctr_umount_rootfs (const char *dir)
{
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  for (int i = 0; i < 10 && ctr_rootfs_mounted (dir); i++)
    if (umount2 (rootfs, 0) < 0 && errno == EBUSY)
      umount2 (rootfs, MNT_DETACH);
}

char *
ctr_trash_dir (const char *base, const char *id, const char *name, mk_error **err)
{
  _cleanup_free_ char *dir = path_join (base, id);
  ctr_umount_rootfs (dir);
  _cleanup_free_ char *trash = xasprintf ("%s/.trash-%s", base, id);
  if (rename (dir, trash) < 0)
    {
      if (errno != ENOENT)
        mk_error_set (err, errno, "rename `%s`", dir);
      return NULL;
    }
  if (name)
    {
      _cleanup_free_ char *link = xasprintf ("%s/.names/%s", base, name);
      char target[80];
      ssize_t n = readlink (link, target, sizeof target - 1);
      if (n > 0 && (size_t) n == strlen (id) && memcmp (target, id, (size_t) n) == 0)
        unlink (link);
    }
  /* Gone from every listing: Docker's destroy (the record is read from the
   * trash; base is <store>/containers). */
  _cleanup_free_ char *root = xstrdup (base);
  char *slash = strrchr (root, '/');
  if (slash)
    {
      *slash = '\0';
      ctr_event (root, id, trash, "destroy", NULL);
    }
  return STEAL (trash);
}

int
ctr_remove_dir (const char *base, const char *id, const char *name, mk_error **err)
{
  mk_error *e = NULL;
  _cleanup_free_ char *trash = ctr_trash_dir (base, id, name, &e);
  if (trash == NULL)
    {
      if (e == NULL)
        return 0; /* already gone */
      *err = e;
      return -1;
    }
  return rm_rf_one_fs (trash, err);
}
