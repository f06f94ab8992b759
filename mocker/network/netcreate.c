/* network create / rm: a user-defined network's bridge, nftables table and
 * definition, made and removed together under the network lock. */
#include "mocker/network/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <nftables/libnftables.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/store.h"
#include "mocker/network/netdef.h"

/* The subnets already taken: every other network's, and the default
 * bridge's (its leases' or, with none, the address of mocker0, which the
 * host's addresses include). with_host: the host's addresses and routes too. */
static int
used_subnets (const char *state_dir, struct nl_sock *sk, bool with_host, struct ipv4_net **out,
              char ***owners, size_t *n, mk_error **err)
{
  struct ipv4_net *v = NULL;
  size_t len = 0;
  char **who = NULL;
  if (with_host)
    {
      if (host_used_prefixes (sk, NULL, &v, &len, err) < 0)
        return -1;
      for (size_t i = 0; i < len; i++)
        strv_push (&who, "the host");
    }
  struct net_def *defs;
  size_t n_defs;
  if (net_def_list (state_dir, &defs, &n_defs, err) < 0)
    {
      free (v);
      strv_free (who);
      return -1;
    }
  v = xrealloc (v, (len + n_defs + 2) * sizeof *v);
  for (size_t i = 0; i < n_defs; i++)
    if (ipv4_net_parse (defs[i].subnet, &v[len], NULL) == 0)
      {
        _cleanup_free_ char *w = xasprintf ("network `%s`", defs[i].name);
        strv_push (&who, w);
        len++;
      }
  net_defs_free (defs, n_defs);
  _cleanup_free_ char *leases = xasprintf ("%s/network/leases.json", state_dir);
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (leases, &ipam, NULL) == 0 && ipam.has_subnet)
    {
      v[len++] = ipam.subnet;
      strv_push (&who, "network `bridge`");
    }
  *out = v;
  *owners = who;
  *n = len;
  return 0;
}

static int
choose (const char *state_dir, struct nl_sock *sk, const char *subnet, const char *gateway,
        struct ipv4_net *net, uint32_t *gw, mk_error **err)
{
  _cleanup_free_ struct ipv4_net *used = NULL;
  _cleanup_strv_ char **owners = NULL;
  size_t n_used;
  if (used_subnets (state_dir, sk, subnet == NULL, &used, &owners, &n_used, err) < 0)
    return -1;
  if (subnet)
    {
      if (ipv4_net_parse (subnet, net, err) < 0)
        return -1;
      for (size_t i = 0; i < n_used; i++)
        if (ipv4_net_overlaps (net, &used[i]))
          {
            char s[19];
            ipv4_net_format (&used[i], s);
            return store_fail (err, EEXIST, "subnet %s overlaps %s of %s", subnet, s,
                                 owners[i]);
          }
    }
  else if (ipam_pick_user_subnet (used, n_used, net, err) < 0)
    return -1;
  if (gateway == NULL)
    {
      *gw = ipv4_net_gateway (net);
      return 0;
    }
  uint32_t broadcast = net->addr | ~ipv4_mask (net->prefix);
  if (ipv4_parse (gateway, gw) < 0)
    return mk_error_set (err, 0, "gateway `%s`: not an IPv4 address", gateway);
  if (!ipv4_net_contains (net, *gw) || *gw == net->addr || *gw == broadcast)
    {
      char s[19];
      ipv4_net_format (net, s);
      return mk_error_set (err, 0, "gateway `%s`: not a host address of subnet %s", gateway, s);
    }
  return 0;
}

