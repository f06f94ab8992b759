/* A container's user-defined networks (`run --network NAME`, `network
 * connect`): <container dir>/networks.json, {"networks": [{"name": "n1",
 * "aliases": ["db"]}]}, rewritten atomically by run, connect and disconnect.
 * Each start attaches the container to each of them (launch.c), after the
 * default bridge when NetworkMode is "bridge". Peers find each other by
 * name through /etc/hosts (ctr_hosts_refresh). docs/networking.md. */
#ifndef MOCKER_CONTAINER_NETWORKS_H
#define MOCKER_CONTAINER_NETWORKS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct container;
struct store;

struct ctr_network
{
  char *name;
  char **aliases;  /* may be NULL */
};

struct ctr_networks
{
  struct ctr_network *v;
  size_t n;
};

void ctr_networks_clear (struct ctr_networks *l);
/* A missing file is no network. */
int ctr_networks_load (const char *ctr_dir, struct ctr_networks *out, mk_error **err);
int ctr_networks_save (const char *ctr_dir, const struct ctr_networks *l, mk_error **err);
int ctr_networks_find (const struct ctr_networks *l, const char *name);  /* index or -1 */
void ctr_networks_add (struct ctr_networks *l, const char *name, char *const *aliases);
void ctr_networks_remove (struct ctr_networks *l, const char *name);
/* Whether networks.json lists a network (an unreadable file counts as one:
 * the callers then refresh rather than skip). */
bool ctr_networks_any (const char *ctr_dir);

/* Rewrites /etc/hosts of every container attached to a user-defined network
 * (and of also_id, which may have just left one): its own lines, then one
 * line per peer on each of its networks, "IP\tNAME ALIAS... SHORT_ID".
 * Under the network lock; the files are rewritten in place (bind-mounted). */
int ctr_hosts_refresh (struct store *s, const char *also_id, mk_error **err);

/* "Networks": Docker's NetworkSettings.Networks of the container: one entry
 * per network it is on (bridge, or its user-defined ones) with NetworkID,
 * Aliases and, while it has a lease, IPAddress, IPPrefixLen, Gateway and
 * MacAddress. */
struct json_gen;
void ctr_gen_networks (struct json_gen *g, struct store *s, const struct container *c);

#endif
