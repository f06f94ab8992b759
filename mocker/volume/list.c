/* See list.h. */
#include "mocker/volume/list.h"

#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/ui/format.h"
#include "mocker/volume/volume.h"

const char *const volume_filter_keys[] = { "dangling", "driver", "label", "name", NULL };

const char volume_ls_headers[] =
  "{\"Availability\":\"AVAILABILITY\",\"Driver\":\"DRIVER\",\"Group\":\"GROUP\","
  "\"Labels\":\"LABELS\",\"Links\":\"LINKS\",\"Mountpoint\":\"MOUNTPOINT\","
  "\"Name\":\"VOLUME NAME\",\"Scope\":\"SCOPE\",\"Size\":\"SIZE\",\"Status\":\"STATUS\"}";

static bool
bool_value (const char *v, bool *out)
{
  if (strcmp (v, "true") == 0 || strcmp (v, "1") == 0)
    return *out = true, true;
  if (strcmp (v, "false") == 0 || strcmp (v, "0") == 0)
    return *out = false, true;
  return false;
}

int
volume_filter_check (const struct ui_filter *f, mk_error **err)
{
  for (size_t i = 0; i < f->n; i++)
    {
      bool b;
      if (strcmp (f->keys[i], "dangling") == 0 && !bool_value (f->values[i], &b))
        return mocker_flag_error (err, "volume ls", "--filter: invalid filter 'dangling=%s'",
                                  f->values[i]);
    }
  return 0;
}

/* dangling=true: no container uses it; several values: any may hold
 * (the caller holds the volume lock). */
static bool
match_dangling (struct store *s, const struct ui_filter *f, const char *name)
{
  if (!ui_filter_has (f, "dangling"))
    return true;
  _cleanup_strv_ char **users = volume_users_locked (s, name);
  bool dangling = users[0] == NULL;
  for (size_t i = 0; i < f->n; i++)
    {
      bool want;
      if (strcmp (f->keys[i], "dangling") == 0 && bool_value (f->values[i], &want)
          && want == dangling)
        return true;
    }
  return false;
}

yajl_val
volume_row (struct store *s, const char *name, const struct ui_filter *f)
{
  _cleanup_json_ yajl_val meta = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (volume_load (s, name, &meta, &e) < 0)
    return NULL;
  yajl_val labels = json_get (meta, "labels");
  if (!ui_filter_match (f, "name", name) || !ui_filter_exact (f, "driver", "local")
      || !ui_filter_labels (f, labels) || !match_dangling (s, f, name))
    return NULL;
  _cleanup_free_ char *joined = ui_format_labels (labels);
  _cleanup_free_ char *mp = volume_data_dir (s, name);
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Availability", "N/A");
  json_kv_str (g, "Driver", "local");
  json_kv_str (g, "Group", "N/A");
  json_kv_str (g, "Labels", joined);
  json_kv_str (g, "Links", "N/A");
  json_kv_str (g, "Mountpoint", mp);
  json_kv_str (g, "Name", name);
  json_kv_str (g, "Scope", "local");
  json_kv_str (g, "Size", "N/A");
  json_kv_str (g, "Status", "N/A");
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "volume row", &v, &e) < 0)
    return NULL;
  return v;
}
