#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis servers, started by the tests through the AppHost model.
set -euo pipefail
cd "$(dirname "$0")"
eng/install-local-servers.sh
exec dotnet test Todo.sln --logger "console;verbosity=normal" "$@"
