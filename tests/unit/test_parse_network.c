/* SPDX-License-Identifier: Apache-2.0 */
/* network: the modes, published ports, addresses and names, each error at
 * its line, and the plan (veth for root only, /etc files in the mounts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse_helpers.h"
#include "plan_fixture.h"

static void test_network_defaults_to_none_and_eth0(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "hostname: x\n");
    assert_false(n->network.present);
    assert_int_equal(n->network.mode, RP_NET_NONE);
    rp_node_free(n);
    n = parse_ok(HEAD "network: {mode: pasta}\n");
    assert_int_equal(n->network.mode, RP_NET_PASTA);
    assert_string_equal(n->network.interface, "eth0");
    rp_node_free(n);
}

static void test_ports_take_a_port_or_address_and_port(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "network:\n  mode: pasta\n  ports:\n"
                                      "    - {host: 6380, node: 6379}\n"
                                      "    - {host: \"0.0.0.0:53\", node: 53, proto: udp}\n"
                                      "    - {host: \"[::1]:6380\", node: 6379}\n");
    assert_int_equal(n->network.n_ports, 3);
    assert_string_equal(n->network.ports[0].host_addr, "127.0.0.1");
    assert_int_equal(n->network.ports[0].host_port, 6380);
    assert_int_equal(n->network.ports[0].node_port, 6379);
    assert_int_equal(n->network.ports[0].proto, RP_NET_TCP);
    assert_string_equal(n->network.ports[1].host_addr, "0.0.0.0");
    assert_int_equal(n->network.ports[1].proto, RP_NET_UDP);
    assert_string_equal(n->network.ports[2].host_addr, "::1");
    rp_node_free(n);
}

static void test_bad_ports_are_errors_at_their_line(void **state)
{
    (void)state;
    const char *head = HEAD "network:\n  mode: pasta\n  ports:\n";
    char yaml[256];
    snprintf(yaml, sizeof(yaml), "%s    - {host: 0, node: 1}\n", head);
    expect_error(yaml, 6, 14, "network.ports[0].host", "out of range");
    snprintf(yaml, sizeof(yaml), "%s    - {host: \"127.0.0.1:65536\", node: 1}\n", head);
    expect_error(yaml, 6, 14, "network.ports[0].host", "the port must be 1 to 65535");
    snprintf(yaml, sizeof(yaml), "%s    - {host: 1, node: 65536}\n", head);
    expect_error(yaml, 6, 23, "network.ports[0].node", "out of range");
    snprintf(yaml, sizeof(yaml), "%s    - {host: \"::1:80\", node: 1}\n", head);
    expect_error(yaml, 6, 14, "network.ports[0].host", "is not ADDRESS:PORT");
    snprintf(yaml, sizeof(yaml),
             "%s    - {host: 6380, node: 1}\n    - {host: \"127.0.0.1:6380\", node: 2}\n", head);
    expect_error(yaml, 7, 7, "network.ports[1]", "duplicate port: tcp 127.0.0.1:6380");
    snprintf(yaml, sizeof(yaml), "%s    - {host: 6380, node: 1, proto: sctp}\n", head);
    expect_error(yaml, 6, 36, "network.ports[0].proto", "'sctp' is not one of tcp or udp");
}

static void test_veth_addresses_prefixes_and_names_are_checked(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "network:\n  mode: veth\n  address: fd00::2/64\n"
                                      "  bridge: br0\n  gateway: fd00::1\n  mtu: 1400\n");
    assert_string_equal(n->network.address, "fd00::2/64");
    assert_string_equal(n->network.bridge, "br0");
    assert_int_equal(n->network.mtu, 1400);
    rp_node_free(n);
    const char *v = HEAD "network:\n  mode: veth\n  bridge: br0\n";
    char yaml[256];
    snprintf(yaml, sizeof(yaml), "%s  address: 10.0.0.256/24\n", v);
    expect_error(yaml, 6, 12, "network.address", "not a numeric IPv4 or IPv6 address");
    snprintf(yaml, sizeof(yaml), "%s  address: 10.0.0.2/33\n", v);
    expect_error(yaml, 6, 12, "network.address", "the prefix must be 0 to 32");
    snprintf(yaml, sizeof(yaml), "%s  address: 10.0.0.2\n", v);
    expect_error(yaml, 6, 12, "network.address", "has no prefix");
    snprintf(yaml, sizeof(yaml), "%s  address: \"fd00::2/129\"\n", v);
    expect_error(yaml, 6, 12, "network.address", "the prefix must be 0 to 128");
    expect_error(HEAD "network:\n  mode: veth\n  address: 10.0.0.2/24\n  bridge: \"br/0\"\n", 6, 11,
                 "network.bridge", "no '/'");
    expect_error(HEAD
                 "network:\n  mode: veth\n  address: 10.0.0.2/24\n  bridge: abcdefghijklmnop\n",
                 6, 11, "network.bridge", "1 to 15 characters");
    expect_error(HEAD "network:\n  mode: veth\n  address: 10.0.0.2/24\n", 4, 3, "network",
                 "needs host_address");
    expect_error(HEAD "network:\n  mode: veth\n  bridge: br0\n", 4, 3, "network.address",
                 "required key 'address' is missing");
}

static void test_modes_need_the_nodes_own_network_namespace(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces: {net: host}\nnetwork:\n  mode: veth\n  address: 10.0.0.2/24\n"
                      "  bridge: br0\n",
                 5, 9, "network.mode", "needs the node's own network namespace");
    expect_error(HEAD "network:\n  mode: pasta\n  bridge: br0\n", 5, 11, "network.bridge",
                 "only with mode: veth");
    expect_error(HEAD "network:\n  mode: veth\n  address: 10.0.0.2/24\n  bridge: br0\n"
                      "  ports: [{host: 1, node: 1}]\n",
                 7, 10, "network.ports", "only with mode: pasta");
}

static void test_dns_and_hosts_become_files_of_the_mount_plan(void **state)
{
    (void)state;
    struct planned r = plan_ok("network:\n  dns: [10.0.0.1]\n"
                               "  hosts:\n    - {address: 10.0.0.2, name: redis}\n",
                               0);
    const struct rp_mount_plan *m = &r.plan->mount;
    const struct rp_mount_step *hosts = &m->steps[m->n - 2], *resolv = &m->steps[m->n - 1];
    assert_int_equal(hosts->op, RP_MOP_FILE);
    assert_string_equal(hosts->path, "/etc/hosts");
    assert_non_null(strstr(hosts->content, "10.0.0.2\tredis\n"));
    assert_string_equal(resolv->path, "/etc/resolv.conf");
    assert_non_null(strstr(resolv->content, "nameserver 10.0.0.1\n"));
    planned_free(&r);
    expect_error(HEAD "network:\n  hosts:\n    - {address: redis, name: x}\n", 5, 17,
                 "network.hosts[0].address", "not a numeric");
}

static void test_veth_is_planned_for_root_only(void **state)
{
    (void)state;
    const char *body =
        "network:\n  mode: veth\n  address: 10.0.0.2/24\n  host_address: 10.0.0.1/24\n";
    struct planned r = plan_ok(body, 0);
    assert_int_equal(r.plan->net.mode, RP_NET_VETH);
    assert_string_equal(r.plan->net.host_address, "10.0.0.1/24");
    assert_false(r.plan->net.join_userns);
    planned_free(&r);
    const struct rp_diag *d = plan_error(&r, body, 1000);
    assert_string_equal(d->key_path, "network.mode");
    assert_int_equal(d->line, 4);
    assert_non_null(strstr(d->message, "mode: veth needs root"));
    planned_free(&r);
    r = plan_ok("network: {mode: pasta}\n", 1000);
    assert_true(r.plan->net.join_userns);
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_defaults_to_none_and_eth0),
        cmocka_unit_test(test_ports_take_a_port_or_address_and_port),
        cmocka_unit_test(test_bad_ports_are_errors_at_their_line),
        cmocka_unit_test(test_veth_addresses_prefixes_and_names_are_checked),
        cmocka_unit_test(test_modes_need_the_nodes_own_network_namespace),
        cmocka_unit_test(test_dns_and_hosts_become_files_of_the_mount_plan),
        cmocka_unit_test(test_veth_is_planned_for_root_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
