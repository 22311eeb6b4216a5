//! The private REST API and what is built on it: the `GET /ping` method, the deployment and its
//! stage. Created (or an adopted API made private, its settings kept), deleted by destroy with
//! all of it (or the adopted API and its stages put back).

use super::super::ctx::{cli, fail, once, owned, paced, said_gone, settle, tags, AtNode};
use super::super::journal::{Key, Prior};
use super::super::{Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use super::Removal::{self, Done};
use super::{journaled_and_tagged, skip};
use crate::cloud::cli::{self as aws, PingPart};
use crate::cloud::write::ApiRestore;
use crate::cloud::write::{private_patch, restore_patch};
use crate::cloud::{CloudError, CloudResult, ErrorKind};
use crate::plan::names::{self, step, TAG_PLAN_ID};
use crate::plan::{ApiChoice, Plan};

/// What destroy says of the /ping method: it goes with its API.
pub(super) const PING_GOES_WITH: &str = "deleted with the REST API";

/// What destroy says of the deployment and its stage.
pub(super) fn deployment_goes_with(plan: &Plan) -> &'static str {
    if matches!(plan.api, ApiChoice::Create { .. }) {
        "deleted with the REST API"
    } else {
        "the adopted API's stage is put back by the REST API step"
    }
}

/// Whether the plan's own API is still there (an adopted one is taken as there).
pub(super) async fn still_there(ctx: &Ctx, id: &str) -> CloudResult<bool> {
    if !matches!(ctx.plan.api, ApiChoice::Create { .. }) {
        return Ok(true);
    }
    ctx.cloud.get_rest_api(id).await.map(|a| a.is_some())
}

/// Whether the API still has the plan's stage.
pub(super) async fn stage_still_there(ctx: &Ctx, j: &Journal) -> CloudResult<bool> {
    let api = j.id_or_empty(NodeId::Api);
    ctx.cloud
        .get_rest_api(&api)
        .await
        .map(|a| a.is_some_and(|a| a.stages.iter().any(|(s, _)| s == &ctx.plan.stage)))
}

/// The plan's private REST API, bound to the endpoint: created (or found again by the journal or
/// the plan's tag), or an adopted one made private (its settings kept for destroy).
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let snap = ctx.snapshot().await;
    let private = Private {
        vpce: snap.id_or_empty(NodeId::Endpoint),
        policy: names::resource_policy_line(&ctx.plan),
    };
    match &ctx.plan.api {
        ApiChoice::Adopt { rest_api_id } => adopt(ctx, rest_api_id, &private).await,
        ApiChoice::Create { name } => create_own(ctx, &snap, name, &private).await,
    }
}

/// What makes the plan's API private: the endpoint it is bound to and its resource policy.
struct Private {
    vpce: String,
    policy: String,
}

/// An adopted API: its settings and the deployment of each stage kept for destroy, then made
/// private to the endpoint with the plan's policy.
async fn adopt(ctx: &Ctx, rest_api_id: &str, private: &Private) -> Result<String, EngineError> {
    let n = NodeId::Api;
    let (vpce, policy) = (private.vpce.as_str(), private.policy.as_str());
    let Some(a) = ctx.cloud.get_rest_api(rest_api_id).await.at(n)? else {
        return Err(fail(
            n,
            CloudError::new(
                ErrorKind::NotFound,
                "apigateway:GET",
                format!("REST API {rest_api_id} no longer exists"),
            ),
        ));
    };
    let prior = crate::cloud::write::ApiRestore::from(&a);
    if let Ok(text) = serde_json::to_string(&prior) {
        ctx.set_prior(Prior::Api, text).await?;
    }
    // The deployment each stage served: the new policy takes effect only through a new
    // deployment, and destroy puts the old one back (with the old policy in it).
    if let Ok(text) = serde_json::to_string(&a.stages) {
        ctx.set_prior(Prior::ApiStages, text).await?;
    }
    let mut ids = a.vpc_endpoint_ids.clone();
    if !ids.iter().any(|i| i == vpce) {
        ids.push(vpce.to_string());
    }
    ctx.write(n, |r| {
        r.id = Some(rest_api_id.to_string());
        r.owned = false;
    })
    .await?;
    cli(
        ctx,
        n,
        &aws::update_rest_api(rest_api_id, &private_patch(&a, &ids, policy)),
    );
    paced(ctx, n, || ctx.cloud.make_api_private(&a, &ids, policy)).await?;
    Ok(format!("{rest_api_id} (adopted, now PRIVATE via {vpce})"))
}

