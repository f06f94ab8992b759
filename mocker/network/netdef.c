/* User-defined network definitions in the store (see netdef.h). */
#include "mocker/network/netdef.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/lock.h"
#include "common/util.h"
#include "mocker/store/store.h"
#include "mocker/network/internal.h"

void
net_def_clear (struct net_def *d)
{
  strv_free (d->labels);
  d->labels = NULL;
}

void
net_defs_free (struct net_def *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    net_def_clear (&v[i]);
  free (v);
}

bool
net_name_valid (const char *name)
{
  size_t len = strlen (name);
  if (len == 0 || len > NET_NAME_MAX)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      char c = name[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return false;
    }
  return true;
}

bool
net_name_predefined (const char *name)
{
  return strcmp (name, "bridge") == 0 || strcmp (name, "host") == 0
         || strcmp (name, "none") == 0 || strcmp (name, "default") == 0;
}

void
net_predefined_id (const char *state_dir, const char *name, char out[65])
{
  for (int part = 0; part < 8; part++)
    {
      uint32_t h = 2166136261u ^ (uint32_t) part;
      for (const unsigned char *p = (const unsigned char *) state_dir; *p; p++)
        h = (h ^ *p) * 16777619u;
      for (const unsigned char *p = (const unsigned char *) name; *p; p++)
        h = (h ^ *p) * 16777619u;
      snprintf (out + 8 * part, 9, "%08x", h);
    }
}

char *
net_defs_dir (const char *state_dir)
{
  return xasprintf ("%s/network/networks", state_dir);
}

char *
net_def_dir (const char *state_dir, const char *name)
{
  return xasprintf ("%s/network/networks/%s", state_dir, name);
}

char *
net_def_leases (const char *state_dir, const char *name)
{
  return xasprintf ("%s/network/networks/%s/leases.json", state_dir, name);
}

int
network_lock (const char *state_dir, mk_error **err)
{
  _cleanup_free_ char *dir = path_join (state_dir, "network");
  if (mkdir_p (dir, 0700, err) < 0)
    return -1;
  _cleanup_free_ char *lock = path_join (dir, "lock");
  return lock_path (lock, true, err);
}

int
net_def_load (const char *state_dir, const char *name, struct net_def *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (!net_name_valid (name))
    return store_fail (err, ENOENT, "network `%s` not found", name);
  _cleanup_free_ char *dir = net_def_dir (state_dir, name);
  _cleanup_free_ char *path = path_join (dir, "config.json");
  if (!path_exists (path))
    return store_fail (err, ENOENT, "network `%s` not found", name);
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse_file (path, &v, err) < 0)
    return -1;
  json_copy_str (v, "Name", out->name, sizeof out->name);
  json_copy_str (v, "Id", out->id, sizeof out->id);
  json_copy_str (v, "Driver", out->driver, sizeof out->driver);
  json_copy_str (v, "Subnet", out->subnet, sizeof out->subnet);
  json_copy_str (v, "Gateway", out->gateway, sizeof out->gateway);
  json_copy_str (v, "Bridge", out->bridge, sizeof out->bridge);
  json_copy_str (v, "Table", out->table, sizeof out->table);
  json_copy_str (v, "Created", out->created, sizeof out->created);
  struct ipv4_net net;
  uint32_t gw;
  if (strcmp (out->name, name) != 0 || strlen (out->id) != 64 || out->bridge[0] == '\0'
      || out->table[0] == '\0' || ipv4_net_parse (out->subnet, &net, NULL) < 0
      || ipv4_parse (out->gateway, &gw) < 0)
    return mk_error_set (err, 0, "%s: not a network definition of mocker", path);
  yajl_val labels = json_get (v, "Labels");
  if (labels && YAJL_IS_OBJECT (labels))
    for (size_t i = 0; i < labels->u.object.len; i++)
      {
        const char *val = YAJL_GET_STRING (labels->u.object.values[i]);
        _cleanup_free_ char *kv = xasprintf ("%s=%s", labels->u.object.keys[i], val ? val : "");
        strv_push (&out->labels, kv);
      }
  return 0;
}

