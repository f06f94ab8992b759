/* Volumes in the store: see volume.h. */
#include "mocker/volume/volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/lock.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/state.h"
#include "mocker/store/store.h"

bool
volume_name_valid (const char *name)
{
  size_t n = strlen (name);
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = name[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return false;
    }
  return true;
}

char *
volume_random_name (void)
{
  char *hex = xmalloc (65);
  store_random_id (hex);
  return hex;
}

static char *
volumes_base (struct store *s)
{
  return store_path (s, "volumes");
}

char *
volume_dir (struct store *s, const char *name)
{
  _cleanup_free_ char *base = volumes_base (s);
  return path_join (base, name);
}

char *
volume_data_dir (struct store *s, const char *name)
{
  _cleanup_free_ char *d = volume_dir (s, name);
  return path_join (d, "_data");
}

int
volume_lock (struct store *s, mk_error **err)
{
  _cleanup_free_ char *base = volumes_base (s);
  if (mkdir_p (base, 0700, err) < 0)
    return -1;
  _cleanup_free_ char *lock = path_join (base, ".lock");
  return lock_path (lock, true, err);
}

bool
volume_exists (struct store *s, const char *name)
{
  _cleanup_free_ char *d = volume_dir (s, name);
  _cleanup_free_ char *meta = path_join (d, "volume.json");
  return volume_name_valid (name) && path_exists (meta);
}

/* Leftovers of a crash: under the lock nobody else is making or removing one. */
static void
remove_leftovers (const char *base)
{
  _cleanup_closedir_ DIR *d = opendir (base);
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    if (str_has_prefix (e->d_name, ".tmp-") || str_has_prefix (e->d_name, ".trash-"))
      {
        _cleanup_free_ char *p = path_join (base, e->d_name);
        _cleanup_error_ mk_error *err = NULL;
        if (rm_rf_one_fs (p, &err) < 0)
          log_warning ("%s", err->msg);
      }
}

static int
meta_json (const char *name, char *const *labels, char **out, mk_error **err)
{
  char created[40];
  ctr_time_now (created, sizeof created);
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_kv_str (g, "name", name);
  json_kv_str (g, "created", created);
  json_key (g, "labels");
  json_obj_open (g);
  for (size_t i = 0; labels && labels[i]; i++)
    {
      _cleanup_free_ char *k = xstrdup (labels[i]);
      char *eq = strchr (k, '=');
      if (eq)
        *eq++ = '\0';
      json_kv_str (g, k, eq ? eq : "");
    }
  json_obj_close (g);
  json_obj_close (g);
  return json_gen_finish_checked (g, "volume record", out, NULL, err);
}

