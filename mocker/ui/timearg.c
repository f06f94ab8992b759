/* See timearg.h: Docker's timetypes.GetTimestamp, written anew. */
#include "mocker/ui/timearg.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/duration.h"
#include "common/util.h"

long long
ui_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* n digits exactly into *v. */
static bool
digits (const char **p, int n, int *v)
{
  int r = 0;
  for (int i = 0; i < n; i++)
    {
      if (!isdigit ((unsigned char) (*p)[i]))
        return false;
      r = r * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *v = r;
  return true;
}

/* The offset of the local zone now, in seconds east of UTC (Docker reads
 * zoneless times in the reference time's zone). */
static long
local_offset (void)
{
  time_t now = time (NULL);
  struct tm tm;
  localtime_r (&now, &tm);
  return tm.tm_gmtoff;
}

/* "YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|±HH:MM]"; without a zone, the local
 * one. */
static bool
parse_date_time (const char *s, long long *out_ns)
{
  struct tm tm;
  memset (&tm, 0, sizeof tm);
  int y, mo, d, h = 0, mi = 0, sec = 0;
  long long frac = 0;
  const char *p = s;
  if (!digits (&p, 4, &y) || *p++ != '-' || !digits (&p, 2, &mo) || *p++ != '-'
      || !digits (&p, 2, &d))
    return false;
  if (*p == 'T')
    {
      p++;
      if (!digits (&p, 2, &h))
        return false;
      if (*p == ':')
        {
          p++;
          if (!digits (&p, 2, &mi))
            return false;
          if (*p == ':')
            {
              p++;
              if (!digits (&p, 2, &sec))
                return false;
              if (*p == '.')
                {
                  p++;
                  int n = 0;
                  long long scale = 100000000;
                  while (isdigit ((unsigned char) *p))
                    {
                      if (n++ < 9)
                        {
                          frac += (*p - '0') * scale;
                          scale /= 10;
                        }
                      p++;
                    }
                  if (n == 0)
                    return false;
                }
            }
        }
    }
  long offset;
  if (*p == 'Z' || *p == 'z')
    {
      offset = 0;
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      int sign = *p++ == '-' ? -1 : 1, oh, om;
      if (!digits (&p, 2, &oh) || *p++ != ':' || !digits (&p, 2, &om) || oh > 23 || om > 59)
        return false;
      offset = sign * (oh * 3600L + om * 60L);
    }
  else
    offset = local_offset ();
  if (*p != '\0')
    return false;
  static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap)
    return false;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = timegm (&tm);
  *out_ns = ((long long) t - offset) * 1000000000LL + frac;
  return true;
}

bool
ui_parse_rfc3339 (const char *s, long long *out_ns)
{
  if (s == NULL || strlen (s) < 20 || s[10] != 'T')
    return false;
  return parse_date_time (s, out_ns);
}

/* "seconds[.fraction]" (strconv.ParseInt each; the fraction scaled to
 * nanoseconds). */
static bool
parse_unix (const char *s, long long *out_ns)
{
  const char *dot = strchr (s, '.');
  _cleanup_free_ char *secs = dot ? xstrndup (s, (size_t) (dot - s)) : xstrdup (s);
  long long sec;
  if (!parse_int64 (secs, &sec) || sec > 9223372035LL || sec < -9223372035LL)
    return false;
  long long ns = 0;
  if (dot)
    {
      const char *f = dot + 1;
      size_t n = strlen (f);
      if (n == 0 || strspn (f, "0123456789") != n)
        return false;
      long long scale = 100000000;
      for (size_t i = 0; i < n && i < 9; i++, scale /= 10)
        ns += (f[i] - '0') * scale;
    }
  *out_ns = sec * 1000000000LL + (sec < 0 ? -ns : ns);
  return true;
}

int
ui_parse_timestamp (const char *value, long long now_ns, long long *out_ns, mk_error **err)
{
  if (value == NULL || *value == '\0')
    return mk_error_set (err, 0, "failed to parse value as time or duration: \"\"");
  /* A Go duration (signed), but "0" is the Unix time 0. */
  if (strcmp (value, "0") != 0)
    {
      const char *d = value;
      int sign = 1;
      if (*d == '+' || *d == '-')
        sign = *d++ == '-' ? -1 : 1;
      long long ns = *d ? parse_go_duration (d) : -1;
      if (ns >= 0)
        {
          *out_ns = now_ns - sign * ns;
          return 0;
        }
    }
  if (parse_date_time (value, out_ns))
    return 0;
  /* With a '-' it was meant as a date (a negative duration was read above). */
  if (strchr (value, '-'))
    return mk_error_set (err, 0, "parsing time \"%s\": not a valid RFC 3339 time", value);
  if (parse_unix (value, out_ns))
    return 0;
  return mk_error_set (err, 0, "failed to parse value as time or duration: \"%s\"", value);
}
