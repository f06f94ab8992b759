#include "mocker-runtime/commands.h"

#include <limits.h>
#include <string.h>

#include "common/util.h"

void
cli_reset (void)
{
  optind = 0; /* glibc: a full re-initialisation */
  opterr = 0;
}

int
cli_option_error (const char *cmd, int c, char **argv, mk_error **err)
{
  const char *arg = getopt_failed_arg (argv);
  if (c == ':')
    return mk_error_set (err, 0, "%s: option `%s` needs a value", cmd, arg);
  if (optopt && !str_has_prefix (arg, "--"))
    return mk_error_set (err, 0, "%s: unknown option `-%c`", cmd, optopt);
  return mk_error_set (err, 0, "%s: unknown option `%s`", cmd, arg);
}

int
cli_args (const char *cmd, int argc, char **argv, int min, int max, const char *usage,
          mk_error **err)
{
  (void) argv;
  int n = argc - optind;
  if (n < min)
    return mk_error_set (err, 0, "%s: missing argument; usage: %s", cmd, usage);
  if (n > max)
    return mk_error_set (err, 0, "%s: too many arguments; usage: %s", cmd, usage);
  return n;
}

int
cli_parse_int (const char *what, const char *s, int *out, mk_error **err)
{
  long long v;
  if (!parse_int64 (s, &v) || v < 0 || v > INT_MAX)
    return mk_error_set (err, 0, "%s: invalid number `%s`", what, s);
  *out = (int) v;
  return 0;
}
