/* Container networking for mocker (tier 2): a bridge, one veth pair per
 * container, address leases, NAT and published ports with nftables, and the
 * container's /etc/hosts, /etc/hostname and /etc/resolv.conf.
 *
 * mocker never creates namespaces: the runtime creates the container with a
 * new network namespace, and before `start` mocker wires it, reached as
 * /proc/<init pid>/ns/net (the way CNI plugins work). The monitor calls
 * network_detach() when the container stops. See docs/networking.md.
 *
 * Everything here acts on the network namespace of the calling process (the
 * "host") and on the container's namespace through a file descriptor; the
 * calling process never switches namespaces.
 */
#ifndef MK_NETWORK_H
#define MK_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define NET_BRIDGE_NAME "mocker0"
#define NET_ID_MAX 64  /* longest container id accepted */

/* One published port: -p [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]. */
struct port_map
{
  char host_ip[16];        /* "" = every host address */
  uint16_t host_port;
  uint16_t container_port;
  char proto[4];           /* "tcp" or "udp" */
};

/* Parses one -p value; the error names the value and what is wrong. */
int port_map_parse (const char *s, struct port_map *out, mk_error **err);
/* "0.0.0.0:8080->80/tcp" as docker ps shows it (buf of 48 bytes is enough). */
void port_map_format (const struct port_map *p, char *buf, size_t size);

struct net_attach_opts
{
  const char *container_id;      /* [A-Za-z0-9_.-], at most NET_ID_MAX */
  const char *netns_path;        /* the container's netns: /proc/<pid>/ns/net */
  const struct port_map *ports;  /* published ports, may be NULL */
  size_t n_ports;
  const char *network;           /* a user-defined network; NULL: the default bridge */
  char *const *aliases;          /* its --network-alias names, may be NULL */
};

/* What a container got; also one entry of network_list(). */
struct net_lease
{
  char id[NET_ID_MAX + 1];
  char ip[16];          /* "10.89.0.2" */
  char gateway[16];     /* the bridge's address */
  char subnet[19];      /* "10.89.0.0/16" */
  int prefix_len;
  char mac[18];         /* "02:6d:0a:59:00:02" */
  char veth[16];        /* host side: "vethmk1a2b3c4d" */
  char bridge[16];
  char network[65];     /* "bridge" or the user-defined network's name */
  char ifname[16];      /* inside: "eth0", "eth1"... */
};

/* Wires the container's netns to the bridge: makes the bridge, the NAT table
 * and forwarding if missing, leases the lowest free address, creates the veth
 * pair (eth0 inside, with address, MAC and default route; lo up), and adds
 * DNAT rules for the published ports. Serialized by a lock in state_dir.
 * On failure nothing it made is left behind. */
int network_attach (const char *state_dir, const struct net_attach_opts *o,
                    struct net_lease *out, mk_error **err);

/* Undoes network_attach: deletes the container's nftables rules (found by
 * their comment), the host-side veth if it still exists, and the lease. When
 * the last lease goes, the `ip mocker` table goes too (the bridge stays).
 * Detaching a container that is not attached succeeds (idempotent).
 * network_detach: from the default bridge and every user-defined network;
 * network_detach_from: from one network (NULL or "bridge": the default). */
int network_detach (const char *state_dir, const char *container_id, mk_error **err);
int network_detach_from (const char *state_dir, const char *network, const char *container_id,
                         mk_error **err);

/* `mocker network create`: a bridge of its own ("mk-" + 12 hex of the id)
 * with the gateway address, its nftables table (NAT, isolation from the
 * other bridges), and the definition (netdef.h), all under the lock; on
 * failure nothing is left. subnet/gateway NULL: chosen (a pool subnet the
 * host and the other networks do not use; its first address). */
struct net_def;
int network_create (const char *state_dir, const char *name, const char *subnet,
                    const char *gateway, char *const *labels, struct net_def *out,
                    mk_error **err);
/* Deletes the table, the bridge and the definition; refused (EBUSY) while a
 * container is attached. */
int network_remove (const char *state_dir, const char *name, mk_error **err);
/* `network prune`: removes every user-defined network no container is
 * attached to; *deleted gets their names (a strv, may stay NULL). */
int network_prune (const char *state_dir, char ***deleted, mk_error **err);

/* The leases in state_dir (for `mocker network ls`, and for reclaiming the
 * leases of containers whose record is gone: network_detach them). *out is
 * a heap array of *n entries (free() it). */
int network_list (const char *state_dir, struct net_lease **out, size_t *n, mk_error **err);

/* --network none: only sets lo up in the container's netns. */
int network_loopback_up (const char *netns_path, mk_error **err);

/* The container's /etc files in dir: `hosts`, `hostname` and `resolv.conf`
 * (the caller bind-mounts them). New files are written atomically; existing
 * ones are rewritten in place, so calling it again after network_attach (to
 * add the address to hosts) reaches files already bind-mounted by `create`. */
struct net_etc_opts
{
  const char *hostname;       /* required */
  const char *name;           /* container name, added to hosts; may be NULL */
  const char *ip;             /* the container's address; NULL with --network none */
  bool host_network;          /* --network host: the host's hosts/resolv.conf as they are */
  const char *host_resolv;    /* NULL = /etc/resolv.conf (tests point elsewhere) */
  const char *resolved_resolv;/* NULL = /run/systemd/resolve/resolv.conf */
  const char *host_hosts;     /* NULL = /etc/hosts (for host_network) */
  /* --add-host "HOST:IP", --dns, --dns-search, --dns-option (may be NULL) */
  char *const *extra_hosts, *const *dns, *const *dns_search, *const *dns_options;
};
int network_write_etc_files (const char *dir, const struct net_etc_opts *o, mk_error **err);
/* The hosts text network_write_etc_files writes (not for host_network). */
char *network_render_hosts (const struct net_etc_opts *o);

#endif
