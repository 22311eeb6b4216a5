//! What the apply will do, as text for a person: every resource it creates or changes, in dependency
//! order, with every setting; then the cost, who can reach the API, and the warnings. Shown by the
//! Review screen, `apply --plan` and `--plain`; the names, tags and policy it shows are the apply's
//! own (`plan::names`).

use serde::Serialize;

use super::cost::{self, usd};
use super::names::{endpoint_rules, regional_dns_entry, resource_tags, step, ENDPOINT_PORT};
use super::validate::{validate, Severity};
use super::{ApiChoice, EndpointChoice, Plan, PrivateZoneChoice};
use crate::cloud::execute_api_service;
use crate::discovery::Inventory;
use crate::domain::{Subnet, Vpc, VpcEndpoint};

/// Read from here by the tests, from before these moved to `plan::names` (the place to read them).
pub use super::names::{endpoint_sg_name, nlb_sg_name, resource_policy_json, TAG_PLAN_ID};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewSection {
    pub title: String,
    pub lines: Vec<String>,
}

/// Section title marks.
pub const MARK_CREATE: &str = "+ create";
pub const MARK_CHANGE: &str = "~ change";
pub const MARK_REUSE: &str = "= reuse";
pub const MARK_ADOPT: &str = "= adopt";

/// Wrap width for lists (the UI wraps anything longer).
const WIDTH: usize = 100;

fn tag_lines(plan: &Plan, step: &str) -> Vec<String> {
    let items: Vec<String> = resource_tags(plan, step)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    list_lines("tags: ", &items)
}

/// `label` then the items joined by ", ", wrapped at `WIDTH` with the continuation indented.
fn list_lines(label: &str, items: &[String]) -> Vec<String> {
    let indent = " ".repeat(label.chars().count());
    let mut out = Vec::new();
    let mut cur = label.to_string();
    let mut first = true;
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        if !first && cur.chars().count() + 1 + piece.chars().count() > WIDTH {
            out.push(cur);
            cur = format!("{indent}{piece}");
        } else {
            if !first {
                cur.push(' ');
            }
            cur.push_str(&piece);
        }
        first = false;
    }
    if items.is_empty() {
        cur.push_str("(none)");
    }
    out.push(cur);
    out
}

fn subnet<'a>(inv: &'a Inventory, id: &str) -> Option<&'a Subnet> {
    inv.subnets.iter().find(|s| s.id == id)
}

/// `subnet-… (us-east-1a, 10.20.0.0/24, name)`
fn subnet_label(inv: &Inventory, id: &str) -> String {
    match subnet(inv, id) {
        Some(s) => match &s.name {
            Some(n) => format!("{id} ({}, {}, {n})", s.az, s.cidr),
            None => format!("{id} ({}, {})", s.az, s.cidr),
        },
        None => format!("{id} (not in the inventory)"),
    }
}

fn section(title: String, lines: Vec<String>) -> ReviewSection {
    ReviewSection { title, lines }
}

fn on_off(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "unknown",
    }
}

fn indented(text: &str, by: &str) -> Vec<String> {
    text.lines().map(|l| format!("{by}{l}")).collect()
}

fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Everything the apply of `plan` will create or change, in dependency order, then the cost, who can
/// reach the API, and every warning and note of `validate`.
pub fn review(plan: &Plan, inv: &Inventory) -> Vec<ReviewSection> {
    let cx = Ctx::new(plan, inv);
    let mut out = Vec::new();
    for section in SECTIONS {
        section(&cx, &mut out);
    }
    out
}

