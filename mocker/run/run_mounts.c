/* Parsing `run`'s data mounts: see run_mounts.h. */
#include "mocker/run/run_mounts.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/run/run_opts.h"
#include "mocker/volume/volume.h"

static struct volume_opt *
add_volume (struct run_options *o, enum mount_kind kind, const char *container)
{
  o->volumes = xrealloc (o->volumes, (o->n_volumes + 1) * sizeof *o->volumes);
  struct volume_opt *v = &o->volumes[o->n_volumes++];
  memset (v, 0, sizeof *v);
  v->kind = kind;
  v->container = xstrdup (container);
  return v;
}

/* "/a//b/" -> "/a/b" (in place): a destination compared with others. */
static void
clean_path (char *p)
{
  char *w = p;
  for (char *r = p; *r; r++)
    if (!(*r == '/' && w > p && w[-1] == '/'))
      *w++ = *r;
  *w = '\0';
  while (w > p + 1 && w[-1] == '/')
    *--w = '\0';
}

static int
check_target (const char *opt, const char *spec, char *ctr, const struct run_options *o,
              mk_error **err)
{
  if (ctr == NULL || ctr[0] != '/')
    return mk_error_set (err, 0, "%s `%s`: the container path must be absolute", opt, spec);
  clean_path (ctr);
  if (strcmp (ctr, "/") == 0)
    return mk_error_set (err, 0, "%s `%s`: cannot mount over /", opt, spec);
  for (size_t i = 0; i < o->n_volumes; i++)
    if (strcmp (o->volumes[i].container, ctr) == 0)
      return mk_error_set (err, 0, "%s `%s`: duplicate mount point `%s`", opt, spec, ctr);
  return 0;
}

int
run_parse_volume (const char *spec, struct run_options *o, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  char *parts[4] = { NULL };
  size_t n = 0;
  for (char *p = copy; p && n < 4; n++)
    {
      parts[n] = p;
      p = strchr (p, ':');
      if (p)
        *p++ = '\0';
    }
  if (n == 0 || n > 3 || str_is_empty (parts[0]))
    return mk_error_set (err, 0, "-v `%s`: want HOST:CONTAINER[:OPTIONS], NAME:CONTAINER[:OPTIONS] or CONTAINER", spec);
  char *src = n >= 2 ? parts[0] : NULL;
  char *ctr = n >= 2 ? parts[1] : parts[0];
  char *mode = n == 3 ? parts[2] : NULL;
  bool ro = false, nocopy = false;
  if (mode)
    {
      char *save = NULL;
      for (char *t = strtok_r (mode, ",", &save); t; t = strtok_r (NULL, ",", &save))
        if (strcmp (t, "ro") == 0)
          ro = true;
        else if (strcmp (t, "nocopy") == 0)
          nocopy = true;
        else if (strcmp (t, "rw") != 0 && strcmp (t, "z") != 0 && strcmp (t, "Z") != 0)
          return mk_error_set (err, 0, "-v `%s`: unknown option `%s` (ro, rw or nocopy)", spec, t);
    }
  if (src && src[0] != '/' && !volume_name_valid (src))
    return mk_error_set (err, 0, "-v `%s`: the host path must be absolute (or a volume name: "
                         "[a-zA-Z0-9][a-zA-Z0-9_.-])", spec);
  if (check_target ("-v", spec, ctr, o, err) < 0)
    return -1;
  struct volume_opt *v;
  if (src && src[0] == '/')
    {
      /* As Docker: a missing host directory is created. */
      if (nocopy)
        return mk_error_set (err, 0, "-v `%s`: nocopy is for volumes, not host paths", spec);
      if (!path_exists (src) && mkdir_p (src, 0755, err) < 0)
        return mk_error_wrap (err, "-v `%s`", spec);
      v = add_volume (o, MOUNT_BIND, ctr);
      v->host = xstrdup (src);
    }
  else
    {
      v = add_volume (o, MOUNT_VOLUME, ctr);
      v->name = src ? xstrdup (src) : NULL;
      v->anonymous = src == NULL;
      v->nocopy = nocopy;
    }
  v->readonly = ro;
  v->bind_spec = xstrdup (spec);
  return 0;
}

