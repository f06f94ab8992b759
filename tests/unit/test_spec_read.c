/* The config.json reader: real-world configs load, every field lands in
 * the model, every kind of bad input fails with a message naming the JSON
 * path, nothing leaks or crashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/util.h"
#include "spec/spec.h"
#include "spec/read_util.h"
#include "tests/unit/spec_fixtures.h"

/* The JSON paths error messages name. */
static void
test_json_paths (void **state)
{
  (void) state;
  const struct { char *got; const char *want; } cases[] = {
    { rd_key ("", "process"), "process" },
    { rd_key ("linux.resources", "memory"), "linux.resources.memory" },
    { rd_idx ("mounts", 0), "mounts[0]" },
    { rd_idx ("process.args", 10), "process.args[10]" },
    { rd_idx ("x", 18446744073709551615ULL), "x[18446744073709551615]" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      assert_string_equal (cases[i].got, cases[i].want);
      free (cases[i].got);
    }
}

/* Reads JSON written with ' for "; fails the test on error. */
static struct spec *
read_ok (const char *json)
{
  _cleanup_free_ char *text = q (json);
  _cleanup_error_ mk_error *err = NULL;
  struct spec *s = NULL;
  if (spec_read_text (text, strlen (text), "config.json", &s, &err) < 0)
    fail_msg ("unexpected error: %s", err->msg);
  assert_non_null (s);
  return s;
}

/* Reads JSON expected to fail and checks the whole message. */
static void
expect_error (const char *json, const char *message)
{
  _cleanup_free_ char *text = q (json);
  _cleanup_error_ mk_error *err = NULL;
  struct spec *s = NULL;
  int r = spec_read_text (text, strlen (text), "config.json", &s, &err);
  if (r == 0)
    {
      spec_free (s);
      fail_msg ("accepted %s (expected: %s)", text, message);
    }
  assert_int_equal (r, -1);
  assert_null (s);
  assert_non_null (err);
  assert_string_equal (err->msg, message);
}

/* The smallest valid config, and a way to put more members next to it. */
#define BASE "'ociVersion':'1.0.0','root':{'path':'rootfs'}"
#define WITH(members) "{" BASE "," members "}"

static void
test_runc_spec_output (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_ struct spec *s = NULL;
  assert_int_equal (spec_read_text (runc_spec_output, strlen (runc_spec_output), "config.json",
                                    &s, &err),
                    0);
  assert_string_equal (s->oci_version, "1.0.2-dev");
  assert_string_equal (s->root_path, "rootfs");
  assert_true (s->root_readonly);
  assert_string_equal (s->hostname, "runc");
  assert_non_null (s->process);
  assert_true (s->process->terminal);
  assert_int_equal (strv_len (s->process->args), 1);
  assert_string_equal (s->process->args[0], "sh");
  assert_string_equal (s->process->env[1], "TERM=xterm");
  assert_string_equal (s->process->cwd, "/");
  assert_int_equal (s->process->user.uid, 0);
  assert_int_equal (strv_len (s->process->capabilities->ambient), 3);
  assert_null (s->process->capabilities->inheritable);
  assert_int_equal (s->process->n_rlimits, 1);
  assert_string_equal (s->process->rlimits[0].type, "RLIMIT_NOFILE");
  assert_int_equal (s->process->rlimits[0].soft, 1024);
  assert_true (s->process->no_new_privileges);
  assert_int_equal (s->n_mounts, 7);
  assert_string_equal (s->mounts[2].destination, "/dev/pts");
  assert_string_equal (s->mounts[2].options[5], "gid=5");
  assert_null (s->mounts[0].options);
  assert_non_null (s->linux_);
  assert_int_equal (s->linux_->n_namespaces, 5);
  assert_non_null (spec_find_namespace (s, "network"));
  assert_null (spec_find_namespace (s, "user"));
  assert_int_equal (s->linux_->resources->n_devices, 1);
  assert_false (s->linux_->resources->devices[0].allow);
  assert_string_equal (s->linux_->resources->devices[0].access, "rwm");
  assert_null (s->linux_->resources->devices[0].type);
  assert_int_equal (strv_len (s->linux_->masked_paths), 10);
  assert_int_equal (strv_len (s->linux_->readonly_paths), 5);
}

static void
test_runc_spec_from_the_binary (void **state)
{
  (void) state;
  /* The real thing, when runc is on this machine: its output must load. */
  if (system ("command -v runc >/dev/null 2>&1") != 0)
    skip ();
  char dir[] = "/tmp/test_spec_read.XXXXXX";
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *cmd = xasprintf ("cd %s && runc spec",
                                        dir);
  assert_int_equal (system (cmd), 0);
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_ struct spec *s = NULL;
  int r = spec_read_file (path, &s, &err);
  if (r < 0)
    fail_msg ("%s", err->msg);
  assert_string_equal (s->process->args[0], "sh");
  unlink (path);
  rmdir (dir);
}

static void
test_podman_like_config (void **state)
{
  (void) state;
  _cleanup_spec_ struct spec *s = read_ok (podman_like_config);
  assert_string_equal (s->oci_version, "1.1.0+dev");
  assert_string_equal (s->process->args[0], "/usr/bin/top");
  assert_int_equal (s->process->user.n_additional_gids, 3);
  assert_int_equal (s->process->user.additional_gids[2], 2);
  assert_false (s->process->terminal);
  assert_true (s->process->has_oom_score_adj);
  assert_int_equal (s->process->oom_score_adj, 0);
  assert_string_equal (s->process->apparmor_profile, "containers-default-0.50.1");
  assert_false (s->root_readonly);
  assert_string_equal (spec_map_get (&s->annotations, "io.container.manager"), "libpod");
  assert_null (spec_map_get (&s->annotations, "nope"));
  struct spec_resources *r = s->linux_->resources;
  assert_int_equal (r->pids->limit, 2048);
  assert_int_equal (r->memory->limit, 536870912);
  assert_false (r->memory->has_swap);
  assert_int_equal (r->block_io->weight, 100);
  assert_null (r->cpu);
  const struct spec_namespace *ns = spec_find_namespace (s, "network");
  assert_string_equal (ns->path, "/run/netns/netns-1");
  assert_null (spec_find_namespace (s, "pid")->path);
  assert_string_equal (s->linux_->seccomp->default_action, "SCMP_ACT_ERRNO");
  assert_int_equal (s->linux_->seccomp->default_errno_ret, 38);
  assert_int_equal (s->linux_->seccomp->n_syscalls, 1);
  assert_string_equal (s->linux_->cgroups_path, "machine.slice:libpod:abc");
  assert_string_equal (s->linux_->mount_label, "");
  assert_null (s->hooks.prestart.hooks);
}

static void
test_full_config_fields (void **state)
{
  (void) state;
  _cleanup_spec_ struct spec *s = read_ok (full_config);
  struct spec_process *p = s->process;
  assert_true (p->has_console_size);
  assert_int_equal (p->console_height, 25);
  assert_int_equal (p->console_width, 80);
  assert_int_equal (p->user.uid, 1000);
  assert_int_equal (p->user.gid, 1001);
  assert_true (p->user.has_umask);
  assert_int_equal (p->user.umask, 022);
  assert_int_equal (p->user.additional_gids[1], UINT32_MAX);
  assert_string_equal (p->user.username, "me");
  assert_string_equal (p->args[2], "echo hi");
  assert_string_equal (p->cwd, "/work");
  assert_non_null (p->capabilities->inheritable);
  assert_null (p->capabilities->inheritable[0]);
  assert_true (p->rlimits[0].hard == UINT64_MAX);
  assert_int_equal (p->oom_score_adj, -999);
  assert_string_equal (p->selinux_label, "system_u:system_r:container_t:s0");
  assert_string_equal (s->domainname, "example.org");
  assert_int_equal (s->mounts[1].n_uid_mappings, 1);
  assert_int_equal (s->mounts[1].uid_mappings[0].host_id, 100000);
  assert_int_equal (s->mounts[1].gid_mappings[0].host_id, 200000);
  assert_null (s->mounts[2].type);
  assert_null (s->mounts[2].source);
  assert_non_null (s->mounts[2].options);
  assert_int_equal (s->hooks.prestart.len, 1);
  assert_true (s->hooks.prestart.hooks[0].has_timeout);
  assert_int_equal (s->hooks.prestart.hooks[0].timeout, 5);
  assert_string_equal (s->hooks.prestart.hooks[0].env[0], "K=v");
  assert_false (s->hooks.create_runtime.hooks[0].has_timeout);
  assert_string_equal (s->hooks.start_container.hooks[0].path, "/bin/sc");
  assert_string_equal (s->hooks.poststop.hooks[0].path, "/bin/pst");
  assert_string_equal (spec_map_get (&s->annotations, "org.example.b"), "");

  struct spec_linux *l = s->linux_;
  assert_int_equal (l->n_uid_mappings, 2);
  assert_int_equal (l->uid_mappings[1].size, 65535);
  assert_string_equal (spec_map_get (&l->sysctl, "net.ipv4.ip_forward"), "1");
  struct spec_resources *r = l->resources;
  assert_int_equal (r->n_devices, 3);
  assert_true (r->devices[1].allow);
  assert_true (r->devices[1].has_major);
  assert_int_equal (r->devices[1].minor, 3);
  assert_false (r->devices[0].has_major);
  assert_int_equal (r->devices[2].major, -1);
  assert_null (r->devices[2].access);
  assert_true (r->memory->has_limit);
  assert_int_equal (r->memory->limit, -1);
  assert_int_equal (r->memory->swap, INT64_MAX);
  assert_true (r->memory->has_kernel);
  assert_true (r->memory->has_disable_oom_killer);
  assert_false (r->memory->disable_oom_killer);
  assert_int_equal (r->cpu->quota, -1);
  assert_int_equal (r->cpu->period, 100000);
  assert_true (r->cpu->has_burst);
  assert_int_equal (r->cpu->realtime_runtime, -5);
  assert_string_equal (r->cpu->cpus, "0-1");
  assert_int_equal (r->cpu->idle, 1);
  assert_int_equal (r->pids->limit, 64);
  assert_int_equal (r->block_io->weight, 500);
  assert_true (r->hugepage_limits[0].limit == UINT64_MAX);
  assert_string_equal (spec_map_get (&r->unified, "io.weight"), "default 100");
  assert_int_equal (l->n_namespaces, 8);
  assert_non_null (spec_find_namespace (s, "time"));
  assert_int_equal (l->devices[0].major, 10);
  assert_int_equal (l->devices[0].file_mode, 0666);
  assert_true (l->devices[0].has_uid);
  assert_false (l->devices[1].has_file_mode);
  struct spec_seccomp *sc = l->seccomp;
  assert_string_equal (sc->architectures[1], "SCMP_ARCH_X86");
  assert_string_equal (sc->flags[0], "SECCOMP_FILTER_FLAG_LOG");
  assert_string_equal (sc->listener_path, "/run/listener.sock");
  assert_int_equal (sc->n_syscalls, 3);
  assert_int_equal (sc->syscalls[1].n_args, 2);
  assert_true (sc->syscalls[1].args[1].value == UINT64_MAX);
  assert_true (sc->syscalls[1].args[1].has_value_two);
  assert_false (sc->syscalls[1].args[0].has_value_two);
  assert_string_equal (sc->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
  assert_true (sc->syscalls[2].has_errno_ret);
  assert_int_equal (sc->syscalls[2].errno_ret, 38);
  assert_string_equal (l->rootfs_propagation, "rslave");
  assert_string_equal (l->masked_paths[0], "/proc/kcore");
}

static void
test_minimal_config (void **state)
{
  (void) state;
  /* No process (the runtime checks it at create), no linux section. */
  _cleanup_spec_ struct spec *s = read_ok ("{" BASE "}");
  assert_null (s->process);
  assert_null (s->linux_);
  assert_null (s->mounts);
  assert_int_equal (s->n_mounts, 0);
  assert_false (s->root_readonly);
  assert_null (s->hostname);
  assert_int_equal (s->annotations.len, 0);
}

static void
test_null_is_absent (void **state)
{
  (void) state;
  /* Go tools write null for nil slices and pointers. */
  _cleanup_spec_ struct spec *s
      = read_ok (WITH ("'process':{'args':['a'],'env':null,'capabilities':null,"
                       "'user':{'uid':1,'additionalGids':null}},'mounts':null,'hostname':null,"
                       "'linux':{'resources':null,'seccomp':null,'namespaces':null}"));
  assert_null (s->process->env);
  assert_null (s->process->capabilities);
  assert_int_equal (s->process->user.uid, 1);
  assert_null (s->mounts);
  assert_null (s->linux_->resources);
  assert_null (s->linux_->seccomp);
}

static void
test_oci_versions (void **state)
{
  (void) state;
  const char *good[] = { "1.0.0", "1.0.2-dev", "1.2.0", "1.1.0-rc.1", "1.9.99" };
  for (size_t i = 0; i < ARRAY_SIZE (good); i++)
    {
      _cleanup_free_ char *json = xasprintf ("{'ociVersion':'%s','root':{'path':'r'}}", good[i]);
      _cleanup_spec_ struct spec *s = read_ok (json);
      assert_string_equal (s->oci_version, good[i]);
    }
  const char *bad[] = { "2.0.0", "0.9", "1", "10.0", "v1.0", "", "1.x" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_free_ char *json = xasprintf ("{'ociVersion':'%s','root':{'path':'r'}}", bad[i]);
      _cleanup_free_ char *msg = xasprintf (
          "config.json: ociVersion: unsupported version \"%s\" (1.x is supported)", bad[i]);
      expect_error (json, msg);
    }
  expect_error ("{'root':{'path':'r'}}", "config.json: ociVersion: missing");
  expect_error ("{'ociVersion':1.0,'root':{'path':'r'}}",
                "config.json: ociVersion: expected a string");
}

static void
test_invalid_json (void **state)
{
  (void) state;
  expect_error ("", "config.json: invalid JSON at line 1, column 1: empty input");
  expect_error ("{", "config.json: invalid JSON at line 1, column 2: premature EOF");
  expect_error ("{'ociVersion':'1.0.0',\n  'root': {'path':'r'} x}",
                "config.json: invalid JSON at line 2, column 24: lexical error: invalid char in "
                "json text.");
  expect_error ("[]", "config.json: expected a JSON object at the top level, got an array");
  expect_error ("'x'", "config.json: expected a JSON object at the top level, got a string");
  expect_error ("{" BASE "} {}",
                "config.json: invalid JSON at line 1, column 49: trailing garbage");
}

static void
test_top_level_errors (void **state)
{
  (void) state;
  expect_error ("{'ociVersion':'1.0.0'}", "config.json: root: missing");
  expect_error ("{'ociVersion':'1.0.0','root':{}}", "config.json: root.path: missing");
  expect_error ("{'ociVersion':'1.0.0','root':{'path':''}}",
                "config.json: root.path: must not be empty");
  expect_error ("{'ociVersion':'1.0.0','root':'rootfs'}", "config.json: root: expected an object");
  expect_error ("{'ociVersion':'1.0.0','root':{'path':['r']}}",
                "config.json: root.path: expected a string");
  expect_error ("{'ociVersion':'1.0.0','root':{'path':'r','readonly':'yes'}}",
                "config.json: root.readonly: expected true or false");
  expect_error (WITH ("'hostname':7"), "config.json: hostname: expected a string");
  expect_error (WITH ("'domainname':{}"), "config.json: domainname: expected a string");
  expect_error (WITH ("'annotations':[]"), "config.json: annotations: expected an object");
  expect_error (WITH ("'annotations':{'a':'1','b':2}"),
                "config.json: annotations.b: expected a string");
  expect_error (WITH ("'process':'sh'"), "config.json: process: expected an object");
  expect_error (WITH ("'linux':[]"), "config.json: linux: expected an object");
  expect_error (WITH ("'hooks':[]"), "config.json: hooks: expected an object");
}

static void
test_mount_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'mounts':{}"), "config.json: mounts: expected an array");
  expect_error (WITH ("'mounts':['/proc']"), "config.json: mounts[0]: expected an object");
  expect_error (WITH ("'mounts':[{'destination':'/a'},{'destination':'/b'},{'destination':5}]"),
                "config.json: mounts[2].destination: expected a string");
  expect_error (WITH ("'mounts':[{'type':'proc'}]"), "config.json: mounts[0].destination: missing");
  expect_error (WITH ("'mounts':[{'destination':''}]"),
                "config.json: mounts[0].destination: must not be empty");
  expect_error (WITH ("'mounts':[{'destination':'/a','options':'ro'}]"),
                "config.json: mounts[0].options: expected an array of strings");
  expect_error (WITH ("'mounts':[{'destination':'/a','options':['ro',true]}]"),
                "config.json: mounts[0].options: expected an array of strings, [1] is a boolean");
  expect_error (WITH ("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1}]}]"),
                "config.json: mounts[0].uidMappings[0].size: missing");
}

static void
test_process_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'process':{'args':'sh'}"),
                "config.json: process.args: expected an array of strings");
  expect_error (WITH ("'process':{'args':['sh',1]}"),
                "config.json: process.args: expected an array of strings, [1] is a number");
  expect_error (WITH ("'process':{'cwd':'/'}"), "config.json: process.args: missing");
  expect_error (WITH ("'process':{'args':[]}"), "config.json: process.args: must not be empty");
  expect_error (WITH ("'process':{'args':['a'],'env':[null]}"),
                "config.json: process.env: expected an array of strings, [0] is null");
  expect_error (WITH ("'process':{'args':['a'],'cwd':'work'}"),
                "config.json: process.cwd: must be an absolute path (got \"work\")");
  expect_error (WITH ("'process':{'args':['a'],'terminal':1}"),
                "config.json: process.terminal: expected true or false");
  expect_error (WITH ("'process':{'args':['a'],'user':[]}"),
                "config.json: process.user: expected an object");
  expect_error (WITH ("'process':{'args':['a'],'user':{'uid':'0'}}"),
                "config.json: process.user.uid: must be an integer");
  expect_error (WITH ("'process':{'args':['a'],'user':{'uid':0.5}}"),
                "config.json: process.user.uid: must be an integer");
  expect_error (WITH ("'process':{'args':['a'],'user':{'gid':1e3}}"),
                "config.json: process.user.gid: must be an integer");
  expect_error (WITH ("'process':{'args':['a'],'user':{'uid':-1}}"),
                "config.json: process.user.uid: must not be negative (got -1)");
  expect_error (WITH ("'process':{'args':['a'],'user':{'uid':4294967296}}"),
                "config.json: process.user.uid: out of range (got 4294967296, at most 4294967295)");
  expect_error (WITH ("'process':{'args':['a'],'user':{'umask':512}}"),
                "config.json: process.user.umask: out of range (got 512, at most 511, i.e. 0777)");
  expect_error (WITH ("'process':{'args':['a'],'user':{'additionalGids':[1,'2']}}"),
                "config.json: process.user.additionalGids[1]: must be an integer");
  expect_error (WITH ("'process':{'args':['a'],'capabilities':['CAP_KILL']}"),
                "config.json: process.capabilities: expected an object");
  expect_error (WITH ("'process':{'args':['a'],'capabilities':{'ambient':'CAP_KILL'}}"),
                "config.json: process.capabilities.ambient: expected an array of strings");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':{}}"),
                "config.json: process.rlimits: expected an array");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]}"),
                "config.json: process.rlimits[0].soft: missing");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':[{'hard':1,'soft':1}]}"),
                "config.json: process.rlimits[0].type: missing");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,"
                      "'soft':'x'}]}"),
                "config.json: process.rlimits[0].soft: must be an integer");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':[{'type':'RLIMIT_CORE','hard':"
                      "18446744073709551616,'soft':0}]}"),
                "config.json: process.rlimits[0].hard: out of range (got 18446744073709551616, "
                "at most 18446744073709551615)");
  expect_error (WITH ("'process':{'args':['a'],'rlimits':[{'type':'RLIMIT_CORE','hard':1,"
                      "'soft':1},{'type':'RLIMIT_CORE','hard':2,'soft':2}]}"),
                "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_CORE\"");
  expect_error (WITH ("'process':{'args':['a'],'oomScoreAdj':1001}"),
                "config.json: process.oomScoreAdj: out of range (got 1001, expected -1000 to 1000)");
  expect_error (WITH ("'process':{'args':['a'],'consoleSize':{'height':1}}"),
                "config.json: process.consoleSize.width: missing");
  expect_error (WITH ("'process':{'args':['a'],'noNewPrivileges':'true'}"),
                "config.json: process.noNewPrivileges: expected true or false");
  expect_error (WITH ("'process':{'args':['a'],'apparmorProfile':false}"),
                "config.json: process.apparmorProfile: expected a string");
}

