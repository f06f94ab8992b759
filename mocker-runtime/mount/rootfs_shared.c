#include "mocker-runtime/mount/rootfs_shared.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/linux_compat.h"
#include "common/log.h"
#include "common/util.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U /* Linux 6.8: never reused */
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 8
#endif

#define RECORD "rootfs.mount"

bool
rootfs_shared_ns (const struct spec *spec)
{
  return spec_find_namespace (spec, "mount") == NULL;
}

uint64_t
rootfs_mount_id (const char *path)
{
  struct statx sx;
  unsigned int masks[] = { STATX_MNT_ID_UNIQUE, STATX_MNT_ID };
  for (size_t i = 0; i < ARRAY_SIZE (masks); i++)
    if (statx (AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, masks[i], &sx) == 0
        && (sx.stx_mask & masks[i]))
      return sx.stx_mnt_id;
  return 0;
}

static void
detach (const char *rootfs)
{
  if (umount2 (rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
    log_warning ("unmount the container's mounts at `%s`: %s", rootfs, strerror (errno));
}

static void
write_record (int state_dfd, const char *prefix, uint64_t id)
{
  char text[40];
  int n = snprintf (text, sizeof text, "%s%" PRIu64 "\n", prefix, id);
  mk_error *err = NULL;
  if (write_file_atomic_at (state_dfd, RECORD, text, (size_t) n, 0600, false, &err) < 0)
    {
      log_warning ("%s", err->msg);
      mk_error_free (&err);
    }
}

void
rootfs_shared_expect (int state_dfd, uint64_t before)
{
  if (before != 0)
    write_record (state_dfd, "!", before);
}

void
rootfs_shared_record (int state_dfd, const char *rootfs, uint64_t before)
{
  uint64_t now = rootfs_mount_id (rootfs);
  if (now == 0 || now == before)
    {
      /* No bind of the init's there (cannot happen once created): nothing
       * for delete to detach. */
      unlinkat (state_dfd, RECORD, 0);
      return;
    }
  write_record (state_dfd, "", now);
}

void
rootfs_shared_undo (const char *rootfs, uint64_t before)
{
  uint64_t now = rootfs_mount_id (rootfs);
  if (now != 0 && now != before)
    detach (rootfs);
}

void
rootfs_shared_release (int state_dfd, const char *rootfs)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  mk_error *err = NULL;
  if (rootfs == NULL || read_file_at (state_dfd, RECORD, 64, &text, &len, &err) < 0)
    {
      mk_error_free (&err); /* no record: a container with its own namespace */
      return;
    }
  uint64_t now = rootfs_mount_id (rootfs);
  if (text[0] == '!')
    {
      /* A create killed halfway: anything but the mount seen before it. */
      uint64_t before = strtoull (text + 1, NULL, 10);
      if (now != 0 && now != before)
        detach (rootfs);
      return;
    }
  uint64_t want = strtoull (text, NULL, 10);
  if (want != 0 && now == want)
    detach (rootfs);
}
