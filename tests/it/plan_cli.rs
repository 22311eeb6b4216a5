//! `plan` / `apply --plan` through the real binary (no terminal): review of a valid plan, clear
//! errors for plans that are broken, stale or for another account.

use crate::common;

use std::process::{Command, Output};

use fixedip_tui::plan::{
    ApiChoice, EndpointChoice, Plan, PrivateZoneChoice, Settings, PLAN_VERSION,
};

fn run(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fixedip-tui"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Plans saved without --out land in the working directory: keep them in the temp home.
        .current_dir(home)
        .output()
        .expect("binary runs")
}

fn clean_plan() -> Plan {
    Plan {
        version: PLAN_VERSION,
        id: fixedip_tui::plan::plan_id("123456789012", "us-east-1", "fixed.example.com"),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        vpc_id: "vpc-0135f36302291c303".into(),
        enable_vpc_dns: false,
        endpoint: EndpointChoice::Create {
            subnet_ids: vec![
                "subnet-029b8fa21f8c03262".into(),
                "subnet-0186e3bc6e22fdd66".into(),
                "subnet-0ffa8020d26f8856a".into(),
            ],
            allow_public_subnets: false,
        },
        nlb_subnet_ids: vec![
            "subnet-08cceedc58f64dc0a".into(),
            "subnet-0914893785dafcf38".into(),
            "subnet-08b0c9d866ed90752".into(),
        ],
        // The default for new setups (the wizard's and `--eip`'s).
        eips: fixedip_tui::plan::EipChoice::New,
        endpoint_ips: Default::default(),
        adopt_nlb: None,
        adopt_target_group: None,
        name: "fixed.example.com".into(),
        certificate_arn:
            "arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405-a0b0-4339-a499-fa0fb1cae63f"
                .into(),
        api: ApiChoice::Create {
            name: "fixedip-ping".into(),
        },
        stage: "prod".into(),
        base_path: None,
        allow_cidrs: vec!["203.0.113.0/24".into()],
        vpc_callers: fixedip_tui::plan::default_vpc_callers(),
        public_zone_id: "Z0150999TLFZEKJCOQEVC".into(),
        private_zone: PrivateZoneChoice::Create,
        replace_records: false,
        tags: Default::default(),
        acknowledged: vec![],
        settings: Settings::default(),
    }
}

#[test]
fn apply_reviews_a_valid_plan_and_says_nothing_was_created() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    clean_plan().save(&path).expect("save");
    let out = run(
        &["--demo", "apply", "--plan", &path.to_string_lossy()],
        home.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no terminal and no --yes: refused: {stderr}"
    );
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(
        stdout.contains("security group"),
        "the review is printed: {stdout}"
    );
    assert!(stdout.contains("vpc-0135f36302291c303"));
    assert!(stderr.contains("Nothing was changed"), "{stderr}");
}

