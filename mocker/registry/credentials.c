#include "mocker/registry/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/lock.h"
#include "common/util.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/reference.h"

#define HUB_KEY "https://index.docker.io/v1/"

char *
mk_registry_domain (const char *arg)
{
  const char *s = arg;
  if (str_has_prefix (s, "https://"))
    s += 8;
  else if (str_has_prefix (s, "http://"))
    s += 7;
  char *d = xstrndup (s, strcspn (s, "/"));
  if (strcmp (d, "index.docker.io") == 0 || strcmp (d, "registry-1.docker.io") == 0)
    {
      free (d);
      d = xstrdup (MK_DOCKER_HUB);
    }
  return d;
}

char *
mk_credentials_key (const char *domain)
{
  return xstrdup (strcmp (domain, MK_DOCKER_HUB) == 0 ? HUB_KEY : domain);
}

/* The file's tree (NULL when there is no file), checked to be an object. */
static int
load (const char *path, yajl_val *out, mk_error **err)
{
  *out = NULL;
  if (!path_exists (path))
    return 0;
  if (json_parse_file (path, out, err) < 0)
    return -1;
  if (!YAJL_IS_OBJECT (*out))
    return mk_error_set (err, 0, "%s: want a JSON object", path);
  /* Written back whole by login/logout: no deeper than the generator goes. */
  if (json_check_depth (*out, JSON_CONFIG_MAX_DEPTH, path, err) < 0)
    return -1;
  yajl_val auths = json_get (*out, "auths");
  if (auths && !YAJL_IS_OBJECT (auths))
    return mk_error_set (err, 0, "%s: auths: want an object, got %s", path,
                         json_type_name (auths));
  return 0;
}

/* Writes root back with auths rewritten: entries naming domain dropped,
 * then (key, auth) added when auth is not NULL. */
static int
save (const char *path, yajl_val root, const char *domain, const char *key, const char *auth,
      mk_error **err)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  yajl_val auths = root ? json_get (root, "auths") : NULL;
  json_key (g, "auths");
  json_obj_open (g);
  for (size_t i = 0; auths && i < auths->u.object.len; i++)
    if (!mk_auth_key_matches (auths->u.object.keys[i], domain))
      {
        json_key (g, auths->u.object.keys[i]);
        json_tree (g, auths->u.object.values[i]);
      }
  if (auth)
    {
      json_key (g, key);
      json_obj_open (g);
      json_kv_str (g, "auth", auth);
      json_obj_close (g);
    }
  json_obj_close (g);
  for (size_t i = 0; root && i < root->u.object.len; i++)
    if (strcmp (root->u.object.keys[i], "auths") != 0)
      {
        json_key (g, root->u.object.keys[i]);
        json_tree (g, root->u.object.values[i]);
      }
  json_obj_close (g);
  size_t len = 0;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  int rc = write_file_atomic (path, text, len, 0600, true, err);
  explicit_bzero (text, len);
  return rc;
}

/* The directory of path made (0700) and locked (flock on the directory
 * itself: no lock file is left next to Docker's). */
static int
lock_config (const char *path, mk_error **err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  if (slash == NULL)
    {
      free (dir);
      dir = xstrdup (".");
    }
  else if (slash != dir)
    *slash = '\0';
  else
    dir[1] = '\0';
  if (mkdir_p (dir, 0700, err) < 0)
    return -1;
  _cleanup_close_ int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", dir);
  if (lock_fd (fd, true, dir, err) < 0)
    return -1;
  return STEAL_FD (fd);
}

int
mk_credentials_store (const char *path, const char *domain, const char *user, const char *pass,
                      mk_error **err)
{
  _cleanup_close_ int lock = lock_config (path, err);
  if (lock < 0)
    return -1;
  _cleanup_json_ yajl_val root = NULL;
  if (load (path, &root, err) < 0)
    return -1;
  _cleanup_free_ char *plain = xasprintf ("%s:%s", user, pass);
  size_t n = strlen (plain);
  _cleanup_free_ char *b64 = xmalloc (4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock ((unsigned char *) b64, (const unsigned char *) plain, n);
  explicit_bzero (plain, n);
  _cleanup_free_ char *key = mk_credentials_key (domain);
  int rc = save (path, root, domain, key, b64, err);
  explicit_bzero (b64, strlen (b64));
  return rc;
}

int
mk_credentials_erase (const char *path, const char *domain, mk_error **err)
{
  if (!path_exists (path))
    return 0;
  _cleanup_close_ int lock = lock_config (path, err);
  if (lock < 0)
    return -1;
  _cleanup_json_ yajl_val root = NULL;
  if (load (path, &root, err) < 0)
    return -1;
  yajl_val auths = root ? json_get (root, "auths") : NULL;
  int found = 0;
  for (size_t i = 0; auths && i < auths->u.object.len; i++)
    if (mk_auth_key_matches (auths->u.object.keys[i], domain))
      found++;
  if (found == 0)
    return 0;
  if (save (path, root, domain, NULL, NULL, err) < 0)
    return -1;
  return found;
}
