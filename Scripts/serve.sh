#!/usr/bin/env bash
# Serves the bundled example mesh (or whatever the arguments say) on a fresh machine: installs the
# Debian packages the build needs when they are missing, then runs `aeraki serve` with the arguments.
#   bash Scripts/serve.sh                      # examples/ on xDS port 15010, admin on 15014
#   bash Scripts/serve.sh --config-dir DIR     # any `aeraki serve` flags
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash Scripts/install-deps.sh
exec swift run aeraki serve "$@"
