//! The real binary in a real terminal (tmux), as a user types: start in --demo, see the VPC list,
//! filter, quit, and find the terminal restored. Waits for text rather than sleeping.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    _home: tempfile::TempDir,
}

impl Tmux {
    /// The HOME the program runs with (its state directory is `state/fixedip-tui` under it).
    fn home(&self) -> &Path {
        self._home.path()
    }
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs (install it: apt-get install tmux)")
    }

    fn start(cols: u16, rows: u16, cmd: &str) -> Tmux {
        Self::start_in(cols, rows, cmd, None)
    }

    fn start_in(cols: u16, rows: u16, cmd: &str, cwd: Option<&Path>) -> Tmux {
        Self::start_at(cols, rows, cmd, cwd, tempfile::tempdir().expect("home"))
    }

    /// Start in `home` (prepared by the test: a saved demo account, say).
    fn start_at(
        cols: u16,
        rows: u16,
        cmd: &str,
        cwd: Option<&Path>,
        home: tempfile::TempDir,
    ) -> Tmux {
        let t = Tmux {
            socket: format!("fixedip-e2e-{}", std::process::id()),
            _home: home,
        };
        let cd = cwd
            .map(|d| format!("cd {} && ", d.display()))
            .unwrap_or_default();
        let shell = format!(
            "{cd}env HOME={h} XDG_STATE_HOME={h}/state TERM=xterm-256color {cmd}; echo EXITED-$?; sleep 30",
            h = t._home.path().display()
        );
        let out = t.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &cols.to_string(),
            "-y",
            &rows.to_string(),
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn wait_for(&self, pred: impl Fn(&str) -> bool, what: &str) -> String {
        self.wait_for_up_to(Duration::from_secs(20), pred, what)
    }

    fn wait_for_up_to(&self, limit: Duration, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if pred(&s) {
                // A capture can land while the program is halfway through writing a frame (the
                // top of the new one above the bottom of the old). Settle, then capture again, so
                // the screen the caller asserts on is a whole frame that still matches.
                std::thread::sleep(Duration::from_millis(150));
                let settled = self.screen();
                if pred(&settled) {
                    return settled;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn bin() -> &'static str {
    let p = env!("CARGO_BIN_EXE_fixedip-tui");
    assert!(Path::new(p).exists());
    p
}

#[test]
fn demo_shows_vpcs_filters_and_quits_cleanly() {
    let t = Tmux::start(100, 30, &format!("{} --demo", bin()));
    let s = t.wait_for(
        |s| s.contains("prod-core") && s.contains("sandbox"),
        "the VPC list",
    );
    assert!(s.contains("123456789012"), "header shows the account:\n{s}");
    assert!(
        t.alternate_screen_on(),
        "full-screen UI on the alternate screen"
    );

    t.keys(&["/", "s", "a", "n", "d"]);
    let s = t.wait_for(|s| s.contains("VPCs (1/4)"), "the filtered list");
    assert!(
        s.contains("sandbox") && !s.contains("prod-core "),
        "only sandbox left:\n{s}"
    );

    // Esc clears the filter and never quits.
    t.keys(&["Escape"]);
    t.wait_for(|s| s.contains("VPCs (4)"), "the filter cleared");
    t.keys(&["?"]);
    t.wait_for(|s| s.contains("Keys — Esc or ? closes"), "the help overlay");
    t.keys(&["Escape"]);
    t.wait_for(|s| !s.contains("Keys — Esc"), "the overlay closed");

    t.keys(&["q"]);
    let s = t.wait_for(|s| s.contains("EXITED-0"), "a clean exit");
    assert!(
        !t.alternate_screen_on(),
        "the terminal left the alternate screen:\n{s}"
    );
    assert!(
        !s.contains("VPCs (4)"),
        "the UI is gone from the main screen:\n{s}"
    );
}

/// A VPC list of 404, longer than a keystroke's 200 rows of the search: the query pasted at
/// once, the real runner goes on with the search between keys until the list shows the one
/// match and the filter line no longer says `searching…`.
#[test]
fn a_long_list_is_filtered_to_the_end_between_keys() {
    use fixedip_tui::cloud::sim::{SimCloud, DEMO_ACCOUNT_JSON};
    let home = tempfile::tempdir().expect("home");
    let mut account = SimCloud::parse_account(DEMO_ACCOUNT_JSON).expect("the demo account");
    let template = account.vpcs[0].clone();
    for i in 0..400 {
        account.vpcs.push(fixedip_tui::domain::Vpc {
            id: format!("vpc-{i:017x}"),
            name: Some(format!("team-{i}")),
            cidr: format!("10.{}.{}.0/24", i / 256, i % 256),
            ..template.clone()
        });
    }
    // The demo's saved account (`--demo` keeps its state in `demo` under the state directory).
    let dir = home.path().join("state/fixedip-tui/demo");
    std::fs::create_dir_all(&dir).expect("state dir");
    std::fs::write(
        dir.join("account.json"),
        serde_json::to_vec(&account).expect("json"),
    )
    .expect("saved account");
    let cmd = format!("{} --demo --demo-speed 0.001", bin());
    let t = Tmux::start_at(120, 40, &cmd, None, home);
    t.wait_for_up_to(
        Duration::from_secs(60),
        |s| s.contains("VPCs (404)"),
        "the long list",
    );
    // fzf's `'`: the text as typed.
    t.keys(&["-l", "/'team-399"]);
    let s = t.wait_for(|s| s.contains("VPCs (1/404)"), "the one match");
    assert!(s.contains("team-399") && !s.contains("searching…"), "{s}");
    t.keys(&["Escape", "Escape"]);
    t.wait_for(|s| s.contains("VPCs (404)"), "the filter cleared");
}

#[test]
fn resize_redraws_and_ctrl_c_quits() {
    let t = Tmux::start(80, 24, &format!("{} --demo", bin()));
    t.wait_for(|s| s.contains("prod-core"), "the VPC list");
    t.run(&["resize-window", "-t", "e2e", "-x", "130", "-y", "40"]);
    t.wait_for(
        |s| s.contains("┌ Discovery"),
        "the wide layout after a resize",
    );
    t.keys(&["C-c"]);
    t.wait_for(|s| s.contains("EXITED-0"), "Ctrl-C to quit");
    assert!(!t.alternate_screen_on());
}

#[test]
fn without_a_terminal_the_tui_refuses_and_points_to_discover() {
    let out = Command::new(bin()).arg("--demo").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("discover --json"));
}

/// The whole wizard with the keyboard only, at 80×24, in the real binary: `plan --out` saves the
/// plan and leaves; the saved file is the clean path's plan.
#[test]
fn demo_wizard_to_a_saved_plan_at_80x24() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("plan.toml");
    let t = Tmux::start_in(
        80,
        24,
        &format!("{} --demo plan --out {}", bin(), out.display()),
        Some(dir.path()),
    );
    t.wait_for(|s| s.contains("prod-core ★"), "the VPC list");
    // The VPC, endpoint, NLB and API steps with their pre-selections; then the name and CIDR.
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 2/8"), "step 2");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 3/8"), "step 3 (NLB subnets)");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 4/8"), "step 4 (name)");
    t.keys(&["-l", "fixed.example.com"]);
    t.wait_for(
        |s| s.contains("(•) *.example.com"),
        "the certificate chosen as typed",
    );
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 5/8"), "step 5 (API)");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 6/8"), "step 6 (callers)");
    t.keys(&["-l", "203.0.113.0/24"]);
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("Step 7/8") && s.contains("No A/AAAA/CNAME record"),
        "step 7 with records checked",
    );
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Step 8/8"), "the review");
    // `plan --out` saves: Enter asks for the name, then s.
    t.keys(&["Enter"]);
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("confirmed"), "the confirmation");
    t.keys(&["s"]);
    t.wait_for(|s| s.contains("EXITED-0"), "a clean exit after saving");
    let plan = fixedip_tui::plan::Plan::load(&out).expect("the saved plan loads");
    assert_eq!(plan.vpc_id, "vpc-0135f36302291c303");
    assert_eq!(plan.name, "fixed.example.com");
    assert_eq!(plan.nlb_subnet_ids.len(), 3);
    assert_eq!(plan.allow_cidrs, vec!["203.0.113.0/24".to_string()]);
    assert_eq!(
        plan.id,
        fixedip_tui::plan::plan_id("123456789012", "us-east-1", "fixed.example.com")
    );
    assert!(!t.alternate_screen_on());
}

