//! `validate(&Plan, &Inventory)`: pure; every trap of the SPEC and the AWS limits the wizard knows.
//! Errors block the apply; warnings need acknowledging (their codes in `Plan::acknowledged`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde::Serialize;

use super::{ApiChoice, EndpointChoice, Plan, PrivateZoneChoice, Step};
use crate::discovery::Inventory;
use crate::domain::{CertStatus, HostedZone, Subnet};
use Severity::{Error as E, Info as I, Warning as W};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the apply.
    Error,
    /// Needs acknowledging.
    Warning,
    /// Worth knowing; nothing to do.
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub step: Step,
    /// Stable identifier of the rule (also what acknowledging records).
    pub code: &'static str,
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl Finding {
    fn new(
        severity: Severity,
        step: Step,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            step,
            code,
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// A free address of the subnet to suggest for a pinned endpoint IP: the first after the four AWS
/// reserves that no interface uses (needs the subnet's used IPs read).
pub fn suggest_free_ip(inv: &Inventory, subnet_id: &str) -> Option<String> {
    if !inv.used_ips_read.iter().any(|s| s == subnet_id) {
        return None;
    }
    let net: ipnet::Ipv4Net = inv
        .subnets
        .iter()
        .find(|s| s.id == subnet_id)?
        .cidr
        .parse()
        .ok()?;
    let first = u32::from(net.network()) + 4;
    let last = u32::from(net.broadcast()).checked_sub(1)?;
    (first..=last)
        .map(|n| Ipv4Addr::from(n).to_string())
        .find(|ip| !inv.used_ips.iter().any(|u| &u.ip == ip))
}

/// Minimum free addresses in each NLB subnet (AWS requirement).
pub const NLB_MIN_FREE_IPS: u32 = 8;
/// AWS limit on NLB and target group names.
pub const ELB_NAME_MAX: usize = 32;
/// A certificate expiring within this many days is flagged.
pub const CERT_EXPIRY_WARNING_DAYS: i64 = 30;

/// Is `name` a valid DNS name for a custom domain (LDH labels, ≤ 63 each, ≤ 253 in all, ≥ 2 labels)?
pub fn check_dns_name(name: &str) -> Result<(), String> {
    let name = name.trim_end_matches('.');
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.len() > 253 {
        return Err(format!(
            "the name is {} characters long; DNS allows 253",
            name.len()
        ));
    }
    if name.starts_with("*.") || name.contains('*') {
        return Err(
            "a wildcard cannot be a custom domain for this setup: give the exact name".into(),
        );
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err("give a fully qualified name such as api.example.com".into());
    }
    for l in &labels {
        if l.is_empty() {
            return Err("the name has an empty label (two dots in a row?)".into());
        }
        if l.len() > 63 {
            return Err(format!(
                "the label `{l}` is {} characters; DNS allows 63",
                l.len()
            ));
        }
        if !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!(
                "the label `{l}` may hold only letters, digits and hyphens (use punycode for IDNs)"
            ));
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Err(format!("the label `{l}` cannot start or end with a hyphen"));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("the last label cannot be all digits".into());
    }
    Ok(())
}

/// Parse an IPv4 CIDR for the caller allow-list; IPv6 is refused with the reason.
pub fn check_caller_cidr(text: &str) -> Result<ipnet::Ipv4Net, String> {
    let t = text.trim();
    if t.contains(':') {
        return Err(format!(
            "`{t}` is IPv6: the NLB is IPv4-only here, so give the partner's IPv4 egress ranges"
        ));
    }
    let net: ipnet::Ipv4Net = if t.contains('/') {
        t.parse()
            .map_err(|_| format!("`{t}` is not an IPv4 CIDR such as 203.0.113.0/24"))?
    } else {
        let ip: Ipv4Addr = t
            .parse()
            .map_err(|_| format!("`{t}` is not an IPv4 address or CIDR"))?;
        ipnet::Ipv4Net::new(ip, 32).map_err(|e| e.to_string())?
    };
    Ok(net)
}

/// A plausible API Gateway stage name.
pub fn check_stage(stage: &str) -> Result<(), String> {
    if stage.is_empty() {
        return Err("the stage name is empty".into());
    }
    if stage.len() > 128 {
        return Err("a stage name has at most 128 characters".into());
    }
    if !stage
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "`{stage}`: a stage name may hold only letters, digits, _ and -"
        ));
    }
    Ok(())
}

/// A base path for the API mapping (empty = the root).
pub fn check_base_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Ok(());
    }
    // The v1 CreateBasePathMapping refuses `/`: "API Gateway V1 doesn't support the slash
    // character (/) in base path mappings. To create a multi-level base path mapping, use API
    // Gateway V2." (BadRequestException; hashicorp/terraform-provider-aws#21986). Multi-level
    // paths exist only as v2 API mappings, which this tool does not create.
    if path.contains('/') {
        return Err(format!(
            "`{path}`: a base path is one segment without `/` (API Gateway's REST API mappings \
             refuse multi-level paths); use e.g. `{}` and route the rest inside the API",
            path.trim_matches('/').split('/').next().unwrap_or("v1")
        ));
    }
    if !path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    {
        return Err(format!(
            "`{path}`: a base path may hold letters, digits and - . _ ~"
        ));
    }
    Ok(())
}

fn region_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(3)
}

/// Is the zone `zone` a suffix of the DNS name `name` (or the name itself)? Case and a trailing
/// dot do not matter. The one such test (in `domain`: discovery uses it too): validation, the
/// wizard, `--plain` and flags use it.
pub use crate::domain::zone_covers as is_suffix_zone;

/// The longest public zone that is a suffix of `name` (the wizard's automatic pick).
pub fn best_public_zone<'a>(inv: &'a Inventory, name: &str) -> Option<&'a HostedZone> {
    inv.hosted_zones
        .iter()
        .filter(|z| !z.private && is_suffix_zone(&z.name, name))
        .max_by_key(|z| z.name.len())
}

fn subnet<'a>(inv: &'a Inventory, id: &str) -> Option<&'a Subnet> {
    inv.subnets.iter().find(|s| s.id == id)
}

/// What an earlier apply of this same plan created (from its journal), so re-validating the plan
/// for a resume does not take its own resources for conflicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owned {
    pub endpoint_ids: Vec<String>,
    pub private_zone_ids: Vec<String>,
    /// Alias targets this plan wrote (NLB DNS name, endpoint DNS name).
    pub alias_targets: Vec<String>,
    /// Elastic IPs this plan uses (on its own NLB after an apply: not "in use by another").
    pub eip_ids: Vec<String>,
}

/// Every finding for `plan` against what discovery saw.
pub fn validate(plan: &Plan, inv: &Inventory) -> Vec<Finding> {
    validate_owned(plan, inv, &Owned::default())
}

