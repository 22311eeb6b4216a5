//! A plan being built: every choice optional until made. Both front ends (the TUI wizard and
//! `--plain`) fill a `Draft`; `to_plan` turns it into a `Plan` at any moment (missing choices become
//! empty values, which `validate` reports), so findings can be shown while the user is still choosing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validate::best_public_zone;
use super::{plan_id, ApiChoice, EndpointChoice, Plan, PrivateZoneChoice, Settings, PLAN_VERSION};
use crate::discovery::Inventory;

/// Default name of an API the tool creates.
pub const DEFAULT_API_NAME: &str = "fixedip-ping";
pub const DEFAULT_STAGE: &str = "prod";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub vpc_id: Option<String>,
    pub enable_vpc_dns: bool,
    /// Reuse this endpoint instead of creating one.
    pub reuse_endpoint: Option<String>,
    pub endpoint_subnets: Vec<String>,
    pub allow_public_endpoint_subnets: bool,
    pub nlb_subnets: Vec<String>,
    /// Elastic IPs on the NLB (new setups default to new ones).
    pub eips: crate::plan::EipChoice,
    /// Pinned endpoint IPs (subnet id → IPv4).
    pub endpoint_ips: BTreeMap<String, String>,
    /// An existing NLB / target group to adopt (ARNs).
    pub adopt_nlb: Option<String>,
    pub adopt_target_group: Option<String>,
    pub name: String,
    pub certificate_arn: Option<String>,
    /// `None`: create a new API.
    pub adopt_api: Option<String>,
    pub api_name: String,
    pub stage: String,
    pub base_path: String,
    pub allow_cidrs: Vec<String>,
    /// Who inside the VPC may call the endpoint directly (`Plan::vpc_callers`).
    pub vpc_callers: Vec<String>,
    pub public_zone_id: Option<String>,
    /// `None`: create a private zone named exactly the FQDN.
    pub private_zone_id: Option<String>,
    pub replace_records: bool,
    pub tags: BTreeMap<String, String>,
    pub acknowledged: Vec<String>,
}

impl Draft {
    /// An empty draft with the defaults (API name, stage).
    pub fn with_defaults() -> Self {
        Self {
            api_name: DEFAULT_API_NAME.to_string(),
            stage: DEFAULT_STAGE.to_string(),
            // Truly fixed IPs unless the user says otherwise (the SPEC's caveat of the post).
            eips: crate::plan::EipChoice::New,
            vpc_callers: crate::plan::default_vpc_callers(),
            ..Self::default()
        }
    }

    /// Start from a saved plan (edit it again).
    pub fn from_plan(plan: &Plan) -> Self {
        let (reuse_endpoint, endpoint_subnets, allow_public) = match &plan.endpoint {
            EndpointChoice::Create {
                subnet_ids,
                allow_public_subnets,
            } => (None, subnet_ids.clone(), *allow_public_subnets),
            EndpointChoice::Reuse { vpc_endpoint_id } => {
                (Some(vpc_endpoint_id.clone()), vec![], false)
            }
        };
        let (adopt_api, api_name) = match &plan.api {
            ApiChoice::Create { name } => (None, name.clone()),
            ApiChoice::Adopt { rest_api_id } => {
                (Some(rest_api_id.clone()), DEFAULT_API_NAME.to_string())
            }
        };
        Self {
            vpc_id: Some(plan.vpc_id.clone()),
            enable_vpc_dns: plan.enable_vpc_dns,
            reuse_endpoint,
            endpoint_subnets,
            allow_public_endpoint_subnets: allow_public,
            nlb_subnets: plan.nlb_subnet_ids.clone(),
            eips: plan.eips.clone(),
            endpoint_ips: plan.endpoint_ips.clone(),
            adopt_nlb: plan.adopt_nlb.clone(),
            adopt_target_group: plan.adopt_target_group.clone(),
            name: plan.name.clone(),
            certificate_arn: Some(plan.certificate_arn.clone()),
            adopt_api,
            api_name,
            stage: plan.stage.clone(),
            base_path: plan.base_path.clone().unwrap_or_default(),
            allow_cidrs: plan.allow_cidrs.clone(),
            vpc_callers: plan.vpc_callers.clone(),
            public_zone_id: Some(plan.public_zone_id.clone()),
            private_zone_id: match &plan.private_zone {
                PrivateZoneChoice::Existing { zone_id } => Some(zone_id.clone()),
                PrivateZoneChoice::Create => None,
            },
            replace_records: plan.replace_records,
            tags: plan.tags.clone(),
            acknowledged: plan.acknowledged.clone(),
        }
    }