/// The sections, in dependency order, then the cost, who can reach the API and the warnings.
const SECTIONS: &[fn(&Ctx<'_>, &mut Vec<ReviewSection>)] = &[
    vpc_dns,
    endpoint_sg,
    endpoint,
    api,
    stage,
    domain,
    mapping,
    target_group,
    nlb_sg,
    nlb,
    listener,
    private_zone,
    public_record,
    private_record,
    cost,
    who_can_reach,
    warnings,
];

/// What the sections share, worked out once from the plan and the account.
struct Ctx<'a> {
    plan: &'a Plan,
    inv: &'a Inventory,
    vpc: Option<&'a Vpc>,
    /// The name without a trailing dot.
    name: &'a str,
    /// The endpoint the plan reuses (or its id when the account does not have it).
    reused_endpoint: Option<Result<&'a VpcEndpoint, &'a str>>,
    /// The endpoint as the text calls it: its id, or "the new endpoint".
    endpoint_ref: String,
    /// The API as the text calls it.
    api_label: String,
    /// The private zone the plan reuses (None: a new one).
    private_zone_id: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    fn new(plan: &'a Plan, inv: &'a Inventory) -> Self {
        let reused_endpoint = match &plan.endpoint {
            EndpointChoice::Reuse { vpc_endpoint_id } => Some(
                inv.vpc_endpoints
                    .iter()
                    .find(|e| &e.id == vpc_endpoint_id)
                    .ok_or(vpc_endpoint_id.as_str()),
            ),
            EndpointChoice::Create { .. } => None,
        };
        let endpoint_ref = match &plan.endpoint {
            EndpointChoice::Reuse { vpc_endpoint_id } => vpc_endpoint_id.clone(),
            EndpointChoice::Create { .. } => "the new endpoint".to_string(),
        };
        let api_label = match &plan.api {
            ApiChoice::Create { name: api_name } => format!("{api_name} (new)"),
            ApiChoice::Adopt { rest_api_id } => {
                match inv.rest_apis.iter().find(|a| &a.id == rest_api_id) {
                    None => rest_api_id.clone(),
                    Some(a) => format!("{} ({})", a.name, a.id),
                }
            }
        };
        let private_zone_id = match &plan.private_zone {
            PrivateZoneChoice::Existing { zone_id } => Some(zone_id.as_str()),
            PrivateZoneChoice::Create => None,
        };
        Ctx {
            plan,
            inv,
            vpc: inv.vpcs.iter().find(|v| v.id == plan.vpc_id),
            name: plan.name.trim_end_matches('.'),
            reused_endpoint,
            endpoint_ref,
            api_label,
            private_zone_id,
        }
    }
}

/// The VPC and its DNS attributes (turned on if the plan says so).
fn vpc_dns(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let vpc = cx.vpc;
    let vpc_name = vpc
        .and_then(|v| v.name.clone())
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let mut lines = match vpc {
        Some(v) => vec![format!("VPC: {}{vpc_name}, CIDR {}", v.id, v.cidr)],
        None => vec![format!("VPC: {} (not in the inventory)", plan.vpc_id)],
    };
    let attrs = vpc.map_or(Vpc::DNS_ATTRIBUTES.map(|n| (n, None)), Vpc::dns_attributes);
    let to_change: Vec<&str> = attrs
        .iter()
        .filter(|(_, v)| plan.enable_vpc_dns && *v != Some(true))
        .map(|(n, _)| *n)
        .collect();
    for (attr, v) in attrs {
        if to_change.contains(&attr) {
            lines.push(format!("{attr}: {} → on", on_off(v)));
        } else {
            lines.push(format!("{attr}: {} (unchanged)", on_off(v)));
        }
    }
    lines.push("private DNS on an interface endpoint needs both attributes on".into());
    let title = if to_change.is_empty() {
        format!("{MARK_REUSE}  VPC {}{vpc_name} (reuse)", plan.vpc_id)
    } else {
        format!(
            "{MARK_CHANGE}  VPC {}{vpc_name} (adopt, will change: {} on)",
            plan.vpc_id,
            to_change.join(", ")
        )
    };
    out.push(section(title, lines));
}

/// The endpoint's new security group: who may reach the endpoint.
fn endpoint_sg(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let sg = endpoint_sg_name(plan);
    let mut lines = vec![
        format!("name: {sg}"),
        format!("VPC: {}", plan.vpc_id),
        "description: fixedip-tui: execute-api endpoint, TCP 443 from the NLB subnets and in-VPC callers".into(),
    ];
    match endpoint_rules(plan, inv) {
        Ok(rules) if rules.is_empty() => {
            lines.push("ingress: none yet (no NLB subnet chosen)".into())
        }
        Ok(rules) => lines.extend(rules.iter().map(|r| {
            let from = if r.source.starts_with("sg-") {
                format!("security group {}", r.source)
            } else {
                r.source.clone()
            };
            format!("ingress: TCP {} from {from} ({})", r.port, r.description)
        })),
        Err(why) => lines.push(format!("ingress: cannot be worked out: {why}")),
    }
    if plan.vpc_callers.is_empty() {
        lines.push(
            "no caller inside the VPC is admitted (the private zone then serves no one)".into(),
        );
    }
    lines.push("egress: the default rule (all traffic)".into());
    lines.extend(tag_lines(plan, step::ENDPOINT_SG));
    out.push(section(
        format!("{MARK_CREATE}  security group {sg} (for the endpoint)"),
        lines,
    ));
}

