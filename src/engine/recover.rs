//! A setup rebuilt from the account alone, by its plan id: the plan (every field the account
//! holds) and a journal of what the plan made, for `status`, `verify`, `allow` and `destroy` on a
//! machine that never applied it, and `plan --from-account`.
//!
//! Two halves: `read` asks the account only targeted questions (the plan's tag on endpoints, APIs,
//! custom domains and Elastic IPs; the names the apply gives its NLB, target group and security
//! groups; the zones named like the plan's name), concurrently where they do not depend on each
//! other; `rebuild` is pure: what the account answered → the plan, the journal, and notes on what
//! could not be known (taken as its default). `reconcile` compares a kept plan with the rebuilt one.

use std::collections::BTreeSet;

use futures::future::{join_all, try_join_all};

use super::journal::Key;
use super::{Account, Journal, NodeId, NodeRecord, NodeStatus};
use crate::cloud::write::{ApiState, BasePathMapping, DomainNameState, SecurityGroup};
use crate::cloud::{execute_api_service, CloudResult};
use crate::domain::{
    tag_value, ElasticIp, HostedZone, InterfaceIp, ListenerState, LoadBalancerState, RecordSet,
    Tag, TargetGroupState, TargetHealth, VpcEndpoint,
};
use crate::plan::names::{self, TAG_MANAGED_BY, TAG_PLAN_ID, TAG_STEP, TAG_SUBNET};
use crate::plan::{
    ApiChoice, EipChoice, EndpointChoice, Plan, PrivateZoneChoice, Settings, VpcCaller,
    PLAN_VERSION, VPC_CALLERS_WHOLE_VPC,
};

/// What the account answered about one plan id.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub plan_id: String,
    pub account: String,
    pub region: String,
    /// The plan's own endpoint (its tag), or the reused one (it holds the plan's security group).
    pub endpoint: Option<Held<VpcEndpoint>>,
    pub endpoint_ips: Vec<InterfaceIp>,
    /// The plan's own API (its tag), or the adopted one (the custom domain maps to it).
    pub api: Option<Held<ApiState>>,
    pub domain: Option<DomainNameState>,
    pub mappings: Vec<BasePathMapping>,
    /// The plan's own target group (its name and tag), or the adopted one its NLB forwards to.
    pub target_group: Option<Held<TargetGroupState>>,
    pub targets: Vec<TargetHealth>,
    /// The plan's own NLB (its name and tag), or the adopted one forwarding to its target group.
    pub nlb: Option<Held<LoadBalancerState>>,
    /// The NLB's listener that forwards to the target group.
    pub listener: Option<ListenerState>,
    pub eips: Vec<ElasticIp>,
    pub endpoint_sg: Option<SecurityGroup>,
    pub nlb_sg: Option<SecurityGroup>,
    /// The public zone holding the name's A alias to the NLB, with that record.
    pub public_zone: Option<(HostedZone, RecordSet)>,
    /// The private zone of the name (the plan's own, or one associated with the VPC holding the
    /// alias to the endpoint), with that alias when it is there.
    pub private_zone: Option<Held<(HostedZone, Option<RecordSet>)>>,
}

/// Something of the plan's found in the account, and whether the plan made it or took over what
/// was there (an adopted NLB, target group or API, a reused endpoint, an existing private zone).
/// It reads as what was found (`Deref`).
#[derive(Debug, Clone)]
pub struct Held<T> {
    pub it: T,
    /// The plan made it (its destroy deletes it); false: taken over (put back, never deleted).
    pub made: bool,
}

impl<T> Held<T> {
    fn made(it: T) -> Self {
        Self { it, made: true }
    }

    fn taken(it: T) -> Self {
        Self { it, made: false }
    }
}

impl<T> std::ops::Deref for Held<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.it
    }
}

/// A plan rebuilt from the account.
#[derive(Debug, Clone)]
pub struct Recovered {
    pub plan: Plan,
    /// What the plan made, as the apply would have journaled it (no priors: those are only in the
    /// journal of the machine that applied).
    pub journal: Journal,
    /// What could not be known, and what was taken instead.
    pub notes: Vec<String>,
    /// The plan's fields (TOML keys, `settings.…` for a setting) the account could not say: a
    /// kept plan's values stand.
    pub unknown: BTreeSet<&'static str>,
}

/// Fields no resource of the account holds: a kept plan's values always stand for them.
pub const NEVER_IN_THE_ACCOUNT: [&str; 4] = [
    "enable_vpc_dns",
    "endpoint_ips",
    "replace_records",
    "acknowledged",
];

