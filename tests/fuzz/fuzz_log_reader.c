/* The json-file log reader (`mocker logs`: common/json.c json_objects, fed
 * one line at a time as mocker/commands/container/cmd_logs.c does). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tests/fuzz/fuzz.h"

struct seen
{
  size_t strings, ends, bytes;
};

static void
on_string (const char *key, const char *val, size_t len, void *opaque)
{
  struct seen *s = opaque;
  FUZZ_ASSERT (key != NULL && strlen (key) < 64);
  if (len)
    s->bytes += (unsigned char) val[0] + (unsigned char) val[len - 1];
  s->strings++;
}

static void
on_end (void *opaque)
{
  ((struct seen *) opaque)->ends++;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct seen s = { 0 };
  json_objects *r = json_objects_new (on_string, on_end, &s);
  const char *p = (const char *) data, *end = p + size;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
      size_t ends = s.ends;
      if (json_objects_feed (r, p, len) == 0)
        FUZZ_ASSERT (s.ends > ends); /* "{}{}" is two */
      p += len + 1;
    }
  json_objects_free (r);
  return 0;
}
