//! Every write call of the account as the `aws` CLI command that sends the same request: the one
//! generator of the lines the apply screen, `apply --json`, destroy and `export --format sh`
//! show. Each function takes the values the matching `CloudWrite` method sends (same names), so
//! the line and the request cannot drift apart; the request's fixed settings (protocols, ports,
//! templates, comments) are the constants below, which `aws_write.rs` sends.
//!
//! Lines are shell-quoted for bash: a structure (tags, policies, change batches, patch
//! operations) is inline JSON in single quotes. A value may hold a shell variable made by
//! [`var`] (the script's id of a resource made earlier); it is written `"${NAME}"`, also inside
//! JSON.

use serde_json::{json, Value};

use super::write::{
    AliasRecord, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, Patch, RecordAction,
};
use crate::domain::{RecordSet, Tag};

/// The target group's protocol and port, and its health check's.
pub const TG_PROTOCOL: &str = "TLS";
pub const TG_PORT: u16 = 443;
pub const HEALTH_CHECK_PROTOCOL: &str = "TCP";
pub const HEALTH_CHECK_PORT: &str = "traffic-port";
/// CreateDeployment's description and every Route 53 change batch's comment.
pub const COMMENT: &str = "fixedip-tui";
/// The /ping MOCK integration's request template and its 200 answer.
pub const PING_PATH_PART: &str = "ping";
pub const PING_REQUEST_TEMPLATE: &str = "{\"statusCode\": 200}";
pub const PING_RESPONSE_TEMPLATE: &str = "{\"ok\":true}";
pub const JSON_TYPE: &str = "application/json";
/// The load balancer attribute of cross-zone load balancing.
pub const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";

/// A value that the script fills in from shell variable `name` (an id it read earlier).
pub fn var(name: &str) -> String {
    format!("{VAR_START}{name}{VAR_END}")
}

const VAR_START: char = '\u{E000}';
const VAR_END: char = '\u{E001}';

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// `--flag value`
    One(String),
    /// `--flag v1 v2 …` (a list of strings)
    Many(Vec<String>),
    /// `--flag '<json>'`
    Json(Value),
    /// `--flag` alone (a boolean flag, or `--no-…`)
    Bare,
}

/// One `aws` CLI command: service, operation and its parameters in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub service: &'static str,
    pub operation: &'static str,
    args: Vec<(String, Arg)>,
}

impl Command {
    pub fn new(service: &'static str, operation: &'static str) -> Self {
        Command {
            service,
            operation,
            args: Vec::new(),
        }
    }

    /// `--flag value`
    pub fn arg(mut self, flag: &str, value: impl Into<String>) -> Self {
        self.args.push((flag.to_string(), Arg::One(value.into())));
        self
    }

    /// `--flag v1 v2 …`
    pub fn list<S: AsRef<str>>(mut self, flag: &str, values: &[S]) -> Self {
        let values = values.iter().map(|v| v.as_ref().to_string()).collect();
        self.args.push((flag.to_string(), Arg::Many(values)));
        self
    }

    /// `--flag '<json>'`
    pub fn json(mut self, flag: &str, value: Value) -> Self {
        self.args.push((flag.to_string(), Arg::Json(value)));
        self
    }

    /// `--flag` alone.
    pub fn flag(mut self, flag: &str) -> Self {
        self.args.push((flag.to_string(), Arg::Bare));
        self
    }

    /// Add `--flag value` only when `value` is `Some`.
    pub fn arg_opt(self, flag: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.arg(flag, v),
            None => self,
        }
    }

    /// The command as one shell line, `aws <service> <operation> …` (no region: the script's
    /// comes from `AWS_REGION`).
    pub fn shell(&self) -> String {
        let mut words = vec![
            "aws".to_string(),
            self.service.to_string(),
            self.operation.to_string(),
        ];
        for (flag, arg) in &self.args {
            words.push(flag.clone());
            match arg {
                Arg::One(v) => words.push(quote(v)),
                Arg::Many(vs) => words.extend(vs.iter().map(|v| quote(v))),
                Arg::Json(v) => words.push(quote(&v.to_string())),
                Arg::Bare => {}
            }
        }
        words.join(" ")
    }

    /// The command as the apply shows it: `aws --region R <service> <operation> …`.
    pub fn line(&self, region: &str) -> String {
        let shell = self.shell();
        let rest = shell.strip_prefix("aws ").unwrap_or(&shell);
        format!("aws --region {} {rest}", quote(region))
    }
}

