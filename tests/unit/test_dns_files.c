/* mocker/network/dns.c: resolv.conf rewriting, systemd-resolved stub
 * detection, and the container's hosts/hostname/resolv.conf files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/network/internal.h"

static void
test_rewrite_drops_loopback_and_ipv6 (void **state)
{
  (void) state;
  const char *in = "# generated\n"
                   "search example.org\n"
                   "nameserver 127.0.0.1\n"
                   "nameserver 192.0.2.53\n"
                   "  nameserver\t127.1.2.3  # local dnsmasq\n"
                   "nameserver ::1\n"
                   "nameserver 2001:db8::53\n"
                   "nameserver 0.0.0.0\n"
                   "nameserver 198.51.100.7 \n"
                   "options ndots:2 edns0\n"
                   "nameservers are not a keyword\n";
  size_t kept;
  _cleanup_free_ char *out = resolv_rewrite (in, &kept);
  assert_string_equal (out, "# generated\n"
                            "search example.org\n"
                            "nameserver 192.0.2.53\n"
                            "nameserver 198.51.100.7 \n"
                            "options ndots:2 edns0\n"
                            "nameservers are not a keyword\n");
  assert_int_equal (kept, 2);
}

static void
test_rewrite_none_left (void **state)
{
  (void) state;
  size_t kept = 99;
  _cleanup_free_ char *out = resolv_rewrite ("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan", &kept);
  /* No public resolver is made up; search and options stay. */
  assert_string_equal (out, "options edns0 trust-ad\nsearch lan\n");
  assert_int_equal (kept, 0);
  _cleanup_free_ char *empty = resolv_rewrite ("", &kept);
  assert_string_equal (empty, "");
  assert_int_equal (kept, 0);
}

static void
test_stub_detection (void **state)
{
  (void) state;
  assert_true (resolv_is_systemd_stub ("# This is /run/systemd/resolve/stub-resolv.conf\n"
                                       "nameserver 127.0.0.53\noptions edns0 trust-ad\n"));
  assert_true (resolv_is_systemd_stub ("nameserver 127.0.0.54"));
  assert_false (resolv_is_systemd_stub ("nameserver 127.0.0.53\nnameserver 192.0.2.1\n"));
  assert_false (resolv_is_systemd_stub ("nameserver 192.0.2.1\n"));
  assert_false (resolv_is_systemd_stub ("# nameserver 127.0.0.53\n"));
  assert_false (resolv_is_systemd_stub (""));
}

static void
test_hosts (void **state)
{
  (void) state;
  _cleanup_free_ char *h = hosts_render ("abc123", "web", "10.89.0.2");
  assert_non_null (strstr (h, "127.0.0.1\tlocalhost\n"));
  assert_non_null (strstr (h, "::1\tlocalhost ip6-localhost ip6-loopback\n"));
  assert_true (str_has_suffix (h, "\n10.89.0.2\tabc123 web\n"));
  _cleanup_free_ char *same = hosts_render ("web", "web", "10.89.0.2");
  assert_true (str_has_suffix (same, "\n10.89.0.2\tweb\n"));
  _cleanup_free_ char *none = hosts_render ("abc123", NULL, NULL);
  assert_null (strstr (none, "abc123"));
}

static char dir[] = "/tmp/mocker-test-dns-XXXXXX";

static char *
put (const char *name, const char *text)
{
  char *p = path_join (dir, name);
  assert_int_equal (write_file_atomic (p, text, strlen (text), 0644, false, NULL), 0);
  return p;
}

static char *
get (const char *name)
{
  _cleanup_free_ char *p = path_join (dir, name);
  char *text = NULL;
  assert_int_equal (read_file (p, &text, NULL, NULL), 0);
  return text;
}

static void
test_etc_files (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *stub = put ("host-resolv", "nameserver 127.0.0.53\nsearch corp\n");
  _cleanup_free_ char *upstream = put ("resolved-resolv", "nameserver 192.0.2.9\nnameserver fe80::1\n");
  _cleanup_free_ char *hosts = put ("host-hosts", "127.0.0.1 localhost\n192.0.2.1 db\n");
  _cleanup_error_ mk_error *err = NULL;

  /* Bridge: the stub is followed to systemd-resolved's upstream servers. */
  struct net_etc_opts o = { .hostname = "abc123", .name = "web", .ip = "10.89.0.2",
                            .host_resolv = stub, .resolved_resolv = upstream,
                            .host_hosts = hosts };
  assert_int_equal (network_write_etc_files (dir, &o, &err), 0);
  _cleanup_free_ char *r1 = get ("resolv.conf");
  assert_string_equal (r1, "nameserver 192.0.2.9\n");
  _cleanup_free_ char *hn = get ("hostname");
  assert_string_equal (hn, "abc123\n");
  _cleanup_free_ char *h1 = get ("hosts");
  assert_true (str_has_suffix (h1, "10.89.0.2\tabc123 web\n"));

  /* A second write keeps the inodes (bind mounts of them see the change). */
  struct stat before, after;
  _cleanup_free_ char *hosts_path = path_join (dir, "hosts");
  assert_int_equal (stat (hosts_path, &before), 0);
  o.name = NULL;
  o.ip = "10.89.0.3";
  assert_int_equal (network_write_etc_files (dir, &o, &err), 0);
  assert_int_equal (stat (hosts_path, &after), 0);
  assert_int_equal (before.st_ino, after.st_ino);
  _cleanup_free_ char *h2 = get ("hosts");
  assert_true (str_has_suffix (h2, "\n10.89.0.3\tabc123\n"));
  assert_null (strstr (h2, "10.89.0.2"));

  /* Stub without systemd-resolved's file: the loopback server is dropped. */
  _cleanup_free_ char *missing = path_join (dir, "missing");
  o.resolved_resolv = missing;
  assert_int_equal (network_write_etc_files (dir, &o, &err), 0);
  _cleanup_free_ char *r2 = get ("resolv.conf");
  assert_string_equal (r2, "search corp\n");

  /* Host network: the host's files as they are. */
  o.host_network = true;
  assert_int_equal (network_write_etc_files (dir, &o, &err), 0);
  _cleanup_free_ char *r3 = get ("resolv.conf");
  assert_string_equal (r3, "nameserver 127.0.0.53\nsearch corp\n");
  _cleanup_free_ char *h3 = get ("hosts");
  assert_string_equal (h3, "127.0.0.1 localhost\n192.0.2.1 db\n");

  /* No host resolv.conf at all: an empty one. */
  o.host_network = false;
  o.host_resolv = missing;
  assert_int_equal (network_write_etc_files (dir, &o, &err), 0);
  _cleanup_free_ char *r4 = get ("resolv.conf");
  assert_string_equal (r4, "");

  /* No hostname: an error. */
  o.hostname = NULL;
  assert_int_equal (network_write_etc_files (dir, &o, &err), -1);
  assert_non_null (strstr (err->msg, "hostname"));

  const char *names[] = { "host-resolv", "resolved-resolv", "host-hosts", "resolv.conf",
                          "hostname", "hosts" };
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    {
      _cleanup_free_ char *p = path_join (dir, names[i]);
      assert_int_equal (unlink (p), 0);
    }
  assert_int_equal (rmdir (dir), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rewrite_drops_loopback_and_ipv6),
    cmocka_unit_test (test_rewrite_none_left),
    cmocka_unit_test (test_stub_detection),
    cmocka_unit_test (test_hosts),
    cmocka_unit_test (test_etc_files),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
