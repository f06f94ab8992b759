/* mocker network: a hidden command to drive mocker/network by hand, for tests
 * and debugging (`mocker run` does the same through the library).
 *
 *   mocker network attach --id ID --netns PATH [-p [IP:]HOST:CONTAINER[/PROTO]]...
 *   mocker network detach --id ID
 *   mocker network loopback --netns PATH
 *   mocker network ls
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/network/network.h"

static const char usage[] =
  "Usage: mocker network COMMAND\n"
  "\n"
  "Wire network namespaces by hand (for tests and debugging).\n"
  "\n"
  "Commands:\n"
  "  attach --id ID --netns PATH [-p [IP:]HOST:CONTAINER[/PROTO]]...\n"
  "                 connect a netns to the bridge, print its lease as JSON\n"
  "  detach --id ID remove the rules, the veth and the lease of ID\n"
  "  loopback --netns PATH\n"
  "                 only set lo up (what --network none does)\n"
  "  ls             list the leases as JSON\n";

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

int
cmd_network (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    return argc < 2 ? mocker_usage_error (err, "network", "a subcommand is required")
                    : mocker_print_usage (usage);
  const char *sub = argv[1];
  struct net_args a = { 0 };
  _cleanup_free_ char *cmd = xasprintf ("network %s", sub);
  int r = parse_args (cmd, argc - 1, argv + 1, &a, err);
  _cleanup_free_ struct port_map *ports = a.ports;
  if (r != 0)
    return r > 0 ? mocker_print_usage (usage) : -1;

  if (strcmp (sub, "attach") == 0)
    return do_attach (ctx->root, &a, err);
  if (a.n_ports > 0)
    return mocker_usage_error (err, cmd, "-p is only for attach");
  if (strcmp (sub, "detach") == 0)
    {
      if (a.id == NULL)
        return mocker_usage_error (err, cmd, "--id is required");
      return network_detach (ctx->root, a.id, err);
    }
  if (strcmp (sub, "loopback") == 0)
    {
      if (a.netns == NULL)
        return mocker_usage_error (err, cmd, "--netns is required");
      return network_loopback_up (a.netns, err);
    }
  if (strcmp (sub, "ls") == 0)
    return do_ls (ctx->root, err);
  return mocker_usage_error (err, "network", "unknown subcommand `%s`", sub);
}