/// The plan's own API: found again or created, then any second API of the plan a lost answer
/// left deleted.
async fn create_own(
    ctx: &Ctx,
    snap: &Journal,
    name: &str,
    private: &Private,
) -> Result<String, EngineError> {
    let n = NodeId::Api;
    let (vpce, policy) = (private.vpce.as_str(), private.policy.as_str());
    let bound = [vpce.to_string()];
    let id = match find_own(ctx, snap, private).await? {
        Some(id) => id,
        None => {
            ctx.intend(n).await?;
            let api_tags = tags(ctx, step::API);
            cli(
                ctx,
                n,
                &aws::create_rest_api(name, &bound, policy, &api_tags),
            );
            let made = once(
                ctx,
                n,
                || ctx.cloud.create_rest_api(name, &bound, policy, &api_tags),
                || async {
                    Ok(ctx
                        .cloud
                        .find_rest_apis_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                        .await?
                        .into_iter()
                        .next()
                        .map(|a| a.id))
                },
            )
            .await?;
            ctx.made_now(n);
            made
        }
    };
    ctx.write(n, |r| {
        r.id = Some(id.clone());
        r.owned = true;
        r.status = NodeStatus::Created;
    })
    .await?;
    let extras = delete_extras(ctx, &id).await?;
    Ok(format!(
        "{id} (PRIVATE, bound to {vpce}){}",
        if extras.is_empty() {
            String::new()
        } else {
            format!(
                "; deleted the extra {} left by a lost answer",
                extras.join(", ")
            )
        }
    ))
}

/// The plan's API if the account has it: the journal's (bound again to an endpoint made again
/// since), or one with the plan's tag.
async fn find_own(
    ctx: &Ctx,
    snap: &Journal,
    private: &Private,
) -> Result<Option<String>, EngineError> {
    let n = NodeId::Api;
    let (vpce, policy) = (private.vpce.as_str(), private.policy.as_str());
    let bound = [vpce.to_string()];
    let mut id = None;
    if let Some(known) = snap.id_of(n) {
        let found = ctx.cloud.get_rest_api(known).await.at(n)?;
        if found.is_none() {
            said_gone(ctx, n, known);
        }
        // Bound to an endpoint made again since (the old one was deleted): rebind.
        if let Some(a) = found
            .as_ref()
            .filter(|a| !a.vpc_endpoint_ids.iter().any(|i| i == vpce))
        {
            cli(
                ctx,
                n,
                &aws::update_rest_api(&a.id, &private_patch(a, &bound, policy)),
            );
            paced(ctx, n, || ctx.cloud.make_api_private(a, &bound, policy)).await?;
        }
        id = found.map(|a| a.id);
    }
    if id.is_none() {
        let tagged = ctx.cloud.find_rest_apis_by_tag(TAG_PLAN_ID, &ctx.plan.id);
        id = tagged.await.at(n)?.into_iter().next().map(|a| a.id);
    }
    Ok(id)
}

/// A lost answer the SDK or an earlier run resent may have made a second API with the plan's
/// tag: the journaled one (`id`) stays, the others go. Returns those deleted.
async fn delete_extras(ctx: &Ctx, id: &str) -> Result<Vec<String>, EngineError> {
    let n = NodeId::Api;
    let extras: Vec<String> = ctx
        .cloud
        .rest_api_ids_by_tag(TAG_PLAN_ID, &ctx.plan.id)
        .await
        .at(n)?
        .into_iter()
        .filter(|other| other != id)
        .collect();
    for extra in &extras {
        ctx.emit(EngineEvent::Waiting {
            node: n,
            what: format!("deleting {extra}, a second API of this plan left by a lost answer"),
        });
        cli(ctx, n, &aws::delete_rest_api(extra));
        paced(ctx, n, || ctx.cloud.delete_rest_api(extra)).await?;
    }
    Ok(extras)
}

