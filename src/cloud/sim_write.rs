//! The write half of the simulated account: `CloudWrite` for `SimCloud`, modelled on what AWS does
//! (SPEC "A model of AWS for the simulated account" and "Facts from the field").
//!
//! Every operation is one `SimCloud::call` (round trip, fault injection, SDK-like retries, call
//! log), named by its IAM action. Time: the simulation's clock (`now_ms`) runs on tokio's clock
//! (so tests can pause it) and carries on from a saved account's `clock_ms`; each waiting state
//! stores the clock value when it ends, and `settle` (run before every call) moves the states that
//! have come due. Waits are AWS-like at `scale` 1.0 (the ranges in `cloud::timing`, which the
//! progress estimate reads too) and multiplied by `SimOptions::scale`:
//!
//! | what | wait |
//! |---|---|
//! | interface endpoint `pending` → `available` | 60–150 s |
//! | endpoint `deleting` → gone (its ENIs with it) | 30–90 s |
//! | NLB `provisioning` → `active` | 120–240 s |
//! | a deleted NLB's network interfaces released (its security groups still in use until then) | 30–90 s |
//! | target `initial` → `healthy` once the group is behind a listener of an active NLB | 60–300 s |
//! | Route 53 change `PENDING` → `INSYNC` | 10–60 s |
//! | Route 53 zone busy after a change (`PriorRequestNotComplete`) | 0.3 s |
//! | API Gateway: CreateRestApi / CreateDeployment / CreateDomainName, DeleteDomainName, DeleteRestApi | 1 per 3 s / 5 s / 30 s |
//!
//! A target turns `unhealthy` (`Target.Timeout`) when its IP is not a network interface of an
//! available endpoint, or when the endpoint's security groups do not let the NLB's private
//! addresses in on the target port.

use std::net::Ipv4Addr;
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;

use super::cli::PingPart;
use super::sim::{not_found, SimCloud};
use super::sim_data::{
    SimAccount, SimApiInfo, SimChange, SimEndpointInfo, SimInterface, SimListener, SimLoadBalancer,
    SimMapping, SimTarget, SimTargetGroup, SimToken,
};
use super::write::{
    ApiRestore, ApiState, BasePathMapping, CloudWrite, DomainNameState, IngressRule, NewEndpoint,
    NewListener, NewLoadBalancer, RecordAction, SecurityGroup,
};
use super::{CloudError, CloudResult, ErrorKind};
use crate::domain::InterfaceIp;
use crate::domain::{
    now_rfc3339, CertStatus, DnsEntry, HostedZone, RecordSet, RestApi, Tag, VpcEndpoint, ZoneVpc,
};
use crate::domain::{ListenerState, LoadBalancerState, TargetGroupState, TargetHealth};

use super::timing::{
    CHANGE_INSYNC, CREATE_DEPLOYMENT, CREATE_DOMAIN_NAME, CREATE_REST_API, DELETE_DOMAIN_NAME,
    DELETE_REST_API, ENDPOINT_DELETE, ENDPOINT_READY, NLB_ENI_RELEASE, NLB_READY, TARGET_CHECKS,
    ZONE_BUSY_MS,
};

/// The default policy of a TLS listener created without one (SPEC: always set one explicitly).
const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-2016-08";
const ALPN_POLICIES: [&str; 5] = [
    "None",
    "HTTP1Only",
    "HTTP2Only",
    "HTTP2Optional",
    "HTTP2Preferred",
];

const ACTIVE_ENDPOINT_STATES: [&str; 3] = ["pending", "available", "deleting"];

// ---------------------------------------------------------------------------------------------
// Clock and settling

impl SimCloud {
    /// The simulation's clock, in ms: the saved account's clock plus tokio time since start.
    pub(super) fn now_ms(&self) -> u64 {
        self.clock_base_ms
            .saturating_add(self.started.elapsed().as_millis() as u64)
    }

    /// A random wait in `range` (ms at scale 1.0), scaled.
    fn wait_ms(&self, range: (u64, u64)) -> u64 {
        let ms = rand::rng().random_range(range.0..=range.1.max(range.0));
        self.scaled_ms(ms)
    }

    fn scaled_ms(&self, ms: u64) -> u64 {
        self.scaled(Duration::from_millis(ms)).as_millis() as u64
    }

    /// Bring the account to the current time: endpoints and load balancers whose wait is over
    /// change state, deleted endpoints and released network interfaces disappear.
    pub(super) fn settle(&self, a: &mut SimAccount) {
        let now = a.clock_ms.max(self.now_ms());
        a.clock_ms = now;

        let mut gone = Vec::new();
        for info in &a.endpoint_info {
            let Some(ep) = a.vpc_endpoints.iter_mut().find(|e| e.id == info.id) else {
                continue;
            };
            match info.gone_at_ms {
                Some(t) if now >= t => gone.push(info.id.clone()),
                Some(_) => ep.state = "deleting".to_string(),
                None if now >= info.ready_at_ms && ep.state.eq_ignore_ascii_case("pending") => {
                    ep.state = "available".to_string()
                }
                None => {}
            }
        }
        for id in gone {
            a.vpc_endpoints.retain(|e| e.id != id);
            a.endpoint_info.retain(|i| i.id != id);
            for eni in a.network_interfaces.iter_mut().filter(|n| n.owner == id) {
                eni.gone_at_ms = Some(now);
            }
        }

        let (released, kept): (Vec<SimInterface>, Vec<SimInterface>) =
            std::mem::take(&mut a.network_interfaces)
                .into_iter()
                .partition(|n| n.gone_at_ms.is_some_and(|t| now >= t));
        a.network_interfaces = kept;
        for eni in released {
            if let Some(s) = a.subnets.iter_mut().find(|s| s.id == eni.subnet_id) {
                s.free_ips = s.free_ips.saturating_add(1);
            }
            // An Elastic IP on the interface is free again once the interface is gone.
            for e in a
                .elastic_ips
                .iter_mut()
                .filter(|e| e.network_interface_id.as_deref() == Some(eni.eni_id.as_str()))
            {
                e.network_interface_id = None;
                e.association_id = None;
            }
        }

        for lb in &mut a.load_balancers {
            if now >= lb.ready_at_ms && lb.lb.state.eq_ignore_ascii_case("provisioning") {
                lb.lb.state = "active".to_string();
            }
        }
    }

    /// API Gateway's fixed per-account limit on `op`: a call sooner than `every_ms` (scaled) after
    /// the previous one is refused with the service's retry hint.
    fn api_limit(
        &self,
        a: &mut SimAccount,
        action: &str,
        (op, every_ms): (&str, u64),
    ) -> CloudResult<()> {
        let now = a.clock_ms;
        let interval = self.scaled_ms(every_ms);
        if let Some(&last) = a.api_limits.get(op) {
            let free_at = last.saturating_add(interval);
            if now < free_at {
                // AWS: 429 TooManyRequestsException, body `{"message":"Too Many Requests"}`,
                // the wait in the `Retry-After` header (API Gateway API Reference, Common
                // Errors; the SDK binds it to `retryAfterSeconds`). Nothing in the message.
                let secs = (free_at - now).div_ceil(1000).max(1);
                return Err(
                    CloudError::new(ErrorKind::Throttled, action, "Too Many Requests")
                        .with_code("TooManyRequestsException")
                        .with_retry_after(Duration::from_secs(secs)),
                );
            }
        }
        a.api_limits.insert(op.to_string(), now);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn fail(kind: ErrorKind, action: &str, code: &str, message: impl Into<String>) -> CloudError {
    CloudError::new(kind, action, message).with_code(code)
}

fn invalid(action: &str, code: &str, message: impl Into<String>) -> CloudError {
    fail(ErrorKind::InvalidRequest, action, code, message)
}

fn random_from(chars: &[u8], n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| chars[rng.random_range(0..chars.len())] as char)
        .collect()
}

fn hex(n: usize) -> String {
    random_from(b"0123456789abcdef", n)
}

fn lower_alnum(n: usize) -> String {
    random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", n)
}

/// The resources of API `api_id` (its root `/` made when first asked for).
fn api_resources_of<'a>(a: &'a mut SimAccount, api_id: &str) -> &'a mut Vec<(String, String)> {
    let info = a.api_info.entry(api_id.to_string()).or_default();
    if info.resources.is_empty() {
        info.resources.push((lower_alnum(10), "/".to_string()));
    }
    &mut info.resources
}

fn upper_alnum(n: usize) -> String {
    random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
}

