/* mocker _pull [--platform P] [--insecure] IMAGE (hidden, mocker-heavy): what
 * the light binary's mk_pull() proxy runs (mocker/light/pull_proxy.c).
 * One line per progress status, then the result, on stdout:
 *   status EVENT LAYER N_LAYERS DONE TOTAL DIGEST|-
 *   result IMAGE_ID NAME MANIFEST_DIGEST N_LAYERS N_DOWNLOADED
 * A failure is main()'s usual "mocker: <msg>" on stderr and exit status 1. */
#include <getopt.h>
#include <stdio.h>

#include "mocker/mocker.h"
#include "mocker/registry/pull.h"

static void
print_status (const struct mk_pull_status *st, void *opaque)
{
  (void) opaque;
  printf ("status %d %zu %zu %lld %lld %s\n", (int) st->event, st->layer, st->n_layers,
          (long long) st->done, (long long) st->total, st->digest ? st->digest : "-");
  fflush (stdout);
}

int
cmd__pull (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "platform", required_argument, NULL, 'p' },
    { "insecure", no_argument, NULL, 'k' },
    { NULL, 0, NULL, 0 },
  };
  struct mk_pull_options po = { .report = print_status };
  int c;
  while ((c = getopt_long (argc, argv, "+", opts, NULL)) != -1)
    switch (c)
      {
      case 'p': po.platform = optarg; break;
      case 'k': po.insecure = true; break;
      default: return mocker_option_error (err, "_pull", "+", argv);
      }
  if (optind + 1 != argc)
    return mocker_usage_error (err, "_pull", "want exactly one IMAGE");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct mk_pull_result res;
  if (mk_pull (s, argv[optind], &po, &res, err) < 0)
    return -1;
  printf ("result %s %s %s %zu %zu\n", res.image_id, res.name, res.manifest_digest, res.n_layers,
          res.n_downloaded);
  mk_pull_result_clear (&res);
  return 0;
}
