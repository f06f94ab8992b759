#include "mocker-runtime/kernel/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct { const char *name; int flag; } ns_types[] = {
  { "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET },
  { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "mount", CLONE_NEWNS },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int
ns_flag (const char *type)
{
  for (size_t i = 0; i < ARRAY_SIZE (ns_types); i++)
    if (strcmp (ns_types[i].name, type) == 0)
      return ns_types[i].flag;
  return 0;
}

static const char *
ns_name (int flag)
{
  for (size_t k = 0; k < ARRAY_SIZE (ns_types); k++)
    if (ns_types[k].flag == flag)
      return ns_types[k].name;
  return "?";
}

/* The /proc/self/ns file of a namespace type. */
static const char *
ns_proc_name (int flag)
{
  switch (flag)
    {
    case CLONE_NEWNET: return "net";
    case CLONE_NEWNS: return "mnt";
    case CLONE_NEWTIME: return "time_for_children";
    case CLONE_NEWPID: return "pid";
    default: return ns_name (flag);
    }
}

void
ns_plan_close (struct ns_plan *plan)
{
  for (size_t i = 0; i < plan->n_join; i++)
    if (plan->join_fd[i] >= 0)
      close (plan->join_fd[i]);
  plan->n_join = 0;
  if (plan->user_fd >= 0)
    close (plan->user_fd);
  plan->user_fd = -1;
}

int
ns_plan_make (const struct spec *spec, struct ns_plan *plan, mk_error **err)
{
  memset (plan, 0, sizeof *plan);
  plan->user_fd = -1;
  int seen = 0;
  size_t n = spec->linux_ ? spec->linux_->n_namespaces : 0;
  for (size_t i = 0; i < n; i++)
    {
      const struct spec_namespace *ns = &spec->linux_->namespaces[i];
      int flag = ns_flag (ns->type);
      if (flag == 0)
        return mk_error_set (err, 0, "linux.namespaces[%zu].type: unknown namespace type `%s`", i,
                             ns->type);
      if (seen & flag)
        return mk_error_set (err, 0, "linux.namespaces[%zu]: duplicate `%s` namespace", i, ns->type);
      seen |= flag;
      if (flag == CLONE_NEWUTS)
        plan->has_uts = true;
      if (ns->path == NULL || *ns->path == '\0')
        {
          if (flag == CLONE_NEWCGROUP)
            plan->new_cgroup = true;
          else
            plan->clone_flags |= flag;
          if (flag == CLONE_NEWUSER)
            plan->new_user = true;
          continue;
        }
      int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          mk_error_set (err, errno, "linux.namespaces[%zu].path: open `%s`", i, ns->path);
          ns_plan_close (plan);
          return -1;
        }
      if (flag == CLONE_NEWUSER)
        {
          plan->user_fd = fd;
          continue;
        }
      if (plan->n_join == NS_MAX_JOIN)
        {
          close (fd);
          ns_plan_close (plan);
          return mk_error_set (err, 0, "linux.namespaces: too many namespaces");
        }
      plan->join_fd[plan->n_join] = fd;
      plan->join_type[plan->n_join++] = flag;
    }
  if (plan->user_fd >= 0)
    {
      /* New namespaces must belong to the joined user namespace: the init
       * makes them after joining it.  A pid namespace cannot be made that way
       * for the init itself. */
      if (plan->clone_flags & CLONE_NEWPID)
        {
          ns_plan_close (plan);
          return mk_error_set (err, 0, "linux.namespaces: a user namespace given by path needs "
                                       "the pid namespace given by path too");
        }
      plan->unshare_flags = plan->clone_flags;
      plan->clone_flags = 0;
    }
  return 0;
}

int
ns_enter_for_clone (const struct ns_plan *plan, struct ns_saved *saved, mk_error **err)
{
  saved->n = 0;
  saved->cwd_fd = -1;
  for (size_t i = 0; i < plan->n_join; i++)
    {
      int type = plan->join_type[i];
      if (type == CLONE_NEWNS && saved->cwd_fd < 0)
        saved->cwd_fd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      char path[64];
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns_proc_name (type));
      int own = open (path, O_RDONLY | O_CLOEXEC);
      if (own < 0)
        {
          mk_error_set (err, errno, "open `%s`", path);
          goto fail;
        }
      saved->fd[saved->n] = own;
      saved->type[saved->n++] = type;
      if (setns (plan->join_fd[i], type) < 0)
        {
          mk_error_set (err, errno, "join %s namespace", ns_name (type));
          goto fail;
        }
    }
  return 0;
fail:
  {
    mk_error *ignored = NULL;
    ns_leave_after_clone (saved, &ignored);
    mk_error_free (&ignored);
  }
  return -1;
}

int
ns_leave_after_clone (struct ns_saved *saved, mk_error **err)
{
  int ret = 0;
  for (size_t i = saved->n; i-- > 0;)
    {
      if (setns (saved->fd[i], saved->type[i]) < 0 && ret == 0)
        ret = mk_error_set (err, errno, "return to the runtime's %s namespace",
                            ns_name (saved->type[i]));
      close (saved->fd[i]);
    }
  saved->n = 0;
  if (saved->cwd_fd >= 0)
    {
      if (fchdir (saved->cwd_fd) < 0 && ret == 0)
        ret = mk_error_set (err, errno, "return to the working directory");
      close (saved->cwd_fd);
      saved->cwd_fd = -1;
    }
  return ret;
}

int
ns_join (const struct ns_plan *plan, mk_error **err)
{
  if (plan->user_fd < 0)
    return 0;
  if (setns (plan->user_fd, CLONE_NEWUSER) < 0)
    return mk_error_set (err, errno, "join user namespace");
  /* The runtime's uid is not mapped in there: become its root. */
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return mk_error_set (err, errno, "become root of the joined user namespace");
  if (setgroups (0, NULL) < 0)
    { /* denied in namespaces whose setgroups is "deny" */ }
  if (plan->unshare_flags && unshare ((int) plan->unshare_flags) < 0)
    return mk_error_set (err, errno, "unshare namespaces in the joined user namespace");
  return 0;
}

static int
write_map (pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n, mk_error **err)
{
  if (n == 0)
    return 0;
  char buf[4096];
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      int w = snprintf (buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id,
                        m[i].host_id, m[i].size);
      if (w < 0 || (size_t) w >= sizeof buf - len)
        return mk_error_set (err, 0, "linux.%s: too many mappings", file);
      len += w;
    }
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  if (write (fd, buf, len) != (ssize_t) len)
    return mk_error_set (err, errno, "write user namespace mapping to `%s`", path);
  return 0;
}

int
ns_write_id_maps (pid_t pid, const struct spec *spec, mk_error **err)
{
  const struct spec_linux *l = spec->linux_;
  if (l == NULL)
    return 0;
  if (write_map (pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return -1;
  return write_map (pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}

int
ns_set_hostname (const struct spec *spec, const struct ns_plan *plan, mk_error **err)
{
  if ((spec->hostname || spec->domainname) && !plan->has_uts)
    return mk_error_set (err, 0, "hostname: cannot set without a private uts namespace");
  if (spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return mk_error_set (err, errno, "sethostname `%s`", spec->hostname);
  if (spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return mk_error_set (err, errno, "setdomainname `%s`", spec->domainname);
  return 0;
}
