/* mk_pull() in the light mocker binary (`run` of a missing image): the same
 * name and header as mocker/registry/pull.c, done by `mocker-heavy _pull`
 * (mocker/commands/image/cmd__pull.c), whose lines are parsed back here: only marshalling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/light/heavy.h"
#include "mocker/mocker.h"
#include "mocker/registry/pull.h"
#include "mocker/store/store.h"

struct pull_job
{
  const struct mk_pull_options *opts;
  struct mk_pull_result *out;
  bool done;
};

static void
pull_line (char *line, void *opaque)
{
  struct pull_job *j = opaque;
  int event;
  size_t layer, n_layers;
  long long done, total;
  char digest[128];
  if (str_has_prefix (line, "status ")
      && sscanf (line, "status %d %zu %zu %lld %lld %127s", &event, &layer, &n_layers, &done,
                 &total, digest) == 6)
    {
      if (j->opts && j->opts->report)
        {
          struct mk_pull_status st = { .event = (enum mk_pull_event) event, .layer = layer,
                                       .n_layers = n_layers, .done = done, .total = total,
                                       .digest = strcmp (digest, "-") == 0 ? NULL : digest };
          j->opts->report (&st, j->opts->opaque);
        }
      return;
    }
  char id[128], name[1024], manifest[128];
  if (str_has_prefix (line, "result ")
      && sscanf (line, "result %127s %1023s %127s %zu %zu", id, name, manifest,
                 &j->out->n_layers, &j->out->n_downloaded) == 5)
    {
      j->out->image_id = xstrdup (id);
      j->out->name = xstrdup (name);
      j->out->manifest_digest = xstrdup (manifest);
      j->done = true;
    }
}

void
mk_pull_result_clear (struct mk_pull_result *r)
{
  free (r->image_id);
  free (r->name);
  free (r->manifest_digest);
  memset (r, 0, sizeof *r);
}

int
mk_pull (struct store *s, const char *image, const struct mk_pull_options *opts,
         struct mk_pull_result *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  const char *args[8];
  size_t n = 0;
  args[n++] = "_pull";
  if (opts && opts->platform)
    {
      args[n++] = "--platform";
      args[n++] = opts->platform;
    }
  if (opts && opts->insecure)
    args[n++] = "--insecure";
  args[n++] = "--";
  args[n++] = image;
  args[n] = NULL;
  struct pull_job j = { .opts = opts, .out = out };
  if (heavy_run (mocker_heavy_path (), store_root (s), args, pull_line, &j, err) < 0)
    {
      mk_pull_result_clear (out);
      return -1;
    }
  if (!j.done)
    {
      mk_pull_result_clear (out);
      return mk_error_set (err, 0, "pull `%s`: no result from mocker-heavy", image);
    }
  return 0;
}
