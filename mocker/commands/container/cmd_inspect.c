/* mocker inspect CONTAINER...: a JSON array in Docker's shape (Id, Name,
 * Created, Path, Args, State, Image, Config, HostConfig, Mounts,
 * NetworkSettings). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/health.h"
#include "mocker/container/networks.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/status.h"
#include "mocker/commands/image/image_inspect.h"
#include "mocker/mocker.h"
#include "mocker/template/template.h"

static const char usage[] =
  "Usage: mocker inspect [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Print details of containers as a JSON array.\n"
  "\n"
  "Options:\n"
  "  -f, --format TMPL   Go template run on each container's object\n"
  "                      (`{{.State.Status}}`, `{{json .Config}}`)\n"
  "  -h, --help          print this help\n";

static void
kv_tree (json_gen *g, const char *key, yajl_val v)
{
  json_key (g, key);
  if (v)
    json_tree (g, v);
  else
    json_null (g);
}

static void
gen_state (json_gen *g, const struct container *c)
{
  enum ctr_live live = ctr_live_status (c);
  const struct ctr_state *st = &c->state;
  json_key (g, "State");
  json_obj_open (g);
  bool restarting = ctr_restarting (c, live);
  json_kv_str (g, "Status", ctr_state_string (c, live));
  /* Docker: a restarting container counts as running */
  json_kv_bool (g, "Running", live == LIVE_RUNNING || restarting);
  json_kv_bool (g, "Paused", live == LIVE_RUNNING && ctr_paused (c));
  json_kv_bool (g, "Restarting", restarting);
  json_kv_bool (g, "OOMKilled", st->oom_killed);
  json_kv_bool (g, "Dead", false);
  json_kv_int (g, "Pid", live == LIVE_RUNNING ? st->pid : 0);
  json_kv_int (g, "ExitCode", live == LIVE_RUNNING ? 0
                              : st->status == CTR_RUNNING ? 137 : st->exit_code);
  json_kv_str (g, "Error", st->error);
  json_kv_str (g, "StartedAt", *st->started_at ? st->started_at : "0001-01-01T00:00:00Z");
  json_kv_str (g, "FinishedAt", *st->finished_at ? st->finished_at : "0001-01-01T00:00:00Z");
  _cleanup_json_ yajl_val health = ctr_health (c); /* --health-cmd, HEALTHCHECK */
  if (health)
    kv_tree (g, "Health", health);
  json_obj_close (g);
}

/* Docker's Mounts from the record's "mounts" (every data mount). */
static void
gen_data_mounts (json_gen *g, yajl_val mounts)
{
  json_key (g, "Mounts");
  json_arr_open (g);
  for (size_t i = 0; i < mounts->u.array.len; i++)
    {
      yajl_val m = mounts->u.array.values[i];
      const char *type = json_get_str (m, "Type");
      bool rw = !YAJL_IS_FALSE (json_get (m, "RW"));
      bool vol = type && strcmp (type, "volume") == 0;
      json_obj_open (g);
      json_kv_str (g, "Type", type);
      if (vol)
        json_kv_str (g, "Name", json_get_str (m, "Name"));
      json_kv_str (g, "Source", json_get_str (m, "Source"));
      json_kv_str (g, "Destination", json_get_str (m, "Destination"));
      if (vol)
        json_kv_str (g, "Driver", "local");
      json_kv_str (g, "Mode", rw ? "" : "ro");
      json_kv_bool (g, "RW", rw);
      json_kv_str (g, "Propagation", type && strcmp (type, "bind") == 0 ? "rprivate" : "");
      json_obj_close (g);
    }
  json_arr_close (g);
}