    pub fn to_plan(&self, inv: &Inventory) -> Plan {
        let account = inv
            .identity
            .as_ref()
            .map(|i| i.account.clone())
            .unwrap_or_default();
        let name = self.name.trim().trim_end_matches('.').to_ascii_lowercase();
        let id = plan_id(&account, &inv.region, &name);
        let own = self
            .reuse_endpoint
            .as_deref()
            .and_then(|e| own_endpoint(inv, e, &id));
        Plan {
            version: PLAN_VERSION,
            id: id.clone(),
            account,
            region: inv.region.clone(),
            vpc_id: self.vpc_id.clone().unwrap_or_default(),
            enable_vpc_dns: self.enable_vpc_dns,
            endpoint: match &self.reuse_endpoint {
                // The VPC's private-DNS endpoint is this very plan's (an earlier apply of the same
                // name): the plan keeps owning it rather than "reusing" it.
                Some(_) if own.is_some() => EndpointChoice::Create {
                    subnet_ids: own.clone().unwrap_or_default(),
                    allow_public_subnets: self.allow_public_endpoint_subnets,
                },
                Some(ep) => EndpointChoice::Reuse {
                    vpc_endpoint_id: ep.clone(),
                },
                None => EndpointChoice::Create {
                    subnet_ids: self.endpoint_subnets.clone(),
                    allow_public_subnets: self.allow_public_endpoint_subnets,
                },
            },
            nlb_subnet_ids: self.nlb_subnets.clone(),
            eips: self.eips.clone(),
            adopt_nlb: self.adopt_nlb.clone(),
            adopt_target_group: self.adopt_target_group.clone(),
            endpoint_ips: match &self.reuse_endpoint {
                None => self.endpoint_ips.clone(),
                Some(_) => Default::default(),
            },
            name,
            certificate_arn: self.certificate_arn.clone().unwrap_or_default(),
            api: match &self.adopt_api {
                Some(id) => ApiChoice::Adopt {
                    rest_api_id: id.clone(),
                },
                None => ApiChoice::Create {
                    name: self.api_name.clone(),
                },
            },
            stage: self.stage.trim().to_string(),
            base_path: Some(self.base_path.trim().to_string()).filter(|b| !b.is_empty()),
            allow_cidrs: self.allow_cidrs.clone(),
            vpc_callers: self.vpc_callers.clone(),
            public_zone_id: self.public_zone_id.clone().unwrap_or_default(),
            private_zone: match &self.private_zone_id {
                Some(id) => PrivateZoneChoice::Existing {
                    zone_id: id.clone(),
                },
                None => PrivateZoneChoice::Create,
            },
            replace_records: self.replace_records,
            tags: self.tags.clone(),
            acknowledged: self.acknowledged.clone(),
            settings: Settings::default(),
        }
    }

