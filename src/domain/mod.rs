//! Plain data types shared by every layer. No I/O, no AWS SDK types.

mod elb;
pub mod reach;

use serde::{Deserialize, Serialize};

pub use elb::{
    ElbInventory, ListenerState, LoadBalancerState, NlbInfo, TargetGroupState, TargetHealth,
};

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// A network interface's primary private IPv4 address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceIp {
    pub eni_id: String,
    pub subnet_id: String,
    pub az: String,
    pub ip: String,
}

/// One page of a paginated AWS list. `next` is the opaque token for the following page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn name_tag(tags: &[Tag]) -> Option<String> {
    tag_value(tags, "Name").map(str::to_string)
}

/// The value of the tag `key`, if there is one.
pub fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

/// A VPC as listed by DescribeVpcs. The DNS attributes come from DescribeVpcAttribute
/// (they are not part of DescribeVpcs) and are `None` until read or when reading failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr: String,
    /// Further IPv4 CIDR blocks associated with the VPC.
    #[serde(default)]
    pub secondary_cidrs: Vec<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub dns_support: Option<bool>,
    #[serde(default)]
    pub dns_hostnames: Option<bool>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl Vpc {
    /// The two DNS attributes an execute-api endpoint's private DNS needs, by their API names.
    pub const DNS_ATTRIBUTES: [&'static str; 2] = ["enableDnsSupport", "enableDnsHostnames"];

    /// `DNS_ATTRIBUTES` with their values, each `None` while unread.
    pub fn dns_attributes(&self) -> [(&'static str, Option<bool>); 2] {
        let [support, hostnames] = Self::DNS_ATTRIBUTES;
        [(support, self.dns_support), (hostnames, self.dns_hostnames)]
    }

    /// The DNS attributes known to be off (an unread one is not).
    pub fn dns_off(&self) -> Vec<&'static str> {
        self.dns_attributes()
            .into_iter()
            .filter(|(_, on)| *on == Some(false))
            .map(|(n, _)| n)
            .collect()
    }
}

/// A subnet as listed by DescribeSubnets, plus the classification discovery derives from route tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub az: String,
    #[serde(default)]
    pub az_id: Option<String>,
    pub cidr: String,
    /// AvailableIpAddressCount.
    pub free_ips: u32,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    /// IPv6-only subnet (`cidr` is then its IPv6 block).
    #[serde(default)]
    pub ipv6_native: bool,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Filled by discovery from the route tables; `None` while route tables are unknown.
    #[serde(default)]
    pub reach: Option<SubnetReach>,
}

/// Public or private, and why (kept for display: users must be able to check the tool's reasoning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetReach {
    pub public: bool,
    /// The route table that decides, and whether it is explicitly associated or the VPC's main table.
    #[serde(default)]
    pub route_table_id: Option<String>,
    pub via_main_table: bool,
    /// Human-readable reason, e.g. "0.0.0.0/0 → igw-0abc via rtb-01 (explicit association)".
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// True when this is the VPC's main route table.
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// IPv4 or IPv6 destination CIDR, or a prefix list id.
    pub destination: String,
    /// The target id: igw-…, nat-…, local, vgw-…, tgw-…, eni-…, pcx-…
    pub target: String,
    /// "active" or "blackhole".
    #[serde(default = "active")]
    pub state: String,
}

