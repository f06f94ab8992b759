/* The default config of `mocker-runtime spec`: the shape `runc spec` writes
 * (a busybox-style "sh" in a read-only rootfs/, the usual kernel file
 * systems, a small capability set), and its --rootless variant. */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

static const char *const default_caps[]
    = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const default_masked[]
    = { "/proc/acpi",        "/proc/asound",      "/proc/kcore",      "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/sys/firmware",     "/proc/scsi",        "/sys/devices/virtual/powercap", NULL };

static const char *const default_readonly[]
    = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };

struct default_mount
{
  const char *destination, *type, *source;
  const char *options[8];
};

static const struct default_mount default_mounts[] = {
  { "/proc", "proc", "proc", { NULL } },
  { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
  { "/dev/pts", "devpts", "devpts",
    { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
  { "/dev/shm", "tmpfs", "shm",
    { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
  { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
  { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
  { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* A user namespace cannot mount sysfs without a network namespace of its
 * own, so rootless binds the host's /sys read-only instead. */
static const struct default_mount rootless_sys
    = { "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

static char **
strv_from (const char *const *v)
{
  return strv_dup ((char *const *) v);
}

static void
add_mount (struct spec *s, const struct default_mount *d, bool rootless)
{
  struct spec_mount *m = &s->mounts[s->n_mounts++];
  m->destination = xstrdup (d->destination);
  m->type = xstrdup (d->type);
  m->source = xstrdup (d->source);
  if (d->options[0] == NULL)
    return;
  for (size_t i = 0; d->options[i]; i++)
    {
      /* Rootless: only the caller's own ids exist in the namespace. */
      if (rootless && (str_has_prefix (d->options[i], "uid=")
                       || str_has_prefix (d->options[i], "gid=")))
        continue;
      strv_push (&m->options, d->options[i]);
    }
}

static struct spec_process *
default_process (void)
{
  struct spec_process *p = xzalloc (sizeof *p);
  p->terminal = true;
  p->args = strv_from ((const char *const[]){ "sh", NULL });
  p->env = strv_from ((const char *const[]){
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL });
  p->cwd = xstrdup ("/");
  p->capabilities = xzalloc (sizeof *p->capabilities);
  p->capabilities->bounding = strv_from (default_caps);
  p->capabilities->effective = strv_from (default_caps);
  p->capabilities->permitted = strv_from (default_caps);
  p->n_rlimits = 1;
  p->rlimits = xzalloc (sizeof *p->rlimits);
  p->rlimits[0].type = xstrdup ("RLIMIT_NOFILE");
  p->rlimits[0].soft = 1024;
  p->rlimits[0].hard = 1024;
  p->no_new_privileges = true;
  return p;
}

static void
add_namespace (struct spec_linux *l, const char *type)
{
  l->namespaces = xrealloc (l->namespaces, (l->n_namespaces + 1) * sizeof *l->namespaces);
  l->namespaces[l->n_namespaces].type = xstrdup (type);
  l->namespaces[l->n_namespaces].path = NULL;
  l->n_namespaces++;
}

static struct spec_id_mapping *
one_mapping (uint32_t host_id)
{
  struct spec_id_mapping *m = xzalloc (sizeof *m);
  m->container_id = 0;
  m->host_id = host_id;
  m->size = 1;
  return m;
}

struct spec *
spec_new_default (bool rootless)
{
  struct spec *s = xzalloc (sizeof *s);
  s->oci_version = xstrdup ("1.2.0");
  s->process = default_process ();
  s->root_path = xstrdup ("rootfs");
  s->root_readonly = true;
  s->hostname = xstrdup ("mocker");

  s->mounts = xzalloc (ARRAY_SIZE (default_mounts) * sizeof *s->mounts);
  for (size_t i = 0; i < ARRAY_SIZE (default_mounts); i++)
    {
      const struct default_mount *d = &default_mounts[i];
      if (rootless && strcmp (d->destination, "/sys") == 0)
        d = &rootless_sys;
      else if (rootless && strcmp (d->destination, "/sys/fs/cgroup") == 0)
        continue; /* an unprivileged user cannot mount a cgroup hierarchy */
      add_mount (s, d, rootless);
    }

  struct spec_linux *l = s->linux_ = xzalloc (sizeof *l);
  const char *const ns_root[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
  const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "cgroup", "user" };
  for (size_t i = 0; i < ARRAY_SIZE (ns_root); i++)
    add_namespace (l, rootless ? ns_rootless[i] : ns_root[i]);
  if (rootless)
    {
      l->uid_mappings = one_mapping (getuid ());
      l->n_uid_mappings = 1;
      l->gid_mappings = one_mapping (getgid ());
      l->n_gid_mappings = 1;
    }
  else
    {
      /* Deny every device; the runtime allows the default ones itself. */
      l->resources = xzalloc (sizeof *l->resources);
      l->resources->n_devices = 1;
      l->resources->devices = xzalloc (sizeof *l->resources->devices);
      l->resources->devices[0].allow = false;
      l->resources->devices[0].access = xstrdup ("rwm");
    }
  l->masked_paths = strv_from (default_masked);
  l->readonly_paths = strv_from (default_readonly);
  return s;
}