    /// Choose a VPC; choices that belonged to another VPC are dropped. If the VPC already has an
    /// execute-api endpoint with private DNS, it is the only possible one: reuse it.
    pub fn choose_vpc(&mut self, inv: &Inventory, vpc_id: &str) {
        if self.vpc_id.as_deref() != Some(vpc_id) {
            self.endpoint_subnets.clear();
            self.nlb_subnets.clear();
            self.reuse_endpoint = None;
            self.private_zone_id = None;
            self.allow_public_endpoint_subnets = false;
            self.enable_vpc_dns = false;
        }
        self.vpc_id = Some(vpc_id.to_string());
        self.preselect_endpoint(inv);
        self.preselect_nlb_subnets(inv);
    }

    /// Every pre-selection at once, for what is still unchosen: the endpoint (reuse or subnets),
    /// the NLB subnets, the certificate. Returns what was chosen for the user, and why.
    pub fn preselect(&mut self, inv: &Inventory) -> Vec<Defaulted> {
        let mut said = Vec::new();
        said.extend(self.preselect_endpoint(inv));
        let before = self.nlb_subnets.clone();
        self.preselect_nlb_subnets(inv);
        if before.is_empty() && !self.nlb_subnets.is_empty() && self.adopt_nlb.is_none() {
            said.push(Defaulted {
                choice: "nlb-subnets",
                flag: "--nlb-subnets",
                value: self.nlb_subnets.join(","),
                why: "in each endpoint AZ, the public subnet with the most free IPs".into(),
            });
        }
        said.extend(self.preselect_certificate(inv));
        said
    }

    /// The endpoint, when none is chosen: the VPC's execute-api endpoint with private DNS if it
    /// has one (a second one would be rejected), else one private subnet per AZ, the one with the
    /// most free IPs, in the AZs where the NLB can follow (a public subnet with room) when two or
    /// more can.
    pub fn preselect_endpoint(&mut self, inv: &Inventory) -> Option<Defaulted> {
        let vpc = self.vpc_id.clone()?;
        if self.reuse_endpoint.is_some() || !self.endpoint_subnets.is_empty() {
            return None;
        }
        if let Some(ep) = inv.endpoints_in(&vpc).find(|e| e.private_dns) {
            self.reuse_endpoint = Some(ep.id.clone());
            return Some(Defaulted {
                choice: "endpoint",
                flag: "--reuse-endpoint",
                value: ep.id.clone(),
                why: "this VPC's execute-api endpoint with private DNS (a second one would be rejected)".into(),
            });
        }
        let subnets = best_endpoint_subnets(inv, &vpc);
        if subnets.is_empty() {
            return None;
        }
        self.endpoint_subnets = subnets;
        Some(Defaulted {
            choice: "endpoint-subnets",
            flag: "--endpoint-subnets",
            value: self.endpoint_subnets.join(","),
            why: "one private subnet per AZ, the one with the most free IPs".into(),
        })
    }

    /// The certificate, when none is chosen and the name is set: the most specific ISSUED
    /// certificate that covers the name (see `best_certificate`).
    pub fn preselect_certificate(&mut self, inv: &Inventory) -> Option<Defaulted> {
        if self.certificate_arn.is_some() || self.name.is_empty() {
            return None;
        }
        let (cert, why) = best_certificate(inv, &self.name)?;
        self.certificate_arn = Some(cert.arn.clone());
        Some(Defaulted {
            choice: "certificate",
            flag: "--certificate",
            value: cert.arn.clone(),
            why,
        })
    }

    /// The AZs the endpoint covers (chosen subnets, or the reused endpoint's).
    pub fn endpoint_azs(&self, inv: &Inventory) -> Vec<String> {
        let ids: Vec<String> = match &self.reuse_endpoint {
            Some(id) => inv
                .vpc_endpoints
                .iter()
                .find(|e| &e.id == id)
                .map(|e| e.subnet_ids.clone())
                .unwrap_or_default(),
            None => self.endpoint_subnets.clone(),
        };
        inv.azs_of(&ids)
    }

