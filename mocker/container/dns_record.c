/* See dns_record.h. */
#include "mocker/container/dns_record.h"

#include "common/json.h"
#include "common/util.h"

static char **
record_strv (const struct container *c, const char *key)
{
  yajl_val v = json_get (json_get (c->record, "host_config"), key);
  char **out = xzalloc (sizeof *out);
  for (size_t i = 0; v && YAJL_IS_ARRAY (v) && i < v->u.array.len; i++)
    if (YAJL_IS_STRING (v->u.array.values[i]))
      strv_push (&out, v->u.array.values[i]->u.string);
  return out;
}

void
ctr_dns_opts_load (const struct container *c, struct ctr_dns_opts *d, struct net_etc_opts *eo)
{
  d->extra_hosts = record_strv (c, "ExtraHosts");
  d->dns = record_strv (c, "Dns");
  d->search = record_strv (c, "DnsSearch");
  d->options = record_strv (c, "DnsOptions");
  eo->extra_hosts = d->extra_hosts;
  eo->dns = d->dns;
  eo->dns_search = d->search;
  eo->dns_options = d->options;
}

void
ctr_dns_opts_clear (struct ctr_dns_opts *d)
{
  strv_free (d->extra_hosts);
  strv_free (d->dns);
  strv_free (d->search);
  strv_free (d->options);
}
