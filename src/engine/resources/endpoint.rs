//! The execute-api VPC endpoint: created (or a reused one given the plan's security group),
//! waited on until available, its interfaces' IPs and DNS name recorded; deleted by destroy and
//! waited on until gone.

use super::super::ctx::{
    cli, client_token, fail, next_token, poll, said_gone, settle, tags, AtNode,
};
use super::super::journal::Key;
use super::super::{Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use super::Removal::{self, Done};
use super::{already_gone, journaled_and_tagged, skip};
use crate::cloud::cli as aws;
use crate::cloud::write::NewEndpoint;
use crate::cloud::{execute_api_service, CloudError, CloudResult, ErrorKind};
use crate::domain::VpcEndpoint;
use crate::plan::names::{self, step, TAG_PLAN_ID};
use crate::plan::{EndpointChoice, Plan};

/// What destroy says of the step that only read the endpoint.
pub(super) const READY_LEAVES_NOTHING: &str =
    "nothing to remove (this step only read the endpoint's IPs)";

/// Whether an endpoint is one this plan reuses rather than creates.
pub fn reuses_endpoint(plan: &Plan) -> Option<&str> {
    match &plan.endpoint {
        EndpointChoice::Reuse { vpc_endpoint_id } => Some(vpc_endpoint_id),
        EndpointChoice::Create { .. } => None,
    }
}

/// Whether the plan's endpoint is still there (and not on its way out); a reused one is taken as
/// there.
pub(super) async fn still_there(ctx: &Ctx, id: &str) -> CloudResult<bool> {
    if reuses_endpoint(&ctx.plan).is_some() {
        return Ok(true);
    }
    ctx.cloud.describe_vpc_endpoint(id).await.map(|e| {
        e.is_some_and(|e| {
            !["deleted", "deleting", "failed", "rejected"]
                .iter()
                .any(|s| e.state.eq_ignore_ascii_case(s))
        })
    })
}

/// The plan's execute-api endpoint: found (journal, then the plan's tag) or created with an
/// idempotency token; a reused endpoint gets the plan's security group instead.
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Endpoint;
    let snap = ctx.snapshot().await;
    let sg = snap.id_or_empty(NodeId::EndpointSg);
    if let Some(reused) = reuses_endpoint(&ctx.plan) {
        return add_group_to_reused(ctx, reused, &sg).await;
    }
    let EndpointChoice::Create { subnet_ids, .. } = &ctx.plan.endpoint else {
        return Ok(String::new());
    };
    let ep = match find(ctx, &snap).await? {
        Some(e) => e,
        None => create_new(ctx, subnet_ids, &sg).await?,
    };
    ctx.write(n, |r| {
        r.id = Some(ep.id.clone());
        r.owned = true;
        r.status = NodeStatus::Created;
    })
    .await?;
    Ok(format!("{} ({})", ep.id, ep.state.to_ascii_lowercase()))
}

/// A reused endpoint: the plan's security group added to it (destroy takes it off again).
async fn add_group_to_reused(ctx: &Ctx, reused: &str, sg: &str) -> Result<String, EngineError> {
    let n = NodeId::Endpoint;
    let sg = sg.to_string();
    ctx.write(n, |r| {
        r.id = Some(reused.to_string());
        r.owned = false;
        r.set(Key::AddedSecurityGroup, sg.clone());
    })
    .await?;
    cli(
        ctx,
        n,
        &aws::add_endpoint_security_groups(reused, std::slice::from_ref(&sg)),
    );
    ctx.cloud
        .add_endpoint_security_groups(reused, std::slice::from_ref(&sg))
        .await
        .at(n)?;
    Ok(format!("{reused} (reused; security group {sg} added)"))
}

/// The plan's endpoint, if the account has it: the journal's (not being deleted), or one with the
/// plan's tag (after a lost answer, or on another machine).
async fn find(ctx: &Ctx, snap: &Journal) -> Result<Option<VpcEndpoint>, EngineError> {
    let n = NodeId::Endpoint;
    let mut found = None;
    if let Some(id) = snap.id_of(n) {
        found = ctx
            .cloud
            .describe_vpc_endpoint(id)
            .await
            .at(n)?
            .filter(|e| {
                !["deleted", "deleting"]
                    .iter()
                    .any(|s| e.state.eq_ignore_ascii_case(s))
            });
        if found.is_none() {
            said_gone(ctx, n, id);
        }
    }
    if found.is_none() {
        // After a lost answer or on another machine: the plan's tag finds it.
        let tagged = ctx
            .cloud
            .find_vpc_endpoints_by_tag(TAG_PLAN_ID, &ctx.plan.id);
        found = tagged.await.at(n)?.into_iter().find(|e| {
            !["deleting", "deleted", "failed"]
                .iter()
                .any(|g| e.state.eq_ignore_ascii_case(g))
        });
    }
    Ok(found)
}

