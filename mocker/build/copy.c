/* COPY, ADD and WORKDIR (build_internal.h).
 *
 * The files are written into the mounted overlay rootfs of a step container
 * that never runs, so overlayfs copies up the parent directories with their
 * metadata and the upper directory is exactly the step's layer.  Every path
 * inside that rootfs is resolved by the kernel as if it were `/`
 * (openat2 RESOLVE_IN_ROOT), so a symlink in the image cannot send a write
 * outside.  Sources in the context are opened with RESOLVE_BENEATH: `..`,
 * an absolute path or a symlink leading out of the context is refused, and
 * .dockerignore'd files are invisible.  ADD extracts a local tar archive
 * (plain, gzip, bzip2, xz, zstd) in a child chroot'ed into the rootfs. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/in_root.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"
#include "mocker/bundle/bundle.h"
#include "mocker/container/container.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"

/* One source: an open file or directory and its path for messages, the
 * checksum and (in the context) .dockerignore. */
struct src
{
  char *rel;      /* as matched: context-relative, or absolute in --from's image */
  int fd;
  struct stat st;
};

struct copy_ctx
{
  struct builder *b;
  const struct df_instr *ins;
  bool from_context;      /* sources are in the context (.dockerignore applies) */
  uid_t uid;
  gid_t gid;
  bool has_chmod;
  mode_t chmod;
};

static void
srcs_free (struct src *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].rel);
      if (v[i].fd >= 0)
        close (v[i].fd);
    }
  free (v);
}

