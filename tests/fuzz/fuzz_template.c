/* The Go-template engine (mocker/template/): any text parses or is refused
 * with a message; a parsed one runs on a fixed row (a ps row, an inspect
 * object) to text or an error, in both modes, twice with the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/template/template.h"
#include "tests/fuzz/fuzz.h"

static yajl_val data;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  static const char text[] =
    "{\"ID\":\"abc\",\"Names\":\"web\",\"N\":3,\"F\":1.5,\"T\":true,\"Null\":null,"
    "\"State\":{\"Status\":\"running\",\"Pid\":42},\"Env\":[\"A=1\",\"B=2\"],"
    "\"Labels\":{\"a\":\"1\"},\"Ports\":[{\"HostPort\":\"80\"}],\"Empty\":[]}";
  mk_error *err = NULL;
  if (json_parse (text, strlen (text), "fuzz", &data, &err) < 0)
    abort ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  _cleanup_free_ char *s = fuzz_cstring (bytes, size);
  mk_error *err = NULL;
  _cleanup_tmpl_ struct tmpl *t = tmpl_parse (s, &err);
  if (t == NULL)
    {
      FUZZ_ASSERT (err && err->msg && strchr (err->msg, '\n') == NULL);
      mk_error_free (&err);
      return 0;
    }
  for (int header = 0; header < 2; header++)
    {
      tmpl_set_header_mode (t, header);
      size_t len;
      const char *out = tmpl_exec (t, data, &len, &err);
      if (out == NULL)
        {
          FUZZ_ASSERT (err && err->msg);
          mk_error_free (&err);
          continue;
        }
      FUZZ_ASSERT (strlen (out) <= len);
      _cleanup_free_ char *first = xstrndup (out, len);
      size_t len2;
      const char *again = tmpl_exec (t, data, &len2, &err);
      FUZZ_ASSERT (again && len2 == len && memcmp (again, first, len) == 0);
    }
  return 0;
}
