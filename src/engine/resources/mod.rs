//! One file per kind of AWS resource the apply makes or changes, its whole life side by side:
//! how a step of that kind creates it (look it up, create it if absent, wait until usable,
//! record what later steps need), whether what it made is still there, and how destroy removes
//! or restores it. The dispatches below match every `NodeId` with no catch-all: a new step does
//! not compile until it can be created, checked and removed.

mod api;
mod dns;
mod domain;
mod eips;
mod endpoint;
mod nlb;
mod security_groups;
mod target_group;
mod vpc_dns;

pub use endpoint::reuses_endpoint;

use super::ctx::{owned, AtNode};
use super::{Ctx, EngineError, Journal, NodeId};

/// Run `node`'s step of the apply: what exists now, in one line.
pub(super) async fn create(node: NodeId, ctx: &Ctx) -> Result<String, EngineError> {
    use NodeId::*;
    match node {
        VpcDns => vpc_dns::create(ctx).await,
        EndpointSg => security_groups::create_endpoint_sg(ctx).await,
        NlbSg => security_groups::create_nlb_sg(ctx).await,
        Endpoint => endpoint::create(ctx).await,
        EndpointReady => endpoint::wait_ready(ctx).await,
        Api => api::create(ctx).await,
        Ping => api::create_ping(ctx).await,
        Deployment => api::deploy(ctx).await,
        Domain => domain::create(ctx).await,
        Mapping => domain::create_mapping(ctx).await,
        TargetGroup => target_group::create(ctx).await,
        Targets => target_group::register_targets(ctx).await,
        Eips => eips::create(ctx).await,
        Nlb => nlb::create(ctx).await,
        Listener => nlb::create_listener(ctx).await,
        PrivateZone => dns::create_zone(ctx).await,
        PublicRecord => dns::create_record(ctx, true).await,
        PrivateRecord => dns::create_record(ctx, false).await,
    }
}

/// Whether what a done step made is still in the account. A read that fails says "yes": the
/// step is then skipped as before, and a real problem shows in the steps that use it.
pub(super) async fn still_there(node: NodeId, ctx: &Ctx) -> bool {
    use NodeId::*;
    let j = ctx.snapshot().await;
    let id = j.id_of(node).unwrap_or_default();
    let found = match node {
        // Not looked for: redone on every run (see `apply::is_stable`), or taken as there (the
        // VPC's DNS attributes, the /ping method).
        VpcDns | EndpointSg | NlbSg | EndpointReady | Ping | Targets | Eips => Ok(true),
        Endpoint => endpoint::still_there(ctx, id).await,
        Api => api::still_there(ctx, id).await,
        Deployment => api::stage_still_there(ctx, &j).await,
        Domain => domain::still_there(ctx).await,
        Mapping => domain::mapping_still_there(ctx).await,
        TargetGroup => target_group::still_there(ctx).await,
        Nlb => nlb::still_there(ctx).await,
        Listener => nlb::listener_still_there(ctx, &j).await,
        PrivateZone => dns::zone_still_there(ctx, id).await,
        PublicRecord | PrivateRecord => dns::record_still_there(ctx, &j, node).await,
    };
    found.unwrap_or(true)
}

/// What a removal did.
pub(super) enum Removal {
    /// Removed or restored: what is gone (or back) now.
    Done(String),
    /// Nothing to do, and why.
    Skipped(String),
}

fn skip(why: impl Into<String>) -> Result<Removal, EngineError> {
    Ok(Removal::Skipped(why.into()))
}

/// Nothing of the plan's name is left in the account.
fn already_gone() -> Result<Removal, EngineError> {
    skip("already gone from the account")
}

/// What carries the plan's name is not tagged with the plan: not its to delete.
fn not_ours() -> Result<Removal, EngineError> {
    skip("not this plan's (no fixedip:plan-id tag of it): left as it is")
}

/// Delete a resource found by the plan's name when its `tags` say it is this plan's (else
/// `Some(not_ours)`), calling `delete` again while it is refused for a passing reason (`settle`),
/// up to the endpoint timeout. `None`: deleted.
async fn delete_ours<F, Fut>(
    ctx: &Ctx,
    n: NodeId,
    tags: &[crate::domain::Tag],
    what: &str,
    command: &crate::cloud::cli::Command,
    delete: F,
) -> Result<Option<Removal>, EngineError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::cloud::CloudResult<()>>,
{
    if !super::ctx::ours(ctx, tags) {
        return not_ours().map(Some);
    }
    super::ctx::settle(ctx, n, what, command, delete).await?;
    Ok(None)
}

/// What a removal deletes: `n`'s id when the journal says the plan made it, and the `id` of
/// everything the plan's tag finds (`tagged`: a lost answer's second one, or no journal on this
/// machine).
async fn journaled_and_tagged<T>(
    j: &Journal,
    n: NodeId,
    tagged: impl std::future::Future<Output = crate::cloud::CloudResult<Vec<T>>>,
    id: impl Fn(T) -> String,
) -> Result<Vec<String>, EngineError> {
    let mut ids: Vec<String> = j
        .id_of(n)
        .filter(|_| owned(j, n))
        .map(str::to_string)
        .into_iter()
        .collect();
    for found in tagged.await.at(n)?.into_iter().map(id) {
        if !ids.contains(&found) {
            ids.push(found);
        }
    }
    Ok(ids)
}

/// Why destroy passes over `node` without starting it: what it made goes with a parent, it only
/// read, or it is kept (the Elastic IPs, unless asked to release them). `None`: the step removes
/// or restores something itself (`remove`).
pub(super) async fn passed_over(node: NodeId, ctx: &Ctx) -> Option<String> {
    use NodeId::*;
    let plan = &ctx.plan;
    let with_parent = match node {
        Ping => Some(api::PING_GOES_WITH),
        Deployment => Some(api::deployment_goes_with(plan)),
        Targets => Some(target_group::targets_go_with(plan)),
        Listener => nlb::listener_goes_with(plan),
        EndpointReady => Some(endpoint::READY_LEAVES_NOTHING),
        Eips => return eips::kept(ctx).await,
        VpcDns | EndpointSg | NlbSg | Endpoint | Api | Domain | Mapping | TargetGroup | Nlb
        | PrivateZone | PublicRecord | PrivateRecord => None,
    };
    with_parent.map(str::to_string)
}

/// Destroy's removal of `node`: delete what the plan made, put back what it changed.
pub(super) async fn remove(node: NodeId, ctx: &Ctx) -> Result<Removal, EngineError> {
    use NodeId::*;
    match node {
        VpcDns => vpc_dns::remove(ctx).await,
        EndpointSg | NlbSg => security_groups::remove(ctx, node).await,
        Endpoint => endpoint::remove(ctx).await,
        Api => api::remove(ctx).await,
        Domain => domain::remove(ctx).await,
        Mapping => domain::remove_mapping(ctx).await,
        TargetGroup => target_group::remove(ctx).await,
        Eips => eips::remove(ctx).await,
        Nlb => nlb::remove(ctx).await,
        Listener => nlb::remove_listener(ctx).await,
        PrivateZone => dns::remove_zone(ctx).await,
        PublicRecord | PrivateRecord => dns::remove_record(ctx, node).await,
        // Always passed over (`passed_over`): nothing of their own.
        Ping | Deployment | Targets | EndpointReady => skip("nothing to remove"),
    }
}
