#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""validate-bundle.py SCHEMA_DIR CONFIG_JSON: checks an OCI bundle's
config.json against the runtime-spec's own JSON Schema files (Debian:
golang-github-opencontainers-specs-dev puts them in
/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema), as
runtime-tools' "oci-runtime-tool validate" does. Prints each error with its
JSON path; exits 1 if any, 0 if none."""
import json
import pathlib
import sys

import jsonschema


def main():
    schema_dir = pathlib.Path(sys.argv[1]).resolve()
    with open(schema_dir / "config-schema.json") as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        config = json.load(f)
    # The schema's $refs name its sibling files (defs.json#/...): resolved
    # against the folder's file: URI.
    resolver = jsonschema.RefResolver(schema_dir.as_uri() + "/", schema)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path)
        print(f"{sys.argv[2]}: /{path}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
