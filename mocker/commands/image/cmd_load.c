/* mocker load [-i FILE] [-q]: images from a docker-archive or oci-archive
 * (mocker/archive/archive.h), stdin by default. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/archive/archive.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker load [OPTIONS]\n"
  "\n"
  "Load images from a tar archive (docker-archive, as docker/podman save write\n"
  "it, or oci-archive; maybe compressed), read from stdin by default.\n"
  "\n"
  "Options:\n"
  "  -i, --input FILE   read FILE instead of stdin\n"
  "  -q, --quiet        print nothing\n"
  "  -h, --help         print this help\n";

static void
on_loaded (const char *name, const char *id, void *opaque)
{
  (void) opaque;
  if (name)
    printf ("Loaded image: %s\n", name);
  else
    printf ("Loaded image ID: %s\n", id);
}

int
cmd_load (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *input = NULL;
  bool quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "+i:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        input = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "load", "+i:qh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "load", "no arguments expected");
  if (input == NULL && isatty (STDIN_FILENO))
    return mk_error_set (err, 0, "load: stdin is a terminal; give -i FILE or redirect");
  _cleanup_close_ int fd = -1;
  if (input)
    {
      fd = open (input, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return mk_error_set (err, errno, "load: open `%s`", input);
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  if (mk_archive_load (s, fd >= 0 ? fd : STDIN_FILENO, quiet ? NULL : on_loaded, NULL, err) < 0)
    return mk_error_wrap (err, "load %s", input ? input : "(stdin)");
  return 0;
}
