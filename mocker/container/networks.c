/* See networks.h. */
#include "mocker/container/networks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/dns_record.h"
#include "mocker/network/internal.h"
#include "mocker/network/netdef.h"
#include "mocker/store/store.h"

void
ctr_networks_clear (struct ctr_networks *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].name);
      strv_free (l->v[i].aliases);
    }
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

int
ctr_networks_load (const char *ctr_dir, struct ctr_networks *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *path = path_join (ctr_dir, "networks.json");
  if (!path_exists (path))
    return 0;
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse_file (path, &root, err) < 0)
    return -1;
  yajl_val nets = json_get (root, "networks");
  if (nets == NULL || !YAJL_IS_ARRAY (nets))
    return mk_error_set (err, 0, "%s: networks: expected an array", path);
  for (size_t i = 0; i < nets->u.array.len; i++)
    {
      yajl_val e = nets->u.array.values[i];
      const char *name = json_get_str (e, "name");
      if (name == NULL || !net_name_valid (name))
        {
          ctr_networks_clear (out);
          return mk_error_set (err, 0, "%s: networks[%zu].name: expected a network name", path, i);
        }
      _cleanup_strv_ char **aliases = NULL;
      yajl_val a = json_get (e, "aliases");
      for (size_t j = 0; a && YAJL_IS_ARRAY (a) && j < a->u.array.len; j++)
        if (YAJL_IS_STRING (a->u.array.values[j]))
          strv_push (&aliases, YAJL_GET_STRING (a->u.array.values[j]));
      ctr_networks_add (out, name, aliases);
    }
  return 0;
}

bool
ctr_networks_any (const char *ctr_dir)
{
  struct ctr_networks nets;
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_networks_load (ctr_dir, &nets, &e) < 0)
    return true;
  bool any = nets.n > 0;
  ctr_networks_clear (&nets);
  return any;
}

int
ctr_networks_save (const char *ctr_dir, const struct ctr_networks *l, mk_error **err)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_key (g, "networks");
  json_arr_open (g);
  for (size_t i = 0; i < l->n; i++)
    {
      json_obj_open (g);
      json_kv_str (g, "name", l->v[i].name);
      json_key (g, "aliases");
      json_arr_open (g);
      for (char **a = l->v[i].aliases; a && *a; a++)
        json_str (g, *a);
      json_arr_close (g);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = NULL;
  if (json_gen_finish_checked (g, "networks.json", &text, &len, err) < 0)
    return -1;
  _cleanup_free_ char *path = path_join (ctr_dir, "networks.json");
  return write_file_atomic (path, text, len, 0644, false, err);
}

int
ctr_networks_find (const struct ctr_networks *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i].name, name) == 0)
      return (int) i;
  return -1;
}

void
ctr_networks_add (struct ctr_networks *l, const char *name, char *const *aliases)
{
  l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
  struct ctr_network *e = &l->v[l->n++];
  e->name = xstrdup (name);
  e->aliases = NULL;
  for (char *const *a = aliases; a && *a; a++)
    strv_push (&e->aliases, *a);
}

void
ctr_networks_remove (struct ctr_networks *l, const char *name)
{
  int i = ctr_networks_find (l, name);
  if (i < 0)
    return;
  free (l->v[i].name);
  strv_free (l->v[i].aliases);
  memmove (&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
  l->n--;
}

/* ---- /etc/hosts of the peers ---- */

struct attachment
{
  const char *net;
  struct net_peer *peer;
  struct container *c;  /* its record, loaded once per container; NULL: being removed */
};

/* The text is written over the file in place (the same inode: it is
 * bind-mounted into the container), in one write, then cut to its length:
 * a reader sees the old text or the new one (with, for an instant, the old
 * tail after a shorter new text), never an empty file. */
static int
rewrite_in_place (const char *path, const char *text, mk_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return 0;  /* the container is being removed */
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  size_t len = strlen (text);
  ssize_t n;
  do
    n = pwrite (fd, text, len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t) n != len)
    return mk_error_set (err, n < 0 ? errno : EIO, "write `%s`", path);
  if (ftruncate (fd, (off_t) len) < 0)
    return mk_error_set (err, errno, "truncate `%s`", path);
  return 0;
}

