/* SPDX-License-Identifier: Apache-2.0 */
/* The namespace plan (clone flags, joins, per-namespace settings), the host
 * plan's sysctls and the cgroup plan. */
#include "plan_fixture.h"

#include <dirent.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void test_every_new_namespace_is_a_clone_flag(void **state)
{
    struct planned r = plan_ok("", 0);
    assert_int_equal(r.plan->ns.clone_flags,
                     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
                         CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_NEWNS);
    assert_true(r.plan->ns.loopback_up);
    planned_free(&r);
}

static void test_joined_and_host_namespaces_are_not_cloned(void **state)
{
    struct planned r = plan_ok("namespaces: {net: /proc/1/ns/net, ipc: host}\n", 0);
    assert_int_equal(r.plan->ns.clone_flags & (CLONE_NEWNET | CLONE_NEWIPC), 0);
    assert_int_equal(r.plan->ns.ns[RP_NS_NET].mode, RP_NS_JOIN);
    assert_string_equal(r.plan->ns.ns[RP_NS_NET].path, "/proc/1/ns/net");
    assert_int_equal(r.plan->ns.ns[RP_NS_IPC].mode, RP_NS_HOST);
    /* lo is brought up only in a network namespace of the node's own. */
    assert_false(r.plan->ns.loopback_up);
    planned_free(&r);
}

static void test_namespaced_sysctls_become_proc_sys_paths(void **state)
{
    struct planned r = plan_ok("hostname: redis\ndomainname: local\n"
                               "sysctl: {net.core.somaxconn: \"1024\", kernel.shmmax: 4096}\n"
                               "time_offsets: {monotonic: 10, boottime: -5}\n",
                               0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_string_equal(ns->hostname, "redis");
    assert_string_equal(ns->domainname, "local");
    assert_int_equal(ns->n_sysctl, 2);
    assert_string_equal(ns->sysctl[0].key, "/proc/sys/net/core/somaxconn");
    assert_string_equal(ns->sysctl[0].value, "1024");
    assert_string_equal(ns->sysctl[1].key, "/proc/sys/kernel/shmmax");
    assert_string_equal(ns->sysctl[1].value, "4096");
    assert_true(ns->set_time_offsets);
    assert_int_equal(ns->time_monotonic, 10);
    assert_int_equal(ns->time_boottime, -5);
    planned_free(&r);
}

static void test_host_sysctls_are_host_steps_before_created_sources(void **state)
{
    struct planned r = plan_ok("host: {sysctl: {vm.overcommit_memory: 1}}\n"
                               "mounts: [{type: bind, path: /data, source: /srv/d, create: true,"
                               " readonly: false}]\n",
                               0);
    assert_int_equal(r.plan->n_host, 2);
    assert_int_equal(r.plan->host[0].op, RP_HOST_SYSCTL);
    assert_string_equal(r.plan->host[0].path, "/proc/sys/vm/overcommit_memory");
    assert_string_equal(r.plan->host[0].value, "1");
    assert_int_equal(r.plan->host[1].op, RP_HOST_MKDIR);
    assert_false(r.plan->host[1].has_owner);
    planned_free(&r);
}

static void test_host_sysctl_of_a_rootless_caller_is_a_plan_error_at_the_value(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r, "host:\n  sysctl: {vm.overcommit_memory: 1}\n", 1000);
    assert_string_equal(d->key_path, "host.sysctl.vm.overcommit_memory");
    assert_int_equal(d->line, 4);
    assert_int_equal(d->column, 34);
    assert_non_null(strstr(d->message, "needs redwrap run as root (the caller is uid 1000)"));
    planned_free(&r);
}

static void test_no_cgroup_section_still_plans_an_unrequired_cgroup(void **state)
{
    struct planned r = plan_ok("", 0);
    assert_false(r.plan->cgroup.section_present);
    assert_false(r.plan->cgroup.required);
    assert_null(r.plan->cgroup.parent);
    assert_string_equal(r.plan->cgroup.name, "t");
    assert_int_equal(r.plan->cgroup.n_writes, 0);
    assert_int_equal(r.plan->cgroup.controllers, 0);
    planned_free(&r);
}

