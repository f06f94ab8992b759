/* mocker ps [-a] [-q] [-s] [-n N] [-l] [--no-trunc] [-f KEY=VALUE]
 * [--format TEMPLATE]: Docker's container list. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/filter.h"
#include "mocker/container/list_index.h"
#include "mocker/container/size.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/ui/filter.h"
#include "mocker/ui/format.h"
#include "mocker/ui/formatter.h"
#include "mocker/ui/table.h"

static const char usage[] =
  "Usage: mocker ps [OPTIONS]\n"
  "\n"
  "List containers (running ones unless -a).\n"
  "\n"
  "Options:\n"
  "  -a, --all             show every container\n"
  "  -f, --filter KEY=VAL  only matching containers: status, name, id, ancestor,\n"
  "                        label, exited, network, volume (repeatable)\n"
  "      --format TMPL     Go template (`table TMPL` for columns, `json`)\n"
  "  -n, --last N          the N last created containers (all states)\n"
  "  -l, --latest          the last created container (all states)\n"
  "      --no-trunc        do not truncate IDs and commands\n"
  "  -q, --quiet           only container IDs\n"
  "  -s, --size            show the containers' disk use\n"
  "  -h, --help            print this help\n";

static const char default_table[] =
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

/* Docker's FullHeader of a ps row. */
static const char headers[] =
  "{\"Command\":\"COMMAND\",\"CreatedAt\":\"CREATED AT\",\"ID\":\"CONTAINER ID\","
  "\"Image\":\"IMAGE\",\"Labels\":\"LABELS\",\"LocalVolumes\":\"LOCAL VOLUMES\","
  "\"Mounts\":\"MOUNTS\",\"Names\":\"NAMES\",\"Networks\":\"NETWORKS\",\"Ports\":\"PORTS\","
  "\"RunningFor\":\"CREATED\",\"Size\":\"SIZE\",\"State\":\"STATE\",\"Status\":\"STATUS\"}";

static const char *const filter_keys[] = {
  "status", "name", "id", "ancestor", "label", "exited", "network", "volume", NULL,
};

/* Docker's COMMAND: quoted, at most 20 characters with an ellipsis. */
static char *
command_cell (const struct container *c, bool no_trunc)
{
  _cleanup_free_ char *cmd = ctr_command_line (c);
  if (!no_trunc && strlen (cmd) > 20)
    {
      /* cut on a UTF-8 boundary */
      size_t cut = 19;
      while (cut > 0 && ((unsigned char) cmd[cut] & 0xC0) == 0x80)
        cut--;
      cmd[cut] = '\0';
      return xasprintf ("\"%s…\"", cmd);
    }
  return xasprintf ("\"%s\"", cmd);
}

static char *
ports_cell (const struct container *c, bool running)
{
  struct port_map *ports = NULL;
  size_t n = 0;
  _cleanup_error_ mk_error *e = NULL;
  char *out = xstrdup ("");
  if (!running || ctr_ports (c, &ports, &n, &e) < 0)
    return out;
  for (size_t i = 0; i < n; i++)
    {
      char buf[64];
      port_map_format (&ports[i], buf, sizeof buf);
      char *next = xasprintf ("%s%s%s", out, *out ? ", " : "", buf);
      free (out);
      out = next;
    }
  free (ports);
  return out;
}

/* Docker's SIZE: "12.3kB (virtual 7.8MB)": the writable layer, and with
 * the image's layers. */
static char *
size_cell (struct store *s, const struct container *c)
{
  _cleanup_free_ char *upper = xasprintf ("%s/upper", c->dir);
  long long rw = ctr_dir_size (upper);
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_error_ mk_error *e = NULL;
  long long image = 0;
  if (ctr_image (c) && store_image_load (s, ctr_image (c), &img, &e) == 0)
    image = img->size;
  _cleanup_free_ char *srw = ui_format_size ((double) rw);
  if (rw + image <= 0)
    return STEAL (srw);
  _cleanup_free_ char *sv = ui_format_size ((double) (rw + image));
  return xasprintf ("%s (virtual %s)", srw, sv);
}

/* Docker's Ellipsis: at most n code points, the last one an ellipsis. */
static void
add_ellipsized (char **list, const char *s, size_t n)
{
  size_t cps = 0, cut = 0;
  for (size_t i = 0; s[i]; i++)
    if (((unsigned char) s[i] & 0xC0) != 0x80 && ++cps == n)
      cut = i;
  _cleanup_free_ char *name = cps > n ? xasprintf ("%.*s…", (int) cut, s) : xstrdup (s);
  char *next = xasprintf ("%s%s%s", *list, **list ? "," : "", name);
  free (*list);
  *list = next;
}

