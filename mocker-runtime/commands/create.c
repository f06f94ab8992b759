/* create ID [-b|--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot]
 *           [--no-new-keyring] [--preserve-fds N] */
#include <string.h>

#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/container.h"

static const struct option create_options[] = {
  CREATE_LONG_OPTIONS,
  { NULL, 0, NULL, 0 },
};

int
create_parse_option (int c, struct create_opts *o, mk_error **err)
{
  switch (c)
    {
    case 'b': o->bundle = optarg; return 0;
    case OPT_PID_FILE: o->pid_file = optarg; return 0;
    case OPT_CONSOLE_SOCKET: o->console_socket = optarg; return 0;
    case OPT_NO_PIVOT: o->no_pivot = true; return 0;
    case OPT_NO_NEW_KEYRING: o->no_new_keyring = true; return 0;
    case OPT_PRESERVE_FDS: return cli_parse_int ("--preserve-fds", optarg, &o->preserve_fds, err);
    }
  return 1; /* not a create option */
}

int
cmd_create (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  struct create_opts o = { .root = g->root, .systemd_cgroup = g->systemd_cgroup,
                         .strict_caps = g->strict_caps };
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":b:", create_options, NULL)) != -1)
    {
      int r = create_parse_option (c, &o, err);
      if (r < 0)
        return -1;
      if (r > 0)
        return cli_option_error ("create", c, argv, err);
    }
  if (cli_args ("create", argc, argv, 1, 1, "create [OPTIONS] ID", err) < 0)
    return -1;
  o.id = argv[optind];
  _cleanup_container_ struct container *ct = NULL;
  if (container_create (&o, &ct, err) < 0)
    return -1;
  return 0;
}
