#include "mocker-runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* Waits for pid, at most timeout seconds (0 = no limit); kills it on timeout. */
static int
wait_hook (pid_t pid, int timeout, int *status, bool *timed_out)
{
  *timed_out = false;
  if (timeout > 0)
    {
      _cleanup_close_ int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
      if (pidfd >= 0)
        {
          struct pollfd p = { .fd = pidfd, .events = POLLIN };
          int r;
          do
            r = poll (&p, 1, timeout * 1000);
          while (r < 0 && errno == EINTR);
          if (r == 0)
            {
              *timed_out = true;
              kill (pid, SIGKILL);
            }
        }
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
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
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (errpipe[1]);
      return mk_error_set (err, errno, "%s hook `%s`: fork", kind, h->path);
    }
  if (pid == 0)
    {
      close (errpipe[0]);
      int e = 0;
      if (dup2 (stdin_fd, 0) >= 0)
        execve (h->path, args, env);
      e = errno;
      if (write (errpipe[1], &e, sizeof e) < 0)
        _exit (127);
      _exit (127);
    }
  close (errpipe[1]);
  int exec_errno = 0;
  ssize_t n;
  while ((n = read (errpipe_r, &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
    ;
  int status;
  bool timed_out;
  if (wait_hook (pid, h->has_timeout ? h->timeout : 0, &status, &timed_out) < 0)
    return mk_error_set (err, errno, "%s hook `%s`: wait", kind, h->path);
  if (n == (ssize_t) sizeof exec_errno)
    return mk_error_set (err, exec_errno, "%s hook `%s`: exec", kind, h->path);
  if (timed_out)
    return mk_error_set (err, 0, "%s hook `%s`: timed out after %d s", kind, h->path, h->timeout);
  if (WIFSIGNALED (status))
    return mk_error_set (err, 0, "%s hook `%s`: killed by signal %d", kind, h->path,
                         WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return mk_error_set (err, 0, "%s hook `%s`: exited with status %d", kind, h->path,
                         WEXITSTATUS (status));
  return 0;
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
