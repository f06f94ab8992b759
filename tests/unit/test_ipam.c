/* mocker/network/ipam.c and ports.c: prefixes, subnet choice, leases, -p. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/network/internal.h"

static struct ipv4_net
net (const char *s)
{
  struct ipv4_net n;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (ipv4_net_parse (s, &n, &err), 0);
  return n;
}

static void
test_subnet_parse (void **state)
{
  (void) state;
  struct ipv4_net n = net ("10.89.0.0/16");
  assert_int_equal (n.addr, 0x0a590000);
  assert_int_equal (n.prefix, 16);
  char buf[19];
  ipv4_net_format (&n, buf);
  assert_string_equal (buf, "10.89.0.0/16");

  const char *bad[] = { "10.89.0.0", "10.89.0.1/16", "10.89.0.0/31", "10.89.0.0/4",
                        "10.89.0/16", "10.89.0.0/x", "300.1.0.0/16", "" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_error_ mk_error *err = NULL;
      struct ipv4_net o;
      assert_int_equal (ipv4_net_parse (bad[i], &o, &err), -1);
      assert_non_null (strstr (err->msg, "subnet"));
    }
  _cleanup_error_ mk_error *err = NULL;
  struct ipv4_net o;
  ipv4_net_parse ("10.89.0.1/16", &o, &err);
  assert_string_equal (err->msg, "subnet `10.89.0.1/16`: host bits are set");
}

static void
test_overlap_and_pick (void **state)
{
  (void) state;
  struct ipv4_net a = net ("10.0.0.0/8"), b = net ("10.89.0.0/16"), c = net ("10.90.0.0/16");
  assert_true (ipv4_net_overlaps (&a, &b));
  assert_true (ipv4_net_overlaps (&b, &a));
  assert_false (ipv4_net_overlaps (&b, &c));
  assert_true (ipv4_net_contains (&b, 0x0a5900ff));
  assert_false (ipv4_net_contains (&b, 0x0a5a0001));

  struct ipv4_net got;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (ipam_pick_subnet (NULL, 0, &got, &err), 0);
  assert_int_equal (got.addr, b.addr);

  /* The host's 10.0.0.0/8 rules out 10.89/16; 172.30/16 is next. */
  struct ipv4_net used[] = { net ("192.168.1.0/24"), net ("10.0.0.0/8") };
  assert_int_equal (ipam_pick_subnet (used, 2, &got, &err), 0);
  char s[19];
  ipv4_net_format (&got, s);
  assert_string_equal (s, "172.30.0.0/16");

  /* Everything taken: a clear error. */
  struct ipv4_net all[] = { net ("10.0.0.0/8"), net ("172.16.0.0/12"), net ("192.168.0.0/16") };
  assert_int_equal (ipam_pick_subnet (all, 3, &got, &err), -1);
  assert_non_null (strstr (err->msg, "MOCKER_SUBNET"));
}

static void
test_allocate_release (void **state)
{
  (void) state;
  struct ipam ipam __attribute__ ((cleanup (ipam_free))) = { .has_subnet = true,
                                                             .subnet = net ("10.89.0.0/24") };
  _cleanup_error_ mk_error *err = NULL;
  uint32_t ip;
  char buf[16];
  assert_int_equal (ipam_allocate (&ipam, "a", &ip, &err), 0);
  ipv4_format (ip, buf);
  assert_string_equal (buf, "10.89.0.2");  /* .0 network, .1 gateway */
  assert_int_equal (ipam_allocate (&ipam, "b", &ip, &err), 0);
  assert_int_equal (ipam_allocate (&ipam, "c", &ip, &err), 0);
  ipv4_format (ip, buf);
  assert_string_equal (buf, "10.89.0.4");

  /* Same id twice is refused. */
  assert_int_equal (ipam_allocate (&ipam, "a", &ip, &err), -1);
  assert_non_null (strstr (err->msg, "already has an address"));
  mk_error_free (&err);

  /* A released address is the lowest free one again. */
  assert_true (ipam_release (&ipam, "b"));
  assert_false (ipam_release (&ipam, "b"));
  assert_int_equal (ipam_find (&ipam, "b"), -1);
  assert_int_equal (ipam_allocate (&ipam, "d", &ip, &err), 0);
  ipv4_format (ip, buf);
  assert_string_equal (buf, "10.89.0.3");
  assert_int_equal (ipam.n, 3);
}

