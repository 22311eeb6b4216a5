//! `allow --plan-id ID --add/--remove CIDR | --undo`: who may call an applied plan, changed in
//! place on the NLB security group, the kept plan and the journal following.

use std::process::ExitCode;

use crate::engine::EngineOptions;
use crate::runner::Connector;

use super::account::{connect, AccountKind};
use super::kept::load_kept;

/// `allow --plan-id ID --add/--remove CIDR`: the NLB security group's rules follow the plan's
/// caller list, changed in place; the kept plan is updated.
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

pub async fn allow(
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
    use crate::cloud::write::IngressRule;
    use crate::plan::validate::check_caller_cidr;
    let path = crate::plan::names::kept_plan_path(&opts.state_dir, &plan_id);
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
    let sg = match journal.id_of(crate::engine::NodeId::NlbSg) {
        Some(id) => id.to_string(),
        None => match cloud
            .find_security_group(&plan.vpc_id, &crate::plan::names::nlb_sg_name(&plan))
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
    let rules = |cidrs: &[String]| crate::plan::names::nlb_rules(cidrs, port);
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
