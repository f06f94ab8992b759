/* attach / detach / list: the steps of bridge.c, ipam.c, veth.c and nat.c in
 * order, under the lock <state_dir>/network/lock, undone on failure. */
#include "mocker/network/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <nftables/libnftables.h>

#include "common/fs.h"
#include "common/lock.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/store.h"
#include "mocker/network/netdef.h"

/* One network: the default bridge (leases.json, mocker0, table `mocker`)
 * or a user-defined one (netdef.h). */
struct net_target
{
  char *leases;
  char name[NET_NAME_MAX + 1];
  char id[65];
  char bridge[16], table[16];
  bool user;
  struct ipv4_net subnet;  /* user: fixed */
  uint32_t gateway;
};

static void
net_target_free (struct net_target *t)
{
  free (t->leases);
  t->leases = NULL;
}
#define _cleanup_target_ __attribute__ ((cleanup (net_target_free)))

/* (Its directory is made by network_lock, which writers take first.) */
static void
target_default (const char *state_dir, struct net_target *t)
{
  memset (t, 0, sizeof *t);
  t->leases = xasprintf ("%s/network/leases.json", state_dir);
  snprintf (t->name, sizeof t->name, "bridge");
  snprintf (t->bridge, sizeof t->bridge, "%s", NET_BRIDGE_NAME);
  snprintf (t->table, sizeof t->table, "%s", NAT_TABLE);
}

static int
target_from_def (const char *state_dir, const struct net_def *d, struct net_target *t,
                 mk_error **err)
{
  memset (t, 0, sizeof *t);
  if (ipv4_net_parse (d->subnet, &t->subnet, err) < 0 || ipv4_parse (d->gateway, &t->gateway) < 0)
    return mk_error_set (err, 0, "network `%s`: bad subnet or gateway", d->name);
  t->leases = net_def_leases (state_dir, d->name);
  snprintf (t->name, sizeof t->name, "%s", d->name);
  snprintf (t->id, sizeof t->id, "%s", d->id);
  snprintf (t->bridge, sizeof t->bridge, "%s", d->bridge);
  snprintf (t->table, sizeof t->table, "%s", d->table);
  t->user = true;
  return 0;
}

/* NULL, "bridge" or "default": the default bridge. */
static int
target_open (const char *state_dir, const char *network, struct net_target *t, mk_error **err)
{
  if (network == NULL || strcmp (network, "bridge") == 0 || strcmp (network, "default") == 0)
    {
      target_default (state_dir, t);
      return 0;
    }
  struct net_def d;
  if (net_def_load (state_dir, network, &d, err) < 0)
    return -1;
  int r = target_from_def (state_dir, &d, t, err);
  net_def_clear (&d);
  return r;
}

static void
lease_fill (const struct net_target *t, const struct ipam *ipam, const struct ipam_lease *l,
            struct net_lease *out)
{
  memset (out, 0, sizeof *out);
  snprintf (out->id, sizeof out->id, "%s", l->id);
  ipv4_format (l->ip, out->ip);
  ipv4_format (ipam->gateway ? ipam->gateway : ipv4_net_gateway (&ipam->subnet), out->gateway);
  ipv4_net_format (&ipam->subnet, out->subnet);
  out->prefix_len = ipam->subnet.prefix;
  uint8_t mac[6];
  net_mac_for_ip (l->ip, mac);
  snprintf (out->mac, sizeof out->mac, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
            mac[3], mac[4], mac[5]);
  snprintf (out->veth, sizeof out->veth, "%s", l->veth);
  snprintf (out->bridge, sizeof out->bridge, "%s", t->bridge);
  snprintf (out->network, sizeof out->network, "%s", t->name);
}

/* Is p's host port already published by a lease of ipam? */
static const char *
port_taken (const struct ipam *ipam, const struct port_map *p)
{
  for (size_t i = 0; i < ipam->n; i++)
    for (char **s = ipam->leases[i].ports; s && *s; s++)
      {
        char ip[16], proto[4];
        unsigned hp, cp;
        if (sscanf (*s, "%15[^:]:%u->%u/%3s", ip, &hp, &cp, proto) != 4)
          continue;
        const char *want_ip = p->host_ip[0] ? p->host_ip : "0.0.0.0";
        bool ip_clash = strcmp (ip, want_ip) == 0 || strcmp (ip, "0.0.0.0") == 0
                        || strcmp (want_ip, "0.0.0.0") == 0;
        if (hp == p->host_port && strcmp (proto, p->proto) == 0 && ip_clash)
          return ipam->leases[i].id;
      }
  return NULL;
}

