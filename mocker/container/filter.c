#include "mocker/container/filter.h"

#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/networks.h"
#include "mocker/image/image_parents.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"

struct ctr_filter
{
  struct ui_filter f;   /* a copy */
  char **ancestors;     /* resolved image ids */
  bool has_ancestor;
  struct store *s;      /* for the images' parents */
  struct ancestor_memo *memo;
};

/* match_ancestor's answers per image id: the containers of a listing share
 * a few images, whose parents are then read once, not once per container. */
struct ancestor_memo
{
  char **hit, **miss;
};

static const char *const states[] = {
  "created", "restarting", "running", "removing", "paused", "exited", "dead", NULL,
};

static void
copy_filter (struct ui_filter *to, const struct ui_filter *from)
{
  to->n = from->n;
  to->keys = xzalloc ((from->n + 1) * sizeof *to->keys);
  to->values = xzalloc ((from->n + 1) * sizeof *to->values);
  for (size_t i = 0; i < from->n; i++)
    {
      to->keys[i] = xstrdup (from->keys[i]);
      to->values[i] = xstrdup (from->values[i]);
    }
}

struct ctr_filter *
ctr_filter_new (struct store *s, const struct ui_filter *f, mk_error **err)
{
  for (size_t i = 0; i < f->n; i++)
    {
      const char *k = f->keys[i], *v = f->values[i];
      bool ok = true;
      if (strcmp (k, "status") == 0)
        {
          ok = false;
          for (size_t j = 0; states[j]; j++)
            ok |= strcmp (states[j], v) == 0;
        }
      else if (strcmp (k, "exited") == 0)
        {
          long long code;
          ok = parse_int64 (v, &code);
        }
      if (!ok)
        return mocker_flag_error (err, "ps", "--filter: invalid filter '%s=%s'", k, v), NULL;
    }
  struct ctr_filter *cf = xzalloc (sizeof *cf);
  cf->s = s;
  cf->memo = xzalloc (sizeof *cf->memo);
  copy_filter (&cf->f, f);
  size_t n = 0;
  cf->ancestors = xzalloc ((f->n + 1) * sizeof *cf->ancestors);
  for (size_t i = 0; i < f->n; i++)
    {
      if (strcmp (f->keys[i], "ancestor") != 0)
        continue;
      cf->has_ancestor = true;
      _cleanup_error_ mk_error *e = NULL;
      char *id = NULL;
      if (store_image_find (s, f->values[i], &id, &e) == 0)
        cf->ancestors[n++] = id;
    }
  return cf;
}

void
ctr_filter_free (struct ctr_filter *cf)
{
  if (cf == NULL)
    return;
  ui_filter_clear (&cf->f);
  strv_free (cf->ancestors);
  strv_free (cf->memo->hit);
  strv_free (cf->memo->miss);
  free (cf->memo);
  free (cf);
}

bool
ctr_filter_wants_all (const struct ctr_filter *cf)
{
  return ui_filter_has (&cf->f, "status");
}

/* Docker's ExitCode in inspect (a container whose init died unseen: 137). */
static long long
exit_code (const struct container *c, enum ctr_live live)
{
  if (live == LIVE_RUNNING)
    return 0;
  return c->state.status == CTR_RUNNING ? 137 : c->state.exit_code;
}

static bool
match_exited (const struct ctr_filter *cf, const struct container *c, enum ctr_live live)
{
  if (!ui_filter_has (&cf->f, "exited"))
    return true;
  if (ctr_counts_running (c, live) || c->state.started_at[0] == '\0')
    return false;
  for (size_t i = 0; i < cf->f.n; i++)
    {
      long long code;
      if (strcmp (cf->f.keys[i], "exited") == 0 && parse_int64 (cf->f.values[i], &code)
          && code == exit_code (c, live))
        return true;
    }
  return false;
}

static char *
dup_str (yajl_val obj, const char *key)
{
  const char *v = json_get_str (obj, key);
  return xstrdup (v ? v : "");
}

