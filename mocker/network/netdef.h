/* User-defined networks (`mocker network create`): their definitions in the
 * store, read by the light binary too (`run --network NAME`, /etc/hosts of
 * peers). Plain libc and yajl: no libnl, no libnftables here.
 *
 *   <state_dir>/network/networks/<name>/config.json   the definition
 *   <state_dir>/network/networks/<name>/leases.json   its leases (ipam.c)
 *
 * Everything under <state_dir>/network changes under one flock,
 * <state_dir>/network/lock (network_lock). See docs/networking.md. */
#ifndef MK_NETWORK_NETDEF_H
#define MK_NETWORK_NETDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define NET_NAME_MAX 64

struct net_def
{
  char name[NET_NAME_MAX + 1];
  char id[65];          /* 64 hex */
  char driver[16];      /* "bridge" */
  char subnet[19];      /* "172.18.0.0/16" */
  char gateway[16];     /* "172.18.0.1" */
  char bridge[16];      /* "mk-" + 12 hex of the id */
  char table[16];       /* the nftables table: the bridge's name */
  char created[40];     /* RFC 3339 */
  char **labels;        /* "KEY=VALUE", NULL-terminated, may be NULL */
};

void net_def_clear (struct net_def *d);
void net_defs_free (struct net_def *v, size_t n);

/* Docker's names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most NET_NAME_MAX. */
bool net_name_valid (const char *name);
/* bridge, host, none (and default): not user-defined networks. */
bool net_name_predefined (const char *name);

/* A stable id for bridge, host and none of this store (Docker makes a
 * random one per daemon). */
void net_predefined_id (const char *state_dir, const char *name, char out[65]);

char *net_defs_dir (const char *state_dir);
char *net_def_dir (const char *state_dir, const char *name);
char *net_def_leases (const char *state_dir, const char *name);

/* The network lock (exclusive); returns the fd to close. */
int network_lock (const char *state_dir, mk_error **err);

/* ENOENT: "network `NAME` not found". */
int net_def_load (const char *state_dir, const char *name, struct net_def *out, mk_error **err);
/* By name, full id or unique id prefix (as Docker's inspect/rm). */
int net_def_find (const char *state_dir, const char *ref, struct net_def *out, mk_error **err);
/* Every definition, sorted by name. */
int net_def_list (const char *state_dir, struct net_def **out, size_t *n, mk_error **err);
/* Writes config.json atomically (the caller holds the lock). */
int net_def_save (const char *state_dir, const struct net_def *d, mk_error **err);

/* One container's attachment to a network, as leases.json keeps it. */
struct net_peer
{
  char id[65];
  char ip[16];
  char **aliases;
};
/* The leases of a user network (no lock: the file is replaced atomically). */
int net_def_peers (const char *state_dir, const char *name, struct net_peer **out, size_t *n,
                   mk_error **err);
void net_peers_free (struct net_peer *v, size_t n);

#endif
