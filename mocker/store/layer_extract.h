/* The extraction proper, run inside the confined unpack child (see
 * layer_unpack.c): reads a (compressed) tar from fd and writes its entries
 * relative to the current directory, converting whiteouts to overlay form. */
#ifndef MOCKER_STORE_LAYER_EXTRACT_H
#define MOCKER_STORE_LAYER_EXTRACT_H

#include <stdbool.h>

#include "common/error.h"

struct layer_extract_result
{
  char diff_id[80];  /* sha256 of the uncompressed tar */
  long long size;    /* bytes of regular file content */
  long long tar_size; /* bytes of the uncompressed tar (all the diff_id hashed) */
};

int layer_extract_stream (int fd, struct layer_extract_result *res, mk_error **err);

/* Checks a tar entry name: not empty, not absolute, no ".." component.
 * Returns the name without leading "./" (a pointer into name), or NULL with
 * *why set to a static reason. */
const char *layer_entry_name_check (const char *name, const char **why);

#endif
