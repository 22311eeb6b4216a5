//! The write half of the real account: `CloudWrite` for `AwsCloud`, through the AWS SDK for Rust.
//! The conventions are write.rs's (absent → `Ok(None)`, NotFound on delete → success, tags on
//! create, client tokens, states as strings). Each error carries the IAM action of the call, so
//! AccessDenied says what to allow (assets/iam-policy.json lists them all).
//!
//! moto 5.2.5 differences met by tests/it/moto_write.rs, handled here where it costs nothing:
//! - CreateHostedZone ignores `CallerReference` reuse (a second zone): a zone of that name with that
//!   caller reference is looked up first (ListHostedZonesByName), which is also right on AWS.
//! - ChangeResourceRecordSets DELETE of an absent record succeeds when the name had an A record
//!   once, `InvalidInput` otherwise (AWS: `InvalidChangeBatch` "… not found"): the record is
//!   looked up first (ListResourceRecordSets), and again on those errors.
//! - DeleteRestApi of an absent id answers 500: on a 5xx, GetRestApi tells whether it is gone.
//! - UpdateRestApi applies `replace` on any `/endpointConfiguration…` path to the types, and ignores
//!   `add` / `remove` of `vpcEndpointIds` (AWS honours them).

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_apigateway::types::{
    EndpointConfiguration, EndpointType, IntegrationType, Op, PatchOperation, SecurityPolicy,
};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, IpPermission, IpRange, Ipv6Range, ResourceType,
    TagSpecification, UserIdGroupPair, VpcEndpointType,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, IpAddressType, LoadBalancerAttribute, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, ProtocolEnum, TargetDescription, TargetTypeEnum,
};
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecordSet, RrType,
    VpcRegion,
};

use super::aws::{
    apigw_next, bare_zone_id, ec2_tags, next_token, sdk_err, strip_dot, vpc_endpoint, AwsCloud,
};
use super::cli::{self, PingPart};
use super::write::{
    api_policy, private_patch, restore_patch, AliasRecord, ApiRestore, ApiState, BasePathMapping,
    CloudWrite, DomainNameState, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, Patch,
    RecordAction, SecurityGroup,
};
use super::{CloudError, CloudResult, ErrorKind};
use crate::domain::InterfaceIp;
use crate::domain::{
    ElbInventory, ListenerState, LoadBalancerState, NlbInfo, TargetGroupState, TargetHealth,
};
use crate::domain::{Tag, VpcEndpoint};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

const EC2_PAGE: i32 = 1000;
const APIGW_PAGE: i32 = 500;
const ELB_PAGE: i32 = 400;
/// Pages read at most by a listing loop (guards against an endpoint that repeats its token).
const MAX_PAGES: usize = 1000;
/// API Gateway's name of the root base path mapping.
const ROOT_BASE_PATH: &str = "(none)";
const CROSS_ZONE: &str = cli::CROSS_ZONE;

/// Config overrides for a call that must not act twice (`idempotency::Once`): the SDK sends it
/// once, and the engine resolves a lost answer from the account before sending it again.
mod once {
    use aws_config::retry::RetryConfig;

    pub fn ec2() -> aws_sdk_ec2::config::Builder {
        aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled())
    }
    pub fn apigw() -> aws_sdk_apigateway::config::Builder {
        aws_sdk_apigateway::config::Builder::default().retry_config(RetryConfig::disabled())
    }
    pub fn route53() -> aws_sdk_route53::config::Builder {
        aws_sdk_route53::config::Builder::default().retry_config(RetryConfig::disabled())
    }
}

/// Every page of a listing, first to last: `fetch(token)` sends one request, `next(&page)` reads
/// the token of the page after it (`None`: that was the last). An error whose code is in `absent`
/// (the parent is gone: no domain, no load balancer) answers no pages instead of failing. Stops at
/// a token answered twice (an emulator quirk that would loop) and after `MAX_PAGES`.
async fn pages<P, E, F, Fut>(
    action: &str,
    absent: &[&str],
    mut fetch: F,
    next: impl Fn(&P) -> Option<String>,
) -> CloudResult<Vec<P>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<P, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = match fetch(token.clone()).await {
            Ok(page) => page,
            Err(e) => {
                let e = sdk_err(action, e);
                if has_code(&e, absent) {
                    break;
                }
                return Err(e);
            }
        };
        let following = next(&page);
        out.push(page);
        if following.is_none() || following == token {
            break;
        }
        token = following;
    }
    Ok(out)
}

/// The service error code of a failed call ("" when there was none).
fn code(e: &CloudError) -> &str {
    e.code.as_deref().unwrap_or_default()
}

fn has_code(e: &CloudError, codes: &[&str]) -> bool {
    codes.contains(&code(e))
}

/// Deleting what is already gone is success: an error carrying one of `codes` (the service's
/// "not found" for that resource) counts as done.
fn absent_is_ok<T>(res: CloudResult<T>, codes: &[&str]) -> CloudResult<()> {
    match res {
        Ok(_) => Ok(()),
        Err(e) if has_code(&e, codes) => Ok(()),
        Err(e) => Err(e),
    }
}

fn internal(action: &str, what: &str) -> CloudError {
    CloudError::new(
        ErrorKind::Other,
        action,
        format!("the answer held no {what}"),
    )
}

fn tag_map(tags: &[Tag]) -> HashMap<String, String> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

fn tags_from_map(map: Option<&HashMap<String, String>>) -> Vec<Tag> {
    let mut tags: Vec<Tag> = map
        .into_iter()
        .flatten()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    tags
}

fn ec2_tag_spec(kind: ResourceType, tags: &[Tag]) -> Option<TagSpecification> {
    if tags.is_empty() {
        return None;
    }
    let mut b = TagSpecification::builder().resource_type(kind);
    for t in tags {
        b = b.tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(&t.key)
                .value(&t.value)
                .build(),
        );
    }
    Some(b.build())
}

fn elb_tags(tags: &[Tag]) -> Option<Vec<aws_sdk_elasticloadbalancingv2::types::Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(
        tags.iter()
            .map(|t| {
                aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                    .key(&t.key)
                    .value(&t.value)
                    .build()
            })
            .collect(),
    )
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// One TCP permission for a rule.
fn ip_permission(rule: &IngressRule, with_description: bool) -> IpPermission {
    let port = i32::from(rule.port);
    let description = if with_description {
        nonempty(&rule.description)
    } else {
        None
    };
    let b = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    if rule.source.starts_with("sg-") {
        b.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(&rule.source)
                .set_description(description)
                .build(),
        )
        .build()
    } else if rule.source.contains(':') {
        b.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(&rule.source)
                .set_description(description)
                .build(),
        )
        .build()
    } else {
        b.ip_ranges(
            IpRange::builder()
                .cidr_ip(&rule.source)
                .set_description(description)
                .build(),
        )
        .build()
    }
}

/// Single-port TCP permissions as rules (port ranges and other protocols have no `IngressRule`).
fn ingress_rules(perms: &[IpPermission]) -> Vec<IngressRule> {
    let mut rules = Vec::new();
    for p in perms {
        let tcp = p
            .ip_protocol()
            .is_some_and(|proto| proto.eq_ignore_ascii_case("tcp") || proto == "6");
        let (Some(from), Some(to)) = (p.from_port(), p.to_port()) else {
            continue;
        };
        let Ok(port) = u16::try_from(from) else {
            continue;
        };
        if !tcp || from != to {
            continue;
        }
        let mut push = |source: Option<&str>, description: Option<&str>| {
            if let Some(source) = source {
                rules.push(IngressRule {
                    port,
                    source: source.to_string(),
                    description: description.unwrap_or_default().to_string(),
                });
            }
        };
        for r in p.ip_ranges() {
            push(r.cidr_ip(), r.description());
        }
        for r in p.ipv6_ranges() {
            push(r.cidr_ipv6(), r.description());
        }
        for g in p.user_id_group_pairs() {
            push(g.group_id(), g.description());
        }
    }
    rules.sort();
    rules
}

fn security_group(g: &aws_sdk_ec2::types::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        id: g.group_id().unwrap_or_default().to_string(),
        name: g.group_name().unwrap_or_default().to_string(),
        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
        ingress: ingress_rules(g.ip_permissions()),
        tags: ec2_tags(g.tags()),
    }
}

