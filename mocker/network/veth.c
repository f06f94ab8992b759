/* One veth pair per container: the host side on the bridge, the peer born as
 * eth0 inside the container's netns (the kernel creates it there directly
 * from the namespace fd, so it never appears in the host's namespace). Inside,
 * through a socket that lives in that netns: address, MAC, up, default route
 * via the bridge, and lo up. */
#include "mocker/network/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "common/util.h"

static void cleanup_linkp (struct rtnl_link **l) { if (*l) rtnl_link_put (*l); }
static void cleanup_addrp (struct rtnl_addr **a) { if (*a) rtnl_addr_put (*a); }
static void cleanup_nladdrp (struct nl_addr **a) { if (*a) nl_addr_put (*a); }
static void cleanup_routep (struct rtnl_route **r) { if (*r) rtnl_route_put (*r); }
#define _cleanup_link_ __attribute__ ((cleanup (cleanup_linkp)))
#define _cleanup_addr_ __attribute__ ((cleanup (cleanup_addrp)))
#define _cleanup_nladdr_ __attribute__ ((cleanup (cleanup_nladdrp)))
#define _cleanup_route_ __attribute__ ((cleanup (cleanup_routep)))

static struct nl_addr *
ipv4_nladdr (uint32_t a, int prefix)
{
  uint32_t be = htonl (a);
  struct nl_addr *n = nl_addr_build (AF_INET, &be, 4);
  if (n == NULL)
    abort ();
  nl_addr_set_prefixlen (n, prefix);
  return n;
}

static int
create_pair (struct nl_sock *host, int netns_fd, const struct veth_config *c, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *veth = rtnl_link_veth_alloc ();
  if (veth == NULL)
    abort ();
  _cleanup_link_ struct rtnl_link *peer = rtnl_link_veth_get_peer (veth);
  _cleanup_nladdr_ struct nl_addr *mac = nl_addr_build (AF_LLC, c->mac, 6);
  if (mac == NULL)
    abort ();
  rtnl_link_set_name (veth, c->host_name);
  rtnl_link_set_master (veth, c->bridge_ifindex);
  rtnl_link_set_name (peer, c->ifname);
  rtnl_link_set_addr (peer, mac);
  rtnl_link_set_ns_fd (peer, netns_fd);
  int r = rtnl_link_add (host, veth, NLM_F_CREATE | NLM_F_EXCL);
  if (r == -NLE_EXIST)
    return mk_error_set (err, EEXIST, "create veth pair `%s` / %s: the host already has `%s` "
                         "or the container already has an %s", c->host_name, c->ifname,
                         c->host_name, c->ifname);
  if (r < 0)
    return nl_error_set (err, r, "create veth pair `%s` / %s", c->host_name, c->ifname);
  return 0;
}

static int
add_address (struct nl_sock *sk, int ifindex, const struct veth_config *c, mk_error **err)
{
  _cleanup_nladdr_ struct nl_addr *local = ipv4_nladdr (c->ip, c->prefix);
  _cleanup_nladdr_ struct nl_addr *brd = ipv4_nladdr (c->ip | ~ipv4_mask (c->prefix), 32);
  _cleanup_addr_ struct rtnl_addr *a = rtnl_addr_alloc ();
  rtnl_addr_set_ifindex (a, ifindex);
  rtnl_addr_set_local (a, local);
  rtnl_addr_set_broadcast (a, brd);
  int r = rtnl_addr_add (sk, a, 0);
  if (r < 0)
    return nl_error_set (err, r, "add the address to %s", c->ifname);
  return 0;
}

static int
add_default_route (struct nl_sock *sk, int ifindex, uint32_t gateway, mk_error **err)
{
  _cleanup_route_ struct rtnl_route *rt = rtnl_route_alloc ();
  _cleanup_nladdr_ struct nl_addr *dst = ipv4_nladdr (0, 0);
  _cleanup_nladdr_ struct nl_addr *gw = ipv4_nladdr (gateway, 32);
  struct rtnl_nexthop *nh = rtnl_route_nh_alloc ();
  if (rt == NULL || nh == NULL)
    abort ();
  rtnl_route_set_family (rt, AF_INET);
  rtnl_route_set_table (rt, RT_TABLE_MAIN);
  rtnl_route_set_protocol (rt, RTPROT_STATIC);
  rtnl_route_set_scope (rt, RT_SCOPE_UNIVERSE);
  rtnl_route_set_dst (rt, dst);
  rtnl_route_nh_set_ifindex (nh, ifindex);
  rtnl_route_nh_set_gateway (nh, gw);
  rtnl_route_add_nexthop (rt, nh);  /* the route owns nh now */
  int r = rtnl_route_add (sk, rt, NLM_F_CREATE | NLM_F_EXCL);
  if (r < 0)
    return nl_error_set (err, r, "add the default route in the container");
  return 0;
}

/* ethN and lo inside the container, through a socket living in its netns. */
static int
configure_inside (struct nl_sock *sk, const struct veth_config *c, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *eth0 = NULL;
  int r = rtnl_link_get_kernel (sk, 0, c->ifname, &eth0);
  if (r < 0)
    return nl_error_set (err, r, "find %s in the container", c->ifname);
  int ifindex = rtnl_link_get_ifindex (eth0);
  if (add_address (sk, ifindex, c, err) < 0 || link_set_up (sk, c->ifname, err) < 0
      || link_set_up (sk, "lo", err) < 0
      || (c->default_route && add_default_route (sk, ifindex, c->gateway, err) < 0))
    return -1;
  return 0;
}

int
veth_free_ifname (struct nl_sock *sk, char buf[16], mk_error **err)
{
  for (int i = 0; i < 100; i++)
    {
      snprintf (buf, 16, "eth%d", i);
      _cleanup_link_ struct rtnl_link *l = NULL;
      if (rtnl_link_get_kernel (sk, 0, buf, &l) < 0)
        return 0;
    }
  return mk_error_set (err, 0, "the container has eth0 to eth99 already");
}

int
veth_create (struct nl_sock *host, struct nl_sock *inside, int netns_fd,
             const struct veth_config *c, mk_error **err)
{
  if (create_pair (host, netns_fd, c, err) < 0)
    return -1;
  if (configure_inside (inside, c, err) < 0 || link_set_up (host, c->host_name, err) < 0)
    {
      /* Deleting one end deletes the pair. */
      link_delete_by_name (host, c->host_name, NULL);
      return -1;
    }
  return 0;
}
