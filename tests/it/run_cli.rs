//! `apply --yes` and `destroy --yes` through the real binary on the demo (no terminal): what goes
//! to stdout and stderr, how each step ends, the time taken, the Elastic IPs kept, and the
//! commands the tool prints — each with the flags it needs to work as printed.

use crate::common;

use std::collections::BTreeMap;
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

    // Without --yes the review is the output: stdout, and the command that applies it.
    let out = run_demo(&["apply", "--plan", &p], home.path());
    assert!(text(&out.stdout).contains(REVIEW));
    assert!(
        text(&out.stderr).contains(&format!(
            "`fixedip-tui --demo apply --plan {p} --yes` creates the resources"
        )),
        "{}",
        text(&out.stderr)
    );
}

/// Every step a destroy goes through ends, on stderr, done (✓), skipped with why (–) or failed
/// (✗); a wait polled again and again is two lines (its first and a summary with the count), not
/// one per poll; stdout says how long it took and what stayed.
#[test]
fn destroy_ends_every_step_and_collapses_repeated_waits() {
    let home = tempfile::tempdir().expect("home");
    let (plan, p) = saved_plan(home.path());
    ok(&run_demo(&["apply", "--plan", &p, "--yes"], home.path()));
    let out = run_demo(&["destroy", "--plan-id", &plan.id, "--yes"], home.path());
    ok(&out);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let steps = fixedip_tui::engine::destroy_steps(&plan, None);
    for n in &steps {
        let title = n.title();
        let ends = stderr
            .lines()
            .filter(|l| {
                ["✓ ", "– ", "✗ "]
                    .iter()
                    .any(|m| l.starts_with(&format!("{m}{title}: ")))
            })
            .count();
        assert_eq!(ends, 1, "{title} ends once:\n{stderr}");
    }
    for (title, why) in [
        ("TLS:443 listener", "deleted with the NLB"),
        ("GET /ping (MOCK)", "deleted with the REST API"),
        (
            "Register endpoint IPs",
            "deregistered with the target group",
        ),
    ] {
        assert!(
            stderr.contains(&format!("– {title}: skipped: {why}")),
            "{title}:\n{stderr}"
        );
    }
    let mut waits: BTreeMap<&str, usize> = BTreeMap::new();
    for l in stderr.lines().filter(|l| l.contains(": waiting for ")) {
        let first = l.split(" (×").next().unwrap_or(l);
        *waits.entry(first).or_default() += 1;
    }
    assert!(!waits.is_empty(), "the demo's destroy waits: {stderr}");
    for (line, n) in &waits {
        assert!(*n <= 2, "{line} said {n} times:\n{stderr}");
    }
    assert!(
        stderr.contains("waiting for vpce-") && stderr.contains("(×"),
        "the endpoint's deletion is polled, and counted: {stderr}"
    );
    assert!(
        stdout.starts_with(&format!("Plan {} destroyed in ", plan.id)),
        "{stdout}"
    );
    assert!(
        stdout.contains("Elastic IPs kept:")
            && stdout.contains("$10.95/month")
            && stdout.contains(&format!(
                "`fixedip-tui --demo destroy --plan-id {} --yes --release-eips` releases them",
                plan.id
            )),
        "{stdout}"
    );
}

