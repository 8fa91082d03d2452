/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: oci:LAYOUT[:TAG]. The plan reads the layout (index.json, the
 * tag's manifest, its config: files, as it reads etc/passwd) and changes
 * nothing: the root is the cache folder named by the manifest's digest,
 * which step 2 fills from the layout when it is missing (apply/
 * oci_unpack.c), and the image config's Env, Entrypoint and Cmd,
 * WorkingDir and User are the defaults of what the node file leaves out.
 * Keyed by digest, one unpacked copy serves every node that names the
 * image, and a changed image (a new digest) never meets a stale copy. */
#include "plan_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "json_read.h"

#define OCI_CACHE "/var/cache/redpak/oci"
#define OCI_JSON_MAX (4u << 20)
#define REF_NAME "org.opencontainers.image.ref.name"

struct oci_read {
    struct plan_ctx *c;
    const char *layout, *tag;
    int dir;
};

__attribute__((format(printf, 2, 3))) static void oci_diag(struct oci_read *o, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rp_diags_add(o->c->diags, &o->c->node->root.image_pos, "root.image", "oci:%s:%s: %s", o->layout,
                 o->tag, msg);
}

/* "sha256:<64 hex>": the hex part, or NULL. */
static const char *sha256_hex(const char *digest)
{
    if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64)
        return NULL;
    for (const char *h = digest + 7; *h; h++)
        if (!isxdigit((unsigned char)*h) || isupper((unsigned char)*h))
            return NULL;
    return digest + 7;
}

static bool load(struct oci_read *o, const char *path, yaml_document_t *doc)
{
    char why[128] = "";
    int r = rp_json_load(o->dir, path, OCI_JSON_MAX, doc, why, sizeof(why));
    if (r == 0)
        return true;
    oci_diag(o, "%s: %s", path, r == -EINVAL ? why : strerror(-r));
    return false;
}

/* The digest of the manifest index.json tags with o->tag. */
static char *manifest_digest(struct oci_read *o)
{
    yaml_document_t idx;
    if (!load(o, "index.json", &idx))
        return NULL;
    yaml_node_t *list = rp_json_get(&idx, yaml_document_get_root_node(&idx), "manifests");
    char *found = NULL;
    for (size_t i = 0; !found && i < rp_json_len(list); i++) {
        yaml_node_t *m = rp_json_item(&idx, list, i);
        const char *name =
            rp_json_text(rp_json_get(&idx, rp_json_get(&idx, m, "annotations"), REF_NAME));
        if (name && strcmp(name, o->tag) == 0)
            found = strdup(rp_json_text(rp_json_get(&idx, m, "digest")) ?: "");
    }
    yaml_document_delete(&idx);
    if (!found)
        oci_diag(o, "index.json has no manifest tagged %s", o->tag);
    else if (!sha256_hex(found)) {
        oci_diag(o, "index.json: %s is not a sha256 digest", found);
        free(found);
        found = NULL;
    }
    return found;
}

static char **string_list(yaml_document_t *d, yaml_node_t *a, yaml_node_t *b)
{
    size_t n = rp_json_len(a) + rp_json_len(b), k = 0;
    if (n == 0)
        return NULL;
    char **v = calloc(n + 1, sizeof(*v));
    for (size_t i = 0; v && i < rp_json_len(a); i++)
        v[k++] = strdup(rp_json_text(rp_json_item(d, a, i)) ?: "");
    for (size_t i = 0; v && i < rp_json_len(b); i++)
        v[k++] = strdup(rp_json_text(rp_json_item(d, b, i)) ?: "");
    return v;
}

static void add_env(struct rp_process_plan *pp, struct plan_ctx *c, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return;
    size_t klen = (size_t)(eq - kv);
    for (size_t i = 0; i < pp->n_env_set; i++)
        if (strlen(pp->env_set[i].key) == klen && !strncmp(pp->env_set[i].key, kv, klen))
            return; /* the node file's value wins */
    for (size_t i = 0; i < pp->n_env_pass; i++)
        if (strlen(pp->env_pass[i]) == klen && !strncmp(pp->env_pass[i], kv, klen))
            return;
    struct rp_kv *v = realloc(pp->env_set, (pp->n_env_set + 1) * sizeof(*v));
    if (!v) {
        c->oom = true;
        return;
    }
    pp->env_set = v;
    v[pp->n_env_set] = (struct rp_kv){.key = strndup(kv, klen), .value = strdup(eq + 1)};
    pp->n_env_set++;
}

