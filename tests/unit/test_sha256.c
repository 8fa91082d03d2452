/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 (apply/sha256.c) against FIPS 180-4's examples, fed whole and
 * in pieces that cross block boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void hex(const uint8_t d[RP_SHA256_LEN], char out[65])
{
    for (int i = 0; i < RP_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check(const char *msg, size_t len, const char *want)
{
    uint8_t d[RP_SHA256_LEN];
    char h[65];
    rp_sha256(msg, len, d);
    hex(d, h);
    assert_string_equal(h, want);
    /* Fed 1, 2, 3... bytes at a time. */
    struct rp_sha256 s;
    rp_sha256_init(&s);
    for (size_t off = 0, step = 1; off < len; off += step, step++)
        rp_sha256_update(&s, msg + off, step < len - off ? step : len - off);
    rp_sha256_final(&s, d);
    hex(d, h);
    assert_string_equal(h, want);
}

static void test_fips_180_examples(void **state)
{
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_a_million_a(void **state)
{
    static char a[1000000];
    memset(a, 'a', sizeof(a));
    check(a, sizeof(a), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_180_examples),
        cmocka_unit_test(test_a_million_a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
