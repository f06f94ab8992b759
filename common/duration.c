/* See duration.h. */
#include "common/duration.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

long long
parse_go_duration (const char *s)
{
  if (strcmp (s, "0") == 0)
    return 0;
  long double total = 0;
  if (*s == '\0')
    return -1;
  while (*s)
    {
      char *end;
      long double v = strtold (s, &end);
      if (end == s || v < 0)
        return -1;
      s = end;
      static const struct { const char *u; long double ns; } units[] = {
        { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
        { "h", 3600e9 },
      };
      bool ok = false;
      for (size_t i = 0; i < ARRAY_SIZE (units) && !ok; i++)
        if (str_has_prefix (s, units[i].u)
            && !(units[i].u[0] == 'm' && units[i].u[1] == '\0' && s[1] == 's'))
          {
            total += v * units[i].ns;
            s += strlen (units[i].u);
            ok = true;
          }
      if (!ok)
        return -1;
    }
  return (long long) total;
}
