/* See dns_record.h. */
#include "mocker/container/dns_record.h"

#include "common/json.h"
#include "common/util.h"

static char **
record_strv (const struct container *c, const char *key)
{
  char **out = json_strv (json_get (json_get (c->record, "host_config"), key));
  return out ? out : xzalloc (sizeof *out); /* none: an empty vector */
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