/// From the wizard through apply to the result screen, then destroy — the real binary, --demo.
#[test]
fn demo_wizard_apply_result_then_destroy() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Tmux::start_in(
        100,
        40,
        &format!("{} --demo --demo-speed 0.02", bin()),
        Some(dir.path()),
    );
    t.wait_for(|s| s.contains("prod-core ★"), "the VPC list");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("2 · Endpoint subnets"), "step 2");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("3 · NLB subnets"), "step 3");
    // Choosing the kind of IPs: new Elastic IPs by default; x cycles through yours (listed with
    // their tags) and NLB-assigned, and back.
    t.wait_for(
        |s| s.contains("3 new Elastic IPs"),
        "new Elastic IPs by default",
    );
    t.keys(&["x", "G"]);
    t.wait_for(
        |s| s.contains("your Elastic IPs") && s.contains("52.4.113.10"),
        "your Elastic IPs listed",
    );
    t.keys(&["x"]);
    t.wait_for(|s| s.contains("Fixed IPs: NLB-assigned"), "NLB-assigned");
    t.keys(&["x"]);
    t.wait_for(
        |s| s.contains("3 new Elastic IPs"),
        "back to new Elastic IPs",
    );
    // Back on the first (chosen) subnet: Enter goes on.
    t.keys(&["g", "Enter"]);
    t.wait_for(|s| s.contains("4 · Name"), "step 4");
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("5 · API"), "step 5");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("6 · Who may call"), "step 6");
    t.keys(&["-l", "203.0.113.0/24"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("No A/AAAA/CNAME record"), "step 7 checked");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("8 · Review"), "the review");
    // c confirms only; then A applies at once.
    t.keys(&["c"]);
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("confirmed — A apply · s save"), "confirmed");
    t.keys(&["A"]);
    t.wait_for(|s| s.contains("Applying plan"), "the progress screen");
    let s = t.wait_for_up_to(
        Duration::from_secs(90),
        |s| s.contains("Fixed IPs for the partner"),
        "the result screen",
    );
    assert!(s.contains("/32"), "the fixed IPs are shown:\n{s}");
    // The engine took the wizard's inventory instead of reading the account a second time.
    let log = std::fs::read_to_string(t.home().join("state/fixedip-tui/demo/fixedip-tui.log"))
        .or_else(|_| std::fs::read_to_string(t.home().join("state/fixedip-tui/fixedip-tui.log")))
        .unwrap_or_default();
    assert!(
        log.contains("the engine uses the wizard's inventory"),
        "the log says the inventory was reused:\n{log}"
    );
    assert!(
        s.contains("Elastic IPs: they survive an NLB recreate"),
        "the result says the IPs are Elastic:\n{s}"
    );
    // Verify: the checklist and the handout, then back to the result.
    t.keys(&["v"]);
    let s = t.wait_for_up_to(
        Duration::from_secs(30),
        |s| s.contains("verified —"),
        "the verify result",
    );
    assert!(s.contains("Handout") && s.contains("/32"), "{s}");
    assert!(s.contains("Checks") && s.contains("NLB active"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for(
        |s| s.contains("Fixed IPs for the partner"),
        "back on the result",
    );
    t.keys(&["D"]);
    t.wait_for(
        |s| s.contains("Destroy everything plan"),
        "the typed confirmation",
    );
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Destroying plan"), "destroy starts");
    t.wait_for_up_to(
        Duration::from_secs(90),
        |s| s.contains("Everything this plan created is gone"),
        "destroy done",
    );
    t.keys(&["q"]);
    t.wait_for(|s| s.contains("EXITED-0"), "a clean exit");
}

/// Leaving during an apply (q, then "abort now") restores the terminal, says how to resume,
/// and exits 3.
#[test]
fn leaving_during_an_apply_says_how_to_resume() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Tmux::start_in(
        100,
        40,
        &format!("{} --demo --demo-speed realtime", bin()),
        Some(dir.path()),
    );
    t.wait_for(|s| s.contains("prod-core ★"), "the VPC list");
    clean_path_to_the_review(&t);
    t.keys(&["A"]);
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("to become available"),
        "an AWS-like wait in progress",
    );
    t.keys(&["q"]);
    t.wait_for(|s| s.contains("Stop the apply?"), "the stop question");
    t.keys(&["a"]);
    let s = t.wait_for(|s| s.contains("EXITED-3"), "exit 3 (resumable)");
    assert!(s.contains("journal keeps every step"), "{s}");
    assert!(!t.alternate_screen_on());
}