/* A ps row as Docker's ContainerContext marshals it (keys sorted). */
static yajl_val
row_json (struct store *s, const struct container *ct, enum ctr_live live, bool no_trunc,
          bool want_size, time_t now, mk_error **err)
{
  _cleanup_free_ char *id = no_trunc ? xstrdup (ct->id) : xstrndup (ct->id, 12);
  time_t created = ctr_time_parse (json_get_str (ct->record, "created"));
  char created_at[64];
  ui_format_go_time (created, created_at, sizeof created_at);
  _cleanup_free_ char *ago = ui_format_ago (created, now);
  const char *state = ctr_state_string (ct, live);
  _cleanup_free_ char *status = ctr_status_text (ct, live, state, now);
  _cleanup_free_ char *cmd = command_cell (ct, no_trunc);
  _cleanup_free_ char *ports = ports_cell (ct, live == LIVE_RUNNING);
  _cleanup_free_ char *size = want_size ? size_cell (s, ct) : xstrdup ("0B");
  _cleanup_free_ char *labels
    = ui_format_labels (json_get (json_get (ct->record, "config"), "Labels"));
  /* Docker's Mounts: volume names, else sources (not tmpfs: no source) */
  _cleanup_free_ char *mounts = xstrdup ("");
  int volumes = 0;
  struct ctr_mount_view *mv;
  size_t n_mv = ctr_mount_views (ct, &mv);
  for (size_t i = 0; i < n_mv; i++)
    {
      volumes += strcmp (mv[i].type, "volume") == 0;
      const char *shown = mv[i].name[0] ? mv[i].name : mv[i].source;
      if (*shown)
        add_ellipsized (&mounts, shown, no_trunc ? (size_t) -1 : 15);
    }
  ctr_mount_views_free (mv, n_mv);
  char nvol[16];
  snprintf (nvol, sizeof nvol, "%d", volumes);
  const char *net = ctr_str (ct, "host_config", "NetworkMode");

  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Command", cmd);
  json_kv_str (g, "CreatedAt", created_at);
  json_kv_str (g, "ID", id);
  json_kv_str (g, "Image", ctr_image_ref (ct) ? ctr_image_ref (ct) : "");
  json_kv_str (g, "Labels", labels);
  json_kv_str (g, "LocalVolumes", nvol);
  json_kv_str (g, "Mounts", mounts);
  json_kv_str (g, "Names", ct->name);
  json_kv_str (g, "Networks", net ? net : "default");
  json_kv_str (g, "Ports", ports);
  json_kv_str (g, "RunningFor", ago);
  json_kv_str (g, "Size", size);
  json_kv_str (g, "State", state);
  json_kv_str (g, "Status", status);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "ps row", &v, err) < 0)
    return NULL;
  return v;
}

/* Docker's {{.Label "key"}}: the value of one of the row's labels ("" when
 * absent); its header is the key's last dot-separated part, `-` and `_`
 * as spaces, in upper case. opaque: the row's container, set per row. */
static char *
label_method (const char *const *args, size_t n, bool header, void *opaque, mk_error **err)
{
  const struct container *const *ct = opaque;
  if (n != 1)
    return mk_error_set (err, 0, "wrong number of args for Label: want 1 got %zu", n), NULL;
  if (header)
    {
      const char *dot = strrchr (args[0], '.');
      char *h = xstrdup (dot ? dot + 1 : args[0]);
      for (char *p = h; *p; p++)
        *p = *p == '-' || *p == '_' ? ' ' : (char) toupper ((unsigned char) *p);
      return h;
    }
  const char *v = *ct ? json_get_str (json_get (json_get ((*ct)->record, "config"), "Labels"),
                                      args[0])
                      : NULL;
  return xstrdup (v ? v : "");
}

struct ps_opts
{
  bool all, quiet, no_trunc, size;
  long last; /* -1: no limit */
  const char *format;
  struct ui_filter filter;
};