fn active() -> String {
    "active".to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertStatus {
    PendingValidation,
    Issued,
    Inactive,
    Expired,
    ValidationTimedOut,
    Revoked,
    Failed,
    #[serde(other)]
    Unknown,
}

impl CertStatus {
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "PENDING_VALIDATION" => Self::PendingValidation,
            "ISSUED" => Self::Issued,
            "INACTIVE" => Self::Inactive,
            "EXPIRED" => Self::Expired,
            "VALIDATION_TIMED_OUT" => Self::ValidationTimedOut,
            "REVOKED" => Self::Revoked,
            "FAILED" => Self::Failed,
            _ => Self::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingValidation => "PENDING_VALIDATION",
            Self::Issued => "ISSUED",
            Self::Inactive => "INACTIVE",
            Self::Expired => "EXPIRED",
            Self::ValidationTimedOut => "VALIDATION_TIMED_OUT",
            Self::Revoked => "REVOKED",
            Self::Failed => "FAILED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// An ACM certificate in the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub arn: String,
    pub domain: String,
    /// Subject alternative names (includes the domain itself, as ACM reports it).
    #[serde(default)]
    pub sans: Vec<String>,
    pub status: CertStatus,
    /// AMAZON_ISSUED, IMPORTED, PRIVATE.
    #[serde(default)]
    pub cert_type: Option<String>,
    #[serde(default)]
    pub in_use: bool,
    /// Resources using the certificate (DescribeCertificate InUseBy).
    #[serde(default)]
    pub in_use_by: Vec<String>,
    /// RFC 3339 expiry, when issued.
    #[serde(default)]
    pub not_after: Option<String>,
}

impl Certificate {
    /// Does this certificate cover `name` (exact, or a single-label wildcard as TLS defines it)?
    pub fn covers(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        std::iter::once(&self.domain)
            .chain(self.sans.iter())
            .any(|pattern| dns_name_matches(pattern, &name))
    }
}

/// The current UTC time as RFC 3339 (seconds precision), without a date crate.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        ymd(secs),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 of an RFC 3339 date (the date part only).
pub fn days_from_rfc3339(rfc3339: &str) -> Option<i64> {
    let date = rfc3339.get(0..10)?;
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The UTC date (YYYY-MM-DD) of a Unix time, without a date crate.
pub fn ymd(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Decode Route 53's `\ddd` octal escapes (e.g. `\052` → `*`).
pub fn unescape_dns(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 4 <= bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let v = (bytes[i + 1] - b'0') as u32 * 64
                + (bytes[i + 2] - b'0') as u32 * 8
                + (bytes[i + 3] - b'0') as u32;
            if let Ok(b) = u8::try_from(v) {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// TLS name matching (RFC 6125): `*.example.com` matches `a.example.com`, not `example.com`
/// nor `a.b.example.com`.
pub fn dns_name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => match name.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest == suffix,
            None => false,
        },
        None => pattern == name,
    }
}

/// Whether a zone named `zone` holds `name`: the name is the zone's own or below it.
pub fn zone_covers(zone: &str, name: &str) -> bool {
    let zone = zone.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == zone || name.ends_with(&format!(".{zone}"))
}

/// A Route 53 hosted zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedZone {
    /// The bare id, e.g. `Z0123456789ABC` (no `/hostedzone/` prefix).
    pub id: String,
    /// The zone name without the trailing dot.
    pub name: String,
    pub private: bool,
    #[serde(default)]
    pub record_count: u64,
    #[serde(default)]
    pub comment: Option<String>,
    /// For a private zone, the VPCs it is associated with (GetHostedZone). Empty for public zones.
    #[serde(default)]
    pub vpcs: Vec<ZoneVpc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneVpc {
    pub vpc_id: String,
    pub region: String,
}

/// A Route 53 record set (only what the wizard needs: is the name already taken?).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSet {
    pub zone_id: String,
    /// FQDN without the trailing dot.
    pub name: String,
    /// A, AAAA, CNAME, TXT, …
    pub record_type: String,
    /// Plain values (for alias records: empty).
    #[serde(default)]
    pub values: Vec<String>,
    /// Alias target DNS name, for alias records.
    #[serde(default)]
    pub alias_target: Option<String>,
    /// The alias target's hosted zone id (needed to write the alias back).
    #[serde(default)]
    pub alias_zone_id: Option<String>,
    #[serde(default)]
    pub evaluate_target_health: bool,
    /// TTL of a plain record.
    #[serde(default)]
    pub ttl: Option<i64>,
}

/// An API Gateway REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    /// EDGE, REGIONAL, PRIVATE.
    #[serde(default)]
    pub endpoint_types: Vec<String>,
    #[serde(default)]
    pub vpc_endpoint_ids: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The resource policy JSON, if any.
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
}

impl RestApi {
    pub fn is_private(&self) -> bool {
        self.endpoint_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case("PRIVATE"))
    }
}

/// An interface VPC endpoint (discovery looks only for the execute-api service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
    /// Interface, Gateway, …
    pub endpoint_type: String,
    /// pending, available, deleting, … (compared case-insensitively: moto's casing differs)
    pub state: String,
    pub private_dns: bool,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub network_interface_ids: Vec<String>,
    #[serde(default)]
    pub dns_entries: Vec<DnsEntry>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl VpcEndpoint {
    /// An available execute-api interface endpoint of us-east-1 with private DNS, and nothing
    /// else: what a test starts from.
    #[cfg(test)]
    pub fn sample(id: &str, vpc_id: &str) -> Self {
        Self {
            id: id.into(),
            vpc_id: vpc_id.into(),
            service_name: "com.amazonaws.us-east-1.execute-api".into(),
            endpoint_type: "Interface".into(),
            state: "available".into(),
            private_dns: true,
            subnet_ids: vec![],
            security_group_ids: vec![],
            network_interface_ids: vec![],
            dns_entries: vec![],
            tags: vec![],
        }
    }

    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsEntry {
    pub dns_name: String,
    #[serde(default)]
    pub hosted_zone_id: Option<String>,
}

/// An Elastic IP address of the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElasticIp {
    pub allocation_id: String,
    pub public_ip: String,
    /// Set while the address is associated (with an instance, an ENI, an NLB…).
    #[serde(default)]
    pub association_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl ElasticIp {
    pub fn in_use(&self) -> bool {
        self.association_id.is_some() || self.network_interface_id.is_some()
    }
    pub fn name(&self) -> Option<String> {
        name_tag(&self.tags)
    }
}

/// The account's Elastic IPs and how many it may hold in the region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElasticIps {
    pub addresses: Vec<ElasticIp>,
    /// EC2 account attribute `vpc-max-elastic-ips` (the quota; AWS's default is 5).
    pub quota: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
        assert_eq!(ymd(20_000 * 86_400 + 86_399), "2024-10-04");
    }

    #[test]
    fn wildcard_matches_one_label_only() {
        assert!(dns_name_matches("*.example.com", "api.example.com"));
        assert!(dns_name_matches("*.Example.com.", "API.example.com"));
        assert!(!dns_name_matches("*.example.com", "example.com"));
        assert!(!dns_name_matches("*.example.com", "a.b.example.com"));
        assert!(dns_name_matches("api.example.com", "api.example.com."));
        assert!(!dns_name_matches("api.example.com", "www.example.com"));
    }

    #[test]
    fn route53_escapes_are_decoded() {
        assert_eq!(unescape_dns("\\052.example.com"), "*.example.com");
        assert_eq!(unescape_dns("a\\057b"), "a/b");
        assert_eq!(unescape_dns("plain.example.com"), "plain.example.com");
        assert_eq!(unescape_dns("trailing\\05"), "trailing\\05");
        assert_eq!(unescape_dns("\\999"), "\\999");
    }
}
