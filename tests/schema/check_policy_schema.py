#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""schemas/rednode-policy.schema.json against the parser: it is a valid
draft 2020-12 schema; every schemas/policy-examples/*.yaml passes it and, as
root, works as `rednode-config validate --policy EXAMPLE` of a node that
meets it; a few wrong policies fail both.

Environment: REDNODE_CONFIG, REDPAK_SOURCE_DIR. Ends with "N passed, N
failed"; exits 1 if any failed."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_schema import Results, core_loader  # noqa: E402

import yaml  # noqa: E402

SOURCE = os.environ["REDPAK_SOURCE_DIR"]
SCHEMA = json.load(open(os.path.join(SOURCE, "schemas", "rednode-policy.schema.json")))

NODE = """version: 1
node: n
capabilities: {keep: []}
seccomp: {default_action: errno}
cgroup: {items: {memory.max: 64M}}
mounts: [{type: bind, path: /usr, source: /usr}]
"""

WRONG = {
    "unknown-rule": "version: 1\npolicy: {forbid: {namespaces.net: new}}\n",
    "unknown-key": "version: 1\npolicy: {forbids: {}}\n",
    "require-host": "version: 1\npolicy: {require: {namespaces.net: host}}\n",
}


def errors(doc):
    return list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc))


def load(text):
    return yaml.load(text, Loader=core_loader(True))


def rednode_config(policy, node):
    return subprocess.run([os.environ["REDNODE_CONFIG"], "validate", node, "--policy", policy],
                          capture_output=True)


def main():
    r = Results()
    try:
        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        r.check(True, "the policy schema is a draft 2020-12 schema")
    except jsonschema.SchemaError as e:
        r.check(False, "the policy schema is a draft 2020-12 schema", str(e)[:200])
    root = os.geteuid() == 0
    tmp = tempfile.mkdtemp(prefix="redpak-policy-")
    os.chmod(tmp, 0o755)
    node = os.path.join(tmp, "node.yaml")
    with open(node, "w") as f:
        f.write(NODE)
    try:
        for path in sorted(glob.glob(os.path.join(SOURCE, "schemas", "policy-examples", "*.yaml"))):
            name = "policy-examples/" + os.path.basename(path)
            e = errors(load(open(path).read()))
            r.check(not e, name + " passes the policy schema", "; ".join(x.message for x in e[:3]))
            if root:
                copy = os.path.join(tmp, os.path.basename(path))
                shutil.copy(path, copy)
                os.chmod(copy, 0o644)
                out = rednode_config(copy, node)
                r.check(out.returncode == 0, name + " works as the policy of a node meeting it",
                        out.stderr.decode(errors="replace").strip())
        for name, text in WRONG.items():
            r.check(errors(load(text)), name + " fails the policy schema")
            if root:
                copy = os.path.join(tmp, name + ".yaml")
                with open(copy, "w") as f:
                    f.write(text)
                os.chmod(copy, 0o644)
                out = rednode_config(copy, node)
                r.check(out.returncode == 1, name + " fails rednode-config",
                        "exit %d" % out.returncode)
    finally:
        shutil.rmtree(tmp)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
