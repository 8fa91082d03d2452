/* SPDX-License-Identifier: Apache-2.0 */
/* The admin policy's forbid rules for what reaches past the node's own
 * namespaces (docs/node-format.md, "Admin policy"): a network mode that
 * connects the node to the host's network, published ports, host-wide
 * sysctls, and the identity user namespace that maps host root in. */
#include "error_internal.h"
#include "family.h"

#include <stdio.h>
#include <string.h>

/* network.mode takes one mode or several joined by '|': "pasta|veth". */
static bool modes_ok(const char *v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", v);
    if (!*buf || strlen(v) >= sizeof(buf))
        return false;
    for (char *save = NULL, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
        if (strcmp(t, "pasta") && strcmp(t, "veth"))
            return false;
    return true;
}

static bool modes_have(const char *v, const char *mode)
{
    size_t n = strlen(mode);
    for (const char *s = v; (s = strstr(s, mode)); s += n)
        if ((s == v || s[-1] == '|') && (s[n] == '\0' || s[n] == '|'))
            return true;
    return false;
}

int fam_policy_rule_more(bool forbid, const char *key, const char *v, char *why, size_t wl)
{
    if (!strcmp(key, "network.mode")) {
        if (forbid && modes_ok(v))
            return 1;
        return snprintf(why, wl, "network.mode: forbid 'pasta', 'veth' or 'pasta|veth'"), 0;
    }
    if (!strcmp(key, "network.ports") || !strcmp(key, "host.sysctl")) {
        if (forbid && !strcmp(v, "set"))
            return 1;
        return snprintf(why, wl, "%s: forbid 'set' (any entry)", key), 0;
    }
    if (!strcmp(key, "user_namespace")) {
        if (forbid && !strcmp(v, "identity"))
            return 1;
        return snprintf(why, wl, "user_namespace: forbid 'identity'"), 0;
    }
    return -1;
}

bool fam_policy_breaks_more(const char *key, const char *value, const struct rp_node *n,
                            const struct rp_pos **where, char *what, size_t wl)
{
    const struct rp_network *net = &n->network;
    if (!strcmp(key, "network.mode")) {
        const char *mode = net->mode == RP_NET_PASTA ? "pasta"
            : net->mode == RP_NET_VETH               ? "veth"
                                                     : NULL;
        *where = net->mode_pos.line ? &net->mode_pos : &net->pos;
        snprintf(what, wl, "network.mode is '%s'", mode ? mode : "none");
        return mode && modes_have(value, mode);
    }
    if (!strcmp(key, "network.ports")) {
        if (!net->n_ports)
            return false;
        *where = &net->ports[0].pos;
        snprintf(what, wl, "it publishes %s:%u",
                 net->ports[0].host_addr ? net->ports[0].host_addr : "?", net->ports[0].host_port);
        return true;
    }
    if (!strcmp(key, "host.sysctl")) {
        if (!n->host_sysctl.n)
            return false;
        *where = &n->host_sysctl.v[0].pos;
        snprintf(what, wl, "it sets the host sysctl %s", n->host_sysctl.v[0].key);
        return true;
    }
    if (!strcmp(key, "user_namespace")) {
        *where = &n->user_namespace_pos;
        snprintf(what, wl, "user_namespace is 'identity'");
        return n->user_namespace_identity;
    }
    return false;
}
