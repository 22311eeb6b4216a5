//! Which NLBs are fixed-IP setups, and what each leads to: a pure function of what was read.

use std::collections::{BTreeMap, BTreeSet};

use super::{Origin, Setup};
use crate::domain::{
    Certificate, ElbInventory, HostedZone, InterfaceIp, ListenerState, NlbInfo, RecordSet, RestApi,
    TargetGroupState, TargetHealth, VpcEndpoint,
};
use crate::plan::names::TAG_PLAN_ID;
use crate::plan::validate::is_suffix_zone;

/// What the account answered, as `doctor` reads it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub region: String,
    pub elb: ElbInventory,
    /// Registered targets and their health, by target group ARN.
    pub health: BTreeMap<String, Vec<TargetHealth>>,
    /// The region's execute-api interface endpoints (not being deleted).
    pub endpoints: Vec<VpcEndpoint>,
    /// Each endpoint's network interfaces, by endpoint id.
    pub interfaces: BTreeMap<String, Vec<InterfaceIp>>,
    /// The AZ of each subnet an NLB uses.
    pub subnet_azs: BTreeMap<String, String>,
    pub apis: Vec<RestApi>,
    /// The listeners' certificates, by ARN.
    pub certificates: BTreeMap<String, Certificate>,
    /// Public and private zones (private ones with their VPCs).
    pub zones: Vec<HostedZone>,
    /// The public records of the certificates' names (those that point at an NLB are kept).
    pub records: Vec<RecordSet>,
    /// Endpoints whose IPs a plan of this tool pins.
    pub pinned_endpoints: BTreeSet<String>,
    /// Custom domain names mapped to an API bound to a setup's endpoint (lower-case): the names a
    /// wildcard certificate serves.
    pub custom_domains: Vec<String>,
}

/// The NLB's TLS/TCP listeners that forward to an `ip` target group, with that group.
pub fn candidates(elb: &ElbInventory) -> Vec<(&NlbInfo, &ListenerState, &TargetGroupState)> {
    let mut out = Vec::new();
    for nlb in &elb.load_balancers {
        if !nlb.lb.scheme.eq_ignore_ascii_case("internet-facing") {
            continue;
        }
        for l in &nlb.listeners {
            let Some(tg) = l
                .target_group_arn
                .as_deref()
                .and_then(|arn| elb.target_groups.iter().find(|t| t.arn == arn))
            else {
                continue;
            };
            if tg.target_type.eq_ignore_ascii_case("ip") {
                out.push((nlb, l, tg));
            }
        }
    }
    out
}

/// The execute-api endpoint of the NLB's VPC whose IPs the targets are; for a drifted group
/// (none of them), the VPC's only execute-api endpoint.
fn endpoint_of<'a>(facts: &'a Facts, vpc_id: &str, registered: &[&str]) -> Option<&'a VpcEndpoint> {
    let in_vpc: Vec<&VpcEndpoint> = facts
        .endpoints
        .iter()
        .filter(|e| e.vpc_id == vpc_id)
        .collect();
    let overlap = |e: &VpcEndpoint| {
        facts.interfaces.get(&e.id).map_or(0, |ips| {
            ips.iter()
                .filter(|i| registered.contains(&i.ip.as_str()))
                .count()
        })
    };
    let best = in_vpc.iter().copied().max_by_key(|e| overlap(e));
    match best {
        Some(e) if overlap(e) > 0 => Some(e),
        // A group with no target at all is not recognisably a setup (an NLB being built).
        _ if in_vpc.len() == 1 && !registered.is_empty() => Some(in_vpc[0]),
        _ => None,
    }
}

/// Names a record can have: wildcards dropped (they name no record), lower-case, without the
/// final dot, each once.
pub(super) fn record_names<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut names: Vec<String> = names
        .filter(|n| !n.starts_with('*'))
        .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The names a certificate is for (see `record_names`).
fn certificate_names(cert: &Certificate) -> Vec<String> {
    record_names(std::iter::once(&cert.domain).chain(cert.sans.iter()))
}

/// Whether a record sends its name to the NLB: an alias to its DNS name, a CNAME to it, or plain
/// A records of its addresses.
fn points_at(r: &RecordSet, lb: &crate::domain::LoadBalancerState) -> bool {
    let bare = |d: &str| {
        d.trim_end_matches('.')
            .trim_start_matches("dualstack.")
            .to_ascii_lowercase()
    };
    let dns = bare(&lb.dns_name);
    match (r.record_type.as_str(), &r.alias_target) {
        ("A" | "AAAA", Some(t)) => bare(t) == dns,
        ("CNAME", _) => r.values.iter().any(|v| bare(v) == dns),
        ("A", None) => !r.values.is_empty() && r.values.iter().all(|v| lb.addresses.contains(v)),
        _ => false,
    }
}

/// Every fixed-IP setup in `facts`, in the order of the NLBs.
pub fn setups(facts: &Facts) -> Vec<Setup> {
    let mut out = Vec::new();
    for (nlb, listener, tg) in candidates(&facts.elb) {
        let health = facts.health.get(&tg.arn).cloned().unwrap_or_default();
        let registered: Vec<&str> = health.iter().map(|t| t.ip.as_str()).collect();
        let Some(endpoint) = endpoint_of(facts, &nlb.lb.vpc_id, &registered) else {
            continue;
        };
        let certificate = listener
            .certificate_arns
            .first()
            .and_then(|arn| facts.certificates.get(arn))
            .cloned();
        let mut candidates = certificate
            .as_ref()
            .map(certificate_names)
            .unwrap_or_default();
        // Under a wildcard: the custom domains it covers.
        if let Some(cert) = &certificate {
            candidates.extend(
                facts
                    .custom_domains
                    .iter()
                    .filter(|d| cert.covers(d))
                    .cloned(),
            );
        }
        let public_records: Vec<RecordSet> = facts
            .records
            .iter()
            .filter(|r| candidates.iter().any(|n| n.eq_ignore_ascii_case(&r.name)))
            .filter(|r| points_at(r, &nlb.lb))
            .filter(|r| facts.zones.iter().any(|z| z.id == r.zone_id && !z.private))
            .cloned()
            .collect();
        let mut names: Vec<String> = public_records
            .iter()
            .map(|r| r.name.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        let private_zone = facts
            .zones
            .iter()
            .find(|z| {
                z.private
                    && z.vpcs.iter().any(|v| v.vpc_id == nlb.lb.vpc_id)
                    && names.iter().any(|n| is_suffix_zone(&z.name, n))
            })
            .cloned();
        let plan_id = crate::domain::tag_value(&nlb.lb.tags, TAG_PLAN_ID).map(str::to_string);
        out.push(Setup {
            origin: match plan_id {
                Some(plan_id) => Origin::FixedipTui { plan_id },
                None => Origin::Found,
            },
            nlb_azs: nlb
                .lb
                .subnet_ids
                .iter()
                .filter_map(|s| facts.subnet_azs.get(s).cloned())
                .collect(),
            nlb: nlb.lb.clone(),
            listener: listener.clone(),
            target_group: tg.clone(),
            health,
            endpoint_interfaces: facts
                .interfaces
                .get(&endpoint.id)
                .cloned()
                .unwrap_or_default(),
            pinned_endpoint_ips: facts.pinned_endpoints.contains(&endpoint.id),
            apis: facts
                .apis
                .iter()
                .filter(|a| a.vpc_endpoint_ids.contains(&endpoint.id))
                .cloned()
                .collect(),
            endpoint: Some(endpoint.clone()),
            certificate,
            names,
            public_records,
            private_zone,
        });
    }
    out
}
