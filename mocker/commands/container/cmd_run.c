/* mocker run [OPTIONS] IMAGE [COMMAND [ARG...]], and mocker create (the
 * same options; the container is made, not started: `mocker start`). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"
#include "mocker/commands/container/cmd_run.h"
#include "mocker/container/container.h"
#include "mocker/container/launch.h"
#include "mocker/mocker.h"
#include "mocker/network/netdef.h"
#include "mocker/registry/pull.h"
#include "mocker/run/run_mounts.h"
#include "mocker/volume/attach.h"
#include "mocker/run/run_opts.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/ui/rawterm.h"

static const char usage[] =
  "Usage: mocker run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
  "\n"
  "Create and run a new container from an image (pulled first when missing).\n"
  "\n"
  "Options:\n"
  "  -d, --detach               run in the background and print the container ID\n"
  "      --rm                   remove the container when it exits\n"
  "      --name NAME            name the container\n"
  "  -e, --env KEY[=VALUE]      set an environment variable (KEY alone: the caller's value)\n"
  "      --env-file FILE        read KEY=VALUE lines from a file\n"
  "  -w, --workdir DIR          working directory inside the container\n"
  "  -u, --user USER[:GROUP]    user name or uid (and group)\n"
  "  -h, --hostname NAME        container host name\n"
  "      --entrypoint CMD       override the image's entrypoint\n"
  "  -i, --interactive          keep stdin open\n"
  "  -t, --tty                  allocate a pseudo-terminal\n"
  "  -m, --memory BYTES         memory limit (suffix b, k, m, g)\n"
  "      --cpus N               number of CPUs (e.g. 0.5)\n"
  "  -c, --cpu-shares N         relative CPU weight\n"
  "      --pids-limit N         maximum number of processes (-1: unlimited)\n"
  "      --network NETWORK      bridge (default), none, host or a network of `network create`\n"
  "      --network-alias NAME   another name of the container on its user-defined network\n"
  "  -p, --publish [IP:]HOST:CONTAINER[/tcp|udp]   publish a port\n"
  "  -v, --volume HOST:CONTAINER[:ro]              bind-mount a host directory\n"
  "  -v, --volume NAME:CONTAINER[:ro|nocopy]       mount a named volume (made when missing)\n"
  "  -v, --volume CONTAINER                        mount a new anonymous volume\n"
  "      --mount type=bind|volume|tmpfs,source=S,target=T[,readonly][,tmpfs-size=N]\n"
  "      --tmpfs PATH[:OPTIONS]     mount a tmpfs (e.g. /run:size=64m,exec)\n"
  "      --volumes-from CONTAINER[:ro|rw]         the volumes and binds of another container\n"
  "      --read-only            mount the root file system read-only\n"
  "      --cap-add CAP          add a capability (or ALL)\n"
  "      --cap-drop CAP         drop a capability (or ALL)\n"
  "      --privileged           every capability, no seccomp, no masked paths, all devices\n"
  "      --restart POLICY       no, on-failure[:N], always or unless-stopped\n"
  RUN_OPTS_USAGE
  "      --help                 print this help\n";

enum
{
  OPT_RM = 256, OPT_NAME, OPT_ENV_FILE, OPT_ENTRYPOINT, OPT_CPUS, OPT_PIDS, OPT_NETWORK,
  OPT_READ_ONLY, OPT_CAP_ADD, OPT_CAP_DROP, OPT_PRIVILEGED, OPT_HELP,
  OPT_MOUNT, OPT_TMPFS, OPT_VOLUMES_FROM, OPT_NETWORK_ALIAS,
};

enum
{
  OPT_RESTART = 400, /* --restart */
};

struct run_args
{
  const char *cmd; /* "run" or "create" */
  bool detach, auto_remove, interactive;
  const char *name;
  struct run_options o;
  char **ports;
  char **volumes_from; /* --volumes-from, resolved once the store is open */
  struct ctr_restart restart; /* --restart */
};

