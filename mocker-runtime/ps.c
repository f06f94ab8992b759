/* ps ID [-f|--format table|json] [PS_ARGS...]: the container's processes.
 * json: a bare array of host pids (go-runc decodes exactly that).  table:
 * one line per process formatted from /proc here (UID PID PPID STAT TIME
 * CMD); extra ps arguments are accepted and ignored, since no `ps` runs. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state.h"

struct proc_row
{
  unsigned uid;
  int ppid;
  char state;
  unsigned long long ticks;
  char cmd[512];
};

/* Fills row from /proc/<pid>; -1 when the process is gone. */
static int
read_proc (pid_t pid, struct proc_row *row)
{
  char path[64], buf[2048];
  memset (row, 0, sizeof *row);
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *lp = strchr (buf, '('), *rp = strrchr (buf, ')');
  if (lp == NULL || rp == NULL || rp[1] != ' ')
    return -1;
  char comm[64];
  snprintf (comm, sizeof comm, "%.*s", (int) (rp - lp - 1), lp + 1);
  unsigned long long utime = 0, stime = 0;
  /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
  if (sscanf (rp + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &row->state,
              &row->ppid, &utime, &stime) != 4)
    return -1;
  row->ticks = utime + stime;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  char line[256];
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "Uid: %u", &row->uid) == 1)
      break;

  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  _cleanup_close_ int cfd = open (path, O_RDONLY | O_CLOEXEC);
  n = cfd < 0 ? 0 : read (cfd, row->cmd, sizeof row->cmd - 1);
  if (n <= 0)
    snprintf (row->cmd, sizeof row->cmd, "[%s]", comm);
  else
    {
      while (n > 0 && row->cmd[n - 1] == '\0')
        n--;
      for (ssize_t i = 0; i < n; i++)
        if (row->cmd[i] == '\0')
          row->cmd[i] = ' ';
      row->cmd[n] = '\0';
    }
  return 0;
}

static void
print_table (const pid_t *pids, size_t n)
{
  long hz = sysconf (_SC_CLK_TCK);
  printf ("%-8s %8s %8s %-4s %10s %s\n", "UID", "PID", "PPID", "STAT", "TIME", "CMD");
  for (size_t i = 0; i < n; i++)
    {
      struct proc_row r;
      if (read_proc (pids[i], &r) < 0)
        continue;
      unsigned long long secs = r.ticks / (unsigned long long) (hz > 0 ? hz : 100);
      printf ("%-8u %8d %8d %-4c %4llu:%02llu:%02llu %s\n", r.uid, (int) pids[i], r.ppid,
              r.state, secs / 3600, secs / 60 % 60, secs % 60, r.cmd);
    }
}

int
cmd_ps (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, "+:f:", opts, NULL)) != -1)
    {
      if (c == 'f')
        format = optarg;
      else
        return cli_option_error ("ps", c, argv, err);
    }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return mk_error_set (err, 0, "ps: --format: expected table or json, not `%s`", format);
  if (optind >= argc)
    return mk_error_set (err, 0, "ps: missing argument; usage: "
                                 "ps [--format table|json] ID [PS_ARGS...]");
  _cleanup_rt_state_ struct rt_state *st = NULL;
  if (state_load (g->root, argv[optind], &st, err) < 0)
    return -1;
  if (state_status (g->root, st) == RT_STOPPED)
    return mk_error_set (err, 0, "container not running");
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (cgroup_pids (st->cgroup_path, &pids, &n, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0)
    {
      json_gen *jg = json_gen_new (false);
      json_arr_open (jg);
      for (size_t i = 0; i < n; i++)
        json_int (jg, pids[i]);
      json_arr_close (jg);
      _cleanup_free_ char *text = json_gen_finish (jg, NULL);
      printf ("%s\n", text);
      return 0;
    }
  print_table (pids, n);
  return 0;
}
