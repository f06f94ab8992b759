/* mocker/bundle/bundle.c: image config + run options -> config.json model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"

static char rootfs[] = "/tmp/mocker-test-bundle-XXXXXX";

static int
setup_rootfs (void **state)
{
  (void) state;
  if (mkdtemp (rootfs) == NULL)
    return -1;
  _cleanup_free_ char *etc = path_join (rootfs, "etc");
  mkdir (etc, 0755);
  const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
                       "daemon:x:1:1::/:/bin/false\n"
                       "alice:x:1000:1000::/home/alice:/bin/sh\n";
  const char *group = "root:x:0:\nwheel:x:10:alice,bob\nalice:x:1000:\nstaff:x:50:alice\n";
  _cleanup_free_ char *p = path_join (etc, "passwd");
  _cleanup_free_ char *g = path_join (etc, "group");
  if (write_file_atomic (p, passwd, strlen (passwd), 0644, false, NULL) < 0
      || write_file_atomic (g, group, strlen (group), 0644, false, NULL) < 0)
    return -1;
  return 0;
}

static int
teardown_rootfs (void **state)
{
  (void) state;
  return rm_rf_one_fs (rootfs, NULL);
}

static yajl_val
image (const char *json)
{
  yajl_val v = NULL;
  assert_int_equal (json_parse (json, strlen (json), "image", &v, NULL), 0);
  return v;
}

static struct spec *
make (const char *json, const struct run_options *o)
{
  _cleanup_json_ yajl_val img = image (json);
  struct spec *s = NULL;
  mk_error *err = NULL;
  int r = bundle_make_spec (img, rootfs, "0123456789abcdef0123", o, &s, &err);
  if (r < 0)
    fail_msg ("bundle_make_spec: %s", err->msg);
  return s;
}

static const char *
env_get (const struct spec *s, const char *key)
{
  size_t k = strlen (key);
  for (char **e = s->process->env; e && *e; e++)
    if (strncmp (*e, key, k) == 0 && (*e)[k] == '=')
      return *e + k + 1;
  return NULL;
}

static bool
has_cap (char **caps, const char *cap)
{
  for (size_t i = 0; caps && caps[i]; i++)
    if (strcmp (caps[i], cap) == 0)
      return true;
  return false;
}

static void
test_entrypoint_and_cmd (void **state)
{
  (void) state;
  const char *img = "{\"config\":{\"Entrypoint\":[\"/bin/ep\"],\"Cmd\":[\"a\",\"b\"]}}";
  struct run_options o = { 0 };
  _cleanup_spec_ struct spec *s1 = make (img, &o);
  assert_int_equal (strv_len (s1->process->args), 3);
  assert_string_equal (s1->process->args[0], "/bin/ep");
  assert_string_equal (s1->process->args[2], "b");

  char *cmd[] = { "x", NULL };
  o.cmd = cmd;
  _cleanup_spec_ struct spec *s2 = make (img, &o);
  assert_int_equal (strv_len (s2->process->args), 2);
  assert_string_equal (s2->process->args[1], "x");

  /* --entrypoint drops the image's Cmd too. */
  o.cmd = NULL;
  o.has_entrypoint = true;
  o.entrypoint = "/bin/other";
  _cleanup_spec_ struct spec *s3 = make (img, &o);
  assert_int_equal (strv_len (s3->process->args), 1);
  assert_string_equal (s3->process->args[0], "/bin/other");
}

static void
test_no_command_is_an_error (void **state)
{
  (void) state;
  _cleanup_json_ yajl_val img = image ("{\"config\":{}}");
  struct run_options o = { 0 };
  struct spec *s = NULL;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (bundle_make_spec (img, rootfs, "abc", &o, &s, &err), -1);
  assert_non_null (strstr (err->msg, "no command specified"));
  assert_null (s);
}

static void
test_env_and_defaults (void **state)
{
  (void) state;
  const char *img = "{\"config\":{\"Cmd\":[\"sh\"],\"Env\":[\"A=1\",\"B=2\"],"
                    "\"WorkingDir\":\"/srv\"}}";
  char *env[] = { "B=3", "C=4", NULL };
  struct run_options o = { .env = env, .tty = true };
  _cleanup_spec_ struct spec *s = make (img, &o);
  assert_string_equal (env_get (s, "A"), "1");
  assert_string_equal (env_get (s, "B"), "3");
  assert_string_equal (env_get (s, "C"), "4");
  assert_non_null (env_get (s, "PATH"));
  assert_string_equal (env_get (s, "HOSTNAME"), "0123456789ab");
  assert_string_equal (env_get (s, "TERM"), "xterm");
  assert_string_equal (s->hostname, "0123456789ab");
  assert_string_equal (s->process->cwd, "/srv");
  assert_true (s->process->terminal);
  assert_string_equal (s->linux_->cgroups_path, "/mocker-0123456789abcdef0123");
}

static void
test_user_resolution (void **state)
{
  (void) state;
  struct spec_user u;
  mk_error *err = NULL;

  assert_int_equal (bundle_resolve_user (rootfs, "alice", &u, &err), 0);
  assert_int_equal (u.uid, 1000);
  assert_int_equal (u.gid, 1000);
  assert_int_equal (u.n_additional_gids, 2); /* wheel, staff */
  free (u.additional_gids);

  assert_int_equal (bundle_resolve_user (rootfs, "daemon:staff", &u, &err), 0);
  assert_int_equal (u.uid, 1);
  assert_int_equal (u.gid, 50);
  free (u.additional_gids);

  assert_int_equal (bundle_resolve_user (rootfs, "4242:7", &u, &err), 0);
  assert_int_equal (u.uid, 4242);
  assert_int_equal (u.gid, 7);

  assert_int_equal (bundle_resolve_user (rootfs, "nobody-here", &u, &err), -1);
  assert_string_equal (err->msg,
                       "unable to find user nobody-here: no matching entries in passwd file");
  mk_error_free (&err);

  assert_int_equal (bundle_resolve_user (rootfs, "alice:nogroup", &u, &err), -1);
  assert_non_null (strstr (err->msg, "unable to find group nogroup"));
  mk_error_free (&err);

  assert_int_equal (bundle_resolve_user (rootfs, "alice:", &u, &err), -1);
  mk_error_free (&err);
}

