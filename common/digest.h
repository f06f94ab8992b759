/* sha256 digests in the "sha256:<64 lowercase hex>" form registries and
 * image configs use (blobs, diff_ids, chain ids, image ids). */
#ifndef MK_DIGEST_H
#define MK_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define DIGEST_SHA256_PREFIX "sha256:"
#define DIGEST_HEX_LEN 64
#define DIGEST_STR_LEN (sizeof DIGEST_SHA256_PREFIX - 1 + DIGEST_HEX_LEN) /* 71 */

/* Streaming sha256. digest_init never fails (out of memory aborts). */
typedef struct mk_digest mk_digest;
mk_digest *digest_init (void);
void digest_update (mk_digest *d, const void *data, size_t len);
/* Returns "sha256:<hex>" (heap). The context is finished: free it after. */
char *digest_final (mk_digest *d);
/* Bytes hashed so far. */
unsigned long long digest_count (const mk_digest *d);
void digest_free (mk_digest *d);
void cleanup_digestp (mk_digest **d);
#define _cleanup_digest_ __attribute__ ((cleanup (cleanup_digestp)))

/* One-shot helpers. */
char *digest_bytes (const void *data, size_t len);
int digest_file (const char *path, char **out, mk_error **err);

/* True for "sha256:" followed by exactly 64 lowercase hex digits. */
bool digest_valid (const char *s);
/* Like digest_valid, with an error naming what was wrong ("`what`: ..."). */
int digest_check (const char *s, const char *what, mk_error **err);
/* The hex part of a valid digest (pointer into s). */
const char *digest_hex (const char *s);
/* True for 1..64 lowercase hex digits (an id or an id prefix). */
bool digest_is_hex_prefix (const char *s);

#endif
