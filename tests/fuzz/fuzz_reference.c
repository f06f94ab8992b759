/* Image references (mocker/registry/reference.c): any string parses or is
 * refused; a parsed one prints back to a string that parses to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/registry/reference.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_free_ char *s = fuzz_cstring (data, size);
  _cleanup_reference_ struct mk_reference *r = NULL;
  mk_error *err = NULL;
  if (mk_reference_parse (s, &r, &err) < 0)
    {
      FUZZ_ASSERT (err && err->msg);
      mk_error_free (&err);
      return 0;
    }
  _cleanup_free_ char *full = mk_reference_string (r);
  _cleanup_free_ char *name = mk_reference_name (r);
  _cleanup_free_ char *familiar = mk_reference_familiar (r);
  _cleanup_free_ char *familiar_name = mk_reference_familiar_name (r);
  FUZZ_ASSERT (full && name && familiar && familiar_name && mk_reference_object (r));
  /* normalized forms are stable */
  _cleanup_reference_ struct mk_reference *again = NULL;
  FUZZ_ASSERT (mk_reference_parse (full, &again, &err) == 0);
  _cleanup_free_ char *full2 = mk_reference_string (again);
  FUZZ_ASSERT (strcmp (full, full2) == 0);
  /* The familiar form is for display only: as in Docker's, "docker.io/a_b.c/d"
   * is familiar "a_b.c/d", which reads as (an invalid) domain a_b.c. */
  return 0;
}
