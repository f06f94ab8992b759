/* NAT and published ports in one nftables table of mocker's own, `ip mocker`,
 * through libnftables (never the nft program):
 *
 *   postrouting (nat)  masquerade the subnet leaving by another interface;
 *                      masquerade DNATed traffic from the subnet back into it
 *                      (a container reaching a published port of the host) and
 *                      from 127.0.0.0/8 (the host reaching its published ports
 *                      on 127.0.0.1, with route_localnet on the bridge)
 *   prerouting, output (nat)  to a local address -> jump ports
 *   ports              one DNAT rule per published port, comment "mocker:<id>"
 *   forward (filter)   accept the subnet's traffic
 *
 * A container's rules are found again by their comment in the JSON listing
 * and deleted by handle, all in one transaction.
 */
#include "mocker/network/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>

#include "common/json.h"
#include "common/util.h"

#define BASE_COMMENT "mocker-base"

void
cleanup_nftp (struct nft_ctx **ctx)
{
  if (*ctx)
    nft_ctx_free (*ctx);
}

int
nat_open (struct nft_ctx **out, mk_error **err)
{
  struct nft_ctx *nft = nft_ctx_new (NFT_CTX_DEFAULT);
  if (nft == NULL)
    return mk_error_set (err, 0, "initialize libnftables");
  if (nft_ctx_buffer_output (nft) < 0 || nft_ctx_buffer_error (nft) < 0)
    {
      nft_ctx_free (nft);
      return mk_error_set (err, 0, "initialize libnftables buffers");
    }
  *out = nft;
  return 0;
}

/* Runs commands as one transaction; on failure the error has nft's first line. */
static int
nft_run (struct nft_ctx *nft, const char *cmds, const char *what, mk_error **err)
{
  if (nft_run_cmd_from_buffer (nft, cmds) == 0)
    return 0;
  _cleanup_free_ char *msg = xstrdup (nft_ctx_get_error_buffer (nft));
  char *nl = strchr (msg, '\n');
  if (nl)
    *nl = '\0';
  return mk_error_set (err, 0, "nftables: %s: %s", what, *msg ? msg : "failed");
}

