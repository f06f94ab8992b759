/* Address management: IPv4 prefixes, the choice of a free subnet, and the
 * lease file <state_dir>/network/leases.json (the caller holds the lock).
 *
 *   {"subnet": "10.89.0.0/16",
 *    "leases": [{"id": "...", "ip": "10.89.0.2", "veth": "vethmk...", "ports": ["..."]}]}
 */
#include "mocker/network/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

/* Tried in order when neither the bridge nor MOCKER_SUBNET says which. */
static const char *const candidate_subnets[] = {
  "10.89.0.0/16", "172.30.0.0/16", "192.168.227.0/24", "10.123.0.0/16", "172.29.0.0/16",
};

int
ipv4_parse (const char *s, uint32_t *out)
{
  struct in_addr a;
  if (s == NULL || inet_pton (AF_INET, s, &a) != 1)
    return -1;
  *out = ntohl (a.s_addr);
  return 0;
}

void
ipv4_format (uint32_t a, char buf[16])
{
  snprintf (buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

uint32_t
ipv4_mask (int prefix)
{
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

int
ipv4_net_parse (const char *s, struct ipv4_net *out, mk_error **err)
{
  const char *slash = strchr (s, '/');
  if (slash == NULL)
    return mk_error_set (err, 0, "subnet `%s`: expected ADDRESS/PREFIX", s);
  _cleanup_free_ char *addr = xstrndup (s, slash - s);
  uint32_t a;
  long long prefix;
  if (ipv4_parse (addr, &a) < 0)
    return mk_error_set (err, 0, "subnet `%s`: `%s` is not an IPv4 address", s, addr);
  if (!parse_int64 (slash + 1, &prefix) || prefix < 8 || prefix > 30)
    return mk_error_set (err, 0, "subnet `%s`: the prefix length must be 8 to 30", s);
  if ((a & ~ipv4_mask (prefix)) != 0)
    return mk_error_set (err, 0, "subnet `%s`: host bits are set", s);
  out->addr = a;
  out->prefix = (int) prefix;
  return 0;
}

void
ipv4_net_format (const struct ipv4_net *n, char buf[19])
{
  char a[16];
  ipv4_format (n->addr, a);
  snprintf (buf, 19, "%s/%d", a, n->prefix);
}

bool
ipv4_net_overlaps (const struct ipv4_net *a, const struct ipv4_net *b)
{
  uint32_t m = ipv4_mask (a->prefix < b->prefix ? a->prefix : b->prefix);
  return (a->addr & m) == (b->addr & m);
}

bool
ipv4_net_contains (const struct ipv4_net *n, uint32_t a)
{
  return (a & ipv4_mask (n->prefix)) == n->addr;
}

int
ipam_pick_subnet (const struct ipv4_net *used, size_t n_used, struct ipv4_net *out,
                  mk_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (candidate_subnets); i++)
    {
      struct ipv4_net c;
      if (ipv4_net_parse (candidate_subnets[i], &c, err) < 0)
        return -1;
      bool is_free = true;
      for (size_t j = 0; j < n_used && is_free; j++)
        is_free = !ipv4_net_overlaps (&c, &used[j]);
      if (is_free)
        {
          *out = c;
          return 0;
        }
    }
  return mk_error_set (err, 0, "no free subnet for the bridge: every candidate overlaps a "
                       "route or address of this host (set MOCKER_SUBNET)");
}

int
ipam_pick_user_subnet (const struct ipv4_net *used, size_t n_used, struct ipv4_net *out,
                       mk_error **err)
{
  for (int i = 0; i < 14 + 16; i++)
    {
      struct ipv4_net c = i < 14 ? (struct ipv4_net) { (172u << 24) | ((18u + i) << 16), 16 }
                                 : (struct ipv4_net) { (192u << 24) | (168u << 16)
                                                       | ((uint32_t) (i - 14) << 12), 20 };
      bool is_free = true;
      for (size_t j = 0; j < n_used && is_free; j++)
        is_free = !ipv4_net_overlaps (&c, &used[j]);
      if (is_free)
        {
          *out = c;
          return 0;
        }
    }
  return mk_error_set (err, 0, "no free subnet in the pools 172.18.0.0/16-172.31.0.0/16 and "
                       "192.168.0.0/20-192.168.240.0/20 (give one with --subnet)");
}

int
net_check_id (const char *id, mk_error **err)
{
  size_t len = id ? strlen (id) : 0;
  if (len == 0 || len > NET_ID_MAX)
    return mk_error_set (err, 0, "container id `%s`: must be 1 to %d characters", id ? id : "",
                         NET_ID_MAX);
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
          || *p == '_' || *p == '.' || *p == '-'))
      return mk_error_set (err, 0, "container id `%s`: only letters, digits, `_`, `.` and `-` "
                           "are allowed", id);
  return 0;
}