fn is_deleted(e: &VpcEndpoint) -> bool {
    e.state.eq_ignore_ascii_case("deleted")
}

fn patch(p: &Patch) -> PatchOperation {
    let op = match p.op {
        "add" => Op::Add,
        "remove" => Op::Remove,
        _ => Op::Replace,
    };
    PatchOperation::builder()
        .op(op)
        .path(&p.path)
        .value(&p.value)
        .build()
}

/// ApiState from a GetRestApi answer or a GetRestApis item (same accessors).
macro_rules! api_state {
    ($a:expr, $stages:expr) => {{
        let a = $a;
        let ec = a.endpoint_configuration();
        ApiState {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            endpoint_types: ec
                .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
                .unwrap_or_default(),
            vpc_endpoint_ids: ec
                .map(|c| c.vpc_endpoint_ids().to_vec())
                .unwrap_or_default(),
            policy: api_policy(a.policy()),
            tags: tags_from_map(a.tags()),
            stages: $stages,
            ip_address_type: ec
                .and_then(|c| c.ip_address_type())
                .map(|t| t.as_str().to_string()),
        }
    }};
}

/// DomainNameState from a CreateDomainName or GetDomainName answer (same accessors).
macro_rules! domain_state {
    ($d:expr, $name:expr) => {{
        let d = $d;
        DomainNameState {
            name: d.domain_name().unwrap_or($name).to_string(),
            certificate_arn: d
                .regional_certificate_arn()
                .or(d.certificate_arn())
                .unwrap_or_default()
                .to_string(),
            regional_dns_name: d.regional_domain_name().unwrap_or_default().to_string(),
            regional_hosted_zone_id: d.regional_hosted_zone_id().unwrap_or_default().to_string(),
            security_policy: d
                .security_policy()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            tags: tags_from_map(d.tags()),
        }
    }};
}

fn target_group(
    tg: &aws_sdk_elasticloadbalancingv2::types::TargetGroup,
    tags: Vec<Tag>,
) -> TargetGroupState {
    TargetGroupState {
        arn: tg.target_group_arn().unwrap_or_default().to_string(),
        name: tg.target_group_name().unwrap_or_default().to_string(),
        vpc_id: tg.vpc_id().unwrap_or_default().to_string(),
        protocol: tg
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        port: tg.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
        target_type: tg
            .target_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        health_check_protocol: tg
            .health_check_protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        tags,
    }
}

fn listener(l: &aws_sdk_elasticloadbalancingv2::types::Listener) -> ListenerState {
    let target_group_arn = l.default_actions().iter().find_map(|a| {
        a.target_group_arn().map(str::to_string).or_else(|| {
            a.forward_config()
                .and_then(|f| f.target_groups().first())
                .and_then(|t| t.target_group_arn())
                .map(str::to_string)
        })
    });
    ListenerState {
        arn: l.listener_arn().unwrap_or_default().to_string(),
        protocol: l
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        port: l.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
        certificate_arns: l
            .certificates()
            .iter()
            .filter_map(|c| c.certificate_arn().map(str::to_string))
            .collect(),
        ssl_policy: l.ssl_policy().map(str::to_string),
        alpn_policy: l.alpn_policy().to_vec(),
        target_group_arn,
    }
}

fn change_action(action: RecordAction) -> ChangeAction {
    match action {
        RecordAction::Upsert => ChangeAction::Upsert,
        RecordAction::Delete => ChangeAction::Delete,
        RecordAction::Create => ChangeAction::Create,
    }
}

fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

