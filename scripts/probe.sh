#!/usr/bin/env bash
# Performance probe (prints figures, asserts nothing):
#  1. time from process start to the first frame, read from the app's own log line, in a real
#     terminal (tmux), N runs, for --demo and for an unreachable real account (credentials pending);
#  2. bytes written to the terminal per interaction (examples/render_probe.rs);
#  3. bytes written while idle for 3 s (tmux pipe-pane counts what reaches the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/fixedip-tui}
[ -x "$BIN" ] || BIN=target/debug/fixedip-tui
RUNS=${RUNS:-5}
tmp=$(mktemp -d)
sock="probe-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT

first_frame() { # $1 = extra args, $2 = label
  local ms=()
  for i in $(seq "$RUNS"); do
    local log="$tmp/ff-$i.log"
    rm -f "$log"
    tmux -L "$sock" new-session -d -s p -x 80 -y 24 \
      "env HOME=$tmp XDG_STATE_HOME=$tmp/state AWS_EC2_METADATA_DISABLED=true $BIN --log-file $log $1; sleep 5"
    for _ in $(seq 100); do grep -q "first frame drawn" "$log" 2>/dev/null && break; sleep 0.05; done
    ms+=("$(grep -o 'first frame drawn [0-9]* ms' "$log" | grep -o '[0-9]*' || echo '?')")
    tmux -L "$sock" kill-server 2>/dev/null || true
    sleep 0.2
  done
  printf '%-44s %s ms (runs: %s)\n' "first frame, $2" "$(printf '%s\n' "${ms[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')" "${ms[*]}"
}

echo "binary: $BIN"
first_frame "--demo" "--demo"
first_frame "--region us-east-1 --endpoint-url http://127.0.0.1:9" "real account (endpoint down)"

# Idle: after the demo has loaded, count the bytes that reach the terminal in 3 s.
tmux -L "$sock" new-session -d -s p -x 80 -y 24 "env HOME=$tmp XDG_STATE_HOME=$tmp/state $BIN --demo; sleep 5"
for _ in $(seq 100); do tmux -L "$sock" capture-pane -p -t p | grep -q prod-core && break; sleep 0.05; done
sleep 0.5
tmux -L "$sock" pipe-pane -t p -o "cat > $tmp/idle.bytes"
sleep 3
tmux -L "$sock" pipe-pane -t p
printf '%-44s %s bytes\n' "idle for 3 s after loading (80x24)" "$(wc -c < "$tmp/idle.bytes")"
tmux -L "$sock" pipe-pane -t p -o "cat > $tmp/move.bytes"
tmux -L "$sock" send-keys -t p j
sleep 0.5
tmux -L "$sock" pipe-pane -t p
printf '%-44s %s bytes\n' "one selection move in a real terminal" "$(wc -c < "$tmp/move.bytes")"
tmux -L "$sock" kill-server 2>/dev/null || true

cargo run --quiet --example render_probe
