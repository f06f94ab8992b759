#include "mocker/container/list_index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

#define INDEX_FILE ".ps-index"
#define MAGIC "MKPSIX02"
#define RACY_SECONDS 2
#define MAX_INDEX (256u << 20)

/* One entry, as written: the fixed part, then rec_len bytes of JSON. */
struct entry_head
{
  char id[65];
  uint8_t has_state;
  int64_t mtime_sec, mtime_nsec; /* 0, 0: not trusted */
  struct ctr_state state;
  uint32_t rec_len;
};

struct cached
{
  struct entry_head h;
  const char *rec; /* into the index text */
};

static int
cmp_id (const void *a, const void *b)
{
  return strcmp (((const struct cached *) a)->h.id, ((const struct cached *) b)->h.id);
}

/* Maps the index (read-only, populated at once: its pages are the page
 * cache's, neither copied nor faulted in one by one). It is only ever
 * replaced by rename, never changed in place, so the mapping stays whole.
 * *map_len: 0 when nothing is mapped. */
static char *
index_map (int dfd, size_t *map_len)
{
  *map_len = 0;
  _cleanup_close_ int fd = openat (dfd, INDEX_FILE, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_size <= 0
      || (uint64_t) st.st_size > MAX_INDEX)
    return NULL;
  void *p = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED)
    return NULL;
  *map_len = (size_t) st.st_size;
  return p;
}

/* Reads the index (sorted by id); an unreadable or malformed one is empty.
 * *text: the mapping (munmap it with *map_len). */
static size_t
index_read (int dfd, char **text, size_t *map_len, struct cached **out)
{
  *out = NULL;
  *text = index_map (dfd, map_len);
  size_t len = *map_len;
  if (*text == NULL)
    return 0;
  size_t hdr = strlen (MAGIC) + sizeof (uint32_t);
  uint32_t state_size;
  if (len < hdr || memcmp (*text, MAGIC, strlen (MAGIC)) != 0)
    return 0;
  memcpy (&state_size, *text + strlen (MAGIC), sizeof state_size);
  if (state_size != sizeof (struct ctr_state))
    return 0;
  size_t n = 0, cap = 0, p = hdr;
  struct cached *v = NULL;
  while (p < len)
    {
      struct entry_head h;
      if (len - p < sizeof h)
        goto bad;
      memcpy (&h, *text + p, sizeof h);
      p += sizeof h;
      if (h.id[64] != '\0' || h.rec_len > len - p)
        goto bad;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 256;
          v = xrealloc (v, cap * sizeof *v);
        }
      v[n].h = h;
      v[n++].rec = *text + p;
      p += h.rec_len;
    }
  *out = v;
  return n;
bad:
  free (v);
  return 0;
}

static const struct cached *
index_find (const struct cached *v, size_t n, const char *id)
{
  struct cached key;
  snprintf (key.h.id, sizeof key.h.id, "%s", id);
  return n ? bsearch (&key, v, n, sizeof *v, cmp_id) : NULL;
}

static void
kv_copy (json_gen *g, yajl_val obj, const char *key)
{
  yajl_val v = json_get (obj, key);
  if (v == NULL)
    return;
  json_key (g, key);
  json_tree (g, v);
}

/* The members of the record ps uses (see list_index.h). */
static char *
record_subset (yajl_val rec, size_t *len)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  static const char *const top[] = { "id", "name", "image", "image_ref", "created", "path",
                                     "args", "ports", "mounts" };
  for (size_t i = 0; i < ARRAY_SIZE (top); i++)
    kv_copy (g, rec, top[i]);
  yajl_val hc = json_get (rec, "host_config");
  if (hc)
    {
      json_key (g, "host_config");
      json_obj_open (g);
      kv_copy (g, hc, "NetworkMode");
      kv_copy (g, hc, "Binds");
      json_obj_close (g);
    }
  yajl_val cfg = json_get (rec, "config");
  if (cfg)
    {
      json_key (g, "config");
      json_obj_open (g);
      kv_copy (g, cfg, "Labels");
      json_obj_close (g);
    }
  json_obj_close (g);
  char *out = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_gen_finish_checked (g, "ps index", &out, len, &e) < 0)
    return NULL;
  return out;
}

struct fresh
{
  struct entry_head h;
  char *rec; /* owned when the entry was (re)loaded, else NULL (borrowed) */
  const char *rec_ref;
};

static void
add_bytes (char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
  if (*len + n > *cap)
    {
      *cap = (*len + n) * 2;
      *buf = xrealloc (*buf, *cap);
    }
  memcpy (*buf + *len, p, n);
  *len += n;
}

/* A container and its creation time, looked up once before sorting. */
struct by_created
{
  const char *created;
  struct container *c;
};

static int
newest_first (const void *a, const void *b)
{
  return strcmp (((const struct by_created *) b)->created,
                 ((const struct by_created *) a)->created);
}

static void
sort_newest_first (struct container **list, size_t n)
{
  struct by_created *v = xmalloc (n * sizeof *v);
  for (size_t i = 0; i < n; i++)
    {
      const char *c = json_get_str (list[i]->record, "created");
      v[i] = (struct by_created) { c ? c : "", list[i] };
    }
  qsort (v, n, sizeof *v, newest_first);
  for (size_t i = 0; i < n; i++)
    list[i] = v[i].c;
  free (v);
}

