/* The heavy functions that light commands call (run pulls a missing image
 * and wires the bridge network; rm, start and _cleanup detach it), for the light
 * mocker binary only: same names and headers as the real ones in mocker-heavy,
 * each runs `mocker-heavy --root DIR <command> ...` as a child and parses what
 * it prints. Only marshalling here: the work is mocker-heavy's.
 *
 * The child's stdout is read line by line (for pull's progress), its stderr
 * is collected: on success it is passed on, on failure its last line (main's
 * "mocker: <msg>") becomes the error. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/network/network.h"
#include "mocker/registry/pull.h"
#include "mocker/store/store.h"

typedef void (*line_fn) (char *line, void *opaque);

/* Appends what fd has to buf (grown); false at EOF or on error. */
static bool
read_some (int fd, char **buf, size_t *len, size_t *cap)
{
  if (*cap - *len < 4096)
    {
      *cap = *cap * 2 + 4096;
      *buf = xrealloc (*buf, *cap);
    }
  ssize_t n = read (fd, *buf + *len, *cap - *len - 1);
  if (n < 0 && errno == EINTR)
    return true;
  if (n <= 0)
    return false;
  *len += (size_t) n;
  (*buf)[*len] = '\0';
  return true;
}

/* Calls on_line for every complete line at the start of buf and drops them. */
static void
take_lines (char *buf, size_t *len, line_fn on_line, void *opaque)
{
  char *start = buf, *nl;
  while ((nl = memchr (start, '\n', *len - (size_t) (start - buf))) != NULL)
    {
      *nl = '\0';
      if (on_line)
        on_line (start, opaque);
      start = nl + 1;
    }
  *len -= (size_t) (start - buf);
  memmove (buf, start, *len);
  buf[*len] = '\0';
}

/* `mocker-heavy --root ROOT args...`; stdout lines to on_line. */
static int
run_heavy (const char *root, const char *const *args, line_fn on_line, void *opaque,
           mk_error **err)
{
  size_t n = 0;
  while (args[n])
    n++;
  _cleanup_free_ const char **argv = xzalloc ((n + 4) * sizeof *argv);
  argv[0] = mocker_heavy_path ();
  argv[1] = "--root";
  argv[2] = root;
  memcpy (argv + 3, args, n * sizeof *args);

  int outp[2], errp[2];
  if (pipe2 (outp, O_CLOEXEC) < 0)
    return mk_error_set (err, errno, "pipe");
  if (pipe2 (errp, O_CLOEXEC) < 0)
    {
      close (outp[0]);
      close (outp[1]);
      return mk_error_set (err, errno, "pipe");
    }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDONLY);
      dup2 (null, 0);
      dup2 (outp[1], 1);
      dup2 (errp[1], 2);
      syscall (SYS_close_range, 3, ~0U, 0);
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      execv (argv[0], (char **) argv);
      dprintf (2, "mocker: exec `%s`: %s (set MOCKER_HEAVY?)\n", argv[0], strerror (errno));
      _exit (127);
    }
  int fork_errno = errno;
  close (outp[1]);
  close (errp[1]);
  if (pid < 0)
    {
      close (outp[0]);
      close (errp[0]);
      return mk_error_set (err, fork_errno, "fork");
    }

  _cleanup_free_ char *out = NULL, *errs = NULL;
  size_t out_len = 0, out_cap = 0, err_len = 0, err_cap = 0;
  struct pollfd pf[2] = { { .fd = outp[0], .events = POLLIN }, { .fd = errp[0], .events = POLLIN } };
  while (pf[0].fd >= 0 || pf[1].fd >= 0)
    {
      if (poll (pf, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (pf[0].revents)
        {
          if (!read_some (pf[0].fd, &out, &out_len, &out_cap))
            {
              close (pf[0].fd);
              pf[0].fd = -1;
            }
          else
            take_lines (out, &out_len, on_line, opaque);
        }
      if (pf[1].revents && !read_some (pf[1].fd, &errs, &err_len, &err_cap))
        {
          close (pf[1].fd);
          pf[1].fd = -1;
        }
    }
  for (int i = 0; i < 2; i++)
    if (pf[i].fd >= 0)
      close (pf[i].fd);
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "wait for `%s`", argv[0]);

  while (err_len > 0 && errs[err_len - 1] == '\n')
    errs[--err_len] = '\0';
  if (WIFEXITED (st) && WEXITSTATUS (st) == 0)
    {
      if (err_len)
        fprintf (stderr, "%s\n", errs);
      return 0;
    }
  /* the last line is the error; anything before it was said on the way */
  char *last = err_len ? strrchr (errs, '\n') : NULL;
  const char *msg = last ? last + 1 : errs ? errs : "";
  if (last)
    {
      *last = '\0';
      fprintf (stderr, "%s\n", errs);
    }
  if (str_has_prefix (msg, "mocker: "))
    msg += strlen ("mocker: ");
  if (*msg)
    return mk_error_set (err, 0, "%s", msg);
  if (WIFSIGNALED (st))
    return mk_error_set (err, 0, "`%s %s` killed by signal %d", argv[0], args[0], WTERMSIG (st));
  return mk_error_set (err, 0, "`%s %s` failed with status %d", argv[0], args[0],
                       WEXITSTATUS (st));
}

/* ---- pull ---------------------------------------------------------------- */

