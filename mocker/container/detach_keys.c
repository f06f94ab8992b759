/* See detach_keys.h. */
#include "mocker/container/detach_keys.h"

#include <string.h>
#include <strings.h>

#include "common/util.h"

/* ctrl-@ is 0, ctrl-a 1 ... ctrl-z 26, then ctrl-[ \ ] ^ _ (27..31). */
static int
ctrl_code (const char *key)
{
  static const char names[] = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
  if (strncasecmp (key, "ctrl-", 5) != 0 || strlen (key) != 6)
    return -1;
  char c = key[5];
  if (c >= 'A' && c <= 'Z')
    c = (char) (c - 'A' + 'a');
  const char *p = strchr (names, c);
  return p && c ? (int) (p - names) : -1;
}

int
detach_keys_parse (const char *text, struct detach_keys *dk, mk_error **err)
{
  *dk = (struct detach_keys) { 0 };
  if (text == NULL || *text == '\0')
    text = DETACH_KEYS_DEFAULT;
  _cleanup_free_ char *copy = xstrdup (text);
  /* strsep keeps empty items: "ctrl-a,,x" is an error, as Docker's. */
  for (char *p = copy, *key; (key = strsep (&p, ",")) != NULL;)
    {
      int code = strlen (key) == 1 ? (unsigned char) key[0] : ctrl_code (key);
      if (code < 0)
        return mk_error_set (err, 0, "invalid detach keys `%s`: unknown key `%s`", text, key);
      if (dk->len == DETACH_KEYS_MAX)
        return mk_error_set (err, 0, "invalid detach keys `%s`: more than %d keys", text,
                             DETACH_KEYS_MAX);
      dk->keys[dk->len++] = (unsigned char) code;
    }
  return 0;
}

bool
detach_keys_filter (struct detach_keys *dk, const unsigned char *in, size_t n,
                    unsigned char *out, size_t *out_len)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char b = in[i];
      if (dk->len > 0 && b == dk->keys[dk->held])
        {
          if (++dk->held == dk->len)
            {
              dk->held = 0;
              *out_len = o;
              return true;
            }
          continue;
        }
      /* The sequence broke: what was held back is input after all.  The
       * byte may start a new sequence. */
      memcpy (out + o, dk->keys, dk->held);
      o += dk->held;
      dk->held = 0;
      if (dk->len > 0 && b == dk->keys[0])
        {
          if (dk->len == 1)
            {
              *out_len = o;
              return true;
            }
          dk->held = 1;
          continue;
        }
      out[o++] = b;
    }
  *out_len = o;
  return false;
}
