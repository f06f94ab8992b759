#include "common/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "common/util.h"

struct mk_digest
{
  EVP_MD_CTX *md;
  unsigned long long count;
};

mk_digest *
digest_init (void)
{
  mk_digest *d = xzalloc (sizeof *d);
  d->md = EVP_MD_CTX_new ();
  if (d->md == NULL || EVP_DigestInit_ex (d->md, EVP_sha256 (), NULL) != 1)
    abort (); /* only fails without memory */
  return d;
}

void
digest_update (mk_digest *d, const void *data, size_t len)
{
  if (len == 0)
    return;
  EVP_DigestUpdate (d->md, data, len);
  d->count += len;
}

unsigned long long
digest_count (const mk_digest *d)
{
  return d->count;
}

char *
digest_final (mk_digest *d)
{
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex (d->md, raw, &n);
  static const char hexdig[] = "0123456789abcdef";
  char *out = xmalloc (DIGEST_STR_LEN + 1);
  memcpy (out, DIGEST_SHA256_PREFIX, sizeof DIGEST_SHA256_PREFIX - 1);
  char *p = out + sizeof DIGEST_SHA256_PREFIX - 1;
  for (unsigned int i = 0; i < n; i++)
    {
      *p++ = hexdig[raw[i] >> 4];
      *p++ = hexdig[raw[i] & 15];
    }
  *p = '\0';
  return out;
}

void
digest_free (mk_digest *d)
{
  if (d == NULL)
    return;
  EVP_MD_CTX_free (d->md);
  free (d);
}

void
cleanup_digestp (mk_digest **d)
{
  digest_free (*d);
  *d = NULL;
}

char *
digest_bytes (const void *data, size_t len)
{
  _cleanup_digest_ mk_digest *d = digest_init ();
  digest_update (d, data, len);
  return digest_final (d);
}

int
digest_file (const char *path, char **out, mk_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  _cleanup_digest_ mk_digest *d = digest_init ();
  _cleanup_free_ char *buf = xmalloc (1 << 16);
  for (;;)
    {
      ssize_t r = read (fd, buf, 1 << 16);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return mk_error_set (err, errno, "read `%s`", path);
      if (r == 0)
        break;
      digest_update (d, buf, r);
    }
  *out = digest_final (d);
  return 0;
}

static bool
is_lower_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool
digest_is_hex_prefix (const char *s)
{
  size_t n = 0;
  for (; s[n]; n++)
    if (!is_lower_hex (s[n]) || n >= DIGEST_HEX_LEN)
      return false;
  return n > 0;
}

bool
digest_valid (const char *s)
{
  if (s == NULL || !str_has_prefix (s, DIGEST_SHA256_PREFIX))
    return false;
  const char *h = s + sizeof DIGEST_SHA256_PREFIX - 1;
  return strlen (h) == DIGEST_HEX_LEN && digest_is_hex_prefix (h);
}

int
digest_check (const char *s, const char *what, mk_error **err)
{
  if (s == NULL)
    return mk_error_set (err, 0, "%s: missing digest", what);
  if (!str_has_prefix (s, DIGEST_SHA256_PREFIX))
    {
      const char *colon = strchr (s, ':');
      if (colon)
        return mk_error_set (err, 0, "%s: unsupported digest algorithm `%.*s`", what,
                             (int) (colon - s), s);
      return mk_error_set (err, 0, "%s: invalid digest `%s`", what, s);
    }
  if (!digest_valid (s))
    return mk_error_set (err, 0, "%s: invalid digest `%s` (want sha256: and 64 lowercase hex digits)",
                         what, s);
  return 0;
}

const char *
digest_hex (const char *s)
{
  if (str_has_prefix (s, DIGEST_SHA256_PREFIX))
    return s + sizeof DIGEST_SHA256_PREFIX - 1;
  return s;
}
