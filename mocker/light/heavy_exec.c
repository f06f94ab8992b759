/* The light mocker binary's way to the heavy one: finding mocker-heavy (and
 * mocker-net), and
 * the command-table entry of every heavy command (an execv with the argv
 * main() got, so options, messages and exit codes are mocker-heavy's own). */
#include <errno.h>
#include <libgen.h>
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

/* $ENV, else NAME next to our own binary, else ../libexec/mocker/NAME from it. */
static const char *
find_helper (const char *env, const char *name, char *buf, size_t size)
{
  if (buf[0])
    return buf;
  const char *e = getenv (env);
  if (!str_is_empty (e))
    {
      snprintf (buf, size, "%s", e);
      return buf;
    }
  _cleanup_free_ char *self = xstrdup (ctr_self_path ());
  const char *dir = dirname (self);
  snprintf (buf, size, "%s/%s", dir, name);
  if (access (buf, X_OK) == 0)
    return buf;
  /* installed: $(PREFIX)/bin/mocker and $(PREFIX)/libexec/mocker/NAME */
  snprintf (buf, size, "%s/../libexec/mocker/%s", dir, name);
  return buf;
}

const char *
mocker_heavy_path (void)
{
  static char buf[PATH_MAX];
  return find_helper ("MOCKER_HEAVY", "mocker-heavy", buf, sizeof buf);
}

const char *
mocker_net_path (void)
{
  static char buf[PATH_MAX];
  return find_helper ("MOCKER_NET", "mocker-net", buf, sizeof buf);
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
