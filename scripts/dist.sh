#!/usr/bin/env bash
# Build the release tarball: one x86_64 Linux binary that needs glibc 2.17 or newer (Amazon Linux 2,
# RHEL/Rocky 8, Ubuntu 20.04 and later), with the README, the IAM policy and shell completions.
#
#   scripts/dist.sh            -> dist/fixedip-tui-<version>-x86_64-linux-gnu.tar.gz (+ .sha256)
#
# Needs Rust (cargo, rustup's x86_64-unknown-linux-gnu target), Python 3 with venv, objdump
# (binutils) and tar/gzip/sha256sum. It installs what else it needs, pinned, and nothing
# system-wide: Zig from the `ziglang` package on PyPI into ./.venv, and cargo-zigbuild from
# crates.io into $CARGO_TARGET_DIR/tools (default target/tools). Honours CARGO_TARGET_DIR.
# Fails if the binary needs a glibc symbol version above the floor, is larger than MAX_BYTES, or
# does not run `--version` and `--demo discover --json`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

GLIBC_FLOOR=2.17
ZIG_VERSION=0.15.2
ZIGBUILD_VERSION=0.24.1
MAX_BYTES=$((25 * 1000 * 1000))
RUST_TARGET=x86_64-unknown-linux-gnu
PROFILE=dist

die() {
  echo "dist.sh: error: $*" >&2
  exit 1
}
step() { echo "dist.sh: $*" >&2; }

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$TARGET_DIR"
TARGET_DIR=$(cd "$TARGET_DIR" && pwd)
export CARGO_TARGET_DIR=$TARGET_DIR
# Zig's and cargo-zigbuild's caches stay in the target directory too (not ~/.cache).
export ZIG_GLOBAL_CACHE_DIR=$TARGET_DIR/zig-cache
export ZIG_LOCAL_CACHE_DIR=$TARGET_DIR/zig-cache
export CARGO_ZIGBUILD_CACHE_DIR=$TARGET_DIR/zigbuild-cache

command -v objdump >/dev/null 2>&1 || die "objdump not found: install binutils (it checks the glibc floor)"

# 1. Zig, from PyPI's `ziglang`, into the project's venv. cargo-zigbuild runs `python -m ziglang`.
if [ ! -x .venv/bin/python ]; then
  step "creating .venv"
  python3 -m venv .venv
fi
if [ "$(.venv/bin/python -m ziglang version 2>/dev/null)" != "$ZIG_VERSION" ]; then
  step "installing ziglang $ZIG_VERSION into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "ziglang==$ZIG_VERSION"
fi
export CARGO_ZIGBUILD_PYTHON_PATH=$ROOT/.venv/bin/python

# 2. cargo-zigbuild, from crates.io, into a local root (its build directory is removed after).
TOOLS=$TARGET_DIR/tools
ZIGBUILD=$TOOLS/bin/cargo-zigbuild
if ! "$ZIGBUILD" --version 2>/dev/null | grep -qx "cargo-zigbuild $ZIGBUILD_VERSION"; then
  step "installing cargo-zigbuild $ZIGBUILD_VERSION into $TOOLS"
  cargo install --locked --quiet "cargo-zigbuild@$ZIGBUILD_VERSION" --root "$TOOLS" \
    --target-dir "$TARGET_DIR/tools-build"
  rm -rf "$TARGET_DIR/tools-build"
fi

# 3. The Rust target: the ordinary x86_64 glibc one (the `.2.17` suffix is cargo-zigbuild's, it
# only tells zig which glibc to link against).
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$RUST_TARGET"; then
  rustup target add "$RUST_TARGET"
fi

# 4. Build. build.rs puts the floor into `--version`.
step "building ($PROFILE profile, $RUST_TARGET.$GLIBC_FLOOR): a few minutes"
FIXEDIP_GLIBC_FLOOR=$GLIBC_FLOOR "$ZIGBUILD" zigbuild --locked --profile "$PROFILE" \
  --target "$RUST_TARGET.$GLIBC_FLOOR" --bin fixedip-tui
BIN=$TARGET_DIR/$RUST_TARGET/$PROFILE/fixedip-tui
[ -x "$BIN" ] || die "no binary at $BIN"

# 5. Checks: the glibc floor (every versioned symbol it imports), the size, that it runs.
max_glibc=$(objdump -T "$BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -n 1)
[ -n "$max_glibc" ] || die "objdump -T found no GLIBC symbol versions in $BIN: cannot check the floor"
above_floor() { [ "$1" != "$GLIBC_FLOOR" ] && [ "$(printf '%s\n%s\n' "$1" "$GLIBC_FLOOR" | sort -V | tail -n 1)" = "$1" ]; }
if above_floor "$max_glibc"; then
  for v in $(objdump -T "$BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV); do
    if above_floor "$v"; then objdump -T "$BIN" | grep -E "GLIBC_${v//./\\.}([^0-9.]|\$)" >&2 || true; fi
  done
  die "$BIN needs GLIBC_$max_glibc, above the floor $GLIBC_FLOOR (the symbols above)"
fi
step "glibc floor ok: the newest symbol version it needs is GLIBC_$max_glibc (floor $GLIBC_FLOOR)"

size=$(stat -c %s "$BIN")
[ "$size" -le "$MAX_BYTES" ] || die "$BIN is $size bytes, more than $MAX_BYTES"

version_line=$("$BIN" --version) || die "$BIN --version failed"
case "$version_line" in
  *"glibc ≥ $GLIBC_FLOOR"*) ;;
  *) die "--version does not name the floor: $version_line" ;;
esac
version=$(echo "$version_line" | awk '{print $2}')
[ -n "$version" ] || die "no version in: $version_line"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
HOME=$scratch XDG_STATE_HOME=$scratch/state AWS_EC2_METADATA_DISABLED=true \
  "$BIN" --demo --state-dir "$scratch/state" discover --json >"$scratch/discover.json" ||
  die "$BIN --demo discover --json failed"
.venv/bin/python -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["vpcs"], "no VPCs"' \
  "$scratch/discover.json" || die "--demo discover --json printed no inventory"

# 6. The tarball: binary, README, IAM policy, completions made by the binary itself.
name=fixedip-tui-$version-x86_64-linux-gnu
stage=$scratch/$name
mkdir -p "$stage/completions"
cp "$BIN" "$stage/fixedip-tui"
cp README.md "$stage/README.md"
cp assets/iam-policy.json "$stage/iam-policy.json"
"$BIN" completions bash >"$stage/completions/fixedip-tui.bash"
"$BIN" completions zsh >"$stage/completions/_fixedip-tui"
"$BIN" completions fish >"$stage/completions/fixedip-tui.fish"

mkdir -p dist
tarball=dist/$name.tar.gz
# Same inputs, same bytes: sorted names, no owners, the commit's time.
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$scratch" -cf - "$name" |
  gzip -n -9 >"$tarball"
(cd dist && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")

step "$version_line; $size bytes; GLIBC_$max_glibc at most"
echo "$ROOT/$tarball"
