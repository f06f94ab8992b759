/* --dns, --dns-search, --dns-option and --add-host in the container's
 * resolv.conf and hosts, as Docker writes them: a given kind replaces the
 * host's lines of that kind (the others are kept from the host's file), in
 * the order search, nameserver, options; extra hosts go after the default
 * hosts lines, before the container's own, as "IP\tHOST". */
#include "mocker/network/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* The words after KEY on "KEY word..." lines of text, appended to *out. */
static void
collect (const char *text, const char *key, char ***out)
{
  size_t klen = strlen (key);
  for (const char *p = text; *p;)
    {
      const char *end = strchrnul (p, '\n');
      _cleanup_free_ char *line = xstrndup (p, end - p);
      char *s = line + strspn (line, " \t");
      if (strncmp (s, key, klen) == 0 && (s[klen] == ' ' || s[klen] == '\t'))
        {
          char *save = NULL;
          for (char *w = strtok_r (s + klen, " \t\r", &save); w; w = strtok_r (NULL, " \t\r", &save))
            {
              if (*w == '#' || *w == ';')
                break;
              strv_push (out, w);
            }
        }
      p = *end ? end + 1 : end;
    }
}

static char *
join_words (char *const *words)
{
  char *out = xstrdup ("");
  for (size_t i = 0; words[i]; i++)
    {
      char *n = xasprintf ("%s%s%s", out, i ? " " : "", words[i]);
      free (out);
      out = n;
    }
  return out;
}

static void
append_line (char **out, const char *key, char *const *words)
{
  if (words == NULL || words[0] == NULL)
    return;
  _cleanup_free_ char *joined = join_words (words);
  if (strcmp (key, "search") == 0 && strcmp (joined, ".") == 0)
    return; /* --dns-search .: no search line */
  char *n = xasprintf ("%s%s %s\n", *out, key, joined);
  free (*out);
  *out = n;
}

char *
resolv_apply_opts (const char *text, char *const *dns, char *const *search,
                   char *const *options)
{
  bool any = (dns && dns[0]) || (search && search[0]) || (options && options[0]);
  if (!any)
    return xstrdup (text);
  _cleanup_strv_ char **h_ns = xzalloc (sizeof *h_ns);
  _cleanup_strv_ char **h_search = xzalloc (sizeof *h_search);
  _cleanup_strv_ char **h_opts = xzalloc (sizeof *h_opts);
  collect (text, "nameserver", &h_ns);
  collect (text, "search", &h_search);
  if (h_search[0] == NULL)
    collect (text, "domain", &h_search);
  collect (text, "options", &h_opts);
  char *out = xstrdup ("");
  append_line (&out, "search", search && search[0] ? search : h_search);
  char *const *ns = dns && dns[0] ? dns : h_ns;
  for (size_t i = 0; ns[i]; i++)
    {
      char *n = xasprintf ("%snameserver %s\n", out, ns[i]);
      free (out);
      out = n;
    }
  append_line (&out, "options", options && options[0] ? options : h_opts);
  return out;
}

void
hosts_append_extra (char **text, char *const *extra_hosts)
{
  for (size_t i = 0; extra_hosts && extra_hosts[i]; i++)
    {
      const char *sep = strchr (extra_hosts[i], ':');
      if (sep == NULL)
        continue;
      _cleanup_free_ char *host = xstrndup (extra_hosts[i], sep - extra_hosts[i]);
      size_t len = strlen (*text);
      bool nl = len == 0 || (*text)[len - 1] == '\n';
      char *n = xasprintf ("%s%s%s\t%s\n", *text, nl ? "" : "\n", sep + 1, host);
      free (*text);
      *text = n;
    }
}

char *
hosts_render_extra (const char *hostname, const char *name, const char *ip,
                    char *const *extra_hosts)
{
  char *out = hosts_render (hostname, name, NULL);
  hosts_append_extra (&out, extra_hosts);
  if (ip)
    {
      _cleanup_free_ char *own = hosts_render (hostname, name, ip);
      _cleanup_free_ char *base = hosts_render (hostname, name, NULL);
      char *n = xasprintf ("%s%s", out, own + strlen (base));
      free (out);
      out = n;
    }
  return out;
}
