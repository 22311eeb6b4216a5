//! The plan as a CloudFormation template (YAML): the resources the apply creates, with the
//! settings the apply uses (`engine::nodes`), the plan's ids as parameters whose defaults are the
//! plan's values, so `aws cloudformation deploy` works as is.
//!
//! The endpoint's IPs (the target group's targets) are not known until the endpoint exists. Two
//! ways, chosen by the `EndpointIps` parameter:
//! - empty (the default): a Lambda-backed custom resource reads them (DescribeVpcEndpoints,
//!   DescribeNetworkInterfaces) inside the stack: one stack, needs `CAPABILITY_IAM`;
//! - given (comma-separated, one per endpoint subnet): no Lambda, no IAM role. The two-stack
//!   step: deploy once with placeholder-free values read after the endpoint exists (`aws ec2
//!   describe-network-interfaces`), or when the endpoint is reused and its IPs are known.
//!
//! Where this differs from the apply, and why (each is said in the template too):
//! - The endpoint's security group admits TCP 443 from the NLB's security group rather than from
//!   the NLB subnets' CIDR blocks: a plan holds subnet ids, not CIDRs, and exporting reads no
//!   account. It admits the same traffic (the NLB's own addresses, health checks included).
//! - Tags: the plan's tags and `fixedip:step`, but `fixedip:exported-from` instead of
//!   `fixedip:plan-id`, so `fixedip-tui apply` of the same plan never takes the stack's
//!   resources for its own (it stops at the name clash instead).
//! - What CloudFormation cannot change because the stack did not create it (a reused endpoint's
//!   security groups, an adopted API's endpoint type and policy, an existing private zone's VPC
//!   association) is written out as commands, in the header and the outputs.
//!
//! - Elastic IPs: new ones are `AWS::EC2::EIP` resources (retained on stack deletion), yours the
//!   `EipAllocationIds` parameter; either way `AllocationId`s in `nlb()`'s `SubnetMappings`.
//! - Pinned endpoint IPs are not in the template: CloudFormation's `AWS::EC2::VPCEndpoint` has no
//!   `SubnetConfigurations` yet (cfn-lint 1.58's schema); a comment at the endpoint says so.

use super::yaml::build::*;
use super::yaml::{document, Item, Node};
use super::ExportError;
use crate::plan::names::{self, step, ENDPOINT_PORT, TAG_STEP};
use crate::plan::{ApiChoice, EndpointChoice, Plan, PrivateZoneChoice};

/// The parameter that switches the endpoint-IP lookup off (the two-stack step).
pub const PARAM_ENDPOINT_IPS: &str = "EndpointIps";
/// The condition under which the lookup resources exist.
pub const LOOKUP_CONDITION: &str = "LookUpEndpoint";
/// The resources of the lookup (absent when `EndpointIps` is given).
pub const LOOKUP_RESOURCES: [&str; 3] = [
    "EndpointLookupRole",
    "EndpointLookupFunction",
    "EndpointLookup",
];
/// Tag naming the plan a stack's resources were exported from.
pub const TAG_EXPORTED_FROM: &str = "fixedip:exported-from";

/// The private IPv4 address of each of the endpoint's network interfaces, in the order of the
/// endpoint's subnets, and its regional DNS name (not a zonal one), as `names::regional_dns_entry`.
const LOOKUP_CODE: &str = r#"# fixedip-tui: the execute-api endpoint's IPs (one per subnet) and regional DNS name.
import time

import boto3
import cfnresponse


def regional(entries):
    vpce = [e for e in entries if ".vpce." in e["DnsName"]]
    for e in vpce:
        last = e["DnsName"].split(".")[0].rsplit("-", 1)[-1]
        # Zonal names end their first label with the AZ, e.g. `-us-east-1a`.
        if not (len(last) == 2 and last[0].isdigit() and last[1].islower()):
            return e
    if vpce:
        return vpce[0]
    return entries[0] if entries else {"DnsName": "", "HostedZoneId": ""}


def handler(event, context):
    props = event["ResourceProperties"]
    physical = event.get("PhysicalResourceId") or props["VpcEndpointId"]
    if event["RequestType"] == "Delete":
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, physical)
        return
    try:
        ec2 = boto3.client("ec2")
        deadline = time.time() + 540
        while True:
            ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[props["VpcEndpointId"]])["VpcEndpoints"][0]
            if ep["State"].lower() == "available" and ep.get("NetworkInterfaceIds"):
                break
            if time.time() > deadline:
                raise RuntimeError("%s is %s, not available" % (ep["VpcEndpointId"], ep["State"]))
            time.sleep(10)
        enis = ec2.describe_network_interfaces(
            NetworkInterfaceIds=ep["NetworkInterfaceIds"])["NetworkInterfaces"]
        order = props.get("SubnetIds") or []

        def rank(n):
            return (order.index(n["SubnetId"]) if n["SubnetId"] in order else len(order), n["SubnetId"])

        ips = [n["PrivateIpAddress"] for n in sorted(enis, key=rank)]
        dns = regional(ep.get("DnsEntries", []))
        data = {"Ips": ",".join(ips), "DnsName": dns["DnsName"], "DnsZoneId": dns["HostedZoneId"]}
        cfnresponse.send(event, context, cfnresponse.SUCCESS, data, physical)
    except Exception as e:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical, reason=str(e))
"#;

/// Logical ids and parameter names, in one place.
mod id {
    pub const VPC: &str = "VpcId";
    pub const ENDPOINT_SUBNETS: &str = "EndpointSubnetIds";
    pub const EXISTING_ENDPOINT: &str = "ExistingEndpointId";
    pub const EXISTING_ENDPOINT_DNS: &str = "ExistingEndpointDnsName";
    pub const EXISTING_ENDPOINT_ZONE: &str = "ExistingEndpointDnsZoneId";
    pub const NLB_SUBNETS: &str = "NlbSubnetIds";
    /// Existing Elastic IPs, one per NLB subnet (plan `eips = existing`).
    pub const EIP_ALLOCATIONS: &str = "EipAllocationIds";
    pub const DOMAIN_NAME: &str = "DomainName";
    pub const CERTIFICATE: &str = "CertificateArn";
    pub const PUBLIC_ZONE: &str = "PublicHostedZoneId";
    pub const EXISTING_PRIVATE_ZONE: &str = "ExistingPrivateZoneId";
    pub const ADOPTED_API: &str = "ApiId";
    pub const CALLERS: &str = "CallerCidrs";
    pub const VPC_CIDR: &str = "VpcCidr";

