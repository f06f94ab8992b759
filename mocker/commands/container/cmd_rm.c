/* mocker rm [-f] CONTAINER... */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/volume/attach.h"

static const char usage[] =
  "Usage: mocker rm [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Remove containers (by name, ID or ID prefix).\n"
  "\n"
  "Options:\n"
  "  -f, --force     kill a running container first\n"
  "  -v, --volumes   remove the container's anonymous volumes too\n"
  "  -h, --help      print this help\n";

struct rm_opts
{
  bool force, volumes;
};

static int
remove_one (struct store *s, const char *ref, const void *arg, mk_error **err)
{
  const struct rm_opts *ro = arg;
  bool force = ro->force;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    {
      /* Found, then gone before it could be read: a concurrent rm. */
      if (mk_error_errno (*err) == ENOENT)
        {
          mk_error_free (err);
          return mk_error_set (err, 0, "no such container: `%s`", ref);
        }
      return -1;
    }
  _cleanup_close_ int lock = ctr_lock (c, err);
  /* A concurrent rm removed it before we could lock it, or while we waited. */
  if (access (c->dir, F_OK) < 0)
    {
      mk_error_free (err);
      return mk_error_set (err, 0, "no such container: `%s`", ref);
    }
  if (lock < 0)
    return -1;
  ctr_reload_state (c);
  enum ctr_live live = ctr_live_status (c);
  /* A monitor with a container not yet running: a `run` or `start` is
   * between create and start. */
  bool starting = live != LIVE_RUNNING && c->state.status != CTR_EXITED && ctr_monitor_active (c);
  if (live == LIVE_RUNNING || starting)
    {
      if (!force)
        return mk_error_set (err, 0,
                             "cannot remove container \"%s\": container is %s: stop the "
                             "container before removing or force remove",
                             c->name, starting ? "starting" : "running");
      _cleanup_error_ mk_error *e = NULL;
      ctr_signal (s, c, SIGKILL, &e); /* it may have exited meanwhile */
      if (live == LIVE_RUNNING)
        ctr_wait_gone (c, 10000);
    }
  if (!force && c->state.restarting && ctr_monitor_active (c))
    return mk_error_set (err, 0,
                         "cannot remove container \"%s\": container is restarting: stop the "
                         "container before removing or force remove", c->name);
  /* A monitor waiting to restart it (--restart) gives up: we hold the lock
   * it would need. */
  ctr_set_manual_stop (c, true);
  /* The monitor records the exit and tears down; wait for it. */
  ctr_monitor_wait (c);
  ctr_teardown (s, c, err);
  if (ctr_remove_files (s, c, err) < 0)
    return -1;
  /* Its volumes are let go once the container is gone (-v: the anonymous
   * ones are removed, unless another container uses them). */
  return ctr_volumes_detach (s, c, ro->volumes, err);
}

int
cmd_rm (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct rm_opts ro = { 0 };
  int c;
  while ((c = getopt_long (argc, argv, "fvh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': ro.force = true; break;
      case 'v': ro.volumes = true; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "rm", "fvh", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "rm", "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  return ctr_each (s, argv + optind, argc - optind, remove_one, &ro);
}
