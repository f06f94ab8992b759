/* Tries system calls and prints one "NAME=RESULT" line each: RESULT is "ok"
 * or the errno's symbolic name (strerror texts differ between libcs).
 * For the seccomp tests: sysprobe PROBE...
 *   kexec_load open_by_handle_at io_uring_setup clone3 clone_newuser
 *   unshare_user personality_query personality_addr_no_randomize
 *   socket_vsock socket_inet kcmp mkdir:PATH nr:NUMBER */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
errno_name (int e)
{
  switch (e)
    {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOMEM: return "ENOMEM";
    case EROFS: return "EROFS";
    case EUSERS: return "EUSERS";
    case EDQUOT: return "EDQUOT";
    default:
      {
        static char buf[32];
        snprintf (buf, sizeof buf, "E%d", e);
        return buf;
      }
    }
}

/* A child made by a clone that worked: reap it. */
static long
reap (long pid)
{
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t) pid, NULL, 0);
  return pid;
}

static long
probe (const char *p)
{
  if (strcmp (p, "kexec_load") == 0)
    return syscall (SYS_kexec_load, 0, 0, 0, 0);
  if (strcmp (p, "open_by_handle_at") == 0)
    return syscall (SYS_open_by_handle_at, -1, NULL, 0);
  if (strcmp (p, "io_uring_setup") == 0)
    return syscall (SYS_io_uring_setup, 1, NULL);
  if (strcmp (p, "clone3") == 0)
    {
      struct clone_args a = { .exit_signal = SIGCHLD };
      return reap (syscall (SYS_clone3, &a, sizeof a));
    }
  if (strcmp (p, "clone_newuser") == 0)
    return reap (syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
  if (strcmp (p, "unshare_user") == 0)
    return unshare (CLONE_NEWUSER);
  if (strcmp (p, "personality_query") == 0)
    return personality (0xffffffff);
  if (strcmp (p, "personality_addr_no_randomize") == 0)
    return personality (ADDR_NO_RANDOMIZE);
  if (strcmp (p, "socket_vsock") == 0)
    return socket (40 /* AF_VSOCK */, SOCK_STREAM, 0);
  if (strcmp (p, "socket_inet") == 0)
    return socket (AF_INET, SOCK_STREAM, 0);
  if (strcmp (p, "kcmp") == 0)
    return syscall (SYS_kcmp, getpid (), getpid (), 0 /* KCMP_FILE */, 0, 0);
  if (strncmp (p, "mkdir:", 6) == 0)
    return mkdir (p + 6, 0755);
  if (strncmp (p, "nr:", 3) == 0)
    return syscall (strtol (p + 3, NULL, 10), 0, 0, 0, 0, 0, 0);
  fprintf (stderr, "sysprobe: unknown probe %s\n", p);
  exit (2);
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IONBF, 0);
  for (int i = 1; i < argc; i++)
    {
      errno = 0;
      long r = probe (argv[i]);
      const char *name = strchr (argv[i], ':') ? strndup (argv[i], strcspn (argv[i], ":")) : argv[i];
      if (r < 0)
        printf ("%s=%s\n", name, errno_name (errno));
      else
        printf ("%s=ok\n", name);
    }
  return 0;
}