/* The ports of o against the leases of every network (host ports are one
 * space whatever the network). */
static int
check_ports (const char *state_dir, const struct ipam *own, const struct net_attach_opts *o,
             mk_error **err)
{
  if (o->n_ports == 0)
    return 0;
  struct net_def *defs = NULL;
  size_t n_defs = 0;
  if (net_def_list (state_dir, &defs, &n_defs, err) < 0)
    return -1;
  _cleanup_free_ struct net_target *all = xzalloc ((n_defs + 1) * sizeof *all);
  size_t n_all = 0;
  target_default (state_dir, &all[n_all++]);
  for (size_t i = 0; i < n_defs; i++)
    if (target_from_def (state_dir, &defs[i], &all[n_all], NULL) == 0)
      n_all++;
  net_defs_free (defs, n_defs);
  int r = 0;
  for (size_t i = 0; i < o->n_ports && r == 0; i++)
    {
      const char *owner = port_taken (own, &o->ports[i]);
      for (size_t k = 0; k < n_all && owner == NULL; k++)
        {
          _cleanup_ipam_ struct ipam other = { 0 };
          if (ipam_load (all[k].leases, &other, NULL) == 0)
            {
              const char *w = port_taken (&other, &o->ports[i]);
              static char who[NET_ID_MAX + 1];
              if (w)
                snprintf (who, sizeof who, "%s", w), owner = who;
            }
        }
      for (size_t j = 0; j < i && owner == NULL; j++)
        if (o->ports[j].host_port == o->ports[i].host_port
            && strcmp (o->ports[j].proto, o->ports[i].proto) == 0)
          owner = o->container_id;
      if (owner)
        r = mk_error_set (err, EADDRINUSE, "host port %u/%s is already published by "
                          "container `%s`", o->ports[i].host_port, o->ports[i].proto, owner);
    }
  for (size_t k = 0; k < n_all; k++)
    net_target_free (&all[k]);
  return r;
}

/* With no lease left, nothing uses the default bridge's nftables table:
 * remove it, so that a host with no container has no mocker rule. The
 * bridge stays (as docker0 does): deleting a netdev waits for an RCU grace
 * period (~30 ms), and the next container would pay again to create it.
 * A user-defined network keeps its table and bridge until `network rm`. */
static int
remove_shared_if_unused (const struct net_target *t, const struct ipam *ipam,
                         struct nft_ctx *nft, mk_error **err)
{
  if (ipam->n > 0 || t->user)
    return 0;
  return nat_remove_table (nft, t->table, err);
}

