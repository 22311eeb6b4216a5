//! The Elastic IPs of the NLB, one per subnet: the user's, or the plan's own (allocated and
//! tagged with the plan and the subnet, found again by a rerun). Destroy keeps the plan's own
//! (the partner allow-listed them) unless asked to release them.

use std::collections::BTreeMap;
use std::time::Duration;

use super::super::ctx::{cli, conflict, once, owned, settle_also, AtNode};
use super::super::journal::Key;
use super::super::{Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use super::skip;
use super::Removal::{self, Done};
use crate::cloud::cli as aws;
use crate::cloud::{CloudError, ErrorKind};
use crate::domain::{ElasticIp, Tag};
use crate::plan::names::{self, TAG_PLAN_ID};
use crate::plan::EipChoice;

/// Why destroy keeps the Elastic IPs (unless asked to release them): the one exception to
/// "destroy leaves nothing", the addresses the partner allow-listed stay with the account (and
/// the journal keeps them for a later apply). `None`: they are to be released.
pub(super) async fn kept(ctx: &Ctx) -> Option<String> {
    if ctx.opts.release_eips {
        return None;
    }
    let j = ctx.snapshot().await;
    Some(if owned(&j, NodeId::Eips) {
        crate::plan::cost::kept_eips(
            &j.list(NodeId::Eips, Key::Ips),
            0,
            &format!(
                "`{}` releases them",
                crate::plan::cost::release_eips_command(&ctx.opts.command_prefix, &ctx.plan.id)
            ),
        )
    } else {
        "no Elastic IP allocated by this plan".to_string()
    })
}

/// `subnet=alloc,…` (journal data of the Elastic IPs step) as a map.
pub(super) fn allocations_of(j: &Journal) -> BTreeMap<String, String> {
    j.data(NodeId::Eips, Key::Allocations)
        .unwrap_or_default()
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One Elastic IP per NLB subnet: the chosen existing ones, or new ones tagged with the plan and
/// the subnet (so a rerun, or an apply after a destroy that kept them, finds the same addresses).
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Eips;
    let subnets = ctx.plan.nlb_subnet_ids.clone();
    let (pairs, owned): (Vec<(String, ElasticIp)>, bool) = match &ctx.plan.eips {
        EipChoice::None => return Ok(String::new()),
        EipChoice::Existing { allocation_ids } => {
            (use_existing(ctx, allocation_ids, &subnets).await?, false)
        }
        EipChoice::New => (allocate(ctx, &subnets).await?, true),
    };
    let allocations: Vec<String> = pairs
        .iter()
        .map(|(s, e)| format!("{s}={}", e.allocation_id))
        .collect();
    let ips: Vec<String> = pairs.iter().map(|(_, e)| e.public_ip.clone()).collect();
    ctx.write(n, |r| {
        r.id = Some(
            pairs
                .iter()
                .map(|(_, e)| e.allocation_id.clone())
                .collect::<Vec<_>>()
                .join(","),
        );
        r.owned = owned;
        r.set(Key::Allocations, allocations.join(","));
        r.set(Key::Ips, ips.join(","));
    })
    .await?;
    Ok(format!(
        "{} ({})",
        ips.join(", "),
        if owned {
            "Elastic IPs of this plan, kept by destroy"
        } else {
            "your Elastic IPs"
        }
    ))
}

/// The user's Elastic IPs, one per subnet in order: each must exist, and be free or on this
/// plan's own NLB (a rerun).
async fn use_existing(
    ctx: &Ctx,
    allocation_ids: &[String],
    subnets: &[String],
) -> Result<Vec<(String, ElasticIp)>, EngineError> {
    let n = NodeId::Eips;
    if allocation_ids.len() != subnets.len() {
        return Err(conflict(
            n,
            "ec2:DescribeAddresses",
            format!(
                "{} Elastic IPs for {} NLB subnets: give one per subnet",
                allocation_ids.len(),
                subnets.len()
            ),
        ));
    }
    let found = ctx.cloud.describe_addresses(allocation_ids).await.at(n)?;
    let lb_name = ctx.plan.nlb_name();
    let mut pairs = Vec::new();
    for (subnet, alloc) in subnets.iter().zip(allocation_ids) {
        let Some(e) = found.iter().find(|e| &e.allocation_id == alloc) else {
            return Err(conflict(
                n,
                "ec2:DescribeAddresses",
                format!(
                    "the Elastic IP {alloc} does not exist in {}",
                    ctx.plan.region
                ),
            ));
        };
        pairs.push((subnet.clone(), e.clone()));
    }
    // An address already on this plan's NLB (a rerun) is fine; on anything else it is not.
    if let Some(busy) = pairs.iter().find(|(_, e)| e.in_use()) {
        let on_ours = ctx
            .cloud
            .find_load_balancer(&lb_name)
            .await
            .at(n)?
            .is_some_and(|lb| lb.addresses.contains(&busy.1.public_ip));
        if !on_ours {
            return Err(conflict(
                n,
                "ec2:DescribeAddresses",
                format!(
                    "the Elastic IP {} ({}) is associated with something else",
                    busy.1.allocation_id, busy.1.public_ip
                ),
            ));
        }
    }
    Ok(pairs)
}

/// The plan's own Elastic IPs, one per subnet: what an earlier run gave the subnet, else one of
/// the plan's found by its tags, else a new allocation; then the extras a lost answer left are
/// released.
async fn allocate(ctx: &Ctx, subnets: &[String]) -> Result<Vec<(String, ElasticIp)>, EngineError> {
    let n = NodeId::Eips;
    // What an earlier run gave each subnet (its NLB may already carry them).
    let journaled = allocations_of(&ctx.snapshot().await);
    let mut pairs: Vec<(String, ElasticIp)> = Vec::new();
    for subnet in subnets {
        // Read again before each allocation: an address whose answer was lost (and that
        // the client's retry then duplicated) carries the plan's tag and is used rather
        // than leaked. The subnet's own first, then any of the plan's still unused.
        let mine = ctx
            .cloud
            .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
            .await
            .at(n)?;
        let eip = match reusable(&mine, &pairs, &journaled, subnet, subnets) {
            Some(e) => e.clone(),
            None => allocate_one(ctx, subnet, &pairs).await?,
        };
        pairs.push((subnet.clone(), eip));
    }
    release_extras(ctx, &pairs, subnets).await?;
    Ok(pairs)
}

/// Which of the plan's addresses (`mine`) serves `subnet`, not yet given to another (`pairs`):
/// the one the journal gave it, else one tagged for it that is spare, else any free one no
/// subnet was given.
fn reusable<'a>(
    mine: &'a [ElasticIp],
    pairs: &[(String, ElasticIp)],
    journaled: &BTreeMap<String, String>,
    subnet: &String,
    subnets: &[String],
) -> Option<&'a ElasticIp> {
    let unused = |e: &&ElasticIp| {
        !pairs
            .iter()
            .any(|(_, p): &(String, ElasticIp)| p.allocation_id == e.allocation_id)
    };
    let for_subnet = |e: &&ElasticIp| {
        e.tags
            .iter()
            .any(|t| t.key == names::TAG_SUBNET && &t.value == subnet)
    };
    let spare = |e: &&ElasticIp| {
        // Free, or on this plan's own NLB (a rerun).
        !e.in_use()
            || !e
                .tags
                .iter()
                .any(|t| t.key == names::TAG_SUBNET && subnets.contains(&t.value))
    };
    mine.iter()
        .filter(unused)
        .find(|e| journaled.get(subnet) == Some(&e.allocation_id))
        .or_else(|| {
            mine.iter()
                .filter(unused)
                .filter(|e| !journaled.values().any(|a| a == &e.allocation_id))
                .find(|e| for_subnet(e) && spare(e))
        })
        .or_else(|| {
            mine.iter()
                .filter(unused)
                .filter(|e| !journaled.values().any(|a| a == &e.allocation_id))
                .find(|e| !e.in_use())
        })
}

