/* See events.h. */
#include "mocker/container/events.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

struct attr
{
  const char *key, *val;
};

static int
attr_cmp (const void *a, const void *b)
{
  return strcmp (((const struct attr *) a)->key, ((const struct attr *) b)->key);
}

/* The line (heap, no newline); with_labels false leaves the labels out. */
static char *
event_line (const char *id, const char *action, yajl_val rec, const char *const *extra,
            bool with_labels, long long now_ns, size_t *len)
{
  const char *image = json_get_str (rec, "image_ref");
  const char *name = json_get_str (rec, "name");
  yajl_val labels = with_labels ? json_get (json_get (rec, "config"), "Labels") : NULL;
  size_t n_labels = labels && YAJL_IS_OBJECT (labels) ? labels->u.object.len : 0;
  size_t n_extra = 0;
  while (extra && extra[2 * n_extra])
    n_extra++;
  _cleanup_free_ struct attr *attrs = xmalloc ((n_labels + n_extra + 2) * sizeof *attrs);
  size_t n = 0;
  /* Docker's order of precedence: labels, then image and name, then the
   * event's own attributes (a later one replaces an earlier one). */
  for (size_t i = 0; i < n_labels; i++)
    if (YAJL_IS_STRING (labels->u.object.values[i]))
      attrs[n++] = (struct attr) { labels->u.object.keys[i],
                                   YAJL_GET_STRING (labels->u.object.values[i]) };
  attrs[n++] = (struct attr) { "image", image ? image : "" };
  attrs[n++] = (struct attr) { "name", name ? name : "" };
  for (size_t i = 0; i < n_extra; i++)
    attrs[n++] = (struct attr) { extra[2 * i], extra[2 * i + 1] };
  /* stable: later duplicates win after the sort keeps their order */
  for (size_t i = 0; i < n; i++)
    for (size_t k = i + 1; k < n; k++)
      if (attrs[k].key && attrs[i].key && strcmp (attrs[i].key, attrs[k].key) == 0)
        attrs[i].key = NULL;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (attrs[i].key)
      attrs[m++] = attrs[i];
  qsort (attrs, m, sizeof *attrs, attr_cmp);

  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "status", action);
  json_kv_str (g, "id", id);
  json_kv_str (g, "from", image ? image : "");
  json_kv_str (g, "Type", "container");
  json_kv_str (g, "Action", action);
  json_key (g, "Actor");
  json_obj_open (g);
  json_kv_str (g, "ID", id);
  json_key (g, "Attributes");
  json_obj_open (g);
  for (size_t i = 0; i < m; i++)
    json_kv_str (g, attrs[i].key, attrs[i].val);
  json_obj_close (g);
  json_obj_close (g);
  json_kv_str (g, "scope", "local");
  json_kv_int (g, "time", now_ns / 1000000000LL);
  json_kv_int (g, "timeNano", now_ns);
  json_obj_close (g);
  return json_gen_finish (g, len);
}

static long long
log_max (void)
{
  const char *env = getenv ("MOCKER_EVENTS_LOG_MAX");
  long long v;
  if (env && parse_int64 (env, &v) && v > 0)
    return v;
  return CTR_EVENTS_LOG_MAX;
}

int
ctr_events_lock (const char *store_root)
{
  _cleanup_free_ char *lock = path_join (store_root, CTR_EVENTS_LOCK);
  int lfd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lfd >= 0 && flock (lfd, LOCK_EX) < 0)
    {
      close (lfd);
      return -1;
    }
  return lfd;
}

void
ctr_event (const char *store_root, const char *id, const char *dir, const char *action,
           const char *const *extra)
{
  _cleanup_close_ int lfd = ctr_events_lock (store_root);
  if (lfd >= 0)
    ctr_event_locked (lfd, store_root, id, dir, action, extra);
}

void
ctr_event_locked (int lfd, const char *store_root, const char *id, const char *dir,
                  const char *action, const char *const *extra)
{
  if (lfd < 0)
    return;
  _cleanup_free_ char *rec_path = path_join (dir, "container.json");
  _cleanup_json_ yajl_val rec = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_parse_file (rec_path, &rec, &e) < 0)
    return;
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  long long now = (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
  size_t len;
  _cleanup_free_ char *line = event_line (id, action, rec, extra, true, now, &len);
  if (line == NULL || len + 1 > CTR_EVENT_LINE_MAX)
    {
      free (line);
      line = event_line (id, action, rec, extra, false, now, &len);
      if (line == NULL || len + 1 > CTR_EVENT_LINE_MAX)
        return;
    }
  char buf[CTR_EVENT_LINE_MAX];
  memcpy (buf, line, len);
  buf[len++] = '\n';

  _cleanup_free_ char *path = path_join (store_root, CTR_EVENTS_LOG);
  struct stat st;
  if (stat (path, &st) == 0 && st.st_size >= log_max ())
    {
      _cleanup_free_ char *old = path_join (store_root, CTR_EVENTS_LOG_OLD);
      rename (path, old);
    }
  _cleanup_close_ int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0 && write (fd, buf, len) < 0)
    return; /* a lost event is not the operation's failure */
}
