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

struct net_paths
{
  char *dir, *lock, *leases;
};

static void
net_paths_free (struct net_paths *p)
{
  free (p->dir);
  free (p->lock);
  free (p->leases);
}

static int
net_paths_init (const char *state_dir, struct net_paths *p, mk_error **err)
{
  p->dir = path_join (state_dir, "network");
  p->lock = path_join (p->dir, "lock");
  p->leases = path_join (p->dir, "leases.json");
  return mkdir_p (p->dir, 0700, err);
}

/* Takes the network lock of state_dir. */
static int
net_lock (const struct net_paths *p, mk_error **err)
{
  return lock_path (p->lock, true, err);
}

static void
lease_fill (const struct ipam *ipam, const struct ipam_lease *l, struct net_lease *out)
{
  memset (out, 0, sizeof *out);
  snprintf (out->id, sizeof out->id, "%s", l->id);
  ipv4_format (l->ip, out->ip);
  ipv4_format (ipv4_net_gateway (&ipam->subnet), out->gateway);
  ipv4_net_format (&ipam->subnet, out->subnet);
  out->prefix_len = ipam->subnet.prefix;
  uint8_t mac[6];
  net_mac_for_ip (l->ip, mac);
  snprintf (out->mac, sizeof out->mac, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
            mac[3], mac[4], mac[5]);
  snprintf (out->veth, sizeof out->veth, "%s", l->veth);
  snprintf (out->bridge, sizeof out->bridge, "%s", NET_BRIDGE_NAME);
}

/* Is p's host port already published by another lease? */
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

static int
check_ports (const struct ipam *ipam, const struct net_attach_opts *o, mk_error **err)
{
  for (size_t i = 0; i < o->n_ports; i++)
    {
      const char *owner = port_taken (ipam, &o->ports[i]);
      for (size_t j = 0; j < i && owner == NULL; j++)
        if (o->ports[j].host_port == o->ports[i].host_port
            && strcmp (o->ports[j].proto, o->ports[i].proto) == 0)
          owner = o->container_id;
      if (owner)
        return mk_error_set (err, EADDRINUSE, "host port %u/%s is already published by "
                             "container `%s`", o->ports[i].host_port, o->ports[i].proto, owner);
    }
  return 0;
}

/* With no lease left, nothing uses the nftables table: remove it, so that a
 * host with no container has no mocker rule. The bridge stays (as docker0
 * does): deleting a netdev waits for an RCU grace period (~30 ms), and the
 * next container would pay again to create it. */
static int
remove_shared_if_unused (const struct ipam *ipam, struct nft_ctx *nft, mk_error **err)
{
  if (ipam->n > 0)
    return 0;
  return nat_remove_table (nft, err);
}

static int
attach_locked (const struct net_paths *paths, const struct net_attach_opts *o, int netns_fd,
               struct net_lease *out, mk_error **err)
{
  _cleanup_ipam_ struct ipam ipam = { 0 };
  if (ipam_load (paths->leases, &ipam, err) < 0)
    return -1;
  if (ipam_find (&ipam, o->container_id) >= 0)
    return mk_error_set (err, EEXIST, "container `%s` is already attached", o->container_id);
  if (check_ports (&ipam, o, err) < 0)
    return -1;

  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  if (nlsock_open (&sk, err) < 0 || nat_open (&nft, err) < 0)
    return -1;

  struct ipv4_net subnet;
  int br_index;
  const struct ipv4_net *want = ipam.n > 0 ? &ipam.subnet : NULL;
  if (bridge_ensure (sk, NET_BRIDGE_NAME, want, &subnet, &br_index, err) < 0)
    goto undo_shared;
  if (want && (want->addr != subnet.addr || want->prefix != subnet.prefix))
    {
      char a[19], b[19];
      ipv4_net_format (want, a);
      ipv4_net_format (&subnet, b);
      mk_error_set (err, 0, "bridge `%s` is in %s but the leases in `%s` are in %s",
                    NET_BRIDGE_NAME, b, paths->leases, a);
      return -1;
    }
  ipam.subnet = subnet;
  ipam.has_subnet = true;

  uint32_t ip;
  if (ipam_allocate (&ipam, o->container_id, &ip, err) < 0)
    goto undo_shared;
  struct ipam_lease *lease = &ipam.leases[ipam.n - 1];
  net_veth_name (o->container_id, lease->veth);
  for (size_t i = 0; i < o->n_ports; i++)
    {
      char s[48];
      port_map_format (&o->ports[i], s, sizeof s);
      strv_push (&lease->ports, s);
    }

