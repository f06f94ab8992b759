/* A container's health (--health-cmd, HEALTHCHECK): health.json, which the
 * monitor's checker writes (mocker/monitor/health.c), in Docker's
 * State.Health shape. */
#ifndef MOCKER_CONTAINER_HEALTH_H
#define MOCKER_CONTAINER_HEALTH_H

#include <yajl/yajl_tree.h>

#include "mocker/container/container.h"

/* The parsed health.json, NULL when the container has no health check. */
yajl_val ctr_health (const struct container *c);
/* " (healthy)", " (unhealthy)", " (health: starting)" for ps, "" without
 * a health check. */
const char *ctr_health_suffix (const struct container *c);

#endif
