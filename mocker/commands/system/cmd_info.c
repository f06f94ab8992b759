/* mocker info [-f TEMPLATE]: system-wide information, as Docker's `info`.
 * The template runs on an object with Docker's Info fields (Containers,
 * ContainersRunning, Driver, CgroupVersion, KernelVersion, NCPU, MemTotal,
 * DockerRootDir...) and ClientInfo, as Docker's CLI gives it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/list_index.h"
#include "mocker/container/state.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/store/store.h"
#include "mocker/template/template.h"
#include "mocker/ui/format.h"

static const char usage[] =
  "Usage: mocker info [OPTIONS]\n"
  "\n"
  "Display system-wide information.\n"
  "\n"
  "Options:\n"
  "  -f, --format TMPL   Go template over Docker's Info fields (`json`: all of them)\n"
  "  -h, --help          print this help\n";

/* A KEY="value" of /etc/os-release (heap), NULL when absent. */
static char *
os_release (const char *key)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  size_t len;
  if (read_file ("/etc/os-release", &text, &len, &e) < 0
      && read_file ("/usr/lib/os-release", &text, &len, &e) < 0)
    return NULL;
  size_t klen = strlen (key);
  for (char *line = text; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (strncmp (line, key, klen) == 0 && line[klen] == '=')
        {
          char *v = line + klen + 1;
          size_t n = strlen (v);
          if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
            return xstrndup (v + 1, n - 2);
          return xstrdup (v);
        }
      line = nl ? nl + 1 : NULL;
    }
  return NULL;
}

/* The file system type of the store, as Docker's "Backing Filesystem". */
static const char *
fs_name (const char *path)
{
  struct statfs st;
  if (statfs (path, &st) < 0)
    return "unknown";
  switch ((unsigned long) st.f_type)
    {
    case 0xEF53: return "extfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs";
    case 0x794c7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    default: return "unknown";
    }
}

struct counts
{
  long long containers, running, paused, stopped, images;
};

static int
count (struct store *s, struct counts *n, mk_error **err)
{
  struct container **list;
  size_t len;
  if (ctr_list_indexed (s, &list, &len, err) < 0)
    return -1;
  n->containers = (long long) len;
  for (size_t i = 0; i < len; i++)
    {
      if (ctr_live_status (list[i]) != LIVE_RUNNING)
        n->stopped++;
      else if (ctr_paused (list[i]))
        n->paused++;
      else
        n->running++;
    }
  ctr_list_free (list, len);
  struct store_image **images;
  if (store_image_list (s, &images, &len, err) < 0)
    return -1;
  n->images = (long long) len;
  store_image_list_free (images, len);
  return 0;
}

static void
kv_strs (json_gen *g, const char *key, const char *const *v)
{
  json_key (g, key);
  json_arr_open (g);
  for (; *v; v++)
    json_str (g, *v);
  json_arr_close (g);
}

