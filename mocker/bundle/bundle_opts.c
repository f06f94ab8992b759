/* The run_extra options applied to the spec bundle_make_spec made: memory
 * swap, cpuset, /dev/shm size, rlimits, devices, seccomp from a file,
 * shared namespaces and --init. See bundle.h. */
#include "mocker/bundle/bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/util.h"

/* Where --init's binary is in the container, as Docker. */
#define INIT_PATH "/sbin/docker-init"

static struct spec_mount *
find_mount (struct spec *s, const char *dest)
{
  for (size_t i = 0; i < s->n_mounts; i++)
    if (strcmp (s->mounts[i].destination, dest) == 0)
      return &s->mounts[i];
  return NULL;
}

static void
remove_namespace (struct spec_linux *l, const char *type)
{
  size_t w = 0;
  for (size_t r = 0; r < l->n_namespaces; r++)
    {
      if (strcmp (l->namespaces[r].type, type) == 0)
        {
          free (l->namespaces[r].type);
          free (l->namespaces[r].path);
          continue;
        }
      l->namespaces[w++] = l->namespaces[r];
    }
  l->n_namespaces = w;
}

static void
set_shm_size (struct spec_mount *m, int64_t size)
{
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (str_has_prefix (m->options[i], "size="))
      {
        free (m->options[i]);
        m->options[i] = xasprintf ("size=%lld", (long long) size);
        return;
      }
  _cleanup_free_ char *opt = xasprintf ("size=%lld", (long long) size);
  strv_push (&m->options, opt);
}

/* --ipc host: the host's /dev/shm instead of a tmpfs of the container's. */
static void
bind_host_shm (struct spec_mount *m)
{
  free (m->type);
  free (m->source);
  strv_free (m->options);
  m->type = xstrdup ("bind");
  m->source = xstrdup ("/dev/shm");
  static const char *const opts[] = { "rbind", "rprivate", NULL };
  m->options = strv_dup ((char *const *) opts);
}

static int
add_device (struct spec *s, const struct device_opt *d, mk_error **err)
{
  struct stat st;
  if (stat (d->host, &st) < 0)
    return mk_error_set (err, errno, "--device `%s`", d->host);
  if (!S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode))
    return mk_error_set (err, 0, "--device `%s`: not a device node", d->host);
  const char *type = S_ISBLK (st.st_mode) ? "b" : "c";
  struct spec_linux *l = s->linux_;
  l->devices = xrealloc (l->devices, (l->n_devices + 1) * sizeof *l->devices);
  l->devices[l->n_devices++] = (struct spec_device) {
    .type = xstrdup (type), .path = xstrdup (d->container),
    .major = major (st.st_rdev), .minor = minor (st.st_rdev),
    .has_file_mode = true, .file_mode = st.st_mode & 07777,
    .has_uid = true, .uid = st.st_uid, .has_gid = true, .gid = st.st_gid,
  };
  struct spec_resources *r = l->resources;
  r->devices = xrealloc (r->devices, (r->n_devices + 1) * sizeof *r->devices);
  r->devices[r->n_devices++] = (struct spec_device_cgroup) {
    .allow = true, .type = xstrdup (type),
    .has_major = true, .major = major (st.st_rdev),
    .has_minor = true, .minor = minor (st.st_rdev),
    .access = xstrdup (d->perms),
  };
  return 0;
}

/* --init: the init bound read-only at /sbin/docker-init, run as pid 1
 * with `-- COMMAND`. */
static void
add_init (struct spec *s, const char *init_path)
{
  static const char *const opts[] = { "bind", "ro", "nosuid", "nodev", NULL };
  s->mounts = xrealloc (s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
  s->mounts[s->n_mounts++] = (struct spec_mount) {
    .destination = xstrdup (INIT_PATH), .type = xstrdup ("bind"),
    .source = xstrdup (init_path), .options = strv_dup ((char *const *) opts),
  };
  char **args = xzalloc (sizeof *args);
  strv_push (&args, INIT_PATH);
  strv_push (&args, "--");
  for (size_t i = 0; s->process->args[i]; i++)
    strv_push (&args, s->process->args[i]);
  strv_free (s->process->args);
  s->process->args = args;
}

int
bundle_apply_extra (const struct run_extra *x, char *const *caps, struct spec *s,
                    mk_error **err)
{
  struct spec_linux *l = s->linux_;
  struct spec_resources *r = l->resources;
  if (x->memory_swap != 0 && r->memory)
    {
      r->memory->has_swap = true;
      r->memory->swap = x->memory_swap;
    }
  if (x->cpuset_cpus)
    {
      if (r->cpu == NULL)
        r->cpu = xzalloc (sizeof *r->cpu);
      r->cpu->cpus = xstrdup (x->cpuset_cpus);
    }

  struct spec_mount *shm = find_mount (s, "/dev/shm");
  if (x->ipc_mode && strcmp (x->ipc_mode, "host") == 0)
    {
      remove_namespace (l, "ipc");
      if (shm)
        bind_host_shm (shm);
    }
  else if (x->shm_size > 0 && shm)
    set_shm_size (shm, x->shm_size);
  if (x->pid_mode && strcmp (x->pid_mode, "host") == 0)
    remove_namespace (l, "pid");
  if (x->cgroupns_mode && strcmp (x->cgroupns_mode, "host") == 0)
    remove_namespace (l, "cgroup");

  if (x->n_ulimits)
    {
      struct spec_process *p = s->process;
      p->rlimits = xzalloc (x->n_ulimits * sizeof *p->rlimits);
      for (size_t i = 0; i < x->n_ulimits; i++)
        p->rlimits[i] = (struct spec_rlimit) { .type = xstrdup (x->ulimits[i].type),
                                               .soft = x->ulimits[i].soft,
                                               .hard = x->ulimits[i].hard };
      p->n_rlimits = x->n_ulimits;
    }

  for (size_t i = 0; i < x->n_devices; i++)
    if (add_device (s, &x->devices[i], err) < 0)
      return -1;

  if (x->seccomp_file
      && bundle_seccomp_from_file (x->seccomp_file, caps, &l->seccomp, err) < 0)
    return mk_error_wrap (err, "--security-opt seccomp=%s", x->seccomp_file);

  if (x->init)
    add_init (s, x->init_path);
  return 0;
}
