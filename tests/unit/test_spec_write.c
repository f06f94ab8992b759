/* The config.json writer: every field round-trips exactly, the default
 * config has runc's shape, files are written atomically. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "common/fs.h"
#include "common/util.h"
#include "spec/spec.h"
#include "tests/unit/spec_fixtures.h"

static struct spec *
read_text_ok (const char *text)
{
  _cleanup_error_ mk_error *err = NULL;
  struct spec *s = NULL;
  if (spec_read_text (text, strlen (text), "config.json", &s, &err) < 0)
    fail_msg ("unexpected error: %s\n%s", err->msg, text);
  return s;
}

static void
test_full_config_round_trips_exactly (void **state)
{
  (void) state;
  /* full_config holds every field in the writer's order, so the compact
   * output must be byte-identical: any field the reader or the writer
   * drops or changes shows up here. */
  _cleanup_free_ char *full = q (full_config);
  _cleanup_spec_ struct spec *s = read_text_ok (full);
  _cleanup_free_ char *out = spec_write (s, false);
  assert_string_equal (out, full);

  /* And again through the pretty form. */
  _cleanup_free_ char *pretty = spec_write (s, true);
  assert_true (str_has_suffix (pretty, "}\n"));
  assert_false (str_has_suffix (pretty, "\n\n"));
  _cleanup_spec_ struct spec *s2 = read_text_ok (pretty);
  _cleanup_free_ char *out2 = spec_write (s2, false);
  assert_string_equal (out2, full);
}

static void
test_real_configs_are_stable (void **state)
{
  (void) state;
  /* read(write(read(x))) == read(x), compared through the writer. */
  _cleanup_free_ char *podman = q (podman_like_config);
  const char *inputs[] = { runc_spec_output, podman };
  for (size_t i = 0; i < ARRAY_SIZE (inputs); i++)
    {
      _cleanup_spec_ struct spec *a = read_text_ok (inputs[i]);
      _cleanup_free_ char *ta = spec_write (a, true);
      _cleanup_spec_ struct spec *b = read_text_ok (ta);
      _cleanup_free_ char *tb = spec_write (b, true);
      assert_string_equal (ta, tb);
    }
  /* Unknown fields are not carried over. */
  _cleanup_spec_ struct spec *p = read_text_ok (podman);
  _cleanup_free_ char *tp = spec_write (p, false);
  assert_null (strstr (tp, "intelRdt"));
  assert_null (strstr (tp, "x-unknown"));
  assert_non_null (strstr (tp, "\"cgroupsPath\":\"machine.slice:libpod:abc\""));
}

static void
test_absent_fields_are_omitted (void **state)
{
  (void) state;
  _cleanup_free_ char *min = q ("{'ociVersion':'1.0.0','root':{'path':'r'}}");
  _cleanup_spec_ struct spec *s = read_text_ok (min);
  _cleanup_free_ char *out = spec_write (s, false);
  assert_string_equal (out, min);

  /* Set-but-zero optional numbers are written; unset ones are not. */
  _cleanup_free_ char *res
      = q ("{'ociVersion':'1.0.0','root':{'path':'r'},'linux':{'resources':{'memory':"
           "{'swap':0},'cpu':{},'pids':{}}}}");
  _cleanup_spec_ struct spec *r = read_text_ok (res);
  _cleanup_free_ char *rout = spec_write (r, false);
  assert_string_equal (rout, res);
}

