#include "mocker-runtime/seccomp/seccomp_bpf.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/seccomp/seccomp_internal.h"
#include "mocker-runtime/seccomp/seccomp_notify.h"

#define CACHE_DIR ".seccomp-cache"
#define MAGIC "MKSECCOMP1\n"
#define MAX_INSNS 65536

void
seccomp_bpf_clear (struct seccomp_bpf *b)
{
  free (b->insns);
  memset (b, 0, sizeof *b);
}

/* ---- the key: the profile as text ---- */

static void
append (char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static void
append (char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *s = xvasprintf (fmt, ap);
  va_end (ap);
  size_t n = strlen (s);
  if (*len + n + 1 > *cap)
    {
      *cap = (*len + n + 1) * 2;
      *buf = xrealloc (*buf, *cap);
    }
  memcpy (*buf + *len, s, n + 1);
  *len += n;
}

#define S(x) ((x) ? (x) : "")

static char *
profile_key (const struct spec_seccomp *s)
{
  char *buf = NULL;
  size_t len = 0, cap = 0;
  const struct scmp_version *v = seccomp_version ();
  append (&buf, &len, &cap, "libseccomp %u.%u.%u api %u\n", v->major, v->minor, v->micro,
          seccomp_api_get ());
  append (&buf, &len, &cap, "default %s %d %u\n", S (s->default_action),
          s->has_default_errno_ret, s->default_errno_ret);
  for (size_t i = 0; s->architectures && s->architectures[i]; i++)
    append (&buf, &len, &cap, "arch %s\n", s->architectures[i]);
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    append (&buf, &len, &cap, "flag %s\n", s->flags[i]);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct spec_seccomp_syscall *sc = &s->syscalls[i];
      append (&buf, &len, &cap, "rule %s %d %u", S (sc->action), sc->has_errno_ret, sc->errno_ret);
      for (size_t j = 0; sc->names && sc->names[j]; j++)
        append (&buf, &len, &cap, " %s", sc->names[j]);
      for (size_t j = 0; j < sc->n_args; j++)
        append (&buf, &len, &cap, " [%u %s %llu %d %llu]", sc->args[j].index, S (sc->args[j].op),
                (unsigned long long) sc->args[j].value, sc->args[j].has_value_two,
                (unsigned long long) sc->args[j].value_two);
      append (&buf, &len, &cap, "\n");
    }
  return buf ? buf : xstrdup ("");
}

/* FNV-1a, 64 bits: only names the cache file (the full key is checked). */
static uint64_t
fnv1a (const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return h;
}

/* ---- compile ---- */

