//! What `doctor` reads: the region's NLBs with their listeners and target groups first, then —
//! only for the NLBs that can be setups — target health, the endpoints' interfaces, the
//! listeners' certificates, the APIs, zones and the records of the certificates' names, each
//! group of calls concurrently.

use std::collections::BTreeSet;
use std::future::Future;

use futures::future::join_all;

use super::shape::{candidates, Facts};
use crate::cloud::{execute_api_service, CloudError, CloudResult, Token};
use crate::domain::dns_name_matches;
use crate::domain::{ElbInventory, HostedZone, Page};
use crate::engine::Account;
use crate::plan::elb_arn_name;
use crate::plan::names::{own_nlb_name, TAG_PLAN_ID};
use crate::plan::validate::is_suffix_zone;

/// Which setups to look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every setup of the region.
    #[default]
    All,
    /// The setup of this NLB (ARN or name).
    Nlb(String),
    /// The setup a plan of this tool made.
    PlanId(String),
}

/// Every page of a listing (no progress to show).
async fn every_page<T, F, Fut>(fetch: F) -> CloudResult<Vec<T>>
where
    F: FnMut(Token) -> Fut,
    Fut: Future<Output = CloudResult<Page<T>>>,
{
    crate::discovery::every_page(fetch, |_| {}).await
}

/// Keep only the NLBs `scope` asks about.
fn in_scope(mut elb: ElbInventory, scope: &Scope) -> ElbInventory {
    elb.load_balancers.retain(|n| match scope {
        Scope::All => true,
        Scope::Nlb(id) => n.lb.arn == *id || n.lb.name == *id,
        Scope::PlanId(id) => {
            n.lb.tags
                .iter()
                .any(|t| t.key == TAG_PLAN_ID && t.value == *id)
        }
    });
    elb
}

/// The load balancers `scope` asks about. Every one of the region for `All`; for one NLB (its
/// ARN or name) or one plan (its NLB is named after the plan id), that NLB by name, its
/// listeners and their target groups — not the region's whole ELB inventory.
async fn elb_in_scope(cloud: &dyn Account, scope: &Scope) -> Result<ElbInventory, CloudError> {
    let name = match scope {
        Scope::All => return cloud.elb_inventory().await,
        Scope::Nlb(n) => elb_arn_name(n).unwrap_or_else(|| n.clone()),
        Scope::PlanId(id) => own_nlb_name(id),
    };
    let Some(lb) = cloud.find_load_balancer(&name).await? else {
        return Ok(ElbInventory::default());
    };
    let listeners = cloud.describe_listeners(&lb.arn).await?;
    let groups: BTreeSet<String> = listeners
        .iter()
        .filter_map(|l| l.target_group_arn.as_deref().and_then(elb_arn_name))
        .collect();
    let found = join_all(groups.iter().map(|g| cloud.find_target_group(g))).await;
    let mut target_groups = Vec::new();
    for tg in found {
        target_groups.extend(tg?);
    }
    let elb = ElbInventory {
        load_balancers: vec![crate::domain::NlbInfo { lb, listeners }],
        target_groups,
    };
    // The same test as over the whole inventory (an ARN of another NLB of that name, a plan's
    // NLB without the plan's tag, are not it).
    Ok(in_scope(elb, scope))
}

/// Read what the setups in `scope` need. A failed read of the NLBs is an error; any other failed
/// read is said in the returned list and the setups are judged on what could be read.
pub async fn read(cloud: &dyn Account, scope: &Scope) -> Result<(Facts, Vec<String>), CloudError> {
    let region = cloud.target().region;
    let elb = elb_in_scope(cloud, scope).await?;
    let mut facts = Facts {
        region: region.clone(),
        elb,
        ..Facts::default()
    };
    let mut errors = Vec::new();
    let found: Vec<(String, String, Vec<String>)> = candidates(&facts.elb)
        .into_iter()
        .map(|(n, l, tg)| {
            (
                n.lb.vpc_id.clone(),
                tg.arn.clone(),
                l.certificate_arns.clone(),
            )
        })
        .collect();
    if found.is_empty() {
        return Ok((facts, errors));
    }
    let vpcs: BTreeSet<String> = found.iter().map(|(v, _, _)| v.clone()).collect();
    read_targets(cloud, &mut facts, &found, &mut errors).await;
    read_endpoints(cloud, &mut facts, &vpcs, &mut errors).await;
    read_subnets(cloud, &mut facts, &mut errors).await;
    read_names(cloud, &mut facts, &found, &mut errors).await;
    Ok((facts, errors))
}

