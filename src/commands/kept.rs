//! The plan `apply` keeps beside its journal, and the journal, as `status`, `verify`, `allow` and
//! `destroy --plan-id` read them: the kept ones when this machine applied the plan, compared with
//! the account (which wins); rebuilt from the account when it did not (`engine::recover`), and
//! kept from then on. A plan of the demo account asked for without `--demo` says the command
//! that works.

use std::process::ExitCode;
use std::sync::Arc;

use crate::engine::recover::{self, Recovered};
use crate::engine::{Account, EngineOptions, Journal};
use crate::plan::Plan;

use super::account::AccountKind;
use super::options::shell_word;

/// The plan `apply` kept here and its journal; `Ok(None)` when this machine keeps no plan of
/// that id (the account then tells: `from_account`). A plan of the demo account asked for
/// without `--demo` (or for AWS) says the command that works: the same one with `--demo`.
pub fn load_kept(
    opts: &EngineOptions,
    plan_id: &str,
    account: AccountKind,
) -> Result<Option<(Plan, Journal)>, ExitCode> {
    let demo = account == AccountKind::Demo;
    let kept = |dir: &std::path::Path| crate::plan::names::kept_plan_path(dir, plan_id);
    let with_demo = || {
        let args: Vec<String> = std::env::args().skip(1).map(|a| shell_word(&a)).collect();
        format!("fixedip-tui --demo {}", args.join(" "))
    };
    let path = kept(&opts.state_dir);
    if !path.exists() {
        // Made on the demo account, asked without --demo: the demo keeps its plans apart.
        if !demo && kept(&opts.state_dir.join("demo")).exists() {
            eprintln!(
                "fixedip-tui: plan {plan_id} was applied on the demo account: add --demo (`{}`)",
                with_demo()
            );
            return Err(ExitCode::from(2));
        }
        return Ok(None);
    }
    let plan = Plan::load(&path).map_err(|e| {
        eprintln!(
            "fixedip-tui: {e}\n  → move {} away to rebuild the plan from the account",
            path.display()
        );
        ExitCode::from(2)
    })?;
    // moto and LocalStack (--endpoint-url) use the same account id as the demo: only AWS cannot.
    if account == AccountKind::Aws && plan.account == crate::cloud::sim::DEMO_ACCOUNT_ID {
        eprintln!(
            "fixedip-tui: plan {plan_id} is for the demo account {}: add --demo (`{}`)",
            plan.account,
            with_demo()
        );
        return Err(ExitCode::from(2));
    }
    let journal = load_journal(opts, plan_id)?;
    Ok(Some((plan, journal)))
}

fn load_journal(opts: &EngineOptions, plan_id: &str) -> Result<Journal, ExitCode> {
    Journal::load_or_new(&opts.state_dir, plan_id).map_err(|e| {
        eprintln!("fixedip-tui: {e}");
        ExitCode::FAILURE
    })
}

/// The plan `plan_id` as the account has it, and its journal. With a kept plan: each field the
/// account says otherwise is said on stderr and the account's value goes on (the kept plan is
/// updated); an account that holds none of it (destroyed, or not applied yet) leaves the kept
/// plan as it is. Without one: rebuilt from the account, what it cannot hold said, and kept
/// here from then on (the plan, and a journal when there is none).
pub async fn from_account(
    cloud: &dyn Account,
    opts: &EngineOptions,
    plan_id: &str,
    kept: Option<(Plan, Journal)>,
) -> Result<(Plan, Journal), ExitCode> {
    let plans = opts.state_dir.join("plans");
    let rebuilt = match recover::read(cloud, plan_id).await {
        Ok(answers) => recover::rebuild(&answers),
        Err(e) => {
            let why = format!("the account could not be read for it: {e} → {}", e.hint());
            if let Some((plan, journal)) = kept {
                eprintln!("warning: plan {plan_id}: {why}; going on from the kept plan");
                return Ok((plan, journal));
            }
            Err(why)
        }
    };
    let path = crate::plan::names::kept_plan_path(&opts.state_dir, plan_id);
    match (kept, rebuilt) {
        // Nothing of it in the account: destroyed, or not applied yet (status says which).
        (Some(k), Err(_)) => Ok(k),
        (None, Err(why)) => {
            eprintln!(
                "fixedip-tui: plan {plan_id}: this machine keeps no plan of that id (in {}), and {why}",
                plans.display()
            );
            Err(ExitCode::from(2))
        }
        (Some((kept, journal)), Ok(rec)) => Ok(reconciled(opts, &kept, journal, &rec)),
        (None, Ok(rec)) => {
            eprintln!(
                "Plan {plan_id} is not kept on this machine: rebuilt from the account, kept in {} from now on.",
                path.display()
            );
            for note in &rec.notes {
                eprintln!("note: {note}");
            }
            if let Err(e) = rec.plan.save(&path) {
                eprintln!("warning: {e} (the rebuilt plan is used, not kept)");
            }
            let journal = load_journal(opts, plan_id)?;
            let journal = merged_journal(opts, journal, &rec);
            Ok((rec.plan, journal))
        }
    }
}

