/* Loading, finding and listing containers (see container.h). */
#include "mocker/container/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/store/store.h"

void
container_free (struct container *c)
{
  if (c == NULL)
    return;
  free (c->id);
  free (c->name);
  free (c->dir);
  if (c->record)
    yajl_tree_free (c->record);
  free (c);
}

void
cleanup_containerp (struct container **c)
{
  container_free (*c);
}

const char *
ctr_image (const struct container *c)
{
  return json_get_str (c->record, "image");
}

const char *
ctr_image_ref (const struct container *c)
{
  const char *r = json_get_str (c->record, "image_ref");
  return r ? r : ctr_image (c);
}

bool
ctr_flag (const struct container *c, const char *section, const char *key)
{
  yajl_val v = json_get (json_get (c->record, section), key);
  return v && YAJL_IS_TRUE (v);
}

const char *
ctr_str (const struct container *c, const char *section, const char *key)
{
  return json_get_str (section ? json_get (c->record, section) : c->record, key);
}

char *
ctr_command_line (const struct container *c)
{
  const char *path = json_get_str (c->record, "path");
  char *out = xstrdup (path ? path : "");
  yajl_val args = json_get (c->record, "args");
  for (size_t i = 0; args && YAJL_IS_ARRAY (args) && i < args->u.array.len; i++)
    {
      const char *a = YAJL_GET_STRING (args->u.array.values[i]);
      char *n = xasprintf ("%s %s", out, a ? a : "");
      free (out);
      out = n;
    }
  return out;
}

enum net_mode
ctr_net_mode (const struct container *c)
{
  const char *m = ctr_str (c, "host_config", "NetworkMode");
  if (m && strcmp (m, "none") == 0)
    return NET_NONE;
  if (m && strcmp (m, "host") == 0)
    return NET_HOST;
  return NET_BRIDGE;
}

int
ctr_ports (const struct container *c, struct port_map **out, size_t *n, mk_error **err)
{
  yajl_val p = json_get (c->record, "ports");
  *out = NULL;
  *n = 0;
  if (p == NULL || !YAJL_IS_ARRAY (p) || p->u.array.len == 0)
    return 0;
  struct port_map *maps = xzalloc (p->u.array.len * sizeof *maps);
  for (size_t i = 0; i < p->u.array.len; i++)
    {
      const char *s = YAJL_GET_STRING (p->u.array.values[i]);
      if (s == NULL || port_map_parse (s, &maps[i], err) < 0)
        {
          free (maps);
          return mk_error_wrap (err, "container %.12s: ports", c->id);
        }
    }
  *out = maps;
  *n = p->u.array.len;
  return 0;
}

char *
ctr_containers_dir (struct store *s)
{
  return store_path (s, "containers");
}

