/* The process object: config.json's "process", or a whole exec --process
 * file (then paths have no "process." prefix). */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spec/read_util.h"

static int
read_user (rd_ctx *c, yajl_val proc, const char *path, struct spec_user *u)
{
  yajl_val obj;
  if (rd_object (c, proc, path, "user", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "user");
  if (rd_u32 (c, obj, p, "uid", NULL, &u->uid) < 0
      || rd_u32 (c, obj, p, "gid", NULL, &u->gid) < 0
      || rd_u32 (c, obj, p, "umask", &u->has_umask, &u->umask) < 0
      || rd_str (c, obj, p, "username", &u->username) < 0)
    return -1;
  if (u->has_umask && u->umask > 0777)
    {
      _cleanup_free_ char *pu = rd_key (p, "umask");
      return rd_error (c, pu, "out of range (got %u, at most 511, i.e. 0777)", u->umask);
    }

  yajl_val gids;
  if (rd_array (c, obj, p, "additionalGids", &gids) < 0)
    return -1;
  if (gids == NULL)
    return 0;
  _cleanup_free_ char *pg = rd_key (p, "additionalGids");
  size_t n = gids->u.array.len;
  u->additional_gids = xzalloc (n * sizeof *u->additional_gids);
  u->n_additional_gids = n;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *pi = rd_idx (pg, i);
      uint64_t g;
      if (rd_val_u64 (c, gids->u.array.values[i], pi, UINT32_MAX, &g) < 0)
        return -1;
      u->additional_gids[i] = g;
    }
  return 0;
}

static int
read_rlimits (rd_ctx *c, yajl_val proc, const char *path, struct spec_process *pr)
{
  yajl_val arr;
  if (rd_array (c, proc, path, "rlimits", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "rlimits");
  pr->n_rlimits = arr->u.array.len;
  pr->rlimits = xzalloc (pr->n_rlimits * sizeof *pr->rlimits);
  for (size_t i = 0; i < pr->n_rlimits; i++)
    {
      struct spec_rlimit *r = &pr->rlimits[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "type", &r->type) < 0
          || rd_u64_req (c, e, p, "soft", UINT64_MAX, &r->soft) < 0
          || rd_u64_req (c, e, p, "hard", UINT64_MAX, &r->hard) < 0)
        return -1;
      for (size_t j = 0; j < i; j++)
        if (strcmp (pr->rlimits[j].type, r->type) == 0)
          {
            _cleanup_free_ char *pt = rd_key (p, "type");
            return rd_error (c, pt, "duplicate rlimit \"%s\"", r->type);
          }
    }
  return 0;
}

static int
read_capabilities (rd_ctx *c, yajl_val proc, const char *path, struct spec_process *pr)
{
  yajl_val obj;
  if (rd_object (c, proc, path, "capabilities", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "capabilities");
  struct spec_capabilities *caps = pr->capabilities = xzalloc (sizeof *caps);
  if (rd_strv (c, obj, p, "bounding", &caps->bounding) < 0
      || rd_strv (c, obj, p, "effective", &caps->effective) < 0
      || rd_strv (c, obj, p, "inheritable", &caps->inheritable) < 0
      || rd_strv (c, obj, p, "permitted", &caps->permitted) < 0
      || rd_strv (c, obj, p, "ambient", &caps->ambient) < 0)
    return -1;
  return 0;
}

static int
read_console_size (rd_ctx *c, yajl_val proc, const char *path, struct spec_process *pr)
{
  yajl_val obj;
  if (rd_object (c, proc, path, "consoleSize", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "consoleSize");
  pr->has_console_size = true;
  if (rd_u32_req (c, obj, p, "height", &pr->console_height) < 0
      || rd_u32_req (c, obj, p, "width", &pr->console_width) < 0)
    return -1;
  return 0;
}

int
rd_process (rd_ctx *c, yajl_val v, const char *path, struct spec_process **out)
{
  if (rd_val_object (c, v, path) < 0)
    return -1;
  struct spec_process *pr = xzalloc (sizeof *pr);
  _cleanup_spec_process_ struct spec_process *owned = pr; /* freed on failure */
  int64_t oom = 0;
  if (rd_bool (c, v, path, "terminal", NULL, &pr->terminal) < 0
      || read_console_size (c, v, path, pr) < 0
      || read_user (c, v, path, &pr->user) < 0
      || rd_strv (c, v, path, "args", &pr->args) < 0
      || rd_strv (c, v, path, "env", &pr->env) < 0
      || rd_str (c, v, path, "cwd", &pr->cwd) < 0
      || read_capabilities (c, v, path, pr) < 0
      || read_rlimits (c, v, path, pr) < 0
      || rd_bool (c, v, path, "noNewPrivileges", NULL, &pr->no_new_privileges) < 0
      || rd_str (c, v, path, "apparmorProfile", &pr->apparmor_profile) < 0
      || rd_i64 (c, v, path, "oomScoreAdj", -1000, 1000, &pr->has_oom_score_adj, &oom) < 0
      || rd_str (c, v, path, "selinuxLabel", &pr->selinux_label) < 0)
    return -1;
  pr->oom_score_adj = (int) oom;

  _cleanup_free_ char *pa = rd_key (path, "args");
  if (pr->args == NULL)
    return rd_error (c, pa, "missing");
  if (pr->args[0] == NULL)
    return rd_error (c, pa, "must not be empty");
  if (pr->cwd && pr->cwd[0] != '/')
    {
      _cleanup_free_ char *pc = rd_key (path, "cwd");
      return rd_error (c, pc, "must be an absolute path (got \"%s\")", pr->cwd);
    }
  *out = STEAL (owned);
  return 0;
}
