/* mocker: global options, the command table, and the one place that prints
 * errors and picks the exit status. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

struct command
{
  const char *name;
  const char *summary;
  mocker_cmd_fn fn;
};

static const struct command commands[] = {
#define MOCKER_COMMAND(n, s) { #n, s, cmd_##n },
#ifdef MOCKER_LIGHT
/* the light binary (and mocker-net, built with MOCKER_NET too): these exec
 * mocker-heavy (mocker/light/heavy_exec.c) */
#define MOCKER_HEAVY_COMMAND(n, s) { #n, s, mocker_exec_heavy },
#else
#define MOCKER_HEAVY_COMMAND(n, s) MOCKER_COMMAND (n, s)
#endif
#if defined MOCKER_LIGHT && !defined MOCKER_NET
#define MOCKER_NET_COMMAND(n, s) MOCKER_HEAVY_COMMAND (n, s)
#else
#define MOCKER_NET_COMMAND(n, s) MOCKER_COMMAND (n, s)
#endif
#include "mocker/commands.def"
#undef MOCKER_NET_COMMAND
#undef MOCKER_HEAVY_COMMAND
#undef MOCKER_COMMAND
};

static const char global_usage[] =
  "Usage: mocker [OPTIONS] COMMAND [ARG...]\n"
  "\n"
  "A daemonless Docker-like container manager.\n"
  "\n"
  "Options:\n"
  "      --root DIR   store directory (default $MOCKER_ROOT or " MOCKER_DEFAULT_ROOT ")\n"
  "      --debug      print debug messages\n"
  "  -v, --version    print the version and exit\n"
  "  -h, --help       print this help\n";

static void
print_global_help (void)
{
  fputs (global_usage, stdout);
  fputs ("\nCommands:\n", stdout);
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    if (commands[i].summary)
      printf ("  %-10s %s\n", commands[i].name, commands[i].summary);
  fputs ("  help       Show help for a command\n", stdout);
  fputs ("\nRun 'mocker COMMAND --help' for more information on a command.\n", stdout);
}

static const struct command *
find_command (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

mocker_cmd_fn
mocker_command_fn (const char *name)
{
  const struct command *c = find_command (name);
  return c ? c->fn : NULL;
}

struct store *
mocker_store (struct mocker_ctx *ctx, mk_error **err)
{
  if (ctx->store == NULL)
    {
      ctx->store = store_open (ctx->root, err);
      if (ctx->store == NULL)
        return NULL;
    }
  return ctx->store;
}

int
mocker_print_usage (const char *usage)
{
  fputs (usage, stdout);
  return 0;
}

int
mocker_usage_error (mk_error **err, const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  return mk_error_set (err, 0, "%s: %s; see `mocker %s --help`", cmd, msg, cmd);
}

/* Set by the option errors: main() exits with MOCKER_EXIT_BAD_OPTION. */
static bool bad_option;

int
mocker_bad_option (void)
{
  bad_option = true;
  return -1;
}

int
mocker_flag_error (mk_error **err, const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  bad_option = true;
  return mocker_usage_error (err, cmd, "%s", msg);
}

/* The last getopt_long failure (opterr is 0), naming the option:
 * "unknown option `--x`" or "option `-m` needs a value". */
static char *
option_problem (const char *optstring, char **argv)
{
  const char *arg = getopt_failed_arg (argv);
  if (str_has_prefix (arg, "--"))
    {
      /* glibc: optopt is 0 for an unknown long option, the option's value when
       * its argument is missing. */
      int len = (int) strcspn (arg, "=");
      if (optopt == 0)
        return xasprintf ("unknown option `%.*s`", len, arg);
      return xasprintf ("option `%.*s` needs a value", len, arg);
    }
  const char *known = optopt > 0 && optopt != ':' ? strchr (optstring, optopt) : NULL;
  if (known && known[1] == ':')
    return xasprintf ("option `-%c` needs a value", optopt);
  return xasprintf ("unknown option `-%c`", optopt > 0 ? optopt : '?');
}

int
mocker_option_error (mk_error **err, const char *cmd, const char *optstring, char **argv)
{
  _cleanup_free_ char *problem = option_problem (optstring, argv);
  return mocker_flag_error (err, cmd, "%s", problem);
}

int
mocker_parse_help_only (int argc, char **argv, const char *cmd, const char *usage, mk_error **err)
{
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'h': mocker_print_usage (usage); return 1;
      default: return mocker_option_error (err, cmd, "h", argv);
      }
  return 0;
}

