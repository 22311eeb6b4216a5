//! What `--version` says besides the version: the git commit it was built from and the glibc
//! it needs. `scripts/dist.sh` sets `FIXEDIP_GLIBC_FLOOR` (e.g. `2.17`) when it builds with
//! `cargo zigbuild --target x86_64-unknown-linux-gnu.2.17` and checks the floor with objdump; any
//! other build is linked against the build machine's glibc, and says so.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FIXEDIP_GLIBC_FLOOR");

    // The commit: `git rev-parse --short HEAD`, "unknown" outside a git checkout (a source tarball).
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=FIXEDIP_GIT_COMMIT={commit}");
    // Build again when HEAD moves: HEAD itself (a checkout) and the branch it points at (a commit).
    // `--git-path` finds them in a worktree too; packed-refs covers a branch that was packed.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            let path = PathBuf::from(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }

    // The glibc floor: only a build that pinned it (dist.sh) can promise one.
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let floor = std::env::var("FIXEDIP_GLIBC_FLOOR")
        .ok()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let glibc = match (floor, target_env.as_str()) {
        (Some(floor), "gnu") => format!("glibc ≥ {floor}"),
        (_, "gnu") => "built locally: needs the build machine's glibc or newer".to_string(),
        (_, "") => "built locally".to_string(),
        (_, env) => format!("built locally for {env}"),
    };
    println!("cargo:rustc-env=FIXEDIP_GLIBC_DESC={glibc}");
}
