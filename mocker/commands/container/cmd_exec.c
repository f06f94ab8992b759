/* mocker exec [-d] [-i] [-t] [-e K=V] [-u USER] [-w DIR] CONTAINER COMMAND...
 * through `mocker-runtime exec` (runc's command line): in the foreground the
 * runtime relays stdio (and the terminal with -t) and exits with the
 * command's status; its own failures (exit 255) are mapped to Docker's
 * 126/127 from the error it logged. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"
#include "mocker/container/container.h"
#include "mocker/container/events.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char usage[] =
  "Usage: mocker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"
  "\n"
  "Run a command in a running container.\n"
  "\n"
  "Options:\n"
  "  -d, --detach          run it in the background\n"
  "  -i, --interactive     keep stdin open\n"
  "  -t, --tty             allocate a pseudo-terminal\n"
  "  -e, --env KEY[=VALUE] set an environment variable\n"
  "  -u, --user USER[:GROUP]  user name or uid (and group)\n"
  "  -w, --workdir DIR     working directory\n"
  "      --help            print this help\n";

/* The last error the runtime logged (--log FILE --log-format json). */
static char *
last_runtime_error (const char *log)
{
  _cleanup_free_ char *text = NULL;
  if (read_file (log, &text, NULL, NULL) < 0)
    return NULL;
  char *last = NULL;
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      _cleanup_json_ yajl_val v = NULL;
      if (json_parse (line, strlen (line), "runtime log", &v, NULL) < 0)
        continue;
      const char *lvl = json_get_str (v, "level");
      const char *msg = json_get_str (v, "msg");
      if (lvl && msg && strcmp (lvl, "error") == 0)
        {
          free (last);
          last = xstrdup (msg);
        }
    }
  return last;
}

int
cmd_exec (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },      { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },         { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },  { "workdir", required_argument, NULL, 'w' },
    { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
  };
  bool detach = false, interactive = false, tty = false;
  const char *user = NULL, *workdir = NULL;
  _cleanup_strv_ char **env = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+dite:u:w:", opts, NULL)) != -1)
    switch (c)
      {
      case 'd': detach = true; break;
      case 'i': interactive = true; break;
      case 't': tty = true; break;
      case 'e':
        if (optarg[0] == '=' || optarg[0] == '\0')
          {
            mk_error_set (err, 0, "exec -e: invalid environment variable `%s`", optarg);
            return mocker_bad_option ();
          }
        if (strchr (optarg, '='))
          strv_push (&env, optarg);
        else if (getenv (optarg))
          {
            _cleanup_free_ char *kv = xasprintf ("%s=%s", optarg, getenv (optarg));
            strv_push (&env, kv);
          }
        break;
      case 'u': user = optarg; break;
      case 'w': workdir = optarg; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "exec", "+dite:u:w:", argv);
      }
  if (argc - optind < 2)
    return mocker_usage_error (err, "exec", "want CONTAINER COMMAND [ARG...]");
  if (workdir && workdir[0] != '/')
    return mk_error_set (err, 0, "exec: the working directory `%s` is not absolute", workdir);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, argv[optind], &ct, err) < 0)
    return -1;
  if (ctr_live_status (ct) != LIVE_RUNNING)
    return mk_error_set (err, 0, "container %.12s is not running", ct->id);

  _cleanup_free_ char *uid_gid = NULL;
  if (user)
    {
      _cleanup_free_ char *rootfs = xasprintf ("%s/bundle/rootfs", ct->dir);
      struct spec_user u = { 0 };
      if (bundle_resolve_user (rootfs, user, &u, err) < 0)
        return mk_error_wrap (err, "exec -u");
      uid_gid = xasprintf ("%u:%u", u.uid, u.gid);
      free (u.additional_gids);
      free (u.username);
    }
  _cleanup_free_ char *rt_root = ctr_runtime_root (s);
  _cleanup_free_ char *log = xasprintf ("%s/exec-%d.log", ct->dir, (int) getpid ());
  _cleanup_strv_ char **args = NULL;
  strv_push (&args, ctr_runtime_path ());
  strv_push (&args, "--root");
  strv_push (&args, rt_root);
  strv_push (&args, "--log");
  strv_push (&args, log);
  strv_push (&args, "--log-format");
  strv_push (&args, "json");
  strv_push (&args, "exec");
  if (tty)
    strv_push (&args, "--tty");
  if (detach)
    strv_push (&args, "--detach");
  for (size_t i = 0; env && env[i]; i++)
    {
      strv_push (&args, "--env");
      strv_push (&args, env[i]);
    }
  if (workdir)
    {
      strv_push (&args, "--cwd");
      strv_push (&args, workdir);
    }
  if (uid_gid)
    {
      strv_push (&args, "--user");
      strv_push (&args, uid_gid);
    }
  strv_push (&args, ct->id);
  for (int i = optind + 1; i < argc; i++)
    strv_push (&args, argv[i]);

  /* Docker's exec_create / exec_start (the command in the action's name),
   * then exec_die with the status (foreground only: a detached process is
   * not waited for) */
  char exec_id[65];
  store_random_id (exec_id); /* Docker's exec ids: 64 hex digits */
  _cleanup_free_ char *cmdline = xstrdup ("");
  for (int i = optind + 1; i < argc && strlen (cmdline) < 1024; i++)
    {
      char *next = xasprintf ("%s%s%s", cmdline, *cmdline ? " " : "", argv[i]);
      free (cmdline);
      cmdline = next;
    }
  const char *const exec_attrs[] = { "execID", exec_id, NULL };
  _cleanup_free_ char *created = xasprintf ("exec_create: %.1024s", cmdline);
  _cleanup_free_ char *started = xasprintf ("exec_start: %.1024s", cmdline);
  ctr_event (store_root (s), ct->id, ct->dir, created, exec_attrs);
  ctr_event (store_root (s), ct->id, ct->dir, started, exec_attrs);

  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0)
    return mk_error_set (err, errno, "fork");
  if (pid == 0)
    {
      if (!interactive)
        {
          int null = open ("/dev/null", O_RDONLY);
          dup2 (null, 0);
        }
      execv (args[0], args);
      dprintf (2, "mocker: exec `%s`: %s\n", args[0], strerror (errno));
      _exit (126);
    }
  /* The runtime forwards signals to the process; we only wait. */
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "waitpid");
  int code = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
  if (code == 255 || (detach && code != 0))
    {
      _cleanup_free_ char *msg = last_runtime_error (log);
      if (msg)
        {
          code = strstr (msg, "executable file not found") || strstr (msg, "No such file")
                     ? 127
                     : 126;
          if (!detach || code != 0)
            { /* the runtime printed the message on stderr already */ }
        }
    }
  unlink (log);
  if (!detach)
    {
      char num[16];
      snprintf (num, sizeof num, "%d", code);
      const char *const die_attrs[] = { "execID", exec_id, "exitCode", num, NULL };
      ctr_event (store_root (s), ct->id, ct->dir, "exec_die", die_attrs);
    }
  if (detach && code == 0)
    return 0;
  return code;
}