    pub const ENDPOINT_SG: &str = "EndpointSecurityGroup";
    pub const NLB_SG: &str = "NlbSecurityGroup";
    pub const ENDPOINT: &str = "Endpoint";
    pub const API: &str = "Api";
    pub const PING_RESOURCE: &str = "PingResource";
    pub const PING_METHOD: &str = "PingMethod";
    pub const DEPLOYMENT: &str = "Deployment";
    pub const STAGE: &str = "Stage";
    pub const DOMAIN: &str = "Domain";
    pub const MAPPING: &str = "Mapping";
    pub const TARGET_GROUP: &str = "TargetGroup";
    pub const NLB: &str = "Nlb";
    pub const LISTENER: &str = "Listener";
    pub const PRIVATE_ZONE: &str = "PrivateZone";
    pub const PUBLIC_RECORD: &str = "PublicRecord";
    pub const PRIVATE_RECORD: &str = "PrivateRecord";
}

/// `fixedip:step` of the lookup's Lambda and role.
const STEP_LOOKUP: &str = "endpoint-lookup";

/// The template for `plan`, as YAML text.
pub fn cloudformation(plan: &Plan) -> Result<String, ExportError> {
    let t = Template::new(plan)?;
    Ok(document(&t.items()))
}

struct Template<'a> {
    plan: &'a Plan,
    /// How many IPs the endpoint has: one per endpoint subnet (for a reused endpoint, one per
    /// NLB subnet, since the plan's NLB subnets cover exactly the endpoint's AZs).
    ip_count: usize,
    callers: Vec<String>,
}

/// The logical id of the Elastic IP of NLB subnet `i`.
fn eip_id(i: usize) -> String {
    format!("NlbEip{}", i + 1)
}

fn tags(plan: &Plan, step: &str) -> Node {
    let mut t = plan.tags.clone();
    t.insert(TAG_EXPORTED_FROM.into(), plan.id.clone());
    t.insert(TAG_STEP.into(), step.into());
    seq(t
        .into_iter()
        .map(|(k, v)| map(vec![("Key", s(k)), ("Value", s(v))]))
        .collect())
}

fn resource(kind: &str, properties: Vec<(&str, Node)>) -> Vec<Item> {
    vec![pair("Type", s(kind)), pair("Properties", map(properties))]
}

fn param(kind: &str, default: Option<String>, description: &str) -> Node {
    let mut items = vec![pair("Type", s(kind))];
    if let Some(d) = default {
        items.push(pair("Default", s(d)));
    }
    items.push(pair("Description", s(description)));
    Node::Map(items)
}

impl<'a> Template<'a> {
    fn new(plan: &'a Plan) -> Result<Self, ExportError> {
        if plan.nlb_subnet_ids.is_empty() {
            return Err(ExportError::NoNlbSubnets);
        }
        if plan.adopt_nlb.is_some() || plan.adopt_target_group.is_some() {
            return Err(ExportError::Adopts);
        }
        if plan.name.trim().is_empty() {
            return Err(ExportError::NoName);
        }
        if plan.stage.trim().is_empty() {
            return Err(ExportError::NoStage);
        }
        let ip_count = match &plan.endpoint {
            EndpointChoice::Create { subnet_ids, .. } if subnet_ids.is_empty() => {
                return Err(ExportError::NoEndpointSubnets)
            }
            EndpointChoice::Create { subnet_ids, .. } => subnet_ids.len(),
            EndpointChoice::Reuse { .. } => plan.nlb_subnet_ids.len(),
        };
        // The same normalisation as the apply's NLB security group rules.
        let callers = plan
            .allow_cidrs
            .iter()
            .map(|c| names::nlb_caller(c))
            .collect();
        Ok(Template {
            plan,
            ip_count,
            callers,
        })
    }

    fn reuses_endpoint(&self) -> Option<&str> {
        match &self.plan.endpoint {
            EndpointChoice::Reuse { vpc_endpoint_id } => Some(vpc_endpoint_id),
            EndpointChoice::Create { .. } => None,
        }
    }

    fn adopted_api(&self) -> Option<&str> {
        match &self.plan.api {
            ApiChoice::Adopt { rest_api_id } => Some(rest_api_id),
            ApiChoice::Create { .. } => None,
        }
    }

    fn existing_private_zone(&self) -> Option<&str> {
        match &self.plan.private_zone {
            PrivateZoneChoice::Existing { zone_id } => Some(zone_id),
            PrivateZoneChoice::Create => None,
        }
    }

    fn endpoint_id(&self) -> Node {
        r(if self.reuses_endpoint().is_some() {
            id::EXISTING_ENDPOINT
        } else {
            id::ENDPOINT
        })
    }

    fn api_id(&self) -> Node {
        r(if self.adopted_api().is_some() {
            id::ADOPTED_API
        } else {
            id::API
        })
    }

    fn private_zone_id(&self) -> Node {
        r(if self.existing_private_zone().is_some() {
            id::EXISTING_PRIVATE_ZONE
        } else {
            id::PRIVATE_ZONE
        })
    }

    fn base_path(&self) -> Option<&str> {
        self.plan
            .base_path
            .as_deref()
            .map(|b| b.trim_matches('/'))
            .filter(|b| !b.is_empty())
    }

    /// The endpoint's IPs as a list: the lookup's, or the `EndpointIps` parameter's.
    fn endpoint_ips(&self) -> Node {
        split(
            ",",
            if_(
                LOOKUP_CONDITION,
                get_att("EndpointLookup", "Ips"),
                r(PARAM_ENDPOINT_IPS),
            ),
        )
    }

    fn items(&self) -> Vec<Item> {
        let mut out = vec![
            comment(self.header()),
            pair("AWSTemplateFormatVersion", s("2010-09-09")),
        ];
        out.push(pair(
            "Description",
            s(format!(
                "fixedip-tui plan {}: fixed IP addresses for {} (internet-facing NLB -> execute-api VPC endpoint -> PRIVATE REST API)",
                self.plan.id,
                self.plan.name.trim_end_matches('.')
            )),
        ));
        out.push(Item::Blank);
        out.push(pair("Parameters", Node::Map(self.parameters())));
        out.push(Item::Blank);
        out.push(pair(
            "Conditions",
            map(vec![(
                LOOKUP_CONDITION,
                equals(r(PARAM_ENDPOINT_IPS), s("")),
            )]),
        ));
        out.push(Item::Blank);
        out.push(pair("Resources", Node::Map(self.resources())));
        out.push(Item::Blank);
        out.push(pair("Outputs", Node::Map(self.outputs())));
        out
    }

