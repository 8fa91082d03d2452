/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML layer of the node parser: the core schema's types, the limits
 * that keep a hostile file cheap, and the document-level rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "parse_helpers.h"
#include "yaml_tree.h"

static const struct yt_node *value_of(const struct yt_doc *doc, const char *key)
{
    const struct yt_pair *p = yt_map_find(doc->root, key);
    assert_non_null(p);
    return p->value;
}

static void test_scalars_follow_the_yaml_1_2_core_schema(void **state)
{
    (void)state;
    const char *yaml = "a: yes\nb: true\nc: False\nd: ~\ne:\nf: 0o17\ng: 0x1F\nh: -12\n"
                       "i: 1.5e3\nj: \"42\"\nk: off\nl: 0755\nm: .inf\nn: 'null'\n";
    struct yt_doc doc;
    struct rp_diags diags = {0};
    assert_int_equal(yt_parse("f.yaml", yaml, strlen(yaml), &doc, &diags), 0);
    assert_int_equal(value_of(&doc, "a")->type, YT_STR); /* yes is a string in 1.2 */
    assert_int_equal(value_of(&doc, "b")->type, YT_BOOL);
    assert_true(value_of(&doc, "b")->boolean);
    assert_int_equal(value_of(&doc, "c")->type, YT_BOOL);
    assert_false(value_of(&doc, "c")->boolean);
    assert_int_equal(value_of(&doc, "d")->type, YT_NULL);
    assert_int_equal(value_of(&doc, "e")->type, YT_NULL);
    assert_int_equal(value_of(&doc, "f")->type, YT_INT);
    assert_int_equal(value_of(&doc, "f")->magnitude, 15);
    assert_int_equal(value_of(&doc, "g")->magnitude, 31);
    assert_true(value_of(&doc, "h")->negative);
    assert_int_equal(value_of(&doc, "h")->magnitude, 12);
    assert_int_equal(value_of(&doc, "i")->type, YT_FLOAT);
    assert_int_equal(value_of(&doc, "j")->type, YT_STR); /* quoted: always a string */
    assert_int_equal(value_of(&doc, "k")->type, YT_STR);
    assert_int_equal(value_of(&doc, "l")->magnitude, 755); /* decimal, not octal */
    assert_int_equal(value_of(&doc, "m")->type, YT_FLOAT);
    assert_int_equal(value_of(&doc, "n")->type, YT_STR);
    assert_int_equal(value_of(&doc, "a")->line, 1);
    assert_int_equal(value_of(&doc, "a")->column, 4);
    yt_free(&doc);
    rp_diags_free(&diags);
}

static void test_duplicate_key_names_both_positions(void **state)
{
    (void)state;
    expect_error(HEAD "root:\n  size: 1M\n  size: 2M\n", 5, 3, "root.size",
                 "duplicate key 'size' (first written at line 4, column 3)");
}

static void test_every_duplicate_is_reported(void **state)
{
    (void)state;
    assert_int_equal(count_errors(HEAD "hostname: a\nhostname: b\ndomainname: c\n"
                                       "domainname: d\n"),
                     2);
}

static void test_a_duplicate_is_reported_once_and_its_value_ignored(void **state)
{
    (void)state;
    /* The repeat's value (0) is invalid too, but only the duplicate counts. */
    assert_int_equal(count_errors(HEAD "cgroup:\n  items:\n    pids.max: 5\n    pids.max: 0\n"), 1);
    expect_error(HEAD "sysctl:\n  net.a.b: 1\n  net.a.b: 1\n  net.a.b: 1\n", 6, 3, "sysctl.net.a.b",
                 "(first written at line 4, column 3)");
}