static void
test_linux_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'linux':{'namespaces':[{'type':'pid'},{'type':'net'}]}"),
                "config.json: linux.namespaces[1].type: unknown namespace type \"net\"");
  expect_error (WITH ("'linux':{'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'uts'},"
                      "{'type':'foo'}]}"),
                "config.json: linux.namespaces[3].type: unknown namespace type \"foo\"");
  expect_error (WITH ("'linux':{'namespaces':[{'type':'pid'},{'type':'pid'}]}"),
                "config.json: linux.namespaces[1].type: duplicate namespace type \"pid\"");
  expect_error (WITH ("'linux':{'namespaces':[{'path':'/x'}]}"),
                "config.json: linux.namespaces[0].type: missing");
  expect_error (WITH ("'linux':{'namespaces':[{'type':'net','path':'x'}]}"),
                "config.json: linux.namespaces[0].type: unknown namespace type \"net\"");
  expect_error (WITH ("'linux':{'namespaces':[{'type':'network','path':'netns/x'}]}"),
                "config.json: linux.namespaces[0].path: must be an absolute path (got \"netns/x\")");
  expect_error (WITH ("'linux':{'namespaces':{'type':'pid'}}"),
                "config.json: linux.namespaces: expected an array");
  expect_error (WITH ("'linux':{'uidMappings':[{'containerID':0,'hostID':-1,'size':1}]}"),
                "config.json: linux.uidMappings[0].hostID: must not be negative (got -1)");
  expect_error (WITH ("'linux':{'gidMappings':[7]}"),
                "config.json: linux.gidMappings[0]: expected an object");
  expect_error (WITH ("'linux':{'devices':[{'type':'x','path':'/dev/x','major':1,'minor':1}]}"),
                "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u "
                "or p)");
  expect_error (WITH ("'linux':{'devices':[{'type':'c','path':'/dev/x','major':1}]}"),
                "config.json: linux.devices[0].minor: missing");
  expect_error (WITH ("'linux':{'devices':[{'type':'c','path':'dev/x','major':1,'minor':1}]}"),
                "config.json: linux.devices[0].path: must be an absolute path (got \"dev/x\")");
  expect_error (WITH ("'linux':{'devices':[{'type':'c','path':'/dev/x','major':1,'minor':1,"
                      "'fileMode':'0666'}]}"),
                "config.json: linux.devices[0].fileMode: must be an integer");
  expect_error (WITH ("'linux':{'rootfsPropagation':'bogus'}"),
                "config.json: linux.rootfsPropagation: unknown propagation \"bogus\"");
  expect_error (WITH ("'linux':{'sysctl':{'a':1}}"), "config.json: linux.sysctl.a: expected a string");
  expect_error (WITH ("'linux':{'maskedPaths':'/proc'}"),
                "config.json: linux.maskedPaths: expected an array of strings");
  expect_error (WITH ("'linux':{'cgroupsPath':1}"), "config.json: linux.cgroupsPath: expected a string");
}