static int
create_locked (const char *state_dir, struct net_def *d, const char *subnet, const char *gateway,
               mk_error **err)
{
  struct net_def other;
  if (net_def_load (state_dir, d->name, &other, NULL) == 0)
    {
      net_def_clear (&other);
      return store_fail (err, EEXIST, "network with name %s already exists", d->name);
    }
  _cleanup_free_ char *dir = net_def_dir (state_dir, d->name);
  if (path_exists (dir))  /* a definition that failed to load: leave it to the user */
    return store_fail (err, EEXIST, "network `%s`: `%s` exists and holds no valid network",
                         d->name, dir);
  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  if (nlsock_open (&sk, err) < 0 || nat_open (&nft, err) < 0)
    return -1;
  struct ipv4_net net;
  uint32_t gw;
  if (choose (state_dir, sk, subnet, gateway, &net, &gw, err) < 0)
    return -1;
  ipv4_net_format (&net, d->subnet);
  ipv4_format (gw, d->gateway);

  int ifindex;
  if (bridge_ensure_at (sk, d->bridge, &net, gw, &ifindex, err) < 0)
    goto undo_bridge;
  if (nat_ensure (nft, d->table, &net, d->bridge, true, err) < 0)
    goto undo_table;
  if (net_def_save (state_dir, d, err) < 0)
    goto undo_dir;
  return 0;

undo_dir:
  rm_rf_one_fs (dir, NULL);
undo_table:
  nat_remove_table (nft, d->table, NULL);
undo_bridge:
  link_delete_by_name (sk, d->bridge, NULL);
  return -1;
}

int
network_create (const char *state_dir, const char *name, const char *subnet, const char *gateway,
                char *const *labels, struct net_def *out, mk_error **err)
{
  if (net_name_predefined (name))
    return store_fail (err, EEXIST, "network with name %s already exists (a predefined "
                         "network)", name);
  if (!net_name_valid (name))
    return mk_error_set (err, 0, "network name `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are "
                         "allowed, at most %d characters", name, NET_NAME_MAX);
  memset (out, 0, sizeof *out);
  snprintf (out->name, sizeof out->name, "%s", name);
  store_random_id (out->id);
  snprintf (out->driver, sizeof out->driver, "bridge");
  snprintf (out->bridge, sizeof out->bridge, "mk-%.12s", out->id);
  snprintf (out->table, sizeof out->table, "%s", out->bridge);
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  format_rfc3339 (&now, out->created, sizeof out->created);
  for (char *const *l = labels; l && *l; l++)
    strv_push (&out->labels, *l);

  _cleanup_close_ int lock = network_lock (state_dir, err);
  if (lock < 0 || create_locked (state_dir, out, subnet, gateway, err) < 0)
    {
      net_def_clear (out);
      return mk_error_wrap (err, "create network `%s`", name);
    }
  return 0;
}

int
network_remove (const char *state_dir, const char *name, mk_error **err)
{
  _cleanup_close_ int lock = network_lock (state_dir, err);
  if (lock < 0)
    return -1;
  struct net_def d;
  if (net_def_find (state_dir, name, &d, err) < 0)
    return -1;
  net_def_clear (&d);
  _cleanup_free_ char *leases = net_def_leases (state_dir, d.name);
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (leases, &ipam, err) < 0)
    return -1;
  if (ipam.n > 0)
    return store_fail (err, EBUSY, "error while removing network: network %s id %s has "
                         "active endpoints (%zu container%s connected)", d.name, d.id, ipam.n,
                         ipam.n == 1 ? "" : "s");
  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  _cleanup_free_ char *dir = net_def_dir (state_dir, d.name);
  if (nlsock_open (&sk, err) < 0 || nat_open (&nft, err) < 0
      || nat_remove_table (nft, d.table, err) < 0 || link_delete_by_name (sk, d.bridge, err) < 0
      || rm_rf_one_fs (dir, err) < 0)
    return mk_error_wrap (err, "remove network `%s`", d.name);
  return 0;
}

int
network_prune (const char *state_dir, char ***deleted, mk_error **err)
{
  struct net_def *defs;
  size_t n;
  if (net_def_list (state_dir, &defs, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (network_remove (state_dir, defs[i].name, &e) == 0)
        strv_push (deleted, defs[i].name);
      /* else in use (or gone meanwhile): kept */
    }
  net_defs_free (defs, n);
  return 0;
}
