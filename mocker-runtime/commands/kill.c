/* kill [--all|-a] ID [SIGNAL]: SIGNAL by name (with or without SIG) or number,
 * SIGTERM by default; --all signals every process of the container's cgroup. */
#include <signal.h>

#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/container.h"
#include "mocker-runtime/process/signals.h"

int
cmd_kill (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false;
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":a", opts, NULL)) != -1)
    {
      if (c == 'a')
        all = true;
      else
        return cli_option_error ("kill", c, argv, err);
    }
  int n = cli_args ("kill", argc, argv, 1, 2, "kill [--all] ID [SIGNAL]", err);
  if (n < 0)
    return -1;
  int sig = SIGTERM;
  if (n == 2 && signal_parse (argv[optind + 1], &sig, err) < 0)
    return -1;
  return container_kill (g->root, argv[optind], sig, all, err) < 0 ? -1 : 0;
}