static void
test_default_spec (void **state)
{
  (void) state;
  _cleanup_spec_ struct spec *d = spec_new_default (false);
  _cleanup_free_ char *text = spec_write (d, true);
  _cleanup_spec_ struct spec *s = read_text_ok (text);
  assert_string_equal (s->oci_version, "1.2.0");
  assert_string_equal (s->hostname, "mocker");
  assert_string_equal (s->root_path, "rootfs");
  assert_true (s->root_readonly);
  struct spec_process *p = s->process;
  assert_true (p->terminal);
  assert_string_equal (p->args[0], "sh");
  assert_null (p->args[1]);
  assert_string_equal (p->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  assert_string_equal (p->env[1], "TERM=xterm");
  assert_string_equal (p->cwd, "/");
  assert_int_equal (p->user.uid, 0);
  assert_int_equal (strv_len (p->capabilities->bounding), 3);
  assert_string_equal (p->capabilities->effective[2], "CAP_NET_BIND_SERVICE");
  assert_int_equal (strv_len (p->capabilities->permitted), 3);
  assert_null (p->capabilities->ambient);
  assert_string_equal (p->rlimits[0].type, "RLIMIT_NOFILE");
  assert_int_equal (p->rlimits[0].hard, 1024);
  assert_true (p->no_new_privileges);

  assert_int_equal (s->n_mounts, 7);
  const char *dests[]
      = { "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup" };
  for (size_t i = 0; i < ARRAY_SIZE (dests); i++)
    assert_string_equal (s->mounts[i].destination, dests[i]);
  assert_string_equal (s->mounts[2].options[5], "gid=5");
  assert_string_equal (s->mounts[3].source, "shm");
  assert_string_equal (s->mounts[5].type, "sysfs");

  const char *ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
  assert_int_equal (s->linux_->n_namespaces, ARRAY_SIZE (ns));
  for (size_t i = 0; i < ARRAY_SIZE (ns); i++)
    assert_string_equal (s->linux_->namespaces[i].type, ns[i]);
  assert_null (spec_find_namespace (s, "user"));
  assert_false (s->linux_->resources->devices[0].allow);
  assert_string_equal (s->linux_->masked_paths[0], "/proc/acpi");
  assert_string_equal (s->linux_->readonly_paths[4], "/proc/sysrq-trigger");
}

static void
test_default_spec_rootless (void **state)
{
  (void) state;
  _cleanup_spec_ struct spec *d = spec_new_default (true);
  _cleanup_free_ char *text = spec_write (d, true);
  _cleanup_spec_ struct spec *s = read_text_ok (text);
  assert_non_null (spec_find_namespace (s, "user"));
  assert_null (spec_find_namespace (s, "network"));
  assert_non_null (spec_find_namespace (s, "pid"));
  assert_int_equal (s->linux_->n_uid_mappings, 1);
  assert_int_equal (s->linux_->uid_mappings[0].container_id, 0);
  assert_int_equal (s->linux_->uid_mappings[0].host_id, getuid ());
  assert_int_equal (s->linux_->uid_mappings[0].size, 1);
  assert_int_equal (s->linux_->gid_mappings[0].host_id, getgid ());
  assert_null (s->linux_->resources);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct spec_mount *m = &s->mounts[i];
      assert_string_not_equal (m->destination, "/sys/fs/cgroup");
      for (size_t j = 0; m->options && m->options[j]; j++)
        assert_false (str_has_prefix (m->options[j], "gid=") || str_has_prefix (m->options[j], "uid="));
      if (strcmp (m->destination, "/sys") == 0)
        {
          assert_string_equal (m->type, "none");
          assert_string_equal (m->source, "/sys");
          assert_string_equal (m->options[0], "rbind");
        }
    }
}

static void
test_write_file_atomic (void **state)
{
  (void) state;
  char dir[] = "/tmp/test_spec_write.XXXXXX";
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *path = path_join (dir, "config.json");
  _cleanup_spec_ struct spec *d = spec_new_default (false);
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (spec_write_file (d, path, &err), 0);
  /* Overwrite in place: still one file, no temp left beside it. */
  free (d->hostname);
  d->hostname = xstrdup ("second");
  assert_int_equal (spec_write_file (d, path, &err), 0);
  DIR *dh = opendir (dir);
  assert_non_null (dh);
  int entries = 0;
  struct dirent *de;
  while ((de = readdir (dh)))
    if (de->d_name[0] != '.')
      {
        entries++;
        assert_string_equal (de->d_name, "config.json");
      }
  closedir (dh);
  assert_int_equal (entries, 1);
  struct stat st;
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0644);

  _cleanup_spec_ struct spec *back = NULL;
  assert_int_equal (spec_read_file (path, &back, &err), 0);
  assert_string_equal (back->hostname, "second");

  /* A directory that does not exist: an error naming the file. */
  _cleanup_free_ char *bad = path_join (dir, "missing/config.json");
  assert_int_equal (spec_write_file (d, bad, &err), -1);
  assert_non_null (strstr (err->msg, "write config `"));
  assert_non_null (strstr (err->msg, "missing/config.json"));
  assert_non_null (strstr (err->msg, "No such file or directory"));

  unlink (path);
  assert_int_equal (rmdir (dir), 0);
}

static void
test_process_and_resources_round_trip (void **state)
{
  (void) state;
  _cleanup_free_ char *full = q (full_config);
  _cleanup_spec_ struct spec *s = read_text_ok (full);
  _cleanup_error_ mk_error *err = NULL;

  _cleanup_free_ char *ptext = spec_write_process (s->process, false);
  _cleanup_spec_process_ struct spec_process *p = NULL;
  assert_int_equal (spec_read_process_text (ptext, strlen (ptext), "process.json", &p, &err), 0);
  _cleanup_free_ char *ptext2 = spec_write_process (p, false);
  assert_string_equal (ptext, ptext2);
  assert_non_null (strstr (full, ptext)); /* the same text as inside config.json */

  _cleanup_free_ char *rtext = spec_write_resources (s->linux_->resources, true);
  _cleanup_spec_resources_ struct spec_resources *r = NULL;
  assert_int_equal (spec_read_resources_text (rtext, strlen (rtext), "resources", &r, &err), 0);
  _cleanup_free_ char *rtext2 = spec_write_resources (r, true);
  assert_string_equal (rtext, rtext2);
}