/// Whether `c` needs no quoting in bash.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c)
}

/// `s` as one bash word: bare when it is plain, else single-quoted; variables made by [`var`]
/// as `"${NAME}"` between the quoted parts.
pub fn quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find(VAR_START) {
            Some(0) => {
                let end = rest.find(VAR_END).unwrap_or(rest.len());
                let name = &rest[VAR_START.len_utf8()..end];
                out.push_str(&format!("\"${{{name}}}\""));
                rest = rest.get(end + VAR_END.len_utf8()..).unwrap_or("");
            }
            at => {
                let end = at.unwrap_or(rest.len());
                out.push_str(&quote_literal(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

fn quote_literal(s: &str) -> String {
    if s.chars().all(plain) {
        s.to_string()
    } else if s.contains('\'') && !s.contains(['"', '$', '`', '\\', '!']) {
        // A JMESPath filter (`[?path=='/']`) reads better in double quotes.
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

// ---- JSON shapes shared by several calls.

fn ec2_tag_specifications(kind: &str, tags: &[Tag]) -> Value {
    json!([{ "ResourceType": kind, "Tags": key_value_tags(tags) }])
}

fn key_value_tags(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({ "Key": t.key, "Value": t.value }))
            .collect(),
    )
}

fn tag_map(tags: &[Tag]) -> Value {
    Value::Object(
        tags.iter()
            .map(|t| (t.key.clone(), Value::String(t.value.clone())))
            .collect(),
    )
}

/// One TCP permission of a rule, as `aws_write::ip_permission` sends it.
pub fn ip_permission(rule: &IngressRule, with_description: bool) -> Value {
    let mut source = if rule.source.starts_with("sg-") {
        json!({ "GroupId": rule.source })
    } else if rule.source.contains(':') {
        json!({ "CidrIpv6": rule.source })
    } else {
        json!({ "CidrIp": rule.source })
    };
    if with_description && !rule.description.is_empty() {
        source["Description"] = Value::String(rule.description.clone());
    }
    let ranges = if rule.source.starts_with("sg-") {
        "UserIdGroupPairs"
    } else if rule.source.contains(':') {
        "Ipv6Ranges"
    } else {
        "IpRanges"
    };
    json!({
        "IpProtocol": "tcp",
        "FromPort": rule.port,
        "ToPort": rule.port,
        ranges: [source],
    })
}

fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

// ---- EC2

/// The VPC attribute ModifyVpcAttribute sets (one per call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcDnsAttribute {
    Support,
    Hostnames,
}

pub fn set_vpc_dns(vpc_id: &str, attribute: VpcDnsAttribute, value: bool) -> Command {
    let flag = match attribute {
        VpcDnsAttribute::Support => "--enable-dns-support",
        VpcDnsAttribute::Hostnames => "--enable-dns-hostnames",
    };
    Command::new("ec2", "modify-vpc-attribute")
        .arg("--vpc-id", vpc_id)
        .json(flag, json!({ "Value": value }))
}

pub fn create_security_group(vpc_id: &str, name: &str, description: &str, tags: &[Tag]) -> Command {
    let c = Command::new("ec2", "create-security-group")
        .arg("--vpc-id", vpc_id)
        .arg("--group-name", name)
        .arg("--description", description);
    with_ec2_tags(c, "security-group", tags)
}

fn with_ec2_tags(c: Command, kind: &str, tags: &[Tag]) -> Command {
    if tags.is_empty() {
        c
    } else {
        c.json("--tag-specifications", ec2_tag_specifications(kind, tags))
    }
}

/// AuthorizeSecurityGroupIngress of every rule in one request.
pub fn authorize_ingress(group_id: &str, rules: &[IngressRule]) -> Command {
    Command::new("ec2", "authorize-security-group-ingress")
        .arg("--group-id", group_id)
        .json(
            "--ip-permissions",
            Value::Array(rules.iter().map(|r| ip_permission(r, true)).collect()),
        )
}

/// RevokeSecurityGroupIngress of one rule (the adapter sends one request per rule).
pub fn revoke_ingress(group_id: &str, rule: &IngressRule) -> Command {
    Command::new("ec2", "revoke-security-group-ingress")
        .arg("--group-id", group_id)
        .json("--ip-permissions", json!([ip_permission(rule, true)]))
}

pub fn delete_security_group(id: &str) -> Command {
    Command::new("ec2", "delete-security-group").arg("--group-id", id)
}

pub fn allocate_address(tags: &[Tag]) -> Command {
    with_ec2_tags(
        Command::new("ec2", "allocate-address").arg("--domain", "vpc"),
        "elastic-ip",
        tags,
    )
}

pub fn release_address(allocation_id: &str) -> Command {
    Command::new("ec2", "release-address").arg("--allocation-id", allocation_id)
}

pub fn create_vpc_endpoint(req: &NewEndpoint) -> Command {
    let mut c = Command::new("ec2", "create-vpc-endpoint")
        .arg("--vpc-endpoint-type", "Interface")
        .arg("--vpc-id", &req.vpc_id)
        .arg("--service-name", &req.service_name)
        .list("--subnet-ids", &req.subnet_ids);
    if !req.security_group_ids.is_empty() {
        c = c.list("--security-group-ids", &req.security_group_ids);
    }
    c = c.flag(if req.private_dns {
        "--private-dns-enabled"
    } else {
        "--no-private-dns-enabled"
    });
    if !req.ipv4_addresses.is_empty() {
        let configs = req
            .ipv4_addresses
            .iter()
            .map(|(subnet, ip)| json!({ "SubnetId": subnet, "Ipv4": ip }))
            .collect();
        c = c.json("--subnet-configurations", Value::Array(configs));
    }
    if !req.client_token.is_empty() {
        c = c.arg("--client-token", &req.client_token);
    }
    with_ec2_tags(c, "vpc-endpoint", &req.tags)
}

pub fn add_endpoint_security_groups(id: &str, group_ids: &[String]) -> Command {
    Command::new("ec2", "modify-vpc-endpoint")
        .arg("--vpc-endpoint-id", id)
        .list("--add-security-group-ids", group_ids)
}

pub fn remove_endpoint_security_groups(id: &str, group_ids: &[String]) -> Command {
    Command::new("ec2", "modify-vpc-endpoint")
        .arg("--vpc-endpoint-id", id)
        .list("--remove-security-group-ids", group_ids)
}

pub fn delete_vpc_endpoint(id: &str) -> Command {
    Command::new("ec2", "delete-vpc-endpoints").list("--vpc-endpoint-ids", &[id])
}

// ---- API Gateway

pub fn create_rest_api(
    name: &str,
    vpc_endpoint_ids: &[String],
    policy: &str,
    tags: &[Tag],
) -> Command {
    let mut c = Command::new("apigateway", "create-rest-api")
        .arg("--name", name)
        .json(
            "--endpoint-configuration",
            json!({ "types": ["PRIVATE"], "vpcEndpointIds": vpc_endpoint_ids }),
        );
    if !policy.is_empty() {
        c = c.arg("--policy", policy);
    }
    if !tags.is_empty() {
        c = c.json("--tags", tag_map(tags));
    }
    c
}

fn patch_operations(ops: &[Patch]) -> Value {
    Value::Array(
        ops.iter()
            .map(|p| json!({ "op": p.op, "path": p.path, "value": p.value }))
            .collect(),
    )
}

pub fn update_rest_api(id: &str, ops: &[Patch]) -> Command {
    Command::new("apigateway", "update-rest-api")
        .arg("--rest-api-id", id)
        .json("--patch-operations", patch_operations(ops))
}

pub fn set_stage_deployment(api_id: &str, stage: &str, deployment_id: &str) -> Command {
    Command::new("apigateway", "update-stage")
        .arg("--rest-api-id", api_id)
        .arg("--stage-name", stage)
        .json(
            "--patch-operations",
            patch_operations(&[Patch::new("replace", "/deploymentId", deployment_id)]),
        )
}

pub fn delete_stage(api_id: &str, stage: &str) -> Command {
    Command::new("apigateway", "delete-stage")
        .arg("--rest-api-id", api_id)
        .arg("--stage-name", stage)
}

pub fn create_resource(api_id: &str, parent_id: &str, path_part: &str) -> Command {
    Command::new("apigateway", "create-resource")
        .arg("--rest-api-id", api_id)
        .arg("--parent-id", parent_id)
        .arg("--path-part", path_part)
}

/// The four calls that make `GET /ping` a MOCK answering 200 `{"ok":true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingPart {
    Method,
    Integration,
    MethodResponse,
    IntegrationResponse,
}

impl PingPart {
    pub const ALL: [PingPart; 4] = [
        PingPart::Method,
        PingPart::Integration,
        PingPart::MethodResponse,
        PingPart::IntegrationResponse,
    ];
}

pub fn put_ping(api_id: &str, resource_id: &str, part: PingPart) -> Command {
    let on = |op| {
        Command::new("apigateway", op)
            .arg("--rest-api-id", api_id)
            .arg("--resource-id", resource_id)
            .arg("--http-method", "GET")
    };
    match part {
        PingPart::Method => on("put-method").arg("--authorization-type", "NONE"),
        PingPart::Integration => on("put-integration").arg("--type", "MOCK").json(
            "--request-templates",
            json!({ JSON_TYPE: PING_REQUEST_TEMPLATE }),
        ),
        PingPart::MethodResponse => on("put-method-response")
            .arg("--status-code", "200")
            .json("--response-models", json!({ JSON_TYPE: "Empty" })),
        PingPart::IntegrationResponse => on("put-integration-response")
            .arg("--status-code", "200")
            .json(
                "--response-templates",
                json!({ JSON_TYPE: PING_RESPONSE_TEMPLATE }),
            ),
    }
}

pub fn create_deployment(api_id: &str, stage: &str) -> Command {
    Command::new("apigateway", "create-deployment")
        .arg("--rest-api-id", api_id)
        .arg("--stage-name", stage)
        .arg("--description", COMMENT)
}

pub fn delete_rest_api(id: &str) -> Command {
    Command::new("apigateway", "delete-rest-api").arg("--rest-api-id", id)
}

pub fn create_domain_name(
    name: &str,
    certificate_arn: &str,
    security_policy: &str,
    tags: &[Tag],
) -> Command {
    let c = Command::new("apigateway", "create-domain-name")
        .arg("--domain-name", name)
        .arg("--regional-certificate-arn", certificate_arn)
        .json("--endpoint-configuration", json!({ "types": ["REGIONAL"] }))
        .arg("--security-policy", security_policy);
    if tags.is_empty() {
        c
    } else {
        c.json("--tags", tag_map(tags))
    }
}

pub fn delete_domain_name(name: &str) -> Command {
    Command::new("apigateway", "delete-domain-name").arg("--domain-name", name)
}

pub fn create_base_path_mapping(
    domain: &str,
    api_id: &str,
    stage: &str,
    base_path: Option<&str>,
) -> Command {
    Command::new("apigateway", "create-base-path-mapping")
        .arg("--domain-name", domain)
        .arg("--rest-api-id", api_id)
        .arg("--stage", stage)
        .arg_opt("--base-path", base_path.filter(|b| !b.is_empty()))
}

/// `base_path`: `(none)` (the root) when `None`, as API Gateway names it.
pub fn delete_base_path_mapping(domain: &str, base_path: Option<&str>) -> Command {
    Command::new("apigateway", "delete-base-path-mapping")
        .arg("--domain-name", domain)
        .arg(
            "--base-path",
            base_path.filter(|b| !b.is_empty()).unwrap_or("(none)"),
        )
}

// ---- ELBv2

fn with_elb_tags(c: Command, tags: &[Tag]) -> Command {
    if tags.is_empty() {
        c
    } else {
        c.json("--tags", key_value_tags(tags))
    }
}

pub fn create_target_group(name: &str, vpc_id: &str, tags: &[Tag]) -> Command {
    let c = Command::new("elbv2", "create-target-group")
        .arg("--name", name)
        .arg("--protocol", TG_PROTOCOL)
        .arg("--port", TG_PORT.to_string())
        .arg("--target-type", "ip")
        .arg("--vpc-id", vpc_id)
        .arg("--health-check-protocol", HEALTH_CHECK_PROTOCOL)
        .arg("--health-check-port", HEALTH_CHECK_PORT);
    with_elb_tags(c, tags)
}

fn targets(ips: &[String], port: u16) -> Value {
    Value::Array(
        ips.iter()
            .map(|ip| json!({ "Id": ip, "Port": port }))
            .collect(),
    )
}

pub fn register_targets(target_group_arn: &str, ips: &[String], port: u16) -> Command {
    Command::new("elbv2", "register-targets")
        .arg("--target-group-arn", target_group_arn)
        .json("--targets", targets(ips, port))
}

pub fn deregister_targets(target_group_arn: &str, ips: &[String], port: u16) -> Command {
    Command::new("elbv2", "deregister-targets")
        .arg("--target-group-arn", target_group_arn)
        .json("--targets", targets(ips, port))
}

pub fn delete_target_group(arn: &str) -> Command {
    Command::new("elbv2", "delete-target-group").arg("--target-group-arn", arn)
}

pub fn create_load_balancer(req: &NewLoadBalancer) -> Command {
    let mut c = Command::new("elbv2", "create-load-balancer")
        .arg("--name", &req.name)
        .arg("--type", "network")
        .arg("--scheme", "internet-facing")
        .arg("--ip-address-type", "ipv4");
    if req.allocation_ids.is_empty() {
        c = c.list("--subnets", &req.subnet_ids);
    } else {
        let mappings = req
            .subnet_ids
            .iter()
            .map(|s| match req.allocation_ids.get(s) {
                Some(a) => json!({ "SubnetId": s, "AllocationId": a }),
                None => json!({ "SubnetId": s }),
            })
            .collect();
        c = c.json("--subnet-mappings", Value::Array(mappings));
    }
    if !req.security_group_ids.is_empty() {
        c = c.list("--security-groups", &req.security_group_ids);
    }
    with_elb_tags(c, &req.tags)
}

pub fn set_cross_zone(arn: &str, enabled: bool) -> Command {
    Command::new("elbv2", "modify-load-balancer-attributes")
        .arg("--load-balancer-arn", arn)
        .json(
            "--attributes",
            json!([{ "Key": CROSS_ZONE, "Value": if enabled { "true" } else { "false" } }]),
        )
}

pub fn delete_load_balancer(arn: &str) -> Command {
    Command::new("elbv2", "delete-load-balancer").arg("--load-balancer-arn", arn)
}

fn forward_to(target_group_arn: &str) -> Value {
    json!([{ "Type": "forward", "TargetGroupArn": target_group_arn }])
}

pub fn create_listener(req: &NewListener) -> Command {
    let mut c = Command::new("elbv2", "create-listener")
        .arg("--load-balancer-arn", &req.load_balancer_arn)
        .arg("--protocol", "TLS")
        .arg("--port", req.port.to_string())
        .json(
            "--certificates",
            json!([{ "CertificateArn": req.certificate_arn }]),
        );
    if !req.ssl_policy.is_empty() {
        c = c.arg("--ssl-policy", &req.ssl_policy);
    }
    if !req.alpn_policy.is_empty() {
        c = c.list("--alpn-policy", &[&req.alpn_policy]);
    }
    c = c.json("--default-actions", forward_to(&req.target_group_arn));
    with_elb_tags(c, &req.tags)
}

pub fn set_listener_target(listener_arn: &str, target_group_arn: &str) -> Command {
    Command::new("elbv2", "modify-listener")
        .arg("--listener-arn", listener_arn)
        .json("--default-actions", forward_to(target_group_arn))
}

pub fn set_listener_policies(
    listener_arn: &str,
    ssl_policy: Option<&str>,
    alpn_policy: Option<&str>,
) -> Command {
    let c = Command::new("elbv2", "modify-listener")
        .arg("--listener-arn", listener_arn)
        .arg_opt("--ssl-policy", ssl_policy);
    match alpn_policy {
        Some(p) => c.list("--alpn-policy", &[p]),
        None => c,
    }
}

pub fn delete_listener(listener_arn: &str) -> Command {
    Command::new("elbv2", "delete-listener").arg("--listener-arn", listener_arn)
}

// ---- Route 53

fn vpc(vpc_id: &str, region: &str) -> Value {
    json!({ "VPCRegion": region, "VPCId": vpc_id })
}

/// The comment of a private zone the plan made: its caller reference names the plan.
pub fn private_zone_comment(caller_reference: &str) -> String {
    format!("{COMMENT} {caller_reference}")
}

pub fn create_private_zone(
    name: &str,
    vpc_id: &str,
    region: &str,
    caller_reference: &str,
) -> Command {
    Command::new("route53", "create-hosted-zone")
        .arg("--name", name)
        .arg("--caller-reference", caller_reference)
        .json("--vpc", vpc(vpc_id, region))
        .json(
            "--hosted-zone-config",
            json!({ "Comment": private_zone_comment(caller_reference), "PrivateZone": true }),
        )
}

pub fn associate_vpc(zone_id: &str, vpc_id: &str, region: &str) -> Command {
    Command::new("route53", "associate-vpc-with-hosted-zone")
        .arg("--hosted-zone-id", zone_id)
        .json("--vpc", vpc(vpc_id, region))
}

pub fn delete_hosted_zone(zone_id: &str) -> Command {
    Command::new("route53", "delete-hosted-zone").arg("--id", zone_id)
}

fn alias_change(action: RecordAction, record: &AliasRecord) -> Value {
    json!({
        "Action": action.as_str(),
        "ResourceRecordSet": {
            "Name": fqdn(&record.name),
            "Type": "A",
            "AliasTarget": {
                "HostedZoneId": record.target_zone_id,
                "DNSName": record.target_dns_name,
                "EvaluateTargetHealth": record.evaluate_target_health,
            },
        },
    })
}

fn record_change(action: RecordAction, record: &RecordSet) -> Value {
    let mut set = json!({ "Name": fqdn(&record.name), "Type": record.record_type });
    match &record.alias_target {
        Some(dns) => {
            set["AliasTarget"] = json!({
                "HostedZoneId": record.alias_zone_id.clone().unwrap_or_default(),
                "DNSName": dns,
                "EvaluateTargetHealth": record.evaluate_target_health,
            });
        }
        None => {
            set["TTL"] = json!(record.ttl.unwrap_or(300));
            set["ResourceRecords"] = Value::Array(
                record
                    .values
                    .iter()
                    .map(|v| json!({ "Value": v }))
                    .collect(),
            );
        }
    }
    json!({ "Action": action.as_str(), "ResourceRecordSet": set })
}

fn change_batch(zone_id: &str, changes: Vec<Value>) -> Command {
    Command::new("route53", "change-resource-record-sets")
        .arg("--hosted-zone-id", zone_id)
        .json(
            "--change-batch",
            json!({ "Comment": COMMENT, "Changes": changes }),
        )
}

pub fn change_alias_record(action: RecordAction, record: &AliasRecord) -> Command {
    change_batch(&record.zone_id, vec![alias_change(action, record)])
}

pub fn change_records(zone_id: &str, changes: &[(RecordAction, RecordSet)]) -> Command {
    change_batch(
        zone_id,
        changes.iter().map(|(a, r)| record_change(*a, r)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_bash_needs_it() {
        assert_eq!(quote("sg-0123"), "sg-0123");
        assert_eq!(
            quote("arn:aws:elasticloadbalancing:us-east-1:1:x/y"),
            "arn:aws:elasticloadbalancing:us-east-1:1:x/y"
        );
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("it's \"x\""), "'it'\\''s \"x\"'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("(none)"), "'(none)'");
    }

    #[test]
    fn variables_are_expanded_inside_quoted_json() {
        let c = Command::new("elbv2", "register-targets")
            .arg("--target-group-arn", var("TG_ARN"))
            .json("--targets", json!([{ "Id": var("IP_1"), "Port": 443 }]));
        assert_eq!(
            c.shell(),
            "aws elbv2 register-targets --target-group-arn \"${TG_ARN}\" --targets '[{\"Id\":\"'\"${IP_1}\"'\",\"Port\":443}]'"
        );
    }

    #[test]
    fn the_line_names_the_region() {
        let c = delete_security_group("sg-1");
        assert_eq!(
            c.line("eu-west-1"),
            "aws --region eu-west-1 ec2 delete-security-group --group-id sg-1"
        );
    }
}
