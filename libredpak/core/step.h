/* SPDX-License-Identifier: Apache-2.0 */
/* The thirteen steps of docs/apply-order.md, in the order redwrap applies
 * them. One table names them for everything that shows a step: the plan
 * printer's headings, -v logging and the executor's error messages
 * ("namespaces (step 6): hostname web1: ..."). */
#ifndef REDPAK_STEP_H
#define REDPAK_STEP_H

enum rp_step {
    RP_STEP_PLAN = 1,   /* parse, validate, plan (parent) */
    RP_STEP_HOST,       /* host plan */
    RP_STEP_CGROUP,     /* cgroup plan */
    RP_STEP_CLONE,      /* the first process in its namespaces */
    RP_STEP_ID_MAPS,    /* user namespace maps, time offsets */
    RP_STEP_NAMESPACES, /* joins, hostname, loopback, sysctls */
    RP_STEP_MOUNTS,     /* mount and tmpfs plans, pivot_root */
    RP_STEP_PROCESS,    /* rlimits, umask, cwd, environment, fds */
    RP_STEP_IDENTITY,   /* groups, gid, uid */
    RP_STEP_CAPS,       /* capability sets */
    RP_STEP_NO_NEW_PRIVS,
    RP_STEP_SECCOMP,
    RP_STEP_SUPERVISE, /* execve, supervise, tear down */
};
#define RP_STEP_COUNT RP_STEP_SUPERVISE

/* "host", "user namespace maps", ...: the heading of docs/apply-order.md
 * and of `rednode-config plan`; "?" outside the range. */
const char *rp_step_name(enum rp_step step);

#endif
