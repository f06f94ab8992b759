/* --security-opt seccomp=FILE: a Docker-format seccomp profile translated
 * into linux.seccomp.  Docker's format is the OCI one plus: "archMap"
 * (architectures with their sub-architectures, the native one taken),
 * "name" (one syscall) besides "names", and per-rule "includes" /
 * "excludes" ({caps, arches, minKernel}) that keep or drop the rule for
 * this container (its capabilities, this machine). */
#include "mocker/bundle/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/json.h"
#include "common/util.h"

#if defined(__x86_64__)
#define NATIVE_SCMP "SCMP_ARCH_X86_64"
#define NATIVE_GO "amd64"
#elif defined(__aarch64__)
#define NATIVE_SCMP "SCMP_ARCH_AARCH64"
#define NATIVE_GO "arm64"
#elif defined(__s390x__)
#define NATIVE_SCMP "SCMP_ARCH_S390X"
#define NATIVE_GO "s390x"
#else
#define NATIVE_SCMP "SCMP_ARCH_NATIVE"
#define NATIVE_GO ""
#endif

struct ctx
{
  const char *file;
  char *const *caps;
  mk_error **err;
};

static int
bad (struct ctx *c, const char *path, const char *what)
{
  return mk_error_set (c->err, 0, "seccomp profile `%s`: %s: %s", c->file, path, what);
}

static bool
strv_has (char *const *v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

/* An array of strings at obj.key (absent: NULL, *out NULL). */
static int
get_strv (struct ctx *c, yajl_val obj, const char *key, const char *path, char ***out)
{
  *out = NULL;
  yajl_val v = json_get (obj, key);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
  if (!YAJL_IS_ARRAY (v))
    return bad (c, p, "not an array");
  _cleanup_strv_ char **r = xzalloc (sizeof *r);
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (v->u.array.values[i]))
        {
          _cleanup_free_ char *pi = xasprintf ("%s[%zu]", p, i);
          return bad (c, pi, "not a string");
        }
      strv_push (&r, v->u.array.values[i]->u.string);
    }
  *out = STEAL (r);
  return 0;
}

/* An unsigned number at obj.key: false (and *has false) when absent. */
static int
get_u64 (struct ctx *c, yajl_val obj, const char *key, const char *path, bool *has,
         uint64_t *out)
{
  *has = false;
  yajl_val v = json_get (obj, key);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
  if (!YAJL_IS_NUMBER (v) || v->u.number.r == NULL || v->u.number.r[0] == '-'
      || strpbrk (v->u.number.r, ".eE"))
    return bad (c, p, "not an unsigned integer");
  errno = 0;
  char *end;
  unsigned long long n = strtoull (v->u.number.r, &end, 10);
  if (errno || *end)
    return bad (c, p, "out of range");
  *out = n;
  *has = true;
  return 0;
}

static bool
kernel_at_least (const char *want)
{
  struct utsname u;
  int ma = 0, mi = 0, wma = 0, wmi = 0;
  if (sscanf (want, "%d.%d", &wma, &wmi) < 1)
    return true;
  if (uname (&u) < 0 || sscanf (u.release, "%d.%d", &ma, &mi) != 2)
    return false;
  return ma > wma || (ma == wma && mi >= wmi);
}

/* includes: every cap held, the native arch listed, the kernel new enough;
 * excludes: none of the caps held, the native arch not listed. */
static int
rule_applies (struct ctx *c, yajl_val rule, const char *path, bool *out)
{
  *out = true;
  static const char *const sections[] = { "includes", "excludes" };
  for (size_t s = 0; s < 2; s++)
    {
      yajl_val f = json_get (rule, sections[s]);
      if (f == NULL || YAJL_IS_NULL (f))
        continue;
      _cleanup_free_ char *p = xasprintf ("%s.%s", path, sections[s]);
      if (!YAJL_IS_OBJECT (f))
        return bad (c, p, "not an object");
      _cleanup_strv_ char **caps = NULL, **arches = NULL;
      if (get_strv (c, f, "caps", p, &caps) < 0 || get_strv (c, f, "arches", p, &arches) < 0)
        return -1;
      bool inc = s == 0;
      for (size_t i = 0; caps && caps[i]; i++)
        if (strv_has (c->caps, caps[i]) != inc)
          *out = false;
      if (arches && arches[0] && strv_has (arches, NATIVE_GO) != inc)
        *out = false;
      const char *mk = json_get_str (f, "minKernel");
      if (inc && mk && !kernel_at_least (mk))
        *out = false;
    }
  return 0;
}

static int
read_args (struct ctx *c, yajl_val rule, const char *path, struct spec_seccomp_syscall *sc)
{
  yajl_val a = json_get (rule, "args");
  if (a == NULL || YAJL_IS_NULL (a))
    return 0;
  _cleanup_free_ char *pa = xasprintf ("%s.args", path);
  if (!YAJL_IS_ARRAY (a))
    return bad (c, pa, "not an array");
  sc->args = xzalloc ((a->u.array.len + 1) * sizeof *sc->args);
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      yajl_val e = a->u.array.values[i];
      _cleanup_free_ char *p = xasprintf ("%s[%zu]", pa, i);
      if (!YAJL_IS_OBJECT (e))
        return bad (c, p, "not an object");
      struct spec_seccomp_arg *arg = &sc->args[sc->n_args++];
      bool has;
      uint64_t idx = 0;
      if (get_u64 (c, e, "index", p, &has, &idx) < 0)
        return -1;
      if (!has || idx > 5)
        {
          _cleanup_free_ char *pi = xasprintf ("%s.index", p);
          return bad (c, pi, "missing or not 0 to 5");
        }
      arg->index = (uint32_t) idx;
      if (get_u64 (c, e, "value", p, &has, &arg->value) < 0
          || get_u64 (c, e, "valueTwo", p, &arg->has_value_two, &arg->value_two) < 0)
        return -1;
      const char *op = json_get_str (e, "op");
      if (op == NULL)
        {
          _cleanup_free_ char *po = xasprintf ("%s.op", p);
          return bad (c, po, "missing");
        }
      arg->op = xstrdup (op);
    }
  return 0;
}

