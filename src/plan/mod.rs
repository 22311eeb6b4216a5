//! The plan: every choice of the wizard (ids, not display names) and every setting the apply will
//! use. Versioned, saved as TOML, validated by the pure `validate::validate`.

pub mod cost;
pub mod draft;
pub mod flags;
pub mod names;
pub mod review;
pub mod validate;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use draft::Draft;
pub use validate::{validate, Finding, Severity};

/// Version of the plan file format. A file with a newer version is refused with a clear message.
pub const PLAN_VERSION: u32 = 1;

/// The wizard's steps, numbered as in the SPEC's procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Vpc,
    EndpointSubnets,
    NlbSubnets,
    NameCertificate,
    Api,
    Callers,
    Zones,
    Review,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Vpc,
        Step::EndpointSubnets,
        Step::NlbSubnets,
        Step::NameCertificate,
        Step::Api,
        Step::Callers,
        Step::Zones,
        Step::Review,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Vpc => "VPC",
            Step::EndpointSubnets => "Endpoint subnets",
            Step::NlbSubnets => "NLB subnets",
            Step::NameCertificate => "Name & certificate",
            Step::Api => "API",
            Step::Callers => "Who may call",
            Step::Zones => "DNS zones",
            Step::Review => "Review",
        }
    }

    pub fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// The execute-api interface endpoint: create one, or reuse the one the VPC has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum EndpointChoice {
    Create {
        subnet_ids: Vec<String>,
        /// The user explicitly accepted public subnets for the endpoint.
        #[serde(default)]
        allow_public_subnets: bool,
    },
    Reuse {
        vpc_endpoint_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ApiChoice {
    /// A minimal PRIVATE API with a MOCK `GET /ping` answering 200.
    Create { name: String },
    /// An existing API; the apply makes it PRIVATE and binds it to the endpoint if needed.
    Adopt { rest_api_id: String },
}

/// The NLB's public IPs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum EipChoice {
    /// NLB-assigned addresses (the post's setup): they change if the NLB is recreated.
    #[default]
    None,
    /// Allocate one Elastic IP per NLB subnet (kept on destroy unless `--release-eips`).
    New,
    /// Existing unassociated Elastic IPs, in the order of `nlb_subnet_ids`.
    Existing { allocation_ids: Vec<String> },
}

