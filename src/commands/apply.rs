//! `apply --plan FILE [--yes]`: load the plan, read the account again, re-validate, show the
//! review, and with `--yes` hand it to the engine.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::discovery::Inventory;
use crate::engine::EngineOptions;
use crate::plan::{validate::blocking, Plan, Severity};
use crate::runner::Connector;

use super::account::{connect, discover_for_plan};
use super::options::shell_word;
use super::run::{run_engine, Report};

/// `apply`'s `--yes` (create) and `--quiet` (no review).
pub struct Confirm {
    pub yes: bool,
    pub quiet: bool,
}

/// `apply --plan FILE`: load, read the account again, re-validate, show the review (on stdout when
/// reviewing is all it does; on stderr, or not at all with `--quiet`, when it creates: stdout then
/// carries only the result); with `--yes`, create.
pub async fn review_plan(
    connector: Connector,
    path: PathBuf,
    confirm: Confirm,
    opts: EngineOptions,
    report: Report,
) -> ExitCode {
    let Confirm { yes, quiet } = confirm;
    let plan = match Plan::load(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let inv = discover_for_plan(cloud.clone(), &plan).await;
    if let Err(code) = check_target(&plan, &inv) {
        return code;
    }
    let review = crate::plan::review::render_text(&crate::plan::review::review(&plan, &inv));
    // Reviewing only: the review is the output. Creating (or --json): stdout carries the result
    // only, so the review goes to stderr — or nowhere with --quiet.
    match (quiet, yes || report.json) {
        (true, _) => {}
        (false, true) => eprint!("{review}"),
        (false, false) => print!("{review}"),
    }
    if let Err(code) = check_findings(&plan, &inv, &path, &opts) {
        return code;
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
    let kept = crate::plan::names::kept_plan_path(&opts.state_dir, &plan.id);
    if let Err(e) = plan.save(&kept) {
        eprintln!("fixedip-tui: {e}");
        return ExitCode::FAILURE;
    }
    run_engine(cloud, &plan, &inv, opts, false, report).await
}

/// The plan's account and region are the ones these credentials read (else exit 2, with the flag
/// that fixes it).
fn check_target(plan: &Plan, inv: &Inventory) -> Result<(), ExitCode> {
    if let Some(id) = &inv.identity {
        if !plan.account.is_empty() && id.account != plan.account {
            eprintln!(
                "fixedip-tui: the plan is for account {}, but these credentials are for {}: use the matching --profile",
                plan.account, id.account
            );
            return Err(ExitCode::from(2));
        }
    }
    if plan.region != inv.region {
        eprintln!(
            "fixedip-tui: the plan is for region {}, not {}: pass --region {}",
            plan.region, inv.region, plan.region
        );
        return Err(ExitCode::from(2));
    }
    Ok(())
}

/// Re-validate against the account (what an earlier apply of this plan created is its own): the
/// blocking findings, each with its fix, are exit 2; an unreadable journal is exit 1.
fn check_findings(
    plan: &Plan,
    inv: &Inventory,
    path: &Path,
    opts: &EngineOptions,
) -> Result<(), ExitCode> {
    // What an earlier apply of this plan created is not a conflict: it is resumed.
    let owned = match crate::engine::Journal::load_or_new(&opts.state_dir, &plan.id) {
        Ok(j) => j.owned(),
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return Err(ExitCode::FAILURE);
        }
    };
    let findings = crate::plan::validate::validate_owned(plan, inv, &owned);
    let blockers = blocking(plan, &findings);
    if blockers.is_empty() {
        return Ok(());
    }
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
    Err(ExitCode::from(2))
}
