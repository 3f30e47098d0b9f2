#!/usr/bin/env bash
# Creates (or refreshes) the project's Python virtualenv at <repo>/.venv from
# IntegrationTests/requirements.txt. Prints nothing but errors.
#
# Usage: bash Scripts/python-env.sh && .venv/bin/python ...
#
# The venv is rebuilt when it is missing, broken, or when requirements.txt has
# changed since it was last installed (a hash is kept in .venv/.requirements.sha256).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
requirements="$repo_root/IntegrationTests/requirements.txt"
stamp="$venv/.requirements.sha256"

python_bin="${PYTHON:-python3}"
if ! command -v "$python_bin" >/dev/null 2>&1; then
    echo "python-env.sh: $python_bin not found (set PYTHON=/path/to/python3)" >&2
    exit 1
fi

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] \
    && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! {
    rm -rf "$venv"
    "$python_bin" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
} >"$log" 2>&1; then
    cat "$log" >&2
    echo "python-env.sh: failed to create $venv" >&2
    exit 1
fi
echo "$want" >"$stamp"