fn dns_norm(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn has_tag(tags: &[Tag], key: &str, value: &str) -> bool {
    tags.iter().any(|t| t.key == key && t.value == value)
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

/// Zone of an interface endpoint's regional and zonal names.
fn vpce_zone(region: &str) -> String {
    match region {
        "us-east-1" => "Z7HUB22UULQXV".to_string(),
        _ => format!("ZSIMVPCE{}", region.to_ascii_uppercase().replace('-', "")),
    }
}

/// Canonical hosted zone of network load balancers.
fn nlb_zone(region: &str) -> String {
    match region {
        "us-east-1" => "Z26RNL4JYFTOTI".to_string(),
        _ => format!("ZSIMNLB{}", region.to_ascii_uppercase().replace('-', "")),
    }
}

/// Hosted zone of API Gateway's regional custom domain names.
fn apigw_zone(region: &str) -> String {
    match region {
        "us-east-1" => "Z1UJRXOUMOOFQ8".to_string(),
        _ => format!("ZSIMAPIGW{}", region.to_ascii_uppercase().replace('-', "")),
    }
}

fn vpc_exists(a: &SimAccount, action: &str, vpc_id: &str) -> CloudResult<()> {
    if a.vpcs.iter().any(|v| v.id == vpc_id) {
        Ok(())
    } else {
        Err(not_found(
            action,
            "InvalidVpcID.NotFound",
            &format!("The vpc ID '{vpc_id}'"),
        ))
    }
}

fn vpc_cidrs(a: &SimAccount, vpc_id: &str) -> Vec<ipnet::Ipv4Net> {
    a.vpcs
        .iter()
        .filter(|v| v.id == vpc_id)
        .flat_map(|v| std::iter::once(&v.cidr).chain(v.secondary_cidrs.iter()))
        .filter_map(|c| c.parse().ok())
        .collect()
}

/// Hand out a private IP of the subnet: inside its CIDR, never .0–.3 nor the broadcast, never one
/// handed out before. `count` takes it from the subnet's free addresses.
fn allocate_ip(
    a: &mut SimAccount,
    action: &str,
    subnet_id: &str,
    count: bool,
) -> CloudResult<String> {
    let subnet = a
        .subnets
        .iter_mut()
        .find(|s| s.id == subnet_id)
        .ok_or_else(|| {
            not_found(
                action,
                "InvalidSubnetID.NotFound",
                &format!("The subnet ID '{subnet_id}'"),
            )
        })?;
    let insufficient = || {
        invalid(
            action,
            "InsufficientFreeAddressesInSubnet",
            format!("There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of instances."),
        )
    };
    if count && subnet.free_ips == 0 {
        return Err(insufficient());
    }
    let net: ipnet::Ipv4Net = subnet.cidr.parse().map_err(|_| {
        invalid(
            action,
            "InvalidParameterValue",
            format!("subnet {subnet_id} has no IPv4 CIDR"),
        )
    })?;
    let base = u32::from(net.network());
    let size: u64 = 1u64 << (32 - u32::from(net.prefix_len()));
    if size < 8 {
        return Err(insufficient());
    }
    // Offsets 4 ..= size-2: AWS reserves the first four and the last address.
    let (lo, hi) = (4u64, size - 2);
    let used = &a.allocated_ips;
    let ip_at = |off: u64| Ipv4Addr::from(base.wrapping_add(off as u32)).to_string();
    let mut rng = rand::rng();
    let mut pick = None;
    for _ in 0..64 {
        let ip = ip_at(rng.random_range(lo..=hi));
        if !used.contains(&ip) {
            pick = Some(ip);
            break;
        }
    }
    if pick.is_none() {
        pick = (lo..=hi).map(ip_at).find(|ip| !used.contains(ip));
    }
    let ip = pick.ok_or_else(insufficient)?;
    if count {
        subnet.free_ips -= 1;
    }
    a.allocated_ips.push(ip.clone());
    Ok(ip)
}

/// How long EC2 remembers a client token: at least 24 hours, also after the resource is deleted
/// (EC2 API Reference, "Ensuring idempotency in Amazon EC2 API requests"). The same token answers
/// with the same resource; once that is deleted, `IdempotentParameterMismatch` "The client token
/// you have provided is associated with a resource that is already deleted. Please use a
/// different client token." (the message AWS sends, quoted in the ECS troubleshooting guide);
/// with other parameters, `IdempotentParameterMismatch` too.
const CLIENT_TOKEN_MS: u64 = 24 * 3600 * 1000;

/// The parameters of a CreateVpcEndpoint request, canonical (order of lists does not matter).
fn endpoint_fingerprint(req: &NewEndpoint) -> String {
    let mut subnets = req.subnet_ids.clone();
    subnets.sort();
    let mut groups = req.security_group_ids.clone();
    groups.sort();
    format!(
        "{}|{}|{}|{}|{}|{:?}",
        req.vpc_id,
        req.service_name,
        subnets.join(","),
        groups.join(","),
        req.private_dns,
        req.ipv4_addresses
    )
}

/// What a client token made, if EC2 still remembers it (see `CLIENT_TOKEN_MS`).
fn remembered_token(
    a: &SimAccount,
    action: &str,
    token: &str,
    fingerprint: &str,
) -> CloudResult<Option<VpcEndpoint>> {
    if token.is_empty() {
        return Ok(None);
    }
    let Some(t) = a
        .client_tokens
        .get(token)
        .filter(|t| a.clock_ms < t.used_ms.saturating_add(CLIENT_TOKEN_MS))
    else {
        return Ok(None);
    };
    let live = a
        .vpc_endpoints
        .iter()
        .find(|e| e.id == t.endpoint.id && !e.state.eq_ignore_ascii_case("deleted"));
    match live {
        None => Err(invalid(
            action,
            "IdempotentParameterMismatch",
            "The client token you have provided is associated with a resource that is already \
             deleted. Please use a different client token.",
        )),
        Some(_) if t.fingerprint != fingerprint => Err(invalid(
            action,
            "IdempotentParameterMismatch",
            "The client token you have provided is associated with a resource that has \
             different parameters. Please use a different client token.",
        )),
        Some(e) => Ok(Some(e.clone())),
    }
}

/// A pinned endpoint IP (SubnetConfigurations[].Ipv4): inside the subnet, not one of the five
/// addresses AWS reserves, not in use by a live interface.
fn check_pinned_ip(a: &SimAccount, action: &str, subnet_id: &str, ip: &str) -> CloudResult<()> {
    let subnet = a
        .subnets
        .iter()
        .find(|s| s.id == subnet_id)
        .ok_or_else(|| {
            not_found(
                action,
                "InvalidSubnetID.NotFound",
                &format!("The subnet ID '{subnet_id}'"),
            )
        })?;
    let addr: Ipv4Addr = ip.parse().map_err(|_| {
        invalid(
            action,
            "InvalidParameterValue",
            format!("'{ip}' is not a valid IPv4 address"),
        )
    })?;
    let net: ipnet::Ipv4Net = subnet.cidr.parse().map_err(|_| {
        invalid(
            action,
            "InvalidParameterValue",
            format!("subnet {subnet_id} has no IPv4 CIDR"),
        )
    })?;
    if !net.contains(&addr) {
        return Err(invalid(
            action,
            "InvalidParameterValue",
            format!(
                "The specified IP address {ip} is not in the CIDR block of subnet {subnet_id} ({})",
                subnet.cidr
            ),
        ));
    }
    let off = u32::from(addr) - u32::from(net.network());
    let size = 1u64 << (32 - u32::from(net.prefix_len()));
    if off < 4 || u64::from(off) == size - 1 {
        return Err(invalid(
            action,
            "InvalidParameterValue",
            format!("The specified IP address {ip} is reserved by AWS in subnet {subnet_id}"),
        ));
    }
    if a.network_interfaces
        .iter()
        .any(|n| n.ip == ip && n.gone_at_ms.is_none())
    {
        return Err(invalid(
            action,
            "InvalidIPAddress.InUse",
            format!("The specified IP address {ip} is already in use"),
        ));
    }
    Ok(())
}

fn new_eni_id(a: &SimAccount) -> String {
    loop {
        let id = format!("eni-{}", hex(17));
        if !a.network_interfaces.iter().any(|n| n.eni_id == id) {
            return id;
        }
    }
}

fn public_ip(a: &SimAccount) -> String {
    let mut rng = rand::rng();
    loop {
        let ip = Ipv4Addr::new(
            3,
            rng.random_range(0..=255),
            rng.random_range(0..=255),
            rng.random_range(1..=254),
        )
        .to_string();
        if !a
            .load_balancers
            .iter()
            .any(|l| l.lb.addresses.contains(&ip))
        {
            return ip;
        }
    }
}

/// The endpoint's subnets each exist, are in the VPC, one per AZ, with a free address: their AZs.
fn endpoint_azs(a: &SimAccount, req: &NewEndpoint) -> CloudResult<Vec<String>> {
    const ACTION: &str = "ec2:CreateVpcEndpoint";
    let mut azs: Vec<String> = Vec::new();
    for sid in &req.subnet_ids {
        let s = a.subnets.iter().find(|s| &s.id == sid).ok_or_else(|| {
            not_found(
                ACTION,
                "InvalidSubnetID.NotFound",
                &format!("The subnet ID '{sid}'"),
            )
        })?;
        if s.vpc_id != req.vpc_id {
            return Err(invalid(
                ACTION,
                "InvalidParameter",
                format!("The subnet {sid} does not belong to {}", req.vpc_id),
            ));
        }
        if azs.contains(&s.az) {
            return Err(invalid(
                ACTION,
                "DuplicateSubnetsInSameZone",
                format!(
                    "Found another VPC endpoint subnet in the availability zone of {sid}. \
                     VPC endpoint subnets should be in different availability zones \
                     supported by the VPC endpoint service."
                ),
            ));
        }
        if s.free_ips == 0 {
            return Err(invalid(
                ACTION,
                "InsufficientFreeAddressesInSubnet",
                format!("There are not enough free addresses in subnet '{sid}'"),
            ));
        }
        azs.push(s.az.clone());
    }
    Ok(azs)
}

/// Private DNS needs the VPC's DNS attributes on and no other endpoint of the service with it.
fn check_private_dns(a: &SimAccount, req: &NewEndpoint) -> CloudResult<()> {
    const ACTION: &str = "ec2:CreateVpcEndpoint";
    let region = &a.region;
    let vpc = a.vpcs.iter().find(|v| v.id == req.vpc_id);
    let dns_on =
        vpc.is_some_and(|v| v.dns_support.unwrap_or(true) && v.dns_hostnames.unwrap_or(false));
    if !dns_on {
        return Err(invalid(
            ACTION,
            "InvalidParameter",
            format!(
                "Enabling private DNS requires both enableDnsSupport and \
                 enableDnsHostnames VPC attributes set to true for {}",
                req.vpc_id
            ),
        ));
    }
    let short = req.service_name.rsplit('.').next().unwrap_or_default();
    let conflict = a.vpc_endpoints.iter().any(|e| {
        e.vpc_id == req.vpc_id
            && e.service_name == req.service_name
            && e.private_dns
            && ACTIVE_ENDPOINT_STATES
                .iter()
                .any(|s| e.state.eq_ignore_ascii_case(s))
    });
    if conflict {
        return Err(invalid(
            ACTION,
            "InvalidParameter",
            format!(
                "private-dns-enabled cannot be set because there is already a \
                 conflicting DNS domain for {short}.{region}.amazonaws.com in the \
                 VPC {}",
                req.vpc_id
            ),
        ));
    }
    Ok(())
}

/// Pinned IPs (subnet configurations) name every subnet of the endpoint or none, and each is free.
fn check_subnet_configurations(a: &SimAccount, req: &NewEndpoint) -> CloudResult<()> {
    const ACTION: &str = "ec2:CreateVpcEndpoint";
    // Subnet configurations name every subnet of the endpoint, or none (AWS: "you must
    // specify a subnet configuration for each subnet"; EC2 API Reference,
    // CreateVpcEndpoint `SubnetConfiguration.N`). Not documented word for word as an
    // error; the safe side is to refuse, as validation does.
    if !req.ipv4_addresses.is_empty()
        && req
            .subnet_ids
            .iter()
            .any(|s| !req.ipv4_addresses.contains_key(s))
    {
        return Err(invalid(
            ACTION,
            "InvalidParameter",
            "Subnet configurations must be specified for all subnets or none",
        ));
    }
    for sid in req.ipv4_addresses.keys() {
        if !req.subnet_ids.contains(sid) {
            return Err(invalid(
                ACTION,
                "InvalidParameter",
                format!(
                    "SubnetConfigurations names {sid}, which is not one of the endpoint's subnets"
                ),
            ));
        }
    }
    for (sid, ip) in &req.ipv4_addresses {
        check_pinned_ip(a, ACTION, sid, ip)?;
    }
    Ok(())
}

/// One network interface per subnet, on its pinned IP or the next free one: their ids.
fn endpoint_interfaces(
    a: &mut SimAccount,
    req: &NewEndpoint,
    id: &str,
    azs: &[String],
) -> CloudResult<Vec<String>> {
    const ACTION: &str = "ec2:CreateVpcEndpoint";
    let mut eni_ids = Vec::new();
    for (sid, az) in req.subnet_ids.iter().zip(azs) {
        let ip = match req.ipv4_addresses.get(sid) {
            Some(ip) => {
                if let Some(s) = a.subnets.iter_mut().find(|s| &s.id == sid) {
                    s.free_ips = s.free_ips.saturating_sub(1);
                }
                a.allocated_ips.push(ip.clone());
                ip.clone()
            }
            None => allocate_ip(a, ACTION, sid, true)?,
        };
        let eni_id = new_eni_id(a);
        a.network_interfaces.push(SimInterface {
            eni_id: eni_id.clone(),
            subnet_id: sid.clone(),
            az: az.clone(),
            ip,
            owner: id.to_string(),
            security_group_ids: req.security_group_ids.clone(),
            gone_at_ms: None,
        });
        eni_ids.push(eni_id);
    }
    Ok(eni_ids)
}

/// The NLB's subnets each exist, share one VPC, one per AZ, with 8 free IPs, all public; and its
/// security groups are of that VPC: the VPC and the AZs.
fn lb_subnets(a: &SimAccount, req: &NewLoadBalancer) -> CloudResult<(String, Vec<String>)> {
    const ACTION: &str = "elasticloadbalancing:CreateLoadBalancer";
    let mut vpc_id: Option<String> = None;
    let mut azs: Vec<String> = Vec::new();
    for sid in &req.subnet_ids {
        let s = a.subnets.iter().find(|s| &s.id == sid).ok_or_else(|| {
            fail(
                ErrorKind::NotFound,
                ACTION,
                "SubnetNotFound",
                format!("The subnet ID '{sid}' is not valid"),
            )
        })?;
        match &vpc_id {
            Some(v) if *v != s.vpc_id => {
                return Err(invalid(
                    ACTION,
                    "InvalidConfigurationRequest",
                    "The subnets of a load balancer must all belong to the same VPC",
                ))
            }
            _ => vpc_id = Some(s.vpc_id.clone()),
        }
        if azs.contains(&s.az) {
            return Err(invalid(
                ACTION,
                "InvalidConfigurationRequest",
                format!("A load balancer cannot be attached to multiple subnets in the same Availability Zone ({})", s.az),
            ));
        }
        if s.free_ips < 8 {
            return Err(invalid(
                ACTION,
                "InvalidSubnet",
                format!("Not enough IP space available in {sid}. ELB requires at least 8 free IP addresses in each subnet."),
            ));
        }
        azs.push(s.az.clone());
    }
    for sid in &req.subnet_ids {
        if !subnet_is_public(a, sid) {
            return Err(invalid(
                ACTION,
                "InvalidSubnet",
                format!("Subnet {sid} has no route to an internet gateway: an internet-facing load balancer needs public subnets"),
            ));
        }
    }
    let vpc_id = vpc_id.unwrap_or_default();
    for g in &req.security_group_ids {
        if !a
            .security_groups
            .iter()
            .any(|x| &x.id == g && x.vpc_id == vpc_id)
        {
            return Err(invalid(
                ACTION,
                "InvalidSecurityGroup",
                format!("Security group '{g}' does not exist in {vpc_id}"),
            ));
        }
    }

    Ok((vpc_id, azs))
}

/// The Elastic IPs of the subnet mappings: of the NLB's subnets, existing, free, each once.
fn check_allocations(a: &SimAccount, req: &NewLoadBalancer) -> CloudResult<()> {
    const ACTION: &str = "elasticloadbalancing:CreateLoadBalancer";
    for (sid, alloc) in &req.allocation_ids {
        if !req.subnet_ids.contains(sid) {
            return Err(invalid(
                ACTION,
                "ValidationError",
                format!("SubnetMappings names {sid}, which is not one of the subnets"),
            ));
        }
        match a.elastic_ips.iter().find(|e| &e.allocation_id == alloc) {
            None => {
                return Err(fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "AllocationIdNotFound",
                    format!("Elastic IP allocation '{alloc}' not found"),
                ))
            }
            Some(e) if e.in_use() => {
                return Err(invalid(
                    ACTION,
                    "InvalidConfigurationRequest",
                    format!(
                        "Elastic IP '{alloc}' ({}) is already associated",
                        e.public_ip
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if !req.allocation_ids.values().all(|v| seen.insert(v)) {
        return Err(invalid(
            ACTION,
            "ValidationError",
            "The same Elastic IP allocation is given for two subnets",
        ));
    }
    Ok(())
}

/// One network interface per subnet, with its Elastic IP or an AWS-assigned public IP: the NLB's
/// public addresses.
fn lb_interfaces(
    a: &mut SimAccount,
    req: &NewLoadBalancer,
    arn: &str,
    azs: &[String],
) -> CloudResult<Vec<String>> {
    const ACTION: &str = "elasticloadbalancing:CreateLoadBalancer";
    let mut addresses = Vec::new();
    for (sid, az) in req.subnet_ids.iter().zip(azs) {
        let ip = allocate_ip(a, ACTION, sid, true)?;
        let eni_id = new_eni_id(a);
        a.network_interfaces.push(SimInterface {
            eni_id: eni_id.clone(),
            subnet_id: sid.clone(),
            az: az.clone(),
            ip,
            owner: arn.to_string(),
            security_group_ids: req.security_group_ids.clone(),
            gone_at_ms: None,
        });
        match req.allocation_ids.get(sid) {
            Some(alloc) => {
                let assoc = format!("eipassoc-{}", hex(17));
                if let Some(e) = a.elastic_ips.iter_mut().find(|e| &e.allocation_id == alloc) {
                    e.network_interface_id = Some(eni_id);
                    e.association_id = Some(assoc);
                    addresses.push(e.public_ip.clone());
                }
            }
            None => addresses.push(public_ip(a)),
        }
    }
    Ok(addresses)
}

/// A listener's load balancer and target group exist, in one VPC, the group is TLS or TCP and on
/// no other load balancer; the port is set; the certificate exists and is issued.
fn check_listener_pair(a: &SimAccount, req: &NewListener) -> CloudResult<()> {
    const ACTION: &str = "elasticloadbalancing:CreateListener";
    let lb = a
        .load_balancers
        .iter()
        .find(|l| l.lb.arn == req.load_balancer_arn)
        .ok_or_else(|| lb_not_found(ACTION, &req.load_balancer_arn))?;
    let tg = a
        .target_groups
        .iter()
        .find(|t| t.group.arn == req.target_group_arn)
        .ok_or_else(|| tg_not_found(ACTION, &req.target_group_arn))?;
    if tg.group.vpc_id != lb.lb.vpc_id {
        return Err(invalid(
            ACTION,
            "ValidationError",
            "The target group and the load balancer must be in the same VPC",
        ));
    }
    if !["TLS", "TCP"].contains(&tg.group.protocol.to_ascii_uppercase().as_str()) {
        return Err(invalid(
            ACTION,
            "IncompatibleProtocols",
            "The target group's protocol is not compatible with a TLS listener",
        ));
    }
    let other_lb = a.listeners.iter().any(|l| {
        l.listener.target_group_arn.as_deref() == Some(req.target_group_arn.as_str())
            && l.load_balancer_arn != req.load_balancer_arn
    });
    if other_lb {
        return Err(invalid(
            ACTION,
            "TargetGroupAssociationLimit",
            format!("The following target groups cannot be associated with more than one load balancer: {}", req.target_group_arn),
        ));
    }
    if req.port == 0 {
        return Err(invalid(ACTION, "ValidationError", "Invalid port 0"));
    }
    if req.certificate_arn.is_empty() {
        return Err(invalid(
            ACTION,
            "ValidationError",
            "A certificate must be specified for TLS listeners",
        ));
    }
    let cert = a
        .certificates
        .iter()
        .find(|c| c.arn == req.certificate_arn)
        .ok_or_else(|| {
            fail(
                ErrorKind::NotFound,
                ACTION,
                "CertificateNotFound",
                format!("Certificate '{}' not found", req.certificate_arn),
            )
        })?;
    if cert.status != CertStatus::Issued {
        return Err(invalid(
            ACTION,
            "UnsupportedCertificate",
            format!(
                "The certificate '{}' must be ISSUED to be used by a listener (it is {})",
                req.certificate_arn,
                cert.status.as_str()
            ),
        ));
    }
    Ok(())
}

/// The listener's SSL and ALPN policies: the default when not given, refused when unknown.
/// (`action`: the call that names them, for its error.)
fn listener_policies(
    action: &'static str,
    ssl: &str,
    alpn_policy: &str,
) -> CloudResult<(String, String)> {
    let ssl_policy = if ssl.is_empty() {
        DEFAULT_SSL_POLICY.to_string()
    } else if ssl.starts_with("ELBSecurityPolicy-") {
        ssl.to_string()
    } else {
        return Err(fail(
            ErrorKind::InvalidRequest,
            action,
            "SSLPolicyNotFound",
            format!("SSL policy '{}' not found", ssl),
        ));
    };
    let alpn = if alpn_policy.is_empty() {
        "None".to_string()
    } else if let Some(p) = ALPN_POLICIES
        .iter()
        .find(|p| p.eq_ignore_ascii_case(alpn_policy))
    {
        p.to_string()
    } else {
        return Err(fail(
            ErrorKind::InvalidRequest,
            action,
            "ALPNPolicyNotFound",
            format!("ALPN policy '{}' not found", alpn_policy),
        ));
    };
    Ok((ssl_policy, alpn))
}

/// The listener `arn`, or ListenerNotFound.
fn listener_mut<'a>(
    a: &'a mut SimAccount,
    action: &'static str,
    arn: &str,
) -> CloudResult<&'a mut SimListener> {
    a.listeners
        .iter_mut()
        .find(|l| l.listener.arn == arn)
        .ok_or_else(|| {
            fail(
                ErrorKind::NotFound,
                action,
                "ListenerNotFound",
                format!("Listener '{arn}' not found"),
            )
        })
}

fn subnet_is_public(a: &SimAccount, subnet_id: &str) -> bool {
    a.subnets
        .iter()
        .find(|s| s.id == subnet_id)
        .and_then(|s| crate::domain::reach::classify(s, &a.route_tables))
        .is_some_and(|r| r.public)
}

fn api_state(api: &RestApi, info: Option<&SimApiInfo>) -> ApiState {
    ApiState {
        id: api.id.clone(),
        name: api.name.clone(),
        endpoint_types: api.endpoint_types.clone(),
        vpc_endpoint_ids: api.vpc_endpoint_ids.clone(),
        policy: api.policy.clone(),
        tags: info.map(|i| i.tags.clone()).unwrap_or_default(),
        stages: info.map(|i| i.stages.clone()).unwrap_or_default(),
        ip_address_type: Some(
            info.and_then(|i| i.ip_address_type.clone())
                .unwrap_or_else(|| default_ip_type(&api.endpoint_types).to_string()),
        ),
    }
}

/// What API Gateway gives an API that names no ipAddressType.
fn default_ip_type(types: &[String]) -> &'static str {
    if types.iter().any(|t| t.eq_ignore_ascii_case("PRIVATE")) {
        "dualstack"
    } else {
        "ipv4"
    }
}

/// An API bound to an endpoint of this account that is not `available` yet. AWS documents no
/// such check for CreateRestApi / UpdateRestApi `vpcEndpointIds`; the private DNS aliases API
/// Gateway makes for the endpoint need it to exist and be ready, so the model takes the safe
/// side and refuses (the engine binds the API only after the endpoint is available).
fn check_endpoints_available(a: &SimAccount, action: &str, ids: &[String]) -> CloudResult<()> {
    for id in ids {
        if let Some(ep) = a.vpc_endpoints.iter().find(|e| &e.id == id) {
            if !ep.is_available() {
                return Err(invalid(
                    action,
                    "BadRequestException",
                    format!(
                        "VPC endpoint {id} is not in an available state ({}).",
                        ep.state
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn api_not_found(action: &str, id: &str) -> CloudError {
    fail(
        ErrorKind::NotFound,
        action,
        "NotFoundException",
        format!("Invalid API identifier specified {id}"),
    )
}

fn check_policy(action: &str, policy: &str) -> CloudResult<()> {
    serde_json::from_str::<serde_json::Value>(policy)
        .map(|_| ())
        .map_err(|_| {
            invalid(
                action,
                "BadRequestException",
                "Invalid policy document. Please check the policy syntax and ensure that Principals are valid.",
            )
        })
}

fn elb_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Does a security group allow TCP `port` from `ip` (a CIDR containing it, or one of `from_groups`)?
fn group_allows(g: &SecurityGroup, port: u16, ip: Ipv4Addr, from_groups: &[String]) -> bool {
    g.ingress.iter().any(|r| {
        r.port == port
            && (from_groups.contains(&r.source)
                || r.source
                    .parse::<ipnet::Ipv4Net>()
                    .is_ok_and(|n| n.contains(&ip)))
    })
}

/// The health a target shows now (see the module doc).
fn target_health_now(a: &SimAccount, tg: &SimTargetGroup, t: &SimTarget) -> TargetHealth {
    let health = |state: &str, reason: Option<&str>| TargetHealth {
        ip: t.ip.clone(),
        state: state.to_string(),
        reason: reason.map(str::to_string),
    };
    let Some(listener) = a
        .listeners
        .iter()
        .find(|l| l.listener.target_group_arn.as_deref() == Some(tg.group.arn.as_str()))
    else {
        return health("unused", Some("Target.NotInUse"));
    };
    let Some(lb) = a
        .load_balancers
        .iter()
        .find(|l| l.lb.arn == listener.load_balancer_arn)
    else {
        return health("unused", Some("Target.NotInUse"));
    };
    let now = a.clock_ms;
    let start = t.registered_ms.max(listener.created_ms).max(lb.ready_at_ms);
    if now < start {
        return health("initial", Some("Elb.RegistrationInProgress"));
    }
    if now < start.saturating_add(t.checks_ms) {
        return health("initial", Some("Elb.InitialHealthChecking"));
    }
    if target_reachable(a, lb, t) {
        health("healthy", None)
    } else {
        health("unhealthy", Some("Target.Timeout"))
    }
}

/// A target answers when it is an interface of an available endpoint whose security groups let
/// every private address of the load balancer in on the port.
fn target_reachable(a: &SimAccount, lb: &SimLoadBalancer, t: &SimTarget) -> bool {
    let Some(eni) = a
        .network_interfaces
        .iter()
        .find(|n| n.ip == t.ip && n.gone_at_ms.is_none())
    else {
        return false;
    };
    let Some(ep) = a
        .vpc_endpoints
        .iter()
        .find(|e| e.id == eni.owner && e.is_available())
    else {
        return false;
    };
    let groups: Vec<&SecurityGroup> = a
        .security_groups
        .iter()
        .filter(|g| ep.security_group_ids.contains(&g.id))
        .collect();
    if groups.len() < ep.security_group_ids.len() {
        // A group this simulation does not model (pre-existing): assume it lets the NLB in.
        return true;
    }
    let lb_ips: Vec<Ipv4Addr> = a
        .network_interfaces
        .iter()
        .filter(|n| n.owner == lb.lb.arn)
        .filter_map(|n| n.ip.parse().ok())
        .collect();
    !lb_ips.is_empty()
        && lb_ips.iter().all(|ip| {
            groups
                .iter()
                .any(|g| group_allows(g, t.port, *ip, &lb.lb.security_group_ids))
        })
}

fn endpoint_dns_entries(
    id: &str,
    service_name: &str,
    region: &str,
    azs: &[String],
    private_dns: bool,
) -> Vec<DnsEntry> {
    let short = service_name.rsplit('.').next().unwrap_or(service_name);
    let suffix = lower_alnum(8);
    let zone = vpce_zone(region);
    let mut entries = vec![DnsEntry {
        dns_name: format!("{id}-{suffix}.{short}.{region}.vpce.amazonaws.com"),
        hosted_zone_id: Some(zone.clone()),
    }];
    entries.extend(azs.iter().map(|az| DnsEntry {
        dns_name: format!("{id}-{suffix}-{az}.{short}.{region}.vpce.amazonaws.com"),
        hosted_zone_id: Some(zone.clone()),
    }));
    if private_dns {
        let private_zone = format!("Z0{}", upper_alnum(19));
        for name in [
            format!("{short}.{region}.amazonaws.com"),
            format!("*.{short}.{region}.amazonaws.com"),
        ] {
            entries.push(DnsEntry {
                dns_name: name,
                hosted_zone_id: Some(private_zone.clone()),
            });
        }
    }
    entries
}

fn zone_not_found(action: &str, zone_id: &str) -> CloudError {
    fail(
        ErrorKind::NotFound,
        action,
        "NoSuchHostedZone",
        format!("No hosted zone found with ID: {zone_id}"),
    )
}

/// The zone a private zone association would conflict with: another private zone of the same
/// name already associated with the VPC.
fn conflicting_zone(a: &SimAccount, name: &str, vpc_id: &str, except: &str) -> Option<String> {
    a.hosted_zones
        .iter()
        .find(|z| {
            z.private
                && z.id != except
                && dns_norm(&z.name) == name
                && z.vpcs.iter().any(|v| v.vpc_id == vpc_id)
        })
        .map(|z| z.id.clone())
}

fn lb_not_found(action: &str, arn: &str) -> CloudError {
    fail(
        ErrorKind::NotFound,
        action,
        "LoadBalancerNotFound",
        format!("Load balancers '[{arn}]' not found"),
    )
}

fn tg_not_found(action: &str, arn: &str) -> CloudError {
    fail(
        ErrorKind::NotFound,
        action,
        "TargetGroupNotFound",
        format!("Target groups '[{arn}]' not found"),
    )
}

fn group_not_found(action: &str, id: &str) -> CloudError {
    not_found(
        action,
        "InvalidGroup.NotFound",
        &format!("The security group '{id}'"),
    )
}

/// The groups exist and belong to the VPC.
fn check_groups(a: &SimAccount, action: &str, vpc_id: &str, ids: &[String]) -> CloudResult<()> {
    for id in ids {
        match a.security_groups.iter().find(|g| &g.id == id) {
            None => return Err(group_not_found(action, id)),
            Some(g) if g.vpc_id != vpc_id => {
                return Err(invalid(
                    action,
                    "InvalidParameter",
                    format!("Security group {id} does not belong to VPC {vpc_id}"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

#[async_trait]
impl CloudWrite for SimCloud {
    // ---- EC2: VPC attributes ----

    async fn set_vpc_dns(
        &self,
        vpc_id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
    ) -> CloudResult<()> {
        const ACTION: &str = "ec2:ModifyVpcAttribute";
        for (is_support, value) in [(true, support), (false, hostnames)] {
            let Some(value) = value else { continue };
            self.call(ACTION, |a| {
                vpc_exists(a, ACTION, vpc_id)?;
                let vpc = a.vpcs.iter_mut().find(|v| v.id == vpc_id);
                if let Some(vpc) = vpc {
                    if is_support {
                        vpc.dns_support = Some(value);
                    } else {
                        vpc.dns_hostnames = Some(value);
                    }
                }
                Ok(())
            })
            .await?;
        }
        Ok(())
    }

    // ---- EC2: security groups ----

    async fn find_security_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> CloudResult<Option<SecurityGroup>> {
        self.call("ec2:DescribeSecurityGroups", |a| {
            Ok(a.security_groups
                .iter()
                .find(|g| g.vpc_id == vpc_id && g.name == name)
                .cloned())
        })
        .await
    }

    async fn describe_security_group(&self, id: &str) -> CloudResult<Option<SecurityGroup>> {
        self.call("ec2:DescribeSecurityGroups", |a| {
            Ok(a.security_groups.iter().find(|g| g.id == id).cloned())
        })
        .await
    }

    async fn create_security_group(
        &self,
        vpc_id: &str,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> CloudResult<String> {
        const ACTION: &str = "ec2:CreateSecurityGroup";
        self.call_op(ACTION, "CreateSecurityGroup", |a| {
            vpc_exists(a, ACTION, vpc_id)?;
            if description.is_empty() {
                return Err(invalid(
                    ACTION,
                    "MissingParameter",
                    "The request must contain the parameter GroupDescription",
                ));
            }
            if name.is_empty() || name.len() > 255 || name.to_ascii_lowercase().starts_with("sg-") {
                return Err(invalid(
                    ACTION,
                    "InvalidParameterValue",
                    format!("Invalid security group name {name:?}"),
                ));
            }
            if a.security_groups
                .iter()
                .any(|g| g.vpc_id == vpc_id && g.name == name)
            {
                return Err(invalid(
                    ACTION,
                    "InvalidGroup.Duplicate",
                    format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
                ));
            }
            let id = format!("sg-{}", hex(17));
            a.security_groups.push(SecurityGroup {
                id: id.clone(),
                name: name.to_string(),
                vpc_id: vpc_id.to_string(),
                ingress: vec![],
                tags: tags.to_vec(),
            });
            Ok(id)
        })
        .await
    }

    async fn authorize_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()> {
        const ACTION: &str = "ec2:AuthorizeSecurityGroupIngress";
        self.call(ACTION, |a| {
            for r in rules {
                if r.source.starts_with("sg-") {
                    if !a.security_groups.iter().any(|g| g.id == r.source) {
                        return Err(group_not_found(ACTION, &r.source));
                    }
                } else if r.source.parse::<ipnet::Ipv4Net>().is_err() {
                    return Err(invalid(
                        ACTION,
                        "InvalidParameterValue",
                        format!("CIDR block {} is malformed", r.source),
                    ));
                }
            }
            let group = a
                .security_groups
                .iter_mut()
                .find(|g| g.id == group_id)
                .ok_or_else(|| group_not_found(ACTION, group_id))?;
            for r in rules {
                if !group
                    .ingress
                    .iter()
                    .any(|x| x.port == r.port && x.source == r.source)
                {
                    group.ingress.push(r.clone());
                }
            }
            Ok(())
        })
        .await
    }

    async fn revoke_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()> {
        const ACTION: &str = "ec2:RevokeSecurityGroupIngress";
        self.call(ACTION, |a| {
            let group = a
                .security_groups
                .iter_mut()
                .find(|g| g.id == group_id)
                .ok_or_else(|| group_not_found(ACTION, group_id))?;
            group.ingress.retain(|x| {
                !rules
                    .iter()
                    .any(|r| r.port == x.port && r.source == x.source)
            });
            Ok(())
        })
        .await
    }

    async fn delete_security_group(&self, id: &str) -> CloudResult<()> {
        const ACTION: &str = "ec2:DeleteSecurityGroup";
        self.call(ACTION, |a| {
            if !a.security_groups.iter().any(|g| g.id == id) {
                return Ok(());
            }
            let owned = |ids: &[String]| ids.iter().any(|g| g == id);
            let used = a.vpc_endpoints.iter().any(|e| owned(&e.security_group_ids))
                || a.load_balancers
                    .iter()
                    .any(|l| owned(&l.lb.security_group_ids))
                || a.network_interfaces
                    .iter()
                    .any(|n| owned(&n.security_group_ids))
                || a.security_groups
                    .iter()
                    .any(|g| g.id != id && g.ingress.iter().any(|r| r.source == id));
            if used {
                return Err(invalid(
                    ACTION,
                    "DependencyViolation",
                    format!("resource {id} has a dependent object"),
                ));
            }
            a.security_groups.retain(|g| g.id != id);
            Ok(())
        })
        .await
    }

    // ---- EC2: interface endpoint ----

    async fn allocate_address(&self, tags: &[Tag]) -> CloudResult<crate::domain::ElasticIp> {
        const ACTION: &str = "ec2:AllocateAddress";
        self.call_op(ACTION, "AllocateAddress", |a| {
            if a.elastic_ips.len() as u32 >= a.eip_quota {
                return Err(fail(
                    ErrorKind::QuotaExceeded,
                    ACTION,
                    "AddressLimitExceeded",
                    "The maximum number of addresses has been reached.".to_string(),
                ));
            }
            let allocation_id = loop {
                let id = format!("eipalloc-{}", hex(17));
                if !a.elastic_ips.iter().any(|e| e.allocation_id == id) {
                    break id;
                }
            };
            let mut tags = tags.to_vec();
            tags.sort_by(|x, y| x.key.cmp(&y.key));
            let eip = crate::domain::ElasticIp {
                allocation_id,
                public_ip: public_ip(a),
                association_id: None,
                network_interface_id: None,
                tags,
            };
            a.elastic_ips.push(eip.clone());
            Ok(eip)
        })
        .await
    }

    async fn find_addresses_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<crate::domain::ElasticIp>> {
        self.call("ec2:DescribeAddresses", |a| {
            Ok(a.elastic_ips
                .iter()
                .filter(|e| e.tags.iter().any(|t| t.key == key && t.value == value))
                .cloned()
                .collect())
        })
        .await
    }

    async fn describe_addresses(
        &self,
        allocation_ids: &[String],
    ) -> CloudResult<Vec<crate::domain::ElasticIp>> {
        self.call("ec2:DescribeAddresses", |a| {
            Ok(a.elastic_ips
                .iter()
                .filter(|e| allocation_ids.contains(&e.allocation_id))
                .cloned()
                .collect())
        })
        .await
    }

    async fn release_address(&self, allocation_id: &str) -> CloudResult<()> {
        const ACTION: &str = "ec2:ReleaseAddress";
        self.call(ACTION, |a| {
            match a
                .elastic_ips
                .iter()
                .find(|e| e.allocation_id == allocation_id)
            {
                None => Ok(()),
                // Still on a network interface of a load balancer deleted since: AWS answers
                // `AuthFailure` for the minutes the interface lingers (not `InUse`; seen in the
                // field, e.g. hashicorp/terraform-provider-aws "Error releasing EIP: AuthFailure"
                // after an NLB delete — AWS does not document the code; the safe side is to wait).
                Some(e)
                    if e.in_use()
                        && e.network_interface_id.as_deref().is_some_and(|eni| {
                            a.network_interfaces.iter().any(|n| {
                                n.eni_id == eni
                                    && n.gone_at_ms.is_some()
                                    && !a.load_balancers.iter().any(|l| l.lb.arn == n.owner)
                            })
                        }) =>
                {
                    Err(fail(
                        ErrorKind::BadCredentials,
                        ACTION,
                        "AuthFailure",
                        "You do not have permission to access the specified resource.",
                    ))
                }
                Some(e) if e.in_use() => Err(fail(
                    ErrorKind::InvalidRequest,
                    ACTION,
                    "InvalidIPAddress.InUse",
                    format!("Address {} is in use.", e.public_ip),
                )),
                Some(_) => {
                    a.elastic_ips.retain(|e| e.allocation_id != allocation_id);
                    Ok(())
                }
            }
        })
        .await
    }

    async fn create_vpc_endpoint(&self, req: &NewEndpoint) -> CloudResult<VpcEndpoint> {
        const ACTION: &str = "ec2:CreateVpcEndpoint";
        let fingerprint = endpoint_fingerprint(req);
        self.call(ACTION, |a| {
            if let Some(known) = remembered_token(a, ACTION, &req.client_token, &fingerprint)? {
                return Ok(known);
            }
            vpc_exists(a, ACTION, &req.vpc_id)?;
            let region = a.region.clone();
            let prefix = format!("com.amazonaws.{region}.");
            if !req.service_name.starts_with(&prefix)
                && !req.service_name.starts_with(&format!("cn.{prefix}"))
            {
                return Err(invalid(
                    ACTION,
                    "InvalidServiceName",
                    format!(
                        "The Vpc Endpoint Service '{}' does not exist",
                        req.service_name
                    ),
                ));
            }
            if req.subnet_ids.is_empty() {
                return Err(invalid(
                    ACTION,
                    "InvalidParameter",
                    "An interface endpoint needs at least one subnet",
                ));
            }
            let azs = endpoint_azs(a, req)?;
            check_groups(a, ACTION, &req.vpc_id, &req.security_group_ids)?;
            if req.private_dns {
                check_private_dns(a, req)?;
            }
            let id = loop {
                let id = format!("vpce-{}", hex(17));
                if !a.vpc_endpoints.iter().any(|e| e.id == id) {
                    break id;
                }
            };
            check_subnet_configurations(a, req)?;
            let eni_ids = endpoint_interfaces(a, req, &id, &azs)?;
            let ep = VpcEndpoint {
                id: id.clone(),
                vpc_id: req.vpc_id.clone(),
                service_name: req.service_name.clone(),
                endpoint_type: "Interface".to_string(),
                state: "pending".to_string(),
                private_dns: req.private_dns,
                subnet_ids: req.subnet_ids.clone(),
                security_group_ids: req.security_group_ids.clone(),
                network_interface_ids: eni_ids,
                dns_entries: endpoint_dns_entries(
                    &id,
                    &req.service_name,
                    &region,
                    &azs,
                    req.private_dns,
                ),
                tags: req.tags.clone(),
            };
            a.vpc_endpoints.push(ep.clone());
            if !req.client_token.is_empty() {
                a.client_tokens.insert(
                    req.client_token.clone(),
                    SimToken {
                        fingerprint: fingerprint.clone(),
                        endpoint: ep.clone(),
                        used_ms: a.clock_ms,
                    },
                );
            }
            a.endpoint_info.push(SimEndpointInfo {
                id,
                client_token: req.client_token.clone(),
                ready_at_ms: a.clock_ms.saturating_add(self.wait_ms(ENDPOINT_READY)),
                gone_at_ms: None,
            });
            Ok(ep)
        })
        .await
    }

    async fn describe_vpc_endpoint(&self, id: &str) -> CloudResult<Option<VpcEndpoint>> {
        self.call("ec2:DescribeVpcEndpoints", |a| {
            Ok(a.vpc_endpoints.iter().find(|e| e.id == id).cloned())
        })
        .await
    }

    async fn find_vpc_endpoints_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<VpcEndpoint>> {
        self.call("ec2:DescribeVpcEndpoints", |a| {
            Ok(a.vpc_endpoints
                .iter()
                .filter(|e| has_tag(&e.tags, key, value))
                .cloned()
                .collect())
        })
        .await
    }

    async fn add_endpoint_security_groups(
        &self,
        id: &str,
        group_ids: &[String],
    ) -> CloudResult<()> {
        self.modify_endpoint_groups(id, group_ids, true).await
    }

    async fn remove_endpoint_security_groups(
        &self,
        id: &str,
        group_ids: &[String],
    ) -> CloudResult<()> {
        self.modify_endpoint_groups(id, group_ids, false).await
    }

    async fn delete_vpc_endpoint(&self, id: &str) -> CloudResult<()> {
        self.call("ec2:DeleteVpcEndpoints", |a| {
            let Some(ep) = a.vpc_endpoints.iter_mut().find(|e| e.id == id) else {
                return Ok(());
            };
            let gone_at = a.clock_ms.saturating_add(self.wait_ms(ENDPOINT_DELETE));
            match a.endpoint_info.iter_mut().find(|i| i.id == id) {
                Some(info) if info.gone_at_ms.is_some() => {}
                Some(info) => info.gone_at_ms = Some(gone_at),
                None => a.endpoint_info.push(SimEndpointInfo {
                    id: id.to_string(),
                    client_token: String::new(),
                    ready_at_ms: 0,
                    gone_at_ms: Some(gone_at),
                }),
            }
            ep.state = "deleting".to_string();
            Ok(())
        })
        .await
    }

    async fn interface_ips(&self, eni_ids: &[String]) -> CloudResult<Vec<InterfaceIp>> {
        const ACTION: &str = "ec2:DescribeNetworkInterfaces";
        self.call(ACTION, |a| {
            let mut out = Vec::new();
            for eni_id in eni_ids {
                if let Some(n) = a.network_interfaces.iter().find(|n| &n.eni_id == eni_id) {
                    out.push(InterfaceIp {
                        eni_id: n.eni_id.clone(),
                        subnet_id: n.subnet_id.clone(),
                        az: n.az.clone(),
                        ip: n.ip.clone(),
                    });
                    continue;
                }
                // An interface of an endpoint from the data file: give it its address now
                // (already counted in the subnet's free addresses).
                let owner = a.vpc_endpoints.iter().find_map(|e| {
                    let i = e.network_interface_ids.iter().position(|x| x == eni_id)?;
                    Some((
                        e.id.clone(),
                        e.subnet_ids.get(i)?.clone(),
                        e.security_group_ids.clone(),
                    ))
                });
                let Some((owner, subnet_id, groups)) = owner else {
                    return Err(not_found(
                        ACTION,
                        "InvalidNetworkInterfaceID.NotFound",
                        &format!("The networkInterface ID '{eni_id}'"),
                    ));
                };
                let ip = allocate_ip(a, ACTION, &subnet_id, false)?;
                let az = a
                    .subnets
                    .iter()
                    .find(|s| s.id == subnet_id)
                    .map(|s| s.az.clone())
                    .unwrap_or_default();
                let n = SimInterface {
                    eni_id: eni_id.clone(),
                    subnet_id,
                    az,
                    ip,
                    owner,
                    security_group_ids: groups,
                    gone_at_ms: None,
                };
                out.push(InterfaceIp {
                    eni_id: n.eni_id.clone(),
                    subnet_id: n.subnet_id.clone(),
                    az: n.az.clone(),
                    ip: n.ip.clone(),
                });
                a.network_interfaces.push(n);
            }
            Ok(out)
        })
        .await
    }

    // ---- API Gateway ----

    async fn create_rest_api(
        &self,
        name: &str,
        vpc_endpoint_ids: &[String],
        policy: &str,
        tags: &[Tag],
    ) -> CloudResult<String> {
        const ACTION: &str = "apigateway:POST";
        self.call_op(ACTION, "CreateRestApi", |a| {
            self.api_limit(a, ACTION, CREATE_REST_API)?;
            if name.is_empty() {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Invalid REST API name specified",
                ));
            }
            check_policy(ACTION, policy)?;
            check_endpoints_available(a, ACTION, vpc_endpoint_ids)?;
            let id = loop {
                let id = lower_alnum(10);
                if !a.rest_apis.iter().any(|r| r.id == id) {
                    break id;
                }
            };
            a.rest_apis.push(RestApi {
                id: id.clone(),
                name: name.to_string(),
                endpoint_types: vec!["PRIVATE".to_string()],
                vpc_endpoint_ids: vpc_endpoint_ids.to_vec(),
                description: None,
                policy: Some(policy.to_string()),
                created: Some(now_rfc3339()),
            });
            a.api_info.insert(
                id.clone(),
                SimApiInfo {
                    tags: tags.to_vec(),
                    ..SimApiInfo::default()
                },
            );
            Ok(id)
        })
        .await
    }

    async fn get_rest_api(&self, id: &str) -> CloudResult<Option<ApiState>> {
        self.call("apigateway:GET", |a| {
            Ok(a.rest_apis
                .iter()
                .find(|r| r.id == id)
                .map(|r| api_state(r, a.api_info.get(id))))
        })
        .await
    }

    async fn find_rest_apis_by_tag(&self, key: &str, value: &str) -> CloudResult<Vec<ApiState>> {
        self.call("apigateway:GET", |a| {
            Ok(a.rest_apis
                .iter()
                .filter_map(|r| {
                    let info = a.api_info.get(&r.id)?;
                    has_tag(&info.tags, key, value).then(|| api_state(r, Some(info)))
                })
                .collect())
        })
        .await
    }

    async fn make_api_private(
        &self,
        cur: &ApiState,
        vpc_endpoint_ids: &[String],
        policy: &str,
    ) -> CloudResult<()> {
        const ACTION: &str = "apigateway:PATCH";
        let id = cur.id.as_str();
        self.call(ACTION, |a| {
            check_policy(ACTION, policy)?;
            check_endpoints_available(a, ACTION, vpc_endpoint_ids)?;
            let api = a
                .rest_apis
                .iter_mut()
                .find(|r| r.id == id)
                .ok_or_else(|| api_not_found(ACTION, id))?;
            api.endpoint_types = vec!["PRIVATE".to_string()];
            api.vpc_endpoint_ids = vpc_endpoint_ids.to_vec();
            api.policy = Some(policy.to_string());
            // "For the PRIVATE endpoint type, only dualstack is supported" (API Gateway API
            // Reference, EndpointConfiguration.ipAddressType).
            a.api_info
                .entry(id.to_string())
                .or_default()
                .ip_address_type = Some("dualstack".to_string());
            Ok(())
        })
        .await
    }

    async fn restore_api(&self, cur: &ApiState, prior: &ApiRestore) -> CloudResult<()> {
        const ACTION: &str = "apigateway:PATCH";
        let id = cur.id.as_str();
        self.call(ACTION, |a| {
            if let Some(p) = &prior.policy {
                check_policy(ACTION, p)?;
            }
            let api = a
                .rest_apis
                .iter_mut()
                .find(|r| r.id == id)
                .ok_or_else(|| api_not_found(ACTION, id))?;
            // "You cannot change a private API into an edge-optimized API" (API Gateway
            // Developer Guide, "Change a public or private API endpoint type"; the message is the
            // guide's sentence, AWS's exact wording is not documented).
            if api.is_private()
                && prior
                    .endpoint_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case("EDGE"))
            {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "You cannot change a private API into an edge-optimized API.",
                ));
            }
            let ip = prior
                .ip_address_type
                .clone()
                .unwrap_or_else(|| default_ip_type(&prior.endpoint_types).to_string());
            if default_ip_type(&prior.endpoint_types) == "dualstack" && ip != "dualstack" {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Only dualstack ipAddressType is supported for Private APIs.",
                ));
            }
            api.endpoint_types = prior.endpoint_types.clone();
            api.vpc_endpoint_ids = prior.vpc_endpoint_ids.clone();
            api.policy = prior.policy.clone();
            a.api_info
                .entry(id.to_string())
                .or_default()
                .ip_address_type = Some(ip);
            Ok(())
        })
        .await
    }

    async fn set_stage_deployment(
        &self,
        api_id: &str,
        stage: &str,
        deployment_id: &str,
    ) -> CloudResult<()> {
        const ACTION: &str = "apigateway:PATCH";
        self.call(ACTION, |a| {
            if !a.rest_apis.iter().any(|r| r.id == api_id) {
                return Err(api_not_found(ACTION, api_id));
            }
            let info = a.api_info.entry(api_id.to_string()).or_default();
            if !info.deployments.iter().any(|d| d == deployment_id) {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Invalid deployment identifier specified",
                ));
            }
            match info.stages.iter_mut().find(|(s, _)| s == stage) {
                Some(s) => {
                    s.1 = deployment_id.to_string();
                    Ok(())
                }
                None => Err(fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "NotFoundException",
                    "Invalid stage identifier specified",
                )),
            }
        })
        .await
    }

    async fn delete_stage(&self, api_id: &str, stage: &str) -> CloudResult<()> {
        const ACTION: &str = "apigateway:DELETE";
        self.call(ACTION, |a| {
            if let Some(info) = a.api_info.get_mut(api_id) {
                info.stages.retain(|(s, _)| s != stage);
            }
            a.base_path_mappings
                .retain(|m| !(m.mapping.rest_api_id == api_id && m.mapping.stage == stage));
            Ok(())
        })
        .await
    }

    async fn api_resources(&self, api_id: &str) -> CloudResult<Vec<(String, String)>> {
        const ACTION: &str = "apigateway:GET";
        self.call(ACTION, |a| {
            if !a.rest_apis.iter().any(|r| r.id == api_id) {
                return Err(api_not_found(ACTION, api_id));
            }
            Ok(api_resources_of(a, api_id).clone())
        })
        .await
    }

    async fn create_resource(
        &self,
        api_id: &str,
        parent_id: &str,
        path_part: &str,
    ) -> CloudResult<String> {
        const ACTION: &str = "apigateway:POST";
        self.call_op(ACTION, "CreateResource", |a| {
            if !a.rest_apis.iter().any(|r| r.id == api_id) {
                return Err(api_not_found(ACTION, api_id));
            }
            let resources = api_resources_of(a, api_id);
            let Some(parent) = resources.iter().find(|(id, _)| id == parent_id).cloned() else {
                return Err(fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "NotFoundException",
                    "Invalid Resource identifier specified",
                ));
            };
            let path = format!("{}/{path_part}", parent.1.trim_end_matches('/'));
            if resources.iter().any(|(_, p)| *p == path) {
                // CreateResource of an existing path (API Gateway API Reference, errors).
                return Err(invalid(
                    ACTION,
                    "ConflictException",
                    "Another resource with the same parent already has this name",
                ));
            }
            let id = lower_alnum(6);
            resources.push((id.clone(), path));
            Ok(id)
        })
        .await
    }

    async fn put_ping(&self, api_id: &str, resource_id: &str, part: PingPart) -> CloudResult<()> {
        const ACTION: &str = "apigateway:PUT";
        self.call(ACTION, |a| {
            if !a.rest_apis.iter().any(|r| r.id == api_id) {
                return Err(api_not_found(ACTION, api_id));
            }
            if !api_resources_of(a, api_id)
                .iter()
                .any(|(id, _)| id == resource_id)
            {
                return Err(fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "NotFoundException",
                    "Invalid Resource identifier specified",
                ));
            }
            if part == PingPart::Method {
                a.api_info
                    .entry(api_id.to_string())
                    .or_default()
                    .has_methods = true;
            }
            Ok(())
        })
        .await
    }

    async fn create_deployment(&self, api_id: &str, stage: &str) -> CloudResult<String> {
        const ACTION: &str = "apigateway:POST";
        self.call_op(ACTION, "CreateDeployment", |a| {
            self.api_limit(a, ACTION, CREATE_DEPLOYMENT)?;
            let api = a
                .rest_apis
                .iter()
                .find(|r| r.id == api_id)
                .ok_or_else(|| api_not_found(ACTION, api_id))?;
            if stage.is_empty()
                || !stage
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Stage name only allows a-zA-Z0-9_",
                ));
            }
            // APIs from the data file have methods; created ones only once /ping is put.
            let has_methods = a.api_info.get(api_id).is_none_or(|i| i.has_methods);
            if !has_methods {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "The REST API doesn't contain any methods",
                ));
            }
            if api.is_private() && api.policy.as_deref().is_none_or(str::is_empty) {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Private REST API doesn't have a resource policy attached to it",
                ));
            }
            let deployment = lower_alnum(6);
            let info = a.api_info.entry(api_id.to_string()).or_default();
            info.deployments.push(deployment.clone());
            match info.stages.iter_mut().find(|(s, _)| s == stage) {
                Some(s) => s.1 = deployment.clone(),
                None => info.stages.push((stage.to_string(), deployment.clone())),
            }
            Ok(deployment)
        })
        .await
    }

    async fn delete_rest_api(&self, id: &str) -> CloudResult<()> {
        const ACTION: &str = "apigateway:DELETE";
        self.call(ACTION, |a| {
            self.api_limit(a, ACTION, DELETE_REST_API)?;
            a.rest_apis.retain(|r| r.id != id);
            a.api_info.remove(id);
            a.base_path_mappings.retain(|m| m.mapping.rest_api_id != id);
            Ok(())
        })
        .await
    }

    async fn create_domain_name(
        &self,
        name: &str,
        certificate_arn: &str,
        security_policy: &str,
        tags: &[Tag],
    ) -> CloudResult<DomainNameState> {
        const ACTION: &str = "apigateway:POST";
        self.call_op(ACTION, "CreateDomainName", |a| {
            self.api_limit(a, ACTION, CREATE_DOMAIN_NAME)?;
            let name = dns_norm(name);
            if a.domain_names.iter().any(|d| d.name == name) {
                return Err(invalid(
                    ACTION,
                    "ConflictException",
                    "The domain name you provided already exists.",
                ));
            }
            let region = a.region.clone();
            let cert = a
                .certificates
                .iter()
                .find(|c| c.arn == certificate_arn)
                .ok_or_else(|| {
                    invalid(
                        ACTION,
                        "BadRequestException",
                        format!("Invalid certificate ARN: {certificate_arn}. Certificate must be in '{region}'."),
                    )
                })?;
            if cert.status != CertStatus::Issued {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    format!(
                        "Certificate {certificate_arn} is {} (it must be ISSUED)",
                        cert.status.as_str()
                    ),
                ));
            }
            if !cert.covers(&name) {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    format!("The certificate {certificate_arn} does not cover {name}"),
                ));
            }
            let policy = if security_policy.is_empty() {
                "TLS_1_2"
            } else {
                security_policy
            };
            if !(policy == "TLS_1_0"
                || policy == "TLS_1_2"
                || policy.starts_with("SecurityPolicy_"))
            {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    format!("Invalid security policy {policy}"),
                ));
            }
            let d = DomainNameState {
                name,
                certificate_arn: certificate_arn.to_string(),
                regional_dns_name: format!(
                    "d-{}.execute-api.{region}.amazonaws.com",
                    lower_alnum(10)
                ),
                regional_hosted_zone_id: apigw_zone(&region),
                security_policy: policy.to_string(),
                tags: tags.to_vec(),
            };
            a.domain_names.push(d.clone());
            Ok(d)
        })
        .await
    }

    async fn get_domain_name(&self, name: &str) -> CloudResult<Option<DomainNameState>> {
        let name = dns_norm(name);
        self.call("apigateway:GET", |a| {
            Ok(a.domain_names.iter().find(|d| d.name == name).cloned())
        })
        .await
    }

    async fn domain_names(&self) -> CloudResult<Vec<DomainNameState>> {
        self.call("apigateway:GET", |a| Ok(a.domain_names.clone()))
            .await
    }

    async fn delete_domain_name(&self, name: &str) -> CloudResult<()> {
        const ACTION: &str = "apigateway:DELETE";
        let name = dns_norm(name);
        self.call(ACTION, |a| {
            self.api_limit(a, ACTION, DELETE_DOMAIN_NAME)?;
            a.domain_names.retain(|d| d.name != name);
            a.base_path_mappings.retain(|m| m.domain != name);
            Ok(())
        })
        .await
    }

    async fn create_base_path_mapping(
        &self,
        domain: &str,
        api_id: &str,
        stage: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()> {
        const ACTION: &str = "apigateway:POST";
        let domain = dns_norm(domain);
        let base_path = base_path
            .filter(|p| !p.is_empty())
            .unwrap_or("(none)")
            .to_string();
        self.call_op(ACTION, "CreateBasePathMapping", |a| {
            // AWS (v1 API): "API Gateway V1 doesn't support the slash character (/) in base path
            // mappings. To create a multi-level base path mapping, use API Gateway V2."
            // (BadRequestException; hashicorp/terraform-provider-aws#21986, aws/chalice#1897).
            if base_path.contains('/') {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "API Gateway V1 doesn't support the slash character (/) in base path mappings. \
                     To create a multi-level base path mapping, use API Gateway V2.",
                ));
            }
            if !a.domain_names.iter().any(|d| d.name == domain) {
                return Err(fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "NotFoundException",
                    "Invalid domain name identifier specified",
                ));
            }
            if !a.rest_apis.iter().any(|r| r.id == api_id) {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Invalid REST API identifier specified",
                ));
            }
            let stage_exists = a
                .api_info
                .get(api_id)
                .is_some_and(|i| i.stages.iter().any(|(s, _)| s == stage));
            if !stage_exists {
                return Err(invalid(
                    ACTION,
                    "BadRequestException",
                    "Invalid stage identifier specified",
                ));
            }
            if let Some(m) = a
                .base_path_mappings
                .iter()
                .find(|m| m.domain == domain && m.mapping.base_path == base_path)
            {
                // Already there: fine when it is this very mapping (as AwsCloud reads it back).
                if m.mapping.rest_api_id == api_id && m.mapping.stage == stage {
                    return Ok(());
                }
                return Err(invalid(
                    ACTION,
                    "ConflictException",
                    "Base path already exists for this domain name",
                ));
            }
            a.base_path_mappings.push(SimMapping {
                domain: domain.clone(),
                mapping: BasePathMapping {
                    base_path: base_path.clone(),
                    rest_api_id: api_id.to_string(),
                    stage: stage.to_string(),
                },
            });
            Ok(())
        })
        .await
    }

    async fn get_base_path_mappings(&self, domain: &str) -> CloudResult<Vec<BasePathMapping>> {
        // No domain, no mappings (as AwsCloud answers).
        let domain = dns_norm(domain);
        self.call("apigateway:GET", |a| {
            Ok(a.base_path_mappings
                .iter()
                .filter(|m| m.domain == domain)
                .map(|m| m.mapping.clone())
                .collect())
        })
        .await
    }

    async fn delete_base_path_mapping(
        &self,
        domain: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()> {
        let domain = dns_norm(domain);
        let base_path = base_path
            .filter(|p| !p.is_empty())
            .unwrap_or("(none)")
            .to_string();
        self.call("apigateway:DELETE", |a| {
            a.base_path_mappings
                .retain(|m| !(m.domain == domain && m.mapping.base_path == base_path));
            Ok(())
        })
        .await
    }

    // ---- ELBv2 ----

    async fn create_target_group(
        &self,
        name: &str,
        vpc_id: &str,
        tags: &[Tag],
    ) -> CloudResult<TargetGroupState> {
        const ACTION: &str = "elasticloadbalancing:CreateTargetGroup";
        self.call(ACTION, |a| {
            if !elb_name_ok(name) {
                return Err(invalid(
                    ACTION,
                    "ValidationError",
                    format!("Target group name '{name}' can have a maximum of 32 characters, contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen"),
                ));
            }
            if !a.vpcs.iter().any(|v| v.id == vpc_id) {
                return Err(invalid(
                    ACTION,
                    "ValidationError",
                    format!("The VPC ID '{vpc_id}' is not found"),
                ));
            }
            if let Some(tg) = a.target_groups.iter().find(|t| t.group.name == name) {
                // CreateTargetGroup with identical settings answers with the existing group.
                if tg.group.vpc_id == vpc_id {
                    return Ok(tg.group.clone());
                }
                return Err(invalid(
                    ACTION,
                    "DuplicateTargetGroupName",
                    "A target group with the same name exists, but with different settings",
                ));
            }
            let group = TargetGroupState {
                arn: format!(
                    "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{name}/{}",
                    a.region,
                    a.identity.account,
                    hex(16)
                ),
                name: name.to_string(),
                vpc_id: vpc_id.to_string(),
                protocol: "TLS".to_string(),
                port: 443,
                target_type: "ip".to_string(),
                health_check_protocol: "TCP".to_string(),
                tags: tags.to_vec(),
            };
            a.target_groups.push(SimTargetGroup {
                group: group.clone(),
                targets: vec![],
            });
            Ok(group)
        })
        .await
    }

    async fn find_target_group(&self, name: &str) -> CloudResult<Option<TargetGroupState>> {
        self.call("elasticloadbalancing:DescribeTargetGroups", |a| {
            Ok(a.target_groups
                .iter()
                .find(|t| t.group.name == name)
                .map(|t| t.group.clone()))
        })
        .await
    }

    async fn register_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()> {
        const ACTION: &str = "elasticloadbalancing:RegisterTargets";
        self.call(ACTION, |a| {
            let vpc_id = a
                .target_groups
                .iter()
                .find(|t| t.group.arn == target_group_arn)
                .map(|t| t.group.vpc_id.clone())
                .ok_or_else(|| tg_not_found(ACTION, target_group_arn))?;
            let cidrs = vpc_cidrs(a, &vpc_id);
            if port == 0 {
                return Err(invalid(ACTION, "ValidationError", "Invalid port 0"));
            }
            for ip in ips {
                let addr: Ipv4Addr = ip.parse().map_err(|_| {
                    invalid(
                        ACTION,
                        "ValidationError",
                        format!("'{ip}' is not a valid IPv4 address"),
                    )
                })?;
                if !cidrs.iter().any(|c| c.contains(&addr)) {
                    return Err(invalid(
                        ACTION,
                        "InvalidTarget",
                        format!("The IP address '{ip}' is not within the CIDR blocks of {vpc_id}"),
                    ));
                }
            }
            let now = a.clock_ms;
            let checks: Vec<u64> = ips.iter().map(|_| self.wait_ms(TARGET_CHECKS)).collect();
            let Some(tg) = a
                .target_groups
                .iter_mut()
                .find(|t| t.group.arn == target_group_arn)
            else {
                return Err(tg_not_found(ACTION, target_group_arn));
            };
            for (ip, checks_ms) in ips.iter().zip(checks) {
                if !tg.targets.iter().any(|t| &t.ip == ip && t.port == port) {
                    tg.targets.push(SimTarget {
                        ip: ip.clone(),
                        port,
                        registered_ms: now,
                        checks_ms,
                    });
                }
            }
            Ok(())
        })
        .await
    }

    async fn deregister_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()> {
        // The group gone: nothing left to deregister (as AwsCloud answers).
        self.call("elasticloadbalancing:DeregisterTargets", |a| {
            let Some(tg) = a
                .target_groups
                .iter_mut()
                .find(|t| t.group.arn == target_group_arn)
            else {
                return Ok(());
            };
            tg.targets
                .retain(|t| !(t.port == port && ips.contains(&t.ip)));
            Ok(())
        })
        .await
    }

    async fn target_health(&self, target_group_arn: &str) -> CloudResult<Vec<TargetHealth>> {
        const ACTION: &str = "elasticloadbalancing:DescribeTargetHealth";
        self.call(ACTION, |a| {
            let tg = a
                .target_groups
                .iter()
                .find(|t| t.group.arn == target_group_arn)
                .ok_or_else(|| tg_not_found(ACTION, target_group_arn))?;
            Ok(tg
                .targets
                .iter()
                .map(|t| target_health_now(a, tg, t))
                .collect())
        })
        .await
    }

    async fn delete_target_group(&self, arn: &str) -> CloudResult<()> {
        const ACTION: &str = "elasticloadbalancing:DeleteTargetGroup";
        self.call(ACTION, |a| {
            if a.listeners
                .iter()
                .any(|l| l.listener.target_group_arn.as_deref() == Some(arn))
            {
                return Err(invalid(
                    ACTION,
                    "ResourceInUse",
                    format!("Target group '{arn}' is currently in use by a listener or a rule"),
                ));
            }
            a.target_groups.retain(|t| t.group.arn != arn);
            Ok(())
        })
        .await
    }

    async fn create_load_balancer(&self, req: &NewLoadBalancer) -> CloudResult<LoadBalancerState> {
        const ACTION: &str = "elasticloadbalancing:CreateLoadBalancer";
        self.call(ACTION, |a| {
            let name = req.name.as_str();
            if !elb_name_ok(name) || name.starts_with("internal-") {
                return Err(invalid(
                    ACTION,
                    "ValidationError",
                    format!("Load balancer name '{name}' can have a maximum of 32 characters, contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen or with 'internal-'"),
                ));
            }
            if let Some(lb) = a.load_balancers.iter().find(|l| l.lb.name == name) {
                // CreateLoadBalancer with identical settings answers with the existing one.
                if same_set(&lb.lb.subnet_ids, &req.subnet_ids)
                    && same_set(&lb.lb.security_group_ids, &req.security_group_ids)
                {
                    return Ok(lb.lb.clone());
                }
                return Err(invalid(
                    ACTION,
                    "DuplicateLoadBalancerName",
                    format!("A load balancer with the name '{name}' already exists"),
                ));
            }
            if req.subnet_ids.is_empty() {
                return Err(invalid(
                    ACTION,
                    "ValidationError",
                    "At least one subnet must be specified",
                ));
            }
            let (vpc_id, azs) = lb_subnets(a, req)?;

            check_allocations(a, req)?;
            let region = a.region.clone();
            let arn = format!(
                "arn:aws:elasticloadbalancing:{region}:{}:loadbalancer/net/{name}/{}",
                a.identity.account,
                hex(16)
            );
            let addresses = lb_interfaces(a, req, &arn, &azs)?;
            let lb = LoadBalancerState {
                arn,
                name: name.to_string(),
                dns_name: format!("{name}-{}.elb.{region}.amazonaws.com", hex(16)),
                canonical_hosted_zone_id: nlb_zone(&region),
                scheme: "internet-facing".to_string(),
                state: "provisioning".to_string(),
                vpc_id,
                subnet_ids: req.subnet_ids.clone(),
                security_group_ids: req.security_group_ids.clone(),
                eip_allocations: req.allocation_ids.values().cloned().collect(),
                addresses,
                cross_zone: Some(false),
                tags: req.tags.clone(),
            };
            a.load_balancers.push(SimLoadBalancer {
                lb: lb.clone(),
                ready_at_ms: a.clock_ms.saturating_add(self.wait_ms(NLB_READY)),
            });
            Ok(lb)
        })
        .await
    }

    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<LoadBalancerState>> {
        self.call("elasticloadbalancing:DescribeLoadBalancers", |a| {
            Ok(a.load_balancers
                .iter()
                .find(|l| l.lb.name == name)
                .map(|l| l.lb.clone()))
        })
        .await
    }

    async fn set_cross_zone(&self, arn: &str, enabled: bool) -> CloudResult<()> {
        const ACTION: &str = "elasticloadbalancing:ModifyLoadBalancerAttributes";
        self.call(ACTION, |a| {
            let lb = a
                .load_balancers
                .iter_mut()
                .find(|l| l.lb.arn == arn)
                .ok_or_else(|| lb_not_found(ACTION, arn))?;
            lb.lb.cross_zone = Some(enabled);
            Ok(())
        })
        .await
    }

    async fn delete_load_balancer(&self, arn: &str) -> CloudResult<()> {
        self.call("elasticloadbalancing:DeleteLoadBalancer", |a| {
            if !a.load_balancers.iter().any(|l| l.lb.arn == arn) {
                return Ok(());
            }
            a.load_balancers.retain(|l| l.lb.arn != arn);
            a.listeners.retain(|l| l.load_balancer_arn != arn);
            // Its network interfaces (and their security groups) linger a while.
            let release = a.clock_ms.saturating_add(self.wait_ms(NLB_ENI_RELEASE));
            for n in a.network_interfaces.iter_mut().filter(|n| n.owner == arn) {
                n.gone_at_ms.get_or_insert(release);
            }
            Ok(())
        })
        .await
    }

    async fn create_listener(&self, req: &NewListener) -> CloudResult<ListenerState> {
        const ACTION: &str = "elasticloadbalancing:CreateListener";
        self.call(ACTION, |a| {
            check_listener_pair(a, req)?;
            let (ssl_policy, alpn) = listener_policies(ACTION, &req.ssl_policy, &req.alpn_policy)?;
            if let Some(l) = a.listeners.iter().find(|l| {
                l.load_balancer_arn == req.load_balancer_arn && l.listener.port == req.port
            }) {
                // CreateListener with identical settings answers with the existing listener.
                let same = l.listener.target_group_arn.as_deref()
                    == Some(req.target_group_arn.as_str())
                    && l.listener.certificate_arns == [req.certificate_arn.clone()]
                    && l.listener.ssl_policy.as_deref() == Some(ssl_policy.as_str())
                    && l.listener.alpn_policy == [alpn.clone()];
                if same {
                    return Ok(l.listener.clone());
                }
                return Err(invalid(
                    ACTION,
                    "DuplicateListener",
                    "A listener already exists on this port for this load balancer",
                ));
            }
            let listener = ListenerState {
                arn: format!(
                    "{}/{}",
                    req.load_balancer_arn
                        .replacen(":loadbalancer/", ":listener/", 1),
                    hex(16)
                ),
                protocol: "TLS".to_string(),
                port: req.port,
                certificate_arns: vec![req.certificate_arn.clone()],
                ssl_policy: Some(ssl_policy),
                alpn_policy: vec![alpn],
                target_group_arn: Some(req.target_group_arn.clone()),
            };
            a.listeners.push(SimListener {
                load_balancer_arn: req.load_balancer_arn.clone(),
                listener: listener.clone(),
                created_ms: a.clock_ms,
                tags: req.tags.clone(),
            });
            Ok(listener)
        })
        .await
    }

    async fn set_listener_target(
        &self,
        listener_arn: &str,
        target_group_arn: &str,
    ) -> CloudResult<()> {
        const ACTION: &str = "elasticloadbalancing:ModifyListener";
        self.call(ACTION, |a| {
            if !a
                .target_groups
                .iter()
                .any(|t| t.group.arn == target_group_arn)
            {
                return Err(tg_not_found(ACTION, target_group_arn));
            }
            let l = listener_mut(a, ACTION, listener_arn)?;
            l.listener.target_group_arn = Some(target_group_arn.to_string());
            Ok(())
        })
        .await
    }

    async fn set_listener_policies(
        &self,
        listener_arn: &str,
        ssl_policy: Option<&str>,
        alpn_policy: Option<&str>,
    ) -> CloudResult<()> {
        const ACTION: &str = "elasticloadbalancing:ModifyListener";
        self.call(ACTION, |a| {
            let l = listener_mut(a, ACTION, listener_arn)?;
            // A policy is a TLS listener's (ModifyListener: "SslPolicy ... HTTPS and TLS listeners
            // only", ELB API Reference).
            if !l.listener.protocol.eq_ignore_ascii_case("TLS") {
                return Err(invalid(
                    ACTION,
                    "ValidationError",
                    "An SSL policy and an ALPN policy can be set only on a TLS listener",
                ));
            }
            let current_ssl = l.listener.ssl_policy.clone().unwrap_or_default();
            let current_alpn = l.listener.alpn_policy.first().cloned().unwrap_or_default();
            let (ssl, alpn) = listener_policies(
                ACTION,
                ssl_policy.unwrap_or(&current_ssl),
                alpn_policy.unwrap_or(&current_alpn),
            )?;
            l.listener.ssl_policy = Some(ssl);
            l.listener.alpn_policy = vec![alpn];
            Ok(())
        })
        .await
    }

    async fn delete_listener(&self, listener_arn: &str) -> CloudResult<()> {
        self.call("elasticloadbalancing:DeleteListener", |a| {
            a.listeners.retain(|l| l.listener.arn != listener_arn);
            Ok(())
        })
        .await
    }

    async fn describe_listeners(&self, load_balancer_arn: &str) -> CloudResult<Vec<ListenerState>> {
        // No load balancer, no listeners (as AwsCloud answers).
        self.call("elasticloadbalancing:DescribeListeners", |a| {
            Ok(a.listeners
                .iter()
                .filter(|l| l.load_balancer_arn == load_balancer_arn)
                .map(|l| l.listener.clone())
                .collect())
        })
        .await
    }

    // ---- Route 53 ----

    async fn create_private_zone(
        &self,
        name: &str,
        vpc_id: &str,
        region: &str,
        caller_reference: &str,
    ) -> CloudResult<String> {
        const ACTION: &str = "route53:CreateHostedZone";
        let name = dns_norm(name);
        self.call(ACTION, |a| {
            if caller_reference.is_empty() {
                return Err(invalid(ACTION, "InvalidInput", "CallerReference is required"));
            }
            if let Some(id) = a.zone_refs.get(caller_reference) {
                return match a.hosted_zones.iter().find(|z| &z.id == id) {
                    Some(z) if dns_norm(&z.name) == name => Ok(z.id.clone()),
                    _ => Err(invalid(
                        ACTION,
                        "HostedZoneAlreadyExists",
                        format!("A hosted zone has already been created with the caller reference '{caller_reference}'"),
                    )),
                };
            }
            if name.is_empty() || !name.contains('.') {
                return Err(invalid(
                    ACTION,
                    "InvalidDomainName",
                    format!("{name} is not a valid domain name"),
                ));
            }
            if region == a.region && !a.vpcs.iter().any(|v| v.id == vpc_id) {
                return Err(invalid(
                    ACTION,
                    "InvalidVPCId",
                    format!("The VPC ID '{vpc_id}' is invalid for region {region}"),
                ));
            }
            if let Some(other) = conflicting_zone(a, &name, vpc_id, "") {
                return Err(invalid(
                    ACTION,
                    "ConflictingDomainExists",
                    format!("The VPC {vpc_id} in {region} is already associated with a private hosted zone for {name} ({other})"),
                ));
            }
            let id = loop {
                let id = format!("Z0{}", upper_alnum(19));
                if !a.hosted_zones.iter().any(|z| z.id == id) {
                    break id;
                }
            };
            a.hosted_zones.push(HostedZone {
                id: id.clone(),
                name: name.clone(),
                private: true,
                record_count: 2,
                comment: Some(format!("fixedip-tui {caller_reference}")),
                vpcs: vec![ZoneVpc {
                    vpc_id: vpc_id.to_string(),
                    region: region.to_string(),
                }],
            });
            let ns = "ns-1536.awsdns-00.co.uk.";
            a.record_sets.push(RecordSet {
                zone_id: id.clone(),
                name: name.clone(),
                record_type: "NS".to_string(),
                values: vec![
                    ns.to_string(),
                    "ns-0.awsdns-00.com.".to_string(),
                    "ns-1024.awsdns-00.org.".to_string(),
                    "ns-512.awsdns-00.net.".to_string(),
                ],
                alias_target: None,
                alias_zone_id: None,
                evaluate_target_health: false,
                ttl: Some(172_800),
            });
            a.record_sets.push(RecordSet {
                zone_id: id.clone(),
                name: name.clone(),
                record_type: "SOA".to_string(),
                values: vec![format!(
                    "{ns} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
                )],
                alias_target: None,
                alias_zone_id: None,
                evaluate_target_health: false,
                ttl: Some(900),
            });
            a.zone_refs
                .insert(caller_reference.to_string(), id.clone());
            Ok(id)
        })
        .await
    }

    async fn zones_named(&self, name: &str) -> CloudResult<Vec<HostedZone>> {
        let name = dns_norm(name);
        self.call("route53:ListHostedZonesByName", |a| {
            // ListHostedZonesByName does not say which VPCs a private zone is associated with.
            Ok(a.hosted_zones
                .iter()
                .filter(|z| dns_norm(&z.name) == name)
                .map(|z| HostedZone {
                    vpcs: vec![],
                    ..z.clone()
                })
                .collect())
        })
        .await
    }

    async fn associate_vpc(&self, zone_id: &str, vpc_id: &str, region: &str) -> CloudResult<()> {
        const ACTION: &str = "route53:AssociateVPCWithHostedZone";
        let zone_id = zone_id.trim_start_matches("/hostedzone/");
        self.call_op(ACTION, "AssociateVPCWithHostedZone", |a| {
            let z = a
                .hosted_zones
                .iter()
                .find(|z| z.id == zone_id)
                .ok_or_else(|| zone_not_found(ACTION, zone_id))?;
            if !z.private {
                return Err(invalid(
                    ACTION,
                    "PublicZoneVPCAssociation",
                    "You're trying to associate a VPC with a public hosted zone.",
                ));
            }
            if z.vpcs.iter().any(|v| v.vpc_id == vpc_id) {
                return Ok(());
            }
            if region == a.region && !a.vpcs.iter().any(|v| v.id == vpc_id) {
                return Err(invalid(
                    ACTION,
                    "InvalidVPCId",
                    format!("The VPC ID '{vpc_id}' is invalid for region {region}"),
                ));
            }
            let name = dns_norm(&z.name);
            if let Some(other) = conflicting_zone(a, &name, vpc_id, zone_id) {
                return Err(invalid(
                    ACTION,
                    "ConflictingDomainExists",
                    format!("The VPC {vpc_id} is already associated with another private hosted zone for {name} ({other})"),
                ));
            }
            if let Some(z) = a.hosted_zones.iter_mut().find(|z| z.id == zone_id) {
                z.vpcs.push(ZoneVpc {
                    vpc_id: vpc_id.to_string(),
                    region: region.to_string(),
                });
            }
            Ok(())
        })
        .await
    }

    async fn delete_hosted_zone(&self, zone_id: &str) -> CloudResult<()> {
        const ACTION: &str = "route53:DeleteHostedZone";
        let zone_id = zone_id.trim_start_matches("/hostedzone/");
        self.call(ACTION, |a| {
            let Some(z) = a.hosted_zones.iter().find(|z| z.id == zone_id) else {
                return Ok(());
            };
            let apex = dns_norm(&z.name);
            let required = |r: &RecordSet| {
                dns_norm(&r.name) == apex && (r.record_type == "SOA" || r.record_type == "NS")
            };
            if a
                .record_sets
                .iter()
                .any(|r| r.zone_id == zone_id && !required(r))
            {
                return Err(invalid(
                    ACTION,
                    "HostedZoneNotEmpty",
                    "The specified hosted zone contains non-required resource record sets and so cannot be deleted.",
                ));
            }
            a.record_sets.retain(|r| r.zone_id != zone_id);
            a.hosted_zones.retain(|z| z.id != zone_id);
            Ok(())
        })
        .await
    }

    async fn change_alias_record(
        &self,
        action: RecordAction,
        record: &super::write::AliasRecord,
    ) -> CloudResult<Option<String>> {
        const ACTION: &str = "route53:ChangeResourceRecordSets";
        let zone_id = record.zone_id.trim_start_matches("/hostedzone/");
        let rec = RecordSet {
            zone_id: zone_id.to_string(),
            name: dns_norm(&record.name),
            record_type: "A".to_string(),
            values: vec![],
            alias_target: Some(dns_norm(&record.target_dns_name)),
            alias_zone_id: Some(record.target_zone_id.clone()),
            evaluate_target_health: record.evaluate_target_health,
            ttl: None,
        };
        // Deleting a record that is already gone is "nothing to do" (write.rs convention).
        let gone = action == RecordAction::Delete
            && self.with_account(|a| {
                !a.record_sets.iter().any(|r| {
                    r.zone_id == zone_id && dns_norm(&r.name) == rec.name && r.record_type == "A"
                }) && a.hosted_zones.iter().any(|z| z.id == zone_id)
            });
        if gone {
            self.call(ACTION, |_| Ok(())).await?;
            return Ok(None);
        }
        self.change_records(zone_id, &[(action, rec.clone())]).await
    }

    async fn change_records(
        &self,
        zone_id: &str,
        changes: &[(RecordAction, RecordSet)],
    ) -> CloudResult<Option<String>> {
        const ACTION: &str = "route53:ChangeResourceRecordSets";
        let zone_id = zone_id.trim_start_matches("/hostedzone/").to_string();
        let operation = super::idempotency::record_batch(
            changes.iter().all(|(a, _)| *a == RecordAction::Upsert),
        );
        self.call_op(ACTION, operation, |a| {
            let z = a
                .hosted_zones
                .iter()
                .find(|z| z.id == zone_id)
                .ok_or_else(|| zone_not_found(ACTION, &zone_id))?;
            let apex = dns_norm(&z.name);
            self.zone_not_busy(a, ACTION, &zone_id)?;
            // A batch is applied all or none (Route 53 API Reference, ChangeResourceRecordSets):
            // work on a copy of the zone's records, commit only when every change holds.
            let mut records: Vec<RecordSet> = a
                .record_sets
                .iter()
                .filter(|r| r.zone_id == zone_id)
                .cloned()
                .collect();
            let before = records.len() as u64;
            for (action, rec) in changes {
                check_alias_target_of(a, ACTION, rec)?;
                apply_record_change(&mut records, ACTION, &zone_id, &apex, *action, rec)?;
            }
            check_cname_exclusive(&records, ACTION, &apex)?;
            let after = records.len() as u64;
            a.record_sets.retain(|r| r.zone_id != zone_id);
            a.record_sets.extend(records);
            if let Some(z) = a.hosted_zones.iter_mut().find(|z| z.id == zone_id) {
                z.record_count = (z.record_count + after).saturating_sub(before);
            }
            Ok(Some(self.new_change(a, &zone_id)))
        })
        .await
    }

    async fn change_status(&self, change_id: &str) -> CloudResult<String> {
        const ACTION: &str = "route53:GetChange";
        let id = change_id.trim_start_matches("/change/");
        self.call(ACTION, |a| {
            let c = a.changes.iter().find(|c| c.id == id).ok_or_else(|| {
                fail(
                    ErrorKind::NotFound,
                    ACTION,
                    "NoSuchChange",
                    format!("A change with the specified change ID does not exist: {id}"),
                )
            })?;
            Ok(if a.clock_ms >= c.insync_at_ms {
                "INSYNC".to_string()
            } else {
                "PENDING".to_string()
            })
        })
        .await
    }
}

