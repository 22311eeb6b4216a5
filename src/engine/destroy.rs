//! Destroy: delete, in reverse dependency order, only what this plan created (journal `owned`, or
//! found by its plan tag / derived name when the journal is missing), restore what it changed, and
//! wait for each deletion. Idempotent: deleting what is gone is success.

use std::time::Duration;

use super::{Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use crate::cloud::write::{AliasRecord, RecordAction};
use crate::cloud::{CloudError, ErrorKind};
use crate::plan::review::{self, TAG_PLAN_ID};

fn fail(node: NodeId, error: CloudError) -> EngineError {
    EngineError::Node { node, error }
}

/// Retry a deletion that AWS refuses while dependents are still going away
/// (`DependencyViolation`, `ResourceInUse`) or throttles, up to `timeout`.
async fn settle<F, Fut>(
    ctx: &Ctx,
    node: NodeId,
    what: &str,
    timeout: Duration,
    mut call: F,
) -> Result<(), EngineError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::cloud::CloudResult<()>>,
{
    let start = tokio::time::Instant::now();
    let mut wait = ctx.opts.poll_first;
    loop {
        match call().await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(()),
            Err(e)
                if (e.kind == ErrorKind::Throttled
                    || matches!(
                        e.code.as_deref(),
                        Some(
                            "DependencyViolation"
                                | "InvalidIPAddress.InUse"
                                | "ResourceInUse"
                                | "PriorRequestNotComplete"
                                | "ConflictException"
                        )
                    ))
                    && start.elapsed() < timeout =>
            {
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!("{what}: {}", e.message),
                });
                tokio::time::sleep(wait).await;
                wait = wait.mul_f64(1.5).min(ctx.opts.poll_max);
            }
            Err(e) => return Err(fail(node, e)),
        }
    }
}

fn owned(j: &Journal, n: NodeId) -> bool {
    j.record(n)
        .is_some_and(|r| r.owned && r.status != NodeStatus::Removed)
}

