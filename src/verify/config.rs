//! The configuration half of `verify`: read what the plan created (through the traits, so it runs
//! the same on AWS, moto and the simulated account), then judge it with a pure function.

use std::collections::BTreeSet;

use super::{Check, CheckState};
use crate::cloud::write::{ApiState, BasePathMapping, DomainNameState};
use crate::cloud::CloudError;
use crate::domain::InterfaceIp;
use crate::domain::{HostedZone, RecordSet, VpcEndpoint};
use crate::domain::{ListenerState, LoadBalancerState, TargetHealth};
use crate::engine::{Account, Journal, NodeId};
use crate::plan::{ApiChoice, EndpointChoice, Plan, PrivateZoneChoice};

/// A read: `Err` when the call failed (the check says so), `Ok(None)` when the thing is absent.
pub type Read<T> = Result<Option<T>, String>;

fn read<T>(r: Result<Option<T>, CloudError>) -> Read<T> {
    r.map_err(|e| format!("{e} → {}", e.hint()))
}

/// What the account says, gathered concurrently.
#[derive(Debug, Clone)]
pub struct Facts {
    pub nlb: Option<LoadBalancerState>,
    pub nlb_read: Read<LoadBalancerState>,
    pub listeners: Read<Vec<ListenerState>>,
    pub target_group_arn: Option<String>,
    pub health: Read<Vec<TargetHealth>>,
    pub endpoint_id: Option<String>,
    pub endpoint: Read<VpcEndpoint>,
    pub eni_ips: Read<Vec<InterfaceIp>>,
    pub api_id: Option<String>,
    pub api: Read<ApiState>,
    pub domain: Read<DomainNameState>,
    pub mappings: Read<Vec<BasePathMapping>>,
    pub public_records: Read<Vec<RecordSet>>,
    pub private_zone_id: Option<String>,
    pub private_zone: Read<HostedZone>,
    pub private_records: Read<Vec<RecordSet>>,
}

/// The endpoint, API and private zone the plan uses: made by the apply (the journal) or chosen
/// existing in the plan; `None` when neither knows one.
fn known_ids(plan: &Plan, journal: &Journal) -> (Option<String>, Option<String>, Option<String>) {
    let endpoint_id =
        journal
            .id_of(NodeId::Endpoint)
            .map(str::to_string)
            .or(match &plan.endpoint {
                EndpointChoice::Reuse { vpc_endpoint_id } => Some(vpc_endpoint_id.clone()),
                EndpointChoice::Create { .. } => None,
            });
    let api_id = journal
        .id_of(NodeId::Api)
        .map(str::to_string)
        .or(match &plan.api {
            ApiChoice::Adopt { rest_api_id } => Some(rest_api_id.clone()),
            ApiChoice::Create { .. } => None,
        });
    let private_zone_id =
        journal
            .id_of(NodeId::PrivateZone)
            .map(str::to_string)
            .or(match &plan.private_zone {
                PrivateZoneChoice::Existing { zone_id } => Some(zone_id.clone()),
                PrivateZoneChoice::Create => None,
            });
    (endpoint_id, api_id, private_zone_id)
}