/// The interface endpoint: the new one, or the one reused.
fn endpoint(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let region = plan.region.as_str();
    let reused_endpoint = cx.reused_endpoint;
    match (&plan.endpoint, &reused_endpoint) {
        (EndpointChoice::Create { subnet_ids, .. }, _) => {
            let mut lines = vec![
                format!("service: {}", execute_api_service(region)),
                format!("VPC: {}", plan.vpc_id),
                "type: Interface, IP address type ipv4".into(),
            ];
            for id in subnet_ids {
                let pinned = plan
                    .endpoint_ips
                    .get(id)
                    .map(|ip| format!(" — IP pinned to {ip}"))
                    .unwrap_or_default();
                lines.push(format!("subnet: {}{pinned}", subnet_label(inv, id)));
            }
            if !plan.endpoint_ips.is_empty() {
                lines.push(
                    "pinned IPs (SubnetConfigurations): the registered targets never drift".into(),
                );
            }
            lines.push("private DNS: enabled".into());
            lines.push(format!("security group: {}", endpoint_sg_name(plan)));
            lines.push(
                "policy: the default (full access; the API's resource policy guards it)".into(),
            );
            lines.push(format!(
                "regional DNS name: vpce-….execute-api.{region}.vpce.amazonaws.com (known after \
                 creation)"
            ));
            lines.push("the apply waits until it is available, then reads its ENI IPs".into());
            lines.extend(tag_lines(plan, step::ENDPOINT));
            out.push(section(
                format!(
                    "{MARK_CREATE}  interface VPC endpoint {}",
                    execute_api_service(region)
                ),
                lines,
            ));
        }
        (EndpointChoice::Reuse { vpc_endpoint_id }, reused) => {
            let mut lines = Vec::new();
            match reused {
                Some(Ok(e)) => {
                    lines.push(format!("service: {}, state {}", e.service_name, e.state));
                    for id in &e.subnet_ids {
                        lines.push(format!("subnet: {}", subnet_label(inv, id)));
                    }
                    lines.push(format!(
                        "private DNS: {}",
                        if e.private_dns { "enabled" } else { "disabled" }
                    ));
                    lines.extend(list_lines("security groups kept: ", &e.security_group_ids));
                    lines.extend(list_lines("network interfaces: ", &e.network_interface_ids));
                    match regional_dns_entry(e) {
                        Some(d) => lines.push(format!("regional DNS name: {}", d.dns_name)),
                        None => lines.push("regional DNS name: not reported".into()),
                    }
                }
                _ => lines.push(format!("{vpc_endpoint_id}: not in the inventory")),
            }
            lines.push(format!(
                "will change: add security group {} (TCP 443 from the NLB subnets)",
                endpoint_sg_name(plan)
            ));
            out.push(section(
                format!(
                    "{MARK_CHANGE}  interface VPC endpoint {vpc_endpoint_id} (reuse, will change: \
                     add security group)"
                ),
                lines,
            ));
        }
    }
}

