//! The write half of the account: every create / read-back / delete the apply engine needs, at the
//! level of the SPEC's resources. Implemented by `AwsCloud` (aws_write.rs) and `SimCloud`
//! (sim_write.rs). Conventions, so the engine can be idempotent on any account:
//!
//! - `find_*` look a resource up by its name / tag and return `Ok(None)` when absent: the engine
//!   calls them before creating, so a rerun (or a retry after a lost response) adopts instead of
//!   duplicating.
//! - `describe_*` by id return `Ok(None)` when the resource no longer exists.
//! - `delete_*` succeed when the resource is already gone (NotFound is success).
//! - Creates tag what supports tags with the given tags, and use the client token where the API
//!   has one (CreateVpcEndpoint `ClientToken`, Route 53 `CallerReference`).
//! - States are plain strings compared case-insensitively (moto's casing differs from AWS's).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::cli::PingPart;
use super::CloudResult;
use crate::domain::{
    InterfaceIp, ListenerState, LoadBalancerState, Tag, TargetGroupState, TargetHealth, VpcEndpoint,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    pub ingress: Vec<IngressRule>,
    pub tags: Vec<Tag>,
}

/// One inbound TCP rule: from a CIDR, or from another security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct IngressRule {
    pub port: u16,
    /// An IPv4 CIDR, or a security group id (`sg-…`).
    pub source: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEndpoint {
    pub vpc_id: String,
    pub service_name: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub private_dns: bool,
    /// The endpoint's private IP pinned per subnet (SubnetConfigurations[].Ipv4); empty: AWS picks.
    #[serde(default)]
    pub ipv4_addresses: std::collections::BTreeMap<String, String>,
    /// Idempotency token (same token, same endpoint).
    pub client_token: String,
    pub tags: Vec<Tag>,
}

/// What the engine needs to know of a REST API beyond discovery's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiState {
    pub id: String,
    pub name: String,
    pub endpoint_types: Vec<String>,
    pub vpc_endpoint_ids: Vec<String>,
    pub policy: Option<String>,
    pub tags: Vec<Tag>,
    /// Stage names that exist, with their deployment id.
    pub stages: Vec<(String, String)>,
    /// `ipv4` or `dualstack` (endpointConfiguration.ipAddressType; `None` when not reported).
    #[serde(default)]
    pub ip_address_type: Option<String>,
}

/// What destroy puts back on an adopted API: its endpoint configuration and policy as read
/// before the apply changed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRestore {
    pub endpoint_types: Vec<String>,
    pub vpc_endpoint_ids: Vec<String>,
    pub policy: Option<String>,
    pub ip_address_type: Option<String>,
}

impl From<&ApiState> for ApiRestore {
    fn from(a: &ApiState) -> Self {
        ApiRestore {
            endpoint_types: a.endpoint_types.clone(),
            vpc_endpoint_ids: a.vpc_endpoint_ids.clone(),
            policy: a.policy.clone(),
            ip_address_type: a.ip_address_type.clone(),
        }
    }
}

/// One operation of an UpdateRestApi / UpdateStage patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// `replace`, `add` or `remove`.
    pub op: &'static str,
    pub path: String,
    pub value: String,
}

impl Patch {
    pub fn new(op: &'static str, path: impl Into<String>, value: impl Into<String>) -> Self {
        Patch {
            op,
            path: path.into(),
            value: value.into(),
        }
    }
}

/// API Gateway returns a resource policy JSON-escaped (`{\"Version\":…`): give it back as JSON.
pub fn api_policy(p: Option<&str>) -> Option<String> {
    let p = p.filter(|p| !p.is_empty())?;
    if serde_json::from_str::<serde_json::Value>(p).is_ok() {
        return Some(p.to_string());
    }
    let unescaped = p.replace("\\\"", "\"").replace("\\/", "/");
    if serde_json::from_str::<serde_json::Value>(&unescaped).is_ok() {
        Some(unescaped)
    } else {
        Some(p.to_string())
    }
}

