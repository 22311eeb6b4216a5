//! `doctor --fix`: mend in place what can be mended in place — the targets made the endpoint's IPs
//! again, the listener's TLS policy and ALPN, cross-zone load balancing — each change shown as
//! the `aws` CLI line it is before it runs. What cannot be mended in place is only said.

use super::findings::{Finding, TLS13_POLICY};
use super::Setup;
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
    /// The change as an `aws` CLI line.
    pub fn command(&self) -> String {
        let targets = |ips: &[String]| {
            ips.iter()
                .map(|ip| format!("Id={ip},Port={ENDPOINT_PORT}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match self {
            Change::Register {
                target_group_arn,
                ips,
            } => format!(
                "aws elbv2 register-targets --target-group-arn {target_group_arn} --targets {}",
                targets(ips)
            ),
            Change::Deregister {
                target_group_arn,
                ips,
            } => format!(
                "aws elbv2 deregister-targets --target-group-arn {target_group_arn} --targets {}",
                targets(ips)
            ),
            Change::ListenerPolicies {
                listener_arn,
                ssl_policy,
                alpn_policy,
            } => {
                let mut line = format!("aws elbv2 modify-listener --listener-arn {listener_arn}");
                if let Some(p) = ssl_policy {
                    line.push_str(&format!(" --ssl-policy {p}"));
                }
                if let Some(p) = alpn_policy {
                    line.push_str(&format!(" --alpn-policy {p}"));
                }
                line
            }
            Change::CrossZone { load_balancer_arn } => format!(
                "aws elbv2 modify-load-balancer-attributes --load-balancer-arn {load_balancer_arn} --attributes Key=load_balancing.cross_zone.enabled,Value=true"
            ),
        }
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
