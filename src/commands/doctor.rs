//! `doctor [--json] [--nlb ARN | --plan-id ID]`: every fixed-IP setup of the region and what is
//! wrong with each (see `crate::doctor`).

use std::process::ExitCode;

use crate::doctor::{self, Scope, Severity};
use crate::runner::Connector;

use super::account::connect;

/// Today, in days since 1970-01-01 (UTC).
fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

/// `doctor`: read the setups in `scope`, print them with their findings; exit 1 on a warning or
/// an error, 2 when `--nlb` / `--plan-id` match no setup. `fix`: `--fix` with `--yes` and
/// `--only`: the fixable findings mended in place first.
pub async fn doctor(
    connector: Connector,
    json: bool,
    scope: Scope,
    fix: Option<(bool, Vec<String>)>,
) -> ExitCode {
    if let Some((_, only)) = &fix {
        if let Some(bad) = only
            .iter()
            .find(|c| !doctor::findings::CODES.contains(&c.as_str()))
        {
            eprintln!(
                "fixedip-tui: --only {bad}: no such finding code\n  → one of: {}",
                doctor::findings::CODES.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some((yes, only)) = fix {
        match mend(cloud.as_ref(), &scope, yes, &only).await {
            Ok(()) => {}
            Err(code) => return code,
        }
    }
    let (facts, errors) = match doctor::read(cloud.as_ref(), &scope).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!(
                "fixedip-tui: the load balancers could not be read: {e}\n  → {}",
                e.hint()
            );
            return ExitCode::FAILURE;
        }
    };
    let setups = doctor::shape::setups(&facts);
    let report = doctor::report(&facts.region, &setups, today(), errors);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fixedip-tui: cannot encode the report as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{}", doctor::text(&report));
    }
    if report.setups.is_empty() && scope != Scope::All {
        let what = match &scope {
            Scope::Nlb(n) => format!("the NLB {n}"),
            Scope::PlanId(p) => format!("plan {p}"),
            Scope::All => String::new(),
        };
        eprintln!(
            "fixedip-tui: no fixed-IP setup of {what} in {}\n  → run `fixedip-tui doctor` to list every setup the region has",
            report.region
        );
        return ExitCode::from(2);
    }
    match report.worst() {
        Some(Severity::Warning | Severity::Error) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}

/// `--fix`: the changes that mend the setups in `scope`, printed as `aws` lines on stderr; made
/// with `yes` (or once a terminal says yes). Err: the exit code (2 without `--yes` and no
/// terminal, 1 when a change failed or the account could not be read).
async fn mend(
    cloud: &dyn crate::engine::Account,
    scope: &Scope,
    yes: bool,
    only: &[String],
) -> Result<(), ExitCode> {
    let (facts, _) = doctor::read(cloud, scope).await.map_err(|e| {
        eprintln!(
            "fixedip-tui: the load balancers could not be read: {e}\n  → {}",
            e.hint()
        );
        ExitCode::FAILURE
    })?;
    let mut changes = Vec::new();
    for setup in doctor::shape::setups(&facts) {
        let found = doctor::findings::check(&setup, today());
        for change in doctor::fix::changes(&setup, &found, only) {
            changes.push((setup.id(), change));
        }
    }
    if changes.is_empty() {
        eprintln!("Nothing to mend in place.");
        return Ok(());
    }
    for (id, change) in &changes {
        eprintln!("{id}: {}", change.command());
    }
    if !yes && !confirm(changes.len())? {
        return Ok(());
    }
    let mut failed = false;
    for (id, change) in &changes {
        match change.run(cloud).await {
            Ok(()) => eprintln!("✓ {id}: {}", change.command()),
            Err(e) => {
                failed = true;
                eprintln!("✗ {id}: {}: {e}\n  → {}", change.command(), e.hint());
            }
        }
    }
    if failed {
        return Err(ExitCode::FAILURE);
    }
    Ok(())
}

/// Ask before changing the account; without a terminal, say how and stop (exit 2).
fn confirm(n: usize) -> Result<bool, ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!("fixedip-tui: --fix changes the account: add --yes to make these {n} change(s) (nothing was changed)");
        return Err(ExitCode::from(2));
    }
    eprint!("Make these {n} change(s)? [y/N] ");
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return Err(ExitCode::from(2));
    }
    let yes = matches!(answer.trim(), "y" | "Y" | "yes");
    if !yes {
        eprintln!("Nothing was changed.");
    }
    Ok(yes)
}
