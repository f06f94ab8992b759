/* Credentials in Docker's config.json (`mocker login`/`logout`): the file
 * skopeo, podman and Docker read too. Only "auths.<registry>.auth"
 * (base64 of user:password) is written; every other key of the file is
 * kept as it was. Written atomically, mode 0600, under a lock. */
#ifndef MK_REGISTRY_CREDENTIALS_H
#define MK_REGISTRY_CREDENTIALS_H

#include "common/error.h"

/* The key for a registry domain: Docker Hub's "https://index.docker.io/v1/",
 * else the domain itself ("127.0.0.1:5000"). */
char *mk_credentials_key (const char *domain);

/* Sets auths.<key>.auth for domain in path. */
int mk_credentials_store (const char *path, const char *domain, const char *user,
                          const char *pass, mk_error **err);

/* Removes every auths entry naming domain; returns how many. */
int mk_credentials_erase (const char *path, const char *domain, mk_error **err);

/* "https://host:5000/v2/" or "host:5000" -> "host:5000"; Docker Hub's
 * names ("index.docker.io", "registry-1.docker.io") -> "docker.io". */
char *mk_registry_domain (const char *arg);

#endif
