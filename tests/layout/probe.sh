#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# probe.sh HEADER CC -I... : compiles '#include "HEADER"' with the given
# include path, as the stage whose path it is would.
header=$1 cc=$2
shift 2
printf '#include "%s"\n' "$header" | "$cc" -fsyntax-only -D_GNU_SOURCE -x c - "$@"
