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
        "discover" | "apply" | "destroy" | "status" | "verify" | "allow" | "doctor" => {
            account.to_vec()
        }
        other => panic!("a new subcommand `{other}`: say which global flags matter to it"),
    };
    names.into_iter().map(str::to_string).collect()
}

#[test]
fn each_subcommand_help_shows_exactly_the_global_flags_that_matter_to_it() {
    let globals = global_flags();
    assert_eq!(globals.len(), 11, "{globals:?}");
    let subs = subcommands();
    assert_eq!(subs.len(), 10, "{subs:?}");
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

// ---- The README, against the binary ----

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The text of the README section that starts with `heading` (up to the next heading of its
/// level or above).
fn section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has `{heading}`"))
        + 1;
    let level = heading.split(' ').next().expect("#").len();
    let rest = &readme[start + heading.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| {
            let hashes = rest[i + 1..].chars().take_while(|c| *c == '#').count();
            hashes <= level && rest[i + 1 + hashes..].starts_with(' ')
        })
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    readme[start..start + heading.len() + end].to_string()
}

/// The code blocks of a text: (language, body).
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.to_string(), String::new())),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Shell lines with `\` continuations joined.
fn joined_lines(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut continued = false;
    for line in body.lines() {
        let (text, cont) = match line.trim_end().strip_suffix('\\') {
            Some(t) => (t.to_string(), true),
            None => (line.to_string(), false),
        };
        if continued {
            out.last_mut().expect("a line").push_str(&text);
        } else {
            out.push(text);
        }
        continued = cont;
    }
    out
}

/// Every `fixedip-tui …` command the README gives: code-block lines that start with it, and
/// inline code spans that start with it; cut at a comment, a pipe or a redirection.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prose = String::new();
    let mut in_block = false;
    let mut block = String::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            if in_block {
                for l in joined_lines(&block) {
                    if l.trim_start().starts_with("fixedip-tui") {
                        out.push(l.trim().to_string());
                    }
                }
                block.clear();
            }
            in_block = !in_block;
        } else if in_block {
            block.push_str(line);
            block.push('\n');
        } else {
            prose.push_str(line);
            prose.push(' ');
        }
    }
    out.extend(
        prose
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|span| span.split_whitespace().next() == Some("fixedip-tui"))
            .map(str::to_string),
    );
    out.into_iter()
        .map(|c| {
            let mut c = c;
            for cut in [" #", " |", " >", " &&"] {
                if let Some(i) = c.find(cut) {
                    c.truncate(i);
                }
            }
            c
        })
        .collect()
}

/// A command's subcommand (None: the wizard) and every flag it gives, each with whether it came
/// before the subcommand.
fn parse_command(command: &str, subs: &[String]) -> (Option<String>, Vec<String>) {
    const GLOBAL_VALUES: [&str; 6] = [
        "demo-speed",
        "profile",
        "region",
        "endpoint-url",
        "state-dir",
        "log-file",
    ];
    let mut sub = None;
    let mut flags = Vec::new();
    let mut words = command.split_whitespace().skip(1);
    while let Some(w) = words.next() {
        let w = w.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | ','));
        if let Some(flag) = w.strip_prefix("--") {
            let flag = flag.split('=').next().unwrap_or(flag).to_string();
            if sub.is_none() && GLOBAL_VALUES.contains(&flag.as_str()) {
                words.next();
            }
            flags.push(flag);
        } else if sub.is_none() {
            assert!(
                subs.iter().any(|s| s == w),
                "README: `{command}`: `{w}` is not a subcommand"
            );
            sub = Some(w.to_string());
        }
    }
    (sub, flags)
}

#[test]
fn every_command_in_the_readme_exists_with_the_flags_it_gives() {
    let readme = readme();
    let subs = subcommands();
    let commands = readme_commands(&readme);
    assert!(commands.len() > 25, "{commands:#?}");
    let mut helps = std::collections::BTreeMap::new();
    let mut used = BTreeSet::new();
    for command in &commands {
        let (sub, flags) = parse_command(command, &subs);
        let key = sub.clone().unwrap_or_default();
        let shown = helps.entry(key.clone()).or_insert_with(|| {
            shown_flags(&help(&sub.iter().map(String::as_str).collect::<Vec<_>>()))
        });
        for f in flags {
            assert!(
                shown.contains(&f),
                "README: `{command}`: --{f} is not in `fixedip-tui {key} --help` (hidden: it does nothing there)"
            );
        }
        used.insert(key);
    }
    for sub in &subs {
        assert!(
            used.contains(sub),
            "the README never shows `fixedip-tui {sub}`"
        );
    }
}

/// Flags of other tools the README shows (cargo, aws, the scripts).
const OTHER_TOOLS_FLAGS: &[&str] = &[
    "release",
    "example",
    "locked",
    "all-targets",
    "test",
    "check",
    "scale",
    "runs",
    "bare",
    "reset",
    "endpoint",
    "template-file",
    "stack-name",
    "capabilities",
    "parameter-overrides",
    "policy-name",
    "policy-document",
    "policy-arn",
    "role-name",
    "vpc-ids",
    "query",
    "path",
    "target",
    "use-device-code",
];

#[test]
fn every_flag_the_readme_names_exists() {
    let mut known: BTreeSet<String> = shown_flags(&help(&[]));
    for sub in subcommands() {
        known.extend(shown_flags(&help(&[&sub])));
    }
    let readme = readme();
    let bytes = readme.as_bytes();
    let mut missing = BTreeSet::new();
    for (i, _) in readme.match_indices("--") {
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-') {
            continue;
        }
        let name: String = readme[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            continue;
        }
        if !known.contains(&name) && !OTHER_TOOLS_FLAGS.contains(&name.as_str()) {
            missing.insert(name);
        }
    }
    assert!(
        missing.is_empty(),
        "README flags no --help shows: {missing:?}"
    );
}

#[test]
fn the_readme_exit_codes_are_the_ones_each_help_lists() {
    let readme = readme();
    let table = section(&readme, "## Exit codes");
    let mut readme_codes: std::collections::BTreeMap<String, BTreeSet<u16>> = Default::default();
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let command = cells[0].trim_start_matches("| ");
        let key = if command.starts_with("`fixedip-tui`") {
            String::new()
        } else {
            command.trim_matches('`').to_string()
        };
        let code: u16 = cells[1].parse().unwrap_or_else(|_| panic!("{row}"));
        assert!(
            readme_codes.entry(key).or_default().insert(code),
            "two rows for one code: {row}"
        );
    }
    let mut expected = std::collections::BTreeMap::new();
    expected.insert(String::new(), exit_codes(&help(&[])));
    for sub in subcommands() {
        expected.insert(sub.clone(), exit_codes(&help(&[&sub])));
    }
    assert_eq!(readme_codes, expected);
}

