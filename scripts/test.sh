#!/usr/bin/env bash
# The one command that installs what the tests need and runs every test.
# Fresh machine: Rust (cargo) and Python 3 with venv/pip; tmux for the real-terminal test.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
BOTO3_VERSION=1.44.8

# 1. moto server (pinned) in a local venv, reused between runs.
if [ ! -x .venv/bin/moto_server ] || ! .venv/bin/python -c "import moto,sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION"
fi
export FIXEDIP_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export FIXEDIP_PYTHON="$PWD/.venv/bin/python"
# cfn-lint comes with moto[server]; tests/it/export_cfn.rs validates the exported templates with it.
export FIXEDIP_CFN_LINT="$PWD/.venv/bin/cfn-lint"

# 2. tmux for the real-binary test (installed from Debian's packages when missing and possible).
if ! command -v tmux >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq tmux >/dev/null || echo "warning: could not install tmux" >&2
  else
    echo "warning: tmux not found: install it (apt-get install tmux) for the real-terminal test" >&2
  fi
fi

# 3. Lints, then every test (unit, snapshots, simulated account, moto, tmux).
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
# Every integration test is in one binary (tests/it/main.rs); nextest runs each test in a process
# of its own, which the tests rely on (some set environment variables or start servers).
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
# The examples (benchmarks) are type-checked by clippy above and not built again here.
cargo nextest run --lib --bins --tests --locked --no-fail-fast
cargo test --doc --locked
