/* cgroup: pure conversions, layout detection and operations on fake trees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

static char tmp_root[] = "/tmp/mk-test-cgroup.XXXXXX";

/* ---- helpers building fake trees ---- */

static void
touch (const char *root, const char *rel, const char *content)
{
  _cleanup_free_ char *p = path_join (root, rel);
  _cleanup_free_ char *dir = xstrdup (p);
  *strrchr (dir, '/') = '\0';
  assert_int_equal (mkdir_p (dir, 0755, NULL), 0);
  FILE *f = fopen (p, "w");
  assert_non_null (f);
  fputs (content, f);
  fclose (f);
}

static char *
slurp (const char *root, const char *rel)
{
  _cleanup_free_ char *p = path_join (root, rel);
  char *s = NULL;
  if (read_file (p, &s, NULL, NULL) < 0)
    return NULL;
  return s;
}

static char *
fresh_root (const char *name)
{
  char *r = path_join (tmp_root, name);
  assert_int_equal (mkdir_p (r, 0755, NULL), 0);
  return r;
}

static int
setup (void **state)
{
  (void) state;
  return mkdtemp (tmp_root) ? 0 : -1;
}

static int
teardown (void **state)
{
  (void) state;
  cgroup_set_root_for_testing (NULL);
  return rm_rf_one_fs (tmp_root, NULL) < 0 ? -1 : 0;
}

/* ---- conversions ---- */

static void
test_shares_to_weight (void **state)
{
  (void) state;
  assert_int_equal (cgroup_shares_to_weight (0), 0);     /* unset */
  assert_int_equal (cgroup_shares_to_weight (2), 1);
  assert_int_equal (cgroup_shares_to_weight (1), 1);     /* clamped up to 2 */
  assert_int_equal (cgroup_shares_to_weight (1024), 39);
  assert_int_equal (cgroup_shares_to_weight (512), 20);
  assert_int_equal (cgroup_shares_to_weight (262144), 10000);
  assert_int_equal (cgroup_shares_to_weight (1u << 30), 10000); /* clamped down */
}

static void
test_swap_max (void **state)
{
  (void) state;
  int64_t v;
  bool set;
  /* memory+swap 300, memory 100: swap alone 200. */
  assert_int_equal (cgroup_v2_swap_max (true, 300, true, 100, &v, &set, NULL), 0);
  assert_true (set);
  assert_int_equal (v, 200);
  /* equal: no swap at all. */
  assert_int_equal (cgroup_v2_swap_max (true, 100, true, 100, &v, &set, NULL), 0);
  assert_true (set);
  assert_int_equal (v, 0);
  /* -1: unlimited. */
  assert_int_equal (cgroup_v2_swap_max (true, -1, true, 100, &v, &set, NULL), 0);
  assert_true (set);
  assert_int_equal (v, -1);
  /* not given: nothing written, unless memory is unlimited. */
  assert_int_equal (cgroup_v2_swap_max (false, 0, true, 100, &v, &set, NULL), 0);
  assert_false (set);
  assert_int_equal (cgroup_v2_swap_max (false, 0, true, -1, &v, &set, NULL), 0);
  assert_true (set);
  assert_int_equal (v, -1);

  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_v2_swap_max (true, 50, true, 100, &v, &set, &e), -1);
  assert_non_null (strstr (e->msg, "linux.resources.memory.swap"));
  assert_non_null (strstr (e->msg, "below"));
  mk_error_free (&e);
  assert_int_equal (cgroup_v2_swap_max (true, 500, false, 0, &v, &set, &e), -1);
  assert_non_null (strstr (e->msg, "needs linux.resources.memory.limit"));
}

static void
test_cpu_max (void **state)
{
  (void) state;
  char *s;
  s = cgroup_cpu_max_string (true, 25000, true, 100000);
  assert_string_equal (s, "25000 100000");
  free (s);
  s = cgroup_cpu_max_string (true, -1, true, 50000);
  assert_string_equal (s, "max 50000");
  free (s);
  s = cgroup_cpu_max_string (true, 25000, false, 0);
  assert_string_equal (s, "25000");
  free (s);
  s = cgroup_cpu_max_string (false, 0, true, 100000);
  assert_string_equal (s, "max 100000");
  free (s);
  assert_null (cgroup_cpu_max_string (false, 0, false, 0));
  assert_null (cgroup_cpu_max_string (true, 0, true, 0)); /* 0 = unset */

  s = cgroup_limit_string (-1);
  assert_string_equal (s, "max");
  free (s);
  s = cgroup_limit_string (1048576);
  assert_string_equal (s, "1048576");
  free (s);
}

