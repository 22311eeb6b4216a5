//! The custom domain name and its API mapping: created by the apply (the mapping to the API's
//! stage at the plan's base path), removed by destroy.

use super::super::ctx::{cli, conflict, once, ours, owned, settle, tags, taken, AtNode};
use super::super::journal::Key;
use super::super::{Ctx, EngineError, NodeId};
use super::Removal::{self, Done};
use super::{already_gone, delete_ours, skip};
use crate::cloud::cli as aws;
use crate::cloud::CloudResult;
use crate::plan::names::step;

/// Whether the custom domain is still there.
pub(super) async fn still_there(ctx: &Ctx) -> CloudResult<bool> {
    ctx.cloud
        .get_domain_name(&ctx.plan.name)
        .await
        .map(|d| d.is_some())
}

/// Whether the domain still maps the plan's base path.
pub(super) async fn mapping_still_there(ctx: &Ctx) -> CloudResult<bool> {
    let plan = &ctx.plan;
    let want = plan.base_path.clone().unwrap_or_else(|| "(none)".into());
    ctx.cloud
        .get_base_path_mappings(&plan.name)
        .await
        .map(|m| m.iter().any(|m| m.base_path == want))
}

/// The custom domain (REGIONAL, the plan's certificate): created, or the plan's own found again;
/// one of that name not tagged with the plan is a conflict.
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Domain;
    let name = ctx.plan.name.clone();
    let d = match ctx.cloud.get_domain_name(&name).await.at(n)? {
        Some(d) if ours(ctx, &d.tags) => d,
        Some(_) => {
            let what = format!("the custom domain {name}");
            let fix = "delete it or use another name";
            return Err(taken(ctx, n, "apigateway:POST", &what, fix));
        }
        None => {
            ctx.intend(n).await?;
            let domain_tags = tags(ctx, step::DOMAIN);
            cli(
                ctx,
                n,
                &aws::create_domain_name(
                    &name,
                    &ctx.plan.certificate_arn,
                    &ctx.plan.settings.domain_security_policy,
                    &domain_tags,
                ),
            );
            let made = once(
                ctx,
                n,
                || {
                    ctx.cloud.create_domain_name(
                        &name,
                        &ctx.plan.certificate_arn,
                        &ctx.plan.settings.domain_security_policy,
                        &domain_tags,
                    )
                },
                || async {
                    Ok(ctx
                        .cloud
                        .get_domain_name(&name)
                        .await?
                        .filter(|d| ours(ctx, &d.tags)))
                },
            )
            .await?;
            ctx.made_now(n);
            made
        }
    };
    ctx.write(n, |r| {
        r.id = Some(name.clone());
        r.owned = true;
        r.set(Key::RegionalDns, d.regional_dns_name.clone());
    })
    .await?;
    Ok(format!("{name} → {}", d.regional_dns_name))
}

/// Map the domain (at the plan's base path) to the API's stage; a mapping of that path to
/// something else is a conflict.
pub(super) async fn create_mapping(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Mapping;
    let snap = ctx.snapshot().await;
    let api = snap.id_or_empty(NodeId::Api);
    let name = ctx.plan.name.clone();
    let base = ctx.plan.base_path.clone();
    let want = base.clone().unwrap_or_else(|| "(none)".into());
    // A domain made by this run has no mapping until this step makes it.
    let existing = if ctx.is_new(NodeId::Domain) {
        vec![]
    } else {
        ctx.cloud.get_base_path_mappings(&name).await.at(n)?
    };
    if let Some(m) = existing.iter().find(|m| m.base_path == want) {
        if m.rest_api_id != api || m.stage != ctx.plan.stage {
            return Err(conflict(n, "apigateway:POST", format!(
                "{name}/{} already maps to API {} stage {}: remove that mapping or choose another base path",
                want, m.rest_api_id, m.stage
            )));
        }
    } else {
        cli(
            ctx,
            n,
            &aws::create_base_path_mapping(&name, &api, &ctx.plan.stage, base.as_deref()),
        );
        once(
            ctx,
            n,
            || {
                ctx.cloud
                    .create_base_path_mapping(&name, &api, &ctx.plan.stage, base.as_deref())
            },
            || async {
                Ok(ctx
                    .cloud
                    .get_base_path_mappings(&name)
                    .await?
                    .into_iter()
                    .any(|m| {
                        m.base_path == want && m.rest_api_id == api && m.stage == ctx.plan.stage
                    })
                    .then_some(()))
            },
        )
        .await?;
    }
    ctx.write(n, |r| {
        r.id = Some(format!("{name}/{want}"));
        r.owned = true;
    })
    .await?;
    Ok(format!(
        "{name}/{} → {api}:{}",
        base.unwrap_or_default(),
        ctx.plan.stage
    ))
}

/// Delete the plan's custom domain.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Domain;
    let plan = &ctx.plan;
    let Some(domain) = ctx.cloud.get_domain_name(&plan.name).await.at(n)? else {
        return already_gone();
    };
    let what = "deleting the custom domain (API Gateway allows 1 per 30 s)";
    let command = aws::delete_domain_name(&plan.name);
    let delete = || ctx.cloud.delete_domain_name(&plan.name);
    if let Some(skip) = delete_ours(ctx, n, &domain.tags, what, &command, delete).await? {
        return Ok(skip);
    }
    Ok(Done(format!("custom domain {} deleted", plan.name)))
}

/// Remove the API mapping of the custom domain.
pub(super) async fn remove_mapping(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Mapping;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    if !owned(&j, n) && !owned(&j, NodeId::Domain) {
        return skip("not made by this plan: left as it is");
    }
    settle(
        ctx,
        n,
        "removing the API mapping",
        &aws::delete_base_path_mapping(&plan.name, plan.base_path.as_deref()),
        || {
            ctx.cloud
                .delete_base_path_mapping(&plan.name, plan.base_path.as_deref())
        },
    )
    .await?;
    Ok(Done(format!("mapping of {} removed", plan.name)))
}
