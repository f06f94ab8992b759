/* mocker build: an image from a Dockerfile and a context directory, the way
 * Docker's classic builder makes it (docs/build.md): every step commits an
 * untagged image, RUN runs a container through the usual monitor and
 * runtime, RUN, COPY and ADD add one layer each (taken from the step
 * container's overlay upper directory, as commit does), the other
 * instructions change the config only, and a step whose key (parent image,
 * instruction, build args, the checksum of COPY/ADD sources) was built
 * before is taken from the cache. */
#ifndef MOCKER_BUILD_H
#define MOCKER_BUILD_H

#include <stdbool.h>

#include "common/error.h"
#include "mocker/bundle/bundle.h"

struct store;

struct build_options
{
  const char *context;         /* the context directory, NULL: none (`-`) */
  const char *dockerfile_name; /* how messages name the Dockerfile */
  const char *dockerfile_text; /* its text */
  char **tags;                 /* -t values as typed, or NULL */
  char **build_args;           /* --build-arg K=V or K (from the environment) */
  const char *target;          /* --target stage, or NULL: the last stage */
  bool no_cache, pull, quiet;
  enum net_mode network;       /* RUN containers (default: the bridge) */
};

/* Builds; *id_out gets "sha256:<hex>" of the final image, which is tagged
 * with every -t name.  Progress goes to stdout (nothing with quiet). */
int build_image (struct store *s, const struct build_options *o, char **id_out, mk_error **err);

#endif
