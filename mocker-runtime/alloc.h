/* The runtime's memory allocator (alloc.c): power-of-two size classes with
 * one free list each, carved from large chunks and never returned to the
 * kernel; requests above 128 KiB are mapped and unmapped on their own.
 * Single-threaded, like the runtime. */
#ifndef MOCKER_RUNTIME_ALLOC_H
#define MOCKER_RUNTIME_ALLOC_H

#include <stddef.h>

void *rt_malloc (size_t n);
void *rt_calloc (size_t count, size_t size);
void *rt_realloc (void *p, size_t n);
void rt_free (void *p);

/* The bytes a block can hold (>= what was asked for). */
size_t rt_usable_size (const void *p);

#endif
