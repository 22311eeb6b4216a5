//! `--demo`'s simulated account: its compressed time, loading it (the saved one or the shipped
//! one, with `--demo-reset` and `--demo-faults`), and saving it after a run.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::{Cli, DemoSpeed};
use crate::cloud::sim::{Fault, FaultRule, SimCloud, SimOptions};
use crate::cloud::{CloudError, ErrorKind};

use super::options::engine_options;

/// The demo's compressed time: AWS-like waits × 0.05 by default (an apply takes ~20–30 s).
const DEMO_DEFAULT_SCALE: f64 = crate::cli::DEMO_DEFAULT_SPEED;

/// The factor of AWS's real time the demo runs at (`--demo-speed`, or the default).
pub fn demo_scale(cli: &Cli) -> f64 {
    match cli.demo_speed {
        Some(DemoSpeed::Realtime) => 1.0,
        Some(DemoSpeed::Factor(f)) => f,
        None => DEMO_DEFAULT_SCALE,
    }
}

/// The demo's account file: the simulated account persists between runs, so apply, then
/// destroy (or another apply) can be tried one after another. `--demo-reset` starts over.
fn demo_account_path(cli: &Cli) -> PathBuf {
    engine_options(cli).state_dir.join("account.json")
}

/// The simulated account of `--demo`: the saved one, or the shipped one.
pub fn demo_sim(cli: &Cli) -> Result<Arc<SimCloud>, CloudError> {
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
pub fn save_demo(cli: &Cli, sim: &SimCloud) {
    let path = demo_account_path(cli);
    match sim.with_account(|a| serde_json::to_vec(a)) {
        Ok(bytes) => {
            if let Err(e) = crate::paths::write_atomic(&path, &bytes, 0o600) {
                eprintln!(
                    "warning: the demo account could not be saved to {}: {e}",
                    path.display()
                );
            }
        }
        Err(e) => eprintln!("warning: the demo account could not be encoded: {e}"),
    }
}
