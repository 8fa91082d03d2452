/* SPDX-License-Identifier: Apache-2.0 */
/* Step 1's filters, read from the cache (seccomp_cache.c) when it has one
 * for exactly these inputs, else compiled and stored there.
 *
 * The key is a SHA-256 of every input of the program: the rules, the
 * default action and the kind of filter, the native architecture,
 * libseccomp's version and API level (what it generates depends on what
 * the kernel supports), and the GNU build ids of libseccomp and of the
 * code that calls it, so that a rebuilt redpak or a patched libseccomp
 * never reads a program another build made. A cryptographic hash because
 * the rules come from a node file, which someone other than the caller may
 * have written: two rule sets with one key would give one node the other's
 * filter. */
#include <elf.h>
#include <link.h>
#include <string.h>

#include "error_internal.h"
#include "seccomp_cached.h"
#include "seccomp_internal.h"
#include "seccomp_learn.h"
#include "redpak/redpak.h"

struct find_build_id {
    uintptr_t addr; /* an address inside the object */
    const void *id;
    size_t len;
};

static int note_of(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct find_build_id *f = arg;
    bool inside = false;
    for (int i = 0; i < info->dlpi_phnum && !inside; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        inside = ph->p_type == PT_LOAD && f->addr >= start && f->addr < start + ph->p_memsz;
    }
    if (!inside)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const char *name = p + sizeof(*n);
            const char *desc = name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
                desc + n->n_descsz <= end) {
                f->id = desc;
                f->len = n->n_descsz;
                return 1;
            }
            p = desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 1;
}

/* The build id of the loaded object that holds addr (a static program:
 * the program's own). */
static bool add_build_id(struct rp_sha256 *s, const void *addr)
{
    struct find_build_id f = {.addr = (uintptr_t)addr};
    dl_iterate_phdr(note_of, &f);
    if (!f.id)
        return false;
    uint32_t len = (uint32_t)f.len;
    rp_sha256_update(s, &len, sizeof(len));
    rp_sha256_update(s, f.id, f.len);
    return true;
}

static void add_u64(struct rp_sha256 *s, uint64_t v)
{
    rp_sha256_update(s, &v, sizeof(v));
}

/* A string with its length, so that no two lists hash alike. */
static void add_str(struct rp_sha256 *s, const char *str)
{
    size_t n = strlen(str);
    add_u64(s, n);
    rp_sha256_update(s, str, n);
}

bool rp_seccomp_cache_key(enum rp_seccomp_kind kind, uint32_t default_action,
                          const struct rp_seccomp_rule *rules, size_t n, uint8_t key[RP_SHA256_LEN])
{
    struct rp_sha256 s;
    rp_sha256_init(&s);
    add_str(&s, "redpak seccomp cache 1");
    add_str(&s, REDPAK_VERSION);
    if (!add_build_id(&s, (const void *)rp_seccomp_cache_key) ||
        !add_build_id(&s, (const void *)seccomp_init))
        return false;
    const struct scmp_version *v = seccomp_version();
    add_u64(&s, v ? (uint64_t)v->major << 32 | v->minor << 16 | v->micro : 0);
    add_u64(&s, seccomp_api_get());
    add_u64(&s, seccomp_arch_native());
    add_u64(&s, kind);
    add_u64(&s, default_action);
    add_u64(&s, n);
    for (size_t i = 0; i < n; i++) {
        const struct rp_seccomp_rule *r = &rules[i];
        add_u64(&s, rp_seccomp_action_value(r->action, r->errnum));
        add_u64(&s, r->names.n);
        for (size_t j = 0; j < r->names.n; j++)
            add_str(&s, r->names.v[j]);
        add_u64(&s, r->n_args);
        for (size_t j = 0; j < r->n_args && j < 6; j++) {
            add_u64(&s, r->args[j].index);
            add_u64(&s, r->args[j].op);
            add_u64(&s, r->args[j].value);
            add_u64(&s, r->args[j].mask);
        }
    }
    rp_sha256_final(&s, key);
    return true;
}

typedef int compile_fn(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                       struct rp_error *err);

static int cached(const struct rp_seccomp_cache *c, enum rp_seccomp_kind kind, uint32_t def,
                  const struct rp_seccomp_rule *rules, size_t n, compile_fn *compile,
                  const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                  struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    uint8_t key[RP_SHA256_LEN];
    bool keyed = c->dirfd >= 0 && rp_seccomp_cache_key(kind, def, rules, n, key);
    if (keyed && rp_seccomp_cache_load(c, key, prog))
        return 0;
    int rc = compile(plan, prog, err);
    if (rc == 0 && keyed)
        rp_seccomp_cache_store(c, key, prog);
    return rc;
}

int rp_seccomp_compile_cached(const struct rp_seccomp_cache *c, const struct rp_seccomp_plan *plan,
                              struct rp_seccomp_prog *prog, struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    if (!plan->enabled)
        return 0;
    return cached(c, RP_SCK_NODE,
                  rp_seccomp_action_value(plan->default_action, plan->default_errno), plan->rules,
                  plan->n_rules, rp_seccomp_compile, plan, prog, err);
}

int rp_seccomp_compile_terminal_cached(const struct rp_seccomp_cache *c,
                                       const struct rp_seccomp_plan *plan,
                                       struct rp_seccomp_prog *prog, struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    if (plan->n_terminal == 0)
        return 0;
    return cached(c, RP_SCK_TERMINAL, SCMP_ACT_ALLOW, plan->terminal, plan->n_terminal,
                  rp_seccomp_compile_terminal, plan, prog, err);
}

