/* Finding mocker-runtime and mocker-monitor, and calling the runtime. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/store/store.h"

const char *
ctr_self_path (void)
{
  static char self[PATH_MAX];
  if (self[0] == '\0')
    {
      ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
      if (n <= 0)
        snprintf (self, sizeof self, "mocker");
      else
        self[n] = '\0';
    }
  return self;
}

const char *
ctr_find_binary (const char *env, const char *name, bool libexec, char *buf, size_t size)
{
  if (buf[0])
    return buf;
  const char *e = getenv (env);
  if (!str_is_empty (e))
    {
      snprintf (buf, size, "%s", e);
      return buf;
    }
  _cleanup_free_ char *self = xstrdup (ctr_self_path ());
  const char *dir = dirname (self);
  snprintf (buf, size, "%s/%s", dir, name);
  if (access (buf, X_OK) == 0)
    return buf;
  if (libexec)
    {
      /* installed: $(PREFIX)/bin/mocker and $(PREFIX)/libexec/mocker/NAME */
      snprintf (buf, size, "%s/../libexec/mocker/%s", dir, name);
      return buf;
    }
  const char *path = getenv ("PATH");
  _cleanup_free_ char *copy = xstrdup (path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;
  for (char *d = strtok_r (copy, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      snprintf (buf, size, "%s/%s", d, name);
      if (access (buf, X_OK) == 0)
        return buf;
    }
  snprintf (buf, size, "%s", name);
  return buf;
}

const char *
ctr_runtime_path (void)
{
  static char buf[PATH_MAX];
  return ctr_find_binary ("MOCKER_RUNTIME", "mocker-runtime", false, buf, sizeof buf);
}

const char *
ctr_monitor_path (void)
{
  static char buf[PATH_MAX];
  return ctr_find_binary ("MOCKER_MONITOR", "mocker-monitor", false, buf, sizeof buf);
}

char *
ctr_runtime_root (struct store *s)
{
  const char *e = getenv ("MOCKER_RUNTIME_ROOT");
  if (!str_is_empty (e))
    return xstrdup (e);
  return store_path (s, "runtime");
}

int
ctr_runtime_call (struct store *s, char *const args[], char **err_text)
{
  _cleanup_free_ char *root = ctr_runtime_root (s);
  size_t n = strv_len (args);
  _cleanup_free_ char **argv = xzalloc ((n + 4) * sizeof *argv);
  argv[0] = (char *) ctr_runtime_path ();
  argv[1] = (char *) "--root";
  argv[2] = root;
  for (size_t i = 0; i < n; i++)
    argv[3 + i] = args[i];
  int errp[2];
  if (pipe2 (errp, O_CLOEXEC) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (errp[0]);
      close (errp[1]);
      return -1;
    }
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDONLY);
      dup2 (null, 0);
      dup2 (errp[1], 2);
      execv (argv[0], argv);
      dprintf (2, "exec `%s`: %s", argv[0], strerror (errno));
      _exit (127);
    }
  close (errp[1]);
  char buf[4096];
  size_t len = 0;
  ssize_t r;
  while ((r = read (errp[0], buf + len, sizeof buf - 1 - len)) > 0 || (r < 0 && errno == EINTR))
    if (r > 0)
      len += (size_t) r;
  close (errp[0]);
  buf[len] = '\0';
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (err_text)
    *err_text = xstrdup (str_has_prefix (buf, "mocker-runtime: ") ? buf + 16 : buf);
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}