static void
test_resources_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'linux':{'resources':[]}"), "config.json: linux.resources: expected an object");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':'1g'}}}"),
                "config.json: linux.resources.memory.limit: must be an integer");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':1.5}}}"),
                "config.json: linux.resources.memory.limit: must be an integer");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':-2}}}"),
                "config.json: linux.resources.memory.limit: out of range (got -2, expected -1 to "
                "9223372036854775807)");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':9223372036854775808}}}"),
                "config.json: linux.resources.memory.limit: out of range (got 9223372036854775808, "
                "expected -1 to 9223372036854775807)");
  expect_error (WITH ("'linux':{'resources':{'memory':{'swappiness':-1}}}"),
                "config.json: linux.resources.memory.swappiness: must not be negative (got -1)");
  expect_error (WITH ("'linux':{'resources':{'memory':7}}"),
                "config.json: linux.resources.memory: expected an object");
  expect_error (WITH ("'linux':{'resources':{'cpu':{'shares':-5}}}"),
                "config.json: linux.resources.cpu.shares: must not be negative (got -5)");
  expect_error (WITH ("'linux':{'resources':{'cpu':{'cpus':0}}}"),
                "config.json: linux.resources.cpu.cpus: expected a string");
  expect_error (WITH ("'linux':{'resources':{'pids':{'limit':'max'}}}"),
                "config.json: linux.resources.pids.limit: must be an integer");
  expect_error (WITH ("'linux':{'resources':{'blockIO':{'weight':65536}}}"),
                "config.json: linux.resources.blockIO.weight: out of range (got 65536, at most "
                "65535)");
  expect_error (WITH ("'linux':{'resources':{'devices':[{'allow':'yes'}]}}"),
                "config.json: linux.resources.devices[0].allow: expected true or false");
  expect_error (WITH ("'linux':{'resources':{'devices':[{'allow':true,'access':'rwx'}]}}"),
                "config.json: linux.resources.devices[0].access: invalid access \"rwx\" (expected "
                "letters of \"rwm\")");
  expect_error (WITH ("'linux':{'resources':{'devices':[{'allow':true,'type':'p'}]}}"),
                "config.json: linux.resources.devices[0].type: unknown device type \"p\" "
                "(expected a, c or b)");
  expect_error (WITH ("'linux':{'resources':{'hugepageLimits':[{'pageSize':'2MB'}]}}"),
                "config.json: linux.resources.hugepageLimits[0].limit: missing");
  expect_error (WITH ("'linux':{'resources':{'unified':{'memory.max':1}}}"),
                "config.json: linux.resources.unified.memory.max: expected a string");
}

