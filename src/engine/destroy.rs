//! Destroy: delete, in reverse dependency order, only what this plan created (journal `owned`, or
//! found by its plan tag / derived name when the journal is missing), restore what it changed, and
//! wait for each deletion. Idempotent: deleting what is gone is success. What each step removes
//! is its resource's (`resources`).

use super::ctx::{again_while_passing, said_failed};
use super::graph::depends_on;
use super::resources::{self, Removal};
use super::{destroy_steps, Ctx, EngineError, EngineEvent, NodeId, NodeStatus};

/// Remove every step of the plan, one after the other; a failure is said and the rest goes on —
/// except what the failed step still uses: AWS refuses to delete a security group, target group or
/// Elastic IP something still holds (`DependencyViolation`, `ResourceInUse`, `AuthFailure`), and
/// each would be tried until the endpoint timeout before failing too. Those are kept and said;
/// a destroy run again once the failure is mended removes them.
pub(super) async fn run(ctx: &Ctx) -> Vec<EngineError> {
    let mut errors = Vec::new();
    // Steps passed over (what they made goes with a parent: the listener with the NLB…), and the
    // steps still in the account: those that failed, with what goes with them.
    let (mut passed, mut still_there): (Vec<NodeId>, Vec<NodeId>) = (vec![], vec![]);
    let steps = destroy_steps(&ctx.plan, Some(&ctx.snapshot().await));
    for node in steps {
        if let Some(why) = resources::passed_over(node, ctx).await {
            ctx.emit(EngineEvent::Skipped { node, why });
            passed.push(node);
            continue;
        }
        if let Some(user) = still_there.iter().find(|s| depends_on(**s, node)) {
            let why = format!(
                "kept: {} uses it and could not be removed — destroy again once it is",
                user.title()
            );
            ctx.emit(EngineEvent::Skipped { node, why });
            continue;
        }
        ctx.emit(EngineEvent::Started(node));
        // Every removal reads the account first: one that failed for a passing reason is run
        // again from its start.
        match again_while_passing(ctx, node, || resources::remove(node, ctx)).await {
            Ok(Removal::Done(summary)) => {
                let _ = ctx.write(node, |r| r.status = NodeStatus::Removed).await;
                ctx.emit(EngineEvent::Done { node, summary });
            }
            Ok(Removal::Skipped(why)) => ctx.emit(EngineEvent::Skipped { node, why }),
            Err(e) => {
                said_failed(ctx, node, &e);
                errors.push(e);
                still_there.push(node);
                still_there.extend(passed.iter().filter(|p| depends_on(**p, node)));
            }
        }
    }
    if errors.is_empty() {
        // Everything is gone (or restored): the steps that went with their parents (deployment,
        // targets, listener…) are gone too, and the priors are restored. A later apply starts
        // afresh — except the kept Elastic IPs, which it finds again.
        let mut j = ctx.journal.lock().await;
        let keep_eips = !ctx.opts.release_eips;
        for (node, r) in j.nodes.iter_mut() {
            if !(keep_eips && *node == NodeId::Eips) {
                r.status = NodeStatus::Removed;
            }
        }
        j.prior.clear();
        if let Err(e) = j.save(&ctx.opts.state_dir) {
            errors.push(e.into());
        }
    }
    errors
}