static void
gen_mounts (json_gen *g, const struct container *c)
{
  yajl_val mounts = json_get (c->record, "mounts");
  if (mounts && YAJL_IS_ARRAY (mounts))
    {
      gen_data_mounts (g, mounts);
      return;
    }
  /* A record from before "mounts": its -v binds. */
  yajl_val binds = json_get (json_get (c->record, "host_config"), "Binds");
  json_key (g, "Mounts");
  json_arr_open (g);
  for (size_t i = 0; binds && YAJL_IS_ARRAY (binds) && i < binds->u.array.len; i++)
    {
      const char *b = YAJL_GET_STRING (binds->u.array.values[i]);
      if (b == NULL)
        continue;
      _cleanup_free_ char *copy = xstrdup (b);
      char *dst = strchr (copy, ':');
      if (dst == NULL)
        continue;
      *dst++ = '\0';
      char *mode = strchr (dst, ':');
      if (mode)
        *mode++ = '\0';
      json_obj_open (g);
      json_kv_str (g, "Type", "bind");
      json_kv_str (g, "Source", copy);
      json_kv_str (g, "Destination", dst);
      json_kv_str (g, "Mode", mode ? mode : "");
      json_kv_bool (g, "RW", !(mode && strcmp (mode, "ro") == 0));
      json_kv_str (g, "Propagation", "rprivate");
      json_obj_close (g);
    }
  json_arr_close (g);
}

/* Docker's port map: {"80/tcp": [{"HostIp", "HostPort"}, ...]}, every
 * binding of a container port in one array (-p 18081:80 -p 18082:80 gives
 * two), in the order given.  any_ip: the HostIp of a port bound on every
 * address ("0.0.0.0" in NetworkSettings, "" in HostConfig, as Docker). */
static void
gen_port_map (json_gen *g, const struct port_map *ports, size_t n, const char *any_ip)
{
  json_obj_open (g);
  for (size_t i = 0; i < n; i++)
    {
      bool seen = false;
      for (size_t j = 0; j < i && !seen; j++)
        seen = ports[j].container_port == ports[i].container_port
               && strcmp (ports[j].proto, ports[i].proto) == 0;
      if (seen)
        continue; /* listed with the first binding of its port */
      char key[16];
      snprintf (key, sizeof key, "%u/%s", ports[i].container_port, ports[i].proto);
      json_key (g, key);
      json_arr_open (g);
      for (size_t j = i; j < n; j++)
        {
          if (ports[j].container_port != ports[i].container_port
              || strcmp (ports[j].proto, ports[i].proto) != 0)
            continue;
          char hp[8];
          snprintf (hp, sizeof hp, "%u", ports[j].host_port);
          json_obj_open (g);
          json_kv_str (g, "HostIp", ports[j].host_ip[0] ? ports[j].host_ip : any_ip);
          json_kv_str (g, "HostPort", hp);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  json_obj_close (g);
}

/* The record's host_config with PortBindings from its ports. */
static void
gen_host_config (json_gen *g, const struct container *c, const struct port_map *ports, size_t n)
{
  yajl_val hc = json_get (c->record, "host_config");
  json_key (g, "HostConfig");
  json_obj_open (g);
  for (size_t i = 0; hc && YAJL_IS_OBJECT (hc) && i < hc->u.object.len; i++)
    {
      if (strcmp (hc->u.object.keys[i], "PortBindings") == 0)
        continue;
      json_key (g, hc->u.object.keys[i]);
      json_tree (g, hc->u.object.values[i]);
    }
  json_key (g, "PortBindings");
  gen_port_map (g, ports, n, "");
  json_obj_close (g);
}

static void
gen_network (json_gen *g, struct store *s, const struct container *c,
             const struct port_map *ports, size_t n)
{
  bool running = ctr_live_status (c) == LIVE_RUNNING;
  json_key (g, "NetworkSettings");
  json_obj_open (g);
  json_kv_str (g, "IPAddress", running ? c->state.ip : "");
  json_key (g, "Ports");
  gen_port_map (g, ports, n, "0.0.0.0");
  ctr_gen_networks (g, s, c);
  json_obj_close (g);
}

static void
gen_container (json_gen *g, struct store *s, const struct container *c)
{
  _cleanup_free_ struct port_map *ports = NULL;
  size_t n_ports = 0;
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_ports (c, &ports, &n_ports, &e) < 0)
    n_ports = 0;
  json_obj_open (g);
  json_kv_str (g, "Id", c->id);
  json_kv_str (g, "Created", json_get_str (c->record, "created"));
  json_kv_str (g, "Path", json_get_str (c->record, "path"));
  kv_tree (g, "Args", json_get (c->record, "args"));
  gen_state (g, c);
  json_kv_str (g, "Image", ctr_image (c));
  _cleanup_free_ char *name = xasprintf ("/%s", c->name);
  json_kv_str (g, "Name", name);
  _cleanup_free_ char *log = xasprintf ("%s/container.log", c->dir);
  json_kv_str (g, "LogPath", log);
  json_kv_int (g, "RestartCount", c->state.restart_count);
  json_kv_str (g, "Driver", "overlay");
  gen_host_config (g, c, ports, n_ports);
  json_key (g, "GraphDriver");
  json_obj_open (g);
  json_kv_str (g, "Name", "overlay");
  json_key (g, "Data");
  json_obj_open (g);
  _cleanup_free_ char *upper = xasprintf ("%s/upper", c->dir);
  _cleanup_free_ char *merged = xasprintf ("%s/bundle/rootfs", c->dir);
  _cleanup_free_ char *work = xasprintf ("%s/work", c->dir);
  json_kv_str (g, "UpperDir", upper);
  json_kv_str (g, "MergedDir", merged);
  json_kv_str (g, "WorkDir", work);
  json_obj_close (g);
  json_obj_close (g);
  gen_mounts (g, c);
  kv_tree (g, "Config", json_get (c->record, "config"));
  gen_network (g, s, c, ports, n_ports);
  json_obj_close (g);
}

/* Docker's inspect --format: the template on each container's object, a
 * line each; `\t` and `\n` typed literally become a tab and a newline. */
static struct tmpl *
parse_format (const char *format, mk_error **err)
{
  _cleanup_free_ char *text = xstrdup (format);
  size_t o = 0;
  for (size_t i = 0; text[i]; i++)
    {
      if (text[i] == '\\' && (text[i + 1] == 't' || text[i + 1] == 'n'))
        {
          text[o++] = text[++i] == 't' ? '\t' : '\n';
          continue;
        }
      text[o++] = text[i];
    }
  text[o] = '\0';
  struct tmpl *t = tmpl_parse (text, err);
  if (t == NULL)
    mocker_bad_option ();
  return t;
}

/* The template on the object g holds (g is freed). */
static int
print_formatted (struct tmpl *t, json_gen *g, mk_error **err)
{
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse (text, len, "inspect", &v, err) < 0 || tmpl_exec_file (t, v, stdout, err) < 0)
    return mocker_bad_option ();
  fputc ('\n', stdout);
  return 0;
}