impl EipChoice {
    pub fn is_elastic(&self) -> bool {
        !matches!(self, EipChoice::None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum PrivateZoneChoice {
    Existing {
        zone_id: String,
    },
    /// A new private zone named exactly the FQDN, associated with the VPC.
    Create,
}

/// Settings the apply uses, with the SPEC's values as defaults (kept in the file so a plan is
/// self-describing and reviewable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub listener_port: u16,
    /// TLS 1.3 policy, set explicitly (the API default is ELBSecurityPolicy-2016-08).
    pub ssl_policy: String,
    pub alpn_policy: String,
    pub cross_zone: bool,
    /// Health check of the target group: TCP on the traffic port works against endpoint IPs.
    pub health_check_protocol: String,
    /// The custom domain's security policy (BASIC mode: STRICT rejects this very setup).
    pub domain_security_policy: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listener_port: 443,
            ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06".to_string(),
            alpn_policy: "None".to_string(),
            cross_zone: true,
            health_check_protocol: "TCP".to_string(),
            domain_security_policy: "TLS_1_2".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub version: u32,
    /// Derived from account + region + name: planning the same name again targets the same setup.
    pub id: String,
    pub account: String,
    pub region: String,
    pub vpc_id: String,
    /// Turn on enableDnsSupport / enableDnsHostnames during apply.
    #[serde(default)]
    pub enable_vpc_dns: bool,
    pub endpoint: EndpointChoice,
    pub nlb_subnet_ids: Vec<String>,
    /// The public DNS name, e.g. `api.example.com`.
    pub name: String,
    pub certificate_arn: String,
    pub api: ApiChoice,
    pub stage: String,
    #[serde(default)]
    pub base_path: Option<String>,
    /// Elastic IPs on the NLB (one per NLB subnet): IPs that survive an NLB recreate.
    #[serde(default)]
    pub eips: EipChoice,
    /// The endpoint's private IP pinned in each of its subnets (subnet id → IPv4), so the target
    /// group never drifts. Only with a created endpoint.
    #[serde(default)]
    pub endpoint_ips: BTreeMap<String, String>,
    /// Adopt this existing NLB (ARN) instead of creating one: never deleted by destroy. Its
    /// subnets, security groups and IPs are what they are (all fixed at its creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopt_nlb: Option<String>,
    /// Adopt this existing target group (ARN, type ip, TLS 443) instead of creating one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopt_target_group: Option<String>,
    /// Caller allow-list (IPv4 CIDRs) for the NLB security group; empty = the whole internet.
    #[serde(default)]
    pub allow_cidrs: Vec<String>,
    /// Who inside the VPC may call the API straight through the endpoint (the private zone sends
    /// them there): `vpc` (the VPC's IPv4 CIDRs, primary and secondary), IPv4 CIDRs, security
    /// group ids (`sg-…`); empty = nobody (the post's setting: the private zone is then useless).
    /// Admitted by the endpoint's security group beside the NLB subnets.
    #[serde(default = "default_vpc_callers")]
    pub vpc_callers: Vec<String>,
    pub public_zone_id: String,
    pub private_zone: PrivateZoneChoice,
    /// Replace an existing A/AAAA/CNAME record of the name (explicit choice).
    #[serde(default)]
    pub replace_records: bool,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Codes of the warnings the user acknowledged.
    #[serde(default)]
    pub acknowledged: Vec<String>,
    #[serde(default)]
    pub settings: Settings,
}

/// `vpc_callers` keyword: every IPv4 CIDR of the plan's VPC.
pub const VPC_CALLERS_WHOLE_VPC: &str = "vpc";

/// The default of `vpc_callers`: the whole VPC (callers inside it reach the API).
pub fn default_vpc_callers() -> Vec<String> {
    vec![VPC_CALLERS_WHOLE_VPC.to_string()]
}

/// One entry of `vpc_callers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VpcCaller {
    WholeVpc,
    Cidr(ipnet::Ipv4Net),
    Group(String),
}

impl VpcCaller {
    /// `vpc`, an IPv4 CIDR (or address: /32) or `sg-…`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<VpcCaller, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case(VPC_CALLERS_WHOLE_VPC) {
            return Ok(VpcCaller::WholeVpc);
        }
        if let Some(rest) = t.strip_prefix("sg-") {
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()) {
                return Ok(VpcCaller::Group(t.to_ascii_lowercase()));
            }
            return Err(format!(
                "`{t}` is not a security group id (sg- and hex digits)"
            ));
        }
        validate::check_caller_cidr(t)
            .map(VpcCaller::Cidr)
            .map_err(|why| format!("{why} (in-VPC callers: vpc, a CIDR or a security group id)"))
    }
}

/// `--vpc-callers vpc|none|CIDR,sg-…,…` as the plan's list (`none`: nobody).
pub fn parse_vpc_callers(text: &str) -> Result<Vec<String>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(vec![]);
    }
    let mut out: Vec<String> = Vec::new();
    for item in t.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let canonical = match VpcCaller::parse(item)? {
            VpcCaller::WholeVpc => VPC_CALLERS_WHOLE_VPC.to_string(),
            VpcCaller::Group(g) => g,
            VpcCaller::Cidr(_) => item.to_string(),
        };
        if !out.contains(&canonical) {
            out.push(canonical);
        }
    }
    if out.is_empty() {
        return Err(
            "--vpc-callers needs vpc, none, or a list of CIDRs / security group ids".into(),
        );
    }
    Ok(out)
}

