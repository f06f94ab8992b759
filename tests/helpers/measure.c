/* measure CMD [ARG...]: runs a command and prints one line
 *   <wall ms> <cpu ms> <peak rss KiB> <exit status>
 * to fd 3 when it is open, else to stderr. CPU time and peak RSS come from
 * wait4(), so they cover the command and every descendant it waited for. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
ms (struct timeval tv)
{
  return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: measure CMD [ARG...]\n");
      return 2;
    }
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  pid_t pid = fork ();
  if (pid < 0)
    return 2;
  if (pid == 0)
    {
      if (fcntl (3, F_GETFD) >= 0)
        close (3);
      execvp (argv[1], argv + 1);
      _exit (127);
    }
  int status;
  struct rusage ru;
  if (wait4 (pid, &status, 0, &ru) < 0)
    return 2;
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double wall = (t1.tv_sec - t0.tv_sec) * 1000.0 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  int code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  FILE *out = fcntl (3, F_GETFD) >= 0 ? fdopen (3, "w") : stderr;
  fprintf (out, "%.3f %.3f %ld %d\n", wall, ms (ru.ru_utime) + ms (ru.ru_stime), ru.ru_maxrss,
           code);
  fflush (out);
  return code;
}
