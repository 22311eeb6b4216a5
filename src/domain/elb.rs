//! Elastic Load Balancing as discovery and the engine see it: network load balancers, their
//! listeners, IP target groups and their targets' health.

use serde::{Deserialize, Serialize};

use super::Tag;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroupState {
    pub arn: String,
    pub name: String,
    pub vpc_id: String,
    pub protocol: String,
    pub port: u16,
    pub target_type: String,
    pub health_check_protocol: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetHealth {
    pub ip: String,
    /// initial, healthy, unhealthy, unused, draining, unavailable
    pub state: String,
    pub reason: Option<String>,
}

impl TargetHealth {
    /// Whether the load balancer sends it traffic (state `healthy`, in any case).
    pub fn is_healthy(&self) -> bool {
        self.state.eq_ignore_ascii_case("healthy")
    }

    /// `10.0.1.5 unhealthy (Target.Timeout)`.
    pub fn describe(&self) -> String {
        match &self.reason {
            Some(r) => format!("{} {} ({r})", self.ip, self.state),
            None => format!("{} {}", self.ip, self.state),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerState {
    pub arn: String,
    pub name: String,
    pub dns_name: String,
    /// The canonical hosted zone id, for alias records.
    pub canonical_hosted_zone_id: String,
    pub scheme: String,
    /// provisioning, active, active_impaired, failed
    pub state: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    /// One per mapped AZ, when known (moto gives none).
    pub addresses: Vec<String>,
    /// Elastic IP allocations of its subnet mappings (empty: NLB-assigned IPs).
    #[serde(default)]
    pub eip_allocations: Vec<String>,
    pub cross_zone: Option<bool>,
    pub tags: Vec<Tag>,
}

/// A network load balancer of the region with its listeners (discovery: what could be adopted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NlbInfo {
    pub lb: LoadBalancerState,
    pub listeners: Vec<ListenerState>,
}

/// The region's network load balancers and IP target groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElbInventory {
    pub load_balancers: Vec<NlbInfo>,
    pub target_groups: Vec<TargetGroupState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerState {
    pub arn: String,
    pub protocol: String,
    pub port: u16,
    pub certificate_arns: Vec<String>,
    pub ssl_policy: Option<String>,
    pub alpn_policy: Vec<String>,
    pub target_group_arn: Option<String>,
}