static bool
parse_bool_value (const char *v, bool *out)
{
  if (v == NULL || strcmp (v, "1") == 0 || strcasecmp (v, "true") == 0)
    *out = true;
  else if (strcmp (v, "0") == 0 || strcasecmp (v, "false") == 0)
    *out = false;
  else
    return false;
  return true;
}


int
run_parse_mount (const char *spec, struct run_options *o, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  const char *type = NULL;
  char *src = NULL, *dst = NULL;
  bool ro = false, nocopy = false;
  _cleanup_free_ char *tmpfs = NULL;
  char *save = NULL;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      char *val = strchr (t, '=');
      if (val)
        *val++ = '\0';
      if (strcmp (t, "type") == 0 && val)
        type = val;
      else if ((strcmp (t, "source") == 0 || strcmp (t, "src") == 0) && val)
        src = val;
      else if ((strcmp (t, "target") == 0 || strcmp (t, "destination") == 0
                || strcmp (t, "dst") == 0)
               && val)
        dst = val;
      else if (strcmp (t, "readonly") == 0 || strcmp (t, "ro") == 0)
        {
          if (!parse_bool_value (val, &ro))
            return mk_error_set (err, 0, "--mount `%s`: invalid value for %s: `%s`", spec, t, val);
        }
      else if (strcmp (t, "volume-nocopy") == 0)
        {
          if (!parse_bool_value (val, &nocopy))
            return mk_error_set (err, 0, "--mount `%s`: invalid value for %s: `%s`", spec, t, val);
        }
      else if (strcmp (t, "tmpfs-size") == 0 && val)
        {
          int64_t bytes;
          _cleanup_error_ mk_error *e = NULL;
          if (parse_bytes (val, &bytes, &e) < 0 || bytes <= 0)
            return mk_error_set (err, 0, "--mount `%s`: invalid tmpfs-size `%s`", spec, val);
          char *n = xasprintf ("%s%ssize=%lld", tmpfs ? tmpfs : "", tmpfs ? "," : "", (long long) bytes);
          free (tmpfs);
          tmpfs = n;
        }
      else if (strcmp (t, "tmpfs-mode") == 0 && val)
        {
          char *end = NULL;
          unsigned long m = strtoul (val, &end, 8);
          if (end == val || *end || m > 07777)
            return mk_error_set (err, 0, "--mount `%s`: invalid tmpfs-mode `%s`", spec, val);
          char *n = xasprintf ("%s%smode=%lo", tmpfs ? tmpfs : "", tmpfs ? "," : "", m);
          free (tmpfs);
          tmpfs = n;
        }
      else if (strcmp (t, "bind-propagation") == 0 || strcmp (t, "consistency") == 0)
        continue; /* accepted, the default (rprivate) is kept */
      else
        return mk_error_set (err, 0, "--mount `%s`: unknown field `%s`", spec, t);
    }
  if (type == NULL)
    type = "volume";
  enum mount_kind kind;
  if (strcmp (type, "bind") == 0)
    kind = MOUNT_BIND;
  else if (strcmp (type, "volume") == 0)
    kind = MOUNT_VOLUME;
  else if (strcmp (type, "tmpfs") == 0)
    kind = MOUNT_TMPFS;
  else
    return mk_error_set (err, 0, "--mount `%s`: unknown type `%s` (bind, volume or tmpfs)", spec, type);
  if (dst == NULL)
    return mk_error_set (err, 0, "--mount `%s`: target is required", spec);
  if (check_target ("--mount", spec, dst, o, err) < 0)
    return -1;
  if (kind != MOUNT_TMPFS && tmpfs)
    return mk_error_set (err, 0, "--mount `%s`: tmpfs options are for type=tmpfs", spec);
  if (kind != MOUNT_VOLUME && nocopy)
    return mk_error_set (err, 0, "--mount `%s`: volume-nocopy is for type=volume", spec);
  if (kind == MOUNT_BIND)
    {
      /* As Docker, --mount does not create a missing source (-v does). */
      if (src == NULL || src[0] != '/')
        return mk_error_set (err, 0, "--mount `%s`: a bind needs an absolute source", spec);
      if (!path_exists (src))
        return mk_error_set (err, 0, "--mount `%s`: bind source path does not exist: %s", spec, src);
    }
  if (kind == MOUNT_VOLUME && src && !volume_name_valid (src))
    return mk_error_set (err, 0, "--mount `%s`: invalid volume name `%s`", spec, src);
  if (kind == MOUNT_TMPFS && src)
    return mk_error_set (err, 0, "--mount `%s`: a tmpfs has no source", spec);
  struct volume_opt *v = add_volume (o, kind, dst);
  v->readonly = ro;
  if (kind == MOUNT_BIND)
    v->host = xstrdup (src);
  if (kind == MOUNT_VOLUME)
    {
      v->name = src ? xstrdup (src) : NULL;
      v->anonymous = src == NULL;
      v->nocopy = nocopy;
    }
  v->tmpfs_opts = STEAL (tmpfs);
  return 0;
}

