/* SPDX-License-Identifier: Apache-2.0 */
/* A rootless caller's subordinate ids: /etc/subuid and /etc/subgid read as
 * shadow's newuidmap reads them (plan/subid.c), and the maps the planner
 * makes of them (plan/plan_subid.c). The fixture root
 * tests/unit/fixtures/subid-root gives app (uid 1000) 100000-165535,
 * other (1001) 300000-365535, and uid 1002, by number, 400000-400199 in two
 * touching lines. */
#include "plan_fixture.h"

#include <stdint.h>
#include <unistd.h>

#include "subid.h"

#define SUBID_ROOT UNIT_FIXTURES "/subid-root"
#define SUBID_TOOLS UNIT_FIXTURES "/subid-tools"

static bool parse(const char *line, const char *name, uint32_t id, struct rp_subid_range *r)
{
    *r = (struct rp_subid_range){0, 0};
    return rp_subid_parse_line(line, name, id, r);
}

static void test_line_of_the_callers_name_gives_its_range(void **state)
{
    struct rp_subid_range r;
    assert_true(parse("app:100000:65536\n", "app", 1000, &r));
    assert_int_equal(r.start, 100000);
    assert_int_equal(r.count, 65536);
    assert_false(parse("other:100000:65536\n", "app", 1000, &r));
    assert_false(parse("apple:100000:65536", "app", 1000, &r));
}

static void test_line_of_the_callers_uid_in_decimal_counts_too(void **state)
{
    struct rp_subid_range r;
    assert_true(parse("1000:200000:10", "app", 1000, &r));
    assert_int_equal(r.start, 200000);
    assert_int_equal(r.count, 10);
    /* Without a name (no passwd entry) the number alone matches. */
    assert_true(parse("1000:200000:10", NULL, 1000, &r));
    assert_false(parse("1001:200000:10", "app", 1000, &r));
    assert_false(parse("01000x:200000:10", "app", 1000, &r));
}

static void test_malformed_lines_are_skipped(void **state)
{
    struct rp_subid_range r;
    static const char *bad[] = {
        "",
        "\n",
        "# app:100000:65536",
        "app",
        "app:100000",
        "app:100000:",
        "app::65536",
        ":100000:65536",
        "app:100000:65536:1",
        "app:x:65536",
        "app:100000:6553six",
        "app:-1:10",
        "app: 100000:10",
        "app:100000:0",
        "app:4294967290:10",     /* would reach (uid_t)-1 */
        "app:99999999999:1",     /* more than 32 bits */
        "app:100000:4294967296", /* the same for the count */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], "app", 1000, &r))
            fail_msg("accepted '%s'", bad[i]);
    }
    assert_true(parse("app:4294967285:10", "app", 1000, &r));
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/redpak-subid-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_file_gives_every_range_of_the_caller_in_file_order(void **state)
{
    char longline[2100];
    memset(longline, 'a', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    char *text = NULL;
    /* A line longer than the reader's buffer ends in "app:1:1": its tail
     * must not be read as a line of its own. */
    assert_true(asprintf(&text,
                         "app:300000:100\n"
                         "other:100000:65536\n"
                         "broken\n"
                         "%s:app:1:1\n"
                         "1000:200000:65536\n"
                         "app:500000:5",
                         longline) > 0);
    char *path = write_temp(text);
    struct rp_subids s;
    assert_int_equal(rp_subid_read(path, "app", 1000, &s), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].start, 300000);
    assert_int_equal(s.v[1].start, 200000);
    assert_int_equal(s.v[1].count, 65536);
    assert_int_equal(s.v[2].start, 500000);
    assert_int_equal(s.v[2].count, 5);
    unlink(path);
    free(path);
    free(text);
}

static void test_missing_file_has_no_range(void **state)
{
    struct rp_subids s = {.n = 7};
    assert_int_equal(rp_subid_read("/nonexistent/etc/subuid", "app", 1000, &s), 0);
    assert_int_equal(s.n, 0);
}

static void test_ranges_that_touch_cover_a_map_across_them(void **state)
{
    struct rp_subids s = {.v = {{400100, 100}, {400000, 100}, {500000, 10}}, .n = 3};
    assert_true(rp_subid_covers(&s, 400000, 200));
    assert_true(rp_subid_covers(&s, 400150, 10));
    assert_false(rp_subid_covers(&s, 400000, 201));
    assert_false(rp_subid_covers(&s, 399999, 2));
    assert_false(rp_subid_covers(&s, 400150, 0));
    assert_true(rp_subid_covers(&s, 500000, 10));
}