/// The alias target of a record to write, checked as `check_alias_target` does.
fn check_alias_target_of(a: &SimAccount, action: &str, rec: &RecordSet) -> CloudResult<()> {
    match (&rec.alias_target, &rec.alias_zone_id) {
        (Some(t), Some(z)) => check_alias_target(a, action, &dns_norm(t), z),
        (Some(_), None) => Err(invalid(
            action,
            "InvalidInput",
            "Invalid request: Missing field 'HostedZoneId' in alias target",
        )),
        _ => Ok(()),
    }
}

/// One change of a batch on the zone's records (Route 53's own checks and messages).
fn apply_record_change(
    records: &mut Vec<RecordSet>,
    action: &str,
    zone_id: &str,
    apex: &str,
    what: RecordAction,
    rec: &RecordSet,
) -> CloudResult<()> {
    let name = dns_norm(&rec.name);
    let ty = rec.record_type.to_ascii_uppercase();
    if name != apex && !name.ends_with(&format!(".{apex}")) {
        return Err(invalid(
            action,
            "InvalidChangeBatch",
            format!("RRSet with DNS name {name}. is not permitted in zone {apex}."),
        ));
    }
    let at = records
        .iter()
        .position(|r| dns_norm(&r.name) == name && r.record_type.eq_ignore_ascii_case(&ty));
    let mut written = rec.clone();
    written.zone_id = zone_id.to_string();
    written.name = name.clone();
    written.record_type = ty.clone();
    match (what, at) {
        (RecordAction::Delete, None) => Err(invalid(
            action,
            "InvalidChangeBatch",
            format!("[Tried to delete resource record set [name='{name}.', type='{ty}'] but it was not found]"),
        )),
        (RecordAction::Delete, Some(i)) => {
            let cur = &records[i];
            let same = cur.values == rec.values
                && cur.alias_target.as_deref().map(dns_norm)
                    == rec.alias_target.as_deref().map(dns_norm)
                && (cur.alias_target.is_some() || cur.ttl == rec.ttl);
            if !same {
                return Err(invalid(
                    action,
                    "InvalidChangeBatch",
                    format!("[Tried to delete resource record set [name='{name}.', type='{ty}'] but the values provided do not match the current values]"),
                ));
            }
            records.remove(i);
            Ok(())
        }
        (RecordAction::Create, Some(_)) => Err(invalid(
            action,
            "InvalidChangeBatch",
            format!("[Tried to create resource record set [name='{name}.', type='{ty}'] but it already exists]"),
        )),
        (RecordAction::Create, None) | (RecordAction::Upsert, None) => {
            records.push(written);
            Ok(())
        }
        (RecordAction::Upsert, Some(i)) => {
            records[i] = written;
            Ok(())
        }
    }
}