/// The private REST API: the new one, or the adopted one and what changes in it.
fn api(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let endpoint_ref = &cx.endpoint_ref;
    let policy = resource_policy_json(plan);
    match &plan.api {
        ApiChoice::Create { name: api_name } => {
            let mut lines = vec![
                format!("name: {api_name}"),
                format!(
                    "description: fixedip-tui {}: minimal API proving the path",
                    plan.id
                ),
                "endpoint type: PRIVATE".into(),
                format!("vpcEndpointIds: {endpoint_ref}"),
                "resource: GET /ping, integration MOCK → 200 (method response 200)".into(),
                "resource policy:".into(),
            ];
            lines.extend(indented(&policy, "  "));
            lines.extend(tag_lines(plan, step::API));
            out.push(section(
                format!("{MARK_CREATE}  REST API {api_name} (PRIVATE)"),
                lines,
            ));
        }
        ApiChoice::Adopt { rest_api_id } => {
            match inv.rest_apis.iter().find(|a| &a.id == rest_api_id) {
                None => {
                    out.push(section(
                        format!("{MARK_CHANGE}  REST API {rest_api_id} (adopt)"),
                        vec![format!("{rest_api_id}: not in the inventory")],
                    ));
                }
                Some(a) => {
                    let mut changes = Vec::new();
                    let mut lines = vec![format!("name: {}, id {}", a.name, a.id)];
                    if a.is_private() {
                        lines.push("endpoint type: PRIVATE (unchanged)".into());
                    } else {
                        changes.push("endpoint type");
                        lines.push(format!(
                            "endpoint type: {} → PRIVATE (its public URL stops answering)",
                            a.endpoint_types.join(",")
                        ));
                    }
                    let ours = match &plan.endpoint {
                        EndpointChoice::Reuse { vpc_endpoint_id } => Some(vpc_endpoint_id.as_str()),
                        EndpointChoice::Create { .. } => None,
                    };
                    let before = if a.vpc_endpoint_ids.is_empty() {
                        "(none)".to_string()
                    } else {
                        a.vpc_endpoint_ids.join(", ")
                    };
                    if ours.is_some_and(|o| a.vpc_endpoint_ids.iter().any(|e| e == o)) {
                        lines.push(format!("vpcEndpointIds: {before} (unchanged)"));
                    } else {
                        changes.push("vpcEndpointIds");
                        lines.push(format!("vpcEndpointIds: {before} → add {endpoint_ref}"));
                    }
                    if a.policy.as_deref().is_some_and(|p| same_json(p, &policy)) {
                        lines.push("resource policy (unchanged):".into());
                    } else {
                        changes.push("policy");
                        lines.push(if a.policy.as_deref().is_some_and(|p| !p.is_empty()) {
                            "resource policy: replaced (the old one is kept for destroy) by:".into()
                        } else {
                            "resource policy: none → set to:".into()
                        });
                    }
                    lines.extend(indented(&policy, "  "));
                    let title = if changes.is_empty() {
                        format!("{MARK_REUSE}  REST API {} ({}) (reuse)", a.name, a.id)
                    } else {
                        format!(
                            "{MARK_CHANGE}  REST API {} ({}) (adopt, will change: {})",
                            a.name,
                            a.id,
                            changes.join(", ")
                        )
                    };
                    out.push(section(title, lines));
                }
            }
        }
    }
}

/// The deployment and its stage.
fn stage(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let api_label = &cx.api_label;
    let mut lines = vec![
        format!("API: {api_label}"),
        format!("stage: {}", plan.stage),
    ];
    match &plan.api {
        ApiChoice::Create { .. } => {
            lines.push("the stage is created with the first deployment".into())
        }
        ApiChoice::Adopt { .. } => lines.push(
            "the stage is created if missing, else moved to the new deployment (a policy \
             change takes effect only after a deployment)"
                .into(),
        ),
    }
    lines.extend(tag_lines(plan, step::STAGE));
    out.push(section(
        format!("{MARK_CREATE}  deployment to stage {}", plan.stage),
        lines,
    ));
}

/// The custom domain name.
fn domain(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let name = cx.name;
    let mut lines = vec![
        format!("domain name: {name}"),
        "endpoint type: REGIONAL".into(),
        "regional certificate:".into(),
        format!("  {}", plan.certificate_arn),
    ];
    if let Some(c) = inv
        .certificates
        .iter()
        .find(|c| c.arn == plan.certificate_arn)
    {
        let mut names = vec![c.domain.clone()];
        names.extend(c.sans.iter().filter(|s| **s != c.domain).cloned());
        lines.extend(list_lines(
            &format!("  {}, covers: ", c.status.as_str()),
            &names,
        ));
    }
    lines.push(format!(
        "security policy: {} (BASIC access mode; STRICT rejects traffic through the \
         endpoint)",
        plan.settings.domain_security_policy
    ));
    lines.extend(tag_lines(plan, step::DOMAIN));
    out.push(section(
        format!("{MARK_CREATE}  custom domain name {name} (REGIONAL)"),
        lines,
    ));
}

/// The API mapping of the domain to the stage.
fn mapping(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let name = cx.name;
    let api_label = &cx.api_label;
    let base = plan.base_path.as_deref().filter(|b| !b.is_empty());
    let lines = vec![
        format!("domain name: {name}"),
        format!("API: {api_label}, stage {}", plan.stage),
        match base {
            Some(b) => format!("base path: {b} (https://{name}/{b}/…)"),
            None => format!("base path: none, the root (https://{name}/…)"),
        },
    ];
    out.push(section(
        format!(
            "{MARK_CREATE}  API mapping {name}/{} → stage {}",
            base.unwrap_or(""),
            plan.stage
        ),
        lines,
    ));
}

