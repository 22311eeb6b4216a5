//! What is wrong with a fixed-IP setup: one check per finding code, each a pure function of the
//! setup (and today's date), each with the evidence that made it fire and the fix. The codes are
//! stable: scripts and `doctor --only` name them.

use serde::Serialize;

use super::Setup;
use crate::domain::days_from_rfc3339;

/// How much a finding matters. The order is the order of worry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing found wrong (or worth knowing) about a setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `targets-drift`.
    pub code: &'static str,
    pub severity: Severity,
    /// What in the account made it fire (ids, IPs, values).
    pub evidence: String,
    /// What to do about it.
    pub fix: String,
    /// Whether it can be mended in place (without replacing a resource or changing the fixed IPs).
    pub fixable: bool,
}

/// Days before expiry from which a certificate is reported.
pub const CERT_EXPIRY_DAYS: i64 = 30;

/// The TLS 1.3 policy a listener should have (ELB's recommended one).
pub const TLS13_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// Every finding code, in the order the checks run.
pub const CODES: [&str; 13] = [
    "targets-drift",
    "targets-unhealthy",
    "az-without-healthy-target",
    "tls-policy-legacy",
    "alpn-http2",
    "nlb-no-security-group",
    "nlb-assigned-ips",
    "public-record-not-alias",
    "private-zone-missing",
    "api-policy-open",
    "cert-expiring",
    "cert-name-mismatch",
    "endpoint-ips-unpinned",
];

type Check = fn(&Setup, i64) -> Vec<Finding>;

/// The checks, one per code (same order as `CODES`).
const CHECKS: [Check; 13] = [
    targets_drift,
    targets_unhealthy,
    az_without_healthy_target,
    tls_policy_legacy,
    alpn_http2,
    nlb_no_security_group,
    nlb_assigned_ips,
    public_record_not_alias,
    private_zone_missing,
    api_policy_open,
    cert_expiring,
    cert_name_mismatch,
    endpoint_ips_unpinned,
];

