/* Making a container: its directory, the overlay rootfs, the /etc files,
 * bundle/config.json, state.json and, last, the record (container.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/lock.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/caps_filter.h"
#include "mocker/container/events.h"
#include "mocker/container/container.h"
#include "mocker/container/networks.h"
#include "mocker/container/restart.h"
#include "mocker/container/names.h"
#include "mocker/container/remove.h"
#include "mocker/run/run_opts.h"
#include "mocker/store/image.h"
#include "mocker/store/store.h"
#include "mocker/volume/attach.h"

/* A name whose container directory is gone (a removal killed between the
 * rename of the directory and the unlink of the name) is free again.
 * Directories are made before their name and removed before it, so a link
 * to an existing directory is always valid.  Under a lock, so two creators
 * never both take a reclaimed name. */
static bool
reclaim_name (const char *base, const char *link, const char *target)
{
  _cleanup_free_ char *dir = path_join (base, target);
  if (dir_exists (dir))
    return false;
  _cleanup_free_ char *lock_file = path_join (base, ".names.lock");
  _cleanup_close_ int lock = lock_path (lock_file, true, NULL);
  if (lock < 0)
    return false;
  char now[80] = "";
  ssize_t n = readlink (link, now, sizeof now - 1);
  now[n > 0 ? n : 0] = '\0';
  if (n <= 0 || strcmp (now, target) != 0 || dir_exists (dir))
    return n <= 0 || strcmp (now, target) != 0; /* changed meanwhile: try again */
  unlink (link);
  return true;
}

/* Reserves the name (a symlink .names/<name> -> id: creation is atomic). */
static int
reserve_name (const char *base, const char *name, const char *id, char **out, mk_error **err)
{
  _cleanup_free_ char *names = path_join (base, ".names");
  if (mkdir_p (names, 0700, err) < 0)
    return -1;
  for (unsigned attempt = 0;; attempt++)
    {
      _cleanup_free_ char *n = name ? xstrdup (name) : ctr_name_generate (attempt);
      _cleanup_free_ char *link = path_join (names, n);
      if (symlink (id, link) == 0)
        {
          *out = STEAL (n);
          return 0;
        }
      if (errno != EEXIST)
        return mk_error_set (err, errno, "symlink `%s`", link);
      char target[80] = "";
      ssize_t len = readlink (link, target, sizeof target - 1);
      target[len > 0 ? len : 0] = '\0';
      if (len > 0 && reclaim_name (base, link, target))
        {
          attempt--; /* the same name again */
          continue;
        }
      if (name)
        return store_fail (err, EEXIST,
                           "conflict: the container name \"/%s\" is already in use by container "
                           "\"%s\"; remove (or rename) that container to reuse the name",
                           name, target);
      if (attempt > 50)
        return store_fail (err, EEXIST, "no free container name found");
    }
}

/* volatile_upper: the overlay syncs nothing (mount option `volatile`,
 * Linux 5.10): its unmount does not sync the whole upper file system,
 * which after a COPY of 50 MB cost ~0.2 s; the upper directory is then
 * not to be trusted after a crash (overlayfs refuses to mount it again),
 * fine for a build step's container, which is removed after its step. */
static int
mount_overlay (const char *dir, char **chain_ids, struct store *s, bool volatile_upper,
               mk_error **err)
{
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  _cleanup_free_ char *lower = NULL;
  size_t n = strv_len (chain_ids);
  if (n == 0)
    lower = xasprintf ("%s/empty", dir);
  /* overlay wants the top layer first. */
  for (size_t i = n; i-- > 0;)
    {
      _cleanup_free_ char *d = store_layer_diff_dir (s, chain_ids[i]);
      char *l = lower ? xasprintf ("%s:%s", lower, d) : xstrdup (d);
      free (lower);
      lower = l;
    }
  _cleanup_free_ char *opts = xasprintf ("lowerdir=%s,upperdir=%s/upper,workdir=%s/work", lower,
                                         dir, dir);
  if (strlen (opts) >= 4096)
    return mk_error_set (err, 0, "overlay options for %zu layers exceed a page", n);
  if (volatile_upper)
    {
      _cleanup_free_ char *v = xasprintf ("%s,volatile", opts);
      if (mount ("overlay", rootfs, "overlay", 0, v) == 0)
        return 0;
      if (errno != EINVAL) /* EINVAL: a kernel without the option */
        return mk_error_set (err, errno, "mount overlay on `%s`", rootfs);
    }
  if (mount ("overlay", rootfs, "overlay", 0, opts) < 0)
    return mk_error_set (err, errno, "mount overlay on `%s`", rootfs);
  return 0;
}

