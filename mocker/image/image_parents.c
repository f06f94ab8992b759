/* Build parents of images (image_parents.h). */
#include "mocker/image/image_parents.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/image.h"
#include "mocker/store/store.h"

static char *
parent_file (struct store *s, const char *child)
{
  const char *hex = str_has_prefix (child, "sha256:") ? child + 7 : child;
  _cleanup_free_ char *rel = xasprintf ("image-parents/%s", hex);
  return store_path (s, rel);
}

void
image_parent_record (struct store *s, const char *child, const char *parent)
{
  _cleanup_free_ char *dir = store_path (s, "image-parents");
  _cleanup_free_ char *path = parent_file (s, child);
  _cleanup_error_ mk_error *e = NULL;
  if (mkdir_p (dir, 0700, &e) == 0)
    write_file_atomic (path, parent, strlen (parent), 0600, false, &e);
}

char *
image_parent_get (struct store *s, const char *child)
{
  _cleanup_free_ char *path = parent_file (s, child);
  char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (read_file (path, &text, NULL, &e) < 0)
    return NULL;
  text[strcspn (text, "\n")] = '\0';
  if (!digest_valid (text))
    {
      free (text);
      return NULL;
    }
  return text;
}

void
image_parent_forget (struct store *s, const char *child)
{
  _cleanup_free_ char *path = parent_file (s, child);
  unlink (path);
}

static bool
untagged (const struct store_image *img)
{
  return strv_len (img->tags) == 0 && strv_len (img->repo_digests) == 0;
}

void
image_list_drop_intermediate (struct store *s, struct store_image **list, size_t *n)
{
  _cleanup_strv_ char **parents = xzalloc (sizeof *parents);
  for (size_t i = 0; i < *n; i++)
    {
      _cleanup_free_ char *p = image_parent_get (s, list[i]->id);
      if (p)
        strv_push (&parents, p);
    }
  if (parents[0] == NULL)
    return;
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++)
    {
      bool is_parent = false;
      for (char **p = parents; *p && !is_parent; p++)
        is_parent = strcmp (*p, list[i]->id) == 0;
      if (is_parent && untagged (list[i]))
        store_image_free (list[i]);
      else
        list[kept++] = list[i];
    }
  *n = kept;
}

/* True when a registered image other than `except` was built on id. */
static bool
has_child (struct store *s, const char *id)
{
  _cleanup_free_ char *dir = store_path (s, "image-parents");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)))
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *child = xasprintf ("sha256:%s", de->d_name);
      _cleanup_free_ char *p = image_parent_get (s, child);
      if (p == NULL || strcmp (p, id) != 0)
        continue;
      _cleanup_free_ char *found = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (store_image_lookup_id (s, child, &found, &e) == 0)
        return true;
      image_parent_forget (s, child); /* a record of an image gone since */
    }
  return false;
}

void
image_parents_prune (struct store *s, const char *deleted,
                     void (*report) (const char *verb, const char *what, void *opaque),
                     void *opaque)
{
  _cleanup_free_ char *p = image_parent_get (s, deleted);
  image_parent_forget (s, deleted);
  while (p)
    {
      _cleanup_store_image_ struct store_image *img = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (store_image_load (s, p, &img, &e) < 0 || !untagged (img) || has_child (s, p)
          || store_image_in_use (s, p, NULL))
        return;
      if (store_image_remove (s, p, false, report, opaque, &e) < 0)
        return;
      char *next = image_parent_get (s, p);
      image_parent_forget (s, p);
      free (p);
      p = next;
    }
}
