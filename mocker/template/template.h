/* A Go text/template engine of our own, over yajl trees: what Docker's
 * `--format` accepts (docs/containers.md, "Formatting and filtering").
 *
 *   struct tmpl *t = tmpl_parse ("{{.ID}}\t{{.Names | upper}}", &err);
 *   const char *out = tmpl_exec (t, row, &len, &err);   // per row
 *   tmpl_free (t);
 *
 * Supported: text and actions with trim markers ({{- -}}) and comments;
 * fields (.A.B) on objects, `.`, `$`, variables ($x := / $x =), pipelines,
 * parentheses, string/raw-string/number/bool/nil literals; if/else if/else,
 * range (arrays, objects by sorted key, split lists; $i, $e :=; else,
 * break, continue), with/else; functions and or not eq ne lt le gt ge len
 * index print printf (%s %d %v %q %f %x with flags/width) println, and
 * Docker's json join split lower upper title truncate pad.
 * A field an object lacks is an error, as Docker's inspect (missingkey=error):
 * "template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"". */
#ifndef MOCKER_TEMPLATE_H
#define MOCKER_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"

struct tmpl;

/* Parses text; errors read "template parsing error: template: :LINE: why". */
struct tmpl *tmpl_parse (const char *text, mk_error **err);
void tmpl_free (struct tmpl *t);
void cleanup_tmplp (struct tmpl **t);
#define _cleanup_tmpl_ __attribute__ ((cleanup (cleanup_tmplp)))

/* Runs the template on data. The text (NUL-terminated, *len bytes when len
 * is not NULL) lives in the template's buffer until the next call: nothing
 * is allocated per call once the buffers have grown. NULL on failure. */
const char *tmpl_exec (struct tmpl *t, yajl_val data, size_t *len, mk_error **err);
/* Same, writing the text to out. */
int tmpl_exec_file (struct tmpl *t, yajl_val data, FILE *out, mk_error **err);

/* Header mode (Docker's table headers): json, join, split, lower, upper,
 * title, truncate and pad return their first argument unchanged, so that
 * running the template on {"ID": "CONTAINER ID", ...} gives the header. */
void tmpl_set_header_mode (struct tmpl *t, bool on);

/* A method of the rows, as Docker's {{.Label "key"}} on ps rows: `.Name
 * ARG...` (or `$x.Name ARG...`, or with a piped last argument) calls fn with
 * the arguments as text and the opaque pointer given here (the row is the
 * caller's to know: the chain before the name is not evaluated); fn returns
 * the text (heap) or NULL with *err set. In header mode, fn is called with
 * header true and gives the column's title. */
typedef char *(*tmpl_method_fn) (const char *const *args, size_t n, bool header, void *opaque,
                                 mk_error **err);
void tmpl_add_method (struct tmpl *t, const char *name, tmpl_method_fn fn, void *opaque);

/* Whether the template names the field anywhere (`.Size`, `$x.Size`): to
 * compute costly columns only when used, as Docker does. */
bool tmpl_uses_field (const struct tmpl *t, const char *name);

#endif