/// The name in an ELB ARN: `…:loadbalancer/<net|app>/<name>/<id>` (moto writes `app` for NLBs
/// too), `…:targetgroup/<name>/<id>`.
pub fn elb_arn_name(arn: &str) -> Option<String> {
    let name = if let Some((_, rest)) = arn.split_once(":loadbalancer/") {
        rest.split('/').nth(1)?
    } else {
        arn.split_once(":targetgroup/")?.1.split('/').next()?
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// FNV-1a, 64 bits: stable across versions and platforms (unlike `DefaultHasher`).
pub(crate) fn fnv1a(data: &str) -> u64 {
    data.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `fip-` + 10 hex digits of account, region and the lower-cased name.
pub fn plan_id(account: &str, region: &str, name: &str) -> String {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    format!(
        "fip-{:010x}",
        fnv1a(&format!("{account}|{region}|{name}")) & 0xff_ffff_ffff
    )
}

impl Plan {
    /// What of the account this plan needs read in full (see `discovery::Focus`).
    pub fn discovery_focus(&self) -> crate::discovery::Focus {
        crate::discovery::Focus {
            vpc_id: self.vpc_id.clone(),
            certificate_arn: (!self.certificate_arn.is_empty())
                .then(|| self.certificate_arn.clone()),
            name: self.name.clone(),
            private_zone_id: match &self.private_zone {
                PrivateZoneChoice::Existing { zone_id } => Some(zone_id.clone()),
                _ => None,
            },
            load_balancers: self.adopt_nlb.is_some() || self.adopt_target_group.is_some(),
        }
    }

    pub fn to_toml(&self) -> Result<String, PlanFileError> {
        toml::to_string_pretty(self).map_err(|e| PlanFileError::Encode(e.to_string()))
    }

    /// Parse a plan file, refusing newer versions and naming what is wrong and where.
    pub fn from_toml(text: &str) -> Result<Plan, PlanFileError> {
        // Read the version first, so a newer file gets "upgrade" rather than a field error.
        let raw: toml::Value =
            toml::from_str(text).map_err(|e| PlanFileError::Syntax(e.to_string()))?;
        match raw.get("version").and_then(|v| v.as_integer()) {
            None => return Err(PlanFileError::NoVersion),
            Some(v) if v > PLAN_VERSION as i64 => return Err(PlanFileError::TooNew(v)),
            Some(v) if v < 1 => return Err(PlanFileError::TooOld(v)),
            Some(_) => {}
        }
        toml::from_str(text).map_err(|e| PlanFileError::Shape(e.to_string()))
    }

    pub fn load(path: &Path) -> Result<Plan, PlanFileError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PlanFileError::Read(path.display().to_string(), e.to_string()))?;
        Plan::from_toml(&text)
    }

    /// Write atomically (temp file in the same directory, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), PlanFileError> {
        let text = self.to_toml()?;
        crate::paths::write_atomic(path, text.as_bytes(), 0o644)
            .map_err(|e| PlanFileError::Write(path.display().to_string(), e.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot read the plan file {0}: {1}")]
    Read(String, String),
    #[error("cannot write the plan file {0}: {1}")]
    Write(String, String),
    #[error("the plan file is not valid TOML: {0}")]
    Syntax(String),
    #[error("the plan file has no `version`: is it a fixedip-tui plan? (create one with `fixedip-tui plan --out plan.toml`)")]
    NoVersion,
    #[error("the plan file is version {0}, newer than this fixedip-tui understands (version {PLAN_VERSION}): upgrade fixedip-tui")]
    TooNew(i64),
    #[error("the plan file is version {0}, which no fixedip-tui release wrote: recreate it with `fixedip-tui plan --out plan.toml`")]
    TooOld(i64),
    #[error("the plan file does not have the expected fields: {0}")]
    Shape(String),
    #[error("cannot encode the plan: {0}")]
    Encode(String),
}

/// A small valid plan for unit tests: `azs` private endpoint subnets `subnet-priv<i>` and public
/// NLB subnets `subnet-pub<i>`, a new API, endpoint and private zone.
#[cfg(test)]
pub(crate) fn sample_plan(azs: usize) -> Plan {
    let subnets = |p: &str| (0..azs).map(|i| format!("subnet-{p}{i}")).collect();
    Plan {
        version: PLAN_VERSION,
        id: "fip-0000000001".into(),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        vpc_id: "vpc-1".into(),
        enable_vpc_dns: false,
        endpoint: EndpointChoice::Create {
            subnet_ids: subnets("priv"),
            allow_public_subnets: false,
        },
        nlb_subnet_ids: subnets("pub"),
        eips: EipChoice::None,
        endpoint_ips: Default::default(),
        adopt_nlb: None,
        adopt_target_group: None,
        name: "api.example.com".into(),
        certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/x".into(),
        api: ApiChoice::Create { name: "p".into() },
        stage: "prod".into(),
        base_path: None,
        allow_cidrs: vec![],
        vpc_callers: default_vpc_callers(),
        public_zone_id: "Z1".into(),
        private_zone: PrivateZoneChoice::Create,
        replace_records: false,
        tags: Default::default(),
        acknowledged: vec![],
        settings: Settings::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::elb_arn_name;

    #[test]
    fn names_from_elb_arns() {
        let p = "arn:aws:elasticloadbalancing:us-east-1:123456789012";
        assert_eq!(
            elb_arn_name(&format!("{p}:loadbalancer/net/partner-nlb/1a2b")).as_deref(),
            Some("partner-nlb")
        );
        assert_eq!(
            elb_arn_name(&format!("{p}:loadbalancer/app/partner-nlb/1a2b")).as_deref(),
            Some("partner-nlb"),
            "moto's ARNs"
        );
        assert_eq!(
            elb_arn_name(&format!("{p}:targetgroup/partner-tg/0a1b")).as_deref(),
            Some("partner-tg")
        );
        assert_eq!(elb_arn_name("not-an-arn"), None);
    }
}