/// `validate`, knowing what the plan itself already created (resume).
pub fn validate_owned(plan: &Plan, inv: &Inventory, owned: &Owned) -> Vec<Finding> {
    run_checks(plan, inv, owned, &[PLACEMENT, THE_REST])
}

/// Only the checks of where the setup goes — the VPC, the endpoint's and the NLB's subnets and
/// IPs (`PLACEMENT`): the findings of those steps, as `validate` gives them, without judging the
/// name, certificate, API, callers and zones (what the recommended VPC needs, for every VPC).
pub fn validate_placement(plan: &Plan, inv: &Inventory) -> Vec<Finding> {
    run_checks(plan, inv, &Owned::default(), &[PLACEMENT])
}

/// Run the groups of checks, in order: the findings of one step and one severity keep it.
fn run_checks(
    plan: &Plan,
    inv: &Inventory,
    owned: &Owned,
    groups: &[&[fn(&mut Check<'_>)]],
) -> Vec<Finding> {
    let mut cx = Check {
        plan,
        inv,
        owned,
        findings: Vec::new(),
        endpoint_azs: BTreeSet::new(),
        nlb_azs: BTreeMap::new(),
        name_ok: false,
    };
    for check in groups.iter().copied().flatten() {
        check(&mut cx);
    }
    let mut f = cx.findings;
    f.sort_by(|a, b| a.step.cmp(&b.step).then(a.severity.cmp(&b.severity)));
    f
}

/// The checks of where the setup goes (the VPC, endpoint and NLB steps), run first.
const PLACEMENT: &[fn(&mut Check<'_>)] = &[
    vpc,
    endpoint_subnets,
    pinned_endpoint_ips,
    nlb_subnets,
    adopted_nlb,
    adopted_target_group,
    elastic_ips,
    nlb_azs_match,
];

/// The other checks, after `PLACEMENT`: the name, certificate, API, callers, zones and limits.
const THE_REST: &[fn(&mut Check<'_>)] = &[
    name,
    certificate,
    api,
    stage_and_base_path,
    callers,
    vpc_callers,
    public_zone,
    private_zone,
    existing_records,
    names_and_limits,
];

/// What the checks share: the plan, the account, what the plan created itself, the findings so far
/// and what one check learns for a later one.
struct Check<'a> {
    plan: &'a Plan,
    inv: &'a Inventory,
    owned: &'a Owned,
    findings: Vec<Finding>,
    /// The endpoint's AZs (`endpoint_subnets`), which the NLB's must equal (`nlb_azs_match`).
    endpoint_azs: BTreeSet<String>,
    /// The NLB subnets by AZ (`nlb_subnets`).
    nlb_azs: BTreeMap<String, Vec<&'a str>>,
    /// The name is a valid DNS name (`name`), so the certificate is matched against it.
    name_ok: bool,
}

impl Check<'_> {
    fn push(
        &mut self,
        severity: Severity,
        step: Step,
        code: &'static str,
        message: String,
        fix: String,
    ) {
        self.findings
            .push(Finding::new(severity, step, code, message, fix));
    }
}

/// Whether `tags` say the resource is this plan's.
fn ours(plan: &Plan, tags: &[crate::domain::Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == super::names::TAG_PLAN_ID && t.value == plan.id)
}

/// The VPC exists, its DNS attributes (or turning them on), its internet gateway.
fn vpc(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let vpc = inv.vpcs.iter().find(|v| v.id == plan.vpc_id);
    match vpc {
        None => cx.push(
            E,
            Step::Vpc,
            "vpc-missing",
            format!("VPC {} does not exist in {}", plan.vpc_id, inv.region),
            format!(
                "pick one of: {}",
                inv.vpcs
                    .iter()
                    .map(|v| v.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Some(v) => {
            let off = v.dns_off();
            if !off.is_empty() {
                if plan.enable_vpc_dns {
                    cx.push(
                        W,
                        Step::Vpc,
                        "vpc-dns-will-change",
                        format!(
                            "{} of {} will be turned on (private DNS on the endpoint needs them)",
                            off.join(" and "),
                            v.id
                        ),
                        "acknowledge, or pick a VPC that has them on".into(),
                    );
                } else {
                    cx.push(E, Step::Vpc, "vpc-dns-off",
                        format!("{} is off in {}: the endpoint's private DNS needs it", off.join(" and "), v.id),
                        "choose \"turn it on during apply\" (--enable-vpc-dns), or pick another VPC".into());
                }
            }
            let has_igw = inv.route_tables.iter().any(|t| {
                t.vpc_id == v.id
                    && t.routes.iter().any(|r| {
                        r.destination == "0.0.0.0/0"
                            && r.target.starts_with("igw-")
                            && r.state.eq_ignore_ascii_case("active")
                    })
            });
            if !has_igw && !inv.route_tables.is_empty() {
                cx.push(E, Step::Vpc, "vpc-no-internet-gateway",
                    format!("{} has no route to an internet gateway: an internet-facing NLB cannot work there", v.id),
                    "attach an internet gateway and route 0.0.0.0/0 to it from the public subnets, or pick another VPC".into());
            }
        }
    }
}

/// The endpoint: the subnets of a new one, or the one reused.
fn endpoint_subnets(cx: &mut Check<'_>) {
    match &cx.plan.endpoint {
        EndpointChoice::Create {
            subnet_ids,
            allow_public_subnets,
        } => new_endpoint(cx, subnet_ids, *allow_public_subnets),
        EndpointChoice::Reuse { vpc_endpoint_id } => reused_endpoint(cx, vpc_endpoint_id),
    }
}

/// A new endpoint: no other with private DNS in the VPC, one private subnet with room per AZ, two
/// AZs or more.
fn new_endpoint(cx: &mut Check<'_>, subnet_ids: &[String], allow_public_subnets: bool) {
    let (plan, inv, owned) = (cx.plan, cx.inv, cx.owned);
    let existing_private_dns_ep = inv
        .endpoints_in(&plan.vpc_id)
        .filter(|e| !ours(plan, &e.tags) && !owned.endpoint_ids.contains(&e.id))
        .find(|e| e.private_dns)
        .map(|e| e.id.clone());
    if let Some(ep) = &existing_private_dns_ep {
        cx.push(E, Step::EndpointSubnets, "endpoint-private-dns-conflict",
            format!("{} already has execute-api endpoint {ep} with private DNS: a second one is rejected (\"conflicting DNS domain\")", plan.vpc_id),
            format!("reuse {ep} (--reuse-endpoint {ep})"));
    }
    let mut per_az: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for id in subnet_ids {
        new_endpoint_subnet(cx, id, allow_public_subnets, &mut per_az);
    }
    for (az, ids) in &per_az {
        if ids.len() > 1 {
            cx.push(
                E,
                Step::EndpointSubnets,
                "endpoint-subnets-same-az",
                format!(
                    "{} are all in {az}: an endpoint takes one subnet per AZ",
                    ids.join(", ")
                ),
                format!("keep one subnet in {az}"),
            );
        }
    }
    if per_az.len() < 2 {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-too-few-azs",
            format!(
                "the endpoint spans {} AZ: two or more keep the API up when an AZ fails",
                per_az.len()
            ),
            "pick private subnets in at least two AZs".into(),
        );
    }
    cx.endpoint_azs = per_az.into_keys().collect();
    cx.push(I, Step::EndpointSubnets, "private-dns-side-effect",
        format!("with private DNS on the endpoint, every public API Gateway default hostname (*.execute-api.{}.amazonaws.com) resolves privately inside {}: calls from this VPC to other public/regional APIs by their default URL get 403", inv.region, plan.vpc_id),
        "call other APIs from this VPC through custom domains (A-alias records), not default URLs".into());
}

/// One subnet of a new endpoint: exists, in the VPC, private (or explicitly allowed), has room.
fn new_endpoint_subnet<'a>(
    cx: &mut Check<'a>,
    id: &str,
    allow_public_subnets: bool,
    per_az: &mut BTreeMap<String, Vec<&'a str>>,
) {
    let (plan, inv) = (cx.plan, cx.inv);
    match subnet(inv, id) {
        None => cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-subnet-missing",
            format!("subnet {id} does not exist"),
            "pick the endpoint subnets again".into(),
        ),
        Some(s) if s.vpc_id != plan.vpc_id => cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-subnet-other-vpc",
            format!("subnet {id} is in {}, not in {}", s.vpc_id, plan.vpc_id),
            "pick subnets of the chosen VPC".into(),
        ),
        Some(s) => {
            per_az.entry(s.az.clone()).or_default().push(&s.id);
            if s.reach.as_ref().is_some_and(|r| r.public) {
                if allow_public_subnets {
                    cx.push(
                        W,
                        Step::EndpointSubnets,
                        "endpoint-subnet-public-override",
                        format!(
                            "{id} is public ({}); the endpoint will sit in it by your choice",
                            s.reach.as_ref().map(|r| r.reason.as_str()).unwrap_or("")
                        ),
                        "acknowledge, or pick private subnets".into(),
                    );
                } else {
                    cx.push(
                        E,
                        Step::EndpointSubnets,
                        "endpoint-subnet-public",
                        format!("{id} is public: the endpoint belongs in private subnets"),
                        "pick private subnets, or explicitly override".into(),
                    );
                }
            }
            if s.free_ips == 0 {
                cx.push(
                    E,
                    Step::EndpointSubnets,
                    "endpoint-subnet-full",
                    format!("{id} has no free IP address for the endpoint's network interface"),
                    "pick another subnet in that AZ".into(),
                );
            }
        }
    }
}

/// A reused endpoint: exists, in the VPC, available, with private DNS, in two AZs or more.
fn reused_endpoint(cx: &mut Check<'_>, vpc_endpoint_id: &str) {
    let (plan, inv) = (cx.plan, cx.inv);
    match inv.vpc_endpoints.iter().find(|e| e.id == vpc_endpoint_id) {
        None => cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-missing",
            format!("execute-api endpoint {vpc_endpoint_id} does not exist"),
            "pick the endpoint again, or create one".into(),
        ),
        Some(e) if e.vpc_id != plan.vpc_id => cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-other-vpc",
            format!(
                "endpoint {vpc_endpoint_id} is in {}, not in {}",
                e.vpc_id, plan.vpc_id
            ),
            "reuse an endpoint of the chosen VPC".into(),
        ),
        Some(e) => {
            let endpoint_azs: BTreeSet<String> = e
                .subnet_ids
                .iter()
                .filter_map(|id| subnet(inv, id))
                .map(|s| s.az.clone())
                .collect();
            if !e.is_available() {
                cx.push(
                    W,
                    Step::EndpointSubnets,
                    "endpoint-not-available",
                    format!("endpoint {} is {}, not available", e.id, e.state),
                    "the apply waits for it; acknowledge".into(),
                );
            }
            if !e.private_dns {
                cx.push(W, Step::EndpointSubnets, "endpoint-private-dns-off",
                format!("endpoint {} has private DNS off: inside the VPC the name will still resolve through the private zone", e.id),
                "acknowledge".into());
            }
            if endpoint_azs.len() < 2 {
                cx.push(
                    W,
                    Step::EndpointSubnets,
                    "endpoint-too-few-azs",
                    format!("endpoint {} spans {} AZ", e.id, endpoint_azs.len()),
                    "add a subnet in another AZ to the endpoint for AZ fault tolerance".into(),
                );
            }
            cx.endpoint_azs = endpoint_azs;
        }
    }
}