static void
test_exhaustion (void **state)
{
  (void) state;
  /* /29: .0 network, .1 gateway, .2-.6 hosts, .7 broadcast. */
  struct ipam ipam __attribute__ ((cleanup (ipam_free))) = { .has_subnet = true,
                                                             .subnet = net ("10.1.2.0/29") };
  _cleanup_error_ mk_error *err = NULL;
  uint32_t ip;
  for (int i = 0; i < 5; i++)
    {
      char id[8];
      snprintf (id, sizeof id, "c%d", i);
      assert_int_equal (ipam_allocate (&ipam, id, &ip, &err), 0);
    }
  assert_int_equal (ip, 0x0a010206);
  assert_int_equal (ipam_allocate (&ipam, "full", &ip, &err), -1);
  assert_string_equal (err->msg, "no free address left in subnet 10.1.2.0/29: No space left on device");
  mk_error_free (&err);
  assert_true (ipam_release (&ipam, "c2"));
  assert_int_equal (ipam_allocate (&ipam, "full", &ip, &err), 0);
  assert_int_equal (ip, 0x0a010204);

  /* No subnet yet: an error, not an address. */
  struct ipam none __attribute__ ((cleanup (ipam_free))) = { 0 };
  assert_int_equal (ipam_allocate (&none, "x", &ip, &err), -1);
}

/* A user network's --gateway anywhere in the subnet is never leased; the
 * subnet's first address then is. */
static void
test_gateway_not_first (void **state)
{
  (void) state;
  struct ipam ipam __attribute__ ((cleanup (ipam_free)))
      = { .has_subnet = true, .subnet = net ("10.1.2.0/29"), .gateway = 0x0a010203 };
  _cleanup_error_ mk_error *err = NULL;
  uint32_t ip, got[4];
  for (int i = 0; i < 4; i++)
    {
      char id[8];
      snprintf (id, sizeof id, "c%d", i);
      assert_int_equal (ipam_allocate (&ipam, id, &ip, &err), 0);
      got[i] = ip;
    }
  /* .1 .2 .4 .5 (.3 the gateway), then .6, then full */
  assert_int_equal (got[0], 0x0a010201);
  assert_int_equal (got[1], 0x0a010202);
  assert_int_equal (got[2], 0x0a010204);
  assert_int_equal (got[3], 0x0a010205);
  assert_int_equal (ipam_allocate (&ipam, "c4", &ip, &err), 0);
  assert_int_equal (ip, 0x0a010206);
  assert_int_equal (ipam_allocate (&ipam, "full", &ip, &err), -1);
}

/* User networks: Docker's pools, skipping what is used. */
static void
test_pick_user_subnet (void **state)
{
  (void) state;
  struct ipv4_net got;
  char s[19];
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (ipam_pick_user_subnet (NULL, 0, &got, &err), 0);
  ipv4_net_format (&got, s);
  assert_string_equal (s, "172.18.0.0/16");
  struct ipv4_net used[] = { net ("172.18.0.0/16"), net ("172.19.5.0/24") };
  assert_int_equal (ipam_pick_user_subnet (used, 2, &got, &err), 0);
  ipv4_net_format (&got, s);
  assert_string_equal (s, "172.20.0.0/16");
  struct ipv4_net most[] = { net ("172.16.0.0/12"), net ("192.168.0.0/19") };
  assert_int_equal (ipam_pick_user_subnet (most, 2, &got, &err), 0);
  ipv4_net_format (&got, s);
  assert_string_equal (s, "192.168.32.0/20");
  struct ipv4_net all[] = { net ("172.16.0.0/12"), net ("192.168.0.0/16") };
  assert_int_equal (ipam_pick_user_subnet (all, 2, &got, &err), -1);
  assert_non_null (strstr (err->msg, "--subnet"));
}

