//! Apply: run the plan's steps as concurrently as their inputs allow, each once the steps it
//! depends on are done. A step done on an earlier run is looked for in the account and made
//! again (with what was built on it) when it is gone.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::stream::{FuturesUnordered, StreamExt};

use super::ctx::{again_while_passing, said_failed, said_gone};
use super::graph::depends_on;
use super::{deps_in, nodes_for, resources, Ctx, EngineError, EngineEvent, NodeId, NodeStatus};
use crate::cloud::{CloudError, ErrorKind};

/// Run every step of the plan. Returns when every step is done, or when a failure stopped the
/// run (running siblings are let finish; their dependents are not started).
pub(super) async fn run(ctx: &Arc<Ctx>) -> Vec<EngineError> {
    let nodes = nodes_for(&ctx.plan);
    let present: BTreeSet<NodeId> = nodes.iter().copied().collect();
    let mut done: BTreeSet<NodeId> = BTreeSet::new();
    let mut started: BTreeSet<NodeId> = BTreeSet::new();
    let mut failures = Vec::new();
    let mut running = FuturesUnordered::new();
    loop {
        let stopping = ctx.opts.stop.load(std::sync::atomic::Ordering::SeqCst);
        if failures.is_empty() && !stopping {
            for n in &nodes {
                if started.contains(n) {
                    continue;
                }
                if running.len() >= ctx.opts.max_parallel.max(1) {
                    break;
                }
                if deps_in(*n, &present).iter().all(|d| done.contains(d)) {
                    started.insert(*n);
                    let ctx = ctx.clone();
                    let n = *n;
                    let task = tokio::spawn(async move { step(n, &ctx).await });
                    running.push(async move { (n, task.await) });
                }
            }
        }
        let Some((n, joined)) = running.next().await else {
            break;
        };
        match joined.unwrap_or_else(|join| Err(crashed(n, &join))) {
            Ok(summary) => {
                done.insert(n);
                ctx.emit(EngineEvent::Done { node: n, summary });
            }
            Err(e) => {
                said_failed(ctx, n, &e);
                failures.push(e);
            }
        }
    }
    let not_run = nodes.len() - done.len() - failures.len().min(nodes.len() - done.len());
    if failures.is_empty() && not_run > 0 {
        failures.push(EngineError::Stopped(not_run));
    }
    failures
}

/// One step: done before and still there, it is skipped; gone, it is made again, and what was
/// built on it with it.
async fn step(node: NodeId, ctx: &Ctx) -> Result<String, EngineError> {
    let mut gone = None;
    if let Some(rec) = ctx.snapshot().await.record(node) {
        if rec.status == NodeStatus::Done && is_stable(node) {
            let id = rec.id.clone().unwrap_or_default();
            if resources::still_there(node, ctx).await {
                return Ok(format!("{id} (already done)"));
            }
            // The account is the truth: what the journal says was made and the account no
            // longer has (deleted by hand, by a teammate) is forgotten and made again.
            said_gone(ctx, node, &id);
            ctx.write(node, |r| {
                r.status = NodeStatus::Removed;
                r.id = None;
            })
            .await?;
            gone = Some(id);
        }
    }
    ctx.emit(EngineEvent::Started(node));
    // Every step looks its resource up before it creates it: one that failed for a passing
    // reason is run again, as a rerun of the apply would.
    let summary = again_while_passing(ctx, node, || resources::create(node, ctx)).await?;
    ctx.write(node, |r| r.status = NodeStatus::Done).await?;
    if gone.is_some() {
        // What was built on the old one is built again on the new one.
        let mut j = ctx.journal.lock().await;
        for d in NodeId::ALL.iter().filter(|d| depends_on(**d, node)) {
            if let Some(r) = j.nodes.get_mut(d) {
                if r.status == NodeStatus::Done {
                    r.status = NodeStatus::Created;
                }
            }
        }
        j.save(&ctx.opts.state_dir)?;
    }
    Ok(match gone {
        Some(old) => format!("{summary} (made again: {old} had been deleted outside fixedip-tui)"),
        None => summary,
    })
}

/// Steps whose "done" cannot drift in a way a rerun must repair (reads that other steps need are
/// redone: endpoint IPs may change when the endpoint is modified; targets follow them; the
/// security groups' rules follow the plan, which may have changed since).
fn is_stable(node: NodeId) -> bool {
    !matches!(
        node,
        NodeId::EndpointReady | NodeId::Targets | NodeId::Eips | NodeId::EndpointSg | NodeId::NlbSg
    )
}

/// A step whose task ended without an answer (it panicked, or was cancelled): that step failed.
fn crashed(node: NodeId, join: &tokio::task::JoinError) -> EngineError {
    EngineError::Node {
        node,
        error: CloudError::new(
            ErrorKind::Other,
            "engine",
            format!("a step crashed: {join}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_crashed_step_is_reported_as_itself() {
        let join = tokio::spawn(async { panic!("boom") })
            .await
            .expect_err("the task panics");
        match crashed(NodeId::Listener, &join) {
            EngineError::Node { node, error } => {
                assert_eq!(node, NodeId::Listener);
                assert!(error.message.contains("a step crashed"), "{error:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
