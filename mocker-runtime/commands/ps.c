/* ps ID [-f|--format table|json] [--] [PS_ARGS...]: the container's processes.
 * json: a bare array of host pids (go-runc decodes exactly that; PS_ARGS are
 * ignored).  table: without PS_ARGS, one line per process formatted from
 * /proc here (UID PID PPID STAT TIME CMD); with PS_ARGS, ps(1) is run with
 * them, as runc does (its interface is ps's own options: `ps ID -o pid,comm`),
 * and its header and the lines of the container's pids are printed (found by
 * the PID column).  A stopped container has no processes: an empty list. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state.h"

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

static bool
has_pid (const pid_t *pids, size_t n, long long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Which whitespace-separated column of header is "PID"; -1 if none. */
static int
pid_column (const char *header)
{
  int col = 0;
  for (const char *p = header; *p;)
    {
      p += strspn (p, " \t");
      size_t len = strcspn (p, " \t\n");
      if (len == 0)
        break;
      if (len == 3 && strncmp (p, "PID", 3) == 0)
        return col;
      col++;
      p += len;
    }
  return -1;
}

/* The col-th whitespace-separated field of line as a number; -1 if none. */
static long long
field_number (const char *line, int col)
{
  const char *p = line;
  for (int i = 0;; i++)
    {
      p += strspn (p, " \t");
      size_t len = strcspn (p, " \t\n");
      if (len == 0)
        return -1;
      if (i == col)
        {
          char buf[32];
          long long v;
          snprintf (buf, sizeof buf, "%.*s", (int) (len < 31 ? len : 31), p);
          return parse_int64 (buf, &v) ? v : -1;
        }
      p += len;
    }
}

/* Runs `ps ARGS...` and prints its header and the lines of pids. */
static int
print_ps (char **args, const pid_t *pids, size_t n, mk_error **err)
{
  int out[2];
  if (pipe2 (out, O_CLOEXEC) < 0)
    return mk_error_set (err, errno, "ps: pipe");
  size_t nargs = strv_len (args);
  _cleanup_free_ char **argv = xzalloc ((nargs + 2) * sizeof (char *));
  argv[0] = "ps";
  for (size_t i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (out[0]);
      close (out[1]);
      return mk_error_set (err, errno, "ps: fork");
    }
  if (pid == 0)
    {
      if (dup2 (out[1], STDOUT_FILENO) >= 0)
        execvp ("ps", argv);
      dprintf (STDERR_FILENO, "mocker-runtime: ps: exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (out[1]);
  _cleanup_fclose_ FILE *f = fdopen (out[0], "r");
  if (f == NULL)
    {
      close (out[0]);
      waitpid (pid, NULL, 0);
      return mk_error_set (err, errno, "ps: fdopen");
    }
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  int col = -2;
  while (getline (&line, &cap, f) > 0)
    {
      if (col == -2)
        {
          col = pid_column (line);
          if (col >= 0)
            fputs (line, stdout);
        }
      else if (col >= 0 && has_pid (pids, n, field_number (line, col)))
        fputs (line, stdout);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "ps: wait");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return mk_error_set (err, 0, "ps: `ps` failed (status %d)",
                         WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  if (col < 0)
    return mk_error_set (err, 0, "ps: no PID column in the output of `ps`");
  return 0;
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
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (state_status (g->root, st) != RT_STOPPED && cgroup_pids (st->cgroup_path, &pids, &n, err) < 0)
    return -1;
  char **ps_args = argv + optind + 1;
  if (ps_args[0] && strcmp (ps_args[0], "--") == 0)
    ps_args++;
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
  if (ps_args[0])
    return print_ps (ps_args, pids, n, err);
  print_table (pids, n);
  return 0;
}
