//! `destroy --plan-id ID | --plan FILE --yes`: load the plan, ask for `--yes`, read the account and
//! hand the plan to the engine's destroy.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::engine::EngineOptions;
use crate::runner::Connector;

use std::sync::Arc;

use crate::engine::Account;

use super::account::{connect, discover, AccountKind};
use super::kept::{from_account, load_kept};
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
    account: AccountKind,
) -> ExitCode {
    // --plan FILE: that plan. --plan-id ID: the kept one, compared with the account, or rebuilt
    // from it when this machine keeps none (after the --yes check: nothing is read without it).
    let (plan, connected) = match (&plan_path, &plan_id) {
        (Some(p), _) => match crate::plan::Plan::load(p) {
            Ok(plan) => (plan, None),
            Err(e) => {
                eprintln!("fixedip-tui: {e}");
                return ExitCode::from(2);
            }
        },
        (None, Some(id)) => match kept_plan(&connector, &opts, id, account, yes).await {
            Ok(x) => x,
            Err(code) => return code,
        },
        (None, None) => {
            eprintln!("fixedip-tui: give --plan-id ID or --plan FILE");
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
    let cloud = match connected {
        Some(c) => c,
        None => match connect(&connector).await {
            Ok(c) => c,
            Err(code) => return code,
        },
    };
    let inv = discover(cloud.clone(), Some(plan.discovery_focus())).await;
    run_engine(cloud, &plan, &inv, opts, true, report).await
}

/// `destroy --plan-id ID`: the kept plan (compared with the account once `--yes` is given), or
/// the plan rebuilt from the account (which needs the account, with or without `--yes`).
async fn kept_plan(
    connector: &Connector,
    opts: &EngineOptions,
    plan_id: &str,
    account: AccountKind,
    yes: bool,
) -> Result<(crate::plan::Plan, Option<Arc<dyn Account>>), ExitCode> {
    let kept = load_kept(opts, plan_id, account)?;
    if !yes {
        if let Some((plan, _)) = kept {
            return Ok((plan, None));
        }
    }
    let cloud = connect(connector).await?;
    let (plan, _) = from_account(cloud.as_ref(), opts, plan_id, kept).await?;
    Ok((plan, Some(cloud)))
}
