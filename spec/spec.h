/* The OCI runtime-spec config.json, as a C model.
 *
 * One struct per JSON object; optional numbers carry a has_<field> flag;
 * strings are NULL when absent; arrays are a pointer + count; maps of
 * strings are key/value vectors.  spec_read*() fill it from JSON (errors name
 * the JSON path: "config.json: process.args: expected an array of strings");
 * spec_write() turns it back into JSON; spec_free() releases everything.
 * Fields the runtime does not know are ignored on read (see spec/README.md).
 */
#ifndef MK_SPEC_H
#define MK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"

/* The largest config.json (or process.json) read. */
#define SPEC_MAX_SIZE (64u << 20)

struct spec_map  /* a JSON object of strings: annotations, sysctl, unified */
{
  char **keys;
  char **values;
  size_t len;
};

struct spec_id_mapping { uint32_t container_id, host_id, size; };

struct spec_mount
{
  char *destination;
  char *type;
  char *source;
  char **options;  /* NULL-terminated, NULL when absent */
  struct spec_id_mapping *uid_mappings; size_t n_uid_mappings;
  struct spec_id_mapping *gid_mappings; size_t n_gid_mappings;
};

struct spec_rlimit { char *type; uint64_t soft, hard; };

struct spec_capabilities
{
  char **bounding, **effective, **inheritable, **permitted, **ambient; /* NULL-terminated */
};

struct spec_user
{
  uint32_t uid, gid;
  bool has_umask; uint32_t umask;
  uint32_t *additional_gids; size_t n_additional_gids;
  char *username;
};

struct spec_process
{
  bool terminal;
  bool has_console_size; uint32_t console_height, console_width;
  char *cwd;
  char **env;   /* NULL-terminated */
  char **args;  /* NULL-terminated, at least one entry when valid */
  struct spec_rlimit *rlimits; size_t n_rlimits;
  char *apparmor_profile;
  struct spec_capabilities *capabilities; /* NULL when absent */
  bool no_new_privileges;
  bool has_oom_score_adj; int oom_score_adj;
  char *selinux_label;
  struct spec_user user;
};

struct spec_hook
{
  char *path;
  char **args; /* NULL-terminated, may be NULL */
  char **env;  /* NULL-terminated, may be NULL */
  bool has_timeout; int timeout; /* seconds, > 0 */
};

struct spec_hook_list { struct spec_hook *hooks; size_t len; };

struct spec_hooks
{
  struct spec_hook_list prestart, create_runtime, create_container, start_container,
      poststart, poststop;
};

struct spec_namespace
{
  char *type;  /* pid network mount ipc uts user cgroup time */
  char *path;  /* join instead of create, NULL to create */
};

struct spec_device
{
  char *type;  /* "c", "b", "u" or "p" */
  char *path;
  int64_t major, minor;
  bool has_file_mode; uint32_t file_mode;
  bool has_uid; uint32_t uid;
  bool has_gid; uint32_t gid;
};

struct spec_device_cgroup
{
  bool allow;
  char *type;   /* "a", "c", "b"; NULL = all */
  bool has_major; int64_t major;  /* absent = wildcard */
  bool has_minor; int64_t minor;
  char *access; /* "rwm" subset; NULL = all */
};

struct spec_memory
{
  bool has_limit; int64_t limit;          /* bytes; -1 = unlimited */
  bool has_reservation; int64_t reservation;
  bool has_swap; int64_t swap;            /* memory+swap, as runc */
  bool has_kernel; int64_t kernel;
  bool has_kernel_tcp; int64_t kernel_tcp; /* kernelTCP (v1 memory.kmem.tcp.limit_in_bytes) */
  bool has_swappiness; uint64_t swappiness;
  bool has_disable_oom_killer; bool disable_oom_killer;
};

struct spec_cpu
{
  bool has_shares; uint64_t shares;
  bool has_quota; int64_t quota;          /* -1 = unlimited */
  bool has_period; uint64_t period;
  bool has_burst; uint64_t burst;
  bool has_realtime_runtime; int64_t realtime_runtime;
  bool has_realtime_period; uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle; int64_t idle;
};

struct spec_pids { bool has_limit; int64_t limit; };

struct spec_hugepage_limit { char *page_size; uint64_t limit; };

struct spec_blkio
{
  bool has_weight; uint16_t weight;
};

struct spec_net_priority { char *name; uint32_t priority; };

/* linux.resources.network: v1 net_cls and net_prio only. */
struct spec_network
{
  bool has_class_id; uint32_t class_id;
  struct spec_net_priority *priorities; size_t n_priorities;
};

struct spec_resources
{
  struct spec_device_cgroup *devices; size_t n_devices;
  struct spec_memory *memory; /* NULL when absent */
  struct spec_cpu *cpu;
  struct spec_pids *pids;
  struct spec_blkio *block_io;
  struct spec_hugepage_limit *hugepage_limits; size_t n_hugepage_limits;
  struct spec_map unified;   /* cgroup v2 files written as is */
  struct spec_network *network; /* NULL when absent */
};

