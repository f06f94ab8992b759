#include "mocker/ui/filter.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/mocker.h"

int
ui_filter_add (struct ui_filter *f, const char *cmd, const char *arg,
               const char *const *allowed, mk_error **err)
{
  const char *eq = strchr (arg, '=');
  if (eq == NULL || eq == arg)
    return mocker_flag_error (err, cmd, "--filter `%s`: bad format of filter (expected name=value)",
                              arg);
  _cleanup_free_ char *key = xstrndup (arg, eq - arg);
  /* Docker lower-cases and trims the key */
  for (char *p = key; *p; p++)
    *p = (char) (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  bool known = false;
  for (size_t i = 0; allowed[i] && !known; i++)
    known = strcmp (allowed[i], key) == 0;
  if (!known)
    return mocker_flag_error (err, cmd, "--filter: invalid filter '%s'", key);
  f->keys = xrealloc (f->keys, (f->n + 1) * sizeof *f->keys);
  f->values = xrealloc (f->values, (f->n + 1) * sizeof *f->values);
  f->keys[f->n] = STEAL (key);
  f->values[f->n] = xstrdup (eq + 1);
  f->n++;
  return 0;
}

bool
ui_filter_has (const struct ui_filter *f, const char *key)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->keys[i], key) == 0)
      return true;
  return false;
}

bool
ui_filter_match (const struct ui_filter *f, const char *key, const char *text)
{
  if (!ui_filter_has (f, key))
    return true;
  for (size_t i = 0; i < f->n; i++)
    {
      if (strcmp (f->keys[i], key) != 0)
        continue;
      regex_t re;
      if (regcomp (&re, f->values[i], REG_EXTENDED | REG_NOSUB) != 0)
        continue;
      bool hit = regexec (&re, text ? text : "", 0, NULL, 0) == 0;
      regfree (&re);
      if (hit)
        return true;
    }
  return false;
}

bool
ui_filter_exact (const struct ui_filter *f, const char *key, const char *text)
{
  if (!ui_filter_has (f, key))
    return true;
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->keys[i], key) == 0 && text && strcmp (f->values[i], text) == 0)
      return true;
  return false;
}

bool
ui_filter_labels (const struct ui_filter *f, yajl_val labels)
{
  for (size_t i = 0; i < f->n; i++)
    {
      if (strcmp (f->keys[i], "label") != 0)
        continue;
      const char *want = f->values[i], *eq = strchr (want, '=');
      _cleanup_free_ char *key = eq ? xstrndup (want, (size_t) (eq - want)) : xstrdup (want);
      if (json_get (labels, key) == NULL)
        return false;
      const char *have = json_get_str (labels, key);
      if (eq && (have == NULL || strcmp (have, eq + 1) != 0))
        return false;
    }
  return true;
}

void
ui_filter_clear (struct ui_filter *f)
{
  for (size_t i = 0; i < f->n; i++)
    {
      free (f->keys[i]);
      free (f->values[i]);
    }
  free (f->keys);
  free (f->values);
  *f = (struct ui_filter) { 0 };
}
