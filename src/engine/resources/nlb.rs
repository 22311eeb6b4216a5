//! The Network Load Balancer and its TLS listener: created (or an adopted NLB, its listener
//! pointed at the plan's target group) and waited on until active; deleted by destroy with its
//! listener (or the adopted NLB's listener put back).

use std::collections::BTreeMap;

use super::super::ctx::{cli, conflict, fail, ours, poll, tags, taken, AtNode};
use super::super::journal::{Key, Prior};
use super::super::{Ctx, EngineError, Journal, NodeId, NodeStatus};
use super::eips::allocations_of;
use super::Removal::{self, Done};
use super::{already_gone, delete_ours, skip};
use crate::cloud::cli as aws;
use crate::cloud::write::{NewListener, NewLoadBalancer};
use crate::cloud::{CloudError, CloudResult, ErrorKind};
use crate::domain::LoadBalancerState;
use crate::plan::names::step;
use crate::plan::Plan;

/// A listener goes with its NLB, except on an adopted NLB: the one this plan added is deleted,
/// the one it redirected is put back (`remove_listener`).
pub(super) fn listener_goes_with(plan: &Plan) -> Option<&'static str> {
    plan.adopt_nlb.is_none().then_some("deleted with the NLB")
}

/// Whether the plan's own NLB is still there (an adopted one is taken as there).
pub(super) async fn still_there(ctx: &Ctx) -> CloudResult<bool> {
    let plan = &ctx.plan;
    Ok(plan.adopt_nlb.is_some()
        || ctx
            .cloud
            .find_load_balancer(&plan.nlb_name())
            .await?
            .is_some())
}

/// Whether the NLB still has a listener on the plan's port.
pub(super) async fn listener_still_there(ctx: &Ctx, j: &Journal) -> CloudResult<bool> {
    let lb = j.id_or_empty(NodeId::Nlb);
    ctx.cloud
        .describe_listeners(&lb)
        .await
        .map(|l| l.iter().any(|l| l.port == ctx.plan.settings.listener_port))
}

/// The Network Load Balancer: found or created (an adopted one as it is), cross-zone on if the
/// plan says so, waited on until active; its DNS name, zone and addresses recorded.
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Nlb;
    let name = ctx.plan.nlb_name();
    let lb = find_or_create(ctx, &name).await?;
    let adopted = ctx.plan.adopt_nlb.is_some();
    ctx.write(n, |r| {
        r.id = Some(lb.arn.clone());
        r.owned = !adopted;
        r.status = NodeStatus::Created;
    })
    .await?;
    // An adopted NLB's attributes are its owner's.
    if !adopted && ctx.plan.settings.cross_zone && lb.cross_zone != Some(true) {
        cli(ctx, n, &aws::set_cross_zone(&lb.arn, true));
        ctx.cloud.set_cross_zone(&lb.arn, true).await.at(n)?;
    }
    let lb = wait_active(ctx, &name).await?;
    ctx.write(n, |r| {
        r.set(Key::Dns, lb.dns_name.clone());
        r.set(Key::Zone, lb.canonical_hosted_zone_id.clone());
        r.set(Key::Addresses, lb.addresses.join(","));
    })
    .await?;
    Ok(format!(
        "{} active ({})",
        lb.dns_name,
        if lb.addresses.is_empty() {
            "addresses not reported".into()
        } else {
            lb.addresses.join(", ")
        }
    ))
}

