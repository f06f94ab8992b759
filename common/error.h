/* The one error convention of the code base.
 *
 * A fallible function returns int (< 0 on failure) or a pointer (NULL on
 * failure) and takes `mk_error **err` as its last parameter.  On failure it
 * fills *err with a heap-allocated message (and the errno that caused it, or 0)
 * and callers add context on the way up with mk_error_wrap().  Only main()
 * prints the message and chooses the exit status.
 *
 *     if (mkdir (path, 0700) < 0)
 *       return mk_error_set (err, errno, "mkdir `%s`", path);
 *     ...
 *     if (load (path, err) < 0)
 *       return mk_error_wrap (err, "load container `%s`", id);
 */
#ifndef MK_ERROR_H
#define MK_ERROR_H

#include <stdarg.h>

typedef struct mk_error
{
  int errnum;  /* errno of the root cause, 0 if none */
  char *msg;   /* full message, context first: "load `x`: open `y`: No such file" */
} mk_error;

/* Sets *err (if err is not NULL and *err is empty) and returns -1.
 * With errnum != 0, ": strerror(errnum)" is appended. */
int mk_error_set (mk_error **err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int mk_error_setv (mk_error **err, int errnum, const char *fmt, va_list ap);

/* Prefixes "context: " to an existing error; returns -1. */
int mk_error_wrap (mk_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void mk_error_free (mk_error **err);

/* Error's errno, or 0 when err is empty. */
int mk_error_errno (const mk_error *err);

#define _cleanup_error_ __attribute__ ((cleanup (mk_error_free)))

#endif