    /// Pre-select the NLB subnet of each endpoint AZ: its public subnet with room for an NLB and
    /// the most free IPs, keeping choices the user already made.
    pub fn preselect_nlb_subnets(&mut self, inv: &Inventory) {
        let Some(vpc) = self.vpc_id.clone() else {
            return;
        };
        for az in self.endpoint_azs(inv) {
            let chosen = self
                .nlb_subnets
                .iter()
                .any(|id| inv.subnets.iter().any(|s| &s.id == id && s.az == az));
            if chosen {
                continue;
            }
            // The public subnet with the most room (ties: the lowest id, so the choice is stable).
            let best = inv
                .subnets_of(&vpc)
                .filter(|s| s.az == az && nlb_ready(s))
                .min_by(|a, b| b.free_ips.cmp(&a.free_ips).then(a.id.cmp(&b.id)));
            if let Some(best) = best {
                self.nlb_subnets.push(best.id.clone());
            }
        }
        // Drop choices in AZs the endpoint no longer covers.
        let azs = self.endpoint_azs(inv);
        if !azs.is_empty() {
            self.nlb_subnets.retain(|id| {
                inv.subnets
                    .iter()
                    .find(|s| &s.id == id)
                    .is_some_and(|s| azs.contains(&s.az))
            });
        }
    }

    /// Set the name; pick the longest public zone that is a suffix of it, and the most specific
    /// ISSUED certificate covering it unless the chosen one still covers it.
    pub fn set_name(&mut self, inv: &Inventory, name: &str) {
        self.name = name.trim().trim_end_matches('.').to_ascii_lowercase();
        self.public_zone_id = best_public_zone(inv, &self.name).map(|z| z.id.clone());
        if let Some(arn) = &self.certificate_arn {
            let still = inv
                .certificates
                .iter()
                .any(|c| &c.arn == arn && c.covers(&self.name));
            if !still {
                self.certificate_arn = None;
            }
        }
        self.preselect_certificate(inv);
    }

    pub fn toggle(list: &mut Vec<String>, id: &str) {
        if let Some(i) = list.iter().position(|x| x == id) {
            list.remove(i);
        } else {
            list.push(id.to_string());
        }
    }
}

/// A choice the tool made because the user (or the flags) left it open: said on screen, printed
/// by `plan`, and in its `--json`, so it can be changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defaulted {
    /// Which choice (stable, for scripts).
    pub choice: &'static str,
    /// The flag that would have given it.
    pub flag: &'static str,
    pub value: String,
    pub why: String,
}

/// The VPC a first run should start from: the first, in the inventory's order, where the
/// pre-selections leave nothing blocking in the VPC, endpoint and NLB steps (no error, no warning
/// to acknowledge).
///
/// Each VPC is judged by the placement checks only, against a view of the inventory that holds
/// only that VPC and its subnets (what those steps read): judged by every check against every
/// VPC and subnet, an account of thousands of VPCs none of which is ready cost VPCs × (VPCs +
/// subnets + certificates + zones) — seconds on the UI thread at the end of discovery.
pub fn recommended_vpc(inv: &Inventory) -> Option<&crate::domain::Vpc> {
    let mut by_vpc: std::collections::HashMap<&str, Vec<crate::domain::Subnet>> =
        Default::default();
    for s in &inv.subnets {
        by_vpc.entry(s.vpc_id.as_str()).or_default().push(s.clone());
    }
    let mut view = Inventory {
        vpcs: vec![],
        subnets: vec![],
        ..inv.clone()
    };
    inv.vpcs.iter().find(|v| {
        view.vpcs = vec![(*v).clone()];
        view.subnets = by_vpc.remove(v.id.as_str()).unwrap_or_default();
        ready_with_defaults(&view, &v.id)
    })
}

/// Whether the pre-selections in `vpc` leave nothing blocking in the VPC, endpoint and NLB steps.
pub fn ready_with_defaults(inv: &Inventory, vpc: &str) -> bool {
    use super::Step;
    let mut d = Draft::with_defaults();
    d.choose_vpc(inv, vpc);
    let plan = d.to_plan(inv);
    let findings = super::validate::validate_placement(&plan, inv);
    !super::validate::blocking(&plan, &findings)
        .iter()
        .any(|f| matches!(f.step, Step::Vpc | Step::EndpointSubnets | Step::NlbSubnets))
}