/// The clean path, exactly: Enter (recommended VPC) · Enter (endpoint subnets) · Enter
/// (NLB subnets, new Elastic IPs) · the name, Enter (certificate chosen as typed) · Enter (the
/// API, stage, base path) · a CIDR, Enter · Enter (zones) → the review. Waits are for the screen,
/// never extra keys.
fn clean_path_to_the_review(t: &Tmux) {
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("Endpoint subnets") && s.contains("[x]"),
        "step 2, pre-selected",
    );
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("new Elastic IPs"),
        "step 3, pre-selected, Elastic IPs said",
    );
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Name  "), "step 4");
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("fixedip-ping"), "step 5");
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Add CIDR"), "step 6, the input focused");
    t.keys(&["-l", "203.0.113.0/24"]);
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("No A/AAAA/CNAME record"),
        "step 7, records checked",
    );
    t.keys(&["Enter"]);
    t.wait_for(|s| s.contains("Review — plan"), "the review");
}

/// The first run at 80×24: seven Enters and two typed values to the review; A and the name
/// typed once apply; the result hands out the fixed IPs.
#[test]
fn the_clean_path_at_80x24_applies_with_a_and_the_name() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Tmux::start_in(
        80,
        24,
        &format!("{} --demo --demo-speed 0.02", bin()),
        Some(dir.path()),
    );
    t.wait_for(
        |s| s.contains("▶ prod-core ★"),
        "the cursor on the recommended VPC",
    );
    clean_path_to_the_review(&t);
    let s = t.screen();
    assert!(
        s.contains("A (or Enter)"),
        "the review says how to apply:\n{s}"
    );
    // Reading keys scroll the review; they do not type into the confirmation.
    t.keys(&["J", "j", "g"]);
    t.keys(&["A"]);
    t.wait_for(|s| s.contains("Enter to apply"), "A asks for the name");
    t.keys(&["-l", "fixed.example.com"]);
    t.keys(&["Enter"]);
    let s = t.wait_for_up_to(
        Duration::from_secs(90),
        |s| s.contains("Fixed IPs for the partner"),
        "the result screen",
    );
    assert!(s.contains("/32"), "the fixed IPs are shown:\n{s}");
    t.keys(&["q"]);
    t.wait_for(|s| s.contains("EXITED-0"), "a clean exit");
}

