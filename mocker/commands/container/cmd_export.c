/* mocker export [-o FILE] CONTAINER: the container's root filesystem (its
 * image's layers and its changes, as the container sees them) as a tar.
 *
 * The overlay is packed through its mount: the one of a running container,
 * or one made for the moment in a mount namespace of this process alone
 * (it vanishes with the process: nothing to unmount, nothing left on the
 * host). The container's lock keeps `start` from mounting it meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/archive/archive.h"
#include "mocker/container/container.h"
#include "mocker/container/remove.h"
#include "mocker/mocker.h"
#include "mocker/store/layer.h"

static const char usage[] =
  "Usage: mocker export [OPTIONS] CONTAINER\n"
  "\n"
  "Write a container's root filesystem as a tar archive, on stdout by default\n"
  "(`mocker import` makes an image of it again).\n"
  "\n"
  "Options:\n"
  "  -o, --output FILE   write to FILE instead of stdout\n"
  "  -h, --help          print this help\n";

static int
write_all (void *opaque, const void *data, size_t len, mk_error **err)
{
  int fd = *(int *) opaque;
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mk_error_set (err, errno, "export: write");
      p += n;
      len -= n;
    }
  return 0;
}

static int
export_rootfs (struct store *s, struct container *c, int fd, mk_error **err)
{
  _cleanup_close_ int lock = ctr_lock (c, err);
  if (lock < 0)
    return -1;
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", c->dir);
  if (!ctr_rootfs_mounted (c->dir))
    {
      /* a private mount namespace: our mount never reaches the host */
      if (unshare (CLONE_NEWNS) < 0)
        return mk_error_set (err, errno, "export: unshare the mount namespace");
      if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return mk_error_set (err, errno, "export: make mounts private");
      if (ctr_mount_rootfs (s, c, err) < 0)
        return mk_error_wrap (err, "export %.12s", c->id);
    }
  if (layer_pack_dir (rootfs, NULL, write_all, &fd, err) < 0)
    return mk_error_wrap (err, "export %.12s", c->id);
  return 0;
}

struct export_args
{
  struct store *s;
  struct container *c;
};

static int
export_to (int fd, void *opaque, mk_error **err)
{
  struct export_args *a = opaque;
  return export_rootfs (a->s, a->c, fd, err);
}

int
cmd_export (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *output = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+o:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        output = optarg;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "export", "+o:h", argv);
      }
  if (optind + 1 != argc)
    return mocker_usage_error (err, "export", "want exactly one CONTAINER");
  if (output == NULL && isatty (STDOUT_FILENO))
    return mk_error_set (err, 0, "export: refusing to write an archive to a terminal; use -o "
                                 "or redirect");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, argv[optind], &ct, err) < 0)
    return -1;
  struct export_args a = { s, ct };
  return mk_archive_output ("export", output, export_to, &a, err);
}