pub async fn gather(cloud: &dyn Account, plan: &Plan, journal: &Journal) -> Facts {
    let (endpoint_id, api_id, private_zone_id) = known_ids(plan, journal);
    let nlb_side = async {
        let nlb_read = read(cloud.find_load_balancer(&plan.nlb_name()).await);
        let listeners = match &nlb_read {
            Ok(Some(lb)) => read(cloud.describe_listeners(&lb.arn).await.map(Some)),
            _ => Ok(None),
        };
        (nlb_read, listeners)
    };
    let tg_side = async {
        let arn = match journal.id_of(NodeId::TargetGroup) {
            Some(a) => Some(a.to_string()),
            None => cloud
                .find_target_group(&plan.target_group_name())
                .await
                .ok()
                .flatten()
                .map(|t| t.arn),
        };
        let health = match &arn {
            Some(a) => read(cloud.target_health(a).await.map(Some)),
            None => Ok(None),
        };
        (arn, health)
    };
    let endpoint_side = async {
        let ep = match &endpoint_id {
            Some(id) => read(cloud.describe_vpc_endpoint(id).await),
            None => Ok(None),
        };
        let ips = match &ep {
            Ok(Some(e)) if !e.network_interface_ids.is_empty() => read(
                cloud
                    .interface_ips(&e.network_interface_ids)
                    .await
                    .map(Some),
            ),
            _ => Ok(None),
        };
        (ep, ips)
    };
    let api_side = async {
        match &api_id {
            Some(id) => read(cloud.get_rest_api(id).await),
            None => Ok(None),
        }
    };
    let domain_side = async {
        let d = read(cloud.get_domain_name(&plan.name).await);
        let m = match &d {
            Ok(Some(_)) => read(cloud.get_base_path_mappings(&plan.name).await.map(Some)),
            _ => Ok(None),
        };
        (d, m)
    };
    let public_side = async {
        read(
            cloud
                .list_records(&plan.public_zone_id, &plan.name)
                .await
                .map(Some),
        )
    };
    let private_side = async {
        match &private_zone_id {
            Some(z) => (
                read(cloud.get_hosted_zone(z).await.map(Some)),
                read(cloud.list_records(z, &plan.name).await.map(Some)),
            ),
            None => (Ok(None), Ok(None)),
        }
    };
    let (
        (nlb_read, listeners),
        (target_group_arn, health),
        (endpoint, eni_ips),
        api,
        (domain, mappings),
        public_records,
        (private_zone, private_records),
    ) = tokio::join!(
        nlb_side,
        tg_side,
        endpoint_side,
        api_side,
        domain_side,
        public_side,
        private_side
    );
    Facts {
        nlb: nlb_read.clone().ok().flatten(),
        nlb_read,
        listeners,
        target_group_arn,
        health,
        endpoint_id,
        endpoint,
        eni_ips,
        api_id,
        api,
        domain,
        mappings,
        public_records,
        private_zone_id,
        private_zone,
        private_records,
    }
}

const ACCOUNT: &str = "Account";

/// The configuration lines, not yet run, in the order of the report.
pub fn placeholders() -> Vec<Check> {
    [
        (
            "nlb",
            "NLB active, internet-facing, TLS listener with the certificate",
        ),
        (
            "targets",
            "target group: every endpoint IP registered and healthy",
        ),
        (
            "endpoint",
            "VPC endpoint available, private DNS on, its IPs = the targets",
        ),
        ("public-record", "public record aliases the NLB"),
        (
            "private-zone",
            "private zone: record aliases the endpoint, zone associated with the VPC",
        ),
        (
            "api",
            "API is PRIVATE, bound to the endpoint, sourceVpc policy",
        ),
        (
            "domain",
            "custom domain with the certificate, mapping to a deployed stage",
        ),
    ]
    .into_iter()
    .map(|(id, title)| Check::new(id, ACCOUNT, title))
    .collect()
}

fn placeholder(id: &str) -> Check {
    placeholders()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| Check::new(id, ACCOUNT, id))
}

fn norm(dns: &str) -> String {
    let d = dns.trim_end_matches('.').to_ascii_lowercase();
    d.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(d)
}

