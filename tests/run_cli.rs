//! `apply --yes` and `destroy --yes` through the real binary on the demo (no terminal): what goes
//! to stdout and stderr.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use fixedip_tui::plan::{EipChoice, Plan};

fn run(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fixedip-tui"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home)
        .output()
        .expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The demo's clean plan with new Elastic IPs (the default), saved in `home`.
fn saved_plan(home: &Path) -> (Plan, String) {
    let plan = Plan {
        eips: EipChoice::New,
        ..common::clean::clean_plan()
    };
    let path = home.join("plan.toml");
    plan.save(&path).expect("save");
    (plan, path.to_string_lossy().to_string())
}

const DEMO: [&str; 3] = ["--demo", "--demo-speed", "0.002"];

fn demo(rest: &[&str]) -> Vec<String> {
    DEMO.iter().chain(rest).map(|s| s.to_string()).collect()
}

fn run_demo(rest: &[&str], home: &Path) -> Output {
    let args = demo(rest);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs, home)
}

/// The review's own words (a line of the security group it creates).
const REVIEW: &str = "+ create  security group";

#[test]
fn apply_yes_prints_the_review_on_stderr_and_only_the_result_on_stdout() {
    let home = tempfile::tempdir().expect("home");
    let (plan, p) = saved_plan(home.path());
    let out = run_demo(&["apply", "--plan", &p, "--yes"], home.path());
    ok(&out);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!stdout.contains(REVIEW), "no review on stdout: {stdout}");
    assert!(stderr.contains(REVIEW), "the review on stderr: {stderr}");
    assert!(
        stdout.starts_with(&format!("Plan {} applied in ", plan.id)),
        "stdout is the result, with the time taken: {stdout}"
    );
    assert!(stdout.contains("/32"), "{stdout}");

    // --quiet: no review at all; the progress lines and the result stay.
    let home = tempfile::tempdir().expect("home");
    let (_, p) = saved_plan(home.path());
    let out = run_demo(&["apply", "--plan", &p, "--yes", "--quiet"], home.path());
    ok(&out);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains(REVIEW) && !stderr.contains(REVIEW),
        "{stderr}"
    );
    assert!(stderr.contains("✓ Network Load Balancer"), "{stderr}");
    assert!(stdout.contains("applied in"), "{stdout}");
    // --quiet without --yes is refused (it would say nothing at all).
    let out = run_demo(&["apply", "--plan", &p, "--quiet"], home.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // Without --yes the review is the output (stdout).
    let out = run_demo(&["apply", "--plan", &p], home.path());
    assert!(text(&out.stdout).contains(REVIEW));
}
