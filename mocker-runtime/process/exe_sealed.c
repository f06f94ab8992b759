#include "mocker-runtime/process/exe_sealed.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool
is_sealed (int fd)
{
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

static int
make_memfd (void)
{
  /* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it
   * non-executable; older kernels refuse the unknown flag. */
  int fd = (int) syscall (SYS_memfd_create, "mocker-runtime",
                          MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = (int) syscall (SYS_memfd_create, "mocker-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  return fd;
}

/* How much of the binary execve needs: up to the end of its last loaded
 * segment.  The rest (debug information, section headers) is two thirds of
 * the file and would only make every copy slower; the whole file when it is
 * not a 64-bit ELF we can read. */
static off_t
loaded_size (int fd, off_t size)
{
  Elf64_Ehdr eh;
  if (pread (fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh || memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0
      || eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof (Elf64_Phdr)
      || eh.e_phnum == 0 || eh.e_phnum > 64)
    return size;
  Elf64_Phdr ph[64];
  size_t len = eh.e_phnum * sizeof ph[0];
  if (pread (fd, ph, len, (off_t) eh.e_phoff) != (ssize_t) len)
    return size;
  uint64_t end = eh.e_phoff + len;
  for (size_t i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type != PT_NULL && ph[i].p_offset + ph[i].p_filesz > end)
      end = ph[i].p_offset + ph[i].p_filesz;
  return end < (uint64_t) size ? (off_t) end : size;
}

/* The running binary cannot be written through /proc/<pid>/exe already: a
 * sealed memfd, or a file on a read-only mount (our own detached bind, or a
 * read-only /usr). */
static bool
already_protected (int exe)
{
  struct statvfs sv;
  return is_sealed (exe) || (fstatvfs (exe, &sv) == 0 && (sv.f_flag & ST_RDONLY));
}

/* A read-only bind mount of the binary on a scratch file in dir, opened
 * O_PATH and detached at once (crun's way): the exe of what runs from it is
 * on a mount that is read-only and in no namespace, so it can be neither
 * written nor remounted, and nothing is copied. -1 when a mount is refused
 * (no CAP_SYS_ADMIN over this mount namespace) or dir is not writable. */
static int
ro_bind_exe (const char *dir)
{
  if (dir == NULL || (mkdir (dir, 0700) < 0 && errno != EEXIST))
    return -1;
  _cleanup_free_ char *tmp = xconcat (dir, "/.exe-XXXXXX", NULL);
  int fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return -1;
  close (fd);
  fd = -1;
  if (mount ("/proc/self/exe", tmp, NULL, MS_BIND, NULL) == 0)
    {
      if (mount (NULL, tmp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0)
        fd = open (tmp, O_PATH | O_CLOEXEC);
      umount2 (tmp, MNT_DETACH);
    }
  unlink (tmp);
  return fd;
}

int
exe_run_sealed (char **argv, const char *scratch_dir, mk_error **err)
{
  _cleanup_close_ int exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return mk_error_set (err, errno, "open /proc/self/exe");
  if (already_protected (exe))
    {
      /* execveat named us after the fd ("3"): take the binary's name back. */
      const char *slash = strrchr (argv[0], '/');
      prctl (PR_SET_NAME, slash ? slash + 1 : argv[0], 0, 0, 0);
      return 0;
    }
  /* MOCKER_RUNTIME_SEALED_COPY=1: always the memfd copy (for hosts where a
   * mount per command is unwelcome: every mount is an event that systemd and
   * other watchers of the mount table read). */
  const char *copy = getenv ("MOCKER_RUNTIME_SEALED_COPY");
  _cleanup_close_ int bound = copy && strcmp (copy, "1") == 0 ? -1 : ro_bind_exe (scratch_dir);
  if (bound >= 0)
    {
      syscall (SYS_execveat, bound, "", argv, environ, AT_EMPTY_PATH);
      return mk_error_set (err, errno, "execute the runtime's read-only bind");
    }
  struct stat st;
  if (fstat (exe, &st) < 0)
    return mk_error_set (err, errno, "stat /proc/self/exe");
  _cleanup_close_ int mfd = make_memfd ();
  if (mfd < 0 && errno == EACCES)
    {
      /* vm.memfd_noexec = 2 forbids executable memfds: run on, unprotected,
       * rather than not at all, and say so. */
      log_warning ("executable memfds are disabled (vm.memfd_noexec): running without a "
                   "sealed copy of the runtime binary (docs/security.md, CVE-2019-5736)");
      return 0;
    }
  if (mfd < 0)
    return mk_error_set (err, errno, "memfd_create for a sealed copy of the runtime");
  off_t off = 0, left = loaded_size (exe, st.st_size);
  while (left > 0)
    {
      ssize_t n = sendfile (mfd, exe, &off, (size_t) left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return mk_error_set (err, n < 0 ? errno : EIO, "copy the runtime binary to a memfd");
      left -= n;
    }
  if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
    return mk_error_set (err, errno, "seal the runtime's memfd copy");
  syscall (SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
  return mk_error_set (err, errno, "execute the runtime's sealed copy");
}