fn note<T>(errors: &mut Vec<String>, what: &str, r: CloudResult<T>) -> Option<T> {
    r.map_err(|e| errors.push(format!("{what}: {e}"))).ok()
}

/// Each candidate target group's targets and their health.
async fn read_targets(
    cloud: &dyn Account,
    facts: &mut Facts,
    found: &[(String, String, Vec<String>)],
    errors: &mut Vec<String>,
) {
    let arns: BTreeSet<&String> = found.iter().map(|(_, tg, _)| tg).collect();
    let answers = join_all(arns.iter().map(|arn| cloud.target_health(arn))).await;
    for (arn, r) in arns.into_iter().zip(answers) {
        if let Some(h) = note(errors, &format!("target health of {arn}"), r) {
            facts.health.insert(arn.clone(), h);
        }
    }
}

/// The execute-api endpoints of the candidates' VPCs and their interfaces.
async fn read_endpoints(
    cloud: &dyn Account,
    facts: &mut Facts,
    vpcs: &BTreeSet<String>,
    errors: &mut Vec<String>,
) {
    let svc = execute_api_service(&facts.region);
    let listed = every_page(|t| {
        let svc = svc.clone();
        async move { cloud.list_vpc_endpoints(&svc, t).await }
    })
    .await;
    let Some(mut eps) = note(errors, "execute-api endpoints", listed) else {
        return;
    };
    eps.retain(|e| {
        vpcs.contains(&e.vpc_id)
            && !["deleting", "deleted", "failed", "rejected", "expired"]
                .iter()
                .any(|gone| e.state.eq_ignore_ascii_case(gone))
    });
    let answers = join_all(
        eps.iter()
            .map(|e| cloud.interface_ips(&e.network_interface_ids)),
    )
    .await;
    for (e, r) in eps.iter().zip(answers) {
        if let Some(ips) = note(errors, &format!("the interfaces of {}", e.id), r) {
            facts.interfaces.insert(e.id.clone(), ips);
        }
    }
    facts.endpoints = eps;
}

/// The AZ of every subnet the NLBs use.
async fn read_subnets(cloud: &dyn Account, facts: &mut Facts, errors: &mut Vec<String>) {
    let wanted: BTreeSet<&String> = facts
        .elb
        .load_balancers
        .iter()
        .flat_map(|n| n.lb.subnet_ids.iter())
        .collect();
    let listed = every_page(|t| cloud.list_subnets(t)).await;
    if let Some(subnets) = note(errors, "subnets", listed) {
        facts.subnet_azs = subnets
            .into_iter()
            .filter(|s| wanted.contains(&s.id))
            .map(|s| (s.id, s.az))
            .collect();
    }
}

