/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config's family commands: tree (the chain of a node), create (a
 * node folder extending a parent) and list (the nodes of the node path and
 * their parents). The layout they share is docs/node-format.md, "Node
 * directories": DIR/NAME/node.yaml, DIR/NAME/data/, optionally
 * DIR/NAME/root/; a flat DIR/NAME.yaml is a node too (the installed ones). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "family_cmds.h"
#include "redpak/redpak.h"

/* A node named on the command line: a file, or a name in the node path. */
static char *node_arg(const char *arg)
{
    struct stat st;
    if (strchr(arg, '/') || (stat(arg, &st) == 0 && S_ISREG(st.st_mode)))
        return strdup(arg);
    char *p = rp_node_find(arg);
    if (!p)
        fprintf(stderr,
                "rednode-config: no node file '%s' and no node of that name in the node "
                "path (REDPAK_NODE_PATH)\n",
                arg);
    return p;
}

static int parse(const char *file, const char *policy, struct rp_node **node,
                 struct rp_diags *diags)
{
    struct rp_parse_opts o = {.caller_uid = getuid(),
                              .caller_gid = getgid(),
                              .policy_file = policy};
    return rp_node_parse_file(file, &o, node, diags);
}

int cmd_tree(int argc, char **argv, const char *policy)
{
    if (argc != 1 || argv[0][0] == '-') {
        fputs("Usage: rednode-config tree NODE\n", stderr);
        return 2;
    }
    char *file = node_arg(argv[0]);
    if (!file)
        return 1;
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    int status = 0;
    if (parse(file, policy, &node, &diags) < 0) {
        rp_diags_print(&diags, NULL, stderr);
        status = 1;
    } else {
        const char *const *files;
        bool has_policy;
        size_t n = rp_node_family_files(node, &files, &has_policy);
        for (size_t i = 0; i < n; i++) {
            printf("%*s%s%s%s\n", (int)(2 * i), "", i ? "`- " : "", files[i],
                   has_policy && i == 0 ? " (admin policy)"
                       : i + 1 == n     ? " (the node)"
                                        : "");
        }
    }
    rp_node_free(node);
    rp_diags_free(&diags);
    free(file);
    return status;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wx");
    if (!f)
        return -errno;
    fputs(text, f);
    return fclose(f) ? -errno : 0;
}

int cmd_create(int argc, char **argv, const char *policy)
{
    const char *name = NULL, *parent = NULL, *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--extends") && i + 1 < argc)
            parent = argv[++i];
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            name = NULL, i = argc;
    }
    if (!name) {
        fputs("Usage: rednode-config create NAME [--extends PARENT] [--dir DIR]\n", stderr);
        return 2;
    }
    /* The node name's grammar (node-format.md): it is a folder name too. */
    size_t nl = strlen(name);
    bool ok = nl >= 1 && nl <= 63 && strchr("abcdefghijklmnopqrstuvwxyz0123456789", name[0]);
    for (size_t i = 1; ok && i < nl; i++)
        ok = strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", name[i]) != NULL;
    if (!ok) {
        fprintf(stderr,
                "rednode-config: create: '%s' is not a node name ([a-z0-9][a-z0-9_.-]{0,62})\n",
                name);
        return 2;
    }
    char *first = dir ? NULL : rp_node_path_dir(0);
    if (!dir)
        dir = first;
    char *parent_ref = NULL;
    if (parent) {
        /* A name stays a name (found in the node path when the node is
         * read); a path is written absolute, valid from the node's folder. */
        struct stat st;
        bool is_path = strchr(parent, '/') || (stat(parent, &st) == 0 && S_ISREG(st.st_mode));
        char *found = is_path ? realpath(parent, NULL) : rp_node_find(parent);
        if (!found) {
            fprintf(stderr, "rednode-config: create: parent '%s' not found%s\n", parent,
                    is_path ? "" : " in the node path (REDPAK_NODE_PATH)");
            free(first);
            return 1;
        }
        parent_ref = is_path ? found : strdup(parent);
        if (!is_path)
            free(found);
    }
    char folder[PATH_MAX], file[PATH_MAX + 16], data[PATH_MAX + 16];
    if ((size_t)snprintf(folder, sizeof(folder), "%s/%s", dir, name) >= sizeof(folder)) {
        fprintf(stderr, "rednode-config: create: the folder's path is too long\n");
        free(parent_ref);
        free(first);
        return 1;
    }
    snprintf(file, sizeof(file), "%s/node.yaml", folder);
    snprintf(data, sizeof(data), "%s/data", folder);
    char *text = NULL;
    if (asprintf(&text,
                 "# Made by rednode-config create. docs/node-format.md, \"Families\" and\n"
                 "# \"Node directories\": this file, data/ (the node's own data) and,\n"
                 "# optionally, root/ (the node's own image).\n"
                 "version: 1\nnode: %s\n%s%s%s",
                 name, parent_ref ? "extends: " : "", parent_ref ? parent_ref : "",
                 parent_ref ? "\n" : "") < 0)
        abort();
    int status = 1;
    if (mkdir(folder, 0755) < 0) {
        fprintf(stderr, "rednode-config: create: %s: %s\n", folder, strerror(errno));
        goto out;
    }
    int rc = write_file(file, text);
    if (rc == 0 && mkdir(data, 0700) < 0)
        rc = -errno;
    if (rc < 0) {
        fprintf(stderr, "rednode-config: create: %s: %s\n", folder, strerror(-rc));
    } else {
        /* The new node must read as a node of its family; if not, nothing stays. */
        struct rp_diags diags = {0};
        struct rp_node *node = NULL;
        if (parse(file, policy, &node, &diags) < 0) {
            rp_diags_print(&diags, NULL, stderr);
        } else {
            printf("%s: created (%s, %s)\n", name, file, data);
            status = 0;
        }
        rp_node_free(node);
        rp_diags_free(&diags);
    }
    if (status) {
        unlink(file);
        rmdir(data);
        rmdir(folder);
    }
