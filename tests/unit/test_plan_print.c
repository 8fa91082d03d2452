/* SPDX-License-Identifier: Apache-2.0 */
/* rp_plan_print: numbered steps under the thirteen headings of the fixed
 * order, and the same steps as valid JSON. */
#include "plan_fixture.h"

#include <strings.h>
#include <unistd.h>

#include "seccomp_profile.h"
#include "step.h"

static const char redis_body[] =
    "hostname: redis\n"
    "sysctl: {net.core.somaxconn: \"1024\"}\n"
    "mounts:\n"
    "  - {type: bind, path: /usr, source: /usr}\n"
    "  - {type: bind, path: /data, source: /srv/redis, readonly: false, create: true,"
    " owner: \"999:999\"}\n"
    "  - {type: proc, path: /proc}\n"
    "  - {type: dev, path: /dev}\n"
    "  - {type: symlink, path: /lib, target: usr/lib}\n"
    "  - type: file\n"
    "    path: /etc/redis/redis.conf\n"
    "    content: \"port 0\\n# a \\\"quoted\\\" word, a back\\\\slash\\tand a tab\\n\"\n"
    "tmpfs: [{path: /tmp, size: 64M}]\n"
    "cgroup: {items: {memory.max: 256M, pids.max: 128, cpu.weight: 100}}\n"
    "capabilities: {keep: [net_bind_service]}\n"
    "seccomp:\n"
    "  syscalls:\n"
    "    - {names: [ptrace, process_vm_readv], action: errno, errno: EPERM}\n"
    "process:\n"
    "  command: [redis-server, /etc/redis/redis.conf]\n"
    "  user: 999\n"
    "  group: 999\n"
    "  env: {set: {HOME: /data}, pass: [TERM]}\n"
    "  rlimits: {nofile: 10032}\n";

static char *print_plan(const struct rp_plan *plan, enum rp_plan_format format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(rp_plan_print(plan, format, f), 0);
    fclose(f);
    return buf;
}

static bool has_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, line, len) && (p[len] == '\n' || p[len] == '\0'))
            return true;
    return false;
}

/* The headings are core/step.h's steps, numbered by the enum: the printer
 * names none itself. */
static void test_plan_text_lists_steps_in_fixed_order(void **state)
{
    struct planned r = plan_ok(redis_body, 0);
    char *text = print_plan(r.plan, RP_PLAN_TEXT);
    unsigned section = 0, step = 0;
    char *save = NULL, *copy = strdup(text);

    /* Every line after the title is a heading "N name" with N one more
     * than the last, or a step "N.M ..." of the current heading with M one
     * more than the last. */
    for (char *line = strtok_r(copy, "\n", &save); (line = strtok_r(NULL, "\n", &save));) {
        unsigned n, m;
        int used = 0;
        if (sscanf(line, "%u.%u %n", &n, &m, &used) == 2 && used > 0) {
            assert_int_equal(n, section);
            assert_int_equal(m, ++step);
            continue;
        }
        assert_int_equal(sscanf(line, "%u %n", &n, &used), 1);
        assert_int_equal(n, ++section);
        assert_string_equal(line + used, rp_step_name((enum rp_step)n));
        step = 0;
    }
    assert_int_equal(section, RP_STEP_COUNT);
    free(copy);
    free(text);
    planned_free(&r);
}

static void test_plan_json_sections_are_the_steps_in_order(void **state)
{
    struct planned r = plan_ok(redis_body, 0);
    char *json = print_plan(r.plan, RP_PLAN_JSON), want[128];
    const char *at = json;
    size_t sections = 0;

    for (const char *p = json; (p = strstr(p, "{\"number\": ")); p++)
        sections++;
    assert_int_equal(sections, RP_STEP_COUNT);
    for (enum rp_step s = RP_STEP_PLAN; s <= RP_STEP_COUNT; s++) {
        snprintf(want, sizeof(want), "\n  {\"number\": %u, \"name\": \"%s\", \"steps\": [",
                 (unsigned)s, rp_step_name(s));
        at = strstr(at, want);
        assert_non_null(at);
    }
    free(json);
    planned_free(&r);
}

