/* SPDX-License-Identifier: Apache-2.0 */
/* The mount and tmpfs plans, as printed: one line per mount step, with the
 * mount flags in brackets. */
#include "plan_print.h"

#include <inttypes.h>
#include <string.h>
#include <sys/mount.h>

#include "enum_names.h"

/* Bytes as written in a node: "64M" when it divides evenly. */
static const char *size_text(uint64_t bytes, char buf[32])
{
    static const char unit[] = "GMK";
    for (int i = 0; i < 3; i++) {
        uint64_t scale = 1ull << (10 * (3 - i));
        if (bytes && bytes % scale == 0) {
            snprintf(buf, 32, "%" PRIu64 "%c", bytes / scale, unit[i]);
            return buf;
        }
    }
    snprintf(buf, 32, "%" PRIu64, bytes);
    return buf;
}

static const char *flags_text(unsigned long flags, char buf[64])
{
    buf[0] = '\0';
    if (flags & MS_NOSUID)
        strcat(buf, ",nosuid");
    if (flags & MS_NODEV)
        strcat(buf, ",nodev");
    if (flags & MS_NOEXEC)
        strcat(buf, ",noexec");
    return buf[0] ? buf + 1 : buf;
}

static const char *owner_text(const struct rp_mount_step *s, char buf[48])
{
    if (!s->has_owner)
        return "";
    snprintf(buf, 48, ", owner %u:%u", (unsigned)s->uid, (unsigned)s->gid);
    return buf;
}

static void mount_fields(struct plan_emit *e, const struct rp_mount_step *s)
{
    emit_str(e, "path", s->path);
    if (s->source)
        emit_str(e, "source", s->source);
    if (s->target)
        emit_str(e, "target", s->target);
    if (s->op == RP_MOP_FILE)
        emit_strn(e, "content", s->content, s->content_len);
    if (s->op == RP_MOP_ROOT_TMPFS || s->op == RP_MOP_TMPFS)
        emit_u64(e, "size", s->size);
    if (s->op == RP_MOP_DEV)
        emit_u64(e, "shm_size", s->size);
    if (s->op == RP_MOP_ROOT_TMPFS || s->op == RP_MOP_TMPFS || s->op == RP_MOP_DIR ||
        s->op == RP_MOP_FILE)
        emit_mode(e, "mode", s->mode);
    if (s->has_owner) {
        emit_u64(e, "uid", s->uid);
        emit_u64(e, "gid", s->gid);
    }
    emit_u64(e, "flags", s->flags);
    emit_bool(e, "readonly", s->readonly);
    emit_bool(e, "optional", s->optional);
    emit_bool(e, "recursive", (s->flags & MS_REC) != 0);
    if (s->op == RP_MOP_BIND || s->op == RP_MOP_ROOT_BIND)
        emit_bool(e, "idmap", s->idmap);
}

static void print_mount_step(struct plan_emit *e, const struct rp_mount_step *s)
{
    char sz[32], fl[64], own[48];
    const char *size = s->size ? size_text(s->size, sz) : "kernel default";

    emit_step(e, rp_mount_op_name(s->op));
    emit_origin(e, &s->pos);
    mount_fields(e, s);
    switch (s->op) {
    case RP_MOP_ROOT_TMPFS:
        emit_line(e, "mount tmpfs as the new root (size %s, mode %04o) [%s]", size,
                  (unsigned)s->mode, flags_text(s->flags, fl));
        break;
    case RP_MOP_ROOT_BIND:
        if (s->loop_image) {
            emit_line(e,
                      "overlay of the image %s (squashfs or erofs through a loop device, "
                      "released with the node) as the new root (the image read-only "
                      "below%s, the node's writes on a tmpfs above) [%s]",
                      s->source, s->idmap ? " and idmapped" : "", flags_text(s->flags, fl));
            break;
        }
        emit_line(e,
                  "overlay of %s as the new root (the image read-only below%s, the node's "
                  "writes on a tmpfs above) [%s]",
                  s->source, s->idmap ? " and idmapped" : "", flags_text(s->flags, fl));
        break;
    case RP_MOP_BIND:
        emit_line(e, "bind %s -> %s (%s, recursive%s%s) [%s]", s->source, s->path,
                  s->readonly ? "read-only" : "read-write",
                  s->idmap ? ", idmapped: host id N shows as id N inside" : "",
                  s->optional ? ", optional: skipped when the source is missing" : "",
                  flags_text(s->flags, fl));
        break;
    case RP_MOP_PROC:
        emit_line(e, "mount proc on %s [%s]", s->path, flags_text(s->flags, fl));
        break;
    case RP_MOP_DEV:
        emit_line(e,
                  "mount a minimal /dev on %s (null zero full random urandom tty, pts, ptmx, "
                  "shm of %s, fd links) [%s]",
                  s->path, size_text(s->size, sz), flags_text(s->flags, fl));
        break;
    case RP_MOP_MQUEUE:
        emit_line(e, "mount mqueue on %s [%s]", s->path, flags_text(s->flags, fl));
        break;
    case RP_MOP_SYMLINK: emit_line(e, "symlink %s -> %s", s->path, s->target); break;
    case RP_MOP_DIR:
        emit_line(e, "mkdir %s (mode %04o%s)", s->path, (unsigned)s->mode, owner_text(s, own));
        break;
    case RP_MOP_FILE:
        emit_line(e, "write file %s (%zu bytes, mode %04o%s%s)", s->path, s->content_len,
                  (unsigned)s->mode, owner_text(s, own), s->readonly ? ", read-only" : "");
        break;
    case RP_MOP_TMPFS:
        emit_line(e, "mount tmpfs on %s (size %s, mode %04o%s) [%s]", s->path, size,
                  (unsigned)s->mode, owner_text(s, own), flags_text(s->flags, fl));
        break;
    case RP_MOP_PIVOT_ROOT:
        emit_line(e, "pivot_root into the new root, detach the old root");
        break;
    case RP_MOP_REMOUNT_RO:
        emit_line(e, "remount %s read-only%s", s->path,
                  s->flags & MS_REC
                      ? ", recursively (the node's own mounts below keep their setting)"
                      : "");
        break;
    }
}

void plan_print_mounts(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_mount_plan *plans[] = {&p->mount, &p->tmpfs, &p->finish};

    emit_step(e, "propagation");
    emit_line(e, "make every mount private, so that no mount event reaches the host");
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < plans[k]->n; i++)
            print_mount_step(e, &plans[k]->steps[i]);
}