/// The Setups tab on the demo account, as a user finds it: Tab, the two setups found by shape,
/// one opened, its drifted targets mended with f and y — recorded in doctor-fixes.jsonl — and the
/// finding gone when the setups are read again.
#[test]
fn demo_setups_tab_opens_a_setup_and_mends_its_targets() {
    let t = Tmux::start(120, 40, &format!("{} --demo --demo-speed 0.02", bin()));
    t.wait_for(|s| s.contains("Setups (2)"), "the setups read at start");
    t.keys(&["Tab"]);
    t.wait_for(
        |s| s.contains("analytics-partner-nlb") && s.contains("analytics-edi-nlb"),
        "the two setups found by shape",
    );
    t.keys(&["Enter"]);
    t.wait_for(
        |s| s.contains("Findings (") && s.contains("targets-drift"),
        "the setup's findings",
    );
    t.keys(&["f"]);
    t.wait_for(
        |s| s.contains("aws elbv2 register-targets"),
        "the aws lines asked about",
    );
    t.keys(&["y"]);
    let s = t.wait_for(|s| s.contains("✓ done"), "the fix made");
    assert!(s.contains("deregister-targets"), "{s}");
    t.wait_for(
        |s| s.contains("Findings (") && !s.contains("▶ ✗ targets-drift"),
        "read again without the drift",
    );
    let record = t.home().join("state/fixedip-tui/demo/doctor-fixes.jsonl");
    let text = std::fs::read_to_string(&record).expect("the fixes are recorded");
    assert!(
        text.contains("\"outcome\":\"done\"") && text.contains("register-targets"),
        "{text}"
    );
    t.keys(&["q"]);
    t.wait_for(|s| s.contains("EXITED-0"), "a clean exit");
}