fn set(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

const RERUN_APPLY: &str =
    "rerun `fixedip-tui apply --plan <the plan file>`: it finds what exists and creates what is missing";

/// Judge the facts. Pure: every branch is tested without an account.
pub fn evaluate(plan: &Plan, f: &Facts) -> Vec<Check> {
    vec![
        nlb_check(plan, f),
        targets_check(f),
        endpoint_check(plan, f),
        public_record_check(plan, f),
        private_zone_check(plan, f),
        api_check(plan, f),
        domain_check(plan, f),
    ]
}

fn fail(mut c: Check, evidence: String, fix: &str) -> Check {
    c.finish(CheckState::Fail, evidence, Some(fix.to_string()));
    c
}

/// A read failed: the check cannot judge, and says which read and why.
fn unreadable(c: Check, what: &str, e: &str) -> Check {
    fail(
        c,
        format!("cannot read {what}: {e}"),
        "fix the access and rerun `verify`",
    )
}

fn pass(mut c: Check, evidence: String) -> Check {
    c.finish(CheckState::Pass, evidence, None);
    c
}

fn nlb_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("nlb");
    let lb = match &f.nlb_read {
        Err(e) => return unreadable(c, "the NLB", e),
        Ok(None) => {
            return fail(
                c,
                format!("the NLB {} does not exist", plan.nlb_name()),
                RERUN_APPLY,
            )
        }
        Ok(Some(lb)) => lb,
    };
    if !lb.state.eq_ignore_ascii_case("active") {
        let fix = if lb.state.eq_ignore_ascii_case("provisioning") {
            "an NLB takes a few minutes to turn active: rerun `verify` then"
        } else {
            "the NLB is not serving: look at its state in the EC2 console (Load balancers)"
        };
        return fail(c, format!("{} is {}", lb.name, lb.state), fix);
    }
    if !lb.scheme.is_empty() && !lb.scheme.eq_ignore_ascii_case("internet-facing") {
        return fail(
            c,
            format!("{} is {}, not internet-facing", lb.name, lb.scheme),
            "an internal NLB cannot be reached from the internet: destroy and apply again",
        );
    }
    let port = plan.settings.listener_port;
    let listeners = match &f.listeners {
        Err(e) => return unreadable(c, "the listeners", e),
        Ok(l) => l.clone().unwrap_or_default(),
    };
    let Some(l) = listeners.iter().find(|l| l.port == port) else {
        return fail(
            c,
            format!("{} has no listener on {port}", lb.name),
            RERUN_APPLY,
        );
    };
    if !l.protocol.eq_ignore_ascii_case("TLS") {
        return fail(
            c,
            format!("the listener on {port} is {}, not TLS", l.protocol),
            "the listener must terminate TLS with the certificate: delete it and rerun `apply`",
        );
    }
    if !l
        .certificate_arns
        .iter()
        .any(|a| a == &plan.certificate_arn)
    {
        return fail(
            c,
            format!(
                "the listener's certificate is {}, not the plan's {}",
                set(&l.certificate_arns),
                plan.certificate_arn
            ),
            "set the listener's default certificate to the plan's (EC2 console → the NLB → Listeners), or rerun `apply`",
        );
    }
    if let (Some(tg), Some(want)) = (&l.target_group_arn, &f.target_group_arn) {
        if tg != want {
            return fail(
                c,
                format!("the listener forwards to {tg}, not to the plan's target group {want}"),
                "point the listener's default action at the plan's target group",
            );
        }
    }
    pass(
        c,
        format!(
            "{} active, IPs {}, TLS:{port}{}",
            lb.name,
            set(&lb.addresses),
            l.ssl_policy
                .as_deref()
                .map(|p| format!(" with {p}"))
                .unwrap_or_default()
        ),
    )
}

fn registered(f: &Facts) -> BTreeSet<String> {
    match &f.health {
        Ok(Some(h)) => h.iter().map(|t| t.ip.clone()).collect(),
        _ => BTreeSet::new(),
    }
}

fn eni_set(f: &Facts) -> Option<BTreeSet<String>> {
    match &f.eni_ips {
        Ok(Some(v)) => Some(v.iter().map(|i| i.ip.clone()).collect()),
        _ => None,
    }
}

fn list(s: &BTreeSet<String>) -> String {
    set(&s.iter().cloned().collect::<Vec<_>>())
}

