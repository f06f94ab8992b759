/* mocker top CONTAINER [ps OPTIONS]: the container's processes (its
 * cgroup.procs) as seen from the host, read from /proc/<pid>/{stat,status,
 * cmdline}; no ps(1).  Docker's default columns are ps -ef's (UID PID PPID
 * C STIME TTY TIME CMD); `-o a,b,...` picks ps fields (see fields[]). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker top CONTAINER [-ef | -o FIELD[,FIELD...]]\n"
  "\n"
  "Display the running processes of a container (as ps -ef by default).\n"
  "Fields: uid user pid ppid c stime tty time cmd args command comm rss vsz\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

struct proc
{
  pid_t pid, ppid;
  char comm[64];
  char *args;               /* cmdline, spaces between; "[comm]" when empty */
  unsigned uid;
  unsigned long long utime, stime, start; /* clock ticks */
  unsigned long long vsz_kb, rss_kb;
  int tty_nr;
};

enum field
{
  F_UID, F_USER, F_PID, F_PPID, F_C, F_STIME, F_TTY, F_TIME, F_CMD, F_ARGS, F_COMMAND,
  F_COMM, F_RSS, F_VSZ,
};

static const struct
{
  const char *name, *header;
} fields[] = {
  [F_UID] = { "uid", "UID" },      [F_USER] = { "user", "USER" },
  [F_PID] = { "pid", "PID" },      [F_PPID] = { "ppid", "PPID" },
  [F_C] = { "c", "C" },            [F_STIME] = { "stime", "STIME" },
  [F_TTY] = { "tty", "TT" },       [F_TIME] = { "time", "TIME" },
  [F_CMD] = { "cmd", "CMD" },      [F_ARGS] = { "args", "COMMAND" },
  [F_COMMAND] = { "command", "COMMAND" }, [F_COMM] = { "comm", "COMMAND" },
  [F_RSS] = { "rss", "RSS" },      [F_VSZ] = { "vsz", "VSZ" },
};

static int
read_proc (pid_t pid, struct proc *p)
{
  char path[64];
  _cleanup_free_ char *stat = NULL, *status = NULL, *cmdline = NULL;
  size_t cmd_len = 0;
  memset (p, 0, sizeof *p);
  p->pid = pid;
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_file (path, &stat, NULL, NULL) < 0)
    return -1;
  char *open = strchr (stat, '('), *close = strrchr (stat, ')');
  if (open == NULL || close == NULL || close < open)
    return -1;
  snprintf (p->comm, sizeof p->comm, "%.*s", (int) (close - open - 1), open + 1);
  /* Fields from 3 (state) on. */
  char *f[64];
  int nf = 0;
  for (char *tok = strtok (close + 2, " "); tok && nf < 64; tok = strtok (NULL, " "))
    f[nf++] = tok;
  if (nf < 22)
    return -1;
  p->ppid = atoi (f[1]);
  p->tty_nr = atoi (f[4]);
  p->utime = strtoull (f[11], NULL, 10);
  p->stime = strtoull (f[12], NULL, 10);
  p->start = strtoull (f[19], NULL, 10);
  p->vsz_kb = strtoull (f[20], NULL, 10) / 1024;
  p->rss_kb = strtoull (f[21], NULL, 10) * (unsigned long long) sysconf (_SC_PAGESIZE) / 1024;
  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  if (read_file (path, &status, NULL, NULL) == 0)
    {
      const char *u = strstr (status, "\nUid:");
      unsigned real = 0, eff = 0;
      if (u && sscanf (u + 5, "%u %u", &real, &eff) == 2)
        p->uid = eff;
      /* As ps: VmRSS (the rss of stat lags behind), VmSize. */
      const char *r = strstr (status, "\nVmRSS:"), *v = strstr (status, "\nVmSize:");
      if (r)
        p->rss_kb = strtoull (r + 7, NULL, 10);
      if (v)
        p->vsz_kb = strtoull (v + 8, NULL, 10);
    }
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  if (read_file (path, &cmdline, &cmd_len, NULL) == 0 && cmd_len > 0)
    {
      while (cmd_len > 0 && cmdline[cmd_len - 1] == '\0')
        cmd_len--;
      for (size_t i = 0; i < cmd_len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      cmdline[cmd_len] = '\0';
      p->args = STEAL (cmdline);
    }
  else
    p->args = xasprintf ("[%s]", p->comm);
  return 0;
}

