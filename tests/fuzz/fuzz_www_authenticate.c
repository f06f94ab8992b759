/* WWW-Authenticate header values (mocker/registry/auth.c) and the token
 * server's JSON answer: parsed or refused, never more. */
#include <stdint.h>
#include <stdlib.h>

#include "common/util.h"
#include "mocker/registry/auth.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_free_ char *s = fuzz_cstring (data, size);
  struct mk_auth_challenge *c = NULL;
  size_t n = 0;
  mk_error *err = NULL;
  if (mk_www_authenticate_parse (s, &c, &n, &err) < 0)
    {
      FUZZ_ASSERT (err && err->msg);
      mk_error_free (&err);
    }
  else
    {
      for (size_t i = 0; i < n; i++)
        {
          FUZZ_ASSERT (c[i].scheme != NULL);
          for (size_t j = 0; j < c[i].n_params; j++)
            FUZZ_ASSERT (c[i].params[j].key && c[i].params[j].value);
          (void) mk_auth_challenge_param (&c[i], "realm");
        }
      mk_auth_challenges_free (c, n);
    }
  /* The same bytes as a token response. */
  _cleanup_free_ char *token = NULL;
  long expires = 0;
  if (mk_auth_parse_token_response ((const char *) data, size, &token, &expires, &err) < 0)
    mk_error_free (&err);
  else
    FUZZ_ASSERT (token && expires >= 60);
  return 0;
}