fn targets_check(f: &Facts) -> Check {
    let c = placeholder("targets");
    let health = match (&f.target_group_arn, &f.health) {
        (None, _) => return fail(c, "the target group does not exist".into(), RERUN_APPLY),
        (_, Err(e)) => return unreadable(c, "target health", e),
        (_, Ok(h)) => h.clone().unwrap_or_default(),
    };
    if health.is_empty() {
        return fail(c, "no target is registered".into(), RERUN_APPLY);
    }
    let regd = registered(f);
    if let Some(eni) = eni_set(f) {
        let missing: BTreeSet<String> = eni.difference(&regd).cloned().collect();
        if !missing.is_empty() {
            return fail(
                c,
                format!("endpoint IPs not registered: {}", list(&missing)),
                "run `fixedip-tui verify --plan-id … --reregister` (R on the verify screen) to register the endpoint's current IPs",
            );
        }
    }
    let bad: Vec<&TargetHealth> = health.iter().filter(|t| !t.is_healthy()).collect();
    let show = |t: &TargetHealth| t.describe();
    if bad.is_empty() {
        return pass(c, health.iter().map(show).collect::<Vec<_>>().join(", "));
    }
    let fix = if bad.iter().all(|t| t.state.eq_ignore_ascii_case("initial")) {
        "new targets take 2–5 minutes to turn healthy: rerun `verify` then"
    } else if bad.iter().any(|t| t.state.eq_ignore_ascii_case("unused")) {
        "an unused target is in an AZ the NLB does not serve: the NLB's subnets must cover the endpoint's AZs"
    } else {
        "the endpoint's security group must admit TCP 443 from the VPC's CIDR (the NLB's private IPs); the health check is TCP on the traffic port"
    };
    fail(
        c,
        format!(
            "{} (an AZ with no healthy target drops out of DNS)",
            health.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        fix,
    )
}

fn endpoint_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("endpoint");
    let ep = match (&f.endpoint_id, &f.endpoint) {
        (None, _) => return fail(c, "the plan has no endpoint yet".into(), RERUN_APPLY),
        (_, Err(e)) => return unreadable(c, "the endpoint", e),
        (Some(id), Ok(None)) => {
            return fail(c, format!("the endpoint {id} does not exist"), RERUN_APPLY)
        }
        (_, Ok(Some(e))) => e,
    };
    if !ep.state.eq_ignore_ascii_case("available") {
        let fix = if ep.state.eq_ignore_ascii_case("pending") {
            "an endpoint takes a couple of minutes to turn available: rerun `verify` then"
        } else {
            "the endpoint is not serving: look at it in the VPC console (Endpoints)"
        };
        return fail(c, format!("{} is {}", ep.id, ep.state), fix);
    }
    if !ep.private_dns {
        return fail(
            c,
            format!("{} has private DNS off", ep.id),
            "turn private DNS on: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id … --private-dns-enabled`",
        );
    }
    if ep.vpc_id != plan.vpc_id {
        return fail(
            c,
            format!(
                "{} is in {}, not the plan's {}",
                ep.id, ep.vpc_id, plan.vpc_id
            ),
            "the plan's endpoint must be in the plan's VPC: plan again",
        );
    }
    let eni = match &f.eni_ips {
        Err(e) => return unreadable(c, "the endpoint's interfaces", e),
        Ok(v) => v.clone().unwrap_or_default(),
    };
    let eni_ips: BTreeSet<String> = eni.iter().map(|i| i.ip.clone()).collect();
    let regd = registered(f);
    if !regd.is_empty() && eni_ips != regd {
        return fail(
            c,
            format!(
                "its IPs {} differ from the registered targets {} (the endpoint's subnets changed?)",
                list(&eni_ips),
                list(&regd)
            ),
            "run `fixedip-tui verify --plan-id … --reregister` (R on the verify screen): it registers the endpoint's current IPs and removes the stale ones",
        );
    }
    pass(
        c,
        format!(
            "{} available, private DNS on, IPs {}",
            ep.id,
            eni.iter()
                .map(|i| format!("{} ({})", i.ip, i.az))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// The `A` alias record of the name in a record list.
fn alias_of<'a>(records: &'a [RecordSet], name: &str) -> Option<&'a RecordSet> {
    records
        .iter()
        .find(|r| r.record_type == "A" && norm(&r.name) == norm(name))
}

fn public_record_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("public-record");
    let records = match &f.public_records {
        Err(e) => return unreadable(c, "the public zone", e),
        Ok(r) => r.clone().unwrap_or_default(),
    };
    let Some(rec) = alias_of(&records, &plan.name) else {
        return fail(
            c,
            format!("no A record for {} in {}", plan.name, plan.public_zone_id),
            RERUN_APPLY,
        );
    };
    let want = f.nlb.as_ref().map(|lb| norm(&lb.dns_name));
    match (&rec.alias_target, want) {
        (Some(t), Some(w)) if norm(t) == w => pass(
            c,
            format!("A alias → {} in {}", t.trim_end_matches('.'), plan.public_zone_id),
        ),
        (Some(t), Some(w)) => fail(
            c,
            format!("A alias → {t}, not the NLB {w}"),
            "the record points elsewhere: rerun `apply` with the plan's replace choice to point it at the NLB",
        ),
        (Some(t), None) => fail(c, format!("A alias → {t}, but the NLB is missing"), RERUN_APPLY),
        (None, _) => fail(
            c,
            format!("A record with values {} (not an alias to the NLB)", set(&rec.values)),
            "a plain A record goes stale when the NLB's IPs change: rerun `apply` to make it an alias",
        ),
    }
}

