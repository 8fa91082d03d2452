/* SPDX-License-Identifier: Apache-2.0 */
/* packages: the node's repositories and install list (docs/packages.md),
 * the lock file's place, and what `rednode-config plan --json` hands DNF's
 * rednode plugin. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>
#include <cmocka.h>

#include "node_lock.h"
#include "parse_helpers.h"
#include "plan_fixture.h"

#define ROOT "root: {source: \"${NODE_DIR}/root\"}\n"

static void test_packages_take_repos_and_an_install_list(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(
        HEAD ROOT "packages:\n"
                  "  repos:\n"
                  "    - {name: local, baseurl: \"file://${NODE_DIR}/repo\", gpgcheck: false}\n"
                  "    - {name: base, baseurl: \"https://r.invalid/$$releasever\", gpgkey: "
                  "\"file:///k.asc\"}\n"
                  "  install: [hello-node, \"python3-*\"]\n"
                  "  releasever: \"12\"\n");
    const struct rp_packages *p = &n->packages;
    assert_true(p->present);
    assert_int_equal(p->n_repos, 2);
    assert_string_equal(p->repos[0].name, "local");
    assert_string_equal(p->repos[0].baseurl, "file:///srv/nodes/repo");
    assert_false(p->repos[0].gpgcheck);
    assert_null(p->repos[0].gpgkey);
    assert_true(p->repos[1].gpgcheck);
    assert_string_equal(p->repos[1].baseurl, "https://r.invalid/$releasever");
    assert_int_equal(p->install.n, 2);
    assert_string_equal(p->install.v[1], "python3-*");
    assert_false(p->host_repos);
    assert_string_equal(p->releasever, "12");
    rp_node_free(n);
}

static void test_without_packages_nothing_is_present(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD ROOT);
    assert_false(n->packages.present);
    rp_node_free(n);
}

static void test_packages_need_the_nodes_own_root(void **state)
{
    (void)state;
    expect_error(HEAD "packages: {install: [a]}\n", 3, 11, "packages", "needs root.source");
    expect_error(HEAD "root: {source: /}\npackages: {install: [a]}\n", 4, 11, "packages",
                 "cannot manage the host's '/'");
}

static void test_an_unsigned_repository_is_said_so(void **state)
{
    (void)state;
    expect_error(HEAD ROOT "packages:\n  repos: [{name: a, baseurl: \"file:///r\"}]\n", 5, 11,
                 "packages.repos[0].gpgcheck", "gpgcheck is true (the default) but no gpgkey");
    expect_error(HEAD ROOT "packages:\n  repos: [{name: a, baseurl: \"file:///r\", gpgcheck: "
                           "true}]\n",
                 5, 53, "packages.repos[0].gpgcheck", "gpgcheck is true but no gpgkey");
}

static void test_repos_are_checked(void **state)
{
    (void)state;
    expect_error(HEAD ROOT "packages:\n  repos: [{name: \"a b\", baseurl: \"file:///r\", gpgcheck: "
                           "false}]\n",
                 5, 18, "packages.repos[0].name", "1 to 64 letters");
    expect_error(HEAD ROOT "packages:\n  repos: [{name: a, baseurl: \"ftp://r\", gpgcheck: "
                           "false}]\n",
                 5, 30, "packages.repos[0].baseurl", "file:///, http:// or https://");
    expect_error(HEAD ROOT "packages:\n  repos: [{name: a, gpgcheck: false}]\n", 5, 11,
                 "packages.repos[0].baseurl", "required key 'baseurl' is missing");
    expect_error(HEAD ROOT "packages:\n  repos:\n"
                           "    - {name: a, baseurl: \"file:///r\", gpgcheck: false}\n"
                           "    - {name: a, baseurl: \"file:///s\", gpgcheck: false}\n",
                 7, 7, "packages.repos[1]", "already named by repos[0]");
}

static void test_an_install_entry_is_never_an_option_or_a_path(void **state)
{
    (void)state;
    expect_error(HEAD ROOT "packages:\n  install: [\"--nogpgcheck\"]\n", 5, 13,
                 "packages.install[0]", "not starting with '-'");
    expect_error(HEAD ROOT "packages:\n  install: [ok, /tmp/evil.rpm]\n", 5, 17,
                 "packages.install[1]", "no paths, URLs or options");
    expect_error(HEAD ROOT "packages:\n  instal: [a]\n", 5, 3, "packages.instal",
                 "did you mean 'install'?");
}

static void test_the_lock_sits_next_to_the_root_folder(void **state)
{
    (void)state;
    char *p = rp_node_lock_path("/srv/nodes/web/root");
    assert_string_equal(p, "/srv/nodes/web/.root.lock");
    free(p);
    assert_null(rp_node_lock_path("/"));
}

static void test_the_lock_is_shared_by_starts_and_exclusive_for_a_transaction(void **state)
{
    (void)state;
    char dir[] = "/tmp/redpak-lock.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char root[64];
    snprintf(root, sizeof(root), "%s/root", dir);
    int a = rp_node_lock_take(root, false);
    int b = rp_node_lock_take(root, false);
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(rp_node_lock_take(root, true), -EWOULDBLOCK);
    close(a);
    close(b);
    int x = rp_node_lock_take(root, true);
    assert_true(x >= 0);
    assert_int_equal(rp_node_lock_take(root, false), -EWOULDBLOCK);
    close(x);
    char *path = rp_node_lock_path(root);
    unlink(path);
    free(path);
    rmdir(dir);
}

static void test_plan_json_hands_the_plugin_the_packages(void **state)
{
    (void)state;
    struct planned r = plan_ok("root: {source: /srv/n/root}\npackages:\n"
                               "  repos: [{name: l, baseurl: \"file:///r\", gpgcheck: false}]\n"
                               "  install: [hello-node]\n",
                               0);
    assert_non_null(r.plan->packages);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(rp_plan_print(r.plan, RP_PLAN_JSON, f), 0);
    fclose(f);
    assert_non_null(strstr(buf,
                           "\"packages\": {\"root\": \"/srv/n/root\", \"lock\": "
                           "\"/srv/n/.root.lock\", \"host_repos\": false, \"releasever\": "
                           "null, \"repos\": [{\"name\": \"l\", \"baseurl\": \"file:///r\", "
                           "\"gpgcheck\": false, \"gpgkey\": null}], \"install\": "
                           "[\"hello-node\"]}"));
    free(buf);
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages_take_repos_and_an_install_list),
        cmocka_unit_test(test_without_packages_nothing_is_present),
        cmocka_unit_test(test_packages_need_the_nodes_own_root),
        cmocka_unit_test(test_an_unsigned_repository_is_said_so),
        cmocka_unit_test(test_repos_are_checked),
        cmocka_unit_test(test_an_install_entry_is_never_an_option_or_a_path),
        cmocka_unit_test(test_the_lock_sits_next_to_the_root_folder),
        cmocka_unit_test(test_the_lock_is_shared_by_starts_and_exclusive_for_a_transaction),
        cmocka_unit_test(test_plan_json_hands_the_plugin_the_packages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