/// A public subnet with room for an NLB.
fn nlb_ready(s: &crate::domain::Subnet) -> bool {
    s.reach.as_ref().is_some_and(|r| r.public) && s.free_ips >= super::validate::NLB_MIN_FREE_IPS
}

/// One private subnet per AZ of `vpc`, the one with the most free IPs (ties: lowest id). When two
/// or more of those AZs also have a public subnet with room for the NLB (whose AZs must match the
/// endpoint's), only those AZs.
pub fn best_endpoint_subnets(inv: &Inventory, vpc: &str) -> Vec<String> {
    let mut best: BTreeMap<&str, &crate::domain::Subnet> = BTreeMap::new();
    for s in inv.subnets_of(vpc) {
        let private = s.reach.as_ref().is_some_and(|r| !r.public);
        if !private || s.free_ips == 0 {
            continue;
        }
        let better = best.get(s.az.as_str()).is_none_or(|b| {
            (s.free_ips, std::cmp::Reverse(&s.id)) > (b.free_ips, std::cmp::Reverse(&b.id))
        });
        if better {
            best.insert(&s.az, s);
        }
    }
    let nlb_azs: Vec<&str> = inv
        .subnets_of(vpc)
        .filter(|s| nlb_ready(s))
        .map(|s| s.az.as_str())
        .collect();
    let followed = best.keys().filter(|az| nlb_azs.contains(az)).count();
    best.into_iter()
        .filter(|(az, _)| followed < 2 || nlb_azs.contains(az))
        .map(|(_, s)| s.id.clone())
        .collect()
}

/// The ISSUED certificate for `name`, and why it was chosen: among those that cover the name, an
/// exact name beats a wildcard, then the latest expiry, then the fewest other names.
pub fn best_certificate<'a>(
    inv: &'a Inventory,
    name: &str,
) -> Option<(&'a crate::domain::Certificate, String)> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let covering: Vec<&crate::domain::Certificate> = inv
        .certificates
        .iter()
        .filter(|c| c.status == crate::domain::CertStatus::Issued && c.covers(&name))
        .collect();
    let best = covering.iter().copied().min_by(|a, b| {
        cert_exact(b, &name)
            .cmp(&cert_exact(a, &name))
            .then(b.not_after.cmp(&a.not_after))
            .then(a.sans.len().cmp(&b.sans.len()))
            .then(a.arn.cmp(&b.arn))
    })?;
    let kind = if cert_exact(best, &name) {
        format!("names {name} exactly")
    } else {
        "covers the name with a wildcard".to_string()
    };
    let why = match covering.len() {
        1 => format!("the only ISSUED certificate that covers {name}: it {kind}"),
        n => format!("the most specific of {n} ISSUED certificates that cover {name}: it {kind}"),
    };
    Some((best, why))
}

/// Does the certificate name `name` itself (not through a wildcard)?
pub fn cert_exact(c: &crate::domain::Certificate, name: &str) -> bool {
    std::iter::once(&c.domain)
        .chain(c.sans.iter())
        .any(|p| p.trim_end_matches('.').eq_ignore_ascii_case(name))
}

/// The subnets of endpoint `id` when it carries plan `plan_id`'s tag.
fn own_endpoint(inv: &Inventory, id: &str, plan_id: &str) -> Option<Vec<String>> {
    inv.vpc_endpoints
        .iter()
        .find(|e| e.id == id)
        .filter(|e| {
            e.tags
                .iter()
                .any(|t| t.key == super::names::TAG_PLAN_ID && t.value == plan_id)
        })
        .map(|e| e.subnet_ids.clone())
}
