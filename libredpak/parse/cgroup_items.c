/* SPDX-License-Identifier: Apache-2.0 */
/* The fifteen cgroup v2 items a node may set (docs/architecture.md,
 * "Cgroup items in the kernel's syntax"): each value is checked against
 * the item's own grammar and rewritten in the syntax the kernel's file
 * takes, so that the planner writes it verbatim and `rednode-config plan`
 * shows exactly what will be written. */
#include "grammar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "why.h"

bool rp_cgroup_item_lookup(const char *name, enum rp_cgroup_item_kind *out)
{
    for (int k = 0; k < RP_CG_ITEM_COUNT; k++) {
        if (strcmp(name, rp_cgroup_item_name((enum rp_cgroup_item_kind)k)) == 0) {
            *out = (enum rp_cgroup_item_kind)k;
            return true;
        }
    }
    return false;
}

/* The result as a malloc'd string; false only when memory runs out. */
static bool emit(char **out, char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool emit(char **out, char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(out, fmt, ap);
    va_end(ap);
    if (r < 0) {
        *out = NULL;
        return rp_why(why, whylen, "out of memory");
    }
    return true;
}

/* Decimal digits of [s, s+len) into *out, refusing signs, spaces, hex and
 * anything above max. */
static bool number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* A number as the kernel prints it: no leading zero, as the schema's
 * patterns for weights, cpu.max and pids.max spell it. */
static bool plain_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len > 1 && s[0] == '0')
        return false;
    return number(s, len, max, out);
}

/* cpuset.cpus and cpuset.mems: "0-3,5". The kernel parses the list with
 * bitmap_parselist and shows it back merged and sorted; the same canonical
 * form is produced here so a plan compares equal to what the file reads. */
#define RP_CPUSET_MAX 4095

static bool cpuset_list(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    unsigned char bits[RP_CPUSET_MAX + 1] = {0};
    const char *p = v;
    bool ok = *p != '\0';
    while (ok) {
        const char *end = strchrnul(p, ',');
        const char *dash = memchr(p, '-', (size_t)(end - p));
        uint64_t lo, hi;
        if (dash) {
            ok = number(p, (size_t)(dash - p), RP_CPUSET_MAX, &lo) &&
                number(dash + 1, (size_t)(end - dash - 1), RP_CPUSET_MAX, &hi);
            if (ok && lo > hi)
                return rp_why(why, whylen,
                              "range %.*s runs backwards (write %llu-%llu), got \"%s\"",
                              (int)(end - p), p, (unsigned long long)hi, (unsigned long long)lo,
                              rp_why_quote(v, q));
        } else {
            ok = number(p, (size_t)(end - p), RP_CPUSET_MAX, &lo);
            hi = lo;
        }
        if (!ok)
            break;
        memset(bits + lo, 1, hi - lo + 1);
        if (!*end)
            break;
        p = end + 1;
    }
    if (!ok)
        return rp_why(why, whylen,
                      "expected a list like \"0-3,5\" of numbers from 0 to %d, got \"%s\"",
                      RP_CPUSET_MAX, rp_why_quote(v, q));
    /* Each range costs at most "4095-4095," (10 bytes); 2048 ranges at most. */
    char *s = malloc(2048 * 10 + 1);
    if (!s)
        return rp_why(why, whylen, "out of memory");
    size_t o = 0;
    for (int i = 0; i <= RP_CPUSET_MAX; i++) {
        if (!bits[i])
            continue;
        int j = i;
        while (j < RP_CPUSET_MAX && bits[j + 1])
            j++;
        o += (size_t)sprintf(s + o, o ? ",%d" : "%d", i);
        if (j > i)
            o += (size_t)sprintf(s + o, "-%d", j);
        i = j;
    }
    *out = s;
    return true;
}

static bool partition(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    if (strcmp(v, "member") && strcmp(v, "root") && strcmp(v, "isolated"))
        return rp_why(why, whylen, "expected member, root or isolated, got \"%s\"",
                      rp_why_quote(v, q));
    return emit(out, why, whylen, "%s", v);
}

/* cpu.weight and io.weight: CGROUP_WEIGHT_MIN..CGROUP_WEIGHT_MAX. */
static bool weight(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    uint64_t w;
    if (!plain_number(v, strlen(v), UINT64_MAX, &w) || w < 1 || w > 10000)
        return rp_why(why, whylen, "expected an integer from 1 to 10000, got \"%s\"",
                      rp_why_quote(v, q));
    return emit(out, why, whylen, "%llu", (unsigned long long)w);
}

