/* mocker network create|ls|inspect|rm|prune|connect|disconnect: user-defined
 * networks (mocker/network/netdef.h), as Docker's. docs/networking.md. */
#include "mocker/commands/system/cmd_network.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/networks.h"
#include "mocker/network/netdef.h"
#include "mocker/network/network.h"
#include "mocker/store/store.h"
#include "mocker/ui/confirm.h"
#include "mocker/ui/filter.h"
#include "mocker/ui/formatter.h"

enum { OPT_SUBNET = 256, OPT_GATEWAY, OPT_LABEL, OPT_FORMAT, OPT_NO_TRUNC, OPT_ALIAS, OPT_HELP };

static const struct option opts[] = {
  { "subnet", required_argument, NULL, OPT_SUBNET },
  { "gateway", required_argument, NULL, OPT_GATEWAY },
  { "label", required_argument, NULL, OPT_LABEL },
  { "driver", required_argument, NULL, 'd' },
  { "quiet", no_argument, NULL, 'q' },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "filter", required_argument, NULL, 'f' },
  { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
  { "alias", required_argument, NULL, OPT_ALIAS },
  { "force", no_argument, NULL, 'F' },
  { "help", no_argument, NULL, OPT_HELP },
  { NULL, 0, NULL, 0 },
};

struct net_args
{
  const char *subnet, *gateway, *format;
  char **labels, **aliases;
  bool quiet, no_trunc, force;
  struct ui_filter filter;
};

static void
net_args_clear (struct net_args *a)
{
  strv_free (a->labels);
  strv_free (a->aliases);
  ui_filter_clear (&a->filter);
}
#define _cleanup_net_args_ __attribute__ ((cleanup (net_args_clear)))

static const char *const filter_keys[] = { "driver", "id", "label", "name", "scope", "type", NULL };

/* Options of every subcommand; `allowed` lists those that apply (by their
 * short letter: s subnet, g gateway, l label, d driver, q, o format, f
 * filter, t no-trunc, a alias, F force). 1: --help. */
static int
parse (int argc, char **argv, const char *sub, const char *allowed, struct net_args *a,
       mk_error **err)
{
  _cleanup_free_ char *cmd = xasprintf ("network %s", sub);
  /* -f is --filter for ls, --force for rm, prune and disconnect (Docker's). */
  bool force = strchr (allowed, 'F') != NULL;
  const char *shortopts = force ? "+d:qf" : "+d:qf:";
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'f' && force)
        c = 'F';
      if (c == OPT_HELP)
        return 1;
      if (c == '?' || c == ':')
        return mocker_option_error (err, cmd, shortopts, argv);
      char key = c == OPT_SUBNET ? 's' : c == OPT_GATEWAY ? 'g' : c == OPT_LABEL ? 'l'
                 : c == OPT_FORMAT ? 'o' : c == OPT_NO_TRUNC ? 't' : c == OPT_ALIAS ? 'a'
                 : (char) c;
      if (strchr (allowed, key) == NULL)
        return mocker_flag_error (err, cmd, "unknown option `%s`", getopt_failed_arg (argv));
      switch (c)
        {
        case OPT_SUBNET: a->subnet = optarg; break;
        case OPT_GATEWAY: a->gateway = optarg; break;
        case OPT_LABEL:
          if (optarg[0] == '=' || optarg[0] == '\0')
            return mocker_flag_error (err, cmd, "invalid label `%s`", optarg);
          {
            _cleanup_free_ char *kv = strchr (optarg, '=') ? xstrdup (optarg)
                                                           : xasprintf ("%s=", optarg);
            strv_push (&a->labels, kv);
          }
          break;
        case 'd':
          if (strcmp (optarg, "bridge") != 0)
            return mk_error_set (err, 0, "network driver `%s`: only bridge is supported", optarg);
          break;
        case 'q': a->quiet = true; break;
        case OPT_FORMAT: a->format = optarg; break;
        case 'f':
          if (ui_filter_add (&a->filter, cmd, optarg, filter_keys, err) < 0)
            return -1;
          break;
        case OPT_NO_TRUNC: a->no_trunc = true; break;
        case OPT_ALIAS: strv_push (&a->aliases, optarg); break;
        case 'F': a->force = true; break;
        default: break;
        }
    }
  return 0;
}

/* One network as ls and inspect see it: the definition, or a predefined one. */
struct net_view
{
  struct net_def d;
  bool builtin;
  const char *scope;
};

