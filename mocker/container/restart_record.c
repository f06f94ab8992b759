/* The restart policy in a container's record, and the manual-stop file
 * (restart.h).  mocker only: the monitor gets the policy as --restart. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/restart.h"

void
ctr_restart_policy (const struct container *c, struct ctr_restart *out)
{
  *out = (struct ctr_restart) { .name = RESTART_NO };
  yajl_val p = json_get (json_get (c->record, "host_config"), "RestartPolicy");
  if (ctr_restart_parse (json_get_str (p, "Name"), out) < 0)
    *out = (struct ctr_restart) { .name = RESTART_NO };
  yajl_val n = json_get (p, "MaximumRetryCount");
  if (out->name == RESTART_ON_FAILURE && n && YAJL_IS_INTEGER (n) && YAJL_GET_INTEGER (n) > 0)
    out->max_retries = (int) YAJL_GET_INTEGER (n);
}

bool
ctr_restart_arg (const struct container *c, char *buf, size_t size)
{
  struct ctr_restart p;
  ctr_restart_policy (c, &p);
  if (p.name == RESTART_NO)
    return false;
  if (p.max_retries > 0)
    snprintf (buf, size, "%s:%d", ctr_restart_name (p.name), p.max_retries);
  else
    snprintf (buf, size, "%s", ctr_restart_name (p.name));
  return true;
}

void
ctr_set_manual_stop (const struct container *c, bool stopped)
{
  _cleanup_free_ char *p = path_join (c->dir, CTR_MANUAL_STOP_FILE);
  if (!stopped)
    {
      unlink (p);
      return;
    }
  int fd = open (p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
}

bool
ctr_manual_stop (const struct container *c)
{
  _cleanup_free_ char *p = path_join (c->dir, CTR_MANUAL_STOP_FILE);
  return access (p, F_OK) == 0;
}
