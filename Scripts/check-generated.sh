#!/usr/bin/env bash
# Regenerates the protobuf code and fails if the committed files differ (CI guard: generated
# code is never edited by hand).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bash Scripts/generate-protos.sh

paths=(Sources/EnvoyAPI Sources/MeshAPI proto/module-mappings.asciipb)
status=0
git diff --exit-code -- "${paths[@]}" || status=1
untracked="$(git ls-files --others --exclude-standard -- "${paths[@]}")"
if [[ -n "$untracked" ]]; then
    echo "check-generated: untracked generated files:" >&2
    echo "$untracked" >&2
    status=1
fi
if [[ "$status" -ne 0 ]]; then
    echo "check-generated: generated code is out of date; run Scripts/generate-protos.sh and commit" >&2
fi
exit "$status"
