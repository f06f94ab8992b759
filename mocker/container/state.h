/* A container's run state: <store>/containers/<id>/state.json.
 *
 * Written atomically (temp + rename) by one writer at a time: `mocker run` /
 * `mocker start` before the monitor exists, then only the monitor
 * (mocker-monitor), which links this file and common/ alone (no libraries
 * but yajl), so keep it small.  Readers (ps, inspect, rm...) never lock it.
 *
 *   {"status": "running", "pid": 4242, "pid_start": 123456, "monitor_pid": 4240,
 *    "exit_code": 0, "oom_killed": false, "started_at": "...Z", "finished_at": "...Z",
 *    "ip": "10.89.0.2", "error": "...", "restart_count": 0, "restarting": false}
 *
 * Whether a "running" container really runs is checked against the live
 * system: its pid must exist with the recorded start time (field 22 of
 * /proc/<pid>/stat), so a reused pid is never taken for the container. */
#ifndef MOCKER_CONTAINER_STATE_H
#define MOCKER_CONTAINER_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "common/error.h"

#define CTR_STATE_FILE "state.json"
/* The container's cgroupsPath, relative to each hierarchy (bundle.c writes
 * it into config.json; the monitor reads the OOM counter there). */
#define CTR_CGROUP_FMT "/mocker-%s"

enum ctr_status
{
  CTR_CREATED,  /* made, never started (or its start failed) */
  CTR_RUNNING,  /* recorded as running: see ctr_state_alive() */
  CTR_EXITED,
};

struct ctr_state
{
  enum ctr_status status;
  pid_t pid;                    /* container init (host pid), 0 = none */
  unsigned long long pid_start; /* its start time in clock ticks after boot */
  pid_t monitor_pid;
  int exit_code;
  bool oom_killed;
  char started_at[40];          /* RFC 3339, "" = never */
  char finished_at[40];
  char ip[16];                  /* "" = none */
  char error[512];              /* why a start failed, "" = none */
  int restart_count;            /* restarts by the monitor (--restart) since the start */
  bool restarting;              /* exited, the monitor waits to restart it */
};

const char *ctr_status_name (enum ctr_status s);

/* dir = the container's directory. */
int ctr_state_write (const char *dir, const struct ctr_state *st, mk_error **err);
int ctr_state_read (const char *dir, struct ctr_state *st, mk_error **err);

/* Start time of a live process (clock ticks after boot), 0 when it is gone
 * or a zombie. */
unsigned long long proc_start_time (pid_t pid);

/* The state says running and its pid is still the container's init. */
bool ctr_state_alive (const struct ctr_state *st);

/* "now" as RFC 3339 with nanoseconds (Docker's format), UTC:
 * "2026-11-22T14:03:10.123456789Z". A buffer under CTR_TIME_SIZE gets "". */
#define CTR_TIME_SIZE 31
void ctr_time_now (char *buf, size_t size);
void ctr_time_format (const struct timespec *ts, char *buf, size_t size);
/* Parses what ctr_time_now wrote (or any "YYYY-MM-DDTHH:MM:SS[.frac]Z");
 * 0 when empty or unparsable. */
time_t ctr_time_parse (const char *s);

#endif