/* bridge: the default bridge's leases. */
static int
refresh_one (const struct ipam *bridge, const struct container *c, const struct attachment *all,
             size_t n_all, mk_error **err)
{
  const char *id = c->id;
  _cleanup_free_ char *etc = path_join (c->dir, "etc");
  _cleanup_free_ char *hosts_path = path_join (etc, "hosts");
  if (!path_exists (hosts_path))
    return 0;
  /* Its own address: on the network it was run with (NetworkMode), else on
   * the first one it is on. */
  const char *mode = ctr_str (c, "host_config", "NetworkMode");
  bool user = mode && strcmp (mode, "bridge") != 0 && strcmp (mode, "default") != 0;
  char bridge_ip[16];
  const char *own_ip = NULL;
  int b = user ? -1 : ipam_find (bridge, id);
  if (b >= 0)
    {
      ipv4_format (bridge->leases[b].ip, bridge_ip);
      own_ip = bridge_ip;
    }
  for (size_t i = 0; i < n_all && own_ip == NULL && user; i++)
    if (strcmp (all[i].peer->id, id) == 0 && strcmp (all[i].net, mode) == 0)
      own_ip = all[i].peer->ip;
  for (size_t i = 0; i < n_all && own_ip == NULL; i++)
    if (strcmp (all[i].peer->id, id) == 0)
      own_ip = all[i].peer->ip;
  const char *hostname = ctr_str (c, "config", "Hostname");
  struct net_etc_opts eo = { .hostname = hostname ? hostname : c->id, .name = c->name,
                             .ip = own_ip };
  struct ctr_dns_opts dns;
  ctr_dns_opts_load (c, &dns, &eo);
  _cleanup_free_ char *text = network_render_hosts (&eo);
  ctr_dns_opts_clear (&dns);
  /* Peers: every other container on a network this one is on. */
  for (size_t i = 0; i < n_all; i++)
    {
      if (strcmp (all[i].peer->id, id) != 0)
        continue;
      for (size_t j = 0; j < n_all; j++)
        {
          if (strcmp (all[j].net, all[i].net) != 0 || strcmp (all[j].peer->id, id) == 0)
            continue;
          const struct container *p = all[j].c;
          if (p == NULL)
            continue;
          char *line = xasprintf ("%s%s\t%s", text, all[j].peer->ip, p->name);
          free (text);
          text = line;
          for (char **a = all[j].peer->aliases; a && *a; a++)
            {
              line = xasprintf ("%s %s", text, *a);
              free (text);
              text = line;
            }
          line = xasprintf ("%s %.12s\n", text, p->id);
          free (text);
          text = line;
        }
    }
  if (rewrite_in_place (hosts_path, text, err) < 0)
    return mk_error_wrap (err, "container %.12s: /etc/hosts", c->id);
  return 0;
}

static struct container *
find_loaded (struct container **v, size_t n, const char *id)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp (v[k]->id, id) == 0)
      return v[k];
  return NULL;
}

int
ctr_hosts_refresh (struct store *s, const char *also_id, mk_error **err)
{
  const char *state_dir = store_root (s);
  _cleanup_close_ int lock = network_lock (state_dir, err);
  if (lock < 0)
    return -1;
  struct net_def *defs = NULL;
  size_t n_defs = 0;
  if (net_def_list (state_dir, &defs, &n_defs, err) < 0)
    return -1;
  if (n_defs == 0)
    return 0;  /* no user-defined network: nobody has peers */
  struct net_peer **peers = xzalloc ((n_defs + 1) * sizeof *peers);
  size_t *n_peers = xzalloc ((n_defs + 1) * sizeof *n_peers);
  struct attachment *all = NULL;
  size_t n_all = 0;
  for (size_t i = 0; i < n_defs; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (net_def_peers (state_dir, defs[i].name, &peers[i], &n_peers[i], &e) < 0)
        continue;
      all = xrealloc (all, (n_all + n_peers[i] + 1) * sizeof *all);
      for (size_t j = 0; j < n_peers[i]; j++)
        all[n_all++] = (struct attachment) { defs[i].name, &peers[i][j], NULL };
    }
  /* Each container's record once (it is every peer's line of its name); one
   * that does not load is being removed: its peers skip it. */
  struct container **loaded = xzalloc ((n_all + 2) * sizeof *loaded);
  size_t n_loaded = 0;
  for (size_t i = 0; i <= n_all; i++)
    {
      const char *id = i < n_all ? all[i].peer->id : also_id;
      if (id == NULL)
        continue;
      struct container *c = find_loaded (loaded, n_loaded, id);
      _cleanup_error_ mk_error *e = NULL;
      if (c == NULL && ctr_load (s, id, &c, &e) == 0)
        loaded[n_loaded++] = c;
      if (i < n_all)
        all[i].c = c;
    }
  /* Read once: the own address of each container on the default bridge. */
  _cleanup_ipam_ struct ipam bridge = { 0 };
  _cleanup_free_ char *bridge_leases = xasprintf ("%s/network/leases.json", state_dir);
  if (ipam_load (bridge_leases, &bridge, NULL) < 0)
    ipam_free (&bridge);  /* unreadable: no address from it */
  int r = 0;
  for (size_t k = 0; k < n_loaded; k++)
    {
      /* Only also_id's own file is the caller's business; another
       * container's (being removed, say) is a warning. */
      _cleanup_error_ mk_error *e = NULL;
      if (refresh_one (&bridge, loaded[k], all, n_all, &e) < 0)
        {
          if (also_id && strcmp (loaded[k]->id, also_id) == 0)
            r = mk_error_set (err, 0, "%s", e->msg);
          else
            log_warning ("%s", e->msg);
        }
    }
  for (size_t k = 0; k < n_loaded; k++)
    container_free (loaded[k]);
  free (loaded);
  for (size_t i = 0; i < n_defs; i++)
    net_peers_free (peers[i], n_peers[i]);
  free (peers);
  free (n_peers);
  free (all);
  net_defs_free (defs, n_defs);
  return r;
}