static void
test_device_rule (void **state)
{
  (void) state;
  struct spec_device_cgroup all = { .allow = false, .access = (char *) "rwm" };
  struct spec_device_cgroup null = { .allow = true, .type = (char *) "c", .has_major = true,
                                     .major = 1, .has_minor = true, .minor = 3,
                                     .access = (char *) "rw" };
  struct spec_device_cgroup any_minor = { .allow = true, .type = (char *) "b",
                                          .has_major = true, .major = 8 };
  char *s = cgroup_device_rule_string (&all);
  assert_string_equal (s, "a *:* rwm");
  free (s);
  s = cgroup_device_rule_string (&null);
  assert_string_equal (s, "c 1:3 rw");
  free (s);
  s = cgroup_device_rule_string (&any_minor);
  assert_string_equal (s, "b 8:* rwm");
  free (s);
}

static void
test_paths (void **state)
{
  (void) state;
  char *p;
  p = cgroup_path_for (NULL, "abc", false);
  assert_string_equal (p, "/mocker-abc");
  free (p);
  p = cgroup_path_for ("/my/group", "abc", false);
  assert_string_equal (p, "/my/group");
  free (p);
  p = cgroup_path_for ("relative/group", "abc", false);
  assert_string_equal (p, "/relative/group");
  free (p);
  p = cgroup_path_for ("system.slice:docker:abc", "id", true);
  assert_string_equal (p, "/system.slice/docker-abc.scope");
  free (p);
  p = cgroup_path_for ("machine-foo.slice:pre:x", "id", true);
  assert_string_equal (p, "/machine.slice/machine-foo.slice/pre-x.scope");
  free (p);
  p = cgroup_path_for (":mocker:", "id", true);
  assert_string_equal (p, "/system.slice/mocker-id.scope");
  free (p);

  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_systemd_path ("nocolon", "id", &p, &e), -1);
  assert_non_null (strstr (e->msg, "slice:prefix:name"));
  mk_error_free (&e);
  assert_int_equal (cgroup_systemd_path ("bad:pre:x", "id", &p, &e), -1);
  assert_non_null (strstr (e->msg, "invalid slice name \"bad\""));
  mk_error_free (&e);

  /* Paths that would leave the cgroup root are refused by every operation. */
  assert_int_equal (cgroup_destroy ("/a/../../etc", &e), -1);
  assert_non_null (strstr (e->msg, "invalid cgroup path"));
  mk_error_free (&e);
  assert_int_equal (cgroup_create ("/", NULL, 0, &e), -1);
  assert_non_null (strstr (e->msg, "invalid cgroup path"));
}

/* ---- layout detection ---- */

static void
test_detect_v2 (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("v2");
  touch (r, "cgroup.controllers", "cpuset cpu io memory pids\n");
  struct cgroup_host h;
  assert_int_equal (cgroup_detect (r, &h, NULL), 0);
  assert_int_equal (h.layout, CGROUP_LAYOUT_V2);
  assert_string_equal (h.v2_dir, r);
  assert_int_equal (h.n_v1, 0);
  cgroup_host_clear (&h);
}

static void
test_detect_hybrid (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("hybrid");
  /* This host's shape: cpu and cpuacct mounted separately. */
  const char *ctrls[] = { "cpu", "cpuacct", "memory", "pids", "freezer", "systemd" };
  for (size_t i = 0; i < ARRAY_SIZE (ctrls); i++)
    {
      _cleanup_free_ char *f = xasprintf ("%s/cgroup.procs", ctrls[i]);
      touch (r, f, "");
    }
  touch (r, "unified/cgroup.controllers", "");
  touch (r, "unified/cgroup.procs", "");
  struct cgroup_host h;
  assert_int_equal (cgroup_detect (r, &h, NULL), 0);
  assert_int_equal (h.layout, CGROUP_LAYOUT_HYBRID);
  _cleanup_free_ char *unified = path_join (r, "unified");
  assert_string_equal (h.v2_dir, unified);
  assert_int_equal (h.n_v1, 6); /* "unified" is not a v1 hierarchy */
  assert_string_equal (cgroup_v1_find (&h, "cpu")->name, "cpu");
  assert_string_equal (cgroup_v1_find (&h, "cpuacct")->name, "cpuacct");
  assert_null (cgroup_v1_find (&h, "cpuset"));
  assert_null (cgroup_v1_find (&h, "cp"));
  cgroup_host_clear (&h);
}

