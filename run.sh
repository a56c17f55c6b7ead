#!/usr/bin/env bash
# Runs the whole system (PostgreSQL, Redis, the API) with the Aspire dashboard.
set -euo pipefail
cd "$(dirname "$0")"
eng/install-local-servers.sh
exec dotnet run --project Todo.AppHost "$@"
