//! `doctor`: every fixed-IP setup of the region, found by its shape — an internet-facing NLB whose
//! TLS listener forwards to an `ip` target group whose targets are (or were) the network interface
//! IPs of an `execute-api` interface endpoint — and what is wrong with each. Ours (tagged with a
//! plan id) and those made by hand from the blog post or the public samples alike.
//!
//! `read` asks the account (through the `Cloud`/`CloudWrite` traits) for what the shape needs;
//! `shape::setups` and `findings::check` are pure, so every finding has a table test.

pub mod findings;
pub mod fix;
mod read;
pub mod shape;

use serde::Serialize;

pub use findings::{Finding, Severity};
pub use read::{read, Scope};

use crate::domain::{
    Certificate, HostedZone, InterfaceIp, ListenerState, LoadBalancerState, RecordSet, RestApi,
    TargetGroupState, TargetHealth, VpcEndpoint,
};

/// Today, in days since 1970-01-01 (UTC): what certificate expiry is judged against.
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

/// JSON schema version of `doctor --json`.
pub const SCHEMA_VERSION: u32 = 1;

/// Who made a setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Applied by fixedip-tui: its resources carry the plan id.
    #[serde(rename = "fixedip-tui")]
    FixedipTui { plan_id: String },
    /// Found by its shape (made by hand, from a template, by another tool).
    Found,
}

/// One fixed-IP setup: the NLB and what it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub origin: Origin,
    pub nlb: LoadBalancerState,
    /// The AZs of the NLB's subnets.
    pub nlb_azs: Vec<String>,
    pub listener: ListenerState,
    pub target_group: TargetGroupState,
    /// The registered targets and their health.
    pub health: Vec<TargetHealth>,
    /// The execute-api endpoint the targets are (or were) the IPs of; `None` when none is known.
    pub endpoint: Option<VpcEndpoint>,
    pub endpoint_interfaces: Vec<InterfaceIp>,
    /// Whether the endpoint's IPs are known to be pinned (a plan of this tool that pins them).
    pub pinned_endpoint_ips: bool,
    /// The REST APIs bound to the endpoint.
    pub apis: Vec<RestApi>,
    /// The listener's certificate, when it could be read.
    pub certificate: Option<Certificate>,
    /// The public names served by this NLB: the certificate's names whose records point at it.
    pub names: Vec<String>,
    /// The public records of those names that point at the NLB.
    pub public_records: Vec<RecordSet>,
    /// The private zone of the name associated with the NLB's VPC, if any.
    pub private_zone: Option<HostedZone>,
}

impl Setup {
    /// The setup's id: the plan id for ours, the NLB's name for one found.
    pub fn id(&self) -> String {
        match &self.origin {
            Origin::FixedipTui { plan_id } => plan_id.clone(),
            Origin::Found => self.nlb.name.clone(),
        }
    }

    pub fn endpoint_ips(&self) -> Vec<&str> {
        self.endpoint_interfaces
            .iter()
            .map(|i| i.ip.as_str())
            .collect()
    }

    pub fn registered_ips(&self) -> Vec<&str> {
        self.health.iter().map(|t| t.ip.as_str()).collect()
    }

    /// The AZ of a target IP: that of the endpoint interface holding it.
    pub fn az_of_ip(&self, ip: &str) -> Option<&str> {
        self.endpoint_interfaces
            .iter()
            .find(|i| i.ip == ip)
            .map(|i| i.az.as_str())
    }

    /// The fixed IPs a partner allows: the NLB's public addresses.
    pub fn fixed_ips(&self) -> Vec<String> {
        self.nlb.addresses.clone()
    }
}

/// A setup as `doctor --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct SetupReport {
    pub id: String,
    /// "fixedip-tui" or "found".
    pub origin: &'static str,
    pub nlb_arn: String,
    pub name: String,
    pub vpc_id: String,
    /// Elastic IPs, or "nlb-assigned".
    pub ip_kind: &'static str,
    pub fixed_ips: Vec<String>,
    pub names: Vec<String>,
    pub endpoint_id: Option<String>,
    pub findings: Vec<Finding>,
}

/// The whole `doctor --json` document.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub region: String,
    pub setups: Vec<SetupReport>,
    /// Reads that failed (the setups are then what could be seen).
    pub errors: Vec<String>,
}

impl Report {
    /// The worst severity of any finding, `None` when there is none.
    pub fn worst(&self) -> Option<Severity> {
        self.setups
            .iter()
            .flat_map(|s| s.findings.iter().map(|f| f.severity))
            .max()
    }
}

/// Read the setups in `scope` and judge them on day `today`: the setups as read (what a fix
/// changes) and the report, its setups in the same order. Err: the NLBs could not be read.
pub async fn judge(
    cloud: &dyn crate::engine::Account,
    scope: &Scope,
    today: i64,
) -> Result<(Vec<Setup>, Report), crate::cloud::CloudError> {
    let (facts, errors) = read(cloud, scope).await?;
    let setups = shape::setups(&facts);
    let report = report(&facts.region, &setups, today, errors);
    Ok((setups, report))
}

/// The report of `setups` on day `today` (days since 1970-01-01).
pub fn report(region: &str, setups: &[Setup], today: i64, errors: Vec<String>) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        region: region.to_string(),
        setups: setups
            .iter()
            .map(|s| SetupReport {
                id: s.id(),
                origin: match s.origin {
                    Origin::FixedipTui { .. } => "fixedip-tui",
                    Origin::Found => "found",
                },
                nlb_arn: s.nlb.arn.clone(),
                name: s.nlb.name.clone(),
                vpc_id: s.nlb.vpc_id.clone(),
                ip_kind: if s.nlb.eip_allocations.is_empty() {
                    "nlb-assigned"
                } else {
                    "elastic"
                },
                fixed_ips: s.fixed_ips(),
                names: s.names.clone(),
                endpoint_id: s.endpoint.as_ref().map(|e| e.id.clone()),
                findings: findings::check(s, today),
            })
            .collect(),
        errors,
    }
}

/// The report as text: one block per setup, its findings with evidence and fix.
pub fn text(report: &Report) -> String {
    let mut out = Vec::new();
    if report.setups.is_empty() {
        out.push(format!(
            "No fixed-IP setup in {} (an internet-facing NLB with a TLS listener to an ip target group of an execute-api endpoint's IPs).",
            report.region
        ));
    }
    for s in &report.setups {
        let origin = if s.origin == "found" {
            "found by shape"
        } else {
            "made by fixedip-tui"
        };
        out.push(format!("{} ({origin}) — {} in {}", s.id, s.name, s.vpc_id));
        out.push(format!(
            "  fixed IPs: {} ({})",
            if s.fixed_ips.is_empty() {
                "(not reported)".to_string()
            } else {
                s.fixed_ips.join(", ")
            },
            if s.ip_kind == "elastic" {
                "Elastic IPs"
            } else {
                "assigned by AWS"
            }
        ));
        if !s.names.is_empty() {
            out.push(format!("  names: {}", s.names.join(", ")));
        }
        if s.findings.is_empty() {
            out.push("  no findings".into());
        }
        for f in &s.findings {
            out.push(format!(
                "  {:<7} {}: {}",
                f.severity.as_str(),
                f.code,
                f.evidence
            ));
            out.push(format!(
                "          → {}{}",
                f.fix,
                if f.fixable { " [fixable]" } else { "" }
            ));
        }
        out.push(String::new());
    }
    for e in &report.errors {
        out.push(format!("warning: {e}"));
    }
    out.join("\n")
}