/// Allocate `subnet`'s address, tagged with the plan and the subnet (a lost answer's address is
/// found by them), and journal it at once.
async fn allocate_one(
    ctx: &Ctx,
    subnet: &String,
    pairs: &[(String, ElasticIp)],
) -> Result<ElasticIp, EngineError> {
    let n = NodeId::Eips;
    ctx.intend(n).await?;
    let t: Vec<Tag> = names::eip_tags(&ctx.plan, subnet)
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect();
    cli(ctx, n, &aws::allocate_address(&t));
    let taken: Vec<String> = pairs.iter().map(|(_, p)| p.allocation_id.clone()).collect();
    let e = once(
        ctx,
        n,
        || ctx.cloud.allocate_address(&t),
        || async {
            // The address a lost answer made carries this subnet's tag.
            Ok(ctx
                .cloud
                .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                .await?
                .into_iter()
                .find(|e| {
                    !e.in_use()
                        && !taken.contains(&e.allocation_id)
                        && e.tags
                            .iter()
                            .any(|t| t.key == names::TAG_SUBNET && &t.value == subnet)
                }))
        },
    )
    .await?;
    // Journal each address as soon as it exists.
    let so_far: Vec<String> = pairs
        .iter()
        .map(|(s, p): &(String, ElasticIp)| format!("{s}={}", p.allocation_id))
        .chain(std::iter::once(format!("{subnet}={}", e.allocation_id)))
        .collect();
    ctx.write(n, |r| {
        r.owned = true;
        r.status = NodeStatus::Created;
        r.set(Key::Allocations, so_far.join(","));
    })
    .await?;
    Ok(e)
}

