/* SPDX-License-Identifier: Apache-2.0 */
/* Steps 9 and 11: the workload's identity (supplementary groups, gid, uid,
 * exactly as the process plan says) and no_new_privs. */
#include <errno.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "identity.h"
#include "step_message.h"

/* Whether CAP_SETGID is in the effective set: then an EPERM from setgroups
 * can only mean the user namespace denies it. */
static bool have_setgid(void)
{
    cap_t caps = cap_get_proc();
    cap_flag_value_t v = CAP_CLEAR;
    if (caps) {
        cap_get_flag(caps, CAP_SETGID, CAP_EFFECTIVE, &v);
        cap_free(caps);
    }
    return v == CAP_SET;
}

static int set_groups(const struct rp_process_plan *plan, struct rp_error *err)
{
    if (setgroups(plan->n_groups, plan->groups) == 0)
        return 0;
    /* A user namespace mapped by an unprivileged user has setgroups denied
     * (/proc/PID/setgroups), because dropping a group could open files
     * whose mode denies that group. The inherited groups then stay (they
     * show as the overflow gid), which is all an empty list can mean there. */
    if (errno == EPERM && plan->n_groups == 0 && have_setgid())
        return 0;
    if (errno == EPERM && have_setgid())
        return rp_step_error(err, RP_STEP_IDENTITY, EPERM,
                             "process.groups cannot be set in a user namespace mapped by an "
                             "unprivileged user (setgroups is denied)");
    return rp_step_error(err, RP_STEP_IDENTITY, errno, "setgroups (%zu groups)", plan->n_groups);
}

int rp_identity_apply(const struct rp_process_plan *plan, struct rp_error *err)
{
    int rc = set_groups(plan, err);
    if (rc < 0)
        return rc;
    /* The gid first: changing it needs CAP_SETGID, which a non-root uid
     * would already have lost. */
    if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
        return rp_step_error(err, RP_STEP_IDENTITY, errno, "setresgid %u", (unsigned)plan->gid);
    /* When every uid leaves 0 the kernel empties the permitted, effective
     * and ambient sets. Keepcaps saves the permitted set so that the
     * capability step (next) can still drop from the bounding set and
     * raise what the node keeps, ambient included, for a non-root
     * workload. execve clears keepcaps, and it never carries the
     * permitted set of a non-root process into the workload by itself. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return rp_step_error(err, RP_STEP_IDENTITY, errno, "PR_SET_KEEPCAPS");
    if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
        return rp_step_error(err, RP_STEP_IDENTITY, errno, "setresuid %u", (unsigned)plan->uid);
    return 0;
}

int rp_no_new_privs_apply(const struct rp_process_plan *plan, struct rp_error *err)
{
    if (!plan->no_new_privileges)
        return 0;
    /* From here on execve cannot grant privileges: setuid bits and file
     * capabilities are ignored, for the workload and all its children. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return rp_step_error(err, RP_STEP_NO_NEW_PRIVS, errno, "PR_SET_NO_NEW_PRIVS");
    return 0;
}
