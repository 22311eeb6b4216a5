//! The security groups of the endpoint and of the NLB: found by name in the VPC (and the plan's
//! tag) or created, their ingress kept exactly as the plan says; deleted by destroy once the
//! network interfaces that use them are gone.

use super::super::ctx::{cli, conflict, once, ours, tags, taken, AtNode};
use super::super::{Ctx, EngineError, NodeId, NodeStatus};
use super::Removal::{self, Done};
use super::{already_gone, delete_ours};
use crate::cloud::cli as aws;
use crate::cloud::write::{IngressRule, SecurityGroup};
use crate::plan::names::{self, step};

/// The endpoint's security group: TCP 443 from the NLB's subnets and the in-VPC callers.
pub(super) async fn create_endpoint_sg(ctx: &Ctx) -> Result<String, EngineError> {
    let rules = names::endpoint_rules(&ctx.plan, &ctx.inv)
        .map_err(|why| conflict(NodeId::EndpointSg, "ec2:AuthorizeSecurityGroupIngress", why))?;
    let name = names::endpoint_sg_name(&ctx.plan);
    ensure(
        ctx,
        NodeId::EndpointSg,
        &name,
        names::ENDPOINT_SG_DESCRIPTION,
        step::ENDPOINT_SG,
        rules,
    )
    .await
}

/// The NLB's security group: the listener's port from the caller allow-list.
pub(super) async fn create_nlb_sg(ctx: &Ctx) -> Result<String, EngineError> {
    let rules = names::nlb_rules(&ctx.plan.allow_cidrs, ctx.plan.settings.listener_port);
    let name = names::nlb_sg_name(&ctx.plan);
    ensure(
        ctx,
        NodeId::NlbSg,
        &name,
        names::NLB_SG_DESCRIPTION,
        step::NLB_SG,
        rules,
    )
    .await
}

/// Find the plan's group `name` or create it, then make its ingress exactly `rules`.
async fn ensure(
    ctx: &Ctx,
    n: NodeId,
    name: &str,
    what: &str,
    step: &str,
    rules: Vec<IngressRule>,
) -> Result<String, EngineError> {
    let vpc = ctx.plan.vpc_id.clone();
    let (id, had) = match find(ctx, n, name).await? {
        Some(sg) => (sg.id, sg.ingress),
        None => {
            ctx.intend(n).await?;
            let sg_tags = tags(ctx, step);
            cli(
                ctx,
                n,
                &aws::create_security_group(&vpc, name, what, &sg_tags),
            );
            let id = once(
                ctx,
                n,
                || ctx.cloud.create_security_group(&vpc, name, what, &sg_tags),
                || async {
                    Ok(ctx
                        .cloud
                        .find_security_group(&vpc, name)
                        .await?
                        .filter(|g| ours(ctx, &g.tags))
                        .map(|g| g.id))
                },
            )
            .await?;
            (id, vec![])
        }
    };
    ctx.write(n, |r| {
        r.id = Some(id.clone());
        r.owned = true;
        r.status = NodeStatus::Created;
    })
    .await?;
    let stale = sync_rules(ctx, n, &id, &had, &rules).await?;
    Ok(format!(
        "{id}: TCP {} from {}{}",
        rules.first().map_or(443, |r| r.port),
        sources(&rules),
        if stale.is_empty() {
            String::new()
        } else {
            format!(" (revoked {})", sources(&stale))
        }
    ))
}

/// The plan's group `name`, if the account has it: the journal's, else the one of that name in
/// the VPC (not tagged with the plan, it is a conflict).
async fn find(ctx: &Ctx, n: NodeId, name: &str) -> Result<Option<SecurityGroup>, EngineError> {
    let vpc = &ctx.plan.vpc_id;
    let known = ctx.snapshot().await.id_of(n).map(str::to_string);
    let mut existing = None;
    if let Some(id) = &known {
        existing = ctx.cloud.describe_security_group(id).await.at(n)?;
    }
    if existing.is_none() {
        existing = ctx.cloud.find_security_group(vpc, name).await.at(n)?;
        if let Some(sg) = &existing {
            if !ours(ctx, &sg.tags) {
                let what = format!("a security group named {name} in {vpc} ({})", sg.id);
                let fix = "rename or delete it";
                return Err(taken(ctx, n, "ec2:CreateSecurityGroup", &what, fix));
            }
        }
    }
    Ok(existing)
}

/// Make the group's ingress (`had`) exactly `rules`. The group is this plan's alone: the plan is
/// the truth, rules it no longer lists go (a re-plan without in-VPC callers, a narrower
/// allow-list); only what is missing is granted, so a rerun over an unchanged plan sends
/// nothing. Returns the rules revoked.
async fn sync_rules(
    ctx: &Ctx,
    n: NodeId,
    id: &str,
    had: &[IngressRule],
    rules: &[IngressRule],
) -> Result<Vec<IngressRule>, EngineError> {
    let stale = rules_not_in(had, rules);
    let missing = rules_not_in(rules, had);
    if !stale.is_empty() {
        for rule in &stale {
            cli(ctx, n, &aws::revoke_ingress(id, rule));
        }
        ctx.cloud.revoke_ingress(id, &stale).await.at(n)?;
    }
    if !missing.is_empty() {
        cli(ctx, n, &aws::authorize_ingress(id, &missing));
        ctx.cloud.authorize_ingress(id, &missing).await.at(n)?;
    }
    Ok(stale)
}

/// The rules of `these` that `those` lacks (same port and source; descriptions aside).
fn rules_not_in(these: &[IngressRule], those: &[IngressRule]) -> Vec<IngressRule> {
    these
        .iter()
        .filter(|r| {
            !those
                .iter()
                .any(|o| o.port == r.port && o.source == r.source)
        })
        .cloned()
        .collect()
}

/// `10.0.0.0/24, sg-…`: the rules' sources in one line.
fn sources(rules: &[IngressRule]) -> String {
    rules
        .iter()
        .map(|r| r.source.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Delete the plan's security group (once the network interfaces that use it are gone).
pub(super) async fn remove(ctx: &Ctx, n: NodeId) -> Result<Removal, EngineError> {
    let plan = &ctx.plan;
    let name = if n == NodeId::NlbSg {
        names::nlb_sg_name(plan)
    } else {
        names::endpoint_sg_name(plan)
    };
    let Some(sg) = ctx
        .cloud
        .find_security_group(&plan.vpc_id, &name)
        .await
        .at(n)?
    else {
        return already_gone();
    };
    // Network interfaces of a deleted NLB / endpoint linger for a while: DependencyViolation.
    let what = "deleting the security group (waiting for network interfaces to go)";
    let command = aws::delete_security_group(&sg.id);
    let delete = || ctx.cloud.delete_security_group(&sg.id);
    if let Some(skip) = delete_ours(ctx, n, &sg.tags, what, &command, delete).await? {
        return Ok(skip);
    }
    Ok(Done(format!("security group {} deleted", sg.id)))
}
