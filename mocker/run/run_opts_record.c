/* The run_extra options in the container record (Docker's Config and
 * HostConfig names, shown as they are by inspect). See run_opts.h. */
#include "mocker/run/run_opts.h"

#include <string.h>

#include "common/util.h"

/* The image's Healthcheck with the options on top (Docker's merge: a field
 * the options leave at 0 comes from the image). */
static void
record_healthcheck (json_gen *g, const struct run_extra *x, yajl_val image_hc)
{
  if (image_hc && !YAJL_IS_OBJECT (image_hc))
    image_hc = NULL;
  bool opts = x->health_cmd || x->no_healthcheck || x->health_interval || x->health_timeout
              || x->health_start_period || x->has_health_retries;
  if (!opts && image_hc == NULL)
    return;
  json_key (g, "Healthcheck");
  json_obj_open (g);
  json_key (g, "Test");
  if (x->no_healthcheck || x->health_cmd)
    {
      json_arr_open (g);
      json_str (g, x->no_healthcheck ? "NONE" : "CMD-SHELL");
      if (!x->no_healthcheck)
        json_str (g, x->health_cmd);
      json_arr_close (g);
    }
  else
    {
      yajl_val t = json_get (image_hc, "Test");
      t ? json_tree (g, t) : json_null (g);
    }
  if (x->no_healthcheck)
    {
      json_obj_close (g);
      return;
    }
  static const char *const keys[] = { "Interval", "Timeout", "StartPeriod", "Retries" };
  const long long mine[] = { x->health_interval, x->health_timeout, x->health_start_period,
                             x->has_health_retries ? x->health_retries : 0 };
  for (size_t i = 0; i < ARRAY_SIZE (keys); i++)
    {
      yajl_val v = json_get (image_hc, keys[i]);
      if (mine[i] || (i == 3 && x->has_health_retries))
        json_kv_int (g, keys[i], mine[i]);
      else if (v && YAJL_IS_INTEGER (v))
        json_kv_int (g, keys[i], YAJL_GET_INTEGER (v));
    }
  json_obj_close (g);
}

void
run_opts_record_config (json_gen *g, const struct run_options *o, yajl_val image_config)
{
  const struct run_extra *x = &o->x;
  /* Labels: the image's, then --label (a later one wins). */
  yajl_val il = json_get (json_get (image_config, "config"), "Labels");
  json_key (g, "Labels");
  json_obj_open (g);
  for (size_t i = 0; il && YAJL_IS_OBJECT (il) && i < il->u.object.len; i++)
    {
      const char *k = il->u.object.keys[i];
      bool overridden = false;
      for (size_t j = 0; x->labels && x->labels[j] && !overridden; j++)
        overridden = strncmp (x->labels[j], k, strlen (k)) == 0 && x->labels[j][strlen (k)] == '=';
      if (overridden || !YAJL_IS_STRING (il->u.object.values[i]))
        continue;
      json_kv_str (g, k, il->u.object.values[i]->u.string);
    }
  for (size_t j = 0; x->labels && x->labels[j]; j++)
    {
      const char *eq = strchr (x->labels[j], '=');
      _cleanup_free_ char *k = xstrndup (x->labels[j], eq - x->labels[j]);
      bool later = false;
      for (size_t m = j + 1; x->labels[m] && !later; m++)
        later = strncmp (x->labels[m], k, strlen (k)) == 0 && x->labels[m][strlen (k)] == '=';
      if (!later)
        json_kv_str (g, k, eq + 1);
    }
  json_obj_close (g);
  if (x->has_stop_timeout)
    json_kv_int (g, "StopTimeout", x->stop_timeout);
  record_healthcheck (g, x, json_get (json_get (image_config, "config"), "Healthcheck"));
}

static void
kv_strv_or_empty (json_gen *g, const char *key, char *const *v)
{
  static char *const none[] = { NULL };
  json_kv_strv (g, key, v ? v : none);
}

void
run_opts_record_host_config (json_gen *g, const struct run_options *o)
{
  const struct run_extra *x = &o->x;
  /* Docker's MemorySwap: memory+swap; as -m when not given (no swap). */
  json_kv_int (g, "MemorySwap", x->memory_swap ? x->memory_swap : o->memory > 0 ? o->memory : 0);
  json_kv_str (g, "CpusetCpus", x->cpuset_cpus ? x->cpuset_cpus : "");
  json_kv_int (g, "ShmSize", x->shm_size ? x->shm_size : 64 * 1024 * 1024);
  json_key (g, "Ulimits");
  json_arr_open (g);
  for (size_t i = 0; i < x->n_ulimits; i++)
    {
      _cleanup_free_ char *name = xstrdup (x->ulimits[i].type + strlen ("RLIMIT_"));
      for (char *p = name; *p; p++)
        *p = (char) (*p | 0x20);
      json_obj_open (g);
      json_kv_str (g, "Name", name);
      json_key (g, "Soft");
      x->ulimits[i].soft == UINT64_MAX ? json_int (g, -1) : json_uint (g, x->ulimits[i].soft);
      json_key (g, "Hard");
      x->ulimits[i].hard == UINT64_MAX ? json_int (g, -1) : json_uint (g, x->ulimits[i].hard);
      json_obj_close (g);
    }
  json_arr_close (g);
  kv_strv_or_empty (g, "ExtraHosts", x->add_hosts);
  kv_strv_or_empty (g, "Dns", x->dns);
  kv_strv_or_empty (g, "DnsSearch", x->dns_search);
  kv_strv_or_empty (g, "DnsOptions", x->dns_options);
  json_key (g, "Devices");
  json_arr_open (g);
  for (size_t i = 0; i < x->n_devices; i++)
    {
      json_obj_open (g);
      json_kv_str (g, "PathOnHost", x->devices[i].host);
      json_kv_str (g, "PathInContainer", x->devices[i].container);
      json_kv_str (g, "CgroupPermissions", x->devices[i].perms);
      json_obj_close (g);
    }
  json_arr_close (g);
  kv_strv_or_empty (g, "SecurityOpt", x->security_opts);
  json_kv_str (g, "PidMode", x->pid_mode && strcmp (x->pid_mode, "host") == 0 ? "host" : "");
  json_kv_str (g, "IpcMode", x->ipc_mode ? x->ipc_mode : "private");
  json_kv_str (g, "CgroupnsMode", x->cgroupns_mode ? x->cgroupns_mode : "private");
  json_kv_bool (g, "Init", x->init);
}
