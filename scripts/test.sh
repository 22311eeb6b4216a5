#!/usr/bin/env bash
# The one command that installs what the tests need and runs every test.
# Fresh machine: Rust (cargo) and Python 3 with venv/pip; tmux and shellcheck (Debian packages,
# installed here when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
BOTO3_VERSION=1.44.8
# The AWS CLI (v1, from PyPI) that checks the `aws` lines and runs the exported scripts; its
# version goes with boto3's botocore.
AWSCLI_VERSION=1.46.3

# 1. moto server and the AWS CLI (pinned) in a local venv, reused between runs. Installed in the
# background while the code is linted and built (pip waits on the network, cargo on the CPU);
# the tests wait for it.
setup_venv() {
  if [ ! -x .venv/bin/moto_server ] || ! .venv/bin/python -c "import moto,sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION"
  fi
  if [ ! -x .venv/bin/aws ] || ! .venv/bin/python -c "import awscli,sys; sys.exit(awscli.__version__ != '$AWSCLI_VERSION')" 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION" "boto3==$BOTO3_VERSION"
  fi
}
mkdir -p target
setup_venv > target/venv-setup.log 2>&1 &
VENV_SETUP=$!
export FIXEDIP_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export FIXEDIP_PYTHON="$PWD/.venv/bin/python"
# cfn-lint comes with moto[server]; tests/it/export_cfn.rs validates the exported templates with it.
export FIXEDIP_CFN_LINT="$PWD/.venv/bin/cfn-lint"

# 2. tmux for the real-binary test, shellcheck for the exported scripts (installed from Debian's
# packages when missing and possible).
for tool in tmux shellcheck; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq "$tool" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$tool" >/dev/null; } \
        || echo "warning: could not install $tool" >&2
    else
      echo "warning: $tool not found: install it (apt-get install $tool) for the tests that need it" >&2
    fi
  fi
done

# 3. Lints, then every test (unit, snapshots, simulated account, moto, tmux).
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
# Every integration test is in one binary (tests/it/main.rs); nextest runs each test in a process
# of its own, which the tests rely on (some set environment variables or start servers).
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
# The examples (benchmarks) are type-checked by clippy above and not built again here.
cargo nextest run --lib --bins --tests --locked --no-run
if ! wait "$VENV_SETUP"; then
  cat target/venv-setup.log >&2
  echo "error: installing moto and the AWS CLI into .venv failed (above)" >&2
  exit 1
fi
cargo nextest run --lib --bins --tests --locked --no-fail-fast
cargo test --doc --locked
