/* cgroups: layout detection (once), cgroup file helpers and the dispatch of
 * each operation to v1 hierarchies and/or the cgroup2 tree.
 *
 * Layouts:
 *   pure v2  /sys/fs/cgroup is cgroup2: everything happens there.
 *   hybrid   v1 controllers under /sys/fs/cgroup/<controller> and a cgroup2
 *            tree (without controllers) at /sys/fs/cgroup/unified: limits go
 *            to v1; the container gets a group in the unified tree too, so its
 *            cgroup namespace and v2-aware tools see it.
 *   v1       only v1 hierarchies.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup"

static char *root_override;
static struct cgroup_host host;
static bool host_ready;

void
cgroup_host_clear (struct cgroup_host *h)
{
  free (h->v2_dir);
  for (size_t i = 0; i < h->n_v1; i++)
    {
      free (h->v1[i].name);
      free (h->v1[i].dir);
    }
  free (h->v1);
  memset (h, 0, sizeof *h);
}

void
cgroup_set_root_for_testing (const char *root)
{
  free (root_override);
  root_override = root ? xstrdup (root) : NULL;
  cgroup_host_clear (&host);
  host_ready = false;
}

static const char *
cgroup_root (void)
{
  return root_override ? root_override : DEFAULT_CGROUP_ROOT;
}

bool
cgroup_has_file (const char *dir, const char *file)
{
  _cleanup_free_ char *p = path_join (dir, file);
  return access (p, F_OK) == 0;
}

static int
compare_hierarchies (const void *a, const void *b)
{
  return strcmp (((const struct cgroup_v1_hierarchy *) a)->name,
                 ((const struct cgroup_v1_hierarchy *) b)->name);
}

int
cgroup_detect (const char *root, struct cgroup_host *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (cgroup_has_file (root, "cgroup.controllers"))
    {
      out->layout = CGROUP_LAYOUT_V2;
      out->v2_dir = xstrdup (root);
      return 0;
    }

  _cleanup_closedir_ DIR *d = opendir (root);
  if (d == NULL)
    return mk_error_set (err, errno, "cgroup: open %s", root);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || strcmp (de->d_name, "unified") == 0)
        continue;
      /* Co-mounted controllers appear as one directory ("cpu,cpuacct") and
       * symlinks to it ("cpu", "cpuacct"): skipping the symlinks counts each
       * hierarchy once, by its real name, without resolving any path. */
      struct stat st;
      if (de->d_type == DT_UNKNOWN
          && (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (st.st_mode)))
        continue;
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      _cleanup_free_ char *procs = path_join (de->d_name, "cgroup.procs");
      if (faccessat (dirfd (d), procs, F_OK, 0) < 0)
        continue;
      out->v1 = xrealloc (out->v1, (out->n_v1 + 1) * sizeof *out->v1);
      out->v1[out->n_v1].name = xstrdup (de->d_name);
      out->v1[out->n_v1].dir = path_join (root, de->d_name);
      out->n_v1++;
    }
  if (out->n_v1 > 0)
    qsort (out->v1, out->n_v1, sizeof *out->v1, compare_hierarchies);

  _cleanup_free_ char *unified = path_join (root, "unified");
  bool has_unified = cgroup_has_file (unified, "cgroup.controllers");
  if (out->n_v1 == 0)
    {
      cgroup_host_clear (out);
      return mk_error_set (err, 0, "cgroup: no cgroup hierarchy found under %s", root);
    }
  out->layout = has_unified ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V1;
  if (has_unified)
    out->v2_dir = STEAL (unified);
  return 0;
}

const struct cgroup_host *
cgroup_host (void)
{
  if (!host_ready)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (cgroup_detect (cgroup_root (), &host, &e) < 0)
        {
          /* Every operation will then fail naming the root. */
          log_debug ("%s", e->msg);
          memset (&host, 0, sizeof host);
          host.layout = CGROUP_LAYOUT_V1;
        }
      host_ready = true;
    }
  return &host;
}

