/* mocker logout [REGISTRY]: removes the registry's credentials from
 * Docker's config.json (mocker/registry/credentials.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/credentials.h"
#include "mocker/registry/reference.h"

static const char usage[] =
  "Usage: mocker logout [REGISTRY]\n"
  "\n"
  "Remove the credentials of a registry (Docker Hub by default) from\n"
  "~/.docker/config.json ($DOCKER_CONFIG).\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

int
cmd_logout (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  (void) ctx;
  int help = mocker_parse_help_only (argc, argv, "logout", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (argc - optind > 1)
    return mocker_usage_error (err, "logout", "want at most one REGISTRY");
  _cleanup_free_ char *domain = mk_registry_domain (optind < argc ? argv[optind] : MK_DOCKER_HUB);
  _cleanup_free_ char *path = mk_auth_docker_config_path ();
  if (path == NULL)
    return mk_error_set (err, 0, "logout: no home directory");
  int n = mk_credentials_erase (path, domain, err);
  if (n < 0)
    return mk_error_wrap (err, "logout %s", domain);
  _cleanup_free_ char *key = mk_credentials_key (domain);
  if (n == 0)
    printf ("Not logged in to %s\n", key);
  else
    printf ("Removing login credentials for %s\n", key);
  return 0;
}
