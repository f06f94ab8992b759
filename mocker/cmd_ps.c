/* mocker ps [-a] [-q] [--no-trunc] [--format json] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/ui/format.h"
#include "mocker/ui/table.h"

static const char usage[] =
  "Usage: mocker ps [OPTIONS]\n"
  "\n"
  "List containers (running ones unless -a).\n"
  "\n"
  "Options:\n"
  "  -a, --all             show every container\n"
  "  -q, --quiet           only container IDs\n"
  "      --no-trunc        do not truncate IDs and commands\n"
  "      --format json     one JSON object per line\n"
  "  -h, --help            print this help\n";

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

int
cmd_ps (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },      { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'n' }, { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },     { NULL, 0, NULL, 0 },
  };
  bool all = false, quiet = false, no_trunc = false, json = false;
  int c;
  while ((c = getopt_long (argc, argv, "aqh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'q': quiet = true; break;
      case 'n': no_trunc = true; break;
      case 'f':
        if (strcmp (optarg, "json") != 0 && strcmp (optarg, "{{json .}}") != 0)
          return mocker_flag_error (err, "ps", "--format: only `json` is supported");
        json = true;
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "ps", "aqh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "ps", "no arguments expected");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct container **list;
  size_t n;
  if (ctr_list (s, &list, &n, err) < 0)
    return -1;
  time_t now = time (NULL);
  _cleanup_ui_table_ struct ui_table *t = NULL;
  if (!quiet && !json)
    {
      t = ui_table_new (7);
      ui_table_addv (t, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
    }
  for (size_t i = 0; i < n; i++)
    {
      struct container *ct = list[i];
      enum ctr_live live = ctr_live_status (ct);
      if (!all && live != LIVE_RUNNING)
        continue;
      _cleanup_free_ char *id = no_trunc ? xstrdup (ct->id) : xstrndup (ct->id, 12);
      if (quiet)
        {
          printf ("%s\n", id);
          continue;
        }
      time_t created = ctr_time_parse (json_get_str (ct->record, "created"));
      _cleanup_free_ char *ago = ui_format_ago (created, now);
      _cleanup_free_ char *status = ctr_status_text (ct, now);
      _cleanup_free_ char *cmd = command_cell (ct, no_trunc);
      _cleanup_free_ char *ports = ports_cell (ct, live == LIVE_RUNNING);
      if (json)
        {
          json_gen *g = json_gen_new (false);
          json_obj_open (g);
          json_kv_str (g, "Command", cmd);
          json_kv_str (g, "CreatedAt", json_get_str (ct->record, "created"));
          json_kv_str (g, "ID", id);
          json_kv_str (g, "Image", ctr_image_ref (ct));
          json_kv_str (g, "Names", ct->name);
          json_kv_str (g, "Networks", ctr_str (ct, "host_config", "NetworkMode"));
          json_kv_str (g, "Ports", ports);
          json_kv_str (g, "RunningFor", ago);
          json_kv_str (g, "State", ctr_live_name (live));
          json_kv_str (g, "Status", status);
          json_obj_close (g);
          _cleanup_free_ char *text = json_gen_finish (g, NULL);
          printf ("%s\n", text);
          continue;
        }
      ui_table_addv (t, id, ctr_image_ref (ct), cmd, ago, status, ports, ct->name);
    }
  if (t)
    ui_table_print (t, stdout);
  ctr_list_free (list, n);
  return 0;
}
