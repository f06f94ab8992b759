/* delete [--force|-f] ID: removes a stopped (or created) container: its
 * cgroup, its state, after the poststop hooks.  --force kills it first. */
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/container.h"

int
cmd_delete (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":f", opts, NULL)) != -1)
    {
      if (c == 'f')
        force = true;
      else
        return cli_option_error ("delete", c, argv, err);
    }
  if (cli_args ("delete", argc, argv, 1, 1, "delete [--force] ID", err) < 0)
    return -1;
  return container_delete (g->root, argv[optind], force, err) < 0 ? -1 : 0;
}
