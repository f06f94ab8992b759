/* The user's process attributes, in the order process.h documents; the
 * mechanisms are in caps.c, user.c, rlimits.c and exec_lookup.c. */
#include "mocker-runtime/process/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/kernel/caps.h"
#include "mocker-runtime/process/exec_lookup.h"
#include "mocker-runtime/kernel/rlimits.h"
#include "mocker-runtime/kernel/user.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int
process_find_executable (const struct spec_process *p, char **out, mk_error **err)
{
  if (p->args == NULL || p->args[0] == NULL)
    return mk_error_set (err, 0, "process.args: empty");
  _cleanup_close_ int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mk_error_set (err, errno, "open /");
  return exec_lookup (rootfd, p->args[0], exec_env_path (p->env), p->cwd, out, err);
}

/* "KEY=..." and "KEY" name the same variable. */
static bool
env_same_key (const char *a, const char *b)
{
  size_t la = strcspn (a, "="), lb = strcspn (b, "=");
  return la == lb && strncmp (a, b, la) == 0;
}

/* The home directory of uid in the container's /etc/passwd, "/" when it has
 * no entry (or no readable passwd), as runc does. */
static char *
passwd_home (uint32_t uid)
{
  /* Non-blocking and checked to be a file: an image's /etc/passwd could be a fifo. */
  _cleanup_close_ int fd = open ("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat sb;
  _cleanup_fclose_ FILE *f = fd >= 0 && fstat (fd, &sb) == 0 && S_ISREG (sb.st_mode)
                                 ? fdopen (fd, "r") : NULL;
  if (f)
    fd = -1; /* the FILE has it now */
  char line[4096];
  while (f && fgets (line, sizeof line, f))
    {
      /* name:password:uid:gid:gecos:home:shell */
      char *field[7] = { 0 };
      char *p = line;
      size_t n = 0;
      for (; n < 7 && p; n++)
        {
          field[n] = p;
          p = strchr (p, ':');
          if (p)
            *p++ = '\0';
        }
      unsigned long long v;
      if (n < 6 || !parse_uint64 (field[2], &v) || v != uid)
        continue;
      field[5][strcspn (field[5], "\n")] = '\0';
      if (field[5][0] != '\0')
        return xstrdup (field[5]);
    }
  return xstrdup ("/");
}

char **
process_final_env (const struct spec_process *p)
{
  char **env = xzalloc (sizeof (char *));
  bool has_home = false;
  for (size_t i = 0; p->env && p->env[i]; i++)
    {
      size_t j = 0;
      for (; env[j]; j++)
        if (env_same_key (env[j], p->env[i]))
          break;
      if (env[j])
        {
          free (env[j]);
          env[j] = xstrdup (p->env[i]);
        }
      else
        strv_push (&env, p->env[i]);
      if (env_same_key (p->env[i], "HOME"))
        has_home = true;
    }
  if (!has_home)
    {
      _cleanup_free_ char *home = passwd_home (p->user.uid);
      _cleanup_free_ char *kv = xasprintf ("HOME=%s", home);
      strv_push (&env, kv);
    }
  return env;
}

int
process_apply_rlimits (const struct spec_process *p, mk_error **err)
{
  return rlimits_apply (p->rlimits, p->n_rlimits, err);
}

int
process_apply_oom_score_adj (const struct spec_process *p, mk_error **err)
{
  if (!p->has_oom_score_adj)
    return 0;
  char buf[32];
  snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  if (write_file_string ("/proc/self/oom_score_adj", buf, err) < 0)
    return mk_error_wrap (err, "process.oomScoreAdj");
  return 0;
}

int
process_apply_identity (const struct spec_process *p, mk_error **err)
{
  /* No capabilities object: every set is empty, the bounding set too, for
   * root as well (as runc does). */
  struct cap_sets caps = { 0 };
  if (p->capabilities && caps_parse (p->capabilities, &caps, err) < 0)
    return -1;
  if (caps_drop_bounding (caps.bounding, err) < 0)
    return -1;

  /* Keep the permitted set across setuid: the configured capabilities are
   * set from it afterwards, for a non-root user too. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return mk_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  if (user_apply (&p->user, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return mk_error_set (err, errno, "prctl PR_SET_KEEPCAPS");

  if (caps_apply_sets (&caps, err) < 0)
    return -1;

  umask (p->user.has_umask ? (mode_t) p->user.umask : 0022);
  return 0;
}

int
process_enter_cwd (const struct spec_process *p, bool *again, mk_error **err)
{
  const char *cwd = str_is_empty (p->cwd) ? "/" : p->cwd;
  *again = false;
  if (chdir (cwd) == 0)
    return 0;
  if (errno == EACCES || errno == EPERM)
    {
      *again = true; /* perhaps the user can, with its groups */
      return 0;
    }
  return mk_error_set (err, errno, "process.cwd: chdir `%s`", cwd);
}

int
process_recheck_cwd (const struct spec_process *p, bool again, mk_error **err)
{
  const char *cwd = str_is_empty (p->cwd) ? "/" : p->cwd;
  if (again && chdir (cwd) < 0)
    return mk_error_set (err, errno, "process.cwd: chdir `%s`", cwd);
  return 0;
}

int
process_apply_no_new_privs (const struct spec_process *p, mk_error **err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return mk_error_set (err, errno, "process.noNewPrivileges: prctl");
  return 0;
}

void
process_reset_signals (void)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &dfl, NULL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

int
process_keep_fds (int n, mk_error **err)
{
  for (int fd = 3; fd < 3 + n; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        return mk_error_set (err, errno, "preserve fd %d", fd);
    }
  if (syscall (SYS_close_range, 3 + n, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3 + n; fd < 1024; fd++)
      {
        int flags = fcntl (fd, F_GETFD);
        if (flags >= 0)
          fcntl (fd, F_SETFD, flags | FD_CLOEXEC);
      }
  return 0;
}