static void
test_capabilities (void **state)
{
  (void) state;
  const char *img = "{\"config\":{\"Cmd\":[\"sh\"]}}";
  char *add[] = { "net_admin", NULL };
  char *drop[] = { "CAP_CHOWN", "kill", NULL };
  struct run_options o = { .cap_add = add, .cap_drop = drop };
  _cleanup_spec_ struct spec *s = make (img, &o);
  char **b = s->process->capabilities->bounding;
  assert_true (has_cap (b, "CAP_NET_ADMIN"));
  assert_false (has_cap (b, "CAP_CHOWN"));
  assert_false (has_cap (b, "CAP_KILL"));
  assert_true (has_cap (b, "CAP_SETUID"));
  assert_false (has_cap (b, "CAP_SYS_ADMIN"));

  char *drop_all[] = { "ALL", NULL };
  char *add_one[] = { "CHOWN", NULL };
  struct run_options o2 = { .cap_add = add_one, .cap_drop = drop_all };
  _cleanup_spec_ struct spec *s2 = make (img, &o2);
  assert_int_equal (strv_len (s2->process->capabilities->bounding), 1);
  assert_string_equal (s2->process->capabilities->bounding[0], "CAP_CHOWN");

  char *bad[] = { "CAP_FLY", NULL };
  struct run_options o3 = { .cap_add = bad };
  _cleanup_json_ yajl_val v = image (img);
  struct spec *out = NULL;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (bundle_make_spec (v, rootfs, "abc", &o3, &out, &err), -1);
  assert_non_null (strstr (err->msg, "CAP_FLY"));
}

static void
test_privileged_and_limits (void **state)
{
  (void) state;
  const char *img = "{\"config\":{\"Cmd\":[\"sh\"]}}";
  struct run_options o = { .memory = 32 << 20, .cpus = 0.5, .pids_limit = 10,
                           .network = NET_HOST, .read_only = true };
  _cleanup_spec_ struct spec *s = make (img, &o);
  struct spec_resources *r = s->linux_->resources;
  assert_int_equal (r->memory->limit, 32 << 20);
  assert_int_equal (r->memory->swap, 32 << 20);
  assert_int_equal (r->cpu->quota, 50000);
  assert_int_equal (r->cpu->period, 100000);
  assert_int_equal (r->pids->limit, 10);
  assert_true (s->root_readonly);
  assert_null (spec_find_namespace (s, "network"));
  assert_non_null (spec_find_namespace (s, "pid"));
  assert_non_null (s->linux_->seccomp);
  assert_non_null (s->linux_->masked_paths);
  assert_false (r->devices[0].allow);

  struct run_options p = { .privileged = true };
  _cleanup_spec_ struct spec *sp = make (img, &p);
  assert_true (has_cap (sp->process->capabilities->bounding, "CAP_SYS_ADMIN"));
  assert_null (sp->linux_->seccomp);
  assert_null (sp->linux_->masked_paths);
  /* every device allowed, the host's nodes listed (as Docker) */
  assert_int_equal (sp->linux_->resources->n_devices, 1);
  assert_true (sp->linux_->resources->devices[0].allow);
  assert_null (sp->linux_->resources->devices[0].type);
  assert_string_equal (sp->linux_->resources->devices[0].access, "rwm");
  bool null_dev = false;
  for (size_t i = 0; i < sp->linux_->n_devices; i++)
    null_dev = null_dev || strcmp (sp->linux_->devices[i].path, "/dev/null") == 0;
  assert_true (null_dev);
  assert_non_null (spec_find_namespace (sp, "network"));
  assert_non_null (spec_find_namespace (sp, "uts"));
  /* --network host without -h: the host's UTS namespace, no hostname */
  assert_null (spec_find_namespace (s, "uts"));
  assert_null (s->hostname);
}

static void
test_volumes_and_etc_files (void **state)
{
  (void) state;
  struct volume_opt v[] = { { .host = "/srv/data", .container = "/data", .readonly = true, .kind = MOUNT_BIND } };
  struct run_options o = { .volumes = v, .n_volumes = 1, .etc_dir = "/run/x" };
  _cleanup_spec_ struct spec *s = make ("{\"config\":{\"Cmd\":[\"sh\"]}}", &o);
  const struct spec_mount *last = &s->mounts[s->n_mounts - 1];
  assert_string_equal (last->destination, "/data");
  assert_string_equal (last->source, "/srv/data");
  assert_string_equal (last->options[2], "ro");
  bool hosts = false;
  for (size_t i = 0; i < s->n_mounts; i++)
    if (strcmp (s->mounts[i].destination, "/etc/hosts") == 0)
      hosts = strcmp (s->mounts[i].source, "/run/x/hosts") == 0;
  assert_true (hosts);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_entrypoint_and_cmd),
    cmocka_unit_test (test_no_command_is_an_error),
    cmocka_unit_test (test_env_and_defaults),
    cmocka_unit_test (test_user_resolution),
    cmocka_unit_test (test_capabilities),
    cmocka_unit_test (test_privileged_and_limits),
    cmocka_unit_test (test_volumes_and_etc_files),
  };
  return cmocka_run_group_tests_name ("bundle", tests, setup_rootfs, teardown_rootfs);
}
