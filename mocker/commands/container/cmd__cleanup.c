/* mocker _cleanup ID (hidden): what the monitor execs once the container
 * exited: network detach, runtime delete, unmount, and removal for --rm.
 * It runs holding the monitor's lock (inherited), so `rm` waits for it. */
#include <errno.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/mocker.h"

int
cmd__cleanup (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc != 2)
    return mocker_usage_error (err, "_cleanup", "want a container id");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_load (s, argv[1], &c, err) < 0)
    return mk_error_errno (*err) == ENOENT ? 0 : -1;
  ctr_teardown (s, c, err);
  if (ctr_flag (c, "host_config", "AutoRemove"))
    return ctr_remove_files (s, c, err);
  return 0;
}