static int
parse_opts (int argc, char **argv, struct ps_opts *o, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },      { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' }, { "format", required_argument, NULL, 'F' },
    { "filter", required_argument, NULL, 'f' }, { "last", required_argument, NULL, 'n' },
    { "latest", no_argument, NULL, 'l' },   { "size", no_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },     { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "aqf:n:lsh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': o->all = true; break;
      case 'q': o->quiet = true; break;
      case 'T': o->no_trunc = true; break;
      case 's': o->size = true; break;
      case 'l': o->last = 1; break;
      case 'F': o->format = optarg; break;
      case 'n':
        {
          long long v;
          if (!parse_int64 (optarg, &v) || v < -1 || v > 1000000000)
            return mocker_flag_error (err, "ps", "--last: invalid number `%s`", optarg);
          o->last = (long) v;
          break;
        }
      case 'f':
        if (ui_filter_add (&o->filter, "ps", optarg, filter_keys, err) < 0)
          return -1;
        break;
      case 'h': return 1;
      default: return mocker_option_error (err, "ps", "aqf:n:lsh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "ps", "no arguments expected");
  return 0;
}

int
cmd_ps (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  struct ps_opts o = { .last = -1 };
  const struct container *current = NULL; /* the row's, for label_method */
  int r = parse_opts (argc, argv, &o, err);
  if (r != 0)
    {
      ui_filter_clear (&o.filter);
      return r > 0 ? mocker_print_usage (usage) : -1;
    }
  _cleanup_ui_formatter_ struct ui_formatter *fmt = NULL;
  if (o.format && *o.format && !o.quiet)
    {
      fmt = ui_formatter_new (o.format, o.size ? "table {{.ID}}\t{{.Image}}\t{{.Command}}\t"
                                                 "{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t"
                                                 "{{.Names}}\t{{.Size}}"
                                               : default_table,
                              headers, err);
      if (fmt == NULL)
        {
          ui_filter_clear (&o.filter);
          return -1;
        }
      ui_formatter_add_method (fmt, "Label", label_method, &current);
      /* Docker computes sizes when the template asks for them */
      o.size |= ui_formatter_uses (fmt, "Size");
    }
  struct store *s = mocker_store (ctx, err);
  struct ctr_filter *cf = s ? ctr_filter_new (s, &o.filter, err) : NULL;
  ui_filter_clear (&o.filter);
  if (cf == NULL)
    return -1;
  struct container **list;
  size_t n;
  if (ctr_list_indexed (s, &list, &n, err) < 0)
    {
      ctr_filter_free (cf);
      return -1;
    }
  /* a status filter, -n and -l look at stopped containers too (Docker) */
  bool all = o.all || o.last > 0 || ctr_filter_wants_all (cf);
  time_t now = time (NULL);
  _cleanup_ui_table_ struct ui_table *t = NULL;
  if (!o.quiet && !fmt)
    {
      t = ui_table_new (o.size ? 8 : 7);
      ui_table_addv (t, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES",
                     "SIZE");
    }
  int ret = 0;
  long shown = 0;
  for (size_t i = 0; i < n && (o.last <= 0 || shown < o.last); i++)
    {
      struct container *ct = list[i];
      enum ctr_live live = ctr_live_status (ct);
      if (!all && !ctr_counts_running (ct, live))
        continue;
      if (!ctr_filter_match (cf, ct, live))
        continue;
      shown++;
      _cleanup_free_ char *id = o.no_trunc ? xstrdup (ct->id) : xstrndup (ct->id, 12);
      if (o.quiet)
        {
          printf ("%s\n", id);
          continue;
        }
      if (fmt)
        {
          current = ct;
          yajl_val row = row_json (s, ct, live, o.no_trunc, o.size, now, err);
          if (row == NULL || ui_formatter_row (fmt, row, err) < 0)
            {
              yajl_tree_free (row);
              ret = -1;
              break;
            }
          yajl_tree_free (row);
          continue;
        }
      time_t created = ctr_time_parse (json_get_str (ct->record, "created"));
      _cleanup_free_ char *ago = ui_format_ago (created, now);
      _cleanup_free_ char *status = ctr_status_text (ct, live, ctr_state_string (ct, live), now);
      _cleanup_free_ char *cmd = command_cell (ct, o.no_trunc);
      _cleanup_free_ char *ports = ports_cell (ct, live == LIVE_RUNNING);
      _cleanup_free_ char *size = o.size ? size_cell (s, ct) : NULL;
      ui_table_addv (t, id, ctr_image_ref (ct), cmd, ago, status, ports, ct->name, size);
    }
  if (t)
    ui_table_print (t, stdout);
  if (fmt && ret == 0)
    ui_formatter_finish (fmt, stdout);
  ctr_list_free (list, n);
  ctr_filter_free (cf);
  return ret;
}
