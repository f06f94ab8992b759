/* mocker-runtime: a runc-compatible OCI runtime.
 *
 *   mocker-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] ID [ARGS]
 *
 * main() parses the global options (before the command, in both `--flag
 * value` and `--flag=value` forms), picks the command from the table, and is
 * the only place that prints an error and chooses the exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/process/exe_sealed.h"
#include "mocker-runtime/state/state.h"

#define RT_VERSION "0.1.0"

static const struct
{
  const char *name;
  rt_command_fn fn;
  const char *help;
} commands[] = {
  { "create", cmd_create, "create a container (its process waits for start)" },
  { "start", cmd_start, "start the process of a created container" },
  { "run", cmd_run, "create, start and wait for a container" },
  { "state", cmd_state, "print the state JSON of a container" },
  { "list", cmd_list, "list the containers" },
  { "kill", cmd_kill, "send a signal to a container's process" },
  { "delete", cmd_delete, "delete a container" },
  { "spec", cmd_spec, "write a default config.json" },
  { "exec", cmd_exec, "run a new process in a running container" },
  { "pause", cmd_pause, "freeze every process of a container" },
  { "resume", cmd_resume, "thaw a paused container" },
  { "update", cmd_update, "change the resource limits of a container" },
  { "ps", cmd_ps, "list the processes of a container" },
  { "events", cmd_events, "print resource usage statistics of a container" },
  { "features", cmd_features, "print the features this runtime supports (JSON)" },
};

static void
usage (FILE *out)
{
  fprintf (out, "usage: mocker-runtime [--root DIR] [--log FILE] [--log-format text|json] "
                "[--debug] [--systemd-cgroup] [--strict-capabilities] COMMAND [OPTIONS] ID\n\ncommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].help);
}

enum { G_ROOT = 256, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CGROUP_MANAGER,
       G_CRIU, G_STRICT_CAPS, G_VERSION, G_HELP };

static const struct option global_options[] = {
  { "root", required_argument, NULL, G_ROOT },
  { "log", required_argument, NULL, G_LOG },
  { "log-format", required_argument, NULL, G_LOG_FORMAT },
  { "debug", no_argument, NULL, G_DEBUG },
  { "systemd-cgroup", no_argument, NULL, G_SYSTEMD },
  { "rootless", optional_argument, NULL, G_ROOTLESS },
  { "cgroup-manager", required_argument, NULL, G_CGROUP_MANAGER },
  { "criu", required_argument, NULL, G_CRIU },
  { "strict-capabilities", no_argument, NULL, G_STRICT_CAPS },
  { "version", no_argument, NULL, G_VERSION },
  { "help", no_argument, NULL, G_HELP },
  { NULL, 0, NULL, 0 },
};

int
main (int argc, char **argv)
{
  struct rt_globals g = { .fail_status = 1 };
  const char *log_file = NULL, *log_format = "text";
  _cleanup_error_ mk_error *err = NULL;
  int c;

  cli_reset ();
  /* "+": stop at the command; global options come before it. */
  while ((c = getopt_long (argc, argv, "+:vh", global_options, NULL)) != -1)
    {
      switch (c)
        {
        case G_ROOT: g.root = optarg; break;
        case G_LOG: log_file = optarg; break;
        case G_LOG_FORMAT: log_format = optarg; break;
        case G_DEBUG: g.debug = true; break;
        case G_SYSTEMD: g.systemd_cgroup = true; break;
        case G_STRICT_CAPS: g.strict_caps = true; break;
        case G_ROOTLESS:
          /* Accepted and ignored; `--rootless true` takes the next word too. */
          if (optarg == NULL && optind < argc
              && (strcmp (argv[optind], "true") == 0 || strcmp (argv[optind], "false") == 0
                  || strcmp (argv[optind], "auto") == 0))
            optind++;
          break;
        case G_CGROUP_MANAGER:
        case G_CRIU:
          break;
        case 'v':
        case G_VERSION:
          printf ("mocker-runtime version %s\nspec: %s\n", RT_VERSION, RT_OCI_VERSION);
          return 0;
        case 'h':
        case G_HELP:
          usage (stdout);
          return 0;
        default:
          cli_option_error ("mocker-runtime", c, argv, &err);
          fprintf (stderr, "%s\n", err->msg); /* already starts with "mocker-runtime: " */
          return 1;
        }
    }
  if (strcmp (log_format, "text") != 0 && strcmp (log_format, "json") != 0)
    {
      fprintf (stderr, "mocker-runtime: --log-format: expected text or json, not `%s`\n", log_format);
      return 1;
    }
  if (log_init ("mocker-runtime", log_file, strcmp (log_format, "json") == 0, g.debug, &err) < 0)
    {
      fprintf (stderr, "mocker-runtime: %s\n", err->msg);
      return 1;
    }
  if (g.root != NULL && *g.root == '\0')
    {
      fprintf (stderr, "mocker-runtime: option `--root` needs a value\n");
      return 1;
    }
  if (g.root == NULL)
    g.root = state_default_root ();
  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }

  const char *name = argv[optind];
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    {
      if (strcmp (commands[i].name, name) != 0)
        continue;
      /* These put copies of the runtime where the container sees them. */
      if ((commands[i].fn == cmd_create || commands[i].fn == cmd_run || commands[i].fn == cmd_exec)
          && exe_run_sealed (argv, g.root, &err) < 0)
        {
          log_error ("%s", err->msg);
          log_close ();
          return 1;
        }
      /* The command sees argv from its own name on. */
      int ret = commands[i].fn (&g, argc - optind, argv + optind, &err);
      fflush (stdout);
      if (ret < 0)
        {
          log_error ("%s", err && err->msg ? err->msg : "unknown error");
          ret = g.fail_status;
        }
      log_close ();
      return ret;
    }
  log_error ("unknown command `%s`", name);
  log_close ();
  return 1;
}