/* The host's name for uid (/etc/passwd, read by hand: no NSS in a static
 * binary), else the number. */
static char *
user_name (unsigned uid)
{
  _cleanup_free_ char *t = NULL;
  if (read_file ("/etc/passwd", &t, NULL, NULL) == 0)
    for (char *line = t; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
      {
        char name[64];
        unsigned u;
        if (sscanf (line, "%63[^:]:%*[^:]:%u:", name, &u) == 2 && u == uid)
          return xstrdup (name);
      }
  return xasprintf ("%u", uid);
}

static char *
format_field (enum field f, const struct proc *p, unsigned long long uptime_ticks,
              time_t boot, time_t now)
{
  long hz = sysconf (_SC_CLK_TCK);
  switch (f)
    {
    case F_UID: return xasprintf ("%u", p->uid);
    case F_USER: return user_name (p->uid);
    case F_PID: return xasprintf ("%d", (int) p->pid);
    case F_PPID: return xasprintf ("%d", (int) p->ppid);
    case F_C:
      {
        unsigned long long alive = uptime_ticks > p->start ? uptime_ticks - p->start : 0;
        return xasprintf ("%llu", alive ? (p->utime + p->stime) * 100 / alive : 0);
      }
    case F_STIME:
      {
        time_t t = boot + (time_t) (p->start / (unsigned long long) hz);
        struct tm tm, tn;
        localtime_r (&t, &tm);
        localtime_r (&now, &tn);
        char buf[32];
        strftime (buf, sizeof buf,
                  now - t < 24 * 3600 ? "%H:%M" : tm.tm_year == tn.tm_year ? "%b%d" : "%Y", &tm);
        return xstrdup (buf);
      }
    case F_TTY:
      {
        unsigned major = ((unsigned) p->tty_nr >> 8) & 0xfff;
        unsigned minor = ((unsigned) p->tty_nr & 0xff) | (((unsigned) p->tty_nr >> 12) & 0xfff00);
        if (p->tty_nr == 0)
          return xstrdup ("?");
        if (major >= 136 && major <= 143)
          return xasprintf ("pts/%u", (major - 136) * 256 + minor);
        if (major == 4 && minor < 64)
          return xasprintf ("tty%u", minor);
        return xstrdup ("?");
      }
    case F_TIME:
      {
        unsigned long long sec = (p->utime + p->stime) / (unsigned long long) hz;
        if (sec >= 86400)
          return xasprintf ("%llu-%02llu:%02llu:%02llu", sec / 86400, sec / 3600 % 24,
                            sec / 60 % 60, sec % 60);
        return xasprintf ("%02llu:%02llu:%02llu", sec / 3600, sec / 60 % 60, sec % 60);
      }
    case F_CMD:
    case F_ARGS:
    case F_COMMAND: return xstrdup (p->args);
    case F_COMM: return xstrdup (p->comm);
    case F_RSS: return xasprintf ("%llu", p->rss_kb);
    case F_VSZ: return xasprintf ("%llu", p->vsz_kb);
    }
  return xstrdup ("");
}

/* "-o pid,comm" (also "-opid,comm", "-eo ..."); "-ef"/"-e"/"-f" are the
 * default (returns 1 then, else 0).  Anything else is refused by name. */
static int
parse_ps_args (int argc, char **argv, enum field *out, size_t *n, mk_error **err)
{
  /* ps -ef: its UID column shows the user's name. */
  static const enum field defaults[] = { F_USER, F_PID, F_PPID, F_C, F_STIME, F_TTY, F_TIME, F_CMD };
  *n = 0;
  const char *list = NULL;
  for (int i = 0; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-ef") == 0 || strcmp (a, "-e") == 0 || strcmp (a, "-f") == 0
          || strcmp (a, "aux") == 0)
        continue;
      if (strcmp (a, "-o") == 0 || strcmp (a, "-eo") == 0 || strcmp (a, "-efo") == 0)
        {
          if (i + 1 >= argc)
            return mk_error_set (err, 0, "top: %s wants a list of fields", a);
          list = argv[++i];
        }
      else if (str_has_prefix (a, "-o"))
        list = a + 2;
      else
        return mk_error_set (err, 0, "top: unsupported ps option `%s` (use -o FIELD,...)", a);
    }
  if (list == NULL)
    {
      memcpy (out, defaults, sizeof defaults);
      *n = ARRAY_SIZE (defaults);
      return 1; /* ps -ef's headers */
    }
  _cleanup_free_ char *copy = xstrdup (list);
  char *save = NULL;
  for (char *tok = strtok_r (copy, ", ", &save); tok; tok = strtok_r (NULL, ", ", &save))
    {
      size_t k = 0;
      while (k < ARRAY_SIZE (fields) && strcmp (fields[k].name, tok) != 0)
        k++;
      if (k == ARRAY_SIZE (fields))
        return mk_error_set (err, 0,
                             "top: unsupported ps field `%s` (supported: uid user pid ppid c "
                             "stime tty time cmd args command comm rss vsz)", tok);
      if (*n < 32)
        out[(*n)++] = (enum field) k;
    }
  if (*n == 0)
    return mk_error_set (err, 0, "top: -o: no field given");
  return 0;
}

