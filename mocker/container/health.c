/* See health.h. */
#include "mocker/container/health.h"

#include <string.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

yajl_val
ctr_health (const struct container *c)
{
  _cleanup_free_ char *path = path_join (c->dir, "health.json");
  yajl_val v = NULL;
  if (json_parse_file (path, &v, NULL) < 0)
    return NULL;
  if (!YAJL_IS_OBJECT (v))
    {
      yajl_tree_free (v);
      return NULL;
    }
  return v;
}

const char *
ctr_health_suffix (const struct container *c)
{
  _cleanup_json_ yajl_val h = ctr_health (c);
  const char *s = h ? json_get_str (h, "Status") : NULL;
  if (s == NULL)
    return "";
  if (strcmp (s, "healthy") == 0)
    return " (healthy)";
  if (strcmp (s, "unhealthy") == 0)
    return " (unhealthy)";
  return " (health: starting)";
}