/* The planner, with the fixture's files and stand-in helpers. */
static struct planned plan_subid(const char *body, uid_t uid, const char *name, const char *tools)
{
    struct rp_plan_opts opts = {
        .caller_uid = uid,
        .caller_gid = uid,
        .passwd_root = FIXTURE_ROOT,
        .subid_root = SUBID_ROOT,
        .idmap_tools = tools,
        .caller_name = name,
    };
    struct planned r = plan_with(body, &opts);
    rp_diags_print(&r.diags, "plan_subid", stderr);
    return r;
}

/* The plan refused body with exactly one problem, printed as want. */
static void expect_one_error(const char *body, uid_t uid, const char *tools, const char *want)
{
    struct planned r = plan_subid(body, uid, NULL, tools);
    assert_true(r.plan_rc < 0);
    assert_int_equal(r.diags.n, 1);
    char *text = diag_text(&r.diags.v[0]);
    assert_string_equal(text, want);
    free(text);
    planned_free(&r);
}

static void assert_map(const struct rp_id_map *m, uint32_t inside, uint32_t outside, uint32_t count)
{
    assert_int_equal(m->inside, inside);
    assert_int_equal(m->outside, outside);
    assert_int_equal(m->count, count);
}

static void test_rootless_caller_with_ranges_maps_itself_to_0_and_subordinates_above(void **state)
{
    struct planned r =
        plan_subid("process: {user: redis, group: redis}\n", 1000, NULL, SUBID_TOOLS);
    assert_int_equal(r.plan_rc, 0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->n_uid_map, 2);
    assert_map(&ns->uid_map[0], 0, 1000, 1);
    assert_map(&ns->uid_map[1], 1, 100000, 65535);
    assert_int_equal(ns->n_gid_map, 2);
    assert_map(&ns->gid_map[1], 1, 100000, 65535);
    assert_string_equal(ns->newuidmap, SUBID_TOOLS "/newuidmap");
    assert_string_equal(ns->newgidmap, SUBID_TOOLS "/newgidmap");
    /* newgidmap leaves setgroups allowed for a map within /etc/subgid. */
    assert_false(ns->deny_setgroups);
    assert_false(ns->private_uid_range);
    assert_false(ns->idmap_binds);
    /* redis is uid 999 of the fixture's passwd: mapped, as host 100998. */
    assert_int_equal(r.plan->process.uid, 999);
    assert_non_null(strstr(ns->uid_maps_why, "1-65535 the subordinate ids /etc/subuid gives it"));
    planned_free(&r);
}

static void test_numeric_lines_and_several_ranges_fill_the_map_in_order(void **state)
{
    struct planned r = plan_subid("", 1002, NULL, SUBID_TOOLS);
    assert_int_equal(r.plan_rc, 0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->n_uid_map, 3);
    assert_map(&ns->uid_map[0], 0, 1002, 1);
    assert_map(&ns->uid_map[1], 1, 400000, 100);
    assert_map(&ns->uid_map[2], 101, 400100, 100);
    planned_free(&r);
}

static void test_without_the_helpers_a_rootless_caller_gets_its_own_id_and_the_way_to_more(
    void **state)
{
    struct planned r = plan_subid("", 1000, NULL, UNIT_FIXTURES "/passwd-root");
    assert_int_equal(r.plan_rc, 0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->n_uid_map, 1);
    assert_map(&ns->uid_map[0], 0, 1000, 1);
    assert_null(ns->newuidmap);
    assert_true(ns->deny_setgroups);
    assert_string_equal(ns->uid_maps_why,
                        "one id, the caller's own: /etc/subuid has ranges for it but newuidmap "
                        "is not installed in /usr/bin or PATH (Debian: apt install uidmap)");
    planned_free(&r);
}

static void test_created_folder_owner_is_set_inside_the_node_as_a_subordinate_host_id(void **state)
{
    struct planned r = plan_subid("mounts:\n"
                                  "  - {type: bind, path: /data, source: /srv/d, readonly: false,\n"
                                  "     create: true, owner: \"redis:redis\"}\n"
                                  "  - {type: bind, path: /own, source: /srv/o, readonly: false,\n"
                                  "     create: true, owner: \"0:0\"}\n",
                                  1000, NULL, SUBID_TOOLS);
    assert_int_equal(r.plan_rc, 0);
    const struct rp_host_step *h = &r.plan->host[0];
    assert_true(h->has_owner && h->owner_in_node);
    assert_int_equal(h->uid, 100000 + 998); /* redis 999, gid 998 */
    assert_int_equal(h->gid, 100000 + 997);
    assert_int_equal(h->node_uid, 999);
    assert_int_equal(h->node_gid, 998);
    /* 0:0 inside is the caller itself: its own folder, nothing to change. */
    assert_true(r.plan->host[1].has_owner);
    assert_false(r.plan->host[1].owner_in_node);
    assert_int_equal(r.plan->host[1].uid, 1000);
    planned_free(&r);
}

