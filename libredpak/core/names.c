/* SPDX-License-Identifier: Apache-2.0 */
/* Names the node format borrows from the system: capabilities (libcap's
 * table), errno names, syscalls (libseccomp's table for the native
 * architecture), rlimits and the sysctls that live in a namespace. */
#include "names.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/resource.h>

/* Capabilities are bits of a 64-bit mask in the model (struct
 * rp_capabilities); the kernel's sets are two 32-bit words today. */
#define RP_CAP_BITS 64
#define RP_CAP_NAME_MAX 40

int rp_cap_lookup(const char *name)
{
    /* libcap also takes "12" for capability 12; the format wants names, and
     * "cap_" + a lower-cased copy is what its table is keyed by. */
    if (strncasecmp(name, "cap_", 4) == 0)
        name += 4;
    size_t len = strlen(name);
    if (len == 0 || len >= RP_CAP_NAME_MAX)
        return -1;
    char full[RP_CAP_NAME_MAX + 4] = "cap_";
    for (size_t i = 0; i < len; i++) {
        char c = (char)tolower((unsigned char)name[i]);
        if (!((c >= 'a' && c <= 'z') || c == '_'))
            return -1;
        full[4 + i] = c;
    }
    full[4 + len] = '\0';
    cap_value_t v;
    if (cap_from_name(full, &v) != 0 || v < 0 || v >= RP_CAP_BITS)
        return -1;
    return (int)v;
}

/* cap_max_bits() is what the running kernel knows (libcap probes it), so a
 * capability newer than the kernel is not in "all" and is not asked for. */
uint64_t rp_cap_all_mask(void)
{
    unsigned n = (unsigned)cap_max_bits();
    if (n >= RP_CAP_BITS)
        return UINT64_MAX;
    return (UINT64_C(1) << n) - 1;
}

static char cap_names[RP_CAP_BITS][RP_CAP_NAME_MAX];
static pthread_once_t cap_names_once = PTHREAD_ONCE_INIT;

/* libcap hands out malloc'd names; they are copied once into a table so
 * that callers get a string they need not free. libcap spells a capability
 * it has no name for as its number: those stay empty. */
static void cap_names_fill(void)
{
    for (int i = 0; i < RP_CAP_BITS; i++) {
        char *n = cap_to_name((cap_value_t)i);
        if (!n)
            continue;
        if (strncasecmp(n, "cap_", 4) == 0) {
            for (size_t j = 0; n[4 + j] && j < RP_CAP_NAME_MAX - 1; j++)
                cap_names[i][j] = (char)tolower((unsigned char)n[4 + j]);
        }
        cap_free(n);
    }
}

const char *rp_cap_name(int cap)
{
    if (cap < 0 || cap >= RP_CAP_BITS)
        return NULL;
    pthread_once(&cap_names_once, cap_names_fill);
    return cap_names[cap][0] ? cap_names[cap] : NULL;
}

struct errno_name {
    const char *name;
    int value;
};

/* Linux's errno names (errno(3)), one per value. The aliases EWOULDBLOCK,
 * EDEADLOCK and ENOTSUP are left out on purpose: the JSON Schema lists
 * exactly these names, and the two must accept the same files. */
#define E(x)                                                                                       \
    {                                                                                              \
#x, x                                                                                      \
    }
static const struct errno_name errno_names[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
};
#undef E

/* The seccomp filter returns SECCOMP_RET_ERRNO | (errno & SECCOMP_RET_DATA),
 * and libc reads a syscall result in -4095..-1 as an error; libseccomp
 * (2.5.4) refuses 4095 itself in a rule's action (EINVAL when the filter
 * is built), so the format stops at 4094. */
#define RP_ERRNO_MAX 4094

int rp_errno_lookup(const char *name)
{
    if (name[0] >= '1' && name[0] <= '9') {
        long v = 0;
        for (const char *p = name; *p; p++) {
            if (*p < '0' || *p > '9')
                return -1;
            v = v * 10 + (*p - '0');
            if (v > RP_ERRNO_MAX)
                return -1;
        }
        return (int)v;
    }
    for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
        if (strcmp(name, errno_names[i].name) == 0)
            return errno_names[i].value;
    return -1;
}

const char *rp_errno_name(int errnum)
{
    for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
        if (errno_names[i].value == errnum)
            return errno_names[i].name;
    return NULL;
}

int rp_syscall_lookup(const char *name)
{
    /* libseccomp's table is keyed by lower-case names; anything else is
     * refused before asking it. */
    if (!name[0])
        return -1;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return -1;
    /* A syscall that exists on another architecture only resolves to a
     * negative pseudo number (socketcall on x86_64): unknown here. */
    int nr = seccomp_syscall_resolve_name(name);
    return nr < 0 ? -1 : nr;
}

const char *rp_syscall_other_arch(const char *name)
{
    /* The architectures Debian builds for, the ones a node file is likely
     * to have been written (or learned) on. */
    static const struct {
        uint32_t token;
        const char *name;
    } arches[] = {
        {SCMP_ARCH_X86_64, "x86_64"},   {SCMP_ARCH_AARCH64, "aarch64"},
        {SCMP_ARCH_ARM, "arm"},         {SCMP_ARCH_X86, "x86"},
        {SCMP_ARCH_RISCV64, "riscv64"}, {SCMP_ARCH_PPC64LE, "ppc64le"},
        {SCMP_ARCH_S390X, "s390x"},     {SCMP_ARCH_MIPSEL64, "mips64el"},
    };
    /* libseccomp's tables are lower case: "READ" is found in none. */
    if (!name[0] || rp_syscall_lookup(name) >= 0)
        return NULL;
    for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
        if (seccomp_syscall_resolve_name_arch(arches[i].token, name) >= 0)
            return arches[i].name;
    return NULL;
}

struct rlimit_name {
    const char *name;
    int resource;
};

static const struct rlimit_name rlimit_names[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

int rp_rlimit_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
        if (strcmp(name, rlimit_names[i].name) == 0)
            return rlimit_names[i].resource;
    return -1;
}

const char *rp_rlimit_name(int resource)
{
    for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
        if (rlimit_names[i].resource == resource)
            return rlimit_names[i].name;
    return NULL;
}

/* The System V IPC limits and id counters that ipc_namespace holds
 * (ipc/ipc_sysctl.c registers them per namespace). */
static const char *const ipc_kernel_keys[] = {
    "shmmax", "shmall", "shmmni",      "shm_rmid_forced", "msgmax",      "msgmnb",
    "msgmni", "sem",    "msg_next_id", "sem_next_id",     "shm_next_id",
};

/* Writing any other key from inside a node would change the whole host:
 * /proc/sys shows the initial namespace's value for everything a namespace
 * does not own. net.* belongs to the network namespace, fs.mqueue.* to the
 * IPC namespace (the mqueue filesystem follows it). */
bool rp_sysctl_is_namespaced(const char *key, enum rp_ns_kind *ns)
{
    if (strncmp(key, "net.", 4) == 0 && key[4]) {
        *ns = RP_NS_NET;
        return true;
    }
    if (strncmp(key, "fs.mqueue.", 10) == 0 && key[10]) {
        *ns = RP_NS_IPC;
        return true;
    }
    if (strncmp(key, "kernel.", 7) == 0) {
        for (size_t i = 0; i < sizeof(ipc_kernel_keys) / sizeof(ipc_kernel_keys[0]); i++) {
            if (strcmp(key + 7, ipc_kernel_keys[i]) == 0) {
                *ns = RP_NS_IPC;
                return true;
            }
        }
    }
    return false;
}
