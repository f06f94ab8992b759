/* mocker rename CONTAINER NEW_NAME: the name link (.names/<name> -> id)
 * is made first (atomic: EEXIST = taken), then the record is rewritten
 * (temp + rename), then the old link goes; under the container's lock. */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/events.h"
#include "mocker/container/names.h"
#include "mocker/container/networks.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char usage[] =
  "Usage: mocker rename CONTAINER NEW_NAME\n"
  "\n"
  "Rename a container.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

/* The record with "name" replaced. */
static int
record_renamed (const struct container *c, const char *name, char **out, mk_error **err)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  for (size_t i = 0; YAJL_IS_OBJECT (c->record) && i < c->record->u.object.len; i++)
    {
      const char *key = c->record->u.object.keys[i];
      json_key (g, key);
      if (strcmp (key, "name") == 0)
        json_str (g, name);
      else
        json_tree (g, c->record->u.object.values[i]);
    }
  json_obj_close (g);
  return json_gen_finish_checked (g, "container record", out, NULL, err);
}

int
cmd_rename (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "rename", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (argc - optind != 2)
    return mocker_usage_error (err, "rename", "want CONTAINER and NEW_NAME");
  const char *ref = argv[optind], *name = argv[optind + 1];
  if (name[0] == '/')
    name++;
  if (!ctr_name_valid (name))
    return mk_error_set (err, 0,
                         "invalid container name `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                         name);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, ref, &ct, err) < 0)
    return -1;
  _cleanup_close_ int lock = ctr_lock (ct, err);
  if (lock < 0)
    return -1;
  if (strcmp (ct->name, name) == 0)
    return mk_error_set (err, 0, "renaming a container with the same name as its current name");
  _cleanup_free_ char *base = ctr_containers_dir (s);
  _cleanup_free_ char *link = xasprintf ("%s/.names/%s", base, name);
  if (symlink (ct->id, link) < 0)
    {
      if (errno == EEXIST)
        return mk_error_set (err, EEXIST, "conflict: the container name \"/%s\" is already in use",
                             name);
      return mk_error_set (err, errno, "symlink `%s`", link);
    }
  _cleanup_free_ char *rec = NULL;
  _cleanup_free_ char *rec_path = path_join (ct->dir, "container.json");
  if (record_renamed (ct, name, &rec, err) < 0
      || write_file_atomic (rec_path, rec, strlen (rec), 0600, false, err) < 0)
    {
      unlink (link);
      return -1;
    }
  _cleanup_free_ char *old = xasprintf ("%s/.names/%s", base, ct->name);
  char target[80];
  ssize_t n = readlink (old, target, sizeof target - 1);
  if (n > 0 && (size_t) n == strlen (ct->id) && memcmp (target, ct->id, (size_t) n) == 0)
    unlink (old);
  /* Its peers on user-defined networks know it by the new name. */
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_networks_any (ct->dir) && ctr_hosts_refresh (s, NULL, &e) < 0)
    fprintf (stderr, "mocker: warning: %s\n", e->msg);
  /* Docker's oldName keeps the leading slash of its names */
  _cleanup_free_ char *old_name = xasprintf ("/%s", ct->name);
  const char *const attrs[] = { "oldName", old_name, NULL };
  ctr_event (store_root (s), ct->id, ct->dir, "rename", attrs);
  return 0;
}
