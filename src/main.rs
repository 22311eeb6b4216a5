use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use fixedip_tui::cli::{Cli, Command, DemoSpeed};
use fixedip_tui::cloud::aws::{AwsCloud, AwsOptions};
use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud, SimOptions};
use fixedip_tui::cloud::{CloudError, ErrorKind};
use fixedip_tui::engine::{Account, EngineOptions};
use fixedip_tui::runner::{Connector, Runner};
use fixedip_tui::ui::theme::Theme;
use fixedip_tui::{app, discovery};

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse_args();
    let _ = color_eyre::install();
    let (log_path, _log_guard) = init_logging(cli.log_file.clone());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fixedip-tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let demo = if cli.demo {
        match demo_sim(&cli) {
            Ok(sim) => Some(sim),
            Err(e) => {
                eprintln!("fixedip-tui: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let connector = make_connector(&cli, demo.clone());
    if let Some(Command::Completions { shell }) = &cli.command {
        let mut cmd = fixedip_tui::cli::command();
        let sh = match shell {
            fixedip_tui::cli::Shell::Bash => clap_complete::Shell::Bash,
            fixedip_tui::cli::Shell::Zsh => clap_complete::Shell::Zsh,
            fixedip_tui::cli::Shell::Fish => clap_complete::Shell::Fish,
        };
        clap_complete::generate(sh, &mut cmd, "fixedip-tui", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::Export { plan, format, out }) = &cli.command {
        // Exporting reads no account: neither the runtime nor credentials are needed.
        return export(plan, *format, out.as_deref());
    }
    let code = match &cli.command {
        Some(Command::Discover { json }) => runtime.block_on(discover(connector, *json)),
        Some(Command::Plan { out, choices })
            if choices.any()
                && std::io::stdin().is_terminal()
                && !fixedip_tui::plan::flags::missing_flags(choices).is_empty() =>
        {
            // In a terminal, missing choices are asked for: the wizard starts from the flags.
            run_tui(
                &runtime,
                connector,
                &cli,
                log_path,
                started,
                out.clone(),
                Some(choices.clone()),
            )
        }
        Some(Command::Plan { out, choices })
            if choices.any() || !std::io::stdin().is_terminal() =>
        {
            runtime.block_on(plan_from_flags(
                connector,
                out.clone(),
                (**choices).clone(),
                command_prefix(&cli),
            ))
        }
        Some(Command::Plan { out, .. }) if cli.plain => {
            runtime.block_on(plain(connector, out.clone(), command_prefix(&cli)))
        }
        Some(Command::Plan { out, .. }) => {
            let out = out.clone();
            run_tui(&runtime, connector, &cli, log_path, started, out, None)
        }
        Some(Command::Apply {
            plan,
            yes,
            quiet,
            json,
            output,
        }) => runtime.block_on(review_plan(
            connector,
            plan.clone(),
            Confirm {
                yes: *yes,
                quiet: *quiet,
            },
            engine_options(&cli),
            Report {
                json: *json,
                output: output.clone(),
            },
        )),
        Some(Command::Destroy {
            plan_id,
            plan,
            yes,
            json,
            release_eips,
        }) => runtime.block_on(destroy_plan(
            connector,
            plan_id.clone(),
            plan.clone(),
            *yes,
            EngineOptions {
                release_eips: *release_eips,
                ..engine_options(&cli)
            },
            Report {
                json: *json,
                output: None,
            },
        )),
        Some(Command::Status {
            plan_id,
            json,
            watch,
        }) => runtime.block_on(status(
            connector,
            plan_id.clone(),
            *json,
            *watch,
            engine_options(&cli),
            AccountKind::of(&cli),
        )),
        Some(Command::Verify {
            plan_id,
            json,
            resolver,
            port,
            check_path,
            ca_file,
            timeout,
            min_cert_days,
            skip_network,
            reregister,
        }) => {
            let resolver = match resolver.as_deref().map(fixedip_tui::verify::parse_resolver) {
                None => None,
                Some(Ok(a)) => Some(a),
                Some(Err(e)) => {
                    eprintln!("fixedip-tui: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Some(f) = ca_file {
                if let Err(e) = fixedip_tui::verify::net::Roots::load(Some(f)) {
                    eprintln!("fixedip-tui: {e}");
                    return ExitCode::from(2);
                }
            }
            let vopts = fixedip_tui::verify::VerifyOptions {
                resolver,
                port: *port,
                check_path: check_path.clone(),
                ca_file: ca_file.clone(),
                timeout: std::time::Duration::from_secs((*timeout).max(1)),
                min_cert_days: *min_cert_days,
                network: !*skip_network,
                reregister: *reregister,
            };
            runtime.block_on(verify(
                connector,
                plan_id.clone(),
                *json,
                vopts,
                engine_options(&cli),
                AccountKind::of(&cli),
            ))
        }
        Some(Command::Allow {
            plan_id,
            add,
            remove,
            allow_anywhere,
            undo,
        }) => runtime.block_on(allow(
            connector,
            plan_id.clone(),
            AllowChange {
                add: add.clone(),
                remove: remove.clone(),
                allow_anywhere: *allow_anywhere,
                undo: *undo,
            },
            engine_options(&cli),
            AccountKind::of(&cli),
        )),
        None if cli.plain => runtime.block_on(plain(connector, None, command_prefix(&cli))),
        None => run_tui(&runtime, connector, &cli, log_path, started, None, None),
        Some(Command::Completions { .. } | Command::Export { .. }) => ExitCode::SUCCESS,
    };
    if let Some(sim) = &demo {
        save_demo(&cli, sim);
    }
    code
}

/// The demo's compressed time: AWS-like waits × 0.05 by default (an apply takes ~20–30 s).
const DEMO_DEFAULT_SCALE: f64 = fixedip_tui::cli::DEMO_DEFAULT_SPEED;

fn demo_scale(cli: &Cli) -> f64 {
    match cli.demo_speed {
        Some(DemoSpeed::Realtime) => 1.0,
        Some(DemoSpeed::Factor(f)) => f,
        None => DEMO_DEFAULT_SCALE,
    }
}

/// Where journals live and how long the engine waits (scaled like the simulated account in --demo).
fn engine_options(cli: &Cli) -> EngineOptions {
    let base = cli
        .state_dir
        .clone()
        .or_else(fixedip_tui::paths::state_dir)
        .unwrap_or_else(|| PathBuf::from(".fixedip-tui"));
    let opts = if cli.demo {
        EngineOptions::aws(base.join("demo")).scaled(demo_scale(cli))
    } else {
        EngineOptions::aws(base)
    };
    EngineOptions {
        command_prefix: command_prefix(cli),
        ..opts
    }
}

/// The demo's account file: the simulated account persists between runs, so apply, then
/// destroy (or another apply) can be tried one after another. `--demo-reset` starts over.
fn demo_account_path(cli: &Cli) -> PathBuf {
    engine_options(cli).state_dir.join("account.json")
}

/// The simulated account of `--demo`: the saved one, or the shipped one.
fn demo_sim(cli: &Cli) -> Result<Arc<SimCloud>, CloudError> {
    let options = SimOptions {
        scale: demo_scale(cli),
        ..SimOptions::default()
    };
    let path = demo_account_path(cli);
    if cli.demo_reset {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir_all(engine_options(cli).state_dir.join("plans"));
    }
    let sim = match std::fs::read_to_string(&path) {
        Ok(text) => SimCloud::new(
            SimCloud::parse_account(&text).map_err(|e| {
                CloudError::new(
                    ErrorKind::Other,
                    "demo",
                    format!(
                        "the saved demo account {} is damaged ({e}): run with --demo-reset",
                        path.display()
                    ),
                )
            })?,
            options,
        ),
        Err(_) => SimCloud::demo(options).map_err(|e| {
            CloudError::new(
                ErrorKind::Other,
                "demo",
                format!("the built-in demo account does not parse: {e}"),
            )
        })?,
    };
    // Saved after every write: a run stopped at any moment (even kill -9) leaves the account
    // and the journal in agreement.
    sim.persist_to(path);
    if cli.demo_faults {
        for (fault, p) in [
            (Fault::Throttle, 0.15),
            (Fault::ServerError, 0.05),
            (Fault::LostResponse, 0.05),
        ] {
            sim.add_fault(FaultRule {
                probability: p,
                ..FaultRule::always("*", fault)
            });
        }
    }
    Ok(Arc::new(sim))
}

/// Save the demo account (after a run), so the next run sees what this one created.
fn save_demo(cli: &Cli, sim: &SimCloud) {
    let path = demo_account_path(cli);
    match sim.with_account(|a| serde_json::to_vec(a)) {
        Ok(bytes) => {
            if let Err(e) = fixedip_tui::paths::write_atomic(&path, &bytes, 0o600) {
                eprintln!(
                    "warning: the demo account could not be saved to {}: {e}",
                    path.display()
                );
            }
        }
        Err(e) => eprintln!("warning: the demo account could not be encoded: {e}"),
    }
}

fn make_connector(cli: &Cli, demo: Option<Arc<SimCloud>>) -> Connector {
    if let Some(sim) = demo {
        Arc::new(move || {
            let sim = sim.clone();
            Box::pin(async move { Ok(sim as Arc<dyn Account>) })
        })
    } else {
        let opts = AwsOptions {
            profile: cli.profile.clone(),
            region: cli.region.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            max_attempts: std::env::var("FIXEDIP_MAX_ATTEMPTS")
                .ok()
                .and_then(|v| v.parse().ok()),
        };
        Arc::new(move || {
            let opts = opts.clone();
            Box::pin(async move {
                let cloud = AwsCloud::connect(opts).await?;
                Ok(Arc::new(cloud) as Arc<dyn Account>)
            })
        })
    }
}

async fn discover(connector: Connector, json: bool) -> ExitCode {
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    for note in &cloud.target().notes {
        eprintln!("note: {note}");
    }
    let inv = discovery::collect(cloud).await;
    if json {
        match serde_json::to_string_pretty(&inv) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fixedip-tui: cannot encode the inventory as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", fixedip_tui::report::inventory_text(&inv));
    }
    for e in &inv.errors {
        eprintln!(
            "fixedip-tui: {} could not be read: {}: {}\n  → {}",
            e.source_label(),
            e.action,
            e.message,
            e.hint
        );
    }
    for w in &inv.warnings {
        eprintln!(
            "warning: {}: {}: {}\n  → {}",
            w.source_label(),
            w.action,
            w.message,
            w.hint
        );
    }
    if inv.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Read the account for a non-TUI command, with progress on stderr.
/// Resolve credentials and region; on failure say why and what to do (exit 1).
async fn connect(connector: &Connector) -> Result<Arc<dyn Account>, ExitCode> {
    connector().await.map_err(|e| {
        eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
        ExitCode::FAILURE
    })
}

/// What validation needs beyond discovery for this plan: the records of its name, and the IPs in
/// use where endpoint IPs are pinned.
async fn plan_lookups(
    cloud: &dyn Account,
    plan: &fixedip_tui::plan::Plan,
    inv: &mut discovery::Inventory,
) {
    let mut zones = vec![plan.public_zone_id.clone()];
    if let fixedip_tui::plan::PrivateZoneChoice::Existing { zone_id } = &plan.private_zone {
        zones.push(zone_id.clone());
    }
    for z in zones.iter().filter(|z| !z.is_empty()) {
        match cloud.list_records(z, &plan.name).await {
            Ok(r) => inv.records.extend(r),
            Err(e) => eprintln!("warning: records of {} in {z}: {e}", plan.name),
        }
    }
    if !plan.endpoint_ips.is_empty() {
        let subnets: Vec<String> = plan.endpoint_ips.keys().cloned().collect();
        if let Err(e) = discovery::read_used_ips(cloud, inv, &subnets).await {
            eprintln!(
                "warning: the IPs in use in {} could not be read: {e}",
                subnets.join(", ")
            );
        }
    }
}

async fn connect_and_discover(
    connector: &Connector,
) -> Result<(Arc<dyn Account>, discovery::Inventory), ExitCode> {
    let cloud = connect(connector).await?;
    for note in &cloud.target().notes {
        eprintln!("note: {note}");
    }
    eprintln!("Reading the account ({})…", cloud.target().region);
    let inv = discovery::collect(cloud.clone()).await;
    for e in &inv.errors {
        eprintln!(
            "warning: {} could not be read: {}\n  → {}",
            e.source_label(),
            e.message,
            e.hint
        );
    }
    Ok((cloud, inv))
}

/// `plan` with flags: every choice from the command line, the same validation as the wizard.
async fn plan_from_flags(
    connector: Connector,
    out: Option<PathBuf>,
    flags: fixedip_tui::cli::PlanFlags,
    prefix: String,
) -> ExitCode {
    use fixedip_tui::plan::flags::{draft_from_flags, FlagError};
    let (cloud, mut inv) = match connect_and_discover(&connector).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (draft, defaulted) = match draft_from_flags(&flags, &inv) {
        Ok(d) => d,
        Err(FlagError(lines)) => {
            for l in lines {
                eprintln!("fixedip-tui: {l}");
            }
            return ExitCode::from(2);
        }
    };
    let plan = draft.to_plan(&inv);
    plan_lookups(cloud.as_ref(), &plan, &mut inv).await;
    let findings = fixedip_tui::plan::validate(&plan, &inv);
    let blockers = fixedip_tui::plan::validate::blocking(&plan, &findings);
    if flags.json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "plan_id": plan.id,
            "valid": blockers.is_empty(),
            "plan": plan,
            "defaulted": defaulted,
            "findings": findings,
            "cost": fixedip_tui::plan::cost::estimate(&plan),
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    if !defaulted.is_empty() {
        // What the flags left open, chosen as the wizard would: said, so it can be changed.
        eprintln!("defaulted (the flag changes it):");
        for d in &defaulted {
            eprintln!("  {} {}\n    {}", d.flag, d.value, d.why);
        }
    }
    if !blockers.is_empty() {
        eprintln!("fixedip-tui: the plan is not valid:");
        for f in &blockers {
            let what = match f.severity {
                fixedip_tui::plan::Severity::Error => "error".to_string(),
                _ => format!("warning (acknowledge with --acknowledge {})", f.code),
            };
            eprintln!("  {what} [{}] {}\n    → {}", f.code, f.message, f.fix);
        }
        return ExitCode::from(2);
    }
    let path = out.unwrap_or_else(|| PathBuf::from(format!("{}.toml", plan.id)));
    if let Err(e) = plan.save(&path) {
        eprintln!("fixedip-tui: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("plan {} saved to {}", plan.id, path.display());
    eprintln!(
        "next: {prefix} apply --plan {} --yes   (review first: the same without --yes)",
        path.display()
    );
    if !flags.json {
        println!("{}", plan.id);
    }
    ExitCode::SUCCESS
}

/// `fixedip-tui` with the global flags a printed command needs to work as printed (`--demo`,
/// `--profile`, `--region`, `--endpoint-url`, `--state-dir`).
fn command_prefix(cli: &Cli) -> String {
    let mut words = vec!["fixedip-tui".to_string()];
    if cli.demo {
        words.push("--demo".into());
    }
    for (flag, value) in [
        ("--profile", &cli.profile),
        ("--region", &cli.region),
        ("--endpoint-url", &cli.endpoint_url),
    ] {
        if let Some(v) = value {
            words.push(format!("{flag} {v}"));
        }
    }
    if let Some(d) = &cli.state_dir {
        words.push(format!("--state-dir {}", d.display()));
    }
    words.join(" ")
}

/// An argument as a shell reads it back (quoted when it holds anything but plain characters).
fn shell_word(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// `--plain`: the same steps as line prompts; the plan is saved where the user says.
/// `prefix`: how the next command it prints starts (`fixedip-tui` and the global flags it needs).
async fn plain(connector: Connector, out: Option<PathBuf>, prefix: String) -> ExitCode {
    let (cloud, inv) = match connect_and_discover(&connector).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let next = |path: &std::path::Path| {
        println!(
            "next: {prefix} apply --plan {} --yes   (review first: the same without --yes)",
            shell_word(&path.display().to_string())
        );
    };
    match fixedip_tui::plain::run_plain(&inv, cloud.as_ref(), out.as_deref()).await {
        Ok(Some((_, path))) => {
            next(&path);
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            ExitCode::from(2)
        }
    }
}

/// `apply`'s `--yes` (create) and `--quiet` (no review).
struct Confirm {
    yes: bool,
    quiet: bool,
}

/// `apply --plan FILE`: load, read the account again, re-validate, show the review (on stdout when
/// reviewing is all it does; on stderr, or not at all with `--quiet`, when it creates: stdout then
/// carries only the result); with `--yes`, create.
async fn review_plan(
    connector: Connector,
    path: PathBuf,
    confirm: Confirm,
    opts: EngineOptions,
    report: Report,
) -> ExitCode {
    let Confirm { yes, quiet } = confirm;
    use fixedip_tui::plan::{validate::blocking, Plan, Severity};
    let plan = match Plan::load(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let (cloud, mut inv) = match connect_and_discover(&connector).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(id) = &inv.identity {
        if !plan.account.is_empty() && id.account != plan.account {
            eprintln!(
                "fixedip-tui: the plan is for account {}, but these credentials are for {}: use the matching --profile",
                plan.account, id.account
            );
            return ExitCode::from(2);
        }
    }
    if plan.region != inv.region {
        eprintln!(
            "fixedip-tui: the plan is for region {}, not {}: pass --region {}",
            plan.region, inv.region, plan.region
        );
        return ExitCode::from(2);
    }
    plan_lookups(cloud.as_ref(), &plan, &mut inv).await;
    let review =
        fixedip_tui::plan::review::render_text(&fixedip_tui::plan::review::review(&plan, &inv));
    // Reviewing only: the review is the output. Creating (or --json): stdout carries the result
    // only, so the review goes to stderr — or nowhere with --quiet.
    match (quiet, yes || report.json) {
        (true, _) => {}
        (false, true) => eprint!("{review}"),
        (false, false) => print!("{review}"),
    }
    // What an earlier apply of this plan created is not a conflict: it is resumed.
    let owned = match fixedip_tui::engine::Journal::load_or_new(&opts.state_dir, &plan.id) {
        Ok(j) => j.owned(),
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::FAILURE;
        }
    };
    let findings = fixedip_tui::plan::validate::validate_owned(&plan, &inv, &owned);
    let blockers = blocking(&plan, &findings);
    if !blockers.is_empty() {
        eprintln!(
            "\nfixedip-tui: the plan {} cannot be applied as it is:",
            path.display()
        );
        for f in &blockers {
            let what = if f.severity == Severity::Error {
                "error"
            } else {
                "unacknowledged warning"
            };
            eprintln!("  {what} [{}] {}\n    → {}", f.code, f.message, f.fix);
        }
        eprintln!(
            "Fix it with `{} plan --out {}` (the wizard starts from the same name).",
            opts.command_prefix,
            path.display()
        );
        return ExitCode::from(2);
    }
    if !yes {
        eprintln!(
            "\nThe plan {} is valid against the account. Nothing was changed: `{} apply --plan {} --yes` creates the resources.",
            plan.id,
            opts.command_prefix,
            shell_word(&path.display().to_string())
        );
        // Without a terminal, a missing --yes is a usage error (scripts must say it).
        return if std::io::stdin().is_terminal() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    // Keep the plan beside its journal, so destroy --plan-id finds it.
    let kept = fixedip_tui::plan::names::kept_plan_path(&opts.state_dir, &plan.id);
    if let Err(e) = plan.save(&kept) {
        eprintln!("fixedip-tui: {e}");
        return ExitCode::FAILURE;
    }
    run_engine(cloud, &plan, &inv, opts, false, report).await
}

/// Run the engine with progress lines on stderr; the result on stdout.
/// How `apply`/`destroy` report: lines on stderr and a summary on stdout, or JSON lines.
#[derive(Clone, Default)]
struct Report {
    json: bool,
    output: Option<PathBuf>,
}

/// Run the engine with progress lines on stderr (or one JSON event per line on stdout with
/// --json); the result on stdout (and in --output FILE as JSON).
async fn run_engine(
    cloud: Arc<dyn Account>,
    plan: &fixedip_tui::plan::Plan,
    inv: &discovery::Inventory,
    opts: EngineOptions,
    destroy: bool,
    report: Report,
) -> ExitCode {
    use fixedip_tui::engine::EngineEvent;
    use serde_json::json;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let json_lines = report.json;
    // The clock of the run: it starts now and stops when the engine returns.
    let started = tokio::time::Instant::now();
    let mut lines = fixedip_tui::progress::Lines::new(std::io::stderr().is_terminal());
    let printer = tokio::spawn(async move {
        let at = || started.elapsed().as_millis() as u64;
        while let Some(ev) = rx.recv().await {
            if let EngineEvent::Call { command, .. } = &ev {
                tracing::info!("aws call: {command}");
            }
            if json_lines {
                println!(
                    "{}",
                    json!({"schema_version": 1, "type": "event", "data": fixedip_tui::progress::json(&ev)})
                );
                continue;
            }
            eprint!("{}", lines.event(at(), &ev));
        }
        eprint!("{}", lines.finish(at()));
    });
    // SIGINT / SIGTERM / SIGHUP (no terminal: Ctrl-C is a signal here): the first stops after the
    // running steps, a second abandons them; either way the journal is kept and the exit code is
    // 128 + the signal (130 / 143 / 129), with the line that says how to resume.
    let stop = opts.stop.clone();
    let state_dir = opts.state_dir.clone();
    let opts_prefix = opts.command_prefix.clone();
    let release_eips = opts.release_eips;
    let mut signals = Signals::new();
    let engine = async {
        if destroy {
            fixedip_tui::engine::destroy(plan, inv, cloud, opts, tx).await
        } else {
            fixedip_tui::engine::apply(plan, inv, cloud, opts, tx).await
        }
    };
    tokio::pin!(engine);
    let mut signalled: Option<i32> = None;
    let result = loop {
        tokio::select! {
            r = &mut engine => break Some(r),
            sig = signals.next() => {
                if signalled.is_some() {
                    break None;
                }
                signalled = Some(sig);
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
                eprintln!("fixedip-tui: stopping after the running steps (signal again to abandon them now); the journal is kept");
            }
        }
    };
    let took_ms = started.elapsed().as_millis() as u64;
    let _ = printer.await;
    // Abandoned (a second signal): what the journal holds is what was done.
    let result = result.unwrap_or(Err(fixedip_tui::engine::EngineError::Stopped(0)));
    let prefix = opts_prefix;
    let (code, errors, journal) = match result {
        Err(fixedip_tui::engine::EngineError::Stopped(_)) if signalled.is_some() => (
            ExitCode::from(128u8.saturating_add(signalled.unwrap_or(2) as u8)),
            vec!["stopped by a signal".to_string()],
            fixedip_tui::engine::Journal::load_or_new(&state_dir, &plan.id).ok(),
        ),
        Err(e) => (ExitCode::FAILURE, vec![e.to_string()], None),
        Ok(outcome) if !outcome.ok() && signalled.is_some() => (
            ExitCode::from(128u8.saturating_add(signalled.unwrap_or(2) as u8)),
            outcome.failures.iter().map(|f| f.to_string()).collect(),
            Some(outcome.journal),
        ),
        Ok(outcome) if !outcome.ok() => (
            ExitCode::from(3),
            outcome.failures.iter().map(|f| f.to_string()).collect(),
            Some(outcome.journal),
        ),
        Ok(outcome) => (ExitCode::SUCCESS, vec![], Some(outcome.journal)),
    };
    let r = journal
        .as_ref()
        .map(fixedip_tui::app::apply::ResultView::from_journal)
        .unwrap_or_default();
    let doc = json!({
        "schema_version": 1,
        "type": "result",
        "operation": if destroy { "destroy" } else { "apply" },
        "ok": errors.is_empty(),
        "plan_id": plan.id,
        "name": plan.name,
        "region": plan.region,
        "port": plan.settings.listener_port,
        "fixed_ips": r.fixed_ips,
        "nlb_dns_name": r.nlb_dns,
        "endpoint_id": r.endpoint_id,
        "endpoint_ips": r.endpoint_ips,
        "endpoint_dns_name": r.endpoint_dns,
        "rest_api_id": r.api_id,
        "private_zone_id": r.private_zone,
        "errors": errors,
        "resumable": !errors.is_empty(),
        "elapsed_seconds": took_ms as f64 / 1000.0,
        "elastic_ips_kept": journal.as_ref().and_then(|j| j.held_eips()).unwrap_or_default(),
    });
    if let Some(path) = &report.output {
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if let Err(e) = fixedip_tui::paths::write_atomic(path, text.as_bytes(), 0o644) {
            eprintln!("fixedip-tui: cannot write {}: {e}", path.display());
        }
    }
    if report.json {
        println!("{doc}");
        return code;
    }
    for e in &errors {
        eprintln!("fixedip-tui: {e}");
    }
    if signalled.is_some() {
        eprintln!("fixedip-tui: stopped; run the same command to resume.");
        return code;
    }
    if !errors.is_empty() {
        eprintln!("The journal is kept: run the same command again to resume.");
        return code;
    }
    let took = fixedip_tui::ui::screens::apply::secs(took_ms);
    if destroy {
        println!(
            "Plan {} destroyed in {took}: everything it created is gone{}; what it changed is restored.",
            plan.id,
            if journal.as_ref().and_then(|j| j.held_eips()).is_some() {
                " except its Elastic IPs"
            } else {
                ""
            }
        );
        match journal.as_ref().and_then(|j| j.held_eips()) {
            Some(ips) => println!(
                "{}",
                fixedip_tui::plan::cost::kept_eips(
                    &ips,
                    0,
                    &format!(
                        "`{}` releases them",
                        fixedip_tui::plan::cost::release_eips_command(&prefix, &plan.id)
                    )
                )
            ),
            None if release_eips => println!("{}", fixedip_tui::plan::cost::released_eips(&r.eips)),
            None => {}
        }
    } else {
        println!("Plan {} applied in {took}: https://{}", plan.id, plan.name);
        if r.fixed_ips.is_empty() {
            println!("Fixed IPs: not reported by this endpoint");
        } else {
            for ip in &r.fixed_ips {
                println!("{ip}/32");
            }
        }
        println!("NLB: {}", r.nlb_dns.unwrap_or_default());
        println!(
            "Endpoint: {} ({})",
            r.endpoint_id.unwrap_or_default(),
            r.endpoint_ips.join(", ")
        );
    }
    code
}

/// SIGINT, SIGTERM and SIGHUP as one stream of signal numbers (never ends where they cannot be
/// listened to).
struct Signals {
    #[cfg(unix)]
    streams: Option<[tokio::signal::unix::Signal; 3]>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = (|| {
                Some([
                    signal(SignalKind::interrupt()).ok()?,
                    signal(SignalKind::terminate()).ok()?,
                    signal(SignalKind::hangup()).ok()?,
                ])
            })();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal's number (2, 15 or 1).
    async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        if let Some([int, term, hup]) = self.streams.as_mut() {
            return tokio::select! {
                _ = int.recv() => 2,
                _ = term.recv() => 15,
                _ = hup.recv() => 1,
            };
        }
        std::future::pending().await
    }
}

/// `export --plan FILE --format cloudformation [--out FILE]`: 0 written, 1 not written, 2 usage.
fn export(
    plan_path: &std::path::Path,
    format: fixedip_tui::cli::ExportFormat,
    out: Option<&std::path::Path>,
) -> ExitCode {
    let plan = match fixedip_tui::plan::Plan::load(plan_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match format {
        fixedip_tui::cli::ExportFormat::Cloudformation => {
            match fixedip_tui::export::cloudformation(&plan) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("fixedip-tui: cannot export {}: {e}", plan_path.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    match out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                eprintln!("fixedip-tui: cannot write the template: {e}");
                return ExitCode::FAILURE;
            }
        }
        Some(path) => {
            if let Err(e) = fixedip_tui::paths::write_atomic(path, text.as_bytes(), 0o644) {
                eprintln!("fixedip-tui: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!(
                "Wrote {} (plan {}). Deploy: aws cloudformation deploy --region {} --stack-name {} --template-file {} --capabilities CAPABILITY_IAM",
                path.display(),
                plan.id,
                plan.region,
                plan.id,
                path.display()
            );
        }
    }
    ExitCode::SUCCESS
}

/// `destroy --plan-id ID | --plan FILE --yes`.
async fn destroy_plan(
    connector: Connector,
    plan_id: Option<String>,
    plan_path: Option<PathBuf>,
    yes: bool,
    opts: EngineOptions,
    report: Report,
) -> ExitCode {
    let path = match (&plan_path, &plan_id) {
        (Some(p), _) => p.clone(),
        (None, Some(id)) => fixedip_tui::plan::names::kept_plan_path(&opts.state_dir, id),
        (None, None) => {
            eprintln!("fixedip-tui: give --plan-id ID or --plan FILE");
            return ExitCode::from(2);
        }
    };
    let plan = match fixedip_tui::plan::Plan::load(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "fixedip-tui: {e}\n  → the plan of an applied id is kept in {}",
                opts.state_dir.join("plans").display()
            );
            return ExitCode::from(2);
        }
    };
    if !yes {
        eprintln!(
            "fixedip-tui: destroy deletes everything plan {} created for {}: `{} destroy {} --yes{}` confirms it",
            plan.id,
            plan.name,
            opts.command_prefix,
            match (&plan_path, &plan_id) {
                (Some(p), _) => format!("--plan {}", shell_word(&p.display().to_string())),
                _ => format!("--plan-id {}", plan.id),
            },
            if opts.release_eips { " --release-eips" } else { "" }
        );
        return ExitCode::from(2);
    }
    let (cloud, inv) = match connect_and_discover(&connector).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    run_engine(cloud, &plan, &inv, opts, true, report).await
}

fn run_tui(
    runtime: &tokio::runtime::Runtime,
    connector: Connector,
    cli: &Cli,
    log_path: Option<PathBuf>,
    started: Instant,
    plan_out: Option<PathBuf>,
    prefill: Option<Box<fixedip_tui::cli::PlanFlags>>,
) -> ExitCode {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "fixedip-tui: the wizard needs an interactive terminal. For scripts use `fixedip-tui discover --json`."
        );
        return ExitCode::from(2);
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        eprintln!(
            "fixedip-tui: TERM=dumb cannot show the full-screen wizard. Set TERM (e.g. xterm-256color), \
             or use `fixedip-tui discover` for a text listing."
        );
        return ExitCode::from(2);
    }
    let theme = Theme::detect(cli.no_color);
    // NO_COLOR is implemented by the theme; stop crossterm from emitting resets that cancel REVERSED.
    crossterm::style::force_color_output(true);
    let mut terminal = ratatui::init(); // also installs a panic hook that restores the terminal
                                        // A panic inside a background task is caught by its JoinHandle and shown as that task's error:
                                        // it must not tear the terminal down under a UI that keeps running. Only the UI thread restores.
    let restore_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            restore_hook(info);
        } else {
            tracing::error!("panic in a background task: {info}");
        }
    }));
    let mut model = app::Model::new(log_path.map(|p| p.display().to_string()));
    model.quit_after_save = plan_out.is_some();
    model.prefill = prefill;
    model.time_scale = if cli.demo { demo_scale(cli) } else { 1.0 };
    model.command_prefix = command_prefix(cli);
    model.plan_out = plan_out;
    let result = runtime.block_on(Runner::new(connector, engine_options(cli)).run(
        &mut terminal,
        &mut model,
        &theme,
        started,
    ));
    ratatui::restore();
    // Left (q, abort, SIGTERM, SIGHUP) while an apply or destroy was running: nothing is lost —
    // every step was journaled before and after its AWS call — and the way back is a rerun.
    if let Some(a) = model.apply.as_ref().filter(|a| a.running()) {
        let what = match a.mode {
            fixedip_tui::app::apply::Mode::Apply => "apply",
            fixedip_tui::app::apply::Mode::Destroy => "destroy",
        };
        tracing::warn!(plan = %a.plan.id, "left during {what}: the journal is kept");
        let prefix = command_prefix(cli);
        let again = match a.mode {
            fixedip_tui::app::apply::Mode::Apply => format!(
                "{prefix} apply --plan {} --yes",
                shell_word(
                    &fixedip_tui::plan::names::kept_plan_path(
                        &engine_options(cli).state_dir,
                        &a.plan.id
                    )
                    .display()
                    .to_string()
                )
            ),
            fixedip_tui::app::apply::Mode::Destroy => format!(
                "{prefix} destroy --plan-id {} --yes{}",
                a.plan.id,
                if a.release_eips {
                    " --release-eips"
                } else {
                    ""
                }
            ),
        };
        eprintln!(
            "fixedip-tui: left during the {what} of plan {}: the journal keeps every step; run \
             `{again}` to resume.",
            a.plan.id
        );
        return ExitCode::from(3);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fixedip-tui: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to a file (never the terminal). Returns the path and the guard that flushes on drop.
fn init_logging(
    explicit: Option<PathBuf>,
) -> (
    Option<PathBuf>,
    Option<tracing_appender::non_blocking::WorkerGuard>,
) {
    use tracing_subscriber::EnvFilter;
    let path = explicit.or_else(fixedip_tui::paths::default_log_file);
    let Some(path) = path else {
        return (None, None);
    };
    if let Some(dir) = path.parent() {
        if std::fs::create_dir_all(dir).is_err() {
            return (None, None);
        }
    }
    // 0600 like the journal: the log holds account ids, ARNs and request details.
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = match open.open(&path) {
        Ok(f) => f,
        Err(_) => return (None, None),
    };
    // A log made by an older version (0644) is tightened too.
    #[cfg(unix)]
    let _ = file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("FIXEDIP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    (ok.then_some(path), Some(guard))
}

/// The plan `apply` keeps beside its journal, and the journal: what status / verify / allow read.
/// A plan of the demo account asked for without `--demo` says the command that works: the same
/// one with `--demo`.
fn load_kept(
    opts: &EngineOptions,
    plan_id: &str,
    account: AccountKind,
) -> Result<(fixedip_tui::plan::Plan, fixedip_tui::engine::Journal), ExitCode> {
    let demo = account == AccountKind::Demo;
    let kept = |dir: &std::path::Path| fixedip_tui::plan::names::kept_plan_path(dir, plan_id);
    let with_demo = || {
        let args: Vec<String> = std::env::args().skip(1).map(|a| shell_word(&a)).collect();
        format!("fixedip-tui --demo {}", args.join(" "))
    };
    let path = kept(&opts.state_dir);
    let plan = fixedip_tui::plan::Plan::load(&path).map_err(|e| {
        // Made on the demo account, asked without --demo: the demo keeps its plans apart.
        if !demo && kept(&opts.state_dir.join("demo")).exists() {
            eprintln!(
                "fixedip-tui: plan {plan_id} was applied on the demo account: add --demo (`{}`)",
                with_demo()
            );
        } else {
            eprintln!(
                "fixedip-tui: {e}\n  → this reads the plan that `apply` keeps in {}: is {plan_id} the id `apply` printed (and --state-dir the same)?",
                opts.state_dir.join("plans").display()
            );
        }
        ExitCode::from(2)
    })?;
    // moto and LocalStack (--endpoint-url) use the same account id as the demo: only AWS cannot.
    if account == AccountKind::Aws && plan.account == fixedip_tui::cloud::sim::DEMO_ACCOUNT_ID {
        eprintln!(
            "fixedip-tui: plan {plan_id} is for the demo account {}: add --demo (`{}`)",
            plan.account,
            with_demo()
        );
        return Err(ExitCode::from(2));
    }
    let journal =
        fixedip_tui::engine::Journal::load_or_new(&opts.state_dir, plan_id).map_err(|e| {
            eprintln!("fixedip-tui: {e}");
            ExitCode::FAILURE
        })?;
    Ok((plan, journal))
}

/// Which account a command reads: the demo's, AWS's, or another endpoint's (moto, LocalStack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccountKind {
    Demo,
    Aws,
    Endpoint,
}

impl AccountKind {
    fn of(cli: &Cli) -> Self {
        match (cli.demo, &cli.endpoint_url) {
            (true, _) => AccountKind::Demo,
            (false, None) => AccountKind::Aws,
            (false, Some(_)) => AccountKind::Endpoint,
        }
    }
}

/// `verify --plan-id ID`: the checklist, kept for `status`.
async fn verify(
    connector: Connector,
    plan_id: String,
    json: bool,
    vopts: fixedip_tui::verify::VerifyOptions,
    opts: EngineOptions,
    account: AccountKind,
) -> ExitCode {
    let (plan, journal) = match load_kept(&opts, &plan_id, account) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    // A destroyed setup has nothing to verify: say so (and how to make it again), not a list of
    // failed checks.
    if fixedip_tui::verify::handout::destroyed(&journal)
        && matches!(cloud.find_load_balancer(&plan.nlb_name()).await, Ok(None))
    {
        let kept = fixedip_tui::plan::names::kept_plan_path(&opts.state_dir, &plan_id);
        let msg = format!(
            "plan {plan_id} ({}) was destroyed: nothing to verify; `{} apply --plan {} --yes` makes it again",
            plan.name,
            opts.command_prefix,
            kept.display()
        );
        if json {
            println!(
                "{}",
                serde_json::json!({"schema_version": 1, "plan_id": plan_id, "state": "destroyed", "message": msg})
            );
        } else {
            eprintln!("fixedip-tui: {msg}");
        }
        return ExitCode::FAILURE;
    }
    if !json {
        eprintln!("Verifying {} ({plan_id})…", plan.name);
    }
    let report = fixedip_tui::verify::run(&cloud, &plan, &journal, &vopts, None).await;
    if let Err(e) = report.save(&opts.state_dir) {
        eprintln!("fixedip-tui: {e} (the result is printed but not kept for `status`)");
    }
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(t) => println!("{t}"),
            Err(e) => eprintln!("fixedip-tui: {e}"),
        }
    } else {
        print!("{}", fixedip_tui::verify::text(&report.checks));
        println!(
            "{}: {}",
            if report.passed {
                "VERIFIED"
            } else {
                "NOT VERIFIED"
            },
            report.summary()
        );
    }
    if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `status --plan-id ID [--json] [--watch N]`.
async fn status(
    connector: Connector,
    plan_id: String,
    json: bool,
    watch: Option<u64>,
    opts: EngineOptions,
    account: AccountKind,
) -> ExitCode {
    let (plan, journal) = match load_kept(&opts, &plan_id, account) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut last: Option<fixedip_tui::verify::handout::Handout> = None;
    loop {
        let doc = fixedip_tui::verify::handout::read(
            cloud.as_ref(),
            &plan,
            &journal,
            &opts.state_dir,
            &opts.command_prefix,
        )
        .await;
        let changes = last
            .as_ref()
            .map(|p| doc.changes_since(p))
            .unwrap_or_default();
        if json {
            match serde_json::to_string(&doc) {
                Ok(t) => println!("{t}"),
                Err(e) => eprintln!("fixedip-tui: {e}"),
            }
        } else {
            if watch.is_some() {
                println!(
                    "── {} ──",
                    fixedip_tui::verify::net::ymd_hm(
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_secs() as i64)
                            .unwrap_or_default()
                    )
                );
            }
            for c in &changes {
                println!("!! {c}");
            }
            print!("{}", doc.text());
        }
        let healthy = doc.healthy;
        last = Some(doc);
        match watch {
            Some(n) => tokio::time::sleep(std::time::Duration::from_secs(n.max(1))).await,
            None => {
                return if healthy {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `allow --plan-id ID --add/--remove CIDR`: the NLB security group's rules follow the plan's
/// caller list, changed in place; the kept plan is updated.
/// What `allow` is asked to do.
struct AllowChange {
    add: Vec<String>,
    remove: Vec<String>,
    allow_anywhere: bool,
    undo: bool,
}

/// The journal key of the caller list before the last `allow` (comma-separated; empty = the whole
/// internet).
const ALLOW_PREVIOUS: &str = "allow:previous";

async fn allow(
    connector: Connector,
    plan_id: String,
    change: AllowChange,
    opts: EngineOptions,
    account: AccountKind,
) -> ExitCode {
    let AllowChange {
        mut add,
        mut remove,
        mut allow_anywhere,
        undo,
    } = change;
    use fixedip_tui::cloud::write::IngressRule;
    use fixedip_tui::plan::validate::check_caller_cidr;
    let path = fixedip_tui::plan::names::kept_plan_path(&opts.state_dir, &plan_id);
    let (mut plan, mut journal) = match load_kept(&opts, &plan_id, account) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if undo {
        let Some(previous) = journal.prior.get(ALLOW_PREVIOUS).cloned() else {
            eprintln!(
                "fixedip-tui: nothing to undo: `allow` has not changed the callers of {plan_id}"
            );
            return ExitCode::from(2);
        };
        let previous: Vec<String> = previous
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        remove = plan
            .allow_cidrs
            .iter()
            .filter(|c| !previous.contains(c))
            .cloned()
            .collect();
        add = previous;
        // The previous list was accepted once, even if it was the whole internet.
        allow_anywhere = true;
    }
    if add.is_empty() && remove.is_empty() && !undo {
        eprintln!("fixedip-tui: give --add CIDR and/or --remove CIDR (or --undo)");
        return ExitCode::from(2);
    }
    let mut bad = Vec::new();
    let norm = |c: &str| check_caller_cidr(c).map(|n| n.trunc().to_string());
    let add: Vec<String> = add
        .iter()
        .filter_map(|c| norm(c).map_err(|e| bad.push(e)).ok())
        .collect();
    let remove: Vec<String> = remove
        .iter()
        .filter_map(|c| norm(c).map_err(|e| bad.push(e)).ok())
        .collect();
    if !bad.is_empty() {
        for b in bad {
            eprintln!("fixedip-tui: {b}");
        }
        return ExitCode::from(2);
    }
    let before: Vec<String> = plan
        .allow_cidrs
        .iter()
        .filter_map(|c| norm(c).ok())
        .collect();
    let mut after: Vec<String> = before
        .iter()
        .filter(|c| !remove.contains(c))
        .cloned()
        .collect();
    for c in &add {
        if !after.contains(c) {
            after.push(c.clone());
        }
    }
    if after.is_empty() && !allow_anywhere {
        eprintln!(
            "fixedip-tui: that leaves no caller CIDR, which opens the API to the whole internet: add --allow-anywhere to mean it"
        );
        return ExitCode::from(2);
    }
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let sg = match journal.id_of(fixedip_tui::engine::NodeId::NlbSg) {
        Some(id) => id.to_string(),
        None => match cloud
            .find_security_group(&plan.vpc_id, &fixedip_tui::plan::names::nlb_sg_name(&plan))
            .await
        {
            Ok(Some(g)) => g.id,
            Ok(None) => {
                eprintln!("fixedip-tui: the NLB security group of plan {plan_id} does not exist: apply the plan first");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
                return ExitCode::FAILURE;
            }
        },
    };
    let port = plan.settings.listener_port;
    let rules = |cidrs: &[String]| fixedip_tui::plan::names::nlb_rules(cidrs, port);
    let (old_rules, new_rules) = (rules(&before), rules(&after));
    let grant: Vec<IngressRule> = new_rules
        .iter()
        .filter(|r| !old_rules.iter().any(|o| o.source == r.source))
        .cloned()
        .collect();
    let revoke: Vec<IngressRule> = old_rules
        .iter()
        .filter(|r| !new_rules.iter().any(|n| n.source == r.source))
        .cloned()
        .collect();
    // Grant first, then revoke: callers that stay allowed never lose access in between.
    if !grant.is_empty() {
        if let Err(e) = cloud.authorize_ingress(&sg, &grant).await {
            eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
            return ExitCode::FAILURE;
        }
    }
    if !revoke.is_empty() {
        if let Err(e) = cloud.revoke_ingress(&sg, &revoke).await {
            eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
            return ExitCode::FAILURE;
        }
    }
    plan.allow_cidrs = after.clone();
    if after.is_empty()
        && !plan
            .acknowledged
            .iter()
            .any(|a| a == "callers-whole-internet")
    {
        plan.acknowledged.push("callers-whole-internet".into());
    }
    // Journaled: what the list was, for --undo (which swaps back and forth).
    journal
        .prior
        .insert(ALLOW_PREVIOUS.to_string(), before.join(","));
    if let Err(e) = journal.save(&opts.state_dir) {
        eprintln!(
            "fixedip-tui: the rules changed but the journal could not record it (no --undo): {e}"
        );
    }
    if let Err(e) = plan.save(&path) {
        eprintln!("fixedip-tui: the rules changed but the kept plan could not be updated: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "Who can reach {} now: {}",
        plan.name,
        if after.is_empty() {
            "the whole internet".to_string()
        } else {
            after.join(", ")
        }
    );
    ExitCode::SUCCESS
}
