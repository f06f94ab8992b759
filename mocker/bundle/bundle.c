/* Image config + run options -> config.json model. See bundle.h. */
#include "mocker/bundle/bundle.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/state.h"
#include "mocker/bundle/seccomp_profile.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *const bundle_default_caps[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
  "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};

/* Every capability name libcap 2.66 knows; --cap-add ALL and --privileged. */
static const char *const all_caps[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
  "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
  "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", NULL,
};

static const char *const masked_paths[] = {
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
  "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* Character devices a container may use (besides mknod of any): the
 * defaults the runtime creates plus ptys. {type, major, minor(-1 = any)} */
static const struct { const char *type; int64_t major, minor; const char *access; } allowed_devices[] = {
  { "c", -1, -1, "m" }, { "b", -1, -1, "m" },
  { "c", 1, 3, "rwm" }, { "c", 1, 5, "rwm" }, { "c", 1, 7, "rwm" }, { "c", 1, 8, "rwm" },
  { "c", 1, 9, "rwm" }, { "c", 5, 0, "rwm" }, { "c", 5, 1, "rwm" }, { "c", 5, 2, "rwm" },
  { "c", 136, -1, "rwm" },
};

static void
add_mount (struct spec *s, const char *dest, const char *type, const char *source,
           const char *const *options)
{
  s->mounts = xrealloc (s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
  struct spec_mount *m = &s->mounts[s->n_mounts++];
  memset (m, 0, sizeof *m);
  m->destination = xstrdup (dest);
  m->type = xstrdup (type);
  m->source = xstrdup (source);
  m->options = strv_dup ((char *const *) options);
}

static bool strv_contains (char *const *v, const char *s);

/* Path depth ("/a/b" = 2): data mounts go parents first, as Docker sorts them. */
static size_t
path_depth (const char *p)
{
  size_t n = 0;
  for (const char *c = p; *c; c++)
    if (*c == '/' && c[1] && c[1] != '/')
      n++;
  return n;
}

/* A tmpfs data mount: Docker's defaults (nosuid, nodev, noexec) and the
 * user's options; "exec", "suid", "dev" lift a default. */
static void
add_tmpfs_mount (struct spec *s, const struct volume_opt *v)
{
  _cleanup_strv_ char **opts = NULL;
  _cleanup_strv_ char **user = NULL;
  if (v->tmpfs_opts)
    {
      _cleanup_free_ char *copy = xstrdup (v->tmpfs_opts);
      char *save = NULL;
      for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
        strv_push (&user, t);
    }
  static const char *const defaults[][2] = { { "nosuid", "suid" }, { "nodev", "dev" },
                                             { "noexec", "exec" } };
  for (size_t i = 0; i < ARRAY_SIZE (defaults); i++)
    if (!strv_contains (user, defaults[i][1]) && !strv_contains (user, defaults[i][0]))
      strv_push (&opts, defaults[i][0]);
  for (size_t i = 0; user && user[i]; i++)
    strv_push (&opts, user[i]);
  if (v->readonly && !strv_contains (opts, "ro"))
    strv_push (&opts, "ro");
  add_mount (s, v->container, "tmpfs", "tmpfs", (const char *const *) opts);
}

/* -v, --mount, --tmpfs, --volumes-from and the image's VOLUMEs: binds (a
 * volume is a bind of its _data directory) and tmpfs, parents first. */
static void
add_data_mounts (struct spec *s, const struct run_options *o)
{
  static const char *const rw[] = { "rbind", "rprivate", NULL };
  static const char *const ro[] = { "rbind", "rprivate", "ro", NULL };
  size_t max = 0;
  for (size_t i = 0; i < o->n_volumes; i++)
    if (path_depth (o->volumes[i].container) > max)
      max = path_depth (o->volumes[i].container);
  for (size_t depth = 0; o->n_volumes && depth <= max; depth++)
    for (size_t i = 0; i < o->n_volumes; i++)
      {
        const struct volume_opt *v = &o->volumes[i];
        if (path_depth (v->container) != depth)
          continue;
        if (v->kind == MOUNT_TMPFS)
          add_tmpfs_mount (s, v);
        else
          add_mount (s, v->container, "bind", v->host, v->readonly ? ro : rw);
      }
}

static void
add_default_mounts (struct spec *s, const struct run_options *o)
{
  static const char *const proc_opts[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts_opts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                          "mode=0620", "gid=5", NULL };
  static const char *const shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777",
                                          "size=65536k", NULL };
  static const char *const mq_opts[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys_ro[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_rw[] = { "nosuid", "noexec", "nodev", "rw", NULL };
  static const char *const cg_ro[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  static const char *const cg_rw[] = { "nosuid", "noexec", "nodev", "relatime", "rw", NULL };

  add_mount (s, "/proc", "proc", "proc", proc_opts);
  add_mount (s, "/dev", "tmpfs", "tmpfs", dev_opts);
  add_mount (s, "/dev/pts", "devpts", "devpts", pts_opts);
  add_mount (s, "/dev/shm", "tmpfs", "shm", shm_opts);
  add_mount (s, "/dev/mqueue", "mqueue", "mqueue", mq_opts);
  add_mount (s, "/sys", "sysfs", "sysfs", o->privileged ? sys_rw : sys_ro);
  add_mount (s, "/sys/fs/cgroup", "cgroup", "cgroup", o->privileged ? cg_rw : cg_ro);

  if (o->etc_dir)
    {
      static const char *const bind_opts[] = { "rbind", "rprivate", NULL };
      static const char *const names[] = { "resolv.conf", "hostname", "hosts" };
      for (size_t i = 0; i < ARRAY_SIZE (names); i++)
        {
          _cleanup_free_ char *src = xasprintf ("%s/%s", o->etc_dir, names[i]);
          _cleanup_free_ char *dst = xasprintf ("/etc/%s", names[i]);
          add_mount (s, dst, "bind", src, bind_opts);
        }
    }
  add_data_mounts (s, o);
}

/* "net_admin" / "CAP_NET_ADMIN" / "ALL" -> canonical CAP_ name (heap). */
static char *
canonical_cap (const char *name)
{
  char *c = str_has_prefix (name, "CAP_") || str_has_prefix (name, "cap_")
                ? xstrdup (name)
                : xasprintf ("CAP_%s", name);
  for (char *p = c; *p; p++)
    *p = (char) toupper ((unsigned char) *p);
  return c;
}

static bool
strv_contains (char *const *v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

static bool
is_known_cap (const char *cap)
{
  return strv_contains ((char *const *) all_caps, cap);
}

/* The container's capability list: defaults (or all), + cap_add, - cap_drop. */
static int
compute_caps (const struct run_options *o, char ***out, mk_error **err)
{
  _cleanup_strv_ char **caps = strv_dup ((char *const *) (o->privileged ? all_caps
                                                                         : bundle_default_caps));
  for (size_t i = 0; o->cap_add && o->cap_add[i]; i++)
    {
      _cleanup_free_ char *c = canonical_cap (o->cap_add[i]);
      if (strcmp (c, "CAP_ALL") == 0)
        {
          for (size_t j = 0; all_caps[j]; j++)
            if (!strv_contains (caps, all_caps[j]))
              strv_push (&caps, all_caps[j]);
          continue;
        }
      if (!is_known_cap (c))
        return mk_error_set (err, 0, "--cap-add: unknown capability `%s`", o->cap_add[i]);
      if (!strv_contains (caps, c))
        strv_push (&caps, c);
    }
  for (size_t i = 0; o->cap_drop && o->cap_drop[i]; i++)
    {
      _cleanup_free_ char *c = canonical_cap (o->cap_drop[i]);
      bool all = strcmp (c, "CAP_ALL") == 0;
      if (!all && !is_known_cap (c))
        return mk_error_set (err, 0, "--cap-drop: unknown capability `%s`", o->cap_drop[i]);
      size_t w = 0;
      for (size_t r = 0; caps[r]; r++)
        {
          bool added_back = all && strv_contains (o->cap_add, caps[r] + 4);
          if ((all && !added_back) || (!all && strcmp (caps[r], c) == 0))
            free (caps[r]);
          else
            caps[w++] = caps[r];
        }
      caps[w] = NULL;
    }
  *out = STEAL (caps);
  return 0;
}

/* The image's config.<key> as a string vector (NULL when absent or null). */
static char **
image_strv (yajl_val image_config, const char *key)
{
  return json_strv (json_get (json_get (image_config, "config"), key));
}

/* Sets or replaces KEY=VALUE in env. */
static void
env_set (char ***env, const char *kv)
{
  const char *eq = strchr (kv, '=');
  size_t klen = eq ? (size_t) (eq - kv) : strlen (kv);
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp ((*env)[i], kv, klen) == 0 && (*env)[i][klen] == '=')
      {
        free ((*env)[i]);
        (*env)[i] = xstrdup (kv);
        return;
      }
  strv_push (env, kv);
}

static bool
env_has (char *const *env, const char *key)
{
  size_t klen = strlen (key);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], key, klen) == 0 && env[i][klen] == '=')
      return true;
  return false;
}

/* Docker's rule: --entrypoint replaces Entrypoint and drops the image Cmd;
 * a COMMAND replaces Cmd. */
static int
compute_args (yajl_val image_config, const struct run_options *o, char ***out, mk_error **err)
{
  _cleanup_strv_ char **args = xzalloc (sizeof *args);
  _cleanup_strv_ char **entry = NULL, **cmd = NULL;
  if (o->has_entrypoint)
    {
      if (!str_is_empty (o->entrypoint))
        strv_push (&args, o->entrypoint);
    }
  else if ((entry = image_strv (image_config, "Entrypoint")) != NULL)
    for (size_t i = 0; entry[i]; i++)
      strv_push (&args, entry[i]);

  if (o->cmd && o->cmd[0])
    for (size_t i = 0; o->cmd[i]; i++)
      strv_push (&args, o->cmd[i]);
  else if (!o->has_entrypoint && (cmd = image_strv (image_config, "Cmd")) != NULL)
    for (size_t i = 0; cmd[i]; i++)
      strv_push (&args, cmd[i]);

  if (args[0] == NULL)
    return mk_error_set (err, 0, "no command specified: the image has no Cmd or Entrypoint");
  *out = STEAL (args);
  return 0;
}

static void
add_namespace (struct spec_linux *l, const char *type)
{
  l->namespaces = xrealloc (l->namespaces, (l->n_namespaces + 1) * sizeof *l->namespaces);
  l->namespaces[l->n_namespaces].type = xstrdup (type);
  l->namespaces[l->n_namespaces].path = NULL;
  l->n_namespaces++;
}

static struct spec_resources *
make_resources (const struct run_options *o)
{
  struct spec_resources *r = xzalloc (sizeof *r);
  if (o->privileged)
    {
      /* every device, as Docker: {"allow": true, "access": "rwm"} */
      r->n_devices = 1;
      r->devices = xzalloc (sizeof *r->devices);
      r->devices[0].allow = true;
      r->devices[0].access = xstrdup ("rwm");
    }
  else
    {
      r->n_devices = 1 + ARRAY_SIZE (allowed_devices);
      r->devices = xzalloc (r->n_devices * sizeof *r->devices);
      r->devices[0].allow = false;
      r->devices[0].access = xstrdup ("rwm");
      for (size_t i = 0; i < ARRAY_SIZE (allowed_devices); i++)
        {
          struct spec_device_cgroup *d = &r->devices[i + 1];
          d->allow = true;
          d->type = xstrdup (allowed_devices[i].type);
          d->has_major = allowed_devices[i].major >= 0;
          d->major = allowed_devices[i].major;
          d->has_minor = allowed_devices[i].minor >= 0;
          d->minor = allowed_devices[i].minor;
          d->access = xstrdup (allowed_devices[i].access);
        }
    }
  if (o->memory > 0)
    {
      r->memory = xzalloc (sizeof *r->memory);
      r->memory->has_limit = true;
      r->memory->limit = o->memory;
      /* memory+swap = memory: the limit is a real limit (an OOM kill), not
       * a push into swap. */
      r->memory->has_swap = true;
      r->memory->swap = o->memory;
    }
  if (o->cpus > 0 || o->cpu_shares > 0)
    {
      r->cpu = xzalloc (sizeof *r->cpu);
      if (o->cpus > 0)
        {
          r->cpu->has_period = true;
          r->cpu->period = 100000;
          r->cpu->has_quota = true;
          r->cpu->quota = (int64_t) (o->cpus * 100000 + 0.5);
        }
      if (o->cpu_shares > 0)
        {
          r->cpu->has_shares = true;
          r->cpu->shares = o->cpu_shares;
        }
    }
  if (o->pids_limit != 0)
    {
      r->pids = xzalloc (sizeof *r->pids);
      r->pids->has_limit = true;
      r->pids->limit = o->pids_limit;
    }
  return r;
}

bool
bundle_shares_host_uts (const struct run_options *o)
{
  return o->network == NET_HOST && o->hostname == NULL;
}

char *
bundle_hostname (const struct run_options *o, const char *container_id)
{
  if (o->hostname)
    return xstrdup (o->hostname);
  if (bundle_shares_host_uts (o))
    {
      struct utsname u;
      if (uname (&u) == 0 && u.nodename[0])
        return xstrdup (u.nodename);
    }
  return xstrndup (container_id, 12);
}

int
bundle_make_spec (yajl_val image_config, const char *rootfs, const char *container_id,
                  const struct run_options *o, struct spec **out, mk_error **err)
{
  _cleanup_spec_ struct spec *s = xzalloc (sizeof *s);
  s->oci_version = xstrdup ("1.2.0");
  s->root_path = xstrdup ("rootfs");
  s->root_readonly = o->read_only;
  /* --network host without -h shares the host's UTS namespace, as Docker:
   * the host's name, no hostname in the spec (no namespace to set it in). */
  bool share_uts = bundle_shares_host_uts (o);
  _cleanup_free_ char *host_name = bundle_hostname (o, container_id);
  s->hostname = share_uts ? NULL : xstrdup (host_name);

  struct spec_process *p = s->process = xzalloc (sizeof *p);
  p->terminal = o->tty;
  if (compute_args (image_config, o, &p->args, err) < 0)
    return -1;

  /* Environment: image's, a default PATH, HOSTNAME, TERM for ttys, then -e. */
  p->env = image_strv (image_config, "Env");
  if (p->env == NULL)
    p->env = xzalloc (sizeof *p->env);
  if (!env_has (p->env, "PATH"))
    env_set (&p->env, DEFAULT_PATH);
  _cleanup_free_ char *hostname_env = xasprintf ("HOSTNAME=%s", host_name);
  env_set (&p->env, hostname_env);
  if (o->tty && !env_has (p->env, "TERM"))
    env_set (&p->env, "TERM=xterm");
  for (size_t i = 0; o->env && o->env[i]; i++)
    env_set (&p->env, o->env[i]);

  const char *image_workdir = json_get_str (json_get (image_config, "config"), "WorkingDir");
  const char *cwd = o->workdir ? o->workdir : !str_is_empty (image_workdir) ? image_workdir : "/";
  if (cwd[0] != '/')
    return mk_error_set (err, 0, "working directory `%s` is not an absolute path", cwd);
  p->cwd = xstrdup (cwd);

  const char *user = o->user ? o->user : json_get_str (json_get (image_config, "config"), "User");
  if (bundle_resolve_user (rootfs, user, &p->user, err) < 0)
    return -1;

  _cleanup_strv_ char **caps = NULL;
  if (compute_caps (o, &caps, err) < 0)
    return -1;
  p->capabilities = xzalloc (sizeof *p->capabilities);
  p->capabilities->bounding = strv_dup (caps);
  p->capabilities->effective = strv_dup (caps);
  p->capabilities->permitted = strv_dup (caps);
  p->no_new_privileges = o->no_new_privileges;

  add_default_mounts (s, o);

  struct spec_linux *l = s->linux_ = xzalloc (sizeof *l);
  add_namespace (l, "pid");
  add_namespace (l, "ipc");
  if (!share_uts)
    add_namespace (l, "uts");
  add_namespace (l, "mount");
  add_namespace (l, "cgroup");
  if (o->network != NET_HOST)
    add_namespace (l, "network");
  l->cgroups_path = xasprintf (CTR_CGROUP_FMT, container_id);
  l->resources = make_resources (o);
  if (o->privileged && bundle_host_devices ("/dev", &l->devices, &l->n_devices, err) < 0)
    return mk_error_wrap (err, "--privileged: the host's devices");
  if (!o->privileged)
    {
      l->masked_paths = strv_dup ((char *const *) masked_paths);
      l->readonly_paths = strv_dup ((char *const *) readonly_paths);
      if (!o->no_seccomp && o->x.seccomp_file == NULL) /* a file: bundle_apply_extra */
        l->seccomp = seccomp_default_profile (caps);
    }
  if (bundle_apply_extra (&o->x, caps, s, err) < 0)
    return -1;
  *out = STEAL (s);
  return 0;
}