static char **
record_layers (const struct container *c)
{
  char **out = xzalloc (sizeof *out);
  yajl_val l = json_get (c->record, "layers");
  for (size_t i = 0; l && YAJL_IS_ARRAY (l) && i < l->u.array.len; i++)
    if (YAJL_IS_STRING (l->u.array.values[i]))
      strv_push (&out, YAJL_GET_STRING (l->u.array.values[i]));
  return out;
}

int
ctr_mount_rootfs (struct store *s, const struct container *c, mk_error **err)
{
  if (ctr_rootfs_mounted (c->dir))
    return 0;
  _cleanup_strv_ char **layers = record_layers (c);
  return mount_overlay (c->dir, layers, s, false, err);
}

static yajl_val
image_cfg (yajl_val image_config, const char *key)
{
  return json_get (json_get (image_config, "config"), key);
}

/* HostConfig.Tmpfs: {"/path": "options"}, as Docker. */
static void
record_tmpfs (json_gen *g, const struct run_options *o)
{
  json_key (g, "Tmpfs");
  json_obj_open (g);
  for (size_t i = 0; i < o->n_volumes; i++)
    if (o->volumes[i].kind == MOUNT_TMPFS)
      json_kv_str (g, o->volumes[i].container,
                   o->volumes[i].tmpfs_opts ? o->volumes[i].tmpfs_opts : "");
  json_obj_close (g);
}

/* "mounts": every data mount (what inspect's Mounts, --volumes-from and
 * `rm -v` read): Type, Name, Source, Destination, RW, Anonymous. */
static void
record_mounts (json_gen *g, const struct run_options *o)
{
  static const char *const kinds[] = { [MOUNT_BIND] = "bind", [MOUNT_VOLUME] = "volume",
                                       [MOUNT_TMPFS] = "tmpfs" };
  json_key (g, "mounts");
  json_arr_open (g);
  for (size_t i = 0; i < o->n_volumes; i++)
    {
      const struct volume_opt *v = &o->volumes[i];
      json_obj_open (g);
      json_kv_str (g, "Type", kinds[v->kind]);
      json_kv_str (g, "Name", v->name);
      json_kv_str (g, "Source", v->kind == MOUNT_TMPFS ? "" : v->host);
      json_kv_str (g, "Destination", v->container);
      json_kv_bool (g, "RW", !v->readonly);
      json_kv_bool (g, "Anonymous", v->anonymous);
      json_obj_close (g);
    }
  json_arr_close (g);
}

