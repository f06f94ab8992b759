/* mocker network: Docker's create|ls|inspect|rm|prune|connect|disconnect
 * (cmd_network_user.c), and subcommands to drive mocker/network by hand, for
 * tests and debugging (`mocker run` does the same through the library; the
 * light binary's network calls come here through mocker-net):
 *
 *   mocker network attach --id ID --netns PATH [--net NAME [--alias A]...] [-p ...]...
 *   mocker network detach --id ID [--net NAME]     (without --net: every network)
 *   mocker network loopback --netns PATH
 *   mocker network leases                          (every lease as JSON)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/commands/system/cmd_network.h"
#include "mocker/mocker.h"
#include "mocker/network/network.h"

static const char usage[] =
  "Usage: mocker network COMMAND\n"
  "\n"
  "Manage networks: each user-defined network is a bridge with its own subnet;\n"
  "containers on one network reach each other by name and alias.\n"
  "\n"
  "Commands:\n"
  "  create [--subnet CIDR] [--gateway IP] [--label KEY=VALUE]... [-d bridge] NAME\n"
  "                 create a network, print its id\n"
  "  ls [-q] [--no-trunc] [--format FORMAT] [--filter KEY=VALUE]...\n"
  "                 list networks (filters: driver, id, label, name, scope, type)\n"
  "  inspect NETWORK...\n"
  "                 show networks as JSON\n"
  "  rm [-f] NETWORK...\n"
  "                 remove networks no running container is connected to\n"
  "  prune [-f]     remove every unused user-defined network\n"
  "  connect [--alias NAME]... NETWORK CONTAINER\n"
  "                 connect a container to a network\n"
  "  disconnect [-f] NETWORK CONTAINER\n"
  "                 disconnect a container from a network\n"
  "\n"
  "For tests and debugging:\n"
  "  attach --id ID --netns PATH [--net NAME [--alias A]...] [-p [IP:]HOST:CONTAINER[/PROTO]]...\n"
  "                 connect a netns to a network, print its lease as JSON\n"
  "  detach --id ID [--net NAME]\n"
  "                 remove the rules, veths and leases of ID (one network with --net)\n"
  "  loopback --netns PATH\n"
  "                 only set lo up (what --network none does)\n"
  "  leases         list the leases of every network as JSON\n";

static void
gen_lease (json_gen *g, const struct net_lease *l)
{
  json_obj_open (g);
  json_kv_str (g, "id", l->id);
  json_kv_str (g, "ip", l->ip);
  json_kv_str (g, "gateway", l->gateway);
  json_kv_str (g, "subnet", l->subnet);
  json_kv_int (g, "prefix_len", l->prefix_len);
  json_kv_str (g, "mac", l->mac);
  json_kv_str (g, "veth", l->veth);
  json_kv_str (g, "bridge", l->bridge);
  json_kv_str (g, "network", l->network);
  if (l->ifname[0])
    json_kv_str (g, "ifname", l->ifname);
  json_obj_close (g);
}

static void
print_gen (json_gen *g)
{
  _cleanup_free_ char *text = json_gen_finish (g, NULL);
  printf ("%s\n", text);
}

/* Options shared by the subcommands: --id, --netns, -p. */
struct net_args
{
  const char *id;
  const char *netns;
  const char *net;
  char **aliases;
  struct port_map *ports;
  size_t n_ports;
};

