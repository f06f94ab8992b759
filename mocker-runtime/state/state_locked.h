/* Loading a container for a command that changes it (pause, resume, update):
 * its state dir locked exclusively and its complete state. */
#ifndef RT_STATE_LOCKED_H
#define RT_STATE_LOCKED_H

#include "common/error.h"
#include "mocker-runtime/state/state.h"

/* Returns the locked state dir fd; *st gets the state and *status the live
 * status (status may be NULL).  "container does not exist" when absent or
 * incomplete. */
int state_open_locked (const char *root, const char *id, struct rt_state **st,
                       enum rt_status *status, mk_error **err);

#endif
