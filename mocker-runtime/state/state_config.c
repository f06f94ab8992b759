#include "mocker-runtime/state/state_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/util.h"

int
state_config_save (int dirfd, const char *text, size_t len, mk_error **err)
{
  if (write_file_new_at (dirfd, "config.json", text, len, 0600, err) < 0)
    return mk_error_wrap (err, "keep config.json in the state directory");
  return 0;
}

int
state_config_load (const char *root, const struct rt_state *st, struct spec **out,
                   mk_error **err)
{
  _cleanup_free_ char *kept = xasprintf ("%s/%s/config.json", root, st->id);
  _cleanup_free_ char *text = NULL;
  size_t len;
  mk_error *ignored = NULL;
  if (read_file_at (AT_FDCWD, kept, SPEC_MAX_SIZE, &text, &len, &ignored) == 0)
    return spec_read_text (text, len, "config.json", out, err);
  mk_error_free (&ignored);
  _cleanup_free_ char *bundle_config = path_join (st->bundle, "config.json");
  return spec_read_file (bundle_config, out, err);
}

int
state_config_store (int dirfd, const struct spec *spec, mk_error **err)
{
  _cleanup_free_ char *text = spec_write (spec, false);
  if (write_file_atomic_at (dirfd, "config.json", text, strlen (text), 0600, false, err) < 0)
    return mk_error_wrap (err, "write the kept config.json");
  return 0;
}