/// Every finding of `setup` on day `today` (days since 1970-01-01), worst first, then by code.
pub fn check(setup: &Setup, today: i64) -> Vec<Finding> {
    let mut out: Vec<Finding> = CHECKS.iter().flat_map(|c| c(setup, today)).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn finding(
    code: &'static str,
    severity: Severity,
    evidence: String,
    fix: impl Into<String>,
    fixable: bool,
) -> Vec<Finding> {
    vec![Finding {
        code,
        severity,
        evidence,
        fix: fix.into(),
        fixable,
    }]
}

/// The registered targets are not the endpoint's network interface IPs (the endpoint was
/// replaced or modified since they were registered by hand).
fn targets_drift(s: &Setup, _: i64) -> Vec<Finding> {
    let Some(ep) = &s.endpoint else {
        return vec![];
    };
    let want = s.endpoint_ips();
    let have = s.registered_ips();
    let stale: Vec<&str> = have
        .iter()
        .filter(|ip| !want.contains(ip))
        .copied()
        .collect();
    let missing: Vec<&str> = want
        .iter()
        .filter(|ip| !have.contains(ip))
        .copied()
        .collect();
    if stale.is_empty() && missing.is_empty() {
        return vec![];
    }
    let mut parts = Vec::new();
    if !stale.is_empty() {
        parts.push(format!("stale (not {}'s): {}", ep.id, stale.join(", ")));
    }
    if !missing.is_empty() {
        parts.push(format!("missing: {}", missing.join(", ")));
    }
    finding(
        "targets-drift",
        Severity::Error,
        format!("target group {}: {}", s.target_group.name, parts.join("; ")),
        "register the endpoint's IPs and deregister the stale ones (doctor --fix does it)",
        true,
    )
}

/// A registered target that is not healthy.
fn targets_unhealthy(s: &Setup, _: i64) -> Vec<Finding> {
    let bad: Vec<String> = s
        .health
        .iter()
        .filter(|t| !t.is_healthy())
        .map(|t| t.describe())
        .collect();
    if bad.is_empty() {
        return vec![];
    }
    finding(
        "targets-unhealthy",
        Severity::Warning,
        bad.join("; "),
        "check the endpoint's security group admits TCP 443 from the NLB's subnets, and that the targets are the endpoint's IPs",
        false,
    )
}

/// An AZ of the NLB with no healthy target: its public IP black-holes unless cross-zone is on.
fn az_without_healthy_target(s: &Setup, _: i64) -> Vec<Finding> {
    if s.nlb.cross_zone == Some(true) {
        return vec![];
    }
    let healthy_azs: Vec<&str> = s
        .health
        .iter()
        .filter(|t| t.is_healthy())
        .filter_map(|t| s.az_of_ip(&t.ip))
        .collect();
    let empty: Vec<&str> = s
        .nlb_azs
        .iter()
        .map(String::as_str)
        .filter(|az| !healthy_azs.contains(az))
        .collect();
    if empty.is_empty() {
        return vec![];
    }
    finding(
        "az-without-healthy-target",
        Severity::Error,
        format!(
            "{} has no healthy target in {} and cross-zone load balancing is off: the NLB's IP there answers nothing",
            s.nlb.name,
            empty.join(", ")
        ),
        "turn cross-zone load balancing on (doctor --fix does it), or give the endpoint a subnet in that AZ",
        true,
    )
}

/// The TLS listener's policy is not a TLS 1.3 one (e.g. the old default ELBSecurityPolicy-2016-08).
fn tls_policy_legacy(s: &Setup, _: i64) -> Vec<Finding> {
    let policy = s.listener.ssl_policy.as_deref().unwrap_or("(none)");
    if !s.listener.protocol.eq_ignore_ascii_case("TLS") || policy.contains("TLS13") {
        return vec![];
    }
    finding(
        "tls-policy-legacy",
        Severity::Warning,
        format!(
            "listener :{} uses {policy} (TLS 1.0/1.1 allowed, no TLS 1.3)",
            s.listener.port
        ),
        format!("modify the listener to {TLS13_POLICY} (doctor --fix does it)"),
        true,
    )
}

/// ALPN that offers HTTP/2: API Gateway's endpoint does not speak it through a TLS target group.
fn alpn_http2(s: &Setup, _: i64) -> Vec<Finding> {
    let http2: Vec<&String> = s
        .listener
        .alpn_policy
        .iter()
        .filter(|p| p.to_ascii_uppercase().contains("HTTP2"))
        .collect();
    if http2.is_empty() {
        return vec![];
    }
    finding(
        "alpn-http2",
        Severity::Warning,
        format!(
            "listener :{} ALPN policy {}",
            s.listener.port,
            http2
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "set the listener's ALPN policy to None (doctor --fix does it)",
        true,
    )
}

/// An NLB made without a security group: the whole internet can call, and it can never get one.
fn nlb_no_security_group(s: &Setup, _: i64) -> Vec<Finding> {
    if !s.nlb.security_group_ids.is_empty() {
        return vec![];
    }
    finding(
        "nlb-no-security-group",
        Severity::Error,
        format!("{} has no security group: any address on the internet can reach the API", s.nlb.name),
        "an NLB gets security groups only when it is created: make a new NLB with a group (fixedip-tui adopts the rest); its IPs then change unless Elastic IPs are moved to it",
        false,
    )
}

/// The fixed IPs are the NLB's own: they change if the NLB is ever recreated.
fn nlb_assigned_ips(s: &Setup, _: i64) -> Vec<Finding> {
    if !s.nlb.eip_allocations.is_empty() {
        return vec![];
    }
    let ips = if s.nlb.addresses.is_empty() {
        "(not reported)".to_string()
    } else {
        s.nlb.addresses.join(", ")
    };
    finding(
        "nlb-assigned-ips",
        Severity::Info,
        format!("{} uses AWS-assigned IPs: {ips}", s.nlb.name),
        "they stay while the NLB exists; to survive a recreation, give a new NLB Elastic IPs (subnet mappings)",
        false,
    )
}

/// A public name served by this NLB that is not an A alias to it: a CNAME, or plain A records of
/// its addresses (stale once the NLB's IPs change).
fn public_record_not_alias(s: &Setup, _: i64) -> Vec<Finding> {
    let nlb_dns = s.nlb.dns_name.trim_end_matches('.').to_ascii_lowercase();
    let mut out = Vec::new();
    for r in &s.public_records {
        let to = r
            .alias_target
            .as_deref()
            .map(|t| t.trim_end_matches('.').to_ascii_lowercase());
        let alias_to_nlb = (r.record_type == "A" || r.record_type == "AAAA")
            && to
                .as_deref()
                .is_some_and(|t| t.trim_start_matches("dualstack.") == nlb_dns);
        if alias_to_nlb {
            continue;
        }
        let what = match (&to, r.record_type.as_str()) {
            (Some(t), _) => format!("{} {} alias → {t}", r.name, r.record_type),
            (None, kind) => format!("{} {kind} → {}", r.name, r.values.join(", ")),
        };
        out.extend(finding(
            "public-record-not-alias",
            Severity::Warning,
            what,
            format!(
                "make {} an A alias to {} (a CNAME cannot stand at a zone apex and costs a lookup; a plain A goes stale)",
                r.name, s.nlb.dns_name
            ),
            false,
        ));
    }
    out
}

/// No private zone of the name in the NLB's VPC: callers inside hairpin out through the NLB.
fn private_zone_missing(s: &Setup, _: i64) -> Vec<Finding> {
    if s.names.is_empty() || s.private_zone.is_some() {
        return vec![];
    }
    finding(
        "private-zone-missing",
        Severity::Warning,
        format!(
            "no private hosted zone for {} is associated with {}",
            s.names.join(", "),
            s.nlb.vpc_id
        ),
        "create a private zone of the name for the VPC with an alias to the endpoint, so callers inside reach the API directly",
        false,
    )
}

/// An API bound to the endpoint whose resource policy does not deny calls from elsewhere.
fn api_policy_open(s: &Setup, _: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    for api in &s.apis {
        let policy = api.policy.as_deref().unwrap_or_default();
        let restricted = policy.contains("Deny")
            && (policy.contains("aws:sourceVpc") || policy.contains("aws:SourceVpc"));
        if restricted {
            continue;
        }
        out.extend(finding(
            "api-policy-open",
            Severity::Warning,
            if policy.is_empty() {
                format!("API {} ({}) has no resource policy", api.name, api.id)
            } else {
                format!(
                    "API {} ({}): no Deny on aws:sourceVpc / aws:sourceVpce",
                    api.name, api.id
                )
            },
            "add a Deny for requests whose aws:sourceVpce (or aws:sourceVpc) is not the endpoint's, then deploy the stage",
            false,
        ));
    }
    out
}

/// The listener's certificate expires within 30 days (or has).
fn cert_expiring(s: &Setup, today: i64) -> Vec<Finding> {
    let Some(cert) = &s.certificate else {
        return vec![];
    };
    let Some(expires) = cert.not_after.as_deref().and_then(days_from_rfc3339) else {
        return vec![];
    };
    let left = expires - today;
    if left >= CERT_EXPIRY_DAYS {
        return vec![];
    }
    finding(
        "cert-expiring",
        if left < 7 {
            Severity::Error
        } else {
            Severity::Warning
        },
        if left < 0 {
            format!("certificate {} expired {} days ago", cert.domain, -left)
        } else {
            format!("certificate {} expires in {left} days", cert.domain)
        },
        if cert.cert_type.as_deref() == Some("IMPORTED") {
            "import a renewed certificate (same ARN) before it expires"
        } else {
            "check ACM renewal: its DNS validation record must stay in place"
        },
        false,
    )
}

/// A public name served by this NLB that the listener's certificate does not cover.
fn cert_name_mismatch(s: &Setup, _: i64) -> Vec<Finding> {
    let Some(cert) = &s.certificate else {
        return vec![];
    };
    let uncovered: Vec<&str> = s
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| !cert.covers(n))
        .collect();
    if uncovered.is_empty() {
        return vec![];
    }
    finding(
        "cert-name-mismatch",
        Severity::Error,
        format!(
            "certificate {} (SANs: {}) does not cover {}",
            cert.domain,
            cert.sans.join(", "),
            uncovered.join(", ")
        ),
        "put an ISSUED certificate covering the name on the listener (and the custom domain)",
        false,
    )
}

/// The endpoint's IPs were assigned by AWS: a replaced endpoint gets new ones and the targets
/// drift (information: the fix is to pin them when the endpoint is next made).
fn endpoint_ips_unpinned(s: &Setup, _: i64) -> Vec<Finding> {
    let Some(ep) = &s.endpoint else {
        return vec![];
    };
    if s.pinned_endpoint_ips {
        return vec![];
    }
    finding(
        "endpoint-ips-unpinned",
        Severity::Info,
        format!(
            "{}'s IPs ({}) were assigned by AWS",
            ep.id,
            s.endpoint_ips().join(", ")
        ),
        "when the endpoint is next made, pin its IPs (SubnetConfigurations) so the targets never drift",
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Origin;
    use crate::domain::{
        CertStatus, Certificate, HostedZone, InterfaceIp, ListenerState, LoadBalancerState,
        RecordSet, RestApi, TargetGroupState, TargetHealth, VpcEndpoint, ZoneVpc,
    };

    /// 2026-12-04.
    const TODAY: i64 = 20_791;

    fn interface(ip: &str, az: &str) -> InterfaceIp {
        InterfaceIp {
            eni_id: format!("eni-{ip}"),
            subnet_id: format!("subnet-{az}"),
            az: az.into(),
            ip: ip.into(),
        }
    }

    fn healthy(ip: &str) -> TargetHealth {
        TargetHealth {
            ip: ip.into(),
            state: "healthy".into(),
            reason: None,
        }
    }

    /// A setup with nothing to say about it.
    fn clean() -> Setup {
        let nlb_dns = "partner-nlb-0123.elb.us-east-1.amazonaws.com";
        Setup {
            origin: Origin::Found,
            nlb: LoadBalancerState {
                arn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/partner-nlb/1".into(),
                name: "partner-nlb".into(),
                dns_name: nlb_dns.into(),
                canonical_hosted_zone_id: "Z26RNL4JYFTOTI".into(),
                scheme: "internet-facing".into(),
                state: "active".into(),
                vpc_id: "vpc-1".into(),
                subnet_ids: vec!["subnet-pa".into(), "subnet-pb".into()],
                security_group_ids: vec!["sg-nlb".into()],
                addresses: vec!["3.0.0.1".into(), "3.0.0.2".into()],
                eip_allocations: vec!["eipalloc-1".into(), "eipalloc-2".into()],
                cross_zone: Some(false),
                tags: vec![],
            },
            nlb_azs: vec!["us-east-1a".into(), "us-east-1b".into()],
            listener: ListenerState {
                arn: "arn:listener".into(),
                protocol: "TLS".into(),
                port: 443,
                certificate_arns: vec!["arn:cert".into()],
                ssl_policy: Some(TLS13_POLICY.into()),
                alpn_policy: vec!["None".into()],
                target_group_arn: Some("arn:tg".into()),
            },
            target_group: TargetGroupState {
                arn: "arn:tg".into(),
                name: "partner-tg".into(),
                vpc_id: "vpc-1".into(),
                protocol: "TLS".into(),
                port: 443,
                target_type: "ip".into(),
                health_check_protocol: "TCP".into(),
                tags: vec![],
            },
            health: vec![healthy("10.0.1.10"), healthy("10.0.2.10")],
            endpoint: Some(VpcEndpoint::sample("vpce-1", "vpc-1")),
            endpoint_interfaces: vec![
                interface("10.0.1.10", "us-east-1a"),
                interface("10.0.2.10", "us-east-1b"),
            ],
            pinned_endpoint_ips: true,
            apis: vec![RestApi {
                id: "api1".into(),
                name: "partner".into(),
                endpoint_types: vec!["PRIVATE".into()],
                vpc_endpoint_ids: vec!["vpce-1".into()],
                description: None,
                policy: Some(
                    r#"{"Statement":[{"Effect":"Deny","Condition":{"StringNotEquals":{"aws:sourceVpce":"vpce-1"}}}]}"#
                        .into(),
                ),
                created: None,
            }],
            certificate: Some(Certificate {
                arn: "arn:cert".into(),
                domain: "api.example.com".into(),
                sans: vec!["api.example.com".into()],
                status: CertStatus::Issued,
                cert_type: Some("AMAZON_ISSUED".into()),
                in_use: true,
                in_use_by: vec![],
                not_after: Some("2027-06-01T00:00:00Z".into()),
            }),
            names: vec!["api.example.com".into()],
            public_records: vec![RecordSet {
                zone_id: "Z1".into(),
                name: "api.example.com".into(),
                record_type: "A".into(),
                values: vec![],
                alias_target: Some(format!("dualstack.{nlb_dns}.")),
                alias_zone_id: Some("Z26RNL4JYFTOTI".into()),
                evaluate_target_health: false,
                ttl: None,
            }],
            private_zone: Some(HostedZone {
                id: "Z2".into(),
                name: "api.example.com".into(),
                private: true,
                record_count: 3,
                comment: None,
                vpcs: vec![ZoneVpc {
                    vpc_id: "vpc-1".into(),
                    region: "us-east-1".into(),
                }],
            }),
        }
    }

    fn codes(s: &Setup) -> Vec<&'static str> {
        check(s, TODAY).iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_clean_setup_has_no_findings() {
        assert_eq!(check(&clean(), TODAY), vec![]);
    }

    /// Each code: the change that makes it fire, and the evidence it must name.
    #[test]
    fn each_code_fires_on_its_case_and_names_the_evidence() {
        type Case = (&'static str, fn(&mut Setup), &'static str);
        let cases: [Case; 13] = [
            (
                "targets-drift",
                |s| {
                    s.health[1].ip = "10.0.2.99".into();
                    s.nlb.cross_zone = Some(true)
                },
                "stale (not vpce-1's): 10.0.2.99; missing: 10.0.2.10",
            ),
            (
                "targets-unhealthy",
                |s| {
                    s.health[0].state = "unhealthy".into();
                    s.health[0].reason = Some("Target.Timeout".into());
                    s.nlb.cross_zone = Some(true)
                },
                "10.0.1.10 unhealthy (Target.Timeout)",
            ),
            (
                "az-without-healthy-target",
                |s| s.nlb_azs.push("us-east-1c".into()),
                "no healthy target in us-east-1c",
            ),
            (
                "tls-policy-legacy",
                |s| s.listener.ssl_policy = Some("ELBSecurityPolicy-2016-08".into()),
                "ELBSecurityPolicy-2016-08",
            ),
            (
                "alpn-http2",
                |s| s.listener.alpn_policy = vec!["HTTP2Preferred".into()],
                "HTTP2Preferred",
            ),
            (
                "nlb-no-security-group",
                |s| s.nlb.security_group_ids.clear(),
                "partner-nlb has no security group",
            ),
            (
                "nlb-assigned-ips",
                |s| s.nlb.eip_allocations.clear(),
                "3.0.0.1, 3.0.0.2",
            ),
            (
                "public-record-not-alias",
                |s| {
                    s.public_records[0].record_type = "CNAME".into();
                    s.public_records[0].alias_target = None;
                    s.public_records[0].values = vec![s.nlb.dns_name.clone()]
                },
                "api.example.com CNAME → partner-nlb-0123",
            ),
            (
                "private-zone-missing",
                |s| s.private_zone = None,
                "associated with vpc-1",
            ),
            (
                "api-policy-open",
                |s| s.apis[0].policy = None,
                "API partner (api1) has no resource policy",
            ),
            (
                "cert-expiring",
                |s| {
                    if let Some(c) = s.certificate.as_mut() {
                        c.not_after = Some("2026-12-20T00:00:00Z".into())
                    }
                },
                "expires in 16 days",
            ),
            (
                "cert-name-mismatch",
                |s| s.names.push("other.example.net".into()),
                "does not cover other.example.net",
            ),
            (
                "endpoint-ips-unpinned",
                |s| s.pinned_endpoint_ips = false,
                "vpce-1's IPs (10.0.1.10, 10.0.2.10)",
            ),
        ];
        assert_eq!(cases.map(|c| c.0), CODES, "one case per code, in order");
        for (code, change, evidence) in cases {
            let mut s = clean();
            change(&mut s);
            let found = check(&s, TODAY);
            let f = found
                .iter()
                .find(|f| f.code == code)
                .unwrap_or_else(|| panic!("{code} does not fire: {found:?}"));
            assert!(f.evidence.contains(evidence), "{code}: {:?}", f.evidence);
            assert!(!f.fix.is_empty(), "{code} says a fix");
            assert_eq!(codes(&s), vec![code], "only {code} fires on its case");
        }
    }

    #[test]
    fn findings_come_worst_first_and_fixable_ones_say_so() {
        let mut s = clean();
        s.nlb.eip_allocations.clear();
        s.listener.ssl_policy = Some("ELBSecurityPolicy-2016-08".into());
        s.nlb.security_group_ids.clear();
        let found = check(&s, TODAY);
        let severities: Vec<Severity> = found.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            vec![Severity::Error, Severity::Warning, Severity::Info]
        );
        assert!(found
            .iter()
            .any(|f| f.code == "tls-policy-legacy" && f.fixable));
        assert!(found
            .iter()
            .any(|f| f.code == "nlb-no-security-group" && !f.fixable));
    }

    #[test]
    fn cross_zone_on_covers_an_empty_az_and_an_expired_certificate_is_an_error() {
        let mut s = clean();
        s.health.truncate(1);
        s.nlb.cross_zone = Some(true);
        assert!(!codes(&s).contains(&"az-without-healthy-target"));
        let mut s = clean();
        if let Some(c) = s.certificate.as_mut() {
            c.not_after = Some("2026-11-30T00:00:00Z".into());
        }
        let f = check(&s, TODAY);
        assert_eq!(f[0].code, "cert-expiring");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].evidence.contains("expired 4 days ago"), "{:?}", f[0]);
    }
}