static void
run_args_clear (struct run_args *a)
{
  strv_free (a->o.env);
  strv_free (a->o.cap_add);
  strv_free (a->o.cap_drop);
  strv_free (a->ports);
  strv_free (a->o.network_aliases);
  strv_free (a->volumes_from);
  run_volumes_free (&a->o);
  run_opts_clear (&a->o);
}

static void
add_env (char ***env, const char *kv)
{
  if (strchr (kv, '='))
    {
      strv_push (env, kv);
      return;
    }
  const char *v = getenv (kv);
  if (v)
    {
      _cleanup_free_ char *e = xasprintf ("%s=%s", kv, v);
      strv_push (env, e);
    }
}

static int
read_env_file (const char *path, char ***env, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  if (read_file (path, &text, NULL, err) < 0)
    return mk_error_wrap (err, "--env-file");
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      size_t n = strlen (line);
      if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
      while (*line == ' ' || *line == '\t')
        line++;
      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '=')
        return mk_error_set (err, 0, "--env-file `%s`: invalid line `%s`", path, line);
      add_env (env, line);
    }
  return 0;
}

static int
parse_args (int argc, char **argv, struct run_args *a, mk_error **err)
{
  static const struct option opts[] = {
    { "detach", no_argument, NULL, 'd' },        { "rm", no_argument, NULL, OPT_RM },
    { "name", required_argument, NULL, OPT_NAME }, { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, OPT_ENV_FILE },
    { "workdir", required_argument, NULL, 'w' }, { "user", required_argument, NULL, 'u' },
    { "hostname", required_argument, NULL, 'h' },
    { "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
    { "interactive", no_argument, NULL, 'i' },   { "tty", no_argument, NULL, 't' },
    { "memory", required_argument, NULL, 'm' },  { "cpus", required_argument, NULL, OPT_CPUS },
    { "cpu-shares", required_argument, NULL, 'c' },
    { "pids-limit", required_argument, NULL, OPT_PIDS },
    { "network", required_argument, NULL, OPT_NETWORK },
    { "net", required_argument, NULL, OPT_NETWORK },
    { "network-alias", required_argument, NULL, OPT_NETWORK_ALIAS },
    { "net-alias", required_argument, NULL, OPT_NETWORK_ALIAS },
    { "publish", required_argument, NULL, 'p' }, { "volume", required_argument, NULL, 'v' },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { "cap-add", required_argument, NULL, OPT_CAP_ADD },
    { "cap-drop", required_argument, NULL, OPT_CAP_DROP },
    { "privileged", no_argument, NULL, OPT_PRIVILEGED },
    { "restart", required_argument, NULL, OPT_RESTART },
    { "mount", required_argument, NULL, OPT_MOUNT },
    { "tmpfs", required_argument, NULL, OPT_TMPFS },
    { "volumes-from", required_argument, NULL, OPT_VOLUMES_FROM },
    RUN_OPTS_LONG
    { "help", no_argument, NULL, OPT_HELP },      { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "+de:w:u:h:itm:c:p:v:", opts, NULL)) != -1)
    {
      long long n;
      switch (c)
        {
        case 'd': a->detach = true; break;
        case OPT_RM: a->auto_remove = true; break;
        case OPT_NAME: a->name = optarg; break;
        case 'e':
          if (optarg[0] == '=' || optarg[0] == '\0')
            return mk_error_set (err, 0, "-e: invalid environment variable `%s`", optarg);
          add_env (&a->o.env, optarg);
          break;
        case OPT_ENV_FILE:
          if (read_env_file (optarg, &a->o.env, err) < 0)
            return -1;
          break;
        case 'w': a->o.workdir = optarg; break;
        case 'u': a->o.user = optarg; break;
        case 'h': a->o.hostname = optarg; break;
        case OPT_ENTRYPOINT:
          a->o.has_entrypoint = true;
          a->o.entrypoint = optarg;
          break;
        case 'i': a->interactive = true; break;
        case 't': a->o.tty = true; break;
        case 'm':
          if (parse_bytes (optarg, &a->o.memory, err) < 0)
            return mk_error_wrap (err, "--memory");
          if (a->o.memory > 0 && a->o.memory < 6 * 1024 * 1024)
            return mk_error_set (err, 0, "--memory `%s`: the minimum is 6MB", optarg);
          break;
        case OPT_CPUS:
          {
            char *end = NULL;
            a->o.cpus = strtod (optarg, &end);
            if (end == optarg || *end || !isfinite (a->o.cpus) || a->o.cpus <= 0)
              return mk_error_set (err, 0, "--cpus: invalid number `%s`", optarg);
            /* Docker's range: a quota below 1% of a CPU, or above what the
             * machine has, is refused rather than silently clamped. */
            long online = sysconf (_SC_NPROCESSORS_ONLN);
            if (online < 1)
              online = 1;
            if (a->o.cpus < 0.01 || a->o.cpus > (double) online)
              return mk_error_set (err, 0, "--cpus `%s`: the range is 0.01 to %ld.00 (%ld CPUs available)",
                                   optarg, online, online);
            break;
          }
        case 'c':
          if (!parse_int64 (optarg, &n) || n < 0)
            return mk_error_set (err, 0, "--cpu-shares: invalid number `%s`", optarg);
          a->o.cpu_shares = (uint64_t) n;
          break;
        case OPT_PIDS:
          if (!parse_int64 (optarg, &n) || n < -1)
            return mk_error_set (err, 0, "--pids-limit: invalid number `%s`", optarg);
          a->o.pids_limit = n;
          break;
        case OPT_NETWORK:
          a->o.network_name = NULL;
          if (strcmp (optarg, "bridge") == 0 || strcmp (optarg, "default") == 0)
            a->o.network = NET_BRIDGE;
          else if (strcmp (optarg, "none") == 0)
            a->o.network = NET_NONE;
          else if (strcmp (optarg, "host") == 0)
            a->o.network = NET_HOST;
          else if (net_name_valid (optarg))
            {
              a->o.network = NET_BRIDGE;
              a->o.network_name = optarg;  /* must exist: checked with the store */
            }
          else
            return mk_error_set (err, 0, "--network `%s`: want bridge, none, host or the name of "
                                 "a network", optarg);
          break;
        case OPT_NETWORK_ALIAS:
          if (!net_name_valid (optarg))
            return mk_error_set (err, 0, "--network-alias `%s`: only [a-zA-Z0-9][a-zA-Z0-9_.-] "
                                 "are allowed", optarg);
          strv_push (&a->o.network_aliases, optarg);
          break;
        case 'p': strv_push (&a->ports, optarg); break;
        case 'v':
          if (run_parse_volume (optarg, &a->o, err) < 0)
            return -1;
          break;
        case OPT_MOUNT:
          if (run_parse_mount (optarg, &a->o, err) < 0)
            return -1;
          break;
        case OPT_TMPFS:
          if (run_parse_tmpfs (optarg, &a->o, err) < 0)
            return -1;
          break;
        case OPT_VOLUMES_FROM: strv_push (&a->volumes_from, optarg); break;
        case OPT_READ_ONLY: a->o.read_only = true; break;
        case OPT_CAP_ADD: strv_push (&a->o.cap_add, optarg); break;
        case OPT_CAP_DROP: strv_push (&a->o.cap_drop, optarg); break;
        case OPT_PRIVILEGED: a->o.privileged = true; break;
        case OPT_RESTART:
          if (ctr_restart_parse (optarg, &a->restart) < 0)
            return mocker_flag_error (err, a->cmd, "invalid restart policy `%s` (no, on-failure[:N], always, unless-stopped)", optarg);
          break;
        case OPT_HELP: return 1;
        case OPT_X_FIRST ... OPT_X_LAST:
          if (run_opts_parse (c, optarg, &a->o, err) < 0)
            return -1;
          break;
        default: return mocker_option_error (err, a->cmd, "+de:w:u:h:itm:c:p:v:", argv);
        }
    }
  if (optind >= argc)
    return mocker_usage_error (err, a->cmd, "an IMAGE is required");
  if (run_opts_check (&a->o, err) < 0)
    return -1;
  if (a->detach && a->auto_remove)
    { /* fine: removed when it exits */ }
  if (a->auto_remove && a->restart.name != RESTART_NO)
    return mocker_flag_error (err, a->cmd, "conflicting options: --restart and --rm");
  return 0;
}