/// The target group and its targets (the endpoint's IPs).
fn target_group(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let reused_endpoint = cx.reused_endpoint;
    let endpoint_ref = &cx.endpoint_ref;
    let tg = plan.target_group_name();
    let mut lines = vec![
        format!("name: {tg}"),
        format!(
            "target type: ip, protocol TLS, port {ENDPOINT_PORT}, VPC {}",
            plan.vpc_id
        ),
        format!(
            "health check: {} on the traffic port ({ENDPOINT_PORT})",
            plan.settings.health_check_protocol
        ),
    ];
    match &reused_endpoint {
        Some(Ok(e)) => {
            lines.extend(list_lines(
                &format!("targets: the IPs of {}'s interfaces ", e.id),
                &e.network_interface_ids,
            ));
            lines.push(format!("  port {ENDPOINT_PORT}, read again at apply"));
        }
        _ => lines.push(format!(
            "targets: the IP of each of {endpoint_ref}'s network interfaces (one per AZ), \
             port {ENDPOINT_PORT}"
        )),
    }
    lines.push("client IP preservation: off (IP targets over TLS: the API sees NLB IPs)".into());
    if plan.adopt_target_group.is_some() {
        lines.push(
            "adopted: never deleted; destroy deregisters only the targets this plan added".into(),
        );
        out.push(section(format!("{MARK_ADOPT}  target group {tg}"), lines));
    } else {
        lines.extend(tag_lines(plan, step::TARGET_GROUP));
        out.push(section(format!("{MARK_CREATE}  target group {tg}"), lines));
    }
}

/// The NLB's new security group (none when the plan adopts an NLB).
fn nlb_sg(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let port = plan.settings.listener_port;
    if cx.plan.adopt_nlb.is_some() {
        return;
    }
    let sg = nlb_sg_name(plan);
    let mut lines = vec![
        format!("name: {sg}"),
        format!("VPC: {}", plan.vpc_id),
        "description: fixedip-tui: NLB, TLS from the allowed callers".into(),
    ];
    if plan.allow_cidrs.is_empty() {
        lines.push(format!(
            "ingress: TCP {port} from 0.0.0.0/0 (no allow-list: the whole internet)"
        ));
    }
    for c in &plan.allow_cidrs {
        lines.push(format!("ingress: TCP {port} from {c}"));
    }
    lines.push("egress: the default rule (all traffic; reaches the endpoint's IPs)".into());
    lines.push(
        "fixed at NLB creation: an NLB created without a security group never gets one".into(),
    );
    lines.extend(tag_lines(plan, step::NLB_SG));
    out.push(section(
        format!("{MARK_CREATE}  security group {sg} (for the NLB)"),
        lines,
    ));
}

/// The NLB: the adopted one, or the new one.
fn nlb(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    match &cx.plan.adopt_nlb {
        Some(arn) => adopted_nlb(cx, arn, out),
        None => new_nlb(cx, out),
    }
}

/// The adopted NLB: what it is (its subnets, IPs and groups stay).
fn adopted_nlb(cx: &Ctx<'_>, arn: &str, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let found = inv.load_balancers.iter().find(|l| l.lb.arn == arn);
    let mut lines = vec![format!("ARN: {arn}")];
    match found {
        Some(l) => {
            for id in &l.lb.subnet_ids {
                lines.push(format!("subnet: {}", subnet_label(inv, id)));
            }
            lines.push(format!(
                "its IPs: {} ({})",
                if l.lb.addresses.is_empty() {
                    "not reported".to_string()
                } else {
                    l.lb.addresses.join(", ")
                },
                if l.lb.eip_allocations.is_empty() {
                    "NLB-assigned"
                } else {
                    "Elastic IPs"
                }
            ));
            lines.push(if l.lb.security_group_ids.is_empty() {
                "security groups: none, and it can never get one: the whole internet can reach it"
                    .to_string()
            } else {
                format!(
                    "security groups: {} (its own: they decide who can reach it)",
                    l.lb.security_group_ids.join(", ")
                )
            });
        }
        None => lines.push("not found in the account".into()),
    }
    lines.push("adopted: never deleted by destroy; nothing of it changes but its listener".into());
    out.push(section(
        format!("{MARK_ADOPT}  Network Load Balancer {}", plan.nlb_name()),
        lines,
    ));
}

