/* mocker pull [-q] [--platform os/arch[/variant]] [--insecure] IMAGE
 *
 * Progress goes to stdout: per-layer bars redrawn in place on a terminal,
 * one plain line per step otherwise, nothing with -q. The image ID is the
 * last line of stdout in every case. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/registry/pull.h"

static const char usage[] =
  "Usage: mocker pull [OPTIONS] IMAGE\n"
  "\n"
  "Download an image from a registry (Docker Hub by default).\n"
  "IMAGE is NAME[:TAG] or NAME@sha256:DIGEST, e.g. busybox, user/app:1.0,\n"
  "registry.example.com:5000/team/app:v2.\n"
  "\n"
  "Options:\n"
  "  -q, --quiet              print only the image ID\n"
  "      --platform OS/ARCH   pick this platform from a multi-arch image\n"
  "                           (default: the host's, e.g. linux/amd64)\n"
  "      --insecure           use plain HTTP for this registry\n"
  "  -h, --help               print this help\n"
  "\n"
  "Environment:\n"
  "  MOCKER_AUTH=user:pass          credentials (else ~/.mocker/auth.json, Docker's\n"
  "                                 config.json \"auths\" format)\n"
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
    char id[13];
    enum layer_state state;
    long long done, total;
  } *layers;
  size_t drawn;  /* lines drawn so far (tty) */
  struct timespec last;
};

static void
format_size (long long b, char *buf, size_t size)
{
  /* Docker's units: powers of 1000 */
  static const char *units[] = { "B", "kB", "MB", "GB", "TB" };
  double v = (double) b;
  size_t u = 0;
  while (v >= 1000 && u + 1 < ARRAY_SIZE (units))
    {
      v /= 1000;
      u++;
    }
  if (u == 0)
    snprintf (buf, size, "%lldB", b);
  else
    snprintf (buf, size, "%.3g%s", v, units[u]);
}

static void
layer_line (struct progress *pr, size_t i, char *buf, size_t size)
{
  char d[16], t[16];
  switch (pr->layers[i].state)
    {
    case L_EXISTS:
      snprintf (buf, size, "%s: Already exists", pr->layers[i].id);
      break;
    case L_WAITING:
      snprintf (buf, size, "%s: Waiting", pr->layers[i].id);
      break;
    case L_DOWNLOADING:
      {
        char bar[51];
        long long total = pr->layers[i].total > 0 ? pr->layers[i].total : 1;
        int fill = (int) (50 * pr->layers[i].done / total);
        for (int k = 0; k < 50; k++)
          bar[k] = k < fill ? '=' : (k == fill ? '>' : ' ');
        bar[50] = '\0';
        format_size (pr->layers[i].done, d, sizeof d);
        format_size (pr->layers[i].total, t, sizeof t);
        snprintf (buf, size, "%s: Downloading [%s] %s/%s", pr->layers[i].id, bar, d, t);
        break;
      }
    case L_DONE:
      snprintf (buf, size, "%s: Pull complete", pr->layers[i].id);
      break;
    default:
      snprintf (buf, size, "%s: Pulling fs layer", pr->layers[i].id);
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
    printf ("\033[%zuA", pr->drawn);
  for (size_t i = 0; i < pr->n; i++)
    {
      char line[256];
      layer_line (pr, i, line, sizeof line);
      printf ("\r\033[2K%s\n", line);
    }
  pr->drawn = pr->n;
  fflush (stdout);
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
  if (l->id[0] == '\0' && st->digest)
    snprintf (l->id, sizeof l->id, "%.12s", st->digest + strlen ("sha256:"));
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
    redraw (pr, l->state != before && l->state != L_DOWNLOADING);
  else if (l->state != before)
    {
      char line[256];
      layer_line (pr, st->layer, line, sizeof line);
      if (l->state == L_DOWNLOADING)
        printf ("%s: Downloading\n", l->id);
      else
        printf ("%s\n", line);
      fflush (stdout);
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
        return mocker_usage_error (err, "pull", "unknown option");
      }
  if (optind + 1 != argc)
    return mocker_usage_error (err, "pull", "want exactly one IMAGE");
  ctx->quiet = quiet;

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  struct progress pr = { .tty = isatty (STDOUT_FILENO) };
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
      printf ("Digest: %s\n", res.manifest_digest);
      printf ("Status: %s for %s\n",
              res.n_downloaded ? "Downloaded newer image" : "Image is up to date", res.name);
    }
  printf ("%s\n", res.image_id);
  mk_pull_result_clear (&res);
  return 0;
}
