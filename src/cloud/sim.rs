//! An in-process simulated AWS account: what `--demo` runs on, and the fast, deterministic half of
//! the tests. It pages like AWS, answers after a modelled round trip, retries like the SDK's standard
//! mode, and lets tests (and `--demo-faults`) inject throttling, 5xx, timeouts, lost responses and
//! access denials per operation.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;

use super::sim_data::SimAccount;
use super::{CertificateSummary, Cloud, CloudError, CloudResult, ErrorKind, Target, Token};
use crate::domain::{
    CallerIdentity, Certificate, HostedZone, Page, RecordSet, RestApi, RouteTable, Subnet, Vpc,
    VpcEndpoint,
};

/// The demo account shipped with the binary.
pub const DEMO_ACCOUNT_JSON: &str = include_str!("../../assets/demo-account.json");

/// The account id of the shipped demo account (a test checks the data file says the same): a plan
/// for it was made with `--demo`.
pub const DEMO_ACCOUNT_ID: &str = "123456789012";

#[cfg(test)]
mod demo_account_tests {
    #[test]
    fn the_demo_account_id_is_the_data_files() {
        let account =
            super::SimCloud::parse_account(super::DEMO_ACCOUNT_JSON).map(|a| a.identity.account);
        assert_eq!(account.ok().as_deref(), Some(super::DEMO_ACCOUNT_ID));
    }
}

/// Round-trip model: each call waits a uniform time in `min..=max`, times `scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub min: Duration,
    pub max: Duration,
}

impl Latency {
    /// A real region seen from a nearby host (SPEC: 20–80 ms).
    pub const REALISTIC: Latency = Latency {
        min: Duration::from_millis(super::timing::ROUND_TRIP.0),
        max: Duration::from_millis(super::timing::ROUND_TRIP.1),
    };
    pub const ZERO: Latency = Latency {
        min: Duration::ZERO,
        max: Duration::ZERO,
    };

    fn sample(&self) -> Duration {
        if self.max <= self.min {
            return self.min;
        }
        let span = (self.max - self.min).as_micros() as u64;
        self.min + Duration::from_micros(rand::rng().random_range(0..=span))
    }
}

/// Largest page each list returns — by default the maxima AWS allows (and that `AwsCloud` asks for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSizes {
    pub ec2: usize,
    /// DescribeRouteTables allows at most 100.
    pub ec2_route_tables: usize,
    pub acm: usize,
    pub route53: usize,
    pub apigateway: usize,
}

impl PageSizes {
    pub const AWS: PageSizes = PageSizes {
        ec2: 1000,
        ec2_route_tables: 100,
        acm: 1000,
        route53: 100,
        apigateway: 500,
    };
}

/// What an injected fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The service's throttling error for that API (retried by the client).
    Throttle,
    /// HTTP 500 (retried).
    ServerError,
    /// No answer: the client gives up after its timeout (retried).
    Timeout,
    /// The service acted, but the answer never arrived (retried; for writes, the effect stays).
    LostResponse,
    /// IAM denies the action (not retried).
    AccessDenied,
}

/// A fault rule: which action (IAM name, or `*`), how often, how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub action: String,
    pub fault: Fault,
    /// 0.0..=1.0 — chance that a matching call is hit.
    pub probability: f64,
    /// How many more times it may fire (`None`: forever).
    pub remaining: Option<u32>,
}

impl FaultRule {
    pub fn always(action: &str, fault: Fault) -> Self {
        Self {
            action: action.to_string(),
            fault,
            probability: 1.0,
            remaining: None,
        }
    }
    pub fn times(action: &str, fault: Fault, n: u32) -> Self {
        Self {
            remaining: Some(n),
            ..Self::always(action, fault)
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimOptions {
    pub latency: Latency,
    /// Multiplies every modelled wait (1.0 = AWS-like).
    pub scale: f64,
    pub page_sizes: PageSizes,
    /// Attempts per call, as the SDK's standard retry mode (3).
    pub max_attempts: u32,
    /// Client-side timeout applied to `Fault::Timeout`.
    pub timeout: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            latency: Latency::REALISTIC,
            scale: 1.0,
            page_sizes: PageSizes::AWS,
            max_attempts: 3,
            timeout: Duration::from_secs(3),
        }
    }
}

impl SimOptions {
    /// For tests: no latency.
    pub fn instant() -> Self {
        Self {
            latency: Latency::ZERO,
            ..Self::default()
        }
    }
}

/// Counters a test can read: how many calls each action received (attempts, including retried ones).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CallLog {
    pub calls: Vec<String>,
}