/// The endpoint's pinned IPs: in its subnets, free, not reserved, in all of them or none.
fn pinned_endpoint_ips(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    if !plan.endpoint_ips.is_empty() {
        match &plan.endpoint {
            EndpointChoice::Reuse { vpc_endpoint_id } => cx.push(
                E,
                Step::EndpointSubnets,
                "endpoint-ip-reuse",
                format!("IPs are pinned but the plan reuses {vpc_endpoint_id}, whose IPs are already set"),
                "drop the pinned IPs (--endpoint-ip), or create the endpoint".into(),
            ),
            EndpointChoice::Create { subnet_ids, .. } => {
                let mut seen: BTreeSet<&str> = BTreeSet::new();
                for (sid, ip) in &plan.endpoint_ips {
                    pinned_ip(cx, subnet_ids, sid, ip, &mut seen);
                }
                // EC2 takes SubnetConfigurations for every subnet of the endpoint or none.
                let unpinned: Vec<&str> = subnet_ids
                    .iter()
                    .filter(|s| !plan.endpoint_ips.contains_key(*s))
                    .map(String::as_str)
                    .collect();
                if !unpinned.is_empty() {
                    cx.push(
                        E,
                        Step::EndpointSubnets,
                        "endpoint-ip-partial",
                        format!(
                            "IPs are pinned in some of the endpoint's subnets but not in {}",
                            unpinned.join(", ")
                        ),
                        format!(
                            "pin an IP in every endpoint subnet (--endpoint-ip {}=IP{}), or in none",
                            unpinned[0],
                            suggest_free_ip(inv, unpinned[0])
                                .map(|f| format!(", e.g. {f}"))
                                .unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
}

/// One pinned IP: in one of the endpoint's subnets, an IPv4 address given once, inside the subnet,
/// not reserved by AWS, not used by another interface.
fn pinned_ip<'a>(
    cx: &mut Check<'a>,
    subnet_ids: &[String],
    sid: &str,
    ip: &'a str,
    seen: &mut BTreeSet<&'a str>,
) {
    let (plan, inv, owned) = (cx.plan, cx.inv, cx.owned);
    if !subnet_ids.iter().any(|s| s == sid) {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-subnet",
            format!("{ip} is pinned in {sid}, which is not one of the endpoint's subnets"),
            format!("pin IPs only in {}", subnet_ids.join(", ")),
        );
        return;
    }
    let Ok(addr) = ip.parse::<Ipv4Addr>() else {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-syntax",
            format!("{ip} (pinned in {sid}) is not an IPv4 address"),
            "write it as four numbers, e.g. 10.0.1.10".into(),
        );
        return;
    };
    if !seen.insert(ip) {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-duplicate",
            format!("{ip} is pinned twice"),
            "give each subnet its own IP".into(),
        );
    }
    let Some(net) = subnet(inv, sid).and_then(|s| s.cidr.parse::<ipnet::Ipv4Net>().ok()) else {
        return;
    };
    if !net.contains(&addr) {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-outside",
            format!("{ip} is outside {sid} ({net})"),
            format!("pick an address inside {net}"),
        );
        return;
    }
    let off = u32::from(addr) - u32::from(net.network());
    let last = u32::from(net.broadcast()) - u32::from(net.network());
    if off < 4 || off == last {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-reserved",
            format!("{ip} is reserved by AWS in {net} (the first four addresses and the last one)"),
            format!(
                "pick one from {} to {}",
                Ipv4Addr::from(u32::from(net.network()) + 4),
                Ipv4Addr::from(u32::from(net.broadcast()) - 1)
            ),
        );
        return;
    }
    let own_endpoint = |eni: &str| {
        inv.vpc_endpoints.iter().any(|e| {
            (ours(plan, &e.tags) || owned.endpoint_ids.contains(&e.id))
                && e.network_interface_ids.iter().any(|n| n == eni)
        })
    };
    if let Some(used) = inv
        .used_ips
        .iter()
        .find(|u| u.ip == ip && !own_endpoint(&u.eni_id))
    {
        cx.push(
            E,
            Step::EndpointSubnets,
            "endpoint-ip-taken",
            format!("{ip} is in use in {sid} by {}", used.eni_id),
            format!(
                "pick a free address{}",
                suggest_free_ip(inv, sid)
                    .map(|f| format!(", e.g. {f}"))
                    .unwrap_or_default()
            ),
        );
    } else if !inv.used_ips_read.iter().any(|s| s == sid) {
        cx.push(
            I,
            Step::EndpointSubnets,
            "endpoint-ip-unchecked",
            format!("whether {ip} is free in {sid} was not checked"),
            "the apply fails cleanly if it is taken".into(),
        );
    }
}