/// The new NLB: its subnets, Elastic IPs and settings.
fn new_nlb(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let nlb = plan.nlb_name();
    let mut lines = vec![
        format!("name: {nlb}"),
        "type: network, scheme internet-facing, IP address type ipv4".into(),
        format!("VPC: {}", plan.vpc_id),
    ];
    let chosen: Vec<String> = match &plan.eips {
        crate::plan::EipChoice::Existing { allocation_ids } => allocation_ids.clone(),
        _ => vec![],
    };
    for (i, id) in plan.nlb_subnet_ids.iter().enumerate() {
        let eip = match &plan.eips {
            crate::plan::EipChoice::None => String::new(),
            crate::plan::EipChoice::New => " + a new Elastic IP".into(),
            crate::plan::EipChoice::Existing { .. } => match chosen.get(i) {
                Some(a) => {
                    let ip = inv
                        .elastic_ips
                        .addresses
                        .iter()
                        .find(|e| &e.allocation_id == a)
                        .map(|e| format!(" ({})", e.public_ip))
                        .unwrap_or_default();
                    format!(" + Elastic IP {a}{ip}")
                }
                None => " + (no Elastic IP given)".into(),
            },
        };
        lines.push(format!("subnet: {}{eip}", subnet_label(inv, id)));
    }
    lines.push(match &plan.eips {
    crate::plan::EipChoice::None => {
        "one public IPv4 per subnet, assigned by AWS (no Elastic IPs)".to_string()
    }
    crate::plan::EipChoice::New => format!(
        "{} Elastic IPs allocated now (SubnetMappings AllocationId), tagged with the plan; destroy keeps them unless --release-eips",
        plan.nlb_subnet_ids.len()
    ),
    crate::plan::EipChoice::Existing { .. } => {
        "your Elastic IPs (SubnetMappings AllocationId); destroy leaves them allocated".to_string()
    }
});
    lines.push(format!(
        "cross-zone load balancing: {}",
        if plan.settings.cross_zone {
            "on"
        } else {
            "off"
        }
    ));
    lines.push(format!("security group: {}", nlb_sg_name(plan)));
    lines.push(if plan.eips.is_elastic() {
        "its IPs are Elastic IPs: they stay the same even if the NLB is recreated".into()
    } else {
        "its IPs stay fixed as long as this NLB is not deleted and recreated".into()
    });
    lines.extend(tag_lines(plan, step::NLB));
    out.push(section(
        format!("{MARK_CREATE}  Network Load Balancer {nlb} (internet-facing)"),
        lines,
    ));
}

/// The TLS listener: the new one, or the adopted NLB's that changes.
fn listener(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let port = plan.settings.listener_port;
    let mut lines = vec![
        format!("protocol TLS, port {port}"),
        "default certificate:".into(),
        format!("  {}", plan.certificate_arn),
        format!("security policy: {}", plan.settings.ssl_policy),
        format!("ALPN policy: {}", plan.settings.alpn_policy),
        format!("default action: forward to {}", plan.target_group_name()),
    ];
    let existing = plan.adopt_nlb.as_ref().and_then(|arn| {
        inv.load_balancers
            .iter()
            .find(|l| &l.lb.arn == arn)
            .and_then(|l| l.listeners.iter().find(|x| x.port == port))
    });
    match existing {
        Some(l) => {
            out.push(section(
                format!("{MARK_CHANGE}  listener TLS:{port} on {}", plan.nlb_name()),
                vec![
                    format!("listener: {}", l.arn),
                    format!(
                        "will change: default action forward to {} (now {}; destroy puts it back)",
                        plan.target_group_name(),
                        l.target_group_arn.as_deref().unwrap_or("none")
                    ),
                ],
            ));
        }
        None => {
            lines.extend(tag_lines(plan, step::LISTENER));
            out.push(section(
                format!("{MARK_CREATE}  listener TLS:{port} on {}", plan.nlb_name()),
                lines,
            ));
        }
    }
}

/// The private zone: the new one, or the one reused.
fn private_zone(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let region = plan.region.as_str();
    let name = cx.name;
    match &plan.private_zone {
        PrivateZoneChoice::Create => {
            let mut lines = vec![
                format!("name: {name} (exactly the name: it shadows nothing else)"),
                format!("associated with: {} ({region}), at creation", plan.vpc_id),
                format!("comment: fixedip-tui {}", plan.id),
            ];
            lines.extend(tag_lines(plan, step::PRIVATE_ZONE));
            out.push(section(
                format!("{MARK_CREATE}  private hosted zone {name}"),
                lines,
            ));
        }
        PrivateZoneChoice::Existing { zone_id } => {
            let z = inv.hosted_zones.iter().find(|z| &z.id == zone_id);
            let zname = z.map(|z| z.name.trim_end_matches('.').to_string());
            let lines = match z {
                None => vec![format!("{zone_id}: not in the inventory")],
                Some(z) => {
                    let vpcs: Vec<String> = z
                        .vpcs
                        .iter()
                        .map(|v| format!("{} ({})", v.vpc_id, v.region))
                        .collect();
                    let mut l = list_lines("associated with: ", &vpcs);
                    if !z.vpcs.iter().any(|v| v.vpc_id == plan.vpc_id) {
                        l.push(format!(
                            "not associated with {}: see the findings",
                            plan.vpc_id
                        ));
                    }
                    l
                }
            };
            out.push(section(
                format!(
                    "{MARK_REUSE}  private hosted zone {} ({zone_id}) (reuse)",
                    zname.as_deref().unwrap_or("?")
                ),
                lines,
            ));
        }
    }
}

