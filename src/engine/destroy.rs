//! Destroy: delete, in reverse dependency order, only what this plan created (journal `owned`, or
//! found by its plan tag / derived name when the journal is missing), restore what it changed, and
//! wait for each deletion. Idempotent: deleting what is gone is success.

use super::ctx::{again_while_passing, cli, fail, owned, settle, settle_also};
use super::journal::{Key, Prior};
use super::{Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use crate::cloud::write::{AliasRecord, ApiRestore, RecordAction};
use crate::cloud::{CloudError, ErrorKind};
use crate::domain::RecordSet;
use crate::plan::names::{self, TAG_PLAN_ID};

/// What a removal did.
pub(super) enum Removal {
    /// Removed or restored: what is gone (or back) now.
    Done(String),
    /// Nothing to do, and why.
    Skipped(String),
}
use Removal::Done;

fn skip(why: impl Into<String>) -> Result<Removal, EngineError> {
    Ok(Removal::Skipped(why.into()))
}

/// Steps that have nothing of their own to remove: what they made goes with a parent, or they
/// only read. `None`: the step removes something itself.
fn removed_with_parent(plan: &crate::plan::Plan, node: NodeId) -> Option<&'static str> {
    let adopted_api = !matches!(plan.api, crate::plan::ApiChoice::Create { .. });
    match node {
        NodeId::Ping => Some("deleted with the REST API"),
        NodeId::Deployment if adopted_api => {
            Some("the adopted API's stage is put back by the REST API step")
        }
        NodeId::Deployment => Some("deleted with the REST API"),
        NodeId::Targets if plan.adopt_target_group.is_some() => {
            Some("deregistered by the target group step (the adopted group stays)")
        }
        NodeId::Targets => Some("deregistered with the target group"),
        NodeId::Listener if plan.adopt_nlb.is_none() => Some("deleted with the NLB"),
        NodeId::EndpointReady => Some("nothing to remove (this step only read the endpoint's IPs)"),
        _ => None,
    }
}

