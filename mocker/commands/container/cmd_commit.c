/* mocker commit [OPTIONS] CONTAINER [IMAGE_ID | REPOSITORY[:TAG]] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/image/commit.h"
#include "mocker/container/container.h"
#include "mocker/container/events.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char usage[] =
  "Usage: mocker commit [OPTIONS] CONTAINER [IMAGE_ID | REPOSITORY[:TAG]]\n"
  "\n"
  "Create a new image from a container's changes and print its ID.\n"
  "\n"
  "The changes (files added, changed or deleted in the container) become one\n"
  "new layer.  With an IMAGE_ID (sha256:... or an id prefix of a stored\n"
  "image) the layer goes onto that image and the new image keeps that image's\n"
  "config (an id-like argument, 6 to 64 hex digits, that names no image is an\n"
  "error).  Otherwise the layer goes onto the container's own image,\n"
  "REPOSITORY[:TAG] names the new image, and it keeps the container's command,\n"
  "entrypoint, environment, working directory and user.\n"
  "\n"
  "Options:\n"
  "  -a, --author STRING    author (\"Name <email>\")\n"
  "  -c, --change LIST      apply a Dockerfile instruction to the config: CMD,\n"
  "                         ENTRYPOINT, ENV, WORKDIR or USER (repeatable)\n"
  "  -m, --message STRING   commit message (the history entry's comment)\n"
  "  -p, --pause[=BOOL]     pause a running container while committing\n"
  "                         (default true)\n"
  "  -h, --help             print this help\n";

static int
parse_bool (const char *s, bool *out)
{
  if (*s == '=')
    s++;
  if (strcasecmp (s, "true") == 0 || strcmp (s, "1") == 0)
    *out = true;
  else if (strcasecmp (s, "false") == 0 || strcmp (s, "0") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

static int
utf8_option (mk_error **err, const char *option, const char *value)
{
  if (value == NULL || json_utf8_valid (value))
    return 0;
  _cleanup_free_ char *shown = json_utf8_show (value);
  return mocker_usage_error (err, "commit", "%s `%s`: not valid UTF-8", option, shown);
}

int
cmd_commit (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "author", required_argument, NULL, 'a' },
    { "change", required_argument, NULL, 'c' },
    { "message", required_argument, NULL, 'm' },
    { "pause", optional_argument, NULL, 'p' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct commit_request req = { .pause = true };
  _cleanup_strv_ char **changes = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "a:c:m:p::h", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        req.author = optarg;
        break;
      case 'c':
        strv_push (&changes, optarg);
        break;
      case 'm':
        req.message = optarg;
        break;
      case 'p':
        req.pause = true;
        if (optarg && parse_bool (optarg, &req.pause) < 0)
          return mocker_flag_error (err, "commit", "--pause: `%s` is not true or false",
                                     optarg);
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "commit", "a:c:m:p::h", argv);
      }
  /* They go into the image config (JSON): UTF-8 only. */
  if (utf8_option (err, "--author", req.author) < 0 || utf8_option (err, "--message", req.message) < 0)
    return -1;
  for (size_t i = 0; changes && changes[i]; i++)
    if (utf8_option (err, "--change", changes[i]) < 0)
      return -1;
  int n = argc - optind;
  if (n < 1 || n > 2)
    return mocker_usage_error (err, "commit", "want CONTAINER [IMAGE_ID | REPOSITORY[:TAG]]");
  req.container = argv[optind];
  req.target = n == 2 ? argv[optind + 1] : NULL;
  req.changes = changes;

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_free_ char *id = NULL;
  if (commit_container (s, &req, &id, err) < 0)
    return mk_error_wrap (err, "commit");
  /* Docker's commit event: comment, imageID, imageRef */
  _cleanup_container_ struct container *ct = NULL;
  _cleanup_error_ mk_error *gone = NULL;
  if (ctr_find (s, req.container, &ct, &gone) == 0)
    {
      const char *const attrs[] = { "comment", req.message ? req.message : "", "imageID", id,
                                    "imageRef", req.target ? req.target : "", NULL };
      ctr_event (store_root (s), ct->id, ct->dir, "commit", attrs);
    }
  printf ("%s\n", id);
  return 0;
}
