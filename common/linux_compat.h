#ifndef MOCKER_COMMON_LINUX_COMPAT_H
#define MOCKER_COMMON_LINUX_COMPAT_H

/* System calls that glibc 2.36 wraps and musl 1.2.3 does not: statx and
 * mount_setattr. mocker-runtime is linked against musl when it is installed
 * (docs/runtime.md "Build"), everything else against glibc; this header gives
 * both the same names. The numbers and layouts are the kernel's UAPI. */

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __GLIBC__

#include <linux/stat.h> /* struct statx, STATX_* */

static inline int
statx (int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
  return (int) syscall (SYS_statx, dirfd, path, flags, mask, buf);
}

struct mount_attr
{
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static inline int
mount_setattr (int dirfd, const char *path, unsigned int flags, struct mount_attr *attr,
               size_t size)
{
  return (int) syscall (SYS_mount_setattr, dirfd, path, flags, attr, size);
}

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#define MOUNT_ATTR_IDMAP 0x00100000
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#endif /* !__GLIBC__ */

#endif