static unsigned int
filter_flags (const struct spec_seccomp *s)
{
  unsigned int f = 0;
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    {
      if (strcmp (s->flags[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        f |= SECCOMP_FILTER_FLAG_TSYNC;
      else if (strcmp (s->flags[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
        f |= SECCOMP_FILTER_FLAG_LOG;
      else if (strcmp (s->flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    }
  if (seccomp_wants_listener (s))
    f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return f;
}

static int
compile (const struct spec_seccomp *s, struct seccomp_bpf *out, mk_error **err)
{
  scmp_filter_ctx ctx = NULL;
  if (seccomp_build (s, &ctx, err) < 0)
    return -1;
  int fd = memfd_create ("seccomp", MFD_CLOEXEC);
  int r = fd < 0 ? -errno : seccomp_export_bpf (ctx, fd);
  seccomp_release (ctx);
  if (r < 0)
    {
      if (fd >= 0)
        close (fd);
      return mk_error_set (err, -r, "seccomp: export the compiled filter");
    }
  off_t size = lseek (fd, 0, SEEK_END);
  size_t insn = sizeof (struct sock_filter);
  if (size <= 0 || (size_t) size % insn || (size_t) size / insn > MAX_INSNS)
    {
      close (fd);
      return mk_error_set (err, 0, "seccomp: compiled filter has an odd size (%lld bytes)",
                           (long long) size);
    }
  out->insns = xmalloc ((size_t) size);
  out->len = (size_t) size / sizeof (struct sock_filter);
  out->flags = filter_flags (s);
  ssize_t n = pread (fd, out->insns, (size_t) size, 0);
  close (fd);
  if (n != size)
    {
      seccomp_bpf_clear (out);
      return mk_error_set (err, errno, "seccomp: read the compiled filter");
    }
  return 0;
}

/* ---- files: MAGIC, then "<flags> <keylen> <ninsns>\n", key, insns ---- */

static int
write_bpf (int dirfd, const char *name, const char *key, const struct seccomp_bpf *b,
           mk_error **err)
{
  char head[128];
  int hl = snprintf (head, sizeof head, MAGIC "%u %zu %zu\n", b->flags, strlen (key), b->len);
  size_t klen = strlen (key), ilen = b->len * sizeof (struct sock_filter);
  size_t total = (size_t) hl + klen + ilen;
  _cleanup_free_ char *data = xmalloc (total);
  memcpy (data, head, (size_t) hl);
  memcpy (data + hl, key, klen);
  memcpy (data + hl + klen, b->insns, ilen);
  return write_file_atomic_at (dirfd, name, data, total, 0600, false, err);
}

/* 1 when found and its key matches, 0 when absent or stale. */
static int
read_bpf (int dirfd, const char *name, const char *key, struct seccomp_bpf *out)
{
  _cleanup_free_ char *data = NULL;
  size_t len;
  mk_error *ignored = NULL;
  if (read_file_at (dirfd, name, 8 << 20, &data, &len, &ignored) < 0)
    {
      mk_error_free (&ignored);
      return 0;
    }
  size_t ml = strlen (MAGIC);
  if (len < ml || memcmp (data, MAGIC, ml) != 0)
    return 0;
  unsigned int flags;
  size_t klen, n;
  int used = 0;
  if (sscanf (data + ml, "%u %zu %zu\n%n", &flags, &klen, &n, &used) != 3 || used == 0)
    return 0;
  size_t off = ml + (size_t) used;
  if (n == 0 || n > MAX_INSNS || off + klen + n * sizeof (struct sock_filter) != len
      || klen != strlen (key) || memcmp (data + off, key, klen) != 0)
    return 0;
  out->insns = xmalloc (n * sizeof (struct sock_filter));
  memcpy (out->insns, data + off + klen, n * sizeof (struct sock_filter));
  out->len = n;
  out->flags = flags;
  return 1;
}

int
seccomp_bpf_prepare (const struct spec_seccomp *s, const char *root, struct seccomp_bpf *out,
                     mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (s == NULL)
    return 0;
  _cleanup_free_ char *key = profile_key (s);
  char name[64];
  snprintf (name, sizeof name, "%016llx.bpf", (unsigned long long) fnv1a (key));
  _cleanup_free_ char *dir = root ? path_join (root, CACHE_DIR) : NULL;
  _cleanup_close_ int dfd = dir ? open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0 && read_bpf (dfd, name, key, out) == 1)
    return 0;
  if (compile (s, out, err) < 0)
    return -1;
  if (dir && dfd < 0)
    {
      mk_error *ignored = NULL;
      if (mkdir_p (dir, 0700, &ignored) < 0)
        mk_error_free (&ignored);
      dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  if (dfd >= 0)
    {
      mk_error *ignored = NULL;
      if (write_bpf (dfd, name, key, out, &ignored) < 0)
        mk_error_free (&ignored); /* only a cache */
    }
  return 0;
}

int
seccomp_bpf_save (int dirfd, const struct spec_seccomp *s, const struct seccomp_bpf *b,
                  mk_error **err)
{
  if (s == NULL || b->insns == NULL)
    return 0;
  _cleanup_free_ char *key = profile_key (s);
  if (write_bpf (dirfd, "seccomp.bpf", key, b, err) < 0)
    return mk_error_wrap (err, "keep the seccomp filter");
  return 0;
}

int
seccomp_bpf_load_saved (int dirfd, const struct spec_seccomp *s, struct seccomp_bpf *out,
                        mk_error **err)
{
  (void) err;
  memset (out, 0, sizeof *out);
  if (s == NULL)
    return 0;
  _cleanup_free_ char *key = profile_key (s);
  read_bpf (dirfd, "seccomp.bpf", key, out);
  return 0;
}

bool
seccomp_bpf_has_listener (const struct seccomp_bpf *b)
{
  return b && b->insns && (b->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

int
seccomp_bpf_load (const struct seccomp_bpf *b, int listener_sock, mk_error **err)
{
  if (b == NULL || b->insns == NULL)
    return 0;
  struct sock_fprog prog = { .len = (unsigned short) b->len, .filter = b->insns };
  int r = (int) syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, b->flags, &prog);
  if (r < 0)
    return mk_error_set (err, errno, "seccomp: load the filter%s",
                         errno == EACCES ? " (needs noNewPrivileges or CAP_SYS_ADMIN)" : "");
  if (!seccomp_bpf_has_listener (b))
    return 0;
  /* r is the listener: to the runtime, never kept by the container. */
  int sent = seccomp_notify_send_listener (listener_sock, r, err);
  close (r);
  return sent;
}