/// The NLB subnets: in the VPC, public, one per AZ, with room.
fn nlb_subnets(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let in_vpc = |s: &Subnet| s.vpc_id == plan.vpc_id;
    let mut nlb_azs: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for id in &plan.nlb_subnet_ids {
        match subnet(inv, id) {
            None => cx.push(
                E,
                Step::NlbSubnets,
                "nlb-subnet-missing",
                format!("subnet {id} does not exist"),
                "pick the NLB subnets again".into(),
            ),
            Some(s) if !in_vpc(s) => cx.push(
                E,
                Step::NlbSubnets,
                "nlb-subnet-other-vpc",
                format!("subnet {id} is in {}, not in {}", s.vpc_id, plan.vpc_id),
                "pick subnets of the chosen VPC".into(),
            ),
            Some(s) => {
                nlb_azs.entry(s.az.clone()).or_default().push(&s.id);
                match &s.reach {
                    Some(r) if r.public => {}
                    Some(r) => cx.push(E, Step::NlbSubnets, "nlb-subnet-private",
                        format!("{id} is not public ({}): an internet-facing NLB needs a route to an internet gateway", r.reason),
                        "pick a public subnet in that AZ".into()),
                    None => cx.push(W, Step::NlbSubnets, "nlb-subnet-unknown",
                        format!("{id}: its route table is not visible, so whether it is public is unknown"),
                        "check its route table has 0.0.0.0/0 → igw-…, then acknowledge".into()),
                }
                if s.free_ips < NLB_MIN_FREE_IPS {
                    cx.push(
                        E,
                        Step::NlbSubnets,
                        "nlb-subnet-free-ips",
                        format!(
                            "{id} has {} free IPs; an NLB subnet needs at least {NLB_MIN_FREE_IPS}",
                            s.free_ips
                        ),
                        "pick another public subnet in that AZ".into(),
                    );
                }
            }
        }
    }
    for (az, ids) in &nlb_azs {
        if ids.len() > 1 {
            cx.push(
                E,
                Step::NlbSubnets,
                "nlb-subnets-same-az",
                format!(
                    "{} are all in {az}: an NLB takes one subnet per AZ",
                    ids.join(", ")
                ),
                format!("keep one subnet in {az}"),
            );
        }
    }
    cx.nlb_azs = nlb_azs;
}

/// An adopted NLB: internet-facing, in the VPC, on the same subnets, its caller groups, listener.
fn adopted_nlb(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    if let Some(arn) = &plan.adopt_nlb {
        match inv.load_balancers.iter().find(|l| &l.lb.arn == arn) {
            None => cx.push(
                E,
                Step::NlbSubnets,
                "nlb-adopt-missing",
                format!("the NLB to adopt ({arn}) does not exist in {}", inv.region),
                "plan again with an existing network load balancer, or create one".into(),
            ),
            Some(l) => {
                let lb = &l.lb;
                if !lb.scheme.eq_ignore_ascii_case("internet-facing") {
                    cx.push(
                        E,
                        Step::NlbSubnets,
                        "nlb-adopt-scheme",
                        format!(
                            "{} is {}, not internet-facing: partners could not reach it",
                            lb.name, lb.scheme
                        ),
                        "adopt an internet-facing NLB, or let the plan create one".into(),
                    );
                }
                if lb.vpc_id != plan.vpc_id {
                    cx.push(
                        E,
                        Step::NlbSubnets,
                        "nlb-adopt-other-vpc",
                        format!("{} is in {}, not in {}", lb.name, lb.vpc_id, plan.vpc_id),
                        "adopt an NLB of the plan's VPC".into(),
                    );
                }
                let mut mine: Vec<&String> = plan.nlb_subnet_ids.iter().collect();
                let mut theirs: Vec<&String> = lb.subnet_ids.iter().collect();
                mine.sort();
                theirs.sort();
                if mine != theirs {
                    cx.push(
                        E,
                        Step::NlbSubnets,
                        "nlb-adopt-subnets",
                        format!(
                            "the plan's NLB subnets are not {}'s ({})",
                            lb.name,
                            lb.subnet_ids.join(", ")
                        ),
                        "an adopted NLB keeps its subnets: plan with exactly them".into(),
                    );
                }
                if !plan.allow_cidrs.is_empty() {
                    let (msg, fix) = if lb.security_group_ids.is_empty() {
                        (
                            format!("{} has no security group and can never get one (fixed at creation): the caller list cannot be applied", lb.name),
                            "let the plan create a new NLB (it has one), or accept the whole internet (no --allow-cidr)".to_string(),
                        )
                    } else {
                        (
                            format!("{}'s own security groups ({}) decide who can reach it: this plan does not manage them", lb.name, lb.security_group_ids.join(", ")),
                            "set the caller rules on those groups yourself and drop the plan's caller list, or let the plan create a new NLB".to_string(),
                        )
                    };
                    cx.push(E, Step::Callers, "nlb-adopt-callers", msg, fix);
                }
                if plan.eips.is_elastic() {
                    cx.push(E, Step::NlbSubnets, "nlb-adopt-eips",
                        format!("{} keeps the addresses it was created with{}: Elastic IPs cannot be added to an existing NLB",
                            lb.name,
                            if lb.eip_allocations.is_empty() { " (NLB-assigned)" } else { " (its own Elastic IPs)" }),
                        "choose --eip none to adopt it as it is, or let the plan create a new NLB with Elastic IPs".into());
                }
                let port = plan.settings.listener_port;
                if let Some(listener) = l.listeners.iter().find(|x| x.port == port) {
                    if !listener.protocol.eq_ignore_ascii_case("TLS") {
                        cx.push(
                            E,
                            Step::NlbSubnets,
                            "nlb-adopt-listener",
                            format!(
                                "{} already listens on {port} with {}, not TLS",
                                lb.name, listener.protocol
                            ),
                            "free that port on the NLB, or let the plan create a new NLB".into(),
                        );
                    } else if listener.target_group_arn.is_some()
                        && listener.target_group_arn.as_deref()
                            != plan.adopt_target_group.as_deref()
                    {
                        cx.push(W, Step::NlbSubnets, "nlb-adopt-listener-redirect",
                            format!("{}'s TLS:{port} listener forwards to {} today; the apply points it at the plan's target group",
                                lb.name, listener.target_group_arn.as_deref().unwrap_or("?")),
                            "acknowledge (destroy points it back)".into());
                    }
                }
            }
        }
    }
}

