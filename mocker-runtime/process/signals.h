/* Signal names for `kill`: "KILL", "SIGKILL", "sigkill", "9", "RTMIN+2". */
#ifndef RT_SIGNALS_H
#define RT_SIGNALS_H

#include "common/error.h"

/* Parses a signal name (with or without SIG, any case) or number. */
int signal_parse (const char *s, int *out, mk_error **err);

#endif
