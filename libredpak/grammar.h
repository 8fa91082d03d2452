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
/* A hostname or domainname: 1-64 bytes of [A-Za-z0-9.-] (decision 9). */
bool rp_grammar_hostname(const char *s, char *why, size_t whylen);
/* A user or group: a decimal id (0 to 2^32-2) or a name [a-z_][a-z0-9_-]*$?
 * of up to 32 bytes. A name is malloc'd into out->name; out->pos is left
 * for the caller. */
bool rp_grammar_id_ref(const char *s, struct rp_id_ref *out, char *why, size_t whylen);
/* "UID:GID", each side an id or a name. The positions are left for the caller. */
bool rp_grammar_owner(const char *s, struct rp_owner *out, char *why, size_t whylen);

/* Capability number for "net_bind_service", "CAP_NET_BIND_SERVICE", ...
 * (libcap's table, any case, with or without "cap_"); -1 when unknown. */
int rp_cap_lookup(const char *name);
/* Every capability this libcap knows, as a mask. */
uint64_t rp_cap_all_mask(void);
/* The canonical lower-case name without "cap_", e.g. "net_bind_service". */
const char *rp_cap_name(int cap);
/* The errno value of "EPERM" (upper case, as errno(3) spells it; or a
 * decimal number 1-4094); -1 when unknown. */
int rp_errno_lookup(const char *name);
/* "EPERM" for EPERM; NULL for a number without a name. */
const char *rp_errno_name(int errnum);
/* The native syscall number of name (libseccomp); negative when unknown. */
int rp_syscall_lookup(const char *name);
/* RLIMIT_* for "nofile", "core", ...; -1 when unknown. */
int rp_rlimit_lookup(const char *name);
const char *rp_rlimit_name(int resource);
/* Whether a sysctl belongs to a namespace a node can have (net.* -> net;
 * the IPC kernel.* keys of decision 9 and fs.mqueue.* -> ipc); dotted form
 * "net.core.somaxconn". */
bool rp_sysctl_is_namespaced(const char *key, enum rp_ns_kind *ns);

/* Maps a cgroup file name to its item; false for anything else. */
bool rp_cgroup_item_lookup(const char *name, enum rp_cgroup_item_kind *out);
/* Validates a value against the item's own grammar and returns it in the
 * kernel's syntax (malloc'd): sizes become bytes, weights are range-checked,
 * cpu.max is "QUOTA|max [PERIOD]", cpuset lists are "0-3,5", io.max is
 * "DEVICE key=value..." with rbps/wbps/riops/wiops. */
bool rp_cgroup_item_normalize(enum rp_cgroup_item_kind kind, const char *value,
                              char **out, char *why, size_t whylen);

/* The closest candidate to word within edit distance 2, for "did you mean";
 * NULL when none is close. */
const char *rp_closest(const char *word, const char *const *candidates, size_t n);

#endif
