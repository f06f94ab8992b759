/* Restart policies (`run --restart`), shared by mocker and mocker-monitor
 * (which links this file: libc only).
 *
 * The policy is recorded in container.json's host_config.RestartPolicy
 * ({"Name": "on-failure", "MaximumRetryCount": 2}, as Docker) and handed to
 * the monitor as `--restart NAME[:N]`.  `stop`, `kill` and `rm -f` create
 * DIR/CTR_MANUAL_STOP_FILE before signalling, `start` removes it: the
 * monitor does not restart a container that was stopped by hand. */
#ifndef MOCKER_CONTAINER_RESTART_H
#define MOCKER_CONTAINER_RESTART_H

#include <stdbool.h>
#include <stddef.h>

#define CTR_MANUAL_STOP_FILE "stopped-by-user"

enum ctr_restart_name
{
  RESTART_NO,
  RESTART_ON_FAILURE,
  RESTART_ALWAYS,
  RESTART_UNLESS_STOPPED,
};

struct ctr_restart
{
  enum ctr_restart_name name;
  int max_retries; /* on-failure:N, 0 = no limit */
};

/* "no", "on-failure", "on-failure:N", "always", "unless-stopped"; -1 when
 * invalid (a count is only allowed with on-failure, as Docker). */
int ctr_restart_parse (const char *s, struct ctr_restart *out);
/* Docker's name of a policy ("no", "on-failure", ...). */
const char *ctr_restart_name (enum ctr_restart_name n);
/* Should the monitor start the container again after it exited with
 * exit_code, having restarted it `count` times already? */
bool ctr_restart_due (const struct ctr_restart *p, int exit_code, int count, bool manual_stop);
/* Docker's back-off before restart number count+1: 100 ms doubling, at
 * most one minute. */
long ctr_restart_delay_ms (int count);

/* mocker only (restart_record.c): */
struct container;
/* host_config.RestartPolicy of the record (Name "no" when absent). */
void ctr_restart_policy (const struct container *c, struct ctr_restart *out);
/* The monitor's --restart argument ("on-failure:2"); false for "no". */
bool ctr_restart_arg (const struct container *c, char *buf, size_t size);
/* Creates (stop, kill, rm -f) or removes (start) the manual-stop file. */
void ctr_set_manual_stop (const struct container *c, bool stopped);
bool ctr_manual_stop (const struct container *c);

#endif