static void
test_hooks_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'hooks':{'prestart':{}}"), "config.json: hooks.prestart: expected an array");
  expect_error (WITH ("'hooks':{'prestart':[{'path':'/a'},5]}"),
                "config.json: hooks.prestart[1]: expected an object");
  expect_error (WITH ("'hooks':{'poststop':[{'args':['x']}]}"),
                "config.json: hooks.poststop[0].path: missing");
  expect_error (WITH ("'hooks':{'createRuntime':[{'path':'/a','timeout':0}]}"),
                "config.json: hooks.createRuntime[0].timeout: out of range (got 0, expected 1 to "
                "2147483647)");
  expect_error (WITH ("'hooks':{'startContainer':[{'path':'/a','env':'A=b'}]}"),
                "config.json: hooks.startContainer[0].env: expected an array of strings");
}

static void
test_seccomp_errors (void **state)
{
  (void) state;
  expect_error (WITH ("'linux':{'seccomp':'default'}"), "config.json: linux.seccomp: expected an object");
  expect_error (WITH ("'linux':{'seccomp':{}}"), "config.json: linux.seccomp.defaultAction: missing");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{}]}}"),
                "config.json: linux.seccomp.syscalls[0].names: missing");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
                      "[{'names':['read']}]}}"),
                "config.json: linux.seccomp.syscalls[0].action: missing");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
                      "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,"
                      "'op':'SCMP_CMP_EQ'},'x']}]}}"),
                "config.json: linux.seccomp.syscalls[0].args[1]: expected an object");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
                      "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':-1,"
                      "'op':'SCMP_CMP_EQ'}]}]}}"),
                "config.json: linux.seccomp.syscalls[0].args[0].value: must not be negative (got "
                "-1)");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
                      "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,"
                      "'op':'SCMP_CMP_EQ'}]}]}}"),
                "config.json: linux.seccomp.syscalls[0].args[0].index: out of range (got 6, a "
                "syscall has arguments 0 to 5)");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
                      "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':1}]}]}}"),
                "config.json: linux.seccomp.syscalls[0].args[0].op: missing");
  expect_error (WITH ("'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':"
                      "'SCMP_ARCH_X86_64'}}"),
                "config.json: linux.seccomp.architectures: expected an array of strings");
}