static void
test_save_load (void **state)
{
  (void) state;
  char dir[] = "/tmp/mocker-test-ipam-XXXXXX";
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *path = path_join (dir, "leases.json");
  _cleanup_error_ mk_error *err = NULL;

  struct ipam empty __attribute__ ((cleanup (ipam_free)));
  assert_int_equal (ipam_load (path, &empty, &err), 0);  /* missing file: empty */
  assert_int_equal (empty.n, 0);
  assert_false (empty.has_subnet);

  struct ipam a __attribute__ ((cleanup (ipam_free))) = { .has_subnet = true,
                                                          .subnet = net ("172.30.0.0/16") };
  uint32_t ip;
  assert_int_equal (ipam_allocate (&a, "one", &ip, &err), 0);
  snprintf (a.leases[0].veth, sizeof a.leases[0].veth, "vethmk00000001");
  strv_push (&a.leases[0].ports, "0.0.0.0:8080->80/tcp");
  strv_push (&a.leases[0].aliases, "db");
  assert_int_equal (ipam_allocate (&a, "two", &ip, &err), 0);
  assert_int_equal (ipam_save (path, &a, &err), 0);

  struct ipam b __attribute__ ((cleanup (ipam_free)));
  assert_int_equal (ipam_load (path, &b, &err), 0);
  assert_true (b.has_subnet);
  assert_int_equal (b.subnet.addr, a.subnet.addr);
  assert_int_equal (b.n, 2);
  assert_string_equal (b.leases[0].id, "one");
  assert_string_equal (b.leases[0].veth, "vethmk00000001");
  assert_string_equal (b.leases[0].ports[0], "0.0.0.0:8080->80/tcp");
  assert_string_equal (b.leases[0].aliases[0], "db");  /* network aliases survive */
  assert_null (b.leases[0].aliases[1]);
  assert_null (b.leases[1].aliases);
  assert_int_equal (b.leases[1].ip, 0xac1e0003);

  /* A damaged file is an error naming it. */
  const char *junk = "{\"leases\": [{\"id\": \"x\", \"ip\": \"nope\"}]}";
  assert_int_equal (write_file_atomic (path, junk, strlen (junk), 0644, false, &err), 0);
  struct ipam c __attribute__ ((cleanup (ipam_free)));
  assert_int_equal (ipam_load (path, &c, &err), -1);
  assert_non_null (strstr (err->msg, "leases[0].ip"));
  assert_non_null (strstr (err->msg, path));

  unlink (path);
  rmdir (dir);
}

static void
test_names (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (net_check_id ("abc-1.2_3", &err), 0);
  assert_int_equal (net_check_id ("a b", &err), -1);
  mk_error_free (&err);
  assert_int_equal (net_check_id ("x\"; flush ruleset", &err), -1);
  mk_error_free (&err);
  assert_int_equal (net_check_id ("", &err), -1);
  mk_error_free (&err);
  char long_id[NET_ID_MAX + 2];
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  assert_int_equal (net_check_id (long_id, &err), -1);

  char v1[16], v2[16];
  net_veth_name ("test-1", v1);
  net_veth_name ("test-2", v2);
  assert_int_equal (strlen (v1), 14);  /* fits IFNAMSIZ */
  assert_true (str_has_prefix (v1, "vethmk"));
  assert_string_not_equal (v1, v2);

  uint8_t mac[6];
  net_mac_for_ip (0x0a590002, mac);
  assert_int_equal (mac[0], 0x02);
  assert_int_equal (mac[5], 0x02);
  assert_int_equal (mac[2], 0x0a);
}

static void
test_port_parse (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  struct port_map p;
  char buf[48];
  assert_int_equal (port_map_parse ("8080:80", &p, &err), 0);
  assert_int_equal (p.host_port, 8080);
  assert_int_equal (p.container_port, 80);
  assert_string_equal (p.proto, "tcp");
  assert_string_equal (p.host_ip, "");
  port_map_format (&p, buf, sizeof buf);
  assert_string_equal (buf, "0.0.0.0:8080->80/tcp");

  assert_int_equal (port_map_parse ("127.0.0.1:53:5353/udp", &p, &err), 0);
  assert_string_equal (p.host_ip, "127.0.0.1");
  assert_string_equal (p.proto, "udp");
  port_map_format (&p, buf, sizeof buf);
  assert_string_equal (buf, "127.0.0.1:53->5353/udp");

  const char *bad[] = { "80", "8080:0", "0:80", "8080:65536", "8080:80/sctp", "x:80",
                        "1.2.3:80:80", "8080:80/", ":80" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      assert_int_equal (port_map_parse (bad[i], &p, &err), -1);
      assert_non_null (strstr (err->msg, bad[i]));
      mk_error_free (&err);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_subnet_parse),     cmocka_unit_test (test_overlap_and_pick),
    cmocka_unit_test (test_allocate_release), cmocka_unit_test (test_exhaustion),
    cmocka_unit_test (test_save_load),        cmocka_unit_test (test_names),
    cmocka_unit_test (test_port_parse),       cmocka_unit_test (test_gateway_not_first),
    cmocka_unit_test (test_pick_user_subnet),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
