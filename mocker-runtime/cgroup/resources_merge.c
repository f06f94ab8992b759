/* LinuxResources pieces for update: sizes with units, and merging the
 * fields a request sets into a kept configuration. */
#include "mocker-runtime/cgroup/resources_merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* "512", "64k", "512m", "1g" (binary units), "-1" = unlimited. */
int
resources_parse_size (const char *opt, const char *s, int64_t *out, mk_error **err)
{
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  char *end;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (end == s || errno || *s == '-')
    return mk_error_set (err, 0, "--%s: invalid size `%s`", opt, s);
  unsigned long long mult = 1;
  switch (*end)
    {
    case '\0': break;
    case 'b': case 'B': mult = 1; end++; break;
    case 'k': case 'K': mult = 1ULL << 10; end++; break;
    case 'm': case 'M': mult = 1ULL << 20; end++; break;
    case 'g': case 'G': mult = 1ULL << 30; end++; break;
    case 't': case 'T': mult = 1ULL << 40; end++; break;
    default: return mk_error_set (err, 0, "--%s: invalid size `%s`", opt, s);
    }
  if ((*end == 'b' || *end == 'B') && mult > 1)
    end++;
  if (*end != '\0' || v > (unsigned long long) INT64_MAX / mult)
    return mk_error_set (err, 0, "--%s: invalid size `%s`", opt, s);
  *out = (int64_t) (v * mult);
  return 0;
}

struct spec_memory *
resources_memory (struct spec_resources *r)
{
  if (r->memory == NULL)
    r->memory = xzalloc (sizeof *r->memory);
  return r->memory;
}

struct spec_cpu *
resources_cpu (struct spec_resources *r)
{
  if (r->cpu == NULL)
    r->cpu = xzalloc (sizeof *r->cpu);
  return r->cpu;
}

static void
set_str (char **dst, const char *src)
{
  free (*dst);
  *dst = xstrdup (src);
}

#define MERGE(dst, src, field)                                                                 \
  do                                                                                           \
    if ((src)->has_##field)                                                                    \
      {                                                                                        \
        (dst)->has_##field = true;                                                             \
        (dst)->field = (src)->field;                                                           \
      }                                                                                        \
  while (0)

static char *
dup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

/* The fields set in src replace those of dst.  A device list replaces the
 * whole list: it is one policy (on v2 one program), not a set of fields. */
void
resources_merge (struct spec_resources *dst, const struct spec_resources *src)
{
  if (src->n_devices > 0)
    {
      for (size_t i = 0; i < dst->n_devices; i++)
        {
          free (dst->devices[i].type);
          free (dst->devices[i].access);
        }
      free (dst->devices);
      dst->n_devices = src->n_devices;
      dst->devices = xzalloc (src->n_devices * sizeof *dst->devices);
      for (size_t i = 0; i < src->n_devices; i++)
        {
          dst->devices[i] = src->devices[i];
          dst->devices[i].type = dup_or_null (src->devices[i].type);
          dst->devices[i].access = dup_or_null (src->devices[i].access);
        }
    }
  if (src->memory)
    {
      struct spec_memory *d = resources_memory (dst);
      const struct spec_memory *s = src->memory;
      MERGE (d, s, limit);
      MERGE (d, s, reservation);
      MERGE (d, s, swap);
      MERGE (d, s, kernel);
      MERGE (d, s, kernel_tcp);
      MERGE (d, s, swappiness);
      MERGE (d, s, disable_oom_killer);
    }
  if (src->cpu)
    {
      struct spec_cpu *d = resources_cpu (dst);
      const struct spec_cpu *s = src->cpu;
      MERGE (d, s, shares);
      MERGE (d, s, quota);
      MERGE (d, s, period);
      MERGE (d, s, burst);
      MERGE (d, s, realtime_runtime);
      MERGE (d, s, realtime_period);
      MERGE (d, s, idle);
      if (s->cpus)
        set_str (&d->cpus, s->cpus);
      if (s->mems)
        set_str (&d->mems, s->mems);
    }
  if (src->pids && src->pids->has_limit)
    {
      if (dst->pids == NULL)
        dst->pids = xzalloc (sizeof *dst->pids);
      MERGE (dst->pids, src->pids, limit);
    }
  if (src->block_io && src->block_io->has_weight)
    {
      if (dst->block_io == NULL)
        dst->block_io = xzalloc (sizeof *dst->block_io);
      MERGE (dst->block_io, src->block_io, weight);
    }
  if (src->network)
    {
      if (dst->network == NULL)
        dst->network = xzalloc (sizeof *dst->network);
      MERGE (dst->network, src->network, class_id);
      if (src->network->priorities)
        {
          for (size_t i = 0; i < dst->network->n_priorities; i++)
            free (dst->network->priorities[i].name);
          free (dst->network->priorities);
          dst->network->n_priorities = src->network->n_priorities;
          dst->network->priorities = xzalloc (src->network->n_priorities
                                              * sizeof *dst->network->priorities);
          for (size_t i = 0; i < src->network->n_priorities; i++)
            {
              dst->network->priorities[i].name = xstrdup (src->network->priorities[i].name);
              dst->network->priorities[i].priority = src->network->priorities[i].priority;
            }
        }
    }
  for (size_t i = 0; i < src->unified.len; i++)
    spec_map_set (&dst->unified, src->unified.keys[i], src->unified.values[i]);
}

