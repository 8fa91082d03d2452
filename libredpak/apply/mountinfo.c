/* SPDX-License-Identifier: Apache-2.0 */
/* The mount table as the kernel prints it: see mountinfo.h. */
#include "mountinfo.h"
#include "auto_fd.h"
#include "read_all.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* \ooo -> the byte, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
            s += 3;
        } else {
            *w++ = *s;
        }
    }
    *w = '\0';
}

/* The next space-separated field of *line, NUL-terminated in place. */
static char *field(char **line)
{
    char *s = *line;
    if (!s || !*s)
        return NULL;
    char *sp = strchr(s, ' ');
    if (sp) {
        *sp = '\0';
        *line = sp + 1;
    } else {
        *line = NULL;
    }
    return s;
}

static int parse_line(char *line, struct rp_mountinfo *m)
{
    char *f[6];
    for (int i = 0; i < 6; i++)
        if (!(f[i] = field(&line)))
            return -EINVAL;
    char *sep;
    do { /* optional fields, up to the lone "-" */
        if (!(sep = field(&line)))
            return -EINVAL;
    } while (strcmp(sep, "-") != 0);
    char *fstype = field(&line), *source = field(&line), *super = field(&line);
    if (!fstype || !source || !super)
        return -EINVAL;
    char *end;
    long id = strtol(f[0], &end, 10);
    if (*end || id < 0)
        return -EINVAL;
    long parent = strtol(f[1], &end, 10);
    if (*end || parent < 0)
        return -EINVAL;
    unescape(f[3]);
    unescape(f[4]);
    unescape(source);
    *m = (struct rp_mountinfo){.id = (int)id,
                               .parent_id = (int)parent,
                               .root = f[3],
                               .target = f[4],
                               .vfs_options = f[5],
                               .fstype = fstype,
                               .source = source,
                               .super_options = super};
    return 0;
}

int rp_mountinfo_read(int dirfd, const char *path, struct rp_mountinfo_table *t)
{
    *t = (struct rp_mountinfo_table){0};
    RP_AUTO_FD int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    /* No cap: the kernel's own table, however many mounts it lists. */
    int r = rp_read_all(fd, SIZE_MAX, &t->text, NULL);
    if (r < 0)
        return r;
    size_t lines = 0;
    for (const char *p = t->text; *p; p++)
        lines += *p == '\n';
    t->e = calloc(lines + 1, sizeof(*t->e));
    if (!t->e) {
        rp_mountinfo_free(t);
        return -ENOMEM;
    }
    char *save = NULL;
    for (char *line = strtok_r(t->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if ((r = parse_line(line, &t->e[t->n])) < 0) {
            rp_mountinfo_free(t);
            return r;
        }
        t->n++;
    }
    return 0;
}

void rp_mountinfo_free(struct rp_mountinfo_table *t)
{
    free(t->e);
    free(t->text);
    *t = (struct rp_mountinfo_table){0};
}

bool rp_mount_option(const char *options, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = options; s && *s;) {
        size_t len = strcspn(s, ",");
        if ((len == n || (len > n && s[n] == '=')) && strncmp(s, name, n) == 0)
            return true;
        s += len;
        s += *s == ',';
    }
    return false;
}

unsigned long rp_mount_vfs_flags(const char *vfs_options)
{
    static const struct {
        const char *name;
        unsigned long flag;
    } map[] = {
        {"ro", MS_RDONLY},         {"nosuid", MS_NOSUID},   {"nodev", MS_NODEV},
        {"noexec", MS_NOEXEC},     {"noatime", MS_NOATIME}, {"nodiratime", MS_NODIRATIME},
        {"relatime", MS_RELATIME},
    };
    unsigned long flags = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (rp_mount_option(vfs_options, map[i].name))
            flags |= map[i].flag;
    return flags;
}