/* ---- inspect's NetworkSettings.Networks ---- */

static void
gen_one (json_gen *g, const char *name, const char *net_id, char *const *aliases,
         const char *leases_path, const char *gateway, const char *id)
{
  json_key (g, name);
  json_obj_open (g);
  json_key (g, "Aliases");
  if (aliases && *aliases)
    {
      json_arr_open (g);
      for (char *const *a = aliases; *a; a++)
        json_str (g, *a);
      json_arr_close (g);
    }
  else
    json_null (g);
  json_kv_str (g, "NetworkID", net_id);
  _cleanup_ipam_ struct ipam ipam = { 0 };
  int i = -1;
  if (ipam_load (leases_path, &ipam, NULL) == 0)
    i = ipam_find (&ipam, id);
  char ip[16] = "", gw[16] = "", mac[18] = "";
  int prefix = 0;
  if (i >= 0 && ipam.has_subnet)
    {
      ipv4_format (ipam.leases[i].ip, ip);
      prefix = ipam.subnet.prefix;
      if (gateway)
        snprintf (gw, sizeof gw, "%s", gateway);
      else
        ipv4_format (ipv4_net_gateway (&ipam.subnet), gw);
      uint8_t m[6];
      net_mac_for_ip (ipam.leases[i].ip, m);
      snprintf (mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
                m[5]);
    }
  json_kv_str (g, "Gateway", gw);
  json_kv_str (g, "IPAddress", ip);
  json_kv_int (g, "IPPrefixLen", prefix);
  json_kv_str (g, "MacAddress", mac);
  json_obj_close (g);
}

void
ctr_gen_networks (json_gen *g, struct store *s, const struct container *c)
{
  const char *state_dir = store_root (s);
  const char *mode = ctr_str (c, "host_config", "NetworkMode");
  json_key (g, "Networks");
  json_obj_open (g);
  if (mode == NULL || strcmp (mode, "bridge") == 0 || strcmp (mode, "default") == 0)
    {
      _cleanup_free_ char *path = xasprintf ("%s/network/leases.json", state_dir);
      char id[65];
      net_predefined_id (state_dir, "bridge", id);
      gen_one (g, "bridge", id, NULL, path, NULL, c->id);
    }
  struct ctr_networks nets;
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_networks_load (c->dir, &nets, &e) == 0)
    {
      for (size_t i = 0; i < nets.n; i++)
        {
          struct net_def d;
          _cleanup_error_ mk_error *de = NULL;
          bool known = net_def_load (state_dir, nets.v[i].name, &d, &de) == 0;
          _cleanup_free_ char *path = net_def_leases (state_dir, nets.v[i].name);
          gen_one (g, nets.v[i].name, known ? d.id : "", nets.v[i].aliases, path,
                   known ? d.gateway : NULL, c->id);
          if (known)
            net_def_clear (&d);
        }
      ctr_networks_clear (&nets);
    }
  json_obj_close (g);
}