/* The Info object (Docker's field names). */
static yajl_val
info_json (struct mocker_ctx *ctx, struct store *s, const struct counts *n, mk_error **err)
{
  struct utsname u;
  uname (&u);
  struct sysinfo si;
  long long mem = sysinfo (&si) == 0 ? (long long) si.totalram * si.mem_unit : 0;
  _cleanup_free_ char *os_name = os_release ("PRETTY_NAME");
  _cleanup_free_ char *os_version = os_release ("VERSION_ID");
  char host[256] = "";
  gethostname (host, sizeof host - 1);
  bool v2 = ctr_cgroup_v2 ();
  char now[40];
  ctr_time_now (now, sizeof now);
  _cleanup_free_ char *root = realpath (store_root (s), NULL);
  const char *rt = ctr_runtime_path ();

  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "ID", "");
  json_kv_int (g, "Containers", n->containers);
  json_kv_int (g, "ContainersRunning", n->running);
  json_kv_int (g, "ContainersPaused", n->paused);
  json_kv_int (g, "ContainersStopped", n->stopped);
  json_kv_int (g, "Images", n->images);
  json_kv_str (g, "Driver", "overlay");
  json_key (g, "DriverStatus");
  json_arr_open (g);
  json_arr_open (g);
  json_str (g, "Backing Filesystem");
  json_str (g, fs_name (store_root (s)));
  json_arr_close (g);
  json_arr_close (g);
  json_key (g, "Plugins");
  json_obj_open (g);
  kv_strs (g, "Volume", (const char *const[]) { "local", NULL });
  kv_strs (g, "Network", (const char *const[]) { "bridge", "host", "none", NULL });
  json_key (g, "Authorization");
  json_null (g);
  kv_strs (g, "Log", (const char *const[]) { "json-file", NULL });
  json_obj_close (g);
  json_kv_bool (g, "MemoryLimit", true);
  json_kv_bool (g, "SwapLimit", true);
  json_kv_bool (g, "CpuCfsPeriod", true);
  json_kv_bool (g, "CpuCfsQuota", true);
  json_kv_bool (g, "CPUShares", true);
  json_kv_bool (g, "CPUSet", true);
  json_kv_bool (g, "PidsLimit", true);
  json_kv_bool (g, "IPv4Forwarding", true);
  json_kv_bool (g, "Debug", ctx->debug);
  json_kv_str (g, "SystemTime", now);
  json_kv_str (g, "LoggingDriver", "json-file");
  json_kv_str (g, "CgroupDriver", "cgroupfs");
  json_kv_str (g, "CgroupVersion", v2 ? "2" : "1");
  json_kv_str (g, "KernelVersion", u.release);
  json_kv_str (g, "OperatingSystem", os_name ? os_name : "Linux");
  json_kv_str (g, "OSVersion", os_version ? os_version : "");
  json_kv_str (g, "OSType", "linux");
  json_kv_str (g, "Architecture", u.machine);
  json_kv_int (g, "NCPU", sysconf (_SC_NPROCESSORS_ONLN));
  json_kv_int (g, "MemTotal", mem);
  json_kv_str (g, "DockerRootDir", root ? root : store_root (s));
  json_kv_str (g, "Name", host);
  json_key (g, "Labels");
  json_arr_open (g);
  json_arr_close (g);
  json_kv_bool (g, "ExperimentalBuild", false);
  json_kv_str (g, "ServerVersion", MOCKER_VERSION);
  json_key (g, "Runtimes");
  json_obj_open (g);
  json_key (g, "mocker-runtime");
  json_obj_open (g);
  json_kv_str (g, "path", rt);
  json_obj_close (g);
  json_obj_close (g);
  json_kv_str (g, "DefaultRuntime", "mocker-runtime");
  json_kv_bool (g, "LiveRestoreEnabled", false);
  kv_strs (g, "SecurityOptions",
           (const char *const[]) { "name=seccomp,profile=builtin", v2 ? "name=cgroupns" : NULL, NULL });
  json_key (g, "ClientInfo");
  json_obj_open (g);
  json_kv_bool (g, "Debug", ctx->debug);
  json_kv_str (g, "Version", MOCKER_VERSION);
  json_kv_str (g, "Context", "default");
  json_key (g, "Plugins");
  json_arr_open (g);
  json_arr_close (g);
  json_obj_close (g);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "info", &v, err) < 0)
    return NULL;
  return v;
}

static const char *
get_s (yajl_val info, const char *key)
{
  const char *v = json_get_str (info, key);
  return v ? v : "";
}

static long long
get_i (yajl_val info, const char *key)
{
  yajl_val v = json_get (info, key);
  return v && YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : 0;
}

