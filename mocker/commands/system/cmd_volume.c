/* mocker volume create|ls|inspect|rm|prune: volumes in the store
 * (mocker/volume/volume.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/state.h"
#include "mocker/mocker.h"
#include "mocker/ui/confirm.h"
#include "mocker/ui/filter.h"
#include "mocker/ui/formatter.h"
#include "mocker/volume/list.h"
#include "mocker/volume/volume.h"

static const char usage[] =
  "Usage: mocker volume COMMAND\n"
  "\n"
  "Manage volumes (kept in the store, under volumes/NAME/_data).\n"
  "\n"
  "Commands:\n"
  "  create [--label KEY=VALUE] [-d local] [NAME]   create a volume (a random name without NAME)\n"
  "  ls [-q] [-f KEY=VALUE] [--format T]            list volumes\n"
  "  inspect VOLUME...                              show volumes as JSON\n"
  "  rm [-f] VOLUME...                              remove volumes no container uses\n"
  "  prune [-a] [-f]                                remove unused anonymous volumes (-a: all unused)\n"
  "\n"
  "Options:\n"
  "      --label KEY=VALUE   (create) set a label\n"
  "  -d, --driver NAME       (create) the driver: only local\n"
  "  -q, --quiet             (ls) names only\n"
  "  -f, --filter KEY=VALUE  (ls) only matching volumes: name, label, dangling,\n"
  "                          driver (repeatable)\n"
  "      --format TMPL       (ls) Go template (`table TMPL` for columns, `json`)\n"
  "  -f, --force             (rm) no error for a missing volume; (prune) do not ask\n"
  "  -a, --all               (prune) every unused volume, not only anonymous ones\n"
  "      --help              print this help\n";

enum { OPT_LABEL = 256, OPT_HELP, OPT_FORMAT, OPT_FILTER };

static const struct option opts[] = {
  { "label", required_argument, NULL, OPT_LABEL }, { "driver", required_argument, NULL, 'd' },
  { "quiet", no_argument, NULL, 'q' },             { "force", no_argument, NULL, 'f' },
  { "all", no_argument, NULL, 'a' },               { "help", no_argument, NULL, OPT_HELP },
  { "format", required_argument, NULL, OPT_FORMAT }, { "filter", required_argument, NULL, OPT_FILTER },
  { NULL, 0, NULL, 0 },
};

struct volume_args
{
  char **labels;
  bool quiet, force, all;
  const char *format;
  struct ui_filter filter;
};

/* Options of every subcommand; those that do not apply are refused. */
static int
parse (int argc, char **argv, const char *sub, const char *allowed, struct volume_args *a,
       mk_error **err)
{
  _cleanup_free_ char *cmd = xasprintf ("volume %s", sub);
  /* ls: -f is --filter (Docker); elsewhere --force */
  bool ls = strchr (allowed, 'F') != NULL;
  const char *shorts = ls ? "+qf:" : "+d:qfa";
  int c;
  while ((c = getopt_long (argc, argv, shorts, opts, NULL)) != -1)
    {
      if (c == OPT_HELP)
        return 1;
      if (c == '?' || c == ':')
        return mocker_option_error (err, cmd, shorts, argv);
      if (ls && c == 'f')
        c = OPT_FILTER;
      char key = c == OPT_LABEL ? 'l' : c == OPT_FORMAT ? 'T' : c == OPT_FILTER ? 'F' : (char) c;
      if (strchr (allowed, key) == NULL)
        return mocker_flag_error (err, cmd, "unknown option `%s`", getopt_failed_arg (argv));
      switch (c)
        {
        case OPT_LABEL:
          if (optarg[0] == '=' || optarg[0] == '\0')
            return mocker_flag_error (err, cmd, "invalid label `%s`", optarg);
          strv_push (&a->labels, optarg);
          break;
        case 'd':
          /* Docker: the daemon's error (exit 1), not a flag error */
          if (strcmp (optarg, "local") != 0)
            return mk_error_set (err, 0, "create: volume driver `%s` not found: only local is supported",
                                 optarg);
          break;
        case 'q': a->quiet = true; break;
        case 'f': a->force = true; break;
        case 'a': a->all = true; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_FILTER:
          if (ui_filter_add (&a->filter, cmd, optarg, volume_filter_keys, err) < 0)
            return -1;
          break;
        default: break;
        }
    }
  return 0;
}

static int
volume_create (struct store *s, int argc, char **argv, struct volume_args *a, mk_error **err)
{
  if (argc - optind > 1)
    return mocker_usage_error (err, "volume create", "at most one NAME");
  _cleanup_free_ char *name = optind < argc ? xstrdup (argv[optind]) : volume_random_name ();
  if (!volume_name_valid (name))
    return mk_error_set (err, 0,
                         "create %s: \"%s\" includes invalid characters for a local volume name, "
                         "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed",
                         name, name);
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  bool created;
  if (volume_create_locked (s, name, a->labels, &created, err) < 0)
    return -1;
  printf ("%s\n", name);
  return 0;
}

static int
volume_ls (struct store *s, int argc, char **argv, struct volume_args *a, mk_error **err)
{
  (void) argv;
  if (optind < argc)
    return mocker_usage_error (err, "volume ls", "no arguments expected");
  if (volume_filter_check (&a->filter, err) < 0)
    return -1;
  /* Docker: the default is the table, which -q turns into the names; a
   * template of one's own wins over -q */
  const char *format = a->format && *a->format ? a->format : "table";
  if (a->quiet && strcmp (format, "table") == 0)
    format = "{{.Name}}";
  _cleanup_ui_formatter_ struct ui_formatter *fmt
    = ui_formatter_new (format, VOLUME_LS_TABLE, volume_ls_headers, err);
  if (fmt == NULL)
    return -1;
  /* dangling= reads the volumes' users: under the lock, taken once */
  _cleanup_close_ int lock = -1;
  if (ui_filter_has (&a->filter, "dangling") && (lock = volume_lock (s, err)) < 0)
    return -1;
  _cleanup_strv_ char **names = volume_list (s);
  for (size_t i = 0; names[i]; i++)
    {
      _cleanup_json_ yajl_val row = volume_row (s, names[i], &a->filter);
      if (row == NULL)
        continue;
      if (ui_formatter_row (fmt, row, err) < 0)
        return -1;
    }
  ui_formatter_finish (fmt, stdout);
  return 0;
}

