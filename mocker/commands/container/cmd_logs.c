/* mocker logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER: the
 * json-file log, stdout lines to stdout and stderr lines to stderr; -f
 * follows until the container's monitor is done (or --until passed). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/mocker.h"
#include "mocker/ui/timearg.h"

static const char usage[] =
  "Usage: mocker logs [OPTIONS] CONTAINER\n"
  "\n"
  "Print a container's output (stdout and stderr kept apart).\n"
  "\n"
  "Options:\n"
  "  -f, --follow        keep printing until the container exits\n"
  "  -n, --tail N        only the last N lines (default all)\n"
  "      --since T       only lines from T on (RFC 3339 time, Unix time, or\n"
  "                      a duration before now: 10m, 1h30m)\n"
  "      --until T       only lines up to T (same forms)\n"
  "  -t, --timestamps    prefix each line with its time\n"
  "  -h, --help          print this help\n";

/* One log line's members as the reader reports them ("log" comes before
 * "stream" in the file, so the text waits for the line's end). */
struct entry
{
  char *text;
  size_t len, cap;
  bool has_text, to_stderr, timestamps;
  char time[64];
  /* --since / --until in nanoseconds; a line without a readable time is
   * shown */
  bool has_since, has_until;
  long long since, until;
};

static void
entry_member (const char *key, const char *val, size_t len, void *opaque)
{
  struct entry *e = opaque;
  if (strcmp (key, "log") == 0)
    {
      if (len + 1 > e->cap)
        {
          e->cap = len + 1 + 256;
          e->text = xrealloc (e->text, e->cap);
        }
      memcpy (e->text, val, len);
      e->len = len;
      e->has_text = true;
    }
  else if (strcmp (key, "stream") == 0)
    e->to_stderr = len == 6 && memcmp (val, "stderr", 6) == 0;
  else if (strcmp (key, "time") == 0)
    snprintf (e->time, sizeof e->time, "%.*s", (int) len, val);
}

static void
entry_end (void *opaque)
{
  struct entry *e = opaque;
  if (!e->has_text)
    return;
  long long t;
  if ((e->has_since || e->has_until) && ui_parse_rfc3339 (e->time, &t)
      && ((e->has_since && t < e->since) || (e->has_until && t > e->until)))
    return;
  FILE *out = e->to_stderr ? stderr : stdout;
  if (e->timestamps)
    fprintf (out, "%s ", e->time);
  fwrite (e->text, 1, e->len, out);
  if (out == stderr)
    fflush (stderr);
}

/* Prints the complete lines of buf[*start..len); *start moves past them.
 * A line that is not a log entry (a torn last line is completed later) is
 * skipped. */
static void
print_lines (json_objects *reader, struct entry *e, const char *buf, size_t len, size_t *start)
{
  while (*start < len)
    {
      const char *nl = memchr (buf + *start, '\n', len - *start);
      if (nl == NULL)
        return;
      e->has_text = e->to_stderr = false;
      e->time[0] = '\0';
      json_objects_feed (reader, buf + *start, (size_t) (nl - (buf + *start)));
      *start = (size_t) (nl - buf) + 1;
    }
}

static void
cleanup_reader (json_objects **r)
{
  json_objects_free (*r);
}

int
cmd_logs (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "follow", no_argument, NULL, 'f' },      { "tail", required_argument, NULL, 'n' },
    { "timestamps", no_argument, NULL, 't' },  { "help", no_argument, NULL, 'h' },
    { "since", required_argument, NULL, 'S' }, { "until", required_argument, NULL, 'U' },
    { NULL, 0, NULL, 0 },
  };
  struct entry e = { 0 };
  long long now = ui_now_ns ();
  bool follow = false, timestamps = false;
  long long tail = -1;
  int c;
  while ((c = getopt_long (argc, argv, "fn:th", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': follow = true; break;
      case 't': timestamps = true; break;
      case 'n':
        if (strcmp (optarg, "all") == 0)
          tail = -1;
        else if (!parse_int64 (optarg, &tail) || tail < 0)
          return mocker_flag_error (err, "logs", "--tail: invalid number `%s`", optarg);
        break;
      case 'S':
      case 'U':
        {
          const char *what = c == 'S' ? "since" : "until";
          long long *t = c == 'S' ? &e.since : &e.until;
          _cleanup_error_ mk_error *bad = NULL;
          if (ui_parse_timestamp (optarg, now, t, &bad) < 0)
            return mocker_flag_error (err, "logs", "invalid value for \"%s\": %s", what, bad->msg);
          *(c == 'S' ? &e.has_since : &e.has_until) = true;
          break;
        }
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "logs", "fn:th", argv);
      }
  if (argc - optind != 1)
    return mocker_usage_error (err, "logs", "exactly one CONTAINER expected");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, argv[optind], &ct, err) < 0)
    return -1;
  _cleanup_free_ char *path = path_join (ct->dir, "container.log");
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return mk_error_set (err, errno, "open `%s`", path);

  char *buf = NULL;
  size_t len = 0, cap = 0, start = 0;
  e.timestamps = timestamps;
  __attribute__ ((cleanup (cleanup_reader))) json_objects *reader
      = json_objects_new (entry_member, entry_end, &e);
  /* Whether the monitor is still there is asked before reading, so the
   * last lines it wrote before leaving are always read. */
  bool more = follow && ctr_monitor_active (ct);
  for (;;)
    {
      if (fd >= 0)
        read_append (fd, &buf, &len, &cap);
      if (tail >= 0)
        {
          /* Skip to the start of the last `tail` complete lines. */
          size_t end = len;
          while (end > 0 && buf[end - 1] != '\n')
            end--;
          size_t p = end;
          for (long long k = 0; k < tail && p > start; k++)
            {
              size_t q = p - 1; /* the newline ending the line before p */
              while (q > start && buf[q - 1] != '\n')
                q--;
              p = q;
            }
          start = p;
          tail = -1;
        }
      print_lines (reader, &e, buf, len, &start);
      fflush (stdout);
      if (!more)
        break;
      /* Drop what was printed, keep a partial line. */
      memmove (buf, buf + start, len - start);
      len -= start;
      start = 0;
      more = ctr_monitor_active (ct) && !(e.has_until && ui_now_ns () > e.until);
      if (more)
        usleep (100000);
      if (fd < 0)
        fd = open (path, O_RDONLY | O_CLOEXEC);
    }
  free (buf);
  free (e.text);
  return 0;
}
