#include "mocker-runtime/process/fds.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* Closes lo..hi (hi UINT_MAX: to the end). */
static void
close_span (unsigned int lo, unsigned int hi)
{
  if (lo > hi)
    return;
  if (syscall (SYS_close_range, lo, hi, 0) == 0)
    return;
  /* Kernels before 5.9: one by one, up to the fd limit. */
  struct rlimit rl;
  unsigned int end = hi;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur - 1 < end)
    end = (unsigned int) rl.rlim_cur - 1;
  if (end > (1U << 20))
    end = 1U << 20;
  for (unsigned int fd = lo; fd <= end; fd++)
    close ((int) fd);
}

void
fds_close_others (const int *keep, size_t n, int preserve_fds)
{
  int sorted[n + 1];
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (keep[i] >= 3 + (preserve_fds > 0 ? preserve_fds : 0))
      sorted[m++] = keep[i];
  qsort (sorted, m, sizeof sorted[0], cmp_int);
  unsigned int lo = 3 + (unsigned int) (preserve_fds > 0 ? preserve_fds : 0);
  for (size_t i = 0; i < m; i++)
    {
      unsigned int k = (unsigned int) sorted[i];
      if (k > lo)
        close_span (lo, k - 1);
      if (k + 1 > lo)
        lo = k + 1;
    }
  close_span (lo, ~0U);
}

int
fds_check_cwd_inside_root (mk_error **err)
{
  char buf[PATH_MAX];
  /* The system call itself: libc wrappers differ on "(unreachable)". */
  long n = syscall (SYS_getcwd, buf, sizeof buf);
  if (n < 0)
    return 0; /* too long, or refused by the config's seccomp filter: no check */
  if (buf[0] != '/')
    return mk_error_set (err, 0, "process.cwd: the working directory is outside the "
                                 "container's root");
  return 0;
}
