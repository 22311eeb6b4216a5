//! Route 53: the private hosted zone (created, or an existing one associated with the VPC) and
//! the A alias records of the name (public → the NLB, private → the endpoint), with the records
//! they replaced kept and put back by destroy.

use super::super::ctx::{
    cli, client_token, conflict, fail, next_token, once, owned, paced, poll, settle, AtNode,
};
use super::super::journal::{Key, Prior};
use super::super::{Ctx, EngineError, Journal, NodeId};
use super::skip;
use super::Removal::{self, Done};
use crate::cloud::cli as aws;
use crate::cloud::write::{AliasRecord, RecordAction};
use crate::cloud::{CloudError, CloudResult, ErrorKind};
use crate::domain::{RecordSet, TargetHealth};
use crate::plan::PrivateZoneChoice;

/// Whether the plan's own private zone is still there (an existing one is taken as there).
pub(super) async fn zone_still_there(ctx: &Ctx, id: &str) -> CloudResult<bool> {
    if ctx.plan.private_zone != PrivateZoneChoice::Create {
        return Ok(true);
    }
    match ctx.cloud.list_records(id, &ctx.plan.name).await {
        Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
        other => other.map(|_| true),
    }
}

/// Whether the zone still holds an alias of the name to the step's target.
pub(super) async fn record_still_there(ctx: &Ctx, j: &Journal, node: NodeId) -> CloudResult<bool> {
    let plan = &ctx.plan;
    let (zone, target) = if node == NodeId::PublicRecord {
        (plan.public_zone_id.clone(), j.data(NodeId::Nlb, Key::Dns))
    } else {
        (
            j.id_or_empty(NodeId::PrivateZone),
            j.data(NodeId::EndpointReady, Key::Dns),
        )
    };
    let target = target.unwrap_or_default().trim_end_matches('.').to_string();
    ctx.cloud.list_records(&zone, &plan.name).await.map(|r| {
        r.iter().any(|r| {
            r.alias_target
                .as_deref()
                .is_some_and(|t| t.trim_end_matches('.').eq_ignore_ascii_case(&target))
        })
    })
}

/// The private hosted zone of the name, associated with the VPC: created (with a caller
/// reference Route 53 has not seen), or an existing one associated.
pub(super) async fn create_zone(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::PrivateZone;
    let vpc = ctx.plan.vpc_id.clone();
    let region = ctx.plan.region.clone();
    match &ctx.plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => {
            cli(ctx, n, &aws::associate_vpc(zone_id, &vpc, &region));
            ctx.cloud
                .associate_vpc(zone_id, &vpc, &region)
                .await
                .at(n)?;
            ctx.write(n, |r| {
                r.id = Some(zone_id.clone());
                r.owned = false;
            })
            .await?;
            Ok(format!("{zone_id} (existing, associated with {vpc})"))
        }
        PrivateZoneChoice::Create => {
            // Route 53 never accepts a caller reference twice, not even after the zone was
            // deleted: `client_token` gives a new generation after a destroy, the same one on a
            // retry (lost answer).
            ctx.intend(n).await?;
            let params = format!("{}|{vpc}|{region}", ctx.plan.name);
            let mut reference = client_token(ctx, n, &params).await?;
            let say = |reference: &str| {
                cli(
                    ctx,
                    n,
                    &aws::create_private_zone(&ctx.plan.name, &vpc, &region, reference),
                )
            };
            say(&reference);
            let mut made = ctx
                .cloud
                .create_private_zone(&ctx.plan.name, &vpc, &region, &reference)
                .await;
            for _ in 0..3 {
                if !matches!(&made, Err(e) if e.code.as_deref() == Some("HostedZoneAlreadyExists"))
                {
                    break;
                }
                reference = next_token(
                    ctx,
                    n,
                    &reference,
                    "Route 53 remembers this caller reference from a zone deleted since",
                )
                .await?;
                say(&reference);
                made = ctx
                    .cloud
                    .create_private_zone(&ctx.plan.name, &vpc, &region, &reference)
                    .await;
            }
            let id = made.at(n)?;
            ctx.made_now(n);
            ctx.write(n, |r| {
                r.id = Some(id.clone());
                r.owned = true;
            })
            .await?;
            Ok(format!("{id} ({}, private, {vpc})", ctx.plan.name))
        }
    }
}

