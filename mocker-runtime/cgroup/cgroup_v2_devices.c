/* linux.resources.devices on cgroup v2: the program of
 * cgroup_devices_program.c loaded with bpf(2) (BPF_PROG_LOAD) and attached
 * to the container's cgroup as BPF_CGROUP_DEVICE.
 *
 * Replacing a policy (update) never leaves the group without one: the new
 * program is attached next to the old ones with BPF_F_ALLOW_MULTI (the
 * kernel then allows only what every program allows), and the old ones are
 * detached afterwards.  A group whose programs were attached without
 * BPF_F_ALLOW_MULTI (by another manager) cannot take a second one: there the
 * new program replaces the old one in one attach with the same flags. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

/* Neither glibc nor musl wraps bpf(2). */
static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
load_program (const struct bpf_insn *insns, size_t n, mk_error **err)
{
  static const char license[] = "GPL";
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uint64_t) (uintptr_t) license;
  int fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  int e = errno;
  if (e != EINVAL && e != EACCES)
    return mk_error_set (err, e, "cgroup: load the device program (bpf BPF_PROG_LOAD)");
  /* The verifier refused it: load again with its log, for the message. */
  _cleanup_free_ char *log = xzalloc (4096);
  attr.log_level = 1;
  attr.log_buf = (uint64_t) (uintptr_t) log;
  attr.log_size = 4096;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  /* The verifier's reason is the last line before its statistics. */
  const char *why = "";
  for (char *save = NULL, *line = strtok_r (log, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    if (strncmp (line, "processed ", 10) != 0 && strncmp (line, "verification time", 17) != 0
        && strncmp (line, "stack depth", 11) != 0)
      why = line;
  return mk_error_set (err, e, "cgroup: the kernel refused the device program (%s)", why);
}

/* The ids of the device programs attached to the group and its attach flags. */
static int
query_programs (int cgroup_fd, uint32_t **ids, uint32_t *count, uint32_t *flags, mk_error **err)
{
  uint32_t cap = 16;
  for (;;)
    {
      _cleanup_free_ uint32_t *buf = xzalloc (cap * sizeof *buf);
      union bpf_attr attr;
      memset (&attr, 0, sizeof attr);
      attr.query.target_fd = cgroup_fd;
      attr.query.attach_type = BPF_CGROUP_DEVICE;
      attr.query.prog_ids = (uint64_t) (uintptr_t) buf;
      attr.query.prog_cnt = cap;
      if (sys_bpf (BPF_PROG_QUERY, &attr) == 0)
        {
          *ids = STEAL (buf);
          *count = attr.query.prog_cnt;
          *flags = attr.query.attach_flags;
          return 0;
        }
      if (errno != ENOSPC || attr.query.prog_cnt <= cap)
        return mk_error_set (err, errno, "cgroup: query the device programs (bpf BPF_PROG_QUERY)");
      cap = attr.query.prog_cnt;
    }
}

static int
attach_program (int cgroup_fd, int prog_fd, uint32_t flags, mk_error **err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = cgroup_fd;
  attr.attach_bpf_fd = prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return mk_error_set (err, errno, "cgroup: attach the device program (bpf BPF_PROG_ATTACH)");
  return 0;
}

static int
detach_program (int cgroup_fd, uint32_t id, mk_error **err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  _cleanup_close_ int prog_fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (prog_fd < 0)
    {
      if (errno == ENOENT)
        return 0; /* gone meanwhile */
      return mk_error_set (err, errno, "cgroup: open device program %u (bpf BPF_PROG_GET_FD_BY_ID)", id);
    }
  memset (&attr, 0, sizeof attr);
  attr.target_fd = cgroup_fd;
  attr.attach_bpf_fd = prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
    return mk_error_set (err, errno, "cgroup: detach device program %u (bpf BPF_PROG_DETACH)", id);
  return 0;
}

int
cgroup_v2_devices_apply (const char *dir, const struct spec_resources *res, mk_error **err)
{
  _cleanup_free_ struct cgroup_dev_rule *rules = NULL;
  size_t n_rules;
  if (cgroup_dev_rules_from_spec (res, &rules, &n_rules, err) < 0)
    return -1;
  size_t n_insns;
  _cleanup_free_ struct bpf_insn *insns = cgroup_dev_program (rules, n_rules, &n_insns);

  _cleanup_close_ int cgroup_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgroup_fd < 0)
    return mk_error_set (err, errno, "cgroup: open %s", dir);
  _cleanup_close_ int prog_fd = load_program (insns, n_insns, err);
  if (prog_fd < 0)
    return mk_error_wrap (err, "linux.resources.devices");

  _cleanup_free_ uint32_t *old = NULL;
  uint32_t n_old = 0, flags = 0;
  if (query_programs (cgroup_fd, &old, &n_old, &flags, err) < 0)
    return mk_error_wrap (err, "linux.resources.devices");
  if (n_old > 0 && !(flags & BPF_F_ALLOW_MULTI))
    {
      /* Attached by someone else without BPF_F_ALLOW_MULTI: an attach with
       * the same flags replaces that program atomically. */
      if (attach_program (cgroup_fd, prog_fd, flags, err) < 0)
        return mk_error_wrap (err, "linux.resources.devices on %s", dir);
      log_debug ("cgroup: %s: device program replaced (%u rules)", dir, (unsigned) n_rules);
      return 0;
    }
  if (attach_program (cgroup_fd, prog_fd, BPF_F_ALLOW_MULTI, err) < 0)
    return mk_error_wrap (err, "linux.resources.devices on %s", dir);
  /* The new policy is in force: the old ones can go. */
  for (uint32_t i = 0; i < n_old; i++)
    if (detach_program (cgroup_fd, old[i], err) < 0)
      return mk_error_wrap (err, "linux.resources.devices on %s", dir);
  log_debug ("cgroup: %s: device program attached (%u rules, %u old detached)", dir,
             (unsigned) n_rules, (unsigned) n_old);
  return 0;
}
