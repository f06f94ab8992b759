/* Shared bits of the libFuzzer harnesses (tests/fuzz/run.sh runs them). */
#ifndef MOCKER_TESTS_FUZZ_H
#define MOCKER_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* A property the code must keep: a finding (libFuzzer saves the input). */
#define FUZZ_ASSERT(cond)                                                          \
  do                                                                               \
    {                                                                              \
      if (!(cond))                                                                 \
        {                                                                          \
          fprintf (stderr, "%s:%d: FUZZ_ASSERT failed: %s\n", __FILE__, __LINE__, #cond); \
          abort ();                                                                \
        }                                                                          \
    }                                                                              \
  while (0)

/* The input as a C string (cut at its first NUL). */
static inline char *
fuzz_cstring (const uint8_t *data, size_t size)
{
  char *s = xmalloc (size + 1);
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

#endif
