//! `allow --plan-id ID --add/--remove CIDR | --undo`: who may call an applied plan, changed in
//! place on the NLB security group, the kept plan and the journal following.

use std::process::ExitCode;

use crate::cloud::write::IngressRule;
use crate::engine::{Account, Journal};
use crate::plan::validate::check_caller_cidr;
use crate::plan::Plan;

use super::account::connect;
use super::kept::{from_account, PlanRef};

/// What `allow` is asked to do.
pub struct AllowChange {
    pub add: Vec<String>,
    pub remove: Vec<String>,
    pub allow_anywhere: bool,
    pub undo: bool,
}

/// The journal key of the caller list before the last `allow` (comma-separated; empty = the whole
/// internet).
const ALLOW_PREVIOUS: &str = "allow:previous";

/// `allow --plan-id ID --add/--remove CIDR`: the NLB security group's rules follow the plan's
/// caller list, changed in place; the kept plan is updated.
pub async fn allow(at: PlanRef, change: AllowChange) -> ExitCode {
    let kept = match at.kept() {
        Ok(x) => x,
        Err(code) => return code,
    };
    if change.add.is_empty() && change.remove.is_empty() && !change.undo {
        eprintln!("fixedip-tui: give --add CIDR and/or --remove CIDR (or --undo)");
        return ExitCode::from(2);
    }
    // A CIDR that is not one is named before the account is read.
    if let Err(code) = check_cidrs(&change) {
        return code;
    }
    let PlanRef {
        connector,
        plan_id,
        opts,
        ..
    } = at;
    let path = crate::plan::names::kept_plan_path(&opts.state_dir, &plan_id);
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (mut plan, mut journal) = match from_account(cloud.as_ref(), &opts, &plan_id, kept).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let change = match undone(change, &plan, &journal, &plan_id) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (before, after) = match new_callers(&plan, change) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let sg = match nlb_security_group(cloud.as_ref(), &plan, &journal, &plan_id).await {
        Ok(id) => id,
        Err(code) => return code,
    };
    let port = plan.settings.listener_port;
    if let Err(code) = change_rules(cloud.as_ref(), &sg, port, &before, &after).await {
        return code;
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
        crate::plan::names::who_can_reach(&after)
    );
    ExitCode::SUCCESS
}

/// With `--undo`, the change that puts back the journaled list before the last `allow` (which was
/// accepted once, even if it was the whole internet); without, the change as asked.
fn undone(
    change: AllowChange,
    plan: &Plan,
    journal: &Journal,
    plan_id: &str,
) -> Result<AllowChange, ExitCode> {
    if !change.undo {
        return Ok(change);
    }
    let Some(previous) = journal.prior.get(ALLOW_PREVIOUS).cloned() else {
        eprintln!("fixedip-tui: nothing to undo: `allow` has not changed the callers of {plan_id}");
        return Err(ExitCode::from(2));
    };
    let previous: Vec<String> = previous
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let remove = plan
        .allow_cidrs
        .iter()
        .filter(|c| !previous.contains(c))
        .cloned()
        .collect();
    Ok(AllowChange {
        add: previous,
        remove,
        // The previous list was accepted once, even if it was the whole internet.
        allow_anywhere: true,
        undo: true,
    })
}

/// The caller list before and after the change, every CIDR checked and normalised; nothing to
/// change, a bad CIDR, or an empty list without `--allow-anywhere` is a usage error (exit 2).
/// Every CIDR of `--add` and `--remove` is one a caller can be (each that is not, named).
fn check_cidrs(change: &AllowChange) -> Result<(), ExitCode> {
    let bad: Vec<String> = (change.add.iter().chain(&change.remove))
        .filter_map(|c| check_caller_cidr(c).err())
        .collect();
    for b in &bad {
        eprintln!("fixedip-tui: {b}");
    }
    match bad.is_empty() {
        true => Ok(()),
        false => Err(ExitCode::from(2)),
    }
}

fn new_callers(plan: &Plan, change: AllowChange) -> Result<(Vec<String>, Vec<String>), ExitCode> {
    let AllowChange {
        add,
        remove,
        allow_anywhere,
        undo,
    } = change;
    if add.is_empty() && remove.is_empty() && !undo {
        eprintln!("fixedip-tui: give --add CIDR and/or --remove CIDR (or --undo)");
        return Err(ExitCode::from(2));
    }
    // Checked before the account was read (`check_cidrs`).
    let norm = |c: &str| check_caller_cidr(c).map(|n| n.trunc().to_string());
    let add: Vec<String> = add.iter().filter_map(|c| norm(c).ok()).collect();
    let remove: Vec<String> = remove.iter().filter_map(|c| norm(c).ok()).collect();
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
        return Err(ExitCode::from(2));
    }
    Ok((before, after))
}

/// The id of the plan's NLB security group: journaled, or found by its name (exit 1 when it does
/// not exist or cannot be read).
async fn nlb_security_group(
    cloud: &dyn Account,
    plan: &Plan,
    journal: &Journal,
    plan_id: &str,
) -> Result<String, ExitCode> {
    if let Some(id) = journal.id_of(crate::engine::NodeId::NlbSg) {
        return Ok(id.to_string());
    }
    match cloud
        .find_security_group(&plan.vpc_id, &crate::plan::names::nlb_sg_name(plan))
        .await
    {
        Ok(Some(g)) => Ok(g.id),
        Ok(None) => {
            eprintln!("fixedip-tui: the NLB security group of plan {plan_id} does not exist: apply the plan first");
            Err(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
            Err(ExitCode::FAILURE)
        }
    }
}

/// The security group's rules from the `before` callers to the `after` ones: granted first, then
/// revoked, so callers that stay allowed never lose access in between (exit 1 when AWS refuses).
async fn change_rules(
    cloud: &dyn Account,
    sg: &str,
    port: u16,
    before: &[String],
    after: &[String],
) -> Result<(), ExitCode> {
    let rules = |cidrs: &[String]| crate::plan::names::nlb_rules(cidrs, port);
    let (old_rules, new_rules) = (rules(before), rules(after));
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
        if let Err(e) = cloud.authorize_ingress(sg, &grant).await {
            eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
            return Err(ExitCode::FAILURE);
        }
    }
    if !revoke.is_empty() {
        if let Err(e) = cloud.revoke_ingress(sg, &revoke).await {
            eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
            return Err(ExitCode::FAILURE);
        }
    }
    Ok(())
}