/// Create the endpoint, with the attempt's client token (a resend finds what the first send
/// made); a token the account remembers from an endpoint deleted since moves to the next one.
async fn create_new(
    ctx: &Ctx,
    subnet_ids: &[String],
    sg: &str,
) -> Result<VpcEndpoint, EngineError> {
    let n = NodeId::Endpoint;
    let sg = sg.to_string();
    ctx.intend(n).await?;
    let mut req = NewEndpoint {
        vpc_id: ctx.plan.vpc_id.clone(),
        service_name: execute_api_service(&ctx.plan.region),
        subnet_ids: subnet_ids.to_vec(),
        security_group_ids: vec![sg.clone()],
        private_dns: true,
        ipv4_addresses: ctx.plan.endpoint_ips.clone(),
        client_token: String::new(),
        tags: tags(ctx, step::ENDPOINT),
    };
    let params = format!(
        "{}|{}|{}|{}|{:?}",
        req.vpc_id,
        req.service_name,
        req.subnet_ids.join(","),
        sg,
        req.ipv4_addresses
    );
    req.client_token = client_token(ctx, n, &params).await?;
    cli(ctx, n, &aws::create_vpc_endpoint(&req));
    let mut made = ctx.cloud.create_vpc_endpoint(&req).await;
    // A token of an endpoint deleted since (the journal that knew was lost): EC2 refuses
    // it (or answers with the deleted endpoint); the next generation creates anew.
    for _ in 0..3 {
        let stale = match &made {
            Err(e) if e.code.as_deref() == Some("IdempotentParameterMismatch") => true,
            Ok(ep) => ["deleted", "deleting", "failed"]
                .iter()
                .any(|s| ep.state.eq_ignore_ascii_case(s)),
            Err(_) => false,
        };
        if !stale {
            break;
        }
        req.client_token = next_token(
            ctx,
            n,
            &req.client_token,
            "EC2 remembers this client token from an endpoint deleted since",
        )
        .await?;
        cli(ctx, n, &aws::create_vpc_endpoint(&req));
        made = ctx.cloud.create_vpc_endpoint(&req).await;
    }
    made.at(n)
}

/// Wait for the endpoint to be available, then record its interfaces' IPs and its regional DNS
/// name (the targets and the private record use them).
pub(super) async fn wait_ready(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::EndpointReady;
    let id = ctx.snapshot().await.id_or_empty(NodeId::Endpoint);
    let ep = poll(
        ctx,
        n,
        &format!("{id} to become available"),
        ctx.opts.endpoint_timeout,
        || async {
            match ctx.cloud.describe_vpc_endpoint(&id).await.at(n)? {
                None => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "ec2:DescribeVpcEndpoints",
                        format!("{id} disappeared"),
                    ),
                )),
                Some(e) if e.is_available() => Ok(Some(e)),
                Some(e)
                    if ["failed", "rejected", "deleted", "deleting"]
                        .iter()
                        .any(|s| e.state.eq_ignore_ascii_case(s)) =>
                {
                    Err(fail(
                        n,
                        CloudError::new(
                            ErrorKind::Other,
                            "ec2:DescribeVpcEndpoints",
                            format!("{id} is {}", e.state),
                        ),
                    ))
                }
                Some(_) => Ok(None),
            }
        },
    )
    .await?;
    let ips = ctx
        .cloud
        .interface_ips(&ep.network_interface_ids)
        .await
        .at(n)?;
    let dns = names::regional_dns_entry(&ep)
        .or(ep.dns_entries.first())
        .cloned();
    let list: Vec<String> = ips.iter().map(|i| i.ip.clone()).collect();
    ctx.write(n, |r| {
        r.id = Some(ep.id.clone());
        r.set(Key::Ips, list.join(","));
        if let Some(d) = &dns {
            r.set(Key::Dns, d.dns_name.clone());
            r.set(Key::DnsZone, d.hosted_zone_id.clone().unwrap_or_default());
        }
    })
    .await?;
    Ok(format!("{} available; IPs {}", ep.id, list.join(", ")))
}

/// Delete the plan's endpoint and wait until it is gone, or take its security group off a reused one.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Endpoint;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    let gone = ctx.opts.endpoint_timeout;
    if let Some(reused) = reuses_endpoint(plan) {
        let Some(sg) = j.data(n, Key::AddedSecurityGroup).filter(|s| !s.is_empty()) else {
            return skip(
                "the reused endpoint is left as it is (this plan added no security group to it)",
            );
        };
        cli(
            ctx,
            n,
            &aws::remove_endpoint_security_groups(reused, &[sg.to_string()]),
        );
        ctx.cloud
            .remove_endpoint_security_groups(reused, &[sg.to_string()])
            .await
            .at(n)?;
        return Ok(Done(format!(
            "security group {sg} removed from the reused {reused}"
        )));
    }
    let tagged = ctx.cloud.find_vpc_endpoints_by_tag(TAG_PLAN_ID, &plan.id);
    let ids = journaled_and_tagged(&j, n, tagged, |e| e.id).await?;
    if ids.is_empty() {
        return already_gone();
    }
    for id in &ids {
        let what = "deleting the endpoint";
        let command = aws::delete_vpc_endpoint(id);
        settle(ctx, n, what, &command, || ctx.cloud.delete_vpc_endpoint(id)).await?;
        let start = tokio::time::Instant::now();
        while let Some(e) = ctx.cloud.describe_vpc_endpoint(id).await.at(n)? {
            if e.state.eq_ignore_ascii_case("deleted") || start.elapsed() >= gone {
                break;
            }
            ctx.emit(EngineEvent::Waiting {
                node: n,
                what: format!("{id} to be deleted ({})", e.state),
            });
            tokio::time::sleep(ctx.opts.poll_first).await;
        }
    }
    Ok(Done(format!("endpoint {} deleted", ids.join(", "))))
}
