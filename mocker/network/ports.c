/* -p values: [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]. */
#include "mocker/network/internal.h"

#include <stdio.h>
#include <string.h>

#include "common/util.h"

static bool
parse_port (const char *s, uint16_t *out)
{
  unsigned long long v;
  if (!parse_uint64 (s, &v) || v == 0 || v > 65535)
    return false;
  *out = (uint16_t) v;
  return true;
}

int
port_map_parse (const char *s, struct port_map *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *copy = xstrdup (s);
  char *slash = strchr (copy, '/');
  snprintf (out->proto, sizeof out->proto, "tcp");
  if (slash)
    {
      *slash = '\0';
      if (strcmp (slash + 1, "tcp") != 0 && strcmp (slash + 1, "udp") != 0)
        return mk_error_set (err, 0, "port `%s`: protocol must be tcp or udp", s);
      snprintf (out->proto, sizeof out->proto, "%s", slash + 1);
    }
  char *last = strrchr (copy, ':');
  if (last == NULL)
    return mk_error_set (err, 0, "port `%s`: expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTO]", s);
  *last = '\0';
  char *host_port = copy, *host_ip = NULL;
  char *first = strrchr (copy, ':');
  if (first)
    {
      *first = '\0';
      host_ip = copy;
      host_port = first + 1;
    }
  if (!parse_port (last + 1, &out->container_port))
    return mk_error_set (err, 0, "port `%s`: container port `%s` is not 1 to 65535", s, last + 1);
  if (!parse_port (host_port, &out->host_port))
    return mk_error_set (err, 0, "port `%s`: host port `%s` is not 1 to 65535", s, host_port);
  if (host_ip)
    {
      uint32_t a;
      if (ipv4_parse (host_ip, &a) < 0)
        return mk_error_set (err, 0, "port `%s`: host address `%s` is not an IPv4 address", s, host_ip);
      if (a != 0)
        ipv4_format (a, out->host_ip);
    }
  return 0;
}

void
port_map_format (const struct port_map *p, char *buf, size_t size)
{
  snprintf (buf, size, "%s:%u->%u/%s", p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port,
            p->container_port, p->proto);
}