const struct cgroup_v1_hierarchy *
cgroup_v1_find (const struct cgroup_host *h, const char *c)
{
  for (size_t i = 0; i < h->n_v1; i++)
    {
      /* name is a comma-separated controller list ("cpu,cpuacct"). */
      const char *n = h->v1[i].name;
      size_t len = strlen (c);
      while (*n)
        {
          if (strncmp (n, c, len) == 0 && (n[len] == ',' || n[len] == '\0'))
            return &h->v1[i];
          const char *comma = strchr (n, ',');
          if (comma == NULL)
            break;
          n = comma + 1;
        }
    }
  return NULL;
}

/* ---- the public interface ---- */

char *
cgroup_path_for (const char *cgroups_path, const char *id, bool systemd)
{
  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    return xasprintf ("/mocker-%s", id);
  if (systemd && cgroups_path[0] != '/')
    {
      char *out;
      _cleanup_error_ mk_error *e = NULL;
      if (cgroup_systemd_path (cgroups_path, id, &out, &e) == 0)
        return out;
      /* Not in slice:prefix:name form: a plain path then. */
    }
  if (cgroups_path[0] != '/')
    return xasprintf ("/%s", cgroups_path);
  return xstrdup (cgroups_path);
}

/* Paths come from config.json: refuse anything that could leave the root. */
int
cgroup_check_path (const char *path, mk_error **err)
{
  if (path == NULL || path[0] != '/' || path[1] == '\0')
    return mk_error_set (err, 0, "cgroup: invalid cgroup path \"%s\"", path ? path : "");
  for (const char *p = path; *p; )
    {
      while (*p == '/')
        p++;
      const char *end = strchrnul (p, '/');
      if ((end - p == 2 && p[0] == '.' && p[1] == '.') || (end - p == 1 && p[0] == '.'))
        return mk_error_set (err, 0, "cgroup: invalid cgroup path \"%s\"", path);
      p = end;
    }
  return 0;
}

/* The directory where processes of the container are listed: the cgroup2
 * group (v2, hybrid) or the freezer/first v1 hierarchy. */
char *
cgroup_primary_dir (const struct cgroup_host *h, const char *path)
{
  if (h->v2_dir)
    return path_join (h->v2_dir, path);
  const struct cgroup_v1_hierarchy *f = cgroup_v1_find (h, "freezer");
  if (f == NULL && h->n_v1 > 0)
    f = &h->v1[0];
  return f ? path_join (f->dir, path) : xstrdup (path);
}

static int
create_in_host (const struct cgroup_host *h, const char *path, const struct spec_resources *res,
                pid_t pid, mk_error **err)
{
  switch (h->layout)
    {
    case CGROUP_LAYOUT_V2:
      return cgroup_v2_create (h->v2_dir, path, res, true, pid, err);
    case CGROUP_LAYOUT_HYBRID:
      if (res && res->unified.len > 0)
        return mk_error_set (err, 0,
                             "linux.resources.unified: needs a pure cgroup v2 host (this one is hybrid)");
      if (cgroup_v1_create (h, path, res, pid, err) < 0)
        return -1;
      if (cgroup_v2_create (h->v2_dir, path, NULL, false, pid, err) < 0)
        {
          _cleanup_error_ mk_error *e = NULL;
          for (size_t i = 0; i < h->n_v1; i++)
            {
              _cleanup_free_ char *d = path_join (h->v1[i].dir, path);
              cgroup_rmdir_tree (d, &e);
            }
          return -1;
        }
      return 0;
    case CGROUP_LAYOUT_V1:
      if (res && res->unified.len > 0)
        return mk_error_set (err, 0, "linux.resources.unified: needs cgroup v2");
      return cgroup_v1_create (h, path, res, pid, err);
    }
  return 0;
}

int
cgroup_create (const char *path, const struct spec_resources *res, pid_t pid, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  return create_in_host (cgroup_host (), path, res, pid, err);
}

