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
 * Streaming (a redraw a second) unless --no-stream. */
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
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/ui/format.h"

static const char usage[] =
  "Usage: mocker stats [OPTIONS] [CONTAINER...]\n"
  "\n"
  "Display a live stream of containers' resource usage (running ones by default).\n"
  "\n"
  "Options:\n"
  "  -a, --all         show every container (not only running ones)\n"
  "      --no-stream   print one table and exit\n"
  "  -h, --help        print this help\n";

struct sample
{
  unsigned long long cpu_ns, sys_ns;
  long long mem, limit, rx, tx, rd, wr, pids;
};

static long long
host_mem_total (void)
{
  _cleanup_free_ char *t = NULL;
  if (read_file ("/proc/meminfo", &t, NULL, NULL) < 0 || !str_has_prefix (t, "MemTotal:"))
    return 0;
  return strtoll (t + 9, NULL, 10) * 1024;
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

static void
take_sample (const struct container *c, struct sample *s)
{
  memset (s, 0, sizeof *s);
  s->sys_ns = host_cpu_ns ();
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

/* Docker's BytesSize: binary units, 4 significant digits. */
static char *
binary_size (double v)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  size_t i = 0;
  while (v >= 1024.0 && i < ARRAY_SIZE (units) - 1)
    {
      v /= 1024.0;
      i++;
    }
  return xasprintf ("%.4g%s", v, units[i]);
}

static void
print_table (struct container **list, size_t n, const struct sample *a, const struct sample *b)
{
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  char ***cell = xzalloc ((n + 1) * sizeof *cell);
  static const char *const head[] = { "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT",
                                      "MEM %", "NET I/O", "BLOCK I/O", "PIDS" };
  enum { NCOL = 8 };
  cell[0] = xzalloc (NCOL * sizeof **cell);
  for (int k = 0; k < NCOL; k++)
    cell[0][k] = xstrdup (head[k]);
  for (size_t i = 0; i < n; i++)
    {
      double cpu = 0;
      if (b[i].cpu_ns > a[i].cpu_ns && b[i].sys_ns > a[i].sys_ns)
        cpu = (double) (b[i].cpu_ns - a[i].cpu_ns) / (double) (b[i].sys_ns - a[i].sys_ns)
              * (double) ncpu * 100.0;
      _cleanup_free_ char *mu = binary_size ((double) b[i].mem);
      _cleanup_free_ char *ml = binary_size ((double) b[i].limit);
      _cleanup_free_ char *rx = ui_format_size_prec ((double) b[i].rx, 3);
      _cleanup_free_ char *tx = ui_format_size_prec ((double) b[i].tx, 3);
      _cleanup_free_ char *rd = ui_format_size_prec ((double) b[i].rd, 3);
      _cleanup_free_ char *wr = ui_format_size_prec ((double) b[i].wr, 3);
      char **row = cell[i + 1] = xzalloc (NCOL * sizeof **cell);
      row[0] = xasprintf ("%.12s", list[i]->id);
      row[1] = xstrdup (list[i]->name);
      row[2] = xasprintf ("%.2f%%", cpu);
      row[3] = xasprintf ("%s / %s", mu, ml);
      row[4] = xasprintf ("%.2f%%", b[i].limit > 0 ? (double) b[i].mem * 100.0 / (double) b[i].limit : 0.0);
      row[5] = xasprintf ("%s / %s", rx, tx);
      row[6] = xasprintf ("%s / %s", rd, wr);
      row[7] = xasprintf ("%lld", b[i].pids);
    }
  /* Docker's table writer: columns at least 10 wide, 3 spaces of padding. */
  for (size_t r = 0; r <= n; r++)
    for (int k = 0; k < NCOL; k++)
      {
        if (k == NCOL - 1)
          {
            printf ("%s\n", cell[r][k]);
            break;
          }
        size_t w = 10;
        for (size_t q = 0; q <= n; q++)
          if (strlen (cell[q][k]) + 3 > w)
            w = strlen (cell[q][k]) + 3;
        printf ("%-*s", (int) w, cell[r][k]);
      }
  for (size_t r = 0; r <= n; r++)
    {
      for (int k = 0; k < NCOL; k++)
        free (cell[r][k]);
      free (cell[r]);
    }
  free (cell);
  fflush (stdout);
}

int
cmd_stats (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "no-stream", no_argument, NULL, 'S' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false, stream = true;
  int c;
  while ((c = getopt_long (argc, argv, "ah", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'S': stream = false; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "stats", "ah", argv);
      }
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
      if (ctr_list (s, &list, &n, err) < 0)
        return -1;
      size_t kept = 0;
      for (size_t i = 0; i < n; i++)
        if (all || ctr_live_status (list[i]) == LIVE_RUNNING)
          list[kept++] = list[i];
        else
          container_free (list[i]);
      n = kept;
    }
  struct sample *a = xzalloc ((n + 1) * sizeof *a), *b = xzalloc ((n + 1) * sizeof *b);
  for (size_t i = 0; i < n; i++)
    take_sample (list[i], &a[i]);
  for (;;)
    {
      sleep (1);
      for (size_t i = 0; i < n; i++)
        {
          ctr_reload_state (list[i]);
          take_sample (list[i], &b[i]);
        }
      if (stream)
        printf ("\033[2J\033[H");
      print_table (list, n, a, b);
      if (!stream)
        break;
      memcpy (a, b, n * sizeof *a);
    }
  free (a);
  free (b);
  ctr_list_free (list, n);
  return 0;
}
