/* A container's status as users see it, derived from state.json and a
 * cheap liveness check (pid + start time). */
#ifndef MOCKER_CONTAINER_STATUS_H
#define MOCKER_CONTAINER_STATUS_H

#include <time.h>

#include "mocker/container/container.h"

enum ctr_live
{
  LIVE_CREATED,
  LIVE_RUNNING,
  LIVE_EXITED,
};

enum ctr_live ctr_live_status (const struct container *c);
/* "created", "running", "exited" (Docker's State.Status). */
const char *ctr_live_name (enum ctr_live l);
/* The monitor waits out a --restart back-off (Docker counts it as running). */
bool ctr_restarting (const struct container *c, enum ctr_live l);
/* Docker's State.Status (its StateString): "created", "running", "paused"
 * (running and frozen), "restarting", "exited". */
const char *ctr_state_string (const struct container *c, enum ctr_live l);
/* Docker's "running" for ps without -a: running, paused or restarting. */
bool ctr_counts_running (const struct container *c, enum ctr_live l);
/* "Up 3 seconds", "Exited (0) 2 minutes ago", "Created" (heap). l and
 * state (ctr_state_string's) are the caller's: the process, the freezer
 * and the monitor's lock are looked at once per container. */
char *ctr_status_text (const struct container *c, enum ctr_live l, const char *state, time_t now);

#endif
