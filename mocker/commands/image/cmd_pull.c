/* mocker pull [-q] [--platform os/arch[/variant]] [--insecure] IMAGE
 *
 * Progress goes to stderr (as podman: `ID=$(mocker pull x)` gets the ID
 * alone): per-layer bars redrawn in place when stderr is a terminal, one
 * plain line per step otherwise, nothing with -q. stdout carries only the
 * image ID. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/registry/pull.h"
#include "mocker/ui/format.h"
#include "mocker/ui/progress.h"

static const char usage[] =
  "Usage: mocker pull [OPTIONS] IMAGE\n"
  "\n"
  "Download an image from a registry (Docker Hub by default).\n"
  "IMAGE is NAME[:TAG] or NAME@sha256:DIGEST, e.g. busybox, user/app:1.0,\n"
  "registry.example.com:5000/team/app:v2.\n"
  "\n"
  "Options:\n"
  "  -q, --quiet              no progress on stderr (stdout has only the image ID)\n"
  "      --platform OS/ARCH   pick this platform from a multi-arch image\n"
  "                           (default: the host's, e.g. linux/amd64)\n"
  "      --insecure           use plain HTTP for this registry\n"
  "  -h, --help               print this help\n"
  "\n"
  "Environment:\n"
  "  MOCKER_AUTH=user:pass          credentials (else those `mocker login` stored in\n"
  "                                 ~/.docker/config.json, else ~/.mocker/auth.json)\n"
  "  MOCKER_INSECURE_REGISTRIES     comma-separated host[:port] reachable over plain HTTP\n"
  "  MOCKER_REGISTRY_MIRROR         URL or host[:port] used instead of Docker Hub\n";

enum layer_state
{
  L_UNKNOWN,
  L_EXISTS,
  L_WAITING,
  L_DOWNLOADING,
  L_DONE,
};

struct progress
{
  bool tty;
  size_t n;
  struct
  {
    char digest[72];
    enum layer_state state;
    long long done, total;
  } *layers;
  size_t drawn;  /* lines drawn so far (tty) */
  int width;     /* terminal columns */
  struct timespec last;
};

/* One layer's line: "<id>: Downloading [===>   ] 1.2MB/4.3MB" (heap). */
static char *
layer_line (struct progress *pr, size_t i)
{
  const char *id = pr->layers[i].digest;
  switch (pr->layers[i].state)
    {
    case L_EXISTS:
      return ui_progress_line (id, "Already exists", -1, 0);
    case L_WAITING:
      return ui_progress_line (id, "Waiting", -1, 0);
    case L_DOWNLOADING:
      if (pr->width >= 110)
        return ui_progress_line (id, "Downloading", pr->layers[i].done, pr->layers[i].total);
      else
        {
          /* narrow terminals get the sizes without the bar (as Docker) */
          _cleanup_free_ char *sid = ui_short_id (id);
          _cleanup_free_ char *done = ui_format_size (pr->layers[i].done);
          _cleanup_free_ char *total = ui_format_size (pr->layers[i].total);
          return xasprintf ("%s: Downloading  %s/%s", sid, done, total);
        }
    case L_DONE:
      return ui_progress_line (id, "Pull complete", -1, 0);
    default:
      return ui_progress_line (id, "Pulling fs layer", -1, 0);
    }
}

static void
redraw (struct progress *pr, bool force)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  long ms = (now.tv_sec - pr->last.tv_sec) * 1000 + (now.tv_nsec - pr->last.tv_nsec) / 1000000;
  if (!force && ms < 100)
    return;
  pr->last = now;
  if (pr->drawn)
    fprintf (stderr, "\033[%zuA", pr->drawn);
  int width = pr->width = ui_terminal_width (stderr);
  for (size_t i = 0; i < pr->n; i++)
    {
      _cleanup_free_ char *line = layer_line (pr, i);
      /* a wrapped line would break the cursor-up arithmetic */
      if (width > 1 && strlen (line) >= (size_t) width)
        line[width - 1] = '\0';
      fprintf (stderr, "\r\033[2K%s\n", line);
    }
  pr->drawn = pr->n;
  fflush (stderr);
}

static void
on_status (const struct mk_pull_status *st, void *opaque)
{
  struct progress *pr = opaque;
  if (st->event == MK_PULL_RESOLVED)
    {
      free (pr->layers);
      pr->n = st->n_layers;
      pr->layers = xzalloc ((pr->n + 1) * sizeof *pr->layers);
      pr->drawn = 0;
      return;
    }
  if (st->layer >= pr->n)
    return;
  typeof (pr->layers[0]) *l = &pr->layers[st->layer];
  if (l->digest[0] == '\0' && st->digest)
    snprintf (l->digest, sizeof l->digest, "%s", st->digest);
  l->total = st->total;
  l->done = st->done;
  enum layer_state before = l->state;
  switch (st->event)
    {
    case MK_PULL_LAYER_EXISTS: l->state = L_EXISTS; break;
    case MK_PULL_LAYER_WAITING: l->state = L_WAITING; break;
    case MK_PULL_LAYER_PROGRESS: l->state = L_DOWNLOADING; break;
    case MK_PULL_LAYER_DONE: l->state = L_DONE; break;
    default: break;
    }
  if (pr->tty)
    redraw (pr, l->state != before); /* every change of state shows */
  else if (l->state != before)
    {
      /* not a terminal: one plain line per step, no bars */
      _cleanup_free_ char *line = l->state == L_DOWNLOADING
                                      ? ui_progress_line (l->digest, "Downloading", -1, 0)
                                      : layer_line (pr, st->layer);
      fprintf (stderr, "%s\n", line);
      fflush (stderr);
    }
}

int
cmd_pull (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "platform", required_argument, NULL, 'p' },
    { "insecure", no_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false;
  struct mk_pull_options po = { 0 };
  int c;
  while ((c = getopt_long (argc, argv, "+qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'q':
        quiet = true;
        break;
      case 'p':
        po.platform = optarg;
        break;
      case 'k':
        po.insecure = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "pull", "+qh", argv);
      }
  if (optind + 1 != argc)
    return mocker_usage_error (err, "pull", "want exactly one IMAGE");
  ctx->quiet = quiet;

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  struct progress pr = { .tty = ui_is_terminal (stderr) };
  if (!quiet)
    {
      po.report = on_status;
      po.opaque = &pr;
    }
  struct mk_pull_result res;
  int rc = mk_pull (s, argv[optind], &po, &res, err);
  if (pr.tty && pr.drawn)
    redraw (&pr, true);
  free (pr.layers);
  if (rc < 0)
    return -1;
  if (!quiet)
    {
      fprintf (stderr, "Digest: %s\n", res.manifest_digest);
      fprintf (stderr, "Status: %s for %s\n",
              res.n_downloaded ? "Downloaded newer image" : "Image is up to date", res.name);
    }
  printf ("%s\n", res.image_id);
  mk_pull_result_clear (&res);
  return 0;
}
