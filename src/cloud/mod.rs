//! The account, behind one trait. `aws` talks to AWS (or moto / LocalStack) through the AWS SDK —
//! the only module that imports `aws_sdk_*`; `sim` is an in-process simulated account (`--demo`, tests).
//!
//! Operations are domain-level and page-at-a-time: callers (discovery, later the engine) own the
//! pagination loop, so they can report progress per page and tests can check that every list is read
//! to the end. Create/describe/delete operations for the apply engine are added to this trait in the
//! same style (one method per AWS action the product needs, domain types in and out).

pub mod aws;
mod aws_write;
pub mod cli;
pub mod error;
pub mod idempotency;
pub mod sim;
pub mod sim_data;
mod sim_write;
pub mod timing;
pub mod write;

use async_trait::async_trait;

pub use error::{CloudError, ErrorKind};
pub use write::CloudWrite;

use crate::domain::{
    CallerIdentity, Certificate, HostedZone, Page, RecordSet, RestApi, RouteTable, Subnet, Vpc,
    VpcEndpoint,
};

pub type CloudResult<T> = Result<T, CloudError>;

/// Where the account lives, for the header and for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub region: String,
    /// `None` for the real AWS endpoints; the URL for moto / LocalStack; `SIMULATED_ENDPOINT` for the demo.
    pub endpoint: Option<String>,
    /// Profile name in use, when one was chosen.
    pub profile: Option<String>,
    /// Notes worth showing once (e.g. "no credentials configured: using dummy ones for a loopback endpoint").
    pub notes: Vec<String>,
}

/// `Target::endpoint` of the simulated account.
pub const SIMULATED_ENDPOINT: &str = "simulated account (--demo)";

impl Target {
    /// The built-in simulated account (`--demo`), where nothing is reachable on the internet.
    pub fn is_simulated(&self) -> bool {
        self.endpoint.as_deref() == Some(SIMULATED_ENDPOINT)
    }
}

/// A page request: the token from the previous page (`None` for the first).
pub type Token = Option<String>;

#[async_trait]
pub trait Cloud: Send + Sync {
    /// Region, endpoint and profile in use.
    fn target(&self) -> Target;

    /// STS GetCallerIdentity. Also the credential check: fails with `ErrorKind::NoCredentials`
    /// when the default chain finds nothing.
    async fn caller_identity(&self) -> CloudResult<CallerIdentity>;

    // ---- EC2 ----
    /// DescribeVpcs (DNS attributes left `None`).
    async fn list_vpcs(&self, token: Token) -> CloudResult<Page<Vpc>>;
    /// DescribeVpcAttribute enableDnsSupport + enableDnsHostnames: `(support, hostnames)`.
    async fn vpc_dns_attributes(&self, vpc_id: &str) -> CloudResult<(bool, bool)>;
    /// DescribeSubnets (classification left `None`).
    async fn list_subnets(&self, token: Token) -> CloudResult<Page<Subnet>>;
    /// DescribeRouteTables.
    async fn list_route_tables(&self, token: Token) -> CloudResult<Page<RouteTable>>;
    /// DescribeVpcEndpoints filtered on the service name (e.g. `com.amazonaws.us-east-1.execute-api`).
    async fn list_vpc_endpoints(
        &self,
        service_name: &str,
        token: Token,
    ) -> CloudResult<Page<VpcEndpoint>>;

    /// DescribeAddresses (every Elastic IP of the region, one call: it is not paginated) and the
    /// `vpc-max-elastic-ips` account attribute.
    async fn elastic_ips(&self) -> CloudResult<crate::domain::ElasticIps>;

    /// DescribeNetworkInterfaces of these subnets: every private IPv4 in use there (to validate
    /// and suggest pinned endpoint IPs).
    async fn used_ips(&self, subnet_ids: &[String])
        -> CloudResult<Vec<crate::domain::InterfaceIp>>;

    // ---- ELBv2 ----
    /// DescribeLoadBalancers (network ones) with their listeners and their tags (DescribeTags: AWS
    /// answers DescribeLoadBalancers without them), and DescribeTargetGroups (ip ones): what a plan
    /// could adopt, and what `doctor` tells apart by the plan tag.
    async fn elb_inventory(&self) -> CloudResult<crate::domain::ElbInventory>;

    // ---- ACM ----
    /// ListCertificates, every key type and status. Summaries may carry truncated SANs:
    /// `needs_describe` says when DescribeCertificate is needed for the full list.
    async fn list_certificates(&self, token: Token) -> CloudResult<Page<CertificateSummary>>;
    /// DescribeCertificate.
    async fn describe_certificate(&self, arn: &str) -> CloudResult<Certificate>;

    // ---- Route 53 ----
    /// ListHostedZones (private zones without their VPCs).
    async fn list_hosted_zones(&self, token: Token) -> CloudResult<Page<HostedZone>>;
    /// GetHostedZone: the zone with the VPCs a private zone is associated with.
    async fn get_hosted_zone(&self, zone_id: &str) -> CloudResult<HostedZone>;
    /// ListResourceRecordSets from `name`: the record sets of exactly that name (any type).
    async fn list_records(&self, zone_id: &str, name: &str) -> CloudResult<Vec<RecordSet>>;

    // ---- API Gateway ----
    /// GetRestApis.
    async fn list_rest_apis(&self, token: Token) -> CloudResult<Page<RestApi>>;
}

/// What ListCertificates says of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    pub certificate: Certificate,
    /// True when the summary's SAN list is truncated or missing and DescribeCertificate must be called.
    pub needs_describe: bool,
}

/// The service name of API Gateway's interface endpoint in a region.
pub fn execute_api_service(region: &str) -> String {
    if region.starts_with("cn-") {
        // The China regions prefix their endpoint services with `cn.`.
        format!("cn.com.amazonaws.{region}.execute-api")
    } else {
        format!("com.amazonaws.{region}.execute-api")
    }
}