impl AwsCloud {
    /// The region's REST APIs carrying tag `key=value` (GetRestApis answers with their tags).
    async fn rest_apis_tagged(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<aws_sdk_apigateway::types::RestApi>> {
        const A: &str = "apigateway:GET";
        let all = pages(
            A,
            &[],
            |position| {
                self.apigw
                    .get_rest_apis()
                    .limit(APIGW_PAGE)
                    .set_position(position)
                    .send()
            },
            |out| apigw_next(out.position(), out.items()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|out| out.items())
            .filter(|a| a.tags().and_then(|t| t.get(key)).map(String::as_str) == Some(value))
            .cloned()
            .collect())
    }

    /// Tags of ELBv2 resources, by ARN: DescribeTags takes up to 20 ARNs a call; the calls go
    /// out together.
    async fn elb_tags_by_arn(&self, arns: &[String]) -> CloudResult<HashMap<String, Vec<Tag>>> {
        const A: &str = "elasticloadbalancing:DescribeTags";
        let calls = arns.chunks(20).map(|chunk| {
            self.elbv2
                .describe_tags()
                .set_resource_arns(Some(chunk.to_vec()))
                .send()
        });
        let mut by_arn = HashMap::new();
        for answer in futures::future::join_all(calls).await {
            let out = answer.map_err(|e| sdk_err(A, e))?;
            for d in out.tag_descriptions() {
                let mut tags: Vec<Tag> = d
                    .tags()
                    .iter()
                    .map(|t| Tag {
                        key: t.key().unwrap_or_default().to_string(),
                        value: t.value().unwrap_or_default().to_string(),
                    })
                    .collect();
                tags.sort_by(|a, b| a.key.cmp(&b.key));
                by_arn.insert(d.resource_arn().unwrap_or_default().to_string(), tags);
            }
        }
        Ok(by_arn)
    }

    /// Tags of one ELBv2 resource.
    async fn elb_tags_of(&self, arn: &str) -> CloudResult<Vec<Tag>> {
        let arn = arn.to_string();
        let mut by_arn = self.elb_tags_by_arn(std::slice::from_ref(&arn)).await?;
        Ok(by_arn.remove(&arn).unwrap_or_default())
    }

    /// Network load balancers (with listeners) and IP target groups of the region.
    pub(super) async fn elb_inventory_inner(&self) -> CloudResult<ElbInventory> {
        const LBS: &str = "elasticloadbalancing:DescribeLoadBalancers";
        const TGS: &str = "elasticloadbalancing:DescribeTargetGroups";
        let mut inv = ElbInventory::default();
        let lb_pages = pages(
            LBS,
            &[],
            |marker| {
                self.elbv2
                    .describe_load_balancers()
                    .page_size(ELB_PAGE)
                    .set_marker(marker)
                    .send()
            },
            |out| next_token(out.next_marker()),
        )
        .await?;
        // DescribeLoadBalancers answers no tags (they tell a plan's NLB from others): DescribeTags.
        // The listeners, addresses and tags of every NLB are asked for together.
        let nlbs: Vec<_> = lb_pages
            .iter()
            .flat_map(|out| out.load_balancers())
            .filter(|lb| lb.r#type().map(|t| t.as_str()) == Some("network"))
            .collect();
        let arns: Vec<String> = nlbs
            .iter()
            .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
            .collect();
        let each = nlbs.iter().map(|lb| async move {
            let state = self.load_balancer_state(lb, None, vec![]).await?;
            let listeners = self.describe_listeners(&state.arn).await?;
            Ok::<_, CloudError>(NlbInfo {
                lb: state,
                listeners,
            })
        });
        let (each, tags) =
            tokio::join!(futures::future::join_all(each), self.elb_tags_by_arn(&arns));
        let mut tags = tags?;
        for nlb in each {
            let mut nlb = nlb?;
            nlb.lb.tags = tags.remove(&nlb.lb.arn).unwrap_or_default();
            inv.load_balancers.push(nlb);
        }
        let tg_pages = pages(
            TGS,
            &[],
            |marker| {
                self.elbv2
                    .describe_target_groups()
                    .page_size(ELB_PAGE)
                    .set_marker(marker)
                    .send()
            },
            |out| next_token(out.next_marker()),
        )
        .await?;
        inv.target_groups.extend(
            tg_pages
                .iter()
                .flat_map(|out| out.target_groups())
                .filter(|t| t.target_type().map(|x| x.as_str()) == Some("ip"))
                .map(|t| target_group(t, vec![])),
        );
        Ok(inv)
    }

    /// The state of a load balancer; an address given only as an Elastic IP allocation is resolved
    /// through DescribeAddresses.
    async fn load_balancer_state(
        &self,
        lb: &aws_sdk_elasticloadbalancingv2::types::LoadBalancer,
        cross_zone: Option<bool>,
        tags: Vec<Tag>,
    ) -> CloudResult<LoadBalancerState> {
        let mut addresses = Vec::new();
        let mut allocations = Vec::new();
        let eip_allocations: Vec<String> = lb
            .availability_zones()
            .iter()
            .flat_map(|az| az.load_balancer_addresses())
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect();
        for az in lb.availability_zones() {
            let addrs = az.load_balancer_addresses();
            if let Some(ip) = addrs.iter().find_map(|a| a.ip_address()) {
                addresses.push(ip.to_string());
            } else if let Some(alloc) = addrs.iter().find_map(|a| a.allocation_id()) {
                allocations.push(alloc.to_string());
            }
        }
        if !allocations.is_empty() {
            const A: &str = "ec2:DescribeAddresses";
            let out = self
                .ec2
                .describe_addresses()
                .set_allocation_ids(Some(allocations))
                .send()
                .await
                .map_err(|e| sdk_err(A, e))?;
            addresses.extend(
                out.addresses()
                    .iter()
                    .filter_map(|a| a.public_ip().map(str::to_string)),
            );
        }
        let internet_facing = lb
            .scheme()
            .is_some_and(|s| s.as_str().eq_ignore_ascii_case("internet-facing"));
        if addresses.is_empty() && internet_facing {
            // AWS reports no address for NLB-assigned public IPs: they are the public IPs of the
            // NLB's network interfaces, described `ELB net/<name>/<id>`.
            let arn = lb.load_balancer_arn().unwrap_or_default();
            if let Some(tail) = arn.split_once("loadbalancer/").map(|(_, t)| t) {
                match self.nlb_interface_ips(&format!("ELB {tail}")).await {
                    Ok(ips) => addresses = ips,
                    Err(e) => {
                        tracing::warn!(error = %e, "the NLB's network interfaces could not be read")
                    }
                }
            }
        }
        Ok(LoadBalancerState {
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            dns_name: lb.dns_name().unwrap_or_default().to_string(),
            canonical_hosted_zone_id: lb
                .canonical_hosted_zone_id()
                .unwrap_or_default()
                .to_string(),
            scheme: lb
                .scheme()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            state: lb
                .state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            vpc_id: lb.vpc_id().unwrap_or_default().to_string(),
            subnet_ids: lb
                .availability_zones()
                .iter()
                .filter_map(|az| az.subnet_id().map(str::to_string))
                .collect(),
            security_group_ids: lb.security_groups().to_vec(),
            eip_allocations,
            addresses,
            cross_zone,
            tags,
        })
    }

    /// The public IPs of a load balancer's network interfaces, in AZ order.
    async fn nlb_interface_ips(&self, description: &str) -> CloudResult<Vec<String>> {
        const A: &str = "ec2:DescribeNetworkInterfaces";
        let out = self
            .ec2
            .describe_network_interfaces()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("description")
                    .values(description)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let mut found: Vec<(String, String)> = out
            .network_interfaces()
            .iter()
            .filter_map(|n| {
                let ip = n.association()?.public_ip()?.to_string();
                Some((n.availability_zone().unwrap_or_default().to_string(), ip))
            })
            .collect();
        found.sort();
        Ok(found.into_iter().map(|(_, ip)| ip).collect())
    }

    /// The stages of an API as (name, deployment id); `None` when the API is gone.
    async fn api_stages(&self, api_id: &str) -> CloudResult<Option<Vec<(String, String)>>> {
        const A: &str = "apigateway:GET";
        match self.apigw.get_stages().rest_api_id(api_id).send().await {
            Ok(out) => {
                let mut stages: Vec<(String, String)> = out
                    .item()
                    .iter()
                    .map(|s| {
                        (
                            s.stage_name().unwrap_or_default().to_string(),
                            s.deployment_id().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                stages.sort();
                Ok(Some(stages))
            }
            Err(e) => {
                let e = sdk_err(A, e);
                if has_code(&e, &["NotFoundException"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn update_rest_api(&self, id: &str, ops: &[Patch]) -> CloudResult<()> {
        const A: &str = "apigateway:PATCH";
        if ops.is_empty() {
            return Ok(());
        }
        let ops = ops.iter().map(patch).collect();
        self.apigw
            .update_rest_api()
            .rest_api_id(id)
            .set_patch_operations(Some(ops))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    /// Every resource of an API as (id, path).
    async fn resources_of(&self, api_id: &str) -> CloudResult<Vec<(String, String)>> {
        const A: &str = "apigateway:GET";
        let all = pages(
            A,
            &[],
            |position| {
                self.apigw
                    .get_resources()
                    .rest_api_id(api_id)
                    .limit(APIGW_PAGE)
                    .set_position(position)
                    .send()
            },
            |out| apigw_next(out.position(), out.items()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|page| page.items())
            .map(|r| {
                (
                    r.id().unwrap_or_default().to_string(),
                    r.path().unwrap_or_default().to_string(),
                )
            })
            .collect())
    }

    /// A zone named `name` created with `caller_reference` (ListHostedZonesByName from the name).
    async fn zone_by_caller_reference(
        &self,
        name: &str,
        caller_reference: &str,
    ) -> CloudResult<Option<String>> {
        Ok(self
            .zones_named_with_reference(name)
            .await?
            .into_iter()
            .find(|(_, r)| r == caller_reference)
            .map(|(z, _)| z.id))
    }

    /// ListHostedZonesByName from `name`: every zone named exactly `name`, with its caller
    /// reference.
    async fn zones_named_with_reference(
        &self,
        name: &str,
    ) -> CloudResult<Vec<(crate::domain::HostedZone, String)>> {
        const A: &str = "route53:ListHostedZonesByName";
        let want = name.trim_end_matches('.').to_ascii_lowercase();
        let mut dns_name = Some(fqdn(name));
        let mut zone_id: Option<String> = None;
        let mut found = Vec::new();
        for _ in 0..MAX_PAGES {
            let out = self
                .route53
                .list_hosted_zones_by_name()
                .set_dns_name(dns_name.clone())
                .set_hosted_zone_id(zone_id.clone())
                .max_items(100)
                .send()
                .await
                .map_err(|e| sdk_err(A, e))?;
            let mut past = false;
            for z in out.hosted_zones() {
                if strip_dot(z.name()).to_ascii_lowercase() != want {
                    past = true;
                    break;
                }
                found.push((super::aws::zone(z), z.caller_reference().to_string()));
            }
            if past || !out.is_truncated() {
                break;
            }
            let next_name = out.next_dns_name().map(str::to_string);
            let next_zone = out.next_hosted_zone_id().map(str::to_string);
            if next_name.is_none() || (next_name == dns_name && next_zone == zone_id) {
                break;
            }
            dns_name = next_name;
            zone_id = next_zone;
        }
        Ok(found)
    }

    /// Whether an `A` record named `name` exists in the zone.
    async fn a_record_exists(&self, zone_id: &str, name: &str) -> CloudResult<bool> {
        const A: &str = "route53:ListResourceRecordSets";
        let out = self
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .start_record_name(fqdn(name))
            .start_record_type(RrType::A)
            .max_items(1)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let want = name.trim_end_matches('.').to_ascii_lowercase();
        Ok(out
            .resource_record_sets()
            .iter()
            .any(|r| r.r#type() == &RrType::A && strip_dot(r.name()).to_ascii_lowercase() == want))
    }
}

#[async_trait]
impl CloudWrite for AwsCloud {
    // ---------------------------------------------------------------- EC2: VPC attributes

    async fn set_vpc_dns(
        &self,
        vpc_id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
    ) -> CloudResult<()> {
        const A: &str = "ec2:ModifyVpcAttribute";
        let value = |v: bool| AttributeBooleanValue::builder().value(v).build();
        // Hostnames need support: turn support on first, and hostnames off first.
        let support_first = support != Some(false);
        for step in 0..2 {
            let req = self.ec2.modify_vpc_attribute().vpc_id(vpc_id);
            let req = match (step == 0) == support_first {
                true => match support {
                    Some(v) => req.enable_dns_support(value(v)),
                    None => continue,
                },
                false => match hostnames {
                    Some(v) => req.enable_dns_hostnames(value(v)),
                    None => continue,
                },
            };
            req.send().await.map_err(|e| sdk_err(A, e))?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- EC2: security groups

    async fn find_security_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> CloudResult<Option<SecurityGroup>> {
        const A: &str = "ec2:DescribeSecurityGroups";
        let out = self
            .ec2
            .describe_security_groups()
            .filters(Filter::builder().name("group-name").values(name).build())
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(out
            .security_groups()
            .iter()
            .find(|g| g.group_name() == Some(name) && g.vpc_id() == Some(vpc_id))
            .map(security_group))
    }

    async fn describe_security_group(&self, id: &str) -> CloudResult<Option<SecurityGroup>> {
        const A: &str = "ec2:DescribeSecurityGroups";
        match self
            .ec2
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .security_groups()
                .iter()
                .find(|g| g.group_id() == Some(id))
                .map(security_group)),
            Err(e) => {
                let e = sdk_err(A, e);
                if has_code(&e, &["InvalidGroup.NotFound", "InvalidGroupId.NotFound"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn create_security_group(
        &self,
        vpc_id: &str,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> CloudResult<String> {
        const A: &str = "ec2:CreateSecurityGroup";
        let out = self
            .ec2
            .create_security_group()
            .vpc_id(vpc_id)
            .group_name(name)
            .description(description)
            .set_tag_specifications(
                ec2_tag_spec(ResourceType::SecurityGroup, tags).map(|t| vec![t]),
            )
            .customize()
            .config_override(once::ec2())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.group_id()
            .map(str::to_string)
            .ok_or_else(|| internal(A, "group id"))
    }

    async fn authorize_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()> {
        const A: &str = "ec2:AuthorizeSecurityGroupIngress";
        const DUP: &[&str] = &["InvalidPermission.Duplicate"];
        if rules.is_empty() {
            return Ok(());
        }
        let all: Vec<IpPermission> = rules.iter().map(|r| ip_permission(r, true)).collect();
        let first = self
            .ec2
            .authorize_security_group_ingress()
            .group_id(group_id)
            .set_ip_permissions(Some(all))
            .send()
            .await
            .map_err(|e| sdk_err(A, e));
        match first {
            Ok(_) => Ok(()),
            Err(e) if has_code(&e, DUP) && rules.len() == 1 => Ok(()),
            // One duplicate fails the whole request: add the rules one by one.
            Err(e) if has_code(&e, DUP) => {
                for r in rules {
                    let one = self
                        .ec2
                        .authorize_security_group_ingress()
                        .group_id(group_id)
                        .ip_permissions(ip_permission(r, true))
                        .send()
                        .await
                        .map_err(|e| sdk_err(A, e));
                    match one {
                        Err(e) if !has_code(&e, DUP) => return Err(e),
                        _ => {}
                    }
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn revoke_ingress(&self, group_id: &str, rules: &[IngressRule]) -> CloudResult<()> {
        const A: &str = "ec2:RevokeSecurityGroupIngress";
        const GONE: &[&str] = &["InvalidPermission.NotFound"];
        // One call per rule: an absent rule fails a whole request (today AWS answers with
        // `UnknownIpPermissions` instead), and absence is success here. With the description
        // first (moto matches a source group's description), then without it.
        for r in rules {
            for with_description in [true, false] {
                let res = self
                    .ec2
                    .revoke_security_group_ingress()
                    .group_id(group_id)
                    .ip_permissions(ip_permission(r, with_description))
                    .send()
                    .await
                    .map_err(|e| sdk_err(A, e));
                match res {
                    Ok(out) if out.unknown_ip_permissions().is_empty() => break,
                    Ok(_) => {}
                    Err(e) if !has_code(&e, GONE) => return Err(e),
                    Err(_) => {}
                }
            }
        }
        Ok(())
    }

    async fn delete_security_group(&self, id: &str) -> CloudResult<()> {
        const A: &str = "ec2:DeleteSecurityGroup";
        absent_is_ok(
            self.ec2
                .delete_security_group()
                .group_id(id)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["InvalidGroup.NotFound", "InvalidGroupId.NotFound"],
        )
    }

    // ---------------------------------------------------------------- EC2: Elastic IPs

    async fn allocate_address(&self, tags: &[Tag]) -> CloudResult<crate::domain::ElasticIp> {
        const A: &str = "ec2:AllocateAddress";
        let out = self
            .ec2
            .allocate_address()
            .domain(aws_sdk_ec2::types::DomainType::Vpc)
            .set_tag_specifications(ec2_tag_spec(ResourceType::ElasticIp, tags).map(|t| vec![t]))
            .customize()
            .config_override(once::ec2())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let mut tags = tags.to_vec();
        tags.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(crate::domain::ElasticIp {
            allocation_id: out
                .allocation_id()
                .ok_or_else(|| internal(A, "allocation id"))?
                .to_string(),
            public_ip: out.public_ip().unwrap_or_default().to_string(),
            association_id: None,
            network_interface_id: None,
            tags,
        })
    }

    async fn find_addresses_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<crate::domain::ElasticIp>> {
        const A: &str = "ec2:DescribeAddresses";
        let out = self
            .ec2
            .describe_addresses()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name(format!("tag:{key}"))
                    .values(value)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(out.addresses().iter().map(super::aws::eip_of).collect())
    }

    async fn describe_addresses(
        &self,
        allocation_ids: &[String],
    ) -> CloudResult<Vec<crate::domain::ElasticIp>> {
        const A: &str = "ec2:DescribeAddresses";
        if allocation_ids.is_empty() {
            return Ok(vec![]);
        }
        // By filter rather than by id: an unknown id is then absent, not an error for the batch.
        let out = self
            .ec2
            .describe_addresses()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("allocation-id")
                    .set_values(Some(allocation_ids.to_vec()))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(out.addresses().iter().map(super::aws::eip_of).collect())
    }

    async fn release_address(&self, allocation_id: &str) -> CloudResult<()> {
        const A: &str = "ec2:ReleaseAddress";
        absent_is_ok(
            self.ec2
                .release_address()
                .allocation_id(allocation_id)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["InvalidAllocationID.NotFound"],
        )
    }

    // ---------------------------------------------------------------- EC2: interface endpoint

    async fn create_vpc_endpoint(&self, req: &NewEndpoint) -> CloudResult<VpcEndpoint> {
        const A: &str = "ec2:CreateVpcEndpoint";
        let out = self
            .ec2
            .create_vpc_endpoint()
            .vpc_endpoint_type(VpcEndpointType::Interface)
            .vpc_id(&req.vpc_id)
            .service_name(&req.service_name)
            .set_subnet_ids(Some(req.subnet_ids.clone()))
            .set_security_group_ids(
                (!req.security_group_ids.is_empty()).then(|| req.security_group_ids.clone()),
            )
            .private_dns_enabled(req.private_dns)
            .set_subnet_configurations((!req.ipv4_addresses.is_empty()).then(|| {
                req.ipv4_addresses
                    .iter()
                    .map(|(subnet, ip)| {
                        aws_sdk_ec2::types::SubnetConfiguration::builder()
                            .subnet_id(subnet)
                            .ipv4(ip)
                            .build()
                    })
                    .collect()
            }))
            .set_client_token(nonempty(&req.client_token))
            .set_tag_specifications(
                ec2_tag_spec(ResourceType::VpcEndpoint, &req.tags).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.vpc_endpoint()
            .map(vpc_endpoint)
            .ok_or_else(|| internal(A, "endpoint"))
    }

    async fn describe_vpc_endpoint(&self, id: &str) -> CloudResult<Option<VpcEndpoint>> {
        const A: &str = "ec2:DescribeVpcEndpoints";
        match self
            .ec2
            .describe_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .vpc_endpoints()
                .iter()
                .map(vpc_endpoint)
                .find(|e| e.id == id && !is_deleted(e))),
            Err(e) => {
                let e = sdk_err(A, e);
                if has_code(
                    &e,
                    &[
                        "InvalidVpcEndpointId.NotFound",
                        "InvalidVpcEndpoint.NotFound",
                    ],
                ) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn find_vpc_endpoints_by_tag(
        &self,
        key: &str,
        value: &str,
    ) -> CloudResult<Vec<VpcEndpoint>> {
        const A: &str = "ec2:DescribeVpcEndpoints";
        // EC2 may answer an empty page with a next token (filters apply after paging): go on.
        let all = pages(
            A,
            &[],
            |token| {
                let tagged = Filter::builder()
                    .name(format!("tag:{key}"))
                    .values(value)
                    .build();
                self.ec2
                    .describe_vpc_endpoints()
                    .filters(tagged)
                    .max_results(EC2_PAGE)
                    .set_next_token(token)
                    .send()
            },
            |out| next_token(out.next_token()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|out| out.vpc_endpoints())
            .map(vpc_endpoint)
            .filter(|e| !is_deleted(e))
            .filter(|e| e.tags.iter().any(|t| t.key == key && t.value == value))
            .collect())
    }

    async fn add_endpoint_security_groups(
        &self,
        id: &str,
        group_ids: &[String],
    ) -> CloudResult<()> {
        const A: &str = "ec2:ModifyVpcEndpoint";
        if group_ids.is_empty() {
            return Ok(());
        }
        self.ec2
            .modify_vpc_endpoint()
            .vpc_endpoint_id(id)
            .set_add_security_group_ids(Some(group_ids.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn remove_endpoint_security_groups(
        &self,
        id: &str,
        group_ids: &[String],
    ) -> CloudResult<()> {
        const A: &str = "ec2:ModifyVpcEndpoint";
        if group_ids.is_empty() {
            return Ok(());
        }
        self.ec2
            .modify_vpc_endpoint()
            .vpc_endpoint_id(id)
            .set_remove_security_group_ids(Some(group_ids.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn delete_vpc_endpoint(&self, id: &str) -> CloudResult<()> {
        const A: &str = "ec2:DeleteVpcEndpoints";
        let out = match self
            .ec2
            .delete_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                let e = sdk_err(A, e);
                return if e.kind == ErrorKind::NotFound
                    && code(&e).starts_with("InvalidVpcEndpoint")
                {
                    Ok(())
                } else {
                    Err(e)
                };
            }
        };
        // Failures come back in the answer, not as an error.
        for item in out.unsuccessful() {
            let (c, msg) = item
                .error()
                .map(|e| {
                    (
                        e.code().unwrap_or_default().to_string(),
                        e.message().unwrap_or_default().to_string(),
                    )
                })
                .unwrap_or_default();
            if c.ends_with("NotFound") {
                continue;
            }
            let mut err = CloudError::new(
                CloudError::kind_for_code(&c, None),
                A,
                format!(
                    "{}: {}",
                    item.resource_id().unwrap_or(id),
                    if msg.is_empty() { "not deleted" } else { &msg }
                ),
            );
            if !c.is_empty() {
                err = err.with_code(c);
            }
            return Err(err);
        }
        Ok(())
    }

    async fn interface_ips(&self, eni_ids: &[String]) -> CloudResult<Vec<InterfaceIp>> {
        const A: &str = "ec2:DescribeNetworkInterfaces";
        // No ids would mean "every interface of the account".
        if eni_ids.is_empty() {
            return Ok(vec![]);
        }
        let out = self
            .ec2
            .describe_network_interfaces()
            .set_network_interface_ids(Some(eni_ids.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let mut ips: Vec<InterfaceIp> = out
            .network_interfaces()
            .iter()
            .map(|n| InterfaceIp {
                eni_id: n.network_interface_id().unwrap_or_default().to_string(),
                subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                az: n.availability_zone().unwrap_or_default().to_string(),
                ip: n
                    .private_ip_addresses()
                    .iter()
                    .find(|a| a.primary() == Some(true))
                    .and_then(|a| a.private_ip_address())
                    .or(n.private_ip_address())
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect();
        // In the order asked for.
        ips.sort_by_key(|i| eni_ids.iter().position(|e| *e == i.eni_id));
        Ok(ips)
    }

    // ---------------------------------------------------------------- API Gateway

    async fn create_rest_api(
        &self,
        name: &str,
        vpc_endpoint_ids: &[String],
        policy: &str,
        tags: &[Tag],
    ) -> CloudResult<String> {
        const A: &str = "apigateway:POST";
        let out = self
            .apigw
            .create_rest_api()
            .name(name)
            .endpoint_configuration(
                EndpointConfiguration::builder()
                    .types(EndpointType::Private)
                    .set_vpc_endpoint_ids(Some(vpc_endpoint_ids.to_vec()))
                    .build(),
            )
            .set_policy(nonempty(policy))
            .set_tags((!tags.is_empty()).then(|| tag_map(tags)))
            .customize()
            .config_override(once::apigw())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.id()
            .map(str::to_string)
            .ok_or_else(|| internal(A, "API id"))
    }

    async fn get_rest_api(&self, id: &str) -> CloudResult<Option<ApiState>> {
        const A: &str = "apigateway:GET";
        let api = match self.apigw.get_rest_api().rest_api_id(id).send().await {
            Ok(a) => a,
            Err(e) => {
                let e = sdk_err(A, e);
                return if has_code(&e, &["NotFoundException"]) {
                    Ok(None)
                } else {
                    Err(e)
                };
            }
        };
        let Some(stages) = self.api_stages(id).await? else {
            return Ok(None);
        };
        Ok(Some(api_state!(&api, stages)))
    }

    async fn find_rest_apis_by_tag(&self, key: &str, value: &str) -> CloudResult<Vec<ApiState>> {
        let mut found = Vec::new();
        for a in self.rest_apis_tagged(key, value).await? {
            let id = a.id().unwrap_or_default();
            if let Some(stages) = self.api_stages(id).await? {
                found.push(api_state!(&a, stages));
            }
        }
        Ok(found)
    }

    async fn rest_api_ids_by_tag(&self, key: &str, value: &str) -> CloudResult<Vec<String>> {
        Ok(self
            .rest_apis_tagged(key, value)
            .await?
            .iter()
            .filter_map(|a| a.id().map(str::to_string))
            .collect())
    }

    async fn make_api_private(
        &self,
        cur: &ApiState,
        vpc_endpoint_ids: &[String],
        policy: &str,
    ) -> CloudResult<()> {
        self.update_rest_api(&cur.id, &private_patch(cur, vpc_endpoint_ids, policy))
            .await
    }

    async fn restore_api(&self, cur: &ApiState, prior: &ApiRestore) -> CloudResult<()> {
        self.update_rest_api(&cur.id, &restore_patch(cur, prior))
            .await
    }

    async fn set_stage_deployment(
        &self,
        api_id: &str,
        stage: &str,
        deployment_id: &str,
    ) -> CloudResult<()> {
        const A: &str = "apigateway:PATCH";
        self.apigw
            .update_stage()
            .rest_api_id(api_id)
            .stage_name(stage)
            .patch_operations(patch(&Patch::new(
                "replace",
                "/deploymentId",
                deployment_id,
            )))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn delete_stage(&self, api_id: &str, stage: &str) -> CloudResult<()> {
        const A: &str = "apigateway:DELETE";
        absent_is_ok(
            self.apigw
                .delete_stage()
                .rest_api_id(api_id)
                .stage_name(stage)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["NotFoundException"],
        )
    }

    async fn api_resources(&self, api_id: &str) -> CloudResult<Vec<(String, String)>> {
        self.resources_of(api_id).await
    }

    async fn create_resource(
        &self,
        api_id: &str,
        parent_id: &str,
        path_part: &str,
    ) -> CloudResult<String> {
        const A: &str = "apigateway:POST";
        let made = self
            .apigw
            .create_resource()
            .rest_api_id(api_id)
            .parent_id(parent_id)
            .path_part(path_part)
            .customize()
            .config_override(once::apigw())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        made.id()
            .map(str::to_string)
            .ok_or_else(|| internal(A, "resource id"))
    }

    async fn put_ping(&self, api_id: &str, resource_id: &str, part: PingPart) -> CloudResult<()> {
        const A: &str = "apigateway:PUT";
        let sent = match part {
            PingPart::Method => self
                .apigw
                .put_method()
                .rest_api_id(api_id)
                .resource_id(resource_id)
                .http_method("GET")
                .authorization_type("NONE")
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_err(A, e)),
            PingPart::Integration => self
                .apigw
                .put_integration()
                .rest_api_id(api_id)
                .resource_id(resource_id)
                .http_method("GET")
                .r#type(IntegrationType::Mock)
                .request_templates(cli::JSON_TYPE, cli::PING_REQUEST_TEMPLATE)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_err(A, e)),
            PingPart::MethodResponse => self
                .apigw
                .put_method_response()
                .rest_api_id(api_id)
                .resource_id(resource_id)
                .http_method("GET")
                .status_code("200")
                .response_models(cli::JSON_TYPE, "Empty")
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_err(A, e)),
            PingPart::IntegrationResponse => self
                .apigw
                .put_integration_response()
                .rest_api_id(api_id)
                .resource_id(resource_id)
                .http_method("GET")
                .status_code("200")
                .response_templates(cli::JSON_TYPE, cli::PING_RESPONSE_TEMPLATE)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_err(A, e)),
        };
        // Already there (a rerun, or a lost answer sent again): the same method stays.
        match sent {
            Err(e) if has_code(&e, &["ConflictException"]) => Ok(()),
            other => other,
        }
    }

    async fn create_deployment(&self, api_id: &str, stage: &str) -> CloudResult<String> {
        const A: &str = "apigateway:POST";
        let out = self
            .apigw
            .create_deployment()
            .rest_api_id(api_id)
            .stage_name(stage)
            .description(cli::COMMENT)
            .customize()
            .config_override(once::apigw())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.id()
            .map(str::to_string)
            .ok_or_else(|| internal(A, "deployment id"))
    }

    async fn delete_rest_api(&self, id: &str) -> CloudResult<()> {
        const A: &str = "apigateway:DELETE";
        match self.apigw.delete_rest_api().rest_api_id(id).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = sdk_err(A, e);
                if has_code(&e, &["NotFoundException"]) {
                    Ok(())
                } else if e.kind == ErrorKind::ServerError && self.get_rest_api(id).await?.is_none()
                {
                    // A 5xx, yet the API is gone (moto answers 500 for an absent id).
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn create_domain_name(
        &self,
        name: &str,
        certificate_arn: &str,
        security_policy: &str,
        tags: &[Tag],
    ) -> CloudResult<DomainNameState> {
        const A: &str = "apigateway:POST";
        let out = self
            .apigw
            .create_domain_name()
            .domain_name(name)
            .regional_certificate_arn(certificate_arn)
            .endpoint_configuration(
                EndpointConfiguration::builder()
                    .types(EndpointType::Regional)
                    .build(),
            )
            .security_policy(SecurityPolicy::from(security_policy))
            .set_tags((!tags.is_empty()).then(|| tag_map(tags)))
            .customize()
            .config_override(once::apigw())
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(domain_state!(&out, name))
    }

    async fn get_domain_name(&self, name: &str) -> CloudResult<Option<DomainNameState>> {
        const A: &str = "apigateway:GET";
        match self.apigw.get_domain_name().domain_name(name).send().await {
            Ok(out) => Ok(Some(domain_state!(&out, name))),
            Err(e) => {
                let e = sdk_err(A, e);
                if has_code(&e, &["NotFoundException"]) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn domain_names(&self) -> CloudResult<Vec<DomainNameState>> {
        const A: &str = "apigateway:GET";
        let all = pages(
            A,
            &[],
            |position| {
                self.apigw
                    .get_domain_names()
                    .limit(APIGW_PAGE)
                    .set_position(position)
                    .send()
            },
            |out| apigw_next(out.position(), out.items()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|out| out.items())
            .map(|d| domain_state!(d, ""))
            .collect())
    }

    async fn delete_domain_name(&self, name: &str) -> CloudResult<()> {
        const A: &str = "apigateway:DELETE";
        absent_is_ok(
            self.apigw
                .delete_domain_name()
                .domain_name(name)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["NotFoundException"],
        )
    }

    async fn create_base_path_mapping(
        &self,
        domain: &str,
        api_id: &str,
        stage: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()> {
        const A: &str = "apigateway:POST";
        let res = self
            .apigw
            .create_base_path_mapping()
            .domain_name(domain)
            .rest_api_id(api_id)
            .stage(stage)
            .set_base_path(base_path.and_then(nonempty))
            .customize()
            .config_override(once::apigw())
            .send()
            .await
            .map_err(|e| sdk_err(A, e));
        match res {
            Ok(_) => Ok(()),
            // Already there: fine when it is this very mapping.
            Err(e) if has_code(&e, &["ConflictException"]) => {
                let want = base_path
                    .filter(|b| !b.is_empty())
                    .unwrap_or(ROOT_BASE_PATH);
                let same =
                    self.get_base_path_mappings(domain).await?.iter().any(|m| {
                        m.base_path == want && m.rest_api_id == api_id && m.stage == stage
                    });
                if same {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn get_base_path_mappings(&self, domain: &str) -> CloudResult<Vec<BasePathMapping>> {
        const A: &str = "apigateway:GET";
        let all = pages(
            A,
            // No domain, no mappings.
            &["NotFoundException"],
            |position| {
                self.apigw
                    .get_base_path_mappings()
                    .domain_name(domain)
                    .limit(APIGW_PAGE)
                    .set_position(position)
                    .send()
            },
            |out| apigw_next(out.position(), out.items()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|out| out.items())
            .map(|m| BasePathMapping {
                base_path: m.base_path().unwrap_or(ROOT_BASE_PATH).to_string(),
                rest_api_id: m.rest_api_id().unwrap_or_default().to_string(),
                stage: m.stage().unwrap_or_default().to_string(),
            })
            .collect())
    }

    async fn delete_base_path_mapping(
        &self,
        domain: &str,
        base_path: Option<&str>,
    ) -> CloudResult<()> {
        const A: &str = "apigateway:DELETE";
        let path = base_path
            .filter(|b| !b.is_empty())
            .unwrap_or(ROOT_BASE_PATH);
        absent_is_ok(
            self.apigw
                .delete_base_path_mapping()
                .domain_name(domain)
                .base_path(path)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["NotFoundException"],
        )
    }

    // ---------------------------------------------------------------- ELBv2

    async fn create_target_group(
        &self,
        name: &str,
        vpc_id: &str,
        tags: &[Tag],
    ) -> CloudResult<TargetGroupState> {
        const A: &str = "elasticloadbalancing:CreateTargetGroup";
        // Same name and settings again: AWS answers with the existing group.
        let out = self
            .elbv2
            .create_target_group()
            .name(name)
            .protocol(ProtocolEnum::from(cli::TG_PROTOCOL))
            .port(i32::from(cli::TG_PORT))
            .target_type(TargetTypeEnum::Ip)
            .vpc_id(vpc_id)
            .health_check_protocol(ProtocolEnum::from(cli::HEALTH_CHECK_PROTOCOL))
            .health_check_port(cli::HEALTH_CHECK_PORT)
            .set_tags(elb_tags(tags))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let tg = out
            .target_groups()
            .first()
            .ok_or_else(|| internal(A, "target group"))?;
        let mut tags = tags.to_vec();
        tags.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(target_group(tg, tags))
    }

    async fn find_target_group(&self, name: &str) -> CloudResult<Option<TargetGroupState>> {
        const A: &str = "elasticloadbalancing:DescribeTargetGroups";
        let out = match self.elbv2.describe_target_groups().names(name).send().await {
            Ok(out) => out,
            Err(e) => {
                let e = sdk_err(A, e);
                return if has_code(&e, &["TargetGroupNotFound"]) {
                    Ok(None)
                } else {
                    Err(e)
                };
            }
        };
        let Some(tg) = out
            .target_groups()
            .iter()
            .find(|t| t.target_group_name() == Some(name))
        else {
            return Ok(None);
        };
        let tags = self
            .elb_tags_of(tg.target_group_arn().unwrap_or_default())
            .await?;
        Ok(Some(target_group(tg, tags)))
    }

    async fn register_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:RegisterTargets";
        if ips.is_empty() {
            return Ok(());
        }
        let targets = ips
            .iter()
            .map(|ip| {
                TargetDescription::builder()
                    .id(ip)
                    .port(i32::from(port))
                    .build()
            })
            .collect();
        self.elbv2
            .register_targets()
            .target_group_arn(target_group_arn)
            .set_targets(Some(targets))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn deregister_targets(
        &self,
        target_group_arn: &str,
        ips: &[String],
        port: u16,
    ) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:DeregisterTargets";
        if ips.is_empty() {
            return Ok(());
        }
        let targets = ips
            .iter()
            .map(|ip| {
                TargetDescription::builder()
                    .id(ip)
                    .port(i32::from(port))
                    .build()
            })
            .collect();
        // The group gone, or the targets not registered: nothing left to deregister.
        absent_is_ok(
            self.elbv2
                .deregister_targets()
                .target_group_arn(target_group_arn)
                .set_targets(Some(targets))
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["TargetGroupNotFound", "InvalidTarget"],
        )
    }

    async fn target_health(&self, target_group_arn: &str) -> CloudResult<Vec<TargetHealth>> {
        const A: &str = "elasticloadbalancing:DescribeTargetHealth";
        let out = self
            .elbv2
            .describe_target_health()
            .target_group_arn(target_group_arn)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let mut health: Vec<TargetHealth> = out
            .target_health_descriptions()
            .iter()
            .map(|d| {
                let h = d.target_health();
                TargetHealth {
                    ip: d
                        .target()
                        .and_then(|t| t.id())
                        .unwrap_or_default()
                        .to_string(),
                    state: h
                        .and_then(|h| h.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    reason: h.and_then(|h| h.reason()).map(|r| r.as_str().to_string()),
                }
            })
            .collect();
        health.sort_by(|a, b| a.ip.cmp(&b.ip));
        Ok(health)
    }

    async fn delete_target_group(&self, arn: &str) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:DeleteTargetGroup";
        absent_is_ok(
            self.elbv2
                .delete_target_group()
                .target_group_arn(arn)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["TargetGroupNotFound"],
        )
    }

    async fn create_load_balancer(&self, req: &NewLoadBalancer) -> CloudResult<LoadBalancerState> {
        const A: &str = "elasticloadbalancing:CreateLoadBalancer";
        let out = self
            .elbv2
            .create_load_balancer()
            .name(&req.name)
            .r#type(LoadBalancerTypeEnum::Network)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .ip_address_type(IpAddressType::Ipv4)
            .set_subnets((req.allocation_ids.is_empty()).then(|| req.subnet_ids.clone()))
            .set_subnet_mappings((!req.allocation_ids.is_empty()).then(|| {
                req.subnet_ids
                    .iter()
                    .map(|s| {
                        aws_sdk_elasticloadbalancingv2::types::SubnetMapping::builder()
                            .subnet_id(s)
                            .set_allocation_id(req.allocation_ids.get(s).cloned())
                            .build()
                    })
                    .collect()
            }))
            .set_security_groups(
                (!req.security_group_ids.is_empty()).then(|| req.security_group_ids.clone()),
            )
            .set_tags(elb_tags(&req.tags))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        let lb = out
            .load_balancers()
            .first()
            .ok_or_else(|| internal(A, "load balancer"))?;
        let mut tags = req.tags.clone();
        tags.sort_by(|a, b| a.key.cmp(&b.key));
        self.load_balancer_state(lb, None, tags).await
    }

    async fn find_load_balancer(&self, name: &str) -> CloudResult<Option<LoadBalancerState>> {
        const A: &str = "elasticloadbalancing:DescribeLoadBalancers";
        const ATTRS: &str = "elasticloadbalancing:DescribeLoadBalancerAttributes";
        let out = match self
            .elbv2
            .describe_load_balancers()
            .names(name)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                let e = sdk_err(A, e);
                return if has_code(&e, &["LoadBalancerNotFound"]) {
                    Ok(None)
                } else {
                    Err(e)
                };
            }
        };
        let Some(lb) = out
            .load_balancers()
            .iter()
            .find(|l| l.load_balancer_name() == Some(name))
        else {
            return Ok(None);
        };
        let arn = lb.load_balancer_arn().unwrap_or_default();
        let attrs = self
            .elbv2
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send();
        let (attrs, tags) = tokio::join!(attrs, self.elb_tags_of(arn));
        let attrs = attrs.map_err(|e| sdk_err(ATTRS, e))?;
        let cross_zone = attrs
            .attributes()
            .iter()
            .find(|a| a.key() == Some(CROSS_ZONE))
            .and_then(|a| a.value())
            .map(|v| v.eq_ignore_ascii_case("true"));
        Ok(Some(self.load_balancer_state(lb, cross_zone, tags?).await?))
    }

    async fn set_cross_zone(&self, arn: &str, enabled: bool) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:ModifyLoadBalancerAttributes";
        self.elbv2
            .modify_load_balancer_attributes()
            .load_balancer_arn(arn)
            .attributes(
                LoadBalancerAttribute::builder()
                    .key(CROSS_ZONE)
                    .value(if enabled { "true" } else { "false" })
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn delete_load_balancer(&self, arn: &str) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:DeleteLoadBalancer";
        absent_is_ok(
            self.elbv2
                .delete_load_balancer()
                .load_balancer_arn(arn)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["LoadBalancerNotFound"],
        )
    }

    async fn create_listener(&self, req: &NewListener) -> CloudResult<ListenerState> {
        const A: &str = "elasticloadbalancing:CreateListener";
        let out = self
            .elbv2
            .create_listener()
            .load_balancer_arn(&req.load_balancer_arn)
            .protocol(ProtocolEnum::Tls)
            .port(i32::from(req.port))
            .certificates(
                aws_sdk_elasticloadbalancingv2::types::Certificate::builder()
                    .certificate_arn(&req.certificate_arn)
                    .build(),
            )
            .set_ssl_policy(nonempty(&req.ssl_policy))
            .set_alpn_policy(nonempty(&req.alpn_policy).map(|p| vec![p]))
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&req.target_group_arn)
                    .build(),
            )
            .set_tags(elb_tags(&req.tags))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.listeners()
            .first()
            .map(listener)
            .ok_or_else(|| internal(A, "listener"))
    }

    async fn set_listener_target(
        &self,
        listener_arn: &str,
        target_group_arn: &str,
    ) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:ModifyListener";
        self.elbv2
            .modify_listener()
            .listener_arn(listener_arn)
            .default_actions(
                aws_sdk_elasticloadbalancingv2::types::Action::builder()
                    .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
                    .target_group_arn(target_group_arn)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn set_listener_policies(
        &self,
        listener_arn: &str,
        ssl_policy: Option<&str>,
        alpn_policy: Option<&str>,
    ) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:ModifyListener";
        self.elbv2
            .modify_listener()
            .listener_arn(listener_arn)
            .set_ssl_policy(ssl_policy.map(str::to_string))
            .set_alpn_policy(alpn_policy.map(|p| vec![p.to_string()]))
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        Ok(())
    }

    async fn delete_listener(&self, listener_arn: &str) -> CloudResult<()> {
        const A: &str = "elasticloadbalancing:DeleteListener";
        absent_is_ok(
            self.elbv2
                .delete_listener()
                .listener_arn(listener_arn)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["ListenerNotFound"],
        )
    }

    async fn describe_listeners(&self, load_balancer_arn: &str) -> CloudResult<Vec<ListenerState>> {
        const A: &str = "elasticloadbalancing:DescribeListeners";
        let all = pages(
            A,
            // No load balancer, no listeners.
            &["LoadBalancerNotFound"],
            |marker| {
                self.elbv2
                    .describe_listeners()
                    .load_balancer_arn(load_balancer_arn)
                    .page_size(ELB_PAGE)
                    .set_marker(marker)
                    .send()
            },
            |out| next_token(out.next_marker()),
        )
        .await?;
        Ok(all
            .iter()
            .flat_map(|out| out.listeners())
            .map(listener)
            .collect())
    }

    // ---------------------------------------------------------------- Route 53

    async fn create_private_zone(
        &self,
        name: &str,
        vpc_id: &str,
        region: &str,
        caller_reference: &str,
    ) -> CloudResult<String> {
        const A: &str = "route53:CreateHostedZone";
        if let Some(id) = self
            .zone_by_caller_reference(name, caller_reference)
            .await?
        {
            return Ok(id);
        }
        let res = self
            .route53
            .create_hosted_zone()
            .name(name)
            .caller_reference(caller_reference)
            .vpc(
                aws_sdk_route53::types::Vpc::builder()
                    .vpc_id(vpc_id)
                    .vpc_region(VpcRegion::from(region))
                    .build(),
            )
            .hosted_zone_config(
                HostedZoneConfig::builder()
                    .private_zone(true)
                    // The plan id in the comment: the zone is recognisable as this plan's
                    // even without a journal (zones' tags are not part of discovery).
                    .comment(cli::private_zone_comment(caller_reference))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk_err(A, e));
        match res {
            Ok(out) => out
                .hosted_zone()
                .map(|z| bare_zone_id(z.id()))
                .ok_or_else(|| internal(A, "hosted zone")),
            // The same caller reference was used before (a lost answer): that zone is ours.
            Err(e) if has_code(&e, &["HostedZoneAlreadyExists"]) => self
                .zone_by_caller_reference(name, caller_reference)
                .await?
                .ok_or(e),
            Err(e) => Err(e),
        }
    }

    async fn zones_named(&self, name: &str) -> CloudResult<Vec<crate::domain::HostedZone>> {
        Ok(self
            .zones_named_with_reference(name)
            .await?
            .into_iter()
            .map(|(z, _)| z)
            .collect())
    }

    async fn associate_vpc(&self, zone_id: &str, vpc_id: &str, region: &str) -> CloudResult<()> {
        const A: &str = "route53:AssociateVPCWithHostedZone";
        let res = self
            .route53
            .associate_vpc_with_hosted_zone()
            .hosted_zone_id(zone_id)
            .vpc(
                aws_sdk_route53::types::Vpc::builder()
                    .vpc_id(vpc_id)
                    .vpc_region(VpcRegion::from(region))
                    .build(),
            )
            .customize()
            .config_override(once::route53())
            .send()
            .await
            .map_err(|e| sdk_err(A, e));
        match res {
            Ok(_) => Ok(()),
            // Already associated — with this zone (fine) or another of the same name (not fine).
            Err(e) if has_code(&e, &["ConflictingDomainExists"]) => {
                use super::Cloud;
                let zone = self.get_hosted_zone(zone_id).await?;
                if zone.vpcs.iter().any(|v| v.vpc_id == vpc_id) {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn delete_hosted_zone(&self, zone_id: &str) -> CloudResult<()> {
        const A: &str = "route53:DeleteHostedZone";
        absent_is_ok(
            self.route53
                .delete_hosted_zone()
                .id(zone_id)
                .send()
                .await
                .map_err(|e| sdk_err(A, e)),
            &["NoSuchHostedZone"],
        )
    }

    async fn change_alias_record(
        &self,
        action: RecordAction,
        record: &AliasRecord,
    ) -> CloudResult<Option<String>> {
        const A: &str = "route53:ChangeResourceRecordSets";
        let bad = |what: &str| CloudError::new(ErrorKind::InvalidRequest, A, what.to_string());
        let alias = AliasTarget::builder()
            .dns_name(&record.target_dns_name)
            .hosted_zone_id(&record.target_zone_id)
            .evaluate_target_health(record.evaluate_target_health)
            .build()
            .map_err(|e| bad(&e.to_string()))?;
        let rrset = ResourceRecordSet::builder()
            .name(fqdn(&record.name))
            .r#type(RrType::A)
            .alias_target(alias)
            .build()
            .map_err(|e| bad(&e.to_string()))?;
        let change = Change::builder()
            .action(change_action(action))
            .resource_record_set(rrset)
            .build()
            .map_err(|e| bad(&e.to_string()))?;
        // Deleting what is not there is success (moto accepts such a DELETE once the record
        // existed; AWS refuses it with InvalidChangeBatch).
        if action == RecordAction::Delete
            && !self.a_record_exists(&record.zone_id, &record.name).await?
        {
            return Ok(None);
        }
        let batch = ChangeBatch::builder()
            .changes(change)
            .comment(cli::COMMENT)
            .build()
            .map_err(|e| bad(&e.to_string()))?;
        let res = self
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(&record.zone_id)
            .change_batch(batch)
            .send()
            .await
            .map_err(|e| sdk_err(A, e));
        match res {
            Ok(out) => out
                .change_info()
                .map(|c| Some(c.id().trim_start_matches("/change/").to_string()))
                .ok_or_else(|| internal(A, "change")),
            Err(e)
                if action == RecordAction::Delete
                    && has_code(&e, &["InvalidChangeBatch", "InvalidInput"]) =>
            {
                // AWS: "Tried to delete resource record set … but it was not found".
                if e.message.to_ascii_lowercase().contains("not found")
                    || !self.a_record_exists(&record.zone_id, &record.name).await?
                {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn change_records(
        &self,
        zone_id: &str,
        changes: &[(RecordAction, crate::domain::RecordSet)],
    ) -> CloudResult<Option<String>> {
        const A: &str = "route53:ChangeResourceRecordSets";
        if changes.is_empty() {
            return Ok(None);
        }
        let bad = |what: &str| CloudError::new(ErrorKind::InvalidRequest, A, what.to_string());
        let mut batch = ChangeBatch::builder().comment(cli::COMMENT);
        for (action, record) in changes {
            let mut rrset = ResourceRecordSet::builder()
                .name(fqdn(&record.name))
                .r#type(RrType::from(record.record_type.as_str()));
            match (&record.alias_target, &record.alias_zone_id) {
                (Some(dns), Some(zone)) => {
                    rrset = rrset.alias_target(
                        AliasTarget::builder()
                            .dns_name(dns)
                            .hosted_zone_id(zone)
                            .evaluate_target_health(record.evaluate_target_health)
                            .build()
                            .map_err(|e| bad(&e.to_string()))?,
                    );
                }
                (Some(_), None) => {
                    return Err(bad(
                        "the alias record's target zone is unknown: it cannot be written",
                    ))
                }
                _ => {
                    rrset = rrset.ttl(record.ttl.unwrap_or(300));
                    for v in &record.values {
                        rrset = rrset.resource_records(
                            aws_sdk_route53::types::ResourceRecord::builder()
                                .value(v)
                                .build()
                                .map_err(|e| bad(&e.to_string()))?,
                        );
                    }
                }
            }
            batch = batch.changes(
                Change::builder()
                    .action(change_action(*action))
                    .resource_record_set(rrset.build().map_err(|e| bad(&e.to_string()))?)
                    .build()
                    .map_err(|e| bad(&e.to_string()))?,
            );
        }
        let op = self
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(batch.build().map_err(|e| bad(&e.to_string()))?)
            .customize();
        let upsert_only = changes.iter().all(|(a, _)| *a == RecordAction::Upsert);
        let op = if super::idempotency::may_resend(super::idempotency::record_batch(upsert_only)) {
            op
        } else {
            op.config_override(once::route53())
        };
        let out = op.send().await.map_err(|e| sdk_err(A, e))?;
        Ok(out
            .change_info()
            .map(|c| c.id().trim_start_matches("/change/").to_string()))
    }

    async fn change_status(&self, change_id: &str) -> CloudResult<String> {
        const A: &str = "route53:GetChange";
        let out = self
            .route53
            .get_change()
            .id(change_id)
            .send()
            .await
            .map_err(|e| sdk_err(A, e))?;
        out.change_info()
            .map(|c| c.status().as_str().to_string())
            .ok_or_else(|| internal(A, "change"))
    }
}

#[cfg(test)]
mod tests {
    use super::ingress_rules;
    use crate::cloud::write::{api_policy, same_policy};
    use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};

    #[test]
    fn escaped_policies_come_back_as_json() {
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}]}"#;
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Resource":"arn:aws:execute-api:us-east-1:1:a/*"}]}"#;
        assert_eq!(api_policy(Some(escaped)).as_deref(), Some(plain));
        assert_eq!(api_policy(Some(plain)).as_deref(), Some(plain));
        assert_eq!(api_policy(Some("")), None);
        assert!(same_policy(Some(escaped), Some(plain)));
        assert!(same_policy(None, Some("")));
        assert!(!same_policy(None, Some(plain)));
    }

    #[test]
    fn ingress_rules_keep_single_tcp_ports() {
        let perms = vec![
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/24").build())
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id("sg-1")
                        .description("nlb")
                        .build(),
                )
                .build(),
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(1000)
                .to_port(2000)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        ];
        let rules = ingress_rules(&perms);
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].source, "10.0.0.0/24");
        assert_eq!(rules[1].source, "sg-1");
        assert_eq!(rules[1].description, "nlb");
    }
}