int
run_parse_tmpfs (const char *spec, struct run_options *o, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  char *opts = strchr (copy, ':');
  if (opts)
    *opts++ = '\0';
  if (check_target ("--tmpfs", spec, copy, o, err) < 0)
    return -1;
  struct volume_opt *v = add_volume (o, MOUNT_TMPFS, copy);
  if (!str_is_empty (opts))
    v->tmpfs_opts = xstrdup (opts);
  return 0;
}

int
run_volumes_from (struct store *s, const char *spec, struct run_options *o, mk_error **err)
{
  _cleanup_free_ char *ref = xstrdup (spec);
  char *mode = strchr (ref, ':');
  if (mode)
    {
      *mode++ = '\0';
      if (strcmp (mode, "ro") != 0 && strcmp (mode, "rw") != 0)
        return mk_error_set (err, 0, "--volumes-from `%s`: unknown mode `%s` (ro or rw)", spec, mode);
    }
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    return mk_error_wrap (err, "--volumes-from");
  yajl_val mounts = json_get (c->record, "mounts");
  for (size_t i = 0; mounts && YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      yajl_val m = mounts->u.array.values[i];
      const char *type = json_get_str (m, "Type");
      const char *dst = json_get_str (m, "Destination");
      const char *src = json_get_str (m, "Source");
      const char *name = json_get_str (m, "Name");
      if (type == NULL || dst == NULL || strcmp (type, "tmpfs") == 0)
        continue;
      bool is_volume = strcmp (type, "volume") == 0;
      if ((is_volume && name == NULL) || (!is_volume && src == NULL))
        continue;
      /* The container's own options win over what it inherits. */
      bool taken = false;
      for (size_t j = 0; j < o->n_volumes; j++)
        taken |= strcmp (o->volumes[j].container, dst) == 0;
      if (taken)
        continue;
      yajl_val rw = json_get (m, "RW");
      struct volume_opt *v = add_volume (o, is_volume ? MOUNT_VOLUME : MOUNT_BIND, dst);
      v->readonly = mode ? strcmp (mode, "ro") == 0 : (rw && YAJL_IS_FALSE (rw));
      if (is_volume)
        {
          v->name = xstrdup (name);
          v->nocopy = true; /* shared as it is */
          /* still anonymous: `rm -v` of the last user removes it */
          v->anonymous = YAJL_IS_TRUE (json_get (m, "Anonymous"));
        }
      else
        v->host = xstrdup (src);
    }
  return 0;
}

void
run_image_volumes (yajl_val image_config, struct run_options *o)
{
  yajl_val vols = json_get (json_get (image_config, "config"), "Volumes");
  if (vols == NULL || !YAJL_IS_OBJECT (vols))
    return;
  for (size_t i = 0; i < vols->u.object.len; i++)
    {
      _cleanup_free_ char *dst = xstrdup (vols->u.object.keys[i]);
      if (dst[0] != '/')
        continue;
      clean_path (dst);
      if (strcmp (dst, "/") == 0)
        continue;
      bool taken = false;
      for (size_t j = 0; j < o->n_volumes; j++)
        taken |= strcmp (o->volumes[j].container, dst) == 0;
      if (taken)
        continue;
      struct volume_opt *v = add_volume (o, MOUNT_VOLUME, dst);
      v->anonymous = true;
    }
}

void
run_volumes_free (struct run_options *o)
{
  for (size_t i = 0; i < o->n_volumes; i++)
    {
      free (o->volumes[i].host);
      free (o->volumes[i].container);
      free (o->volumes[i].name);
      free (o->volumes[i].tmpfs_opts);
      free (o->volumes[i].bind_spec);
    }
  free (o->volumes);
  o->volumes = NULL;
  o->n_volumes = 0;
}
