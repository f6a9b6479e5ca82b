#!/usr/bin/env bash
# prunelab's CCA, SVCCA, PWCCA and CKA agree with a NumPy implementation of the published
# reference code (suites/interop/sim_reference.py) on small random layer pairs, through
# `prunelab sim --json`.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/sim_reference.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
/usr/bin/python3 "$here/sim_reference_check.py" "$P"
