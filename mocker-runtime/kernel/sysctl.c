#include "mocker-runtime/kernel/sysctl.h"

#include <string.h>

#include "common/fs.h"
#include "common/util.h"

/* The ipc namespace's sysctls (besides fs.mqueue.*). */
static const char *ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static const char *
namespace_for (const char *key)
{
  if (str_has_prefix (key, "net."))
    return "network";
  if (str_has_prefix (key, "fs.mqueue."))
    return "ipc";
  for (size_t i = 0; i < ARRAY_SIZE (ipc_keys); i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      return "ipc";
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    return "uts";
  return NULL;
}

/* The key in its dotted form: sysctl(8) also takes "net/ipv4/conf/eth0.1/x",
 * where '/' separates and '.' is part of a name.  Heap. */
static char *
dotted (const char *key)
{
  char *k = xstrdup (key);
  if (strchr (k, '/'))
    for (char *p = k; *p; p++)
      *p = *p == '/' ? '.' : *p;
  return k;
}

int
sysctl_check (const struct spec *spec, const char *key, mk_error **err)
{
  if (str_is_empty (key) || strstr (key, "..") || key[0] == '.' || key[0] == '/'
      || strstr (key, "/.") || strstr (key, "./") || strstr (key, "//"))
    return mk_error_set (err, 0, "linux.sysctl: invalid key \"%s\"", key);
  _cleanup_free_ char *k = dotted (key);
  const char *ns = namespace_for (k);
  if (ns == NULL)
    return mk_error_set (err, 0, "linux.sysctl: \"%s\" is not namespaced and would change the host",
                         key);
  if (spec_find_namespace (spec, ns) == NULL)
    return mk_error_set (err, 0, "linux.sysctl: \"%s\" needs a %s namespace", key, ns);
  return 0;
}

int
sysctl_apply (const struct spec *spec, mk_error **err)
{
  const struct spec_map *m = spec->linux_ ? &spec->linux_->sysctl : NULL;
  for (size_t i = 0; m && i < m->len; i++)
    if (sysctl_check (spec, m->keys[i], err) < 0)
      return -1;
  for (size_t i = 0; m && i < m->len; i++)
    {
      _cleanup_free_ char *path = xasprintf ("/proc/sys/%s", m->keys[i]);
      if (!strchr (m->keys[i], '/'))
        for (char *p = path + strlen ("/proc/sys/"); *p; p++)
          if (*p == '.')
            *p = '/';
      if (write_file_string (path, m->values[i], err) < 0)
        return mk_error_wrap (err, "linux.sysctl: \"%s\"", m->keys[i]);
    }
  return 0;
}
