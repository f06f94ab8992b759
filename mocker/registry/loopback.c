/* Which registries are on loopback: Docker treats 127.0.0.0/8 and ::1 (and
 * so `localhost`) as insecure registries without being told. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mocker/registry/http_internal.h"

bool
registry_host_is_loopback (const char *hostport)
{
  char host[256];
  const char *end;
  if (hostport[0] == '[')
    {
      /* [v6]:port */
      hostport++;
      end = strchr (hostport, ']');
      if (end == NULL)
        return false;
    }
  else if (strchr (hostport, ':') != strrchr (hostport, ':'))
    end = hostport + strlen (hostport); /* a bare v6 address, no port */
  else
    end = hostport + strcspn (hostport, ":");
  size_t n = end - hostport;
  if (n == 0 || n >= sizeof host)
    return false;
  memcpy (host, hostport, n);
  host[n] = '\0';
  if (strcasecmp (host, "localhost") == 0)
    return true;
  struct in_addr a4;
  if (inet_pton (AF_INET, host, &a4) == 1)
    return (ntohl (a4.s_addr) >> 24) == 127;
  struct in6_addr a6;
  if (inet_pton (AF_INET6, host, &a6) == 1)
    return IN6_IS_ADDR_LOOPBACK (&a6);
  return false;
}