static int
record_json (const char *id, const char *name, const char *created, const struct ctr_new *in,
             const struct spec *spec, char **layers, char **out, mk_error **err)
{
  const struct run_options *o = in->opts;
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_kv_str (g, "id", id);
  json_kv_str (g, "name", name);
  json_kv_str (g, "image", in->image_id);
  json_kv_str (g, "image_ref", in->image_ref);
  json_kv_str (g, "created", created);
  json_kv_str (g, "path", spec->process->args[0]);
  json_kv_strv (g, "args", spec->process->args + 1);

  json_key (g, "config");
  json_obj_open (g);
  _cleanup_free_ char *host_name = bundle_hostname (o, id);
  json_kv_str (g, "Hostname", host_name);
  _cleanup_free_ char *user = o->user ? xstrdup (o->user) : NULL;
  if (user == NULL)
    {
      const char *iu = json_get_str (json_get (in->image_config, "config"), "User");
      user = xstrdup (iu ? iu : "");
    }
  json_kv_str (g, "User", user);
  json_kv_bool (g, "Tty", o->tty);
  json_kv_bool (g, "OpenStdin", in->open_stdin);
  json_kv_strv (g, "Env", spec->process->env);
  if (o->cmd && o->cmd[0])
    json_kv_strv (g, "Cmd", o->cmd);
  else
    {
      json_key (g, "Cmd");
      yajl_val v = o->has_entrypoint ? NULL : image_cfg (in->image_config, "Cmd");
      v ? json_tree (g, v) : json_null (g);
    }
  json_key (g, "Entrypoint");
  if (o->has_entrypoint)
    {
      if (str_is_empty (o->entrypoint))
        json_null (g);
      else
        {
          json_arr_open (g);
          json_str (g, o->entrypoint);
          json_arr_close (g);
        }
    }
  else
    {
      yajl_val v = image_cfg (in->image_config, "Entrypoint");
      v ? json_tree (g, v) : json_null (g);
    }
  json_kv_str (g, "WorkingDir", spec->process->cwd);
  json_kv_str (g, "Image", in->image_ref);
  const char *stop = json_get_str (json_get (in->image_config, "config"), "StopSignal");
  /* Labels: the image's, then --label (run_opts_record.c), as Docker (ps --filter
   * label=, inspect) */
  json_kv_str (g, "StopSignal", o->x.stop_signal ? o->x.stop_signal : stop ? stop : "SIGTERM");
  run_opts_record_config (g, o, in->image_config);
  json_obj_close (g);

  json_key (g, "host_config");
  json_obj_open (g);
  json_kv_bool (g, "AutoRemove", in->auto_remove);
  /* --restart (mocker/container/restart.h), as Docker's HostConfig. */
  json_key (g, "RestartPolicy");
  json_obj_open (g);
  json_kv_str (g, "Name", ctr_restart_name (in->restart.name));
  json_kv_int (g, "MaximumRetryCount", in->restart.max_retries);
  json_obj_close (g);
  json_kv_str (g, "NetworkMode",
               o->network == NET_NONE   ? "none"
               : o->network == NET_HOST ? "host"
               : o->network_name        ? o->network_name
                                        : "bridge");
  json_kv_int (g, "Memory", o->memory);
  json_kv_int (g, "NanoCpus", (long long) (o->cpus * 1e9 + 0.5));
  json_kv_int (g, "CpuShares", (long long) o->cpu_shares);
  json_kv_int (g, "PidsLimit", o->pids_limit);
  json_kv_bool (g, "ReadonlyRootfs", o->read_only);
  json_kv_bool (g, "Privileged", o->privileged);
  json_kv_strv (g, "CapAdd", o->cap_add);
  json_kv_strv (g, "CapDrop", o->cap_drop);
  json_key (g, "Binds");
  json_arr_open (g);
  for (size_t i = 0; i < o->n_volumes; i++)
    if (o->volumes[i].bind_spec)
      json_str (g, o->volumes[i].bind_spec);
  json_arr_close (g);
  record_tmpfs (g, o);
  run_opts_record_host_config (g, o);
  json_obj_close (g);
  record_mounts (g, o);

  /* The -p values as typed (port_map_parse reads them back). */
  json_key (g, "ports");
  json_arr_open (g);
  for (size_t i = 0; in->port_specs && in->port_specs[i]; i++)
    json_str (g, in->port_specs[i]);
  json_arr_close (g);
  json_kv_strv (g, "layers", layers);
  json_obj_close (g);
  return json_gen_finish_checked (g, "container record", out, NULL, err);
}

/* Everything after the directory: the name, the overlay, the /etc files,
 * config.json, state.json and the record.  On failure the caller removes
 * what was made (*name_out tells whether a name was reserved). */
static int
fill_container (struct store *s, const struct ctr_new *in, const char *base, const char *id,
                const char *dir, char **name_out, mk_error **err)
{
  /* The name after the directory (see reclaim_name). */
  if (reserve_name (base, in->name, id, name_out, err) < 0)
    return -1;
  const char *name = *name_out;
  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_load (s, in->image_id, &img, err) < 0)
    return -1;
  _cleanup_strv_ char **layers = xzalloc (sizeof *layers);
  for (size_t i = 0; i < img->n_layers; i++)
    strv_push (&layers, img->layers[i].chain_id);
  if (mount_overlay (dir, layers, s, in->volatile_rootfs, err) < 0)
    return -1;

  struct run_options *o = in->opts;
  _cleanup_free_ char *root_dir = xasprintf ("%s/bundle/rootfs", dir);
  if (ctr_volumes_attach (s, id, root_dir, o, err) < 0)
    return -1;
  _cleanup_free_ char *etc = path_join (dir, "etc");
  _cleanup_free_ char *host_name = bundle_hostname (o, id);
  struct net_etc_opts eo = {
    .hostname = host_name,
    .name = name,
    .host_network = o->network == NET_HOST,
    .extra_hosts = o->x.add_hosts, .dns = o->x.dns, .dns_search = o->x.dns_search,
    .dns_options = o->x.dns_options,
  };
  if (network_write_etc_files (etc, &eo, err) < 0)
    return -1;
  if (o->network_name)
    {
      /* The user-defined network it starts on (connect adds more). */
      struct ctr_networks nets = { 0 };
      ctr_networks_add (&nets, o->network_name, o->network_aliases);
      int r = ctr_networks_save (dir, &nets, err);
      ctr_networks_clear (&nets);
      if (r < 0)
        return -1;
    }
  o->etc_dir = etc;
  _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  _cleanup_spec_ struct spec *spec = NULL;
  int r = bundle_make_spec (in->image_config, rootfs, id, o, &spec, err);
  o->etc_dir = NULL;
  if (r < 0)
    return -1;
  caps_filter_bounding (spec->process->capabilities);
  struct winsize ws;
  if (o->tty && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
    {
      /* The caller's window size from the first instant (resizes follow). */
      spec->process->has_console_size = true;
      spec->process->console_height = ws.ws_row;
      spec->process->console_width = ws.ws_col;
    }
  _cleanup_free_ char *cfg = xasprintf ("%s/bundle/config.json", dir);
  if (spec_write_file (spec, cfg, err) < 0)
    return -1;
  struct ctr_state st = { .status = CTR_CREATED };
  if (ctr_state_write (dir, &st, err) < 0)
    return -1;
  char created[40];
  ctr_time_now (created, sizeof created);
  _cleanup_free_ char *rec = NULL;
  if (record_json (id, name, created, in, spec, layers, &rec, err) < 0)
    return -1;
  _cleanup_free_ char *rec_path = path_join (dir, "container.json");
  return write_file_atomic (rec_path, rec, strlen (rec), 0600, false, err);
}

