/* Pure conversions between the OCI resources and cgroup file values. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

/* cpu.shares (v1, 2..262144, default 1024) onto cpu.weight (v2, 1..10000,
 * default 100), the same linear mapping the other runtimes use so a given
 * --cpu-shares means the same thing everywhere. 0 = not set. */
uint64_t
cgroup_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* The spec's memory.swap is memory+swap (v1 memsw semantics); v2's
 * memory.swap.max counts swap alone. */
int
cgroup_v2_swap_max (bool has_swap, int64_t swap, bool has_limit, int64_t limit,
                    int64_t *out, bool *set, mk_error **err)
{
  *set = false;
  *out = 0;
  if (!has_limit)
    limit = 0;
  if (!has_swap || swap == 0)
    {
      /* Unlimited memory and no swap value: swap unlimited too. */
      if (limit == -1)
        {
          *out = -1;
          *set = true;
        }
      return 0;
    }
  if (swap < 0)
    {
      *out = -1;
      *set = true;
      return 0;
    }
  if (limit <= 0)
    return mk_error_set (err, 0,
                         "linux.resources.memory.swap: needs linux.resources.memory.limit");
  if (swap < limit)
    return mk_error_set (err, 0,
                         "linux.resources.memory.swap: %" PRId64 " is below memory.limit %" PRId64
                         " (swap is memory+swap)", swap, limit);
  *out = swap - limit;
  *set = true;
  return 0;
}

char *
cgroup_limit_string (int64_t v)
{
  if (v < 0)
    return xstrdup ("max");
  return xasprintf ("%" PRId64, v);
}

char *
cgroup_cpu_max_string (bool has_quota, int64_t quota, bool has_period, uint64_t period)
{
  if (has_quota && quota == 0)
    has_quota = false;
  if (has_period && period == 0)
    has_period = false;
  if (!has_quota && !has_period)
    return NULL;
  _cleanup_free_ char *q = has_quota ? cgroup_limit_string (quota) : xstrdup ("max");
  if (!has_period)
    return STEAL (q);
  return xasprintf ("%s %" PRIu64, q, period);
}

char *
cgroup_device_rule_string (const struct spec_device_cgroup *d)
{
  const char *type = d->type && d->type[0] ? d->type : "a";
  const char *access = d->access && d->access[0] ? d->access : "rwm";
  char major[32] = "*", minor[32] = "*";
  if (d->has_major && d->major >= 0)
    snprintf (major, sizeof major, "%" PRId64, d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf (minor, sizeof minor, "%" PRId64, d->minor);
  return xasprintf ("%s %s:%s %s", type, major, minor, access);
}

/* "a-b-c.slice" lives at "/a.slice/a-b.slice/a-b-c.slice" (systemd's rule). */
static int
expand_slice (const char *slice, char **out, mk_error **err)
{
  if (!str_has_suffix (slice, ".slice") || strchr (slice, '/') != NULL)
    return mk_error_set (err, 0, "cgroup: invalid slice name \"%s\"", slice);
  size_t base_len = strlen (slice) - strlen (".slice");
  if (base_len == 0 || slice[0] == '-' || slice[base_len - 1] == '-' || strstr (slice, "--"))
    return mk_error_set (err, 0, "cgroup: invalid slice name \"%s\"", slice);
  if (strcmp (slice, "-.slice") == 0)
    {
      *out = xstrdup ("");
      return 0;
    }
  _cleanup_free_ char *path = xstrdup ("");
  for (size_t i = 0; i <= base_len; i++)
    {
      if (i < base_len && slice[i] != '-')
        continue;
      char *next = xasprintf ("%s/%.*s.slice", path, (int) i, slice);
      free (path);
      path = next;
    }
  *out = STEAL (path);
  return 0;
}

int
cgroup_systemd_path (const char *spec, const char *id, char **out, mk_error **err)
{
  *out = NULL;
  const char *c1 = strchr (spec, ':');
  const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c1 == NULL || c2 == NULL || strchr (c2 + 1, ':') != NULL)
    return mk_error_set (err, 0,
                         "cgroup: \"%s\" is not in the systemd form slice:prefix:name", spec);
  _cleanup_free_ char *slice = xstrndup (spec, c1 - spec);
  _cleanup_free_ char *prefix = xstrndup (c1 + 1, c2 - c1 - 1);
  const char *name = c2[1] ? c2 + 1 : id;
  if (strchr (prefix, '/') || strchr (name, '/'))
    return mk_error_set (err, 0, "cgroup: invalid systemd cgroup \"%s\"", spec);
  _cleanup_free_ char *slice_path = NULL;
  if (expand_slice (slice[0] ? slice : "system.slice", &slice_path, err) < 0)
    return -1;
  if (str_has_suffix (name, ".slice"))
    {
      /* A slice as the unit: it nests under its own parents. */
      _cleanup_free_ char *own = NULL;
      if (expand_slice (name, &own, err) < 0)
        return -1;
      *out = xstrdup (own);
      return 0;
    }
  if (prefix[0])
    *out = xasprintf ("%s/%s-%s.scope", slice_path, prefix, name);
  else
    *out = xasprintf ("%s/%s.scope", slice_path, name);
  return 0;
}
