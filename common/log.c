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

bool
log_debug_enabled (void)
{
  return log_verbose;
}

void
format_rfc3339 (const struct timespec *ts, char *buf, size_t size)
{
  struct tm tm;
  gmtime_r (&ts->tv_sec, &tm);
  /* Not strftime: it loads the local time zone (/etc/localtime) on every call. */
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