static int
attach_locked (const char *state_dir, const struct net_target *t,
               const struct net_attach_opts *o, int netns_fd, struct net_lease *out,
               mk_error **err)
{
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (t->leases, &ipam, err) < 0)
    return -1;
  if (ipam_find (&ipam, o->container_id) >= 0)
    return store_fail (err, EEXIST, "container `%s` is already attached to network `%s`",
                         o->container_id, t->name);
  if (check_ports (state_dir, &ipam, o, err) < 0)
    return -1;

  /* inside: one socket in the container's netns (a thread enters it) for
   * the free ethN and the configuration of the new one. */
  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nlsock_ struct nl_sock *inside = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  if (nlsock_open (&sk, err) < 0 || nlsock_open_in (netns_fd, &inside, err) < 0
      || nat_open (&nft, err) < 0)
    return -1;

  struct ipv4_net subnet;
  int br_index;
  if (t->user)
    {
      subnet = t->subnet;
      ipam.gateway = t->gateway;
      if (bridge_ensure_at (sk, t->bridge, &subnet, t->gateway, &br_index, err) < 0)
        return -1;
    }
  else
    {
      const struct ipv4_net *want = ipam.n > 0 ? &ipam.subnet : NULL;
      if (bridge_ensure (sk, t->bridge, want, &subnet, &br_index, err) < 0)
        goto undo_shared;
      if (want && (want->addr != subnet.addr || want->prefix != subnet.prefix))
        {
          char a[19], b[19];
          ipv4_net_format (want, a);
          ipv4_net_format (&subnet, b);
          mk_error_set (err, 0, "bridge `%s` is in %s but the leases in `%s` are in %s",
                        t->bridge, b, t->leases, a);
          return -1;
        }
    }
  ipam.subnet = subnet;
  ipam.has_subnet = true;
  uint32_t gateway = ipam.gateway ? ipam.gateway : ipv4_net_gateway (&subnet);

  char ifname[16];
  uint32_t ip;
  if (veth_free_ifname (inside, ifname, err) < 0
      || ipam_allocate (&ipam, o->container_id, &ip, err) < 0)
    goto undo_shared;
  struct ipam_lease *lease = &ipam.leases[ipam.n - 1];
  if (t->user)
    net_veth_name_on (o->container_id, t->id, lease->veth);
  else
    net_veth_name (o->container_id, lease->veth);
  for (size_t i = 0; i < o->n_ports; i++)
    {
      char s[48];
      port_map_format (&o->ports[i], s, sizeof s);
      strv_push (&lease->ports, s);
    }
  for (char *const *a = o->aliases; a && *a; a++)
    strv_push (&lease->aliases, *a);

  if (nat_ensure (nft, t->table, &subnet, t->bridge, t->user, err) < 0)
    goto undo_lease;
  struct veth_config vc = {
    .host_name = lease->veth, .ifname = ifname, .default_route = strcmp (ifname, "eth0") == 0,
    .bridge_ifindex = br_index, .ip = ip, .gateway = gateway, .prefix = subnet.prefix,
  };
  net_mac_for_ip (ip, vc.mac);
  if (veth_create (sk, inside, netns_fd, &vc, err) < 0)
    goto undo_lease;
  if (nat_add_ports (nft, t->table, o->container_id, ip, o->ports, o->n_ports, err) < 0
      || ipam_save (t->leases, &ipam, err) < 0)
    goto undo_veth;
  lease_fill (t, &ipam, lease, out);
  snprintf (out->ifname, sizeof out->ifname, "%s", ifname);
  return 0;

undo_veth:
  nat_remove_container (nft, t->table, o->container_id, NULL, NULL);
  link_delete_by_name (sk, vc.host_name, NULL);
undo_lease:
  ipam_release (&ipam, o->container_id);
undo_shared:
  remove_shared_if_unused (t, &ipam, nft, NULL);
  return -1;
}

int
network_attach (const char *state_dir, const struct net_attach_opts *o, struct net_lease *out,
                mk_error **err)
{
  if (net_check_id (o->container_id, err) < 0)
    return -1;
  /* Aliases become /etc/hosts names: no blanks or newlines in them. */
  for (char *const *a = o->aliases; a && *a; a++)
    if (!net_name_valid (*a))
      return mk_error_set (err, 0, "network alias `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are "
                           "allowed", *a);
  _cleanup_close_ int netns_fd = netns_open (o->netns_path, err);
  if (netns_fd < 0)
    return -1;
  _cleanup_close_ int lock = network_lock (state_dir, err);
  if (lock < 0)
    return -1;
  _cleanup_target_ struct net_target t = { 0 };
  if (target_open (state_dir, o->network, &t, err) < 0
      || attach_locked (state_dir, &t, o, netns_fd, out, err) < 0)
    return mk_error_wrap (err, "attach container `%s` to the network", o->container_id);
  return 0;
}