/* cpu.max: the scheduler refuses a quota or period under 1 ms and a period
 * over 1 s, and a quota over its bandwidth limit MAX_BW (2^44-1 us, some
 * 203 days) (tg_set_cfs_bandwidth). */
#define RP_CPU_PERIOD_MIN 1000
#define RP_CPU_PERIOD_MAX 1000000
#define RP_CPU_QUOTA_MAX ((UINT64_C(1) << 44) - 1)

static bool cpu_max(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    const char *sp = strchr(v, ' ');
    const char *quota = v;
    size_t qlen = sp ? (size_t)(sp - v) : strlen(v);
    const char *period = sp ? sp + 1 : NULL;
    uint64_t qv = 0, pv = 0;
    bool qmax = qlen == 3 && strncmp(quota, "max", 3) == 0;
    bool ok = qmax || (plain_number(quota, qlen, RP_CPU_QUOTA_MAX, &qv) && qv >= RP_CPU_PERIOD_MIN);
    if (ok && period)
        ok =
            plain_number(period, strlen(period), RP_CPU_PERIOD_MAX, &pv) && pv >= RP_CPU_PERIOD_MIN;
    if (!ok)
        return rp_why(why, whylen,
                      "expected \"QUOTA PERIOD\" in microseconds (QUOTA >= 1000 or max, "
                      "PERIOD 1000..1000000), got \"%s\"",
                      rp_why_quote(v, q));
    char qs[24];
    snprintf(qs, sizeof(qs), "%llu", (unsigned long long)qv);
    if (period)
        return emit(out, why, whylen, "%s %llu", qmax ? "max" : qs, (unsigned long long)pv);
    return emit(out, why, whylen, "%s", qmax ? "max" : qs);
}

/* io.max: "DEVICE rbps=... wbps=... riops=... wiops=...". The device stays
 * as written (a path is turned into MAJ:MIN by the planner, which reads the
 * host); keys come out in the kernel's own order. blk-throttle refuses a
 * limit of 0 (ERANGE), so each limit is >= 1 or "max". */
static const char *const io_keys[4] = {"rbps", "wbps", "riops", "wiops"};

/* The kernel's dev_t: 12 bits of major, 20 of minor (MINORBITS). */
#define RP_DEV_MAJOR_MAX 4095
#define RP_DEV_MINOR_MAX 1048575

static bool io_device(const char *dev, size_t len, char **out)
{
    const char *colon = memchr(dev, ':', len);
    uint64_t maj, min;
    if (colon)
        return number(dev, (size_t)(colon - dev), RP_DEV_MAJOR_MAX, &maj) &&
            number(colon + 1, len - (size_t)(colon - dev) - 1, RP_DEV_MINOR_MAX, &min) &&
            (*out = strndup(dev, len)) != NULL;
    char *copy = strndup(dev, len);
    if (!copy)
        return false;
    bool ok = rp_grammar_host_path(copy, out, NULL, 0) && strncmp(*out, "/dev/", 5) == 0;
    if (!ok && *out) {
        free(*out);
        *out = NULL;
    }
    free(copy);
    return ok;
}

