//! Step 9 of the SPEC: prove the fixed IPs work. A checklist, each check pass / fail / skipped with
//! its evidence and, on failure, the fix. Two halves:
//!
//! - the configuration, read through the `Cloud` / `CloudWrite` traits (`config.rs`): NLB and
//!   listener, target health, the endpoint and its ENI IPs against the registered targets, both
//!   Route 53 records and the private zone's association, the API, its mapping and stage;
//! - the network, from this host (`net.rs`): public DNS gives exactly the NLB's IPs, then for each
//!   IP separately TCP, TLS with SNI, the certificate, and an HTTPS GET of the check path.
//!
//! Engine-side code: it never draws; the TUI and the CLI render the `Check`s it sends.

pub mod config;
pub mod handout;
pub mod net;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::{Account, Journal};
use crate::plan::{ApiChoice, Plan};

pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Pending,
    Running,
    Pass,
    Fail,
    Skipped,
}

impl CheckState {
    pub fn is_done(self) -> bool {
        matches!(
            self,
            CheckState::Pass | CheckState::Fail | CheckState::Skipped
        )
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Stable id: `dns`, `tcp:<ip>`, `tls:<ip>`, `cert:<ip>`, `https:<ip>`, `nlb`, `targets`,
    /// `endpoint`, `public-record`, `private-zone`, `api`, `domain`.
    pub id: String,
    /// What the line belongs to: "Account", "Public DNS" or an NLB IP.
    pub group: String,
    pub title: String,
    pub state: CheckState,
    /// What was seen (on pass too: the proof).
    pub evidence: String,
    /// What to do, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn new(id: &str, group: &str, title: &str) -> Check {
        Check {
            id: id.to_string(),
            group: group.to_string(),
            title: title.to_string(),
            state: CheckState::Pending,
            evidence: String::new(),
            fix: None,
        }
    }

    pub fn finish(&mut self, state: CheckState, evidence: String, fix: Option<String>) {
        self.state = state;
        self.evidence = evidence;
        self.fix = fix;
    }

    fn running(&self) -> Check {
        let mut c = self.clone();
        c.state = CheckState::Running;
        c
    }
}

/// The result of one `verify`, kept beside the journal for the handout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub plan_id: String,
    pub name: String,
    pub region: String,
    /// Unix seconds.
    pub finished_at: i64,
    pub passed: bool,
    pub counts: Counts,
    /// The NLB's IPs the checks used.
    pub nlb_ips: Vec<String>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub skipped: usize,
}

impl Counts {
    pub fn of(checks: &[Check]) -> Counts {
        let mut c = Counts::default();
        for k in checks {
            match k.state {
                CheckState::Pass => c.pass += 1,
                CheckState::Fail => c.fail += 1,
                CheckState::Skipped => c.skipped += 1,
                CheckState::Pending | CheckState::Running => {}
            }
        }
        c
    }
}

impl Report {
    pub fn path(state_dir: &Path, plan_id: &str) -> PathBuf {
        Journal::path(state_dir, plan_id).with_extension("verify.json")
    }

    /// Atomic write, 0600 like the journal.
    pub fn save(&self, state_dir: &Path) -> Result<(), String> {
        let path = Report::path(state_dir, &self.plan_id);
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::paths::write_atomic(&path, text.as_bytes(), 0o600)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// The last report of a plan; `None` when there is none or it cannot be read (it is only a
    /// record: a damaged one is as good as none, verify makes a new one).
    pub fn load(state_dir: &Path, plan_id: &str) -> Option<Report> {
        let text = std::fs::read_to_string(Report::path(state_dir, plan_id)).ok()?;
        serde_json::from_str::<Report>(&text)
            .ok()
            .filter(|r| r.schema_version <= REPORT_VERSION)
    }

    /// A report finished now.
    pub fn of(plan: &Plan, checks: Vec<Check>, nlb_ips: Vec<String>) -> Report {
        let counts = Counts::of(&checks);
        Report {
            schema_version: REPORT_VERSION,
            plan_id: plan.id.clone(),
            name: plan.name.clone(),
            region: plan.region.clone(),
            finished_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
            passed: counts.fail == 0,
            counts,
            nlb_ips,
            checks,
        }
    }

    /// "12 passed, 1 failed, 2 skipped".
    pub fn summary(&self) -> String {
        summary(&self.counts)
    }
}

pub fn summary(c: &Counts) -> String {
    let mut parts = vec![format!("{} passed", c.pass)];
    if c.fail > 0 {
        parts.push(format!("{} failed", c.fail));
    }
    if c.skipped > 0 {
        parts.push(format!("{} skipped", c.skipped));
    }
    parts.join(", ")
}

/// How `verify` runs (CLI flags / TUI defaults).
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub resolver: Option<SocketAddr>,
    /// Defaults to the plan's listener port.
    pub port: Option<u16>,
    /// Defaults to `/ping` for an API the tool created, `/` for an adopted one.
    pub check_path: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub timeout: Duration,
    pub min_cert_days: i64,
    /// Run the checks from this host (off: `--skip-network`).
    pub network: bool,
    /// Re-register the endpoint's current IPs when they drifted from the targets.
    pub reregister: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            resolver: None,
            port: None,
            check_path: None,
            ca_file: None,
            timeout: Duration::from_secs(5),
            min_cert_days: 14,
            network: true,
            reregister: false,
        }
    }
}