int
cmd_inspect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "inspect", "f:h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "inspect", "at least one CONTAINER is required");
  /* "json" is the default output, as in Docker */
  _cleanup_tmpl_ struct tmpl *t = NULL;
  if (format && *format && strcmp (format, "json") != 0
      && (t = parse_format (format, err)) == NULL)
    return -1;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  json_gen *g = t ? NULL : json_gen_new (true);
  if (g)
    json_arr_open (g);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_container_ struct container *ct = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (ctr_find (s, argv[i], &ct, &e) < 0)
        {
          /* No container by that name: an image (as docker inspect). */
          _cleanup_error_ mk_error *ie = NULL;
          json_gen *ig = t ? json_gen_new (false) : g;
          if (mk_error_errno (e) == ENOENT && image_inspect_json (s, argv[i], ig, &ie) == 0)
            {
              if (t && print_formatted (t, ig, err) < 0)
                return -1;
              continue;
            }
          if (t)
            json_gen_free (ig);
          fprintf (stderr, "mocker: %s\n", e->msg);
          failed = 1;
          continue;
        }
      if (t)
        {
          json_gen *cg = json_gen_new (false);
          gen_container (cg, s, ct);
          if (print_formatted (t, cg, err) < 0)
            return -1;
          continue;
        }
      gen_container (g, s, ct);
    }
  if (g)
    {
      json_arr_close (g);
      _cleanup_free_ char *text = json_gen_finish (g, NULL);
      printf ("%s\n", text);
    }
  return failed;
}
