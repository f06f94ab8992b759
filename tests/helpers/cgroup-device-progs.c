/* cgroup-device-progs DIR: prints how many BPF_CGROUP_DEVICE programs are
 * attached to the cgroup2 directory DIR itself, and its attach flags
 * ("2 multi").  The tests check that update replaces the device program
 * instead of stacking one more (bpftool is not installed everywhere). */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: cgroup-device-progs DIR\n");
      return 2;
    }
  int fd = open (argv[1], O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    {
      perror (argv[1]);
      return 1;
    }
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