static bool io_max(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    const char *expected =
        "expected \"DEVICE key=value...\" (DEVICE a /dev path or MAJ:MIN; keys rbps, wbps, "
        "riops, wiops, at least one, each at most once)";
    const char *p = v;
    const char *sp = strchrnul(p, ' ');
    char *dev = NULL;
    if (!io_device(p, (size_t)(sp - p), &dev))
        return rp_why(why, whylen, "expected a device (a /dev path or MAJ:MIN) first, got \"%s\"",
                      rp_why_quote(v, q));
    char vals[4][24] = {{0}};
    bool any = false;
    p = sp;
    while (*p == ' ') {
        while (*p == ' ')
            p++;
        const char *end = strchrnul(p, ' ');
        const char *eq = memchr(p, '=', (size_t)(end - p));
        int k = -1;
        for (int i = 0; eq && i < 4; i++)
            if ((size_t)(eq - p) == strlen(io_keys[i]) && !strncmp(p, io_keys[i], (size_t)(eq - p)))
                k = i;
        if (k < 0 || vals[k][0]) {
            free(dev);
            return rp_why(why, whylen, "%s, got \"%s\"", expected, rp_why_quote(v, q));
        }
        size_t vlen = (size_t)(end - eq - 1);
        char val[32];
        uint64_t n;
        bool ok = vlen < sizeof(val);
        if (ok) {
            memcpy(val, eq + 1, vlen);
            val[vlen] = '\0';
            if (strcmp(val, "max") == 0)
                strcpy(vals[k], "max");
            else if (k < 2)
                ok = rp_grammar_size(val, false, &n, NULL, 0) && n >= 1;
            else
                ok = number(val, vlen, UINT32_MAX, &n) && n >= 1;
            if (ok && !vals[k][0])
                snprintf(vals[k], sizeof(vals[k]), "%llu", (unsigned long long)n);
        }
        if (!ok) {
            free(dev);
            return rp_why(why, whylen, "%s must be %s or max, got \"%s\"", io_keys[k],
                          k < 2 ? "a size of at least 1 byte" : "an integer from 1 to 4294967295",
                          rp_why_quote(v, q));
        }
        any = true;
        p = end;
    }
    if (*p || !any) {
        free(dev);
        return rp_why(why, whylen, "%s, got \"%s\"", expected, rp_why_quote(v, q));
    }
    char buf[4 * 32];
    size_t o = 0;
    for (int i = 0; i < 4; i++)
        if (vals[i][0])
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %s=%s", io_keys[i], vals[i]);
    bool ok = emit(out, why, whylen, "%s%s", dev, buf);
    free(dev);
    return ok;
}

/* memory.*: bytes or "max"; the kernel rounds down to pages itself. */
static bool memory_size(const char *v, char **out, char *why, size_t whylen)
{
    uint64_t n;
    if (!rp_grammar_size(v, true, &n, why, whylen))
        return false;
    if (n == UINT64_MAX)
        return emit(out, why, whylen, "max");
    return emit(out, why, whylen, "%llu", (unsigned long long)n);
}

static bool oom_group(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    if (strcmp(v, "0") && strcmp(v, "1"))
        return rp_why(why, whylen, "expected 0 or 1, got \"%s\"", rp_why_quote(v, q));
    return emit(out, why, whylen, "%s", v);
}

/* pids.max: the pids controller refuses anything from PIDS_MAX
 * (PID_MAX_LIMIT + 1 = 4194305) up; 0 would forbid even the first fork. */
#define RP_PIDS_MAX 4194304

static bool pids_max(const char *v, char **out, char *why, size_t whylen)
{
    QBUF;
    uint64_t n;
    if (strcmp(v, "max") == 0)
        return emit(out, why, whylen, "max");
    if (!plain_number(v, strlen(v), RP_PIDS_MAX, &n) || n < 1)
        return rp_why(why, whylen, "expected an integer from 1 to %d or max, got \"%s\"",
                      RP_PIDS_MAX, rp_why_quote(v, q));
    return emit(out, why, whylen, "%llu", (unsigned long long)n);
}

bool rp_cgroup_item_normalize(enum rp_cgroup_item_kind kind, const char *value, char **out,
                              char *why, size_t whylen)
{
    *out = NULL;
    switch (kind) {
    case RP_CG_CPUSET_CPUS:
    case RP_CG_CPUSET_MEMS: return cpuset_list(value, out, why, whylen);
    case RP_CG_CPUSET_CPUS_PARTITION: return partition(value, out, why, whylen);
    case RP_CG_CPU_WEIGHT:
    case RP_CG_IO_WEIGHT: return weight(value, out, why, whylen);
    case RP_CG_CPU_MAX: return cpu_max(value, out, why, whylen);
    case RP_CG_IO_MAX: return io_max(value, out, why, whylen);
    case RP_CG_MEMORY_MIN:
    case RP_CG_MEMORY_LOW:
    case RP_CG_MEMORY_HIGH:
    case RP_CG_MEMORY_MAX:
    case RP_CG_MEMORY_SWAP_HIGH:
    case RP_CG_MEMORY_SWAP_MAX: return memory_size(value, out, why, whylen);
    case RP_CG_MEMORY_OOM_GROUP: return oom_group(value, out, why, whylen);
    case RP_CG_PIDS_MAX: return pids_max(value, out, why, whylen);
    case RP_CG_ITEM_COUNT: break;
    }
    return rp_why(why, whylen, "not a cgroup item");
}
