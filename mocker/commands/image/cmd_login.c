/* mocker login [-u USER] [-p PASS | --password-stdin] [REGISTRY]
 *
 * Checks the credentials against the registry (GET /v2/ through its Basic
 * or Bearer token flow) and only then stores them in Docker's config.json
 * (mocker/registry/credentials.h), where pull and push, skopeo and podman
 * find them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/credentials.h"
#include "mocker/registry/http.h"
#include "mocker/registry/reference.h"
#include "mocker/registry/upload.h"

static const char usage[] =
  "Usage: mocker login [OPTIONS] [REGISTRY]\n"
  "\n"
  "Log in to a registry (Docker Hub by default): the credentials are checked\n"
  "with the registry, then stored in ~/.docker/config.json ($DOCKER_CONFIG),\n"
  "where pull, push, skopeo and podman find them.\n"
  "\n"
  "Options:\n"
  "  -u, --username USER    user name (asked on the terminal when missing)\n"
  "  -p, --password PASS    password (visible to other users: prefer --password-stdin)\n"
  "      --password-stdin   read the password from stdin\n"
  "  -h, --help             print this help\n";

/* One line of f without its newline (heap), or NULL at end of file. */
static char *
read_line (FILE *f)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline (&line, &cap, f);
  if (n < 0)
    {
      free (line);
      return NULL;
    }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  return line;
}

int
cmd_login (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  (void) ctx;
  static const struct option opts[] = {
    { "username", required_argument, NULL, 'u' },
    { "password", required_argument, NULL, 'p' },
    { "password-stdin", no_argument, NULL, 'S' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_free_ char *user = NULL, *pass = NULL;
  bool from_stdin = false;
  int c;
  while ((c = getopt_long (argc, argv, "+u:p:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'u':
        free (user);
        user = xstrdup (optarg);
        break;
      case 'p':
        free (pass);
        pass = xstrdup (optarg);
        break;
      case 'S':
        from_stdin = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "login", "+u:p:h", argv);
      }
  if (argc - optind > 1)
    return mocker_usage_error (err, "login", "want at most one REGISTRY");
  if (pass && from_stdin)
    return mocker_flag_error (err, "login", "--password and --password-stdin are exclusive");
  if (from_stdin && user == NULL)
    return mocker_flag_error (err, "login", "--password-stdin needs --username");
  _cleanup_free_ char *domain = mk_registry_domain (optind < argc ? argv[optind] : MK_DOCKER_HUB);
  if (*domain == '\0')
    return mocker_usage_error (err, "login", "empty REGISTRY");

  if (pass && !from_stdin)
    fprintf (stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
  if (user == NULL)
    {
      if (!isatty (STDIN_FILENO))
        return mocker_flag_error (err, "login", "no --username, and stdin is not a terminal");
      fprintf (stderr, "Username: ");
      fflush (stderr);
      user = read_line (stdin);
      if (user == NULL || *user == '\0')
        return mk_error_set (err, 0, "login: no username given");
    }
  if (from_stdin)
    {
      pass = read_line (stdin);
      if (pass == NULL || *pass == '\0')
        return mk_error_set (err, 0, "login: no password on stdin");
    }
  else if (pass == NULL)
    {
      if (!isatty (STDIN_FILENO))
        return mocker_flag_error (err, "login",
                                  "no password: give --password-stdin (stdin is not a terminal)");
      char *p = getpass ("Password: ");
      if (p == NULL || *p == '\0')
        return mk_error_set (err, 0, "login: no password given");
      pass = xstrdup (p);
      explicit_bzero (p, strlen (p));
    }

  /* /v2/ with no repository: a token is asked without a scope, as Docker does */
  struct mk_reference ref = { .domain = domain, .path = (char *) "" };
  _cleanup_registry_ struct mk_registry *reg = NULL;
  if (mk_registry_open (&ref, false, &reg, err) < 0)
    return mk_error_wrap (err, "login %s", domain);
  mk_registry_set_credentials (reg, user, pass);
  int rc = mk_registry_check (reg, err);
  if (rc < 0)
    {
      explicit_bzero (pass, strlen (pass));
      return mk_error_wrap (err, "login %s", domain);
    }
  _cleanup_free_ char *path = mk_auth_docker_config_path ();
  if (path == NULL)
    return mk_error_set (err, 0, "login: no home directory to keep credentials in");
  rc = mk_credentials_store (path, domain, user, pass, err);
  explicit_bzero (pass, strlen (pass));
  if (rc < 0)
    return mk_error_wrap (err, "login %s", domain);
  printf ("Login Succeeded\n");
  return 0;
}
