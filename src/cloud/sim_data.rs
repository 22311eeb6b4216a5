//! The data file of the simulated account (`assets/demo-account.json`).

use serde::{Deserialize, Serialize};

pub use crate::domain::RecordSet;
use crate::domain::{
    CallerIdentity, Certificate, HostedZone, RestApi, RouteTable, Subnet, Vpc, VpcEndpoint,
};

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    /// The VPC it is attached to, if any.
    #[serde(default)]
    pub vpc_id: Option<String>,
}
