/* Capabilities mocker itself lacks cannot be given to a container: the
 * runtime would fail to set them.  --privileged and --cap-add ALL mean
 * "every capability we have", as podman does. */
#include "mocker/container/caps_filter.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "common/util.h"

/* Capability names by number (linux/capability.h). */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
  "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
  "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
  "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static bool
have_cap (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (cap_names); i++)
    if (strcmp (cap_names[i], name) == 0)
      return prctl (PR_CAPBSET_READ, (unsigned long) i, 0, 0, 0) == 1;
  return true; /* unknown here: let the runtime judge */
}

static void
filter (char **v)
{
  size_t w = 0;
  for (size_t r = 0; v && v[r]; r++)
    if (have_cap (v[r]))
      v[w++] = v[r];
    else
      free (v[r]);
  if (v)
    v[w] = NULL;
}

void
caps_filter_bounding (struct spec_capabilities *c)
{
  if (c == NULL)
    return;
  filter (c->bounding);
  filter (c->effective);
  filter (c->permitted);
  filter (c->inheritable);
  filter (c->ambient);
}