/// Where a record step points the plan's name: an alias in `zone` to `target` (the NLB's name for
/// the public record, the endpoint's regional name for the private one).
struct Alias {
    zone: String,
    target: String,
    target_zone: String,
    evaluate: bool,
}

impl Alias {
    fn of(ctx: &Ctx, snap: &Journal, public: bool) -> Self {
        if public {
            Self {
                zone: ctx.plan.public_zone_id.clone(),
                target: snap.data_or_empty(NodeId::Nlb, Key::Dns),
                target_zone: snap.data_or_empty(NodeId::Nlb, Key::Zone),
                evaluate: true,
            }
        } else {
            Self {
                zone: snap.id_or_empty(NodeId::PrivateZone),
                target: snap.data_or_empty(NodeId::EndpointReady, Key::Dns),
                target_zone: snap.data_or_empty(NodeId::EndpointReady, Key::DnsZone),
                evaluate: false,
            }
        }
    }
}

/// Point the plan's name at the NLB (public) or the endpoint (private) with an A alias,
/// replacing what the name had only when the plan says so (kept for destroy), and wait until
/// Route 53 has it in sync.
pub(super) async fn create_record(ctx: &Ctx, public: bool) -> Result<String, EngineError> {
    let n = if public {
        NodeId::PublicRecord
    } else {
        NodeId::PrivateRecord
    };
    let snap = ctx.snapshot().await;
    let alias = Alias::of(ctx, &snap, public);
    // Ours: an alias to today's target, or to the target this step wrote before (an endpoint or
    // NLB made again since points elsewhere: our own stale alias is updated, not "replaced").
    let before = snap
        .data(n, Key::AliasTarget)
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_string();
    let replaced = to_replace(ctx, n, &alias, &before).await?;
    // Replacing a record moves live traffic the moment it changes: only onto healthy targets.
    if public && !replaced.is_empty() && snap.data(NodeId::Targets, Key::Healthy) != Some("true") {
        wait_healthy(ctx, n, &snap, &replaced).await?;
    }
    let Alias { zone, target, .. } = &alias;
    let change = if replaced.is_empty() {
        let rec = AliasRecord {
            zone_id: zone.clone(),
            name: ctx.plan.name.clone(),
            target_dns_name: target.clone(),
            target_zone_id: alias.target_zone.clone(),
            evaluate_target_health: alias.evaluate,
        };
        cli(
            ctx,
            n,
            &aws::change_alias_record(RecordAction::Upsert, &rec),
        );
        paced(ctx, n, || {
            ctx.cloud.change_alias_record(RecordAction::Upsert, &rec)
        })
        .await?
    } else {
        replace(ctx, n, &alias, &replaced, &before).await?
    };
    ctx.write(n, |r| {
        r.id = Some(format!("{zone}/{}", ctx.plan.name));
        r.owned = true;
        r.set(Key::AliasTarget, target.clone());
        if let Some(c) = &change {
            r.set(Key::Change, c.clone());
        }
    })
    .await?;
    if let Some(c) = change {
        poll(
            ctx,
            n,
            "Route 53 change to be INSYNC",
            ctx.opts.dns_timeout,
            || async {
                let s = ctx.cloud.change_status(&c).await.at(n)?;
                Ok(s.eq_ignore_ascii_case("INSYNC").then_some(()))
            },
        )
        .await?;
    }
    Ok(format!("A {} → {target}", ctx.plan.name))
}

