/* SPDX-License-Identifier: Apache-2.0 */
/* The cache of compiled seccomp filters (seccomp_cache.c): one file per
 * filter, named by the digest of everything that went into it, in a folder
 * only the caller can write. docs/security.md, "The seccomp cache", says
 * what it trusts and why. */
#ifndef REDPAK_SECCOMP_CACHE_H
#define REDPAK_SECCOMP_CACHE_H

#include <stdbool.h>

#include "seccomp_filter.h"
#include "sha256.h"

/* The folder: root's (euid 0) /run/redpak/seccomp, a rootless caller's
 * $XDG_RUNTIME_DIR/redpak. */
#define RP_SECCOMP_CACHE_ROOT_DIR "/run/redpak/seccomp"

struct rp_seccomp_cache {
    int dirfd; /* -1: no cache for this run (none, or not safe to use) */
    int verbose;
};

/* Opens (and makes, 0700) the caller's folder from its environment.
 * Nothing in it fails a run: without a usable folder, dirfd is -1 and
 * every filter is compiled. */
void rp_seccomp_cache_open(struct rp_seccomp_cache *c, char *const *environ_, int verbose);
/* The same for a given folder (the tests'): used only if owned by the
 * effective uid with no permission for group or others. */
void rp_seccomp_cache_open_dir(struct rp_seccomp_cache *c, const char *dir, int verbose);
void rp_seccomp_cache_close(struct rp_seccomp_cache *c);

/* true: prog holds the filter stored under key, after every check passed
 * (a regular file owned by the effective uid, mode 0600, its size that of
 * its header and program, the key and the program's SHA-256 in the header
 * matching). false on anything else, prog untouched. */
bool rp_seccomp_cache_load(const struct rp_seccomp_cache *c, const uint8_t key[RP_SHA256_LEN],
                           struct rp_seccomp_prog *prog);
/* Stores prog under key: written to a temporary file, then renamed, so a
 * reader sees the whole file or none. Failures are silent (-v logs them). */
void rp_seccomp_cache_store(const struct rp_seccomp_cache *c, const uint8_t key[RP_SHA256_LEN],
                            const struct rp_seccomp_prog *prog);
/* The file name of key ("<64 hex digits>.bpf"), for the tests. */
void rp_seccomp_cache_name(const uint8_t key[RP_SHA256_LEN], char name[70]);

#endif
