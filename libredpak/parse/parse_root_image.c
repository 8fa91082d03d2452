/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: the node's root from a read-only image file (squashfs or
 * erofs, mounted through a loop device) or an OCI image layout (unpacked
 * into a cache at start) instead of a tmpfs or a folder. */
#include "parse.h"

#include <string.h>

#include "alloc.h"
#include "yaml_tree.h"

/* oci:PATH[:TAG]: an absolute layout folder, and the tag the layout's
 * index.json names (org.opencontainers.image.ref.name). A last ':' whose
 * tail has no '/' starts the tag, as in umoci's and skopeo's oci: names. */
static void parse_oci_ref(struct pctx *c, const struct yt_node *x, const char *ref,
                          struct rp_root *r)
{
    const char *colon = strrchr(ref, ':');
    size_t len = colon && !strchr(colon, '/') ? (size_t)(colon - ref) : strlen(ref);
    const char *tag = len < strlen(ref) ? ref + len + 1 : "latest";
    if (ref[0] != '/' || strstr(ref, "/../") || !*tag) {
        pc_err(c, x,
               "an OCI image is oci:PATH[:TAG] with an absolute PATH, the layout's folder, and "
               "a non-empty TAG");
        return;
    }
    r->image = rp_xstrndup(ref, len);
    r->image_tag = rp_xstrdup(tag);
    r->image_pos = pc_pos(c, x);
}

void parse_root_image(struct pctx *c, const struct yt_node *v)
{
    struct rp_root *r = &c->node->root;
    size_t mark;
    const struct yt_node *x = pc_field(c, v, "image", &mark);
    if (!x)
        return;
    const char *raw = x->kind == YT_SCALAR ? x->text : NULL;
    if (yt_map_find(v, "source"))
        pc_err(c, x, "image and source are two roots: give one");
    else if (raw && strncmp(raw, "oci:", 4) == 0)
        parse_oci_ref(c, x, raw + 4, r);
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
