/* Docker's STATUS text and State of a container, from the record and the
 * live system (no runtime call). */
#include "mocker/container/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "mocker/container/health.h"
#include "mocker/container/cgroup.h"
#include "mocker/ui/format.h"

enum ctr_live
ctr_live_status (const struct container *c)
{
  if (!c->has_state)
    return LIVE_CREATED;
  switch (c->state.status)
    {
    case CTR_CREATED:
      return LIVE_CREATED;
    case CTR_RUNNING:
      return ctr_state_alive (&c->state) ? LIVE_RUNNING : LIVE_EXITED;
    default:
      return LIVE_EXITED;
    }
}

const char *
ctr_live_name (enum ctr_live l)
{
  return l == LIVE_RUNNING ? "running" : l == LIVE_EXITED ? "exited" : "created";
}

bool
ctr_restarting (const struct container *c, enum ctr_live l)
{
  return l == LIVE_EXITED && c->state.restarting && ctr_monitor_active (c);
}

const char *
ctr_state_string (const struct container *c, enum ctr_live l)
{
  if (l == LIVE_RUNNING)
    return ctr_paused (c) ? "paused" : "running";
  if (ctr_restarting (c, l))
    return "restarting";
  return ctr_live_name (l);
}

bool
ctr_counts_running (const struct container *c, enum ctr_live l)
{
  return l == LIVE_RUNNING || ctr_restarting (c, l);
}

char *
ctr_status_text (const struct container *c, enum ctr_live l, const char *state, time_t now)
{
  if (l == LIVE_CREATED)
    return xstrdup ("Created");
  if (l == LIVE_RUNNING)
    {
      time_t started = ctr_time_parse (c->state.started_at);
      _cleanup_free_ char *d = ui_format_duration (started && now > started
                                                       ? (double) (now - started) : 0);
      /* Docker: a paused container shows no health */
      if (strcmp (state, "paused") == 0)
        return xasprintf ("Up %s (Paused)", d);
      return xasprintf ("Up %s%s", d, ctr_health_suffix (c));
    }
  time_t finished = ctr_time_parse (c->state.finished_at);
  if (finished == 0)
    finished = ctr_time_parse (c->state.started_at);
  _cleanup_free_ char *ago = ui_format_ago (finished, now);
  /* A container recorded running whose process vanished (its monitor was
   * killed): its exit code is unknown, Docker would show 128+9. */
  int code = c->state.status == CTR_RUNNING ? 137 : c->state.exit_code;
  /* --restart: the monitor waits out its back-off (Docker's wording). */
  if (strcmp (state, "restarting") == 0)
    return xasprintf ("Restarting (%d) %s", code, ago);
  return xasprintf ("Exited (%d) %s", code, ago);
}