pub(super) async fn run(ctx: &Ctx) -> Vec<EngineError> {
    let mut errors = Vec::new();
    for node in [
        NodeId::PublicRecord,
        NodeId::PrivateRecord,
        NodeId::Mapping,
        NodeId::Domain,
        NodeId::Listener,
        NodeId::Nlb,
        NodeId::Eips,
        NodeId::TargetGroup,
        NodeId::Api,
        NodeId::PrivateZone,
        NodeId::Endpoint,
        NodeId::NlbSg,
        NodeId::EndpointSg,
        NodeId::VpcDns,
    ] {
        ctx.emit(EngineEvent::Started(node));
        if node == NodeId::Eips && !ctx.opts.release_eips {
            // The one exception to "destroy leaves nothing": the addresses the partner
            // allow-listed stay with the account (and the journal keeps them for a later apply).
            let j = ctx.snapshot().await;
            let summary = match j.data(NodeId::Eips, "ips").filter(|_| owned(&j, NodeId::Eips)) {
                Some(ips) => format!(
                    "kept {ips}: the partner's allow-list stays valid (`destroy --release-eips` releases them)"
                ),
                None => "nothing allocated by this plan".to_string(),
            };
            ctx.emit(EngineEvent::Done { node, summary });
            continue;
        }
        match remove(ctx, node).await {
            Ok(Some(summary)) => {
                let _ = ctx.write(node, |r| r.status = NodeStatus::Removed).await;
                ctx.emit(EngineEvent::Done { node, summary });
            }
            Ok(None) => ctx.emit(EngineEvent::Done {
                node,
                summary: "nothing to remove".into(),
            }),
            Err(e) => {
                if let EngineError::Node { error, .. } = &e {
                    ctx.emit(EngineEvent::Failed {
                        node,
                        error: error.clone(),
                    });
                }
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

async fn remove(ctx: &Ctx, n: NodeId) -> Result<Option<String>, EngineError> {
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    let gone = ctx.opts.endpoint_timeout;
    match n {
        NodeId::PublicRecord | NodeId::PrivateRecord => {
            let public = n == NodeId::PublicRecord;
            let zone = if public {
                Some(plan.public_zone_id.clone())
            } else {
                j.id_of(NodeId::PrivateZone)
                    .map(str::to_string)
                    .or_else(|| match &plan.private_zone {
                        crate::plan::PrivateZoneChoice::Existing { zone_id } => {
                            Some(zone_id.clone())
                        }
                        crate::plan::PrivateZoneChoice::Create => None,
                    })
            };
            let (dns, dzone) = if public {
                (j.data(NodeId::Nlb, "dns"), j.data(NodeId::Nlb, "zone"))
            } else {
                (
                    j.data(NodeId::EndpointReady, "dns"),
                    j.data(NodeId::EndpointReady, "dns-zone"),
                )
            };
            let (Some(zone), Some(dns), Some(dzone)) = (zone, dns, dzone) else {
                return Ok(None);
            };
            if !owned(&j, n) {
                return Ok(None);
            }
            let rec = AliasRecord {
                zone_id: zone.clone(),
                name: plan.name.clone(),
                target_dns_name: dns.to_string(),
                target_zone_id: dzone.to_string(),
                evaluate_target_health: public,
            };
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
            let mut summary = if change.is_none() {
                format!("A {} was already gone from {zone}", plan.name)
            } else {
                format!("A {} removed from {zone}", plan.name)
            };
            // Put back the record the plan replaced (by explicit choice), exactly as it was.
            if let Some(prior) = j.prior.get(&format!("record:{zone}")) {
                match serde_json::from_str::<crate::domain::RecordSet>(prior) {
                    Ok(old) => {
                        ctx.cloud.restore_record(&old).await.map_err(|e| fail(n, e))?;
                        summary.push_str(&format!(
                            "; your previous {} record (→ {}) is back",
                            old.record_type,
                            old.alias_target.clone().unwrap_or_else(|| old.values.join(", "))
                        ));
                    }
                    Err(e) => summary.push_str(&format!(
                        "; the record it replaced could not be read back from the journal ({e}): {prior}"
                    )),
                }
            }
            Ok(Some(summary))
        }
        NodeId::Mapping => {
            if !owned(&j, n) && !owned(&j, NodeId::Domain) {
                return Ok(None);
            }
            settle(ctx, n, "removing the API mapping", gone, || {
                ctx.cloud
                    .delete_base_path_mapping(&plan.name, plan.base_path.as_deref())
            })
            .await?;
            Ok(Some(format!("mapping of {} removed", plan.name)))
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
                None => return Ok(None),
            };
            if !ours {
                return Ok(None);
            }
            settle(
                ctx,
                n,
                "deleting the custom domain (API Gateway allows 1 per 30 s)",
                gone,
                || ctx.cloud.delete_domain_name(&plan.name),
            )
            .await?;
            Ok(Some(format!("custom domain {} deleted", plan.name)))
        }
        NodeId::Eips => {
            // Only what this plan allocated: chosen existing addresses are the user's.
            let mut allocs: Vec<String> = match j.record(NodeId::Eips) {
                Some(r) if r.owned && r.status != NodeStatus::Removed => r
                    .data
                    .get("allocations")
                    .map(|a| {
                        a.split(',')
                            .filter_map(|kv| kv.split_once('=').map(|(_, v)| v.to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
                Some(_) => return Ok(None),
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
                return Ok(None);
            }
            for a in &allocs {
                settle(
                    ctx,
                    n,
                    "releasing the Elastic IP (free once the NLB's interfaces are gone)",
                    gone,
                    || ctx.cloud.release_address(a),
                )
                .await?;
            }
            Ok(Some(format!("released {}", allocs.join(", "))))
        }
        NodeId::Listener => {
            // A listener goes with its NLB, except on an adopted NLB: the one this plan added is
            // deleted, the one it redirected is put back.
            if plan.adopt_nlb.is_none() {
                return Ok(None);
            }
            let Some(rec) = j.record(NodeId::Listener) else {
                return Ok(None);
            };
            let Some(arn) = rec.id.clone() else {
                return Ok(None);
            };
            if rec.owned {
                ctx.cloud
                    .delete_listener(&arn)
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Some(format!(
                    "listener {arn} deleted (the adopted NLB stays)"
                )));
            }
            match j.prior.get(&format!("listener-target:{arn}")) {
                Some(prev) if !prev.is_empty() => {
                    ctx.cloud
                        .set_listener_target(&arn, prev)
                        .await
                        .map_err(|e| fail(n, e))?;
                    Ok(Some(format!("listener {arn} forwards to {prev} again")))
                }
                _ => Ok(None),
            }
        }
        NodeId::Nlb => {
            let Some(lb) = ctx
                .cloud
                .find_load_balancer(&plan.nlb_name())
                .await
                .map_err(|e| fail(n, e))?
            else {
                return Ok(None);
            };
            if !lb
                .tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id)
            {
                return Ok(None);
            }
            settle(ctx, n, "deleting the NLB", gone, || {
                ctx.cloud.delete_load_balancer(&lb.arn)
            })
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
            Ok(Some(format!("{} deleted (with its listener)", lb.dns_name)))
        }
        NodeId::TargetGroup => {
            let Some(tg) = ctx
                .cloud
                .find_target_group(&plan.target_group_name())
                .await
                .map_err(|e| fail(n, e))?
            else {
                return Ok(None);
            };
            if plan.adopt_target_group.as_deref() == Some(tg.arn.as_str()) {
                // Adopted: only the targets this plan registered go.
                let ips: Vec<String> = j.list(NodeId::Targets, "ips");
                if ips.is_empty() {
                    return Ok(None);
                }
                ctx.cloud
                    .deregister_targets(&tg.arn, &ips, 443)
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Some(format!(
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
                return Ok(None);
            }
            settle(ctx, n, "deleting the target group", gone, || {
                ctx.cloud.delete_target_group(&tg.arn)
            })
            .await?;
            Ok(Some(format!("{} deleted", tg.name)))
        }
        NodeId::Api => {
            if let (Some(prior), Some(id)) = (j.prior.get("api"), j.id_of(NodeId::Api)) {
                if !owned(&j, n) {
                    let v: serde_json::Value = serde_json::from_str(prior).unwrap_or_default();
                    let list = |k: &str| -> Vec<String> {
                        v[k].as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let policy = v["policy"].as_str().map(str::to_string);
                    let (types, vpce) = (list("types"), list("vpce"));
                    settle(ctx, n, "restoring the adopted API", gone, || {
                        ctx.cloud.restore_api(id, &types, &vpce, policy.as_deref())
                    })
                    .await?;
                    return Ok(Some(format!("API {id} restored to its prior settings")));
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
                return Ok(None);
            }
            for id in &ids {
                settle(
                    ctx,
                    n,
                    "deleting the REST API (API Gateway allows 1 per 30 s)",
                    gone,
                    || ctx.cloud.delete_rest_api(id),
                )
                .await?;
            }
            Ok(Some(format!("REST API {} deleted", ids.join(", "))))
        }
        NodeId::PrivateZone => {
            let Some(id) = j.id_of(n).filter(|_| owned(&j, n)) else {
                return Ok(None);
            };
            settle(ctx, n, "deleting the private zone", gone, || {
                ctx.cloud.delete_hosted_zone(id)
            })
            .await?;
            Ok(Some(format!("private zone {id} deleted")))
        }
        NodeId::Endpoint => {
            if let Some(reused) = super::reuses_endpoint(plan) {
                let Some(sg) = j.data(n, "added-security-group").filter(|s| !s.is_empty()) else {
                    return Ok(None);
                };
                ctx.cloud
                    .remove_endpoint_security_groups(reused, &[sg.to_string()])
                    .await
                    .map_err(|e| fail(n, e))?;
                return Ok(Some(format!(
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
                return Ok(None);
            }
            for id in &ids {
                settle(ctx, n, "deleting the endpoint", gone, || {
                    ctx.cloud.delete_vpc_endpoint(id)
                })
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
            Ok(Some(format!("endpoint {} deleted", ids.join(", "))))
        }
        NodeId::NlbSg | NodeId::EndpointSg => {
            let name = if n == NodeId::NlbSg {
                review::nlb_sg_name(plan)
            } else {
                review::endpoint_sg_name(plan)
            };
            let Some(sg) = ctx
                .cloud
                .find_security_group(&plan.vpc_id, &name)
                .await
                .map_err(|e| fail(n, e))?
            else {
                return Ok(None);
            };
            if !sg
                .tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == plan.id)
            {
                return Ok(None);
            }
            // Network interfaces of a deleted NLB / endpoint linger for a while: DependencyViolation.
            settle(
                ctx,
                n,
                "deleting the security group (waiting for network interfaces to go)",
                gone,
                || ctx.cloud.delete_security_group(&sg.id),
            )
            .await?;
            Ok(Some(format!("security group {} deleted", sg.id)))
        }
        NodeId::VpcDns => {
            let Some(prior) = j.prior.get("vpc-dns") else {
                return Ok(None);
            };
            let mut it = prior.split(',').map(|v| v == "true");
            let (support, hostnames) = (it.next().unwrap_or(true), it.next().unwrap_or(true));
            // Hostnames off first: AWS refuses DNS support off while hostnames are on.
            if !hostnames {
                ctx.cloud
                    .set_vpc_dns(&plan.vpc_id, None, Some(false))
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            if !support {
                ctx.cloud
                    .set_vpc_dns(&plan.vpc_id, Some(false), None)
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            Ok(Some(format!(
                "DNS attributes of {} restored (support {support}, hostnames {hostnames})",
                plan.vpc_id
            )))
        }
        _ => Ok(None),
    }
}
