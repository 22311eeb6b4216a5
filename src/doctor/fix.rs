//! `doctor --fix`: mend in place what can be mended in place — the targets made the endpoint's IPs
//! again, the listener's TLS policy and ALPN, cross-zone load balancing — each change shown as
//! the `aws` CLI line it is before it runs. What cannot be mended in place is only said.

use super::findings::{Finding, TLS13_POLICY};
use super::Setup;
use crate::cloud::cli as aws;
use crate::cloud::CloudError;
use crate::engine::Account;
use crate::plan::names::ENDPOINT_PORT;

/// One change to the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Register the endpoint's IPs that the target group lacks.
    Register {
        target_group_arn: String,
        ips: Vec<String>,
    },
    /// Deregister targets that are not the endpoint's IPs.
    Deregister {
        target_group_arn: String,
        ips: Vec<String>,
    },
    /// The listener's SSL policy (and/or ALPN policy).
    ListenerPolicies {
        listener_arn: String,
        ssl_policy: Option<String>,
        alpn_policy: Option<String>,
    },
    /// Cross-zone load balancing on.
    CrossZone { load_balancer_arn: String },
}

impl Change {
    /// The change as an `aws` CLI line (the request `run` sends).
    pub fn command(&self) -> String {
        let command = match self {
            Change::Register {
                target_group_arn,
                ips,
            } => aws::register_targets(target_group_arn, ips, ENDPOINT_PORT),
            Change::Deregister {
                target_group_arn,
                ips,
            } => aws::deregister_targets(target_group_arn, ips, ENDPOINT_PORT),
            Change::ListenerPolicies {
                listener_arn,
                ssl_policy,
                alpn_policy,
            } => aws::set_listener_policies(
                listener_arn,
                ssl_policy.as_deref(),
                alpn_policy.as_deref(),
            ),
            Change::CrossZone { load_balancer_arn } => aws::set_cross_zone(load_balancer_arn, true),
        };
        command.shell()
    }

    /// Make the change.
    pub async fn run(&self, cloud: &dyn Account) -> Result<(), CloudError> {
        match self {
            Change::Register {
                target_group_arn,
                ips,
            } => {
                cloud
                    .register_targets(target_group_arn, ips, ENDPOINT_PORT)
                    .await
            }
            Change::Deregister {
                target_group_arn,
                ips,
            } => {
                cloud
                    .deregister_targets(target_group_arn, ips, ENDPOINT_PORT)
                    .await
            }
            Change::ListenerPolicies {
                listener_arn,
                ssl_policy,
                alpn_policy,
            } => {
                cloud
                    .set_listener_policies(
                        listener_arn,
                        ssl_policy.as_deref(),
                        alpn_policy.as_deref(),
                    )
                    .await
            }
            Change::CrossZone { load_balancer_arn } => {
                cloud.set_cross_zone(load_balancer_arn, true).await
            }
        }
    }
}

/// The changes that mend `findings` of `setup` in place, keeping only the codes in `only` when it
/// is not empty. Registering comes before deregistering, so a target that stays never goes.
pub fn changes(setup: &Setup, findings: &[Finding], only: &[String]) -> Vec<Change> {
    let wanted = |code: &str| {
        findings.iter().any(|f| f.code == code && f.fixable)
            && (only.is_empty() || only.iter().any(|o| o == code))
    };
    let mut out = Vec::new();
    if wanted("targets-drift") {
        let want = setup.endpoint_ips();
        let have = setup.registered_ips();
        let missing: Vec<String> = want
            .iter()
            .filter(|ip| !have.contains(ip))
            .map(|ip| ip.to_string())
            .collect();
        let stale: Vec<String> = have
            .iter()
            .filter(|ip| !want.contains(ip))
            .map(|ip| ip.to_string())
            .collect();
        let tg = &setup.target_group.arn;
        if !missing.is_empty() {
            out.push(Change::Register {
                target_group_arn: tg.clone(),
                ips: missing,
            });
        }
        if !stale.is_empty() {
            out.push(Change::Deregister {
                target_group_arn: tg.clone(),
                ips: stale,
            });
        }
    }
    let ssl_policy = wanted("tls-policy-legacy").then(|| TLS13_POLICY.to_string());
    let alpn_policy = wanted("alpn-http2").then(|| "None".to_string());
    if ssl_policy.is_some() || alpn_policy.is_some() {
        out.push(Change::ListenerPolicies {
            listener_arn: setup.listener.arn.clone(),
            ssl_policy,
            alpn_policy,
        });
    }
    if wanted("az-without-healthy-target") {
        out.push(Change::CrossZone {
            load_balancer_arn: setup.nlb.arn.clone(),
        });
    }
    out
}

/// The record of the fixes made: one JSON line per step in `doctor-fixes.jsonl` of the state
/// directory — "started" before a change goes out and "done" or "failed" after — so a fix cut
/// short (Ctrl-C, a lost connection) is on record with the `aws` line that would repeat it.
#[derive(Debug, Clone)]
pub struct FixLog {
    path: std::path::PathBuf,
}

impl FixLog {
    pub fn new(state_dir: &std::path::Path) -> Self {
        Self {
            path: state_dir.join("doctor-fixes.jsonl"),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Make `change` to `setup`, recorded before ("started") and after ("done" / "failed"); a
    /// line that cannot be written is passed to `unrecorded` and the change goes on.
    pub async fn run(
        &self,
        cloud: &dyn Account,
        setup: &str,
        change: &Change,
        unrecorded: impl Fn(&std::io::Error),
    ) -> Result<(), CloudError> {
        let note = |outcome: &str, error: Option<&str>| {
            if let Err(e) = self.record(setup, change, outcome, error) {
                unrecorded(&e);
            }
        };
        note("started", None);
        let result = change.run(cloud).await;
        match &result {
            Ok(()) => note("done", None),
            Err(e) => note("failed", Some(&e.to_string())),
        }
        result
    }

    /// Append one line: `outcome` is "started", "done" or "failed" (with `error`).
    pub fn record(
        &self,
        setup: &str,
        change: &Change,
        outcome: &str,
        error: Option<&str>,
    ) -> std::io::Result<()> {
        use std::io::Write;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let line = serde_json::json!({
            "at": crate::domain::now_rfc3339(),
            "setup": setup,
            "command": change.command(),
            "outcome": outcome,
            "error": error,
        });
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        writeln!(file, "{line}")?;
        file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_one_line_per_step_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let log = FixLog::new(&dir.path().join("state"));
        let change = Change::CrossZone {
            load_balancer_arn: "arn:lb".into(),
        };
        log.record("legacy-nlb", &change, "started", None)
            .expect("written");
        log.record("legacy-nlb", &change, "failed", Some("AccessDenied"))
            .expect("written");
        let text = std::fs::read_to_string(log.path()).expect("read");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["outcome"], "started");
        assert_eq!(lines[1]["outcome"], "failed");
        assert_eq!(lines[1]["error"], "AccessDenied");
        assert!(lines[0]["command"].as_str().is_some_and(
            |c| c.contains(r#""Key":"load_balancing.cross_zone.enabled","Value":"true""#)
        ));
    }
}
