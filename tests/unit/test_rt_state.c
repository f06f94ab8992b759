/* The runtime core's pure parts: signal names, container ids, /proc/<pid>/stat,
 * state.json round trip, the OCI state JSON, hook lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/process/hooks.h"
#include "mocker-runtime/process/signals.h"
#include "mocker-runtime/state/state.h"

static void
test_signal_names (void **state)
{
  (void) state;
  struct { const char *s; int sig; } ok[] = {
    { "KILL", SIGKILL }, { "SIGKILL", SIGKILL }, { "sigterm", SIGTERM }, { "term", SIGTERM },
    { "9", SIGKILL }, { "15", SIGTERM }, { "HUP", SIGHUP }, { "SIGUSR1", SIGUSR1 },
    { "WINCH", SIGWINCH }, { "RTMIN", SIGRTMIN }, { "RTMIN+2", SIGRTMIN + 2 },
    { "SIGRTMAX-1", SIGRTMAX - 1 }, { "64", 64 }, { "0", 0 }, /* 0: kill ID 0, a liveness check */
  };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      int sig = -1;
      mk_error *err = NULL;
      assert_int_equal (signal_parse (ok[i].s, &sig, &err), 0);
      assert_int_equal (sig, ok[i].sig);
      assert_null (err);
    }
  const char *bad[] = { "", "65", "-9", "SIG", "KILLS", "9x", "RTMIN+40", "RTMAX+1", "SIGFOO" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int sig;
      mk_error *err = NULL;
      assert_int_equal (signal_parse (bad[i], &sig, &err), -1);
      assert_non_null (strstr (err->msg, "invalid signal"));
      mk_error_free (&err);
    }
}

static void
test_container_ids (void **state)
{
  (void) state;
  const char *ok[] = { "a", "abc-DEF_1.2+3", "0123456789abcdef", "..a", "a..b" };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      mk_error *err = NULL;
      assert_int_equal (state_validate_id (ok[i], &err), 0);
    }
  char longest[RT_ID_MAX + 2];
  memset (longest, 'x', RT_ID_MAX);
  longest[RT_ID_MAX] = '\0';
  mk_error *err = NULL;
  assert_int_equal (state_validate_id (longest, &err), 0);
  longest[RT_ID_MAX] = 'x';
  longest[RT_ID_MAX + 1] = '\0';
  const char *bad[] = { "", ".", "..", "a/b", "/a", "a b", "a\nb", "a;b", "ä", longest };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      assert_int_equal (state_validate_id (bad[i], &err), -1);
      assert_non_null (strstr (err->msg, "invalid container id"));
      mk_error_free (&err);
    }
}

static void
test_proc_stat (void **state)
{
  (void) state;
  unsigned long long start = 0, again = 0;
  char run_state = 0;
  assert_int_equal (proc_stat_start_time (getpid (), &start, &run_state), 0);
  assert_true (start > 0);
  assert_int_equal (run_state, 'R');
  assert_int_equal (proc_stat_start_time (getpid (), &again, NULL), 0);
  assert_true (start == again);
  /* pid_max is at most 2^22: this pid never exists. */
  assert_int_equal (proc_stat_start_time (1 << 23, &start, NULL), -1);
}

static struct rt_state *
sample_state (void)
{
  struct rt_state *st = xzalloc (sizeof *st);
  st->id = xstrdup ("c1");
  st->pid = getpid ();
  assert_int_equal (proc_stat_start_time (st->pid, &st->start_time, NULL), 0);
  st->bundle = xstrdup ("/b");
  st->rootfs = xstrdup ("/b/rootfs");
  st->created = xstrdup ("2026-11-22T13:51:58.123456Z");
  st->cgroup_path = xstrdup ("/mocker/c1");
  st->owner = xstrdup ("");
  spec_map_set (&st->annotations, "org.example", "yes");
  st->poststop.len = 1;
  st->poststop.hooks = xzalloc (2 * sizeof (struct spec_hook));
  st->poststop.hooks[0].path = xstrdup ("/bin/true");
  st->poststop.hooks[0].args = xzalloc (3 * sizeof (char *));
  st->poststop.hooks[0].args[0] = xstrdup ("true");
  st->poststop.hooks[0].args[1] = xstrdup ("--x");
  st->poststop.hooks[0].has_timeout = true;
  st->poststop.hooks[0].timeout = 5;
  return st;
}

