//! The handout: what a user gives the partner's firewall team and watches afterwards. Read live
//! from the account (the NLB's IPs, health, drift), the kept plan and the last `verify` report.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::Report;
use crate::domain::TargetHealth;
use crate::engine::{Account, Journal, Key, NodeId};
use crate::plan::Plan;

pub const HANDOUT_VERSION: u32 = 1;

/// Elastic IPs survive an NLB recreate; NLB-assigned ones do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IpKind {
    Elastic,
    NlbAssigned,
}

impl IpKind {
    pub fn caveat(self) -> &'static str {
        match self {
            IpKind::Elastic => {
                "Elastic IPs: they stay with the account, even if the NLB is recreated (destroy keeps them unless asked)"
            }
            IpKind::NlbAssigned => {
                "NLB-assigned: they stay as long as the NLB is not recreated (a destroy and apply gives new ones)"
            }
        }
    }
}

/// The last verify, in short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastVerify {
    pub finished_at: i64,
    pub passed: bool,
    pub summary: String,
    /// Titles of the failed checks.
    pub failed: Vec<String>,
}

impl From<&Report> for LastVerify {
    fn from(r: &Report) -> Self {
        LastVerify {
            finished_at: r.finished_at,
            passed: r.passed,
            summary: r.summary(),
            failed: r
                .checks
                .iter()
                .filter(|c| c.state == super::CheckState::Fail)
                .map(|c| {
                    if c.group == "Account" || c.group == "Public DNS" {
                        c.title.clone()
                    } else {
                        format!("{}: {}", c.group, c.title)
                    }
                })
                .collect(),
        }
    }
}

/// `status --json` (schema_version 1; fields only ever added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handout {
    pub schema_version: u32,
    /// `applied`, or `destroyed` (a destroy ran to its end and the NLB is gone: nothing to hand
    /// out; `kept` says what stayed).
    pub state: String,
    /// After a destroy: what stayed in the account (the Elastic IPs kept for the partner), or
    /// what was released, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<String>,
    pub plan_id: String,
    pub name: String,
    pub port: u16,
    pub region: String,
    pub fixed_ips: Vec<String>,
    /// `<ip>/32` each: paste into a firewall.
    pub allow_list: Vec<String>,
    pub ip_kind: IpKind,
    pub ip_caveat: String,
    /// "the whole internet", or the caller CIDRs.
    pub who_can_reach: serde_json::Value,
    pub nlb_dns_name: Option<String>,
    pub nlb_state: Option<String>,
    pub endpoint_id: Option<String>,
    pub endpoint_state: Option<String>,
    pub targets: Vec<TargetHealth>,
    pub healthy: bool,
    pub problems: Vec<String>,
    pub last_verify: Option<LastVerify>,
    /// How the commands it prints start (`fixedip-tui` with the global flags they need).
    #[serde(skip)]
    pub command_prefix: String,
}

impl Handout {
    /// Who can reach the API, in words.
    pub fn who(&self) -> String {
        match &self.who_can_reach {
            serde_json::Value::String(s) => s.clone(),
            v => v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        }
    }