impl CallLog {
    pub fn count(&self, action: &str) -> usize {
        self.calls.iter().filter(|a| a.as_str() == action).count()
    }
}

pub struct SimCloud {
    account: Mutex<SimAccount>,
    options: SimOptions,
    faults: Mutex<Vec<FaultRule>>,
    log: Mutex<CallLog>,
    /// The simulation's clock (sim_write.rs): `clock_base_ms` (the saved account's clock) plus
    /// the time since `started`.
    pub(super) started: tokio::time::Instant,
    pub(super) clock_base_ms: u64,
    /// Where the account is written after every write call (`--demo`): a run killed at any
    /// moment leaves the account and the journal in agreement.
    persist_to: Mutex<Option<std::path::PathBuf>>,
    /// A hash of what was last saved there (a call that changed nothing writes nothing).
    saved_hash: Mutex<u64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another task panicked mid-update of plain data; keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimCloud {
    pub fn new(account: SimAccount, options: SimOptions) -> Self {
        Self {
            clock_base_ms: account.clock_ms,
            account: Mutex::new(account),
            options,
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(CallLog::default()),
            started: tokio::time::Instant::now(),
            persist_to: Mutex::new(None),
            saved_hash: Mutex::new(0),
        }
    }

    /// Parse an account data file.
    pub fn parse_account(json: &str) -> Result<SimAccount, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The shipped demo account.
    pub fn demo(options: SimOptions) -> Result<Self, serde_json::Error> {
        Ok(Self::new(Self::parse_account(DEMO_ACCOUNT_JSON)?, options))
    }

    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.faults).push(rule);
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub fn call_log(&self) -> CallLog {
        lock(&self.log).clone()
    }

    /// Read or change the account directly (tests, and later the engine's simulated effects).
    /// The account is first brought up to the simulation's clock (states that have come due).
    /// Write the account to `path` after every write call from now on.
    pub fn persist_to(&self, path: std::path::PathBuf) {
        *lock(&self.persist_to) = Some(path);
    }

    /// Save the account where `persist_to` said, when it changed since the last save,
    /// atomically (a reader never sees half a file).
    fn persist(&self, account: &SimAccount) -> std::io::Result<()> {
        use std::hash::{Hash, Hasher};
        let Some(path) = lock(&self.persist_to).clone() else {
            return Ok(());
        };
        let bytes = serde_json::to_vec(account).map_err(std::io::Error::other)?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        let hash = h.finish();
        let mut saved = lock(&self.saved_hash);
        if *saved == hash {
            return Ok(());
        }
        crate::paths::write_atomic(&path, &bytes, 0o600)?;
        *saved = hash;
        Ok(())
    }

    /// After a call the account may have changed: save it (a failure is logged, the call's
    /// answer stands).
    fn after_call(&self, action: &str, account: &SimAccount) {
        if let Err(e) = self.persist(account) {
            tracing::warn!(action, error = %e, "the simulated account could not be saved");
        }
    }

    pub fn with_account<R>(&self, f: impl FnOnce(&mut SimAccount) -> R) -> R {
        let mut account = lock(&self.account);
        self.settle(&mut account);
        f(&mut account)
    }

