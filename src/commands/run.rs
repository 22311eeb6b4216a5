//! Running the engine for `apply --yes` and `destroy --yes`: progress lines on stderr (or one JSON
//! event per line on stdout), the signals that stop it with the journal kept, and the result on
//! stdout (and in `--output FILE`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::discovery;
use crate::engine::{Account, EngineOptions};

/// Run the engine with progress lines on stderr; the result on stdout.
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
    plan: &crate::plan::Plan,
    inv: &discovery::Inventory,
    opts: EngineOptions,
    destroy: bool,
    report: Report,
) -> ExitCode {
    use crate::engine::EngineEvent;
    use serde_json::json;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let json_lines = report.json;
    // The clock of the run: it starts now and stops when the engine returns.
    let started = tokio::time::Instant::now();
    let mut lines = crate::progress::Lines::new(std::io::stderr().is_terminal());
    let printer = tokio::spawn(async move {
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
            crate::engine::destroy(plan, inv, cloud, opts, tx).await
        } else {
            crate::engine::apply(plan, inv, cloud, opts, tx).await
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
    let result = result.unwrap_or(Err(crate::engine::EngineError::Stopped(0)));
    let prefix = opts_prefix;
    let (code, errors, journal) = match result {
        Err(crate::engine::EngineError::Stopped(_)) if signalled.is_some() => (
            ExitCode::from(128u8.saturating_add(signalled.unwrap_or(2) as u8)),
            vec!["stopped by a signal".to_string()],
            crate::engine::Journal::load_or_new(&state_dir, &plan.id).ok(),
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
        .map(crate::app::apply::ResultView::from_journal)
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
                crate::plan::cost::kept_eips(
                    &ips,
                    0,
                    &format!(
                        "`{}` releases them",
                        crate::plan::cost::release_eips_command(&prefix, &plan.id)
                    )
                )
            ),
            None if release_eips => println!("{}", crate::plan::cost::released_eips(&r.eips)),
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