fn private_zone_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("private-zone");
    let Some(zone_id) = &f.private_zone_id else {
        return fail(c, "the plan has no private zone yet".into(), RERUN_APPLY);
    };
    let zone = match &f.private_zone {
        Err(e) => return unreadable(c, "the private zone", e),
        Ok(None) => return fail(c, format!("the zone {zone_id} does not exist"), RERUN_APPLY),
        Ok(Some(z)) => z,
    };
    if !zone.vpcs.iter().any(|v| v.vpc_id == plan.vpc_id) {
        return fail(
            c,
            format!("{} ({zone_id}) is not associated with {}", zone.name, plan.vpc_id),
            "associate it: `aws route53 associate-vpc-with-hosted-zone --hosted-zone-id … --vpc VPCRegion=…,VPCId=…`, or rerun `apply`",
        );
    }
    let records = match &f.private_records {
        Err(e) => return unreadable(c, "the private zone's records", e),
        Ok(r) => r.clone().unwrap_or_default(),
    };
    let Some(rec) = alias_of(&records, &plan.name) else {
        return fail(
            c,
            format!("no A record for {} in {}", plan.name, zone.name),
            RERUN_APPLY,
        );
    };
    let want = match &f.endpoint {
        Ok(Some(ep)) => crate::plan::names::regional_dns_entry(ep)
            .or(ep.dns_entries.first())
            .map(|d| norm(&d.dns_name)),
        _ => None,
    };
    let eni: Vec<String> = match &f.eni_ips {
        Ok(Some(v)) => v.iter().map(|i| i.ip.clone()).collect(),
        _ => vec![],
    };
    let inside = format!(
        "inside the VPC only: from a host there run `dig +short {}` (expect {})",
        plan.name,
        if eni.is_empty() {
            "the endpoint's private IPs".to_string()
        } else {
            eni.join(" and ")
        }
    );
    match (&rec.alias_target, want) {
        (Some(t), Some(w)) if norm(t) == w => pass(
            c,
            format!(
                "A alias → {} in {}, associated with {}; {inside}",
                t.trim_end_matches('.'),
                zone.name,
                plan.vpc_id
            ),
        ),
        (Some(t), Some(w)) => fail(
            c,
            format!("A alias → {t}, not the endpoint's regional name {w}"),
            "point the private record at the endpoint's regional DNS name: rerun `apply`",
        ),
        (Some(t), None) => fail(
            c,
            format!("A alias → {t}, but the endpoint is missing"),
            RERUN_APPLY,
        ),
        (None, _) => fail(
            c,
            format!("A record with values {} (not an alias)", set(&rec.values)),
            "rerun `apply` to make it an alias of the endpoint",
        ),
    }
}

fn api_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("api");
    let api = match (&f.api_id, &f.api) {
        (None, _) => return fail(c, "the plan has no API yet".into(), RERUN_APPLY),
        (_, Err(e)) => return unreadable(c, "the API", e),
        (Some(id), Ok(None)) => {
            return fail(c, format!("the API {id} does not exist"), RERUN_APPLY)
        }
        (_, Ok(Some(a))) => a,
    };
    if !api
        .endpoint_types
        .iter()
        .any(|t| t.eq_ignore_ascii_case("PRIVATE"))
    {
        return fail(
            c,
            format!("{} is {}, not PRIVATE", api.id, set(&api.endpoint_types)),
            RERUN_APPLY,
        );
    }
    if let Some(ep) = &f.endpoint_id {
        if !api.vpc_endpoint_ids.contains(ep) {
            return fail(
                c,
                format!(
                    "{} is bound to {}, not to {ep}",
                    api.id,
                    set(&api.vpc_endpoint_ids)
                ),
                RERUN_APPLY,
            );
        }
    }
    let policy = api.policy.as_deref().unwrap_or_default();
    // API Gateway returns the policy JSON-escaped; look for the condition key either way.
    let unescaped = policy.replace("\\\"", "\"").replace("\\/", "/");
    if !unescaped.to_ascii_lowercase().contains("aws:sourcevpc") {
        return fail(
            c,
            format!("{} has no sourceVpc condition in its resource policy", api.id),
            "a private API without a policy admitting the VPC refuses every call (403): rerun `apply` to set it",
        );
    }
    if !unescaped.contains(&plan.vpc_id) {
        return fail(
            c,
            format!("{}'s policy does not name {}", api.id, plan.vpc_id),
            "the sourceVpc condition must name the plan's VPC: rerun `apply`",
        );
    }
    pass(
        c,
        format!(
            "{} PRIVATE, bound to {}, policy on {}",
            api.id,
            set(&api.vpc_endpoint_ids),
            plan.vpc_id
        ),
    )
}