/// Whether `r` is the step's own alias: to `target`, or to `before` (what it wrote last time).
fn is_ours(r: &RecordSet, target: &str, before: &str) -> bool {
    r.record_type == "A"
        && r.alias_target.as_deref().is_some_and(|t| {
            let t = t.trim_end_matches('.');
            t.eq_ignore_ascii_case(target.trim_end_matches('.'))
                || (!before.is_empty() && t.eq_ignore_ascii_case(before))
        })
}

/// The records of the name the alias would replace; a conflict when there are any and the plan
/// does not replace records.
async fn to_replace(
    ctx: &Ctx,
    n: NodeId,
    alias: &Alias,
    before: &str,
) -> Result<Vec<RecordSet>, EngineError> {
    let zone = &alias.zone;
    // A private zone made by this run holds no record of the name until this step makes one.
    if n == NodeId::PrivateRecord && ctx.is_new(NodeId::PrivateZone) {
        return Ok(vec![]);
    }
    // A record replaced by explicit choice is kept for destroy to restore. Read it from the
    // account (not the inventory): the account is the truth, and a rerun must not take our own
    // alias (pointing at `target`) for the record it replaced (`set_prior` keeps the first one).
    let existing = ctx.cloud.list_records(zone, &ctx.plan.name).await.at(n)?;
    // Every record of the name an alias cannot live beside or would leave stale: a CNAME excludes
    // all other types; another A, or an AAAA (dual-stack clients would keep the old target).
    let replaced: Vec<RecordSet> = existing
        .iter()
        .filter(|r| {
            ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str())
                && !is_ours(r, &alias.target, before)
        })
        .cloned()
        .collect();
    if !replaced.is_empty() && !ctx.plan.replace_records {
        return Err(conflict(
            n,
            "route53:ChangeResourceRecordSets",
            format!(
                "{} {} already exists in zone {zone}: the plan does not replace records (plan again with replace)",
                replaced
                    .iter()
                    .map(|r| r.record_type.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                ctx.plan.name
            ),
        ));
    }
    Ok(replaced)
}

/// Wait for every target to be healthy before the name's traffic moves to the NLB; still
/// unhealthy when the wait ends, the step stops with the records untouched.
async fn wait_healthy(
    ctx: &Ctx,
    n: NodeId,
    snap: &Journal,
    replaced: &[RecordSet],
) -> Result<(), EngineError> {
    let tg = snap.id_or_empty(NodeId::TargetGroup);
    let what = "healthy targets before moving the name's traffic to the NLB";
    let all = |h: &[TargetHealth]| !h.is_empty() && h.iter().all(TargetHealth::is_healthy);
    match super::target_group::wait_healthy(ctx, n, what, &tg, all).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(conflict(
            n,
            "elasticloadbalancing:DescribeTargetHealth",
            format!(
                "the NLB's targets are not healthy yet, so {} still points where it did (its {} is untouched): run apply again once `fixedip-tui verify` shows healthy targets — it resumes here",
                ctx.plan.name,
                replaced.iter().map(|r| r.record_type.as_str()).collect::<Vec<_>>().join(" + ")
            ),
        )),
        Err(e) => Err(e),
    }
}

/// Replace `replaced` by the alias in one batch, all or none (what it replaced kept for destroy);
/// the Route 53 change to wait on, if the account says one.
async fn replace(
    ctx: &Ctx,
    n: NodeId,
    alias: &Alias,
    replaced: &[RecordSet],
    before: &str,
) -> Result<Option<String>, EngineError> {
    let zone = &alias.zone;
    // Kept for destroy to put back, exactly as read (the first run's: a rerun must not take
    // our own alias for what it replaced).
    if let Ok(text) = serde_json::to_string(replaced) {
        ctx.set_prior(Prior::Records(zone), text).await?;
    }
    // One batch, all or none: DELETE what is there exactly as read, then the alias.
    let record = RecordSet {
        zone_id: zone.clone(),
        name: ctx.plan.name.clone(),
        record_type: "A".into(),
        values: vec![],
        alias_target: Some(alias.target.clone()),
        alias_zone_id: Some(alias.target_zone.clone()),
        evaluate_target_health: alias.evaluate,
        ttl: None,
    };
    // UPSERT, not CREATE, for the alias: the same on AWS after the DELETEs, and moto (which
    // checks CREATE against the records before the batch) accepts it too.
    let mut batch: Vec<(RecordAction, RecordSet)> = replaced
        .iter()
        .map(|r| (RecordAction::Delete, r.clone()))
        .collect();
    batch.push((RecordAction::Upsert, record));
    cli(ctx, n, &aws::change_records(zone, &batch));
    // Sent again after a lost answer, the DELETEs would fail: the records tell.
    once(
        ctx,
        n,
        || ctx.cloud.change_records(zone, &batch),
        || async {
            let now = ctx.cloud.list_records(zone, &ctx.plan.name).await?;
            let done = now.iter().any(|r| is_ours(r, &alias.target, before))
                && !now.iter().any(|r| replaced.iter().any(|x| x == r));
            Ok(done.then_some(None))
        },
    )
    .await
}

