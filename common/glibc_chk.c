/* The _FORTIFY_SOURCE entry points that Debian's static libyajl, libcap and
 * libseccomp call (they were built against glibc with fortification). musl has
 * none of them, so a mocker-runtime linked against musl gets them from here:
 * the same checks, then the plain function. Under glibc this file is empty. */

#ifndef __GLIBC__

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's __chk_fail: a buffer overflow was caught; never return. */
static _Noreturn void
chk_fail (void)
{
  static const char msg[] = "*** buffer overflow detected ***: terminated\n";
  ssize_t r = write (STDERR_FILENO, msg, sizeof msg - 1);
  (void) r;
  abort ();
}

/* musl's vsnprintf refuses a size above INT_MAX (EOVERFLOW), and fortified
 * callers pass (size_t) -1 when the compiler did not know the object's size:
 * no output is longer than INT_MAX anyway. */
static size_t
printf_size (size_t n)
{
  return n > INT_MAX ? INT_MAX : n;
}

void *__memcpy_chk (void *dst, const void *src, size_t len, size_t dstlen);
int __snprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __sprintf_chk (char *s, int flag, size_t slen, const char *fmt, ...);
int __asprintf_chk (char **strp, int flag, const char *fmt, ...);
int __fprintf_chk (FILE *fp, int flag, const char *fmt, ...);

void *
__memcpy_chk (void *dst, const void *src, size_t len, size_t dstlen)
{
  if (dstlen < len)
    chk_fail ();
  return memcpy (dst, src, len);
}

int
__snprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
  (void) flag;
  if (slen < maxlen)
    chk_fail ();
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (s, printf_size (maxlen), fmt, ap);
  va_end (ap);
  return n;
}

int
__sprintf_chk (char *s, int flag, size_t slen, const char *fmt, ...)
{
  (void) flag;
  if (slen == 0)
    chk_fail ();
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (s, printf_size (slen), fmt, ap);
  va_end (ap);
  if (n >= 0 && (size_t) n >= printf_size (slen))
    chk_fail ();
  return n;
}

int
__asprintf_chk (char **strp, int flag, const char *fmt, ...)
{
  (void) flag;
  va_list ap;
  va_start (ap, fmt);
  int n = vasprintf (strp, fmt, ap);
  va_end (ap);
  return n;
}

int
__fprintf_chk (FILE *fp, int flag, const char *fmt, ...)
{
  (void) flag;
  va_list ap;
  va_start (ap, fmt);
  int n = vfprintf (fp, fmt, ap);
  va_end (ap);
  return n;
}

#else
typedef int glibc_chk_not_needed; /* (an empty file is not ISO C) */
#endif