/// The records of the name in `zone` the apply would replace (A, AAAA, CNAME).
fn existing_records(cx: &Ctx<'_>, zone: Option<&str>) -> Vec<String> {
    let name = cx.name;
    cx.inv
        .records
        .iter()
        .filter(|r| {
            Some(r.zone_id.as_str()) == zone
                && r.name.trim_end_matches('.').eq_ignore_ascii_case(name)
                && ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str())
        })
        .map(|r| {
            let target = r
                .alias_target
                .clone()
                .unwrap_or_else(|| r.values.join(", "));
            format!("{} {} → {target}", r.record_type, r.name)
        })
        .collect()
}

/// The A alias record of the name in one zone.
fn record(
    cx: &Ctx<'_>,
    zone_label: String,
    zone: Option<&str>,
    target: &str,
    alias: Vec<String>,
    health: bool,
) -> ReviewSection {
    let (plan, name) = (cx.plan, cx.name);
    let old = existing_records(cx, zone);
    let mut lines = vec![
        format!("zone: {zone_label}"),
        format!("record: {name} A (alias)"),
    ];
    lines.extend(alias);
    lines.push(format!(
        "evaluate target health: {}",
        if health { "yes" } else { "no" }
    ));
    let mark = if old.is_empty() {
        MARK_CREATE
    } else {
        for o in &old {
            lines.push(if plan.replace_records {
                format!("replaces: {o} (destroy restores it)")
            } else {
                format!("exists: {o} (not replaced without an explicit choice)")
            });
        }
        if plan.replace_records {
            MARK_CHANGE
        } else {
            MARK_CREATE
        }
    };
    section(format!("{mark}  record {name} A → {target}"), lines)
}

/// The public record: the name → the NLB.
fn public_record(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let z = inv
        .hosted_zones
        .iter()
        .find(|z| z.id == plan.public_zone_id);
    let zone_label = match z {
        Some(z) => format!("{} ({}, public)", z.name.trim_end_matches('.'), z.id),
        None => format!("{} (not in the inventory)", plan.public_zone_id),
    };
    out.push(record(
        cx,
        zone_label,
        Some(plan.public_zone_id.as_str()),
        "the NLB",
        vec![format!(
            "alias target: {}'s DNS name and hosted zone (known after creation)",
            plan.nlb_name()
        )],
        true,
    ));
}

/// The private record: the name → the endpoint, inside the VPC.
fn private_record(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let name = cx.name;
    let reused_endpoint = cx.reused_endpoint;
    let endpoint_ref = &cx.endpoint_ref;
    let private_zone_id = cx.private_zone_id;
    let zone_label = match private_zone_id {
        Some(id) => format!("{id} (private)"),
        None => format!("{name} (private, the new zone)"),
    };
    let alias = match &reused_endpoint {
        Some(Ok(e)) => match regional_dns_entry(e) {
            Some(d) => vec![
                format!("alias target: {}", d.dns_name),
                format!(
                    "  hosted zone {} (the endpoint's regional name, not a zonal one)",
                    d.hosted_zone_id.as_deref().unwrap_or("?")
                ),
            ],
            None => vec![format!("alias target: {}'s regional DNS name", e.id)],
        },
        _ => vec![format!(
            "alias target: {endpoint_ref}'s regional DNS name (not a zonal one), known after \
             creation"
        )],
    };
    out.push(record(
        cx,
        zone_label,
        private_zone_id,
        "the endpoint (inside the VPC)",
        alias,
        false,
    ));
}

/// What it costs, per month.
fn cost(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let plan = cx.plan;
    let est = cost::estimate(plan);
    let mut lines: Vec<String> = est
        .lines
        .iter()
        .map(|l| {
            format!(
                "{:>8}/month  {}: {}",
                usd(l.monthly_usd),
                l.resource,
                l.detail
            )
        })
        .collect();
    lines.push(format!(
        "{:>8}/month  total of the new resources, plus the variable costs:",
        usd(est.total_monthly_usd)
    ));
    lines.extend(est.variable.iter().map(|v| format!("  + {v}")));
    lines.extend(est.notes.iter().map(|n| format!("note: {n}")));
    out.push(section("Cost (estimated, per month)".into(), lines));
}

