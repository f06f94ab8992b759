/* mocker events [--since T] [--until T] [-f KEY=VALUE] [--format T]:
 * container events from <store>/events.log (mocker/container/events.h).
 * Without --until it follows new events until interrupted (as Docker); with
 * --until it stops once that time has passed (at once for a past one). */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/events.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"
#include "mocker/template/template.h"
#include "mocker/ui/filter.h"
#include "mocker/ui/timearg.h"

static const char usage[] =
  "Usage: mocker events [OPTIONS]\n"
  "\n"
  "Print container events (create, start, die, stop, kill, pause, unpause,\n"
  "rename, restart, oom, destroy). Without --until, new events are followed\n"
  "until interrupted.\n"
  "\n"
  "Options:\n"
  "  -f, --filter KEY=VAL  only matching events: container, event, image, label,\n"
  "                        type (repeatable)\n"
  "      --format TMPL     Go template (`json`: one JSON object per line)\n"
  "      --since T         events from T on (RFC 3339 time, Unix time, or a\n"
  "                        duration before now: 10m)\n"
  "      --until T         events up to T, then exit\n"
  "  -h, --help            print this help\n";

static const char *const filter_keys[] = { "container", "event", "image", "label", "type", NULL };

struct events
{
  bool has_since, has_until;
  long long since, until;
  struct ui_filter filter;
  bool raw_json;       /* --format json: the stored line as is */
  struct tmpl *tmpl;   /* --format TEMPLATE */
};

/* Docker's FuzzyMatch: the value equals the text or is a prefix of it. */
static bool
fuzzy (const struct ui_filter *f, const char *key, const char *a, const char *b)
{
  if (!ui_filter_has (f, key))
    return true;
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->keys[i], key) == 0
        && ((a && str_has_prefix (a, f->values[i])) || (b && str_has_prefix (b, f->values[i]))))
      return true;
  return false;
}

/* image=busybox matches busybox and busybox:TAG (the attribute as typed). */
static bool
image_match (const struct ui_filter *f, const char *image)
{
  if (!ui_filter_has (f, "image"))
    return true;
  if (image == NULL)
    return false;
  const char *colon = strrchr (image, ':');
  _cleanup_free_ char *bare = colon && !strchr (colon, '/') ? xstrndup (image, (size_t) (colon - image))
                                                            : xstrdup (image);
  return ui_filter_exact (f, "image", image) || ui_filter_exact (f, "image", bare);
}

static bool
event_match (const struct events *ev, yajl_val e)
{
  yajl_val attrs = json_get (json_get (e, "Actor"), "Attributes");
  const struct ui_filter *f = &ev->filter;
  /* "exec_start: sh -c x" is the event exec_start (Docker's filter) */
  const char *action = json_get_str (e, "Action");
  _cleanup_free_ char *kind = action ? xstrndup (action, strcspn (action, ":")) : NULL;
  return ui_filter_exact (f, "type", json_get_str (e, "Type"))
         && ui_filter_exact (f, "event", kind)
         && fuzzy (f, "container", json_get_str (json_get (e, "Actor"), "ID"),
                   json_get_str (attrs, "name"))
         && image_match (f, json_get_str (attrs, "image")) && ui_filter_labels (f, attrs) /* the attributes hold the labels */;
}

/* Docker's rfc3339NanoFixed in the local zone:
 * "2026-12-04T10:11:12.000000005Z" or "...+01:00". */
static void
format_time (long long ns, char *buf, size_t size)
{
  time_t t = (time_t) (ns / 1000000000LL);
  struct tm tm;
  localtime_r (&t, &tm);
  char zone[16] = "Z";
  if (tm.tm_gmtoff != 0)
    {
      int off = (int) ((tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff) % 86400);
      snprintf (zone, sizeof zone, "%c%02d:%02d", tm.tm_gmtoff < 0 ? '-' : '+', off / 3600,
                off / 60 % 60);
    }
  snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld%s", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns % 1000000000LL,
            zone);
}

/* Docker's prettyPrintEvent: TIME TYPE ACTION ID (k=v, ...) */
static void
print_pretty (yajl_val e, long long ns)
{
  char when[64];
  format_time (ns, when, sizeof when);
  yajl_val actor = json_get (e, "Actor");
  const char *type = json_get_str (e, "Type"), *action = json_get_str (e, "Action");
  const char *id = json_get_str (actor, "ID");
  printf ("%s %s %s %s", when, type ? type : "", action ? action : "", id ? id : "");
  yajl_val attrs = json_get (actor, "Attributes");
  if (attrs && YAJL_IS_OBJECT (attrs) && attrs->u.object.len > 0)
    {
      fputs (" (", stdout);
      for (size_t i = 0; i < attrs->u.object.len; i++)
        {
          const char *v = YAJL_GET_STRING (attrs->u.object.values[i]);
          printf ("%s%s=%s", i ? ", " : "", attrs->u.object.keys[i], v ? v : "");
        }
      fputs (")", stdout);
    }
  fputs ("\n", stdout);
}

/* The Go names of events.Message's fields (the template sees those; its
 * JSON tags are the stored line's). */
