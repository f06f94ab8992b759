/* Running the runtime from a sealed copy of its binary (CVE-2019-5736).
 *
 * The container's init and an exec'd process are copies of the runtime until
 * they execve the user's program, and a program that is `#!/proc/self/exe`
 * makes that execve run the runtime's binary again, as a container process.
 * Either way /proc/<pid>/exe of a process the container can see is the
 * runtime's binary: opened from inside (by a process with enough
 * capabilities to look at it), then reopened for writing through
 * /proc/self/fd/N once no runtime runs, it would let the container overwrite
 * the host's mocker-runtime.  So create, run and exec first re-execute
 * themselves from a memfd copy of the binary sealed against any write
 * (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL): every runtime
 * process a container can reach then has that memfd as its exe, and the host
 * file is never one.  Where the kernel forbids executable memfds
 * (vm.memfd_noexec = 2) the runtime warns and runs unprotected. */
#ifndef RT_EXE_SEALED_H
#define RT_EXE_SEALED_H

#include "common/error.h"

/* Returns 0 when the running binary is already a sealed memfd; otherwise
 * re-executes argv from one (no return) or fails. */
int exe_run_sealed (char **argv, mk_error **err);

#endif