static int
run_command (struct mocker_ctx *ctx, const struct command *c, int argc, char **argv)
{
  _cleanup_error_ mk_error *err = NULL;
  optind = 0; /* reinitialize getopt for the command's own options */
  int r = c->fn (ctx, argc, argv, &err);
  if (r < 0)
    {
      fflush (stdout);
      fprintf (stderr, "mocker: %s\n", err && err->msg ? err->msg : "unknown error");
      return bad_option ? MOCKER_EXIT_BAD_OPTION : ctx->failure_status;
    }
  return r;
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, 'r' },
    { "debug", no_argument, NULL, 'D' },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct mocker_ctx ctx = { .failure_status = MOCKER_EXIT_FAILURE };
#ifdef MOCKER_LIGHT
  mocker_heavy_argv = argv;
#endif
  const char *env_root = getenv ("MOCKER_ROOT");
  ctx.root = env_root && *env_root ? env_root : MOCKER_DEFAULT_ROOT;

  int c;
  opterr = 0; /* every getopt failure becomes one "mocker: ..." line */
  while ((c = getopt_long (argc, argv, "+vhD", opts, NULL)) != -1)
    {
      switch (c)
        {
        case 'r':
          if (str_is_empty (optarg))
            {
              fprintf (stderr, "mocker: --root: empty directory name\n");
              return MOCKER_EXIT_BAD_OPTION;
            }
          ctx.root = optarg;
          break;
        case 'D':
          ctx.debug = true;
          break;
        case 'v':
          printf ("mocker version " MOCKER_VERSION "\n");
          return 0;
        case 'h':
          print_global_help ();
          return 0;
        default:
          {
            _cleanup_free_ char *problem = option_problem ("+vhD", argv);
            fprintf (stderr, "mocker: %s; see `mocker --help`\n", problem);
            return MOCKER_EXIT_BAD_OPTION;
          }
        }
    }

  {
    _cleanup_error_ mk_error *err = NULL;
    if (log_init ("mocker", NULL, false, ctx.debug, &err) < 0)
      {
        fprintf (stderr, "mocker: %s\n", err->msg);
        return MOCKER_EXIT_FAILURE;
      }
  }

  int status;
  if (optind >= argc)
    {
      print_global_help ();
      status = 0;
    }
  else if (strcmp (argv[optind], "help") == 0 || strcmp (argv[optind], "version") == 0)
    {
      if (strcmp (argv[optind], "version") == 0)
        {
          printf ("mocker version " MOCKER_VERSION "\n");
          return 0;
        }
      if (optind + 1 >= argc)
        {
          print_global_help ();
          return 0;
        }
      const struct command *cmd = find_command (argv[optind + 1]);
      if (cmd == NULL)
        {
          fprintf (stderr, "mocker: unknown command `%s`; see `mocker --help`\n", argv[optind + 1]);
          return MOCKER_EXIT_FAILURE;
        }
      char *hargv[] = { (char *) cmd->name, (char *) "--help", NULL };
      status = run_command (&ctx, cmd, 2, hargv);
    }
  else
    {
      const struct command *cmd = find_command (argv[optind]);
      if (cmd == NULL)
        {
          fprintf (stderr, "mocker: unknown command `%s`; see `mocker --help`\n", argv[optind]);
          return MOCKER_EXIT_FAILURE;
        }
      status = run_command (&ctx, cmd, argc - optind, argv + optind);
    }

  store_close (ctx.store);
  log_close ();
  if (fflush (stdout) != 0 && status == 0)
    {
      perror ("mocker: write stdout");
      status = MOCKER_EXIT_FAILURE;
    }
  return status;
}