/// The same policy, whatever its whitespace or escaping.
pub fn same_policy(a: Option<&str>, b: Option<&str>) -> bool {
    let parse = |p: Option<&str>| {
        api_policy(p).map(|p| serde_json::from_str::<serde_json::Value>(&p).map_err(|_| p))
    };
    match (parse(a), parse(b)) {
        (None, None) => true,
        (Some(Ok(x)), Some(Ok(y))) => x == y,
        (Some(Err(x)), Some(Err(y))) => x == y,
        _ => false,
    }
}

/// The patches that take the endpoint ids `from` to `to`: (the removes, the adds).
fn endpoint_id_patches(from: &[String], to: &[String]) -> (Vec<Patch>, Vec<Patch>) {
    const PATH: &str = "/endpointConfiguration/vpcEndpointIds";
    let remove = from
        .iter()
        .filter(|v| !to.contains(v))
        .map(|v| Patch::new("remove", PATH, v.as_str()))
        .collect();
    let add = to
        .iter()
        .filter(|v| !from.contains(v))
        .map(|v| Patch::new("add", PATH, v.as_str()))
        .collect();
    (remove, add)
}

/// UpdateRestApi's operations that make `cur` a PRIVATE API bound to exactly `vpc_endpoint_ids`
/// with `policy` (none when it is so already).
pub fn private_patch(cur: &ApiState, vpc_endpoint_ids: &[String], policy: &str) -> Vec<Patch> {
    let mut ops = Vec::new();
    // The path names the type being replaced (`/endpointConfiguration/types/EDGE`).
    if !(cur.endpoint_types.len() == 1 && cur.endpoint_types[0].eq_ignore_ascii_case("PRIVATE")) {
        let from = cur
            .endpoint_types
            .first()
            .map(String::as_str)
            .unwrap_or("EDGE");
        ops.push(Patch::new(
            "replace",
            format!("/endpointConfiguration/types/{from}"),
            "PRIVATE",
        ));
    }
    let (remove, add) = endpoint_id_patches(&cur.vpc_endpoint_ids, vpc_endpoint_ids);
    ops.extend(remove);
    ops.extend(add);
    // "For the PRIVATE endpoint type, only dualstack is supported" (API Gateway API
    // Reference, EndpointConfiguration). Only when the API reports its type (moto does not,
    // and takes any `/endpointConfiguration…` replace for the types).
    if cur
        .ip_address_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("dualstack"))
    {
        ops.push(Patch::new(
            "replace",
            "/endpointConfiguration/ipAddressType",
            "dualstack",
        ));
    }
    if !same_policy(cur.policy.as_deref(), Some(policy)) {
        ops.push(Patch::new("replace", "/policy", policy));
    }
    ops
}

