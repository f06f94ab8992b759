/* Confined, streaming layer unpack (design in mocker/store/layer.h). */
#include "mocker/store/layer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer_extract.h"
#include "mocker/store/store_internal.h"

struct layer_unpack
{
  struct store *store;
  char *staging;      /* tmp/layer-XXXXXX (holds diff/ and then layer.json) */
  int staging_lock;   /* flock on staging while we own it */
  int data_fd;        /* our end of the stream to the child */
  int result_fd;      /* the child's verdict */
  pid_t child;
  mk_digest *input;   /* digest of the bytes fed */
};

/* The child is a fresh exec of our own binary (/proc/self/exe), marked by
 * MOCKER_LAYER_UNPACK in its environment: forking alone is not enough in a
 * multithreaded caller (parallel pulls), whose locks (malloc, OpenSSL) a
 * forked child could inherit held.  The constructor below runs before
 * main() in every program that links this file (mocker, unit tests). */
#define CHILD_ENV "MOCKER_LAYER_UNPACK"

static void __attribute__ ((noreturn))
child_main (const char *diff_dir)
{
  char msg[4096];
  int n;
  signal (SIGPIPE, SIG_DFL);
  umask (0);
  if (chroot (diff_dir) < 0 || chdir ("/") < 0)
    {
      n = snprintf (msg, sizeof msg, "error chroot into `%s`: %s\n", diff_dir, strerror (errno));
      if (write (1, msg, n) < 0)
        { /* the parent sees the exit status */ }
      _exit (1);
    }
  struct layer_extract_result res = { 0 };
  mk_error *err = NULL;
  if (layer_extract_stream (0, &res, &err) < 0)
    n = snprintf (msg, sizeof msg, "error %s\n", err && err->msg ? err->msg : "unknown error");
  else
    n = snprintf (msg, sizeof msg, "ok %s %lld %lld\n", res.diff_id, res.size, res.tar_size);
  if (n >= (int) sizeof msg)
    n = sizeof msg - 1;
  const char *p = msg;
  while (n > 0)
    {
      ssize_t w = write (1, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        break;
      p += w;
      n -= w;
    }
  _exit (err ? 1 : 0);
}

static void __attribute__ ((constructor))
layer_unpack_child_hook (void)
{
  const char *dir = getenv (CHILD_ENV);
  if (dir && *dir == '/')
    child_main (dir);
}

/* Starts the child on data (its stdin) and result (its stdout). Only
 * async-signal-safe calls between fork and exec. */
static pid_t
spawn_child (const char *diff_dir, int data_fd, int result_fd, mk_error **err)
{
  _cleanup_free_ char *env0 = xasprintf (CHILD_ENV "=%s", diff_dir);
  /* Our path, resolved now (no allocation after fork); under valgrind
   * /proc/self/exe itself would be the tool. */
  char exe[PATH_MAX] = "/proc/self/exe";
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0)
    exe[n] = '\0';
  if (n <= 0 || str_has_suffix (exe, " (deleted)")) /* replaced on disk: the open one */
    strcpy (exe, "/proc/self/exe");
  char *argv[] = { (char *) "mocker-layer-unpack", NULL };
  char *envp[] = { env0, NULL };
  pid_t pid = fork ();
  if (pid < 0)
    return mk_error_set (err, errno, "fork layer unpacker");
  if (pid == 0)
    {
      if (dup2 (data_fd, 0) < 0 || dup2 (result_fd, 1) < 0)
        _exit (126);
      /* No inherited descriptor may lead out of the chroot. */
      close_range (3, ~0U, 0);
      execve (exe, argv, envp);
      _exit (127);
    }
  return pid;
}