/// The plan's NLB: its own (tagged with the plan, with the Elastic IPs if it has any), the
/// adopted one, or a new one; anything else of that name is a conflict.
async fn find_or_create(ctx: &Ctx, name: &str) -> Result<LoadBalancerState, EngineError> {
    let n = NodeId::Nlb;
    let snap = ctx.snapshot().await;
    let sg = snap.id_or_empty(NodeId::NlbSg);
    let allocation_ids = allocations_of(&snap);
    let eip_ips: Vec<String> = snap.list(NodeId::Eips, Key::Ips);
    let lb = match ctx
        .cloud
        .find_load_balancer(name)
        .await.at(n)?
    {
        Some(lb) if ctx.plan.adopt_nlb.as_deref() == Some(lb.arn.as_str()) => lb,
        _ if ctx.plan.adopt_nlb.is_some() => {
            return Err(conflict(
                n,
                "elasticloadbalancing:DescribeLoadBalancers",
                format!(
                    "the NLB to adopt ({}) was not found: plan again (`fixedip-tui plan`) with one that exists",
                    ctx.plan.adopt_nlb.as_deref().unwrap_or_default()
                ),
            ))
        }
        // Elastic IPs are fixed at creation: an NLB of this plan made without them never gets them.
        Some(lb)
            if ours(ctx, &lb.tags)
                && !eip_ips.is_empty()
                && !lb.addresses.is_empty()
                && !eip_ips.iter().all(|ip| lb.addresses.contains(ip)) =>
        {
            return Err(conflict(
                n,
                "elasticloadbalancing:CreateLoadBalancer",
                format!(
                    "this plan's NLB {} exists with the addresses {}, not the Elastic IPs {}: an NLB's Elastic IPs are set only when it is created — destroy and apply again for Elastic IPs (the partner must then allow the new IPs), or plan with --eip none to keep this NLB",
                    lb.name,
                    lb.addresses.join(", "),
                    eip_ips.join(", ")
                ),
            ))
        }
        Some(lb) if ours(ctx, &lb.tags) => lb,
        Some(lb) => {
            let what = format!("a load balancer named {name} ({})", lb.arn);
            let fix = "delete it, or adopt it (plan with --adopt-nlb)";
            return Err(taken(ctx, n, "elasticloadbalancing:CreateLoadBalancer", &what, fix));
        }
        None => create_new(ctx, name, &sg, allocation_ids).await?,
    };
    Ok(lb)
}

/// Create the NLB (internet-facing, in the plan's subnets, on the Elastic IPs if any).
async fn create_new(
    ctx: &Ctx,
    name: &str,
    sg: &str,
    allocation_ids: BTreeMap<String, String>,
) -> Result<LoadBalancerState, EngineError> {
    let n = NodeId::Nlb;
    ctx.intend(n).await?;
    let req = NewLoadBalancer {
        name: name.to_string(),
        subnet_ids: ctx.plan.nlb_subnet_ids.clone(),
        allocation_ids,
        security_group_ids: vec![sg.to_string()],
        tags: tags(ctx, step::NLB),
    };
    cli(ctx, n, &aws::create_load_balancer(&req));
    ctx.cloud.create_load_balancer(&req).await.at(n)
}

/// Wait for the NLB to be active (failed or gone is a failure).
async fn wait_active(ctx: &Ctx, name: &str) -> Result<LoadBalancerState, EngineError> {
    let n = NodeId::Nlb;
    poll(
        ctx,
        n,
        &format!("{name} to become active"),
        ctx.opts.nlb_timeout,
        || async {
            match ctx.cloud.find_load_balancer(name).await.at(n)? {
                Some(l) if l.state.eq_ignore_ascii_case("active") => Ok(Some(l)),
                Some(l) if l.state.eq_ignore_ascii_case("failed") => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::Other,
                        "elasticloadbalancing:DescribeLoadBalancers",
                        format!("{name} failed to provision"),
                    ),
                )),
                Some(_) => Ok(None),
                None => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "elasticloadbalancing:DescribeLoadBalancers",
                        format!("{name} disappeared"),
                    ),
                )),
            }
        },
    )
    .await
}