/* Docker's text layout (cli/command/system/info.go). */
static void
print_text (yajl_val info, bool debug)
{
  printf ("Client:\n Version:    %s\n Context:    default\n Debug Mode: %s\n\n", MOCKER_VERSION,
          debug ? "true" : "false");
  printf ("Server:\n");
  printf (" Containers: %lld\n", get_i (info, "Containers"));
  printf ("  Running: %lld\n", get_i (info, "ContainersRunning"));
  printf ("  Paused: %lld\n", get_i (info, "ContainersPaused"));
  printf ("  Stopped: %lld\n", get_i (info, "ContainersStopped"));
  printf (" Images: %lld\n", get_i (info, "Images"));
  printf (" Server Version: %s\n", get_s (info, "ServerVersion"));
  printf (" Storage Driver: %s\n", get_s (info, "Driver"));
  yajl_val ds = json_get (info, "DriverStatus");
  for (size_t i = 0; ds && YAJL_IS_ARRAY (ds) && i < ds->u.array.len; i++)
    {
      yajl_val pair = ds->u.array.values[i];
      printf ("  %s: %s\n", YAJL_GET_STRING (pair->u.array.values[0]),
              YAJL_GET_STRING (pair->u.array.values[1]));
    }
  printf (" Logging Driver: %s\n", get_s (info, "LoggingDriver"));
  printf (" Cgroup Driver: %s\n", get_s (info, "CgroupDriver"));
  printf (" Cgroup Version: %s\n", get_s (info, "CgroupVersion"));
  printf (" Plugins:\n  Volume: local\n  Network: bridge host none\n  Log: json-file\n");
  printf (" Runtimes: mocker-runtime\n Default Runtime: %s\n", get_s (info, "DefaultRuntime"));
  printf (" Security Options:\n");
  yajl_val so = json_get (info, "SecurityOptions");
  for (size_t i = 0; so && YAJL_IS_ARRAY (so) && i < so->u.array.len; i++)
    {
      /* "name=seccomp,profile=builtin": the name, then the other keys */
      _cleanup_free_ char *opt = xstrdup (YAJL_GET_STRING (so->u.array.values[i]));
      char *save = NULL;
      for (char *kv = strtok_r (opt, ",", &save); kv; kv = strtok_r (NULL, ",", &save))
        {
          char *eq = strchr (kv, '=');
          if (eq && strncmp (kv, "name=", 5) == 0)
            printf ("  %s\n", eq + 1);
          else if (eq)
            {
              *eq = '\0';
              printf ("   %c%s: %s\n", kv[0] >= 'a' && kv[0] <= 'z' ? kv[0] - 32 : kv[0], kv + 1,
                      eq + 1);
            }
        }
    }
  printf (" Kernel Version: %s\n", get_s (info, "KernelVersion"));
  printf (" Operating System: %s\n", get_s (info, "OperatingSystem"));
  printf (" OSType: %s\n", get_s (info, "OSType"));
  printf (" Architecture: %s\n", get_s (info, "Architecture"));
  printf (" CPUs: %lld\n", get_i (info, "NCPU"));
  _cleanup_free_ char *mem = ui_format_binary_size ((double) get_i (info, "MemTotal"));
  printf (" Total Memory: %s\n", mem);
  printf (" Name: %s\n", get_s (info, "Name"));
  printf (" Docker Root Dir: %s\n", get_s (info, "DockerRootDir"));
  printf (" Debug Mode: %s\n", debug ? "true" : "false");
  printf (" Experimental: false\n Live Restore Enabled: false\n");
}

int
cmd_info (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "info", "f:h", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "info", "no arguments expected");
  _cleanup_tmpl_ struct tmpl *t = NULL;
  if (format && *format)
    {
      t = tmpl_parse (strcmp (format, "json") == 0 ? "{{json .}}" : format, err);
      if (t == NULL)
        return mocker_bad_option ();
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct counts n = { 0 };
  if (count (s, &n, err) < 0)
    return -1;
  _cleanup_json_ yajl_val info = info_json (ctx, s, &n, err);
  if (info == NULL)
    return -1;
  if (t == NULL)
    {
      print_text (info, ctx->debug);
      return 0;
    }
  size_t len;
  const char *out = tmpl_exec (t, info, &len, err);
  if (out == NULL)
    return mocker_bad_option ();
  fwrite (out, 1, len, stdout);
  fputs ("\n", stdout);
  return 0;
}
