/* mocker push [-q] [--insecure] NAME[:TAG]
 *
 * Progress on stderr, one line per step of each layer (as Docker's
 * non-terminal output); stdout gets the manifest digest alone. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/registry/push.h"
#include "mocker/registry/reference.h"
#include "mocker/ui/format.h"
#include "mocker/ui/progress.h"

static const char usage[] =
  "Usage: mocker push [OPTIONS] NAME[:TAG]\n"
  "\n"
  "Upload an image to a registry. NAME names both the local image and where\n"
  "it goes: 127.0.0.1:5000/team/app:v2, user/app (Docker Hub).\n"
  "\n"
  "Options:\n"
  "  -q, --quiet      no progress on stderr (stdout has only the manifest digest)\n"
  "      --insecure   use plain HTTP for this registry\n"
  "  -h, --help       print this help\n"
  "\n"
  "Environment:\n"
  "  MOCKER_PUSH_CHUNK_SIZE=BYTES   upload blobs bigger than this in chunks (PATCH),\n"
  "                                 default 33554432; 0 = always one PUT\n"
  "  MOCKER_INSECURE_REGISTRIES     comma-separated host[:port] reachable over plain HTTP\n"
  "Credentials: `mocker login` (~/.docker/config.json) or MOCKER_AUTH=user:pass.\n";

#define DEFAULT_CHUNK (32LL << 20)

struct progress
{
  bool tty;
  enum mk_push_event last;
  size_t last_layer;
  long long last_shown;
};

static void
on_status (const struct mk_push_status *st, void *opaque)
{
  struct progress *pr = opaque;
  _cleanup_free_ char *line = NULL;
  switch (st->event)
    {
    case MK_PUSH_PREPARING:
      line = ui_progress_line (st->id, "Preparing", -1, 0);
      break;
    case MK_PUSH_EXISTS:
      line = ui_progress_line (st->id, "Layer already exists", -1, 0);
      break;
    case MK_PUSH_MOUNTED:
      {
        _cleanup_free_ char *what = xasprintf ("Mounted from %s", st->from);
        line = ui_progress_line (st->id, what, -1, 0);
      }
      break;
    case MK_PUSH_PROGRESS:
      /* one "Pushing" line per layer, plus the bar on a terminal */
      if (pr->tty)
        {
          if (st->done - pr->last_shown < (256 << 10) && st->done != st->total)
            return;
          pr->last_shown = st->done;
          _cleanup_free_ char *l = ui_progress_line (st->id, "Pushing", st->done, st->total);
          fprintf (stderr, "\r\033[2K%s", l);
          fflush (stderr);
          pr->last = st->event;
          return;
        }
      if (pr->last == MK_PUSH_PROGRESS && pr->last_layer == st->layer)
        return;
      line = ui_progress_line (st->id, "Pushing", -1, 0);
      break;
    case MK_PUSH_PUSHED:
      line = ui_progress_line (st->id, "Pushed", -1, 0);
      break;
    }
  if (pr->tty && pr->last == MK_PUSH_PROGRESS)
    fputs ("\r\033[2K", stderr);
  pr->last = st->event;
  pr->last_layer = st->layer;
  pr->last_shown = 0;
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

int
cmd_push (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "insecure", no_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false;
  struct mk_push_options po = { .chunk_size = DEFAULT_CHUNK };
  int c;
  while ((c = getopt_long (argc, argv, "+qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'q':
        quiet = true;
        break;
      case 'k':
        po.insecure = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "push", "+qh", argv);
      }
  if (optind + 1 != argc)
    return mocker_usage_error (err, "push", "want exactly one NAME[:TAG]");
  const char *chunk = getenv ("MOCKER_PUSH_CHUNK_SIZE");
  if (chunk && *chunk)
    {
      long long v;
      if (!parse_int64 (chunk, &v) || v < 0)
        return mk_error_set (err, 0, "MOCKER_PUSH_CHUNK_SIZE: want a number of bytes, got `%s`",
                             chunk);
      po.chunk_size = v;
    }
  ctx->quiet = quiet;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  struct progress pr = { .tty = ui_is_terminal (stderr), .last = MK_PUSH_PREPARING };
  if (!quiet)
    {
      po.report = on_status;
      po.opaque = &pr;
      _cleanup_reference_ struct mk_reference *ref = NULL;
      _cleanup_error_ mk_error *ignored = NULL;
      if (mk_reference_parse (argv[optind], &ref, &ignored) == 0)
        {
          _cleanup_free_ char *repo = mk_reference_name (ref);
          fprintf (stderr, "The push refers to repository [%s]\n", repo);
        }
    }
  struct mk_push_result res;
  if (mk_push (s, argv[optind], &po, &res, err) < 0)
    return -1;
  if (!quiet)
    fprintf (stderr, "%s: digest: %s size: %zu\n", res.tag, res.digest, res.size);
  printf ("%s\n", res.digest);
  mk_push_result_clear (&res);
  return 0;
}