fn domain_check(plan: &Plan, f: &Facts) -> Check {
    let c = placeholder("domain");
    let d = match &f.domain {
        Err(e) => return unreadable(c, "the custom domain", e),
        Ok(None) => {
            return fail(
                c,
                format!("the custom domain {} does not exist", plan.name),
                RERUN_APPLY,
            )
        }
        Ok(Some(d)) => d,
    };
    if d.certificate_arn != plan.certificate_arn {
        return fail(
            c,
            format!(
                "{} uses {}, not the plan's {}",
                d.name, d.certificate_arn, plan.certificate_arn
            ),
            "the custom domain and the listener must use the same certificate: rerun `apply`",
        );
    }
    let mappings = match &f.mappings {
        Err(e) => return unreadable(c, "the mappings", e),
        Ok(m) => m.clone().unwrap_or_default(),
    };
    let want_base = plan
        .base_path
        .as_deref()
        .map(|b| b.trim_matches('/'))
        .filter(|b| !b.is_empty())
        .unwrap_or("(none)");
    let Some(m) = mappings.iter().find(|m| {
        m.base_path.trim_matches('/') == want_base
            || (want_base == "(none)" && m.base_path.is_empty())
    }) else {
        return fail(
            c,
            format!("no mapping for base path {want_base} on {}", d.name),
            RERUN_APPLY,
        );
    };
    if Some(&m.rest_api_id) != f.api_id.as_ref() {
        return fail(
            c,
            format!(
                "the mapping {want_base} points to API {}, not {}",
                m.rest_api_id,
                f.api_id.as_deref().unwrap_or("the plan's")
            ),
            "the mapping belongs to another API: remove it or change the plan's base path",
        );
    }
    let stage = match &f.api {
        Ok(Some(api)) => Some(api.stages.iter().find(|(s, _)| s == &m.stage)),
        // The API check already says why it could not be judged.
        _ => None,
    };
    let head = format!(
        "{} ({}) → {}/{} (base path {want_base})",
        d.name, d.security_policy, m.rest_api_id, m.stage
    );
    match stage {
        Some(Some((_, dep))) if !dep.is_empty() => pass(c, format!("{head}, deployed")),
        Some(Some(_)) => fail(
            c,
            format!("the stage {} has no deployment", m.stage),
            "deploy the API to the stage (`aws apigateway create-deployment`), or rerun `apply`",
        ),
        Some(None) => fail(
            c,
            format!("the mapping names stage {}, which does not exist", m.stage),
            RERUN_APPLY,
        ),
        None => pass(
            c,
            format!("{head} (the stage's deployment is unchecked: see the API check)"),
        ),
    }
}

/// Make the targets equal the endpoint's current IPs: register the new, then deregister the stale
/// (callers keep a path in between). `None` when nothing drifted.
pub async fn reregister(cloud: &dyn Account, f: &Facts) -> Option<Check> {
    let tg = f.target_group_arn.as_ref()?;
    let eni = eni_set(f)?;
    let regd = registered(f);
    if eni.is_empty() || eni == regd {
        return None;
    }
    let mut c = Check::new("reregister", ACCOUNT, "re-register the endpoint's IPs");
    let add: Vec<String> = eni.difference(&regd).cloned().collect();
    let drop: Vec<String> = regd.difference(&eni).cloned().collect();
    let port = 443;
    if !add.is_empty() {
        if let Err(e) = cloud.register_targets(tg, &add, port).await {
            c.finish(
                CheckState::Fail,
                format!("register {}: {e}", add.join(", ")),
                Some(e.hint()),
            );
            return Some(c);
        }
    }
    if !drop.is_empty() {
        if let Err(e) = cloud.deregister_targets(tg, &drop, port).await {
            c.finish(
                CheckState::Fail,
                format!("deregister {}: {e}", drop.join(", ")),
                Some(e.hint()),
            );
            return Some(c);
        }
    }
    c.finish(
        CheckState::Pass,
        format!(
            "registered {}, deregistered {} (new targets take 2–5 minutes to turn healthy)",
            set(&add),
            set(&drop)
        ),
        None,
    );
    Some(c)
}
