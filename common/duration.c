/* See duration.h. */
#include "common/duration.h"

#include <limits.h>
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
      /* A decimal number: digits and a point, nothing else strtold would
       * take (inf, nan, hex, exponents, blanks, signs). */
      size_t n = strspn (s, "0123456789.");
      char num[64];
      if (n == 0 || n >= sizeof num)
        return -1;
      memcpy (num, s, n);
      num[n] = '\0';
      char *end;
      long double v = strtold (num, &end);
      if (end != num + n)
        return -1;
      s += n;
      static const struct { const char *u; long double ns; } units[] = {
        { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
        { "h", 3600e9 },
      };
      bool ok = false;
      for (size_t i = 0; i < ARRAY_SIZE (units) && !ok; i++)
        if (str_has_prefix (s, units[i].u)) /* "ms" is tried before "m" */
          {
            total += v * units[i].ns;
            s += strlen (units[i].u);
            ok = true;
          }
      if (!ok)
        return -1;
    }
  if (total > (long double) LLONG_MAX)
    return -1;
  return (long long) total;
}
