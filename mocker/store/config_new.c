#include "mocker/store/config_new.h"

#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"

const char *
store_host_architecture (void)
{
  static struct utsname u;
  static const struct
  {
    const char *machine, *arch;
  } map[] = {
    { "x86_64", "amd64" }, { "aarch64", "arm64" }, { "armv7l", "arm" }, { "armv6l", "arm" },
    { "i686", "386" },     { "i386", "386" },      { "ppc64le", "ppc64le" },
    { "s390x", "s390x" },  { "riscv64", "riscv64" },
  };
  if (uname (&u) < 0)
    return "amd64";
  for (size_t i = 0; i < ARRAY_SIZE (map); i++)
    if (strcmp (u.machine, map[i].machine) == 0)
      return map[i].arch;
  return u.machine;
}

char *
store_config_new (const char *const *diff_ids, size_t n, const char *cmd, const char *created_by)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  char created[64];
  format_rfc3339 (&now, created, sizeof created);

  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "architecture", store_host_architecture ());
  json_kv_str (g, "os", "linux");
  json_kv_str (g, "created", created);
  json_key (g, "config");
  json_obj_open (g);
  json_key (g, "Env");
  json_arr_open (g);
  json_str (g, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  json_arr_close (g);
  if (cmd)
    {
      json_key (g, "Cmd");
      json_arr_open (g);
      json_str (g, cmd);
      json_arr_close (g);
    }
  json_obj_close (g);
  json_key (g, "rootfs");
  json_obj_open (g);
  json_kv_str (g, "type", "layers");
  json_key (g, "diff_ids");
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    json_str (g, diff_ids[i]);
  json_arr_close (g);
  json_obj_close (g);
  json_key (g, "history");
  json_arr_open (g);
  json_obj_open (g);
  json_kv_str (g, "created", created);
  json_kv_str (g, "created_by", created_by);
  json_obj_close (g);
  json_arr_close (g);
  json_obj_close (g);
  return json_gen_finish (g, NULL);
}

int
store_image_register_layer (struct store *s, const struct layer_created *lc, const char *cmd,
                            const char *created_by, const char *normalized_tag, char **id,
                            mk_error **err)
{
  const char *ids[] = { lc->diff_id };
  _cleanup_free_ char *config = store_config_new (ids, 1, cmd, created_by);
  struct store_image_new_layer layer = {
    .diff_id = lc->diff_id, .digest = lc->digest, .media_type = lc->media_type,
    .blob_size = lc->blob_size,
  };
  struct store_image_new in = {
    .config = config, .config_len = strlen (config), .layers = &layer, .n_layers = 1,
    .tag = normalized_tag,
  };
  return store_image_register (s, &in, id, err);
}
