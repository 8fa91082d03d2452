/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the fifteen cgroup items (docs/architecture.md, "Cgroup
 * items in the kernel's syntax"): each value is checked by the item's
 * grammar and comes out in the kernel's syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grammar.h"

static char why[RP_WHY_MAX];

static enum rp_cgroup_item_kind item(const char *name)
{
    enum rp_cgroup_item_kind k;
    assert_true(rp_cgroup_item_lookup(name, &k));
    return k;
}

static void norm(const char *name, const char *value, const char *want)
{
    char *out = NULL;
    why[0] = '\0';
    if (!rp_cgroup_item_normalize(item(name), value, &out, why, sizeof(why)))
        fail_msg("%s: \"%s\" refused: %s", name, value, why);
    assert_string_equal(out, want);
    free(out);
}

static void bad(const char *name, const char *value, const char *reason)
{
    char *out = (char *)"untouched";
    why[0] = '\0';
    if (rp_cgroup_item_normalize(item(name), value, &out, why, sizeof(why)))
        fail_msg("%s: \"%s\" accepted as \"%s\"", name, value, out);
    assert_null(out);
    if (!strstr(why, reason))
        fail_msg("%s: \"%s\": reason \"%s\" lacks \"%s\"", name, value, why, reason);
}

static void test_the_fifteen_item_names_and_no_other(void **state)
{
    const char *names[] = {
        "cpuset.cpus",     "cpuset.mems",      "cpuset.cpus.partition",
        "cpu.weight",      "cpu.max",          "io.max",
        "io.weight",       "memory.min",       "memory.low",
        "memory.high",     "memory.max",       "memory.swap.high",
        "memory.swap.max", "memory.oom.group", "pids.max",
    };
    bool seen[RP_CG_ITEM_COUNT] = {0};
    for (size_t i = 0; i < 15; i++) {
        enum rp_cgroup_item_kind k = item(names[i]);
        assert_true(k < RP_CG_ITEM_COUNT);
        assert_false(seen[k]);
        seen[k] = true;
    }
    enum rp_cgroup_item_kind k;
    const char *others[] = {
        "memory.current", "cpu.stat", "cgroup.procs",           "Memory.max",      "memory.max ",
        "memory",         "",         "cgroup.subtree_control", "cpu.weight.nice", "io.latency"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(rp_cgroup_item_lookup(others[i], &k));
}

static void test_cpuset_lists_become_canonical(void **state)
{
    norm("cpuset.cpus", "0-3,5", "0-3,5");
    norm("cpuset.cpus", "0-1", "0-1");
    norm("cpuset.cpus", "3", "3");
    norm("cpuset.cpus", "5,0-3", "0-3,5");
    norm("cpuset.cpus", "1,2,3", "1-3");
    norm("cpuset.cpus", "0-2,1-4", "0-4");
    norm("cpuset.cpus", "2-2", "2");
    norm("cpuset.cpus", "4095", "4095");
    norm("cpuset.cpus", "0,4095", "0,4095");
    norm("cpuset.cpus", "0-4095", "0-4095");
    norm("cpuset.mems", "0", "0");
    norm("cpuset.mems", "007", "7");
}

static void test_cpuset_lists_reject_backwards_and_large(void **state)
{
    bad("cpuset.cpus", "3-1", "backwards");
    bad("cpuset.cpus", "4096", "expected a list like \"0-3,5\"");
    bad("cpuset.cpus", "0-4096", "expected a list");
    bad("cpuset.cpus", "", "expected a list");
    bad("cpuset.cpus", "0,", "expected a list");
    bad("cpuset.cpus", ",0", "expected a list");
    bad("cpuset.cpus", "0,,1", "expected a list");
    bad("cpuset.cpus", "0-", "expected a list");
    bad("cpuset.cpus", "-1", "expected a list");
    bad("cpuset.cpus", "1-2-3", "expected a list");
    bad("cpuset.cpus", "0 - 3", "expected a list");
    bad("cpuset.cpus", "0, 1", "expected a list");
    bad("cpuset.cpus", "all", "expected a list");
    bad("cpuset.mems", "a", "got \"a\"");
}

static void test_cpuset_partition_is_one_of_three_words(void **state)
{
    norm("cpuset.cpus.partition", "member", "member");
    norm("cpuset.cpus.partition", "root", "root");
    norm("cpuset.cpus.partition", "isolated", "isolated");
    bad("cpuset.cpus.partition", "Root", "expected member, root or isolated");
    bad("cpuset.cpus.partition", "", "expected member, root or isolated");
    bad("cpuset.cpus.partition", "1", "expected member, root or isolated");
}

static void test_weights_are_1_to_10000(void **state)
{
    norm("cpu.weight", "1", "1");
    norm("cpu.weight", "100", "100");
    norm("cpu.weight", "10000", "10000");
    norm("io.weight", "1", "1");
    norm("io.weight", "10000", "10000");
    bad("cpu.weight", "0", "from 1 to 10000");
    bad("io.weight", "0100", "from 1 to 10000");
    bad("cpu.weight", "10001", "from 1 to 10000");
    bad("io.weight", "0", "from 1 to 10000");
    bad("io.weight", "10001", "from 1 to 10000");
    bad("cpu.weight", "max", "from 1 to 10000");
    bad("cpu.weight", "-5", "from 1 to 10000");
    bad("cpu.weight", "", "from 1 to 10000");
    bad("io.weight", "default 100", "from 1 to 10000");
    bad("cpu.weight", "99999999999999999999999", "from 1 to 10000");
}

static void test_cpu_max_forms(void **state)
{
    norm("cpu.max", "max", "max");
    norm("cpu.max", "50000", "50000");
    norm("cpu.max", "max 100000", "max 100000");
    norm("cpu.max", "50000 100000", "50000 100000");
    norm("cpu.max", "1000 1000", "1000 1000");
    norm("cpu.max", "2000000 1000000", "2000000 1000000");
    norm("cpu.max", "17592186044415 1000000", "17592186044415 1000000");
}

static void test_cpu_max_rejects_out_of_range(void **state)
{
    const char *msg = "expected \"QUOTA PERIOD\" in microseconds (QUOTA >= 1000 or max, "
                      "PERIOD 1000..1000000), got";
    bad("cpu.max", "5 100", msg);
    bad("cpu.max", "5 100", "got \"5 100\"");
    bad("cpu.max", "999", msg);
    bad("cpu.max", "50000 999", msg);
    bad("cpu.max", "50000 1000001", msg);
    bad("cpu.max", "17592186044416", msg);
    bad("cpu.max", "", msg);
    bad("cpu.max", "max max", msg);
    bad("cpu.max", "50000  100000", msg);
    bad("cpu.max", "50000 100000 1", msg);
    bad("cpu.max", " 50000", msg);
    bad("cpu.max", "50000 ", msg);
    bad("cpu.max", "MAX", msg);
    bad("cpu.max", "01000", msg);
    bad("cpu.max", "max 0100000", msg);
    bad("cpu.max", "50%", msg);
}

static void test_io_max_keeps_the_device_and_orders_the_keys(void **state)
{
    norm("io.max", "/dev/vda rbps=1048576 wiops=120", "/dev/vda rbps=1048576 wiops=120");
    norm("io.max", "8:0 wiops=120 rbps=1M", "8:0 rbps=1048576 wiops=120");
    norm("io.max", "8:16 wbps=max", "8:16 wbps=max");
    norm("io.max", "259:0 riops=1 wiops=4294967295 rbps=1 wbps=2G",
         "259:0 rbps=1 wbps=2147483648 riops=1 wiops=4294967295");
    norm("io.max", "/dev/disk/by-id/nvme-x riops=max", "/dev/disk/by-id/nvme-x riops=max");
    norm("io.max", "//dev//sda/ rbps=4K", "/dev/sda rbps=4096");
    norm("io.max", "4095:1048575 rbps=1", "4095:1048575 rbps=1");
    norm("io.max", "8:0  rbps=1   wbps=2", "8:0 rbps=1 wbps=2");
}

static void test_io_max_rejects_bad_devices_keys_and_values(void **state)
{
    const char *msg = "expected \"DEVICE key=value...\"";
    bad("io.max", "/dev/vda", msg);
    bad("io.max", "", "expected a device");
    bad("io.max", "vda rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "/sys/block/vda rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "/dev/../etc/passwd rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "/dev rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "8: rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "4096:0 rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "8:1048576 rbps=1", "expected a device (a /dev path or MAJ:MIN) first");
    bad("io.max", "8:0 rbps=1 rbps=2", msg);
    bad("io.max", "8:0 bps=1", msg);
    bad("io.max", "8:0 rbps", msg);
    bad("io.max", "8:0 rbps=1 ", msg);
    bad("io.max", " 8:0 rbps=1", "expected a device");
    bad("io.max", "8:0 rbps=0", "rbps must be a size of at least 1 byte or max");
    bad("io.max", "8:0 wbps=1X", "wbps must be a size");
    bad("io.max", "8:0 riops=0", "riops must be an integer from 1 to 4294967295 or max");
    bad("io.max", "8:0 wiops=4294967296", "wiops must be an integer");
    bad("io.max", "8:0 riops=1K", "riops must be an integer");
    bad("io.max", "8:0 rbps=", "rbps must be");
    bad("io.max", "8:0 rbps=17179869184G", "rbps must be");
}

static void test_memory_items_are_sizes_or_max(void **state)
{
    const char *items[] = {"memory.min", "memory.low",       "memory.high",
                           "memory.max", "memory.swap.high", "memory.swap.max"};
    for (size_t i = 0; i < 6; i++) {
        norm(items[i], "0", "0");
        norm(items[i], "16M", "16777216");
        norm(items[i], "256m", "268435456");
        norm(items[i], "1G", "1073741824");
        norm(items[i], "4096", "4096");
        norm(items[i], "64k", "65536");
        norm(items[i], "max", "max");
        bad(items[i], "17179869184G", "larger than");
        bad(items[i], "-1", "expected a size");
        bad(items[i], "1.5G", "expected a size");
        bad(items[i], "MAX", "expected a size");
        bad(items[i], "", "expected a size");
        bad(items[i], "infinity", "or \"max\"");
    }
}

static void test_memory_oom_group_is_0_or_1(void **state)
{
    norm("memory.oom.group", "0", "0");
    norm("memory.oom.group", "1", "1");
    bad("memory.oom.group", "2", "expected 0 or 1");
    bad("memory.oom.group", "true", "expected 0 or 1");
    bad("memory.oom.group", "01", "expected 0 or 1");
    bad("memory.oom.group", "", "expected 0 or 1");
}

static void test_pids_max_is_positive_or_max(void **state)
{
    norm("pids.max", "128", "128");
    norm("pids.max", "1", "1");
    norm("pids.max", "max", "max");
    norm("pids.max", "4194304", "4194304");
    bad("pids.max", "0", "from 1 to 4194304 or max");
    bad("pids.max", "4194305", "from 1 to 4194304 or max");
    bad("pids.max", "-1", "from 1 to 4194304 or max");
    bad("pids.max", "1K", "from 1 to 4194304 or max");
    bad("pids.max", "0128", "from 1 to 4194304 or max");
    bad("pids.max", "", "from 1 to 4194304 or max");
}

static void test_reasons_quote_hostile_values_on_one_line(void **state)
{
    bad("pids.max", "1\n\033[2J", "got \"1\\x0a\\x1b[2J\"");
    char long_value[300];
    memset(long_value, '9', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    bad("cpu.weight", long_value, "...\"");
    assert_true(strlen(why) < RP_WHY_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_fifteen_item_names_and_no_other),
        cmocka_unit_test(test_cpuset_lists_become_canonical),
        cmocka_unit_test(test_cpuset_lists_reject_backwards_and_large),
        cmocka_unit_test(test_cpuset_partition_is_one_of_three_words),
        cmocka_unit_test(test_weights_are_1_to_10000),
        cmocka_unit_test(test_cpu_max_forms),
        cmocka_unit_test(test_cpu_max_rejects_out_of_range),
        cmocka_unit_test(test_io_max_keeps_the_device_and_orders_the_keys),
        cmocka_unit_test(test_io_max_rejects_bad_devices_keys_and_values),
        cmocka_unit_test(test_memory_items_are_sizes_or_max),
        cmocka_unit_test(test_memory_oom_group_is_0_or_1),
        cmocka_unit_test(test_pids_max_is_positive_or_max),
        cmocka_unit_test(test_reasons_quote_hostile_values_on_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