int
volume_create_locked (struct store *s, const char *name, char *const *labels, bool *created,
                      mk_error **err)
{
  *created = false;
  if (!volume_name_valid (name))
    return store_fail (err, EINVAL,
                       "invalid volume name `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                       name);
  if (volume_exists (s, name))
    return 0;
  _cleanup_free_ char *base = volumes_base (s);
  remove_leftovers (base);
  _cleanup_free_ char *dir = path_join (base, name);
  _cleanup_free_ char *tmp = xasprintf ("%s/.tmp-%s", base, name);
  _cleanup_free_ char *data = path_join (tmp, "_data");
  _cleanup_free_ char *users = path_join (tmp, "users");
  _cleanup_free_ char *meta_path = path_join (tmp, "volume.json");
  _cleanup_free_ char *meta = NULL;
  if (mkdir (tmp, 0700) < 0)
    return mk_error_set (err, errno, "mkdir `%s`", tmp);
  int r = -1;
  if (mkdir (data, 0755) < 0)
    mk_error_set (err, errno, "mkdir `%s`", data);
  else if (mkdir (users, 0700) < 0)
    mk_error_set (err, errno, "mkdir `%s`", users);
  else if (meta_json (name, labels, &meta, err) == 0
           && write_file_atomic (meta_path, meta, strlen (meta), 0600, false, err) == 0)
    {
      /* A directory left without volume.json (a crash of an old version) is
       * replaced. */
      _cleanup_error_ mk_error *e = NULL;
      if (path_exists (dir))
        rm_rf_one_fs (dir, &e);
      if (rename (tmp, dir) < 0)
        mk_error_set (err, errno, "rename `%s`", tmp);
      else
        r = 0;
    }
  if (r < 0)
    {
      _cleanup_error_ mk_error *e = NULL;
      rm_rf_one_fs (tmp, &e);
      return mk_error_wrap (err, "create volume `%s`", name);
    }
  *created = true;
  return 0;
}

char **
volume_users_locked (struct store *s, const char *name)
{
  char **out = xzalloc (sizeof *out);
  _cleanup_free_ char *d = volume_dir (s, name);
  _cleanup_free_ char *users = path_join (d, "users");
  _cleanup_free_ char *ctrs = store_path (s, "containers");
  _cleanup_closedir_ DIR *dir = opendir (users);
  struct dirent *e;
  while (dir && (e = readdir (dir)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      _cleanup_free_ char *c = path_join (ctrs, e->d_name);
      if (dir_exists (c))
        strv_push (&out, e->d_name);
      else
        {
          /* The container is gone (a --rm monitor, a crash): stale. */
          _cleanup_free_ char *p = path_join (users, e->d_name);
          unlink (p);
        }
    }
  return out;
}

int
volume_add_user_locked (struct store *s, const char *name, const char *ctr_id, mk_error **err)
{
  _cleanup_free_ char *d = volume_dir (s, name);
  _cleanup_free_ char *p = xasprintf ("%s/users/%s", d, ctr_id);
  int fd = open (p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return mk_error_set (err, errno, "create `%s`", p);
  close (fd);
  return 0;
}

void
volume_drop_user_locked (struct store *s, const char *name, const char *ctr_id)
{
  _cleanup_free_ char *d = volume_dir (s, name);
  _cleanup_free_ char *p = xasprintf ("%s/users/%s", d, ctr_id);
  unlink (p);
}

int
volume_remove_locked (struct store *s, const char *name, mk_error **err)
{
  if (!volume_exists (s, name))
    return store_fail (err, ENOENT, "no such volume: `%s`", name);
  _cleanup_strv_ char **users = volume_users_locked (s, name);
  if (users[0])
    {
      _cleanup_free_ char *list = xstrdup ("");
      for (size_t i = 0; users[i]; i++)
        {
          char *n = xasprintf ("%s%s%s", list, i ? ", " : "", users[i]);
          free (list);
          list = n;
        }
      return store_fail (err, EBUSY, "remove %s: volume is in use - [%s]", name, list);
    }
  _cleanup_free_ char *base = volumes_base (s);
  _cleanup_free_ char *dir = path_join (base, name);
  _cleanup_free_ char *trash = xasprintf ("%s/.trash-%s", base, name);
  if (rename (dir, trash) < 0)
    return mk_error_set (err, errno, "rename `%s`", dir);
  if (rm_rf_one_fs (trash, err) < 0)
    return mk_error_wrap (err, "remove volume `%s`", name);
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
volume_list (struct store *s)
{
  char **out = xzalloc (sizeof *out);
  _cleanup_free_ char *base = volumes_base (s);
  _cleanup_closedir_ DIR *d = opendir (base);
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    if (e->d_name[0] != '.' && volume_exists (s, e->d_name))
      strv_push (&out, e->d_name);
  qsort (out, strv_len (out), sizeof *out, cmp_str);
  return out;
}

int
volume_load (struct store *s, const char *name, yajl_val *out, mk_error **err)
{
  if (!volume_exists (s, name))
    return store_fail (err, ENOENT, "no such volume: `%s`", name);
  _cleanup_free_ char *d = volume_dir (s, name);
  _cleanup_free_ char *p = path_join (d, "volume.json");
  return json_parse_file (p, out, err);
}

bool
volume_is_anonymous (yajl_val meta)
{
  return json_get (json_get (meta, "labels"), VOLUME_ANON_LABEL) != NULL;
}
