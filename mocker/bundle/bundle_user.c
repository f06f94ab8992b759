/* Docker's -u/--user and the image's User, resolved the way Docker does:
 * names through the image's own /etc/passwd and /etc/group (never the
 * host's), numbers taken as they are, supplementary groups from /etc/group. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/in_root.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"

#define ETC_FILE_MAX (4 << 20)

static bool
parse_id (const char *s, uint32_t *out)
{
  unsigned long long v;
  if (!parse_uint64 (s, &v) || v > UINT32_MAX)
    return false;
  *out = (uint32_t) v;
  return true;
}

/* Splits a passwd/group line into at most n fields (in place). */
static size_t
split_fields (char *line, char **fields, size_t n)
{
  size_t i = 0;
  fields[i++] = line;
  for (char *p = line; *p && i < n; p++)
    if (*p == ':')
      {
        *p = '\0';
        fields[i++] = p + 1;
      }
  return i;
}

/* Finds the passwd entry whose name (or uid, when by_id) matches. */
static bool
passwd_lookup (char *passwd, const char *name, bool by_id, uint32_t id, char **user_name,
               uint32_t *uid, uint32_t *gid)
{
  char *save = NULL;
  for (char *line = strtok_r (passwd, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[7];
      if (split_fields (line, f, 7) < 4)
        continue;
      uint32_t u, g;
      if (!parse_id (f[2], &u) || !parse_id (f[3], &g))
        continue;
      if (by_id ? u == id : strcmp (f[0], name) == 0)
        {
          *user_name = f[0];
          *uid = u;
          *gid = g;
          return true;
        }
    }
  return false;
}

static bool
group_lookup (const char *group, const char *name, uint32_t *gid)
{
  _cleanup_free_ char *copy = xstrdup (group);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[4];
      if (split_fields (line, f, 4) < 3)
        continue;
      if (strcmp (f[0], name) == 0 && parse_id (f[2], gid))
        return true;
    }
  return false;
}

/* The groups that list user_name as a member, other than primary. */
static void
supplementary_groups (const char *group, const char *user_name, uint32_t primary,
                      struct spec_user *out)
{
  _cleanup_free_ char *copy = xstrdup (group);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[4];
      uint32_t gid;
      if (split_fields (line, f, 4) < 4 || !parse_id (f[2], &gid) || gid == primary)
        continue;
      char *msave = NULL;
      for (char *m = strtok_r (f[3], ",", &msave); m; m = strtok_r (NULL, ",", &msave))
        if (strcmp (m, user_name) == 0)
          {
            out->additional_gids = xrealloc (out->additional_gids,
                                             (out->n_additional_gids + 1) * sizeof (uint32_t));
            out->additional_gids[out->n_additional_gids++] = gid;
            break;
          }
    }
}

int
bundle_resolve_user (const char *rootfs, const char *user, struct spec_user *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (str_is_empty (user))
    return 0;

  _cleanup_free_ char *spec = xstrdup (user);
  char *group_part = strchr (spec, ':');
  if (group_part)
    *group_part++ = '\0';
  if (*spec == '\0' || (group_part && *group_part == '\0'))
    return mk_error_set (err, 0, "invalid user `%s`", user);

  _cleanup_free_ char *passwd = NULL, *group = NULL;
  if (read_file_in_root (rootfs, "/etc/passwd", ETC_FILE_MAX, &passwd, err) < 0
      || read_file_in_root (rootfs, "/etc/group", ETC_FILE_MAX, &group, err) < 0)
    return -1;

  uint32_t uid = 0, gid = 0;
  bool numeric_uid = parse_id (spec, &uid);
  char *user_name = NULL;
  bool found = passwd && passwd_lookup (passwd, spec, numeric_uid, uid, &user_name, &uid, &gid);
  if (!found && !numeric_uid)
    return mk_error_set (err, 0, "unable to find user %s: no matching entries in passwd file",
                         spec);
  if (!found)
    gid = 0; /* a uid unknown to the image gets group 0, as Docker does */

  if (group_part)
    {
      if (!parse_id (group_part, &gid) && !(group && group_lookup (group, group_part, &gid)))
        return mk_error_set (err, 0, "unable to find group %s: no matching entries in group file",
                             group_part);
    }

  out->uid = uid;
  out->gid = gid;
  if (found && group)
    supplementary_groups (group, user_name, gid, out);
  return 0;
}