/* docs/apply-order.md explains the steps under "## N. Name ..." headings
 * that start with the name the plan prints. */
static void test_apply_order_headings_start_with_the_step_names(void **state)
{
    FILE *f = fopen(REDPAK_SOURCE_DIR "/docs/apply-order.md", "r");
    char line[512];
    unsigned next = RP_STEP_PLAN;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned n;
        int used = 0;
        if (sscanf(line, "## %u. %n", &n, &used) != 1 || used == 0)
            continue;
        assert_int_equal(n, next);
        const char *name = rp_step_name((enum rp_step)n);
        if (strncasecmp(line + used, name, strlen(name)) != 0)
            fail_msg("docs/apply-order.md: heading %u is \"%.*s\", not \"%s ...\"", n,
                     (int)strcspn(line + used, "\n"), line + used, name);
        next++;
    }
    fclose(f);
    assert_int_equal(next, RP_STEP_COUNT + 1);
}

static void test_plan_text_says_what_each_step_does(void **state)
{
    struct planned r = plan_ok(redis_body, 0);
    char *text = print_plan(r.plan, RP_PLAN_TEXT);
    assert_true(has_line(text,
                         "2.1 mkdir /srv/redis on the host if missing "
                         "(mode 0700, owner 999:999 on the host)"));
    assert_true(has_line(text, "3.3 write cpu.weight = 100"));
    assert_true(has_line(text, "3.4 write memory.max = 268435456"));
    assert_true(has_line(text, "3.5 write pids.max = 128"));
    assert_true(has_line(text,
                         "5.1 write gid_map 0 BASE 65536, BASE: a private range of host ids "
                         "picked at start (>= 524288, none of the host's users, no other "
                         "node's)"));
    assert_true(has_line(text,
                         "5.3 the first process becomes uid 0 and gid 0 of its namespace, "
                         "with no supplementary group"));
    assert_true(has_line(text, "6.1 set hostname redis"));
    assert_true(has_line(text, "6.3 sysctl /proc/sys/net/core/somaxconn = 1024"));
    assert_true(has_line(text,
                         "7.2 mount tmpfs as the new root (size 8M, mode 0755) "
                         "[nosuid,nodev]"));
    assert_true(has_line(text,
                         "7.3 bind /usr -> /usr (read-only, recursive, idmapped: host id N "
                         "shows as id N inside) [nosuid,nodev]"));
    assert_true(has_line(text, "7.9 mount tmpfs on /tmp (size 64M, mode 1777) [nosuid,nodev]"));
    assert_true(has_line(text,
                         "7.6 mount a minimal /dev on /dev (null zero full random urandom tty, "
                         "pts, ptmx, shm of 64M, fd links) [nosuid,noexec]"));
    assert_true(has_line(text, "7.10 pivot_root into the new root, detach the old root"));
    assert_true(has_line(text,
                         "7.12 remount /usr read-only, recursively (the node's own "
                         "mounts below keep their setting)"));
    assert_true(has_line(text, "9.2 setgid 999"));
    assert_true(has_line(text, "9.3 setuid 999"));
    assert_true(has_line(text, "10.1 bounding set: keep net_bind_service"));
    assert_non_null(strstr(text, ": ptrace process_vm_readv\n"));
    assert_true(has_line(text, "13.1 execve redis-server /etc/redis/redis.conf"));
    free(text);
    planned_free(&r);
}

/* Runs python3 on the JSON: json.load must accept it, and the "text" of
 * every step, prefixed with its id, must be the text form's line. */
