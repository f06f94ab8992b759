/* mocker stats [-a] [--no-stream] [CONTAINER...]: Docker's columns from the
 * containers' cgroup files (v1 or v2) and /proc, no runtime call.
 *   CPU %      two samples of the group's CPU time (v1 cpuacct.usage, v2
 *              cpu.stat usage_usec) against the host's (/proc/stat), times
 *              the online CPUs, as Docker
 *   MEM        usage minus inactive file cache (v1 memory.usage_in_bytes -
 *              total_inactive_file, v2 memory.current - inactive_file) /
 *              the limit (the host's memory when there is none)
 *   NET I/O    /proc/<init>/net/dev, every interface but lo
 *   BLOCK I/O  v1 blkio.throttle.io_service_bytes, v2 io.stat
 *   PIDS       pids.current
 * Streaming (a redraw a second) unless --no-stream, which takes one sample
 * and gives the CPU % averaged since the container's start (podman's way;
 * Docker waits for a second sample).
 * --format: Docker's statsContext rows (BlockIO, CPUPerc, Container, ID,
 * MemPerc, MemUsage, Name, NetIO, PIDs). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/list_index.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "common/json.h"
#include "mocker/ui/format.h"
#include "mocker/ui/formatter.h"

static const char usage[] =
  "Usage: mocker stats [OPTIONS] [CONTAINER...]\n"
  "\n"
  "Display a live stream of containers' resource usage (running ones by default).\n"
  "\n"
  "Options:\n"
  "  -a, --all         show every container (not only running ones)\n"
  "      --format TMPL Go template (`table TMPL` for columns, `json`)\n"
  "      --no-stream   print one table and exit (CPU %: since the start)\n"
  "      --no-trunc    do not truncate IDs\n"
  "  -h, --help        print this help\n";

struct sample
{
  unsigned long long cpu_ns, sys_ns;
  long long mem, limit, rx, tx, rd, wr, pids;
};

static long long
host_mem_total (void)
{
  static long long total = -1; /* read once per process */
  if (total >= 0)
    return total;
  total = 0;
  _cleanup_free_ char *t = NULL;
  if (read_file ("/proc/meminfo", &t, NULL, NULL) < 0 || !str_has_prefix (t, "MemTotal:"))
    return 0;
  total = strtoll (t + 9, NULL, 10) * 1024;
  return total;
}

/* The host's CPU time (user..softirq of /proc/stat's "cpu" line), in ns. */
static unsigned long long
host_cpu_ns (void)
{
  _cleanup_free_ char *t = NULL;
  if (read_file ("/proc/stat", &t, NULL, NULL) < 0 || !str_has_prefix (t, "cpu "))
    return 0;
  unsigned long long sum = 0;
  char *p = t + 4;
  for (int i = 0; i < 7; i++)
    sum += strtoull (p, &p, 10);
  return sum * (1000000000ULL / (unsigned long long) sysconf (_SC_CLK_TCK));
}

static void
net_io (pid_t pid, long long *rx, long long *tx)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/net/dev", (int) pid);
  _cleanup_free_ char *t = NULL;
  if (read_file (path, &t, NULL, NULL) < 0)
    return;
  for (char *line = strchr (t, '\n'); line; line = strchr (line + 1, '\n'))
    {
      char *colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      char *name = line + 1;
      while (*name == ' ')
        name++;
      if (strncmp (name, "lo:", 3) == 0)
        continue;
      char *p = colon + 1;
      long long v[9];
      for (int i = 0; i < 9; i++)
        v[i] = strtoll (p, &p, 10);
      *rx += v[0]; /* receive bytes, then 7 receive fields, then transmit bytes */
      *tx += v[8];
    }
}