/// A CNAME excludes every other record type of its name (RFC 1034 3.6.2; Route 53 answers
/// `InvalidChangeBatch` "RRSet of type A with DNS name x. is not permitted because a conflicting
/// RRSet of type CNAME with the same DNS name already exists in zone z.").
fn check_cname_exclusive(records: &[RecordSet], action: &str, apex: &str) -> CloudResult<()> {
    for c in records.iter().filter(|r| r.record_type == "CNAME") {
        let name = dns_norm(&c.name);
        if let Some(other) = records
            .iter()
            .find(|r| dns_norm(&r.name) == name && r.record_type != "CNAME")
        {
            return Err(invalid(
                action,
                "InvalidChangeBatch",
                format!(
                    "[RRSet of type {} with DNS name {name}. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone {apex}.]",
                    other.record_type
                ),
            ));
        }
    }
    Ok(())
}

/// Route 53 checks an alias target: for a name of this account (a load balancer, an endpoint, a
/// custom domain) the zone id must be that name's zone.
fn check_alias_target(a: &SimAccount, action: &str, target: &str, zone: &str) -> CloudResult<()> {
    let bare = target.strip_prefix("dualstack.").unwrap_or(target);
    let known = a
        .load_balancers
        .iter()
        .find(|l| dns_norm(&l.lb.dns_name) == bare)
        .map(|l| l.lb.canonical_hosted_zone_id.clone())
        .or_else(|| {
            a.vpc_endpoints
                .iter()
                .flat_map(|e| e.dns_entries.iter())
                .find(|d| dns_norm(&d.dns_name) == target)
                .and_then(|d| d.hosted_zone_id.clone())
        })
        .or_else(|| {
            a.domain_names
                .iter()
                .find(|d| dns_norm(&d.regional_dns_name) == target)
                .map(|d| d.regional_hosted_zone_id.clone())
        });
    // Names it does not know (e.g. a pre-existing record's ALB or CloudFront target) pass.
    if known.is_none_or(|z| z == zone) {
        Ok(())
    } else {
        Err(invalid(
            action,
            "InvalidChangeBatch",
            format!("Tried to create an alias that targets {target}., type A in zone {zone}, but the alias target name does not lie within the target zone"),
        ))
    }
}

