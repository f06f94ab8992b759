/* mocker cp [-a] [-L] CONTAINER:SRC DEST|-   and   mocker cp SRC|- CONTAINER:DEST
 *
 * Inside the container every path is resolved beneath its root
 * (openat2 RESOLVE_IN_ROOT, common/in_root.h): an absolute symlink such as
 * an image's /etc -> /host leads to the container's /host, never the host's.
 * A running container is reached through /proc/<pid>/root (its volumes and
 * binds included); a stopped one through its overlay with its volumes and
 * binds on top, mounted in a mount namespace of the copy's own (gone when it
 * exits: nothing to undo, nothing seen by others). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/in_root.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/commands/container/cp_tar.h"
#include "mocker/mocker.h"
#include "mocker/volume/copy_tree.h"

static const char usage[] =
  "Usage: mocker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
  "       mocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n"
  "\n"
  "Copy files and directories between a container and the host (running or\n"
  "stopped containers).  `-` is a tar stream on stdout / stdin.  Owners,\n"
  "modes and times are kept.\n"
  "\n"
  "Options:\n"
  "  -a, --archive       keep owners (always done)\n"
  "  -L, --follow-link   follow a symlink SRC_PATH\n"
  "  -h, --help          print this help\n";

/* One side of the copy: the host (rootfd < 0: paths as they are) or the
 * container's root. */
struct side
{
  int rootfd;
};

static int
side_open (const struct side *sd, const char *path, int flags)
{
  if (sd->rootfd >= 0)
    return openat_in_root (sd->rootfd, path, flags, 0);
  return open (path, flags | O_CLOEXEC);
}

/* "CTR:/path" -> container reference and path; a local path has a '/' (or
 * starts with '.') before any ':', as Docker decides. */
static bool
split_container (const char *arg, char **ctr, char **path)
{
  const char *colon = strchr (arg, ':');
  if (colon == NULL || arg[0] == '/' || arg[0] == '.')
    return false;
  const char *slash = strchr (arg, '/');
  if (slash && slash < colon)
    return false;
  *ctr = xstrndup (arg, (size_t) (colon - arg));
  *path = xstrdup (colon + 1);
  return true;
}

/* Splits path into its directory and last name ("" for "/", "." for "x/."). */
static void
split_path (const char *path, char **dir, char **base)
{
  _cleanup_free_ char *p = xstrdup (*path ? path : ".");
  size_t n = strlen (p);
  while (n > 1 && p[n - 1] == '/')
    p[--n] = '\0';
  char *slash = strrchr (p, '/');
  if (slash == NULL)
    {
      *dir = xstrdup (".");
      *base = xstrdup (p);
    }
  else if (slash == p)
    {
      *dir = xstrdup ("/");
      *base = xstrdup (p + 1);
    }
  else
    {
      *dir = xstrndup (p, (size_t) (slash - p));
      *base = xstrdup (slash + 1);
    }
}

/* -L: follows a symlink at path (inside the side's root) to what it names. */
static char *
follow_links (const struct side *sd, const char *path, mk_error **err)
{
  char *cur = xstrdup (path);
  for (int i = 0; i < 40; i++)
    {
      _cleanup_free_ char *dir = NULL, *base = NULL;
      split_path (cur, &dir, &base);
      _cleanup_close_ int d = side_open (sd, dir, O_PATH | O_DIRECTORY);
      char target[PATH_MAX];
      ssize_t n = d < 0 ? -1 : readlinkat (d, base, target, sizeof target - 1);
      if (n < 0)
        return cur;
      target[n] = '\0';
      char *next = target[0] == '/' ? xstrdup (target) : xasprintf ("%s/%s", dir, target);
      free (cur);
      cur = next;
    }
  free (cur);
  mk_error_set (err, ELOOP, "`%s`: too many levels of symbolic links", path);
  return NULL;
}

/* Path depth ("/a/b" = 2): parents are mounted first. */
static size_t
depth_of (const char *p)
{
  size_t n = 0;
  for (const char *c = p; *c; c++)
    if (*c == '/' && c[1] && c[1] != '/')
      n++;
  return n;
}

/* Binds the container's volumes and binds (the record's "mounts") onto the
 * rootfs, as the runtime does at start.  Each target is resolved inside the
 * root and mounted through its descriptor; a target that does not exist
 * (never started) is left out. */
