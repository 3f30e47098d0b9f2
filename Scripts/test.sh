#!/usr/bin/env bash
# The project's test command: installs what the tests need (Debian packages, the Python test
# environment), builds with warnings as errors, and runs every test — Swift, then Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash Scripts/install-deps.sh
bash Scripts/python-env.sh

swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build

export AERAKI_BIN="$(swift build --show-bin-path)/aeraki"
.venv/bin/python -m pytest IntegrationTests -q
