/* mocker port CONTAINER [PRIVATE_PORT[/PROTO]]: the -p bindings of a
 * running container as Docker prints them ("80/tcp -> 0.0.0.0:18081"; with
 * a port, the host sides only).  From the record: no runtime call. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker port CONTAINER [PRIVATE_PORT[/PROTO]]\n"
  "\n"
  "List port mappings or a specific mapping for the container.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

int
cmd_port (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "port", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (argc - optind < 1 || argc - optind > 2)
    return mocker_usage_error (err, "port", "want CONTAINER [PRIVATE_PORT[/PROTO]]");
  const char *ref = argv[optind], *want = argc - optind == 2 ? argv[optind + 1] : NULL;
  long want_port = 0;
  char want_proto[8] = "tcp";
  if (want)
    {
      char *end;
      want_port = strtol (want, &end, 10);
      if (end != want && *end == '/')
        snprintf (want_proto, sizeof want_proto, "%s", end + 1);
      else if (*end != '\0')
        want_port = 0;
      if (want_port <= 0 || want_port > 65535
          || (strcmp (want_proto, "tcp") != 0 && strcmp (want_proto, "udp") != 0))
        return mk_error_set (err, 0, "invalid port `%s`: want PORT[/tcp|udp]", want);
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, ref, &ct, err) < 0)
    return -1;
  ctr_reload_state (ct);
  _cleanup_free_ struct port_map *ports = NULL;
  size_t n = 0;
  /* As Docker: the bindings are the running container's. */
  if (ctr_live_status (ct) == LIVE_RUNNING && ctr_ports (ct, &ports, &n, err) < 0)
    return -1;
  bool found = false;
  for (size_t i = 0; i < n; i++)
    {
      const struct port_map *p = &ports[i];
      const char *ip = p->host_ip[0] ? p->host_ip : "0.0.0.0";
      if (!want)
        printf ("%u/%s -> %s:%u\n", p->container_port, p->proto, ip, p->host_port);
      else if (p->container_port == want_port && strcmp (p->proto, want_proto) == 0)
        {
          printf ("%s:%u\n", ip, p->host_port);
          found = true;
        }
    }
  if (want && !found)
    return mk_error_set (err, 0, "no public port '%ld/%s' published for %s", want_port,
                         want_proto, ref);
  return 0;
}