static void test_written_map_within_the_ranges_is_the_helpers_to_write(void **state)
{
    struct planned r = plan_subid("user_namespace:\n"
                                  "  uid_map: [{inside: 0, outside: 1002, count: 1},\n"
                                  "            {inside: 1, outside: 400050, count: 150}]\n",
                                  1002, NULL, SUBID_TOOLS);
    assert_int_equal(r.plan_rc, 0);
    assert_string_equal(r.plan->ns.newuidmap, SUBID_TOOLS "/newuidmap");
    assert_null(r.plan->ns.uid_maps_why);
    /* The default gid map, for its part, takes the subordinate gids. */
    assert_string_equal(r.plan->ns.newgidmap, SUBID_TOOLS "/newgidmap");
    planned_free(&r);
}

static void test_written_map_outside_the_ranges_is_an_error_naming_etc_subuid(void **state)
{
    expect_one_error("user_namespace:\n"
                     "  uid_map:\n"
                     "    - {inside: 0, outside: 1000, count: 1}\n"
                     "    - {inside: 1, outside: 300000, count: 10}\n",
                     1000, SUBID_TOOLS,
                     "t.yaml:6:7: user_namespace.uid_map[1]: host uids 300000-300009 are not "
                     "the caller's: an unprivileged caller (app) maps its own uid 1000 once "
                     "and the subordinate ids /etc/subuid gives it (100000-165535)");
}

static void test_written_subordinate_map_without_the_helper_is_an_error(void **state)
{
    expect_one_error("user_namespace:\n"
                     "  gid_map: [{inside: 0, outside: 100000, count: 10}]\n",
                     1000, UNIT_FIXTURES "/passwd-root",
                     "t.yaml:4:13: user_namespace.gid_map: subordinate ids are mapped by "
                     "newgidmap, which is not installed in /usr/bin or PATH (Debian: apt "
                     "install uidmap)");
}

static void test_plan_names_the_helper_and_its_arguments(void **state)
{
    struct planned r = plan_subid("", 1000, "app", SUBID_TOOLS);
    assert_int_equal(r.plan_rc, 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(rp_plan_print(r.plan, RP_PLAN_TEXT, f), 0);
    fclose(f);
    assert_non_null(strstr(buf,
                           "5.1 rootless gid_map: 0 is the caller's gid 1000, 1-65535 the "
                           "subordinate ids /etc/subgid gives it, written by " SUBID_TOOLS
                           "/newgidmap\n"));
    assert_non_null(strstr(buf,
                           "5.2 run " SUBID_TOOLS "/newgidmap PID 0 1000 1 1 100000 65535 "
                           "(the caller's subordinate ids)\n"));
    assert_null(strstr(buf, "write deny to setgroups"));
    free(buf);
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_of_the_callers_name_gives_its_range),
        cmocka_unit_test(test_line_of_the_callers_uid_in_decimal_counts_too),
        cmocka_unit_test(test_malformed_lines_are_skipped),
        cmocka_unit_test(test_file_gives_every_range_of_the_caller_in_file_order),
        cmocka_unit_test(test_missing_file_has_no_range),
        cmocka_unit_test(test_ranges_that_touch_cover_a_map_across_them),
        cmocka_unit_test(test_rootless_caller_with_ranges_maps_itself_to_0_and_subordinates_above),
        cmocka_unit_test(test_numeric_lines_and_several_ranges_fill_the_map_in_order),
        cmocka_unit_test(
            test_without_the_helpers_a_rootless_caller_gets_its_own_id_and_the_way_to_more),
        cmocka_unit_test(test_created_folder_owner_is_set_inside_the_node_as_a_subordinate_host_id),
        cmocka_unit_test(test_written_map_within_the_ranges_is_the_helpers_to_write),
        cmocka_unit_test(test_written_map_outside_the_ranges_is_an_error_naming_etc_subuid),
        cmocka_unit_test(test_written_subordinate_map_without_the_helper_is_an_error),
        cmocka_unit_test(test_plan_names_the_helper_and_its_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