static void
test_detect_v1_comounted (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("v1");
  touch (r, "cpu,cpuacct/cgroup.procs", "");
  touch (r, "memory/cgroup.procs", "");
  touch (r, "not-a-hierarchy/somefile", "");
  _cleanup_free_ char *l1 = path_join (r, "cpu"), *l2 = path_join (r, "cpuacct");
  assert_int_equal (symlink ("cpu,cpuacct", l1), 0);
  assert_int_equal (symlink ("cpu,cpuacct", l2), 0);
  struct cgroup_host h;
  assert_int_equal (cgroup_detect (r, &h, NULL), 0);
  assert_int_equal (h.layout, CGROUP_LAYOUT_V1);
  assert_null (h.v2_dir);
  assert_int_equal (h.n_v1, 2); /* the symlinks name the same hierarchy */
  assert_string_equal (cgroup_v1_find (&h, "cpuacct")->name, "cpu,cpuacct");
  assert_string_equal (cgroup_v1_find (&h, "cpu")->name, "cpu,cpuacct");
  assert_string_equal (cgroup_v1_find (&h, "memory")->name, "memory");
  cgroup_host_clear (&h);
}

static void
test_detect_nothing (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("empty");
  struct cgroup_host h;
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_detect (r, &h, &e), -1);
  assert_non_null (strstr (e->msg, "no cgroup hierarchy found"));
}

/* ---- operations on fake trees ---- */

static void
test_v2_create_destroy (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("opv2");
  touch (r, "cgroup.controllers", "cpu memory pids\n");
  touch (r, "cgroup.subtree_control", "");
  cgroup_set_root_for_testing (r);

  assert_int_equal (cgroup_create ("/mocker/t1", NULL, 0, NULL), 0);
  _cleanup_free_ char *leaf = path_join (r, "mocker/t1");
  assert_true (dir_exists (leaf));
  /* The root was asked to enable controllers for its children. */
  _cleanup_free_ char *sc = slurp (r, "cgroup.subtree_control");
  assert_non_null (strstr (sc, "+"));

  /* pids and stats read the group's files. */
  touch (r, "mocker/t1/cgroup.procs", "12\n34\n");
  touch (r, "mocker/t1/memory.current", "4096\n");
  touch (r, "mocker/t1/memory.max", "max\n");
  touch (r, "mocker/t1/pids.current", "2\n");
  touch (r, "mocker/t1/cpu.stat", "usage_usec 1500\nuser_usec 1000\n");
  pid_t *pids;
  size_t n;
  assert_int_equal (cgroup_pids ("/mocker/t1", &pids, &n, NULL), 0);
  assert_int_equal (n, 2);
  assert_int_equal (pids[0], 12);
  assert_int_equal (pids[1], 34);
  free (pids);
  struct cgroup_stats st;
  assert_int_equal (cgroup_stats ("/mocker/t1", &st, NULL), 0);
  assert_true (st.has_cpu_usage);
  assert_int_equal (st.cpu_usage_ns, 1500000);
  assert_true (st.has_memory_usage);
  assert_int_equal (st.memory_usage, 4096);
  assert_false (st.has_memory_limit); /* "max" */
  assert_true (st.has_pids_current);
  assert_int_equal (st.pids_current, 2);

  /* A limit whose file does not exist: a clear error naming the file, and
   * the half-made group is rolled back. */
  struct spec_pids pl = { .has_limit = true, .limit = 10 };
  struct spec_resources res = { .pids = &pl };
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_create ("/mocker/t2", &res, 0, &e), -1);
  _cleanup_free_ char *want = xasprintf ("cgroup: write \"10\" to %s/mocker/t2/pids.max: "
                                         "No such file or directory", r);
  assert_string_equal (e->msg, want);
  _cleanup_free_ char *t2 = path_join (r, "mocker/t2");
  assert_false (dir_exists (t2));

  /* A group whose controllers lack memory: the error says why the file is missing. */
  touch (r, "g/cgroup.controllers", "cpu pids\n");
  struct spec_memory mem = { .has_limit = true, .limit = 4096 };
  struct spec_resources mres = { .memory = &mem };
  mk_error_free (&e);
  assert_int_equal (cgroup_update ("/g", &mres, &e), -1);
  assert_non_null (strstr (e->msg, "memory.max: the memory controller is not enabled for"));
  mk_error_free (&e);

  /* destroy: files of the fake group must go first (a real cgroup's do not count). */
  bool frozen = true;
  assert_int_equal (cgroup_is_frozen ("/mocker/gone", &frozen, NULL), 0);
  assert_false (frozen);
  const char *files[] = { "cgroup.procs", "memory.current", "memory.max", "pids.current", "cpu.stat" };
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      _cleanup_free_ char *f = path_join (leaf, files[i]);
      unlink (f);
    }
  assert_int_equal (cgroup_destroy ("/mocker/t1", NULL), 0);
  assert_false (dir_exists (leaf));
  /* A parent named in cgroupsPath is the caller's and stays; a missing group is fine. */
  _cleanup_free_ char *parent = path_join (r, "mocker");
  assert_true (dir_exists (parent));
  assert_int_equal (cgroup_destroy ("/mocker/t1", NULL), 0);
  cgroup_set_root_for_testing (NULL);
}