impl SimCloud {
    /// Route 53 refuses a change to a zone still processing the previous one.
    fn zone_not_busy(&self, a: &SimAccount, action: &str, zone_id: &str) -> CloudResult<()> {
        let now = a.clock_ms;
        let busy_for = self.scaled_ms(ZONE_BUSY_MS);
        if a.changes
            .iter()
            .any(|c| c.zone_id == zone_id && now < c.submitted_ms.saturating_add(busy_for))
        {
            return Err(fail(
                ErrorKind::Throttled,
                action,
                "PriorRequestNotComplete",
                "The request was rejected because Route 53 was still processing a prior request.",
            ));
        }
        Ok(())
    }

    /// A submitted change: PENDING, INSYNC after a while. Returns its id.
    fn new_change(&self, a: &mut SimAccount, zone_id: &str) -> String {
        let now = a.clock_ms;
        let id = format!("C{}", upper_alnum(20));
        a.changes.push(SimChange {
            id: id.clone(),
            zone_id: zone_id.to_string(),
            submitted_ms: now,
            insync_at_ms: now.saturating_add(self.wait_ms(CHANGE_INSYNC)),
        });
        id
    }

    async fn modify_endpoint_groups(
        &self,
        id: &str,
        group_ids: &[String],
        add: bool,
    ) -> CloudResult<()> {
        const ACTION: &str = "ec2:ModifyVpcEndpoint";
        self.call(ACTION, |a| {
            let vpc_id = a
                .vpc_endpoints
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.vpc_id.clone())
                .ok_or_else(|| {
                    not_found(
                        ACTION,
                        "InvalidVpcEndpointId.NotFound",
                        &format!("The Vpc Endpoint Id '{id}'"),
                    )
                })?;
            if add {
                check_groups(a, ACTION, &vpc_id, group_ids)?;
            }
            let update = |groups: &mut Vec<String>| {
                if add {
                    for g in group_ids {
                        if !groups.contains(g) {
                            groups.push(g.clone());
                        }
                    }
                } else {
                    groups.retain(|g| !group_ids.contains(g));
                }
            };
            if let Some(ep) = a.vpc_endpoints.iter_mut().find(|e| e.id == id) {
                update(&mut ep.security_group_ids);
            }
            for n in a.network_interfaces.iter_mut().filter(|n| n.owner == id) {
                update(&mut n.security_group_ids);
            }
            Ok(())
        })
        .await
    }
}