static void
test_numbers (void **state)
{
  (void) state;
  /* The full uint64 range survives, -1 means unlimited where allowed, -0 is 0. */
  _cleanup_spec_ struct spec *s = read_ok (
      WITH ("'process':{'args':['a'],'rlimits':[{'type':'RLIMIT_AS','hard':18446744073709551615,"
            "'soft':18446744073709551614}],'user':{'uid':4294967295,'gid':-0}},"
            "'linux':{'resources':{'memory':{'limit':-1,'swap':-1},'cpu':{'quota':-1},"
            "'pids':{'limit':-1}}}"));
  assert_true (s->process->rlimits[0].hard == UINT64_MAX);
  assert_true (s->process->rlimits[0].soft == UINT64_MAX - 1);
  assert_int_equal (s->process->user.uid, UINT32_MAX);
  assert_int_equal (s->process->user.gid, 0);
  assert_int_equal (s->linux_->resources->memory->limit, -1);
  assert_int_equal (s->linux_->resources->memory->swap, -1);
  assert_int_equal (s->linux_->resources->cpu->quota, -1);
  assert_int_equal (s->linux_->resources->pids->limit, -1);
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':99999999999999999999999999999}}}"),
                "config.json: linux.resources.memory.limit: out of range (got "
                "99999999999999999999999999999, expected -1 to 9223372036854775807)");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':-99999999999999999999999999999}}}"),
                "config.json: linux.resources.memory.limit: out of range (got "
                "-99999999999999999999999999999, expected -1 to 9223372036854775807)");
  expect_error (WITH ("'linux':{'resources':{'memory':{'limit':1E9}}}"),
                "config.json: linux.resources.memory.limit: must be an integer");
}

