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
 * themselves from a file that cannot be written through that link, and every
 * runtime process a container can reach has it as its exe:
 *  - a read-only bind mount of the binary, opened O_PATH and detached at once
 *    (crun's way: nothing is copied; the mount is read-only and in no
 *    namespace, so neither a write nor a remount can reach it); needs
 *    CAP_SYS_ADMIN over the mount namespace, as root has;
 *  - else a memfd copy of the binary's loaded part sealed against any write
 *    (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL; runc's way),
 *    ~0.3 ms more per command; MOCKER_RUNTIME_SEALED_COPY=1 always takes this
 *    one (no mount per command).
 * A binary already on a read-only mount (or a sealed memfd) runs as it is.
 * Where neither works (vm.memfd_noexec = 2 and no mounts) the runtime warns
 * and runs unprotected. */
#ifndef RT_EXE_SEALED_H
#define RT_EXE_SEALED_H

#include "common/error.h"

/* Returns 0 when the running binary is already protected; otherwise
 * re-executes argv from a read-only bind (its scratch file made in
 * scratch_dir, the state root) or a sealed memfd (no return), or fails. */
int exe_run_sealed (char **argv, const char *scratch_dir, mk_error **err);

#endif