/* Stand-ins for the hand-over rule's socket and message address: the
 * cached report filter has them where this run's values go. Each must be
 * found exactly once, as the immediate of a BPF_JEQ, or the program is
 * compiled afresh. On 64-bit ABIs libseccomp compares an argument's two
 * halves separately. */
#define SOCK_STANDIN 0x5ecc50c4u
#define ADDR_STANDIN_LO 0x5ecca11eu
#define ADDR_STANDIN_HI 0x5ecca11du
#define ARGS_64 (sizeof(void *) == 8)

/* The one BPF_JEQ comparing with k; *n: how many there are. */
static struct sock_filter *standin(struct rp_seccomp_prog *prog, uint32_t k, int *n)
{
    struct sock_filter *found = NULL;
    for (size_t i = 0; i < prog->len; i++) {
        struct sock_filter *f = &prog->filter[i];
        if (f->code == (BPF_JMP | BPF_JEQ | BPF_K) && f->k == k) {
            found = f;
            ++*n;
        }
    }
    return found;
}

struct handover_slots {
    struct sock_filter *sock, *lo, *hi; /* all NULL: no hand-over rule (see below) */
};

/* Each stand-in exactly once; or none at all, when the node allows sendmsg
 * outright and libseccomp dropped the conditional hand-over rule (the
 * program then names no socket or address). */
static bool find_slots(struct rp_seccomp_prog *prog, struct handover_slots *h)
{
    int n_sock = 0, n_lo = 0, n_hi = 0;
    h->sock = standin(prog, SOCK_STANDIN, &n_sock);
    h->lo = standin(prog, ADDR_STANDIN_LO, &n_lo);
    h->hi = ARGS_64 ? standin(prog, ADDR_STANDIN_HI, &n_hi) : NULL;
    if (!ARGS_64)
        n_hi = n_lo;
    return (n_sock == 1 && n_lo == 1 && n_hi == 1) || (n_sock == 0 && n_lo == 0 && n_hi == 0);
}

static void put_handover(const struct handover_slots *h, uint64_t sock, uint64_t addr)
{
    if (!h->sock)
        return;
    h->sock->k = (uint32_t)sock;
    h->lo->k = (uint32_t)addr;
    if (h->hi)
        h->hi->k = (uint32_t)(addr >> 32);
}

static bool is_standin(uint64_t v)
{
    const uint32_t halves[] = {(uint32_t)v, (uint32_t)(v >> 32)};
    for (size_t i = 0; i < 2; i++)
        if (halves[i] == SOCK_STANDIN || halves[i] == ADDR_STANDIN_LO ||
            halves[i] == ADDR_STANDIN_HI)
            return true;
    return false;
}

/* Whether the stand-ins can be found and replaced unambiguously: not when
 * a node rule compares with one of their values (then a stand-in found
 * once might be the node's), nor when a node rule for sendmsg has
 * conditions (sendmsg's part of the filter then has more than one way
 * through, whose order libseccomp may choose by the values compared). */
static bool standins_usable(const struct rp_seccomp_plan *plan)
{
    for (size_t i = 0; i < plan->n_rules; i++) {
        const struct rp_seccomp_rule *r = &plan->rules[i];
        for (size_t j = 0; j < r->n_args && j < 6; j++)
            if (is_standin(r->args[j].value) || is_standin(r->args[j].mask))
                return false;
        for (size_t j = 0; r->n_args && j < r->names.n; j++)
            if (strcmp(r->names.v[j], "sendmsg") == 0)
                return false;
    }
    return true;
}

int rp_seccomp_report_compile_cached_at(const struct rp_seccomp_cache *c,
                                        const struct rp_seccomp_plan *plan, uint64_t sock,
                                        uint64_t addr, struct rp_seccomp_prog *prog,
                                        struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    uint64_t addr_standin =
        ARGS_64 ? (uint64_t)ADDR_STANDIN_HI << 32 | ADDR_STANDIN_LO : ADDR_STANDIN_LO;
    uint8_t key[RP_SHA256_LEN];
    bool keyed = c->dirfd >= 0 && (sock >> 31) == 0 && (ARGS_64 || (addr >> 32) == 0) &&
        standins_usable(plan) &&
        rp_seccomp_cache_key(RP_SCK_REPORT, SCMP_ACT_NOTIFY, plan->rules, plan->n_rules, key);
    struct handover_slots slots;
    if (keyed && rp_seccomp_cache_load(c, key, prog)) {
        if (find_slots(prog, &slots)) {
            put_handover(&slots, sock, addr);
            return 0;
        }
        rp_seccomp_prog_free(prog);
    }
    if (!keyed)
        return rp_seccomp_report_compile_at(plan, sock, addr, prog, err);
    int rc = rp_seccomp_report_compile_at(plan, SOCK_STANDIN, addr_standin, prog, err);
    if (rc < 0)
        return rc;
    if (!find_slots(prog, &slots)) {
        /* Not one of each, nor none: compiled with this run's values. */
        rp_seccomp_prog_free(prog);
        return rp_seccomp_report_compile_at(plan, sock, addr, prog, err);
    }
    rp_seccomp_cache_store(c, key, prog);
    put_handover(&slots, sock, addr);
    return 0;
}

int rp_seccomp_report_compile_cached(const struct rp_seccomp_cache *c,
                                     const struct rp_seccomp_plan *plan, int sock,
                                     struct rp_seccomp_prog *prog, struct rp_error *err)
{
    return rp_seccomp_report_compile_cached_at(c, plan, (uint64_t)sock, rp_seccomp_handover_addr(),
                                               prog, err);
}
