/* mocker build [OPTIONS] CONTEXT|- (mocker/build/build.h, docs/build.md) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/build/build.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker build [OPTIONS] CONTEXT|-\n"
  "\n"
  "Build an image from a Dockerfile and a context directory (`-`: the\n"
  "Dockerfile on stdin, no context), the way Docker's classic builder does.\n"
  "\n"
  "Options:\n"
  "  -t, --tag NAME[:TAG]      name the image (repeatable)\n"
  "  -f, --file FILE           the Dockerfile (default CONTEXT/Dockerfile; `-`: stdin)\n"
  "      --build-arg K[=V]     set a build argument (K alone: from the environment)\n"
  "      --target STAGE        build up to this stage\n"
  "      --no-cache            build every step again\n"
  "      --pull                pull the base images even when they are present\n"
  "  -q, --quiet               print only the image ID\n"
  "      --network MODE        network of RUN steps: bridge (default), none or host\n"
  "      --platform PLATFORM   only the host's (linux/amd64 on this machine)\n"
  "  -h, --help                print this help\n";

enum { OPT_BUILD_ARG = 256, OPT_TARGET, OPT_NO_CACHE, OPT_PULL, OPT_NETWORK, OPT_PLATFORM };

static const char *
host_platform (void)
{
#if defined __aarch64__
  return "linux/arm64";
#else
  return "linux/amd64";
#endif
}

static int
read_stdin (char **out, mk_error **err)
{
  size_t cap = 4096, n = 0;
  char *buf = xmalloc (cap);
  for (;;)
    {
      if (n + 1 >= cap)
        buf = xrealloc (buf, cap *= 2);
      ssize_t r = read (STDIN_FILENO, buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          free (buf);
          return mk_error_set (err, errno, "read the Dockerfile from stdin");
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  buf[n] = '\0';
  *out = buf;
  return 0;
}

int
cmd_build (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "tag", required_argument, NULL, 't' },
    { "file", required_argument, NULL, 'f' },
    { "build-arg", required_argument, NULL, OPT_BUILD_ARG },
    { "target", required_argument, NULL, OPT_TARGET },
    { "no-cache", no_argument, NULL, OPT_NO_CACHE },
    { "pull", no_argument, NULL, OPT_PULL },
    { "quiet", no_argument, NULL, 'q' },
    { "network", required_argument, NULL, OPT_NETWORK },
    { "platform", required_argument, NULL, OPT_PLATFORM },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  static const char optstring[] = "t:f:qh";
  struct build_options o = { .network = NET_BRIDGE };
  _cleanup_strv_ char **tags = NULL, **args = NULL;
  const char *file = NULL;
  int c;
  while ((c = getopt_long (argc, argv, optstring, opts, NULL)) != -1)
    switch (c)
      {
      case 't': strv_push (&tags, optarg); break;
      case 'f': file = optarg; break;
      case OPT_BUILD_ARG:
        if (optarg[0] == '=' || optarg[0] == '\0')
          return mocker_flag_error (err, "build", "--build-arg `%s`: want KEY[=VALUE]", optarg);
        strv_push (&args, optarg);
        break;
      case OPT_TARGET: o.target = optarg; break;
      case OPT_NO_CACHE: o.no_cache = true; break;
      case OPT_PULL: o.pull = true; break;
      case 'q': o.quiet = true; break;
      case OPT_NETWORK:
        if (strcmp (optarg, "bridge") == 0 || strcmp (optarg, "default") == 0)
          o.network = NET_BRIDGE;
        else if (strcmp (optarg, "none") == 0)
          o.network = NET_NONE;
        else if (strcmp (optarg, "host") == 0)
          o.network = NET_HOST;
        else
          return mocker_flag_error (err, "build", "--network `%s`: want bridge, none or host",
                                     optarg);
        break;
      case OPT_PLATFORM:
        if (strcmp (optarg, host_platform ()) != 0)
          return mocker_flag_error (err, "build", "--platform `%s`: only the host's (%s) is supported",
                                     optarg, host_platform ());
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "build", optstring, argv);
      }
  if (argc - optind != 1)
    return mocker_usage_error (err, "build", "want exactly one CONTEXT (a directory, or -)");
  const char *context = argv[optind];
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *name = NULL;
  if (strcmp (context, "-") == 0)
    {
      if (file && strcmp (file, "-") != 0)
        return mocker_usage_error (err, "build", "-f with a `-` context: the Dockerfile comes from stdin");
      if (read_stdin (&text, err) < 0)
        return -1;
      o.context = NULL;
      name = xstrdup ("Dockerfile");
    }
  else
    {
      if (!dir_exists (context))
        return mk_error_set (err, 0, "build: the context `%s` is not a directory", context);
      o.context = context;
      if (file && strcmp (file, "-") == 0)
        {
          if (read_stdin (&text, err) < 0)
            return -1;
          name = xstrdup ("Dockerfile");
        }
      else
        {
          _cleanup_free_ char *path = file ? xstrdup (file) : path_join (context, "Dockerfile");
          if (read_file (path, &text, NULL, err) < 0)
            return mk_error_wrap (err, "build: the Dockerfile");
          name = file ? xstrdup (file) : xstrdup ("Dockerfile");
        }
    }
  o.dockerfile_name = name;
  o.dockerfile_text = text;
  o.tags = tags;
  o.build_args = args;

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_free_ char *id = NULL;
  if (build_image (s, &o, &id, err) < 0)
    return -1;
  if (o.quiet)
    printf ("%s\n", id);
  return 0;
}
