#!/usr/bin/env bash
# Starts moto's server (the AWS emulator in .venv, prepared by scripts/moto-venv.sh)
# on a free 127.0.0.1 port and waits until it answers: one copy for the scripts that
# sweep it. Sourced, not run, so that the server is the caller's child and the
# caller's exit trap can stop it:
#
#   . scripts/moto-server.sh
#   moto_server_start "$out/moto.log"     # moto's access log goes to that file
#   pids+=("$MOTO_PID")                   # stop it on exit
#   endpoint=$MOTO_ENDPOINT               # http://127.0.0.1:PORT
#
# On failure it stops the server it started and returns 1.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  echo "moto-server.sh: source it (. scripts/moto-server.sh), then call moto_server_start LOG" >&2
  exit 2
fi

moto_server_start() { # LOG
  local log=$1 root port
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  bash "$root/scripts/moto-venv.sh"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MOTO_ENDPOINT="http://127.0.0.1:$port"
  # AWS-managed policies, as the live tests load them: real accounts have them too.
  # ListBuckets paged as S3 pages it (see scripts/moto-paged-server.py).
  MOTO_IAM_LOAD_MANAGED_POLICIES=true "$root/.venv/bin/python" "$root/scripts/moto-paged-server.py" \
    -H 127.0.0.1 -p "$port" </dev/null >/dev/null 2>"$log" &
  MOTO_PID=$!
  local _
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$MOTO_ENDPOINT/moto-api/" && return 0
    # Gone already (the port was taken meanwhile, a broken venv): no use waiting.
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "moto-server: moto did not answer at $MOTO_ENDPOINT (log: $log)" >&2
  kill -TERM "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  return 1
}