#[test]
fn the_quickstart_is_ten_lines_from_the_demo_to_destroy() {
    let readme = readme();
    assert!(
        readme.find("## Quickstart") < readme.find("## What it is for"),
        "the Quickstart comes first"
    );
    let quick = section(&readme, "## Quickstart");
    let lines: Vec<&str> = quick
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 10, "{quick}");
    for (n, l) in lines.iter().enumerate() {
        assert!(l.starts_with(&format!("{}. ", n + 1)), "{l}");
    }
    assert!(lines[0].contains("`fixedip-tui --demo`"));
    assert!(lines[8].contains("**A**") && lines[8].contains("fixed IPs"));
    for word in ["verify", "status", "destroy"] {
        assert!(lines[9].contains(word), "{}", lines[9]);
    }
}

/// The README's plan file example is byte for byte what the command above it writes, and the
/// section names every field a plan can have.
#[test]
fn the_readme_plan_file_is_what_its_command_writes_and_every_field_is_named() {
    let readme = readme();
    let text = section(&readme, "### The plan file");
    let blocks = code_blocks(&text);
    let command = blocks
        .iter()
        .find(|(lang, _)| lang == "sh")
        .map(|(_, b)| joined_lines(b).remove(0))
        .expect("the command");
    let example = blocks
        .iter()
        .find(|(lang, _)| lang == "toml")
        .map(|(_, b)| b.clone())
        .expect("the plan file");
    let home = tempfile::tempdir().expect("home");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = run(&args, home.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(home.path().join("plan.toml")).expect("plan.toml");
    assert_eq!(
        written.trim_end(),
        example.trim_end(),
        "README: `{command}`"
    );

    // Every field, of every variant.
    use fixedip_tui::plan::{ApiChoice, EipChoice, EndpointChoice, Plan, PrivateZoneChoice};
    let plan = Plan::from_toml(&example).expect("the example parses");
    let mut other = plan.clone();
    other.adopt_nlb = Some("arn:aws:elasticloadbalancing:…".into());
    other.adopt_target_group = Some("arn:aws:elasticloadbalancing:…".into());
    other.endpoint = EndpointChoice::Reuse {
        vpc_endpoint_id: "vpce-1".into(),
    };
    other.api = ApiChoice::Adopt {
        rest_api_id: "a1".into(),
    };
    other.private_zone = PrivateZoneChoice::Existing {
        zone_id: "Z1".into(),
    };
    other.eips = EipChoice::Existing {
        allocation_ids: vec!["eipalloc-1".into()],
    };
    let mut none = plan.clone();
    none.eips = EipChoice::None;
    fn keys(v: &toml::Value, prefix: &str, out: &mut BTreeSet<String>) {
        if let toml::Value::Table(t) = v {
            for (k, v) in t {
                out.insert(if prefix.is_empty() && v.is_table() {
                    format!("[{k}]")
                } else {
                    k.clone()
                });
                keys(v, k, out);
            }
        }
    }
    let mut all = BTreeSet::new();
    for p in [&plan, &other, &none] {
        let v: toml::Value = toml::from_str(&p.to_toml().expect("encodes")).expect("TOML");
        keys(&v, "", &mut all);
        if let Some(mode) = v.get("eips").and_then(|e| e.get("mode")) {
            all.insert(format!("mode = {mode}"));
        }
    }
    for k in &all {
        assert!(
            text.contains(&format!("`{k}`")) || text.contains(&format!("\n{k} = ")),
            "the plan file section does not name `{k}`"
        );
    }
}

/// A JSON value's key paths (`a.b`, `list[].c`).
fn key_paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{prefix}.{k}");
                out.insert(p.clone());
                key_paths(v, &p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for v in a {
                key_paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn paths(v: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    key_paths(v, "", &mut out);
    out
}

/// The JSON examples of the README have the fields the binary prints: `discover --json`, and
/// `status --json` of an applied (Elastic IPs) and of a destroyed plan.
#[test]
fn the_readme_json_examples_have_the_fields_the_binary_prints() {
    let readme = readme();
    let json_blocks = |heading: &str| -> Vec<serde_json::Value> {
        code_blocks(&section(&readme, heading))
            .into_iter()
            .filter(|(lang, b)| lang == "json" && b.trim_start().starts_with('{'))
            .filter_map(|(_, b)| serde_json::from_str(&b).ok())
            .collect()
    };
    let home = tempfile::tempdir().expect("home");
    let state = home.path().join("st");
    let state = state.to_string_lossy().to_string();
    let demo = ["--demo", "--demo-speed", "0.001", "--state-dir", &state];
    let run_demo = |args: &[&str]| -> Output {
        let mut all = demo.to_vec();
        all.extend(args);
        run(&all, home.path())
    };

    let discover = run_demo(&["discover", "--json"]);
    assert_eq!(discover.status.code(), Some(0));
    let real: serde_json::Value = serde_json::from_slice(&discover.stdout).expect("JSON");
    let example = json_blocks("## `fixedip-tui discover --json`")
        .into_iter()
        .find(|v| v.get("schema_version").is_some())
        .expect("the discover example");
    assert_eq!(paths(&example), paths(&real), "README discover example");

    // The plan file example, applied, verified; then destroyed.
    let plan = code_blocks(&section(&readme, "### The plan file"))
        .into_iter()
        .find(|(lang, _)| lang == "toml")
        .expect("plan file")
        .1;
    std::fs::write(home.path().join("plan.toml"), plan).expect("write");
    let id = "fip-9729d0a60e";
    assert_eq!(
        run_demo(&["apply", "--plan", "plan.toml", "--yes"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run_demo(&["verify", "--plan-id", id]).status.code(),
        Some(0)
    );
    let examples = json_blocks("### Status: the handout");
    assert_eq!(examples.len(), 2, "applied and destroyed");
    let status = run_demo(&["status", "--plan-id", id, "--json"]);
    assert_eq!(status.status.code(), Some(0));
    let real: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON");
    assert_eq!(paths(&examples[0]), paths(&real), "README status example");
    assert_eq!(examples[0]["ip_kind"], "elastic");
    assert_eq!(real["ip_kind"], "elastic");
    assert_eq!(real["fixed_ips"].as_array().map(Vec::len), Some(3));

    assert_eq!(
        run_demo(&["destroy", "--plan-id", id, "--yes"])
            .status
            .code(),
        Some(0)
    );
    let status = run_demo(&["status", "--plan-id", id, "--json"]);
    assert_eq!(
        status.status.code(),
        Some(1),
        "README: status of a destroyed plan exits 1"
    );
    let real: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON");
    assert_eq!(
        paths(&examples[1]),
        paths(&real),
        "README destroyed example"
    );
    assert_eq!(examples[1]["state"], "destroyed");
    assert_eq!(real["state"], "destroyed");
}

/// `--version` names the commit and the glibc the binary needs: `fixedip-tui 0.1.0 (abc1234,
/// glibc ≥ 2.17)` from scripts/dist.sh, `… built locally: …` from any other build (build.rs).
#[test]
fn version_names_the_commit_and_the_glibc_floor() {
    let home = tempfile::tempdir().expect("home");
    let out = run(&["--version"], home.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let line = text.trim_end();
    let inside = line
        .strip_prefix(concat!("fixedip-tui ", env!("CARGO_PKG_VERSION"), " ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("`{line}`"));
    let (commit, floor) = inside
        .split_once(", ")
        .unwrap_or_else(|| panic!("`{line}`"));
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "the commit: `{line}`"
    );
    assert!(
        floor.starts_with("glibc ≥ 2.") || floor.starts_with("built locally"),
        "the glibc floor: `{line}`"
    );
}
