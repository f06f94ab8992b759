#include "mocker-runtime/process/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

/* The state JSON in a memfd: the hook reads it at its own pace (a pipe
 * could fill up and stall a hook that never reads stdin). */
static int
state_memfd (const char *state_json, mk_error **err)
{
  _cleanup_close_ int fd = memfd_create ("hook-state", MFD_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "memfd_create");
  size_t len = strlen (state_json), off = 0;
  while (off < len)
    {
      ssize_t w = write (fd, state_json + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return mk_error_set (err, errno, "write hook state");
      off += w;
    }
  if (lseek (fd, 0, SEEK_SET) < 0)
    return mk_error_set (err, errno, "lseek hook state");
  return STEAL_FD (fd);
}

static long long
monotonic_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What a hook wrote to stderr, for the error when it fails (runc puts it
 * there too): the first HOOK_ERR_MAX bytes, the rest read and dropped. */
#define HOOK_ERR_MAX 4096
struct hook_err
{
  char text[HOOK_ERR_MAX + 1];
  size_t len;
};

/* Reads what is there now; false at end of file (or error). */
static bool
read_some (int fd, struct hook_err *e)
{
  char buf[4096];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) < 0 && errno == EINTR)
    ;
  if (n <= 0)
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  size_t keep = (size_t) n < HOOK_ERR_MAX - e->len ? (size_t) n : HOOK_ERR_MAX - e->len;
  memcpy (e->text + e->len, buf, keep);
  e->len += keep;
  e->text[e->len] = '\0';
  return true;
}

/* Waits for pid, at most timeout seconds (0 = no limit), reading its stderr
 * meanwhile (a hook that fills the pipe must not stall); kills it on
 * timeout.  A process the hook left behind may keep the pipe open: reading
 * stops when the hook itself exits. */
static int
wait_hook (pid_t pid, int timeout, int err_fd, struct hook_err *e, int *status, bool *timed_out)
{
  *timed_out = false;
  _cleanup_close_ int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)
    {
      long long deadline = timeout > 0 ? monotonic_ms () + timeout * 1000LL : -1;
      bool open_pipe = true;
      for (;;)
        {
          struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
                                 { .fd = open_pipe ? err_fd : -1, .events = POLLIN } };
          int wait_ms = -1;
          if (deadline >= 0)
            {
              long long left = deadline - monotonic_ms ();
              wait_ms = left > 0 ? (int) left : 0;
            }
          int r = poll (p, 2, wait_ms);
          if (r < 0 && errno == EINTR)
            continue;
          if (r == 0)
            {
              *timed_out = true;
              kill (pid, SIGKILL);
              break;
            }
          if (r < 0 || (p[0].revents & POLLIN))
            break;
          if (p[1].revents)
            open_pipe = read_some (err_fd, e);
        }
    }
  else
    while (read_some (err_fd, e)) /* no pidfd (old kernel): to end of file */
      ;
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  /* What is left in the pipe (non-blocking: a leftover child may hold it). */
  int fl = fcntl (err_fd, F_GETFL);
  if (fl >= 0 && fcntl (err_fd, F_SETFL, fl | O_NONBLOCK) == 0)
    while (read_some (err_fd, e) && e->len < HOOK_ERR_MAX)
      {
        struct pollfd p = { .fd = err_fd, .events = POLLIN };
        if (poll (&p, 1, 0) <= 0)
          break;
      }
  return 0;
}

/* ": <stderr>" on one line (its newlines as "; ", trailing ones cut), or ""
 * when it wrote nothing. */
static char *
err_suffix (struct hook_err *e)
{
  while (e->len > 0 && (e->text[e->len - 1] == '\n' || e->text[e->len - 1] == '\r'))
    e->text[--e->len] = '\0';
  if (e->len == 0)
    return xstrdup ("");
  char *out = xmalloc (2 * e->len + 3);
  size_t o = 0;
  out[o++] = ':';
  out[o++] = ' ';
  for (size_t i = 0; i < e->len; i++)
    if (e->text[i] == '\n')
      {
        out[o++] = ';';
        out[o++] = ' ';
      }
    else if (e->text[i] != '\r')
      out[o++] = e->text[i];
  out[o] = '\0';
  return out;
}

