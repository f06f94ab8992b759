/* The config.json writer: every field of the model that is set, in the
 * runtime-spec's names; absent optional fields are left out, so reading the
 * output gives the same model back. */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

static void
kv_uint (json_gen *g, const char *key, unsigned long long v)
{
  json_key (g, key);
  json_uint (g, v);
}

static void
kv_strv (json_gen *g, const char *key, char *const *v)
{
  if (v == NULL)
    return;
  json_key (g, key);
  json_arr_open (g);
  for (size_t i = 0; v[i]; i++)
    json_str (g, v[i]);
  json_arr_close (g);
}

static void
kv_map (json_gen *g, const char *key, const struct spec_map *m)
{
  if (m->len == 0)
    return;
  json_key (g, key);
  json_obj_open (g);
  for (size_t i = 0; i < m->len; i++)
    json_kv_str (g, m->keys[i], m->values[i]);
  json_obj_close (g);
}

static void
kv_id_mappings (json_gen *g, const char *key, const struct spec_id_mapping *m, size_t n)
{
  if (m == NULL)
    return;
  json_key (g, key);
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    {
      json_obj_open (g);
      kv_uint (g, "containerID", m[i].container_id);
      kv_uint (g, "hostID", m[i].host_id);
      kv_uint (g, "size", m[i].size);
      json_obj_close (g);
    }
  json_arr_close (g);
}

static void
write_user (json_gen *g, const struct spec_user *u)
{
  json_key (g, "user");
  json_obj_open (g);
  kv_uint (g, "uid", u->uid);
  kv_uint (g, "gid", u->gid);
  if (u->has_umask)
    kv_uint (g, "umask", u->umask);
  if (u->additional_gids)
    {
      json_key (g, "additionalGids");
      json_arr_open (g);
      for (size_t i = 0; i < u->n_additional_gids; i++)
        json_uint (g, u->additional_gids[i]);
      json_arr_close (g);
    }
  json_kv_str (g, "username", u->username);
  json_obj_close (g);
}

