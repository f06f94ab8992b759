/* The bridge every container's veth joins (libnl-route-3), its gateway
 * address in a subnet the host does not use, and IPv4 forwarding. */
#include "mocker/network/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

static void cleanup_cachep (struct nl_cache **c) { if (*c) nl_cache_free (*c); }
static void cleanup_linkp (struct rtnl_link **l) { if (*l) rtnl_link_put (*l); }
static void cleanup_addrp (struct rtnl_addr **a) { if (*a) rtnl_addr_put (*a); }
static void cleanup_nladdrp (struct nl_addr **a) { if (*a) nl_addr_put (*a); }
#define _cleanup_cache_ __attribute__ ((cleanup (cleanup_cachep)))
#define _cleanup_link_ __attribute__ ((cleanup (cleanup_linkp)))
#define _cleanup_addr_ __attribute__ ((cleanup (cleanup_addrp)))
#define _cleanup_nladdr_ __attribute__ ((cleanup (cleanup_nladdrp)))

/* An nl_addr's IPv4 prefix; false for other families. */
static bool
nladdr_to_net (struct nl_addr *a, struct ipv4_net *out)
{
  if (a == NULL || nl_addr_get_family (a) != AF_INET || nl_addr_get_len (a) != 4)
    return false;
  uint32_t be;
  memcpy (&be, nl_addr_get_binary_addr (a), 4);
  out->prefix = nl_addr_get_prefixlen (a);
  out->addr = ntohl (be) & ipv4_mask (out->prefix);
  return true;
}

static int
ifindex_of (struct nl_sock *sk, const char *name)
{
  _cleanup_link_ struct rtnl_link *l = NULL;
  if (name == NULL || rtnl_link_get_kernel (sk, 0, name, &l) < 0)
    return 0;
  return rtnl_link_get_ifindex (l);
}

int
host_used_prefixes (struct nl_sock *sk, const char *skip_ifname, struct ipv4_net **out,
                    size_t *n, mk_error **err)
{
  int skip = ifindex_of (sk, skip_ifname);
  _cleanup_cache_ struct nl_cache *addrs = NULL, *routes = NULL;
  int r = rtnl_addr_alloc_cache (sk, &addrs);
  if (r < 0)
    return nl_error_set (err, r, "list the host's addresses");
  r = rtnl_route_alloc_cache (sk, AF_INET, 0, &routes);
  if (r < 0)
    return nl_error_set (err, r, "list the host's routes");

  size_t cap = nl_cache_nitems (addrs) + nl_cache_nitems (routes) + 1, len = 0;
  struct ipv4_net *v = xmalloc (cap * sizeof *v);
  for (struct nl_object *o = nl_cache_get_first (addrs); o; o = nl_cache_get_next (o))
    {
      struct rtnl_addr *a = (struct rtnl_addr *) o;
      if (rtnl_addr_get_ifindex (a) == skip && skip)
        continue;
      struct ipv4_net net;
      if (nladdr_to_net (rtnl_addr_get_local (a), &net))
        {
          /* The address's prefix length, not the /32 of the local address. */
          net.prefix = rtnl_addr_get_prefixlen (a);
          net.addr &= ipv4_mask (net.prefix);
          v[len++] = net;
        }
    }
  for (struct nl_object *o = nl_cache_get_first (routes); o; o = nl_cache_get_next (o))
    {
      struct rtnl_route *rt = (struct rtnl_route *) o;
      struct rtnl_nexthop *nh = rtnl_route_get_nnexthops (rt) > 0 ? rtnl_route_nexthop_n (rt, 0) : NULL;
      if (nh && skip && rtnl_route_nh_get_ifindex (nh) == skip)
        continue;
      struct ipv4_net net;
      if (nladdr_to_net (rtnl_route_get_dst (rt), &net) && net.prefix > 0)
        v[len++] = net;
    }
  *out = v;
  *n = len;
  return 0;
}

int
link_delete_by_name (struct nl_sock *sk, const char *name, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *l = rtnl_link_alloc ();
  rtnl_link_set_name (l, name);
  int r = rtnl_link_delete (sk, l);
  if (r < 0 && r != -NLE_NODEV && r != -NLE_OBJ_NOTFOUND)
    return nl_error_set (err, r, "delete link `%s`", name);
  return 0;
}

/* The subnet of the bridge's first IPv4 address, if it has one. */
static bool
bridge_subnet (struct nl_sock *sk, int ifindex, struct ipv4_net *out)
{
  _cleanup_cache_ struct nl_cache *addrs = NULL;
  if (rtnl_addr_alloc_cache (sk, &addrs) < 0)
    return false;
  for (struct nl_object *o = nl_cache_get_first (addrs); o; o = nl_cache_get_next (o))
    {
      struct rtnl_addr *a = (struct rtnl_addr *) o;
      if (rtnl_addr_get_ifindex (a) == ifindex && nladdr_to_net (rtnl_addr_get_local (a), out))
        {
          out->prefix = rtnl_addr_get_prefixlen (a);
          out->addr &= ipv4_mask (out->prefix);
          return true;
        }
    }
  return false;
}

static int
choose_subnet (struct nl_sock *sk, const char *bridge, const struct ipv4_net *want,
               struct ipv4_net *out, mk_error **err)
{
  if (want)
    {
      *out = *want;
      return 0;
    }
  const char *env = getenv ("MOCKER_SUBNET");
  if (env && *env)
    {
      if (ipv4_net_parse (env, out, err) < 0)
        return mk_error_wrap (err, "MOCKER_SUBNET");
      return 0;
    }
  _cleanup_free_ struct ipv4_net *used = NULL;
  size_t n_used;
  if (host_used_prefixes (sk, bridge, &used, &n_used, err) < 0)
    return -1;
  return ipam_pick_subnet (used, n_used, out, err);
}

