/* Running mocker-heavy or mocker-net as a child for a proxy (pull_proxy.c,
 * network_proxy.c): stdout read line by line (for pull's progress), stderr
 * collected; on success it is passed on, on failure its last line (main's
 * "mocker: <msg>") becomes the error. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/light/heavy.h"

/* Appends what fd has to buf (grown); false at EOF or on error. */
static bool
read_some (int fd, char **buf, size_t *len, size_t *cap)
{
  if (*cap - *len < 4096)
    {
      *cap = *cap * 2 + 4096;
      *buf = xrealloc (*buf, *cap);
    }
  ssize_t n = read (fd, *buf + *len, *cap - *len - 1);
  if (n < 0 && errno == EINTR)
    return true;
  if (n <= 0)
    return false;
  *len += (size_t) n;
  (*buf)[*len] = '\0';
  return true;
}

/* Calls on_line for every complete line at the start of buf and drops them. */
static void
take_lines (char *buf, size_t *len, heavy_line_fn on_line, void *opaque)
{
  char *start = buf, *nl;
  while ((nl = memchr (start, '\n', *len - (size_t) (start - buf))) != NULL)
    {
      *nl = '\0';
      if (on_line)
        on_line (start, opaque);
      start = nl + 1;
    }
  *len -= (size_t) (start - buf);
  memmove (buf, start, *len);
  buf[*len] = '\0';
}

int
heavy_run (const char *bin, const char *root, const char *const *args, heavy_line_fn on_line,
           void *opaque, mk_error **err)
{
  size_t n = 0;
  while (args[n])
    n++;
  _cleanup_free_ const char **argv = xzalloc ((n + 4) * sizeof *argv);
  argv[0] = bin;
  argv[1] = "--root";
  argv[2] = root;
  memcpy (argv + 3, args, n * sizeof *args);

  int outp[2], errp[2];
  if (pipe2 (outp, O_CLOEXEC) < 0)
    return mk_error_set (err, errno, "pipe");
  if (pipe2 (errp, O_CLOEXEC) < 0)
    {
      close (outp[0]);
      close (outp[1]);
      return mk_error_set (err, errno, "pipe");
    }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDONLY);
      dup2 (null, 0);
      dup2 (outp[1], 1);
      dup2 (errp[1], 2);
      syscall (SYS_close_range, 3, ~0U, 0);
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      execv (argv[0], (char **) argv);
      dprintf (2, "mocker: exec `%s`: %s\n", argv[0], strerror (errno));
      _exit (127);
    }
  int fork_errno = errno;
  close (outp[1]);
  close (errp[1]);
  if (pid < 0)
    {
      close (outp[0]);
      close (errp[0]);
      return mk_error_set (err, fork_errno, "fork");
    }

  _cleanup_free_ char *out = NULL, *errs = NULL;
  size_t out_len = 0, out_cap = 0, err_len = 0, err_cap = 0;
  struct pollfd pf[2] = { { .fd = outp[0], .events = POLLIN }, { .fd = errp[0], .events = POLLIN } };
  while (pf[0].fd >= 0 || pf[1].fd >= 0)
    {
      if (poll (pf, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (pf[0].revents)
        {
          if (!read_some (pf[0].fd, &out, &out_len, &out_cap))
            {
              close (pf[0].fd);
              pf[0].fd = -1;
            }
          else
            take_lines (out, &out_len, on_line, opaque);
        }
      if (pf[1].revents && !read_some (pf[1].fd, &errs, &err_len, &err_cap))
        {
          close (pf[1].fd);
          pf[1].fd = -1;
        }
    }
  for (int i = 0; i < 2; i++)
    if (pf[i].fd >= 0)
      close (pf[i].fd);
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "wait for `%s`", argv[0]);

  while (err_len > 0 && errs[err_len - 1] == '\n')
    errs[--err_len] = '\0';
  if (WIFEXITED (st) && WEXITSTATUS (st) == 0)
    {
      if (err_len)
        fprintf (stderr, "%s\n", errs);
      return 0;
    }
  /* the last line is the error; anything before it was said on the way */
  char *last = err_len ? strrchr (errs, '\n') : NULL;
  const char *msg = last ? last + 1 : errs ? errs : "";
  if (last)
    {
      *last = '\0';
      fprintf (stderr, "%s\n", errs);
    }
  if (str_has_prefix (msg, "mocker: "))
    msg += strlen ("mocker: ");
  if (*msg)
    return mk_error_set (err, 0, "%s", msg);
  if (WIFSIGNALED (st))
    return mk_error_set (err, 0, "`%s %s` killed by signal %d", argv[0], args[0], WTERMSIG (st));
  return mk_error_set (err, 0, "`%s %s` failed with status %d", argv[0], args[0],
                       WEXITSTATUS (st));
}
