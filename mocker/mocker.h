/* What every mocker command gets: the global options and the store, opened
 * on first use (so `mocker --version` touches nothing). */
#ifndef MOCKER_H
#define MOCKER_H

#include <stdbool.h>
#include <stdio.h>

#include "common/error.h"

#define MOCKER_VERSION "0.1.0"
#define MOCKER_DEFAULT_ROOT "/var/lib/mocker"

/* Exit statuses, as Docker's CLI: 1 for a failed command (no such
 * container, a running one to rm, an image in use...) and a wrong number of
 * arguments; 125 for a bad option (unknown, missing or bad value: cobra's
 * flag errors, in every command) and for any failure of `run` and friends. */
#define MOCKER_EXIT_FAILURE 1
#define MOCKER_EXIT_RUN_FAILURE 125
#define MOCKER_EXIT_BAD_OPTION 125

struct store;

struct mocker_ctx
{
  const char *root;     /* --root, $MOCKER_ROOT or /var/lib/mocker */
  bool debug;           /* --debug */
  bool quiet;           /* a command's -q, for helpers that print progress */
  /* Exit status main() uses when a command fails (returns < 0); a command
   * like `run` sets MOCKER_EXIT_RUN_FAILURE before it can fail. */
  int failure_status;
  struct store *store;  /* opened by mocker_store() */
};

/* The store under ctx->root, opened (and created) on first call. */
struct store *mocker_store (struct mocker_ctx *ctx, mk_error **err);

/* A command returns 0 on success, < 0 with *err set on failure (main prints
 * "mocker: <msg>" and exits with ctx->failure_status), or > 0: an exit status
 * to use as is, nothing printed (a container's exit code). argv[0] is the
 * command name; options are parsed with getopt_long (optind reset by main). */
typedef int (*mocker_cmd_fn) (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

#define MOCKER_COMMAND(name, summary) \
  int cmd_##name (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
#define MOCKER_HEAVY_COMMAND(name, summary) MOCKER_COMMAND (name, summary)
#define MOCKER_NET_COMMAND(name, summary) MOCKER_COMMAND (name, summary)
#include "mocker/commands.def"
#undef MOCKER_NET_COMMAND
#undef MOCKER_HEAVY_COMMAND
#undef MOCKER_COMMAND

/* The light binary (built with -DMOCKER_LIGHT, mocker/light/): the path of
 * mocker-heavy ($MOCKER_HEAVY, else next to our own binary, else
 * ../libexec/mocker/mocker-heavy from it), and the table entry of every heavy
 * command: execs it with the argv main() got (mocker_heavy_argv). */
const char *mocker_heavy_path (void);
extern char **mocker_heavy_argv;
int mocker_exec_heavy (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

/* The table's function of a top-level command (in the light binary, the
 * exec of mocker-heavy for a heavy one), NULL when there is none: for the
 * management commands (`container rm` is `rm`). */
mocker_cmd_fn mocker_command_fn (const char *name);

/* Prints a command's usage text to stdout (for --help) and returns 0. */
int mocker_print_usage (const char *usage);
/* Records a usage error ("<cmd>: <msg>; see `mocker <cmd> --help`") and returns -1. */
int mocker_usage_error (mk_error **err, const char *cmd, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* A getopt_long failure ('?' with opterr 0) as a usage error naming the option
 * (optstring: the one given to getopt_long); returns -1, and main() exits
 * with MOCKER_EXIT_BAD_OPTION. */
int mocker_option_error (mk_error **err, const char *cmd, const char *optstring, char **argv);
/* Options of a command whose only option is -h/--help: 1 when the usage was
 * printed (the command returns 0), -1 on a bad option (err set), 0 with
 * optind at the first argument. */
int mocker_parse_help_only (int argc, char **argv, const char *cmd, const char *usage,
                            mk_error **err);
/* An option's value is wrong ("<cmd>: <msg>; see ..."): like
 * mocker_option_error, main() exits with MOCKER_EXIT_BAD_OPTION. */
int mocker_flag_error (mk_error **err, const char *cmd, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Marks the failure being returned as a bad option (exit 125) when its
 * message is made some other way; returns -1. */
int mocker_bad_option (void);

#endif