struct spec_seccomp_arg
{
  uint32_t index;
  uint64_t value;
  bool has_value_two; uint64_t value_two;
  char *op;  /* SCMP_CMP_EQ ... */
};

struct spec_seccomp_syscall
{
  char **names; /* NULL-terminated */
  char *action; /* SCMP_ACT_... */
  bool has_errno_ret; uint32_t errno_ret;
  struct spec_seccomp_arg *args; size_t n_args;
};

struct spec_seccomp
{
  char *default_action;
  bool has_default_errno_ret; uint32_t default_errno_ret;
  char **architectures; /* NULL-terminated, may be NULL */
  char **flags;         /* NULL-terminated, may be NULL */
  char *listener_path;
  char *listener_metadata;
  struct spec_seccomp_syscall *syscalls; size_t n_syscalls;
};

struct spec_linux
{
  struct spec_namespace *namespaces; size_t n_namespaces;
  struct spec_id_mapping *uid_mappings; size_t n_uid_mappings;
  struct spec_id_mapping *gid_mappings; size_t n_gid_mappings;
  struct spec_device *devices; size_t n_devices;
  char *cgroups_path;
  struct spec_resources *resources; /* NULL when absent */
  char *rootfs_propagation;  /* shared slave private rshared rslave rprivate unbindable runbindable */
  struct spec_seccomp *seccomp; /* NULL when absent */
  struct spec_map sysctl;
  char **masked_paths;   /* NULL-terminated, may be NULL */
  char **readonly_paths; /* NULL-terminated, may be NULL */
  char *mount_label;
};

struct spec
{
  char *oci_version;
  char *root_path;   /* as written: relative to the bundle or absolute */
  bool root_readonly;
  struct spec_mount *mounts; size_t n_mounts;
  struct spec_process *process; /* NULL when absent: the reader allows it, create must refuse it */
  char *hostname;
  char *domainname;
  struct spec_hooks hooks;
  struct spec_map annotations;
  struct spec_linux *linux_; /* NULL when absent */
};

/* Reading.  `what` names the source in errors ("config.json").  A reader
 * fails for: invalid JSON (line/column), a wrong type at any path, an
 * unsupported ociVersion (not 1.x), a missing root.path or process.args,
 * an unknown namespace type, numbers out of range. */
int spec_read_file (const char *path, struct spec **out, mk_error **err);
int spec_read_text (const char *text, size_t len, const char *what, struct spec **out,
                    mk_error **err);

/* The process object alone (exec --process FILE). */
int spec_read_process_file (const char *path, struct spec_process **out, mk_error **err);
int spec_read_process_text (const char *text, size_t len, const char *what,
                            struct spec_process **out, mk_error **err);

/* A LinuxResources object alone (update --resources FILE|-). */
int spec_read_resources_text (const char *text, size_t len, const char *what,
                              struct spec_resources **out, mk_error **err);
/* path "-" reads standard input (errors then say "stdin"). */
int spec_read_resources_file (const char *path, struct spec_resources **out, mk_error **err);

/* Writing: JSON text (heap), pretty-printed when pretty is true. */
char *spec_write (const struct spec *s, bool pretty);
int spec_write_file (const struct spec *s, const char *path, mk_error **err); /* atomic */
/* The process object alone (what exec --process reads) and a resources
 * object alone (what update --resources reads). */
char *spec_write_process (const struct spec_process *p, bool pretty);
char *spec_write_resources (const struct spec_resources *r, bool pretty);

/* The default config that `mocker-runtime spec` writes (runc spec's shape). */
struct spec *spec_new_default (bool rootless);

void spec_free (struct spec *s);
void spec_process_free (struct spec_process *p);
void spec_resources_free (struct spec_resources *r);
void cleanup_specp (struct spec **s);
#define _cleanup_spec_ __attribute__ ((cleanup (cleanup_specp)))
void cleanup_spec_processp (struct spec_process **p);
#define _cleanup_spec_process_ __attribute__ ((cleanup (cleanup_spec_processp)))
void cleanup_spec_resourcesp (struct spec_resources **r);
#define _cleanup_spec_resources_ __attribute__ ((cleanup (cleanup_spec_resourcesp)))

/* Small lookups used by both tiers. */
const char *spec_map_get (const struct spec_map *m, const char *key);
/* Frees the keys and values and leaves an empty map. */
void spec_map_clear (struct spec_map *m);
void spec_map_set (struct spec_map *m, const char *key, const char *value);
/* The namespace entry of a type, or NULL. */
const struct spec_namespace *spec_find_namespace (const struct spec *s, const char *type);

#endif