struct pull_job
{
  const struct mk_pull_options *opts;
  struct mk_pull_result *out;
  bool done;
};

static void
pull_line (char *line, void *opaque)
{
  struct pull_job *j = opaque;
  int event;
  size_t layer, n_layers;
  long long done, total;
  char digest[128];
  if (str_has_prefix (line, "status ")
      && sscanf (line, "status %d %zu %zu %lld %lld %127s", &event, &layer, &n_layers, &done,
                 &total, digest) == 6)
    {
      if (j->opts && j->opts->report)
        {
          struct mk_pull_status st = { .event = (enum mk_pull_event) event, .layer = layer,
                                       .n_layers = n_layers, .done = done, .total = total,
                                       .digest = strcmp (digest, "-") == 0 ? NULL : digest };
          j->opts->report (&st, j->opts->opaque);
        }
      return;
    }
  char id[128], name[1024], manifest[128];
  if (str_has_prefix (line, "result ")
      && sscanf (line, "result %127s %1023s %127s %zu %zu", id, name, manifest,
                 &j->out->n_layers, &j->out->n_downloaded) == 5)
    {
      j->out->image_id = xstrdup (id);
      j->out->name = xstrdup (name);
      j->out->manifest_digest = xstrdup (manifest);
      j->done = true;
    }
}

void
mk_pull_result_clear (struct mk_pull_result *r)
{
  free (r->image_id);
  free (r->name);
  free (r->manifest_digest);
  memset (r, 0, sizeof *r);
}

int
mk_pull (struct store *s, const char *image, const struct mk_pull_options *opts,
         struct mk_pull_result *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  const char *args[8];
  size_t n = 0;
  args[n++] = "_pull";
  if (opts && opts->platform)
    {
      args[n++] = "--platform";
      args[n++] = opts->platform;
    }
  if (opts && opts->insecure)
    args[n++] = "--insecure";
  args[n++] = "--";
  args[n++] = image;
  args[n] = NULL;
  struct pull_job j = { .opts = opts, .out = out };
  if (run_heavy (store_root (s), args, pull_line, &j, err) < 0)
    {
      mk_pull_result_clear (out);
      return -1;
    }
  if (!j.done)
    {
      mk_pull_result_clear (out);
      return mk_error_set (err, 0, "pull `%s`: no result from mocker-heavy", image);
    }
  return 0;
}

/* ---- network ------------------------------------------------------------- */

struct attach_job
{
  struct net_lease *out;
  mk_error *err;
  bool done;
};

static void
copy_field (yajl_val v, const char *key, char *dst, size_t size)
{
  const char *s = json_get_str (v, key);
  snprintf (dst, size, "%s", s ? s : "");
}

static void
attach_line (char *line, void *opaque)
{
  struct attach_job *j = opaque;
  _cleanup_json_ yajl_val v = NULL;
  if (j->done || json_parse (line, strlen (line), "network attach output", &v, &j->err) < 0)
    return;
  struct net_lease *l = j->out;
  copy_field (v, "id", l->id, sizeof l->id);
  copy_field (v, "ip", l->ip, sizeof l->ip);
  copy_field (v, "gateway", l->gateway, sizeof l->gateway);
  copy_field (v, "subnet", l->subnet, sizeof l->subnet);
  copy_field (v, "mac", l->mac, sizeof l->mac);
  copy_field (v, "veth", l->veth, sizeof l->veth);
  copy_field (v, "bridge", l->bridge, sizeof l->bridge);
  yajl_val p = json_get (v, "prefix_len");
  l->prefix_len = p && YAJL_IS_INTEGER (p) ? (int) YAJL_GET_INTEGER (p) : 0;
  j->done = true;
}

int
network_attach (const char *state_dir, const struct net_attach_opts *o, struct net_lease *out,
                mk_error **err)
{
  _cleanup_free_ const char **args = xzalloc ((8 + 2 * o->n_ports) * sizeof *args);
  _cleanup_strv_ char **specs = xzalloc ((o->n_ports + 1) * sizeof *specs);
  size_t n = 0;
  args[n++] = "network";
  args[n++] = "attach";
  args[n++] = "--id";
  args[n++] = o->container_id;
  args[n++] = "--netns";
  args[n++] = o->netns_path;
  for (size_t i = 0; i < o->n_ports; i++)
    {
      const struct port_map *p = &o->ports[i];
      /* the -p syntax port_map_parse reads back */
      specs[i] = p->host_ip[0]
                     ? xasprintf ("%s:%u:%u/%s", p->host_ip, p->host_port, p->container_port, p->proto)
                     : xasprintf ("%u:%u/%s", p->host_port, p->container_port, p->proto);
      args[n++] = "-p";
      args[n++] = specs[i];
    }
  args[n] = NULL;
  memset (out, 0, sizeof *out);
  struct attach_job j = { .out = out };
  if (run_heavy (state_dir, args, attach_line, &j, err) < 0)
    {
      mk_error_free (&j.err);
      return -1;
    }
  if (j.err)
    {
      *err = j.err;
      return -1;
    }
  if (!j.done)
    return mk_error_set (err, 0, "network attach `%s`: no lease from mocker-heavy",
                         o->container_id);
  return 0;
}

int
network_detach (const char *state_dir, const char *container_id, mk_error **err)
{
  const char *args[] = { "network", "detach", "--id", container_id, NULL };
  return run_heavy (state_dir, args, NULL, NULL, err);
}
