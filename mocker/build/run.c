/* Step containers and RUN (build_internal.h).  RUN runs a container of the
 * stage's image through the usual monitor and runtime (docs/containers.md)
 * with the image's Env, User and WorkingDir, the build args in scope in its
 * environment and the build's network; COPY, ADD and WORKDIR use a
 * container that never runs, only for its mounted overlay rootfs.  Either
 * way the upper directory becomes the step's layer (commit_upper_layer)
 * and the container is removed, also when the step fails. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"
#include "mocker/image/commit.h"
#include "mocker/container/container.h"
#include "mocker/container/launch.h"
#include "mocker/container/remove.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"
#include "mocker/store/store.h"

void
step_container_remove (struct builder *b, struct container *c, bool teardown)
{
  _cleanup_error_ mk_error *e = NULL;
  if (teardown)
    ctr_teardown (b->s, c, &e);
  else
    ctr_umount_rootfs (c->dir);
  if (ctr_remove_files (b->s, c, &e) < 0)
    log_warning ("build: remove container %.12s: %s", c->id, e ? e->msg : "failed");
}

static int
create (struct builder *b, struct bstage *st, struct run_options *o, struct container **out,
        mk_error **err)
{
  if (stage_image (b, st, err) < 0)
    return -1;
  struct ctr_new in = { .image_id = st->image_id, .image_ref = st->image_id,
                        .image_config = st->cfg.doc, .opts = o, .volatile_rootfs = true };
  return ctr_create (b->s, &in, out, err);
}

int
step_container_new (struct builder *b, struct bstage *st, struct container **out,
                    mk_error **err)
{
  char *cmd[] = { (char *) "true", NULL };
  struct run_options o = { .user = (char *) "0", .workdir = (char *) "/", .cmd = cmd,
                           .has_entrypoint = true, .entrypoint = (char *) "",
                           .network = NET_NONE };
  return create (b, st, &o, out, err);
}

static bool
dir_is_empty (const char *path)
{
  _cleanup_closedir_ DIR *d = opendir (path);
  struct dirent *de;
  while (d && (de = readdir (d)))
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      return false;
  return true;
}

int
step_container_finish (struct builder *b, struct bstage *st, struct container *c,
                       bool allow_empty, bool *made, struct layer_created *lc, mk_error **err)
{
  _cleanup_free_ char *upper = path_join (c->dir, "upper");
  *made = false;
  int r = 0;
  if (allow_empty || !dir_is_empty (upper))
    {
      _cleanup_store_image_ struct store_image *img = NULL;
      r = store_image_load (b->s, st->image_id, &img, err);
      if (r == 0)
        {
          const char *parent = img->n_layers ? img->layers[img->n_layers - 1].chain_id : NULL;
          r = commit_upper_layer (b->s, c, parent, lc, err);
          *made = r == 0;
        }
    }
  step_container_remove (b, c, false);
  return r;
}

/* Waits until the monitor reports the exit and ends its teardown (its
 * socket closes); an interruption of the build kills the container (a
 * container's init often ignores SIGINT).  The exit code, 125 unknown. */
