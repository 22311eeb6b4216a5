//! Running the engine for `apply --yes` and `destroy --yes`: progress lines on stderr (or one JSON
//! event per line on stdout), the signals that stop it with the journal kept, and the result on
//! stdout (and in `--output FILE`).

use std::future::Future;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::app::apply::ResultView;
use crate::discovery;
use crate::engine::{Account, EngineError, EngineEvent, EngineOptions, Journal, Outcome};
use crate::plan::Plan;

/// How `apply`/`destroy` report: lines on stderr and a summary on stdout, or JSON lines.
#[derive(Clone, Default)]
pub struct Report {
    pub json: bool,
    pub output: Option<PathBuf>,
}

/// Run the engine with progress lines on stderr (or one JSON event per line on stdout with
/// --json); the result on stdout (and in --output FILE as JSON).
pub async fn run_engine(
    cloud: Arc<dyn Account>,
    plan: &Plan,
    inv: &discovery::Inventory,
    opts: EngineOptions,
    destroy: bool,
    report: Report,
) -> ExitCode {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    // The clock of the run: it starts now and stops when the engine returns.
    let started = tokio::time::Instant::now();
    let printer = spawn_printer(rx, report.json, started);
    // SIGINT / SIGTERM / SIGHUP (no terminal: Ctrl-C is a signal here): the first stops after the
    // running steps, a second abandons them; either way the journal is kept and the exit code is
    // 128 + the signal (130 / 143 / 129), with the line that says how to resume.
    let stop = opts.stop.clone();
    let state_dir = opts.state_dir.clone();
    let prefix = opts.command_prefix.clone();
    let release_eips = opts.release_eips;
    let mut signals = Signals::new();
    let engine = async {
        let direction = crate::engine::Direction::of(destroy);
        crate::engine::run(direction, plan, inv, cloud, opts, tx).await
    };
    tokio::pin!(engine);
    let (result, signalled) = until_done(engine.as_mut(), &stop, &mut signals).await;
    let took_ms = started.elapsed().as_millis() as u64;
    let _ = printer.await;
    // Abandoned (a second signal): what the journal holds is what was done.
    let result = result.unwrap_or(Err(EngineError::Stopped(0)));
    let (code, errors, journal) = settle(result, signalled, &state_dir, &plan.id);
    let r = journal
        .as_ref()
        .map(ResultView::from_journal)
        .unwrap_or_default();
    let doc = result_doc(plan, destroy, &errors, journal.as_ref(), &r, took_ms);
    if let Some(path) = &report.output {
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if let Err(e) = crate::paths::write_atomic(path, text.as_bytes(), 0o644) {
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
    let took = crate::ui::screens::apply::secs(took_ms);
    if destroy {
        print_destroyed(plan, &took, journal.as_ref(), &r, &prefix, release_eips);
    } else {
        print_applied(plan, &took, &r);
    }
    code
}

/// The task that prints the engine's events as they come: progress lines on stderr (and the
/// closing line when the engine is done), or one JSON event per line on stdout.
fn spawn_printer(
    mut rx: UnboundedReceiver<EngineEvent>,
    json_lines: bool,
    started: tokio::time::Instant,
) -> JoinHandle<()> {
    let mut lines = crate::progress::Lines::new(std::io::stderr().is_terminal());
    tokio::spawn(async move {
        let at = || started.elapsed().as_millis() as u64;
        while let Some(ev) = rx.recv().await {
            if let EngineEvent::Call { command, .. } = &ev {
                tracing::info!("aws call: {command}");
            }
            if json_lines {
                println!(
                    "{}",
                    json!({"schema_version": 1, "type": "event", "data": crate::progress::json(&ev)})
                );
                continue;
            }
            eprint!("{}", lines.event(at(), &ev));
        }
        eprint!("{}", lines.finish(at()));
    })
}

/// Drive the engine to its end while listening for signals: the first sets `stop` (no new step
/// starts), a second abandons the running steps (the result is then `None`). Also returns the
/// first signal's number.
async fn until_done<F: Future<Output = Result<Outcome, EngineError>>>(
    mut engine: Pin<&mut F>,
    stop: &AtomicBool,
    signals: &mut Signals,
) -> (Option<Result<Outcome, EngineError>>, Option<i32>) {
    let mut signalled: Option<i32> = None;
    let result = loop {
        tokio::select! {
            r = engine.as_mut() => break Some(r),
            sig = signals.next() => {
                if signalled.is_some() {
                    break None;
                }
                signalled = Some(sig);
                stop.store(true, Ordering::SeqCst);
                eprintln!("fixedip-tui: stopping after the running steps (signal again to abandon them now); the journal is kept");
            }
        }
    };
    (result, signalled)
}

/// The exit code, the errors and the journal of a run: 128 + the signal when one stopped it, 3
/// when a step failed, 1 when the engine could not run, 0 when it is done.
fn settle(
    result: Result<Outcome, EngineError>,
    signalled: Option<i32>,
    state_dir: &Path,
    plan_id: &str,
) -> (ExitCode, Vec<String>, Option<Journal>) {
    match result {
        Err(EngineError::Stopped(_)) if signalled.is_some() => (
            ExitCode::from(128u8.saturating_add(signalled.unwrap_or(2) as u8)),
            vec!["stopped by a signal".to_string()],
            Journal::load_or_new(state_dir, plan_id).ok(),
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
    }
}

/// The result document (`--json`'s last line, `--output FILE`), schema_version 1.
fn result_doc(
    plan: &Plan,
    destroy: bool,
    errors: &[String],
    journal: Option<&Journal>,
    r: &ResultView,
    took_ms: u64,
) -> serde_json::Value {
    json!({
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
        "elastic_ips_kept": journal.and_then(|j| j.held_eips()).unwrap_or_default(),
    })
}

/// A destroy's summary on stdout: what is gone, and the Elastic IPs kept (with the command that
/// releases them) or released.
fn print_destroyed(
    plan: &Plan,
    took: &str,
    journal: Option<&Journal>,
    r: &ResultView,
    prefix: &str,
    release_eips: bool,
) {
    println!(
        "Plan {} destroyed in {took}: everything it created is gone{}; what it changed is restored.",
        plan.id,
        if journal.and_then(|j| j.held_eips()).is_some() {
            " except its Elastic IPs"
        } else {
            ""
        }
    );
    match journal.and_then(|j| j.held_eips()) {
        Some(ips) => println!(
            "{}",
            crate::plan::cost::kept_eips(
                &ips,
                0,
                &format!(
                    "`{}` releases them",
                    crate::plan::cost::release_eips_command(prefix, &plan.id)
                )
            )
        ),
        None if release_eips => println!("{}", crate::plan::cost::released_eips(&r.eips)),
        None => {}
    }
}

/// An apply's summary on stdout: the URL, the fixed IPs (one /32 per line), the NLB and the
/// endpoint.
fn print_applied(plan: &Plan, took: &str, r: &ResultView) {
    println!("Plan {} applied in {took}: https://{}", plan.id, plan.name);
    if r.fixed_ips.is_empty() {
        println!("Fixed IPs: not reported by this endpoint");
    } else {
        for ip in &r.fixed_ips {
            println!("{ip}/32");
        }
    }
    println!("NLB: {}", r.nlb_dns.as_deref().unwrap_or_default());
    println!(
        "Endpoint: {} ({})",
        r.endpoint_id.as_deref().unwrap_or_default(),
        r.endpoint_ips.join(", ")
    );
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