pub(super) async fn run(ctx: &Ctx) -> Vec<EngineError> {
    let mut errors = Vec::new();
    let steps = super::destroy_steps(&ctx.plan, Some(&ctx.snapshot().await));
    for node in steps {
        if let Some(why) = removed_with_parent(&ctx.plan, node) {
            ctx.emit(EngineEvent::Skipped {
                node,
                why: why.to_string(),
            });
            continue;
        }
        if node == NodeId::Eips && !ctx.opts.release_eips {
            // The one exception to "destroy leaves nothing": the addresses the partner
            // allow-listed stay with the account (and the journal keeps them for a later apply).
            let j = ctx.snapshot().await;
            let why = if owned(&j, NodeId::Eips) {
                crate::plan::cost::kept_eips(
                    &j.list(NodeId::Eips, Key::Ips),
                    0,
                    &format!(
                        "`{}` releases them",
                        crate::plan::cost::release_eips_command(
                            &ctx.opts.command_prefix,
                            &ctx.plan.id
                        )
                    ),
                )
            } else {
                "no Elastic IP allocated by this plan".to_string()
            };
            ctx.emit(EngineEvent::Skipped { node, why });
            continue;
        }
        ctx.emit(EngineEvent::Started(node));
        // Every removal reads the account first: one that failed for a passing reason is run
        // again from its start.
        match again_while_passing(ctx, node, || remove(ctx, node)).await {
            Ok(Removal::Done(summary)) => {
                let _ = ctx.write(node, |r| r.status = NodeStatus::Removed).await;
                ctx.emit(EngineEvent::Done { node, summary });
            }
            Ok(Removal::Skipped(why)) => ctx.emit(EngineEvent::Skipped { node, why }),
            Err(e) => {
                let error = match &e {
                    EngineError::Node { error, .. } => error.clone(),
                    other => CloudError::new(ErrorKind::Other, node.title(), other.to_string()),
                };
                ctx.emit(EngineEvent::Failed { node, error });
                errors.push(e);
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

/// Put an adopted API back as it was: its endpoint configuration and policy, then each stage the
/// apply deployed to on the deployment it served before (a restored policy takes effect only
/// through a deployment), and a stage the apply created is deleted.
async fn restore_adopted_api(
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
    let gone = ctx.opts.endpoint_timeout;
    settle(
        ctx,
        n,
        "restoring the adopted API",
        &format!(
            "apigateway update-rest-api --rest-api-id {id} --patch-operations … (endpoint configuration {} and policy as before)",
            before.endpoint_types.join(",")
        ),
        gone,
        || ctx.cloud.restore_api(id, &before),
    )
    .await?;
    let mut said = vec![format!("API {id} restored to its prior settings")];
    let served: Vec<(String, String)> = match stages {
        Some(text) => serde_json::from_str(text).map_err(|e| unreadable("stages", e, text))?,
        None => vec![],
    };
    let stage = &ctx.plan.stage;
    let Some(now) = ctx.cloud.get_rest_api(id).await.map_err(|e| fail(n, e))? else {
        return Ok(said.join("; "));
    };
    if stages.is_some() && now.stages.iter().any(|(s, _)| s == stage) {
        match served.iter().find(|(s, _)| s == stage) {
            Some((_, old)) => {
                if now.stages.iter().any(|(s, d)| s == stage && d != old) {
                    settle(
                        ctx,
                        n,
                        "putting the stage back on its deployment",
                        &format!("apigateway update-stage --rest-api-id {id} --stage-name {stage} --patch-operations op=replace,path=/deploymentId,value={old}"),
                        gone,
                        || ctx.cloud.set_stage_deployment(id, stage, old),
                    )
                    .await?;
                    said.push(format!("stage {stage} serves deployment {old} again"));
                }
            }
            None => {
                settle(
                    ctx,
                    n,
                    "deleting the stage this plan added",
                    &format!("apigateway delete-stage --rest-api-id {id} --stage-name {stage}"),
                    gone,
                    || ctx.cloud.delete_stage(id, stage),
                )
                .await?;
                said.push(format!("stage {stage} (added by this plan) deleted"));
            }
        }
    }
    Ok(said.join("; "))
}

/// Remove the plan's alias record of the name and put back, in the same batch, the records the
/// apply replaced (a list; one record in older journals).
async fn remove_record(ctx: &Ctx, n: NodeId, j: &Journal) -> Result<Removal, EngineError> {
    let plan = &ctx.plan;
    let gone = ctx.opts.endpoint_timeout;
    let public = n == NodeId::PublicRecord;
    let zone = if public {
        Some(plan.public_zone_id.clone())
    } else {
        j.id_of(NodeId::PrivateZone)
            .map(str::to_string)
            .or_else(|| match &plan.private_zone {
                crate::plan::PrivateZoneChoice::Existing { zone_id } => Some(zone_id.clone()),
                crate::plan::PrivateZoneChoice::Create => None,
            })
    };
    let (dns, dzone) = if public {
        (
            j.data(NodeId::Nlb, Key::Dns),
            j.data(NodeId::Nlb, Key::Zone),
        )
    } else {
        (
            j.data(NodeId::EndpointReady, Key::Dns),
            j.data(NodeId::EndpointReady, Key::DnsZone),
        )
    };
    let (Some(zone), Some(dns), Some(dzone)) = (zone, dns, dzone) else {
        return skip("never made: the journal has no alias target for it");
    };
    if !owned(j, n) {
        return skip("not made by this plan: left as it is");
    }
    // What the plan replaced, exactly as it was (a list; one record in older journals).
    let priors: Vec<RecordSet> = match (
        j.prior_of(Prior::Records(&zone)),
        j.prior_of(Prior::Record(&zone)),
    ) {
        (Some(list), _) => serde_json::from_str(list).map_err(|e| {
            fail(n, CloudError::new(ErrorKind::Other, "journal", format!(
                "the records this plan replaced cannot be read back from the journal ({e}); put them back by hand: {list}"
            )))
        })?,
        (None, Some(one)) => vec![serde_json::from_str(one).map_err(|e| {
            fail(n, CloudError::new(ErrorKind::Other, "journal", format!(
                "the record this plan replaced cannot be read back from the journal ({e}); put it back by hand: {one}"
            )))
        })?],
        (None, None) => vec![],
    };
    if priors.is_empty() {
        let rec = AliasRecord {
            zone_id: zone.clone(),
            name: plan.name.clone(),
            target_dns_name: dns.to_string(),
            target_zone_id: dzone.to_string(),
            evaluate_target_health: public,
        };
        cli(
            ctx,
            n,
            format!(
                "route53 change-resource-record-sets --hosted-zone-id {zone} --change-batch 'DELETE A {} ALIAS {dns}'",
                plan.name
            ),
        );
        // A zone that is gone took its records with it.
        let change = match ctx
            .cloud
            .change_alias_record(RecordAction::Delete, &rec)
            .await
        {
            Ok(c) => c,
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(fail(n, e)),
        };
        return if change.is_none() {
            skip(format!("A {} was already gone from {zone}", plan.name))
        } else {
            Ok(Done(format!("A {} removed from {zone}", plan.name)))
        };
    }
    // One batch, as apply did: DELETE our alias exactly as the account holds it, and put
    // back what it replaced (UPSERT: a CNAME may come back only with our A gone).
    let current = match ctx.cloud.list_records(&zone, &plan.name).await {
        Ok(r) => r,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return skip(format!("zone {zone} is gone, and its records with it"))
        }
        Err(e) => return Err(fail(n, e)),
    };
    let mut batch: Vec<(RecordAction, RecordSet)> = current
        .into_iter()
        .filter(|r| {
            r.record_type == "A"
                && r.alias_target.as_deref().is_some_and(|t| {
                    t.trim_end_matches('.')
                        .eq_ignore_ascii_case(dns.trim_end_matches('.'))
                })
        })
        .map(|r| (RecordAction::Delete, r))
        .collect();
    batch.extend(priors.iter().cloned().map(|r| (RecordAction::Upsert, r)));
    settle(
        ctx,
        n,
        "putting back the records this plan replaced",
        &format!(
            "route53 change-resource-record-sets --hosted-zone-id {zone} --change-batch '{}'",
            super::nodes::describe_batch(&batch)
        ),
        gone,
        || {
            let batch = batch.clone();
            let zone = zone.clone();
            async move { ctx.cloud.change_records(&zone, &batch).await.map(|_| ()) }
        },
    )
    .await?;
    Ok(Done(format!(
        "A {} removed from {zone}; your previous {} (→ {}) back",
        plan.name,
        priors
            .iter()
            .map(|r| r.record_type.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        priors
            .iter()
            .map(|r| r
                .alias_target
                .clone()
                .unwrap_or_else(|| r.values.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    )))
}

async fn remove(ctx: &Ctx, n: NodeId) -> Result<Removal, EngineError> {
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    let gone = ctx.opts.endpoint_timeout;
    match n {
        NodeId::PublicRecord | NodeId::PrivateRecord => remove_record(ctx, n, &j).await,
        NodeId::Mapping => {
            if !owned(&j, n) && !owned(&j, NodeId::Domain) {
                return skip("not made by this plan: left as it is");
            }
            settle(
                ctx,
                n,
                "removing the API mapping",
                &format!(
                    "apigateway delete-base-path-mapping --domain-name {} --base-path '{}'",
                    plan.name,
                    plan.base_path.as_deref().unwrap_or("(none)")
                ),
                gone,
                || {
                    ctx.cloud
                        .delete_base_path_mapping(&plan.name, plan.base_path.as_deref())
                },
            )
            .await?;
            Ok(Done(format!("mapping of {} removed", plan.name)))
        }
        NodeId::Domain => {
            let ours = match ctx
                .cloud
                .get_domain_name(&plan.name)
                .await
                .map_err(|e| fail(n, e))?
            {
                Some(d) => d
                    .tags
                    .iter()
                    .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id),
                None => return skip("already gone from the account"),
            };
            if !ours {
                return skip("not this plan's (no fixedip:plan-id tag of it): left as it is");
            }
            settle(
                ctx,
                n,
                "deleting the custom domain (API Gateway allows 1 per 30 s)",
                &format!("apigateway delete-domain-name --domain-name {}", plan.name),
                gone,
                || ctx.cloud.delete_domain_name(&plan.name),
            )
            .await?;
            Ok(Done(format!("custom domain {} deleted", plan.name)))
        }
        NodeId::Eips => {
            // Only what this plan allocated: chosen existing addresses are the user's.
            let mut allocs: Vec<String> =
                match j.record(NodeId::Eips) {
                    Some(r) if r.owned && r.status != NodeStatus::Removed => r
                        .get(Key::Allocations)
                        .map(|a| {
                            a.split(',')
                                .filter_map(|kv| kv.split_once('=').map(|(_, v)| v.to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    Some(_) => return skip(
                        "not allocated by this plan (yours, or released already): left as they are",
                    ),
                    None => vec![],
                };
            if allocs.is_empty() && !matches!(plan.eips, crate::plan::EipChoice::Existing { .. }) {
                // No journal (another machine): the plan's tag finds them.
                allocs = ctx
                    .cloud
                    .find_addresses_by_tag(TAG_PLAN_ID, &plan.id)
                    .await
                    .map_err(|e| fail(n, e))?
                    .into_iter()
                    .map(|e| e.allocation_id)
                    .collect();
            }
            if allocs.is_empty() {
                return skip("no Elastic IP allocated by this plan");
            }
            // The deleted NLB's network interfaces hold the addresses for a few minutes; until
            // they let go, ReleaseAddress answers `AuthFailure` (not `InvalidIPAddress.InUse`).
            // Wait for DescribeAddresses to show no association, then release, still taking
            // `AuthFailure` for "not yet" within the same bound.
            let start = tokio::time::Instant::now();
            let mut wait = ctx.opts.poll_first;
            loop {
                let held: Vec<String> = ctx
                    .cloud
                    .describe_addresses(&allocs)
                    .await
                    .map_err(|e| fail(n, e))?
                    .into_iter()
                    .filter(|e| e.in_use())
                    .map(|e| e.public_ip)
                    .collect();
                if held.is_empty() || start.elapsed() >= gone {
                    break;
                }
                ctx.emit(EngineEvent::Waiting {
                    node: n,
                    what: format!(
                        "{} of {} Elastic IPs still held by the deleted NLB's network interfaces ({}); AWS frees them within minutes",
                        held.len(),
                        allocs.len(),
                        held.join(", ")
                    ),
                });
                tokio::time::sleep(wait).await;
                wait = wait.mul_f64(1.5).min(ctx.opts.poll_max);
            }
            let left = gone.saturating_sub(start.elapsed()).max(ctx.opts.poll_max);
            for a in &allocs {
                settle_also(
                    ctx,
                    n,
                    "releasing the Elastic IP (free once the NLB's interfaces are gone)",
                    &format!("ec2 release-address --allocation-id {a}"),
                    left,
                    &["AuthFailure"],
                    || ctx.cloud.release_address(a),
                )
                .await
                .map_err(|e| match e {
                    EngineError::Node { node, error } if error.code.as_deref() == Some("AuthFailure") => {
                        EngineError::Node {
                            node,
                            error: CloudError::new(
                                ErrorKind::Other,
                                error.action.clone(),
                                format!(
                                    "{a} is still held by the deleted NLB's network interfaces (AWS answers AuthFailure until they are gone): run `{}` again in a few minutes",
                                    crate::plan::cost::release_eips_command(&ctx.opts.command_prefix, &plan.id)
                                ),
                            )
                            .with_code("AuthFailure"),
                        }
                    }
                    other => other,
                })?;
            }
            Ok(Done(format!("released {}", allocs.join(", "))))
        }
        NodeId::Listener => {
            // A listener goes with its NLB, except on an adopted NLB: the one this plan added is
            // deleted, the one it redirected is put back.
            if plan.adopt_nlb.is_none() {
                return skip("deleted with the NLB");
            }
            let Some(rec) = j.record(NodeId::Listener) else {
                return skip("this plan added no listener to the adopted NLB");
            };
            let Some(arn) = rec.id.clone() else {
                return skip("this plan added no listener to the adopted NLB");
            };
            if rec.owned {
                cli(
                    ctx,
                    n,
                    format!("elbv2 delete-listener --listener-arn {arn}"),
                );
                ctx.cloud
                    .delete_listener(&arn)
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Done(format!(
                    "listener {arn} deleted (the adopted NLB stays)"
                )));
            }
            match j.prior_of(Prior::ListenerTarget(&arn)) {
                Some(prev) if !prev.is_empty() => {
                    cli(ctx, n, format!("elbv2 modify-listener --listener-arn {arn} --default-actions Type=forward,TargetGroupArn={prev}"));
                    ctx.cloud
                        .set_listener_target(&arn, prev)
                        .await
                        .map_err(|e| fail(n, e))?;
                    Ok(Done(format!("listener {arn} forwards to {prev} again")))
                }
                _ => skip("the adopted NLB's listener had no other target: left as it is"),
            }
        }
        NodeId::Nlb => {
            let Some(lb) = ctx
                .cloud
                .find_load_balancer(&plan.nlb_name())
                .await
                .map_err(|e| fail(n, e))?
            else {
                return skip("already gone from the account");
            };
            if !lb
                .tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id)
            {
                return skip("not this plan's (no fixedip:plan-id tag of it): left as it is");
            }
            settle(
                ctx,
                n,
                "deleting the NLB",
                &format!("elbv2 delete-load-balancer --load-balancer-arn {}", lb.arn),
                gone,
                || ctx.cloud.delete_load_balancer(&lb.arn),
            )
            .await?;
            let start = tokio::time::Instant::now();
            while ctx
                .cloud
                .find_load_balancer(&plan.nlb_name())
                .await
                .map_err(|e| fail(n, e))?
                .is_some()
                && start.elapsed() < gone
            {
                tokio::time::sleep(ctx.opts.poll_first).await;
            }
            Ok(Done(format!("{} deleted (with its listener)", lb.dns_name)))
        }
        NodeId::TargetGroup => {
            let Some(tg) = ctx
                .cloud
                .find_target_group(&plan.target_group_name())
                .await
                .map_err(|e| fail(n, e))?
            else {
                return skip("already gone from the account");
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
                    format!(
                        "elbv2 deregister-targets --target-group-arn {} --targets {}",
                        tg.arn,
                        ips.iter()
                            .map(|i| format!("Id={i},Port=443"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                );
                ctx.cloud
                    .deregister_targets(&tg.arn, &ips, 443)
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Done(format!(
                    "deregistered {} from the adopted {} (kept)",
                    ips.join(", "),
                    tg.name
                )));
            }
            if !tg
                .tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id)
            {
                return skip("not this plan's (no fixedip:plan-id tag of it): left as it is");
            }
            settle(
                ctx,
                n,
                "deleting the target group",
                &format!("elbv2 delete-target-group --target-group-arn {}", tg.arn),
                gone,
                || ctx.cloud.delete_target_group(&tg.arn),
            )
            .await?;
            Ok(Done(format!("{} deleted", tg.name)))
        }
        NodeId::Api => {
            if let (Some(prior), Some(id)) = (j.prior_of(Prior::Api), j.id_of(NodeId::Api)) {
                if !owned(&j, n) {
                    return restore_adopted_api(ctx, n, id, prior, j.prior_of(Prior::ApiStages))
                        .await
                        .map(Done);
                }
            }
            let mut ids: Vec<String> = j
                .id_of(NodeId::Api)
                .filter(|_| owned(&j, n))
                .map(str::to_string)
                .into_iter()
                .collect();
            for a in ctx
                .cloud
                .find_rest_apis_by_tag(TAG_PLAN_ID, &plan.id)
                .await
                .map_err(|e| fail(n, e))?
            {
                if !ids.contains(&a.id) {
                    ids.push(a.id);
                }
            }
            if ids.is_empty() {
                return skip("no REST API made by this plan is left");
            }
            for id in &ids {
                settle(
                    ctx,
                    n,
                    "deleting the REST API (API Gateway allows 1 per 30 s)",
                    &format!("apigateway delete-rest-api --rest-api-id {id}"),
                    gone,
                    || ctx.cloud.delete_rest_api(id),
                )
                .await?;
            }
            Ok(Done(format!("REST API {} deleted", ids.join(", "))))
        }
        NodeId::PrivateZone => {
            let Some(id) = j.id_of(n).filter(|_| owned(&j, n)) else {
                return skip(
                    "the private zone is not this plan's: left as it is (its record is removed)",
                );
            };
            settle(
                ctx,
                n,
                "deleting the private zone",
                &format!("route53 delete-hosted-zone --id {id}"),
                gone,
                || ctx.cloud.delete_hosted_zone(id),
            )
            .await?;
            Ok(Done(format!("private zone {id} deleted")))
        }
        NodeId::Endpoint => {
            if let Some(reused) = super::reuses_endpoint(plan) {
                let Some(sg) = j.data(n, Key::AddedSecurityGroup).filter(|s| !s.is_empty()) else {
                    return skip("the reused endpoint is left as it is (this plan added no security group to it)");
                };
                cli(
                    ctx,
                    n,
                    format!(
                        "ec2 modify-vpc-endpoint --vpc-endpoint-id {reused} --remove-security-group-ids {sg}"
                    ),
                );
                ctx.cloud
                    .remove_endpoint_security_groups(reused, &[sg.to_string()])
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Done(format!(
                    "security group {sg} removed from the reused {reused}"
                )));
            }
            let mut ids: Vec<String> = j
                .id_of(n)
                .filter(|_| owned(&j, n))
                .map(str::to_string)
                .into_iter()
                .collect();
            for e in ctx
                .cloud
                .find_vpc_endpoints_by_tag(TAG_PLAN_ID, &plan.id)
                .await
                .map_err(|e| fail(n, e))?
            {
                if !ids.contains(&e.id) {
                    ids.push(e.id);
                }
            }
            if ids.is_empty() {
                return skip("already gone from the account");
            }
            for id in &ids {
                settle(
                    ctx,
                    n,
                    "deleting the endpoint",
                    &format!("ec2 delete-vpc-endpoints --vpc-endpoint-ids {id}"),
                    gone,
                    || ctx.cloud.delete_vpc_endpoint(id),
                )
                .await?;
                let start = tokio::time::Instant::now();
                while let Some(e) = ctx
                    .cloud
                    .describe_vpc_endpoint(id)
                    .await
                    .map_err(|e| fail(n, e))?
                {
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
        NodeId::NlbSg | NodeId::EndpointSg => {
            let name = if n == NodeId::NlbSg {
                names::nlb_sg_name(plan)
            } else {
                names::endpoint_sg_name(plan)
            };
            let Some(sg) = ctx
                .cloud
                .find_security_group(&plan.vpc_id, &name)
                .await
                .map_err(|e| fail(n, e))?
            else {
                return skip("already gone from the account");
            };
            if !sg
                .tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id)
            {
                return skip("not this plan's (no fixedip:plan-id tag of it): left as it is");
            }
            // Network interfaces of a deleted NLB / endpoint linger for a while: DependencyViolation.
            settle(
                ctx,
                n,
                "deleting the security group (waiting for network interfaces to go)",
                &format!("ec2 delete-security-group --group-id {}", sg.id),
                gone,
                || ctx.cloud.delete_security_group(&sg.id),
            )
            .await?;
            Ok(Done(format!("security group {} deleted", sg.id)))
        }
        NodeId::VpcDns => {
            let Some(prior) = j.prior_of(Prior::VpcDns) else {
                return skip("this plan did not change the VPC's DNS attributes");
            };
            let mut it = prior.split(',').map(|v| v == "true");
            let (support, hostnames) = (it.next().unwrap_or(true), it.next().unwrap_or(true));
            // Hostnames off first: AWS refuses DNS support off while hostnames are on.
            if !hostnames {
                cli(
                    ctx,
                    n,
                    format!(
                        "ec2 modify-vpc-attribute --vpc-id {} --no-enable-dns-hostnames",
                        plan.vpc_id
                    ),
                );
                ctx.cloud
                    .set_vpc_dns(&plan.vpc_id, None, Some(false))
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            if !support {
                cli(
                    ctx,
                    n,
                    format!(
                        "ec2 modify-vpc-attribute --vpc-id {} --no-enable-dns-support",
                        plan.vpc_id
                    ),
                );
                ctx.cloud
                    .set_vpc_dns(&plan.vpc_id, Some(false), None)
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            Ok(Done(format!(
                "DNS attributes of {} restored (support {support}, hostnames {hostnames})",
                plan.vpc_id
            )))
        }
        _ => skip("nothing to remove"),
    }
}
