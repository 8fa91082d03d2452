/* SPDX-License-Identifier: Apache-2.0 */
/* User and group names of a node, resolved the way the node will see them:
 * in <root>/etc/passwd and <root>/etc/group, where root is "/" or the
 * node's root.source. The files are parsed directly rather than through
 * getpwnam(): NSS would answer for the host (and could load modules or ask
 * a directory service), while an image's names live in the image's files. */
#ifndef REDPAK_USERS_H
#define REDPAK_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rp_user_entry {
    char *name;
    uint32_t id;  /* uid in passwd, gid in group */
    uint32_t gid; /* passwd: the primary group */
};

struct rp_user_table {
    bool loaded;
    int err; /* 0, or the negative errno of reading the file */
    struct rp_user_entry *v;
    size_t n;
};

/* Both files are read at most once, and only when a name needs them. */
struct rp_users {
    char *root;
    struct rp_user_table passwd, group;
};

/* root: the directory whose etc/ holds the files ("/" for the host). */
int rp_users_init(struct rp_users *u, const char *root);
void rp_users_free(struct rp_users *u);

/* 0 and the uid (and primary gid) of name; -ESRCH when the file has no
 * such user; another negative errno (-ENOENT: no file) when the file
 * cannot be read. */
int rp_users_find_user(struct rp_users *u, const char *name, uid_t *uid, gid_t *gid);
/* 0 and the name of the first user with uid (owned by u); errors as
 * above. */
int rp_users_name_of(struct rp_users *u, uid_t uid, const char **name);
/* 0 and the gid of name; errors as above. */
int rp_users_find_group(struct rp_users *u, const char *name, gid_t *gid);

/* "/srv/image/etc/passwd" (or .../etc/group) into buf, for messages. */
const char *rp_users_file(const struct rp_users *u, bool group, char *buf, size_t len);

#endif
