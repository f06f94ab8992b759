/* The -o of save and export (archive.h): an archive written whole or not at all. */
#include "mocker/archive/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

int
mk_archive_output (const char *cmd, const char *output, mk_archive_write_fn fn, void *opaque,
                   mk_error **err)
{
  if (output == NULL)
    return fn (STDOUT_FILENO, opaque, err);
  _cleanup_free_ char *tmp = xasprintf ("%s.XXXXXX", output);
  _cleanup_close_ int fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "%s: create `%s`", cmd, tmp);
  int rc = fn (fd, opaque, err);
  if (rc == 0 && fchmod (fd, 0644) < 0)
    rc = mk_error_set (err, errno, "%s: chmod `%s`", cmd, tmp);
  if (rc == 0 && fsync (fd) < 0)
    rc = mk_error_set (err, errno, "%s: write `%s`", cmd, output);
  if (rc == 0 && rename (tmp, output) < 0)
    rc = mk_error_set (err, errno, "%s: rename to `%s`", cmd, output);
  if (rc < 0)
    unlink (tmp);
  return rc;
}
