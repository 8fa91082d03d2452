# SPDX-License-Identifier: Apache-2.0
# The executor's namespace suite (tests/integration/namespaces.bats), run
# once on this kernel as on the host: root and rootless, the cgroup
# namespace on a real cgroup v2 hierarchy included. Under TCG the suite
# takes about two minutes.
# vm-timeout: 400
. /vmtest/lib.sh
[ -f /vmtest/integration/namespaces.bats ] || fail "namespaces.bats was not packed (INTEGRATION_DIR unset)"
[ -d /vmtest/probes ] || fail "the probes were not packed (PROBES unset or not built)"
REDWRAP=/usr/local/bin/redwrap REDNODE_CONFIG=/usr/local/bin/rednode-config \
REDPAK_SOURCE_DIR=/vmtest PROBES=/vmtest/probes \
    bats --tap /vmtest/integration/namespaces.bats