struct layer_unpack *
layer_unpack_begin (struct store *s, mk_error **err)
{
  struct layer_unpack *u = xzalloc (sizeof *u);
  u->store = s;
  u->data_fd = u->result_fd = u->staging_lock = -1;
  u->child = -1;
  _cleanup_layer_unpack_ struct layer_unpack *guard = u;
  u->input = digest_init ();

  u->staging_lock = store_tmpdir_create (s, "layer", &u->staging, err);
  if (u->staging_lock < 0)
    return NULL;
  _cleanup_free_ char *diff = path_join (u->staging, "diff");
  if (mkdir (diff, 0755) < 0)
    return mk_error_set (err, errno, "mkdir `%s`", diff), NULL;

  int data[2], result[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, data) < 0)
    return mk_error_set (err, errno, "socketpair"), NULL;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, result) < 0)
    {
      int saved = errno;
      close (data[0]);
      close (data[1]);
      return mk_error_set (err, saved, "socketpair"), NULL;
    }
  pid_t pid = spawn_child (diff, data[1], result[1], err);
  close (data[1]);
  close (result[1]);
  if (pid < 0)
    {
      close (data[0]);
      close (result[0]);
      return NULL;
    }
  shutdown (data[0], SHUT_RD);
  u->child = pid;
  u->data_fd = data[0];
  u->result_fd = result[0];
  return STEAL (guard);
}

/* Reaps the child and reads its verdict: "ok <diff_id> <size> <tar_size>"
 * or "error <message>". Returns 0 with the diff_id on ok. */
