/* The runtime's allocator: what malloc() is in a musl build.
 *
 * mocker-runtime lives for a few milliseconds, makes ~1000 small allocations
 * (mostly the parsed config.json) and frees most of them before it exits.
 * musl's allocator (mallocng) is built for long-lived processes: it maps
 * small groups of slots one mmap at a time and gives them back with munmap
 * as soon as they are empty, ~30 mmap/munmap calls and their page faults per
 * container; with its bookkeeping that was ~0.2 ms of CPU per `run`
 * (docs/runtime.md "Build"). Here every block is a power of two (header
 * included) taken from a free list or carved from a chunk; chunks are never
 * unmapped, so memory is reused but not given back: right for a short-lived
 * process, and bounded for the long-running commands (`events`, a foreground
 * `run`), whose loops free what they allocate. Requests above MAX_BLOCK are
 * their own mapping.
 *
 * Glibc builds (ASan, valgrind, MUSL=0) keep the C library's
 * malloc: only musl builds route malloc() here (bottom of the file). */
#include "mocker-runtime/alloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIN_SHIFT 5                 /* 32-byte blocks: 16 usable */
#define MAX_SHIFT 17                /* 128 KiB blocks */
#define MAX_BLOCK ((size_t) 1 << MAX_SHIFT)
#define CHUNK_SIZE ((size_t) 256 << 10)
#define PAGE_MASK ((size_t) 4095)

/* 16 bytes before every block's data, so the data stays 16-byte aligned. */
struct block_hdr
{
  size_t shift;   /* the size class; 0: a mapping of its own */
  size_t map_len; /* that mapping's length */
};
#define HDR_SIZE sizeof (struct block_hdr)

/* Free blocks of each class, linked through their first data bytes. */
static struct block_hdr *free_lists[MAX_SHIFT + 1];
static char *bump, *bump_end;
/* The first chunk: in .bss, so a short run needs no mmap at all. */
static _Alignas (16) char first_chunk[CHUNK_SIZE];

static size_t
class_of (size_t total)
{
  if (total <= ((size_t) 1 << MIN_SHIFT))
    return MIN_SHIFT;
  return (size_t) (64 - __builtin_clzl (total - 1));
}

static void *
map (size_t len)
{
  void *p = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static struct block_hdr *
carve (size_t shift)
{
  size_t size = (size_t) 1 << shift;
  if (bump == NULL)
    {
      bump = first_chunk;
      bump_end = first_chunk + CHUNK_SIZE;
    }
  if ((size_t) (bump_end - bump) < size)
    {
      /* The rest of the old chunk is left unused. */
      char *chunk = map (CHUNK_SIZE);
      if (chunk == NULL)
        return NULL;
      bump = chunk;
      bump_end = chunk + CHUNK_SIZE;
    }
  struct block_hdr *h = (struct block_hdr *) (void *) bump;
  bump += size;
  return h;
}

void *
rt_malloc (size_t n)
{
  if (n > SIZE_MAX / 2)
    {
      errno = ENOMEM;
      return NULL;
    }
  size_t total = n + HDR_SIZE;
  struct block_hdr *h;
  if (total > MAX_BLOCK)
    {
      size_t len = (total + PAGE_MASK) & ~PAGE_MASK;
      h = map (len);
      if (h == NULL)
        {
          errno = ENOMEM;
          return NULL;
        }
      h->shift = 0;
      h->map_len = len;
      return h + 1;
    }
  size_t shift = class_of (total);
  h = free_lists[shift];
  if (h != NULL)
    free_lists[shift] = *(struct block_hdr **) (void *) (h + 1);
  else if ((h = carve (shift)) == NULL)
    {
      errno = ENOMEM;
      return NULL;
    }
  h->shift = shift;
  h->map_len = 0;
  return h + 1;
}

void
rt_free (void *p)
{
  if (p == NULL)
    return;
  struct block_hdr *h = (struct block_hdr *) p - 1;
  if (h->shift == 0)
    {
      munmap (h, h->map_len);
      return;
    }
  *(struct block_hdr **) p = free_lists[h->shift];
  free_lists[h->shift] = h;
}

size_t
rt_usable_size (const void *p)
{
  const struct block_hdr *h = (const struct block_hdr *) p - 1;
  return (h->shift == 0 ? h->map_len : (size_t) 1 << h->shift) - HDR_SIZE;
}

void *
rt_calloc (size_t count, size_t size)
{
  size_t n;
  if (__builtin_mul_overflow (count, size, &n))
    {
      errno = ENOMEM;
      return NULL;
    }
  void *p = rt_malloc (n);
  if (p != NULL)
    memset (p, 0, n); /* a recycled block is not zero */
  return p;
}

void *
rt_realloc (void *p, size_t n)
{
  if (p == NULL)
    return rt_malloc (n);
  size_t have = rt_usable_size (p);
  if (n <= have)
    return p;
  void *q = rt_malloc (n);
  if (q == NULL)
    return NULL; /* p stays valid, as realloc promises */
  memcpy (q, p, have);
  rt_free (p);
  return q;
}

#ifndef __GLIBC__
/* musl lets a statically linked program replace its malloc: these four
 * definitions take the place of mallocng's for the program and for the
 * C library's own calls (strdup, fopen, asprintf...). Nothing in the
 * runtime or its libraries asks for aligned allocations. */
void *
malloc (size_t n)
{
  return rt_malloc (n);
}

void
free (void *p)
{
  rt_free (p);
}

void *
calloc (size_t count, size_t size)
{
  return rt_calloc (count, size);
}

void *
realloc (void *p, size_t n)
{
  return rt_realloc (p, n);
}
#endif
