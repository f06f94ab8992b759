/* mocker container prune: see container_prune.h. Output as Docker's CLI:
 * "Deleted Containers:", one full id a line, a blank line, then
 * "Total reclaimed space: SIZE". */
#include "mocker/commands/container/container_prune.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/size.h"
#include "mocker/container/status.h"
#include "mocker/ui/confirm.h"
#include "mocker/ui/format.h"
#include "mocker/ui/timearg.h"
#include "mocker/volume/attach.h"

static const char usage[] =
  "Usage: mocker container prune [OPTIONS]\n"
  "\n"
  "Remove all stopped containers.\n"
  "\n"
  "Options:\n"
  "      --filter KEY=VAL   only these: until=TIME (created before), label=KEY[=VALUE],\n"
  "                         label!=KEY[=VALUE] (repeatable)\n"
  "  -f, --force            do not ask for confirmation\n"
  "  -h, --help             print this help\n";

const char *const container_prune_filter_keys[] = { "until", "label", "label!", NULL };

int
container_prune_check (const struct ui_filter *f, const char *cmd, long long *until,
                       mk_error **err)
{
  *until = 0;
  long long now = ui_now_ns ();
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->keys[i], "until") == 0)
      {
        _cleanup_error_ mk_error *bad = NULL;
        if (ui_parse_timestamp (f->values[i], now, until, &bad) < 0)
          return mocker_flag_error (err, cmd, "--filter until: %s", bad->msg);
      }
  return 0;
}

bool
prune_labels_match (const struct ui_filter *f, yajl_val labels)
{
  for (size_t i = 0; i < f->n; i++)
    {
      bool neg = strcmp (f->keys[i], "label!") == 0;
      if (!neg && strcmp (f->keys[i], "label") != 0)
        continue;
      const char *eq = strchr (f->values[i], '=');
      _cleanup_free_ char *k = eq ? xstrndup (f->values[i], (size_t) (eq - f->values[i]))
                                  : xstrdup (f->values[i]);
      const char *v = json_get_str (labels, k);
      bool hit = v != NULL && (eq == NULL || strcmp (v, eq + 1) == 0);
      if (hit == neg)
        return false;
    }
  return true;
}

/* Removes c when it is still not running, under its lock; its upper
 * directory's bytes in *size. 1 when removed, 0 when it started meanwhile. */
static int
prune_one (struct store *s, struct container *c, long long *size, mk_error **err)
{
  _cleanup_close_ int lock = ctr_lock (c, err);
  if (lock < 0)
    return -1;
  if (access (c->dir, F_OK) < 0)
    return 0; /* removed meanwhile */
  ctr_reload_state (c);
  if (ctr_live_status (c) == LIVE_RUNNING || ctr_monitor_active (c))
    return 0; /* running, starting, restarting, or its teardown still going */
  _cleanup_free_ char *upper = path_join (c->dir, "upper");
  *size = ctr_dir_size (upper);
  ctr_teardown (s, c, err);
  if (ctr_remove_files (s, c, err) < 0)
    return -1;
  if (ctr_volumes_detach (s, c, false, err) < 0)
    return -1;
  return 1;
}

int
container_prune_run (struct store *s, const struct ui_filter *f, long long until,
                     char ***deleted, long long *reclaimed, mk_error **err)
{
  *deleted = NULL;
  *reclaimed = 0;
  struct container **list;
  size_t n;
  if (ctr_list (s, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      struct container *c = list[i];
      if (ctr_live_status (c) == LIVE_RUNNING || ctr_monitor_active (c))
        continue;
      if (until)
        {
          long long created;
          if (!ui_parse_rfc3339 (json_get_str (c->record, "created"), &created) || created >= until)
            continue;
        }
      if (!prune_labels_match (f, json_get (json_get (c->record, "config"), "Labels")))
        continue;
      long long size = 0;
      _cleanup_error_ mk_error *e = NULL;
      int r = prune_one (s, c, &size, &e);
      if (r < 0)
        fprintf (stderr, "mocker: container %.12s: %s\n", c->id, e && e->msg ? e->msg : "failed");
      if (r > 0)
        {
          strv_push (deleted, c->id);
          *reclaimed += size;
        }
    }
  ctr_list_free (list, n);
  return 0;
}

int
container_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "filter", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct ui_filter f = { 0 };
  bool force = false;
  int c, r = 0;
  while (r == 0 && (c = getopt_long (argc, argv, "+fh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      case 'F': r = ui_filter_add (&f, "container prune", optarg, container_prune_filter_keys, err); break;
      case 'h': r = 1; break;
      default: r = mocker_option_error (err, "container prune", "+fh", argv);
      }
  long long until = 0;
  if (r == 0 && optind != argc)
    r = mocker_usage_error (err, "container prune", "no arguments expected");
  if (r == 0)
    r = container_prune_check (&f, "container prune", &until, err);
  if (r == 0 && !force && !ui_confirm ("WARNING! This will remove all stopped containers."))
    r = 2;
  struct store *s = r == 0 ? mocker_store (ctx, err) : NULL;
  if (r == 0 && s == NULL)
    r = -1;
  _cleanup_strv_ char **deleted = NULL;
  long long reclaimed = 0;
  if (r == 0)
    r = container_prune_run (s, &f, until, &deleted, &reclaimed, err);
  ui_filter_clear (&f);
  if (r == 1)
    return mocker_print_usage (usage);
  if (r != 0)
    return r < 0 ? -1 : 0;
  if (deleted)
    {
      printf ("Deleted Containers:\n");
      for (char **p = deleted; *p; p++)
        printf ("%s\n", *p);
      printf ("\n");
    }
  _cleanup_free_ char *size = ui_format_size_prec ((double) reclaimed, 4);
  printf ("Total reclaimed space: %s\n", size);
  return 0;
}
