/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: the node's root from a read-only image file (squashfs or
 * erofs, mounted through a loop device) instead of a tmpfs or a folder. */
#include "parse.h"

#include <string.h>

#include "yaml_tree.h"

void parse_root_image(struct pctx *c, const struct yt_node *v)
{
    struct rp_root *r = &c->node->root;
    size_t mark;
    const struct yt_node *x = pc_field(c, v, "image", &mark);
    if (!x)
        return;
    const char *raw = x->kind == YT_SCALAR ? x->text : NULL;
    if (raw && strncmp(raw, "oci:", 4) == 0)
        pc_err(c, x,
               "oci: image layouts are not supported yet: give a squashfs or erofs file, or "
               "unpack the image and use root.source");
    else if (yt_map_find(v, "source"))
        pc_err(c, x, "image and source are two roots: give one");
    else if (pc_host_path(c, x, &r->image))
        r->image_pos = pc_pos(c, x);
    pc_pop(c, mark);
    /* The image is a filesystem of its own: no tmpfs for size or mode
     * (with a source too, parse_root has said so). */
    static const char *const tmpfs_keys[] = {"size", "mode"};
    for (size_t i = 0; i < ARRAY_LEN(tmpfs_keys) && !yt_map_find(v, "source"); i++) {
        const struct yt_node *t = pc_field(c, v, tmpfs_keys[i], &mark);
        if (t)
            pc_err(c, t,
                   "%s has no meaning with root.image: the root is then the image, not a "
                   "tmpfs",
                   tmpfs_keys[i]);
        if (t)
            pc_pop(c, mark);
    }
}
