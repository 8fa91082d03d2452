/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: a squashfs or erofs file, or oci:PATH[:TAG]; what it
 * excludes, and where its errors point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "parse_helpers.h"

static void test_root_image_file_is_a_host_path(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "root:\n  image: /srv/rootfs.squashfs\n");
    assert_string_equal(n->root.image, "/srv/rootfs.squashfs");
    assert_null(n->root.image_tag);
    assert_null(n->root.source);
    assert_int_equal(n->root.image_pos.line, 4);
    assert_int_equal(n->root.image_pos.column, 10);
    rp_node_free(n);
}

static void test_root_image_oci_splits_layout_and_tag(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "root: {image: \"oci:/srv/images/busybox:1.36\"}\n");
    assert_string_equal(n->root.image, "/srv/images/busybox");
    assert_string_equal(n->root.image_tag, "1.36");
    rp_node_free(n);
}

static void test_root_image_oci_tag_defaults_to_latest(void **state)
{
    (void)state;
    /* A ':' followed by a '/' is part of the path, not a tag. */
    struct rp_node *n = parse_ok(HEAD "root: {image: \"oci:/srv/a:b/layout\"}\n");
    assert_string_equal(n->root.image, "/srv/a:b/layout");
    assert_string_equal(n->root.image_tag, "latest");
    rp_node_free(n);
}

static void test_root_image_excludes_source_size_and_mode(void **state)
{
    (void)state;
    expect_error(HEAD "root: {image: /x.erofs, source: /srv}\n", 3, 15, "root.image",
                 "image and source are two roots: give one");
    expect_error(HEAD "root: {image: /x.erofs, size: 1M}\n", 3, 31, "root.size",
                 "size has no meaning with root.image");
    expect_error(HEAD "root: {image: /x.erofs, mode: \"0700\"}\n", 3, 31, "root.mode",
                 "mode has no meaning with root.image");
}

static void test_root_image_paths_must_be_absolute(void **state)
{
    (void)state;
    expect_error(HEAD "root: {image: x.squashfs}\n", 3, 15, "root.image", "absolute host path");
    expect_error(HEAD "root: {image: \"oci:layouts/x\"}\n", 3, 15, "root.image",
                 "an OCI image is oci:PATH[:TAG] with an absolute PATH");
    expect_error(HEAD "root: {image: \"oci:/srv/x:\"}\n", 3, 15, "root.image",
                 "and a non-empty TAG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_image_file_is_a_host_path),
        cmocka_unit_test(test_root_image_oci_splits_layout_and_tag),
        cmocka_unit_test(test_root_image_oci_tag_defaults_to_latest),
        cmocka_unit_test(test_root_image_excludes_source_size_and_mode),
        cmocka_unit_test(test_root_image_paths_must_be_absolute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