out:
    free(text);
    free(parent_ref);
    free(first);
    return status;
}

/* A name in two folders of the node path (or as NAME/node.yaml and
 * NAME.yaml in one) is the first that rp_node_find meets: the others are
 * listed as shadowed, never read, since nothing that names them gets them. */
static void list_one(const char *name, const char *file, const char *policy)
{
    char *winner = rp_node_find(name);
    if (winner && strcmp(winner, file)) {
        printf("%-24s %s  (shadowed by %s)\n", name, file, winner);
        free(winner);
        return;
    }
    free(winner);
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    if (parse(file, policy, &node, &diags) < 0) {
        printf("%-24s %s  (invalid: %s:%u: %s)\n", name, file, diags.n ? diags.v[0].file : "?",
               diags.n ? diags.v[0].line : 0, diags.n ? diags.v[0].message : "?");
    } else {
        const char *const *files;
        bool has_policy;
        size_t n = rp_node_family_files(node, &files, &has_policy);
        size_t first = has_policy ? 1 : 0;
        if (n >= first + 2)
            printf("%-24s %s  extends %s\n", name, file, files[n - 2]);
        else
            printf("%-24s %s\n", name, file);
    }
    rp_node_free(node);
    rp_diags_free(&diags);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_list(int argc, char **argv, const char *policy)
{
    (void)argv;
    if (argc) {
        fputs("Usage: rednode-config list\n", stderr);
        return 2;
    }
    char *dir;
    for (size_t i = 0; (dir = rp_node_path_dir(i)); i++) {
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char **grown = realloc(names, (n + 1) * sizeof(*names));
            if (!grown)
                abort();
            names = grown;
            names[n++] = strdup(e->d_name);
        }
        if (d)
            closedir(d);
        qsort(names, n, sizeof(*names), by_name);
        for (size_t j = 0; j < n; j++) {
            char file[PATH_MAX];
            struct stat st;
            size_t len = strlen(names[j]);
            snprintf(file, sizeof(file), "%s/%s/node.yaml", dir, names[j]);
            if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
                list_one(names[j], file, policy);
            } else if (len > 5 && !strcmp(names[j] + len - 5, ".yaml")) {
                snprintf(file, sizeof(file), "%s/%s", dir, names[j]);
                names[j][len - 5] = '\0';
                list_one(names[j], file, policy);
            }
            free(names[j]);
        }
        free(names);
        free(dir);
    }
    return 0;
}