    pub(super) fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.options.scale.max(0.0))
    }

    fn pick_fault(&self, action: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let mut rng = rand::rng();
        for rule in faults.iter_mut() {
            if rule.action != "*" && rule.action != action {
                continue;
            }
            if rule.remaining == Some(0) {
                continue;
            }
            if rule.probability < 1.0 && !rng.random_bool(rule.probability.clamp(0.0, 1.0)) {
                continue;
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            return Some(rule.fault);
        }
        None
    }

    /// One simulated API call: round trip, faults, retries like the SDK's standard mode.
    pub(super) async fn call<T>(
        &self,
        action: &str,
        op: impl Fn(&mut SimAccount) -> CloudResult<T>,
    ) -> CloudResult<T> {
        self.call_op(action, "", op).await
    }

    /// `call` for the operation `operation` (its API name): one that must not act twice
    /// (`idempotency::Once`) is sent once, as `AwsCloud` sends it — a lost answer reaches the
    /// caller, which resolves it from the account.
    pub(super) async fn call_op<T>(
        &self,
        action: &str,
        operation: &str,
        op: impl Fn(&mut SimAccount) -> CloudResult<T>,
    ) -> CloudResult<T> {
        let attempts = if super::idempotency::may_resend(operation) {
            self.options.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            lock(&self.log).calls.push(action.to_string());
            let err = match self.pick_fault(action) {
                None => {
                    tokio::time::sleep(self.scaled(self.options.latency.sample())).await;
                    let mut account = lock(&self.account);
                    self.settle(&mut account);
                    let answer = op(&mut account);
                    self.after_call(action, &account);
                    return answer;
                }
                Some(fault) => self.fault_error(action, fault, &op).await,
            };
            let retryable = matches!(
                err.kind,
                ErrorKind::Throttled | ErrorKind::ServerError | ErrorKind::Network
            );
            if !retryable || attempt >= attempts {
                return Err(err);
            }
            tracing::debug!(action, attempt, error = %err, "simulated call failed, retrying");
            // Standard mode: exponential backoff with full jitter, base 50 ms, capped at 20 s.
            let cap = Duration::from_millis(50u64.saturating_mul(1 << attempt.min(16)))
                .min(Duration::from_secs(20));
            let wait = Duration::from_micros(rand::rng().random_range(0..=cap.as_micros() as u64));
            tokio::time::sleep(wait).await;
        }
    }

    async fn fault_error<T>(
        &self,
        action: &str,
        fault: Fault,
        op: &impl Fn(&mut SimAccount) -> CloudResult<T>,
    ) -> CloudError {
        let rtt = self.scaled(self.options.latency.sample());
        match fault {
            Fault::Throttle => {
                tokio::time::sleep(rtt).await;
                let code = throttle_code(action);
                CloudError::new(ErrorKind::Throttled, action, "Rate exceeded").with_code(code)
            }
            Fault::ServerError => {
                tokio::time::sleep(rtt).await;
                CloudError::new(
                    ErrorKind::ServerError,
                    action,
                    "We encountered an internal error. Please try again.",
                )
                .with_code("InternalError")
            }
            Fault::Timeout => {
                tokio::time::sleep(self.options.timeout).await;
                CloudError::new(
                    ErrorKind::Network,
                    action,
                    format!("no answer within {:?}", self.options.timeout),
                )
            }
            Fault::LostResponse => {
                tokio::time::sleep(rtt).await;
                // AWS acted; the answer is lost on the way back.
                {
                    let mut account = lock(&self.account);
                    self.settle(&mut account);
                    let _ = op(&mut account);
                    self.after_call(action, &account);
                }
                CloudError::new(
                    ErrorKind::Network,
                    action,
                    "connection reset before the response arrived",
                )
            }
            Fault::AccessDenied => {
                tokio::time::sleep(rtt).await;
                CloudError::new(
                    ErrorKind::AccessDenied,
                    action,
                    format!(
                        "User: {} is not authorized to perform: {action}",
                        lock(&self.account).identity.arn
                    ),
                )
                .with_code("AccessDeniedException")
            }
        }
    }
}

fn throttle_code(action: &str) -> &'static str {
    match action.split(':').next().unwrap_or_default() {
        "apigateway" => "TooManyRequestsException",
        "elasticloadbalancing" => "ThrottlingException",
        "ec2" => "RequestLimitExceeded",
        "route53" => "Throttling",
        _ => "ThrottlingException",
    }
}

/// Page `items` from the offset encoded in `token`.
fn page<T: Clone>(action: &str, items: &[T], token: &Token, size: usize) -> CloudResult<Page<T>> {
    let start = match token {
        None => 0,
        Some(t) => t
            .strip_prefix("sim-page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| {
                CloudError::new(
                    ErrorKind::InvalidRequest,
                    action,
                    format!("invalid pagination token {t:?}"),
                )
                .with_code("InvalidParameterValue")
            })?,
    };
    let size = size.max(1);
    let end = (start + size).min(items.len());
    Ok(Page {
        items: items[start..end].to_vec(),
        next: (end < items.len()).then(|| format!("sim-page-{end}")),
    })
}

