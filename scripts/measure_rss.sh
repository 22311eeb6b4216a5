#!/usr/bin/env bash
# Memory and size (prints figures, asserts nothing; not a test):
#  1. the binary's size;
#  2. peak RSS (VmHWM) of `discover --json` on the large account;
#  3. peak RSS of the TUI on the same account: discovery to the end, 20 moves down the VPC list,
#     a filter, then Enter into the wizard — read from /proc while it still runs, then `q`.
# The large account is the one scripts/bench_discovery.py uses: a moto server seeded by
# tests/fixtures/seed_moto.py --scale large (~200 VPCs, 2,000 subnets, 500 certificates,
# 200 zones, 300 APIs). Seeding takes a few minutes.
#
#   scripts/measure_rss.sh [BIN]     default: the dist binary, else target/release, else debug
#   SCALE=small scripts/measure_rss.sh   quick check on the small account
#   ENDPOINT=http://127.0.0.1:PORT scripts/measure_rss.sh   a moto already seeded that way: measure
#                                                           again without seeding
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${1:-${BIN:-}}
if [ -z "$BIN" ]; then
  for b in "$TARGET_DIR/x86_64-unknown-linux-gnu/dist/fixedip-tui" "$TARGET_DIR/release/fixedip-tui" \
    "$TARGET_DIR/debug/fixedip-tui"; do
    if [ -x "$b" ]; then BIN=$b && break; fi
  done
fi
[ -n "$BIN" ] && [ -x "$BIN" ] || {
  echo "measure_rss.sh: no binary: build one (scripts/dist.sh or cargo build --release) or pass its path" >&2
  exit 1
}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SCALE=${SCALE:-large}
command -v tmux >/dev/null 2>&1 || { echo "measure_rss.sh: tmux is needed for the TUI figure" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "measure_rss.sh: /usr/bin/time (GNU time) is needed" >&2; exit 1; }

# moto, pinned as in scripts/test.sh.
if [ ! -x .venv/bin/moto_server ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==5.2.5" "boto3==1.44.8"
fi

tmp=$(mktemp -d)
sock="rss-$$"
moto_pid=
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 HOME=$tmp XDG_STATE_HOME=$tmp/state
if [ -n "${ENDPOINT:-}" ]; then
  url=$ENDPOINT
else
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  url=http://127.0.0.1:$port
  MOTO_ACM_VALIDATION_WAIT=1 MOTO_EC2_LOAD_DEFAULT_AMIS=false \
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 300); do
    curl -fsS "$url/moto-api/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  start=$(date +%s)
  .venv/bin/python tests/fixtures/seed_moto.py --endpoint "$url" --out "$tmp/manifest.json" --scale "$SCALE" >&2
  counts=$(.venv/bin/python -c 'import json,sys; m=json.load(open(sys.argv[1])); print(", ".join(f"{len(m[k])} {k}" for k in ("vpcs","subnets","certificates","zones","apis")))' "$tmp/manifest.json")
  echo "seeded $SCALE account in $(($(date +%s) - start)) s: $counts" >&2
fi

echo "binary: $BIN"
echo "version: $("$BIN" --version)"
printf '%-44s %s bytes (%s MB)\n' "size" "$(stat -c %s "$BIN")" \
  "$(awk -v b="$(stat -c %s "$BIN")" 'BEGIN{printf "%.1f", b/1e6}')"

# 1. discover --json: peak RSS from GNU time (KiB).
/usr/bin/time -f '%M %e' -o "$tmp/discover.time" \
  "$BIN" --endpoint-url "$url" --log-file "$tmp/discover.log" discover --json >"$tmp/discover.json"
read -r kib secs <"$tmp/discover.time"
vpcs=$(.venv/bin/python -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vpcs"]))' "$tmp/discover.json")
printf '%-44s %s MB (%s KiB; %s s, %s VPCs)\n' "peak RSS, discover --json ($SCALE)" \
  "$(awk -v k="$kib" 'BEGIN{printf "%.1f", k*1024/1e6}')" "$kib" "$secs" "$vpcs"

# 2. The TUI in a real terminal (120x40): the pane runs the binary itself (exec), so pane_pid is
# it. The spinner frames below are src/ui/widgets/mod.rs SPINNER.
screen() { tmux -L "$sock" capture-pane -p -t r; }
loaded() { # the Discovery panel is there and no source is still loading (no spinner, no "loading…")
  local s
  s=$(screen)
  grep -q "Load balancers" <<<"$s" && ! grep -q "loading…" <<<"$s" &&
    ! grep -qF -e ⠋ -e ⠙ -e ⠹ -e ⠸ -e ⠼ -e ⠴ -e ⠦ -e ⠧ -e ⠇ -e ⠏ <<<"$s"
}
tmux -L "$sock" new-session -d -s r -x 120 -y 40 \
  "exec $BIN --endpoint-url $url --log-file $tmp/tui.log"
pid=$(tmux -L "$sock" display -p -t r '#{pane_pid}')
t0=$(date +%s)
until loaded; do
  if [ $(($(date +%s) - t0)) -gt 300 ]; then
    screen >&2
    echo "measure_rss.sh: the TUI did not finish discovery in 300 s" >&2
    exit 1
  fi
  sleep 0.2
done
echo "TUI: discovery done in ~$(($(date +%s) - t0)) s; it shows $(screen | grep -o 'VPCs ([0-9/]*)' | head -n 1)" >&2
for _ in $(seq 20); do tmux -L "$sock" send-keys -t r j; done
tmux -L "$sock" send-keys -t r / p r o d Escape
sleep 0.5
tmux -L "$sock" send-keys -t r Enter
sleep 2
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
printf '%-44s %s MB (%s KiB; %s KiB resident now)\n' "peak RSS, TUI ($SCALE, 120x40)" \
  "$(awk -v k="$hwm" 'BEGIN{printf "%.1f", k*1024/1e6}')" "$hwm" "$rss"
tmux -L "$sock" send-keys -t r Escape q
