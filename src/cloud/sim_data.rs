//! The data file of the simulated account (`assets/demo-account.json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::write::{BasePathMapping, DomainNameState, SecurityGroup};
pub use crate::domain::RecordSet;
use crate::domain::{
    CallerIdentity, Certificate, HostedZone, RestApi, RouteTable, Subnet, Tag, Vpc, VpcEndpoint,
};
use crate::domain::{ListenerState, LoadBalancerState, TargetGroupState};

/// Everything the simulated account holds. Field order follows discovery's sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAccount {
    /// Free text shown nowhere; for people editing the file.
    #[serde(default)]
    pub description: String,
    pub region: String,
    pub identity: CallerIdentity,
    /// VPCs with `dns_support` / `dns_hostnames` set (the simulated DescribeVpcAttribute answers from them).
    pub vpcs: Vec<Vpc>,
    /// Subnets; `reach` must be absent (discovery derives it from the route tables).
    pub subnets: Vec<Subnet>,
    pub internet_gateways: Vec<InternetGateway>,
    pub route_tables: Vec<RouteTable>,
    pub certificates: Vec<Certificate>,
    /// Hosted zones; private ones carry their VPC associations in `vpcs`.
    pub hosted_zones: Vec<HostedZone>,
    /// Record sets, per zone (the wizard checks for an existing record of the name).
    #[serde(default)]
    pub record_sets: Vec<RecordSet>,
    pub rest_apis: Vec<RestApi>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// Elastic IPs of the region (allocated ones are added by AllocateAddress).
    #[serde(default)]
    pub elastic_ips: Vec<crate::domain::ElasticIp>,
    /// `vpc-max-elastic-ips` (AWS's default quota: 5).
    #[serde(default = "default_eip_quota")]
    pub eip_quota: u32,

    // What the write operations (sim_write.rs) add; absent from the shipped data file. Times are
    // milliseconds of the simulation's clock (`clock_ms`), which carries on across saved runs.
    /// The simulation's clock when the account was last touched.
    #[serde(default)]
    pub clock_ms: u64,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    /// Timing and client token of the endpoints created here (rows of `vpc_endpoints`).
    #[serde(default)]
    pub endpoint_info: Vec<SimEndpointInfo>,
    #[serde(default)]
    pub network_interfaces: Vec<SimInterface>,
    /// Every private IP ever handed out (never reused).
    #[serde(default)]
    pub allocated_ips: Vec<String>,
    /// Tags, stages and methods of the REST APIs (rows of `rest_apis`), keyed by API id.
    #[serde(default)]
    pub api_info: BTreeMap<String, SimApiInfo>,
    #[serde(default)]
    pub domain_names: Vec<DomainNameState>,
    #[serde(default)]
    pub base_path_mappings: Vec<SimMapping>,
    /// API Gateway's fixed per-account limits: when each limited operation last went through.
    #[serde(default)]
    pub api_limits: BTreeMap<String, u64>,
    #[serde(default)]
    pub target_groups: Vec<SimTargetGroup>,
    #[serde(default)]
    pub load_balancers: Vec<SimLoadBalancer>,
    #[serde(default)]
    pub listeners: Vec<SimListener>,
    /// CreateHostedZone caller references → zone id.
    #[serde(default)]
    pub zone_refs: BTreeMap<String, String>,
    /// EC2 client tokens (CreateVpcEndpoint `ClientToken`) → what they made, remembered after
    /// the resource is deleted (sim_write.rs `remembered_token`).
    #[serde(default)]
    pub client_tokens: BTreeMap<String, SimToken>,
    #[serde(default)]
    pub changes: Vec<SimChange>,
}

/// What an EC2 client token made: the parameters it was sent with and the resource as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimToken {
    /// The request's parameters, canonical (a token sent again with others is refused).
    pub fingerprint: String,
    pub endpoint: VpcEndpoint,
    pub used_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimEndpointInfo {
    pub id: String,
    pub client_token: String,
    /// `pending` until then.
    pub ready_at_ms: u64,
    /// Set by DeleteVpcEndpoints: `deleting` until then, gone after.
    #[serde(default)]
    pub gone_at_ms: Option<u64>,
}

/// A network interface (an endpoint's or a load balancer's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimInterface {
    pub eni_id: String,
    pub subnet_id: String,
    pub az: String,
    pub ip: String,
    /// The endpoint id or load balancer ARN it belongs to.
    pub owner: String,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// Released with its owner: it lingers (still using its security groups) until then.
    #[serde(default)]
    pub gone_at_ms: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimApiInfo {
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// (stage, deployment id)
    #[serde(default)]
    pub stages: Vec<(String, String)>,
    #[serde(default)]
    pub deployments: Vec<String>,
    /// Whether the API has any method (`GET /ping` once put).
    #[serde(default)]
    pub has_methods: bool,
    /// Its resources as (id, path), the root `/` first (made when first read).
    #[serde(default)]
    pub resources: Vec<(String, String)>,
    /// endpointConfiguration.ipAddressType; `None`: the type's default (PRIVATE: dualstack,
    /// others: ipv4).
    #[serde(default)]
    pub ip_address_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimMapping {
    pub domain: String,
    pub mapping: BasePathMapping,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimTargetGroup {
    pub group: TargetGroupState,
    #[serde(default)]
    pub targets: Vec<SimTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimTarget {
    pub ip: String,
    pub port: u16,
    pub registered_ms: u64,
    /// How long its first health checks take once the target group is in use.
    pub checks_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLoadBalancer {
    /// `state` is `provisioning` until `ready_at_ms`.
    pub lb: LoadBalancerState,
    pub ready_at_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimListener {
    pub load_balancer_arn: String,
    pub listener: ListenerState,
    pub created_ms: u64,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// A Route 53 change: `PENDING` until `insync_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimChange {
    pub id: String,
    pub zone_id: String,
    pub submitted_ms: u64,
    pub insync_at_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    /// The VPC it is attached to, if any.
    #[serde(default)]
    pub vpc_id: Option<String>,
}

fn default_eip_quota() -> u32 {
    5
}