    /// The header's words on the fixed IPs, as the plan has them (Elastic IPs: in the template).
    fn fixed_ips_header(&self) -> Vec<&'static str> {
        match self.plan.eips {
            crate::plan::EipChoice::New => vec![
                "The fixed IPs: one new Elastic IP per NLB subnet (NlbEip1, ...), in the NLB's SubnetMappings,",
                "retained when the stack is deleted (DeletionPolicy Retain: the partner allow-listed them).",
                "Read them from the FixedIps output (or `fixedip-tui status`).",
            ],
            crate::plan::EipChoice::Existing { .. } => vec![
                "The fixed IPs: your Elastic IPs (parameter EipAllocationIds, one per NLB subnet), in the",
                "NLB's SubnetMappings; the stack never releases them. NlbPublicIpsCommand prints them.",
            ],
            crate::plan::EipChoice::None => vec![
                "The fixed IPs: the NLB gets one public IP per subnet from AWS at creation; they stay as long",
                "as the NLB is not replaced. Read them after the stack (output NlbPublicIpsCommand, or",
                "`fixedip-tui status`), or give the NLB Elastic IPs (SubnetMappings[].AllocationId).",
            ],
        }
    }

    fn header(&self) -> String {
        let p = self.plan;
        let mut h = vec![
            format!("fixedip-tui export of plan {} ({}, {}, account {}).", p.id, p.name.trim_end_matches('.'), p.region, p.account),
            "Internet-facing NLB (TLS) -> execute-api interface VPC endpoint -> PRIVATE REST API, a regional".into(),
            "custom domain with the same name, and A alias records in the public and the private zone.".into(),
            String::new(),
            "Deploy (parameters default to the plan's choices):".into(),
            format!("  aws cloudformation deploy --region {} --stack-name {} \\", p.region, p.id),
            "    --template-file template.yaml --capabilities CAPABILITY_IAM".into(),
            String::new(),
            "The endpoint's IPs (the NLB's targets) are read by a Lambda-backed custom resource. Without".into(),
            "Lambda / IAM (two steps): read them once the endpoint exists, then deploy with".into(),
            "  --parameter-overrides EndpointIps=10.0.1.10,10.0.2.10,... (one per endpoint subnet)".into(),
            "(aws ec2 describe-network-interfaces --network-interface-ids <the endpoint's> --query".into(),
            "'NetworkInterfaces[].PrivateIpAddress'). If the endpoint's subnets change, its IPs change:".into(),
            "update EndpointIps, or let the custom resource run again.".into(),
            String::new(),
        ];
        h.extend(self.fixed_ips_header().into_iter().map(str::to_string));
        h.extend([
            String::new(),
            "The endpoint's security group admits TCP 443 from the NLB's security group (the apply"
                .into(),
            "admits the NLB subnets' CIDR blocks: the same traffic).".into(),
        ]);
        if self.whole_vpc_calls() {
            h.push(String::new());
            h.push(format!(
                "Callers inside {} reach the endpoint directly. Exporting reads no account: give",
                p.vpc_id
            ));
            h.push(format!(
                "the VPC's CIDR, --parameter-overrides VpcCidr=$(aws ec2 describe-vpcs --vpc-ids {}",
                p.vpc_id
            ));
            h.push("  --query 'Vpcs[0].CidrBlock' --output text). The apply also admits its secondary CIDRs.".into());
        }
        let mut before = Vec::new();
        if let Some(vpce) = self.reuses_endpoint() {
            before.push(format!(
                "- The endpoint {vpce} is reused (one execute-api endpoint with private DNS per VPC). CloudFormation"
            ));
            before.push("  cannot change it: add the stack's EndpointSecurityGroup to it (output ReusedEndpointCommand).".into());
        }
        if let Some(api) = self.adopted_api() {
            before.push(format!(
                "- The API {api} is adopted. CloudFormation cannot change an API it did not create: make it"
            ));
            before.push("  PRIVATE, add the endpoint to its vpcEndpointIds and give it the sourceVpc policy of".into());
            before.push("  `fixedip-tui apply --plan` (or the Api resource of a template exported with a created".into());
            before.push("  API), then redeploy its stage (output AdoptedApiCommand).".into());
        }
        if let Some(zone) = self.existing_private_zone() {
            before.push(format!(
                "- The private zone {zone} is an existing one: it must be associated with the VPC (aws route53"
            ));
            before.push(format!(
                "  associate-vpc-with-hosted-zone --hosted-zone-id {zone} --vpc VPCRegion={},VPCId={}).",
                p.region, p.vpc_id
            ));
        }
        if p.replace_records {
            before.push(format!(
                "- The plan replaces an existing record of {}: CloudFormation will not; delete it first.",
                p.name.trim_end_matches('.')
            ));
        }
        if p.enable_vpc_dns {
            before.push(format!(
                "- The plan turns on DNS support and hostnames in {}: aws ec2 modify-vpc-attribute",
                p.vpc_id
            ));
            before.push(format!(
                "  --vpc-id {} --enable-dns-support / --enable-dns-hostnames (each, before deploying).",
                p.vpc_id
            ));
        }
        if !before.is_empty() {
            h.push(String::new());
            h.push("Outside the stack:".into());
            h.extend(before);
        }
        h.join("\n")
    }

    fn parameters(&self) -> Vec<Item> {
        let p = self.plan;
        let mut out = vec![pair(
            id::VPC,
            param(
                "AWS::EC2::VPC::Id",
                Some(p.vpc_id.clone()),
                "The VPC of the endpoint and the NLB (enableDnsSupport and enableDnsHostnames on).",
            ),
        )];
        out.extend(self.endpoint_parameters());
        out.push(pair(
            PARAM_ENDPOINT_IPS,
            param(
                "String",
                Some(String::new()),
                &format!(
                    "Empty: a custom resource reads the endpoint's IPs. Or exactly {} comma-separated IPs, one per endpoint subnet (no Lambda, no IAM role).",
                    self.ip_count
                ),
            ),
        ));
        out.push(pair(
            id::NLB_SUBNETS,
            param(
                "List<AWS::EC2::Subnet::Id>",
                Some(p.nlb_subnet_ids.join(",")),
                &format!(
                    "Public subnets of the NLB, one in each endpoint AZ (exactly {}); each needs 8 free IPs.",
                    p.nlb_subnet_ids.len()
                ),
            ),
        ));
        if let crate::plan::EipChoice::Existing { allocation_ids } = &p.eips {
            out.push(pair(
                id::EIP_ALLOCATIONS,
                param(
                    "CommaDelimitedList",
                    Some(allocation_ids.join(",")),
                    "Your unassociated Elastic IPs (eipalloc-...), one per NLB subnet in the same order: the NLB's fixed IPs.",
                ),
            ));
        }
        out.push(pair(
            id::DOMAIN_NAME,
            param(
                "String",
                Some(p.name.trim_end_matches('.').to_string()),
                "The public DNS name of the API (custom domain and records).",
            ),
        ));
        out.push(pair(
            id::CERTIFICATE,
            param(
                "String",
                Some(p.certificate_arn.clone()),
                "An ISSUED ACM certificate of this region covering DomainName (NLB listener and custom domain).",
            ),
        ));
        out.push(pair(
            id::PUBLIC_ZONE,
            param(
                "AWS::Route53::HostedZone::Id",
                Some(p.public_zone_id.clone()),
                "The public hosted zone of DomainName.",
            ),
        ));
        out.extend(self.optional_parameters());
        out
    }

    /// The endpoint's parameters: its subnets, or the reused endpoint and its DNS name and zone.
    fn endpoint_parameters(&self) -> Vec<Item> {
        let p = self.plan;
        let mut out = Vec::new();
        match &p.endpoint {
            EndpointChoice::Create { subnet_ids, .. } => out.push(pair(
                id::ENDPOINT_SUBNETS,
                param(
                    "List<AWS::EC2::Subnet::Id>",
                    Some(subnet_ids.join(",")),
                    &format!(
                        "Private subnets of the execute-api endpoint, one per AZ (exactly {}: the target group has one target per subnet).",
                        subnet_ids.len()
                    ),
                ),
            )),
            EndpointChoice::Reuse { vpc_endpoint_id } => {
                out.push(pair(
                    id::EXISTING_ENDPOINT,
                    param(
                        "String",
                        Some(vpc_endpoint_id.clone()),
                        "The VPC's execute-api endpoint with private DNS, reused (a second one is rejected).",
                    ),
                ));
                out.push(pair(
                    id::EXISTING_ENDPOINT_DNS,
                    param(
                        "String",
                        Some(String::new()),
                        "With EndpointIps: the endpoint's regional DNS name (vpce-....execute-api.<region>.vpce.amazonaws.com). Empty: looked up.",
                    ),
                ));
                out.push(pair(
                    id::EXISTING_ENDPOINT_ZONE,
                    param(
                        "String",
                        Some(String::new()),
                        "With EndpointIps: the hosted zone id of that DNS name. Empty: looked up.",
                    ),
                ));
            }
        }
        out
    }

    /// The parameters only some plans have: an existing private zone, an adopted API, the VPC's
    /// CIDR (callers inside it), the caller CIDRs.
    fn optional_parameters(&self) -> Vec<Item> {
        let mut out = Vec::new();
        if let Some(zone) = self.existing_private_zone() {
            out.push(pair(
                id::EXISTING_PRIVATE_ZONE,
                param(
                    "AWS::Route53::HostedZone::Id",
                    Some(zone.to_string()),
                    "The private hosted zone associated with the VPC.",
                ),
            ));
        }
        if let Some(api) = self.adopted_api() {
            out.push(pair(
                id::ADOPTED_API,
                param(
                    "String",
                    Some(api.to_string()),
                    "The REST API adopted: PRIVATE, bound to the endpoint, with the sourceVpc policy.",
                ),
            ));
        }
        if self.whole_vpc_calls() {
            out.push(pair(
                id::VPC_CIDR,
                param(
                    "String",
                    None,
                    &format!(
                        "The IPv4 CIDR of {} (callers inside it reach the endpoint directly): aws ec2 describe-vpcs --vpc-ids {} --query 'Vpcs[0].CidrBlock' --output text",
                        self.plan.vpc_id, self.plan.vpc_id
                    ),
                ),
            ));
        }
        if !self.callers.is_empty() {
            out.push(pair(
                id::CALLERS,
                param(
                    "CommaDelimitedList",
                    Some(self.callers.join(",")),
                    &format!(
                        "Who may call: exactly {} IPv4 CIDR blocks, admitted by the NLB's security group.",
                        self.callers.len()
                    ),
                ),
            ));
        }
        out
    }

    fn resources(&self) -> Vec<Item> {
        let mut out = Vec::new();
        let mut add = |name: &str, body: Vec<Item>| {
            if !out.is_empty() {
                out.push(Item::Blank);
            }
            out.push(pair(name, Node::Map(body)));
        };
        add(id::NLB_SG, self.nlb_sg());
        add(id::ENDPOINT_SG, self.endpoint_sg());
        if self.reuses_endpoint().is_none() {
            add(id::ENDPOINT, self.endpoint());
        }
        if let ApiChoice::Create { name } = &self.plan.api {
            add(id::API, self.api(name));
            add(id::PING_RESOURCE, self.ping_resource());
            add(id::PING_METHOD, self.ping_method());
            add(id::DEPLOYMENT, self.deployment());
            add(id::STAGE, self.stage());
        } else {
            add(id::DEPLOYMENT, self.deployment());
        }
        add(id::DOMAIN, self.domain());
        add(id::MAPPING, self.mapping());
        add(LOOKUP_RESOURCES[0], self.lookup_role());
        add(LOOKUP_RESOURCES[1], self.lookup_function());
        add(LOOKUP_RESOURCES[2], self.lookup());
        add(id::TARGET_GROUP, self.target_group());
        if self.plan.eips == crate::plan::EipChoice::New {
            for i in 0..self.plan.nlb_subnet_ids.len() {
                add(&eip_id(i), self.eip(i));
            }
        }
        add(id::NLB, self.nlb());
        add(id::LISTENER, self.listener());
        if self.existing_private_zone().is_none() {
            add(id::PRIVATE_ZONE, self.private_zone());
        }
        add(id::PUBLIC_RECORD, self.public_record());
        add(id::PRIVATE_RECORD, self.private_record());
        out
    }

    fn nlb_sg(&self) -> Vec<Item> {
        // The apply's rules, each caller CIDR read from the `CallerCidrs` parameter.
        let rules: Vec<Node> =
            names::nlb_rules(&self.plan.allow_cidrs, self.plan.settings.listener_port)
                .into_iter()
                .enumerate()
                .map(|(i, rule)| {
                    let cidr = if self.callers.is_empty() {
                        s(rule.source)
                    } else {
                        select(i, r(id::CALLERS))
                    };
                    map(vec![
                        ("IpProtocol", s("tcp")),
                        ("FromPort", int(rule.port)),
                        ("ToPort", int(rule.port)),
                        ("CidrIp", cidr),
                        ("Description", s(rule.description)),
                    ])
                })
                .collect();
        let mut body = vec![comment(if self.callers.is_empty() {
            "No caller allow-list in the plan: the whole internet. Settable only at NLB creation."
        } else {
            "The caller allow-list: the one place to restrict callers (settable only at NLB creation)."
        })];
        body.extend(resource(
            "AWS::EC2::SecurityGroup",
            vec![
                ("GroupName", s(names::nlb_sg_name(self.plan))),
                (
                    "GroupDescription",
                    s("fixedip-tui: NLB, TCP 443 from the caller allow-list"),
                ),
                ("VpcId", r(id::VPC)),
                ("SecurityGroupIngress", seq(rules)),
                ("Tags", tags(self.plan, step::NLB_SG)),
            ],
        ));
        body
    }

    /// Whether the plan admits the whole VPC (its CIDR is a parameter: exporting reads no account).
    fn whole_vpc_calls(&self) -> bool {
        self.plan.vpc_callers.iter().any(|c| {
            matches!(
                crate::plan::VpcCaller::parse(c),
                Ok(crate::plan::VpcCaller::WholeVpc)
            )
        })
    }

    fn endpoint_sg(&self) -> Vec<Item> {
        let rule = |source: (&'static str, Node), description: &str| {
            map(vec![
                ("IpProtocol", s("tcp")),
                ("FromPort", int(ENDPOINT_PORT)),
                ("ToPort", int(ENDPOINT_PORT)),
                source,
                ("Description", s(description)),
            ])
        };
        let mut rules = vec![rule(
            ("SourceSecurityGroupId", get_att(id::NLB_SG, "GroupId")),
            "the NLB (traffic and health checks)",
        )];
        // Callers inside the VPC (the private zone sends them straight to the endpoint), as the
        // apply admits them (plan::names); the VPC's secondary CIDRs are the apply's alone.
        for c in &self.plan.vpc_callers {
            match crate::plan::VpcCaller::parse(c) {
                Ok(crate::plan::VpcCaller::WholeVpc) => {
                    rules.push(rule(("CidrIp", r(id::VPC_CIDR)), "callers in the VPC"))
                }
                Ok(crate::plan::VpcCaller::Cidr(net)) => rules.push(rule(
                    ("CidrIp", s(net.trunc().to_string())),
                    "callers in the VPC",
                )),
                Ok(crate::plan::VpcCaller::Group(g)) => {
                    rules.push(rule(("SourceSecurityGroupId", s(g)), "callers in the VPC"))
                }
                Err(_) => {}
            }
        }
        resource(
            "AWS::EC2::SecurityGroup",
            vec![
                ("GroupName", s(names::endpoint_sg_name(self.plan))),
                (
                    "GroupDescription",
                    s("fixedip-tui: execute-api endpoint, TCP 443 from the NLB and in-VPC callers"),
                ),
                ("VpcId", r(id::VPC)),
                ("SecurityGroupIngress", seq(rules)),
                ("Tags", tags(self.plan, step::ENDPOINT_SG)),
            ],
        )
    }

    fn endpoint(&self) -> Vec<Item> {
        let mut body = vec![comment(
            "Private DNS: inside the VPC every *.execute-api.<region>.amazonaws.com name resolves here.",
        )];
        if !self.plan.endpoint_ips.is_empty() {
            // AWS::EC2::VPCEndpoint has no SubnetConfigurations in the resource schema cfn-lint
            // knows: say so rather than drop the choice silently.
            body.push(comment(format!(
                "The plan pins the endpoint's IPs ({}); this resource cannot: AWS picks them and the lookup below registers whatever they are. Use `fixedip-tui apply` for pinned IPs.",
                self.plan
                    .endpoint_ips
                    .iter()
                    .map(|(s, ip)| format!("{s}={ip}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        body.extend(resource(
            "AWS::EC2::VPCEndpoint",
            vec![
                ("VpcEndpointType", s("Interface")),
                (
                    "ServiceName",
                    sub("com.amazonaws.${AWS::Region}.execute-api"),
                ),
                ("VpcId", r(id::VPC)),
                ("SubnetIds", r(id::ENDPOINT_SUBNETS)),
                ("SecurityGroupIds", seq(vec![r(id::ENDPOINT_SG)])),
                ("PrivateDnsEnabled", boolean(true)),
                ("Tags", tags(self.plan, step::ENDPOINT)),
            ],
        ));
        body
    }

    /// The resource policy of `names::resource_policy_json`, with the VPC as a parameter.
    fn policy(&self) -> Node {
        let statement = |effect: &str, condition: Option<Node>| {
            let mut m = vec![
                ("Effect", s(effect)),
                ("Principal", s("*")),
                ("Action", s("execute-api:Invoke")),
                ("Resource", s("execute-api:/*")),
            ];
            if let Some(c) = condition {
                m.push(("Condition", c));
            }
            map(m)
        };
        map(vec![
            ("Version", s("2012-10-17")),
            (
                "Statement",
                seq(vec![
                    statement(
                        "Deny",
                        Some(map(vec![(
                            "StringNotEquals",
                            map(vec![("aws:sourceVpc", r(id::VPC))]),
                        )])),
                    ),
                    statement("Allow", None),
                ]),
            ),
        ])
    }

    fn api(&self, name: &str) -> Vec<Item> {
        resource(
            "AWS::ApiGateway::RestApi",
            vec![
                ("Name", s(name)),
                (
                    "EndpointConfiguration",
                    map(vec![
                        ("Types", seq(vec![s("PRIVATE")])),
                        ("VpcEndpointIds", seq(vec![self.endpoint_id()])),
                    ]),
                ),
                ("Policy", self.policy()),
                ("Tags", tags(self.plan, step::API)),
            ],
        )
    }

    fn ping_resource(&self) -> Vec<Item> {
        resource(
            "AWS::ApiGateway::Resource",
            vec![
                ("RestApiId", r(id::API)),
                ("ParentId", get_att(id::API, "RootResourceId")),
                ("PathPart", s("ping")),
            ],
        )
    }

    fn ping_method(&self) -> Vec<Item> {
        resource(
            "AWS::ApiGateway::Method",
            vec![
                ("RestApiId", r(id::API)),
                ("ResourceId", r(id::PING_RESOURCE)),
                ("HttpMethod", s("GET")),
                ("AuthorizationType", s("NONE")),
                (
                    "Integration",
                    map(vec![
                        ("Type", s("MOCK")),
                        (
                            "RequestTemplates",
                            map(vec![("application/json", s("{\"statusCode\": 200}"))]),
                        ),
                        (
                            "IntegrationResponses",
                            seq(vec![map(vec![
                                ("StatusCode", s("200")),
                                (
                                    "ResponseTemplates",
                                    map(vec![("application/json", s("{\"ok\":true}"))]),
                                ),
                            ])]),
                        ),
                    ]),
                ),
                (
                    "MethodResponses",
                    seq(vec![map(vec![
                        ("StatusCode", s("200")),
                        (
                            "ResponseModels",
                            map(vec![("application/json", s("Empty"))]),
                        ),
                    ])]),
                ),
            ],
        )
    }

    fn deployment(&self) -> Vec<Item> {
        match &self.plan.api {
            ApiChoice::Create { .. } => {
                let mut body = vec![pair("DependsOn", s(id::PING_METHOD))];
                body.extend(resource(
                    "AWS::ApiGateway::Deployment",
                    vec![("RestApiId", r(id::API)), ("Description", s("fixedip-tui"))],
                ));
                body
            }
            ApiChoice::Adopt { .. } => {
                // The adopted API may have the stage already: a deployment with StageName creates
                // or moves it, as the apply's CreateDeployment does.
                let mut body = vec![comment(
                    "The adopted API's stage, deployed (created if absent) after it is made PRIVATE.",
                )];
                body.extend(resource(
                    "AWS::ApiGateway::Deployment",
                    vec![
                        ("RestApiId", r(id::ADOPTED_API)),
                        ("StageName", s(&self.plan.stage)),
                        ("Description", s("fixedip-tui")),
                    ],
                ));
                body
            }
        }
    }

    fn stage(&self) -> Vec<Item> {
        resource(
            "AWS::ApiGateway::Stage",
            vec![
                ("RestApiId", r(id::API)),
                ("StageName", s(&self.plan.stage)),
                ("DeploymentId", r(id::DEPLOYMENT)),
                ("Tags", tags(self.plan, step::STAGE)),
            ],
        )
    }

    fn domain(&self) -> Vec<Item> {
        let mut body = vec![comment(
            "BASIC endpoint access mode: a STRICT (enhanced) policy rejects this very setup.",
        )];
        body.extend(resource(
            "AWS::ApiGateway::DomainName",
            vec![
                ("DomainName", r(id::DOMAIN_NAME)),
                ("RegionalCertificateArn", r(id::CERTIFICATE)),
                (
                    "EndpointConfiguration",
                    map(vec![("Types", seq(vec![s("REGIONAL")]))]),
                ),
                (
                    "SecurityPolicy",
                    s(&self.plan.settings.domain_security_policy),
                ),
                ("Tags", tags(self.plan, step::DOMAIN)),
            ],
        ));
        body
    }

    fn mapping(&self) -> Vec<Item> {
        let mut body = Vec::new();
        let stage = match &self.plan.api {
            ApiChoice::Create { .. } => r(id::STAGE),
            ApiChoice::Adopt { .. } => {
                body.push(pair("DependsOn", s(id::DEPLOYMENT)));
                s(&self.plan.stage)
            }
        };
        let mut props = vec![
            ("DomainName", r(id::DOMAIN)),
            ("RestApiId", self.api_id()),
            ("Stage", stage),
        ];
        if let Some(b) = self.base_path() {
            props.push(("BasePath", s(b)));
        }
        body.extend(resource("AWS::ApiGateway::BasePathMapping", props));
        body
    }

    fn lookup_role(&self) -> Vec<Item> {
        let mut body = vec![
            comment("The lookup of the endpoint's IPs (absent when EndpointIps is given)."),
            pair("Condition", s(LOOKUP_CONDITION)),
        ];
        body.extend(resource(
            "AWS::IAM::Role",
            vec![
                (
                    "AssumeRolePolicyDocument",
                    map(vec![
                        ("Version", s("2012-10-17")),
                        (
                            "Statement",
                            seq(vec![map(vec![
                                ("Effect", s("Allow")),
                                (
                                    "Principal",
                                    map(vec![("Service", s("lambda.amazonaws.com"))]),
                                ),
                                ("Action", s("sts:AssumeRole")),
                            ])]),
                        ),
                    ]),
                ),
                (
                    "ManagedPolicyArns",
                    seq(vec![sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                    )]),
                ),
                (
                    "Policies",
                    seq(vec![map(vec![
                        ("PolicyName", s("read-endpoint")),
                        (
                            "PolicyDocument",
                            map(vec![
                                ("Version", s("2012-10-17")),
                                (
                                    "Statement",
                                    seq(vec![map(vec![
                                        ("Effect", s("Allow")),
                                        (
                                            "Action",
                                            seq(vec![
                                                s("ec2:DescribeVpcEndpoints"),
                                                s("ec2:DescribeNetworkInterfaces"),
                                            ]),
                                        ),
                                        ("Resource", s("*")),
                                    ])]),
                                ),
                            ]),
                        ),
                    ])]),
                ),
                ("Tags", tags(self.plan, STEP_LOOKUP)),
            ],
        ));
        body
    }

    fn lookup_function(&self) -> Vec<Item> {
        let mut body = vec![pair("Condition", s(LOOKUP_CONDITION))];
        body.extend(resource(
            "AWS::Lambda::Function",
            vec![
                ("Runtime", s("python3.12")),
                ("Handler", s("index.handler")),
                ("Timeout", int(600)),
                ("Role", get_att(LOOKUP_RESOURCES[0], "Arn")),
                (
                    "Code",
                    map(vec![("ZipFile", Node::Block(LOOKUP_CODE.into()))]),
                ),
                ("Tags", tags(self.plan, STEP_LOOKUP)),
            ],
        ));
        body
    }

    fn lookup(&self) -> Vec<Item> {
        let mut props = vec![
            ("ServiceToken", get_att(LOOKUP_RESOURCES[1], "Arn")),
            ("VpcEndpointId", self.endpoint_id()),
        ];
        if self.reuses_endpoint().is_none() {
            // A change of the endpoint's interfaces (its subnets) runs the lookup again.
            props.push(("SubnetIds", r(id::ENDPOINT_SUBNETS)));
            props.push((
                "NetworkInterfaceIds",
                get_att(id::ENDPOINT, "NetworkInterfaceIds"),
            ));
        }
        let mut body = vec![pair("Condition", s(LOOKUP_CONDITION))];
        body.extend(resource("Custom::EndpointIps", props));
        body
    }

    fn target_group(&self) -> Vec<Item> {
        let targets = (0..self.ip_count)
            .map(|i| {
                map(vec![
                    ("Id", select(i, self.endpoint_ips())),
                    ("Port", int(ENDPOINT_PORT)),
                ])
            })
            .collect();
        let mut body = vec![comment(
            "One target per endpoint network interface. TCP health check on the traffic port (HTTPS on / gets 403).",
        )];
        body.extend(resource(
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            vec![
                ("Name", s(self.plan.target_group_name())),
                ("TargetType", s("ip")),
                ("Protocol", s("TLS")),
                ("Port", int(ENDPOINT_PORT)),
                ("VpcId", r(id::VPC)),
                (
                    "HealthCheckProtocol",
                    s(&self.plan.settings.health_check_protocol),
                ),
                ("Targets", seq(targets)),
                ("Tags", tags(self.plan, step::TARGET_GROUP)),
            ],
        ));
        body
    }

    /// A new Elastic IP for NLB subnet `i`, retained when the stack goes: the partner allow-listed
    /// it (like `destroy` without `--release-eips`).
    fn eip(&self, i: usize) -> Vec<Item> {
        let mut body = vec![comment(format!(
            "The Elastic IP of NLB subnet {} ({}). Retained on stack deletion and replacement: the partner allow-listed it.",
            i + 1,
            self.plan.nlb_subnet_ids.get(i).map(String::as_str).unwrap_or("?")
        ))];
        body.push(pair("DeletionPolicy", s("Retain")));
        body.push(pair("UpdateReplacePolicy", s("Retain")));
        body.extend(resource(
            "AWS::EC2::EIP",
            vec![("Domain", s("vpc")), ("Tags", tags(self.plan, step::EIP))],
        ));
        body
    }

    fn nlb(&self) -> Vec<Item> {
        // One mapping per subnet, with its Elastic IP when the plan has them.
        let mappings = (0..self.plan.nlb_subnet_ids.len())
            .map(|i| {
                let mut m = vec![("SubnetId", select(i, r(id::NLB_SUBNETS)))];
                match &self.plan.eips {
                    crate::plan::EipChoice::None => {}
                    crate::plan::EipChoice::New => {
                        m.push(("AllocationId", get_att(&eip_id(i), "AllocationId")))
                    }
                    crate::plan::EipChoice::Existing { .. } => {
                        m.push(("AllocationId", select(i, r(id::EIP_ALLOCATIONS))))
                    }
                }
                map(m)
            })
            .collect();
        let mut body = vec![comment(
            "Its security group and Elastic IPs are fixed at creation. Replacing it changes the IPs.",
        )];
        body.extend(resource(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            vec![
                ("Name", s(self.plan.nlb_name())),
                ("Type", s("network")),
                ("Scheme", s("internet-facing")),
                ("IpAddressType", s("ipv4")),
                ("SecurityGroups", seq(vec![r(id::NLB_SG)])),
                ("SubnetMappings", seq(mappings)),
                (
                    "LoadBalancerAttributes",
                    seq(vec![map(vec![
                        ("Key", s("load_balancing.cross_zone.enabled")),
                        ("Value", s(self.plan.settings.cross_zone.to_string())),
                    ])]),
                ),
                ("Tags", tags(self.plan, step::NLB)),
            ],
        ));
        body
    }

    fn listener(&self) -> Vec<Item> {
        let st = &self.plan.settings;
        let mut body = vec![comment(
            "The TLS policy is set explicitly (without it: ELBSecurityPolicy-2016-08).",
        )];
        body.extend(resource(
            "AWS::ElasticLoadBalancingV2::Listener",
            vec![
                ("LoadBalancerArn", r(id::NLB)),
                ("Protocol", s("TLS")),
                ("Port", int(st.listener_port)),
                (
                    "Certificates",
                    seq(vec![map(vec![("CertificateArn", r(id::CERTIFICATE))])]),
                ),
                ("SslPolicy", s(&st.ssl_policy)),
                ("AlpnPolicy", seq(vec![s(&st.alpn_policy)])),
                (
                    "DefaultActions",
                    seq(vec![map(vec![
                        ("Type", s("forward")),
                        ("TargetGroupArn", r(id::TARGET_GROUP)),
                    ])]),
                ),
                ("Tags", tags(self.plan, step::LISTENER)),
            ],
        ));
        body
    }

    fn private_zone(&self) -> Vec<Item> {
        let mut body = vec![comment(
            "Named exactly the FQDN: a zone for a parent domain would shadow its other names in the VPC.",
        )];
        body.extend(resource(
            "AWS::Route53::HostedZone",
            vec![
                ("Name", r(id::DOMAIN_NAME)),
                (
                    "HostedZoneConfig",
                    map(vec![(
                        "Comment",
                        s(format!(
                            "fixedip-tui {}: {} inside the VPC",
                            self.plan.id,
                            self.plan.name.trim_end_matches('.')
                        )),
                    )]),
                ),
                (
                    "VPCs",
                    seq(vec![map(vec![
                        ("VPCId", r(id::VPC)),
                        ("VPCRegion", r("AWS::Region")),
                    ])]),
                ),
                ("HostedZoneTags", tags(self.plan, step::PRIVATE_ZONE)),
            ],
        ));
        body
    }

    fn public_record(&self) -> Vec<Item> {
        resource(
            "AWS::Route53::RecordSet",
            vec![
                ("HostedZoneId", r(id::PUBLIC_ZONE)),
                ("Name", r(id::DOMAIN_NAME)),
                ("Type", s("A")),
                (
                    "AliasTarget",
                    map(vec![
                        ("DNSName", get_att(id::NLB, "DNSName")),
                        ("HostedZoneId", get_att(id::NLB, "CanonicalHostedZoneID")),
                        ("EvaluateTargetHealth", boolean(true)),
                    ]),
                ),
            ],
        )
    }

    fn private_record(&self) -> Vec<Item> {
        let (dns, zone, note) = if self.reuses_endpoint().is_some() {
            (
                if_(
                    LOOKUP_CONDITION,
                    get_att(LOOKUP_RESOURCES[2], "DnsName"),
                    r(id::EXISTING_ENDPOINT_DNS),
                ),
                if_(
                    LOOKUP_CONDITION,
                    get_att(LOOKUP_RESOURCES[2], "DnsZoneId"),
                    r(id::EXISTING_ENDPOINT_ZONE),
                ),
                "To the endpoint's regional DNS name (read by the lookup, or the parameters).",
            )
        } else {
            // DnsEntries are `<zone id>:<name>`, the regional name first.
            let first = || select(0, get_att(id::ENDPOINT, "DnsEntries"));
            (
                select(1, split(":", first())),
                select(0, split(":", first())),
                "To the endpoint's regional DNS name: the first DnsEntries item, `<zone id>:<name>`.",
            )
        };
        let mut body = vec![comment(note)];
        body.extend(resource(
            "AWS::Route53::RecordSet",
            vec![
                ("HostedZoneId", self.private_zone_id()),
                ("Name", r(id::DOMAIN_NAME)),
                ("Type", s("A")),
                (
                    "AliasTarget",
                    map(vec![
                        ("DNSName", dns),
                        ("HostedZoneId", zone),
                        ("EvaluateTargetHealth", boolean(false)),
                    ]),
                ),
            ],
        ));
        body
    }

    fn outputs(&self) -> Vec<Item> {
        let out = |description: &str, value: Node| {
            map(vec![("Description", s(description)), ("Value", value)])
        };
        let mut items = vec![
            pair(
                "NlbDnsName",
                out("The NLB's DNS name (the public record's alias target).", get_att(id::NLB, "DNSName")),
            ),
            match self.plan.eips {
                crate::plan::EipChoice::New => pair(
                    "FixedIps",
                    out(
                        "The fixed IPs: Elastic IPs, one per NLB subnet (retained if the stack is deleted).",
                        join(
                            ",",
                            seq((0..self.plan.nlb_subnet_ids.len())
                                .map(|i| r(&eip_id(i)))
                                .collect()),
                        ),
                    ),
                ),
                _ => pair(
                    "NlbPublicIpsCommand",
                    out(
                        "The fixed IPs (one per NLB subnet), assigned at NLB creation (or your Elastic IPs): this command prints them.",
                        sub("aws ec2 describe-network-interfaces --region ${AWS::Region} --filters \"Name=description,Values=ELB ${Nlb.LoadBalancerFullName}\" --query \"NetworkInterfaces[].Association.PublicIp\" --output text"),
                    ),
                ),
            },
            pair("EndpointId", out("The execute-api VPC endpoint.", self.endpoint_id())),
            pair(
                "RegisteredEndpointIps",
                out(
                    "The endpoint's IPs registered as targets.",
                    if_(LOOKUP_CONDITION, get_att(LOOKUP_RESOURCES[2], "Ips"), r(PARAM_ENDPOINT_IPS)),
                ),
            ),
            pair("ApiId", out("The PRIVATE REST API.", self.api_id())),
            pair(
                "TargetGroupArn",
                out("The target group of the endpoint's IPs.", r(id::TARGET_GROUP)),
            ),
            pair(
                "EndpointSecurityGroupId",
                out("The endpoint's security group.", get_att(id::ENDPOINT_SG, "GroupId")),
            ),
            pair(
                "PrivateZoneId",
                out("The private hosted zone of the name.", self.private_zone_id()),
            ),
        ];
        if self.reuses_endpoint().is_some() {
            items.push(pair(
                "ReusedEndpointCommand",
                out(
                    "Run once after the stack: the reused endpoint admits the NLB.",
                    sub(format!(
                        "aws ec2 modify-vpc-endpoint --region ${{AWS::Region}} --vpc-endpoint-id ${{{}}} --add-security-group-ids ${{{}.GroupId}}",
                        id::EXISTING_ENDPOINT,
                        id::ENDPOINT_SG
                    )),
                ),
            ));
        }
        if self.adopted_api().is_some() {
            items.push(pair(
                "AdoptedApiCommand",
                out(
                    "Once the API is PRIVATE, bound to the endpoint, with the sourceVpc policy: redeploy its stage.",
                    sub(format!(
                        "aws apigateway create-deployment --region ${{AWS::Region}} --rest-api-id ${{{}}} --stage-name {}",
                        id::ADOPTED_API,
                        self.plan.stage
                    )),
                ),
            ));
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let mut p: Plan = toml::from_str(
            r#"
version = 1
id = "fip-0123456789"
account = "123456789012"
region = "eu-west-1"
vpc_id = "vpc-1"
nlb_subnet_ids = ["subnet-p1", "subnet-p2"]
name = "api.example.com"
certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/x"
stage = "prod"
public_zone_id = "Z1"
[endpoint]
mode = "create"
subnet_ids = ["subnet-a", "subnet-b"]
[api]
mode = "create"
name = "ping"
[private_zone]
mode = "create"
"#,
        )
        .expect("a plan");
        p.settings = crate::plan::Settings::default();
        p
    }

    #[test]
    fn refuses_plans_it_cannot_express() {
        let mut p = plan();
        p.nlb_subnet_ids.clear();
        assert_eq!(cloudformation(&p), Err(ExportError::NoNlbSubnets));
        let mut p = plan();
        p.endpoint = EndpointChoice::Create {
            subnet_ids: vec![],
            allow_public_subnets: false,
        };
        assert_eq!(cloudformation(&p), Err(ExportError::NoEndpointSubnets));
        let mut p = plan();
        p.stage = " ".into();
        assert_eq!(cloudformation(&p), Err(ExportError::NoStage));
    }

    #[test]
    fn one_target_per_endpoint_subnet_and_one_mapping_per_nlb_subnet() {
        let t = cloudformation(&plan()).expect("exports");
        assert_eq!(t.matches("- Id: !Select [").count(), 2, "{t}");
        assert_eq!(t.matches("- SubnetId: !Select [").count(), 2, "{t}");
        assert!(
            t.contains("CidrIp: \"0.0.0.0/0\""),
            "no callers: the internet"
        );
        assert!(
            !t.contains("fixedip:plan-id"),
            "the apply must not take these for its own"
        );
    }
}
