/* state.json of a container (see state.h).  Shared by mocker and
 * mocker-monitor: only common/ and yajl. */
#include "mocker/container/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"

static const char *const status_names[] = {
  [CTR_CREATED] = "created",
  [CTR_RUNNING] = "running",
  [CTR_EXITED] = "exited",
};

const char *
ctr_status_name (enum ctr_status s)
{
  return (size_t) s < ARRAY_SIZE (status_names) ? status_names[s] : "unknown";
}

int
ctr_state_write (const char *dir, const struct ctr_state *st, mk_error **err)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "status", ctr_status_name (st->status));
  json_kv_int (g, "pid", st->pid);
  json_key (g, "pid_start");
  json_uint (g, st->pid_start);
  json_kv_int (g, "monitor_pid", st->monitor_pid);
  json_kv_int (g, "exit_code", st->exit_code);
  json_kv_bool (g, "oom_killed", st->oom_killed);
  json_kv_str (g, "started_at", st->started_at);
  json_kv_str (g, "finished_at", st->finished_at);
  json_kv_str (g, "ip", st->ip);
  json_kv_str (g, "error", st->error);
  json_kv_int (g, "restart_count", st->restart_count);
  json_kv_bool (g, "restarting", st->restarting);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  _cleanup_free_ char *path = path_join (dir, CTR_STATE_FILE);
  return write_file_atomic (path, text, len, 0600, false, err);
}

static long long
get_int (yajl_val v, const char *key)
{
  yajl_val x = json_get (v, key);
  return x && YAJL_IS_INTEGER (x) ? YAJL_GET_INTEGER (x) : 0;
}

int
ctr_state_read (const char *dir, struct ctr_state *st, mk_error **err)
{
  _cleanup_free_ char *path = path_join (dir, CTR_STATE_FILE);
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse_file (path, &v, err) < 0)
    return -1;
  memset (st, 0, sizeof *st);
  const char *s = json_get_str (v, "status");
  st->status = CTR_CREATED;
  for (size_t i = 0; s && i < ARRAY_SIZE (status_names); i++)
    if (strcmp (s, status_names[i]) == 0)
      st->status = (enum ctr_status) i;
  st->pid = (pid_t) get_int (v, "pid");
  /* pid_start may exceed a signed integer only in theory: clock ticks. */
  yajl_val ps = json_get (v, "pid_start");
  if (ps && YAJL_IS_NUMBER (ps))
    st->pid_start = strtoull (YAJL_GET_NUMBER (ps), NULL, 10);
  st->monitor_pid = (pid_t) get_int (v, "monitor_pid");
  st->exit_code = (int) get_int (v, "exit_code");
  yajl_val oom = json_get (v, "oom_killed");
  st->oom_killed = oom && YAJL_IS_TRUE (oom);
  json_copy_str (v, "started_at", st->started_at, sizeof st->started_at);
  json_copy_str (v, "finished_at", st->finished_at, sizeof st->finished_at);
  json_copy_str (v, "ip", st->ip, sizeof st->ip);
  json_copy_str (v, "error", st->error, sizeof st->error);
  st->restart_count = (int) get_int (v, "restart_count");
  yajl_val rs = json_get (v, "restarting");
  st->restarting = rs && YAJL_IS_TRUE (rs);
  return 0;
}

unsigned long long
proc_start_time (pid_t pid)
{
  if (pid <= 0)
    return 0;
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  p += 2;
  char state = *p;
  if (state == 'Z' || state == 'X')
    return 0;
  /* p is field 3 (state); the start time is field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return 0;
      p++;
    }
  return strtoull (p, NULL, 10);
}

bool
ctr_state_alive (const struct ctr_state *st)
{
  if (st->status != CTR_RUNNING || st->pid <= 0)
    return false;
  unsigned long long t = proc_start_time (st->pid);
  return t != 0 && t == st->pid_start;
}

void
ctr_time_now (char *buf, size_t size)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  ctr_time_format (&ts, buf, size);
}

/* Writes v as exactly width digits (zero-padded, the high ones dropped). */
static char *
put_digits (char *p, unsigned long v, int width)
{
  for (int i = width - 1; i >= 0; i--, v /= 10)
    p[i] = (char) ('0' + v % 10);
  return p + width;
}

void
ctr_time_format (const struct timespec *ts, char *buf, size_t size)
{
  /* By hand, not snprintf: the monitor stamps every log line with it. */
  if (size < CTR_TIME_SIZE)
    {
      if (size > 0)
        buf[0] = '\0';
      return;
    }
  struct tm tm;
  utc_time (ts->tv_sec, &tm);
  char *p = put_digits (buf, (unsigned long) (tm.tm_year + 1900), 4);
  *p++ = '-';
  p = put_digits (p, (unsigned long) tm.tm_mon + 1, 2);
  *p++ = '-';
  p = put_digits (p, (unsigned long) tm.tm_mday, 2);
  *p++ = 'T';
  p = put_digits (p, (unsigned long) tm.tm_hour, 2);
  *p++ = ':';
  p = put_digits (p, (unsigned long) tm.tm_min, 2);
  *p++ = ':';
  p = put_digits (p, (unsigned long) tm.tm_sec, 2);
  *p++ = '.';
  p = put_digits (p, (unsigned long) ts->tv_nsec, 9);
  *p++ = 'Z';
  *p = '\0';
}

time_t
ctr_time_parse (const char *s)
{
  if (str_is_empty (s))
    return 0;
  struct tm tm;
  memset (&tm, 0, sizeof tm);
  if (sscanf (s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
              &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm (&tm);
}