static void
test_deep_nesting (void **state)
{
  (void) state;
  /* Nesting in an unknown field: moderate depth is fine, absurd depth is
   * a clean error (never a crash). */
  size_t depths[] = { 100, 10000, 200000 };
  for (size_t k = 0; k < ARRAY_SIZE (depths); k++)
    {
      size_t d = depths[k];
      size_t cap = strlen (BASE) + 2 * d + 64;
      _cleanup_free_ char *text = xmalloc (cap);
      size_t n = (size_t) snprintf (text, cap, "{%s,\"x-deep\":", BASE);
      for (char *p = text; *p; p++)
        if (*p == '\'')
          *p = '"';
      memset (text + n, '[', d);
      memset (text + n + d, ']', d);
      n += 2 * d;
      text[n++] = '}';
      text[n] = '\0';
      _cleanup_error_ mk_error *err = NULL;
      _cleanup_spec_ struct spec *s = NULL;
      int r = spec_read_text (text, n, "config.json", &s, &err);
      if (d <= 100)
        assert_int_equal (r, 0);
      else
        {
          assert_int_equal (r, -1);
          assert_non_null (strstr (err->msg, "nested deeper than"));
        }
    }
}

static void
test_read_file_errors (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  struct spec *s = NULL;
  assert_int_equal (spec_read_file ("/nonexistent/config.json", &s, &err), -1);
  assert_null (s);
  assert_string_equal (err->msg, "open `/nonexistent/config.json`: No such file or directory");
  assert_int_equal (mk_error_errno (err), ENOENT);

  char path[] = "/tmp/test_spec_read.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  close (fd);
  mk_error_free (&err);
  /* An empty file names itself in the error. */
  assert_int_equal (spec_read_file (path, &s, &err), -1);
  _cleanup_free_ char *expected = xasprintf ("%s: invalid JSON at line 1, column 1: empty input", path);
  assert_string_equal (err->msg, expected);
  unlink (path);
}