/* kernelTCP and network are read, kept and written back (update keeps the
 * config in the state dir through this writer). */
static void
test_network_and_kernel_tcp_round_trip (void **state)
{
  (void) state;
  static const char text[] = "{\"memory\": {\"kernelTCP\": 16777216}, \"network\": "
                             "{\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 5}]}}";
  _cleanup_spec_resources_ struct spec_resources *r = NULL;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (spec_read_resources_text (text, strlen (text), "resources", &r, &err), 0);
  assert_true (r->memory->has_kernel_tcp);
  assert_int_equal (r->memory->kernel_tcp, 16777216);
  assert_non_null (r->network);
  assert_int_equal (r->network->class_id, 1048577);
  assert_int_equal (r->network->n_priorities, 1);
  assert_string_equal (r->network->priorities[0].name, "eth0");
  assert_int_equal (r->network->priorities[0].priority, 5);
  _cleanup_free_ char *out = spec_write_resources (r, false);
  assert_non_null (strstr (out, "\"kernelTCP\":16777216"));
  assert_non_null (strstr (out, "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]}"));
  /* A name that would split the ifpriomap line is refused, naming it. */
  static const char bad[] = "{\"network\": {\"priorities\": [{\"name\": \"a b\", \"priority\": 1}]}}";
  _cleanup_spec_resources_ struct spec_resources *r2 = NULL;
  assert_int_equal (spec_read_resources_text (bad, strlen (bad), "resources", &r2, &err), -1);
  assert_non_null (strstr (err->msg, "network.priorities[0].name"));
}

static void
test_built_in_code (void **state)
{
  (void) state;
  /* A spec built by hand (as tier 2 does) writes and reads back. */
  _cleanup_spec_ struct spec *s = xzalloc (sizeof *s);
  s->oci_version = xstrdup ("1.2.0");
  s->root_path = xstrdup ("/var/lib/mocker/c1/rootfs");
  spec_map_set (&s->annotations, "org.mocker.id", "c1");
  s->process = xzalloc (sizeof *s->process);
  strv_push (&s->process->args, "/bin/echo");
  strv_push (&s->process->args, "quote \" backslash \\ tab \t unicode \xc3\xa9");
  _cleanup_free_ char *text = spec_write (s, false);
  _cleanup_spec_ struct spec *back = read_text_ok (text);
  assert_string_equal (back->process->args[1], s->process->args[1]);
  assert_string_equal (spec_map_get (&back->annotations, "org.mocker.id"), "c1");
  assert_false (back->process->terminal);
  assert_false (back->process->has_oom_score_adj);
}

/* Whatever the reader accepts, the writer's output is read back to the
 * same model (compared through the writer again). */
static void
check_stable (const char *text, size_t len)
{
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_ struct spec *s = NULL;
  if (spec_read_text (text, len, "config.json", &s, &err) < 0)
    {
      assert_non_null (err);
      assert_true (str_has_prefix (err->msg, "config.json: "));
      return;
    }
  _cleanup_free_ char *once = spec_write (s, false);
  _cleanup_spec_ struct spec *back = read_text_ok (once);
  _cleanup_free_ char *twice = spec_write (back, false);
  assert_string_equal (once, twice);
}

static void
test_mutations_never_crash (void **state)
{
  (void) state;
  /* A spread of truncations and one-character changes of the full
   * config: each is either a clean error or a config that round-trips. */
  _cleanup_free_ char *full = q (full_config);
  size_t len = strlen (full);
  for (size_t i = 0; i < len; i += 3)
    check_stable (full, i);
  const char subst[] = "0\"[{}],:-a9";
  _cleanup_free_ char *copy = xstrdup (full);
  for (size_t i = 1; i < len; i += 9)
    for (size_t k = 0; k < sizeof subst - 1; k++)
      {
        char was = copy[i];
        copy[i] = subst[k];
        check_stable (copy, len);
        copy[i] = was;
      }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_full_config_round_trips_exactly),
    cmocka_unit_test (test_real_configs_are_stable),
    cmocka_unit_test (test_absent_fields_are_omitted),
    cmocka_unit_test (test_default_spec),
    cmocka_unit_test (test_default_spec_rootless),
    cmocka_unit_test (test_write_file_atomic),
    cmocka_unit_test (test_process_and_resources_round_trip),
    cmocka_unit_test (test_network_and_kernel_tcp_round_trip),
    cmocka_unit_test (test_built_in_code),
    cmocka_unit_test (test_mutations_never_crash),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