/* "2026-11-22T14:19:26.283371040Z" -> "2026-11-22T14:19:26Z" (Docker's CreatedAt). */
static char *
created_at (const char *t)
{
  if (t == NULL)
    return xstrdup ("");
  const char *dot = strchr (t, '.');
  return dot ? xasprintf ("%.*sZ", (int) (dot - t), t) : xstrdup (t);
}

static int
volume_inspect (struct store *s, int argc, char **argv, struct volume_args *a, mk_error **err)
{
  (void) a;
  if (optind >= argc)
    return mocker_usage_error (err, "volume inspect", "at least one VOLUME is required");
  json_gen *g = json_gen_new (true);
  json_arr_open (g);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_json_ yajl_val meta = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (volume_load (s, argv[i], &meta, &e) < 0)
        {
          fprintf (stderr, "mocker: %s\n", e->msg);
          failed = 1;
          continue;
        }
      _cleanup_free_ char *when = created_at (json_get_str (meta, "created"));
      _cleanup_free_ char *mp = volume_data_dir (s, argv[i]);
      json_obj_open (g);
      json_kv_str (g, "CreatedAt", when);
      json_kv_str (g, "Driver", "local");
      json_key (g, "Labels");
      yajl_val labels = json_get (meta, "labels");
      labels ? json_tree (g, labels) : json_null (g);
      json_kv_str (g, "Mountpoint", mp);
      json_kv_str (g, "Name", argv[i]);
      json_key (g, "Options");
      json_null (g);
      json_kv_str (g, "Scope", "local");
      json_obj_close (g);
    }
  json_arr_close (g);
  _cleanup_free_ char *text = NULL;
  if (json_gen_finish_checked (g, "volume inspect", &text, NULL, err) < 0)
    return -1;
  printf ("%s\n", text);
  return failed;
}

static int
volume_rm (struct store *s, int argc, char **argv, struct volume_args *a, mk_error **err)
{
  if (optind >= argc)
    return mocker_usage_error (err, "volume rm", "at least one VOLUME is required");
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (volume_remove_locked (s, argv[i], &e) < 0)
        {
          if (a->force && mk_error_errno (e) == ENOENT)
            continue;
          fflush (stdout);
          fprintf (stderr, "mocker: %s\n", e->msg);
          failed = 1;
          continue;
        }
      printf ("%s\n", argv[i]);
      fflush (stdout);
    }
  return failed;
}

static int
volume_prune (struct store *s, int argc, char **argv, struct volume_args *a, mk_error **err)
{
  (void) argv;
  if (optind < argc)
    return mocker_usage_error (err, "volume prune", "no arguments expected");
  if (!a->force
      && !ui_confirm (a->all ? "WARNING! This will remove all local volumes not used by at "
                               "least one container."
                             : "WARNING! This will remove anonymous local volumes not used by "
                               "at least one container."))
    return 0;
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  _cleanup_strv_ char **names = volume_list (s);
  bool header = false;
  for (size_t i = 0; names[i]; i++)
    {
      _cleanup_json_ yajl_val meta = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (volume_load (s, names[i], &meta, &e) < 0)
        continue;
      if (!a->all && !volume_is_anonymous (meta))
        continue;
      _cleanup_strv_ char **users = volume_users_locked (s, names[i]);
      if (users[0] || volume_remove_locked (s, names[i], &e) < 0)
        continue;
      if (!header)
        printf ("Deleted Volumes:\n");
      header = true;
      printf ("%s\n", names[i]);
    }
  if (header)
    printf ("\n");
  printf ("Total reclaimed space: 0B\n");
  return 0;
}

int
cmd_volume (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct
  {
    const char *name, *allowed;
    int (*fn) (struct store *, int, char **, struct volume_args *, mk_error **);
  } subs[] = {
    { "create", "ld", volume_create }, { "ls", "qTF", volume_ls }, { "list", "qTF", volume_ls },
    { "inspect", "", volume_inspect }, { "rm", "f", volume_rm }, { "remove", "f", volume_rm },
    { "prune", "af", volume_prune },
  };
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      if (argc < 2)
        return mocker_usage_error (err, "volume", "a COMMAND is required");
      return mocker_print_usage (usage);
    }
  for (size_t i = 0; i < ARRAY_SIZE (subs); i++)
    if (strcmp (argv[1], subs[i].name) == 0)
      {
        struct volume_args a = { 0 };
        optind = 0;
        int r = parse (argc - 1, argv + 1, subs[i].name, subs[i].allowed, &a, err);
        struct store *s = NULL;
        if (r == 0)
          /* optind indexes argv + 1 */
          s = mocker_store (ctx, err);
        if (r == 0 && s != NULL)
          r = subs[i].fn (s, argc - 1, argv + 1, &a, err);
        else if (r == 0)
          r = -1;
        else if (r > 0)
          r = mocker_print_usage (usage);
        strv_free (a.labels);
        ui_filter_clear (&a.filter);
        return r;
      }
  return mocker_usage_error (err, "volume", "unknown command `%s`", argv[1]);
}
