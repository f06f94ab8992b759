#include "mocker-runtime/kernel/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "common/log.h"
#include "common/util.h"

int
caps_from_name (const char *name, int *value, mk_error **err)
{
  /* Only "CAP_<LETTERS>": libcap would also take "12" or "all". */
  bool ok = name && strncasecmp (name, "CAP_", 4) == 0 && name[4] != '\0';
  for (const char *p = name ? name + 4 : NULL; ok && *p; p++)
    ok = isalnum ((unsigned char) *p) || *p == '_';
  char lower[64];
  cap_value_t v;
  if (ok && strlen (name) < sizeof lower)
    {
      for (size_t i = 0; i <= strlen (name); i++)
        lower[i] = (char) tolower ((unsigned char) name[i]);
      if (cap_from_name (lower, &v) == 0 && v >= 0 && v < 64)
        {
          *value = v;
          return 0;
        }
    }
  return mk_error_set (err, 0, "unknown capability \"%s\"", name ? name : "");
}

int
caps_parse_list (char *const *names, const char *what, uint64_t *out, mk_error **err)
{
  uint64_t mask = 0;
  int max = cap_max_bits ();
  for (size_t i = 0; names && names[i]; i++)
    {
      int v;
      if (caps_from_name (names[i], &v, err) < 0)
        return mk_error_wrap (err, "%s", what);
      if (v >= max)
        {
          log_debug ("%s: %s is not known to this kernel, skipped", what, names[i]);
          continue;
        }
      mask |= UINT64_C (1) << v;
    }
  *out = mask;
  return 0;
}

/* Removes the unknown names from one list; appends them to *unknown. */
static int
drop_unknown_in (char **names, const char *what, bool strict, char ***unknown, mk_error **err)
{
  size_t out = 0;
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      int v;
      if (caps_from_name (names[i], &v, &e) == 0)
        {
          names[out++] = names[i];
          continue;
        }
      if (strict)
        return mk_error_set (err, 0, "%s: unknown capability \"%s\"", what, names[i]);
      size_t j = 0;
      while ((*unknown)[j] && strcmp ((*unknown)[j], names[i]) != 0)
        j++;
      if ((*unknown)[j] == NULL)
        strv_push (unknown, names[i]);
      free (names[i]);
    }
  if (names)
    names[out] = NULL;
  return 0;
}

int
caps_drop_unknown (struct spec_capabilities *c, bool strict, mk_error **err)
{
  if (c == NULL)
    return 0;
  _cleanup_strv_ char **unknown = xzalloc (sizeof (char *));
  if (drop_unknown_in (c->bounding, "process.capabilities.bounding", strict, &unknown, err) < 0
      || drop_unknown_in (c->effective, "process.capabilities.effective", strict, &unknown, err) < 0
      || drop_unknown_in (c->inheritable, "process.capabilities.inheritable", strict, &unknown,
                          err) < 0
      || drop_unknown_in (c->permitted, "process.capabilities.permitted", strict, &unknown, err) < 0
      || drop_unknown_in (c->ambient, "process.capabilities.ambient", strict, &unknown, err) < 0)
    return -1;
  if (unknown[0])
    {
      _cleanup_free_ char *list = xstrdup (unknown[0]);
      for (size_t i = 1; unknown[i]; i++)
        {
          char *longer = xasprintf ("%s %s", list, unknown[i]);
          free (list);
          list = longer;
        }
      log_warning ("ignoring unknown capabilities: [%s]", list);
    }
  return 0;
}

int
caps_parse (const struct spec_capabilities *c, struct cap_sets *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (caps_parse_list (c->bounding, "process.capabilities.bounding", &out->bounding, err) < 0
      || caps_parse_list (c->effective, "process.capabilities.effective", &out->effective, err) < 0
      || caps_parse_list (c->inheritable, "process.capabilities.inheritable", &out->inheritable,
                          err) < 0
      || caps_parse_list (c->permitted, "process.capabilities.permitted", &out->permitted, err) < 0
      || caps_parse_list (c->ambient, "process.capabilities.ambient", &out->ambient, err) < 0)
    return -1;
  return 0;
}

/* "CAP_CHOWN" for messages (libcap's cap_to_name allocates). */
static const char *
cap_name (int v, char buf[64])
{
  char *n = cap_to_name (v);
  size_t i = 0;
  for (; n && n[i] && i < 63; i++)
    buf[i] = (char) toupper ((unsigned char) n[i]);
  buf[i] = '\0';
  cap_free (n);
  return buf;
}

int
caps_drop_bounding (uint64_t keep, mk_error **err)
{
  int max = cap_max_bits ();
  char buf[64];
  for (int v = 0; v < max; v++)
    {
      if (keep & (UINT64_C (1) << v))
        continue;
      if (prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
        return mk_error_set (err, errno, "process.capabilities.bounding: drop %s",
                             cap_name (v, buf));
    }
  return 0;
}

static void
cap_free_p (cap_t *c)
{
  if (*c)
    cap_free (*c);
}

static void
set_flag (cap_t c, cap_flag_t flag, uint64_t mask)
{
  for (int v = 0; v < 64; v++)
    if (mask & (UINT64_C (1) << v))
      {
        cap_value_t cv = v;
        cap_set_flag (c, flag, 1, &cv, CAP_SET);
      }
}

int
caps_apply_sets (const struct cap_sets *s, mk_error **err)
{
  __attribute__ ((cleanup (cap_free_p))) cap_t c = cap_init ();
  if (c == NULL)
    return mk_error_set (err, errno, "cap_init");
  set_flag (c, CAP_EFFECTIVE, s->effective);
  set_flag (c, CAP_PERMITTED, s->permitted);
  set_flag (c, CAP_INHERITABLE, s->inheritable);
  if (cap_set_proc (c) < 0)
    return mk_error_set (err, errno, "process.capabilities: set the effective, permitted and "
                                     "inheritable sets (effective must be within permitted)");
  /* One prctl: libcap's cap_reset_ambient reads every ambient bit first. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && s->ambient)
    return mk_error_set (err, errno, "process.capabilities.ambient: reset");
  char buf[64];
  /* The kernel only raises an ambient capability that is permitted and
   * inheritable; like runc, one that is not is skipped with a warning
   * (bundles made by older tools ask for ambient without inheritable). */
  for (int v = 0; v < 64; v++)
    if ((s->ambient & (UINT64_C (1) << v)) && cap_set_ambient (v, CAP_SET) < 0)
      log_warning ("process.capabilities.ambient: cannot raise %s (it must be in the "
                   "permitted and inheritable sets too): %s",
                   cap_name (v, buf), strerror (errno));
  return 0;
}
