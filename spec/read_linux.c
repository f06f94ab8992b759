/* The "linux" object: namespaces, id mappings, devices, cgroups path,
 * propagation, sysctl, masked/read-only paths (resources and seccomp have
 * their own files). */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spec/read_util.h"

static const char *const namespace_types[]
    = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" };

static const char *const propagations[] = { "shared",  "slave",      "private",    "rshared",
                                            "rslave",  "rprivate",   "unbindable", "runbindable" };

static bool
in_list (const char *s, const char *const *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, list[i]) == 0)
      return true;
  return false;
}

static int
read_namespaces (rd_ctx *c, yajl_val lx, const char *path, struct spec_linux *l)
{
  yajl_val arr;
  if (rd_array (c, lx, path, "namespaces", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "namespaces");
  l->n_namespaces = arr->u.array.len;
  l->namespaces = xzalloc (l->n_namespaces * sizeof *l->namespaces);
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      struct spec_namespace *ns = &l->namespaces[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "type", &ns->type) < 0
          || rd_str (c, e, p, "path", &ns->path) < 0)
        return -1;
      _cleanup_free_ char *pt = rd_key (p, "type");
      if (!in_list (ns->type, namespace_types, ARRAY_SIZE (namespace_types)))
        return rd_error (c, pt, "unknown namespace type \"%s\"", ns->type);
      for (size_t j = 0; j < i; j++)
        if (strcmp (l->namespaces[j].type, ns->type) == 0)
          return rd_error (c, pt, "duplicate namespace type \"%s\"", ns->type);
      if (ns->path && ns->path[0] != '/')
        {
          _cleanup_free_ char *pp = rd_key (p, "path");
          return rd_error (c, pp, "must be an absolute path (got \"%s\")", ns->path);
        }
    }
  return 0;
}

static int
read_devices (rd_ctx *c, yajl_val lx, const char *path, struct spec_linux *l)
{
  yajl_val arr;
  if (rd_array (c, lx, path, "devices", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "devices");
  l->n_devices = arr->u.array.len;
  l->devices = xzalloc (l->n_devices * sizeof *l->devices);
  for (size_t i = 0; i < l->n_devices; i++)
    {
      struct spec_device *d = &l->devices[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "type", &d->type) < 0
          || rd_str_req (c, e, p, "path", &d->path) < 0
          || rd_u32 (c, e, p, "fileMode", &d->has_file_mode, &d->file_mode) < 0
          || rd_u32 (c, e, p, "uid", &d->has_uid, &d->uid) < 0
          || rd_u32 (c, e, p, "gid", &d->has_gid, &d->gid) < 0)
        return -1;
      if (strcmp (d->type, "c") != 0 && strcmp (d->type, "b") != 0
          && strcmp (d->type, "u") != 0 && strcmp (d->type, "p") != 0)
        {
          _cleanup_free_ char *pt = rd_key (p, "type");
          return rd_error (c, pt, "unknown device type \"%s\" (expected c, b, u or p)",
                           d->type);
        }
      if (d->path[0] != '/')
        {
          _cleanup_free_ char *pp = rd_key (p, "path");
          return rd_error (c, pp, "must be an absolute path (got \"%s\")", d->path);
        }
      /* A fifo has no numbers; the others need both. */
      bool need = strcmp (d->type, "p") != 0;
      if (need)
        {
          if (rd_i64_req (c, e, p, "major", 0, INT64_MAX, &d->major) < 0
              || rd_i64_req (c, e, p, "minor", 0, INT64_MAX, &d->minor) < 0)
            return -1;
        }
      else if (rd_i64 (c, e, p, "major", 0, INT64_MAX, NULL, &d->major) < 0
               || rd_i64 (c, e, p, "minor", 0, INT64_MAX, NULL, &d->minor) < 0)
        return -1;
    }
  return 0;
}

int
rd_linux (rd_ctx *c, yajl_val v, const char *path, struct spec_linux **out)
{
  if (rd_val_object (c, v, path) < 0)
    return -1;
  struct spec_linux *l = *out = xzalloc (sizeof *l); /* the caller frees on failure */
  yajl_val res, sec;
  if (read_namespaces (c, v, path, l) < 0
      || rd_id_mappings (c, v, path, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0
      || rd_id_mappings (c, v, path, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0
      || read_devices (c, v, path, l) < 0
      || rd_str (c, v, path, "cgroupsPath", &l->cgroups_path) < 0
      || rd_str (c, v, path, "rootfsPropagation", &l->rootfs_propagation) < 0
      || rd_map (c, v, path, "sysctl", &l->sysctl) < 0
      || rd_strv (c, v, path, "maskedPaths", &l->masked_paths) < 0
      || rd_strv (c, v, path, "readonlyPaths", &l->readonly_paths) < 0
      || rd_str (c, v, path, "mountLabel", &l->mount_label) < 0)
    return -1;
  if (l->rootfs_propagation && l->rootfs_propagation[0] != '\0'
      && !in_list (l->rootfs_propagation, propagations, ARRAY_SIZE (propagations)))
    {
      _cleanup_free_ char *pp = rd_key (path, "rootfsPropagation");
      return rd_error (c, pp, "unknown propagation \"%s\"", l->rootfs_propagation);
    }
  _cleanup_free_ char *pr = rd_key (path, "resources");
  _cleanup_free_ char *ps = rd_key (path, "seccomp");
  if ((res = rd_field (v, "resources")) && rd_resources (c, res, pr, &l->resources) < 0)
    return -1;
  if ((sec = rd_field (v, "seccomp")) && rd_seccomp (c, sec, ps, &l->seccomp) < 0)
    return -1;
  return 0;
}