static void
views_free (struct net_view *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    net_def_clear (&v[i].d);
  free (v);
}

static void
predefined_view (const char *state_dir, const char *name, struct net_view *v)
{
  memset (v, 0, sizeof *v);
  v->builtin = true;
  v->scope = "local";
  snprintf (v->d.name, sizeof v->d.name, "%s", name);
  net_predefined_id (state_dir, name, v->d.id);
  snprintf (v->d.driver, sizeof v->d.driver, "%s",
            strcmp (name, "none") == 0 ? "null" : name);
  if (strcmp (name, "bridge") == 0)
    {
      snprintf (v->d.bridge, sizeof v->d.bridge, "%s", NET_BRIDGE_NAME);
      /* The default bridge's subnet is known once a container used it. */
      _cleanup_free_ char *path = xasprintf ("%s/network/leases.json", state_dir);
      _cleanup_json_ yajl_val root = NULL;
      if (json_parse_file (path, &root, NULL) == 0)
        {
          const char *subnet = json_get_str (root, "subnet");
          if (subnet && strlen (subnet) < sizeof v->d.subnet)
            {
              snprintf (v->d.subnet, sizeof v->d.subnet, "%s", subnet);
              unsigned a, b, c, d;
              if (sscanf (subnet, "%u.%u.%u.%u/", &a, &b, &c, &d) == 4)
                snprintf (v->d.gateway, sizeof v->d.gateway, "%u.%u.%u.%u", a, b, c, d + 1);
            }
        }
    }
}

/* Every network, sorted by name (as Docker's CLI). */
static int
all_views (const char *state_dir, struct net_view **out, size_t *n, mk_error **err)
{
  struct net_def *defs;
  size_t n_defs;
  if (net_def_list (state_dir, &defs, &n_defs, err) < 0)
    return -1;
  struct net_view *v = xzalloc ((n_defs + 3) * sizeof *v);
  size_t len = 0;
  const char *builtin[] = { "bridge", "host", "none" };
  size_t b = 0, u = 0;
  while (b < 3 || u < n_defs)
    {
      if (u >= n_defs || (b < 3 && strcmp (builtin[b], defs[u].name) < 0))
        predefined_view (state_dir, builtin[b++], &v[len++]);
      else
        {
          v[len].d = defs[u++];
          v[len].scope = "local";
          len++;
        }
    }
  free (defs);  /* the labels moved to v */
  *out = v;
  *n = len;
  return 0;
}

static int
find_view (const char *state_dir, const char *ref, struct net_view *out, mk_error **err)
{
  if (net_name_predefined (ref) && strcmp (ref, "default") != 0)
    {
      predefined_view (state_dir, ref, out);
      return 0;
    }
  memset (out, 0, sizeof *out);
  out->scope = "local";
  return net_def_find (state_dir, ref, &out->d, err);
}

/* ---- create ---- */

int
net_cmd_create (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "create", "sgld", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network create [--subnet CIDR] "
                                       "[--gateway IP] [--label KEY=VALUE]... [-d bridge] NAME\n")
                 : -1;
  if (argc - optind != 1)
    return mocker_usage_error (err, "network create", "exactly one NAME is required");
  if (a.gateway && a.subnet == NULL)
    return mk_error_set (err, 0, "--gateway needs --subnet");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct net_def d;
  if (network_create (store_root (s), argv[optind], a.subnet, a.gateway, a.labels, &d, err) < 0)
    return -1;
  printf ("%s\n", d.id);
  net_def_clear (&d);
  return 0;
}

/* ---- ls ---- */

static const char ls_table[] = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
static const char ls_headers[] = "{\"ID\":\"NETWORK ID\",\"Name\":\"NAME\",\"Driver\":\"DRIVER\","
                                 "\"Scope\":\"SCOPE\",\"CreatedAt\":\"CREATED AT\","
                                 "\"Labels\":\"LABELS\",\"IPv6\":\"IPV6\",\"Internal\":\"INTERNAL\"}";

static char *
labels_joined (char *const *labels)
{
  char *out = xstrdup ("");
  for (char *const *l = labels; l && *l; l++)
    {
      char *n = xasprintf ("%s%s%s", out, *out ? "," : "", *l);
      free (out);
      out = n;
    }
  return out;
}