/* Detaches id from one network (the lock is held). */
static int
detach_locked (const struct net_target *t, const char *container_id, struct nl_sock *sk,
               struct nft_ctx *nft, mk_error **err)
{
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (t->leases, &ipam, err) < 0)
    return -1;
  char veth[16];
  int i = ipam_find (&ipam, container_id);
  if (i >= 0 && ipam.leases[i].veth[0])
    snprintf (veth, sizeof veth, "%s", ipam.leases[i].veth);
  else if (t->user)
    net_veth_name_on (container_id, t->id, veth);
  else
    net_veth_name (container_id, veth);
  /* A saved lease lists its published ports; without a lease (a detach
   * again, or state lost) the rules are looked for anyway. */
  bool may_have_rules = i < 0 || ipam.leases[i].ports != NULL;
  bool released = ipam_release (&ipam, container_id);
  if (t->user && i < 0)
    return 0;  /* never attached there: nothing of it to look for */

  /* nftables first, the veth second: both deletions wait for an RCU grace
   * period (the table's when the nft socket closes, the link's inside
   * RTM_DELLINK), and in this order the two waits overlap instead of adding
   * up. With no lease left the default table goes, this container's rules with it. */
  if (ipam.n == 0 && !t->user)
    {
      if (remove_shared_if_unused (t, &ipam, nft, err) < 0)
        return mk_error_wrap (err, "remove the unused nftables table");
    }
  else if (may_have_rules && nat_remove_container (nft, t->table, container_id, NULL, err) < 0)
    return -1;

  /* The veth usually went with the container's netns; delete it if not. */
  if (link_delete_by_name (sk, veth, err) < 0)
    return -1;
  if (released && ipam_save (t->leases, &ipam, err) < 0)
    return -1;
  return 0;
}

static int
detach (const char *state_dir, const char *network, bool all, const char *container_id,
        mk_error **err)
{
  if (net_check_id (container_id, err) < 0)
    return -1;
  _cleanup_close_ int lock = network_lock (state_dir, err);
  if (lock < 0)
    return -1;
  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  if (nlsock_open (&sk, err) < 0 || nat_open (&nft, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);
  if (!all)
    {
      _cleanup_target_ struct net_target t = { 0 };
      if (target_open (state_dir, network, &t, err) < 0
          || detach_locked (&t, container_id, sk, nft, err) < 0)
        return mk_error_wrap (err, "detach container `%s`", container_id);
      return 0;
    }
  {
    _cleanup_target_ struct net_target t = { 0 };
    target_default (state_dir, &t);
    if (detach_locked (&t, container_id, sk, nft, err) < 0)
      return mk_error_wrap (err, "detach container `%s`", container_id);
  }
  struct net_def *defs;
  size_t n;
  if (net_def_list (state_dir, &defs, &n, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++)
    {
      _cleanup_target_ struct net_target t = { 0 };
      if (target_from_def (state_dir, &defs[i], &t, err) < 0
          || detach_locked (&t, container_id, sk, nft, err) < 0)
        r = mk_error_wrap (err, "detach container `%s` from network `%s`", container_id,
                           defs[i].name);
    }
  net_defs_free (defs, n);
  return r;
}

int
network_detach (const char *state_dir, const char *container_id, mk_error **err)
{
  return detach (state_dir, NULL, true, container_id, err);
}

int
network_detach_from (const char *state_dir, const char *network, const char *container_id,
                     mk_error **err)
{
  return detach (state_dir, network, false, container_id, err);
}

static int
list_target (const struct net_target *t, struct net_lease **v, size_t *len, mk_error **err)
{
  _cleanup_ipam_ struct ipam ipam = { 0 };
  /* Readers take no lock: the file is replaced atomically. */
  if (ipam_load (t->leases, &ipam, err) < 0)
    return -1;
  if (t->user)
    {
      ipam.subnet = t->subnet;
      ipam.gateway = t->gateway;
    }
  *v = xrealloc (*v, (*len + ipam.n + 1) * sizeof **v);
  for (size_t i = 0; i < ipam.n; i++)
    lease_fill (t, &ipam, &ipam.leases[i], &(*v)[(*len)++]);
  return 0;
}

int
network_list (const char *state_dir, struct net_lease **out, size_t *n, mk_error **err)
{
  struct net_lease *v = xzalloc (sizeof *v);
  size_t len = 0;
  struct net_target t;
  target_default (state_dir, &t);
  int r = list_target (&t, &v, &len, err);
  net_target_free (&t);
  struct net_def *defs = NULL;
  size_t n_defs = 0;
  if (r == 0)
    r = net_def_list (state_dir, &defs, &n_defs, err);
  for (size_t i = 0; i < n_defs && r == 0; i++)
    {
      if (target_from_def (state_dir, &defs[i], &t, NULL) < 0)
        continue;
      r = list_target (&t, &v, &len, err);
      net_target_free (&t);
    }
  net_defs_free (defs, n_defs);
  if (r < 0)
    {
      free (v);
      return -1;
    }
  *out = v;
  *n = len;
  return 0;
}