void
net_veth_name (const char *id, char buf[16])
{
  /* FNV-1a: ids are often 64 hex digits that share no prefix, but test ids
   * share long prefixes, so the name hashes the whole id. */
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *) id; *p; p++)
    h = (h ^ *p) * 16777619u;
  snprintf (buf, 16, "vethmk%08x", h);
}

void
net_veth_name_on (const char *id, const char *net_id, char buf[16])
{
  _cleanup_free_ char *key = xasprintf ("%s/%s", id, net_id);
  net_veth_name (key, buf);
}

void
net_mac_for_ip (uint32_t ip, uint8_t mac[6])
{
  mac[0] = 0x02;  /* locally administered, unicast */
  mac[1] = 0x6d;  /* 'm' */
  mac[2] = ip >> 24;
  mac[3] = ip >> 16;
  mac[4] = ip >> 8;
  mac[5] = ip;
}

void
ipam_free (struct ipam *ipam)
{
  for (size_t i = 0; i < ipam->n; i++)
    {
      strv_free (ipam->leases[i].ports);
      strv_free (ipam->leases[i].aliases);
    }
  free (ipam->leases);
  ipam->leases = NULL;
  ipam->n = 0;
}

static int
load_lease (const char *path, size_t i, yajl_val v, struct ipam_lease *l, mk_error **err)
{
  const char *id = json_get_str (v, "id");
  const char *ip = json_get_str (v, "ip");
  const char *veth = json_get_str (v, "veth");
  if (id == NULL || strlen (id) > NET_ID_MAX)
    return mk_error_set (err, 0, "%s: leases[%zu].id: expected a container id", path, i);
  if (ipv4_parse (ip, &l->ip) < 0)
    return mk_error_set (err, 0, "%s: leases[%zu].ip: expected an IPv4 address", path, i);
  snprintf (l->id, sizeof l->id, "%s", id);
  snprintf (l->veth, sizeof l->veth, "%s", veth ? veth : "");
  yajl_val ports = json_get (v, "ports");
  if (ports && YAJL_IS_ARRAY (ports))
    for (size_t j = 0; j < ports->u.array.len; j++)
      if (YAJL_IS_STRING (ports->u.array.values[j]))
        strv_push (&l->ports, ports->u.array.values[j]->u.string);
  yajl_val aliases = json_get (v, "aliases");
  if (aliases && YAJL_IS_ARRAY (aliases))
    for (size_t j = 0; j < aliases->u.array.len; j++)
      if (YAJL_IS_STRING (aliases->u.array.values[j]))
        strv_push (&l->aliases, aliases->u.array.values[j]->u.string);
  return 0;
}

