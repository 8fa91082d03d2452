#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the node format's three descriptions against each other.

  check_schema.py self       the JSON Schema is a valid draft 2020-12 schema, and
                             `rednode-config schema` prints exactly that file
  check_schema.py examples   every schemas/examples/*.yaml is accepted by
                             `rednode-config validate` and by the JSON Schema, and
                             every-key*.yaml together use every key of the schema
  check_schema.py invalid    every schemas/invalid/* is rejected by rednode-config
                             (exit 1, an error at the `# expect:` position and key
                             path) and by YAML loading or the JSON Schema, unless
                             marked `# schema: parser-only`; a parser-only file must
                             then pass the schema, so the mark stays honest; and a
                             file one byte over the 1 MiB limit, made on the fly
                             (too big to keep in the tree), is rejected at 1:1

Environment: REDNODE_CONFIG (the binary under test), REDPAK_SOURCE_DIR.
Ends with "N passed, N failed"; exits 1 if any failed.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

SOURCE = os.environ.get("REDPAK_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCHEMA_FILE = os.path.join(SOURCE, "schemas", "rednode.schema.json")
EXAMPLES = os.path.join(SOURCE, "schemas", "examples")
INVALID = os.path.join(SOURCE, "schemas", "invalid")


class DuplicateKey(yaml.YAMLError):
    pass


def core_loader(reject_duplicates):
    """A SafeLoader that reads scalars as the YAML 1.2 core schema does
    (docs/architecture.md, "YAML 1.2 core schema"), keeps keys as the
    text written, and optionally refuses duplicate keys like the parser
    does."""

    class Core12Loader(yaml.SafeLoader):
        pass

    # Forget YAML 1.1's implicit types (yes/no/on/off booleans, 0755 octal,
    # sexagesimal ints, timestamps, merge keys) and register the core schema's.
    Core12Loader.yaml_implicit_resolvers = {}
    Core12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    Core12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    Core12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"))
    Core12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"),
        list("-+.0123456789"))

    def construct_int(loader, node):
        text = loader.construct_scalar(node)
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_bool(loader, node):
        return loader.construct_scalar(node).lower() == "true"

    def construct_mapping(loader, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping",
                                                    node.start_mark)
        seen = {}
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(None, None, "keys must be scalars",
                                                        key_node.start_mark)
            key = key_node.value
            if key in seen and reject_duplicates:
                raise DuplicateKey("duplicate key %r at %s (first at %s)"
                                   % (key, key_node.start_mark, seen[key]))
            seen[key] = key_node.start_mark
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    Core12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Core12Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    Core12Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    return Core12Loader


def load_yaml(path, reject_duplicates=True):
    with open(path, "rb") as f:
        data = f.read()
    return yaml.load(data, Loader=core_loader(reject_duplicates))


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print("ok     %s" % name)
        else:
            self.failed += 1
            print("FAILED %s%s" % (name, ": " + detail if detail else ""))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def validator():
    with open(SCHEMA_FILE) as f:
        return jsonschema.Draft202012Validator(json.load(f))


def schema_errors(v, document):
    return sorted(v.iter_errors(document), key=lambda e: list(e.absolute_path))


def rednode_config(*args):
    exe = os.environ.get("REDNODE_CONFIG")
    if not exe:
        sys.exit("check_schema.py: set REDNODE_CONFIG to the rednode-config under test")
    return subprocess.run([exe, *args], capture_output=True, timeout=60)


def check_self(r):
    with open(SCHEMA_FILE) as f:
        text = f.read()
    try:
        jsonschema.Draft202012Validator.check_schema(json.loads(text))
        r.check(True, "schema is a valid draft 2020-12 schema")
    except jsonschema.SchemaError as e:
        r.check(False, "schema is a valid draft 2020-12 schema", e.message)
    out = rednode_config("schema")
    r.check(out.returncode == 0 and out.stdout.decode() == text,
            "rednode-config schema prints schemas/rednode.schema.json",
            "exit %d, %d bytes" % (out.returncode, len(out.stdout)))


# Mappings whose keys are data (sysctl names, variable names, rlimits): the
# schema describes their values once, under "*". host.sysctl is not one: it
# names each key it takes, with its own range.
MAP_KEYS = ("sysctl", "process.env.set", "process.rlimits")


def schema_keys(schema):
    """Every key path the schema allows, mounts per type: "mounts[bind].source",
    "seccomp.syscalls[].args[].mask", "process.rlimits.*.soft"."""
    defs = schema["$defs"]
    keys = set()

    def walk(x, path, depth=0):
        if not isinstance(x, dict) or depth > 16:
            return
        ref = x.get("$ref", "")
        if ref.startswith("#/$defs/") and ref.count("/") == 2:
            walk(defs[ref.rsplit("/", 1)[1]], path, depth + 1)
        for k, v in x.get("properties", {}).items():
            if path.endswith("[]") and k == "type" and "const" in v:
                continue
            keys.add(path + "." + k if path else k)
            walk(v, path + "." + k if path else k, depth + 1)
        for sub in x.get("allOf", []) + x.get("anyOf", []) + x.get("oneOf", []):
            if path == "mounts[]" and "then" in sub and "if" in sub:
                kind = sub["if"].get("properties", {}).get("type", {}).get("const")
                if kind:
                    walk(sub["then"], "mounts[%s]" % kind, depth + 1)
                    continue
            walk(sub, path, depth + 1)
        for key in ("then", "else"):
            walk(x.get(key), path, depth + 1)
        walk(x.get("items"), path + "[]", depth + 1)
        if isinstance(x.get("additionalProperties"), dict):
            walk(x["additionalProperties"], path + ".*", depth + 1)

    walk(schema, "")
    return {k for k in keys if not k.startswith("mounts[].")}


def document_keys(doc, path="", keys=None):
    keys = set() if keys is None else keys
    if isinstance(doc, dict):
        for k, v in doc.items():
            p = path + "." + k if path else k
            if path in MAP_KEYS:
                p = path + ".*"
            else:
                keys.add(p)
            document_keys(v, p, keys)
    elif isinstance(doc, list):
        for item in doc:
            p = path + "[]"
            if path == "mounts" and isinstance(item, dict):
                p = "mounts[%s]" % item.get("type")
            document_keys(item, p, keys)
    return keys


def check_examples(r):
    v = validator()
    files = sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml")))
    r.check(len(files) > 0, "examples exist")
    for path in files:
        name = "examples/" + os.path.basename(path)
        out = rednode_config("validate", path)
        r.check(out.returncode == 0, name + " passes rednode-config validate",
                "exit %d: %s" % (out.returncode, out.stderr.decode(errors="replace").strip()))
        try:
            errors = schema_errors(v, load_yaml(path))
            detail = "; ".join("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:160])
                               for e in errors[:3])
            r.check(not errors, name + " passes the JSON Schema", detail)
        except yaml.YAMLError as e:
            r.check(False, name + " passes the JSON Schema", "YAML: %s" % e)
    with open(SCHEMA_FILE) as f:
        wanted = schema_keys(json.load(f))
    used = set()
    for path in glob.glob(os.path.join(EXAMPLES, "every-key*.yaml")):
        document_keys(load_yaml(path), "", used)
    missing = sorted(wanted - used)
    r.check(len(wanted) > 80 and not missing,
            "every-key*.yaml use each of the schema's %d keys" % len(wanted),
            "missing: " + ", ".join(missing))


EXPECT = re.compile(rb"^# expect: (\d+):(\d+)(?: (\S+))?\s*$")
PARSER_ONLY = re.compile(rb"^# schema: parser-only\b", re.M)


def read_expect(path):
    """(line, column, key_path, parser_only) from the file's first line or,
    for files that cannot carry a comment, from NAME.expect next to it."""
    sidecar = path + ".expect"
    source = sidecar if os.path.exists(sidecar) else path
    with open(source, "rb") as f:
        data = f.read()
    m = EXPECT.match(data.split(b"\n", 1)[0])
    if not m:
        return None
    key = m.group(3).decode() if m.group(3) else ""
    return int(m.group(1)), int(m.group(2)), key, bool(PARSER_ONLY.search(data))


def check_invalid(r):
    v = validator()
    files = sorted(p for p in glob.glob(os.path.join(INVALID, "*")) if not p.endswith(".expect"))
    r.check(len(files) >= 40, "the invalid corpus has at least 40 files", "%d" % len(files))
    for path in files:
        name = "invalid/" + os.path.basename(path)
        expect = read_expect(path)
        if not expect:
            r.check(False, name, "no '# expect: LINE:COLUMN key.path' line")
            continue
        line, column, key, parser_only = expect

        out = rednode_config("validate", path)
        stderr = out.stderr.decode(errors="replace")
        prefix = "%s:%d:%d: " % (path, line, column)
        hits = [l for l in stderr.splitlines() if l.startswith(prefix)
                and (not key or l[len(prefix):].startswith(key + ": "))]
        r.check(out.returncode == 1 and hits,
                "%s is rejected by rednode-config at %d:%d %s" % (name, line, column, key),
                "exit %d: %s" % (out.returncode, stderr.strip()[:400]))

        if parser_only:
            # The schema cannot see this error: the file must pass it, or
            # the mark hides a gap in the schema.
            try:
                errors = schema_errors(v, load_yaml(path, reject_duplicates=False))
                detail = "; ".join("%s: %s" % ("/".join(map(str, e.absolute_path)),
                                               e.message[:160]) for e in errors[:3])
                r.check(not errors, name + " (parser-only) passes the JSON Schema", detail)
            except yaml.YAMLError as e:
                r.check(False, name + " (parser-only) passes the JSON Schema", "YAML: %s" % e)
            continue
        try:
            errors = schema_errors(v, load_yaml(path))
            r.check(bool(errors), name + " is rejected by the JSON Schema", "it validates")
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            r.check(True, name + " is rejected by YAML loading")
    check_too_large(r)


def check_too_large(r):
    """A valid node padded with comments to 1 MiB + 1 byte: refused before
    parsing, at 1:1, with no key path."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "too-large.yaml")
        head = b"version: 1\nnode: t\n"
        line = b"#" + b"x" * 1022 + b"\n"
        padded = head + line * ((1024 * 1024 - len(head)) // len(line) + 1)
        body = padded[:1024 * 1024] + b"\n"    # 1 MiB, then one byte too many
        with open(path, "wb") as f:
            f.write(body)
        out = rednode_config("validate", path)
        stderr = out.stderr.decode(errors="replace")
        ok = out.returncode == 1 and any(l.startswith(path + ":1:1: ")
                                         for l in stderr.splitlines())
        r.check(ok, "a file of 1 MiB + 1 byte is rejected by rednode-config at 1:1",
                "%d bytes, exit %d: %s" % (len(body), out.returncode, stderr.strip()[:300]))


def main():
    modes = {"self": check_self, "examples": check_examples, "invalid": check_invalid}
    if len(sys.argv) != 2 or sys.argv[1] not in modes:
        sys.exit("usage: check_schema.py self|examples|invalid")
    r = Results()
    modes[sys.argv[1]](r)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