/// Who can reach the API: from the internet, and inside the VPC.
fn who_can_reach(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let vpc = cx.vpc;
    let reused_endpoint = cx.reused_endpoint;
    let port = plan.settings.listener_port;
    let mut lines = Vec::new();
    if plan.allow_cidrs.is_empty() {
        lines.push(
            "From the internet: the whole internet. The NLB security group admits TCP from \
             0.0.0.0/0,"
                .into(),
        );
        lines.push(
            "  and the API's sourceVpc policy admits every request that came through the NLB."
                .into(),
        );
    } else {
        lines.extend(list_lines("From the internet: only ", &plan.allow_cidrs));
        lines.push(format!(
            "  (the NLB security group admits TCP {port} from these and drops everything else)"
        ));
    }
    let azs: Vec<String> = plan
        .nlb_subnet_ids
        .iter()
        .map(|id| {
            subnet(inv, id)
                .map(|s| s.az.clone())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    lines.push(format!(
        "Callers' firewalls must allow all {} fixed IPs, one per AZ ({}),",
        azs.len(),
        azs.join(", ")
    ));
    lines.push("  known once the NLB exists.".into());
    let cidrs: Vec<String> = plan
        .nlb_subnet_ids
        .iter()
        .map(|id| subnet(inv, id).map_or_else(|| id.clone(), |s| s.cidr.clone()))
        .collect();
    lines.push(format!(
        "Inside {}: the name resolves to the endpoint directly. Its new security group",
        plan.vpc_id
    ));
    let mut only = list_lines("  admits the NLB subnets ", &cidrs);
    if let Some(last) = only.last_mut() {
        last.push(';');
    }
    lines.extend(only);
    let inside: Vec<String> = plan
        .vpc_callers
        .iter()
        .map(|c| match crate::plan::VpcCaller::parse(c) {
            Ok(crate::plan::VpcCaller::WholeVpc) => format!(
                "the whole VPC ({})",
                vpc.map(|v| {
                    std::iter::once(v.cidr.clone())
                        .chain(v.secondary_cidrs.iter().cloned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "its CIDRs".into())
            ),
            Ok(crate::plan::VpcCaller::Group(g)) => format!("members of {g}"),
            _ => c.clone(),
        })
        .collect();
    if inside.is_empty() {
        lines.push("  and no caller inside the VPC: those time out (the post's setting).".into());
    } else {
        lines.extend(list_lines("  and callers inside the VPC: ", &inside));
    }
    if let Some(Ok(e)) = &reused_endpoint {
        if !e.security_group_ids.is_empty() {
            lines.push(format!(
                "  plus whatever its existing groups ({}) admit.",
                e.security_group_ids.join(", ")
            ));
        }
    }
    lines.push(
        "The API sees the NLB's private IPs, not the caller's: allow-list callers here, not in \
         the API."
            .into(),
    );
    out.push(section("Who can reach it".into(), lines));
}

/// The warnings and notes of `validate`.
fn warnings(cx: &Ctx<'_>, out: &mut Vec<ReviewSection>) {
    let (plan, inv) = (cx.plan, cx.inv);
    let findings = validate(plan, inv);
    let mut lines = Vec::new();
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        lines.push(format!(
            "{errors} error(s) block the apply: they are shown at their steps"
        ));
    }
    for f in findings.iter().filter(|f| f.severity != Severity::Error) {
        let kind = match f.severity {
            Severity::Warning if plan.acknowledged.iter().any(|c| c == f.code) => {
                "warning (acknowledged)"
            }
            Severity::Warning => "warning",
            _ => "note",
        };
        lines.push(format!(
            "{kind} [{}, {}]: {}",
            f.code,
            f.step.title(),
            f.message
        ));
        lines.push(format!("  fix: {}", f.fix));
    }
    if lines.is_empty() {
        lines.push("none".into());
    }
    out.push(section("Warnings and notes".into(), lines));
}

/// The sections as plain text: each title, its lines indented by two spaces, a blank line between.
pub fn render_text(sections: &[ReviewSection]) -> String {
    let mut s = String::new();
    for (i, sec) in sections.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&sec.title);
        s.push('\n');
        for l in &sec.lines {
            s.push_str("  ");
            s.push_str(l);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_wrap() {
        let items: Vec<String> = (0..30).map(|i| format!("10.0.{i}.0/24")).collect();
        let lines = list_lines("only ", &items);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
        assert!(lines[1].starts_with("     10."));
    }
}
