/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 (FIPS 180-4), for the seccomp cache's keys and checksums
 * (seccomp_cache.c): a key must not collide even for inputs chosen by
 * whoever wrote a node file, which a non-cryptographic hash cannot promise. */
#ifndef REDPAK_SHA256_H
#define REDPAK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RP_SHA256_LEN 32

struct rp_sha256 {
    uint32_t h[8];
    uint64_t bytes;  /* fed so far */
    uint8_t buf[64]; /* a partial block */
};

void rp_sha256_init(struct rp_sha256 *s);
void rp_sha256_update(struct rp_sha256 *s, const void *data, size_t len);
void rp_sha256_final(struct rp_sha256 *s, uint8_t out[RP_SHA256_LEN]);
/* The digest of one buffer. */
void rp_sha256(const void *data, size_t len, uint8_t out[RP_SHA256_LEN]);

#endif