static bool
is_hex_id (const char *s)
{
  size_t n = strlen (s);
  if (n == 0 || n > 64)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

int
ctr_load (struct store *s, const char *id, struct container **out, mk_error **err)
{
  _cleanup_free_ char *base = ctr_containers_dir (s);
  _cleanup_container_ struct container *c = xzalloc (sizeof *c);
  c->id = xstrdup (id);
  c->dir = path_join (base, id);
  _cleanup_free_ char *rec = path_join (c->dir, "container.json");
  if (!path_exists (rec))
    return store_fail (err, ENOENT, "no such container: `%s`", id);
  if (json_parse_file (rec, &c->record, err) < 0)
    return -1;
  const char *name = json_get_str (c->record, "name");
  c->name = xstrdup (name ? name : id);
  _cleanup_error_ mk_error *e = NULL;
  c->has_state = ctr_state_read (c->dir, &c->state, &e) == 0;
  *out = STEAL (c);
  return 0;
}

int
ctr_find (struct store *s, const char *ref, struct container **out, mk_error **err)
{
  if (str_is_empty (ref))
    return store_fail (err, EINVAL, "empty container name or id");
  _cleanup_free_ char *base = ctr_containers_dir (s);
  /* A name first (Docker looks up the full id, then names, then prefixes;
   * a name never looks like a full 64-hex id). */
  if (strchr (ref, '/') == NULL && ref[0] != '.')
    {
      _cleanup_free_ char *link = xasprintf ("%s/.names/%s", base, ref[0] == '/' ? ref + 1 : ref);
      char target[80];
      ssize_t n = readlink (link, target, sizeof target - 1);
      if (n > 0)
        {
          target[n] = '\0';
          if (ctr_load (s, target, out, NULL) == 0)
            return 0;
        }
    }
  if (!is_hex_id (ref))
    return store_fail (err, ENOENT, "no such container: `%s`", ref);
  if (strlen (ref) == 64)
    return ctr_load (s, ref, out, err);
  _cleanup_closedir_ DIR *d = opendir (base);
  _cleanup_free_ char *found = NULL;
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (de->d_name[0] != '.' && str_has_prefix (de->d_name, ref))
      {
        if (found)
          return store_fail (err, EINVAL, "ambiguous container id prefix `%s`", ref);
        found = xstrdup (de->d_name);
      }
  if (found == NULL)
    return store_fail (err, ENOENT, "no such container: `%s`", ref);
  return ctr_load (s, found, out, err);
}

static int
newest_first (const void *a, const void *b)
{
  const struct container *x = *(struct container *const *) a;
  const struct container *y = *(struct container *const *) b;
  const char *cx = json_get_str (x->record, "created");
  const char *cy = json_get_str (y->record, "created");
  return strcmp (cy ? cy : "", cx ? cx : ""); /* RFC 3339 UTC sorts as text */
}

int
ctr_list (struct store *s, struct container ***out, size_t *n, mk_error **err)
{
  (void) err;
  _cleanup_free_ char *base = ctr_containers_dir (s);
  _cleanup_closedir_ DIR *d = opendir (base);
  struct container **list = NULL;
  size_t len = 0;
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      struct container *c = NULL;
      if (ctr_load (s, de->d_name, &c, NULL) < 0)
        continue; /* being made or removed */
      list = xrealloc (list, (len + 1) * sizeof *list);
      list[len++] = c;
    }
  if (len > 1)
    qsort (list, len, sizeof *list, newest_first);
  *out = list;
  *n = len;
  return 0;
}

void
ctr_list_free (struct container **list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    container_free (list[i]);
  free (list);
}

bool
ctr_monitor_active (const struct container *c)
{
  _cleanup_free_ char *p = path_join (c->dir, "monitor.lock");
  _cleanup_close_ int fd = open (p, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (flock (fd, LOCK_SH | LOCK_NB) < 0)
    return errno == EWOULDBLOCK;
  return false;
}

void
ctr_monitor_wait (const struct container *c)
{
  _cleanup_free_ char *p = path_join (c->dir, "monitor.lock");
  _cleanup_close_ int fd = open (p, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return;
  while (flock (fd, LOCK_SH) < 0 && errno == EINTR)
    ;
}

int
ctr_parse_signal (const char *s)
{
  static const struct { const char *name; int sig; } sigs[] = {
    { "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT }, { "ILL", SIGILL },
    { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },   { "BUS", SIGBUS },   { "FPE", SIGFPE },
    { "KILL", SIGKILL }, { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
    { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },   { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
    { "CONT", SIGCONT }, { "STOP", SIGSTOP },   { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
    { "TTOU", SIGTTOU }, { "URG", SIGURG },     { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
    { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
    { "PWR", SIGPWR },   { "SYS", SIGSYS },
  };
  long long n;
  if (parse_int64 (s, &n))
    return n > 0 && n < NSIG ? (int) n : -1;
  const char *name = strncasecmp (s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    if (strcasecmp (name, sigs[i].name) == 0)
      return sigs[i].sig;
  return -1;
}