static void
block_io (const struct container *c, long long *rd, long long *wr)
{
  bool v2 = ctr_cgroup_v2 ();
  _cleanup_free_ char *p = v2 ? ctr_cgroup_file (c, "", "io.stat")
                              : ctr_cgroup_file (c, "blkio", "blkio.throttle.io_service_bytes");
  _cleanup_free_ char *t = NULL;
  if (read_file (p, &t, NULL, NULL) < 0)
    return;
  for (char *line = t; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    {
      if (v2)
        {
          char *r = strstr (line, "rbytes="), *w = strstr (line, "wbytes=");
          char *eol = strchr (line, '\n');
          if (r && (!eol || r < eol))
            *rd += strtoll (r + 7, NULL, 10);
          if (w && (!eol || w < eol))
            *wr += strtoll (w + 7, NULL, 10);
        }
      else
        {
          char dev[32], op[16];
          long long v;
          if (sscanf (line, "%31s %15s %lld", dev, op, &v) == 3)
            {
              if (strcmp (op, "Read") == 0)
                *rd += v;
              else if (strcmp (op, "Write") == 0)
                *wr += v;
            }
        }
    }
}

/* sys_ns: the host's CPU time, read once for the frame */
static void
take_sample (const struct container *c, unsigned long long sys_ns, struct sample *s)
{
  memset (s, 0, sizeof *s);
  s->sys_ns = sys_ns;
  if (ctr_live_status (c) != LIVE_RUNNING)
    return;
  bool v2 = ctr_cgroup_v2 ();
  if (v2)
    {
      long long us = ctr_cgroup_read_key (c, "cpu", "cpu.stat", "usage_usec");
      s->cpu_ns = us > 0 ? (unsigned long long) us * 1000 : 0;
    }
  else
    {
      long long ns = ctr_cgroup_read_num (c, "cpuacct", "cpuacct.usage");
      s->cpu_ns = ns > 0 ? (unsigned long long) ns : 0;
    }
  long long used = ctr_cgroup_read_num (c, "memory", v2 ? "memory.current" : "memory.usage_in_bytes");
  long long inactive = ctr_cgroup_read_key (c, "memory", "memory.stat",
                                            v2 ? "inactive_file" : "total_inactive_file");
  s->mem = used < 0 ? 0 : inactive > 0 && inactive < used ? used - inactive : used;
  long long total = host_mem_total ();
  s->limit = ctr_cgroup_read_num (c, "memory", v2 ? "memory.max" : "memory.limit_in_bytes");
  if (s->limit <= 0 || (total > 0 && s->limit > total))
    s->limit = total;
  net_io (c->state.pid, &s->rx, &s->tx);
  block_io (c, &s->rd, &s->wr);
  long long pids = ctr_cgroup_read_num (c, "pids", "pids.current");
  s->pids = pids < 0 ? 0 : pids;
}

static const char default_table[]
  = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"
    "{{.BlockIO}}\t{{.PIDs}}";

/* Docker's column titles of a stats row. */
static const char headers[]
  = "{\"BlockIO\":\"BLOCK I/O\",\"CPUPerc\":\"CPU %\",\"Container\":\"CONTAINER\","
    "\"ID\":\"CONTAINER ID\",\"MemPerc\":\"MEM %\",\"MemUsage\":\"MEM USAGE / LIMIT\","
    "\"Name\":\"NAME\",\"NetIO\":\"NET I/O\",\"PIDs\":\"PIDS\"}";

/* CPU % between two samples, of one CPU (Docker: the group's CPU time over
 * the host's, times the CPUs online). */
static double
cpu_percent (const struct sample *a, const struct sample *b)
{
  if (b->cpu_ns <= a->cpu_ns || b->sys_ns <= a->sys_ns)
    return 0;
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  return (double) (b->cpu_ns - a->cpu_ns) / (double) (b->sys_ns - a->sys_ns) * (double) ncpu
         * 100.0;
}

/* The CPU % since the container started (--no-stream): its CPU time over
 * the time its init has run (its start time in clock ticks after boot). */
static double
cpu_percent_since_start (const struct container *c, const struct sample *b)
{
  struct timespec now;
  if (b->cpu_ns == 0 || c->state.pid_start == 0 || clock_gettime (CLOCK_BOOTTIME, &now) < 0)
    return 0;
  double up = (double) now.tv_sec + (double) now.tv_nsec / 1e9;
  double started = (double) c->state.pid_start / (double) sysconf (_SC_CLK_TCK);
  if (up <= started)
    return 0;
  return (double) b->cpu_ns / 1e9 / (up - started) * 100.0;
}

/* One row as Docker's statsContext marshals it. ref: the container as
 * typed, else its short id (Docker's .Container). */
static yajl_val
stats_row (const struct container *c, const char *ref, double cpu, const struct sample *b,
           bool no_trunc)
{
  _cleanup_free_ char *mu = ui_format_binary_size ((double) b->mem);
  _cleanup_free_ char *ml = ui_format_binary_size ((double) b->limit);
  _cleanup_free_ char *rx = ui_format_size_prec ((double) b->rx, 3);
  _cleanup_free_ char *tx = ui_format_size_prec ((double) b->tx, 3);
  _cleanup_free_ char *rd = ui_format_size_prec ((double) b->rd, 3);
  _cleanup_free_ char *wr = ui_format_size_prec ((double) b->wr, 3);
  char buf[128];
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  snprintf (buf, sizeof buf, "%s / %s", rd, wr);
  json_kv_str (g, "BlockIO", buf);
  snprintf (buf, sizeof buf, "%.2f%%", cpu);
  json_kv_str (g, "CPUPerc", buf);
  snprintf (buf, sizeof buf, "%.12s", c->id);
  json_kv_str (g, "Container", ref ? ref : buf);
  json_kv_str (g, "ID", no_trunc ? c->id : buf);
  snprintf (buf, sizeof buf, "%.2f%%",
            b->limit > 0 ? (double) b->mem * 100.0 / (double) b->limit : 0.0);
  json_kv_str (g, "MemPerc", buf);
  snprintf (buf, sizeof buf, "%s / %s", mu, ml);
  json_kv_str (g, "MemUsage", buf);
  json_kv_str (g, "Name", c->name && *c->name ? c->name : "--");
  snprintf (buf, sizeof buf, "%s / %s", rx, tx);
  json_kv_str (g, "NetIO", buf);
  snprintf (buf, sizeof buf, "%lld", b->pids);
  json_kv_str (g, "PIDs", buf);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  json_parse (text, len, "stats row", &v, &e);
  return v;
}

/* One frame: every row through the template (a table is aligned at the end). */
static int
print_frame (const char *format, struct container **list, char **refs, size_t n,
             const struct sample *a, const struct sample *b, bool since_start, bool no_trunc,
             mk_error **err)
{
  _cleanup_ui_formatter_ struct ui_formatter *fmt
    = ui_formatter_new (format, default_table, headers, err);
  if (fmt == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      double cpu = since_start ? cpu_percent_since_start (list[i], &b[i])
                               : cpu_percent (&a[i], &b[i]);
      yajl_val row = stats_row (list[i], refs ? refs[i] : NULL, cpu, &b[i], no_trunc);
      int r = row ? ui_formatter_row (fmt, row, err) : 0;
      yajl_tree_free (row);
      if (r < 0)
        return -1;
    }
  ui_formatter_finish (fmt, stdout);
  fflush (stdout);
  return 0;
}

int
cmd_stats (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "no-stream", no_argument, NULL, 'S' },
    { "no-trunc", no_argument, NULL, 'T' },
    { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false, stream = true, no_trunc = false;
  const char *format = "table";
  int c;
  while ((c = getopt_long (argc, argv, "ah", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'S': stream = false; break;
      case 'T': no_trunc = true; break;
      case 'F': format = *optarg ? optarg : "table"; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "stats", "ah", argv);
      }
  /* a bad template fails before anything is sampled */
  _cleanup_ui_formatter_ struct ui_formatter *check
    = ui_formatter_new (format, default_table, headers, err);
  if (check == NULL)
    return -1;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct container **list = NULL;
  size_t n = 0;
  if (optind < argc)
    {
      n = (size_t) (argc - optind);
      list = xzalloc (n * sizeof *list);
      for (size_t i = 0; i < n; i++)
        if (ctr_find (s, argv[optind + (int) i], &list[i], err) < 0)
          {
            ctr_list_free (list, i);
            return -1;
          }
    }
  else
    {
      if (ctr_list_indexed (s, &list, &n, err) < 0)
        return -1;
      size_t kept = 0;
      for (size_t i = 0; i < n; i++)
        if (all || ctr_counts_running (list[i], ctr_live_status (list[i])))
          list[kept++] = list[i];
        else
          container_free (list[i]);
      n = kept;
    }
  char **refs = optind < argc ? argv + optind : NULL;
  struct sample *a = xzalloc ((n + 1) * sizeof *a), *b = xzalloc ((n + 1) * sizeof *b);
  int ret = 0;
  if (!stream)
    {
      /* the CPU % since the start needs no host CPU time */
      for (size_t i = 0; i < n; i++)
        take_sample (list[i], 0, &b[i]);
      ret = print_frame (format, list, refs, n, a, b, true, no_trunc, err);
    }
  unsigned long long sys_ns = stream ? host_cpu_ns () : 0;
  for (size_t i = 0; stream && i < n; i++)
    take_sample (list[i], sys_ns, &a[i]);
  while (stream && ret == 0)
    {
      sleep (1);
      sys_ns = host_cpu_ns ();
      for (size_t i = 0; i < n; i++)
        {
          ctr_reload_state (list[i]);
          take_sample (list[i], sys_ns, &b[i]);
        }
      printf ("\033[2J\033[H");
      ret = print_frame (format, list, refs, n, a, b, false, no_trunc, err);
      memcpy (a, b, n * sizeof *a);
    }
  free (a);
  free (b);
  ctr_list_free (list, n);
  return ret;
}