/// `GET /ping`, a MOCK method answering 200, on a created API (the path verify checks): the
/// `/ping` resource found or made under the root, then its method, integration and responses
/// (each put is safe to send again: one already there is success).
pub(super) async fn create_ping(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Ping;
    let api = ctx.snapshot().await.id_or_empty(NodeId::Api);
    let path = format!("/{}", aws::PING_PATH_PART);
    let resource_of = |resources: Vec<(String, String)>, want: &str| {
        resources
            .into_iter()
            .find(|(_, p)| p == want)
            .map(|(id, _)| id)
    };
    let resources = ctx.cloud.api_resources(&api).await.at(n)?;
    let ping = match resource_of(resources.clone(), &path) {
        Some(id) => id,
        None => {
            let Some(root) = resource_of(resources, "/") else {
                return Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "apigateway:GET",
                        format!("REST API {api} has no root resource"),
                    ),
                ));
            };
            cli(
                ctx,
                n,
                &aws::create_resource(&api, &root, aws::PING_PATH_PART),
            );
            once(
                ctx,
                n,
                || ctx.cloud.create_resource(&api, &root, aws::PING_PATH_PART),
                || async {
                    let now = ctx.cloud.api_resources(&api).await?;
                    Ok(resource_of(now, &path))
                },
            )
            .await?
        }
    };
    for part in PingPart::ALL {
        cli(ctx, n, &aws::put_ping(&api, &ping, part));
        paced(ctx, n, || ctx.cloud.put_ping(&api, &ping, part)).await?;
    }
    ctx.write(n, |r| r.id = Some(format!("{api}/ping"))).await?;
    Ok("GET /ping → MOCK 200".into())
}

/// The deployment of `api`'s `stage` as the account has it now, unless it is `not` (the one it
/// had before a create whose answer was lost).
async fn stage_deployment(
    ctx: &Ctx,
    api: &str,
    stage: &str,
    not: Option<&str>,
) -> CloudResult<Option<String>> {
    Ok(ctx.cloud.get_rest_api(api).await?.and_then(|a| {
        a.stages
            .into_iter()
            .find(|(s, d)| s == stage && Some(d.as_str()) != not)
            .map(|(_, d)| d)
    }))
}

/// Deploy the API to the plan's stage (an adopted API always anew: its policy just changed).
pub(super) async fn deploy(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Deployment;
    let api = ctx.snapshot().await.id_or_empty(NodeId::Api);
    let stage = ctx.plan.stage.clone();
    // A created API that already has the stage (a rerun without the journal) is deployed already;
    // an adopted API always gets a new deployment, since its policy just changed.
    let existing = match ctx.plan.api {
        // Made by this run: it has no stage until this step deploys one.
        ApiChoice::Create { .. } if ctx.is_new(NodeId::Api) => None,
        ApiChoice::Create { .. } => stage_deployment(ctx, &api, &stage, None).await.at(n)?,
        ApiChoice::Adopt { .. } => None,
    };
    let dep = match existing {
        Some(d) => d,
        None => {
            cli(ctx, n, &aws::create_deployment(&api, &stage));
            // The deployment a lost answer made shows as the stage's (new) deployment.
            let before = ctx
                .snapshot()
                .await
                .prior_of(Prior::ApiStages)
                .and_then(|t| serde_json::from_str::<Vec<(String, String)>>(t).ok())
                .and_then(|v| v.into_iter().find(|(s, _)| s == &stage).map(|(_, d)| d));
            once(
                ctx,
                n,
                || ctx.cloud.create_deployment(&api, &stage),
                || stage_deployment(ctx, &api, &stage, before.as_deref()),
            )
            .await?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(dep.clone());
        r.set(Key::Stage, stage.clone());
    })
    .await?;
    Ok(format!("deployment {dep} on stage {stage}"))
}