static int
wait_run (struct launch *l)
{
  int code = -1;
  bool killed = false;
  char msg[256];
  for (;;)
    {
      if (build_interrupted () && !killed && l->pidfd >= 0)
        {
          syscall (SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
          killed = true;
        }
      ssize_t n = recv (l->sock, msg, sizeof msg - 1, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      msg[n] = '\0';
      long long c;
      if (str_has_prefix (msg, "exited ") && parse_int64 (msg + 7, &c))
        code = (int) c;
    }
  return code < 0 ? 125 : code;
}

static char *
join (char *const *v)
{
  char *s = xstrdup ("");
  for (size_t i = 0; v && v[i]; i++)
    {
      char *t = xconcat (s, i ? " " : "", v[i], NULL);
      free (s);
      s = t;
    }
  return s;
}

int
build_run_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                mk_error **err)
{
  if (ins->flags[0])
    return build_fail (b, ins, err, "RUN: flag `%s` is not supported", ins->flags[0]);
  _cleanup_strv_ char **argv = NULL;
  if (ins->json)
    argv = strv_dup (ins->json);
  else
    {
      if (st->cfg.shell && st->cfg.shell[0])
        argv = strv_dup (st->cfg.shell);
      else
        {
          strv_push (&argv, "/bin/sh");
          strv_push (&argv, "-c");
        }
      strv_push (&argv, ins->args);
    }
  if (argv == NULL || argv[0] == NULL)
    return build_fail (b, ins, err, "RUN: an empty command");
  _cleanup_free_ char *cmdline = join (argv);
  /* Docker's history form: "|<n> K=V ... <command>" when build args are set. */
  _cleanup_strv_ char **args_env = stage_run_env (b, st, false);
  _cleanup_free_ char *created_by = NULL;
  if (args_env[0])
    {
      _cleanup_free_ char *a = join (args_env);
      created_by = xasprintf ("|%zu %s %s", strv_len (args_env), a, cmdline);
    }
  else
    created_by = xstrdup (cmdline);
  _cleanup_free_ char *text = xasprintf ("RUN %s", created_by);
  _cleanup_free_ char *key = step_key (st, text);
  if (step_cached (b, st, key))
    return 0;

  _cleanup_strv_ char **env = stage_run_env (b, st, true);
  struct run_options o = { .cmd = argv, .has_entrypoint = true, .entrypoint = (char *) "",
                           .env = env, .network = b->o->network };
  _cleanup_container_ struct container *c = NULL;
  if (create (b, st, &o, &c, err) < 0)
    return build_wrap (b, ins, err, "RUN");
  if (!b->o->quiet)
    {
      printf (" ---> Running in %.12s\n", c->id);
      fflush (stdout);
    }
  /* Attached: the monitor writes the output to our stdout and stderr.  With
   * -q they go to a temporary file instead, shown only when the RUN fails. */
  struct launch_opts lo = { .attach = true };
  struct launch l = { .sock = -1, .pidfd = -1 };
  _cleanup_close_ int quiet_out = -1;
  int saved_out = -1, saved_err = -1;
  if (b->o->quiet)
    {
      _cleanup_free_ char *tmp = store_path (b->s, "tmp");
      quiet_out = open (tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
      if (quiet_out >= 0)
        {
          fflush (stdout);
          fflush (stderr);
          saved_out = dup (STDOUT_FILENO);
          saved_err = dup (STDERR_FILENO);
          dup2 (quiet_out, STDOUT_FILENO);
          dup2 (quiet_out, STDERR_FILENO);
        }
    }
  int launched = ctr_launch (b->s, c, &lo, &l, err);
  if (saved_out >= 0)
    {
      dup2 (saved_out, STDOUT_FILENO);
      dup2 (saved_err, STDERR_FILENO);
      close (saved_out);
      close (saved_err);
    }
  if (launched < 0)
    {
      bool teardown = l.no_teardown;
      ctr_launch_close (&l);
      step_container_remove (b, c, teardown);
      return build_wrap (b, ins, err, "RUN");
    }
  int code = wait_run (&l);
  ctr_launch_close (&l);
  if (build_interrupted ())
    {
      step_container_remove (b, c, false);
      return build_fail (b, ins, err, "RUN: build interrupted (%s)", strsignal (build_interrupted ()));
    }
  if (code != 0)
    {
      step_container_remove (b, c, false);
      if (quiet_out >= 0)
        {
          char buf[8192];
          ssize_t n;
          lseek (quiet_out, 0, SEEK_SET);
          while ((n = read (quiet_out, buf, sizeof buf)) > 0)
            if (write (STDERR_FILENO, buf, (size_t) n) < 0)
              break;
        }
      return build_fail (b, ins, err, "the command '%s' returned a non-zero code: %d", cmdline,
                         code);
    }
  __attribute__ ((cleanup (layer_created_clear))) struct layer_created lc = { 0 };
  bool made = false;
  _cleanup_free_ char *id = xstrdup (c->id);
  if (step_container_finish (b, st, c, true, &made, &lc, err) < 0)
    return build_wrap (b, ins, err, "RUN");
  if (!b->o->quiet)
    printf ("Removing intermediate container %.12s\n", id);
  return step_commit (b, st, key, created_by, &lc, err);
}
