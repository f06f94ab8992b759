/* An image config from a registry, through what `run` and `commit` make of
 * it: the container's config.json (mocker/bundle/bundle.c) and the committed
 * image's config (mocker/image/commit_config.c). Either is refused with an error
 * or comes out as valid JSON (issue 15: deep nesting, invalid UTF-8). */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"
#include "mocker/image/commit.h"
#include "spec/spec.h"
#include "tests/fuzz/fuzz.h"

static char rootfs[] = "/tmp/mocker-fuzz-rootfs.XXXXXX";
static yajl_val ctr_config;

static void
remove_rootfs (void)
{
  mk_error *err = NULL;
  rm_rf_one_fs (rootfs, &err);
  mk_error_free (&err);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  mk_error *err = NULL;
  if (mkdtemp (rootfs) == NULL)
    abort ();
  atexit (remove_rootfs);
  _cleanup_free_ char *etc = path_join (rootfs, "etc");
  _cleanup_free_ char *passwd = path_join (etc, "passwd");
  _cleanup_free_ char *group = path_join (etc, "group");
  static const char pw[] = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n";
  static const char gr[] = "root:x:0:\nnogroup:x:65534:\n";
  if (mkdir (etc, 0755) < 0 || write_file_atomic (passwd, pw, strlen (pw), 0644, false, &err) < 0
      || write_file_atomic (group, gr, strlen (gr), 0644, false, &err) < 0)
    abort ();
  static const char ctr[]
    = "{\"Hostname\":\"abc\",\"User\":\"\",\"Tty\":false,\"Env\":[\"PATH=/bin\",\"HOSTNAME=abc\"],"
      "\"Cmd\":[\"sh\"],\"Entrypoint\":null,\"WorkingDir\":\"/\"}";
  if (json_parse (ctr, strlen (ctr), "ctr", &ctr_config, &err) < 0)
    abort ();
  return 0;
}

static void
assert_valid_json (const char *text, const char *what)
{
  _cleanup_json_ yajl_val v = NULL;
  mk_error *err = NULL;
  if (json_parse (text, strlen (text), what, &v, &err) < 0)
    {
      fprintf (stderr, "%s\n", err->msg);
      FUZZ_ASSERT (!"invalid JSON written");
    }
  FUZZ_ASSERT (YAJL_IS_OBJECT (v));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_json_ yajl_val cfg = NULL;
  mk_error *err = NULL;
  if (json_parse ((const char *) data, size, "image config", &cfg, &err) < 0)
    {
      mk_error_free (&err);
      return 0;
    }

  struct run_options o = { .network = NET_NONE };
  _cleanup_spec_ struct spec *spec = NULL;
  if (bundle_make_spec (cfg, rootfs, "0123456789ab", &o, &spec, &err) < 0)
    mk_error_free (&err);
  else
    {
      _cleanup_free_ char *text = spec_write (spec, false);
      assert_valid_json (text, "config.json");
    }

  char *changes[] = { (char *) "ENV FUZZ=1", (char *) "WORKDIR sub", NULL };
  struct commit_meta meta = {
    .diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000000",
    .created = "2026-01-01T00:00:00Z", .created_by = "sh", .author = "fuzz",
    .comment = "fuzz", .changes = changes,
  };
  _cleanup_free_ char *out = NULL;
  if (commit_config_build ((const char *) data, size, ctr_config, &meta, &out, &err) < 0)
    mk_error_free (&err);
  else
    assert_valid_json (out, "committed image config");
  return 0;
}