/// The kept plan against the account's: each difference said, the account's value kept.
fn reconciled(
    opts: &EngineOptions,
    kept: &Plan,
    journal: Journal,
    rec: &Recovered,
) -> (Plan, Journal) {
    let (plan, diffs) = recover::reconcile(kept, rec);
    for d in &diffs {
        eprintln!("fixedip-tui: {d}: going on from the account");
    }
    if !diffs.is_empty() {
        let path = crate::plan::names::kept_plan_path(&opts.state_dir, &plan.id);
        if let Err(e) = plan.save(&path) {
            eprintln!("warning: {e} (the kept plan still says what it said)");
        }
    }
    let journal = merged_journal(opts, journal, rec);
    (plan, journal)
}

/// The journal with what the account holds now: a step the journal does not know, knows as
/// removed, or knows by another id takes the account's record (its idempotency tokens kept).
/// Saved when it changed.
fn merged_journal(opts: &EngineOptions, mut journal: Journal, rec: &Recovered) -> Journal {
    use crate::engine::journal::Key;
    use crate::engine::NodeStatus;
    let mut changed = false;
    for (node, found) in &rec.journal.nodes {
        let stale = match journal.nodes.get(node) {
            None => true,
            Some(r) => r.status == NodeStatus::Removed || r.id != found.id,
        };
        if !stale {
            continue;
        }
        let mut record = found.clone();
        if let Some(old) = journal.nodes.get(node) {
            for key in [Key::ClientToken, Key::TokenGeneration] {
                if let Some(v) = old.get(key) {
                    record.set(key, v.to_string());
                }
            }
        }
        journal.nodes.insert(*node, record);
        changed = true;
    }
    if changed {
        if let Err(e) = journal.save(&opts.state_dir) {
            eprintln!("warning: {e} (what the account holds is used, not journaled)");
        }
    }
    journal
}

/// A setup named by `--plan-id`, and where to look for it: the account to connect to, the engine's
/// options (the state directory holds its kept plan and journal) and the kind of account (demo or
/// real) a kept plan must be of.
pub struct PlanRef {
    pub connector: crate::runner::Connector,
    pub plan_id: String,
    pub opts: EngineOptions,
    pub account: AccountKind,
}

impl PlanRef {
    /// The kept plan (refused when it is another kind of account's); `None`: none is kept here.
    pub fn kept(&self) -> Result<Option<(Plan, Journal)>, ExitCode> {
        load_kept(&self.opts, &self.plan_id, self.account)
    }

    /// The plan (kept here, or rebuilt from the account) and its journal, then the account: what
    /// `status` and `verify` start from. Each failure is said on stderr; the exit code is returned.
    pub async fn kept_and_connected(&self) -> Result<(Plan, Journal, Arc<dyn Account>), ExitCode> {
        let kept = self.kept()?;
        let cloud = super::account::connect(&self.connector).await?;
        let (plan, journal) = from_account(cloud.as_ref(), &self.opts, &self.plan_id, kept).await?;
        Ok((plan, journal, cloud))
    }
}