static int
add_gateway_address (struct nl_sock *sk, int ifindex, const struct ipv4_net *net, uint32_t gw,
                     mk_error **err)
{
  uint32_t be = htonl (gw);
  uint32_t bcast = htonl (net->addr | ~ipv4_mask (net->prefix));
  _cleanup_nladdr_ struct nl_addr *local = nl_addr_build (AF_INET, &be, 4);
  _cleanup_nladdr_ struct nl_addr *brd = nl_addr_build (AF_INET, &bcast, 4);
  _cleanup_addr_ struct rtnl_addr *a = rtnl_addr_alloc ();
  if (local == NULL || brd == NULL || a == NULL)
    abort ();
  nl_addr_set_prefixlen (local, net->prefix);
  rtnl_addr_set_ifindex (a, ifindex);
  rtnl_addr_set_local (a, local);
  rtnl_addr_set_broadcast (a, brd);
  int r = rtnl_addr_add (sk, a, 0);
  if (r < 0 && r != -NLE_EXIST)
    {
      char s[19];
      ipv4_net_format (net, s);
      return nl_error_set (err, r, "give bridge the gateway address of %s", s);
    }
  return 0;
}

int
link_set_up (struct nl_sock *sk, const char *name, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *l = NULL;
  int r = rtnl_link_get_kernel (sk, 0, name, &l);
  if (r < 0)
    return nl_error_set (err, r, "find link `%s`", name);
  if (rtnl_link_get_flags (l) & IFF_UP)
    return 0;
  _cleanup_link_ struct rtnl_link *change = rtnl_link_alloc ();
  rtnl_link_set_flags (change, IFF_UP);
  r = rtnl_link_change (sk, l, change, 0);
  if (r < 0)
    return nl_error_set (err, r, "set link `%s` up", name);
  return 0;
}

static int
create_bridge (struct nl_sock *sk, const char *name, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *l = rtnl_link_alloc ();
  rtnl_link_set_name (l, name);
  int r = rtnl_link_set_type (l, "bridge");
  if (r < 0)
    return nl_error_set (err, r, "bridge `%s`", name);
  r = rtnl_link_add (sk, l, NLM_F_CREATE | NLM_F_EXCL);
  if (r < 0 && r != -NLE_EXIST)
    return nl_error_set (err, r, "create bridge `%s`", name);
  return 0;
}

/* The bridge `name`, made if missing; *ifindex. */
static int
bridge_get (struct nl_sock *sk, const char *name, int *ifindex, mk_error **err)
{
  _cleanup_link_ struct rtnl_link *l = NULL;
  int r = rtnl_link_get_kernel (sk, 0, name, &l);
  if (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND)
    {
      if (create_bridge (sk, name, err) < 0)
        return -1;
      r = rtnl_link_get_kernel (sk, 0, name, &l);
    }
  if (r < 0)
    return nl_error_set (err, r, "find bridge `%s`", name);
  const char *type = rtnl_link_get_type (l);
  if (type == NULL || strcmp (type, "bridge") != 0)
    return mk_error_set (err, 0, "link `%s` exists and is not a bridge", name);
  *ifindex = rtnl_link_get_ifindex (l);
  return 0;
}

/* Up, with forwarding (in this netns only, left on) and route_localnet so
 * DNAT of 127.0.0.1 towards the bridge is not dropped as a martian (the
 * source is masqueraded to the gateway, see nat.c). */
static int
bridge_finish (struct nl_sock *sk, const char *name, mk_error **err)
{
  if (link_set_up (sk, name, err) < 0)
    return -1;
  if (write_file_string ("/proc/sys/net/ipv4/ip_forward", "1", err) < 0)
    return mk_error_wrap (err, "enable IPv4 forwarding");
  _cleanup_free_ char *knob = xasprintf ("/proc/sys/net/ipv4/conf/%s/route_localnet", name);
  if (write_file_string (knob, "1", err) < 0)
    return mk_error_wrap (err, "enable route_localnet on `%s`", name);
  return 0;
}

int
bridge_ensure (struct nl_sock *sk, const char *name, const struct ipv4_net *want,
               struct ipv4_net *got, int *ifindex, mk_error **err)
{
  if (bridge_get (sk, name, ifindex, err) < 0)
    return -1;
  if (!bridge_subnet (sk, *ifindex, got))
    {
      if (choose_subnet (sk, name, want, got, err) < 0
          || add_gateway_address (sk, *ifindex, got, ipv4_net_gateway (got), err) < 0)
        return mk_error_wrap (err, "bridge `%s`", name);
    }
  return bridge_finish (sk, name, err);
}

int
bridge_ensure_at (struct nl_sock *sk, const char *name, const struct ipv4_net *subnet,
                  uint32_t gateway, int *ifindex, mk_error **err)
{
  if (bridge_get (sk, name, ifindex, err) < 0)
    return -1;
  struct ipv4_net have;
  if (!bridge_subnet (sk, *ifindex, &have)
      && add_gateway_address (sk, *ifindex, subnet, gateway, err) < 0)
    return mk_error_wrap (err, "bridge `%s`", name);
  return bridge_finish (sk, name, err);
}