/// The certificates, the APIs, the zones and the records of the certificates' names.
async fn read_names(
    cloud: &dyn Account,
    facts: &mut Facts,
    found: &[(String, String, Vec<String>)],
    errors: &mut Vec<String>,
) {
    let arns: BTreeSet<&String> = found.iter().flat_map(|(_, _, c)| c.iter()).collect();
    let (certs, apis, zones) = tokio::join!(
        join_all(arns.iter().map(|a| cloud.describe_certificate(a))),
        every_page(|t| cloud.list_rest_apis(t)),
        every_page(|t| cloud.list_hosted_zones(t)),
    );
    for (arn, r) in arns.into_iter().zip(certs) {
        if let Some(c) = note(errors, &format!("certificate {arn}"), r) {
            facts.certificates.insert(arn.clone(), c);
        }
    }
    facts.apis = note(errors, "REST APIs", apis).unwrap_or_default();
    read_custom_domains(cloud, facts, errors).await;
    let mut zones = note(errors, "hosted zones", zones).unwrap_or_default();
    // A private zone matters only when it holds a name a setup may serve: only those are read
    // in full (with their VPCs), not every private zone of the account.
    let names = served_names(facts);
    let wanted = |z: &HostedZone| z.private && names.iter().any(|n| is_suffix_zone(&z.name, n));
    let privates = join_all(
        zones
            .iter()
            .filter(|z| wanted(z))
            .map(|z| cloud.get_hosted_zone(&z.id)),
    )
    .await;
    let mut privates = privates.into_iter();
    for z in zones.iter_mut().filter(|z| wanted(z)) {
        if let Some(Some(full)) = privates.next().map(|r| note(errors, "a private zone", r)) {
            z.vpcs = full.vpcs;
        }
    }
    facts.zones = zones;
    read_records(cloud, facts, errors).await;
}

/// The names the setups may serve: their certificates' names (not wildcards) and, under a
/// wildcard, the custom domains it covers.
fn served_names(facts: &Facts) -> Vec<String> {
    super::shape::record_names(
        facts
            .certificates
            .values()
            .flat_map(|c| std::iter::once(&c.domain).chain(c.sans.iter()))
            .chain(facts.custom_domains.iter()),
    )
}

/// Under a wildcard certificate the served names are not written anywhere the NLB points: they
/// are the custom domain names mapped to the APIs bound to the setups' endpoints. Read only when
/// a listener's certificate has a wildcard (GetDomainNames, then the mappings of the domains it
/// covers).
async fn read_custom_domains(cloud: &dyn Account, facts: &mut Facts, errors: &mut Vec<String>) {
    let wildcards: Vec<&String> = facts
        .certificates
        .values()
        .flat_map(|c| std::iter::once(&c.domain).chain(c.sans.iter()))
        .filter(|n| n.starts_with("*."))
        .collect();
    if wildcards.is_empty() {
        return;
    }
    let bound: BTreeSet<&str> = facts
        .apis
        .iter()
        .filter(|a| {
            a.vpc_endpoint_ids
                .iter()
                .any(|e| facts.endpoints.iter().any(|x| &x.id == e))
        })
        .map(|a| a.id.as_str())
        .collect();
    if bound.is_empty() {
        return;
    }
    let Some(domains) = note(errors, "custom domain names", cloud.domain_names().await) else {
        return;
    };
    let covered: Vec<String> = domains
        .into_iter()
        .map(|d| d.name)
        .filter(|n| wildcards.iter().any(|w| dns_name_matches(w, n)))
        .collect();
    let answers = join_all(covered.iter().map(|d| cloud.get_base_path_mappings(d))).await;
    for (domain, r) in covered.iter().zip(answers) {
        let what = format!("the API mappings of {domain}");
        if let Some(mappings) = note(errors, &what, r) {
            if mappings
                .iter()
                .any(|m| bound.contains(m.rest_api_id.as_str()))
            {
                facts.custom_domains.push(domain.to_ascii_lowercase());
            }
        }
    }
}

/// The records of each certificate name (and custom domain under a wildcard) in the longest
/// public zone that holds it.
async fn read_records(cloud: &dyn Account, facts: &mut Facts, errors: &mut Vec<String>) {
    let mut asks: Vec<(String, String)> = Vec::new();
    for name in served_names(facts) {
        let zone = facts
            .zones
            .iter()
            .filter(|z| !z.private && is_suffix_zone(&z.name, &name))
            .max_by_key(|z| z.name.len());
        if let Some(z) = zone {
            asks.push((z.id.clone(), name));
        }
    }
    let answers = join_all(asks.iter().map(|(z, n)| cloud.list_records(z, n))).await;
    for ((zone, name), r) in asks.iter().zip(answers) {
        if let Some(records) = note(errors, &format!("the records of {name} in {zone}"), r) {
            facts.records.extend(
                records
                    .into_iter()
                    .filter(|r| r.name.eq_ignore_ascii_case(name)),
            );
        }
    }
}
