#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis servers, started by the tests through the AppHost model.
set -euo pipefail
cd "$(dirname "$0")"
eng/install-local-servers.sh
# The AWS tests drive the CDK through Node.js (jsii); they never need AWS credentials or network lookups.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1 AWS_EC2_METADATA_DISABLED=true
exec dotnet test Todo.sln --logger "console;verbosity=minimal" "$@"