static void
test_hybrid_create_rollback (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("ophybrid");
  touch (r, "memory/cgroup.procs", "");
  touch (r, "pids/cgroup.procs", "");
  touch (r, "unified/cgroup.controllers", "");
  cgroup_set_root_for_testing (r);

  /* No resources: the group appears in every v1 hierarchy and in unified. */
  assert_int_equal (cgroup_create ("/mocker/h1", NULL, 0, NULL), 0);
  const char *where[] = { "memory/mocker/h1", "pids/mocker/h1", "unified/mocker/h1" };
  for (size_t i = 0; i < ARRAY_SIZE (where); i++)
    {
      _cleanup_free_ char *d = path_join (r, where[i]);
      assert_true (dir_exists (d));
    }
  assert_int_equal (cgroup_destroy ("/mocker/h1", NULL), 0);
  for (size_t i = 0; i < ARRAY_SIZE (where); i++)
    {
      _cleanup_free_ char *d = path_join (r, where[i]);
      assert_false (dir_exists (d));
    }

  /* A memory limit on v1: the error names memory.limit_in_bytes, and the
   * directories this call made (including its new parent /fresh) are removed again. */
  _cleanup_free_ char *fresh = path_join (r, "memory/fresh");
  struct spec_memory mem = { .has_limit = true, .limit = 1024 };
  struct spec_resources res = { .memory = &mem };
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_create ("/fresh/h2", &res, 0, &e), -1);
  _cleanup_free_ char *want = xasprintf ("cgroup: write \"1024\" to %s/memory/fresh/h2/"
                                         "memory.limit_in_bytes: No such file or directory", r);
  assert_string_equal (e->msg, want);
  assert_false (dir_exists (fresh));

  /* unified needs pure v2. */
  mk_error_free (&e);
  char *keys[] = { (char *) "memory.high" }, *values[] = { (char *) "1M" };
  struct spec_resources ures = { .unified = { keys, values, 1 } };
  assert_int_equal (cgroup_create ("/mocker/h3", &ures, 0, &e), -1);
  assert_non_null (strstr (e->msg, "linux.resources.unified"));
  cgroup_set_root_for_testing (NULL);
}

static void
test_v1_missing_hierarchy (void **state)
{
  (void) state;
  _cleanup_free_ char *r = fresh_root ("opv1");
  touch (r, "memory/cgroup.procs", "");
  cgroup_set_root_for_testing (r);
  struct spec_pids pl = { .has_limit = true, .limit = 5 };
  struct spec_resources res = { .pids = &pl };
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_create ("/x/y", &res, 0, &e), -1);
  assert_string_equal (e->msg, "linux.resources.pids: the host has no pids cgroup hierarchy");
  _cleanup_free_ char *x = path_join (r, "memory/x");
  assert_false (dir_exists (x));
  cgroup_set_root_for_testing (NULL);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_shares_to_weight),
    cmocka_unit_test (test_swap_max),
    cmocka_unit_test (test_cpu_max),
    cmocka_unit_test (test_device_rule),
    cmocka_unit_test (test_paths),
    cmocka_unit_test (test_detect_v2),
    cmocka_unit_test (test_detect_hybrid),
    cmocka_unit_test (test_detect_v1_comounted),
    cmocka_unit_test (test_detect_nothing),
    cmocka_unit_test (test_v2_create_destroy),
    cmocka_unit_test (test_hybrid_create_rollback),
    cmocka_unit_test (test_v1_missing_hierarchy),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