pub(super) fn not_found(action: &str, code: &str, what: &str) -> CloudError {
    CloudError::new(
        ErrorKind::NotFound,
        action,
        format!("{what} does not exist"),
    )
    .with_code(code)
}

#[async_trait]
impl Cloud for SimCloud {
    fn target(&self) -> Target {
        Target {
            region: lock(&self.account).region.clone(),
            endpoint: Some(super::SIMULATED_ENDPOINT.to_string()),
            profile: None,
            notes: vec![],
        }
    }

    async fn caller_identity(&self) -> CloudResult<CallerIdentity> {
        self.call("sts:GetCallerIdentity", |a| Ok(a.identity.clone()))
            .await
    }

    async fn list_vpcs(&self, token: Token) -> CloudResult<Page<Vpc>> {
        let size = self.options.page_sizes.ec2;
        self.call("ec2:DescribeVpcs", |a| {
            let vpcs: Vec<Vpc> = a
                .vpcs
                .iter()
                .map(|v| Vpc {
                    dns_support: None,
                    dns_hostnames: None,
                    ..v.clone()
                })
                .collect();
            page("ec2:DescribeVpcs", &vpcs, &token, size)
        })
        .await
    }

    async fn used_ips(
        &self,
        subnet_ids: &[String],
    ) -> CloudResult<Vec<crate::domain::InterfaceIp>> {
        self.call("ec2:DescribeNetworkInterfaces", |a| {
            Ok(a.network_interfaces
                .iter()
                .filter(|n| subnet_ids.contains(&n.subnet_id) && n.gone_at_ms.is_none())
                .map(|n| crate::domain::InterfaceIp {
                    eni_id: n.eni_id.clone(),
                    subnet_id: n.subnet_id.clone(),
                    az: n.az.clone(),
                    ip: n.ip.clone(),
                })
                .collect())
        })
        .await
    }

    async fn elb_inventory(&self) -> CloudResult<crate::domain::ElbInventory> {
        self.call("elasticloadbalancing:DescribeLoadBalancers", |a| {
            Ok(crate::domain::ElbInventory {
                load_balancers: a
                    .load_balancers
                    .iter()
                    .map(|l| crate::domain::NlbInfo {
                        lb: l.lb.clone(),
                        listeners: a
                            .listeners
                            .iter()
                            .filter(|x| x.load_balancer_arn == l.lb.arn)
                            .map(|x| x.listener.clone())
                            .collect(),
                    })
                    .collect(),
                target_groups: a
                    .target_groups
                    .iter()
                    .filter(|t| t.group.target_type == "ip")
                    .map(|t| t.group.clone())
                    .collect(),
            })
        })
        .await
    }

    async fn elastic_ips(&self) -> CloudResult<crate::domain::ElasticIps> {
        self.call("ec2:DescribeAddresses", |a| {
            Ok(crate::domain::ElasticIps {
                addresses: a.elastic_ips.clone(),
                quota: Some(a.eip_quota),
            })
        })
        .await
    }

    async fn vpc_dns_attributes(&self, vpc_id: &str) -> CloudResult<(bool, bool)> {
        self.call("ec2:DescribeVpcAttribute", |a| {
            let vpc = a.vpcs.iter().find(|v| v.id == vpc_id).ok_or_else(|| {
                not_found(
                    "ec2:DescribeVpcAttribute",
                    "InvalidVpcID.NotFound",
                    &format!("The vpc ID '{vpc_id}'"),
                )
            })?;
            Ok((
                vpc.dns_support.unwrap_or(true),
                vpc.dns_hostnames.unwrap_or(false),
            ))
        })
        .await
    }

    async fn list_subnets(&self, token: Token) -> CloudResult<Page<Subnet>> {
        let size = self.options.page_sizes.ec2;
        self.call("ec2:DescribeSubnets", |a| {
            page("ec2:DescribeSubnets", &a.subnets, &token, size)
        })
        .await
    }