/// The TLS listener: created on the plan's NLB; on an adopted NLB, its listener on the port
/// is pointed at the plan's target group (the previous target kept for destroy).
pub(super) async fn create_listener(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Listener;
    let snap = ctx.snapshot().await;
    let lb = snap.id_or_empty(NodeId::Nlb);
    let tg = snap.id_or_empty(NodeId::TargetGroup);
    let port = ctx.plan.settings.listener_port;
    let existing = ctx.cloud.describe_listeners(&lb).await.at(n)?;
    let mut owned = true;
    let l = match existing.into_iter().find(|l| l.port == port) {
        // An adopted NLB's listener: forward to the plan's target group; destroy puts back the
        // previous target.
        Some(l) if ctx.plan.adopt_nlb.is_some() => {
            owned = snap.record(n).is_some_and(|r| r.owned);
            if l.target_group_arn.as_deref() != Some(tg.as_str()) {
                ctx.set_prior(
                    Prior::ListenerTarget(&l.arn),
                    l.target_group_arn.clone().unwrap_or_default(),
                )
                .await?;
                cli(ctx, n, &aws::set_listener_target(&l.arn, &tg));
                ctx.cloud.set_listener_target(&l.arn, &tg).await.at(n)?;
            }
            l
        }
        Some(l) => l,
        None => {
            ctx.intend(n).await?;
            let req = NewListener {
                load_balancer_arn: lb.clone(),
                target_group_arn: tg.clone(),
                port,
                certificate_arn: ctx.plan.certificate_arn.clone(),
                ssl_policy: ctx.plan.settings.ssl_policy.clone(),
                alpn_policy: ctx.plan.settings.alpn_policy.clone(),
                tags: tags(ctx, step::LISTENER),
            };
            cli(ctx, n, &aws::create_listener(&req));
            ctx.cloud.create_listener(&req).await.at(n)?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(l.arn.clone());
        r.owned = owned;
    })
    .await?;
    Ok(format!(
        "TLS:{port}, {}, ALPN {}",
        ctx.plan.settings.ssl_policy, ctx.plan.settings.alpn_policy
    ))
}

/// Delete the plan's NLB (its listener with it) and wait until it is gone.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Nlb;
    let plan = &ctx.plan;
    let gone = ctx.opts.endpoint_timeout;
    let Some(lb) = ctx.cloud.find_load_balancer(&plan.nlb_name()).await.at(n)? else {
        return already_gone();
    };
    let command = aws::delete_load_balancer(&lb.arn);
    let delete = || ctx.cloud.delete_load_balancer(&lb.arn);
    if let Some(skip) = delete_ours(ctx, n, &lb.tags, "deleting the NLB", &command, delete).await? {
        return Ok(skip);
    }
    let start = tokio::time::Instant::now();
    while ctx
        .cloud
        .find_load_balancer(&plan.nlb_name())
        .await
        .at(n)?
        .is_some()
        && start.elapsed() < gone
    {
        tokio::time::sleep(ctx.opts.poll_first).await;
    }
    Ok(Done(format!("{} deleted (with its listener)", lb.dns_name)))
}

/// Delete the listener this plan added to an adopted NLB, or point it back at its previous target.
pub(super) async fn remove_listener(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Listener;
    let j = ctx.snapshot().await;
    if let Some(with_nlb) = listener_goes_with(&ctx.plan) {
        return skip(with_nlb);
    }
    let Some(rec) = j.record(NodeId::Listener) else {
        return skip("this plan added no listener to the adopted NLB");
    };
    let Some(arn) = rec.id.clone() else {
        return skip("this plan added no listener to the adopted NLB");
    };
    if rec.owned {
        cli(ctx, n, &aws::delete_listener(&arn));
        ctx.cloud.delete_listener(&arn).await.at(n)?;
        return Ok(Done(format!(
            "listener {arn} deleted (the adopted NLB stays)"
        )));
    }
    match j.prior_of(Prior::ListenerTarget(&arn)) {
        Some(prev) if !prev.is_empty() => {
            cli(ctx, n, &aws::set_listener_target(&arn, prev));
            ctx.cloud.set_listener_target(&arn, prev).await.at(n)?;
            Ok(Done(format!("listener {arn} forwards to {prev} again")))
        }
        _ => skip("the adopted NLB's listener had no other target: left as it is"),
    }
}
