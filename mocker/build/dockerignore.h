/* .dockerignore: which files of the build context COPY and ADD cannot see,
 * with Docker's rules (its patternmatcher): one pattern a line, `#` lines
 * and blank lines skipped, a pattern is cleaned (`./a//b/` -> `a/b`, a
 * leading `/` dropped), `*` `?` `[...]` and `\` as in Go's filepath.Match
 * (never across a `/`), `**` any number of directories (zero included),
 * `!` an exception; the last pattern that matches a path (or one of its
 * parent directories) decides. */
#ifndef MOCKER_BUILD_DOCKERIGNORE_H
#define MOCKER_BUILD_DOCKERIGNORE_H

#include <stdbool.h>

#include "common/error.h"

struct dockerignore;

/* From the text of a .dockerignore (NULL text: nothing ignored). */
struct dockerignore *dockerignore_new (const char *text);
void dockerignore_free (struct dockerignore *d);
void cleanup_dockerignorep (struct dockerignore **d);
#define _cleanup_dockerignore_ __attribute__ ((cleanup (cleanup_dockerignorep)))

/* path: relative to the context, no leading "./" or "/". */
bool dockerignore_excluded (const struct dockerignore *d, const char *path);
/* True when some pattern is an exception (`!`): an excluded directory must
 * then still be walked, a file below it may be included again. */
bool dockerignore_has_exceptions (const struct dockerignore *d);

/* One pattern against one path: the matcher above, without `!` and parents
 * (for tests and COPY's own globs). */
bool dockerignore_match (const char *pattern, const char *path);

/* Go's filepath.Clean on a relative or absolute path (heap). */
char *dockerignore_clean (const char *path);

#endif