    async fn list_route_tables(&self, token: Token) -> CloudResult<Page<RouteTable>> {
        let size = self.options.page_sizes.ec2_route_tables;
        self.call("ec2:DescribeRouteTables", |a| {
            page("ec2:DescribeRouteTables", &a.route_tables, &token, size)
        })
        .await
    }

    async fn list_vpc_endpoints(
        &self,
        service_name: &str,
        token: Token,
    ) -> CloudResult<Page<VpcEndpoint>> {
        let size = self.options.page_sizes.ec2;
        self.call("ec2:DescribeVpcEndpoints", |a| {
            let eps: Vec<VpcEndpoint> = a
                .vpc_endpoints
                .iter()
                .filter(|e| e.service_name == service_name)
                .cloned()
                .collect();
            page("ec2:DescribeVpcEndpoints", &eps, &token, size)
        })
        .await
    }

    async fn list_certificates(&self, token: Token) -> CloudResult<Page<CertificateSummary>> {
        let size = self.options.page_sizes.acm;
        self.call("acm:ListCertificates", |a| {
            // ACM's summary carries at most 100 SANs... and omits InUseBy: like AWS, the full SAN
            // list and the users need DescribeCertificate when there are more.
            let sums: Vec<CertificateSummary> = a
                .certificates
                .iter()
                .map(|c| {
                    let truncated = c.sans.len() > SUMMARY_SANS;
                    CertificateSummary {
                        certificate: Certificate {
                            sans: c.sans.iter().take(SUMMARY_SANS).cloned().collect(),
                            in_use_by: vec![],
                            ..c.clone()
                        },
                        needs_describe: truncated,
                    }
                })
                .collect();
            page("acm:ListCertificates", &sums, &token, size)
        })
        .await
    }

    async fn describe_certificate(&self, arn: &str) -> CloudResult<Certificate> {
        self.call("acm:DescribeCertificate", |a| {
            a.certificates
                .iter()
                .find(|c| c.arn == arn)
                .cloned()
                .ok_or_else(|| {
                    not_found(
                        "acm:DescribeCertificate",
                        "ResourceNotFoundException",
                        &format!("Certificate {arn}"),
                    )
                })
        })
        .await
    }

    async fn list_hosted_zones(&self, token: Token) -> CloudResult<Page<HostedZone>> {
        let size = self.options.page_sizes.route53;
        self.call("route53:ListHostedZones", |a| {
            let zones: Vec<HostedZone> = a
                .hosted_zones
                .iter()
                .map(|z| HostedZone {
                    vpcs: vec![],
                    ..z.clone()
                })
                .collect();
            page("route53:ListHostedZones", &zones, &token, size)
        })
        .await
    }

    async fn get_hosted_zone(&self, zone_id: &str) -> CloudResult<HostedZone> {
        self.call("route53:GetHostedZone", |a| {
            a.hosted_zones
                .iter()
                .find(|z| z.id == zone_id)
                .cloned()
                .ok_or_else(|| {
                    not_found(
                        "route53:GetHostedZone",
                        "NoSuchHostedZone",
                        &format!("Hosted zone {zone_id}"),
                    )
                })
        })
        .await
    }

    async fn list_records(&self, zone_id: &str, name: &str) -> CloudResult<Vec<RecordSet>> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.call("route53:ListResourceRecordSets", |a| {
            if !a.hosted_zones.iter().any(|z| z.id == zone_id) {
                return Err(not_found(
                    "route53:ListResourceRecordSets",
                    "NoSuchHostedZone",
                    &format!("Hosted zone {zone_id}"),
                ));
            }
            Ok(a.record_sets
                .iter()
                .filter(|r| r.zone_id == zone_id && r.name.eq_ignore_ascii_case(&name))
                .cloned()
                .collect())
        })
        .await
    }

    async fn list_rest_apis(&self, token: Token) -> CloudResult<Page<RestApi>> {
        let size = self.options.page_sizes.apigateway;
        self.call("apigateway:GET", |a| {
            page("apigateway:GET", &a.rest_apis, &token, size)
        })
        .await
    }
}

/// How many SANs a ListCertificates summary carries in the simulation before it says "more".
const SUMMARY_SANS: usize = 10;