/* User "UID[:GID]" as numbers; a name needs the image's etc/passwd,
 * which is not unpacked yet when the plan is made. */
static void user_default(struct rp_plan *p, struct oci_read *o, const char *user)
{
    char *end;
    unsigned long uid = strtoul(user, &end, 10), gid = 0;
    if (end != user && *end == ':')
        gid = strtoul(end + 1, &end, 10);
    if (end == user || *end) {
        oci_diag(o,
                 "the image runs as user \"%s\", a name redwrap cannot look up before the "
                 "image is unpacked: set process.user and process.group as numbers",
                 user);
        return;
    }
    p->process.uid = (uid_t)uid;
    p->process.gid = (gid_t)gid;
    const struct rp_pos *pos = &o->c->node->root.image_pos;
    plan_id_mapped(o->c, p, false, (uint32_t)uid, pos, "root.image", " (the image's User)");
    plan_id_mapped(o->c, p, true, (uint32_t)gid, pos, "root.image", " (the image's User)");
}

static void config_defaults(struct rp_plan *p, struct oci_read *o, yaml_document_t *d)
{
    const struct rp_process *in = &o->c->node->process;
    struct rp_process_plan *pp = &p->process;
    yaml_node_t *cfg = rp_json_get(d, yaml_document_get_root_node(d), "config");
    if (!pp->argv)
        pp->argv = string_list(d, rp_json_get(d, cfg, "Entrypoint"), rp_json_get(d, cfg, "Cmd"));
    yaml_node_t *env = rp_json_get(d, cfg, "Env");
    for (size_t i = 0; i < rp_json_len(env); i++)
        add_env(pp, o->c, rp_json_text(rp_json_item(d, env, i)) ?: "");
    const char *wd = rp_json_text(rp_json_get(d, cfg, "WorkingDir"));
    /* process.cwd not written: the default "/" at the file's start. */
    bool cwd_default = in->cwd_pos.line == 1 && in->cwd_pos.column == 1 && !strcmp(in->cwd, "/");
    if (cwd_default && wd && wd[0] == '/') {
        free(pp->cwd);
        pp->cwd = strdup(wd);
    }
    const char *user = rp_json_text(rp_json_get(d, cfg, "User"));
    if (!in->user.set && !in->group.set && user && *user)
        user_default(p, o, user);
}

void plan_oci_image(struct rp_plan *p, struct plan_ctx *c)
{
    struct rp_mount_step *s = NULL;
    for (size_t i = 0; i < p->mount.n; i++)
        if (p->mount.steps[i].op == RP_MOP_ROOT_BIND && p->mount.steps[i].oci_layout)
            s = &p->mount.steps[i];
    if (!s)
        return;
    struct oci_read o = {.c = c, .layout = s->oci_layout, .tag = s->oci_tag};
    RP_AUTO_FD int dir = open(o.layout, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        oci_diag(&o, "%s: %s", o.layout, strerror(errno));
        return;
    }
    o.dir = dir;
    RP_AUTO_FREE char *manifest = manifest_digest(&o);
    if (!manifest)
        return;
    char path[128];
    snprintf(path, sizeof(path), "blobs/sha256/%s", sha256_hex(manifest));
    yaml_document_t m, cfg;
    if (!load(&o, path, &m))
        return;
    const char *config = rp_json_text(
        rp_json_get(&m, rp_json_get(&m, yaml_document_get_root_node(&m), "config"), "digest"));
    if (sha256_hex(config)) {
        snprintf(path, sizeof(path), "blobs/sha256/%s", sha256_hex(config));
        if (load(&o, path, &cfg)) {
            config_defaults(p, &o, &cfg);
            yaml_document_delete(&cfg);
        }
    } else {
        oci_diag(&o, "manifest %s: no sha256 config digest", manifest);
    }
    yaml_document_delete(&m);
    free(s->source);
    s->source = plan_printf(c, "%s/sha256-%s/rootfs", OCI_CACHE, sha256_hex(manifest));
}