static bool
label_matches (const struct ui_filter *f, char *const *labels)
{
  if (!ui_filter_has (f, "label"))
    return true;
  for (size_t i = 0; i < f->n; i++)
    {
      if (strcmp (f->keys[i], "label") != 0)
        continue;
      bool found = false;
      const char *want = f->values[i];
      for (char *const *l = labels; l && *l && !found; l++)
        found = strchr (want, '=') ? strcmp (*l, want) == 0
                                   : strncmp (*l, want, strlen (want)) == 0
                                       && (*l)[strlen (want)] == '=';
      if (!found)
        return false;
    }
  return true;
}

static bool
view_matches (const struct ui_filter *f, const struct net_view *v)
{
  if (ui_filter_has (f, "id"))
    {
      bool ok = false;
      for (size_t i = 0; i < f->n && !ok; i++)
        ok = strcmp (f->keys[i], "id") == 0
             && strncmp (v->d.id, f->values[i], strlen (f->values[i])) == 0;
      if (!ok)
        return false;
    }
  return ui_filter_match (f, "name", v->d.name) && ui_filter_exact (f, "driver", v->d.driver)
         && ui_filter_exact (f, "scope", v->scope)
         && ui_filter_exact (f, "type", v->builtin ? "builtin" : "custom")
         && label_matches (f, v->d.labels);
}

static yajl_val
view_row (const struct net_view *v, bool no_trunc, mk_error **err)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  char id[65];
  snprintf (id, sizeof id, "%.*s", no_trunc ? 64 : 12, v->d.id);
  json_kv_str (g, "ID", id);
  json_kv_str (g, "Name", v->d.name);
  json_kv_str (g, "Driver", v->d.driver);
  json_kv_str (g, "Scope", v->scope);
  json_kv_str (g, "CreatedAt", v->d.created);
  _cleanup_free_ char *labels = labels_joined (v->d.labels);
  json_kv_str (g, "Labels", labels);
  json_kv_str (g, "IPv6", "false");
  json_kv_str (g, "Internal", "false");
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = NULL;
  if (json_gen_finish_checked (g, "network row", &text, &len, err) < 0)
    return NULL;
  yajl_val row = NULL;
  if (json_parse (text, len, "network row", &row, err) < 0)
    return NULL;
  return row;
}

int
net_cmd_ls (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "ls", "qoft", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network ls [-q] [--no-trunc] "
                                       "[--format FORMAT] [--filter KEY=VALUE]...\n")
                 : -1;
  if (optind < argc)
    return mocker_usage_error (err, "network ls", "no arguments expected");
  _cleanup_ui_formatter_ struct ui_formatter *fmt = NULL;
  if (!a.quiet)
    {
      fmt = ui_formatter_new (a.format && *a.format ? a.format : "table", ls_table, ls_headers,
                              err);
      if (fmt == NULL)
        return -1;
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct net_view *v;
  size_t n;
  if (all_views (store_root (s), &v, &n, err) < 0)
    return -1;
  r = 0;
  for (size_t i = 0; i < n && r == 0; i++)
    {
      if (!view_matches (&a.filter, &v[i]))
        continue;
      if (a.quiet)
        {
          printf ("%.*s\n", a.no_trunc ? 64 : 12, v[i].d.id);
          continue;
        }
      _cleanup_json_ yajl_val row = view_row (&v[i], a.no_trunc, err);
      if (row == NULL || ui_formatter_row (fmt, row, err) < 0)
        r = -1;
    }
  if (r == 0 && fmt)
    ui_formatter_finish (fmt, stdout);
  views_free (v, n);
  return r;
}

/* ---- inspect ---- */

static void
gen_containers (json_gen *g, struct store *s, const char *net_name)
{
  _cleanup_free_ struct net_lease *leases = NULL;
  size_t n = 0;
  _cleanup_error_ mk_error *e = NULL;
  json_key (g, "Containers");
  json_obj_open (g);
  if (network_list (store_root (s), &leases, &n, &e) == 0)
    for (size_t i = 0; i < n; i++)
      {
        if (strcmp (leases[i].network, net_name) != 0)
          continue;
        _cleanup_container_ struct container *c = NULL;
        _cleanup_error_ mk_error *ce = NULL;
        if (ctr_load (s, leases[i].id, &c, &ce) < 0)
          continue;
        json_key (g, leases[i].id);
        json_obj_open (g);
        json_kv_str (g, "Name", c->name);
        json_kv_str (g, "MacAddress", leases[i].mac);
        _cleanup_free_ char *addr = xasprintf ("%s/%d", leases[i].ip, leases[i].prefix_len);
        json_kv_str (g, "IPv4Address", addr);
        json_kv_str (g, "IPv6Address", "");
        json_obj_close (g);
      }
  json_obj_close (g);
}