static void
write_process_body (json_gen *g, const struct spec_process *p)
{
  json_obj_open (g);
  json_kv_bool (g, "terminal", p->terminal);
  if (p->has_console_size)
    {
      json_key (g, "consoleSize");
      json_obj_open (g);
      kv_uint (g, "height", p->console_height);
      kv_uint (g, "width", p->console_width);
      json_obj_close (g);
    }
  write_user (g, &p->user);
  kv_strv (g, "args", p->args);
  kv_strv (g, "env", p->env);
  json_kv_str (g, "cwd", p->cwd);
  if (p->capabilities)
    {
      const struct spec_capabilities *c = p->capabilities;
      json_key (g, "capabilities");
      json_obj_open (g);
      kv_strv (g, "bounding", c->bounding);
      kv_strv (g, "effective", c->effective);
      kv_strv (g, "inheritable", c->inheritable);
      kv_strv (g, "permitted", c->permitted);
      kv_strv (g, "ambient", c->ambient);
      json_obj_close (g);
    }
  if (p->rlimits)
    {
      json_key (g, "rlimits");
      json_arr_open (g);
      for (size_t i = 0; i < p->n_rlimits; i++)
        {
          json_obj_open (g);
          json_kv_str (g, "type", p->rlimits[i].type);
          kv_uint (g, "hard", p->rlimits[i].hard);
          kv_uint (g, "soft", p->rlimits[i].soft);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  if (p->no_new_privileges)
    json_kv_bool (g, "noNewPrivileges", true);
  json_kv_str (g, "apparmorProfile", p->apparmor_profile);
  if (p->has_oom_score_adj)
    json_kv_int (g, "oomScoreAdj", p->oom_score_adj);
  json_kv_str (g, "selinuxLabel", p->selinux_label);
  json_obj_close (g);
}

static void
write_mounts (json_gen *g, const struct spec *s)
{
  if (s->mounts == NULL)
    return;
  json_key (g, "mounts");
  json_arr_open (g);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const struct spec_mount *m = &s->mounts[i];
      json_obj_open (g);
      json_kv_str (g, "destination", m->destination);
      json_kv_str (g, "type", m->type);
      json_kv_str (g, "source", m->source);
      kv_strv (g, "options", m->options);
      kv_id_mappings (g, "uidMappings", m->uid_mappings, m->n_uid_mappings);
      kv_id_mappings (g, "gidMappings", m->gid_mappings, m->n_gid_mappings);
      json_obj_close (g);
    }
  json_arr_close (g);
}

static void
write_hook_list (json_gen *g, const char *key, const struct spec_hook_list *l)
{
  if (l->hooks == NULL)
    return;
  json_key (g, key);
  json_arr_open (g);
  for (size_t i = 0; i < l->len; i++)
    {
      const struct spec_hook *h = &l->hooks[i];
      json_obj_open (g);
      json_kv_str (g, "path", h->path);
      kv_strv (g, "args", h->args);
      kv_strv (g, "env", h->env);
      if (h->has_timeout)
        json_kv_int (g, "timeout", h->timeout);
      json_obj_close (g);
    }
  json_arr_close (g);
}

static void
write_hooks (json_gen *g, const struct spec_hooks *h)
{
  if (!h->prestart.hooks && !h->create_runtime.hooks && !h->create_container.hooks
      && !h->start_container.hooks && !h->poststart.hooks && !h->poststop.hooks)
    return;
  json_key (g, "hooks");
  json_obj_open (g);
  write_hook_list (g, "prestart", &h->prestart);
  write_hook_list (g, "createRuntime", &h->create_runtime);
  write_hook_list (g, "createContainer", &h->create_container);
  write_hook_list (g, "startContainer", &h->start_container);
  write_hook_list (g, "poststart", &h->poststart);
  write_hook_list (g, "poststop", &h->poststop);
  json_obj_close (g);
}

static void
write_resources_body (json_gen *g, const struct spec_resources *r)
{
  json_obj_open (g);
  if (r->devices)
    {
      json_key (g, "devices");
      json_arr_open (g);
      for (size_t i = 0; i < r->n_devices; i++)
        {
          const struct spec_device_cgroup *d = &r->devices[i];
          json_obj_open (g);
          json_kv_bool (g, "allow", d->allow);
          json_kv_str (g, "type", d->type);
          if (d->has_major)
            json_kv_int (g, "major", d->major);
          if (d->has_minor)
            json_kv_int (g, "minor", d->minor);
          json_kv_str (g, "access", d->access);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  if (r->memory)
    {
      const struct spec_memory *m = r->memory;
      json_key (g, "memory");
      json_obj_open (g);
      if (m->has_limit)
        json_kv_int (g, "limit", m->limit);
      if (m->has_reservation)
        json_kv_int (g, "reservation", m->reservation);
      if (m->has_swap)
        json_kv_int (g, "swap", m->swap);
      if (m->has_kernel)
        json_kv_int (g, "kernel", m->kernel);
      if (m->has_kernel_tcp)
        json_kv_int (g, "kernelTCP", m->kernel_tcp);
      if (m->has_swappiness)
        kv_uint (g, "swappiness", m->swappiness);
      if (m->has_disable_oom_killer)
        json_kv_bool (g, "disableOOMKiller", m->disable_oom_killer);
      json_obj_close (g);
    }
  if (r->cpu)
    {
      const struct spec_cpu *c = r->cpu;
      json_key (g, "cpu");
      json_obj_open (g);
      if (c->has_shares)
        kv_uint (g, "shares", c->shares);
      if (c->has_quota)
        json_kv_int (g, "quota", c->quota);
      if (c->has_period)
        kv_uint (g, "period", c->period);
      if (c->has_burst)
        kv_uint (g, "burst", c->burst);
      if (c->has_realtime_runtime)
        json_kv_int (g, "realtimeRuntime", c->realtime_runtime);
      if (c->has_realtime_period)
        kv_uint (g, "realtimePeriod", c->realtime_period);
      json_kv_str (g, "cpus", c->cpus);
      json_kv_str (g, "mems", c->mems);
      if (c->has_idle)
        json_kv_int (g, "idle", c->idle);
      json_obj_close (g);
    }
  if (r->pids)
    {
      json_key (g, "pids");
      json_obj_open (g);
      if (r->pids->has_limit)
        json_kv_int (g, "limit", r->pids->limit);
      json_obj_close (g);
    }
  if (r->block_io)
    {
      json_key (g, "blockIO");
      json_obj_open (g);
      if (r->block_io->has_weight)
        kv_uint (g, "weight", r->block_io->weight);
      json_obj_close (g);
    }
  if (r->hugepage_limits)
    {
      json_key (g, "hugepageLimits");
      json_arr_open (g);
      for (size_t i = 0; i < r->n_hugepage_limits; i++)
        {
          json_obj_open (g);
          json_kv_str (g, "pageSize", r->hugepage_limits[i].page_size);
          kv_uint (g, "limit", r->hugepage_limits[i].limit);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  if (r->network)
    {
      json_key (g, "network");
      json_obj_open (g);
      if (r->network->has_class_id)
        kv_uint (g, "classID", r->network->class_id);
      if (r->network->priorities)
        {
          json_key (g, "priorities");
          json_arr_open (g);
          for (size_t i = 0; i < r->network->n_priorities; i++)
            {
              json_obj_open (g);
              json_kv_str (g, "name", r->network->priorities[i].name);
              kv_uint (g, "priority", r->network->priorities[i].priority);
              json_obj_close (g);
            }
          json_arr_close (g);
        }
      json_obj_close (g);
    }
  kv_map (g, "unified", &r->unified);
  json_obj_close (g);
}

static void
write_seccomp (json_gen *g, const struct spec_seccomp *s)
{
  json_key (g, "seccomp");
  json_obj_open (g);
  json_kv_str (g, "defaultAction", s->default_action);
  if (s->has_default_errno_ret)
    kv_uint (g, "defaultErrnoRet", s->default_errno_ret);
  kv_strv (g, "architectures", s->architectures);
  kv_strv (g, "flags", s->flags);
  json_kv_str (g, "listenerPath", s->listener_path);
  json_kv_str (g, "listenerMetadata", s->listener_metadata);
  if (s->syscalls)
    {
      json_key (g, "syscalls");
      json_arr_open (g);
      for (size_t i = 0; i < s->n_syscalls; i++)
        {
          const struct spec_seccomp_syscall *sc = &s->syscalls[i];
          json_obj_open (g);
          kv_strv (g, "names", sc->names);
          json_kv_str (g, "action", sc->action);
          if (sc->has_errno_ret)
            kv_uint (g, "errnoRet", sc->errno_ret);
          if (sc->args)
            {
              json_key (g, "args");
              json_arr_open (g);
              for (size_t j = 0; j < sc->n_args; j++)
                {
                  const struct spec_seccomp_arg *a = &sc->args[j];
                  json_obj_open (g);
                  kv_uint (g, "index", a->index);
                  kv_uint (g, "value", a->value);
                  if (a->has_value_two)
                    kv_uint (g, "valueTwo", a->value_two);
                  json_kv_str (g, "op", a->op);
                  json_obj_close (g);
                }
              json_arr_close (g);
            }
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  json_obj_close (g);
}

static void
write_linux (json_gen *g, const struct spec_linux *l)
{
  json_key (g, "linux");
  json_obj_open (g);
  kv_id_mappings (g, "uidMappings", l->uid_mappings, l->n_uid_mappings);
  kv_id_mappings (g, "gidMappings", l->gid_mappings, l->n_gid_mappings);
  kv_map (g, "sysctl", &l->sysctl);
  if (l->resources)
    {
      json_key (g, "resources");
      write_resources_body (g, l->resources);
    }
  json_kv_str (g, "cgroupsPath", l->cgroups_path);
  if (l->namespaces)
    {
      json_key (g, "namespaces");
      json_arr_open (g);
      for (size_t i = 0; i < l->n_namespaces; i++)
        {
          json_obj_open (g);
          json_kv_str (g, "type", l->namespaces[i].type);
          json_kv_str (g, "path", l->namespaces[i].path);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  if (l->devices)
    {
      json_key (g, "devices");
      json_arr_open (g);
      for (size_t i = 0; i < l->n_devices; i++)
        {
          const struct spec_device *d = &l->devices[i];
          json_obj_open (g);
          json_kv_str (g, "type", d->type);
          json_kv_str (g, "path", d->path);
          json_kv_int (g, "major", d->major);
          json_kv_int (g, "minor", d->minor);
          if (d->has_file_mode)
            kv_uint (g, "fileMode", d->file_mode);
          if (d->has_uid)
            kv_uint (g, "uid", d->uid);
          if (d->has_gid)
            kv_uint (g, "gid", d->gid);
          json_obj_close (g);
        }
      json_arr_close (g);
    }
  if (l->seccomp)
    write_seccomp (g, l->seccomp);
  json_kv_str (g, "rootfsPropagation", l->rootfs_propagation);
  kv_strv (g, "maskedPaths", l->masked_paths);
  kv_strv (g, "readonlyPaths", l->readonly_paths);
  json_kv_str (g, "mountLabel", l->mount_label);
  json_obj_close (g);
}

char *
spec_write (const struct spec *s, bool pretty)
{
  json_gen *g = json_gen_new (pretty);
  json_obj_open (g);
  json_kv_str (g, "ociVersion", s->oci_version);
  if (s->process)
    {
      json_key (g, "process");
      write_process_body (g, s->process);
    }
  if (s->root_path)
    {
      json_key (g, "root");
      json_obj_open (g);
      json_kv_str (g, "path", s->root_path);
      if (s->root_readonly)
        json_kv_bool (g, "readonly", true);
      json_obj_close (g);
    }
  json_kv_str (g, "hostname", s->hostname);
  json_kv_str (g, "domainname", s->domainname);
  write_mounts (g, s);
  write_hooks (g, &s->hooks);
  kv_map (g, "annotations", &s->annotations);
  if (s->linux_)
    write_linux (g, s->linux_);
  json_obj_close (g);
  size_t len;
  char *text = json_gen_finish (g, &len);
  if (pretty && (len == 0 || text[len - 1] != '\n'))
    {
      /* End the file with a newline, as editors and runc do (yajl's
       * beautifier usually adds it already). */
      text = xrealloc (text, len + 2);
      text[len] = '\n';
      text[len + 1] = '\0';
    }
  return text;
}

char *
spec_write_process (const struct spec_process *p, bool pretty)
{
  json_gen *g = json_gen_new (pretty);
  write_process_body (g, p);
  return json_gen_finish (g, NULL);
}

char *
spec_write_resources (const struct spec_resources *r, bool pretty)
{
  json_gen *g = json_gen_new (pretty);
  write_resources_body (g, r);
  return json_gen_finish (g, NULL);
}

int
spec_write_file (const struct spec *s, const char *path, mk_error **err)
{
  _cleanup_free_ char *text = spec_write (s, true);
  if (write_file_atomic (path, text, strlen (text), 0644, false, err) < 0)
    return mk_error_wrap (err, "write config `%s`", path);
  return 0;
}
