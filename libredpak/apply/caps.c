/* SPDX-License-Identifier: Apache-2.0 */
/* Step 10: the capability plan, in the kernel's order of permission:
 * bounding set first (dropping needs CAP_SETPCAP, still effective then),
 * then permitted/effective/inheritable in one capset, then ambient (a
 * capability can be raised there only once it is both permitted and
 * inheritable). Runs after identity (step 9): with a non-root uid the
 * kernel has emptied the effective set, and identity.c kept the permitted
 * one (PR_SET_KEEPCAPS) so that this step still has something to work with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "caps.h"
#include "step_message.h"

static uint64_t upto(unsigned last_cap)
{
    return last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (last_cap + 1)) - 1;
}

cap_t rp_caps_state(const struct rp_caps_plan *plan, unsigned last_cap)
{
    cap_t caps = cap_init(); /* every set empty */
    if (!caps)
        return NULL;
    const struct {
        cap_flag_t flag;
        uint64_t mask;
    } sets[] = {
        {CAP_PERMITTED, plan->permitted},
        {CAP_EFFECTIVE, plan->effective},
        {CAP_INHERITABLE, plan->inheritable},
    };
    for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
        uint64_t mask = sets[s].mask & upto(last_cap);
        for (cap_value_t cap = 0; cap <= (cap_value_t)last_cap && cap < 64; cap++) {
            if (!(mask & (UINT64_C(1) << cap)))
                continue;
            if (cap_set_flag(caps, sets[s].flag, 1, &cap, CAP_SET) < 0) {
                int saved = errno;
                cap_free(caps);
                errno = saved;
                return NULL;
            }
        }
    }
    return caps;
}

uint64_t rp_caps_bounding_drops(const struct rp_caps_plan *plan, unsigned last_cap)
{
    return ~plan->bounding & upto(last_cap);
}

static void free_caps(cap_t *caps)
{
    if (*caps)
        cap_free(*caps);
}

static const char *cap_label(unsigned cap)
{
    /* Names for messages; a number when libcap does not know the cap. */
    static char buf[32];
    char *name = cap_to_name((cap_value_t)cap);
    if (!name)
        return "?";
    snprintf(buf, sizeof(buf), "%s", name);
    cap_free(name);
    return buf;
}

/* After a change to a non-root uid only the permitted set survived (with
 * keepcaps); dropping from the bounding set needs CAP_SETPCAP effective,
 * so the permitted set is made effective first. */
static int raise_effective(struct rp_error *err)
{
    cap_t caps __attribute__((cleanup(free_caps))) = cap_get_proc();
    if (!caps)
        return rp_step_error(err, RP_STEP_CAPS, errno, "reading the current sets");
    if (cap_fill(caps, CAP_EFFECTIVE, CAP_PERMITTED) < 0 || cap_set_proc(caps) < 0)
        return rp_step_error(err, RP_STEP_CAPS, errno, "raising the effective set");
    return 0;
}

int rp_caps_apply(const struct rp_caps_plan *plan, struct rp_error *err)
{
    if (!plan->set)
        return 0;
    unsigned last_cap = (unsigned)cap_max_bits() - 1;
    int rc = raise_effective(err);
    if (rc < 0)
        return rc;

    uint64_t drops = rp_caps_bounding_drops(plan, last_cap);
    for (unsigned cap = 0; cap <= last_cap && cap < 64; cap++) {
        if ((drops & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return rp_step_error(err, RP_STEP_CAPS, errno, "dropping %s from the bounding set",
                                 cap_label(cap));
    }

    cap_t caps __attribute__((cleanup(free_caps))) = rp_caps_state(plan, last_cap);
    if (!caps)
        return rp_step_error(err, RP_STEP_CAPS, errno, "building the sets");
    if (cap_set_proc(caps) < 0)
        return rp_step_error(err, RP_STEP_CAPS, errno,
                             "setting permitted, effective and inheritable");

    /* Ambient is cleared first: a set inherited from redwrap's caller must
     * not add to what the node asked for. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        return rp_step_error(err, RP_STEP_CAPS, errno, "clearing the ambient set");
    for (unsigned cap = 0; cap <= last_cap && cap < 64; cap++) {
        if ((plan->ambient & (UINT64_C(1) << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return rp_step_error(err, RP_STEP_CAPS, errno,
                                 "raising %s in the ambient set (it must be permitted and "
                                 "inheritable)",
                                 cap_label(cap));
    }
    return 0;
}
