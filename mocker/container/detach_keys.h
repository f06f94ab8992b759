/* Docker's detach keys (`attach --detach-keys`, default "ctrl-p,ctrl-q"):
 * parsing as Docker's term.ToBytes, and a matcher that holds back input
 * bytes while they could be the start of the sequence. */
#ifndef MOCKER_CONTAINER_DETACH_KEYS_H
#define MOCKER_CONTAINER_DETACH_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX 16

struct detach_keys
{
  unsigned char keys[DETACH_KEYS_MAX];
  size_t len;
  size_t held; /* how many of keys the last input ended with */
};

/* "ctrl-p,ctrl-q", "ctrl-a,x": comma-separated single characters or ctrl-@,
 * ctrl-a..ctrl-z, ctrl-[, ctrl-\, ctrl-], ctrl-^, ctrl-_.  "" is the default. */
int detach_keys_parse (const char *text, struct detach_keys *dk, mk_error **err);

/* Filters n input bytes at in into out (room for n + DETACH_KEYS_MAX bytes):
 * the bytes to pass on; held-back bytes come out when the sequence breaks.
 * Returns true when the sequence completed (out has what preceded it). */
bool detach_keys_filter (struct detach_keys *dk, const unsigned char *in, size_t n,
                         unsigned char *out, size_t *out_len);

#endif