static void test_cgroup_writes_follow_the_kernels_order_not_the_files(void **state)
{
    struct planned r = plan_ok("cgroup:\n"
                               "  parent: /sys/fs/cgroup/redpak\n"
                               "  items:\n"
                               "    pids.max: 128\n"
                               "    memory.max: 256M\n"
                               "    cpuset.cpus.partition: member\n"
                               "    memory.high: 200M\n"
                               "    cpuset.cpus: \"0\"\n"
                               "    memory.low: 16M\n",
                               0);
    const struct rp_cgroup_plan *cg = &r.plan->cgroup;
    static const char *const want[] = {"cpuset.cpus", "cpuset.cpus.partition",
                                       "memory.low",  "memory.high",
                                       "memory.max",  "pids.max"};
    assert_true(cg->required);
    assert_string_equal(cg->parent, "/sys/fs/cgroup/redpak");
    assert_int_equal(cg->n_writes, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(cg->writes[i].file, want[i]);
    assert_string_equal(cg->writes[4].value, "268435456");
    assert_int_equal(cg->controllers, RP_CTRL_CPUSET | RP_CTRL_MEMORY | RP_CTRL_PIDS);
    planned_free(&r);
}

/* The first block device of this machine, whatever it is called. */
static bool some_block_device(char *path, size_t len, dev_t *rdev)
{
    DIR *d = opendir("/dev");
    struct dirent *e;
    struct stat st;
    bool found = false;
    while (d && !found && (e = readdir(d))) {
        snprintf(path, len, "/dev/%s", e->d_name);
        found = stat(path, &st) == 0 && S_ISBLK(st.st_mode);
    }
    if (d)
        closedir(d);
    if (found)
        *rdev = st.st_rdev;
    return found;
}

static void test_io_max_device_path_becomes_major_minor(void **state)
{
    char dev[300], body[512], want[64];
    dev_t rdev;
    if (!some_block_device(dev, sizeof(dev), &rdev))
        skip();
    snprintf(body, sizeof(body), "cgroup: {items: {io.max: \"%s rbps=1M\"}}\n", dev);
    struct planned r = plan_ok(body, 0);
    snprintf(want, sizeof(want), "%u:%u rbps=1048576", major(rdev), minor(rdev));
    assert_int_equal(r.plan->cgroup.n_writes, 1);
    assert_string_equal(r.plan->cgroup.writes[0].value, want);
    assert_int_equal(r.plan->cgroup.controllers, RP_CTRL_IO);
    planned_free(&r);
}

static void test_io_max_missing_device_is_plan_error_with_position(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "cgroup:\n"
                                         "  items:\n"
                                         "    io.max: \"/dev/redpak-none wbps=1M\"\n",
                                         0);
    assert_string_equal(d->key_path, "cgroup.items.io.max");
    assert_int_equal(d->line, 5);
    assert_int_equal(d->column, 13);
    assert_non_null(strstr(d->message, "/dev/redpak-none: no such device on this host"));
    planned_free(&r);
}

static void test_io_max_major_minor_is_kept_as_written(void **state)
{
    struct planned r = plan_ok("cgroup: {items: {io.max: \"8:0 riops=100\"}}\n", 0);
    assert_string_equal(r.plan->cgroup.writes[0].value, "8:0 riops=100");
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_new_namespace_is_a_clone_flag),
        cmocka_unit_test(test_joined_and_host_namespaces_are_not_cloned),
        cmocka_unit_test(test_namespaced_sysctls_become_proc_sys_paths),
        cmocka_unit_test(test_host_sysctls_are_host_steps_before_created_sources),
        cmocka_unit_test(test_no_cgroup_section_still_plans_an_unrequired_cgroup),
        cmocka_unit_test(test_cgroup_writes_follow_the_kernels_order_not_the_files),
        cmocka_unit_test(test_io_max_device_path_becomes_major_minor),
        cmocka_unit_test(test_io_max_missing_device_is_plan_error_with_position),
        cmocka_unit_test(test_host_sysctl_of_a_rootless_caller_is_a_plan_error_at_the_value),
        cmocka_unit_test(test_io_max_major_minor_is_kept_as_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
