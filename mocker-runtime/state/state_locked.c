#include "mocker-runtime/state/state_locked.h"

#include <unistd.h>

#include "common/util.h"

int
state_open_locked (const char *root, const char *id, struct rt_state **st,
                   enum rt_status *status, mk_error **err)
{
  *st = NULL;
  if (state_validate_id (id, err) < 0)
    return -1;
  _cleanup_close_ int dfd = state_lock (root, id, true, err);
  if (dfd < 0)
    return -1;
  if (state_read (dfd, id, st, err) < 0)
    return -1;
  if (*st == NULL || (*st)->pid == 0)
    {
      rt_state_free (*st);
      *st = NULL;
      return mk_error_set (err, 0, "container does not exist: `%s`", id);
    }
  if (status)
    *status = state_status (root, *st);
  return STEAL_FD (dfd);
}