static int
parse_args (const char *cmd, int argc, char **argv, struct net_args *a, mk_error **err)
{
  static const struct option opts[] = {
    { "id", required_argument, NULL, 'i' },
    { "netns", required_argument, NULL, 'n' },
    { "publish", required_argument, NULL, 'p' },
    { "net", required_argument, NULL, 'N' },
    { "alias", required_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, "+p:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'i': a->id = optarg; break;
      case 'n': a->netns = optarg; break;
      case 'N': a->net = optarg; break;
      case 'a': strv_push (&a->aliases, optarg); break;
      case 'p':
        a->ports = xrealloc (a->ports, (a->n_ports + 1) * sizeof *a->ports);
        if (port_map_parse (optarg, &a->ports[a->n_ports], err) < 0)
          return -1;
        a->n_ports++;
        break;
      case 'h': return 1;
      default: return mocker_option_error (err, cmd, "+p:h", argv);
      }
  if (optind < argc)
    return mocker_usage_error (err, cmd, "unexpected argument `%s`", argv[optind]);
  return 0;
}

static int
do_attach (const char *root, struct net_args *a, mk_error **err)
{
  if (a->id == NULL || a->netns == NULL)
    return mocker_usage_error (err, "network attach", "--id and --netns are required");
  struct net_attach_opts o = {
    .container_id = a->id, .netns_path = a->netns, .ports = a->ports, .n_ports = a->n_ports,
    .network = a->net, .aliases = a->aliases,
  };
  struct net_lease lease;
  if (network_attach (root, &o, &lease, err) < 0)
    return -1;
  json_gen *g = json_gen_new (false);
  gen_lease (g, &lease);
  print_gen (g);
  return 0;
}

static int
do_ls (const char *root, mk_error **err)
{
  _cleanup_free_ struct net_lease *leases = NULL;
  size_t n;
  if (network_list (root, &leases, &n, err) < 0)
    return -1;
  json_gen *g = json_gen_new (false);
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    gen_lease (g, &leases[i]);
  json_arr_close (g);
  print_gen (g);
  return 0;
}

struct user_sub
{
  const char *name;
  int (*fn) (struct mocker_ctx *, int, char **, mk_error **);
};

static const struct user_sub user_subs[] = {
  { "create", net_cmd_create },   { "ls", net_cmd_ls },
  { "list", net_cmd_ls },         { "inspect", net_cmd_inspect },
  { "rm", net_cmd_rm },           { "remove", net_cmd_rm },
  { "prune", net_cmd_prune },     { "connect", net_cmd_connect },
  { "disconnect", net_cmd_disconnect },
};

int
cmd_network (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    return argc < 2 ? mocker_usage_error (err, "network", "a subcommand is required")
                    : mocker_print_usage (usage);
  const char *sub = argv[1];
  for (size_t i = 0; i < ARRAY_SIZE (user_subs); i++)
    if (strcmp (sub, user_subs[i].name) == 0)
      return user_subs[i].fn (ctx, argc - 1, argv + 1, err);

  struct net_args a = { 0 };
  _cleanup_free_ char *cmd = xasprintf ("network %s", sub);
  int r = parse_args (cmd, argc - 1, argv + 1, &a, err);
  _cleanup_free_ struct port_map *ports = a.ports;
  _cleanup_strv_ char **aliases = a.aliases;
  if (r != 0)
    return r > 0 ? mocker_print_usage (usage) : -1;

  if (strcmp (sub, "attach") == 0)
    return do_attach (ctx->root, &a, err);
  if (a.n_ports > 0 || a.aliases)
    return mocker_usage_error (err, cmd, "-p and --alias are only for attach");
  if (strcmp (sub, "detach") == 0)
    {
      if (a.id == NULL)
        return mocker_usage_error (err, cmd, "--id is required");
      return a.net ? network_detach_from (ctx->root, a.net, a.id, err)
                   : network_detach (ctx->root, a.id, err);
    }
  if (a.net)
    return mocker_usage_error (err, cmd, "--net is only for attach and detach");
  if (strcmp (sub, "loopback") == 0)
    {
      if (a.netns == NULL)
        return mocker_usage_error (err, cmd, "--netns is required");
      return network_loopback_up (a.netns, err);
    }
  if (strcmp (sub, "leases") == 0)
    return do_ls (ctx->root, err);
  return mocker_usage_error (err, "network", "unknown subcommand `%s`", sub);
}
