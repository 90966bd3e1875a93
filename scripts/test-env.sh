#!/usr/bin/env bash
# Gets a Debian machine with Go and Node.js ready for `make test`, then
# runs the command it is given (make passes its own test targets) and
# cleans up after it:
#   - Debian packages the tests drive, when missing: chromium (browser
#     tests), prometheus (promtool), prometheus-alertmanager (amtool),
#     redis-server (the cluster drills start their own); as root, or with
#     sudo when there is one;
#   - Go modules (npm dependencies are make targets of their own);
#   - a throw-away Redis on 127.0.0.1:6379 when none answers there (the
#     two-node tests need one), stopped again when the command ends.
# PARLEY_TEST_NO_INSTALL=1 only reports what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

command -v go >/dev/null || { echo "test-env: Go is not installed (README: needs Go 1.26)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "test-env: Node.js and npm are not installed (README: needs Node.js 20.19+)" >&2; exit 1; }

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
command -v redis-server >/dev/null || missing+=(redis-server)

if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && [[ -z ${PARLEY_TEST_NO_INSTALL:-} ]]; then
      sudo=(sudo)
    else
      echo "test-env: missing Debian packages: ${missing[*]}" >&2
      echo "test-env: install them (apt-get install ${missing[*]}) or run as root" >&2
      exit 1
    fi
  fi
  if [[ -n ${PARLEY_TEST_NO_INSTALL:-} ]]; then
    echo "test-env: missing Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  echo "test-env: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # On a host with systemd the packages also start their servers (9090,
  # 9093, 6379): nothing here uses them, and the machine is left as it was.
  if command -v systemctl >/dev/null; then
    for unit in prometheus prometheus-alertmanager redis-server; do
      if systemctl is-active --quiet "$unit" 2>/dev/null && [[ " ${missing[*]} " == *" ${unit} "* ]]; then
        "${sudo[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
      fi
    done
  fi
fi

go mod download

redis_pid=""
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  dir=$(mktemp -d)
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do
    [[ -s $dir/redis.pid ]] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break
    sleep 0.1
  done
  redis_pid=$(cat "$dir/redis.pid")
  echo "test-env: started a throw-away Redis on 127.0.0.1:6379 (pid $redis_pid)"
  trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
fi

"$@"
