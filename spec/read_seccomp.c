/* linux.seccomp.  Action, operator and architecture names are kept as text;
 * the runtime's seccomp code maps them (and rejects unknown ones). */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spec/read_util.h"

static int
read_args (rd_ctx *c, yajl_val sc, const char *path, struct spec_seccomp_syscall *s)
{
  yajl_val arr;
  if (rd_array (c, sc, path, "args", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "args");
  s->n_args = arr->u.array.len;
  s->args = xzalloc (s->n_args * sizeof *s->args);
  for (size_t i = 0; i < s->n_args; i++)
    {
      struct spec_seccomp_arg *a = &s->args[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_u32_req (c, e, p, "index", &a->index) < 0
          || rd_u64_req (c, e, p, "value", UINT64_MAX, &a->value) < 0
          || rd_u64 (c, e, p, "valueTwo", UINT64_MAX, &a->has_value_two, &a->value_two) < 0
          || rd_str_req (c, e, p, "op", &a->op) < 0)
        return -1;
      if (a->index > 5)
        {
          _cleanup_free_ char *pi = rd_key (p, "index");
          return rd_error (c, pi, "out of range (got %u, a syscall has arguments 0 to 5)",
                           a->index);
        }
    }
  return 0;
}

static int
read_syscalls (rd_ctx *c, yajl_val sec, const char *path, struct spec_seccomp *s)
{
  yajl_val arr;
  if (rd_array (c, sec, path, "syscalls", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "syscalls");
  s->n_syscalls = arr->u.array.len;
  s->syscalls = xzalloc (s->n_syscalls * sizeof *s->syscalls);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      struct spec_seccomp_syscall *sc = &s->syscalls[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0)
        return -1;
      _cleanup_free_ char *pn = rd_key (p, "names");
      if (rd_field (e, "names") == NULL)
        return rd_error (c, pn, "missing");
      if (rd_strv (c, e, p, "names", &sc->names) < 0
          || rd_str_req (c, e, p, "action", &sc->action) < 0
          || rd_u32 (c, e, p, "errnoRet", &sc->has_errno_ret, &sc->errno_ret) < 0
          || read_args (c, e, p, sc) < 0)
        return -1;
    }
  return 0;
}

int
rd_seccomp (rd_ctx *c, yajl_val v, const char *path, struct spec_seccomp **out)
{
  if (rd_val_object (c, v, path) < 0)
    return -1;
  struct spec_seccomp *s = *out = xzalloc (sizeof *s); /* the caller frees on failure */
  if (rd_str_req (c, v, path, "defaultAction", &s->default_action) < 0
      || rd_u32 (c, v, path, "defaultErrnoRet", &s->has_default_errno_ret,
                 &s->default_errno_ret) < 0
      || rd_strv (c, v, path, "architectures", &s->architectures) < 0
      || rd_strv (c, v, path, "flags", &s->flags) < 0
      || rd_str (c, v, path, "listenerPath", &s->listener_path) < 0
      || rd_str (c, v, path, "listenerMetadata", &s->listener_metadata) < 0
      || read_syscalls (c, v, path, s) < 0)
    return -1;
  return 0;
}