int
ipam_load (const char *path, struct ipam *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (!path_exists (path))
    return 0;
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse_file (path, &root, err) < 0)
    return -1;
  const char *subnet = json_get_str (root, "subnet");
  if (subnet)
    {
      if (ipv4_net_parse (subnet, &out->subnet, err) < 0)
        return mk_error_wrap (err, "%s: subnet", path);
      out->has_subnet = true;
    }
  yajl_val leases = json_get (root, "leases");
  if (leases == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (leases))
    return mk_error_set (err, 0, "%s: leases: expected an array, got %s", path,
                         json_type_name (leases));
  out->leases = xzalloc ((leases->u.array.len + 1) * sizeof *out->leases);
  for (size_t i = 0; i < leases->u.array.len; i++)
    {
      if (load_lease (path, i, leases->u.array.values[i], &out->leases[out->n], err) < 0)
        {
          ipam_free (out);
          return -1;
        }
      out->n++;
    }
  return 0;
}

int
ipam_save (const char *path, const struct ipam *ipam, mk_error **err)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  if (ipam->has_subnet)
    {
      char s[19];
      ipv4_net_format (&ipam->subnet, s);
      json_kv_str (g, "subnet", s);
    }
  json_key (g, "leases");
  json_arr_open (g);
  for (size_t i = 0; i < ipam->n; i++)
    {
      const struct ipam_lease *l = &ipam->leases[i];
      char ip[16];
      ipv4_format (l->ip, ip);
      json_obj_open (g);
      json_kv_str (g, "id", l->id);
      json_kv_str (g, "ip", ip);
      json_kv_str (g, "veth", l->veth);
      json_key (g, "ports");
      json_arr_open (g);
      for (char **p = l->ports; p && *p; p++)
        json_str (g, *p);
      json_arr_close (g);
      if (l->aliases)
        json_kv_strv (g, "aliases", l->aliases);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  return write_file_atomic (path, text, len, 0644, false, err);
}

int
ipam_find (const struct ipam *ipam, const char *id)
{
  for (size_t i = 0; i < ipam->n; i++)
    if (strcmp (ipam->leases[i].id, id) == 0)
      return (int) i;
  return -1;
}

static int
cmp_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return x < y ? -1 : x > y;
}

int
ipam_allocate (struct ipam *ipam, const char *id, uint32_t *ip, mk_error **err)
{
  if (!ipam->has_subnet)
    return mk_error_set (err, 0, "no subnet to lease an address from");
  if (ipam_find (ipam, id) >= 0)
    return mk_error_set (err, EEXIST, "container `%s` already has an address", id);

  _cleanup_free_ uint32_t *taken = xmalloc ((ipam->n + 1) * sizeof *taken);
  for (size_t i = 0; i < ipam->n; i++)
    taken[i] = ipam->leases[i].ip;

  uint32_t gateway = ipam->gateway ? ipam->gateway : ipv4_net_gateway (&ipam->subnet);
  taken[ipam->n] = gateway;
  qsort (taken, ipam->n + 1, sizeof *taken, cmp_u32);
  uint32_t first = ipam->subnet.addr + 1;
  uint32_t broadcast = ipam->subnet.addr | ~ipv4_mask (ipam->subnet.prefix);
  uint32_t cand = first;
  for (size_t i = 0; i < ipam->n + 1 && cand < broadcast; i++)
    {
      if (taken[i] < cand)
        continue;
      if (taken[i] > cand)
        break;
      cand++;
    }
  if (cand >= broadcast)
    {
      char s[19];
      ipv4_net_format (&ipam->subnet, s);
      return mk_error_set (err, ENOSPC, "no free address left in subnet %s", s);
    }

  ipam->leases = xrealloc (ipam->leases, (ipam->n + 1) * sizeof *ipam->leases);
  struct ipam_lease *l = &ipam->leases[ipam->n++];
  memset (l, 0, sizeof *l);
  snprintf (l->id, sizeof l->id, "%s", id);
  l->ip = cand;
  *ip = cand;
  return 0;
}

bool
ipam_release (struct ipam *ipam, const char *id)
{
  int i = ipam_find (ipam, id);
  if (i < 0)
    return false;
  strv_free (ipam->leases[i].ports);
  strv_free (ipam->leases[i].aliases);
  memmove (&ipam->leases[i], &ipam->leases[i + 1], (ipam->n - i - 1) * sizeof *ipam->leases);
  ipam->n--;
  return true;
}
