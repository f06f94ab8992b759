#include "common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

int
mk_error_setv (mk_error **err, int errnum, const char *fmt, va_list ap)
{
  if (err == NULL || *err != NULL)
    return -1;

  char *base = xvasprintf (fmt, ap);
  mk_error *e = xmalloc (sizeof *e);
  e->errnum = errnum;
  if (errnum != 0)
    {
      e->msg = xasprintf ("%s: %s", base, strerror (errnum));
      free (base);
    }
  else
    e->msg = base;
  *err = e;
  return -1;
}

int
mk_error_set (mk_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  mk_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
mk_error_wrap (mk_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *ctx = xvasprintf (fmt, ap);
  va_end (ap);
  char *msg = xasprintf ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
mk_error_free (mk_error **err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

int
mk_error_errno (const mk_error *err)
{
  return err ? err->errnum : 0;
}