static int
cmp_fresh (const void *a, const void *b)
{
  return strcmp (((const struct fresh *) a)->h.id, ((const struct fresh *) b)->h.id);
}

static void
index_write (int dfd, struct fresh *v, size_t n)
{
  char *buf = NULL;
  size_t len = 0, cap = 0;
  uint32_t state_size = sizeof (struct ctr_state);
  add_bytes (&buf, &len, &cap, MAGIC, strlen (MAGIC));
  add_bytes (&buf, &len, &cap, &state_size, sizeof state_size);
  if (n)
    qsort (v, n, sizeof *v, cmp_fresh);
  for (size_t i = 0; i < n; i++)
    {
      add_bytes (&buf, &len, &cap, &v[i].h, sizeof v[i].h);
      add_bytes (&buf, &len, &cap, v[i].rec_ref, v[i].h.rec_len);
    }
  _cleanup_error_ mk_error *e = NULL;
  write_file_atomic_at (dfd, INDEX_FILE, buf ? buf : "", len, 0600, false, &e);
  free (buf);
}

/* A container from an entry: the cut record parsed, the state as kept. */
static struct container *
container_from (struct store *s, const char *base, const struct fresh *f)
{
  (void) s;
  yajl_val rec = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_parse (f->rec_ref, f->h.rec_len, "ps index", &rec, &e) < 0)
    return NULL;
  struct container *c = xzalloc (sizeof *c);
  c->id = xstrdup (f->h.id);
  c->dir = path_join (base, f->h.id);
  c->record = rec;
  const char *name = json_get_str (rec, "name");
  c->name = xstrdup (name ? name : f->h.id);
  c->has_state = f->h.has_state;
  c->state = f->h.state;
  return c;
}

int
ctr_list_indexed (struct store *s, struct container ***out, size_t *n_out, mk_error **err)
{
  (void) err;
  _cleanup_free_ char *base = ctr_containers_dir (s);
  _cleanup_close_ int dfd = open (base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  *out = NULL;
  *n_out = 0;
  if (dfd < 0)
    return 0;
  char *text = NULL;
  size_t map_len = 0;
  _cleanup_free_ struct cached *old = NULL;
  size_t n_old = index_read (dfd, &text, &map_len, &old);

  int dfd2 = dup (dfd);
  DIR *d = dfd2 >= 0 ? fdopendir (dfd2) : NULL;
  if (d == NULL)
    {
      if (dfd2 >= 0)
        close (dfd2);
      if (text)
        munmap (text, map_len);
      return 0;
    }
  struct fresh *v = NULL;
  size_t n = 0, cap = 0;
  bool dirty = false;
  time_t now = time (NULL);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || strlen (de->d_name) != 64)
        continue;
      struct stat st;
      if (fstatat (dfd, de->d_name, &st, 0) < 0 || !S_ISDIR (st.st_mode))
        continue;
      bool racy = now - st.st_mtim.tv_sec < RACY_SECONDS;
      const struct cached *c = index_find (old, n_old, de->d_name);
      if (n == cap)
        {
          cap = cap ? cap * 2 : 256;
          v = xrealloc (v, cap * sizeof *v);
        }
      struct fresh *f = &v[n];
      memset (f, 0, sizeof *f);
      if (c && c->h.mtime_sec == st.st_mtim.tv_sec && c->h.mtime_nsec == st.st_mtim.tv_nsec
          && (c->h.mtime_sec | c->h.mtime_nsec) != 0)
        {
          f->h = c->h;
          f->rec_ref = c->rec;
          n++;
          continue;
        }
      /* new or changed: the full record and state */
      _cleanup_container_ struct container *full = NULL;
      if (ctr_load (s, de->d_name, &full, NULL) < 0)
        continue; /* being made or removed */
      size_t rec_len;
      f->rec = record_subset (full->record, &rec_len);
      if (f->rec == NULL)
        continue;
      f->rec_ref = f->rec;
      snprintf (f->h.id, sizeof f->h.id, "%s", de->d_name);
      f->h.has_state = full->has_state;
      f->h.state = full->state;
      f->h.rec_len = (uint32_t) rec_len;
      if (!racy)
        {
          f->h.mtime_sec = st.st_mtim.tv_sec;
          f->h.mtime_nsec = st.st_mtim.tv_nsec;
        }
      /* a racy entry is written untrusted; rewriting it again each time
       * would gain nothing */
      dirty |= !racy || c == NULL;
      n++;
    }
  closedir (d);
  dirty |= n != n_old;
  if (dirty)
    index_write (dfd, v, n);

  struct container **list = xzalloc ((n ? n : 1) * sizeof *list);
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct container *c = container_from (s, base, &v[i]);
      if (c)
        list[len++] = c;
      free (v[i].rec);
    }
  free (v);
  if (text)
    munmap (text, map_len); /* the entries were parsed: nothing points into it */
  if (len > 1)
    sort_newest_first (list, len);
  *out = list;
  *n_out = len;
  return 0;
}