int
net_def_save (const char *state_dir, const struct net_def *d, mk_error **err)
{
  _cleanup_free_ char *dir = net_def_dir (state_dir, d->name);
  if (mkdir_p (dir, 0700, err) < 0)
    return -1;
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_kv_str (g, "Name", d->name);
  json_kv_str (g, "Id", d->id);
  json_kv_str (g, "Driver", d->driver);
  json_kv_str (g, "Subnet", d->subnet);
  json_kv_str (g, "Gateway", d->gateway);
  json_kv_str (g, "Bridge", d->bridge);
  json_kv_str (g, "Table", d->table);
  json_kv_str (g, "Created", d->created);
  json_key (g, "Labels");
  json_obj_open (g);
  for (char **l = d->labels; l && *l; l++)
    {
      const char *eq = strchr (*l, '=');
      _cleanup_free_ char *k = eq ? xstrndup (*l, eq - *l) : xstrdup (*l);
      json_key (g, k);
      json_str (g, eq ? eq + 1 : "");
    }
  json_obj_close (g);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = NULL;
  if (json_gen_finish_checked (g, "network definition", &text, &len, err) < 0)
    return -1;
  _cleanup_free_ char *path = path_join (dir, "config.json");
  return write_file_atomic (path, text, len, 0644, true, err);
}

static int
cmp_def (const void *a, const void *b)
{
  return strcmp (((const struct net_def *) a)->name, ((const struct net_def *) b)->name);
}

int
net_def_list (const char *state_dir, struct net_def **out, size_t *n, mk_error **err)
{
  *out = NULL;
  *n = 0;
  _cleanup_free_ char *base = net_defs_dir (state_dir);
  DIR *d = opendir (base);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return mk_error_set (err, errno, "open `%s`", base);
    }
  struct net_def *v = NULL;
  size_t len = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      struct net_def def;
      _cleanup_error_ mk_error *ignored = NULL;
      if (net_def_load (state_dir, e->d_name, &def, &ignored) < 0)
        continue;  /* a half-made or removed one */
      v = xrealloc (v, (len + 1) * sizeof *v);
      v[len++] = def;
    }
  closedir (d);
  if (len)
    qsort (v, len, sizeof *v, cmp_def);
  *out = v;
  *n = len;
  return 0;
}

int
net_def_find (const char *state_dir, const char *ref, struct net_def *out, mk_error **err)
{
  if (net_name_valid (ref) && net_def_load (state_dir, ref, out, NULL) == 0)
    return 0;
  struct net_def *v;
  size_t n;
  if (net_def_list (state_dir, &v, &n, err) < 0)
    return -1;
  int found = -1, count = 0;
  for (size_t i = 0; i < n; i++)
    if (*ref && strncmp (v[i].id, ref, strlen (ref)) == 0)
      found = (int) i, count++;
  int r = 0;
  if (count == 1)
    {
      *out = v[found];
      v[found].labels = NULL;
    }
  else if (count > 1)
    r = mk_error_set (err, 0, "network id prefix `%s` is ambiguous", ref);
  else
    r = store_fail (err, ENOENT, "network `%s` not found", ref);
  net_defs_free (v, n);
  return r;
}

void
net_peers_free (struct net_peer *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    strv_free (v[i].aliases);
  free (v);
}

int
net_def_peers (const char *state_dir, const char *name, struct net_peer **out, size_t *n,
               mk_error **err)
{
  _cleanup_free_ char *path = net_def_leases (state_dir, name);
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (path, &ipam, err) < 0)
    return -1;
  struct net_peer *v = xzalloc ((ipam.n + 1) * sizeof *v);
  for (size_t i = 0; i < ipam.n; i++)
    {
      snprintf (v[i].id, sizeof v[i].id, "%s", ipam.leases[i].id);
      ipv4_format (ipam.leases[i].ip, v[i].ip);
      v[i].aliases = ipam.leases[i].aliases;
      ipam.leases[i].aliases = NULL;
    }
  *out = v;
  *n = ipam.n;
  return 0;
}
