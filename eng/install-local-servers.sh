#!/usr/bin/env bash
# Installs PostgreSQL and Redis from Debian where they are missing and no container runtime answers:
# the AppHost (and the tests, which start servers the same way) then run them as local processes.
# Debian starts a system service for each package it installs (its Redis listens on 6379 without a password);
# the AppHost runs its own servers, so the services this script installed are stopped and disabled.
# Elsewhere (macOS, say) it names what to install and stops.
set -euo pipefail

# Whether a command succeeds within 5 s: `timeout` is not on every system (macOS has none).
answers() {
  command -v "$1" >/dev/null || return 1
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return; }
    sleep 0.1
  done
  kill "$pid" 2>/dev/null
  return 1
}

mode="${Todo__LocalServices:-auto}"
if [ "$mode" != "processes" ] && { answers docker info || answers podman info; }; then
  exit 0 # containers will be used
fi

missing=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || command -v postgres >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || command -v valkey-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "PostgreSQL and Redis run as local processes when no container runtime answers, and ${missing[*]} is missing:" >&2
  echo "start Docker or Podman, or install PostgreSQL and Redis (on macOS: brew install postgresql@16 redis), then run again." >&2
  exit 1
fi

echo "Installing ${missing[*]} (PostgreSQL and Redis run as local processes: no container runtime answered)..."
"$(dirname "$0")/apt-install.sh" "${missing[@]}"

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
for service in "${missing[@]}"; do # each package's service has the package's name
  if [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now --quiet "$service"
  elif [ -x "/etc/init.d/$service" ]; then
    "${sudo[@]}" "/etc/init.d/$service" stop >/dev/null
    "${sudo[@]}" update-rc.d "$service" disable >/dev/null 2>&1
  fi
done