/// An adopted target group: ip, TLS 443, in the VPC.
fn adopted_target_group(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    if let Some(arn) = &plan.adopt_target_group {
        match inv.target_groups.iter().find(|t| &t.arn == arn) {
            None => cx.push(
                E,
                Step::NlbSubnets,
                "tg-adopt-missing",
                format!("the target group to adopt ({arn}) does not exist"),
                "plan again with an existing IP target group, or let the plan create one".into(),
            ),
            Some(tg) => {
                if !tg.target_type.eq_ignore_ascii_case("ip")
                    || !tg.protocol.eq_ignore_ascii_case("TLS")
                    || tg.port != 443
                    || tg.vpc_id != plan.vpc_id
                {
                    cx.push(E, Step::NlbSubnets, "tg-adopt-shape",
                        format!("{} is {} {}:{} in {}, not ip TLS:443 in {}", tg.name, tg.target_type, tg.protocol, tg.port, tg.vpc_id, plan.vpc_id),
                        "adopt a target group of type ip, protocol TLS, port 443, in the plan's VPC (the endpoint's IPs are its targets)".into());
                }
            }
        }
    }
}

/// The Elastic IPs: the quota for new ones, or the given ones exist and are free.
fn elastic_ips(cx: &mut Check<'_>) {
    let (plan, inv, owned) = (cx.plan, cx.inv, cx.owned);
    let wanted = plan.nlb_subnet_ids.len();
    match &plan.eips {
        super::EipChoice::None => cx.push(
            I,
            Step::NlbSubnets,
            "eip-none",
            "NLB-assigned IPs: they change if the NLB is ever recreated, and the partner's allow-list with them".into(),
            "choose Elastic IPs (--eip new) for addresses that survive a recreate".into(),
        ),
        super::EipChoice::New => {
            let kept = inv
                .elastic_ips
                .addresses
                .iter()
                .filter(|e| ours(plan, &e.tags))
                .count();
            let need = wanted.saturating_sub(kept);
            let have = inv.elastic_ips.addresses.len();
            match inv.elastic_ips.quota {
                Some(q) if have + need > q as usize => cx.push(
                    E,
                    Step::NlbSubnets,
                    "eip-quota",
                    format!(
                        "{need} new Elastic IPs needed, but the region already holds {have} of the account's quota of {q}"
                    ),
                    "release unused Elastic IPs, pick existing unassociated ones (--eip eipalloc-…), or request more (Service Quotas → Amazon EC2 → EC2-VPC Elastic IPs)".into(),
                ),
                Some(_) => {}
                None if inv.loaded.contains(&crate::discovery::Source::ElasticIps) => cx.push(
                    I,
                    Step::NlbSubnets,
                    "eip-quota-unknown",
                    format!("the Elastic IP quota could not be read ({have} in use; AWS's default is 5)"),
                    "the apply fails cleanly (AddressLimitExceeded) if the quota is reached".into(),
                ),
                None => {}
            }
        }
        super::EipChoice::Existing { allocation_ids } => {
            if allocation_ids.len() != wanted {
                cx.push(
                    E,
                    Step::NlbSubnets,
                    "eip-count",
                    format!("{} Elastic IPs for {wanted} NLB subnets", allocation_ids.len()),
                    "give exactly one Elastic IP per NLB subnet (one per AZ)".into(),
                );
            }
            let mut seen = BTreeSet::new();
            for a in allocation_ids {
                if !seen.insert(a) {
                    cx.push(E, Step::NlbSubnets, "eip-duplicate",
                        format!("{a} is given twice"), "give each NLB subnet its own Elastic IP".into());
                }
                match inv.elastic_ips.addresses.iter().find(|e| &e.allocation_id == a) {
                    None => cx.push(
                        E,
                        Step::NlbSubnets,
                        "eip-missing",
                        format!("the Elastic IP {a} does not exist in {}", inv.region),
                        "pick one of the unassociated Elastic IPs, or choose new ones".into(),
                    ),
                    Some(e) if e.in_use() && !ours(plan, &e.tags) && !owned.eip_ids.contains(&e.allocation_id) => cx.push(
                        E,
                        Step::NlbSubnets,
                        "eip-in-use",
                        format!(
                            "{a} ({}) is associated with {}",
                            e.public_ip,
                            e.network_interface_id.as_deref().unwrap_or("another resource")
                        ),
                        "an NLB needs unassociated Elastic IPs: disassociate it first, or pick another".into(),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

/// The NLB has subnets, in exactly the endpoint's AZs.
fn nlb_azs_match(cx: &mut Check<'_>) {
    let plan = cx.plan;
    if plan.nlb_subnet_ids.is_empty() {
        cx.push(
            E,
            Step::NlbSubnets,
            "nlb-no-subnets",
            "no NLB subnet chosen".into(),
            "pick one public subnet per endpoint AZ".into(),
        );
    }
    let nlb_az_set: BTreeSet<String> = cx.nlb_azs.keys().cloned().collect();
    let endpoint_azs = &cx.endpoint_azs;
    if !endpoint_azs.is_empty() && !nlb_az_set.is_empty() && &nlb_az_set != endpoint_azs {
        let missing: Vec<&String> = endpoint_azs.difference(&nlb_az_set).collect();
        let extra: Vec<&String> = nlb_az_set.difference(endpoint_azs).collect();
        cx.push(
            E,
            Step::NlbSubnets,
            "nlb-az-mismatch",
            format!("NLB AZs differ from the endpoint's: missing {missing:?}, extra {extra:?}"),
            "pick exactly one public subnet in each AZ where the endpoint has a subnet".into(),
        );
    }
}

/// The name is a valid DNS name.
fn name(cx: &mut Check<'_>) {
    let plan = cx.plan;
    cx.name_ok = match check_dns_name(&plan.name) {
        Ok(()) => true,
        Err(why) => {
            cx.push(
                E,
                Step::NameCertificate,
                "name-invalid",
                format!("`{}`: {why}", plan.name),
                "type the public name, e.g. api.example.com".into(),
            );
            false
        }
    };
}

/// The certificate: in the region, ISSUED, covers the name, not about to expire.
fn certificate(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    match inv
        .certificates
        .iter()
        .find(|c| c.arn == plan.certificate_arn)
    {
        None if plan.certificate_arn.is_empty() => cx.push(
            E,
            Step::NameCertificate,
            "cert-missing",
            "no certificate chosen yet".into(),
            "pick an ISSUED certificate that covers the name".into(),
        ),
        None => {
            if region_of_arn(&plan.certificate_arn).is_some_and(|r| r != inv.region) {
                cx.push(
                    E,
                    Step::NameCertificate,
                    "cert-other-region",
                    format!(
                        "certificate {} is in {}, the setup is in {}",
                        plan.certificate_arn,
                        region_of_arn(&plan.certificate_arn).unwrap_or("?"),
                        inv.region
                    ),
                    format!(
                        "request or import a certificate in {} (ACM certificates are regional)",
                        inv.region
                    ),
                );
            } else {
                cx.push(
                    E,
                    Step::NameCertificate,
                    "cert-missing",
                    format!(
                        "certificate {} was not found in {}",
                        plan.certificate_arn, inv.region
                    ),
                    "pick an ISSUED certificate that covers the name".into(),
                );
            }
        }
        Some(c) => {
            if c.status != CertStatus::Issued {
                cx.push(E, Step::NameCertificate, "cert-not-issued",
                    format!("certificate for {} is {}", c.domain, c.status.as_str()),
                    match c.status {
                        CertStatus::PendingValidation => "finish DNS validation (add the CNAME ACM shows), wait for ISSUED, then retry".into(),
                        CertStatus::Expired => "renew or re-import it, or pick another certificate".into(),
                        _ => "pick an ISSUED certificate".into(),
                    });
            }
            if cx.name_ok && !c.covers(&plan.name) {
                cx.push(
                    E,
                    Step::NameCertificate,
                    "cert-name-mismatch",
                    format!(
                        "certificate for {} (SANs: {}) does not cover {}",
                        c.domain,
                        c.sans.join(", "),
                        plan.name
                    ),
                    "pick a certificate whose name or SAN is the name or a matching wildcard"
                        .into(),
                );
            }
            if let (Some(exp), Some(now)) = (
                c.not_after
                    .as_deref()
                    .and_then(crate::domain::days_from_rfc3339),
                inv.read_at
                    .as_deref()
                    .and_then(crate::domain::days_from_rfc3339),
            ) {
                let left = exp - now;
                if c.status == CertStatus::Issued && (0..CERT_EXPIRY_WARNING_DAYS).contains(&left) {
                    cx.push(
                        W,
                        Step::NameCertificate,
                        "cert-expires-soon",
                        format!("certificate for {} expires in {left} days", c.domain),
                        if c.cert_type.as_deref() == Some("IMPORTED") {
                            "re-import a renewed certificate before it expires".into()
                        } else {
                            "check ACM renewal (its DNS validation record must stay in place)"
                                .into()
                        },
                    );
                }
            }
        }
    }
}

/// The API: a valid new name, or the adopted one (not edge-optimized; what the apply changes).
fn api(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    match &plan.api {
        ApiChoice::Create { name } => {
            if name.trim().is_empty() || name.len() > 1024 {
                cx.push(
                    E,
                    Step::Api,
                    "api-name-invalid",
                    "the new API needs a name (at most 1024 characters)".into(),
                    "type a name".into(),
                );
            }
        }
        ApiChoice::Adopt { rest_api_id } => {
            match inv.rest_apis.iter().find(|a| &a.id == rest_api_id) {
                None => cx.push(
                    E,
                    Step::Api,
                    "api-missing",
                    format!("REST API {rest_api_id} does not exist"),
                    format!(
                        "pick one of: {}",
                        inv.rest_apis
                            .iter()
                            .map(|a| a.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(a)
                    if a.endpoint_types
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case("EDGE")) =>
                {
                    // AWS: "You cannot change a private API into an edge-optimized API" (API
                    // Gateway Developer Guide, "Change a public or private API endpoint type"):
                    // once PRIVATE, destroy could never give it back.
                    cx.push(E, Step::Api, "api-adopt-edge",
                        format!("API {} is edge-optimized: making it PRIVATE cannot be undone (AWS never turns a private API back into an edge-optimized one), so destroy could not give it back", a.name),
                        "let the tool create a new API (it can call yours), or change yours to REGIONAL first if its callers allow, then plan again".into());
                }
                Some(a) => {
                    if !a.is_private() {
                        cx.push(W, Step::Api, "api-not-private",
                        format!("API {} is {}: the apply will change it to PRIVATE, and its public endpoint stops answering", a.name, a.endpoint_types.join(",")),
                        "acknowledge, or create a new API".into());
                    }
                    let ours = match &plan.endpoint {
                        EndpointChoice::Reuse { vpc_endpoint_id } => Some(vpc_endpoint_id.as_str()),
                        EndpointChoice::Create { .. } => None,
                    };
                    let others: Vec<&String> = a
                        .vpc_endpoint_ids
                        .iter()
                        .filter(|e| Some(e.as_str()) != ours)
                        .collect();
                    if !others.is_empty() {
                        cx.push(W, Step::Api, "api-bound-elsewhere",
                        format!("API {} is bound to other endpoint(s) {}: the apply adds ours beside them", a.name, others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")),
                        "acknowledge, or pick another API".into());
                    }
                    if a.policy.as_deref().is_some_and(|p| !p.is_empty()) {
                        cx.push(W, Step::Api, "api-policy-replaced",
                        format!("API {} has a resource policy; the apply replaces it with the sourceVpc policy (the old one is kept for destroy)", a.name),
                        "acknowledge".into());
                    }
                }
            }
        }
    }
}

/// The stage name and the base path.
fn stage_and_base_path(cx: &mut Check<'_>) {
    let plan = cx.plan;
    if let Err(why) = check_stage(&plan.stage) {
        cx.push(
            E,
            Step::Api,
            "stage-invalid",
            why,
            "type a stage name such as prod".into(),
        );
    }
    if let Some(bp) = &plan.base_path {
        if let Err(why) = check_base_path(bp) {
            let multi_level = bp.trim_matches('/').contains('/');
            cx.push(
                E,
                Step::Api,
                if multi_level {
                    "base-path-multi-level"
                } else {
                    "base-path-invalid"
                },
                why,
                if multi_level {
                    "give one segment (e.g. v1), or leave it empty for the root".into()
                } else {
                    "leave it empty for the root, or e.g. v1".into()
                },
            );
        }
    }
}

/// Who may call through the NLB: the caller allow-list.
fn callers(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    // An adopted NLB with security groups: those decide (and `nlb-adopt-callers` refuses a list).
    let adopted_groups: Vec<String> = plan
        .adopt_nlb
        .as_ref()
        .and_then(|arn| inv.load_balancers.iter().find(|l| &l.lb.arn == arn))
        .map(|l| l.lb.security_group_ids.clone())
        .unwrap_or_default();
    if plan.allow_cidrs.is_empty() && !adopted_groups.is_empty() {
        cx.push(I, Step::Callers, "callers-adopted-groups",
            format!("who can reach the API is decided by the adopted NLB's own security groups ({})", adopted_groups.join(", ")),
            "check their inbound rules on the listener's port: the API's sourceVpc policy admits everything that came through the NLB".into());
    } else if plan.allow_cidrs.is_empty() {
        cx.push(W, Step::Callers, "callers-whole-internet",
            "no caller allow-list: the whole internet can reach the API through the NLB (the sourceVpc policy admits everything that came through it)".into(),
            "add the partner's egress CIDRs, or acknowledge".into());
    }
    let mut seen = BTreeSet::new();
    for c in &plan.allow_cidrs {
        match check_caller_cidr(c) {
            Err(why) => cx.push(
                E,
                Step::Callers,
                "caller-cidr-invalid",
                why,
                "fix or remove it".into(),
            ),
            Ok(net) => {
                if net.prefix_len() == 0 {
                    cx.push(
                        W,
                        Step::Callers,
                        "caller-cidr-anywhere",
                        format!("{c} admits everyone"),
                        "leave the list empty for that, or give narrower ranges".into(),
                    );
                } else if net.trunc() != net {
                    cx.push(
                        W,
                        Step::Callers,
                        "caller-cidr-host-bits",
                        format!("{c} has host bits set; it means {}", net.trunc()),
                        format!("write {}", net.trunc()),
                    );
                }
                if !seen.insert(net.trunc()) {
                    cx.push(
                        W,
                        Step::Callers,
                        "caller-cidr-duplicate",
                        format!("{c} is listed twice"),
                        "remove the duplicate".into(),
                    );
                }
            }
        }
    }
    if plan.allow_cidrs.len() > 60 {
        cx.push(
            E,
            Step::Callers,
            "caller-cidr-too-many",
            format!(
                "{} CIDRs: a security group holds 60 inbound rules by default",
                plan.allow_cidrs.len()
            ),
            "merge ranges, or raise the rules-per-security-group quota".into(),
        );
    }
}

/// Who inside the VPC may call the endpoint directly (the private zone sends them there).
fn vpc_callers(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    if plan.vpc_callers.is_empty() {
        cx.push(
            W,
            Step::Callers,
            "vpc-callers-none",
            format!(
                "nobody inside {} may call the API: the private zone sends callers there straight to the endpoint, whose security group then refuses them (they time out), so the private zone serves no one",
                plan.vpc_id
            ),
            "acknowledge (the post's setting), or admit the VPC (--vpc-callers vpc), or name CIDRs / security groups".into(),
        );
    }
    let vpc_nets: Vec<ipnet::Ipv4Net> = inv
        .vpcs
        .iter()
        .find(|v| v.id == plan.vpc_id)
        .map(|v| {
            std::iter::once(&v.cidr)
                .chain(&v.secondary_cidrs)
                .filter_map(|c| c.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    for caller in &plan.vpc_callers {
        match crate::plan::VpcCaller::parse(caller) {
            Err(why) => cx.push(
                E,
                Step::Callers,
                "vpc-caller-invalid",
                why,
                "write vpc, an IPv4 CIDR such as 10.20.0.0/16, or a security group id sg-…".into(),
            ),
            Ok(crate::plan::VpcCaller::Cidr(net))
                if !vpc_nets.is_empty() && !vpc_nets.iter().any(|v| v.contains(&net)) =>
            {
                cx.push(
                    I,
                    Step::Callers,
                    "vpc-caller-outside",
                    format!(
                        "{net} is outside {} ({}): callers there reach the endpoint only through peering or a transit gateway, and resolve the name privately only if the private zone is associated with their VPC",
                        plan.vpc_id,
                        vpc_nets.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
                    ),
                    "keep it if that is the intent".into(),
                );
            }
            Ok(_) => {}
        }
    }
}

/// The public zone: exists, public, the longest suffix of the name.
fn public_zone(cx: &mut Check<'_>) {
    let (plan, inv) = (cx.plan, cx.inv);
    match inv
        .hosted_zones
        .iter()
        .find(|z| z.id == plan.public_zone_id)
    {
        None if plan.public_zone_id.is_empty() => cx.push(
            E,
            Step::Zones,
            "public-zone-missing",
            format!("no public hosted zone holds {}", plan.name),
            "create a public zone for the domain (or delegate one), then read the account again (r)".into(),
        ),
        None => cx.push(
            E,
            Step::Zones,
            "public-zone-missing",
            format!("hosted zone {} does not exist", plan.public_zone_id),
            "pick the public zone of the name".into(),
        ),
        Some(z) => {
            if z.private {
                cx.push(
                    E,
                    Step::Zones,
                    "public-zone-is-private",
                    format!("zone {} ({}) is private", z.name, z.id),
                    "pick a public zone".into(),
                );
            }
            if !is_suffix_zone(&z.name, &plan.name) {
                cx.push(
                    E,
                    Step::Zones,
                    "public-zone-not-suffix",
                    format!("zone {} is not a suffix of {}", z.name, plan.name),
                    "pick the zone the name belongs to".into(),
                );
            } else if let Some(best) = best_public_zone(inv, &plan.name) {
                if best.id != z.id {
                    cx.push(W, Step::Zones, "public-zone-not-longest",
                        format!("{} is delegated to its own zone {} ({}): a record in {} would not be served", plan.name, best.name, best.id, z.name),
                        format!("pick {}", best.id));
                }
            }
        }
    }
}

/// The private zone: none to conflict with, or the chosen one fits and is associated.
fn private_zone(cx: &mut Check<'_>) {
    let (plan, inv, owned) = (cx.plan, cx.inv, cx.owned);
    match &plan.private_zone {
        PrivateZoneChoice::Create => {
            if inv.hosted_zones.iter().any(|z| {
                z.private
                    && !owned.private_zone_ids.contains(&z.id)
                    && !z.comment.as_deref().is_some_and(|c| c.contains(&plan.id))
                    && z.name.eq_ignore_ascii_case(plan.name.trim_end_matches('.'))
                    && z.vpcs.iter().any(|v| v.vpc_id == plan.vpc_id)
            }) {
                cx.push(E, Step::Zones, "private-zone-exists",
                    format!("a private zone {} is already associated with {}: a second one would conflict", plan.name, plan.vpc_id),
                    "pick the existing one".into());
            }
        }
        PrivateZoneChoice::Existing { zone_id } => {
            match inv.hosted_zones.iter().find(|z| &z.id == zone_id) {
                None => cx.push(
                    E,
                    Step::Zones,
                    "private-zone-missing",
                    format!("hosted zone {zone_id} does not exist"),
                    "pick another, or create one named exactly the name".into(),
                ),
                Some(z) => {
                    if !z.private {
                        cx.push(
                            E,
                            Step::Zones,
                            "private-zone-is-public",
                            format!("zone {} is public", z.name),
                            "pick a private zone".into(),
                        );
                    }
                    if !is_suffix_zone(&z.name, &plan.name) {
                        cx.push(
                            E,
                            Step::Zones,
                            "private-zone-not-suffix",
                            format!("private zone {} is not a suffix of {}", z.name, plan.name),
                            "pick another, or create one named exactly the name".into(),
                        );
                    } else if !z.name.eq_ignore_ascii_case(plan.name.trim_end_matches('.')) {
                        cx.push(W, Step::Zones, "private-zone-shadows-parent",
                        format!("private zone {} covers every {} name inside {}: names not in it stop resolving there", z.name, z.name, plan.vpc_id),
                        "prefer a private zone named exactly the FQDN (create one)".into());
                    }
                    if z.private && !z.vpcs.iter().any(|v| v.vpc_id == plan.vpc_id) {
                        cx.push(
                            E,
                            Step::Zones,
                            "private-zone-not-associated",
                            format!(
                                "private zone {} is not associated with {}",
                                z.name, plan.vpc_id
                            ),
                            "associate it with the VPC, or create a new private zone".into(),
                        );
                    }
                }
            }
        }
    }
}

/// Records of the name the apply would overwrite.
fn existing_records(cx: &mut Check<'_>) {
    let (plan, inv, owned) = (cx.plan, cx.inv, cx.owned);
    let private_zone_id = match &plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => Some(zone_id.as_str()),
        PrivateZoneChoice::Create => None,
    };
    let name = plan.name.trim_end_matches('.').to_ascii_lowercase();
    let written_by_us = |r: &crate::domain::RecordSet| {
        r.alias_target.as_deref().is_some_and(|t| {
            let t = t.trim_end_matches('.').to_ascii_lowercase();
            owned.alias_targets.iter().any(|o| o.trim_end_matches('.').eq_ignore_ascii_case(&t))
                // An NLB's DNS name starts with its name, which derives from the plan id.
                || t.starts_with(&format!("{}-", plan.nlb_name()))
                // An endpoint's DNS names start with its id: this plan's endpoint carries its tag.
                || inv
                    .vpc_endpoints
                    .iter()
                    .filter(|e| ours(plan, &e.tags))
                    .any(|e| t.starts_with(&e.id))
        })
    };
    for r in inv
        .records
        .iter()
        .filter(|r| !written_by_us(r))
        .filter(|r| {
            r.name.eq_ignore_ascii_case(&name)
                && ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str())
                && (r.zone_id == plan.public_zone_id || Some(r.zone_id.as_str()) == private_zone_id)
        })
    {
        let target = r
            .alias_target
            .clone()
            .unwrap_or_else(|| r.values.join(", "));
        if plan.replace_records {
            cx.push(
                W,
                Step::Zones,
                "record-will-be-replaced",
                format!(
                    "{} {} in zone {} (→ {target}) will be replaced; destroy restores it",
                    r.record_type, r.name, r.zone_id
                ),
                "acknowledge".into(),
            );
        } else {
            cx.push(
                E,
                Step::Zones,
                "record-exists",
                format!(
                    "{} {} already exists in zone {} (→ {target})",
                    r.record_type, r.name, r.zone_id
                ),
                "choose \"replace\" explicitly (--replace-records), or use another name".into(),
            );
        }
    }
}

/// AWS limits on the derived names and the tags.
fn names_and_limits(cx: &mut Check<'_>) {
    let plan = cx.plan;
    for (what, n) in [
        ("NLB", plan.nlb_name()),
        ("target group", plan.target_group_name()),
    ] {
        if n.len() > ELB_NAME_MAX {
            cx.push(
                E,
                Step::Review,
                "elb-name-too-long",
                format!(
                    "the {what} name {n} has {} characters; AWS allows {ELB_NAME_MAX}",
                    n.len()
                ),
                "shorten the plan id".into(),
            );
        }
    }
    for (k, v) in &plan.tags {
        if k.is_empty() || k.len() > 128 || v.len() > 256 || k.starts_with("aws:") {
            cx.push(
                E,
                Step::Review,
                "tag-invalid",
                format!(
                    "tag {k}={v}: keys are 1–128 characters, values ≤ 256, and `aws:` is reserved"
                ),
                "fix the tag".into(),
            );
        }
    }
}

/// Findings that still block: errors, and warnings not yet acknowledged.
pub fn blocking<'a>(plan: &Plan, findings: &'a [Finding]) -> Vec<&'a Finding> {
    blocking_unless(&plan.acknowledged, findings)
}

/// Findings that still block: errors, and warnings whose code is not in `acknowledged`.
pub fn blocking_unless<'a>(acknowledged: &[String], findings: &'a [Finding]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| match f.severity {
            Severity::Error => true,
            Severity::Warning => !acknowledged.iter().any(|c| c == f.code),
            Severity::Info => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(
            crate::domain::days_from_rfc3339("1970-01-01T00:00:00Z"),
            Some(0)
        );
        assert_eq!(
            crate::domain::days_from_rfc3339("2026-11-26T00:00:00Z")
                .zip(crate::domain::days_from_rfc3339("2026-12-09"))
                .map(|(a, b)| b - a),
            Some(13)
        );
        assert_eq!(crate::domain::days_from_rfc3339("garbage"), None);
    }

    #[test]
    fn a_zone_is_a_suffix_by_whole_labels_whatever_the_case() {
        assert!(is_suffix_zone("Example.COM.", "api.example.com"));
        assert!(is_suffix_zone("example.com", "API.Example.com."));
        assert!(is_suffix_zone("api.example.com", "api.example.com"));
        assert!(!is_suffix_zone("ample.com", "api.example.com"));
        assert!(!is_suffix_zone("api.example.com", "example.com"));
    }
}
