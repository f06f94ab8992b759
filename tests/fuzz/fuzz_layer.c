/* The layer unpacker (mocker/store/layer_extract.c) without its chroot: each
 * input is unpacked into an emptied scratch directory, and nothing outside
 * it may change.  Run by tests/fuzz/run.sh, as root, from <R>/scratch:
 *   <R>/scratch   where layers are unpacked (the current directory)
 *   <R>/outside   files, a directory and a symlink the harness makes, which
 *                 entries aim at ("/outside/file", "../outside/dir")
 *   <R>/findings, <R>/corpus   libFuzzer's (relative: ../findings/)
 * For the host's sake the unpacking runs chrooted into <R> (absolute names
 * and symlinks land in <R>, never on the host) in a private mount namespace
 * where <R> is nodev (a device node a layer makes cannot be opened).  The
 * chroot is left after each input through a descriptor of the real root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer_extract.h"
#include "tests/fuzz/fuzz.h"

static char *top;      /* <R> */
static char *scratch;  /* <R>/scratch */
static int host_root = -1;
static char *before;   /* the snapshot of <R> outside scratch */

static void __attribute__ ((noreturn))
die (const char *what)
{
  fprintf (stderr, "fuzz_layer: %s: %s\n", what, strerror (errno));
  exit (2);
}

/* One line per file: its name, type, mode, owner, size, links, times,
 * xattrs (ACLs included) and content. */
static void
snap_one (char **out, const char *path, const struct stat *st)
{
  char *line = xasprintf ("%s %o %u:%u %lld %lu %lld.%09ld %lld.%09ld", path,
                          (unsigned) st->st_mode, st->st_uid, st->st_gid,
                          (long long) st->st_size, (unsigned long) st->st_nlink,
                          (long long) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                          (long long) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
  char names[4096];
  ssize_t n = llistxattr (path, names, sizeof names);
  for (ssize_t i = 0; n > 0 && i < n; i += strlen (names + i) + 1)
    {
      char val[1024];
      ssize_t vl = lgetxattr (path, names + i, val, sizeof val);
      _cleanup_free_ char *d = digest_bytes (val, vl > 0 ? (size_t) vl : 0);
      char *l = xasprintf ("%s %s=%s", line, names + i, d);
      free (line);
      line = l;
    }
  if (S_ISREG (st->st_mode))
    {
      _cleanup_free_ char *text = NULL;
      size_t len = 0;
      mk_error *err = NULL;
      if (read_file_at (AT_FDCWD, path, 1 << 20, &text, &len, &err) < 0)
        mk_error_free (&err);
      _cleanup_free_ char *d = digest_bytes (text ? text : "", len);
      char *l = xasprintf ("%s %s", line, d);
      free (line);
      line = l;
    }
  char *joined = xasprintf ("%s%s\n", *out, line);
  free (*out);
  free (line);
  *out = joined;
}

static void
snap_dir (char **out, const char *dir, bool is_top)
{
  struct dirent **list = NULL;
  int n = scandir (dir, &list, NULL, alphasort);
  if (n < 0)
    die (dir);
  for (int i = 0; i < n; i++)
    {
      const char *name = list[i]->d_name;
      bool skip = strcmp (name, ".") == 0 || strcmp (name, "..") == 0
                  || (is_top && (strcmp (name, "scratch") == 0 || strcmp (name, "findings") == 0
                                 || strcmp (name, "corpus") == 0));
      if (!skip)
        {
          _cleanup_free_ char *p = path_join (dir, name);
          struct stat st;
          if (lstat (p, &st) < 0)
            die (p);
          snap_one (out, p, &st);
          if (S_ISDIR (st.st_mode))
            snap_dir (out, p, false);
        }
      free (list[i]);
    }
  free (list);
}

static char *
snapshot (void)
{
  char *out = xstrdup ("");
  struct stat st;
  if (lstat (top, &st) < 0)
    die (top);
  snap_one (&out, top, &st);
  snap_dir (&out, top, true);
  return out;
}

static void
make_file (const char *path, const char *text, mode_t mode)
{
  mk_error *err = NULL;
  if (write_file_atomic (path, text, strlen (text), mode, false, &err) < 0)
    {
      fprintf (stderr, "fuzz_layer: %s\n", err->msg);
      exit (2);
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  char cwd[4096];
  if (getcwd (cwd, sizeof cwd) == NULL)
    die ("getcwd");
  if (!str_has_suffix (cwd, "/scratch") || geteuid () != 0)
    {
      fprintf (stderr, "fuzz_layer: run as root from <dir>/scratch (tests/fuzz/run.sh does)\n");
      exit (2);
    }
  scratch = xstrdup (cwd);
  top = xstrndup (cwd, strlen (cwd) - strlen ("/scratch"));
  umask (0);
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die ("private mount namespace");
  if (mount (top, top, NULL, MS_BIND | MS_REC, NULL) < 0
      || mount (NULL, top, NULL, MS_BIND | MS_REMOUNT | MS_NODEV | MS_NOSUID, NULL) < 0)
    die ("nodev bind mount");
  if (chdir (scratch) < 0) /* into the new mount */
    die (scratch);

  _cleanup_free_ char *outside = path_join (top, "outside");
  mk_error *err = NULL;
  rm_rf_one_fs (outside, &err);
  mk_error_free (&err);
  _cleanup_free_ char *dir = path_join (outside, "dir");
  if (mkdir (outside, 0755) < 0 || mkdir (dir, 0700) < 0)
    die ("mkdir outside");
  _cleanup_free_ char *file = path_join (outside, "file");
  _cleanup_free_ char *inner = path_join (dir, "file");
  _cleanup_free_ char *link = path_join (outside, "link");
  make_file (file, "original\n", 0600);
  make_file (inner, "inner\n", 0644);
  if (symlink ("file", link) < 0)
    die ("symlink");
  host_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (host_root < 0)
    die ("open /");
  before = snapshot ();
  return 0;
}

static int
empty_scratch (void)
{
  DIR *d = opendir (".");
  if (d == NULL)
    die ("opendir scratch");
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      _cleanup_free_ char *p = path_join (scratch, e->d_name);
      mk_error *err = NULL;
      if (rm_rf_one_fs (p, &err) < 0)
        {
          fprintf (stderr, "fuzz_layer: %s\n", err->msg);
          exit (2);
        }
    }
  closedir (d);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  empty_scratch ();
  int fd = memfd_create ("layer", MFD_CLOEXEC);
  if (fd < 0 || write (fd, data, size) != (ssize_t) size || lseek (fd, 0, SEEK_SET) != 0)
    die ("memfd");

  if (chroot (top) < 0 || chdir ("/scratch") < 0)
    die ("chroot");
  struct layer_extract_result res;
  mk_error *err = NULL;
  if (layer_extract_stream (fd, &res, &err) < 0)
    FUZZ_ASSERT (err && err->msg);
  mk_error_free (&err);
  /* back to the real root */
  if (fchdir (host_root) < 0 || chroot (".") < 0 || chdir (scratch) < 0)
    die ("leave chroot");
  close (fd);

  _cleanup_free_ char *after = snapshot ();
  if (strcmp (before, after) != 0)
    {
      fprintf (stderr, "fuzz_layer: outside the layer changed\n--- before\n%s--- after\n%s",
               before, after);
      FUZZ_ASSERT (!"the layer changed a file outside its directory");
    }
  return 0;
}
