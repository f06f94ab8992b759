#include "mocker-runtime/process/signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

static const struct { const char *name; int num; } signal_names[] = {
  { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
  { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
  { "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
  { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

/* "RTMIN", "RTMIN+3", "RTMAX-2" */
static int
parse_rt (const char *s)
{
  int base;
  if (strncasecmp (s, "RTMIN", 5) == 0)
    base = SIGRTMIN;
  else if (strncasecmp (s, "RTMAX", 5) == 0)
    base = SIGRTMAX;
  else
    return -1;
  s += 5;
  if (*s == '\0')
    return base;
  long long off;
  if ((*s != '+' && *s != '-') || !parse_int64 (s + 1, &off) || off > SIGRTMAX)
    return -1;
  int sig = *s == '+' ? base + (int) off : base - (int) off;
  return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

int
signal_parse (const char *s, int *out, mk_error **err)
{
  long long n;
  if (parse_int64 (s, &n))
    {
      /* 0: no signal, only the check that the process is there (kill(2)). */
      if (n < 0 || n > SIGRTMAX)
        return mk_error_set (err, 0, "invalid signal `%s`", s);
      *out = (int) n;
      return 0;
    }
  const char *name = strncasecmp (s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < ARRAY_SIZE (signal_names); i++)
    if (strcasecmp (name, signal_names[i].name) == 0)
      {
        *out = signal_names[i].num;
        return 0;
      }
  int rt = parse_rt (name);
  if (rt > 0)
    {
      *out = rt;
      return 0;
    }
  return mk_error_set (err, 0, "invalid signal `%s`", s);
}
