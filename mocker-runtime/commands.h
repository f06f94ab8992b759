/* The subcommands: one file each, called by main() with the global options.
 * A command returns the exit status (>= 0) or -1 with *err set; main prints
 * the error and exits with g->fail_status (1; `run` in the foreground: 255). */
#ifndef RT_COMMANDS_H
#define RT_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>

#include "common/error.h"

struct rt_globals
{
  const char *root;
  bool systemd_cgroup;
  bool debug;
  bool strict_caps;  /* --strict-capabilities: an unknown capability name fails */
  int fail_status;
};

typedef int (*rt_command_fn) (struct rt_globals *g, int argc, char **argv, mk_error **err);

int cmd_create (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_start (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_run (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_state (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_list (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_kill (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_delete (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_spec (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_exec (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_pause (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_resume (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_update (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_ps (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_events (struct rt_globals *g, int argc, char **argv, mk_error **err);
int cmd_features (struct rt_globals *g, int argc, char **argv, mk_error **err);

/* Option parsing shared by the commands: getopt_long (both `--flag value`
 * and `--flag=value`) with our own messages.  Start each parse with
 * cli_reset(); shortopts must begin with ":" (so a missing value is told
 * apart); on '?' or ':' return cli_option_error(). */
void cli_reset (void);
int cli_option_error (const char *cmd, int c, char **argv, mk_error **err);
/* The positional arguments left after the options: exactly min..max of them. */
int cli_args (const char *cmd, int argc, char **argv, int min, int max, const char *usage,
              mk_error **err);
int cli_parse_int (const char *what, const char *s, int *out, mk_error **err);

/* The options create and run share (create.c). */
enum { OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING, OPT_PRESERVE_FDS };
#define CREATE_LONG_OPTIONS                                                                    \
  { "bundle", required_argument, NULL, 'b' },                                                  \
  { "pid-file", required_argument, NULL, OPT_PID_FILE },                                       \
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },                           \
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },                                             \
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },                                 \
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS }
struct create_opts;
/* 0 when c was one of them, 1 when not, -1 on a bad value. */
int create_parse_option (int c, struct create_opts *o, mk_error **err);

#endif
