#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"

static const char *log_prog = "mocker";
static int log_fd = -1;
static bool log_json;
static bool log_verbose;

int
log_init (const char *prog, const char *file, bool json, bool debug, mk_error **err)
{
  log_prog = prog;
  log_json = json;
  log_verbose = debug;
  log_close (); /* a second log_init replaces the file, not leaks it */
  if (file)
    {
      log_fd = open (file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (log_fd < 0)
        return mk_error_set (err, errno, "open log file `%s`", file);
    }
  return 0;
}

void
log_close (void)
{
  if (log_fd >= 0)
    close (log_fd);
  log_fd = -1;
}

int
log_file_fd (void)
{
  return log_fd;
}

bool
log_debug_enabled (void)
{
  return log_verbose;
}

void
utc_time (time_t t, struct tm *out)
{
  /* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
   * Not gmtime_r: its first call loads the local time zone from
   * /etc/localtime, which a UTC time has no use for. */
  long long days = t / 86400, secs = t % 86400;
  if (secs < 0)
    {
      secs += 86400;
      days--;
    }
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  long long y = yoe + era * 400 + (m <= 2);
  memset (out, 0, sizeof *out);
  out->tm_year = (int) (y - 1900);
  out->tm_mon = (int) (m - 1);
  out->tm_mday = (int) d;
  out->tm_hour = (int) (secs / 3600);
  out->tm_min = (int) (secs / 60 % 60);
  out->tm_sec = (int) (secs % 60);
}

void
format_rfc3339 (const struct timespec *ts, char *buf, size_t size)
{
  struct tm tm;
  utc_time (ts->tv_sec, &tm);
  /* Not strftime either: it loads the local time zone too. */
  snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000);
}

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void
log_msg (enum log_level level, const char *fmt, ...)
{
  if (level == LOG_DEBUG && !log_verbose)
    return;
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);

  /* stderr always gets the plain line (managers capture it); info stays quiet. */
  if (level != LOG_INFO || log_verbose)
    {
      if (level == LOG_ERROR)
        dprintf (2, "%s: %s\n", log_prog, msg);
      else
        dprintf (2, "%s: %s: %s\n", log_prog, level_names[level], msg);
    }
  if (log_fd < 0)
    return;

  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  char ts[64];
  format_rfc3339 (&now, ts, sizeof ts);
  _cleanup_free_ char *line = NULL;
  if (log_json)
    {
      json_gen *g = json_gen_new (false);
      json_obj_open (g);
      json_kv_str (g, "level", level_names[level]);
      json_kv_str (g, "msg", msg);
      json_kv_str (g, "time", ts);
      json_obj_close (g);
      _cleanup_free_ char *obj = json_gen_finish (g, NULL);
      line = xasprintf ("%s\n", obj);
    }
  else
    line = xasprintf ("%s %s: %s\n", ts, level_names[level], msg);
  if (write (log_fd, line, strlen (line)) < 0)
    { /* nowhere left to report it */ }
}
