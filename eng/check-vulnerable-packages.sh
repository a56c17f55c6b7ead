#!/usr/bin/env bash
# Fails when any package, direct or transitive, has a known vulnerability.
set -euo pipefail
cd "$(dirname "$0")/.."
report="$(dotnet list Todo.sln package --vulnerable --include-transitive 2>&1)"
echo "$report" | grep -v "^\s*$"
if echo "$report" | grep -qiE "has the following vulnerable packages|error"; then
  echo "Vulnerable or unverifiable packages: see above." >&2
  exit 1
fi