/// `destroy --json`: a `call` event for each AWS call that changes the account, and an end
/// (done / skipped / failed) for every step.
#[test]
fn destroy_json_emits_call_events_and_every_step_ends() {
    let home = tempfile::tempdir().expect("home");
    let (plan, p) = saved_plan(home.path());
    ok(&run_demo(&["apply", "--plan", &p, "--yes"], home.path()));
    let out = run_demo(
        &[
            "destroy",
            "--plan-id",
            &plan.id,
            "--yes",
            "--release-eips",
            "--json",
        ],
        home.path(),
    );
    ok(&out);
    let docs: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let events: Vec<&serde_json::Value> = docs
        .iter()
        .filter(|d| d["type"] == "event")
        .map(|d| &d["data"])
        .collect();
    let calls: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "call")
        .filter_map(|e| e["command"].as_str())
        .collect();
    for want in [
        "route53 change-resource-record-sets",
        "apigateway delete-base-path-mapping",
        "apigateway delete-domain-name",
        "elbv2 delete-load-balancer",
        "ec2 release-address",
        "elbv2 delete-target-group",
        "apigateway delete-rest-api",
        "route53 delete-hosted-zone",
        "ec2 delete-vpc-endpoints",
        "ec2 delete-security-group",
    ] {
        assert!(
            calls.iter().any(|c| c.contains(want)),
            "{want} in {calls:#?}"
        );
    }
    for n in fixedip_tui::engine::destroy_steps(&plan, None) {
        let step = serde_json::to_value(n).expect("a step id");
        assert!(
            events.iter().any(|e| e["step"] == step
                && ["done", "skipped", "failed"].contains(&e["event"].as_str().unwrap_or(""))),
            "{step} ends"
        );
    }
    let result = docs.last().expect("the result");
    assert_eq!(result["type"], "result");
    assert!(result["elapsed_seconds"].as_f64().is_some(), "{result}");
    assert_eq!(result["elastic_ips_kept"], serde_json::json!([]));
}

/// Every command printed carries what it needs to work as printed: `--demo` in the demo, the
/// global flags given (`--region`), `--yes` where it is required; a plan of the demo account
/// asked for without `--demo` says so, with the command that works.
#[test]
fn printed_commands_carry_the_flags_they_need() {
    let home = tempfile::tempdir().expect("home");
    let (plan, p) = saved_plan(home.path());
    let id = plan.id.as_str();
    ok(&run_demo(&["apply", "--plan", &p, "--yes"], home.path()));

    // destroy without --yes: the command that confirms it.
    let out = run_demo(&["destroy", "--plan-id", id], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "`fixedip-tui --demo destroy --plan-id {id} --yes`"
        )),
        "{}",
        text(&out.stderr)
    );

    // status without --demo: the plan is the demo's.
    let out = run(&["status", "--plan-id", id], home.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "applied on the demo account: add --demo (`fixedip-tui --demo status --plan-id {id}`)"
        )),
        "{}",
        text(&out.stderr)
    );
    // …also when the state directory given is the demo's own.
    let demo_state = home.path().join("state/fixedip-tui/demo");
    let out = run(
        &[
            "--state-dir",
            &demo_state.to_string_lossy(),
            "status",
            "--plan-id",
            id,
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is for the demo account 123456789012: add --demo"),
        "{}",
        text(&out.stderr)
    );

    ok(&run_demo(
        &["destroy", "--plan-id", id, "--yes"],
        home.path(),
    ));
    // status and verify of the destroyed plan: their commands carry --demo and the --region given.
    let out = run_demo(
        &["--region", "us-east-1", "status", "--plan-id", id],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "`fixedip-tui --demo --region us-east-1 destroy --plan-id {id} --yes --release-eips` releases them"
        )) && stdout.contains("`fixedip-tui --demo --region us-east-1 apply --plan "),
        "{stdout}"
    );
    assert!(
        stdout.contains("Elastic IPs kept:") && stdout.contains("$10.95/month"),
        "the same words as destroy: {stdout}"
    );
    let out = run_demo(&["verify", "--plan-id", id], home.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("`fixedip-tui --demo apply --plan "),
        "{}",
        text(&out.stderr)
    );
}

/// `allow` with a CIDR that is not one names it and exits 2 before reading the account: no
/// credentials are needed to hear it (and nothing is asked of AWS).
#[test]
fn allow_names_a_bad_cidr_before_reading_the_account() {
    let home = tempfile::tempdir().expect("home");
    let out = crate::common::bin_without_credentials(home.path())
        .args([
            "allow",
            "--plan-id",
            "fip-0123456789",
            "--add",
            "203.0.113.0/24",
        ])
        .args(["--add", "not-a-cidr", "--remove", "2001:db8::/32"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`not-a-cidr` is not"), "{err}");
    assert!(err.contains("`2001:db8::/32` is IPv6"), "{err}");
    assert!(!err.to_lowercase().contains("credential"), "{err}");
}
