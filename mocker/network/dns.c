/* The container's /etc/hosts, /etc/hostname and /etc/resolv.conf.
 *
 * resolv.conf comes from the host's, without the nameservers the container
 * cannot reach: loopback ones (a resolver listening on the host's 127.0.0.1
 * is not there in the container's netns) and IPv6 ones (containers get no
 * IPv6). When the host points at systemd-resolved's stub (127.0.0.53), the
 * real upstream servers are in /run/systemd/resolve/resolv.conf. When no
 * nameserver is left, the file keeps its search and options lines and has no
 * nameserver: no public resolver is made up (docs/networking.md). */
#include "mocker/network/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"

#define DEFAULT_RESOLV "/etc/resolv.conf"
#define DEFAULT_RESOLVED "/run/systemd/resolve/resolv.conf"
#define DEFAULT_HOSTS "/etc/hosts"

/* The address of a "nameserver ADDR" line, copied into buf; false otherwise. */
static bool
nameserver_of (const char *line, size_t len, char *buf, size_t size)
{
  while (len && (*line == ' ' || *line == '\t'))
    line++, len--;
  if (len < 11 || strncmp (line, "nameserver", 10) != 0 || (line[10] != ' ' && line[10] != '\t'))
    return false;
  line += 10, len -= 10;
  while (len && (*line == ' ' || *line == '\t'))
    line++, len--;
  size_t n = 0;
  while (n < len && line[n] != ' ' && line[n] != '\t' && line[n] != '\r' && line[n] != '#'
         && line[n] != ';')
    n++;
  if (n == 0 || n >= size)
    return n > 0;  /* too long to be an address: still a nameserver line */
  memcpy (buf, line, n);
  buf[n] = '\0';
  return true;
}

bool
resolv_is_systemd_stub (const char *text)
{
  size_t stubs = 0, others = 0;
  for (const char *p = text; p && *p;)
    {
      const char *end = strchrnul (p, '\n');
      char addr[64] = "";
      if (nameserver_of (p, end - p, addr, sizeof addr))
        {
          if (strcmp (addr, "127.0.0.53") == 0 || strcmp (addr, "127.0.0.54") == 0)
            stubs++;
          else
            others++;
        }
      p = *end ? end + 1 : end;
    }
  return stubs > 0 && others == 0;
}

/* Loopback (127.0.0.0/8, 0.0.0.0, ::1) or IPv6: useless in the container. */
static bool
unreachable_nameserver (const char *addr)
{
  if (strchr (addr, ':'))
    return true;
  uint32_t a;
  if (ipv4_parse (addr, &a) < 0)
    return true;  /* not an address at all */
  return (a >> 24) == 127 || a == 0;
}

char *
resolv_rewrite (const char *text, size_t *kept)
{
  size_t len = strlen (text), n = 0, out_len = 0;
  char *out = xmalloc (len + 2);
  for (const char *p = text; *p;)
    {
      const char *end = strchrnul (p, '\n');
      char addr[64] = "";
      bool ns = nameserver_of (p, end - p, addr, sizeof addr);
      if (!ns || !unreachable_nameserver (addr))
        {
          memcpy (out + out_len, p, end - p);
          out_len += end - p;
          out[out_len++] = '\n';
          n += ns;
        }
      p = *end ? end + 1 : end;
    }
  out[out_len] = '\0';
  if (kept)
    *kept = n;
  return out;
}

char *
hosts_render (const char *hostname, const char *name, const char *ip)
{
  const char *base = "127.0.0.1\tlocalhost\n"
                     "::1\tlocalhost ip6-localhost ip6-loopback\n"
                     "fe00::0\tip6-localnet\n"
                     "ff00::0\tip6-mcastprefix\n"
                     "ff02::1\tip6-allnodes\n"
                     "ff02::2\tip6-allrouters\n";
  if (ip == NULL)
    return xstrdup (base);
  bool both = name && *name && strcmp (name, hostname) != 0;
  return xasprintf ("%s%s\t%s%s%s\n", base, ip, hostname, both ? " " : "", both ? name : "");
}

/* A file's text, or "" when it does not exist. */
static int
read_optional (const char *path, char **out, mk_error **err)
{
  if (read_file (path, out, NULL, err) == 0)
    return 0;
  if (mk_error_errno (*err) != ENOENT)
    return -1;
  mk_error_free (err);
  *out = xstrdup ("");
  return 0;
}

static int
render_resolv (const struct net_etc_opts *o, char **out, mk_error **err)
{
  _cleanup_free_ char *host = NULL;
  if (read_optional (o->host_resolv ? o->host_resolv : DEFAULT_RESOLV, &host, err) < 0)
    return -1;
  if (o->host_network)
    {
      *out = STEAL (host);
      return 0;
    }
  if (resolv_is_systemd_stub (host))
    {
      const char *path = o->resolved_resolv ? o->resolved_resolv : DEFAULT_RESOLVED;
      _cleanup_free_ char *upstream = NULL;
      if (read_optional (path, &upstream, err) < 0)
        return -1;
      if (*upstream)
        {
          free (host);
          host = STEAL (upstream);
        }
    }
  *out = resolv_rewrite (host, NULL);
  return 0;
}

/* A new file is written atomically. An existing one is rewritten in place
 * (same inode): it may already be bind-mounted into the container, made by
 * `create` before the address was known, and a rename would leave the mount
 * on the old file. The container has not started then, so nobody reads it
 * half-written. */
static int
write_text (const char *dir, const char *name, const char *text, mk_error **err)
{
  _cleanup_free_ char *path = path_join (dir, name);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return write_file_atomic (path, text, strlen (text), 0644, false, err);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  for (size_t done = 0, len = strlen (text); done < len;)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mk_error_set (err, errno, "write `%s`", path);
      done += n;
    }
  return 0;
}

int
network_write_etc_files (const char *dir, const struct net_etc_opts *o, mk_error **err)
{
  if (o->hostname == NULL || *o->hostname == '\0')
    return mk_error_set (err, 0, "container /etc files: no hostname");
  _cleanup_free_ char *hosts = NULL, *resolv = NULL;
  if (o->host_network)
    {
      if (read_optional (o->host_hosts ? o->host_hosts : DEFAULT_HOSTS, &hosts, err) < 0)
        return -1;
      hosts_append_extra (&hosts, o->extra_hosts);
    }
  else
    hosts = hosts_render_extra (o->hostname, o->name, o->ip, o->extra_hosts);
  if (render_resolv (o, &resolv, err) < 0)
    return -1;
  char *applied = resolv_apply_opts (resolv, o->dns, o->dns_search, o->dns_options);
  free (resolv);
  resolv = applied;
  _cleanup_free_ char *hostname = xasprintf ("%s\n", o->hostname);
  if (write_text (dir, "hosts", hosts, err) < 0 || write_text (dir, "hostname", hostname, err) < 0
      || write_text (dir, "resolv.conf", resolv, err) < 0)
    return mk_error_wrap (err, "container /etc files in `%s`", dir);
  return 0;
}

char *
network_render_hosts (const struct net_etc_opts *o)
{
  return hosts_render_extra (o->hostname, o->name, o->ip, o->extra_hosts);
}