static int
read_rule (struct ctx *c, yajl_val rule, const char *path, struct spec_seccomp *s)
{
  if (!YAJL_IS_OBJECT (rule))
    return bad (c, path, "not an object");
  bool applies;
  if (rule_applies (c, rule, path, &applies) < 0)
    return -1;
  if (!applies)
    return 0;
  _cleanup_strv_ char **names = NULL;
  if (get_strv (c, rule, "names", path, &names) < 0)
    return -1;
  const char *one = json_get_str (rule, "name");
  if (one)
    strv_push (&names, one);
  if (names == NULL || names[0] == NULL)
    return bad (c, path, "no \"names\"");
  const char *action = json_get_str (rule, "action");
  if (action == NULL)
    {
      _cleanup_free_ char *p = xasprintf ("%s.action", path);
      return bad (c, p, "missing");
    }
  s->syscalls = xrealloc (s->syscalls, (s->n_syscalls + 1) * sizeof *s->syscalls);
  struct spec_seccomp_syscall *sc = &s->syscalls[s->n_syscalls++];
  memset (sc, 0, sizeof *sc);
  sc->names = STEAL (names);
  sc->action = xstrdup (action);
  uint64_t e = 0;
  if (get_u64 (c, rule, "errnoRet", path, &sc->has_errno_ret, &e) < 0)
    return -1;
  sc->errno_ret = (uint32_t) e;
  return read_args (c, rule, path, sc);
}

/* architectures, or the native entry of archMap with its sub-architectures. */
static int
read_arches (struct ctx *c, yajl_val root, struct spec_seccomp *s)
{
  if (get_strv (c, root, "architectures", "", &s->architectures) < 0)
    return -1;
  yajl_val map = json_get (root, "archMap");
  if (map == NULL || YAJL_IS_NULL (map))
    return 0;
  if (!YAJL_IS_ARRAY (map))
    return bad (c, ".archMap", "not an array");
  for (size_t i = 0; i < map->u.array.len; i++)
    {
      yajl_val e = map->u.array.values[i];
      const char *a = json_get_str (e, "architecture");
      if (a == NULL || strcmp (a, NATIVE_SCMP) != 0)
        continue;
      _cleanup_free_ char *p = xasprintf (".archMap[%zu]", i);
      _cleanup_strv_ char **subs = NULL;
      if (get_strv (c, e, "subArchitectures", p, &subs) < 0)
        return -1;
      if (!strv_has (s->architectures, a))
        strv_push (&s->architectures, a);
      for (size_t j = 0; subs && subs[j]; j++)
        if (!strv_has (s->architectures, subs[j]))
          strv_push (&s->architectures, subs[j]);
    }
  return 0;
}

static int
translate (struct ctx *c, yajl_val root, struct spec_seccomp *s)
{
  if (!YAJL_IS_OBJECT (root))
    return bad (c, "(top)", "not an object");
  const char *def = json_get_str (root, "defaultAction");
  if (def == NULL)
    return bad (c, ".defaultAction", "missing");
  s->default_action = xstrdup (def);
  uint64_t e = 0;
  if (get_u64 (c, root, "defaultErrnoRet", "", &s->has_default_errno_ret, &e) < 0)
    return -1;
  s->default_errno_ret = (uint32_t) e;
  if (read_arches (c, root, s) < 0 || get_strv (c, root, "flags", "", &s->flags) < 0)
    return -1;
  yajl_val calls = json_get (root, "syscalls");
  if (calls == NULL || YAJL_IS_NULL (calls))
    return 0;
  if (!YAJL_IS_ARRAY (calls))
    return bad (c, ".syscalls", "not an array");
  for (size_t i = 0; i < calls->u.array.len; i++)
    {
      _cleanup_free_ char *p = xasprintf (".syscalls[%zu]", i);
      if (read_rule (c, calls->u.array.values[i], p, s) < 0)
        return -1;
    }
  return 0;
}

int
bundle_seccomp_from_file (const char *path, char *const *caps, struct spec_seccomp **out,
                          mk_error **err)
{
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse_file (path, &root, err) < 0)
    return -1;
  struct ctx c = { .file = path, .caps = caps, .err = err };
  /* Built inside a spec so that a failure halfway frees it the usual way. */
  _cleanup_spec_ struct spec *holder = xzalloc (sizeof *holder);
  holder->linux_ = xzalloc (sizeof *holder->linux_);
  struct spec_seccomp *s = holder->linux_->seccomp = xzalloc (sizeof *s);
  if (translate (&c, root, s) < 0)
    return -1;
  *out = STEAL (holder->linux_->seccomp);
  return 0;
}