static void
test_process_file (void **state)
{
  (void) state;
  _cleanup_free_ char *good = q ("{'args':['ls','-l'],'env':['A=1'],'cwd':'/tmp','terminal':true,"
                                 "'user':{'uid':5,'gid':6},'capabilities':{'bounding':['CAP_KILL']},"
                                 "'x-extra':1}");
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_process_ struct spec_process *p = NULL;
  assert_int_equal (spec_read_process_text (good, strlen (good), "process.json", &p, &err), 0);
  assert_string_equal (p->args[1], "-l");
  assert_string_equal (p->cwd, "/tmp");
  assert_true (p->terminal);
  assert_int_equal (p->user.gid, 6);
  assert_string_equal (p->capabilities->bounding[0], "CAP_KILL");

  struct
  {
    const char *json, *msg;
  } bad[] = {
    { "{'cwd':'/'}", "process.json: args: missing" },
    { "{'args':'ls'}", "process.json: args: expected an array of strings" },
    { "{'args':['ls'],'user':{'uid':-3}}", "process.json: user.uid: must not be negative (got -3)" },
    { "{'args':['ls'],'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1.0}]}",
      "process.json: rlimits[0].hard: must be an integer" },
    { "['ls']", "process.json: expected a JSON object at the top level, got an array" },
    { "", "process.json: invalid JSON at line 1, column 1: empty input" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_free_ char *text = q (bad[i].json);
      _cleanup_error_ mk_error *e = NULL;
      struct spec_process *bp = NULL;
      assert_int_equal (spec_read_process_text (text, strlen (text), "process.json", &bp, &e), -1);
      assert_null (bp);
      assert_string_equal (e->msg, bad[i].msg);
    }

  mk_error_free (&err);
  struct spec_process *missing = NULL;
  assert_int_equal (spec_read_process_file ("/nonexistent/p.json", &missing, &err), -1);
  assert_string_equal (err->msg, "open `/nonexistent/p.json`: No such file or directory");
}

static void
test_resources_text (void **state)
{
  (void) state;
  _cleanup_free_ char *good = q ("{'memory':{'limit':1048576,'swap':-1},'cpu':{'quota':50000,"
                                 "'period':100000},'pids':{'limit':10},'blockIO':{'weight':10},"
                                 "'unified':{'pids.max':'20'}}");
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_resources_ struct spec_resources *r = NULL;
  assert_int_equal (spec_read_resources_text (good, strlen (good), "resources", &r, &err), 0);
  assert_int_equal (r->memory->limit, 1048576);
  assert_int_equal (r->cpu->quota, 50000);
  assert_int_equal (r->pids->limit, 10);
  assert_string_equal (spec_map_get (&r->unified, "pids.max"), "20");

  struct
  {
    const char *json, *msg;
  } bad[] = {
    { "{'memory':{'limit':'1g'}}", "resources: memory.limit: must be an integer" },
    { "{'cpu':[]}", "resources: cpu: expected an object" },
    { "{'pids':{'limit':1.5}}", "resources: pids.limit: must be an integer" },
    { "7", "resources: expected a JSON object at the top level, got a number" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_free_ char *text = q (bad[i].json);
      _cleanup_error_ mk_error *e = NULL;
      struct spec_resources *br = NULL;
      assert_int_equal (spec_read_resources_text (text, strlen (text), "resources", &br, &e), -1);
      assert_null (br);
      assert_string_equal (e->msg, bad[i].msg);
    }
}

static void
test_resources_file (void **state)
{
  (void) state;
  char path[] = "/tmp/test_spec_read.res.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  const char *text = "{\"pids\":{\"limit\":7}}";
  assert_int_equal (write (fd, text, strlen (text)), (ssize_t) strlen (text));
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_resources_ struct spec_resources *r = NULL;
  assert_int_equal (spec_read_resources_file (path, &r, &err), 0);
  assert_int_equal (r->pids->limit, 7);

  /* "-" is standard input. */
  int saved = dup (0);
  assert_true (saved >= 0);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  assert_int_equal (dup2 (fd, 0), 0);
  _cleanup_spec_resources_ struct spec_resources *r2 = NULL;
  int ret = spec_read_resources_file ("-", &r2, &err);
  /* An empty stdin names "stdin" in the error. */
  assert_int_equal (ftruncate (fd, 0), 0);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  struct spec_resources *r3 = NULL;
  _cleanup_error_ mk_error *err3 = NULL;
  int ret3 = spec_read_resources_file ("-", &r3, &err3);
  assert_int_equal (dup2 (saved, 0), 0);
  close (saved);
  close (fd);
  unlink (path);
  assert_int_equal (ret, 0);
  assert_int_equal (r2->pids->limit, 7);
  assert_int_equal (ret3, -1);
  assert_string_equal (err3->msg, "stdin: invalid JSON at line 1, column 1: empty input");
}

static void
test_duplicate_keys_last_wins (void **state)
{
  (void) state;
  _cleanup_spec_ struct spec *s
      = read_ok (WITH ("'hostname':'first','hostname':'second','annotations':{'a':'1','a':'2'}"));
  assert_string_equal (s->hostname, "second");
  assert_int_equal (s->annotations.len, 1);
  assert_string_equal (spec_map_get (&s->annotations, "a"), "2");
}

static void
test_not_nul_terminated (void **state)
{
  (void) state;
  /* The length is what counts: a buffer without a NUL is fine. */
  _cleanup_free_ char *text = q ("{" BASE "}garbage");
  size_t len = strlen (text) - strlen ("garbage");
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_spec_ struct spec *s = NULL;
  assert_int_equal (spec_read_text (text, len, "config.json", &s, &err), 0);
  assert_string_equal (s->root_path, "rootfs");
}

static void
test_map_and_namespace_lookups (void **state)
{
  (void) state;
  struct spec_map m = { 0 };
  assert_null (spec_map_get (&m, "a"));
  spec_map_set (&m, "a", "1");
  spec_map_set (&m, "b", "2");
  spec_map_set (&m, "a", "3");
  assert_int_equal (m.len, 2);
  assert_string_equal (spec_map_get (&m, "a"), "3");
  assert_string_equal (spec_map_get (&m, "b"), "2");
  for (size_t i = 0; i < m.len; i++)
    {
      free (m.keys[i]);
      free (m.values[i]);
    }
  free (m.keys);
  free (m.values);

  _cleanup_spec_ struct spec *s = read_ok ("{" BASE "}");
  assert_null (spec_find_namespace (s, "pid"));
  assert_null (spec_find_namespace (NULL, "pid"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_json_paths),
    cmocka_unit_test (test_runc_spec_output),
    cmocka_unit_test (test_runc_spec_from_the_binary),
    cmocka_unit_test (test_podman_like_config),
    cmocka_unit_test (test_full_config_fields),
    cmocka_unit_test (test_minimal_config),
    cmocka_unit_test (test_null_is_absent),
    cmocka_unit_test (test_oci_versions),
    cmocka_unit_test (test_invalid_json),
    cmocka_unit_test (test_top_level_errors),
    cmocka_unit_test (test_mount_errors),
    cmocka_unit_test (test_process_errors),
    cmocka_unit_test (test_linux_errors),
    cmocka_unit_test (test_resources_errors),
    cmocka_unit_test (test_hooks_errors),
    cmocka_unit_test (test_seccomp_errors),
    cmocka_unit_test (test_numbers),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_read_file_errors),
    cmocka_unit_test (test_process_file),
    cmocka_unit_test (test_resources_text),
    cmocka_unit_test (test_resources_file),
    cmocka_unit_test (test_duplicate_keys_last_wins),
    cmocka_unit_test (test_not_nul_terminated),
    cmocka_unit_test (test_map_and_namespace_lookups),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