    /// What changed since `prev` that a watcher must notice (IPs, health, states).
    pub fn changes_since(&self, prev: &Handout) -> Vec<String> {
        let mut out = Vec::new();
        if self.fixed_ips != prev.fixed_ips {
            out.push(format!(
                "fixed IPs changed: {} → {} (tell the partner's firewall team)",
                prev.fixed_ips.join(", "),
                self.fixed_ips.join(", ")
            ));
        }
        let show = |t: &[TargetHealth]| {
            t.iter()
                .map(|x| format!("{} {}", x.ip, x.state))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if show(&self.targets) != show(&prev.targets) {
            out.push(format!(
                "targets changed: {} → {}",
                show(&prev.targets),
                show(&self.targets)
            ));
        }
        if self.nlb_state != prev.nlb_state {
            out.push(format!(
                "NLB state changed: {} → {}",
                prev.nlb_state.as_deref().unwrap_or("none"),
                self.nlb_state.as_deref().unwrap_or("none")
            ));
        }
        if self.endpoint_state != prev.endpoint_state {
            out.push(format!(
                "endpoint state changed: {} → {}",
                prev.endpoint_state.as_deref().unwrap_or("none"),
                self.endpoint_state.as_deref().unwrap_or("none")
            ));
        }
        out
    }

    /// The text `status` prints.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        if self.state == STATE_DESTROYED {
            let _ = writeln!(
                out,
                "{} ({}) · {} · destroyed",
                self.name, self.plan_id, self.region
            );
            if let Some(k) = &self.kept {
                let _ = writeln!(out, "{k}");
            }
            for p in &self.problems {
                let _ = writeln!(out, "  {p}");
            }
            return out;
        }
        let _ = writeln!(
            out,
            "{} ({}) · port {} · {}",
            self.name, self.plan_id, self.port, self.region
        );
        let _ = writeln!(out, "Fixed IPs — {}:", self.ip_caveat);
        if self.allow_list.is_empty() {
            let _ = writeln!(out, "  (none reported yet)");
        }
        for ip in &self.allow_list {
            let _ = writeln!(out, "  {ip}");
        }
        let _ = writeln!(out, "Who can reach it: {}", self.who());
        match &self.last_verify {
            Some(v) => {
                let _ = writeln!(
                    out,
                    "Last verify: {} ({}, {})",
                    if v.passed { "passed" } else { "FAILED" },
                    v.summary,
                    super::net::ymd_hm(v.finished_at)
                );
                for f in &v.failed {
                    let _ = writeln!(out, "  ✗ {f}");
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "Last verify: never (run `{} verify --plan-id {}`)",
                    self.command_prefix, self.plan_id
                );
            }
        }
        for p in &self.problems {
            let _ = writeln!(out, "✗ {p}");
        }
        if self.healthy {
            let _ = writeln!(out, "✓ NLB active, targets healthy");
        }
        out
    }
}

/// Read the handout of an applied plan.
/// `Handout::state` of a plan a destroy ran to its end for.
pub const STATE_DESTROYED: &str = "destroyed";

/// Whether the journal says a destroy ran to its end (every step removed; the kept Elastic IPs
/// aside).
pub fn destroyed(journal: &Journal) -> bool {
    !journal.nodes.is_empty()
        && journal
            .nodes
            .iter()
            .all(|(n, r)| *n == NodeId::Eips || r.status == crate::engine::NodeStatus::Removed)
}