static void
pull_report (const struct mk_pull_status *st, void *opaque)
{
  (void) opaque;
  if (st->event == MK_PULL_LAYER_DONE)
    fprintf (stderr, "%.12s: Pull complete\n", st->digest ? st->digest + 7 : "");
}

/* The image id for ref: found in the store, else pulled (as Docker). */
static int
find_or_pull (struct store *s, const char *ref, char **id, mk_error **err)
{
  _cleanup_error_ mk_error *e = NULL;
  if (store_image_find (s, ref, id, &e) == 0)
    return 0;
  if (mk_error_errno (e) != ENOENT)
    {
      *err = STEAL (e);
      return -1;
    }
  _cleanup_free_ char *normalized = NULL;
  _cleanup_error_ mk_error *ne = NULL;
  if (store_ref_normalize (ref, &normalized, &ne) < 0)
    {
      *err = STEAL (e);
      return -1;
    }
  _cleanup_free_ char *fam = store_ref_familiar (normalized);
  fprintf (stderr, "Unable to find image '%s' locally\n", fam);
  struct mk_pull_options po = { .report = pull_report };
  struct mk_pull_result res;
  if (mk_pull (s, ref, &po, &res, err) < 0)
    return mk_error_wrap (err, "pull `%s`", ref);
  fprintf (stderr, "Digest: %s\nStatus: Downloaded newer image for %s\n", res.manifest_digest,
           fam);
  *id = xstrdup (res.image_id);
  mk_pull_result_clear (&res);
  return 0;
}

