/* cgroup-device-progs DIR: prints how many BPF_CGROUP_DEVICE programs are
 * attached to the cgroup2 directory DIR itself, and its attach flags
 * ("2 multi").  The tests check that update replaces the device program
 * instead of stacking one more (bpftool is not installed everywhere).
 *
 * cgroup-device-progs --attach-single DIR: attaches an allow-everything
 * device program to DIR without BPF_F_ALLOW_MULTI, as a manager that wants
 * the group for itself would (the runtime must replace it, not fail). */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
attach_single (int fd)
{
  struct bpf_insn prog[2];
  memset (prog, 0, sizeof prog);
  prog[0].code = BPF_ALU | BPF_MOV | BPF_K; /* r0 = 1 */
  prog[0].imm = 1;
  prog[1].code = BPF_JMP | BPF_EXIT;
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) prog;
  attr.insn_cnt = 2;
  attr.license = (uint64_t) (uintptr_t) "GPL";
  int prog_fd = syscall (SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
  if (prog_fd < 0)
    {
      perror ("bpf BPF_PROG_LOAD");
      return 1;
    }
  memset (&attr, 0, sizeof attr);
  attr.target_fd = fd;
  attr.attach_bpf_fd = prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (syscall (SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0)
    {
      perror ("bpf BPF_PROG_ATTACH");
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  int attach = argc == 3 && strcmp (argv[1], "--attach-single") == 0;
  if (argc != 2 && !attach)
    {
      fprintf (stderr, "usage: cgroup-device-progs [--attach-single] DIR\n");
      return 2;
    }
  const char *dir = argv[argc - 1];
  int fd = open (dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    {
      perror (dir);
      return 1;
    }
  if (attach)
    return attach_single (fd);
  uint32_t ids[64];
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = 64;
  if (syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) < 0)
    {
      perror ("bpf BPF_PROG_QUERY");
      return 1;
    }
  printf ("%u %s\n", attr.query.prog_cnt,
          attr.query.attach_flags & BPF_F_ALLOW_MULTI ? "multi" : "single");
  return 0;
}
