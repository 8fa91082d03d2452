/* SPDX-License-Identifier: Apache-2.0 */
/* Step 1's filters through the cache (seccomp_cached.c): each is read from
 * the cache when a file for exactly its inputs is there, else compiled and
 * stored. The program is the same either way, byte for byte. */
#ifndef REDPAK_SECCOMP_CACHED_H
#define REDPAK_SECCOMP_CACHED_H

#include <stdint.h>

#include "seccomp_cache.h"
#include "seccomp_filter.h"

/* What kind of filter a key is for (the same rules give other programs). */
enum rp_seccomp_kind { RP_SCK_NODE, RP_SCK_TERMINAL, RP_SCK_REPORT };

/* The digest of every input of a filter: the kind, the default action, the
 * rules in order, the native architecture, libseccomp's version and API
 * level, and the build ids of libseccomp and of redpak's own code. false
 * when a build id cannot be found (then nothing is cached). */
bool rp_seccomp_cache_key(enum rp_seccomp_kind kind, uint32_t default_action,
                          const struct rp_seccomp_rule *rules, size_t n,
                          uint8_t key[RP_SHA256_LEN]);

/* rp_seccomp_compile, rp_seccomp_compile_terminal and
 * rp_seccomp_report_compile, through the cache c. */
int rp_seccomp_compile_cached(const struct rp_seccomp_cache *c, const struct rp_seccomp_plan *plan,
                              struct rp_seccomp_prog *prog, struct rp_error *err);
int rp_seccomp_compile_terminal_cached(const struct rp_seccomp_cache *c,
                                       const struct rp_seccomp_plan *plan,
                                       struct rp_seccomp_prog *prog, struct rp_error *err);
/* The report filter's hand-over rule names a socket and an address of this
 * run's (seccomp_learn.c): the cached program has stand-ins for both, and
 * the real values are written over them. */
int rp_seccomp_report_compile_cached(const struct rp_seccomp_cache *c,
                                     const struct rp_seccomp_plan *plan, int sock,
                                     struct rp_seccomp_prog *prog, struct rp_error *err);
/* The same with an explicit address for the hand-over message (the tests'). */
int rp_seccomp_report_compile_cached_at(const struct rp_seccomp_cache *c,
                                        const struct rp_seccomp_plan *plan, uint64_t sock,
                                        uint64_t addr, struct rp_seccomp_prog *prog,
                                        struct rp_error *err);

#endif