#[test]
fn apply_refuses_stale_foreign_and_broken_plans_with_the_fix() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    let p = path.to_string_lossy().to_string();

    let mut stale = clean_plan();
    stale.vpc_id = "vpc-0000000000000dead".into();
    stale.save(&path).expect("save");
    let out = run(&["--demo", "apply", "--plan", &p], home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("vpc-missing") && stderr.contains("pick one of"),
        "{stderr}"
    );

    let mut foreign = clean_plan();
    foreign.account = "999999999999".into();
    foreign.save(&path).expect("save");
    let out = run(&["--demo", "apply", "--plan", &p], home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("999999999999") && stderr.contains("--profile"),
        "{stderr}"
    );

    std::fs::write(&path, "version = 7\n").expect("write");
    let out = run(&["--demo", "apply", "--plan", &p], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("upgrade fixedip-tui"));

    let out = run(
        &["--demo", "apply", "--plan", "/nonexistent/plan.toml"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/plan.toml"));
}

#[test]
fn plan_without_a_terminal_refuses_and_names_the_alternatives() {
    let home = tempfile::tempdir().expect("home");
    let out = run(&["--demo", "plan", "--out", "x.toml"], home.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Every missing flag at once; the rest has defaults (the wizard's pre-selections).
    for flag in ["--vpc", "--name"] {
        assert!(stderr.contains(flag), "{flag} in {stderr}");
    }
    for defaulted in ["--endpoint-subnets", "--certificate", "--create-api"] {
        assert!(!stderr.contains(defaulted), "{defaulted} in {stderr}");
    }
}

/// `plan --vpc ID --name N --allow-cidr C` is a complete plan on the demo: the rest is the
/// wizard's pre-selections, printed and in --json, and the plan is the wizard's clean path's.
#[test]
fn plan_with_vpc_name_and_cidr_defaults_the_rest_and_says_so() {
    let home = tempfile::tempdir().expect("home");
    let out_path = home.path().join("p.toml");
    let p = out_path.to_string_lossy().to_string();
    let out = run(
        &[
            "--demo",
            "plan",
            "--vpc",
            "vpc-0135f36302291c303",
            "--name",
            "fixed.example.com",
            "--allow-cidr",
            "203.0.113.0/24",
            "--out",
            &p,
            "--json",
        ],
        home.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for said in [
        "defaulted",
        "--endpoint-subnets subnet-029b8fa21f8c03262,subnet-0186e3bc6e22fdd66,subnet-0ffa8020d26f8856a",
        "--certificate arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405",
        "--create-api / --api create fixedip-ping",
        "--create-private-zone / --private-zone create fixed.example.com",
    ] {
        assert!(stderr.contains(said), "{said} in {stderr}");
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let choices: Vec<&str> = doc["defaulted"]
        .as_array()
        .expect("defaulted")
        .iter()
        .filter_map(|d| d["choice"].as_str())
        .collect();
    assert_eq!(
        choices,
        [
            "endpoint-subnets",
            "nlb-subnets",
            "eip",
            "certificate",
            "api",
            "public-zone",
            "private-zone"
        ]
    );
    let plan = fixedip_tui::plan::Plan::load(&out_path).expect("saved");
    let mut want = clean_plan();
    want.eips = fixedip_tui::plan::EipChoice::New;
    assert_eq!(plan, want, "the same plan as the clean path's");
}

#[test]
fn apply_yes_then_destroy_by_plan_id_on_the_demo() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    let plan = clean_plan();
    plan.save(&path).expect("save");
    let p = path.to_string_lossy().to_string();
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "apply",
            "--plan",
            &p,
            "--yes",
        ],
        home.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("/32"), "the fixed IPs on stdout: {stdout}");
    assert!(
        stderr.contains("✓ Network Load Balancer"),
        "progress lines on stderr: {stderr}"
    );
    // The demo account persists between runs: a second apply adopts everything (nothing new)…
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "apply",
            "--plan",
            &p,
            "--yes",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already done"),
        "resumed from the journal"
    );
    // …and destroy by plan id deletes it.
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "destroy",
            "--plan-id",
            &plan.id,
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2), "destroy without --yes refuses");
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "destroy",
            "--plan-id",
            &plan.id,
            "--yes",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        &["--demo", "destroy", "--plan-id", "fip-0000000000", "--yes"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fip-0000000000"));
}

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    let home = tempfile::tempdir().expect("home");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell], home.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("discover") && text.contains("destroy"),
            "{shell}: {text}"
        );
    }
    let out = run(&["completions", "powershell"], home.path());
    assert_eq!(out.status.code(), Some(2));
}

const CLEAN_FLAGS: &[&str] = &[
    "--demo",
    "plan",
    "--vpc",
    "vpc-0135f36302291c303",
    "--endpoint-subnets",
    "subnet-029b8fa21f8c03262,subnet-0186e3bc6e22fdd66,subnet-0ffa8020d26f8856a",
    "--name",
    "fixed.example.com",
    "--certificate",
    "arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405-a0b0-4339-a499-fa0fb1cae63f",
    "--create-api",
    "--create-private-zone",
];