size_t
ctr_mount_views (const struct container *c, struct ctr_mount_view **out)
{
  *out = NULL;
  size_t n = 0;
  yajl_val mounts = json_get (c->record, "mounts");
  if (mounts && YAJL_IS_ARRAY (mounts))
    {
      *out = xzalloc ((mounts->u.array.len + 1) * sizeof **out);
      for (size_t i = 0; i < mounts->u.array.len; i++)
        {
          yajl_val m = mounts->u.array.values[i];
          struct ctr_mount_view *v = &(*out)[n++];
          v->type = dup_str (m, "Type");
          v->name = dup_str (m, "Name");
          v->source = dup_str (m, "Source");
          v->destination = dup_str (m, "Destination");
          if (strcmp (v->type, "volume") != 0)
            v->name[0] = '\0';
        }
      return n;
    }
  /* an older record: its -v binds, "SRC:DST[:MODE]" (SRC a name: a volume) */
  yajl_val binds = json_get (json_get (c->record, "host_config"), "Binds");
  if (binds == NULL || !YAJL_IS_ARRAY (binds))
    return 0;
  *out = xzalloc ((binds->u.array.len + 1) * sizeof **out);
  for (size_t i = 0; i < binds->u.array.len; i++)
    {
      const char *b = YAJL_GET_STRING (binds->u.array.values[i]);
      if (b == NULL || strchr (b, ':') == NULL)
        continue;
      struct ctr_mount_view *v = &(*out)[n++];
      v->source = xstrndup (b, strcspn (b, ":"));
      const char *dst = b + strlen (v->source) + 1;
      v->destination = xstrndup (dst, strcspn (dst, ":"));
      bool vol = v->source[0] != '/';
      v->type = xstrdup (vol ? "volume" : "bind");
      v->name = xstrdup (vol ? v->source : "");
    }
  return n;
}

void
ctr_mount_views_free (struct ctr_mount_view *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].type);
      free (v[i].name);
      free (v[i].source);
      free (v[i].destination);
    }
  free (v);
}

/* Docker: a mount's volume name or its destination. */
static bool
match_volume (const struct ctr_filter *cf, const struct container *c)
{
  if (!ui_filter_has (&cf->f, "volume"))
    return true;
  struct ctr_mount_view *v;
  size_t n = ctr_mount_views (c, &v);
  bool hit = false;
  for (size_t i = 0; i < n && !hit; i++)
    hit = ui_filter_exact (&cf->f, "volume", v[i].destination)
          || (v[i].name[0] && ui_filter_exact (&cf->f, "volume", v[i].name));
  ctr_mount_views_free (v, n);
  return hit;
}

/* Docker: a container of the image or of an image built on it (the
 * parents a build recorded, image_parents.h). */
static bool
has_id (char *const *v, const char *id)
{
  for (; v && *v; v++)
    if (strcmp (*v, id) == 0)
      return true;
  return false;
}

static bool
match_ancestor (const struct ctr_filter *cf, const struct container *c)
{
  const char *img = ctr_image (c);
  if (img == NULL)
    return false;
  if (has_id (cf->memo->hit, img))
    return true;
  if (has_id (cf->memo->miss, img))
    return false;
  bool hit = false;
  _cleanup_free_ char *cur = xstrdup (img);
  for (int depth = 0; cur && depth < 256 && !hit; depth++)
    {
      hit = has_id (cf->ancestors, cur);
      char *up = hit ? NULL : image_parent_get (cf->s, cur);
      free (cur);
      cur = up;
    }
  strv_push (hit ? &cf->memo->hit : &cf->memo->miss, img);
  return hit;
}

/* network=: the network the container was run with, or one it was
 * connected to later (networks.json). */
static bool
match_network (const struct ui_filter *f, const struct container *c)
{
  const char *net = ctr_str (c, "host_config", "NetworkMode");
  if (ui_filter_exact (f, "network", net ? net : "default"))
    return true;
  struct ctr_networks l = { 0 };
  _cleanup_error_ mk_error *e = NULL;
  bool hit = false;
  if (c->dir && ctr_networks_load (c->dir, &l, &e) == 0)
    for (size_t i = 0; i < l.n && !hit; i++)
      hit = ui_filter_exact (f, "network", l.v[i].name);
  ctr_networks_clear (&l);
  return hit;
}

bool
ctr_filter_match (const struct ctr_filter *cf, const struct container *c, enum ctr_live live)
{
  const struct ui_filter *f = &cf->f;
  if (f->n == 0)
    return true;
  if (ui_filter_has (f, "status") && !ui_filter_exact (f, "status", ctr_state_string (c, live)))
    return false;
  _cleanup_free_ char *slash_name = xasprintf ("/%s", c->name);
  if (!ui_filter_match (f, "name", slash_name) || !ui_filter_match (f, "id", c->id))
    return false;
  if (cf->has_ancestor && !match_ancestor (cf, c))
    return false;
  if (ui_filter_has (f, "network") && !match_network (f, c))
    return false;
  yajl_val labels = json_get (json_get (c->record, "config"), "Labels");
  return match_exited (cf, c, live) && ui_filter_labels (f, labels) && match_volume (cf, c);
}