/* Lists (JSON, with handles) and parses the result. */
static int
nft_list_json (struct nft_ctx *nft, const char *cmd, yajl_val *out, mk_error **err)
{
  nft_ctx_output_set_flags (nft, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
  int r = nft_run (nft, cmd, cmd, err);
  nft_ctx_output_set_flags (nft, 0);
  if (r < 0)
    return -1;
  const char *text = nft_ctx_get_output_buffer (nft);
  return json_parse (text, strlen (text), "nftables listing", out, err);
}

/* The "nftables" array of a listing. */
static yajl_val
nft_items (yajl_val root)
{
  yajl_val items = json_get (root, "nftables");
  return items && YAJL_IS_ARRAY (items) ? items : NULL;
}

static int
table_exists (struct nft_ctx *nft, const char *table, bool *exists, mk_error **err)
{
  _cleanup_json_ yajl_val root = NULL;
  if (nft_list_json (nft, "list tables ip", &root, err) < 0)
    return -1;
  *exists = false;
  yajl_val items = nft_items (root);
  for (size_t i = 0; items && i < items->u.array.len; i++)
    {
      yajl_val t = json_get (items->u.array.values[i], "table");
      const char *name = json_get_str (t, "name");
      if (name && strcmp (name, table) == 0)
        *exists = true;
    }
  return 0;
}

int
nat_ensure (struct nft_ctx *nft, const char *table, const struct ipv4_net *subnet,
            const char *bridge, bool isolate, mk_error **err)
{
  bool exists;
  if (table_exists (nft, table, &exists, err) < 0)
    return -1;
  if (exists)
    return 0;  /* made complete in one transaction */
  char s[19];
  ipv4_net_format (subnet, s);
  const char *c = "comment \"" BASE_COMMENT "\"";
  const char *t = table;
  /* A user-defined network's bridge talks to no other mocker bridge: the
   * forward chain drops what goes from it to another one (Docker's
   * isolation), before any accept. Every bridge's own table does the same,
   * so both directions are dropped. */
  _cleanup_free_ char *isolation
      = isolate ? xasprintf ("add rule ip %s forward iifname \"%s\" oifname != \"%s\" oifname \"mk-*\" drop %s\n"
                             "add rule ip %s forward iifname \"%s\" oifname \"" NET_BRIDGE_NAME "\" drop %s\n"
                             "add rule ip %s forward iifname \"" NET_BRIDGE_NAME "\" oifname \"%s\" drop %s\n",
                             t, bridge, bridge, c, t, bridge, c, t, bridge, c)
                : xstrdup ("");
  _cleanup_free_ char *cmds = xasprintf (
      "add table ip %s\n"
      "add chain ip %s postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
      "add chain ip %s prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
      "add chain ip %s output { type nat hook output priority -100; policy accept; }\n"
      "add chain ip %s forward { type filter hook forward priority filter; policy accept; }\n"
      "add chain ip %s ports\n"
      "%s"
      "add rule ip %s postrouting ip saddr %s oifname != \"%s\" masquerade %s\n"
      "add rule ip %s postrouting ip saddr %s oifname \"%s\" ct status dnat masquerade %s\n"
      "add rule ip %s postrouting ip saddr 127.0.0.0/8 oifname \"%s\" masquerade %s\n"
      "add rule ip %s prerouting fib daddr type local jump ports %s\n"
      "add rule ip %s output fib daddr type local jump ports %s\n"
      "add rule ip %s forward ip daddr %s ct state established,related accept %s\n"
      "add rule ip %s forward ip daddr %s ct status dnat accept %s\n"
      "add rule ip %s forward ip saddr %s accept %s\n",
      t, t, t, t, t, t, isolation, t, s, bridge, c, t, s, bridge, c, t, bridge, c, t, c, t, c,
      t, s, c, t, s, c, t, s, c);
  _cleanup_free_ char *what = xasprintf ("create table ip %s", table);
  return nft_run (nft, cmds, what, err);
}

int
nat_add_ports (struct nft_ctx *nft, const char *table, const char *id, uint32_t ip, const struct port_map *p,
               size_t n, mk_error **err)
{
  if (n == 0)
    return 0;
  char addr[16];
  ipv4_format (ip, addr);
  _cleanup_free_ char *cmds = xstrdup ("");
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *match = p[i].host_ip[0] ? xasprintf ("ip daddr %s ", p[i].host_ip)
                                                   : xstrdup ("");
      char *next = xasprintf ("%sadd rule ip %s ports %s%s dport %u dnat to %s:%u "
                              "comment \"mocker:%s\"\n",
                              cmds, table, match, p[i].proto, p[i].host_port, addr,
                              p[i].container_port, id);
      free (cmds);
      cmds = next;
    }
  return nft_run (nft, cmds, "publish ports", err);
}

int
nat_remove_container (struct nft_ctx *nft, const char *table, const char *id, size_t *removed, mk_error **err)
{
  if (removed)
    *removed = 0;
  bool exists;
  if (table_exists (nft, table, &exists, err) < 0)
    return -1;
  if (!exists)
    return 0;
  _cleanup_json_ yajl_val root = NULL;
  _cleanup_free_ char *list = xasprintf ("list table ip %s", table);
  if (nft_list_json (nft, list, &root, err) < 0)
    return -1;
  _cleanup_free_ char *want = xasprintf ("mocker:%s", id);
  _cleanup_free_ char *cmds = xstrdup ("");
  size_t count = 0;
  yajl_val items = nft_items (root);
  for (size_t i = 0; items && i < items->u.array.len; i++)
    {
      yajl_val rule = json_get (items->u.array.values[i], "rule");
      const char *comment = json_get_str (rule, "comment");
      const char *chain = json_get_str (rule, "chain");
      yajl_val handle = json_get (rule, "handle");
      if (comment == NULL || strcmp (comment, want) != 0 || chain == NULL || handle == NULL
          || !YAJL_IS_INTEGER (handle))
        continue;
      char *next = xasprintf ("%sdelete rule ip %s %s handle %lld\n", cmds, table, chain,
                              YAJL_GET_INTEGER (handle));
      free (cmds);
      cmds = next;
      count++;
    }
  if (count > 0 && nft_run (nft, cmds, "delete the rules of the container", err) < 0)
    return -1;
  if (removed)
    *removed = count;
  return 0;
}

/* "add" then "delete" in one transaction: no listing is needed to know whether
 * the table exists, and the delete cannot fail for its absence. */
int
nat_remove_table (struct nft_ctx *nft, const char *table, mk_error **err)
{
  _cleanup_free_ char *cmds = xasprintf ("add table ip %s\ndelete table ip %s\n", table, table);
  _cleanup_free_ char *what = xasprintf ("delete table ip %s", table);
  return nft_run (nft, cmds, what, err);
}