/// `--resolver IP[:PORT]`.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    s.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| format!("--resolver {s}: give an IP address, optionally with :PORT (e.g. 1.1.1.1 or 127.0.0.1:5353)"))
}

/// The path the HTTPS check requests: the base path, then the check path.
pub fn check_path(plan: &Plan, opts: &VerifyOptions) -> String {
    let path = opts.check_path.clone().unwrap_or_else(|| match plan.api {
        ApiChoice::Create { .. } => "/ping".to_string(),
        ApiChoice::Adopt { .. } => "/".to_string(),
    });
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    match plan
        .base_path
        .as_deref()
        .map(|b| b.trim_matches('/'))
        .filter(|b| !b.is_empty())
    {
        Some(base) => format!("/{base}{path}"),
        None => path,
    }
}

fn send(tx: Option<&UnboundedSender<Check>>, c: &Check) {
    if let Some(tx) = tx {
        let _ = tx.send(c.clone());
    }
}

/// Run every check. Each check is sent on `tx` when it starts and when it ends, so a screen can
/// show the list filling in; the report holds them in a stable order.
pub async fn run(
    cloud: &Arc<dyn Account>,
    plan: &Plan,
    journal: &Journal,
    opts: &VerifyOptions,
    tx: Option<&UnboundedSender<Check>>,
) -> Report {
    let placeholders = config::placeholders();
    for c in &placeholders {
        send(tx, &c.running());
    }
    let mut dns_placeholder = Check::new(
        "dns",
        "Public DNS",
        &format!("{} resolves to the NLB's IPs", plan.name),
    );
    send(tx, &dns_placeholder);

    let facts = config::gather(cloud.as_ref(), plan, journal).await;
    let mut checks = config::evaluate(plan, &facts);
    if opts.reregister {
        if let Some(c) = config::reregister(cloud.as_ref(), &facts).await {
            checks.push(c);
        }
    }
    for c in &checks {
        send(tx, c);
    }

    let nlb_ips: BTreeSet<IpAddr> = facts
        .nlb
        .as_ref()
        .map(|lb| lb.addresses.iter().filter_map(|a| a.parse().ok()).collect())
        .unwrap_or_default();
    let simulated = cloud.target().is_simulated();
    let skip_reason = if !opts.network {
        Some("skipped by --skip-network".to_string())
    } else if simulated {
        Some(
            "the demo account is simulated: its NLB has no address on the internet to reach"
                .to_string(),
        )
    } else if nlb_ips.is_empty() {
        Some("the NLB reports no IP addresses, so there is nothing to reach (an NLB still provisioning, or an endpoint such as moto that gives none)".to_string())
    } else {
        None
    };
    let mut net_checks = Vec::new();
    match skip_reason {
        Some(reason) => {
            dns_placeholder.finish(CheckState::Skipped, reason, None);
            net_checks.push(dns_placeholder);
        }
        None => {
            send(tx, &dns_placeholder.running());
            let port = opts.port.unwrap_or(plan.settings.listener_port);
            let roots = match net::Roots::load(opts.ca_file.as_deref()) {
                Ok(r) => r,
                Err(e) => {
                    // Bad --ca-file is caught by the CLI first; here, fall back to the system's.
                    tracing::warn!("{e}");
                    net::Roots::load(None).unwrap_or_default()
                }
            };
            let net_opts = net::NetOptions {
                resolver: opts.resolver,
                port,
                path: check_path(plan, opts),
                roots: Arc::new(roots),
                timeout: opts.timeout,
                min_cert_days: opts.min_cert_days,
            };
            let answer = net::resolve(&plan.name, opts.resolver, opts.timeout).await;
            let dns = net::dns_check(&plan.name, &answer, &nlb_ips, opts.resolver);
            send(tx, &dns);
            net_checks.push(dns);
            for ip in &nlb_ips {
                for c in net::ip_checks(*ip, &plan.name, &net_opts) {
                    send(tx, &c.running());
                }
            }
            for c in net::probe_all(&nlb_ips, &plan.name, &net_opts).await {
                send(tx, &c);
                net_checks.push(c);
            }
        }
    }
    // The account's configuration first (it is what the network checks stand on), then DNS and
    // the IPs.
    checks.extend(net_checks);
    Report::of(
        plan,
        checks,
        nlb_ips.iter().map(|i| i.to_string()).collect(),
    )
}

/// A checklist as plain text (the CLI's output; the TUI draws its own).
pub fn text(checks: &[Check]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut group = "";
    for c in checks {
        if c.group != group {
            group = &c.group;
            let _ = writeln!(out, "{group}");
        }
        let mark = match c.state {
            CheckState::Pass => "✓",
            CheckState::Fail => "✗",
            CheckState::Skipped => "–",
            CheckState::Pending | CheckState::Running => "…",
        };
        let _ = writeln!(out, "  {mark} {}: {}", c.title, c.evidence);
        if let Some(fix) = &c.fix {
            let _ = writeln!(out, "      → {fix}");
        }
    }
    out
}