static int
open_beneath (int dirfd, const char *path, int flags)
{
  struct open_how how = { .flags = (unsigned long long) flags | O_CLOEXEC,
                          .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
  for (int tries = 0; tries < 16; tries++)
    {
      long fd = syscall (SYS_openat2, dirfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        return (int) fd;
    }
  return -1;
}

static bool
excluded (const struct copy_ctx *cx, const char *rel)
{
  return cx->from_context && dockerignore_excluded (cx->b->ignore, rel);
}

/* ---- sources ------------------------------------------------------------ */

static bool
has_glob (const char *s)
{
  return strpbrk (s, "*?[") != NULL;
}

/* Every path under dirfd (relative, "a/b"), for glob matching. */
static void
walk_paths (const struct copy_ctx *cx, int dirfd, const char *prefix, char ***out, int depth)
{
  if (depth > 64)
    return;
  int dfd = dup (dirfd);
  if (dfd < 0)
    return;
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return;
    }
  rewinddir (d); /* the offset is shared with dirfd, which may have been read */
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_free_ char *rel = *prefix ? xconcat (prefix, "/", de->d_name, NULL)
                                         : xstrdup (de->d_name);
      bool ex = excluded (cx, rel);
      if (!ex)
        strv_push (out, rel);
      if (de->d_type == DT_DIR && (!ex || dockerignore_has_exceptions (cx->b->ignore)))
        {
          _cleanup_close_ int sub = openat (dirfd, de->d_name,
                                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            walk_paths (cx, sub, rel, out, depth + 1);
        }
    }
  closedir (d);
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
add_src (struct copy_ctx *cx, int rootfd, const char *rel, struct src **v, size_t *n,
         mk_error **err)
{
  struct builder *b = cx->b;
  int fd;
  if (cx->from_context)
    fd = open_beneath (rootfd, *rel ? rel : ".", O_RDONLY | O_NONBLOCK | O_NOCTTY);
  else
    fd = openat_in_root (rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0 && (errno == EXDEV || errno == ELOOP) && cx->from_context)
    return build_fail (b, cx->ins, err,
                       "%s source `%s` is outside the build context (a symlink leads out)",
                       cx->ins->cmd, rel);
  if (fd < 0 && errno == ENOENT)
    return build_fail (b, cx->ins, err, "%s failed: `%s` not found%s", cx->ins->cmd, rel,
                       cx->from_context ? " in the build context" : "");
  if (fd < 0)
    return build_fail (b, cx->ins, err, "%s source `%s`: %s", cx->ins->cmd, rel, strerror (errno));
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  struct src *s = &(*v)[(*n)++];
  s->rel = xstrdup (rel);
  s->fd = fd;
  fstat (fd, &s->st);
  return 0;
}

/* The sources of the instruction (globs expanded), in order. */
static int
collect (struct copy_ctx *cx, int rootfd, char **words, size_t n_words, struct src **v,
         size_t *n, mk_error **err)
{
  struct builder *b = cx->b;
  for (size_t i = 0; i < n_words; i++)
    {
      const char *w = words[i];
      if (str_has_prefix (w, "http://") || str_has_prefix (w, "https://")
          || str_has_prefix (w, "git@"))
        return build_fail (b, cx->ins, err,
                           "%s `%s`: sources from a URL are not supported (download the file "
                           "into the context, or in a RUN step)",
                           cx->ins->cmd, w);
      _cleanup_free_ char *clean = dockerignore_clean (w);
      if (cx->from_context)
        {
          if (clean[0] == '/')
            return build_fail (b, cx->ins, err,
                               "%s source `%s` is outside the build context (an absolute path)",
                               cx->ins->cmd, w);
          if (strcmp (clean, "..") == 0 || str_has_prefix (clean, "../"))
            return build_fail (b, cx->ins, err,
                               "%s source `%s` is outside the build context", cx->ins->cmd, w);
        }
      const char *rel = clean;
      while (*rel == '/')
        rel++;
      if (strcmp (rel, ".") == 0)
        rel = "";
      if (!has_glob (rel))
        {
          if (*rel && excluded (cx, rel))
            return build_fail (b, cx->ins, err,
                               "%s failed: `%s` not found in the build context (excluded by "
                               ".dockerignore)",
                               cx->ins->cmd, w);
          if (add_src (cx, rootfd, rel, v, n, err) < 0)
            return -1;
          continue;
        }
      _cleanup_strv_ char **all = xzalloc (sizeof *all);
      walk_paths (cx, rootfd, "", &all, 0);
      qsort (all, strv_len (all), sizeof *all, cmp_str);
      size_t before = *n;
      for (size_t j = 0; all[j]; j++)
        if (dockerignore_match (rel, all[j]) && add_src (cx, rootfd, all[j], v, n, err) < 0)
          return -1;
      if (*n == before)
        return build_fail (b, cx->ins, err, "%s failed: no source files were specified by `%s`",
                           cx->ins->cmd, w);
    }
  return 0;
}

/* ---- checksum of the sources (the cache key) ------------------------------- */

static void
sum_file (mk_digest *d, int fd)
{
  char buf[65536];
  ssize_t r;
  lseek (fd, 0, SEEK_SET);
  while ((r = read (fd, buf, sizeof buf)) > 0)
    digest_update (d, buf, (size_t) r);
  lseek (fd, 0, SEEK_SET);
}

static void
sum_tree (const struct copy_ctx *cx, mk_digest *d, int dirfd, const char *rel, int depth)
{
  if (depth > 64)
    return;
  int dfd = dup (dirfd);
  DIR *dir = dfd >= 0 ? fdopendir (dfd) : NULL;
  if (dir == NULL)
    {
      if (dfd >= 0)
        close (dfd);
      return;
    }
  rewinddir (dir);
  _cleanup_strv_ char **names = xzalloc (sizeof *names);
  struct dirent *de;
  while ((de = readdir (dir)))
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      strv_push (&names, de->d_name);
  closedir (dir);
  qsort (names, strv_len (names), sizeof *names, cmp_str);
  for (size_t i = 0; names[i]; i++)
    {
      _cleanup_free_ char *r = *rel ? xconcat (rel, "/", names[i], NULL) : xstrdup (names[i]);
      struct stat st;
      if (fstatat (dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      bool ex = excluded (cx, r);
      if (ex && !(S_ISDIR (st.st_mode) && dockerignore_has_exceptions (cx->b->ignore)))
        continue;
      char head[512];
      int hl = snprintf (head, sizeof head, "%s\n%o %lld\n", r, (unsigned) st.st_mode,
                         S_ISREG (st.st_mode) ? (long long) st.st_size : 0LL);
      if (!ex)
        digest_update (d, head, (size_t) hl);
      if (S_ISREG (st.st_mode) && !ex)
        {
          _cleanup_close_ int fd = openat (dirfd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          if (fd >= 0)
            sum_file (d, fd);
        }
      else if (S_ISLNK (st.st_mode) && !ex)
        {
          char target[4096];
          ssize_t n = readlinkat (dirfd, names[i], target, sizeof target);
          if (n > 0)
            digest_update (d, target, (size_t) n);
        }
      else if (S_ISDIR (st.st_mode))
        {
          _cleanup_close_ int sub = openat (dirfd, names[i],
                                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            sum_tree (cx, d, sub, r, depth + 1);
        }
    }
}

static char *
checksum (const struct copy_ctx *cx, const struct src *v, size_t n)
{
  mk_digest *d = digest_init ();
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *head = xasprintf ("source %s %o\n", v[i].rel, (unsigned) v[i].st.st_mode);
      digest_update (d, head, strlen (head));
      if (S_ISREG (v[i].st.st_mode))
        sum_file (d, v[i].fd);
      else if (S_ISDIR (v[i].st.st_mode))
        sum_tree (cx, d, v[i].fd, v[i].rel, 0);
    }
  char *sum = digest_final (d);
  digest_free (d);
  return sum;
}

/* ---- writing into the rootfs ---------------------------------------------------- */

/* mkdir -p of path inside the root; new directories get uid:gid.  Returns
 * an fd of the directory. */
static int
mkdir_in_root (int rootfd, const char *path, uid_t uid, gid_t gid, mk_error **err)
{
  _cleanup_free_ char *clean = dockerignore_clean (path);
  _cleanup_close_ int cur = openat_in_root (rootfd, "/", O_RDONLY | O_DIRECTORY, 0);
  if (cur < 0)
    return mk_error_set (err, errno, "open the rootfs");
  size_t len = strlen (clean);
  for (size_t i = 0; i < len;)
    {
      while (clean[i] == '/')
        i++;
      if (clean[i] == '\0' || strcmp (clean, ".") == 0)
        break;
      size_t end = i + strcspn (clean + i, "/");
      _cleanup_free_ char *prefix = xstrndup (clean, end);
      _cleanup_free_ char *comp = xstrndup (clean + i, end - i);
      int fd = openat_in_root (rootfd, prefix, O_RDONLY | O_DIRECTORY, 0);
      if (fd < 0 && errno == ENOENT)
        {
          if (mkdirat (cur, comp, 0755) < 0 && errno != EEXIST)
            return mk_error_set (err, errno, "mkdir `%s`", prefix);
          fd = openat (cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (fd >= 0 && fchown (fd, uid, gid) < 0)
            {
              close (fd);
              return mk_error_set (err, errno, "chown `%s`", prefix);
            }
        }
      if (fd < 0)
        return mk_error_set (err, errno == ENOTDIR ? ENOTDIR : errno, "directory `%s`", prefix);
      close (cur);
      cur = fd;
      i = end;
    }
  return STEAL_FD (cur);
}

/* Makes room for name in dirfd: a non-directory there is removed. */
static int
make_room (int dirfd, const char *name, bool want_dir, mk_error **err)
{
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  if (S_ISDIR (st.st_mode))
    {
      if (want_dir)
        return 0;
      return mk_error_set (err, EISDIR, "cannot replace directory `%s` with a file", name);
    }
  if (unlinkat (dirfd, name, 0) < 0)
    return mk_error_set (err, errno, "remove `%s`", name);
  return 0;
}

static int
copy_file (const struct copy_ctx *cx, int srcfd, const struct stat *st, int dirfd,
           const char *name, mk_error **err)
{
  if (make_room (dirfd, name, false, err) < 0)
    return -1;
  mode_t mode = cx->has_chmod ? cx->chmod : (st->st_mode & 07777);
  _cleanup_close_ int out = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                    0600);
  if (out < 0)
    return mk_error_set (err, errno, "create `%s`", name);
  lseek (srcfd, 0, SEEK_SET);
  char buf[65536];
  ssize_t r;
  while ((r = read (srcfd, buf, sizeof buf)) > 0)
    for (ssize_t off = 0; off < r;)
      {
        ssize_t w = write (out, buf + off, (size_t) (r - off));
        if (w < 0)
          return mk_error_set (err, errno, "write `%s`", name);
        off += w;
      }
  if (r < 0)
    return mk_error_set (err, errno, "read the source of `%s`", name);
  if (fchown (out, cx->uid, cx->gid) < 0 || fchmod (out, mode) < 0)
    return mk_error_set (err, errno, "set the owner and mode of `%s`", name);
  struct timespec ts[2] = { st->st_atim, st->st_mtim };
  futimens (out, ts);
  return 0;
}

static int copy_tree (const struct copy_ctx *cx, int srcdir, const char *rel, int dstdir,
                      int depth, mk_error **err);

static int
copy_entry (const struct copy_ctx *cx, int srcdir, const char *name, const char *rel, int dstdir,
            int depth, mk_error **err)
{
  struct stat st;
  if (fstatat (srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return mk_error_set (err, errno, "stat `%s`", rel);
  bool ex = excluded (cx, rel);
  if (ex && !(S_ISDIR (st.st_mode) && dockerignore_has_exceptions (cx->b->ignore)))
    return 0;
  if (S_ISDIR (st.st_mode))
    {
      _cleanup_close_ int sub = openat (srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return mk_error_set (err, errno, "open `%s`", rel);
      if (make_room (dstdir, name, true, err) < 0)
        return -1;
      bool made = false;
      if (mkdirat (dstdir, name, 0700) == 0)
        made = true;
      else if (errno != EEXIST)
        return mk_error_set (err, errno, "mkdir `%s`", rel);
      _cleanup_close_ int dsub = openat (dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dsub < 0)
        return mk_error_set (err, errno, "open `%s` in the image", rel);
      if (copy_tree (cx, sub, rel, dsub, depth + 1, err) < 0)
        return -1;
      if (made || !ex)
        {
          mode_t mode = cx->has_chmod ? cx->chmod : (st.st_mode & 07777);
          if (fchown (dsub, cx->uid, cx->gid) < 0 || fchmod (dsub, mode) < 0)
            return mk_error_set (err, errno, "set the owner and mode of `%s`", rel);
          struct timespec ts[2] = { st.st_atim, st.st_mtim };
          futimens (dsub, ts);
        }
      return 0;
    }
  if (S_ISREG (st.st_mode))
    {
      _cleanup_close_ int fd = openat (srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return mk_error_set (err, errno, "open `%s`", rel);
      return copy_file (cx, fd, &st, dstdir, name, err);
    }
  if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlinkat (srcdir, name, target, sizeof target - 1);
      if (n < 0)
        return mk_error_set (err, errno, "readlink `%s`", rel);
      target[n] = '\0';
      if (make_room (dstdir, name, false, err) < 0)
        return -1;
      if (symlinkat (target, dstdir, name) < 0)
        return mk_error_set (err, errno, "symlink `%s`", rel);
      fchownat (dstdir, name, cx->uid, cx->gid, AT_SYMLINK_NOFOLLOW);
      struct timespec ts[2] = { st.st_atim, st.st_mtim };
      utimensat (dstdir, name, ts, AT_SYMLINK_NOFOLLOW);
      return 0;
    }
  return 0; /* sockets, fifos and devices are not copied */
}

static int
copy_tree (const struct copy_ctx *cx, int srcdir, const char *rel, int dstdir, int depth,
           mk_error **err)
{
  if (depth > 256)
    return mk_error_set (err, ELOOP, "`%s`: too deep", rel);
  int dfd = dup (srcdir);
  DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  if (d == NULL)
    {
      if (dfd >= 0)
        close (dfd);
      return mk_error_set (err, errno, "read directory `%s`", rel);
    }
  rewinddir (d);
  _cleanup_strv_ char **names = xzalloc (sizeof *names);
  struct dirent *de;
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      strv_push (&names, de->d_name);
  closedir (d);
  for (size_t i = 0; names[i]; i++)
    {
      _cleanup_free_ char *r = *rel ? xconcat (rel, "/", names[i], NULL) : xstrdup (names[i]);
      if (copy_entry (cx, srcdir, names[i], r, dstdir, depth, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- ADD of a local archive ------------------------------------------------------- */

static bool
is_archive (int fd)
{
  struct archive *a = archive_read_new ();
  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  lseek (fd, 0, SEEK_SET);
  int dfd = dup (fd);
  bool ok = false;
  struct archive_entry *e;
  if (dfd >= 0 && archive_read_open_fd (a, dfd, 65536) == ARCHIVE_OK)
    ok = archive_read_next_header (a, &e) == ARCHIVE_OK;
  archive_read_free (a);
  if (dfd >= 0)
    close (dfd);
  lseek (fd, 0, SEEK_SET);
  return ok;
}

/* Extracts in a child chroot'ed into the rootfs, in the destination
 * directory: nothing the archive says can reach outside the rootfs. */
static int
extract (int rootfd, int dstdir, int fd, const char *what, mk_error **err)
{
  int pfd[2];
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    return mk_error_set (err, errno, "pipe");
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (pfd[0]);
      close (pfd[1]);
      return mk_error_set (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (pfd[0]);
      const char *msg = NULL;
      struct archive *a = archive_read_new ();
      struct archive *w = archive_write_disk_new ();
      archive_read_support_filter_all (a);
      archive_read_support_format_tar (a);
      archive_write_disk_set_options (w, ARCHIVE_EXTRACT_SECURE_NODOTDOT
                                             | ARCHIVE_EXTRACT_SECURE_SYMLINKS
                                             | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
                                             | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER
                                             | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR);
      lseek (fd, 0, SEEK_SET);
      if (fchdir (rootfd) < 0 || chroot (".") < 0 || fchdir (dstdir) < 0)
        msg = "chroot into the rootfs failed";
      else if (archive_read_open_fd (a, fd, 65536) != ARCHIVE_OK)
        msg = archive_error_string (a);
      else
        {
          struct archive_entry *e;
          int r;
          while (msg == NULL && (r = archive_read_next_header (a, &e)) == ARCHIVE_OK)
            {
              if (archive_write_header (w, e) < ARCHIVE_WARN)
                msg = archive_error_string (w);
              const void *buf;
              size_t size;
              la_int64_t off;
              while (msg == NULL && archive_entry_size (e) > 0
                     && (r = archive_read_data_block (a, &buf, &size, &off)) == ARCHIVE_OK)
                if (archive_write_data_block (w, buf, size, off) < ARCHIVE_WARN)
                  msg = archive_error_string (w);
              if (msg == NULL && archive_write_finish_entry (w) < ARCHIVE_WARN)
                msg = archive_error_string (w);
            }
          if (msg == NULL && r != ARCHIVE_EOF)
            msg = archive_error_string (a);
        }
      if (msg)
        {
          if (write (pfd[1], msg, strlen (msg))) {}
          _exit (1);
        }
      _exit (0);
    }
  close (pfd[1]);
  char buf[512] = "";
  ssize_t n = read (pfd[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  close (pfd[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return mk_error_set (err, 0, "extract `%s`: %s", what, *buf ? buf : "failed");
  return 0;
}

/* ---- the steps ------------------------------------------------------------------- */

static char *
dest_path (struct bstage *st, const char *dest)
{
  if (dest[0] == '/')
    return xstrdup (dest);
  return path_join (st->cfg.workdir ? st->cfg.workdir : "/", dest);
}

static int
parse_chown (struct copy_ctx *cx, const char *spec, const char *rootfs, mk_error **err)
{
  struct spec_user u = { 0 };
  if (bundle_resolve_user (rootfs, spec, &u, err) < 0)
    return build_wrap (cx->b, cx->ins, err, "--chown=%s", spec);
  cx->uid = u.uid;
  /* Docker: a user without a group gives the same number as the group. */
  cx->gid = strchr (spec, ':') ? u.gid : u.uid;
  free (u.additional_gids);
  free (u.username);
  return 0;
}

/* The image --from names: an earlier stage (by name or index), else a
 * stored image. */
static int
from_image (struct builder *b, struct bstage *st, const struct df_instr *ins, const char *from,
            char **id, mk_error **err)
{
  struct bstage *src = NULL;
  for (int i = st->index - 1; i >= 0 && src == NULL; i--)
    if (b->stages[i].name && strcasecmp (b->stages[i].name, from) == 0)
      src = &b->stages[i];
  long long idx;
  if (src == NULL && parse_int64 (from, &idx) && idx >= 0 && idx < st->index)
    src = &b->stages[idx];
  if (src)
    {
      if (stage_image (b, src, err) < 0)
        return -1;
      *id = xstrdup (src->image_id);
      return 0;
    }
  if (store_image_find (b->s, from, id, err) < 0)
    return build_wrap (b, ins, err, "--from=%s", from);
  return 0;
}

int
build_copy_step (struct builder *b, struct bstage *st, const struct df_instr *ins, bool add,
                 mk_error **err)
{
  struct copy_ctx cx = { .b = b, .ins = ins, .from_context = true };
  const char *from = NULL, *chown_spec = NULL, *chmod_spec = NULL;
  for (char **f = ins->flags; *f; f++)
    if (str_has_prefix (*f, "--from=") && !add)
      from = *f + 7;
    else if (str_has_prefix (*f, "--chown="))
      chown_spec = *f + 8;
    else if (str_has_prefix (*f, "--chmod="))
      chmod_spec = *f + 8;
    else
      return build_fail (b, ins, err, "%s: unknown flag `%s`", ins->cmd, *f);
  if (chmod_spec)
    {
      char *end = NULL;
      unsigned long m = strtoul (chmod_spec, &end, 8);
      if (*chmod_spec == '\0' || *end || m > 07777)
        return build_fail (b, ins, err, "--chmod=%s: not an octal mode", chmod_spec);
      cx.has_chmod = true;
      cx.chmod = (mode_t) m;
    }

  /* The words: expanded (JSON form: each element), the last is the destination. */
  _cleanup_strv_ char **words = NULL;
  if (ins->json)
    {
      words = xzalloc (sizeof *words);
      for (size_t i = 0; ins->json[i]; i++)
        {
          _cleanup_free_ char *x = df_expand_word (ins->json[i], '\0', stage_lookup, st, err);
          if (x == NULL)
            return build_wrap (b, ins, err, "%s", ins->cmd);
          strv_push (&words, x);
        }
    }
  else if ((words = df_expand_words (ins->args, b->df->escape, stage_lookup, st, err)) == NULL)
    return build_wrap (b, ins, err, "%s", ins->cmd);
  size_t nw = strv_len (words);
  if (nw < 2)
    return build_fail (b, ins, err, "%s wants at least one source and a destination", ins->cmd);
  const char *dest_word = words[nw - 1];

  /* Where the sources are: the context, or --from's image (mounted). */
  _cleanup_container_ struct container *srcc = NULL;
  _cleanup_close_ int srcroot = -1;
  if (from)
    {
      cx.from_context = false;
      _cleanup_free_ char *fid = NULL;
      if (from_image (b, st, ins, from, &fid, err) < 0)
        return -1;
      struct bstage tmp = { .image_id = fid, .index = -1 };
      if (image_cfg_load (b->s, fid, &tmp.cfg, err) < 0)
        return -1;
      int r = step_container_new (b, &tmp, &srcc, err);
      image_cfg_clear (&tmp.cfg);
      if (r < 0)
        return build_wrap (b, ins, err, "--from=%s", from);
      _cleanup_free_ char *p = xasprintf ("%s/bundle/rootfs", srcc->dir);
      srcroot = open (p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  else
    {
      if (b->context_fd < 0)
        return build_fail (b, ins, err, "%s: there is no build context (the Dockerfile came "
                                        "from stdin)", ins->cmd);
      srcroot = dup (b->context_fd);
    }

  struct src *srcs = NULL;
  size_t n = 0;
  int ret = -1;
  _cleanup_container_ struct container *c = NULL;
  _cleanup_close_ int rootfd = -1;
  _cleanup_free_ char *sum = NULL, *dest = NULL, *text = NULL, *key = NULL;
  _cleanup_free_ char *rootfs = NULL, *by = NULL;
  __attribute__ ((cleanup (layer_created_clear))) struct layer_created lc = { 0 };
  if (srcroot < 0)
    {
      mk_error_set (err, errno, "open the sources of %s", ins->cmd);
      goto out;
    }
  if (collect (&cx, srcroot, words, nw - 1, &srcs, &n, err) < 0)
    goto out;
  bool dir_dest = str_has_suffix (dest_word, "/") || strcmp (dest_word, ".") == 0
                  || str_has_suffix (dest_word, "/.") || strcmp (dest_word, "..") == 0;
  if (n > 1 && !dir_dest)
    {
      build_fail (b, ins, err, "when %s has more than one source file, the destination must be "
                               "a directory and end with a /", ins->cmd);
      goto out;
    }
  dest = dest_path (st, dest_word);
  sum = checksum (&cx, srcs, n);
  text = xasprintf ("%s%s%s%s%s%s%s file:%s in %s", ins->cmd, from ? " --from=" : "",
                    from ? from : "", chown_spec ? " --chown=" : "", chown_spec ? chown_spec : "",
                    chmod_spec ? " --chmod=" : "", chmod_spec ? chmod_spec : "",
                    digest_hex (sum), dest);
  key = step_key (st, text);
  if (step_cached (b, st, key))
    {
      ret = 0;
      goto out;
    }

  if (step_container_new (b, st, &c, err) < 0)
    {
      build_wrap (b, ins, err, "%s", ins->cmd);
      goto out;
    }
  rootfs = xasprintf ("%s/bundle/rootfs", c->dir);
  rootfd = open (rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    {
      mk_error_set (err, errno, "open `%s`", rootfs);
      goto out;
    }
  if (chown_spec && parse_chown (&cx, chown_spec, rootfs, err) < 0)
    goto out;
  for (size_t i = 0; i < n; i++)
    {
      struct src *s = &srcs[i];
      int r = 0;
      if (S_ISDIR (s->st.st_mode))
        {
          _cleanup_close_ int d = mkdir_in_root (rootfd, dest, cx.uid, cx.gid, err);
          r = d < 0 ? -1 : copy_tree (&cx, s->fd, s->rel, d, 0, err);
        }
      else if (S_ISREG (s->st.st_mode) && add && is_archive (s->fd))
        {
          _cleanup_close_ int d = mkdir_in_root (rootfd, dest, cx.uid, cx.gid, err);
          r = d < 0 ? -1 : extract (rootfd, d, s->fd, s->rel, err);
        }
      else if (S_ISREG (s->st.st_mode))
        {
          _cleanup_close_ int probe = openat_in_root (rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
          bool into = dir_dest || probe >= 0;
          _cleanup_free_ char *dir = NULL, *name = NULL;
          if (into)
            {
              dir = xstrdup (dest);
              const char *base = strrchr (s->rel, '/');
              name = xstrdup (base ? base + 1 : s->rel);
            }
          else
            {
              _cleanup_free_ char *clean = dockerignore_clean (dest);
              char *slash = strrchr (clean, '/');
              name = xstrdup (slash + 1);
              dir = slash == clean ? xstrdup ("/") : xstrndup (clean, (size_t) (slash - clean));
            }
          _cleanup_close_ int d = mkdir_in_root (rootfd, dir, cx.uid, cx.gid, err);
          r = d < 0 ? -1 : copy_file (&cx, s->fd, &s->st, d, name, err);
        }
      else
        r = build_fail (b, ins, err, "%s source `%s` is not a file or a directory", ins->cmd,
                        s->rel);
      if (r < 0)
        {
          build_wrap (b, ins, err, "%s", ins->cmd);
          goto out;
        }
    }
  close (rootfd);
  rootfd = -1;
  {
    bool made = false;
    struct container *cc = STEAL (c);
    int r = step_container_finish (b, st, cc, true, &made, &lc, err);
    container_free (cc);
    if (r < 0)
      goto out;
  }
  by = xasprintf ("/bin/sh -c #(nop) %s ", text);
  ret = step_commit (b, st, key, by, &lc, err);

out:
  srcs_free (srcs, n);
  if (c)
    {
      if (rootfd >= 0)
        close (rootfd);
      rootfd = -1;
      step_container_remove (b, c, false);
    }
  if (srcc)
    {
      if (srcroot >= 0)
        close (srcroot);
      srcroot = -1;
      step_container_remove (b, srcc, false);
    }
  return ret;
}

int
build_workdir_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                    mk_error **err)
{
  _cleanup_free_ char *v = df_expand_word (ins->args, b->df->escape, stage_lookup, st, err);
  if (v == NULL)
    return build_wrap (b, ins, err, "WORKDIR");
  if (*v == '\0')
    return build_fail (b, ins, err, "WORKDIR: an empty path");
  _cleanup_free_ char *joined = dest_path (st, v);
  _cleanup_free_ char *path = dockerignore_clean (joined);
  _cleanup_free_ char *text = xasprintf ("WORKDIR %s", path);
  _cleanup_free_ char *key = step_key (st, text);
  if (step_cached (b, st, key))
    return 0;
  /* The directory is made when the image lacks it (a layer then). */
  _cleanup_container_ struct container *c = NULL;
  if (step_container_new (b, st, &c, err) < 0)
    return build_wrap (b, ins, err, "WORKDIR");
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", c->dir);
  int rootfd = open (rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int d = rootfd < 0 ? -1 : mkdir_in_root (rootfd, path, 0, 0, err);
  if (rootfd < 0)
    mk_error_set (err, errno, "open `%s`", rootfs);
  if (rootfd >= 0)
    close (rootfd);
  if (d < 0)
    {
      step_container_remove (b, c, false);
      return build_wrap (b, ins, err, "WORKDIR %s", path);
    }
  close (d);
  __attribute__ ((cleanup (layer_created_clear))) struct layer_created lc = { 0 };
  bool made = false;
  struct container *cc = STEAL (c);
  int r = step_container_finish (b, st, cc, false, &made, &lc, err);
  container_free (cc);
  if (r < 0)
    return build_wrap (b, ins, err, "WORKDIR");
  free (st->cfg.workdir);
  st->cfg.workdir = xstrdup (path);
  _cleanup_free_ char *by = xasprintf ("/bin/sh -c #(nop) %s", text);
  return step_commit (b, st, key, by, made ? &lc : NULL, err);
}
