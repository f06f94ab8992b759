/* A container's volumes: see attach.h. */
#include "mocker/volume/attach.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/in_root.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/volume/copy_tree.h"
#include "mocker/volume/volume.h"

static bool
dir_is_empty (int fd)
{
  DIR *d = fdopendir (dup (fd));
  if (d == NULL)
    return false;
  struct dirent *e;
  bool empty = true;
  while (empty && (e = readdir (d)) != NULL)
    empty = strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0;
  closedir (d);
  return empty;
}

/* Removes what a failed fill made in the volume's directory (best effort:
 * the fill's own error is the one reported). */
static void
empty_dir (const char *path)
{
  DIR *d = opendir (path);
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      _cleanup_free_ char *p = path_join (path, e->d_name);
      _cleanup_error_ mk_error *err = NULL;
      if (rm_rf_one_fs (p, &err) < 0)
        log_warning ("%s", err->msg);
    }
  closedir (d);
}

/* Docker's copy-up: an empty volume gets what the image has at the mount
 * point (owner and mode of the directory too).  The path is resolved inside
 * rootfs: an image's symlink cannot make it read a host directory. */
static int
fill_volume (struct store *s, const struct volume_opt *v, const char *rootfs, mk_error **err)
{
  _cleanup_close_ int rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mk_error_set (err, errno, "open `%s`", rootfs);
  _cleanup_close_ int src = openat_in_root (rootfd, v->container, O_RDONLY | O_DIRECTORY, 0);
  if (src < 0)
    return 0; /* nothing there (or not a directory): the runtime makes the mount point */
  _cleanup_free_ char *data = volume_data_dir (s, v->name);
  _cleanup_close_ int dst = open (data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return mk_error_set (err, errno, "open `%s`", data);
  if (!dir_is_empty (dst))
    return 0;
  if (copy_dir_contents (src, dst, err) < 0)
    {
      /* Left half-filled, the volume would count as filled by the next run. */
      empty_dir (data);
      return mk_error_wrap (err, "fill volume `%s` from the image's `%s`", v->name, v->container);
    }
  struct stat st;
  if (fstat (src, &st) == 0)
    {
      if (fchown (dst, st.st_uid, st.st_gid) < 0 || fchmod (dst, st.st_mode & 07777) < 0)
        return mk_error_set (err, errno, "set the owner and mode of `%s`", data);
    }
  return 0;
}

int
ctr_volumes_attach (struct store *s, const char *ctr_id, const char *rootfs,
                    struct run_options *o, mk_error **err)
{
  bool any = false;
  for (size_t i = 0; i < o->n_volumes; i++)
    any |= o->volumes[i].kind == MOUNT_VOLUME;
  if (!any)
    return 0;
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  for (size_t i = 0; i < o->n_volumes; i++)
    {
      struct volume_opt *v = &o->volumes[i];
      if (v->kind != MOUNT_VOLUME)
        continue;
      if (v->name == NULL)
        v->name = volume_random_name ();
      char *anon_label[] = { (char *) VOLUME_ANON_LABEL "=", NULL };
      if (volume_create_locked (s, v->name, v->anonymous ? anon_label : NULL, &v->created, err) < 0
          || volume_add_user_locked (s, v->name, ctr_id, err) < 0)
        return -1;
      if (!v->nocopy && fill_volume (s, v, rootfs, err) < 0)
        return -1;
      free (v->host);
      v->host = volume_data_dir (s, v->name);
    }
  return 0;
}

void
ctr_volumes_release (struct store *s, const char *ctr_id, struct run_options *o)
{
  _cleanup_error_ mk_error *e = NULL;
  _cleanup_close_ int lock = -1;
  for (size_t i = 0; i < o->n_volumes; i++)
    {
      struct volume_opt *v = &o->volumes[i];
      if (v->kind != MOUNT_VOLUME || v->name == NULL || !volume_exists (s, v->name))
        continue;
      if (lock < 0 && (lock = volume_lock (s, &e)) < 0)
        return;
      volume_drop_user_locked (s, v->name, ctr_id);
      if (v->created && v->anonymous && volume_remove_locked (s, v->name, &e) < 0)
        {
          log_warning ("%s", e->msg);
          mk_error_free (&e);
        }
    }
}

bool
ctr_has_volumes (const struct container *c)
{
  yajl_val m = json_get (c->record, "mounts");
  for (size_t i = 0; m && YAJL_IS_ARRAY (m) && i < m->u.array.len; i++)
    {
      const char *t = json_get_str (m->u.array.values[i], "Type");
      if (t && strcmp (t, "volume") == 0)
        return true;
    }
  return false;
}

int
ctr_volumes_detach (struct store *s, const struct container *c, bool remove_anonymous,
                    mk_error **err)
{
  if (!ctr_has_volumes (c))
    return 0;
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  yajl_val m = json_get (c->record, "mounts");
  int r = 0;
  for (size_t i = 0; i < m->u.array.len; i++)
    {
      yajl_val e = m->u.array.values[i];
      const char *t = json_get_str (e, "Type");
      const char *name = json_get_str (e, "Name");
      if (t == NULL || strcmp (t, "volume") != 0 || name == NULL || !volume_name_valid (name)
          || !volume_exists (s, name))
        continue;
      volume_drop_user_locked (s, name, c->id);
      yajl_val anon = json_get (e, "Anonymous");
      if (!remove_anonymous || anon == NULL || !YAJL_IS_TRUE (anon))
        continue;
      _cleanup_strv_ char **users = volume_users_locked (s, name);
      if (users[0])
        continue; /* shared through --volumes-from: it stays, as Docker */
      _cleanup_error_ mk_error *ve = NULL;
      if (volume_remove_locked (s, name, &ve) < 0)
        {
          log_warning ("%s", ve->msg);
          r = 0;
        }
    }
  return r;
}
