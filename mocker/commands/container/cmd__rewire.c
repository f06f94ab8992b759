/* mocker _rewire ID PID (hidden): what the monitor runs when it restarts a
 * container (--restart): the network of the new init (pid) is wired as
 * `run` wires it; a bridge's old lease and port rules go first.  Prints
 * the address ("" without a bridge). */
#include <stdio.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/launch.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

int
cmd__rewire (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  long long pid = 0;
  if (argc != 3 || !parse_int64 (argv[2], &pid) || pid <= 0)
    return mocker_usage_error (err, "_rewire", "want a container id and a pid");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_load (s, argv[1], &c, err) < 0)
    return -1;
  if (ctr_net_mode (c) == NET_BRIDGE)
    {
      _cleanup_error_ mk_error *e = NULL;
      network_detach (store_root (s), c->id, &e);
    }
  char ip[16] = "";
  if (ctr_wire_network (s, c, (pid_t) pid, ip, sizeof ip, err) < 0)
    return -1;
  printf ("%s\n", ip);
  return 0;
}