static void test_many_duplicates_cost_n_log_n(void **state)
{
    (void)state;
    /* 40000 repeats of one key: comparing each with all before it took 5 s
     * on the development machine; sorting takes milliseconds (the bound
     * leaves room for sanitizers and qemu-user in cross builds). The
     * process's CPU time, not the wall clock: other work on a loaded
     * machine does not count. */
    size_t n = 40000;
    const char *line = "    a.b: 1\n";
    char *yaml = malloc(64 + n * strlen(line));
    char *p = yaml + sprintf(yaml, HEAD "host:\n  sysctl:\n");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", line);
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    assert_int_equal(count_errors(yaml), n - 1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(s < 3.0);
    free(yaml);
}

static void test_nul_byte_is_an_error_with_its_position(void **state)
{
    (void)state;
    static const char yaml[] = "version: 1\nnode: te\0st\n";
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    assert_true(rp_node_parse_buffer(TEST_FILE, yaml, sizeof(yaml) - 1, NULL, &node, &diags) < 0);
    expect_diag_in(&diags, TEST_FILE, 2, 9, "", "NUL byte");
    rp_diags_free(&diags);
}

static void test_invalid_utf8_is_an_error_with_its_position(void **state)
{
    (void)state;
    /* "é" counts as one column; 0xff is never valid UTF-8. */
    expect_error("version: 1\nnode: test\ndescription: \xc3\xa9t\xc3\xa9 \xff\n", 3, 18, "",
                 "invalid UTF-8 (byte 0xff)");
    expect_error(HEAD "description: \xc0\xaf\n", 3, 14, "", "invalid UTF-8");     /* overlong */
    expect_error(HEAD "description: \xed\xa0\x80\n", 3, 14, "", "invalid UTF-8"); /* surrogate */
}

static void test_control_characters_are_reported_by_position(void **state)
{
    (void)state;
    expect_error(HEAD "description: a\x1b"
                      "b\n",
                 3, 15, "", "invalid YAML");
}

static void test_empty_document_is_an_error(void **state)
{
    (void)state;
    expect_error("", 1, 1, "", "empty document");
    expect_error("# only a comment\n", 1, 1, "", "empty document");
    expect_error("# comment\n---\n", 2, 1, "", "empty document");
}

static void test_top_level_must_be_a_mapping(void **state)
{
    (void)state;
    expect_error("- version: 1\n", 1, 1, "", "must be a mapping");
    expect_error("just text\n", 1, 1, "", "must be a mapping");
}

static void test_a_second_document_is_an_error(void **state)
{
    (void)state;
    expect_error(HEAD "---\n" HEAD, 3, 1, "", "one YAML document");
}

static void test_syntax_errors_carry_libyaml_position(void **state)
{
    (void)state;
    expect_error(HEAD "root: {size: 1M\n", 4, 1, "", "invalid YAML");
    expect_error(HEAD "root:\n  size: 1M\n bad: x\n", 5, 2, "", "invalid YAML");
}

static void test_crlf_line_ends_keep_positions(void **state)
{
    (void)state;
    expect_error("version: 1\r\nnode: test\r\nhostname: 5\r\n", 3, 11, "hostname",
                 "expected a string, found an int");
}

static void test_tab_indentation_is_a_positioned_syntax_error(void **state)
{
    (void)state;
    expect_error(HEAD "root:\n\tsize: 1M\n", 4, 1, "", "invalid YAML");
}

static void test_file_larger_than_1_mib_is_refused(void **state)
{
    (void)state;
    size_t len = RP_NODE_MAX_BYTES + 10;
    char *yaml = malloc(len + 1);
    memset(yaml, ' ', len);
    memcpy(yaml, "version: 1\n#", 12);
    yaml[len] = '\0';
    expect_error(yaml, 1, 1, "", "at most 1048576 bytes");
    free(yaml);
}

static void test_nesting_deeper_than_32_is_refused(void **state)
{
    (void)state;
    char yaml[256] = HEAD "description: ";
    for (int i = 0; i < 33; i++)
        strcat(yaml, "[");
    for (int i = 0; i < 33; i++)
        strcat(yaml, "]");
    strcat(yaml, "\n");
    /* The top mapping is level 1: the 32nd '[' opens level 33. */
    expect_error(yaml, 3, 14 + 31,
                 "description[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                 "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
                 "nesting deeper than 32");
}

static void test_billion_laughs_is_bounded(void **state)
{
    (void)state;
    /* Ten levels of ten aliases each would be 10^10 nodes expanded. */
    char yaml[4096] = HEAD "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; i++) {
        char line[128];
        snprintf(line, sizeof(line),
                 "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                 "*a%d, *a%d]\n",
                 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(yaml, line);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    assert_true(parse_with_sets(yaml, NULL, 0, &node, &diags) < 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* a3 weighs 11111 nodes; with the 12350 written before, the 8th alias
     * inside a4 (column 10 + 7 * 5) crosses 100000, and nothing more is read. */
    expect_diag_in(&diags, TEST_FILE, 7, 45, "a4[7]",
                   "more than 100000 YAML nodes once aliases are expanded");
    assert_int_equal(diags.n, 1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_true(ms < 200.0);
    rp_diags_free(&diags);
}

static void test_alias_shares_its_anchor_and_counts_its_size(void **state)
{
    (void)state;
    const char *yaml = "a: &x [1, 2, 3]\nb: *x\n";
    struct yt_doc doc;
    struct rp_diags diags = {0};
    assert_int_equal(yt_parse("f.yaml", yaml, strlen(yaml), &doc, &diags), 0);
    assert_ptr_equal(value_of(&doc, "a"), value_of(&doc, "b"));
    assert_int_equal(value_of(&doc, "a")->refs, 2);
    /* top map + 2 keys + list of 3 + the alias's 4 */
    assert_int_equal(doc.expanded, 1 + 2 + 4 + 4);
    yt_free(&doc);
    rp_diags_free(&diags);
}

static void test_alias_values_are_validated_like_written_ones(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "hostname: &h box\ndomainname: *h\n");
    assert_string_equal(n->domainname, "box");
    rp_node_free(n);
    expect_error(HEAD "description: *nowhere\n", 3, 14, "description",
                 "alias *nowhere refers to no anchor");
}

static void test_non_scalar_keys_are_refused(void **state)
{
    (void)state;
    expect_error(HEAD "? [a, b]\n: c\n", 3, 3, "", "a mapping key must be a scalar");
}

static void test_tags_other_than_str_are_refused(void **state)
{
    (void)state;
    expect_error(HEAD "description: !!binary aGVsbG8=\n", 3, 14, "description",
                 "YAML tags are not used");
    struct rp_node *n = parse_ok(HEAD "description: !!str 42\n");
    assert_string_equal(n->description, "42");
    rp_node_free(n);
}

static void test_messages_cannot_carry_control_characters(void **state)
{
    (void)state;
    expect_error(HEAD "\"a\\e[2Jb\": 1\n", 3, 1, "a?[2Jb", "unknown key 'a?[2Jb'");
}

static void test_parse_file_reads_and_names_the_file(void **state)
{
    (void)state;
    char path[] = "/tmp/redpak-parse-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *yaml = HEAD "hostname: 7\n";
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    assert_true(rp_node_parse_file(path, NULL, &node, &diags) < 0);
    expect_diag_in(&diags, path, 3, 11, "hostname", "expected a string, found an int");
    rp_diags_free(&diags);
    unlink(path);

    assert_true(rp_node_parse_file("/nonexistent/node.yaml", NULL, &node, &diags) < 0);
    expect_diag_in(&diags, "/nonexistent/node.yaml", 1, 1, "", "No such file");
    rp_diags_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_follow_the_yaml_1_2_core_schema),
        cmocka_unit_test(test_duplicate_key_names_both_positions),
        cmocka_unit_test(test_every_duplicate_is_reported),
        cmocka_unit_test(test_a_duplicate_is_reported_once_and_its_value_ignored),
        cmocka_unit_test(test_many_duplicates_cost_n_log_n),
        cmocka_unit_test(test_nul_byte_is_an_error_with_its_position),
        cmocka_unit_test(test_invalid_utf8_is_an_error_with_its_position),
        cmocka_unit_test(test_control_characters_are_reported_by_position),
        cmocka_unit_test(test_empty_document_is_an_error),
        cmocka_unit_test(test_top_level_must_be_a_mapping),
        cmocka_unit_test(test_a_second_document_is_an_error),
        cmocka_unit_test(test_syntax_errors_carry_libyaml_position),
        cmocka_unit_test(test_crlf_line_ends_keep_positions),
        cmocka_unit_test(test_tab_indentation_is_a_positioned_syntax_error),
        cmocka_unit_test(test_file_larger_than_1_mib_is_refused),
        cmocka_unit_test(test_nesting_deeper_than_32_is_refused),
        cmocka_unit_test(test_billion_laughs_is_bounded),
        cmocka_unit_test(test_alias_shares_its_anchor_and_counts_its_size),
        cmocka_unit_test(test_alias_values_are_validated_like_written_ones),
        cmocka_unit_test(test_non_scalar_keys_are_refused),
        cmocka_unit_test(test_tags_other_than_str_are_refused),
        cmocka_unit_test(test_messages_cannot_carry_control_characters),
        cmocka_unit_test(test_parse_file_reads_and_names_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
