/* Registry authentication pieces that need no network: the WWW-Authenticate
 * challenge parser (RFC 7235 / RFC 6750: several challenges, quoted values
 * with commas and escapes), the token server's answer, and where
 * credentials come from (MOCKER_AUTH=user:pass, else Docker's config.json
 * written by `mocker login`, else ~/.mocker/auth.json in the same shape). The token request itself is in http.c. */
#ifndef MK_REGISTRY_AUTH_H
#define MK_REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct mk_auth_param
{
  char *key;    /* lowercase; "" for a token68 */
  char *value;  /* unquoted, escapes removed */
};

struct mk_auth_challenge
{
  char *scheme;  /* lowercase: "bearer", "basic" */
  struct mk_auth_param *params;
  size_t n_params;
};

/* Parses one WWW-Authenticate header value into its challenges. */
int mk_www_authenticate_parse (const char *header, struct mk_auth_challenge **out, size_t *n,
                               mk_error **err);
void mk_auth_challenges_free (struct mk_auth_challenge *c, size_t n);
/* Parameter by (case-insensitive) name, or NULL. */
const char *mk_auth_challenge_param (const struct mk_auth_challenge *c, const char *key);

struct mk_credentials
{
  char *user;
  char *pass;
};
void mk_credentials_clear (struct mk_credentials *c);

/* Credentials for a registry domain ("docker.io", "host:5000"): returns 1 and
 * fills *out when some are configured, 0 when none, -1 on a broken file. */
int mk_auth_find_credentials (const char *domain, struct mk_credentials *out, mk_error **err);

/* Docker's config.json: $DOCKER_CONFIG/config.json, else ~/.docker/config.json
 * (heap; NULL without a home). */
char *mk_auth_docker_config_path (void);
/* A key of "auths" names domain ("host:5000", "https://host:5000/v1/";
 * Docker Hub's keys for "docker.io"). */
bool mk_auth_key_matches (const char *key, const char *domain);

/* "Basic <base64(user:pass)>" */
char *mk_auth_basic_value (const struct mk_credentials *c);

/* The token server's JSON answer: "token" or "access_token", "expires_in"
 * (seconds, default and minimum 60). */
int mk_auth_parse_token_response (const char *body, size_t len, char **token, long *expires_in,
                                  mk_error **err);

#endif
