#include "mocker-runtime/process/exec_process.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
exec_opts_free (struct exec_opts *o)
{
  strv_free (o->env);
  strv_free (o->caps);
  strv_free (o->gids);
}

/* Sets K=V in env, replacing an existing K (getenv would find the first). */
static void
env_set (char ***env, const char *kv)
{
  const char *eq = strchr (kv, '=');
  size_t klen = eq ? (size_t) (eq - kv) : strlen (kv);
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp ((*env)[i], kv, klen) == 0 && ((*env)[i][klen] == '=' || (*env)[i][klen] == '\0'))
      {
        free ((*env)[i]);
        (*env)[i] = xstrdup (kv);
        return;
      }
  strv_push (env, kv);
}

static int
parse_user (const char *s, struct spec_user *u, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (s);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon = '\0';
  unsigned long long uid, gid = 0;
  if (!parse_uint64 (copy, &uid) || uid > UINT32_MAX
      || (colon && (!parse_uint64 (colon + 1, &gid) || gid > UINT32_MAX)))
    return mk_error_set (err, 0, "--user: expected UID[:GID] as numbers, not `%s`", s);
  u->uid = (uint32_t) uid;
  u->gid = (uint32_t) gid;
  return 0;
}

/* The process to run: --process as a whole, or the container's with the
 * command-line overrides. */
int
exec_make_process (struct spec *spec, const struct exec_opts *o, char **args,
              struct spec_process **out, mk_error **err)
{
  _cleanup_spec_process_ struct spec_process *p = NULL;
  if (o->process_file)
    {
      if (spec_read_process_file (o->process_file, &p, err) < 0)
        return -1;
      /* Without capabilities of its own, the container's (as runc). */
      if (p->capabilities == NULL && spec->process)
        p->capabilities = STEAL (spec->process->capabilities);
    }
  else
    {
      if (args == NULL || args[0] == NULL)
        return mk_error_set (err, 0, "exec: missing the command; usage: "
                                     "exec [OPTIONS] ID COMMAND [ARGS...]");
      /* A container created without a process: the command alone. */
      p = spec->process ? STEAL (spec->process) : xzalloc (sizeof *p);
      strv_free (p->args);
      p->args = strv_dup (args);
      p->terminal = o->tty;
      /* The container's console size is the init's; a new pty starts unsized. */
      p->has_console_size = false;
    }
  for (size_t i = 0; o->env && o->env[i]; i++)
    env_set (&p->env, o->env[i]);
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  if (o->user && parse_user (o->user, &p->user, err) < 0)
    return -1;
  if (o->gids)
    {
      size_t n = strv_len (o->gids);
      free (p->user.additional_gids);
      p->user.additional_gids = xzalloc (n * sizeof (uint32_t));
      p->user.n_additional_gids = n;
      for (size_t i = 0; i < n; i++)
        {
          unsigned long long v;
          if (!parse_uint64 (o->gids[i], &v) || v > UINT32_MAX)
            return mk_error_set (err, 0, "--additional-gids: invalid group id `%s`", o->gids[i]);
          p->user.additional_gids[i] = (uint32_t) v;
        }
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->caps)
    {
      if (p->capabilities == NULL)
        p->capabilities = xzalloc (sizeof *p->capabilities);
      struct spec_capabilities *c = p->capabilities;
      for (size_t i = 0; o->caps[i]; i++)
        {
          _cleanup_free_ char *name = str_has_prefix (o->caps[i], "CAP_")
                                          ? xstrdup (o->caps[i]) : xasprintf ("CAP_%s", o->caps[i]);
          strv_push (&c->bounding, name);
          strv_push (&c->effective, name);
          strv_push (&c->permitted, name);
          /* Ambient needs inheritable: only when the process has some. */
          if (c->inheritable && c->inheritable[0])
            {
              strv_push (&c->inheritable, name);
              strv_push (&c->ambient, name);
            }
        }
    }
  *out = STEAL (p);
  return 0;
}