/// Read the handout of an applied plan; the commands it prints start with `prefix`
/// (`fixedip-tui` and the global flags they need to work as printed).
pub async fn read(
    cloud: &dyn Account,
    plan: &Plan,
    journal: &Journal,
    state_dir: &Path,
    prefix: &str,
) -> Handout {
    let mut problems: Vec<String> = Vec::new();
    let lb = match cloud.find_load_balancer(&plan.nlb_name()).await {
        Ok(lb) => lb,
        Err(e) => {
            problems.push(format!("{e}"));
            None
        }
    };
    if lb.is_none() && destroyed(journal) {
        return destroyed_handout(plan, journal, state_dir, prefix);
    }
    if lb.is_none() {
        problems.push(format!(
            "the NLB {} does not exist: the plan is not applied (or was destroyed)",
            plan.nlb_name()
        ));
    }
    let health = match journal.id_of(NodeId::TargetGroup) {
        Some(tg) => cloud.target_health(tg).await.unwrap_or_else(|e| {
            problems.push(format!("{e}"));
            vec![]
        }),
        None => vec![],
    };
    let unhealthy: Vec<String> = health
        .iter()
        .filter(|t| !t.is_healthy())
        .map(TargetHealth::describe)
        .collect();
    if !unhealthy.is_empty() {
        problems.push(format!("targets not healthy: {}", unhealthy.join(", ")));
    }
    let endpoint = match journal.id_of(NodeId::Endpoint) {
        Some(id) => cloud.describe_vpc_endpoint(id).await.ok().flatten(),
        None => None,
    };
    let registered: BTreeSet<String> = health.iter().map(|t| t.ip.clone()).collect();
    let eni_ips: BTreeSet<String> = match &endpoint {
        Some(e) => cloud
            .interface_ips(&e.network_interface_ids)
            .await
            .map(|v| v.into_iter().map(|i| i.ip).collect())
            .unwrap_or_default(),
        None => Default::default(),
    };
    if !eni_ips.is_empty() && !registered.is_empty() && eni_ips != registered {
        problems.push(format!(
            "the endpoint's IPs {eni_ips:?} differ from the registered targets {registered:?}: run `{prefix} verify --plan-id {} --reregister`",
            plan.id
        ));
    }
    let mut ips: Vec<String> = lb.as_ref().map(|l| l.addresses.clone()).unwrap_or_default();
    if ips.is_empty() {
        // The plan's Elastic IPs are the NLB's, even where an endpoint (moto) does not report them.
        ips = journal.list(NodeId::Eips, Key::Ips);
    }
    let adopted_eips =
        plan.adopt_nlb.is_some() && lb.as_ref().is_some_and(|l| !l.eip_allocations.is_empty());
    let ip_kind = if plan.eips.is_elastic() || adopted_eips {
        IpKind::Elastic
    } else {
        IpKind::NlbAssigned
    };
    Handout {
        schema_version: HANDOUT_VERSION,
        state: "applied".into(),
        kept: None,
        plan_id: plan.id.clone(),
        name: plan.name.clone(),
        port: plan.settings.listener_port,
        region: plan.region.clone(),
        allow_list: ips.iter().map(|ip| format!("{ip}/32")).collect(),
        fixed_ips: ips,
        ip_kind,
        ip_caveat: ip_kind.caveat().to_string(),
        who_can_reach: match (&plan.adopt_nlb, &lb) {
            (Some(_), Some(l)) if !l.security_group_ids.is_empty() => serde_json::json!(format!(
                "whoever the adopted NLB's security groups admit ({})",
                l.security_group_ids.join(", ")
            )),
            _ => crate::plan::names::who_can_reach_json(&plan.allow_cidrs),
        },
        nlb_dns_name: lb.as_ref().map(|l| l.dns_name.clone()),
        nlb_state: lb.as_ref().map(|l| l.state.clone()),
        endpoint_id: endpoint.as_ref().map(|e| e.id.clone()),
        endpoint_state: endpoint.as_ref().map(|e| e.state.clone()),
        targets: health,
        healthy: problems.is_empty(),
        problems,
        last_verify: Report::load(state_dir, &plan.id).map(|r| LastVerify::from(&r)),
        command_prefix: prefix.to_string(),
    }
}

/// What `status` says of a destroyed plan: nothing to hand out; what stayed (the Elastic IPs kept
/// for the partner's allow-list, and what they cost) or what was released; how to apply again.
fn destroyed_handout(plan: &Plan, journal: &Journal, state_dir: &Path, prefix: &str) -> Handout {
    let kept_plan = crate::plan::names::kept_plan_path(state_dir, &plan.id);
    let held = journal.held_eips();
    let kept = match &held {
        Some(ips) => Some(crate::plan::cost::kept_eips(
            ips,
            0,
            &format!(
                "`{}` releases them",
                crate::plan::cost::release_eips_command(prefix, &plan.id)
            ),
        )),
        None if plan.eips.is_elastic() => Some(crate::plan::cost::released_eips(
            &journal.list(NodeId::Eips, Key::Ips),
        )),
        None => Some("nothing of this plan is left in the account".into()),
    };
    let kept_eips = held.is_some();
    Handout {
        schema_version: HANDOUT_VERSION,
        state: STATE_DESTROYED.into(),
        kept,
        plan_id: plan.id.clone(),
        name: plan.name.clone(),
        port: plan.settings.listener_port,
        region: plan.region.clone(),
        fixed_ips: vec![],
        allow_list: vec![],
        ip_kind: if plan.eips.is_elastic() {
            IpKind::Elastic
        } else {
            IpKind::NlbAssigned
        },
        ip_caveat: String::new(),
        who_can_reach: serde_json::json!("nobody: the setup was destroyed"),
        nlb_dns_name: None,
        nlb_state: None,
        endpoint_id: None,
        endpoint_state: None,
        targets: vec![],
        healthy: false,
        problems: vec![format!(
            "the setup was destroyed: `{prefix} apply --plan {} --yes` makes it again{}",
            kept_plan.display(),
            if kept_eips {
                " with the same Elastic IPs"
            } else {
                ""
            }
        )],
        last_verify: None,
        command_prefix: prefix.to_string(),
    }
}
