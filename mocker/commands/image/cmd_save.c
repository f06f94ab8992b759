/* mocker save [-o FILE] [--format docker-archive|oci-archive] IMAGE...
 * (mocker/archive/archive.h). The file appears complete or not at all
 * (written beside it, then renamed). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/archive/archive.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker save [OPTIONS] IMAGE...\n"
  "\n"
  "Write images (names or IDs) to a tar archive, on stdout by default.\n"
  "\n"
  "Options:\n"
  "  -o, --output FILE    write to FILE instead of stdout\n"
  "      --format FORMAT  docker-archive (default: manifest.json, layer tars; what\n"
  "                       docker/podman load read) or oci-archive (an OCI image layout)\n"
  "  -h, --help           print this help\n";

struct save_args
{
  struct store *s;
  char *const *images;
  size_t n;
  enum mk_archive_format format;
};

static int
save_to (int fd, void *opaque, mk_error **err)
{
  struct save_args *a = opaque;
  return mk_archive_save (a->s, a->images, a->n, a->format, fd, err);
}

int
cmd_save (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *output = NULL;
  enum mk_archive_format format = MK_ARCHIVE_DOCKER;
  int c;
  while ((c = getopt_long (argc, argv, "+o:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        output = optarg;
        break;
      case 'F':
        if (strcmp (optarg, "docker-archive") == 0)
          format = MK_ARCHIVE_DOCKER;
        else if (strcmp (optarg, "oci-archive") == 0)
          format = MK_ARCHIVE_OCI;
        else
          return mocker_flag_error (err, "save",
                                    "--format: want docker-archive or oci-archive, got `%s`",
                                    optarg);
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "save", "+o:h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "save", "want at least one IMAGE");
  if (output == NULL && isatty (STDOUT_FILENO))
    return mk_error_set (err, 0,
                         "save: refusing to write an archive to a terminal; use -o or redirect");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  struct save_args a = { s, argv + optind, argc - optind, format };
  return mk_archive_output ("save", output, save_to, &a, err);
}
