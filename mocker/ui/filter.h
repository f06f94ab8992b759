/* `--filter key=value` as Docker's CLI and daemon read it: values of one
 * key are alternatives (any may match), different keys must all match. */
#ifndef MOCKER_UI_FILTER_H
#define MOCKER_UI_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "common/error.h"

struct ui_filter
{
  char **keys, **values;
  size_t n;
};

/* Adds "key=value" (allowed: the command's keys, NULL-terminated). Errors,
 * as bad options: "bad format of filter (expected name=value)", "invalid
 * filter 'key'". */
int ui_filter_add (struct ui_filter *f, const char *cmd, const char *arg,
                   const char *const *allowed, mk_error **err);
bool ui_filter_has (const struct ui_filter *f, const char *key);
/* Docker's Match: true when the key is absent, or when one of its values,
 * as an extended regular expression, matches somewhere in text (a value
 * that is not a valid expression matches nothing). */
bool ui_filter_match (const struct ui_filter *f, const char *key, const char *text);
/* Exact: the key is absent, or one of its values equals text. */
bool ui_filter_exact (const struct ui_filter *f, const char *key, const char *text);
/* Docker's MatchKVList: every "label" value holds on labels (a JSON
 * object): "key" is present, "key=value" has that value. */
bool ui_filter_labels (const struct ui_filter *f, yajl_val labels);
void ui_filter_clear (struct ui_filter *f);

#endif
