/* Allocation that never fails (out of memory aborts: it is not an error path
 * worth carrying), cleanup attributes, and small string helpers. */
#ifndef MK_UTIL_H
#define MK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <dirent.h>

#include "common/error.h"

void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
char *xvasprintf (const char *fmt, va_list ap);
/* The strings up to the NULL, joined: what xasprintf("%s%s...") gives,
 * without the printf machinery (paths are built this way on hot paths). */
char *xconcat (const char *first, ...) __attribute__ ((sentinel));

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

/* Takes ownership out of a cleanup variable: p = STEAL(local). */
#define STEAL(p) ({ __typeof__ (p) _tmp = (p); (p) = NULL; _tmp; })
#define STEAL_FD(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

void cleanup_freep (void *p);
void cleanup_closep (int *fd);
void cleanup_fclosep (FILE **f);
void cleanup_closedirp (DIR **d);
void cleanup_strvp (char ***v);

#define _cleanup_free_ __attribute__ ((cleanup (cleanup_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (cleanup_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__ ((cleanup (cleanup_closedirp)))
#define _cleanup_strv_ __attribute__ ((cleanup (cleanup_strvp)))

/* NULL-terminated string vectors. */
size_t strv_len (char *const *v);
void strv_free (char **v);
char **strv_dup (char *const *v);
/* Appends a copy of s, growing the vector. */
void strv_push (char ***v, const char *s);

/* The argument getopt_long was on when it last failed (""): glibc leaves
 * optind after it, musl one further (past the end of argv) when a last
 * option lacks its value. */
const char *getopt_failed_arg (char **argv);

bool str_has_prefix (const char *s, const char *prefix);
bool str_has_suffix (const char *s, const char *suffix);
bool str_is_empty (const char *s);

/* Parses a whole decimal integer; false on junk, overflow or empty input. */
bool parse_int64 (const char *s, long long *out);
/* Docker's sizes: "512m", "1g", "1048576", "64k", "100b" -> bytes (an error
 * naming s: junk, a negative or too large value). */
int parse_bytes (const char *s, int64_t *out, mk_error **err);
bool parse_uint64 (const char *s, unsigned long long *out);

#endif
