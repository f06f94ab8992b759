#include "mocker-runtime/kernel/rlimits.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "common/util.h"

static const struct { const char *name; int resource; } rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
rlimit_from_name (const char *name)
{
  for (size_t i = 0; name && i < ARRAY_SIZE (rlimit_names); i++)
    if (strcmp (rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

int
rlimits_apply (const struct spec_rlimit *r, size_t n, mk_error **err)
{
  /* Check them all before changing any. */
  for (size_t i = 0; i < n; i++)
    {
      if (rlimit_from_name (r[i].type) < 0)
        return mk_error_set (err, 0, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                             r[i].type ? r[i].type : "");
      if (r[i].soft > r[i].hard)
        return mk_error_set (err, 0, "process.rlimits[%zu] (%s): soft limit above the hard limit",
                             i, r[i].type);
    }
  for (size_t i = 0; i < n; i++)
    {
      /* UINT64_MAX is RLIM_INFINITY: the same value. */
      struct rlimit rl = { .rlim_cur = r[i].soft, .rlim_max = r[i].hard };
      if (setrlimit (rlimit_from_name (r[i].type), &rl) < 0)
        return mk_error_set (err, errno, "process.rlimits[%zu] (%s): setrlimit", i, r[i].type);
    }
  return 0;
}