static int
collect_child (struct layer_unpack *u, char **diff_id, long long *size, long long *tar_size,
               mk_error **err)
{
  if (u->data_fd >= 0)
    {
      close (u->data_fd);
      u->data_fd = -1;
    }
  char buf[4096];
  size_t n = 0;
  for (;;)
    {
      ssize_t r = read (u->result_fd, buf + n, sizeof buf - 1 - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
      if (n == sizeof buf - 1)
        break;
    }
  buf[n] = '\0';
  close (u->result_fd);
  u->result_fd = -1;

  int status = 0;
  while (waitpid (u->child, &status, 0) < 0)
    if (errno != EINTR)
      {
        status = -1;
        break;
      }
  u->child = -1;

  char *nl = strchr (buf, '\n');
  if (nl)
    *nl = '\0';
  if (str_has_prefix (buf, "error "))
    return mk_error_set (err, 0, "%s", buf + 6);
  if (!str_has_prefix (buf, "ok ") || status != 0)
    {
      if (status != -1 && WIFSIGNALED (status))
        return mk_error_set (err, 0, "layer unpacker killed by signal %d", WTERMSIG (status));
      return mk_error_set (err, 0, "layer unpacker failed (status %d)", status);
    }
  char *sp = strchr (buf + 3, ' ');
  char *sp2 = sp ? strchr (sp + 1, ' ') : NULL;
  if (sp == NULL || sp2 == NULL)
    return mk_error_set (err, 0, "layer unpacker: bad verdict `%s`", buf);
  *sp = *sp2 = '\0';
  if (!digest_valid (buf + 3) || !parse_int64 (sp + 1, size) || !parse_int64 (sp2 + 1, tar_size))
    return mk_error_set (err, 0, "layer unpacker: bad verdict `%s`", buf);
  *diff_id = xstrdup (buf + 3);
  return 0;
}

void
layer_unpack_skip_input_digest (struct layer_unpack *u)
{
  digest_free (u->input);
  u->input = NULL;
}

int
layer_unpack_write (struct layer_unpack *u, const void *data, size_t len, mk_error **err)
{
  if (u->data_fd < 0)
    return mk_error_set (err, EPIPE, "layer unpack already finished");
  if (u->input)
    digest_update (u->input, data, len);
  const char *p = data;
  while (len > 0)
    {
      ssize_t w = send (u->data_fd, p, len, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          /* The child stopped reading: it rejected the layer; say why. */
          if (errno == EPIPE || errno == ECONNRESET)
            {
              _cleanup_free_ char *ignored = NULL;
              long long sz, tsz;
              if (collect_child (u, &ignored, &sz, &tsz, err) < 0)
                return -1;
              return mk_error_set (err, 0, "layer ended before its data did (trailing bytes after the tar)");
            }
          return mk_error_set (err, errno, "write to layer unpacker");
        }
      p += w;
      len -= w;
    }
  return 0;
}

int
layer_unpack_finish (struct layer_unpack *u, const char *parent_chain_id,
                     const char *expected_diff_id, char **diff_id_out, char **chain_id_out,
                     char **input_digest_out, long long *size_out, mk_error **err)
{
  if (u->child < 0)
    return mk_error_set (err, EINVAL, "layer unpack already finished");
  _cleanup_free_ char *diff_id = NULL;
  long long size = 0, tar_size = 0;
  if (collect_child (u, &diff_id, &size, &tar_size, err) < 0)
    return -1;
  if (input_digest_out && u->input == NULL)
    return mk_error_set (err, EINVAL, "layer unpack: the input digest was not kept");
  _cleanup_free_ char *input_digest = u->input ? digest_final (u->input) : NULL;
  if (expected_diff_id && strcmp (expected_diff_id, diff_id) != 0)
    return mk_error_set (err, 0, "layer diff_id mismatch: expected %s, got %s", expected_diff_id,
                         diff_id);

  _cleanup_free_ char *chain_id = store_chain_id (parent_chain_id, diff_id);
  struct store_layer_info info = {
    .chain_id = chain_id, .diff_id = diff_id, .parent = (char *) parent_chain_id, .size = size,
    .tar_size = tar_size,
  };
  _cleanup_free_ char *json = store_layer_json (&info);
  _cleanup_free_ char *meta = path_join (u->staging, "layer.json");
  if (write_file_atomic (meta, json, strlen (json), 0644, false, err) < 0)
    return -1;

  _cleanup_free_ char *final = store_layer_dir (u->store, chain_id);
  if (rename (u->staging, final) < 0)
    {
      if (errno != EEXIST && errno != ENOTEMPTY)
        return mk_error_set (err, errno, "rename `%s` to `%s`", u->staging, final);
      /* Published meanwhile by someone else: theirs is as good. */
    }
  else
    {
      free (u->staging);
      u->staging = NULL; /* nothing left to remove */
    }

  if (diff_id_out)
    *diff_id_out = STEAL (diff_id);
  if (chain_id_out)
    *chain_id_out = STEAL (chain_id);
  if (input_digest_out)
    *input_digest_out = STEAL (input_digest);
  if (size_out)
    *size_out = size;
  return 0;
}

void
layer_unpack_free (struct layer_unpack *u)
{
  if (u == NULL)
    return;
  if (u->data_fd >= 0)
    close (u->data_fd);
  if (u->result_fd >= 0)
    close (u->result_fd);
  if (u->child > 0)
    {
      kill (u->child, SIGKILL);
      while (waitpid (u->child, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  store_tmpdir_remove (u->staging, u->staging_lock);
  free (u->staging);
  digest_free (u->input);
  free (u);
}

void
cleanup_layer_unpackp (struct layer_unpack **u)
{
  layer_unpack_free (*u);
  *u = NULL;
}

int
layer_unpack_fd (struct store *s, int fd, const char *parent_chain_id, const char *expected_diff_id,
                 char **diff_id_out, char **chain_id_out, mk_error **err)
{
  _cleanup_layer_unpack_ struct layer_unpack *u = layer_unpack_begin (s, err);
  if (u == NULL)
    return -1;
  _cleanup_free_ char *buf = xmalloc (1 << 16);
  for (;;)
    {
      ssize_t r = read (fd, buf, 1 << 16);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return mk_error_set (err, errno, "read layer");
      if (r == 0)
        break;
      if (layer_unpack_write (u, buf, r, err) < 0)
        return -1;
    }
  return layer_unpack_finish (u, parent_chain_id, expected_diff_id, diff_id_out, chain_id_out,
                              NULL, NULL, err);
}