static void test_plan_json_is_valid(void **state)
{
    if (system("python3 -c '' 2>/dev/null") != 0)
        skip();
    struct planned r = plan_ok(redis_body, 0);
    char *json = print_plan(r.plan, RP_PLAN_JSON);
    char *text = print_plan(r.plan, RP_PLAN_TEXT);
    char dir[] = "/tmp/redpak-plan-json-XXXXXX", jpath[128], tpath[128], cmd[2048];
    assert_non_null(mkdtemp(dir));
    snprintf(jpath, sizeof(jpath), "%s/plan.json", dir);
    snprintf(tpath, sizeof(tpath), "%s/plan.txt", dir);
    FILE *f = fopen(jpath, "w");
    fputs(json, f);
    fclose(f);
    f = fopen(tpath, "w");
    fputs(text, f);
    fclose(f);

    snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s > /dev/null", jpath);
    assert_int_equal(system(cmd), 0);
    snprintf(
        cmd, sizeof(cmd),
        "python3 -c 'import json,sys\n"
        "p = json.load(open(sys.argv[1]))\n"
        "steps = [s[\"id\"] + \" \" + s[\"text\"] for x in p[\"sections\"] for s in x[\"steps\"]]\n"
        "lines = [l for l in open(sys.argv[2]).read().splitlines()[1:] if \".\" in l.split(\" "
        "\")[0]]\n"
        "assert p[\"node\"] == \"t\" and [x[\"number\"] for x in p[\"sections\"]] == list(range(1, "
        "14))\n"
        "assert steps == lines, (steps, lines)\n"
        "f = [s for x in p[\"sections\"] for s in x[\"steps\"] if s[\"op\"] == \"file\"][0]\n"
        "assert f[\"content\"].startswith(\"port 0\\n# a \\\"quoted\\\"\"), f\n"
        "' %s %s",
        jpath, tpath);
    assert_int_equal(system(cmd), 0);

    unlink(jpath);
    unlink(tpath);
    rmdir(dir);
    free(json);
    free(text);
    planned_free(&r);
}

static void test_empty_sections_still_say_there_is_nothing_to_do(void **state)
{
    struct planned r = plan_ok("", 1000);
    char *text = print_plan(r.plan, RP_PLAN_TEXT);
    assert_true(has_line(text, "2.1 nothing to do: the node changes nothing outside itself"));
    assert_true(has_line(text,
                         "5.1 rootless gid_map: one id, the caller's own: /etc/subgid "
                         "gives app no range (as root: usermod --add-subuids "
                         "100000-165535 --add-subgids 100000-165535 app, with a range "
                         "no other user has)"));
    assert_true(has_line(text, "5.2 write deny to setgroups (an unprivileged gid_map needs it)"));
    assert_true(has_line(text, "5.3 write gid_map 0 1000 1"));
    assert_true(has_line(text,
                         "12.1 no seccomp section: no filter; the first process starts a "
                         "new session (setsid): no controlling terminal, so TIOCSTI "
                         "cannot type into the caller's terminal"));
    assert_true(has_line(text, "13.1 execve the command given after --"));
    free(text);
    planned_free(&r);
}

static void test_a_long_rule_is_printed_whole(void **state)
{
    size_t n_base;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n_base);
    const struct rp_seccomp_rule *longest = &base[0];
    for (size_t i = 1; i < n_base; i++)
        if (base[i].names.n > longest->names.n)
            longest = &base[i];
    struct planned r = plan_ok("seccomp: {}\n", 0);
    char *text = print_plan(r.plan, RP_PLAN_TEXT), want[128];
    snprintf(want, sizeof(want), " %s\n", longest->names.v[longest->names.n - 1]);
    assert_true(longest->names.n > 100);
    assert_non_null(strstr(text, want));
    free(text);
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_text_lists_steps_in_fixed_order),
        cmocka_unit_test(test_plan_json_sections_are_the_steps_in_order),
        cmocka_unit_test(test_apply_order_headings_start_with_the_step_names),
        cmocka_unit_test(test_plan_text_says_what_each_step_does),
        cmocka_unit_test(test_plan_json_is_valid),
        cmocka_unit_test(test_empty_sections_still_say_there_is_nothing_to_do),
        cmocka_unit_test(test_a_long_rule_is_printed_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
