/* features: what this runtime supports, as the runtime-spec's features
 * document (features.md) describes it, so managers can ask instead of guess. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state.h"

static void
str_array (json_gen *g, const char *key, const char *const *v, size_t n)
{
  json_key (g, key);
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    json_str (g, v[i]);
  json_arr_close (g);
}

static void
enabled (json_gen *g, const char *key, bool on)
{
  json_key (g, key);
  json_obj_open (g);
  json_kv_bool (g, "enabled", on);
  json_obj_close (g);
}

static void
capabilities (json_gen *g)
{
  json_key (g, "capabilities");
  json_arr_open (g);
  int max = cap_max_bits ();
  for (int i = 0; i < max; i++)
    {
      char *name = cap_to_name ((cap_value_t) i);
      if (name == NULL)
        continue;
      char up[64];
      size_t k = 0;
      for (; name[k] && k < sizeof up - 1; k++)
        up[k] = (char) toupper ((unsigned char) name[k]);
      up[k] = '\0';
      cap_free (name);
      if (str_has_prefix (up, "CAP_"))
        json_str (g, up);
    }
  json_arr_close (g);
}

int
cmd_features (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  (void) g;
  cli_reset ();
  int c = getopt_long (argc, argv, ":", (const struct option[]) { { NULL, 0, NULL, 0 } }, NULL);
  if (c != -1)
    return cli_option_error ("features", c, argv, err);
  if (cli_args ("features", argc, argv, 0, 0, "features", err) < 0)
    return -1;

  static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
                                       "startContainer", "poststart", "poststop" };
  static const char *const mount_options[] = {
    "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "mand",
    "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime",
    "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
    "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
    "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro",
    "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw",
    "shared", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
  };
  static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid",
                                            "time", "user", "uts" };
  static const char *const actions[] = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
  };
  static const char *const operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
    "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
  };
  static const char *const archs[] = {
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
    "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
  };
  static const char *const flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                       "SECCOMP_FILTER_FLAG_TSYNC" };

  json_gen *jg = json_gen_new (true);
  json_obj_open (jg);
  json_kv_str (jg, "ociVersionMin", "1.0.0");
  json_kv_str (jg, "ociVersionMax", RT_OCI_VERSION);
  str_array (jg, "hooks", hooks, ARRAY_SIZE (hooks));
  str_array (jg, "mountOptions", mount_options, ARRAY_SIZE (mount_options));
  json_key (jg, "linux");
  json_obj_open (jg);
  str_array (jg, "namespaces", namespaces, ARRAY_SIZE (namespaces));
  capabilities (jg);
  json_key (jg, "cgroup");
  json_obj_open (jg);
  json_kv_bool (jg, "v1", true);
  json_kv_bool (jg, "v2", true);
  json_kv_bool (jg, "systemd", false);
  json_kv_bool (jg, "systemdUser", false);
  json_kv_bool (jg, "rdma", false);
  json_obj_close (jg);
  json_key (jg, "seccomp");
  json_obj_open (jg);
  json_kv_bool (jg, "enabled", true);
  str_array (jg, "actions", actions, ARRAY_SIZE (actions));
  str_array (jg, "operators", operators, ARRAY_SIZE (operators));
  str_array (jg, "archs", archs, ARRAY_SIZE (archs));
  str_array (jg, "knownFlags", flags, ARRAY_SIZE (flags));
  str_array (jg, "supportedFlags", flags, ARRAY_SIZE (flags));
  json_obj_close (jg);
  enabled (jg, "apparmor", false);
  enabled (jg, "selinux", false);
  enabled (jg, "intelRdt", false);
  json_key (jg, "mountExtensions");
  json_obj_open (jg);
  json_key (jg, "idmap");
  json_obj_open (jg);
  json_kv_bool (jg, "enabled", false);
  json_obj_close (jg);
  json_obj_close (jg);
  json_obj_close (jg);
  json_key (jg, "annotations");
  json_obj_open (jg);
  json_kv_str (jg, "org.opencontainers.runc.checkpoint.enabled", "false");
  json_obj_close (jg);
  json_obj_close (jg);
  _cleanup_free_ char *text = json_gen_finish (jg, NULL);
  printf ("%s\n", text);
  return 0;
}
