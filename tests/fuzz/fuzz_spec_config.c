/* The OCI config.json reader (spec/): any bytes are read or refused with an
 * error; a config read is written back as valid JSON that reads again. */
#include <stdint.h>
#include <stdlib.h>

#include "common/json.h"
#include "common/util.h"
#include "spec/spec.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_spec_ struct spec *s = NULL;
  mk_error *err = NULL;
  if (spec_read_text ((const char *) data, size, "config.json", &s, &err) < 0)
    {
      FUZZ_ASSERT (err && err->msg);
      mk_error_free (&err);
      return 0;
    }
  _cleanup_free_ char *text = spec_write (s, false);
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse (text, strlen (text), "written config.json", &v, &err) < 0)
    {
      fprintf (stderr, "%s\n", err->msg);
      FUZZ_ASSERT (!"spec_write wrote invalid JSON");
    }
  _cleanup_spec_ struct spec *again = NULL;
  if (spec_read_text (text, strlen (text), "written config.json", &again, &err) < 0)
    {
      fprintf (stderr, "%s\n", err->msg);
      FUZZ_ASSERT (!"what spec_write wrote does not read back");
    }
  return 0;
}
