//! `--help` tells the truth: each subcommand shows the global flags that do something for it (and
//! only those, while still accepting the others), and says what it does and how it exits.

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn run(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fixedip-tui"))
        .args(args)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .current_dir(home)
        .output()
        .expect("binary runs")
}

/// The help text of `fixedip-tui ARGS --help`.
fn help(args: &[&str]) -> String {
    let home = tempfile::tempdir().expect("home");
    let mut all = args.to_vec();
    all.push("--help");
    let out = run(&all, home.path());
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The long flags a help text shows (one per option line).
fn shown_flags(help: &str) -> BTreeSet<String> {
    help.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let t = t
                .strip_prefix("-h, ")
                .or(t.strip_prefix("-V, "))
                .unwrap_or(t);
            let rest = t.strip_prefix("--")?;
            (l.starts_with("  ") && l.len() - t.len() <= 10).then(|| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect::<String>()
            })
        })
        .filter(|f| !f.is_empty())
        .collect()
}

/// The subcommands `fixedip-tui --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let top = help(&[]);
    top.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|s| s != "help")
        .collect()
}

/// The global flags: what the top level shows (the wizard uses every one).
fn global_flags() -> BTreeSet<String> {
    let mut g = shown_flags(&help(&[]));
    g.remove("help");
    g.remove("version");
    g
}

/// Which global flags do something for each subcommand, read from `main.rs`: the account flags
/// choose the account (`--demo…`, `--profile`, `--region`, `--endpoint-url`), where applied plans
/// and the demo's account live (`--state-dir`) and where the log goes (`--log-file`); `--plain`
/// and `--no-color` only change the wizard, which only `plan` starts; `export` and `completions`
/// read no account, no state and log nothing.
fn expected_globals(sub: &str) -> BTreeSet<String> {
    let account = [
        "demo",
        "demo-speed",
        "demo-reset",
        "demo-faults",
        "profile",
        "region",
        "endpoint-url",
        "state-dir",
        "log-file",
    ];
    let names: Vec<&str> = match sub {
        "plan" => account.into_iter().chain(["plain", "no-color"]).collect(),
        "export" | "completions" => vec![],
        "discover" | "apply" | "destroy" | "status" | "verify" | "allow" => account.to_vec(),
        other => panic!("a new subcommand `{other}`: say which global flags matter to it"),
    };
    names.into_iter().map(str::to_string).collect()
}

#[test]
fn each_subcommand_help_shows_exactly_the_global_flags_that_matter_to_it() {
    let globals = global_flags();
    assert_eq!(globals.len(), 11, "{globals:?}");
    let subs = subcommands();
    assert_eq!(subs.len(), 9, "{subs:?}");
    for sub in &subs {
        let text = help(&[sub]);
        let shown: BTreeSet<String> = shown_flags(&text).intersection(&globals).cloned().collect();
        assert_eq!(shown, expected_globals(sub), "{sub} --help:\n{text}");
        if !shown.is_empty() {
            assert!(text.contains("\nGlobal options:\n"), "{sub}: {text}");
        }
        // `help SUB` is the same text.
        let home = tempfile::tempdir().expect("home");
        let out = run(&["help", sub], home.path());
        assert_eq!(String::from_utf8_lossy(&out.stdout), text, "help {sub}");
    }
}

/// Hidden is not refused: a script that passes a global flag to a subcommand it does nothing for
/// keeps working.
#[test]
fn hidden_global_flags_are_still_accepted() {
    let home = tempfile::tempdir().expect("home");
    let log = home.path().join("x.log");
    let log = log.to_string_lossy();
    let state = home.path().join("elsewhere");
    let state = state.to_string_lossy();
    let ignored = [
        "--profile",
        "nobody",
        "--region",
        "eu-west-3",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--state-dir",
        &state,
        "--log-file",
        &log,
        "--no-color",
        "--plain",
    ];
    let mut export = vec![
        "export",
        "--plan",
        "missing.toml",
        "--format",
        "cloudformation",
    ];
    export.extend(ignored);
    let out = run(&export, home.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot read the plan file"), "{err}");

    let mut completions = vec!["--demo", "completions", "bash"];
    completions.extend(ignored);
    let out = run(&completions, home.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("--release-eips"));

    let out = run(
        &[
            "status",
            "--plan-id",
            "fip-0000000000",
            "--demo",
            "--plain",
            "--no-color",
        ],
        home.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the id `apply` printed"), "{err}");
}

#[test]
fn apply_help_says_it_creates_and_how_it_exits() {
    let text = help(&["apply"]);
    assert!(text.contains("create everything"), "{text}");
    assert!(text.contains("Create the resources"), "{text}");
    assert!(!text.contains("This release"), "{text}");
    assert_eq!(
        exit_codes(&text),
        BTreeSet::from([0, 1, 2, 3, 129, 130, 143]),
        "{text}"
    );
    let top = help(&[]);
    let line = top
        .lines()
        .find(|l| l.trim_start().starts_with("apply "))
        .expect("apply listed");
    assert!(line.contains("Create"), "{line}");
}

#[test]
fn export_help_says_the_elastic_ips_are_in_the_template() {
    let text = help(&["export"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for says in [
        "Elastic IPs included",
        "AWS::EC2::EIP",
        "FixedIps",
        "EipAllocationIds",
        "SubnetMappings",
        "Reads only the plan file",
    ] {
        assert!(text.contains(says), "{says}: {text}");
    }
}

#[test]
fn allow_plan_id_is_described() {
    let text = help(&["allow"]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("--plan-id <ID>"))
        .expect("--plan-id listed");
    assert!(
        line.contains("The plan id printed by `plan` / `apply`"),
        "{text}"
    );
}

#[test]
fn demo_speed_says_it_is_a_factor_of_realtime_and_its_default() {
    let text = help(&[]);
    let default = format!("Default {}:", fixedip_tui::cli::DEMO_DEFAULT_SPEED);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&default), "{default}: {text}");
    assert!(flat.contains("as a factor of AWS's real time"), "{text}");
    assert!(flat.contains("`realtime` (= 1)"), "{text}");
    let home = tempfile::tempdir().expect("home");
    for bad in ["0", "0.0005", "101", "fast"] {
        let out = run(&["--demo", "--demo-speed", bad, "discover"], home.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

/// The codes an "Exit status" list gives (lines `  N    meaning` after it).
fn exit_codes(help: &str) -> BTreeSet<u16> {
    help.lines()
        .skip_while(|l| !(l.starts_with("Exit status") || l.contains("The wizard (no command):")))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn every_subcommand_lists_its_exit_status() {
    for sub in subcommands() {
        let text = help(&[&sub]);
        let codes = exit_codes(&text);
        assert!(
            codes.contains(&0) && codes.contains(&2),
            "{sub}: {codes:?}\n{text}"
        );
    }
    assert_eq!(exit_codes(&help(&[])), BTreeSet::from([0, 1, 2, 3]));
}
