//! `destroy --plan-id ID | --plan FILE --yes`: load the plan, ask for `--yes`, read the account and
//! hand the plan to the engine's destroy.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::engine::EngineOptions;
use crate::runner::Connector;

use super::account::connect_and_discover;
use super::options::shell_word;
use super::run::{run_engine, Report};

/// `destroy --plan-id ID | --plan FILE --yes`.
pub async fn destroy_plan(
    connector: Connector,
    plan_id: Option<String>,
    plan_path: Option<PathBuf>,
    yes: bool,
    opts: EngineOptions,
    report: Report,
) -> ExitCode {
    let path = match (&plan_path, &plan_id) {
        (Some(p), _) => p.clone(),
        (None, Some(id)) => crate::plan::names::kept_plan_path(&opts.state_dir, id),
        (None, None) => {
            eprintln!("fixedip-tui: give --plan-id ID or --plan FILE");
            return ExitCode::from(2);
        }
    };
    let plan = match crate::plan::Plan::load(&path) {
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
