/* Dockerfiles: the parser (dockerfile.c) and Docker's word processing for
 * instruction arguments (expand.c).  No I/O: the text comes in, a list of
 * instructions with their line numbers comes out (docs/build.md).
 *
 * Parsing follows Docker's rules: parser directives at the very top
 * (`# escape=` sets the escape character, `# syntax=` is ignored),
 * comment lines dropped (also inside continued instructions), a line
 * ending in the escape character continues on the next one, the first
 * word names the instruction (any case), `--name=value` words that start
 * the arguments of FROM, RUN, COPY, ADD and HEALTHCHECK are flags, and the
 * arguments of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD and VOLUME are in
 * JSON (exec) form when they are a JSON array of strings. */
#ifndef MOCKER_BUILD_DOCKERFILE_H
#define MOCKER_BUILD_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct df_instr
{
  char *cmd;       /* the instruction, upper case: "FROM" */
  char *args;      /* the arguments after the flags, continuations joined */
  char *original;  /* "FROM busybox AS base": as written, for history and messages */
  char **flags;    /* "--from=build" ... as written (NULL-terminated, never NULL) */
  char **json;     /* the JSON (exec) form's strings, or NULL: shell form */
  int line;        /* where the instruction starts (1-based) */
};

struct dockerfile
{
  char escape;     /* '\\' or '`' */
  size_t n;
  struct df_instr *instrs;
};

void dockerfile_free (struct dockerfile *df);
void cleanup_dockerfilep (struct dockerfile **df);
#define _cleanup_dockerfile_ __attribute__ ((cleanup (cleanup_dockerfilep)))

/* name: how errors name the file ("Dockerfile").  Errors: "<name> line N:
 * ...": an unknown instruction, an instruction without arguments, a
 * heredoc (not supported), a bad escape directive. */
int dockerfile_parse (const char *text, size_t len, const char *name, struct dockerfile **out,
                      mk_error **err);

/* The value of flag "--name=value" in ins (NULL when absent); *present
 * (optional) tells a flag given without a value. */
const char *df_flag (const struct df_instr *ins, const char *name, bool *present);

/* ---- words and variables (expand.c) -------------------------------------- */

/* Variable lookup for expansion: the value, or NULL when unset. */
typedef const char *(*df_lookup_fn) (const char *name, void *opaque);

/* Docker's ProcessWord: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:+alt}, ${VAR+alt} (the word inside expanded too), quotes removed
 * ('...' literal, "..." expanded), the escape character quoting the next
 * one.  An unset variable expands to "".  Errors: an unterminated ${ or quote. */
char *df_expand_word (const char *word, char escape, df_lookup_fn lookup, void *opaque,
                      mk_error **err);

/* Docker's ProcessWords: splits on unquoted white space, then expands each
 * word as above (a word that expands to nothing is dropped). */
char **df_expand_words (const char *text, char escape, df_lookup_fn lookup, void *opaque,
                        mk_error **err);

/* The words of a KEY=VALUE list (ENV, LABEL, ARG) split on unquoted white
 * space with quotes kept (each word is then expanded by df_expand_word). */
char **df_split_words (const char *text, char escape);

#endif
