//! The target group and its targets (the endpoint's IPs): created (or adopted) and registered by
//! the apply; deleted by destroy with its targets (or, adopted, only what the plan registered).

use super::super::ctx::{cli, conflict, ours, poll, tags, taken, AtNode};
use super::super::journal::Key;
use super::super::{Ctx, EngineError, NodeId};
use super::Removal::{self, Done};
use super::{already_gone, delete_ours, skip};
use crate::cloud::cli as aws;
use crate::cloud::CloudResult;
use crate::domain::TargetHealth;
use crate::plan::names::step;
use crate::plan::Plan;

/// What destroy says of the targets: they go with the target group's removal.
pub(super) fn targets_go_with(plan: &Plan) -> &'static str {
    if plan.adopt_target_group.is_some() {
        "deregistered by the target group step (the adopted group stays)"
    } else {
        "deregistered with the target group"
    }
}

/// Whether the plan's own target group is still there (an adopted one is taken as there).
pub(super) async fn still_there(ctx: &Ctx) -> CloudResult<bool> {
    let (plan, cloud) = (&ctx.plan, &ctx.cloud);
    Ok(plan.adopt_target_group.is_some()
        || cloud
            .find_target_group(&plan.target_group_name())
            .await?
            .is_some())
}

/// The target group (ip, TLS:443): created, the plan's own found again, or the adopted one.
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::TargetGroup;
    let name = ctx.plan.target_group_name();
    let adopted = ctx.plan.adopt_target_group.clone();
    let tg = match ctx.cloud.find_target_group(&name).await.at(n)? {
        Some(tg) if adopted.as_deref() == Some(tg.arn.as_str()) => tg,
        _ if adopted.is_some() => {
            return Err(conflict(
                n,
                "elasticloadbalancing:DescribeTargetGroups",
                format!(
                    "the target group to adopt ({}) was not found: plan again with one that exists",
                    adopted.as_deref().unwrap_or_default()
                ),
            ))
        }
        Some(tg) if ours(ctx, &tg.tags) => tg,
        Some(tg) => {
            let what = format!("target group {name} ({})", tg.arn);
            let fix = "delete it, or adopt it (plan with --adopt-target-group)";
            let action = "elasticloadbalancing:CreateTargetGroup";
            return Err(taken(ctx, n, action, &what, fix));
        }
        None => {
            ctx.intend(n).await?;
            let tg_tags = tags(ctx, step::TARGET_GROUP);
            cli(
                ctx,
                n,
                &aws::create_target_group(&name, &ctx.plan.vpc_id, &tg_tags),
            );
            ctx.cloud
                .create_target_group(&name, &ctx.plan.vpc_id, &tg_tags)
                .await
                .at(n)?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(tg.arn.clone());
        r.owned = adopted.is_none();
    })
    .await?;
    Ok(if adopted.is_some() {
        format!("{} (adopted)", tg.arn)
    } else {
        tg.arn
    })
}

/// Register the endpoint's IPs (and deregister what is no longer one), then wait a while for
/// them to turn healthy; still warming up is no failure (verify checks them).
pub(super) async fn register_targets(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Targets;
    let snap = ctx.snapshot().await;
    let tg = snap.id_or_empty(NodeId::TargetGroup);
    let ips: Vec<String> = snap.list(NodeId::EndpointReady, Key::Ips);
    let current = ctx.cloud.target_health(&tg).await.at(n)?;
    let stale: Vec<String> = current
        .iter()
        .map(|t| t.ip.clone())
        .filter(|ip| !ips.contains(ip))
        .collect();
    if !stale.is_empty() {
        cli(ctx, n, &aws::deregister_targets(&tg, &stale, aws::TG_PORT));
        ctx.cloud
            .deregister_targets(&tg, &stale, aws::TG_PORT)
            .await
            .at(n)?;
    }
    cli(ctx, n, &aws::register_targets(&tg, &ips, aws::TG_PORT));
    ctx.cloud
        .register_targets(&tg, &ips, aws::TG_PORT)
        .await
        .at(n)?;
    ctx.write(n, |r| {
        r.id = Some(tg.clone());
        r.owned = true;
        r.set(Key::Ips, ips.join(","));
    })
    .await?;
    // New targets take minutes to turn healthy: wait up to a bound, then let verify take over.
    let each = |h: &[TargetHealth]| {
        let healthy = |ip: &String| h.iter().any(|t| &t.ip == ip && t.is_healthy());
        !h.is_empty() && ips.iter().all(healthy)
    };
    let ok = wait_healthy(ctx, n, "targets to turn healthy", &tg, each).await?;
    ctx.write(n, |r| {
        r.set(Key::Healthy, ok.to_string());
    })
    .await?;
    Ok(if ok {
        format!("{} targets healthy", ips.len())
    } else {
        format!(
            "{} targets registered, still warming up (verify checks them)",
            ips.len()
        )
    })
}

/// Wait, up to the health wait, until the target group's health is `enough`; false when it was
/// not by then.
pub(super) async fn wait_healthy(
    ctx: &Ctx,
    n: NodeId,
    what: &str,
    tg: &str,
    enough: impl Fn(&[TargetHealth]) -> bool,
) -> Result<bool, EngineError> {
    let check = || async {
        let h = ctx.cloud.target_health(tg).await.at(n)?;
        Ok(enough(&h).then_some(()))
    };
    match poll(ctx, n, what, ctx.opts.health_wait, check).await {
        Ok(()) => Ok(true),
        Err(EngineError::Timeout { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Delete the plan's target group (its targets with it), or deregister what the plan registered in an adopted one.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::TargetGroup;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    let Some(tg) = ctx
        .cloud
        .find_target_group(&plan.target_group_name())
        .await
        .at(n)?
    else {
        return already_gone();
    };
    if plan.adopt_target_group.as_deref() == Some(tg.arn.as_str()) {
        // Adopted: only the targets this plan registered go.
        let ips: Vec<String> = j.list(NodeId::Targets, Key::Ips);
        if ips.is_empty() {
            return skip("this plan registered no target in the adopted group");
        }
        cli(
            ctx,
            n,
            &aws::deregister_targets(&tg.arn, &ips, aws::TG_PORT),
        );
        ctx.cloud
            .deregister_targets(&tg.arn, &ips, aws::TG_PORT)
            .await
            .at(n)?;
        return Ok(Done(format!(
            "deregistered {} from the adopted {} (kept)",
            ips.join(", "),
            tg.name
        )));
    }
    let command = aws::delete_target_group(&tg.arn);
    let delete = || ctx.cloud.delete_target_group(&tg.arn);
    let what = "deleting the target group";
    if let Some(skip) = delete_ours(ctx, n, &tg.tags, what, &command, delete).await? {
        return Ok(skip);
    }
    Ok(Done(format!("{} deleted", tg.name)))
}