static int
run_one (const struct spec_hook *h, const char *kind, int stdin_fd, char **default_env,
         mk_error **err)
{
  char *default_args[] = { h->path, NULL };
  char *empty_env[] = { NULL };
  char **args = h->args && h->args[0] ? h->args : default_args;
  char **env = h->env ? h->env : default_env ? default_env : empty_env;

  /* A failed execve sends its errno back through this close-on-exec pipe, so
   * the caller reports it in its one error line. */
  int errpipe[2];
  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    return mk_error_set (err, errno, "%s hook `%s`: pipe", kind, h->path);
  _cleanup_close_ int errpipe_r = errpipe[0];
  /* The hook's stderr, for the error (whatever the caller's stderr is: with
   * process.terminal the init's is the container's pty). */
  int stderr_pipe[2];
  if (pipe2 (stderr_pipe, O_CLOEXEC) < 0)
    {
      close (errpipe[1]);
      return mk_error_set (err, errno, "%s hook `%s`: pipe", kind, h->path);
    }
  _cleanup_close_ int stderr_r = stderr_pipe[0];
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (errpipe[1]);
      close (stderr_pipe[1]);
      return mk_error_set (err, errno, "%s hook `%s`: fork", kind, h->path);
    }
  if (pid == 0)
    {
      close (errpipe[0]);
      int e = 0;
      if (dup2 (stdin_fd, 0) >= 0 && dup2 (stderr_pipe[1], 2) >= 0)
        execve (h->path, args, env);
      e = errno;
      if (write (errpipe[1], &e, sizeof e) < 0)
        _exit (127);
      _exit (127);
    }
  close (errpipe[1]);
  close (stderr_pipe[1]);
  int exec_errno = 0;
  ssize_t n;
  while ((n = read (errpipe_r, &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
    ;
  int status;
  bool timed_out;
  struct hook_err e = { .len = 0 };
  if (wait_hook (pid, h->has_timeout ? h->timeout : 0, stderr_r, &e, &status, &timed_out) < 0)
    return mk_error_set (err, errno, "%s hook `%s`: wait", kind, h->path);
  if (n == (ssize_t) sizeof exec_errno)
    return mk_error_set (err, exec_errno, "%s hook `%s`: exec", kind, h->path);
  if (!timed_out && WIFEXITED (status) && WEXITSTATUS (status) == 0)
    {
      /* A hook that succeeded: what it said goes where it would have gone. */
      if (e.len && write (STDERR_FILENO, e.text, e.len) < 0)
        { /* nowhere to report it */ }
      return 0;
    }
  _cleanup_free_ char *said = err_suffix (&e);
  if (timed_out)
    return mk_error_set (err, 0, "%s hook `%s`: timed out after %d s%s", kind, h->path,
                         h->timeout, said);
  if (WIFSIGNALED (status))
    return mk_error_set (err, 0, "%s hook `%s`: killed by signal %d%s", kind, h->path,
                         WTERMSIG (status), said);
  return mk_error_set (err, 0, "%s hook `%s`: exited with status %d%s", kind, h->path,
                      WEXITSTATUS (status), said);
}

int
hooks_run (const struct spec_hook_list *list, const char *kind, const char *state_json,
           mk_error **err)
{
  return hooks_run_env (list, kind, state_json, NULL, err);
}

int
hooks_run_env (const struct spec_hook_list *list, const char *kind, const char *state_json,
               char **default_env, mk_error **err)
{
  for (size_t i = 0; i < list->len; i++)
    {
      _cleanup_close_ int fd = state_memfd (state_json, err);
      if (fd < 0)
        return -1;
      if (run_one (&list->hooks[i], kind, fd, default_env, err) < 0)
        return -1;
    }
  return 0;
}

void
hooks_run_warn (const struct spec_hook_list *list, const char *kind, const char *state_json)
{
  for (size_t i = 0; i < list->len; i++)
    {
      _cleanup_error_ mk_error *err = NULL;
      _cleanup_close_ int fd = state_memfd (state_json, &err);
      if (fd < 0 || run_one (&list->hooks[i], kind, fd, NULL, &err) < 0)
        log_warning ("%s", err->msg);
    }
}

static void
gen_strv (json_gen *g, const char *key, char **v)
{
  if (v == NULL)
    return;
  json_key (g, key);
  json_arr_open (g);
  for (; *v; v++)
    json_str (g, *v);
  json_arr_close (g);
}

void
hooks_gen_json (json_gen *g, const struct spec_hook_list *list)
{
  json_arr_open (g);
  for (size_t i = 0; i < list->len; i++)
    {
      const struct spec_hook *h = &list->hooks[i];
      json_obj_open (g);
      json_kv_str (g, "path", h->path);
      gen_strv (g, "args", h->args);
      gen_strv (g, "env", h->env);
      if (h->has_timeout)
        json_kv_int (g, "timeout", h->timeout);
      json_obj_close (g);
    }
  json_arr_close (g);
}

static char **
strv_from_json (yajl_val v)
{
  if (v == NULL || !YAJL_IS_ARRAY (v))
    return NULL;
  char **out = xzalloc (sizeof (char *));
  for (size_t i = 0; i < v->u.array.len; i++)
    if (YAJL_IS_STRING (v->u.array.values[i]))
      strv_push (&out, YAJL_GET_STRING (v->u.array.values[i]));
  return out;
}

int
hooks_from_json (yajl_val v, struct spec_hook_list *out, mk_error **err)
{
  out->hooks = NULL;
  out->len = 0;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (v))
    return mk_error_set (err, 0, "hooks: expected an array");
  out->hooks = xzalloc (sizeof (struct spec_hook) * (v->u.array.len + 1));
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      yajl_val h = v->u.array.values[i];
      const char *path = json_get_str (h, "path");
      if (path == NULL)
        return mk_error_set (err, 0, "hooks[%zu]: missing path", i);
      struct spec_hook *dst = &out->hooks[out->len++];
      dst->path = xstrdup (path);
      dst->args = strv_from_json (json_get (h, "args"));
      dst->env = strv_from_json (json_get (h, "env"));
      yajl_val t = json_get (h, "timeout");
      if (t && YAJL_IS_INTEGER (t))
        {
          dst->has_timeout = true;
          dst->timeout = (int) YAJL_GET_INTEGER (t);
        }
    }
  return 0;
}

void
hook_list_free (struct spec_hook_list *list)
{
  for (size_t i = 0; i < list->len; i++)
    {
      free (list->hooks[i].path);
      strv_free (list->hooks[i].args);
      strv_free (list->hooks[i].env);
    }
  free (list->hooks);
  list->hooks = NULL;
  list->len = 0;
}