  if (nat_ensure (nft, &subnet, NET_BRIDGE_NAME, err) < 0)
    goto undo_lease;
  struct veth_config vc = {
    .host_name = lease->veth, .bridge_ifindex = br_index, .ip = ip,
    .gateway = ipv4_net_gateway (&subnet), .prefix = subnet.prefix,
  };
  net_mac_for_ip (ip, vc.mac);
  if (veth_create (sk, netns_fd, &vc, err) < 0)
    goto undo_lease;
  if (nat_add_ports (nft, o->container_id, ip, o->ports, o->n_ports, err) < 0
      || ipam_save (paths->leases, &ipam, err) < 0)
    goto undo_veth;
  lease_fill (&ipam, lease, out);
  return 0;

undo_veth:
  nat_remove_container (nft, o->container_id, NULL, NULL);
  link_delete_by_name (sk, vc.host_name, NULL);
undo_lease:
  ipam_release (&ipam, o->container_id);
undo_shared:
  remove_shared_if_unused (&ipam, nft, NULL);
  return -1;
}

int
network_attach (const char *state_dir, const struct net_attach_opts *o, struct net_lease *out,
                mk_error **err)
{
  if (net_check_id (o->container_id, err) < 0)
    return -1;
  __attribute__ ((cleanup (net_paths_free))) struct net_paths paths = { 0 };
  if (net_paths_init (state_dir, &paths, err) < 0)
    return -1;
  _cleanup_close_ int netns_fd = netns_open (o->netns_path, err);
  if (netns_fd < 0)
    return -1;
  _cleanup_close_ int lock = net_lock (&paths, err);
  if (lock < 0)
    return -1;
  if (attach_locked (&paths, o, netns_fd, out, err) < 0)
    return mk_error_wrap (err, "attach container `%s` to the network", o->container_id);
  return 0;
}

int
network_detach (const char *state_dir, const char *container_id, mk_error **err)
{
  if (net_check_id (container_id, err) < 0)
    return -1;
  __attribute__ ((cleanup (net_paths_free))) struct net_paths paths = { 0 };
  if (net_paths_init (state_dir, &paths, err) < 0)
    return -1;
  _cleanup_close_ int lock = net_lock (&paths, err);
  if (lock < 0)
    return -1;
  _cleanup_ipam_ struct ipam ipam = { 0 };
  _cleanup_nlsock_ struct nl_sock *sk = NULL;
  _cleanup_nft_ struct nft_ctx *nft = NULL;
  if (ipam_load (paths.leases, &ipam, err) < 0 || nlsock_open (&sk, err) < 0
      || nat_open (&nft, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);

  char veth[16];
  int i = ipam_find (&ipam, container_id);
  if (i >= 0 && ipam.leases[i].veth[0])
    snprintf (veth, sizeof veth, "%s", ipam.leases[i].veth);
  else
    net_veth_name (container_id, veth);
  /* A saved lease lists its published ports; without a lease (a detach
   * again, or state lost) the rules are looked for anyway. */
  bool may_have_rules = i < 0 || ipam.leases[i].ports != NULL;
  bool released = ipam_release (&ipam, container_id);

  /* nftables first, the veth second: both deletions wait for an RCU grace
   * period (the table's when the nft socket closes, the link's inside
   * RTM_DELLINK), and in this order the two waits overlap instead of adding
   * up. With no lease left the whole table goes, this container's rules with it. */
  if (ipam.n == 0)
    {
      if (remove_shared_if_unused (&ipam, nft, err) < 0)
        return mk_error_wrap (err, "detach container `%s`: remove the unused nftables table",
                              container_id);
    }
  else if (may_have_rules && nat_remove_container (nft, container_id, NULL, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);

  /* The veth usually went with the container's netns; delete it if not. */
  if (link_delete_by_name (sk, veth, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);
  if (released && ipam_save (paths.leases, &ipam, err) < 0)
    return mk_error_wrap (err, "detach container `%s`", container_id);
  return 0;
}

int
network_list (const char *state_dir, struct net_lease **out, size_t *n, mk_error **err)
{
  __attribute__ ((cleanup (net_paths_free))) struct net_paths paths = { 0 };
  paths.dir = path_join (state_dir, "network");
  paths.leases = path_join (paths.dir, "leases.json");
  _cleanup_ipam_ struct ipam ipam = { 0 };
  /* Readers take no lock: the file is replaced atomically. */
  if (ipam_load (paths.leases, &ipam, err) < 0)
    return -1;
  struct net_lease *v = xzalloc ((ipam.n + 1) * sizeof *v);
  for (size_t i = 0; i < ipam.n; i++)
    lease_fill (&ipam, &ipam.leases[i], &v[i]);
  *out = v;
  *n = ipam.n;
  return 0;
}