int
cmd_top (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc == 2 && (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0))
    return mocker_print_usage (usage);
  if (argc < 2)
    return mocker_usage_error (err, "top", "a CONTAINER is required");
  /* Everything after CONTAINER is for "ps": no getopt here. */
  enum field cols[32];
  size_t ncols = 0;
  int ps_ef = parse_ps_args (argc - 2, argv + 2, cols, &ncols, err);
  if (ps_ef < 0)
    return -1;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, argv[1], &ct, err) < 0)
    return -1;
  ctr_reload_state (ct);
  if (ctr_live_status (ct) != LIVE_RUNNING)
    return mk_error_set (err, 0, "container %s is not running", argv[1]);
  _cleanup_free_ pid_t *pids = NULL;
  size_t npids = 0;
  if (ctr_cgroup_pids (ct, &pids, &npids, err) < 0)
    return mk_error_wrap (err, "container %s", argv[1]);

  unsigned long long uptime_ticks = 0;
  time_t boot = 0, now = time (NULL);
  _cleanup_free_ char *up = NULL, *pstat = NULL;
  if (read_file ("/proc/uptime", &up, NULL, NULL) == 0)
    uptime_ticks = (unsigned long long) (strtod (up, NULL) * (double) sysconf (_SC_CLK_TCK));
  if (read_file ("/proc/stat", &pstat, NULL, NULL) == 0 && strstr (pstat, "\nbtime "))
    boot = (time_t) strtoll (strstr (pstat, "\nbtime ") + 7, NULL, 10);

  /* The table: row 0 the headers; Docker's tabwriter (min width 20,
   * padding 3). */
  size_t rows = 1, nrows = npids + 1;
  char ***cell = xzalloc (nrows * sizeof *cell);
  cell[0] = xzalloc (ncols * sizeof **cell);
  for (size_t k = 0; k < ncols; k++)
    cell[0][k] = xstrdup (ps_ef && cols[k] == F_TTY    ? "TTY"
                          : ps_ef && cols[k] == F_USER ? "UID"
                                                       : fields[cols[k]].header);
  for (size_t i = 0; i < npids; i++)
    {
      struct proc p;
      if (read_proc (pids[i], &p) < 0)
        continue; /* exited meanwhile */
      cell[rows] = xzalloc (ncols * sizeof **cell);
      for (size_t k = 0; k < ncols; k++)
        cell[rows][k] = format_field (cols[k], &p, uptime_ticks, boot, now);
      free (p.args);
      rows++;
    }
  for (size_t r = 0; r < rows; r++)
    {
      for (size_t k = 0; k < ncols; k++)
        {
          if (k + 1 == ncols)
            {
              printf ("%s\n", cell[r][k]);
              break;
            }
          size_t w = 20;
          for (size_t q = 0; q < rows; q++)
            if (strlen (cell[q][k]) + 3 > w)
              w = strlen (cell[q][k]) + 3;
          printf ("%-*s", (int) w, cell[r][k]);
        }
    }
  for (size_t r = 0; r < rows; r++)
    {
      for (size_t k = 0; k < ncols; k++)
        free (cell[r][k]);
      free (cell[r]);
    }
  free (cell);
  return 0;
}