/* create's help: run's, with its own first lines. */
static int
print_create_usage (void)
{
  const char *opts = strstr (usage, "\nOptions:\n");
  printf ("Usage: mocker create [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
          "\n"
          "Create a new container from an image (pulled first when missing) without starting\n"
          "it, and print its ID; `mocker start` starts it. -d is accepted and ignored.\n"
          "%s",
          opts);
  return 0;
}

int
cmd_run_or_create (struct mocker_ctx *ctx, bool create_only, int argc, char **argv, mk_error **err)
{
  ctx->failure_status = MOCKER_EXIT_RUN_FAILURE;
  struct run_args a = { .cmd = create_only ? "create" : "run" };
  int r = parse_args (argc, argv, &a, err);
  if (r != 0)
    {
      run_args_clear (&a);
      if (r < 0)
        return -1;
      return create_only ? print_create_usage () : mocker_print_usage (usage);
    }
  if (create_only)
    a.detach = true;
  int ret = -1;
  _cleanup_free_ struct port_map *ports = NULL;
  size_t n_ports = strv_len (a.ports);
  _cleanup_free_ char *image_id = NULL;
  _cleanup_free_ char *config_text = NULL;
  _cleanup_json_ yajl_val config = NULL;
  _cleanup_container_ struct container *c = NULL;
  struct launch l = { .sock = -1, .pidfd = -1 };
  const char *ref = argv[optind];
  struct store *s;

  if (a.interactive && a.o.tty && !isatty (STDIN_FILENO) && !a.detach)
    {
      mk_error_set (err, 0, "the input device is not a TTY");
      goto out;
    }
  ports = xzalloc ((n_ports + 1) * sizeof *ports);
  for (size_t i = 0; i < n_ports; i++)
    if (port_map_parse (a.ports[i], &ports[i], err) < 0)
      goto out;
  if (n_ports && a.o.network != NET_BRIDGE)
    {
      mk_error_set (err, 0, "-p needs the bridge network");
      goto out;
    }
  if (a.o.network_aliases && a.o.network_name == NULL)
    {
      mk_error_set (err, 0, "--network-alias: network-scoped aliases are only for containers "
                    "on user-defined networks");
      goto out;
    }
  a.o.cmd = argv + optind + 1;
  if ((s = mocker_store (ctx, err)) == NULL)
    goto out;
  if (a.o.network_name)
    {
      struct net_def def;
      _cleanup_error_ mk_error *e = NULL;
      if (net_def_load (store_root (s), a.o.network_name, &def, &e) < 0)
        {
          mk_error_set (err, 0, "--network `%s`: %s", a.o.network_name,
                        mk_error_errno (e) == ENOENT ? "network not found (see `mocker network ls`)"
                                                     : e->msg);
          goto out;
        }
      net_def_clear (&def);
    }
  if (find_or_pull (s, ref, &image_id, err) < 0)
    goto out;
  size_t len;
  if (store_image_config (s, image_id, &config_text, &len, err) < 0
      || json_parse (config_text, len, "image config", &config, err) < 0)
    goto out;
  /* -v/--mount/--tmpfs first, then what --volumes-from and the image's
   * VOLUMEs add where nothing is mounted yet (Docker's order). */
  for (size_t i = 0; a.volumes_from && a.volumes_from[i]; i++)
    if (run_volumes_from (s, a.volumes_from[i], &a.o, err) < 0)
      goto out;
  run_image_volumes (config, &a.o);

  struct ctr_new in = {
    .name = a.name, .image_id = image_id, .image_ref = ref, .image_config = config,
    .opts = &a.o, .auto_remove = a.auto_remove, .open_stdin = a.interactive,
    .ports = ports, .n_ports = n_ports, .port_specs = a.ports,
  };
  in.restart = a.restart;
  if (ctr_create (s, &in, &c, err) < 0)
    goto out;
  if (create_only)
    {
      printf ("%s\n", c->id);
      ret = 0;
      goto out;
    }

  /* Detached, the caller's stdin is not the container's: with -i the
   * monitor keeps a pipe (or the pty) open for `mocker attach`. */
  struct launch_opts lo = { .attach = !a.detach, .stdin_open = a.interactive && !a.detach,
                            .tty = a.o.tty };
  bool raw = !a.detach && a.o.tty && a.interactive && isatty (STDIN_FILENO);
  if (raw)
    ui_terminal_raw ();
  if (ctr_launch (s, c, &lo, &l, err) < 0)
    {
      ui_terminal_restore ();
      ctx->failure_status = l.failure;
      if (l.no_teardown)
        {
          _cleanup_error_ mk_error *e = NULL;
          ctr_teardown (s, c, &e);
          if (a.auto_remove && ctr_remove_files (s, c, &e) == 0)
            ctr_volumes_detach (s, c, true, &e);
        }
      goto out;
    }
  if (a.detach)
    {
      printf ("%s\n", c->id);
      ret = 0;
      goto out;
    }
  ret = ctr_wait_attached (&l, a.o.tty);
  ui_terminal_restore ();
  /* --rm: the container is gone once the wait returns; its anonymous
   * volumes go too, as Docker's (a detached --rm keeps them: volume prune). */
  if (a.auto_remove && ctr_has_volumes (c))
    {
      _cleanup_error_ mk_error *e = NULL;
      if (ctr_volumes_detach (s, c, true, &e) < 0)
        fprintf (stderr, "mocker: %s\n", e->msg);
    }
  if (ret == 0)
    ret = 0;

out:
  ctr_launch_close (&l);
  run_args_clear (&a);
  return ret;
}

int
cmd_run (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  return cmd_run_or_create (ctx, false, argc, argv, err);
}