static yajl_val
template_row (yajl_val e, mk_error **err)
{
  yajl_val actor = json_get (e, "Actor");
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Status", json_get_str (e, "status") ? json_get_str (e, "status") : "");
  json_kv_str (g, "ID", json_get_str (e, "id") ? json_get_str (e, "id") : "");
  json_kv_str (g, "From", json_get_str (e, "from") ? json_get_str (e, "from") : "");
  json_kv_str (g, "Type", json_get_str (e, "Type") ? json_get_str (e, "Type") : "");
  json_kv_str (g, "Action", json_get_str (e, "Action") ? json_get_str (e, "Action") : "");
  json_key (g, "Actor");
  json_obj_open (g);
  json_kv_str (g, "ID", json_get_str (actor, "ID") ? json_get_str (actor, "ID") : "");
  json_key (g, "Attributes");
  yajl_val attrs = json_get (actor, "Attributes");
  if (attrs)
    json_tree (g, attrs);
  else
    {
      json_obj_open (g);
      json_obj_close (g);
    }
  json_obj_close (g);
  json_kv_str (g, "Scope", json_get_str (e, "scope") ? json_get_str (e, "scope") : "");
  yajl_val t = json_get (e, "time"), tn = json_get (e, "timeNano");
  json_kv_int (g, "Time", t && YAJL_IS_INTEGER (t) ? YAJL_GET_INTEGER (t) : 0);
  json_kv_int (g, "TimeNano", tn && YAJL_IS_INTEGER (tn) ? YAJL_GET_INTEGER (tn) : 0);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "event", &v, err) < 0)
    return NULL;
  return v;
}

/* Runs the template on the event's row. An attribute the event lacks is
 * not an error (Go's default for a map[string]string, which Docker's
 * templates see; `with`/`if` are false for it): the template runs again with
 * that attribute as null. */
static int
print_template (struct tmpl *t, yajl_val e, mk_error **err)
{
  _cleanup_json_ yajl_val row = template_row (e, err);
  if (row == NULL)
    return -1;
  for (int tries = 0;; tries++)
    {
      _cleanup_error_ mk_error *bad = NULL;
      size_t len;
      const char *out = tmpl_exec (t, row, &len, &bad);
      if (out)
        {
          fwrite (out, 1, len, stdout);
          fputs ("\n", stdout);
          return 0;
        }
      const char *key = strstr (bad->msg, "Attributes.") ? strstr (bad->msg, "no entry for key \"")
                                                         : NULL;
      yajl_val attrs = json_get (json_get (row, "Actor"), "Attributes");
      if (key == NULL || tries >= 32 || attrs == NULL || !YAJL_IS_OBJECT (attrs))
        {
          *err = STEAL (bad);
          return -1;
        }
      key += strlen ("no entry for key \"");
      size_t klen = strcspn (key, "\"");
      /* the yajl tree's object grown by one key with a null value */
      size_t n = attrs->u.object.len;
      attrs->u.object.keys = xrealloc (attrs->u.object.keys, (n + 1) * sizeof (char *));
      attrs->u.object.values = xrealloc (attrs->u.object.values, (n + 1) * sizeof (yajl_val));
      attrs->u.object.keys[n] = xstrndup (key, klen);
      yajl_val null = xmalloc (sizeof *null);
      memset (null, 0, sizeof *null);
      null->type = yajl_t_null;
      attrs->u.object.values[n] = null;
      attrs->u.object.len = n + 1;
    }
}

/* One stored line: printed when it is due and matches. A line that is not
 * an event (never written so) is skipped. */
static int
handle_line (struct events *ev, const char *line, size_t len, mk_error **err)
{
  _cleanup_json_ yajl_val e = NULL;
  _cleanup_error_ mk_error *bad = NULL;
  if (json_parse (line, len, "event", &e, &bad) < 0 || !YAJL_IS_OBJECT (e))
    return 0;
  yajl_val tn = json_get (e, "timeNano");
  long long ns = tn && YAJL_IS_INTEGER (tn) ? YAJL_GET_INTEGER (tn) : 0;
  if ((ev->has_since && ns < ev->since) || (ev->has_until && ns > ev->until))
    return 0;
  if (!event_match (ev, e))
    return 0;
  if (ev->raw_json)
    printf ("%.*s\n", (int) len, line);
  else if (ev->tmpl)
    return print_template (ev->tmpl, e, err);
  else
    print_pretty (e, ns);
  return 0;
}

/* A log file being read: what was read but not yet a whole line. */
struct reader
{
  int fd;
  ino_t ino;
  char *buf;
  size_t len, cap;
};

static int
reader_drain (struct events *ev, struct reader *r, mk_error **err)
{
  if (r->fd < 0)
    return 0;
  read_append (r->fd, &r->buf, &r->len, &r->cap);
  size_t start = 0;
  for (;;)
    {
      char *nl = memchr (r->buf + start, '\n', r->len - start);
      if (nl == NULL)
        break;
      if (handle_line (ev, r->buf + start, (size_t) (nl - (r->buf + start)), err) < 0)
        return -1;
      start = (size_t) (nl - r->buf) + 1;
    }
  memmove (r->buf, r->buf + start, r->len - start);
  r->len -= start;
  fflush (stdout);
  return 0;
}

