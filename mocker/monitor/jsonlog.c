/* Docker's json-file log format: one object per line,
 *   {"log":"text\n","stream":"stdout","time":"2026-11-22T14:03:10.123456789Z"}
 * Invalid UTF-8 becomes U+FFFD (as Go's encoding/json does), so every line
 * parses back. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/state.h"
#include "mocker/monitor/monitor.h"

/* A line's JSON: in `small` (on the stack) unless it outgrows it. */
struct buf
{
  char *p;
  size_t len, cap;
  bool on_heap;
};

static void
put (struct buf *b, const void *s, size_t n)
{
  if (b->len + n > b->cap)
    {
      size_t cap = (b->len + n) * 2 + 64;
      char *p = xmalloc (cap);
      memcpy (p, b->p, b->len);
      if (b->on_heap)
        free (b->p);
      b->p = p;
      b->cap = cap;
      b->on_heap = true;
    }
  memcpy (b->p + b->len, s, n);
  b->len += n;
}

static void
puts_ (struct buf *b, const char *s)
{
  put (b, s, strlen (s));
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t
utf8_len (const unsigned char *s, size_t n)
{
  size_t len;
  unsigned min;
  unsigned cp;
  if (s[0] < 0x80)
    return 1;
  else if ((s[0] & 0xE0) == 0xC0)
    len = 2, min = 0x80, cp = s[0] & 0x1F;
  else if ((s[0] & 0xF0) == 0xE0)
    len = 3, min = 0x800, cp = s[0] & 0x0F;
  else if ((s[0] & 0xF8) == 0xF0)
    len = 4, min = 0x10000, cp = s[0] & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

static void
put_escaped (struct buf *b, const char *data, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *) data;
  for (size_t i = 0; i < len;)
    {
      /* A run of printable ASCII that needs no escape: one copy. */
      size_t plain = i;
      while (plain < len && s[plain] >= 0x20 && s[plain] < 0x7f && s[plain] != '"'
             && s[plain] != '\\')
        plain++;
      if (plain > i)
        {
          put (b, s + i, plain - i);
          i = plain;
          continue;
        }
      unsigned char c = s[i];
      if (c == '"' || c == '\\')
        {
          char e[2] = { '\\', (char) c };
          put (b, e, 2);
          i++;
        }
      else if (c == '\n')
        puts_ (b, "\\n"), i++;
      else if (c == '\r')
        puts_ (b, "\\r"), i++;
      else if (c == '\t')
        puts_ (b, "\\t"), i++;
      else if (c < 0x20 || c == 0x7f)
        {
          char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
          put (b, e, 6);
          i++;
        }
      else
        {
          size_t n = utf8_len (s + i, len - i);
          if (n == 0)
            {
              puts_ (b, "\xEF\xBF\xBD");
              i++;
            }
          else
            {
              put (b, s + i, n);
              i += n;
            }
        }
    }
}

void
mon_log_write (int fd, const char *stream, const char *data, size_t len)
{
  if (fd < 0)
    return;
  char now[40];
  ctr_time_now (now, sizeof now);
  char small[8192];
  struct buf b = { .p = small, .cap = sizeof small };
  puts_ (&b, "{\"log\":\"");
  put_escaped (&b, data, len);
  puts_ (&b, "\",\"stream\":\"");
  puts_ (&b, stream);
  puts_ (&b, "\",\"time\":\"");
  puts_ (&b, now);
  puts_ (&b, "\"}\n");
  /* O_APPEND: one write per line keeps lines whole for concurrent readers. */
  size_t off = 0;
  while (off < b.len)
    {
      ssize_t w = write (fd, b.p + off, b.len - off);
      if (w <= 0)
        break;
      off += (size_t) w;
    }
  if (b.on_heap)
    free (b.p);
}
