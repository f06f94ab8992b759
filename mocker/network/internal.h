/* The pieces of mocker/network, shared between its files and the unit tests.
 * Users of the network go through network.h. */
#ifndef MK_NETWORK_INTERNAL_H
#define MK_NETWORK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mocker/network/network.h"

struct nl_sock;
struct nft_ctx;

/* ---- ipam.c: IPv4 prefixes and the lease file ---- */

struct ipv4_net
{
  uint32_t addr;  /* host byte order, host bits cleared */
  int prefix;
};

int ipv4_parse (const char *s, uint32_t *out);                  /* -1 if not a dotted quad */
void ipv4_format (uint32_t a, char buf[16]);
uint32_t ipv4_mask (int prefix);
/* "10.89.0.0/16"; host bits set, a prefix outside 8..30 or junk is an error. */
int ipv4_net_parse (const char *s, struct ipv4_net *out, mk_error **err);
void ipv4_net_format (const struct ipv4_net *n, char buf[19]);
bool ipv4_net_overlaps (const struct ipv4_net *a, const struct ipv4_net *b);
bool ipv4_net_contains (const struct ipv4_net *n, uint32_t a);
/* The bridge's address: the first host of the subnet. */
static inline uint32_t ipv4_net_gateway (const struct ipv4_net *n) { return n->addr + 1; }

/* The first candidate subnet that overlaps none of `used`. */
int ipam_pick_subnet (const struct ipv4_net *used, size_t n_used, struct ipv4_net *out,
                      mk_error **err);
/* The same for a user-defined network, from Docker's pools: 172.18.0.0/16 to
 * 172.31.0.0/16, then 192.168.0.0/20 to 192.168.240.0/20. */
int ipam_pick_user_subnet (const struct ipv4_net *used, size_t n_used, struct ipv4_net *out,
                           mk_error **err);

struct ipam_lease
{
  char id[NET_ID_MAX + 1];
  uint32_t ip;
  char veth[16];
  char **ports;  /* formatted port maps, NULL-terminated, may be NULL */
  char **aliases;/* --network-alias / connect --alias (user networks), may be NULL */
};

struct ipam
{
  bool has_subnet;
  struct ipv4_net subnet;
  uint32_t gateway;  /* 0: the subnet's first address (never leased) */
  struct ipam_lease *leases;
  size_t n;
};

void ipam_free (struct ipam *ipam);
#define _cleanup_ipam_ __attribute__ ((cleanup (ipam_free)))
/* A missing file is an empty ipam. The caller holds the lock. */
int ipam_load (const char *path, struct ipam *out, mk_error **err);
int ipam_save (const char *path, const struct ipam *ipam, mk_error **err);
int ipam_find (const struct ipam *ipam, const char *id);        /* index or -1 */
/* Leases the lowest free host address (not the network, the gateway or the
 * broadcast address) to id, which must not have a lease yet. */
int ipam_allocate (struct ipam *ipam, const char *id, uint32_t *ip, mk_error **err);
bool ipam_release (struct ipam *ipam, const char *id);

/* A container id usable in names, file entries and rule comments. */
int net_check_id (const char *id, mk_error **err);
/* Host-side veth name derived from the id: "vethmk" + 8 hex digits; on a
 * user-defined network, from the id and the network's id. */
void net_veth_name (const char *id, char buf[16]);
void net_veth_name_on (const char *id, const char *net_id, char buf[16]);
/* Locally administered MAC derived from the address: 02:6d:a:b:c:d. */
void net_mac_for_ip (uint32_t ip, uint8_t mac[6]);

/* ---- nlsock.c: netlink sockets, in our netns or in another one ---- */

int nlsock_open (struct nl_sock **out, mk_error **err);
/* A NETLINK_ROUTE socket living in the netns of netns_fd, made by a short
 * thread that setns() into it: the calling thread never switches. */
