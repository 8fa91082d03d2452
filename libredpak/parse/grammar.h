/* SPDX-License-Identifier: Apache-2.0 */
/* Value grammars of the node format: sizes, modes, owners, paths, names.
 * Shared by the parser and the --set overrides so both accept exactly the
 * same language. Each check returns true on success; on failure it writes a
 * short reason ("expected an octal string like \"0755\"") into why. */
#ifndef REDPAK_GRAMMAR_H
#define REDPAK_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "redpak/node.h"

#define RP_WHY_MAX 256

/* "4096", "64K", "8M", "1G" (powers of 1024). With allow_max, "max" gives
 * UINT64_MAX. Overflow is an error. */
bool rp_grammar_size(const char *s, bool allow_max, uint64_t *out, char *why, size_t whylen);
/* An octal string "0755", "1777": 0 to 07777, 1 to 4 octal digits after an
 * optional leading 0 (^0?[0-7]{1,4}$). */
bool rp_grammar_mode(const char *s, mode_t *out, char *why, size_t whylen);
/* An absolute path inside the node: starts with '/', no "..", no NUL;
 * "//" and "/./" are folded and a trailing '/' dropped. *out is malloc'd.
 * "/" itself is accepted (process.cwd); the parser refuses it as a mount
 * or tmpfs path. */
bool rp_grammar_node_path(const char *s, char **out, char *why, size_t whylen);
/* A host path (bind source, root.source, cgroup.parent): absolute, no "..". */
bool rp_grammar_host_path(const char *s, char **out, char *why, size_t whylen);
/* [a-z0-9][a-z0-9_.-]{0,62} */
bool rp_grammar_node_name(const char *s, char *why, size_t whylen);
/* A hostname or domainname: 1-64 bytes of [A-Za-z0-9.-]
 * (docs/node-format.md, "hostname, domainname, time_offsets, sysctl"). */
bool rp_grammar_hostname(const char *s, char *why, size_t whylen);
/* A user or group: a decimal id (0 to 2^32-2) or a name [a-z_][a-z0-9_-]*$?
 * of up to 32 bytes. A name is malloc'd into out->name; out->pos is left
 * for the caller. */
bool rp_grammar_id_ref(const char *s, struct rp_id_ref *out, char *why, size_t whylen);
/* "UID:GID", each side an id or a name. The positions are left for the caller. */
bool rp_grammar_owner(const char *s, struct rp_owner *out, char *why, size_t whylen);

/* Maps a cgroup file name to its item; false for anything else. */
bool rp_cgroup_item_lookup(const char *name, enum rp_cgroup_item_kind *out);
/* Validates a value against the item's own grammar and returns it in the
 * kernel's syntax (malloc'd): sizes become bytes, weights are range-checked,
 * cpu.max is "QUOTA|max [PERIOD]", cpuset lists are "0-3,5", io.max is
 * "DEVICE key=value..." with rbps/wbps/riops/wiops. */
bool rp_cgroup_item_normalize(enum rp_cgroup_item_kind kind, const char *value, char **out,
                              char *why, size_t whylen);

/* The closest candidate to word within edit distance 2, for "did you mean";
 * NULL when none is close. */
const char *rp_closest(const char *word, const char *const *candidates, size_t n);

#endif