fn gone(state: &str) -> bool {
    ["deleted", "deleting", "failed", "rejected"]
        .iter()
        .any(|s| state.eq_ignore_ascii_case(s))
}

fn ours(tags: &[Tag], plan_id: &str) -> bool {
    tags.iter()
        .any(|t| t.key == TAG_PLAN_ID && t.value == plan_id)
}

fn same_dns(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// Ask the account what it holds of plan `plan_id` (targeted reads, concurrent where they can be).
pub async fn read(cloud: &dyn Account, plan_id: &str) -> CloudResult<Answers> {
    let (tg_name, nlb_name) = (
        names::own_target_group_name(plan_id),
        names::own_nlb_name(plan_id),
    );
    let (who, endpoints, apis, domains, tg, nlb, eips) = futures::try_join!(
        cloud.caller_identity(),
        cloud.find_vpc_endpoints_by_tag(TAG_PLAN_ID, plan_id),
        cloud.find_rest_apis_by_tag(TAG_PLAN_ID, plan_id),
        cloud.find_domain_names_by_tag(TAG_PLAN_ID, plan_id),
        cloud.find_target_group(&tg_name),
        cloud.find_load_balancer(&nlb_name),
        cloud.find_addresses_by_tag(TAG_PLAN_ID, plan_id),
    )?;
    let mut a = Answers {
        plan_id: plan_id.to_string(),
        account: who.account,
        region: cloud.target().region,
        endpoint: endpoints
            .into_iter()
            .find(|e| !gone(&e.state))
            .map(Held::made),
        api: apis.into_iter().next().map(Held::made),
        domain: domains.into_iter().next(),
        target_group: tg.filter(|t| ours(&t.tags, plan_id)).map(Held::made),
        nlb: nlb.filter(|l| ours(&l.tags, plan_id)).map(Held::made),
        eips,
        ..Answers::default()
    };
    read_around(cloud, &mut a).await?;
    read_zones(cloud, &mut a).await?;
    Ok(a)
}

/// What hangs on the tagged and named resources: security groups, listener, mappings, targets, a
/// reused endpoint, an adopted API, NLB or target group, the endpoint's IPs.
async fn read_around(cloud: &dyn Account, a: &mut Answers) -> CloudResult<()> {
    let id = a.plan_id.clone();
    let vpc = [
        a.endpoint.as_ref().map(|e| &e.vpc_id),
        a.target_group.as_ref().map(|t| &t.vpc_id),
        a.nlb.as_ref().map(|l| &l.vpc_id),
    ]
    .into_iter()
    .flatten()
    .find(|v| !v.is_empty())
    .cloned()
    .unwrap_or_default();
    let (endpoint_sg_name, nlb_sg_name) =
        (names::endpoint_sg_name_of(&id), names::nlb_sg_name_of(&id));
    let (endpoint_sg, nlb_sg, listeners, mappings) = futures::try_join!(
        async {
            if vpc.is_empty() {
                Ok(None)
            } else {
                cloud.find_security_group(&vpc, &endpoint_sg_name).await
            }
        },
        async {
            if vpc.is_empty() {
                Ok(None)
            } else {
                cloud.find_security_group(&vpc, &nlb_sg_name).await
            }
        },
        async {
            match &a.nlb {
                Some(l) => cloud.describe_listeners(&l.arn).await,
                None => Ok(vec![]),
            }
        },
        async {
            match &a.domain {
                Some(d) => cloud.get_base_path_mappings(&d.name).await,
                None => Ok(vec![]),
            }
        },
    )?;
    a.endpoint_sg = endpoint_sg.filter(|g| ours(&g.tags, &id));
    a.nlb_sg = nlb_sg.filter(|g| ours(&g.tags, &id));
    a.mappings = mappings;
    adopted_elb(cloud, a, listeners).await?;
    if a.endpoint.is_none() {
        a.endpoint = reused_endpoint(cloud, a).await?.map(Held::taken);
    }
    if a.api.is_none() {
        let mapped = a.mappings.first().map(|m| m.rest_api_id.clone());
        if let Some(api) = mapped {
            a.api = cloud.get_rest_api(&api).await?.map(Held::taken);
        }
    }
    let enis = a
        .endpoint
        .as_ref()
        .map(|e| e.network_interface_ids.clone())
        .unwrap_or_default();
    let tg = a.target_group.as_ref().map(|t| t.arn.clone());
    let (ips, targets) = futures::try_join!(
        async {
            if enis.is_empty() {
                Ok(vec![])
            } else {
                cloud.interface_ips(&enis).await
            }
        },
        async {
            match &tg {
                Some(arn) => cloud.target_health(arn).await,
                None => Ok(vec![]),
            }
        },
    )?;
    a.endpoint_ips = ips;
    a.targets = targets;
    Ok(())
}

/// The listener forwarding to the plan's target group; an adopted target group (what the
/// plan's NLB forwards to) or an adopted NLB (the one forwarding to the plan's target group).
async fn adopted_elb(
    cloud: &dyn Account,
    a: &mut Answers,
    listeners: Vec<ListenerState>,
) -> CloudResult<()> {
    match (&a.nlb, &a.target_group) {
        (Some(_), Some(tg)) => {
            a.listener = listeners
                .into_iter()
                .find(|l| l.target_group_arn.as_deref() == Some(tg.arn.as_str()));
        }
        (Some(_), None) => {
            a.listener = listeners.into_iter().find(|l| l.target_group_arn.is_some());
            let arn = a.listener.as_ref().and_then(|l| l.target_group_arn.clone());
            if let Some(name) = arn.as_deref().and_then(crate::plan::elb_arn_name) {
                a.target_group = cloud.find_target_group(&name).await?.map(Held::taken);
            }
        }
        (None, Some(tg)) => {
            // Only when the plan made no NLB: the region's NLBs with their listeners.
            let inv = cloud.elb_inventory().await?;
            for n in inv.load_balancers {
                let l = n
                    .listeners
                    .into_iter()
                    .find(|l| l.target_group_arn.as_deref() == Some(tg.arn.as_str()));
                if l.is_some() {
                    a.listener = l;
                    a.nlb = Some(Held::taken(n.lb));
                    break;
                }
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// The execute-api endpoint of the VPC that holds the plan's endpoint security group (a plan
/// that reuses an endpoint adds its group to it).
async fn reused_endpoint(cloud: &dyn Account, a: &Answers) -> CloudResult<Option<VpcEndpoint>> {
    let Some(sg) = &a.endpoint_sg else {
        return Ok(None);
    };
    let service = execute_api_service(&a.region);
    let mut token = None;
    for _ in 0..100 {
        let page = cloud.list_vpc_endpoints(&service, token).await?;
        if let Some(e) = page
            .items
            .into_iter()
            .find(|e| e.vpc_id == sg.vpc_id && e.security_group_ids.contains(&sg.id))
        {
            return Ok(Some(e));
        }
        token = page.next;
        if token.is_none() {
            break;
        }
    }
    Ok(None)
}

/// The name and each parent domain: where the public and private zones of the name can be.
fn zone_names(name: &str) -> Vec<String> {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .collect()
}

/// The public zone holding the name's alias to the NLB, and the private zone of the name.
async fn read_zones(cloud: &dyn Account, a: &mut Answers) -> CloudResult<()> {
    let Some(name) = a.domain.as_ref().map(|d| d.name.clone()) else {
        return Ok(());
    };
    let zones: Vec<HostedZone> =
        try_join_all(zone_names(&name).iter().map(|z| cloud.zones_named(z)))
            .await?
            .into_iter()
            .flatten()
            .collect();
    let records = join_all(zones.iter().map(|z| cloud.list_records(&z.id, &name))).await;
    let nlb_dns = a
        .nlb
        .as_ref()
        .map(|l| l.dns_name.clone())
        .unwrap_or_default();
    let endpoint_dns = a
        .endpoint
        .as_ref()
        .and_then(|e| names::regional_dns_entry(e).or(e.dns_entries.first()))
        .map(|d| d.dns_name.clone())
        .unwrap_or_default();
    let alias_to = |recs: &[RecordSet], target: &str| {
        recs.iter()
            .find(|r| {
                r.record_type == "A"
                    && !target.is_empty()
                    && r.alias_target
                        .as_deref()
                        .is_some_and(|t| same_dns(t, target))
            })
            .cloned()
    };
    let own_comment = names::own_zone_comment_prefix(&a.plan_id);
    let vpc = a
        .endpoint_sg
        .as_ref()
        .map(|g| g.vpc_id.clone())
        .unwrap_or_default();
    for (z, recs) in zones.iter().zip(records) {
        let recs = recs.unwrap_or_default();
        if !z.private {
            if a.public_zone.is_none() {
                if let Some(r) = alias_to(&recs, &nlb_dns) {
                    a.public_zone = Some((z.clone(), r));
                }
            }
            continue;
        }
        let own = z
            .comment
            .as_deref()
            .is_some_and(|c| c.starts_with(&own_comment));
        let alias = alias_to(&recs, &endpoint_dns);
        if own {
            a.private_zone = Some(Held::made((z.clone(), alias)));
        } else if a.private_zone.is_none() && alias.is_some() {
            // An existing zone: the one associated with the plan's VPC.
            let full = cloud.get_hosted_zone(&z.id).await?;
            if vpc.is_empty() || full.vpcs.iter().any(|v| v.vpc_id == vpc) {
                a.private_zone = Some(Held::taken((full, alias)));
            }
        }
    }
    Ok(())
}

/// The plan's own tags (those of any resource it made, the tool's own keys aside).
fn plan_tags(a: &Answers) -> std::collections::BTreeMap<String, String> {
    let tool = [TAG_MANAGED_BY, TAG_PLAN_ID, TAG_STEP, TAG_SUBNET];
    let sources: [Option<&Vec<Tag>>; 5] = [
        a.nlb.as_ref().filter(|l| l.made).map(|l| &l.tags),
        a.target_group.as_ref().filter(|t| t.made).map(|t| &t.tags),
        a.domain.as_ref().map(|d| &d.tags),
        a.endpoint.as_ref().filter(|e| e.made).map(|e| &e.tags),
        a.api.as_ref().filter(|x| x.made).map(|x| &x.tags),
    ];
    sources
        .into_iter()
        .flatten()
        .next()
        .map(|tags| {
            tags.iter()
                .filter(|t| !tool.contains(&t.key.as_str()))
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// `vpc_callers` from the endpoint security group's rules (their descriptions say whence).
fn vpc_callers(sg: &SecurityGroup) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &sg.ingress {
        let caller = if r.description.starts_with(names::RULE_WHOLE_VPC) {
            VPC_CALLERS_WHOLE_VPC.to_string()
        } else if r.description.starts_with(names::RULE_VPC_CALLER) {
            r.source.clone()
        } else {
            continue;
        };
        if !out.contains(&caller) {
            out.push(caller);
        }
    }
    out
}

/// `allow_cidrs` from the NLB security group's rules (anywhere: none).
fn allow_cidrs(sg: &SecurityGroup) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &sg.ingress {
        if r.source != names::ANYWHERE && !out.contains(&r.source) {
            out.push(r.source.clone());
        }
    }
    out
}

/// The settings the NLB, its listener, the target group and the custom domain hold; one the
/// account does not report is its default (a kept plan's value stands).
fn settings(a: &Answers, u: &mut Unsure) -> Settings {
    let d = Settings::default();
    let l = a.listener.as_ref();
    let mut or_default = |field: &'static str, found: Option<String>, default: String| {
        found.filter(|v| !v.is_empty()).unwrap_or_else(|| {
            u.field(field, "not reported by the account");
            default
        })
    };
    let ssl_policy = or_default(
        "settings.ssl_policy",
        l.and_then(|l| l.ssl_policy.clone()),
        d.ssl_policy,
    );
    let alpn_policy = or_default(
        "settings.alpn_policy",
        l.and_then(|l| l.alpn_policy.first().cloned()),
        d.alpn_policy,
    );
    let health_check_protocol = or_default(
        "settings.health_check_protocol",
        a.target_group
            .as_ref()
            .map(|t| t.health_check_protocol.clone()),
        d.health_check_protocol,
    );
    let domain_security_policy = or_default(
        "settings.domain_security_policy",
        a.domain.as_ref().map(|x| x.security_policy.clone()),
        d.domain_security_policy,
    );
    let cross_zone = match a.nlb.as_ref().filter(|x| x.made) {
        Some(l) => l.cross_zone,
        None => Some(d.cross_zone),
    };
    if cross_zone.is_none() || l.is_none() {
        u.field("settings.cross_zone", "not reported by the account");
    }
    if l.is_none() {
        u.field(
            "settings.listener_port",
            "no listener forwards to the plan's target group",
        );
    }
    Settings {
        listener_port: l.map_or(d.listener_port, |l| l.port),
        ssl_policy,
        alpn_policy,
        cross_zone: cross_zone.unwrap_or(d.cross_zone),
        health_check_protocol,
        domain_security_policy,
    }
}

/// The Elastic IPs: the plan's own (tagged), the NLB's others (the user's), or none.
fn eips(a: &Answers) -> EipChoice {
    if !a.eips.is_empty() {
        EipChoice::New
    } else {
        match &a.nlb {
            Some(l) if l.made && !l.eip_allocations.is_empty() => EipChoice::Existing {
                allocation_ids: l.eip_allocations.clone(),
            },
            _ => EipChoice::None,
        }
    }
}

/// What could not be known: the fields, and a note for each.
struct Unsure {
    unknown: BTreeSet<&'static str>,
    notes: Vec<String>,
}

impl Unsure {
    fn field(&mut self, field: &'static str, why: &str) {
        self.unknown.insert(field);
        self.notes
            .push(format!("{field}: {why} (taken as its default)"));
    }
}

fn vpc_of(a: &Answers, u: &mut Unsure) -> String {
    let vpc = [
        a.endpoint.as_ref().map(|e| e.vpc_id.clone()),
        a.endpoint_sg.as_ref().map(|g| g.vpc_id.clone()),
        a.target_group.as_ref().map(|t| t.vpc_id.clone()),
        a.nlb.as_ref().map(|l| l.vpc_id.clone()),
    ]
    .into_iter()
    .flatten()
    .find(|v| !v.is_empty())
    .unwrap_or_default();
    if vpc.is_empty() {
        u.field(
            "vpc_id",
            "no endpoint, security group, target group or NLB of the plan is left",
        );
    }
    vpc
}

fn endpoint_of(a: &Answers, u: &mut Unsure) -> EndpointChoice {
    match &a.endpoint {
        Some(e) if !e.made => EndpointChoice::Reuse {
            vpc_endpoint_id: e.id.clone(),
        },
        Some(e) => EndpointChoice::Create {
            subnet_ids: e.subnet_ids.clone(),
            allow_public_subnets: false,
        },
        None => {
            u.field(
                "endpoint",
                "the plan's execute-api endpoint is not in the account",
            );
            EndpointChoice::Create {
                subnet_ids: vec![],
                allow_public_subnets: false,
            }
        }
    }
}

/// The API, its stage and the base path the custom domain maps to it.
fn api_of(a: &Answers, u: &mut Unsure) -> (ApiChoice, String, Option<String>) {
    let api = match &a.api {
        Some(x) if !x.made => ApiChoice::Adopt {
            rest_api_id: x.id.clone(),
        },
        Some(x) => ApiChoice::Create {
            name: x.name.clone(),
        },
        None => {
            u.field(
                "api",
                "no REST API of the plan, and the custom domain maps to none",
            );
            ApiChoice::Create {
                name: String::new(),
            }
        }
    };
    let api_id = a.api.as_ref().map(|x| x.id.clone()).unwrap_or_default();
    let mapping = a
        .mappings
        .iter()
        .find(|m| m.rest_api_id == api_id)
        .or(a.mappings.first());
    let stage = match (mapping, &a.api) {
        (Some(m), _) => m.stage.clone(),
        (None, Some(x)) if x.stages.len() == 1 => x.stages[0].0.clone(),
        _ => {
            u.field("stage", "the custom domain maps to no stage");
            "prod".into()
        }
    };
    let base_path = mapping
        .map(|m| m.base_path.clone())
        .filter(|b| !b.is_empty() && b != "(none)");
    (api, stage, base_path)
}

/// The public zone's id and the private zone.
fn zones_of(a: &Answers, u: &mut Unsure) -> (String, PrivateZoneChoice) {
    let public = match &a.public_zone {
        Some((z, _)) => z.id.clone(),
        None => {
            u.field(
                "public_zone_id",
                "no public zone of the name holds its A alias to the plan's NLB",
            );
            String::new()
        }
    };
    let private = match &a.private_zone {
        Some(p) if !p.made => PrivateZoneChoice::Existing {
            zone_id: p.it.0.id.clone(),
        },
        Some(_) => PrivateZoneChoice::Create,
        None => {
            u.field(
                "private_zone",
                "neither the plan's private zone nor one holding the alias to its endpoint was found",
            );
            PrivateZoneChoice::Create
        }
    };
    (public, private)
}

/// Who may call: the in-VPC callers and the NLB's allow-list.
fn callers_of(a: &Answers, u: &mut Unsure) -> (Vec<String>, Vec<String>) {
    let inside = match &a.endpoint_sg {
        Some(g) => vpc_callers(g),
        None => {
            u.field(
                "vpc_callers",
                "the plan's endpoint security group is not in the account",
            );
            crate::plan::default_vpc_callers()
        }
    };
    let outside = match &a.nlb_sg {
        Some(g) => allow_cidrs(g),
        None if a.nlb.as_ref().is_some_and(|l| !l.made) => vec![],
        None => {
            u.field(
                "allow_cidrs",
                "the plan's NLB security group is not in the account",
            );
            vec![]
        }
    };
    (inside, outside)
}

/// Rebuild the plan and its journal from what the account answered. An error when the account
/// holds nothing that names the plan (its custom domain carries the name).
pub fn rebuild(a: &Answers) -> Result<Recovered, String> {
    let id = &a.plan_id;
    let Some(domain) = &a.domain else {
        return Err(nothing_found(a));
    };
    let mut u = Unsure {
        unknown: NEVER_IN_THE_ACCOUNT.into_iter().collect(),
        notes: vec![format!(
            "not kept in the account, taken as their defaults: {} (a kept plan's values stand)",
            NEVER_IN_THE_ACCOUNT.join(", ")
        )],
    };
    let vpc_id = vpc_of(a, &mut u);
    let endpoint = endpoint_of(a, &mut u);
    let nlb_subnet_ids = match &a.nlb {
        Some(l) => l.subnet_ids.clone(),
        None => {
            u.field("nlb_subnet_ids", "the plan's NLB is not in the account");
            // Nor is the NLB it adopted, if it adopted one (nothing of the plan points at it).
            u.unknown.insert("adopt_nlb");
            u.unknown.insert("eips");
            vec![]
        }
    };
    if a.target_group.is_none() {
        u.field(
            "adopt_target_group",
            "neither the plan's target group nor one its NLB forwards to is in the account",
        );
    }
    let (api, stage, base_path) = api_of(a, &mut u);
    let (public_zone_id, private_zone) = zones_of(a, &mut u);
    let (vpc_callers, allow_cidrs) = callers_of(a, &mut u);
    let settings = settings(a, &mut u);
    let certificate_arn = Some(domain.certificate_arn.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| {
            a.listener
                .as_ref()
                .and_then(|l| l.certificate_arns.first().cloned())
        })
        .unwrap_or_default();
    let plan = Plan {
        version: PLAN_VERSION,
        id: id.clone(),
        account: a.account.clone(),
        region: a.region.clone(),
        vpc_id,
        enable_vpc_dns: false,
        endpoint,
        nlb_subnet_ids,
        name: domain.name.clone(),
        certificate_arn,
        api,
        stage,
        base_path,
        eips: eips(a),
        endpoint_ips: Default::default(),
        adopt_nlb: a.nlb.as_ref().filter(|x| !x.made).map(|l| l.arn.clone()),
        adopt_target_group: a
            .target_group
            .as_ref()
            .filter(|x| !x.made)
            .map(|t| t.arn.clone()),
        allow_cidrs,
        vpc_callers,
        public_zone_id,
        private_zone,
        replace_records: false,
        tags: plan_tags(a),
        acknowledged: vec![],
        settings,
    };
    if crate::plan::plan_id(&plan.account, &plan.region, &plan.name) != *id {
        u.notes.push(format!(
            "the custom domain {} of account {} in {} does not give the id {id}: it was planned elsewhere",
            plan.name, plan.account, plan.region
        ));
    }
    u.notes.push(
        "what the apply changed of what it did not make (records it replaced, an adopted API's settings, the VPC's DNS attributes) is kept only in the journal of the machine that applied it: a destroy from here removes what the plan made but cannot put those back".into(),
    );
    let journal = journal_of(a, &plan);
    Ok(Recovered {
        plan,
        journal,
        notes: u.notes,
        unknown: u.unknown,
    })
}

/// Why there is nothing to rebuild, and what was found.
fn nothing_found(a: &Answers) -> String {
    let mut found: Vec<String> = Vec::new();
    if let Some(e) = a.endpoint.as_ref().filter(|x| x.made) {
        found.push(format!("endpoint {}", e.id));
    }
    if let Some(x) = a.api.as_ref().filter(|x| x.made) {
        found.push(format!("REST API {}", x.id));
    }
    if let Some(t) = a.target_group.as_ref().filter(|x| x.made) {
        found.push(format!("target group {}", t.name));
    }
    if let Some(l) = a.nlb.as_ref().filter(|x| x.made) {
        found.push(format!("NLB {}", l.name));
    }
    for e in &a.eips {
        found.push(format!("Elastic IP {}", e.public_ip));
    }
    if found.is_empty() {
        format!(
            "nothing in account {} ({}) carries the tag {TAG_PLAN_ID}={}: is {} the id `apply` printed, and {} the region it was applied in (--region)?",
            a.account, a.region, a.plan_id, a.plan_id, a.region
        )
    } else {
        format!(
            "the custom domain of plan {} is not in account {} ({}), so its name cannot be known; left of it: {} — destroy it with the plan file (`destroy --plan FILE --yes`)",
            a.plan_id,
            a.account,
            a.region,
            found.join(", ")
        )
    }
}

/// The journal the apply would have written for what the account holds (every step found is
/// done; nothing is kept of what the apply replaced).
fn journal_of(a: &Answers, plan: &Plan) -> Journal {
    let mut j = Journal::new(&a.plan_id);
    let mut put = |n: NodeId, id: &str, owned: bool, data: &[(Key, String)]| {
        let mut r = NodeRecord {
            status: NodeStatus::Done,
            id: Some(id.to_string()),
            owned,
            data: Default::default(),
        };
        for (k, v) in data {
            r.set(*k, v.clone());
        }
        j.nodes.insert(n, r);
    };
    if let Some(g) = &a.endpoint_sg {
        put(NodeId::EndpointSg, &g.id, true, &[]);
    }
    if let Some(g) = &a.nlb_sg {
        put(NodeId::NlbSg, &g.id, true, &[]);
    }
    // As the apply records it: the regional name, else the first the endpoint reports.
    let endpoint_dns = a
        .endpoint
        .as_ref()
        .and_then(|e| names::regional_dns_entry(e).or(e.dns_entries.first()));
    if let Some(e) = &a.endpoint {
        let added: Vec<(Key, String)> = match (&a.endpoint_sg, !e.made) {
            (Some(g), true) => vec![(Key::AddedSecurityGroup, g.id.clone())],
            _ => vec![],
        };
        put(NodeId::Endpoint, &e.id, e.made, &added);
        let ips: Vec<String> = a.endpoint_ips.iter().map(|i| i.ip.clone()).collect();
        let mut data = vec![(Key::Ips, ips.join(","))];
        if let Some(d) = endpoint_dns {
            data.push((Key::Dns, d.dns_name.clone()));
            data.push((Key::DnsZone, d.hosted_zone_id.clone().unwrap_or_default()));
        }
        put(NodeId::EndpointReady, &e.id, false, &data);
    }
    if let Some(x) = &a.api {
        put(NodeId::Api, &x.id, x.made, &[]);
        if x.made {
            put(NodeId::Ping, &format!("{}/ping", x.id), false, &[]);
        }
        if let Some((_, dep)) = x.stages.iter().find(|(s, _)| s == &plan.stage) {
            put(
                NodeId::Deployment,
                dep,
                false,
                &[(Key::Stage, plan.stage.clone())],
            );
        }
    }
    if let Some(d) = &a.domain {
        put(
            NodeId::Domain,
            &d.name,
            true,
            &[(Key::RegionalDns, d.regional_dns_name.clone())],
        );
        let want = plan.base_path.clone().unwrap_or_else(|| "(none)".into());
        if a.mappings.iter().any(|m| m.base_path == want) {
            put(NodeId::Mapping, &format!("{}/{want}", d.name), true, &[]);
        }
    }
    journal_of_elb(a, &mut put);
    if let Some(p) = &a.private_zone {
        let (z, alias) = &p.it;
        put(NodeId::PrivateZone, &z.id, p.made, &[]);
        if let (Some(_), Some(d)) = (alias, endpoint_dns) {
            let id = format!("{}/{}", z.id, plan.name);
            put(
                NodeId::PrivateRecord,
                &id,
                true,
                &[(Key::AliasTarget, d.dns_name.clone())],
            );
        }
    }
    if let (Some((z, _)), Some(l)) = (&a.public_zone, &a.nlb) {
        let id = format!("{}/{}", z.id, plan.name);
        let target = [(Key::AliasTarget, l.dns_name.clone())];
        put(NodeId::PublicRecord, &id, true, &target);
    }
    j
}

/// The target group, its targets, the NLB, its listener and the Elastic IPs, as journaled.
fn journal_of_elb(a: &Answers, put: &mut impl FnMut(NodeId, &str, bool, &[(Key, String)])) {
    if let Some(t) = &a.target_group {
        put(NodeId::TargetGroup, &t.arn, t.made, &[]);
        // What the plan registered: the endpoint's IPs among the targets.
        let ips: Vec<String> = a
            .targets
            .iter()
            .map(|t| t.ip.clone())
            .filter(|ip| a.endpoint_ips.iter().any(|e| &e.ip == ip))
            .collect();
        if !ips.is_empty() {
            put(NodeId::Targets, &t.arn, true, &[(Key::Ips, ips.join(","))]);
        }
    }
    if let Some(l) = &a.nlb {
        let data = [
            (Key::Dns, l.dns_name.clone()),
            (Key::Zone, l.canonical_hosted_zone_id.clone()),
            (Key::Addresses, l.addresses.join(",")),
        ];
        put(NodeId::Nlb, &l.arn, l.made, &data);
        if let Some(li) = &a.listener {
            // On an adopted NLB, whether the plan added the listener or redirected one is only in
            // the applying machine's journal: taken as redirected (destroy leaves it).
            put(NodeId::Listener, &li.arn, l.made, &[]);
        }
    }
    let (pairs, owned): (Vec<(String, String, String)>, bool) = if a.eips.is_empty() {
        let l = a.nlb.as_ref().filter(|x| x.made);
        let pairs = l
            .map(|l| {
                l.subnet_ids
                    .iter()
                    .zip(&l.eip_allocations)
                    .map(|(s, al)| (s.clone(), al.clone(), String::new()))
                    .collect()
            })
            .unwrap_or_default();
        (pairs, false)
    } else {
        let pairs = a
            .eips
            .iter()
            .map(|e| {
                let subnet = tag_value(&e.tags, TAG_SUBNET)
                    .unwrap_or_default()
                    .to_string();
                (subnet, e.allocation_id.clone(), e.public_ip.clone())
            })
            .collect();
        (pairs, true)
    };
    if !pairs.is_empty() {
        let ids: Vec<String> = pairs.iter().map(|(_, al, _)| al.clone()).collect();
        let allocations: Vec<String> = pairs.iter().map(|(s, al, _)| format!("{s}={al}")).collect();
        let ips: Vec<String> = pairs
            .iter()
            .map(|(_, _, ip)| ip.clone())
            .filter(|ip| !ip.is_empty())
            .collect();
        let data = [
            (Key::Allocations, allocations.join(",")),
            (Key::Ips, ips.join(",")),
        ];
        put(NodeId::Eips, &ids.join(","), owned, &data);
    }
}

/// Lists that mean the same whatever their order (or spelling of a CIDR): the kept plan's.
fn same_set(kept: &serde_json::Value, account: &serde_json::Value) -> bool {
    let norm = |v: &serde_json::Value| -> Option<BTreeSet<String>> {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .map(|x| match VpcCaller::parse(x) {
                    Ok(VpcCaller::Cidr(n)) => n.trunc().to_string(),
                    _ => x.to_string(),
                })
                .collect()
        })
    };
    norm(kept).is_some() && norm(kept) == norm(account)
}

/// Each leaf of `account` that differs from `kept`, by its path (`settings.ssl_policy`).
fn differences(
    path: &str,
    kept: &serde_json::Value,
    account: &serde_json::Value,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    match (kept, account) {
        (Value::Object(k), Value::Object(a)) => {
            let keys: BTreeSet<&String> = k.keys().chain(a.keys()).collect();
            for key in keys {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                differences(
                    &sub,
                    k.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (k, a) if k != a => out.push(format!(
            "{path}: the kept plan says {k}, the account says {a}"
        )),
        _ => {}
    }
}

/// The plan to go on from: the account's, with the kept plan's values where the account cannot
/// say (and where a list differs only in order); and each field where they disagree.
pub fn reconcile(kept: &Plan, recovered: &Recovered) -> (Plan, Vec<String>) {
    let (Ok(mut k), Ok(mut a)) = (
        serde_json::to_value(kept),
        serde_json::to_value(&recovered.plan),
    ) else {
        return (recovered.plan.clone(), vec![]);
    };
    for field in &recovered.unknown {
        let (parent, last) = match field.rsplit_once('.') {
            Some((p, l)) => (format!("/{}", p.replace('.', "/")), l),
            None => (String::new(), *field),
        };
        let kv = k.pointer(&format!("{parent}/{last}")).cloned();
        // Set, or added where the account's plan has no such key (an adopted NLB's ARN).
        if let (Some(kv), Some(obj)) = (kv, a.pointer_mut(&parent).and_then(|p| p.as_object_mut()))
        {
            obj.insert(last.to_string(), kv);
        }
    }
    for path in [
        "/nlb_subnet_ids",
        "/vpc_callers",
        "/allow_cidrs",
        "/endpoint/subnet_ids",
        "/eips/allocation_ids",
    ] {
        if let (Some(kv), Some(av)) = (k.pointer(path).cloned(), a.pointer_mut(path)) {
            if same_set(&kv, av) {
                *av = kv;
            }
        }
    }
    // Whether public subnets were accepted for the endpoint is the plan's alone.
    if let (Some(kv), Some(av)) = (
        k.pointer("/endpoint/allow_public_subnets").cloned(),
        a.pointer_mut("/endpoint/allow_public_subnets"),
    ) {
        *av = kv;
    }
    // Plans written before a field existed: its default is no difference.
    if let Some(obj) = k.as_object_mut() {
        for (key, v) in a.as_object().into_iter().flatten() {
            obj.entry(key.clone()).or_insert_with(|| v.clone());
        }
    }
    let mut diffs = Vec::new();
    differences("", &k, &a, &mut diffs);
    let plan = serde_json::from_value(a).unwrap_or_else(|_| recovered.plan.clone());
    (plan, diffs)
}