int nlsock_open_in (int netns_fd, struct nl_sock **out, mk_error **err);
void cleanup_nlsockp (struct nl_sock **sk);
#define _cleanup_nlsock_ __attribute__ ((cleanup (cleanup_nlsockp)))
/* libnl's error (a negative NLE_ code) as an mk_error. */
int nl_error_set (mk_error **err, int nlerr, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* ---- loopback.c (plain libc: the light binary links it too) ---- */

/* Opens a netns file and checks that it is a network namespace other than ours. */
int netns_open (const char *path, mk_error **err);

/* ---- bridge.c ---- */

/* The IPv4 prefixes of the addresses and routes of this netns (default routes
 * and everything on skip_ifname left out). */
int host_used_prefixes (struct nl_sock *sk, const char *skip_ifname, struct ipv4_net **out,
                        size_t *n, mk_error **err);
/* Makes the bridge `name` if missing and gives it the gateway address of the
 * subnet (*want if given, else MOCKER_SUBNET, else the first free candidate);
 * a bridge that exists keeps its address and *got says which. Sets it up,
 * enables forwarding and route_localnet on it. */
int bridge_ensure (struct nl_sock *sk, const char *name, const struct ipv4_net *want,
                   struct ipv4_net *got, int *ifindex, mk_error **err);
/* The same with a given subnet and gateway (a user-defined network). */
int bridge_ensure_at (struct nl_sock *sk, const char *name, const struct ipv4_net *subnet,
                      uint32_t gateway, int *ifindex, mk_error **err);
/* Deletes a link by name; a missing one is fine. */
int link_delete_by_name (struct nl_sock *sk, const char *name, mk_error **err);

/* ---- veth.c ---- */

struct veth_config
{
  const char *host_name;
  const char *ifname;    /* inside: "eth0", "eth1"... */
  bool default_route;    /* only on the first network */
  int bridge_ifindex;
  uint32_t ip, gateway;
  int prefix;
  uint8_t mac[6];
};
/* Creates the pair with its peer born as c->ifname in the container netns
 * (netns_fd), sets its address, MAC, default route, lo up (through inside, a
 * socket in that netns: nlsock_open_in), and the host side on the bridge. */
int veth_create (struct nl_sock *host, struct nl_sock *inside, int netns_fd,
                 const struct veth_config *c, mk_error **err);
int link_set_up (struct nl_sock *sk, const char *name, mk_error **err);
/* The first ethN the container's netns (inside: a socket there) does not
 * have yet. */
int veth_free_ifname (struct nl_sock *inside, char buf[16], mk_error **err);

/* ---- nat.c: the `ip mocker` table, through libnftables ---- */

int nat_open (struct nft_ctx **out, mk_error **err);
void cleanup_nftp (struct nft_ctx **ctx);
#define _cleanup_nft_ __attribute__ ((cleanup (cleanup_nftp)))
/* The table, chains and the rules shared by every container (masquerade,
 * forward accept, localhost hairpin); adds only what is missing. */
/* table: NAT_TABLE for the default bridge, the bridge's name for a
 * user-defined network (isolate: its traffic to other mocker bridges dropped). */
#define NAT_TABLE "mocker"
int nat_ensure (struct nft_ctx *nft, const char *table, const struct ipv4_net *subnet,
                const char *bridge, bool isolate, mk_error **err);
/* DNAT rules for the ports, each with the comment "mocker:<id>". */
int nat_add_ports (struct nft_ctx *nft, const char *table, const char *id, uint32_t ip,
                   const struct port_map *p, size_t n, mk_error **err);
/* Deletes every rule whose comment is "mocker:<id>"; *removed (optional) counts them. */
int nat_remove_container (struct nft_ctx *nft, const char *table, const char *id,
                          size_t *removed, mk_error **err);
int nat_remove_table (struct nft_ctx *nft, const char *table, mk_error **err);

/* ---- dns.c ---- */

/* True when every nameserver is systemd-resolved's stub (127.0.0.53/54). */
bool resolv_is_systemd_stub (const char *text);
/* The text without loopback and IPv6 nameservers (the container has neither);
 * *kept (optional) counts the nameservers left. */
char *resolv_rewrite (const char *text, size_t *kept);
char *hosts_render (const char *hostname, const char *name, const char *ip);

/* ---- dns_opts.c ---- */

/* resolv.conf text with --dns / --dns-search / --dns-option applied (each
 * given kind replaces the host's; none given: the text as is). */
char *resolv_apply_opts (const char *text, char *const *dns, char *const *search,
                         char *const *options);
/* Appends "IP\tHOST" for each --add-host "HOST:IP" to *text. */
void hosts_append_extra (char **text, char *const *extra_hosts);
/* hosts_render with --add-host "HOST:IP" lines before the container's own. */
char *hosts_render_extra (const char *hostname, const char *name, const char *ip,
                          char *const *extra_hosts);

#endif
