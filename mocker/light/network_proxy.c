/* network_attach() and network_detach() in the light mocker binary (run,
 * start, rm, _cleanup): the same names and header as mocker/network/, done
 * by `mocker-net network attach|detach` (the network commands linked with
 * libnl and libnftables only: it starts in ~1 ms where mocker-heavy takes ~8),
 * whose lease JSON is parsed back here: only marshalling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/light/heavy.h"
#include "mocker/mocker.h"
#include "mocker/network/network.h"

struct attach_job
{
  struct net_lease *out;
  mk_error *err;
  bool done;
};

static void
attach_line (char *line, void *opaque)
{
  struct attach_job *j = opaque;
  _cleanup_json_ yajl_val v = NULL;
  if (j->done || json_parse (line, strlen (line), "network attach output", &v, &j->err) < 0)
    return;
  struct net_lease *l = j->out;
  json_copy_str (v, "id", l->id, sizeof l->id);
  json_copy_str (v, "ip", l->ip, sizeof l->ip);
  json_copy_str (v, "gateway", l->gateway, sizeof l->gateway);
  json_copy_str (v, "subnet", l->subnet, sizeof l->subnet);
  json_copy_str (v, "mac", l->mac, sizeof l->mac);
  json_copy_str (v, "veth", l->veth, sizeof l->veth);
  json_copy_str (v, "bridge", l->bridge, sizeof l->bridge);
  json_copy_str (v, "network", l->network, sizeof l->network);
  json_copy_str (v, "ifname", l->ifname, sizeof l->ifname);
  yajl_val p = json_get (v, "prefix_len");
  l->prefix_len = p && YAJL_IS_INTEGER (p) ? (int) YAJL_GET_INTEGER (p) : 0;
  j->done = true;
}

int
network_attach (const char *state_dir, const struct net_attach_opts *o, struct net_lease *out,
                mk_error **err)
{
  size_t n_aliases = strv_len (o->aliases);
  _cleanup_free_ const char **args
      = xzalloc ((10 + 2 * o->n_ports + 2 * n_aliases) * sizeof *args);
  _cleanup_strv_ char **specs = xzalloc ((o->n_ports + 1) * sizeof *specs);
  size_t n = 0;
  args[n++] = "network";
  args[n++] = "attach";
  args[n++] = "--id";
  args[n++] = o->container_id;
  args[n++] = "--netns";
  args[n++] = o->netns_path;
  if (o->network)
    {
      args[n++] = "--net";
      args[n++] = o->network;
    }
  for (size_t i = 0; i < n_aliases; i++)
    {
      args[n++] = "--alias";
      args[n++] = o->aliases[i];
    }
  for (size_t i = 0; i < o->n_ports; i++)
    {
      const struct port_map *p = &o->ports[i];
      /* the -p syntax port_map_parse reads back */
      specs[i] = p->host_ip[0]
                     ? xasprintf ("%s:%u:%u/%s", p->host_ip, p->host_port, p->container_port, p->proto)
                     : xasprintf ("%u:%u/%s", p->host_port, p->container_port, p->proto);
      args[n++] = "-p";
      args[n++] = specs[i];
    }
  args[n] = NULL;
  memset (out, 0, sizeof *out);
  struct attach_job j = { .out = out };
  if (heavy_run (mocker_net_path (), state_dir, args, attach_line, &j, err) < 0)
    {
      mk_error_free (&j.err);
      return -1;
    }
  if (j.err)
    {
      *err = j.err;
      return -1;
    }
  if (!j.done)
    return mk_error_set (err, 0, "network attach `%s`: no lease from mocker-heavy",
                         o->container_id);
  return 0;
}

int
network_detach (const char *state_dir, const char *container_id, mk_error **err)
{
  const char *args[] = { "network", "detach", "--id", container_id, NULL };
  return heavy_run (mocker_net_path (), state_dir, args, NULL, NULL, err);
}

int
network_detach_from (const char *state_dir, const char *network, const char *container_id,
                     mk_error **err)
{
  const char *args[] = { "network", "detach", "--id", container_id, "--net",
                         network ? network : "bridge", NULL };
  return heavy_run (mocker_net_path (), state_dir, args, NULL, NULL, err);
}

static void
prune_line (char *line, void *opaque)
{
  if (*line && strcmp (line, "Deleted Networks:") != 0)
    strv_push ((char ***) opaque, line);
}

int
network_prune (const char *state_dir, char ***deleted, mk_error **err)
{
  const char *args[] = { "network", "prune", "-f", NULL };
  return heavy_run (mocker_net_path (), state_dir, args, prune_line, deleted, err);
}