static void
test_state_round_trip (void **state)
{
  (void) state;
  char dir[] = "/tmp/test_rt_state.XXXXXX";
  assert_non_null (mkdtemp (dir));
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (dfd >= 0);
  struct rt_state *st = sample_state ();
  mk_error *err = NULL;
  assert_int_equal (state_write (dfd, st, &err), 0);
  struct rt_state *back = NULL;
  assert_int_equal (state_read (dfd, "c1", &back, &err), 0);
  assert_non_null (back);
  assert_string_equal (back->id, "c1");
  assert_int_equal (back->pid, st->pid);
  assert_true (back->start_time == st->start_time);
  assert_string_equal (back->bundle, "/b");
  assert_string_equal (back->rootfs, "/b/rootfs");
  assert_string_equal (back->created, st->created);
  assert_string_equal (back->cgroup_path, "/mocker/c1");
  assert_string_equal (spec_map_get (&back->annotations, "org.example"), "yes");
  assert_int_equal (back->poststop.len, 1);
  assert_string_equal (back->poststop.hooks[0].path, "/bin/true");
  assert_string_equal (back->poststop.hooks[0].args[1], "--x");
  assert_null (back->poststop.hooks[0].env);
  assert_int_equal (back->poststop.hooks[0].timeout, 5);
  assert_int_equal (back->poststart.len, 0);

  /* Our own pid with our own start time: alive, no exec.fifo, no cgroup. */
  assert_int_equal (state_status ("/nonexistent", back), RT_RUNNING);
  back->start_time++;
  assert_int_equal (state_status ("/nonexistent", back), RT_STOPPED);
  back->pid = 0;
  assert_int_equal (state_status ("/nonexistent", back), RT_STOPPED);

  /* A damaged state.json reads as "no state" (a create killed halfway). */
  rt_state_free (back);
  back = NULL;
  assert_int_equal (write_file_atomic_at (dfd, "state.json", "{\"id\":", 6, 0600, false, &err), 0);
  assert_int_equal (state_read (dfd, "c1", &back, &err), 0);
  assert_null (back);
  unlinkat (dfd, "state.json", 0);
  assert_int_equal (state_read (dfd, "c1", &back, &err), 0);
  assert_null (back);

  rt_state_free (st);
  close (dfd);
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

static void
test_state_json (void **state)
{
  (void) state;
  struct rt_state *st = sample_state ();
  char *text = state_to_json (st, "running", false);
  yajl_val tree = NULL;
  mk_error *err = NULL;
  assert_int_equal (json_parse (text, strlen (text), "state", &tree, &err), 0);
  assert_string_equal (json_get_str (tree, "ociVersion"), RT_OCI_VERSION);
  assert_string_equal (json_get_str (tree, "id"), "c1");
  assert_string_equal (json_get_str (tree, "status"), "running");
  assert_int_equal (YAJL_GET_INTEGER (json_get (tree, "pid")), getpid ());
  assert_string_equal (json_get_str (tree, "bundle"), "/b");
  assert_string_equal (json_get_str (tree, "rootfs"), "/b/rootfs");
  assert_string_equal (json_get_str (tree, "created"), "2026-11-22T13:51:58.123456Z");
  assert_string_equal (json_get_str (tree, "owner"), "");
  assert_string_equal (json_get_str (json_get (tree, "annotations"), "org.example"), "yes");
  /* Internal fields stay internal. */
  assert_null (json_get (tree, "cgroup_path"));
  assert_null (json_get (tree, "poststop"));
  yajl_tree_free (tree);
  free (text);

  text = state_to_json (st, "stopped", true);
  assert_int_equal (json_parse (text, strlen (text), "state", &tree, &err), 0);
  assert_int_equal (YAJL_GET_INTEGER (json_get (tree, "pid")), 0);
  yajl_tree_free (tree);
  free (text);
  rt_state_free (st);
}

static void
test_hooks_json (void **state)
{
  (void) state;
  const char *text = "[{\"path\":\"/h\",\"args\":[\"h\",\"1\"],\"env\":[\"A=b\"],\"timeout\":3},"
                     "{\"path\":\"/g\"}]";
  yajl_val tree = NULL;
  mk_error *err = NULL;
  assert_int_equal (json_parse (text, strlen (text), "hooks", &tree, &err), 0);
  struct spec_hook_list list;
  assert_int_equal (hooks_from_json (tree, &list, &err), 0);
  assert_int_equal (list.len, 2);
  json_gen *g = json_gen_new (false);
  hooks_gen_json (g, &list);
  char *again = json_gen_finish (g, NULL);
  assert_string_equal (again, text);
  free (again);
  hook_list_free (&list);
  yajl_tree_free (tree);

  assert_int_equal (json_parse ("[{\"args\":[]}]", 13, "hooks", &tree, &err), 0);
  assert_int_equal (hooks_from_json (tree, &list, &err), -1);
  assert_non_null (strstr (err->msg, "missing path"));
  mk_error_free (&err);
  hook_list_free (&list);
  yajl_tree_free (tree);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_signal_names),   cmocka_unit_test (test_container_ids),
    cmocka_unit_test (test_proc_stat),      cmocka_unit_test (test_state_round_trip),
    cmocka_unit_test (test_state_json),     cmocka_unit_test (test_hooks_json),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