/// Put an adopted API back as it was: its endpoint configuration and policy, then each stage the
/// apply deployed to on the deployment it served before (a restored policy takes effect only
/// through a deployment), and a stage the apply created is deleted.
async fn restore_adopted(
    ctx: &Ctx,
    n: NodeId,
    id: &str,
    prior: &str,
    stages: Option<&str>,
) -> Result<String, EngineError> {
    let unreadable = |what: &str, e: serde_json::Error, text: &str| {
        fail(
            n,
            CloudError::new(
                ErrorKind::Other,
                "journal",
                format!("the adopted API's prior {what} cannot be read from the journal ({e}): restore it by hand from {text}"),
            ),
        )
    };
    let before: ApiRestore = match serde_json::from_str(prior) {
        Ok(r) => r,
        // Journals before ApiRestore: {"types", "vpce", "policy"}.
        Err(e) => {
            let v: serde_json::Value =
                serde_json::from_str(prior).map_err(|_| unreadable("settings", e, prior))?;
            let list = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            ApiRestore {
                endpoint_types: list("types"),
                vpc_endpoint_ids: list("vpce"),
                policy: v["policy"].as_str().map(str::to_string),
                ip_address_type: None,
            }
        }
    };
    let Some(cur) = ctx.cloud.get_rest_api(id).await.at(n)? else {
        return Ok(format!(
            "API {id} is gone from the account: nothing to put back"
        ));
    };
    let what = "restoring the adopted API";
    let command = aws::update_rest_api(id, &restore_patch(&cur, &before));
    settle(ctx, n, what, &command, || {
        ctx.cloud.restore_api(&cur, &before)
    })
    .await?;
    let mut said = vec![format!("API {id} restored to its prior settings")];
    let served: Vec<(String, String)> = match stages {
        Some(text) => serde_json::from_str(text).map_err(|e| unreadable("stages", e, text))?,
        None => vec![],
    };
    let stage = &ctx.plan.stage;
    let Some(now) = ctx.cloud.get_rest_api(id).await.at(n)? else {
        return Ok(said.join("; "));
    };
    if stages.is_some() && now.stages.iter().any(|(s, _)| s == stage) {
        match served.iter().find(|(s, _)| s == stage) {
            Some((_, old)) => {
                if now.stages.iter().any(|(s, d)| s == stage && d != old) {
                    let what = "putting the stage back on its deployment";
                    let command = aws::set_stage_deployment(id, stage, old);
                    settle(ctx, n, what, &command, || {
                        ctx.cloud.set_stage_deployment(id, stage, old)
                    })
                    .await?;
                    said.push(format!("stage {stage} serves deployment {old} again"));
                }
            }
            None => {
                let what = "deleting the stage this plan added";
                let command = aws::delete_stage(id, stage);
                settle(ctx, n, what, &command, || ctx.cloud.delete_stage(id, stage)).await?;
                said.push(format!("stage {stage} (added by this plan) deleted"));
            }
        }
    }
    Ok(said.join("; "))
}

/// Delete the plan's REST API (with its method, deployment and stage), or put an adopted one back.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Api;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    if let (Some(prior), Some(id)) = (j.prior_of(Prior::Api), j.id_of(NodeId::Api)) {
        if !owned(&j, n) {
            return restore_adopted(ctx, n, id, prior, j.prior_of(Prior::ApiStages))
                .await
                .map(Done);
        }
    }
    let tagged = ctx.cloud.find_rest_apis_by_tag(TAG_PLAN_ID, &plan.id);
    let ids = journaled_and_tagged(&j, n, tagged, |a| a.id).await?;
    if ids.is_empty() {
        return skip("no REST API made by this plan is left");
    }
    for id in &ids {
        let what = "deleting the REST API (API Gateway allows 1 per 30 s)";
        let command = aws::delete_rest_api(id);
        settle(ctx, n, what, &command, || ctx.cloud.delete_rest_api(id)).await?;
    }
    Ok(Done(format!("REST API {} deleted", ids.join(", "))))
}