/// UpdateRestApi's operations that put `cur` back as `prior` was (destroy of an adopted API).
pub fn restore_patch(cur: &ApiState, prior: &ApiRestore) -> Vec<Patch> {
    let mut ops = Vec::new();
    // Endpoint ids go first: a non-PRIVATE type refuses them.
    let (remove, add) = endpoint_id_patches(&cur.vpc_endpoint_ids, &prior.vpc_endpoint_ids);
    ops.extend(remove);
    if let (Some(want), Some(from)) = (prior.endpoint_types.first(), cur.endpoint_types.first()) {
        if !want.eq_ignore_ascii_case(from) {
            ops.push(Patch::new(
                "replace",
                format!("/endpointConfiguration/types/{from}"),
                want.as_str(),
            ));
        }
    }
    // After the type: a REGIONAL API may go back to ipv4, a PRIVATE one may not.
    if let (Some(want), Some(now)) = (&prior.ip_address_type, &cur.ip_address_type) {
        if !want.eq_ignore_ascii_case(now) {
            ops.push(Patch::new(
                "replace",
                "/endpointConfiguration/ipAddressType",
                want.as_str(),
            ));
        }
    }
    ops.extend(add);
    if !same_policy(cur.policy.as_deref(), prior.policy.as_deref()) {
        // An empty value removes the policy.
        ops.push(Patch::new(
            "replace",
            "/policy",
            prior.policy.as_deref().unwrap_or_default(),
        ));
    }
    ops
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainNameState {
    pub name: String,
    pub certificate_arn: String,
    /// `d-xxxx.execute-api.<region>.amazonaws.com`
    pub regional_dns_name: String,
    pub regional_hosted_zone_id: String,
    pub security_policy: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasePathMapping {
    /// `(none)` for the root, as API Gateway reports it.
    pub base_path: String,
    pub rest_api_id: String,
    pub stage: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLoadBalancer {
    pub name: String,
    pub subnet_ids: Vec<String>,
    /// Elastic IP allocation per subnet (SubnetMappings[].AllocationId); empty: NLB-assigned IPs.
    #[serde(default)]
    pub allocation_ids: std::collections::BTreeMap<String, String>,
    pub security_group_ids: Vec<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewListener {
    pub load_balancer_arn: String,
    pub target_group_arn: String,
    pub port: u16,
    pub certificate_arn: String,
    pub ssl_policy: String,
    pub alpn_policy: String,
    pub tags: Vec<Tag>,
}

/// An `A` alias record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasRecord {
    pub zone_id: String,
    pub name: String,
    pub target_dns_name: String,
    pub target_zone_id: String,
    pub evaluate_target_health: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordAction {
    Upsert,
    Delete,
    /// Fails when the record exists (Route 53 `CREATE`).
    Create,
}

impl RecordAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordAction::Upsert => "UPSERT",
            RecordAction::Delete => "DELETE",
            RecordAction::Create => "CREATE",
        }
    }
}

#[async_trait]
pub trait CloudWrite: Send + Sync {
    // ---- EC2: VPC attributes ----
    /// ModifyVpcAttribute (one attribute per call; `None` leaves it).
    async fn set_vpc_dns(
        &self,
        vpc_id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
    ) -> CloudResult<()>;

    // ---- EC2: security groups ----
    async fn find_security_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> CloudResult<Option<SecurityGroup>>;
    async fn describe_security_group(&self, id: &str) -> CloudResult<Option<SecurityGroup>>;
    /// CreateSecurityGroup with tags; returns the id.
    async fn create_security_group(
        &self,
        vpc_id: &str,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> CloudResult<String>;
    /// AuthorizeSecurityGroupIngress (TCP); rules already present are not an error.
    async fn authorize_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()>;
    /// RevokeSecurityGroupIngress; rules already absent are not an error.
    async fn revoke_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()>;
    async fn delete_security_group(&self, id: &str) -> CloudResult<()>;

    // ---- EC2: Elastic IPs ----
    /// AllocateAddress (domain vpc) with tags.
    async fn allocate_address(&self, tags: &[Tag]) -> CloudResult<crate::domain::ElasticIp>;
    /// Addresses carrying tag `key=value` (adoption after a lost answer).
    async fn find_addresses_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<crate::domain::ElasticIp>>;
    /// DescribeAddresses of these allocation ids; unknown ones are left out.
    async fn describe_addresses(
        &self,
        allocation_ids: &[String],
    ) -> CloudResult<Vec<crate::domain::ElasticIp>>;
    /// ReleaseAddress; an address already released is success. An address still associated
    /// fails with `InvalidIPAddress.InUse` (an NLB's ENIs linger a while after its deletion).
    async fn release_address(&self, allocation_id: &str) -> CloudResult<()>;

    // ---- EC2: interface endpoint ----
    async fn create_vpc_endpoint(&self, req: &NewEndpoint) -> CloudResult<VpcEndpoint>;
    async fn describe_vpc_endpoint(&self, id: &str) -> CloudResult<Option<VpcEndpoint>>;
    /// Endpoints carrying tag `key=value` (adoption after a lost answer).
    async fn find_vpc_endpoints_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<VpcEndpoint>>;
    /// ModifyVpcEndpoint AddSecurityGroupIds (a reused endpoint gets the plan's group).
    async fn add_endpoint_security_groups(&self, id: &str, group_ids: &[String])
        -> CloudResult<()>;
    async fn remove_endpoint_security_groups(
        &self,
        id: &str,
        group_ids: &[String],
    ) -> CloudResult<()>;
    async fn delete_vpc_endpoint(&self, id: &str) -> CloudResult<()>;
    /// DescribeNetworkInterfaces: the primary private IPv4 of each interface.
    async fn interface_ips(&self, eni_ids: &[String]) -> CloudResult<Vec<InterfaceIp>>;

    // ---- API Gateway ----
    /// CreateRestApi: PRIVATE, bound to `vpc_endpoint_ids`, with `policy`; tags. Returns the id.
    async fn create_rest_api(
        &self,
        name: &str,
        vpc_endpoint_ids: &[String],
        policy: &str,
        tags: &[Tag],
    ) -> CloudResult<String>;
    async fn get_rest_api(&self, id: &str) -> CloudResult<Option<ApiState>>;
    /// REST APIs carrying tag `key=value`.
    async fn find_rest_apis_by_tag(&self, key: &str, value: &str) -> CloudResult<Vec<ApiState>>;
    /// The ids of the REST APIs carrying tag `key=value`, without their stages (GetRestApis
    /// alone: one call where `find_rest_apis_by_tag` asks each API for its stages too).
    async fn rest_api_ids_by_tag(&self, key: &str, value: &str) -> CloudResult<Vec<String>> {
        Ok(self
            .find_rest_apis_by_tag(key, value)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect())
    }
    /// UpdateRestApi: endpoint type PRIVATE, the endpoint ids (replacing the list), the policy.
    /// UpdateRestApi of `cur` (as just read) with `private_patch`'s operations.
    async fn make_api_private(
        &self,
        cur: &ApiState,
        vpc_endpoint_ids: &[String],
        policy: &str,
    ) -> CloudResult<()>;
    /// UpdateRestApi back to a prior configuration (destroy of an adopted API). A PRIVATE API
    /// can never become EDGE again (`BadRequestException`).
    /// (UpdateRestApi of `cur` with `restore_patch`'s operations.)
    async fn restore_api(&self, cur: &ApiState, prior: &ApiRestore) -> CloudResult<()>;
    /// UpdateStage `/deploymentId`: the stage serves that deployment again (a changed resource
    /// policy takes effect only through a deployment, so the old one brings the old policy back).
    async fn set_stage_deployment(
        &self,
        api_id: &str,
        stage: &str,
        deployment_id: &str,
    ) -> CloudResult<()>;
    /// DeleteStage; a stage already gone is success.
    async fn delete_stage(&self, api_id: &str, stage: &str) -> CloudResult<()>;
    /// GetResources: every resource of the API as (id, path).
    async fn api_resources(&self, api_id: &str) -> CloudResult<Vec<(String, String)>>;
    /// CreateResource `path_part` under `parent_id`; returns its id.
    async fn create_resource(
        &self,
        api_id: &str,
        parent_id: &str,
        path_part: &str,
    ) -> CloudResult<String>;
    /// One of the four calls that make `GET` on the resource a MOCK answering 200
    /// `{"ok":true}` (`cli::put_ping`); one already there is success.
    async fn put_ping(&self, api_id: &str, resource_id: &str, part: PingPart) -> CloudResult<()>;
    /// CreateDeployment to `stage` (creates the stage); returns the deployment id.
    async fn create_deployment(&self, api_id: &str, stage: &str) -> CloudResult<String>;
    async fn delete_rest_api(&self, id: &str) -> CloudResult<()>;
    /// CreateDomainName REGIONAL with the certificate and security policy; tags.
    async fn create_domain_name(
        &self,
        name: &str,
        certificate_arn: &str,
        security_policy: &str,
        tags: &[Tag],
    ) -> CloudResult<DomainNameState>;
    async fn get_domain_name(&self, name: &str) -> CloudResult<Option<DomainNameState>>;
    /// Every custom domain name of the region, with its tags (GetDomainNames).
    async fn domain_names(&self) -> CloudResult<Vec<DomainNameState>>;
    /// Custom domain names carrying tag `key=value` (GetDomainNames answers with their tags): a
    /// plan's domain found again from its id alone, on a machine that never saw its name.
    async fn find_domain_names_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<DomainNameState>> {
        Ok(self
            .domain_names()
            .await?
            .into_iter()
            .filter(|d| d.tags.iter().any(|t| t.key == key && t.value == value))
            .collect())
    }
    async fn delete_domain_name(&self, name: &str) -> CloudResult<()>;
    async fn create_base_path_mapping(
        &self,
        domain: &str,
        api_id: &str,
        stage: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()>;
    async fn get_base_path_mappings(&self, domain: &str) -> CloudResult<Vec<BasePathMapping>>;
    async fn delete_base_path_mapping(
        &self,
        domain: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()>;

    // ---- ELBv2 ----
    /// CreateTargetGroup: type ip, TLS:443, health check TCP on the traffic port; tags.
    async fn create_target_group(
        &self,
        name: &str,
        vpc_id: &str,
        tags: &[Tag],
    ) -> CloudResult<TargetGroupState>;
    async fn find_target_group(&self, name: &str) -> CloudResult<Option<TargetGroupState>>;
    async fn register_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()>;
    async fn deregister_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()>;
    async fn target_health(&self, target_group_arn: &str) -> CloudResult<Vec<TargetHealth>>;
    async fn delete_target_group(&self, arn: &str) -> CloudResult<()>;
    /// CreateLoadBalancer: network, internet-facing, ipv4, the subnets and security groups; tags.
    async fn create_load_balancer(&self, req: &NewLoadBalancer) -> CloudResult<LoadBalancerState>;
    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<LoadBalancerState>>;
    /// ModifyLoadBalancerAttributes load_balancing.cross_zone.enabled.
    async fn set_cross_zone(&self, arn: &str, enabled: bool) -> CloudResult<()>;
    async fn delete_load_balancer(&self, arn: &str) -> CloudResult<()>;
    /// CreateListener TLS with certificate, SSL policy, ALPN, default forward.
    async fn create_listener(&self, req: &NewListener) -> CloudResult<ListenerState>;
    async fn describe_listeners(&self, load_balancer_arn: &str) -> CloudResult<Vec<ListenerState>>;
    /// ModifyListener: the default action forwards to `target_group_arn` (an adopted NLB's
    /// listener; destroy puts the previous target back).
    async fn set_listener_target(
        &self,
        listener_arn: &str,
        target_group_arn: &str,
    ) -> CloudResult<()>;
    /// ModifyListener: the TLS listener's SSL policy and/or ALPN policy (`None` leaves it).
    async fn set_listener_policies(
        &self,
        listener_arn: &str,
        ssl_policy: Option<&str>,
        alpn_policy: Option<&str>,
    ) -> CloudResult<()>;
    /// DeleteListener; a listener already gone is success.
    async fn delete_listener(&self, listener_arn: &str) -> CloudResult<()>;

    // ---- Route 53 ----
    /// CreateHostedZone, private, associated with the VPC; `caller_reference` makes it idempotent.
    /// Returns the bare zone id.
    async fn create_private_zone(
        &self,
        name: &str,
        vpc_id: &str,
        region: &str,
        caller_reference: &str,
    ) -> CloudResult<String>;
    async fn associate_vpc(&self, zone_id: &str, vpc_id: &str, region: &str) -> CloudResult<()>;
    /// ListHostedZonesByName from `name`: every zone (public and private, with its comment; no
    /// VPCs) named exactly `name`.
    async fn zones_named(&self, name: &str) -> CloudResult<Vec<crate::domain::HostedZone>>;
    async fn delete_hosted_zone(&self, zone_id: &str) -> CloudResult<()>;
    /// ChangeResourceRecordSets for one A alias; returns the change id (`None` when nothing to do,
    /// e.g. deleting a record that is already gone).
    async fn change_alias_record(
        &self,
        action: RecordAction,
        record: &AliasRecord,
    ) -> CloudResult<Option<String>>;
    /// ChangeResourceRecordSets with several changes in one batch, applied all or none: a
    /// DELETE names the record exactly as it was read (alias or plain). Replacing a CNAME (and any
    /// A / AAAA) of a name with an alias, and destroy putting them back, are each one batch, since
    /// a CNAME excludes every other type of its name. Returns the change id.
    async fn change_records(
        &self,
        zone_id: &str,
        changes: &[(RecordAction, crate::domain::RecordSet)],
    ) -> CloudResult<Option<String>>;
    /// GetChange: PENDING or INSYNC.
    async fn change_status(&self, change_id: &str) -> CloudResult<String>;
}
