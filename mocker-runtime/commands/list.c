/* list [-q|--quiet] [-f|--format table|json]: every container under --root. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state.h"

struct entry
{
  struct rt_state *st;
  const char *status;
};

static int
compare_entries (const void *a, const void *b)
{
  return strcmp (((const struct entry *) a)->st->id, ((const struct entry *) b)->st->id);
}

/* Loads the complete containers, sorted by id. */
static int
load_all (const char *root, struct entry **out, size_t *n, mk_error **err)
{
  *out = NULL;
  *n = 0;
  _cleanup_closedir_ DIR *d = opendir (root);
  if (d == NULL)
    return errno == ENOENT ? 0 : mk_error_set (err, errno, "open `%s`", root);
  struct dirent *de;
  size_t cap = 0;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue; /* ".", "..", and the temp dirs of creates in progress */
      struct rt_state *st = NULL;
      mk_error *ignored = NULL;
      if (state_load (root, de->d_name, &st, &ignored) < 0)
        {
          mk_error_free (&ignored); /* not a container (or a half-made one) */
          continue;
        }
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 16;
          *out = xrealloc (*out, cap * sizeof **out);
        }
      (*out)[(*n)++] = (struct entry) { st, rt_status_name (state_status (root, st)) };
    }
  if (*n)
    qsort (*out, *n, sizeof **out, compare_entries);
  return 0;
}

static void
print_table (const struct entry *e, size_t n)
{
  int w_id = 2, w_pid = 3, w_status = 6, w_bundle = 6, w_created = 7;
  char pid[32];
  for (size_t i = 0; i < n; i++)
    {
      int l;
      if ((l = (int) strlen (e[i].st->id)) > w_id) w_id = l;
      if ((l = (int) strlen (e[i].status)) > w_status) w_status = l;
      if ((l = (int) strlen (e[i].st->bundle)) > w_bundle) w_bundle = l;
      if ((l = (int) strlen (e[i].st->created)) > w_created) w_created = l;
      if ((l = snprintf (pid, sizeof pid, "%d", (int) e[i].st->pid)) > w_pid) w_pid = l;
    }
  printf ("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", w_id, "ID", w_pid, "PID", w_status,
          "STATUS", w_bundle, "BUNDLE", w_created, "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    {
      bool stopped = strcmp (e[i].status, "stopped") == 0;
      printf ("%-*s   %-*d   %-*s   %-*s   %-*s   %s\n", w_id, e[i].st->id, w_pid,
              stopped ? 0 : (int) e[i].st->pid, w_status, e[i].status, w_bundle,
              e[i].st->bundle, w_created, e[i].st->created, e[i].st->owner ? e[i].st->owner : "");
    }
}

int
cmd_list (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false, json = false;
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":qf:", opts, NULL)) != -1)
    {
      if (c == 'q')
        quiet = true;
      else if (c == 'f' && strcmp (optarg, "json") == 0)
        json = true;
      else if (c == 'f' && strcmp (optarg, "table") == 0)
        json = false;
      else if (c == 'f')
        return mk_error_set (err, 0, "list: invalid format `%s` (table or json)", optarg);
      else
        return cli_option_error ("list", c, argv, err);
    }
  if (cli_args ("list", argc, argv, 0, 0, "list [-q] [--format table|json]", err) < 0)
    return -1;

  struct entry *e;
  size_t n;
  if (load_all (g->root, &e, &n, err) < 0)
    return -1;
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", e[i].st->id);
  else if (json)
    {
      json_gen *gen = json_gen_new (false);
      json_arr_open (gen);
      for (size_t i = 0; i < n; i++)
        state_gen_json (gen, e[i].st, e[i].status);
      json_arr_close (gen);
      _cleanup_free_ char *text = json_gen_finish (gen, NULL);
      printf ("%s\n", text);
    }
  else
    print_table (e, n);
  for (size_t i = 0; i < n; i++)
    rt_state_free (e[i].st);
  free (e);
  return 0;
}