int
ctr_create (struct store *s, const struct ctr_new *in, struct container **out, mk_error **err)
{
  if (in->name && !ctr_name_valid (in->name))
    return store_fail (err, EINVAL,
                       "invalid container name `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                       in->name);
  /* Its Cmd and Entrypoint go into the record as they are: refused before
   * anything is made when deeper than a generator takes. */
  if (json_check_depth (in->image_config, JSON_CONFIG_MAX_DEPTH, "image config", err) < 0)
    return mk_error_wrap (err, "image `%s`", in->image_ref ? in->image_ref : in->image_id);
  _cleanup_free_ char *base = ctr_containers_dir (s);
  _cleanup_free_ char *names = path_join (base, ".names");
  if (mkdir_p (names, 0700, err) < 0)
    return -1;
  _cleanup_free_ char *id = xmalloc (65);
  store_random_id (id);
  _cleanup_free_ char *dir = path_join (base, id);
  static const char *const subdirs[] = { "", "upper", "work", "etc", "bundle", "bundle/rootfs",
                                         "empty" };
  int r = 0;
  for (size_t i = 0; r == 0 && i < ARRAY_SIZE (subdirs); i++)
    {
      _cleanup_free_ char *d = path_join (dir, subdirs[i]);
      if (mkdir (d, i == 0 ? 0700 : 0755) < 0)
        r = mk_error_set (err, errno, "mkdir `%s`", d);
    }
  _cleanup_free_ char *name = NULL;
  /* Every failure, the last load included, removes what was made. */
  if (r == 0 && fill_container (s, in, base, id, dir, &name, err) == 0
      && ctr_load (s, id, out, err) == 0)
    {
      ctr_event (store_root (s), id, dir, "create", NULL);
      return 0;
    }

  ctr_umount_rootfs (dir);
  _cleanup_error_ mk_error *e = NULL;
  if (rm_rf_one_fs (dir, &e) < 0)
    log_warning ("%s", e->msg);
  ctr_volumes_release (s, id, in->opts);
  if (name)
    {
      _cleanup_free_ char *link = path_join (names, name);
      unlink (link);
    }
  return -1;
}

int
ctr_teardown (struct store *s, const struct container *c, mk_error **err)
{
  (void) err;
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_net_mode (c) == NET_BRIDGE && network_detach (store_root (s), c->id, &e) < 0)
    {
      log_warning ("container %.12s: %s", c->id, e->msg);
      mk_error_free (&e);
    }
  /* Its peers on user-defined networks forget it (none without one). */
  if (ctr_net_mode (c) == NET_BRIDGE && ctr_networks_any (c->dir)
      && ctr_hosts_refresh (s, NULL, &e) < 0)
    {
      log_warning ("container %.12s: %s", c->id, e->msg);
      mk_error_free (&e);
    }
  char *del[] = { (char *) "delete", (char *) "--force", c->id, NULL };
  _cleanup_free_ char *text = NULL;
  if (ctr_runtime_call (s, del, &text) != 0)
    log_warning ("container %.12s: mocker-runtime delete: %s", c->id, text ? text : "failed");
  ctr_umount_rootfs (c->dir);
  return 0;
}

int
ctr_remove_files (struct store *s, const struct container *c, mk_error **err)
{
  _cleanup_free_ char *base = ctr_containers_dir (s);
  return ctr_remove_dir (base, c->id, c->name, err);
}