static void
gen_labels (json_gen *g, char *const *labels)
{
  json_key (g, "Labels");
  json_obj_open (g);
  for (char *const *l = labels; l && *l; l++)
    {
      const char *eq = strchr (*l, '=');
      _cleanup_free_ char *k = eq ? xstrndup (*l, eq - *l) : xstrdup (*l);
      json_key (g, k);
      json_str (g, eq ? eq + 1 : "");
    }
  json_obj_close (g);
}

static void
gen_view (json_gen *g, struct store *s, const struct net_view *v)
{
  json_obj_open (g);
  json_kv_str (g, "Name", v->d.name);
  json_kv_str (g, "Id", v->d.id);
  json_kv_str (g, "Created", v->d.created[0] ? v->d.created : "0001-01-01T00:00:00Z");
  json_kv_str (g, "Scope", v->scope);
  json_kv_str (g, "Driver", v->d.driver);
  json_kv_bool (g, "EnableIPv6", false);
  json_key (g, "IPAM");
  json_obj_open (g);
  json_kv_str (g, "Driver", "default");
  json_key (g, "Options");
  json_obj_open (g);
  json_obj_close (g);
  json_key (g, "Config");
  json_arr_open (g);
  if (v->d.subnet[0])
    {
      json_obj_open (g);
      json_kv_str (g, "Subnet", v->d.subnet);
      json_kv_str (g, "Gateway", v->d.gateway);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_obj_close (g);
  json_kv_bool (g, "Internal", false);
  json_kv_bool (g, "Attachable", false);
  gen_containers (g, s, v->d.name);
  json_key (g, "Options");
  json_obj_open (g);
  if (v->d.bridge[0])
    json_kv_str (g, "com.docker.network.bridge.name", v->d.bridge);
  json_obj_close (g);
  gen_labels (g, v->d.labels);
  json_obj_close (g);
}

int
net_cmd_inspect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "inspect", "", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network inspect NETWORK...\n") : -1;
  if (optind >= argc)
    return mocker_usage_error (err, "network inspect", "at least one NETWORK is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  json_gen *g = json_gen_new (true);
  json_arr_open (g);
  int failed = 0, shown = 0;
  for (int i = optind; i < argc; i++)
    {
      struct net_view v;
      _cleanup_error_ mk_error *e = NULL;
      if (find_view (store_root (s), argv[i], &v, &e) < 0)
        {
          fprintf (stderr, "mocker: %s\n", e->msg);
          failed = 1;
          continue;
        }
      gen_view (g, s, &v);
      net_def_clear (&v.d);
      shown++;
    }
  json_arr_close (g);
  _cleanup_free_ char *text = NULL;
  if (json_gen_finish_checked (g, "network inspect", &text, NULL, err) < 0)
    return -1;
  printf ("%s\n", shown ? text : "[]");
  return failed;
}

/* ---- rm, prune ---- */

int
net_cmd_rm (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "rm", "F", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network rm [-f] NETWORK...\n") : -1;
  if (optind >= argc)
    return mocker_usage_error (err, "network rm", "at least one NETWORK is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (net_name_predefined (argv[i]) && strcmp (argv[i], "default") != 0)
        store_fail (&e, EPERM, "%s is a pre-defined network and cannot be removed", argv[i]);
      else
        network_remove (store_root (s), argv[i], &e);
      if (e)
        {
          if (a.force && mk_error_errno (e) == ENOENT)
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

int
net_cmd_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "prune", "F", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network prune [-f]\n") : -1;
  if (optind < argc)
    return mocker_usage_error (err, "network prune", "no arguments expected");
  if (!a.force && !ui_confirm ("WARNING! This will remove all custom networks not used by at "
                               "least one container."))
    return 0;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_strv_ char **deleted = NULL;
  if (network_prune (store_root (s), &deleted, err) < 0)
    return -1;
  if (deleted)
    printf ("Deleted Networks:\n");
  for (char **d = deleted; d && *d; d++)
    printf ("%s\n", *d);
  return 0;
}

/* ---- connect, disconnect ---- */

/* What connect and disconnect work on: the network of NET (user-defined, by
 * name or id) and the container of CTR (bridge mode), locked, its state
 * reloaded under the lock and its networks.json read. */
struct pair
{
  char net[NET_NAME_MAX + 1];
  struct container *c;
  int lock;
  struct ctr_networks nets;
};

static void
pair_clear (struct pair *p)
{
  ctr_networks_clear (&p->nets);
  if (p->lock >= 0)
    close (p->lock);
  container_free (p->c);
}
#define _cleanup_pair_ __attribute__ ((cleanup (pair_clear)))

static int
pair_open (struct store *s, const char *cmd, const char *net, const char *ref, struct pair *p,
           mk_error **err)
{
  if (net_name_predefined (net))
    return mk_error_set (err, 0, "%s: network `%s`: only user-defined networks can be "
                         "connected and disconnected", cmd, net);
  struct net_def d;
  if (net_def_find (store_root (s), net, &d, err) < 0)
    return -1;
  snprintf (p->net, sizeof p->net, "%s", d.name);
  net_def_clear (&d);
  if (ctr_find (s, ref, &p->c, err) < 0)
    return -1;
  if (ctr_net_mode (p->c) != NET_BRIDGE)
    return mk_error_set (err, 0, "container %s is on the %s network: it cannot be connected "
                         "to or disconnected from other networks", p->c->name,
                         ctr_str (p->c, "host_config", "NetworkMode"));
  p->lock = ctr_lock (p->c, err);
  if (p->lock < 0)
    return -1;
  ctr_reload_state (p->c);
  return ctr_networks_load (p->c->dir, &p->nets, err);
}

int
net_cmd_connect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "connect", "a", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network connect [--alias NAME]... "
                                       "NETWORK CONTAINER\n") : -1;
  if (argc - optind != 2)
    return mocker_usage_error (err, "network connect", "want NETWORK and CONTAINER");
  for (char **al = a.aliases; al && *al; al++)
    if (!net_name_valid (*al))
      return mk_error_set (err, 0, "--alias `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                           *al);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_pair_ struct pair p = { .lock = -1 };
  if (pair_open (s, "connect", argv[optind], argv[optind + 1], &p, err) < 0)
    return -1;
  struct container *c = p.c;
  if (ctr_networks_find (&p.nets, p.net) >= 0)
    return store_fail (err, EEXIST, "container %s is already connected to network %s", c->name,
                       p.net);
  bool attached = false;
  if (c->has_state && ctr_state_alive (&c->state))
    {
      char netns[64];
      snprintf (netns, sizeof netns, "/proc/%d/ns/net", (int) c->state.pid);
      struct net_attach_opts ao = { .container_id = c->id, .netns_path = netns,
                                    .network = p.net, .aliases = a.aliases };
      struct net_lease lease;
      if (network_attach (store_root (s), &ao, &lease, err) < 0)
        return -1;
      attached = true;
    }
  ctr_networks_add (&p.nets, p.net, a.aliases);
  if (ctr_networks_save (c->dir, &p.nets, err) < 0)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (attached)
        network_detach_from (store_root (s), p.net, c->id, &e);
      return -1;
    }
  return attached ? ctr_hosts_refresh (s, c->id, err) : 0;
}

int
net_cmd_disconnect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  _cleanup_net_args_ struct net_args a = { 0 };
  int r = parse (argc, argv, "disconnect", "F", &a, err);
  if (r != 0)
    return r > 0 ? mocker_print_usage ("Usage: mocker network disconnect [-f] NETWORK "
                                       "CONTAINER\n") : -1;
  if (argc - optind != 2)
    return mocker_usage_error (err, "network disconnect", "want NETWORK and CONTAINER");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_pair_ struct pair p = { .lock = -1 };
  if (pair_open (s, "disconnect", argv[optind], argv[optind + 1], &p, err) < 0)
    return -1;
  if (ctr_networks_find (&p.nets, p.net) < 0 && !a.force)
    return mk_error_set (err, 0, "container %s is not connected to network %s", p.c->name,
                         p.net);
  /* The lease goes first: a container whose record says it left a network
   * never keeps an address there. */
  if (network_detach_from (store_root (s), p.net, p.c->id, err) < 0)
    return -1;
  ctr_networks_remove (&p.nets, p.net);
  if (ctr_networks_save (p.c->dir, &p.nets, err) < 0)
    return -1;
  return ctr_hosts_refresh (s, p.c->id, err);
}