fn with(extra: &[&str]) -> Vec<String> {
    CLEAN_FLAGS
        .iter()
        .chain(extra.iter())
        .map(|s| s.to_string())
        .collect()
}

fn run_owned(args: &[String], home: &std::path::Path) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs, home)
}

#[test]
fn plan_flags_give_the_same_plan_as_the_wizard() {
    let home = tempfile::tempdir().expect("home");
    let out_path = home.path().join("p.toml");
    let out = run_owned(
        &with(&[
            "--allow-cidr",
            "203.0.113.0/24",
            "--out",
            &out_path.to_string_lossy(),
        ]),
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = Plan::load(&out_path).expect("saved");
    assert_eq!(saved, clean_plan());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        saved.id,
        "the plan id on stdout"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "next: fixedip-tui --demo apply --plan {} --yes",
            out_path.display()
        )),
        "the next command, with the flags it needs: {stderr}"
    );
}

#[test]
fn plan_flags_errors_name_the_fix() {
    let home = tempfile::tempdir().expect("home");
    // Unknown id: says what exists.
    let mut args = with(&["--allow-cidr", "203.0.113.0/24"]);
    args[3] = "vpc-0000000000000dead".into();
    let out = run_owned(&args, home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("prod-core") && stderr.contains("vpc-0135f36302291c303"),
        "{stderr}"
    );
    // Bad name: the validation's message and fix.
    let mut args = with(&["--allow-cidr", "203.0.113.0/24"]);
    args[7] = "bad_name.example.com".into();
    let out = run_owned(&args, home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("name-invalid") && stderr.contains("→"),
        "{stderr}"
    );
    // Conflicting flags.
    let out = run_owned(&with(&["--api", "2ljte94rpv"]), home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    // A warning needs --acknowledge.
    let out = run_owned(&with(&[]), home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--acknowledge callers-whole-internet"),
        "{stderr}"
    );
    let out = run_owned(
        &with(&["--acknowledge", "callers-whole-internet"]),
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn plan_json_is_one_document_with_a_schema_version() {
    let home = tempfile::tempdir().expect("home");
    let out = run_owned(
        &with(&["--allow-cidr", "203.0.113.0/24", "--json"]),
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON only");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["valid"], true);
    assert_eq!(v["plan"]["vpc_id"], "vpc-0135f36302291c303");
    assert!(v["cost"]["total_monthly_usd"]
        .as_f64()
        .is_some_and(|c| c > 40.0));
}

#[test]
fn apply_json_prints_only_json_lines_and_writes_the_result_file() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    clean_plan().save(&path).expect("save");
    let result = home.path().join("result.json");
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "apply",
            "--plan",
            &path.to_string_lossy(),
            "--yes",
            "--json",
            "--output",
            &result.to_string_lossy(),
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    assert!(lines.iter().all(|l| l["schema_version"] == 1));
    assert!(lines.iter().any(|l| l["type"] == "event"
        && l["data"]["event"] == "done"
        && l["data"]["step"] == "nlb"));
    let last = lines.last().expect("a result");
    assert_eq!(last["type"], "result");
    assert_eq!(last["ok"], true);
    assert_eq!(last["fixed_ips"].as_array().map(|a| a.len()), Some(3));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&result).expect("result file"))
            .expect("JSON");
    assert_eq!(&file, last);
}

#[test]
fn status_hands_out_the_fixed_ips_after_apply() {
    let home = tempfile::tempdir().expect("home");
    let plan = applied_on_the_demo(home.path());
    // New targets take a while to turn healthy (the demo's clock runs while a process runs):
    // status says so (exit 1) until they are.
    let mut v = serde_json::Value::Null;
    for _ in 0..50 {
        let out = run(
            &[
                "--demo",
                "--demo-speed",
                "0.001",
                "status",
                "--plan-id",
                &plan.id,
                "--json",
            ],
            home.path(),
        );
        v = serde_json::from_slice(&out.stdout).expect("JSON");
        if out.status.code() == Some(0) {
            break;
        }
        assert_eq!(out.status.code(), Some(1));
        assert!(v["problems"].to_string().contains("initial"), "{v}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["allow_list"].as_array().map(|a| a.len()), Some(3));
    assert!(v["allow_list"][0]
        .as_str()
        .is_some_and(|s| s.ends_with("/32")));
    assert_eq!(v["who_can_reach"], serde_json::json!(["203.0.113.0/24"]));
    let out = run(&["--demo", "status", "--plan-id", &plan.id], home.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("/32") && text.contains("203.0.113.0/24"),
        "{text}"
    );
    let out = run(
        &["--demo", "status", "--plan-id", "fip-0000000000"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["last_verify"], serde_json::Value::Null, "{v}");

    // verify: the configuration checks pass, the network half is skipped on the simulated
    // account, the report is kept and the handout shows it.
    let out = run(
        &["--demo", "verify", "--plan-id", &plan.id, "--json"],
        home.path(),
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(out.status.code(), Some(0), "{r:#}");
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["passed"], true);
    assert_eq!(r["counts"]["pass"], 7, "{r:#}");
    let dns = r["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == "dns"))
        .expect("dns check");
    assert_eq!(dns["state"], "skipped");
    let out = run(
        &["--demo", "status", "--plan-id", &plan.id, "--json"],
        home.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["last_verify"]["passed"], true, "{v}");
    assert_eq!(v["ip_kind"], "elastic");
    let out = run(&["--demo", "verify", "--plan-id", &plan.id], home.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("VERIFIED: 7 passed, 1 skipped"), "{text}");
    assert!(text.contains("dig +short"), "{text}");

    // Usage errors name the fix and exit 2.
    for (args, says) in [
        (vec!["--resolver", "not-an-ip"], "give an IP address"),
        (
            vec!["--ca-file", "/nonexistent/ca.pem"],
            "cannot read --ca-file",
        ),
    ] {
        let mut all = vec!["--demo", "verify", "--plan-id", plan.id.as_str()];
        all.extend(args);
        let out = run(&all, home.path());
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(says));
    }
    let out = run(
        &["--demo", "verify", "--plan-id", "fip-0000000000"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the id `apply` printed"));
}

#[test]
fn every_subcommand_help_shows_an_example() {
    let home = tempfile::tempdir().expect("home");
    for sub in [
        "discover",
        "plan",
        "apply",
        "status",
        "verify",
        "allow",
        "destroy",
        "completions",
    ] {
        let out = run(&[sub, "--help"], home.path());
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Examples:") && text.contains(&format!("fixedip-tui {sub} ")),
            "{sub}: {text}"
        );
    }
}

/// `allow --add/--remove`: the NLB security group's rules follow (read from the saved demo
/// account), the kept plan too; removing the last CIDR needs --allow-anywhere.
#[test]
fn allow_changes_the_nlb_security_group_in_place() {
    let home = tempfile::tempdir().expect("home");
    let plan = applied_on_the_demo(home.path());
    let nlb_sources = || -> Vec<String> {
        let text = std::fs::read_to_string(home.path().join("state/fixedip-tui/demo/account.json"))
            .expect("demo account saved");
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let sg = v["security_groups"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["name"].as_str().is_some_and(|n| n.ends_with("-nlb-sg")))
            .cloned()
            .expect("the NLB security group");
        let mut s: Vec<String> = sg["ingress"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["source"].as_str().map(str::to_string))
            .collect();
        s.sort();
        s
    };
    assert_eq!(nlb_sources(), vec!["203.0.113.0/24"]);
    let out = run(
        &[
            "--demo",
            "allow",
            "--plan-id",
            &plan.id,
            "--add",
            "198.51.100.7/24",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        nlb_sources(),
        vec!["198.51.100.0/24", "203.0.113.0/24"],
        "host bits cleared"
    );
    let out = run(
        &[
            "--demo",
            "allow",
            "--plan-id",
            &plan.id,
            "--remove",
            "203.0.113.0/24",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(nlb_sources(), vec!["198.51.100.0/24"]);
    let out = run(
        &[
            "--demo",
            "allow",
            "--plan-id",
            &plan.id,
            "--remove",
            "198.51.100.0/24",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "the whole internet needs --allow-anywhere"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-anywhere"));
    assert_eq!(nlb_sources(), vec!["198.51.100.0/24"], "unchanged");
    let out = run(
        &[
            "--demo",
            "allow",
            "--plan-id",
            &plan.id,
            "--remove",
            "198.51.100.0/24",
            "--allow-anywhere",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(nlb_sources(), vec!["0.0.0.0/0"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("the whole internet"));
    // Journaled: --undo puts the previous list back, and undoing again redoes.
    let undo = || {
        run(
            &["--demo", "allow", "--plan-id", &plan.id, "--undo"],
            home.path(),
        )
    };
    assert_eq!(undo().status.code(), Some(0));
    assert_eq!(nlb_sources(), vec!["198.51.100.0/24"], "undone");
    assert_eq!(undo().status.code(), Some(0));
    assert_eq!(nlb_sources(), vec!["0.0.0.0/0"], "redone");
    let out = run(
        &[
            "--demo",
            "allow",
            "--plan-id",
            &plan.id,
            "--add",
            "2001:db8::/32",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "IPv6 is refused with the reason"
    );
}

/// The clean plan saved and applied on the demo account kept in `home`.
fn applied_on_the_demo(home: &std::path::Path) -> Plan {
    let path = home.join("plan.toml");
    let plan = clean_plan();
    plan.save(&path).expect("save");
    let out = run(
        &[
            "--demo",
            "--demo-speed",
            "0.001",
            "apply",
            "--plan",
            &path.to_string_lossy(),
            "--yes",
        ],
        home,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    plan
}

/// The log file holds account ids, ARNs and request details: created 0600 like the journal, and
/// an older one (0644) is tightened.
#[test]
fn the_log_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("home");
    let log = home.path().join("fixedip.log");
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .expect("the log exists")
            .permissions()
            .mode()
            & 0o777
    };
    let out = run(
        &[
            "--demo",
            "--log-file",
            &log.to_string_lossy(),
            "discover",
            "--json",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&log), 0o600);
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = run(
        &[
            "--demo",
            "--log-file",
            &log.to_string_lossy(),
            "discover",
            "--json",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(mode(&log), 0o600, "an older log is tightened");
}

/// After a destroy, `status` says the setup is destroyed and what stayed (the kept Elastic IPs,
/// or that they were released), in text and JSON, and exits 1 — not the old handout.
#[test]
fn status_after_destroy_says_destroyed_and_what_stayed() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    let mut plan = clean_plan();
    plan.eips = fixedip_tui::plan::EipChoice::New;
    plan.save(&path).expect("save");
    let p = path.to_string_lossy().to_string();
    let demo = ["--demo", "--demo-speed", "0.001"];
    let with =
        |rest: &[&str]| -> Vec<String> { demo.iter().chain(rest).map(|s| s.to_string()).collect() };
    let ok = |out: &Output| {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        )
    };
    ok(&run_owned(
        &with(&["apply", "--plan", &p, "--yes"]),
        home.path(),
    ));
    ok(&run_owned(
        &with(&["destroy", "--plan-id", &plan.id, "--yes"]),
        home.path(),
    ));
    let out = run_owned(&with(&["status", "--plan-id", &plan.id]), home.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("destroyed") && text.contains("Elastic IPs kept"),
        "{text}"
    );
    assert!(
        text.contains("--release-eips"),
        "how to release them: {text}"
    );

    ok(&run_owned(
        &with(&["destroy", "--plan-id", &plan.id, "--yes", "--release-eips"]),
        home.path(),
    ));
    let out = run_owned(&with(&["status", "--plan-id", &plan.id]), home.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("destroyed") && text.contains("released"),
        "after --release-eips, in text: {text}"
    );
    let out = run_owned(&with(&["verify", "--plan-id", &plan.id]), home.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("was destroyed: nothing to verify"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_owned(
        &with(&["status", "--plan-id", &plan.id, "--json"]),
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["state"], "destroyed", "{doc}");
    assert!(
        doc["kept"].as_str().is_some_and(|k| k.contains("released")),
        "{doc}"
    );
    assert_eq!(doc["fixed_ips"], serde_json::json!([]));
}

/// Ctrl-C without a terminal is SIGINT: `apply --yes` stops after the running steps, keeps the
/// journal, says how to resume and exits 130; the rerun ends the apply with exactly one of
/// everything in the (saved) demo account.
#[test]
fn sigint_during_apply_yes_stops_cleanly_and_the_rerun_finishes() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    let plan = clean_plan();
    plan.save(&path).expect("save");
    let p = path.to_string_lossy().to_string();
    let args = [
        "--demo",
        "--demo-speed",
        "0.05",
        "apply",
        "--plan",
        &p,
        "--yes",
    ];
    let child = spawn_in(home.path(), &args);
    // A few seconds in: the endpoint and the NLB are being waited for.
    std::thread::sleep(std::time::Duration::from_secs(4));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("run the same command to resume"),
        "{stderr}"
    );

    let out = run(&args, home.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_of_each_in_the_demo_account(home.path(), &plan);
}

/// kill -9 in the middle of `apply --yes` on the demo: the account was saved after every write,
/// so the rerun finds everything the journal says was made (nothing "disappeared"), and ends
/// with exactly one of everything.
#[test]
fn kill_9_during_a_demo_apply_leaves_the_account_and_the_journal_in_agreement() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("plan.toml");
    let plan = clean_plan();
    plan.save(&path).expect("save");
    let p = path.to_string_lossy().to_string();
    let args = [
        "--demo",
        "--demo-speed",
        "0.05",
        "apply",
        "--plan",
        &p,
        "--yes",
    ];
    let mut child = spawn_in(home.path(), &args);
    // Some steps done, others waiting (the endpoint, the NLB).
    std::thread::sleep(std::time::Duration::from_secs(4));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let out = run(&args, home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("is gone from the account")
            && !stderr.contains("disappeared")
            && !stderr.contains("no longer")
            && !stderr.contains("made again"),
        "the account kept what the journal says was made:\n{stderr}"
    );
    assert_one_of_each_in_the_demo_account(home.path(), &plan);
}

/// The saved demo account holds exactly one of everything `plan` makes.
fn assert_one_of_each_in_the_demo_account(home: &std::path::Path, plan: &Plan) {
    let saved = std::fs::read_to_string(home.join("state/fixedip-tui/demo/account.json"))
        .expect("the demo account is saved");
    let account = fixedip_tui::cloud::sim::SimCloud::parse_account(&saved).expect("parses");
    let sim = fixedip_tui::cloud::sim::SimCloud::new(
        account,
        fixedip_tui::cloud::sim::SimOptions::instant(),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let counts = rt.block_on(common::census::counts(&sim, plan));
    let elastic_ips = if plan.eips.is_elastic() {
        plan.nlb_subnet_ids.len()
    } else {
        0
    };
    assert_eq!(
        counts,
        common::census::Counts {
            elastic_ips,
            ..common::census::ONE_OF_EACH
        }
    );
}

/// `fixedip-tui ARGS` on the demo in `home`, running in the background.
fn spawn_in(home: &std::path::Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_fixedip-tui"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}
