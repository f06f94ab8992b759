/* --add-host, --dns, --dns-search, --dns-option as the record keeps them
 * (host_config ExtraHosts, Dns, DnsSearch, DnsOptions), for the /etc files
 * rewritten at each start. */
#ifndef MOCKER_CONTAINER_DNS_RECORD_H
#define MOCKER_CONTAINER_DNS_RECORD_H

#include "mocker/container/container.h"

struct ctr_dns_opts
{
  char **extra_hosts, **dns, **search, **options;
};

/* Fills d from the record and points eo's fields at it. */
void ctr_dns_opts_load (const struct container *c, struct ctr_dns_opts *d,
                        struct net_etc_opts *eo);
void ctr_dns_opts_clear (struct ctr_dns_opts *d);

#endif