/// Remove the plan's alias record of the name and put back, in the same batch, the records the
/// apply replaced (a list; one record in older journals).
pub(super) async fn remove_record(ctx: &Ctx, n: NodeId) -> Result<Removal, EngineError> {
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
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
    if !owned(&j, n) {
        return skip("not made by this plan: left as it is");
    }
    let priors = replaced_in(&j, n, &zone)?;
    if priors.is_empty() {
        let rec = AliasRecord {
            zone_id: zone.clone(),
            name: plan.name.clone(),
            target_dns_name: dns.to_string(),
            target_zone_id: dzone.to_string(),
            evaluate_target_health: public,
        };
        return delete_alias(ctx, n, &rec).await;
    }
    put_back(ctx, n, &zone, dns, &priors).await
}

/// What the plan replaced in `zone`, exactly as it was (a list; one record in older journals).
fn replaced_in(j: &Journal, n: NodeId, zone: &str) -> Result<Vec<RecordSet>, EngineError> {
    Ok(
        match (
            j.prior_of(Prior::Records(zone)),
            j.prior_of(Prior::Record(zone)),
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
        },
    )
}

/// Delete the alias (it replaced nothing); a zone that is gone took it with it.
async fn delete_alias(ctx: &Ctx, n: NodeId, rec: &AliasRecord) -> Result<Removal, EngineError> {
    let (zone, name) = (&rec.zone_id, &rec.name);
    cli(ctx, n, &aws::change_alias_record(RecordAction::Delete, rec));
    // A zone that is gone took its records with it.
    let change = match ctx
        .cloud
        .change_alias_record(RecordAction::Delete, rec)
        .await
    {
        Ok(c) => c,
        Err(e) if e.kind == ErrorKind::NotFound => None,
        Err(e) => return Err(fail(n, e)),
    };
    if change.is_none() {
        skip(format!("A {name} was already gone from {zone}"))
    } else {
        Ok(Done(format!("A {name} removed from {zone}")))
    }
}

/// One batch, as apply did: DELETE our alias (to `dns`) exactly as the account holds it, and put
/// back what it replaced (UPSERT: a CNAME may come back only with our A gone).
async fn put_back(
    ctx: &Ctx,
    n: NodeId,
    zone: &String,
    dns: &str,
    priors: &[RecordSet],
) -> Result<Removal, EngineError> {
    let plan = &ctx.plan;
    let current = match ctx.cloud.list_records(zone, &plan.name).await {
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
        &aws::change_records(zone, &batch),
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

/// Delete the private zone this plan created.
pub(super) async fn remove_zone(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::PrivateZone;
    let j = ctx.snapshot().await;
    let Some(id) = j.id_of(n).filter(|_| owned(&j, n)) else {
        return skip("the private zone is not this plan's: left as it is (its record is removed)");
    };
    let what = "deleting the private zone";
    let command = aws::delete_hosted_zone(id);
    settle(ctx, n, what, &command, || ctx.cloud.delete_hosted_zone(id)).await?;
    Ok(Done(format!("private zone {id} deleted")))
}
