/* The build cache (build_internal.h): <store>/build-cache/<sha256 of the
 * step key> holds the id of the image that step made.  An entry whose
 * image was removed since is a miss.  Entries are written atomically;
 * two builds racing on one key both build, the last one's entry stays. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"
#include "mocker/store/image.h"
#include "mocker/store/store.h"

static char *
entry_path (struct store *s, const char *key)
{
  _cleanup_free_ char *d = digest_bytes (key, strlen (key));
  _cleanup_free_ char *rel = xasprintf ("build-cache/%s", digest_hex (d));
  return store_path (s, rel);
}

char *
build_cache_get (struct store *s, const char *key)
{
  _cleanup_free_ char *path = entry_path (s, key);
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (read_file (path, &text, NULL, &e) < 0)
    return NULL;
  text[strcspn (text, "\n")] = '\0';
  char *id = NULL;
  if (!digest_valid (text) || store_image_lookup_id (s, text, &id, &e) < 0)
    {
      /* The image was removed since: the entry is of no use any more. */
      if (mk_error_errno (e) == ENOENT || !digest_valid (text))
        unlink (path);
      return NULL;
    }
  return id;
}

void
build_cache_put (struct store *s, const char *key, const char *image_id)
{
  _cleanup_free_ char *dir = store_path (s, "build-cache");
  _cleanup_free_ char *path = entry_path (s, key);
  _cleanup_error_ mk_error *e = NULL;
  if (mkdir_p (dir, 0700, &e) < 0
      || write_file_atomic (path, image_id, strlen (image_id), 0600, false, &e) < 0)
    log_warning ("build cache: %s", e->msg);
}