/// Addresses of this plan a lost answer left beside the chosen ones (free, never journaled):
/// released, or they would be billed until someone finds them.
async fn release_extras(
    ctx: &Ctx,
    pairs: &[(String, ElasticIp)],
    subnets: &[String],
) -> Result<(), EngineError> {
    let n = NodeId::Eips;
    let chosen: Vec<&str> = pairs
        .iter()
        .map(|(_, e)| e.allocation_id.as_str())
        .collect();
    let extras: Vec<ElasticIp> = ctx
        .cloud
        .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
        .await
        .at(n)?
        .into_iter()
        // Only a second address for a subnet that has its own: one tagged for a subnet
        // the plan no longer uses may be on a partner's allow-list, and stays.
        .filter(|e| {
            !e.in_use()
                && !chosen.contains(&e.allocation_id.as_str())
                && e.tags
                    .iter()
                    .any(|t| t.key == names::TAG_SUBNET && subnets.contains(&t.value))
        })
        .collect();
    for extra in &extras {
        ctx.emit(EngineEvent::Waiting {
            node: n,
            what: format!(
                "releasing {} ({}), an extra Elastic IP of this plan left by a lost answer",
                extra.public_ip, extra.allocation_id
            ),
        });
        cli(ctx, n, &aws::release_address(&extra.allocation_id));
        ctx.cloud
            .release_address(&extra.allocation_id)
            .await
            .at(n)?;
    }
    Ok(())
}

/// Release the Elastic IPs this plan allocated, once the deleted NLB's interfaces let them go.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::Eips;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    // Only what this plan allocated: chosen existing addresses are the user's.
    let mut allocs: Vec<String> = match j.record(NodeId::Eips) {
        Some(r) if r.owned && r.status != NodeStatus::Removed => r
            .get(Key::Allocations)
            .map(|a| {
                a.split(',')
                    .filter_map(|kv| kv.split_once('=').map(|(_, v)| v.to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        Some(_) => {
            return skip(
                "not allocated by this plan (yours, or released already): left as they are",
            )
        }
        None => vec![],
    };
    if allocs.is_empty() && !matches!(plan.eips, crate::plan::EipChoice::Existing { .. }) {
        // No journal (another machine): the plan's tag finds them.
        allocs = ctx
            .cloud
            .find_addresses_by_tag(TAG_PLAN_ID, &plan.id)
            .await
            .at(n)?
            .into_iter()
            .map(|e| e.allocation_id)
            .collect();
    }
    if allocs.is_empty() {
        return skip("no Elastic IP allocated by this plan");
    }
    let left = wait_until_free(ctx, &allocs).await?;
    for a in &allocs {
        settle_also(
            ctx,
            n,
            "releasing the Elastic IP (free once the NLB's interfaces are gone)",
            &aws::release_address(a),
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

/// Wait (within the endpoint timeout) until no address of `allocs` is held any more; returns
/// how long the releases still have.
async fn wait_until_free(ctx: &Ctx, allocs: &[String]) -> Result<Duration, EngineError> {
    let n = NodeId::Eips;
    let gone = ctx.opts.endpoint_timeout;
    // The deleted NLB's network interfaces hold the addresses for a few minutes; until
    // they let go, ReleaseAddress answers `AuthFailure` (not `InvalidIPAddress.InUse`).
    // Wait for DescribeAddresses to show no association, then release, still taking
    // `AuthFailure` for "not yet" within the same bound.
    let start = tokio::time::Instant::now();
    let mut wait = ctx.opts.poll_first;
    loop {
        let held: Vec<String> = ctx
            .cloud
            .describe_addresses(allocs)
            .await
            .at(n)?
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
    Ok(gone.saturating_sub(start.elapsed()).max(ctx.opts.poll_max))
}
