/* Releasing the model, and the small lookups both tiers use.  Every free
 * function accepts a partly filled struct (the reader frees what it built so
 * far when it meets an error). */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
spec_map_clear (struct spec_map *m)
{
  for (size_t i = 0; i < m->len; i++)
    {
      free (m->keys[i]);
      free (m->values[i]);
    }
  free (m->keys);
  free (m->values);
  memset (m, 0, sizeof *m);
}

static void
capabilities_free (struct spec_capabilities *c)
{
  if (c == NULL)
    return;
  strv_free (c->bounding);
  strv_free (c->effective);
  strv_free (c->inheritable);
  strv_free (c->permitted);
  strv_free (c->ambient);
  free (c);
}

void
spec_process_free (struct spec_process *p)
{
  if (p == NULL)
    return;
  free (p->cwd);
  strv_free (p->env);
  strv_free (p->args);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  capabilities_free (p->capabilities);
  free (p->selinux_label);
  free (p->user.additional_gids);
  free (p->user.username);
  free (p);
}

static void
hook_list_free (struct spec_hook_list *l)
{
  for (size_t i = 0; i < l->len; i++)
    {
      free (l->hooks[i].path);
      strv_free (l->hooks[i].args);
      strv_free (l->hooks[i].env);
    }
  free (l->hooks);
  l->hooks = NULL;
  l->len = 0;
}

void
spec_resources_free (struct spec_resources *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      free (r->devices[i].type);
      free (r->devices[i].access);
    }
  free (r->devices);
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  free (r->pids);
  free (r->block_io);
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  spec_map_clear (&r->unified);
  if (r->network)
    {
      for (size_t i = 0; i < r->network->n_priorities; i++)
        free (r->network->priorities[i].name);
      free (r->network->priorities);
      free (r->network);
    }
  free (r);
}

static void
seccomp_free (struct spec_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  strv_free (s->architectures);
  strv_free (s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      struct spec_seccomp_syscall *sc = &s->syscalls[i];
      strv_free (sc->names);
      free (sc->action);
      for (size_t j = 0; j < sc->n_args; j++)
        free (sc->args[j].op);
      free (sc->args);
    }
  free (s->syscalls);
  free (s);
}

static void
linux_free (struct spec_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      free (l->namespaces[i].type);
      free (l->namespaces[i].path);
    }
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    {
      free (l->devices[i].type);
      free (l->devices[i].path);
    }
  free (l->devices);
  free (l->cgroups_path);
  spec_resources_free (l->resources);
  free (l->rootfs_propagation);
  seccomp_free (l->seccomp);
  spec_map_clear (&l->sysctl);
  strv_free (l->masked_paths);
  strv_free (l->readonly_paths);
  free (l->mount_label);
  free (l);
}

void
spec_free (struct spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->root_path);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct spec_mount *m = &s->mounts[i];
      free (m->destination);
      free (m->type);
      free (m->source);
      strv_free (m->options);
      free (m->uid_mappings);
      free (m->gid_mappings);
    }
  free (s->mounts);
  spec_process_free (s->process);
  free (s->hostname);
  free (s->domainname);
  hook_list_free (&s->hooks.prestart);
  hook_list_free (&s->hooks.create_runtime);
  hook_list_free (&s->hooks.create_container);
  hook_list_free (&s->hooks.start_container);
  hook_list_free (&s->hooks.poststart);
  hook_list_free (&s->hooks.poststop);
  spec_map_clear (&s->annotations);
  linux_free (s->linux_);
  free (s);
}

void
cleanup_specp (struct spec **s)
{
  spec_free (*s);
  *s = NULL;
}

void
cleanup_spec_processp (struct spec_process **p)
{
  spec_process_free (*p);
  *p = NULL;
}

void
cleanup_spec_resourcesp (struct spec_resources **r)
{
  spec_resources_free (*r);
  *r = NULL;
}

const char *
spec_map_get (const struct spec_map *m, const char *key)
{
  for (size_t i = 0; i < m->len; i++)
    if (strcmp (m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

void
spec_map_set (struct spec_map *m, const char *key, const char *value)
{
  for (size_t i = 0; i < m->len; i++)
    if (strcmp (m->keys[i], key) == 0)
      {
        free (m->values[i]);
        m->values[i] = xstrdup (value);
        return;
      }
  m->keys = xrealloc (m->keys, (m->len + 1) * sizeof *m->keys);
  m->values = xrealloc (m->values, (m->len + 1) * sizeof *m->values);
  m->keys[m->len] = xstrdup (key);
  m->values[m->len] = xstrdup (value);
  m->len++;
}

const struct spec_namespace *
spec_find_namespace (const struct spec *s, const char *type)
{
  if (s == NULL || s->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < s->linux_->n_namespaces; i++)
    if (s->linux_->namespaces[i].type && strcmp (s->linux_->namespaces[i].type, type) == 0)
      return &s->linux_->namespaces[i];
  return NULL;
}