static int
mount_data (const struct container *c, int rootfd, mk_error **err)
{
  yajl_val mounts = json_get (c->record, "mounts");
  size_t n = mounts && YAJL_IS_ARRAY (mounts) ? mounts->u.array.len : 0;
  size_t max = 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *dst = json_get_str (mounts->u.array.values[i], "Destination");
      if (dst && depth_of (dst) > max)
        max = depth_of (dst);
    }
  for (size_t depth = 0; n && depth <= max; depth++)
    for (size_t i = 0; i < n; i++)
      {
        yajl_val m = mounts->u.array.values[i];
        const char *type = json_get_str (m, "Type");
        const char *src = json_get_str (m, "Source");
        const char *dst = json_get_str (m, "Destination");
        if (type == NULL || src == NULL || dst == NULL || depth_of (dst) != depth
            || strcmp (type, "tmpfs") == 0 || str_is_empty (src))
          continue;
        _cleanup_close_ int target = openat_in_root (rootfd, dst, O_PATH, 0);
        if (target < 0)
          continue;
        _cleanup_free_ char *at = xasprintf ("/proc/self/fd/%d", target);
        if (mount (src, at, NULL, MS_BIND | MS_REC, NULL) < 0)
          return mk_error_set (err, errno, "bind `%s` on the container's `%s`", src, dst);
        if (YAJL_IS_FALSE (json_get (m, "RW")))
          {
            /* the new mount is reached again through the path, resolved in root */
            _cleanup_close_ int again = openat_in_root (rootfd, dst, O_PATH, 0);
            _cleanup_free_ char *at2 = xasprintf ("/proc/self/fd/%d", again);
            if (again < 0
                || mount (NULL, at2, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
              return mk_error_set (err, errno, "make the container's `%s` read-only", dst);
          }
      }
  return 0;
}

/* A stopped container: a private mount namespace with its overlay (mounted
 * unless it still is) and its data mounts; *root gets the rootfs path. */
static int
stopped_root (struct store *s, const struct container *c, int *rootfd, mk_error **err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return mk_error_set (err, errno, "unshare a mount namespace");
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return mk_error_set (err, errno, "make the mounts private");
  if (ctr_mount_rootfs (s, c, err) < 0)
    return mk_error_wrap (err, "mount the container's file system");
  _cleanup_free_ char *root = xasprintf ("%s/bundle/rootfs", c->dir);
  *rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    return mk_error_set (err, errno, "open `%s`", root);
  return mount_data (c, *rootfd, err);
}

struct cp_job
{
  struct side src, dst;
  const char *src_path, *dst_path;
  bool src_stdin, dst_stdout, follow;
};

static int
run_copy (struct cp_job *j, mk_error **err)
{
  if (j->src_stdin)
    {
      _cleanup_close_ int d = side_open (&j->dst, j->dst_path, O_RDONLY | O_DIRECTORY);
      if (d < 0)
        return mk_error_set (err, errno, "destination `%s` must be a directory", j->dst_path);
      return cp_tar_extract (STDIN_FILENO, d, err);
    }
  _cleanup_free_ char *spath = j->follow ? follow_links (&j->src, j->src_path, err)
                                         : xstrdup (j->src_path);
  if (spath == NULL)
    return -1;
  _cleanup_free_ char *sdir_path = NULL, *sname = NULL;
  split_path (spath, &sdir_path, &sname);
  bool contents_only = strcmp (sname, ".") == 0 || sname[0] == '\0';
  _cleanup_close_ int sdir = side_open (&j->src, sdir_path, O_RDONLY | O_DIRECTORY);
  if (sdir < 0)
    return mk_error_set (err, errno, "could not find the file `%s`", j->src_path);
  if (contents_only)
    {
      /* "dir/." (or "/"): the directory's contents. */
      int fd = sname[0] ? openat (sdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : dup (sdir);
      close (sdir);
      sdir = fd;
      free (sname);
      sname = xstrdup (".");
    }
  struct stat st;
  if (fstatat (sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return mk_error_set (err, errno, "could not find the file `%s`", j->src_path);
  if (j->dst_stdout)
    {
      const char *aname = contents_only ? "." : sname;
      return cp_tar_write (sdir, sname, aname, STDOUT_FILENO, err);
    }
  /* The destination: into it when it is a directory, else as it. */
  _cleanup_close_ int into = side_open (&j->dst, j->dst_path, O_RDONLY | O_DIRECTORY);
  if (into >= 0)
    {
      if (contents_only)
        return copy_dir_contents (sdir, into, err);
      return copy_entry_at (sdir, sname, into, sname, err);
    }
  if (errno == ENOTDIR && S_ISDIR (st.st_mode))
    return mk_error_set (err, 0, "cannot copy a directory to the file `%s`", j->dst_path);
  size_t dl = strlen (j->dst_path);
  if (dl && j->dst_path[dl - 1] == '/' && !S_ISDIR (st.st_mode))
    return mk_error_set (err, 0, "destination directory `%s` does not exist", j->dst_path);
  _cleanup_free_ char *ddir_path = NULL, *dname = NULL;
  split_path (j->dst_path, &ddir_path, &dname);
  if (dname[0] == '\0' || strcmp (dname, ".") == 0 || strcmp (dname, "..") == 0)
    return mk_error_set (err, 0, "invalid destination `%s`", j->dst_path);
  _cleanup_close_ int ddir = side_open (&j->dst, ddir_path, O_RDONLY | O_DIRECTORY);
  if (ddir < 0)
    return mk_error_set (err, errno, "destination directory `%s`", ddir_path);
  if (contents_only)
    {
      if (mkdirat (ddir, dname, st.st_mode & 07777) < 0 && errno != EEXIST)
        return mk_error_set (err, errno, "mkdir `%s`", j->dst_path);
      _cleanup_close_ int d = openat (ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (d < 0)
        return mk_error_set (err, errno, "open `%s`", j->dst_path);
      return copy_dir_contents (sdir, d, err);
    }
  return copy_entry_at (sdir, sname, ddir, dname, err);
}

int
cmd_cp (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "archive", no_argument, NULL, 'a' },
    { "follow-link", no_argument, NULL, 'L' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct cp_job j = { .src = { -1 }, .dst = { -1 } };
  int c;
  while ((c = getopt_long (argc, argv, "aLh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': break;
      case 'L': j.follow = true; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "cp", "aLh", argv);
      }
  if (argc - optind != 2)
    return mocker_usage_error (err, "cp", "exactly SRC and DEST are required");
  const char *src = argv[optind], *dst = argv[optind + 1];
  _cleanup_free_ char *sctr = NULL, *spath = NULL, *dctr = NULL, *dpath = NULL;
  bool from = split_container (src, &sctr, &spath);
  bool to = split_container (dst, &dctr, &dpath);
  if (from && to)
    return mk_error_set (err, 0, "copying between containers is not supported");
  if (!from && !to)
    return mk_error_set (err, 0, "must specify at least one container source");
  /* a tar stream needs libarchive: mocker-heavy's */
  if ((strcmp (src, "-") == 0 || strcmp (dst, "-") == 0)
      && cp_tar_here_or_exec (ctx, argc, argv, err) < 0)
    return -1;
  const char *ref = from ? sctr : dctr;
  const char *cpath = from ? spath : dpath;
  if (str_is_empty (cpath))
    return mk_error_set (err, 0, "`%s`: the container path is empty", from ? src : dst);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ctr = NULL;
  if (ctr_find (s, ref, &ctr, err) < 0)
    return -1;
  /* No start, stop or rm while the copy runs. */
  _cleanup_close_ int lock = ctr_lock (ctr, err);
  if (lock < 0)
    return -1;
  ctr_reload_state (ctr);
  _cleanup_close_ int rootfd = -1;
  if (ctr_live_status (ctr) == LIVE_RUNNING)
    {
      _cleanup_free_ char *root = xasprintf ("/proc/%d/root", (int) ctr->state.pid);
      rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (rootfd < 0)
        return mk_error_set (err, errno, "open `%s`", root);
    }
  else if (stopped_root (s, ctr, &rootfd, err) < 0)
    return -1;
  if (from)
    {
      j.src.rootfd = rootfd;
      j.src_path = spath;
      j.dst_stdout = strcmp (dst, "-") == 0;
      j.dst_path = dst;
    }
  else
    {
      j.dst.rootfd = rootfd;
      j.dst_path = dpath;
      j.src_stdin = strcmp (src, "-") == 0;
      j.src_path = src;
    }
  int r = run_copy (&j, err);
  return r;
}
