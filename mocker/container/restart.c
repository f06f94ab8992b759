/* See restart.h. */
#include "mocker/container/restart.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
  [RESTART_NO] = "no",
  [RESTART_ON_FAILURE] = "on-failure",
  [RESTART_ALWAYS] = "always",
  [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *
ctr_restart_name (enum ctr_restart_name n)
{
  return (size_t) n < sizeof names / sizeof names[0] ? names[n] : "no";
}

int
ctr_restart_parse (const char *s, struct ctr_restart *out)
{
  *out = (struct ctr_restart) { .name = RESTART_NO };
  if (s == NULL || *s == '\0')
    return 0;
  const char *colon = strchr (s, ':');
  size_t len = colon ? (size_t) (colon - s) : strlen (s);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen (names[i]) == len && strncmp (s, names[i], len) == 0)
      {
        out->name = (enum ctr_restart_name) i;
        if (colon == NULL)
          return 0;
        if (out->name != RESTART_ON_FAILURE || colon[1] == '\0')
          return -1;
        char *end;
        long n = strtol (colon + 1, &end, 10);
        if (*end != '\0' || n < 0 || n > 1000000)
          return -1;
        out->max_retries = (int) n;
        return 0;
      }
  return -1;
}

bool
ctr_restart_due (const struct ctr_restart *p, int exit_code, int count, bool manual_stop)
{
  if (manual_stop)
    return false;
  switch (p->name)
    {
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
      return true;
    case RESTART_ON_FAILURE:
      return exit_code != 0 && (p->max_retries == 0 || count < p->max_retries);
    default:
      return false;
    }
}

long
ctr_restart_delay_ms (int count)
{
  long ms = 100;
  for (int i = 0; i < count && ms < 60000; i++)
    ms *= 2;
  return ms < 60000 ? ms : 60000;
}