static void
reader_open (struct reader *r, const char *path)
{
  r->fd = open (path, O_RDONLY | O_CLOEXEC);
  r->len = 0;
  struct stat st;
  r->ino = r->fd >= 0 && fstat (r->fd, &st) == 0 ? st.st_ino : 0;
}

static void
reader_close (struct reader *r)
{
  if (r->fd >= 0)
    close (r->fd);
  r->fd = -1;
}

static int
parse_opts (int argc, char **argv, struct events *ev, const char **format, mk_error **err)
{
  static const struct option opts[] = {
    { "since", required_argument, NULL, 'S' },  { "until", required_argument, NULL, 'U' },
    { "filter", required_argument, NULL, 'f' }, { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  long long now = ui_now_ns ();
  int c;
  while ((c = getopt_long (argc, argv, "f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'S':
      case 'U':
        {
          _cleanup_error_ mk_error *bad = NULL;
          if (ui_parse_timestamp (optarg, now, c == 'S' ? &ev->since : &ev->until, &bad) < 0)
            return mocker_flag_error (err, "events", "invalid value for \"%s\": %s",
                                      c == 'S' ? "since" : "until", bad->msg);
          *(c == 'S' ? &ev->has_since : &ev->has_until) = true;
          break;
        }
      case 'f':
        if (ui_filter_add (&ev->filter, "events", optarg, filter_keys, err) < 0)
          return -1;
        break;
      case 'F': *format = optarg; break;
      case 'h': return 1;
      default: return mocker_option_error (err, "events", "f:h", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "events", "no arguments expected");
  return 0;
}

static int
run_events (struct mocker_ctx *ctx, struct events *ev, mk_error **err)
{
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_free_ char *path = path_join (store_root (s), CTR_EVENTS_LOG);
  _cleanup_free_ char *old_path = path_join (store_root (s), CTR_EVENTS_LOG_OLD);
  _cleanup_free_ char *lock_path = path_join (store_root (s), CTR_EVENTS_LOCK);
  struct reader cur = { .fd = -1 }, old = { .fd = -1 };
  {
    /* Both files opened while no writer rotates them. */
    _cleanup_close_ int lfd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lfd >= 0)
      flock (lfd, LOCK_SH);
    if (ev->has_since || ev->has_until)
      reader_open (&old, old_path);
    reader_open (&cur, path);
  }
  int r = 0;
  if (ev->has_since || ev->has_until)
    r = reader_drain (ev, &old, err);
  else if (cur.fd >= 0)
    lseek (cur.fd, 0, SEEK_END); /* only new events */
  reader_close (&old);
  if (r == 0)
    r = reader_drain (ev, &cur, err);
  /* Follow: new lines, and the new file once the writer rotated it. */
  while (r == 0 && !(ev->has_until && ui_now_ns () > ev->until))
    {
      usleep (100000);
      r = reader_drain (ev, &cur, err);
      struct stat st;
      if (r == 0 && stat (path, &st) == 0 && st.st_ino != cur.ino)
        {
          r = reader_drain (ev, &cur, err); /* the rest of the rotated one */
          ino_t seen = cur.ino;
          reader_close (&cur);
          /* Rotated twice meanwhile: the file in between is events.log.1
           * (none when there was no log at all before). */
          reader_open (&old, old_path);
          if (r == 0 && seen != 0 && old.fd >= 0 && old.ino != seen)
            r = reader_drain (ev, &old, err);
          reader_close (&old);
          reader_open (&cur, path);
          if (r == 0)
            r = reader_drain (ev, &cur, err);
        }
    }
  reader_close (&cur);
  free (cur.buf);
  free (old.buf);
  return r;
}

int
cmd_events (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  struct events ev = { 0 };
  const char *format = NULL;
  int r = parse_opts (argc, argv, &ev, &format, err);
  if (r == 0 && format && *format)
    {
      if (strcmp (format, "json") == 0 || strcmp (format, "{{json .}}") == 0)
        ev.raw_json = true;
      else
        {
          ev.tmpl = tmpl_parse (format, err);
          /* checked on an empty event first, as Docker: a bad field fails
           * before any output (attributes vary: not checked) */
          _cleanup_json_ yajl_val empty = ev.tmpl ? template_row (NULL, err) : NULL;
          _cleanup_error_ mk_error *bad = NULL;
          if (ev.tmpl == NULL || empty == NULL)
            r = mocker_bad_option ();
          else if (tmpl_exec (ev.tmpl, empty, NULL, &bad) == NULL
                   && strstr (bad->msg, ".Attributes.") == NULL)
            {
              *err = STEAL (bad);
              r = mocker_bad_option ();
            }
        }
    }
  if (r == 0)
    r = run_events (ctx, &ev, err);
  tmpl_free (ev.tmpl);
  ui_filter_clear (&ev.filter);
  return r > 0 ? mocker_print_usage (usage) : r;
}
