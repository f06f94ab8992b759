/* spec [--rootless] [-b|--bundle DIR]: writes a default config.json. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"
#include "mocker-runtime/commands.h"
#include "spec/spec.h"

static void
drop_namespace (struct spec_linux *l, const char *type)
{
  for (size_t i = 0; l && i < l->n_namespaces; i++)
    if (strcmp (l->namespaces[i].type, type) == 0)
      {
        free (l->namespaces[i].type);
        free (l->namespaces[i].path);
        memmove (&l->namespaces[i], &l->namespaces[i + 1],
                 (l->n_namespaces - i - 1) * sizeof *l->namespaces);
        l->n_namespaces--;
        return;
      }
}

int
cmd_spec (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  (void) g;
  static const struct option opts[] = {
    { "rootless", no_argument, NULL, 'r' },
    { "bundle", required_argument, NULL, 'b' },
    { NULL, 0, NULL, 0 },
  };
  bool rootless = false;
  const char *bundle = ".";
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":b:", opts, NULL)) != -1)
    {
      if (c == 'r')
        rootless = true;
      else if (c == 'b')
        bundle = optarg;
      else
        return cli_option_error ("spec", c, argv, err);
    }
  if (cli_args ("spec", argc, argv, 0, 0, "spec [--rootless] [--bundle DIR]", err) < 0)
    return -1;
  _cleanup_free_ char *path = path_join (bundle, "config.json");
  if (path_exists (path))
    return mk_error_set (err, EEXIST, "spec: `%s` exists, remove it first", path);
  _cleanup_spec_ struct spec *s = spec_new_default (rootless);
  /* A cgroup namespace only where the container's cgroup view is one tree
   * (pure v2), as runc: on v1 and hybrid hosts it hides nothing useful and
   * breaks software expecting the host's hierarchy paths. */
  if (cgroup_host ()->layout != CGROUP_LAYOUT_V2)
    drop_namespace (s->linux_, "cgroup");
  if (spec_write_file (s, path, err) < 0)
    return mk_error_wrap (err, "spec");
  return 0;
}
