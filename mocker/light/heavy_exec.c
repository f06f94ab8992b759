/* The light mocker binary's way to the heavy one: finding mocker-heavy (and
 * mocker-net), and
 * the command-table entry of every heavy command (an execv with the argv
 * main() got, so options, messages and exit codes are mocker-heavy's own). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/light/heavy.h"
#include "mocker/mocker.h"

char **mocker_heavy_argv;

const char *
mocker_heavy_path (void)
{
  static char buf[PATH_MAX];
  return ctr_find_binary ("MOCKER_HEAVY", "mocker-heavy", true, buf, sizeof buf);
}

const char *
mocker_net_path (void)
{
  static char buf[PATH_MAX];
  return ctr_find_binary ("MOCKER_NET", "mocker-net", true, buf, sizeof buf);
}

int
mocker_exec_heavy (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  (void) ctx;
  (void) argc;
  const char *heavy = mocker_heavy_path ();
  fflush (NULL);
  char **args = mocker_heavy_argv;
  args[0] = (char *) heavy;
  execv (heavy, args);
  return mk_error_set (err, errno, "`%s` needs mocker-heavy: exec `%s` (set MOCKER_HEAVY?)",
                       argv[0], heavy);
}