int
cgroup_enter (const char *path, pid_t pid, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  char pid_s[32];
  snprintf (pid_s, sizeof pid_s, "%d", (int) pid);
  for (size_t i = 0; h->layout != CGROUP_LAYOUT_V2 && i < h->n_v1; i++)
    {
      _cleanup_free_ char *d = path_join (h->v1[i].dir, path);
      if (cgroup_write (d, "cgroup.procs", pid_s, err) < 0)
        return -1;
    }
  if (h->v2_dir)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      if (cgroup_write (d, "cgroup.procs", pid_s, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_update (const char *path, const struct spec_resources *res, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  if (res == NULL)
    return 0;
  const struct cgroup_host *h = cgroup_host ();
  if (h->layout == CGROUP_LAYOUT_V2)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      if (!dir_exists (d))
        return mk_error_set (err, ENOENT, "cgroup: %s", d);
      return cgroup_v2_apply (d, res, err);
    }
  if (res->unified.len > 0)
    return mk_error_set (err, 0, "linux.resources.unified: needs a pure cgroup v2 host");
  return cgroup_v1_apply (h, path, res, err);
}

int
cgroup_kill_all (const char *path, int sig, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  if (h->layout == CGROUP_LAYOUT_V2)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      return cgroup_v2_kill (d, sig, err);
    }
  _cleanup_free_ char *d = cgroup_primary_dir (h, path);
  return cgroup_signal_procs (d, sig, err);
}

int
cgroup_pids (const char *path, pid_t **pids, size_t *n, mk_error **err)
{
  *pids = NULL;
  *n = 0;
  if (cgroup_check_path (path, err) < 0)
    return -1;
  _cleanup_free_ char *d = cgroup_primary_dir (cgroup_host (), path);
  return cgroup_read_pids (d, pids, n, err);
}

int
cgroup_freeze (const char *path, bool frozen, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  if (h->layout == CGROUP_LAYOUT_V2)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      return cgroup_v2_freeze (d, frozen, err);
    }
  const struct cgroup_v1_hierarchy *f = cgroup_v1_find (h, "freezer");
  if (f == NULL)
    return mk_error_set (err, 0, "cgroup: no freezer hierarchy under %s", cgroup_root ());
  _cleanup_free_ char *d = path_join (f->dir, path);
  return cgroup_v1_freeze (d, frozen, err);
}

int
cgroup_is_frozen (const char *path, bool *frozen, mk_error **err)
{
  *frozen = false;
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  _cleanup_free_ char *d = NULL;
  const char *file;
  if (h->layout == CGROUP_LAYOUT_V2)
    {
      d = path_join (h->v2_dir, path);
      file = "cgroup.freeze";
    }
  else
    {
      const struct cgroup_v1_hierarchy *f = cgroup_v1_find (h, "freezer");
      if (f == NULL)
        return 0;
      d = path_join (f->dir, path);
      file = "freezer.state";
    }
  _cleanup_free_ char *v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_read (d, file, &v, &e) < 0)
    {
      if (mk_error_errno (e) == ENOENT || mk_error_errno (e) == ENODEV)
        return 0;
      *err = STEAL (e);
      return -1;
    }
  *frozen = strcmp (v, "1") == 0 || strcmp (v, "FROZEN") == 0;
  return 0;
}

int
cgroup_destroy (const char *path, mk_error **err)
{
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  int ret = 0;
  /* Keep going through every hierarchy; report the first failure. */
  for (size_t i = 0; h->layout != CGROUP_LAYOUT_V2 && i < h->n_v1; i++)
    {
      _cleanup_free_ char *d = path_join (h->v1[i].dir, path);
      if (cgroup_rmdir_tree (d, ret < 0 ? NULL : err) < 0)
        ret = -1;
    }
  if (h->v2_dir)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      if (cgroup_rmdir_tree (d, ret < 0 ? NULL : err) < 0)
        ret = -1;
    }
  return ret;
}
