//! The plan as a bash script of AWS CLI commands (`export --format sh`): the apply a person can
//! read, put before a change board, review air-gapped, or run by hand, with the same resources,
//! names and tags as `fixedip-tui apply` (so the tool recognises, verifies and destroys what it
//! made), and the teardown (`--destroy`).
//!
//! Every AWS call is a line of `cloud::cli`, the generator of the lines the apply shows; ids of
//! what the script made earlier are shell variables (`cli::var`). Each create is preceded by the
//! lookup the tool makes (by name or by the plan's tag), so the script can be run again after a
//! failure without making a second one. What the tool does and the script cannot: a journal and
//! resume from the step that failed, pacing under API Gateway's throttling, rolling back.

use super::ExportError;
use crate::cloud::cli::{self as aws, var, Command, PingPart, VpcDnsAttribute};
use crate::cloud::write::{
    AliasRecord, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, RecordAction,
};
use crate::domain::Tag;
use crate::plan::names::{self, step, TAG_PLAN_ID};
use crate::plan::{ApiChoice, EipChoice, EndpointChoice, Plan, PrivateZoneChoice, VpcCaller};

/// How long a wait loop polls, in seconds, and how often.
const WAIT_SECONDS: u32 = 900;
const POLL_SECONDS: u32 = 10;

/// A script being written: lines, with helpers for the shapes every step uses.
struct Script {
    text: String,
}

impl Script {
    fn new() -> Self {
        Script {
            text: String::new(),
        }
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.text.push_str(s.as_ref());
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A step: its title said when it runs, and comments saying why.
    fn step(&mut self, title: &str, why: &[&str]) {
        self.blank();
        self.line(format!("# ---- {title}"));
        for w in why {
            self.line(format!("# {w}"));
        }
        self.line(format!("say {}", aws::quote(title)));
    }

    /// Run `c`.
    fn run(&mut self, c: &Command) {
        self.line(c.shell());
    }

    /// `VAR=$(c --query Q --output text)`
    fn capture(&mut self, name: &str, c: &Command, query: &str) {
        self.line(format!(
            "{name}=$({} --query {} --output text)",
            c.shell(),
            aws::quote(query)
        ));
    }

    /// The lines `then` writes, indented by two spaces.
    fn indented(&mut self, then: impl FnOnce(&mut Script)) {
        let mut inner = Script::new();
        then(&mut inner);
        for l in inner.text.lines() {
            self.line(format!("  {l}"));
        }
    }

    /// `if` shell variable `name` holds what a lookup found (not empty, not `None`): `then`.
    fn if_found(&mut self, name: &str, then: impl FnOnce(&mut Script)) {
        self.line(format!(
            "if [ -n \"${{{name}}}\" ] && [ \"${{{name}}}\" != None ]; then"
        ));
        self.indented(then);
        self.line("fi");
    }

    /// `VAR=$(lookup)`, and when it found nothing (`None` or empty), `VAR=$(create)` with the
    /// lines of `then` after it: a rerun finds what the first run made.
    fn find_or_create(
        &mut self,
        name: &str,
        lookup: (&Command, &str),
        create: (&Command, &str),
        then: impl FnOnce(&mut Script),
    ) {
        self.capture(name, lookup.0, lookup.1);
        self.line(format!(
            "if [ -z \"${{{name}}}\" ] || [ \"${{{name}}}\" = None ]; then"
        ));
        self.indented(|s| {
            s.capture(name, create.0, create.1);
            then(s);
        });
        self.line("else");
        self.line(format!(
            "  echo \"  found ${{{name}}} (made by an earlier run)\" >&2"
        ));
        self.line("fi");
    }

    /// Poll `c`'s `query` until it prints `want` (case aside), failing after `WAIT_SECONDS`.
    fn wait_until(&mut self, what: &str, c: &Command, query: &str, want: &str) {
        self.line(format!(
            "wait_for {} {} {} -- {} --query {} --output text",
            aws::quote(what),
            aws::quote(want),
            WAIT_SECONDS,
            c.shell(),
            aws::quote(query)
        ));
    }
}

fn tags(plan: &Plan, step: &str) -> Vec<Tag> {
    names::resource_tags(plan, step)
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect()
}

/// Shell variables of the script.
mod v {
    pub const ENDPOINT_SG: &str = "ENDPOINT_SG_ID";
    pub const NLB_SG: &str = "NLB_SG_ID";
    pub const ENDPOINT: &str = "ENDPOINT_ID";
    pub const ENDPOINT_DNS: &str = "ENDPOINT_DNS";
    pub const ENDPOINT_ZONE: &str = "ENDPOINT_DNS_ZONE";
    pub const ENIS: &str = "ENDPOINT_ENIS";
    pub const IPS: &str = "ENDPOINT_IPS";
    pub const API: &str = "API_ID";
    pub const ROOT: &str = "ROOT_ID";
    pub const PING: &str = "PING_ID";
    pub const TG: &str = "TG_ARN";
    pub const NLB: &str = "NLB_ARN";
    pub const NLB_DNS: &str = "NLB_DNS";
    pub const NLB_ZONE: &str = "NLB_ZONE";
    pub const LISTENER: &str = "LISTENER_ARN";
    pub const PRIVATE_ZONE: &str = "PRIVATE_ZONE_ID";
    pub const VPC_CIDR: &str = "VPC_CIDR";
    pub fn subnet_cidr(i: usize) -> String {
        format!("NLB_SUBNET_CIDR_{}", i + 1)
    }
    pub fn eip(i: usize) -> String {
        format!("EIP_ALLOCATION_{}", i + 1)
    }
}

/// What the script refuses, like the CloudFormation export: what it cannot do as the tool does.
fn check(plan: &Plan) -> Result<(), ExportError> {
    if plan.name.is_empty() {
        return Err(ExportError::NoName);
    }
    if plan.stage.is_empty() {
        return Err(ExportError::NoStage);
    }
    if plan.nlb_subnet_ids.is_empty() {
        return Err(ExportError::NoNlbSubnets);
    }
    if matches!(&plan.endpoint, EndpointChoice::Create { subnet_ids, .. } if subnet_ids.is_empty())
    {
        return Err(ExportError::NoEndpointSubnets);
    }
    if plan.adopt_nlb.is_some() || plan.adopt_target_group.is_some() {
        return Err(ExportError::ScriptAdopts);
    }
    if plan.replace_records {
        return Err(ExportError::ScriptReplaces);
    }
    Ok(())
}

/// The preamble: bash options, the region (the plan's, unless AWS_REGION names it too), the
/// helpers.
fn preamble(s: &mut Script, plan: &Plan, what: &str) {
    s.line("#!/usr/bin/env bash");
    s.line(format!(
        "# fixedip-tui {}: {what} of plan {} ({}), as AWS CLI commands.",
        env!("CARGO_PKG_VERSION"),
        plan.id,
        plan.name
    ));
    s.line("# Written by `fixedip-tui export --format sh`. Works with AWS CLI v2 and v1 (1.29 or later).");
    s.line(
        "# Honours AWS_PROFILE, AWS_REGION (it must be the plan's region) and AWS_ENDPOINT_URL.",
    );
    s.line("# Each step says why; every command is the one `fixedip-tui apply` sends. Unlike the tool,");
    s.line(
        "# the script keeps no journal (run it again after a failure: each create looks first for",
    );
    s.line("# what an earlier run made), does not pace itself under API Gateway's throttling, and");
    s.line("# does not roll back.");
    s.line("set -euo pipefail");
    s.blank();
    s.line(format!("PLAN_REGION={}", aws::quote(&plan.region)));
    s.line("REGION=\"${AWS_REGION:-${AWS_DEFAULT_REGION:-$PLAN_REGION}}\"");
    s.line("if [ \"$REGION\" != \"$PLAN_REGION\" ]; then");
    s.line("  echo \"this plan's resources are in $PLAN_REGION, not $REGION: unset AWS_REGION or set it to $PLAN_REGION\" >&2");
    s.line("  exit 2");
    s.line("fi");
    s.line("export AWS_REGION=\"$REGION\" AWS_DEFAULT_REGION=\"$REGION\" AWS_PAGER=\"\"");
    s.blank();
    s.line("say() { printf '\\n== %s\\n' \"$*\" >&2; }");
    s.line(
        "# wait_for WHAT WANT SECONDS -- COMMAND…: run COMMAND until it prints WANT (case aside).",
    );
    s.line("wait_for() {");
    s.line("  local what=$1 want=$2 seconds=$3 got=''");
    s.line("  shift 4");
    s.line("  local deadline=$((SECONDS + seconds))");
    s.line("  while true; do");
    s.line("    got=$(\"$@\")");
    s.line("    if [ \"${got,,}\" = \"${want,,}\" ]; then return 0; fi");
    s.line("    if [ \"$SECONDS\" -ge \"$deadline\" ]; then");
    s.line("      echo \"gave up waiting for $what after ${seconds}s (it is $got)\" >&2");
    s.line("      return 1");
    s.line("    fi");
    s.line(format!(
        "    echo \"  waiting for $what ($got)\" >&2; sleep {POLL_SECONDS}"
    ));
    s.line("  done");
    s.line("}");
    s.blank();
    s.capture(
        "ACCOUNT",
        &Command::new("sts", "get-caller-identity"),
        "Account",
    );
    s.line(format!(
        "if [ \"$ACCOUNT\" != {} ]; then echo \"note: the plan was made in account {}, this is $ACCOUNT\" >&2; fi",
        aws::quote(&plan.account),
        plan.account
    ));
}

/// A part of a script: the commands of one step (or a few, in order).
type Section = fn(&mut Script, &Plan);

/// The apply of `plan` as a bash script.
pub fn shell(plan: &Plan) -> Result<String, ExportError> {
    check(plan)?;
    let mut s = Script::new();
    preamble(&mut s, plan, "apply");
    vpc_dns(&mut s, plan);
    security_groups(&mut s, plan)?;
    let steps: [Section; 8] = [
        endpoint,
        api,
        domain,
        target_group,
        eips,
        nlb,
        targets,
        records,
    ];
    for step in steps {
        step(&mut s, plan);
    }
    s.blank();
    s.line("# ---- The fixed IPs: give these to the partner's firewall.");
    s.capture(
        "FIXED_IPS",
        &Command::new("ec2", "describe-network-interfaces").list(
            "--filters",
            &[format!(
                "Name=description,Values=ELB net/{}/*",
                names::own_nlb_name(&plan.id)
            )],
        ),
        "NetworkInterfaces[].Association.PublicIp",
    );
    s.line(format!(
        "echo \"{} → fixed IPs: ${{FIXED_IPS}}\"",
        plan.name
    ));
    Ok(s.text)
}

fn vpc_dns(s: &mut Script, plan: &Plan) {
    if !plan.enable_vpc_dns {
        return;
    }
    s.step(
        "VPC DNS attributes",
        &["The endpoint's private DNS needs DNS support and hostnames on in the VPC (support first)."],
    );
    s.run(&aws::set_vpc_dns(
        &plan.vpc_id,
        VpcDnsAttribute::Support,
        true,
    ));
    s.run(&aws::set_vpc_dns(
        &plan.vpc_id,
        VpcDnsAttribute::Hostnames,
        true,
    ));
}

fn security_groups(s: &mut Script, plan: &Plan) -> Result<(), ExportError> {
    s.step(
        "Endpoint security group",
        &[
            "TCP 443 to the execute-api endpoint from the NLB's subnets (the NLB's own addresses, health",
            "checks included) and from the callers inside the VPC. Their CIDRs are read from the account.",
        ],
    );
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut add = |source: String, description: String| {
        if !rules.iter().any(|r| r.source == source) {
            rules.push(IngressRule {
                port: names::ENDPOINT_PORT,
                source,
                description,
            });
        }
    };
    for (i, subnet) in plan.nlb_subnet_ids.iter().enumerate() {
        s.capture(
            &v::subnet_cidr(i),
            &Command::new("ec2", "describe-subnets").list("--subnet-ids", &[subnet]),
            "Subnets[0].CidrBlock",
        );
        add(
            var(&v::subnet_cidr(i)),
            format!("{}{subnet}", names::RULE_NLB_SUBNET),
        );
    }
    let mut whole_vpc = false;
    for caller in &plan.vpc_callers {
        match VpcCaller::parse(caller).map_err(ExportError::BadCaller)? {
            VpcCaller::WholeVpc => {
                whole_vpc = true;
                add(var(v::VPC_CIDR), format!("callers in {}", plan.vpc_id));
            }
            VpcCaller::Cidr(net) => add(net.trunc().to_string(), names::RULE_VPC_CALLER.into()),
            VpcCaller::Group(g) => add(g, names::RULE_VPC_CALLER.into()),
        }
    }
    let describe_vpc = Command::new("ec2", "describe-vpcs").list("--vpc-ids", &[&plan.vpc_id]);
    if whole_vpc {
        s.capture(v::VPC_CIDR, &describe_vpc, "Vpcs[0].CidrBlock");
    }
    let name = names::endpoint_sg_name(plan);
    let (lookup, create) = sg_commands(
        plan,
        &name,
        names::ENDPOINT_SG_DESCRIPTION,
        step::ENDPOINT_SG,
    );
    s.find_or_create(
        v::ENDPOINT_SG,
        (&lookup, "SecurityGroups[0].GroupId"),
        (&create, "GroupId"),
        |s| {
            s.run(&aws::authorize_ingress(&var(v::ENDPOINT_SG), &rules));
            if whole_vpc {
                // The VPC's secondary CIDRs, one rule each (the tool reads them with the VPC).
                s.line(format!(
                    "for cidr in $({} --query \"Vpcs[0].CidrBlockAssociationSet[?CidrBlock!='${{{}}}'].CidrBlock\" --output text); do",
                    describe_vpc.shell(),
                    v::VPC_CIDR
                ));
                let rule = IngressRule {
                    port: names::ENDPOINT_PORT,
                    source: var("cidr"),
                    description: format!("callers in {}", plan.vpc_id),
                };
                s.line(format!(
                    "  {}",
                    aws::authorize_ingress(&var(v::ENDPOINT_SG), &[rule]).shell()
                ));
                s.line("done");
            }
        },
    );

    s.step(
        "NLB security group",
        &["The listener's port from the caller allow-list only (an NLB gets its group at creation or never)."],
    );
    let name = names::nlb_sg_name(plan);
    let (lookup, create) = sg_commands(plan, &name, names::NLB_SG_DESCRIPTION, step::NLB_SG);
    let rules = names::nlb_rules(&plan.allow_cidrs, plan.settings.listener_port);
    s.find_or_create(
        v::NLB_SG,
        (&lookup, "SecurityGroups[0].GroupId"),
        (&create, "GroupId"),
        |s| s.run(&aws::authorize_ingress(&var(v::NLB_SG), &rules)),
    );
    Ok(())
}

/// The plan's security group `name`: how to find it, and how to create it (tagged as `step`).
fn sg_commands(plan: &Plan, name: &str, description: &str, step: &str) -> (Command, Command) {
    let create = aws::create_security_group(&plan.vpc_id, name, description, &tags(plan, step));
    (sg_lookup(plan, name), create)
}

fn sg_lookup(plan: &Plan, name: &str) -> Command {
    Command::new("ec2", "describe-security-groups").list(
        "--filters",
        &[
            format!("Name=vpc-id,Values={}", plan.vpc_id),
            format!("Name=group-name,Values={name}"),
        ],
    )
}

fn by_plan_tag(service: &'static str, op: &'static str, plan: &Plan) -> Command {
    Command::new(service, op).list(
        "--filters",
        &[format!("Name=tag:{TAG_PLAN_ID},Values={}", plan.id)],
    )
}

fn endpoint(s: &mut Script, plan: &Plan) {
    match &plan.endpoint {
        EndpointChoice::Reuse { vpc_endpoint_id } => {
            s.step(
                "execute-api VPC endpoint (reused)",
                &["The VPC's endpoint is reused: it gets the endpoint security group beside its own."],
            );
            s.line(format!("{}={}", v::ENDPOINT, aws::quote(vpc_endpoint_id)));
            s.run(&aws::add_endpoint_security_groups(
                &var(v::ENDPOINT),
                &[var(v::ENDPOINT_SG)],
            ));
        }
        EndpointChoice::Create { subnet_ids, .. } => {
            s.step(
                "execute-api VPC endpoint",
                &[
                    "An interface endpoint in the private subnets, private DNS on; its network interfaces'",
                    "IPs become the NLB's targets. The client token makes a rerun return the same endpoint.",
                ],
            );
            let req = NewEndpoint {
                vpc_id: plan.vpc_id.clone(),
                service_name: format!("com.amazonaws.{}.execute-api", plan.region),
                subnet_ids: subnet_ids.clone(),
                security_group_ids: vec![var(v::ENDPOINT_SG)],
                private_dns: true,
                ipv4_addresses: plan.endpoint_ips.clone(),
                client_token: format!("fip-{}-sh", plan.id),
                tags: tags(plan, step::ENDPOINT),
            };
            let lookup = by_plan_tag("ec2", "describe-vpc-endpoints", plan);
            s.find_or_create(
                v::ENDPOINT,
                (
                    &lookup,
                    "VpcEndpoints[?State!='deleted' && State!='deleting'] | [0].VpcEndpointId",
                ),
                (&aws::create_vpc_endpoint(&req), "VpcEndpoint.VpcEndpointId"),
                |_| {},
            );
        }
    }
    s.step(
        "Endpoint available, ENI IPs",
        &[
            "The endpoint takes a few minutes. Its network interfaces' private IPs (one per subnet) are",
            "the targets; its first DNS entry (the regional name) is the private record's alias target.",
        ],
    );
    let describe = Command::new("ec2", "describe-vpc-endpoints")
        .list("--vpc-endpoint-ids", &[var(v::ENDPOINT)]);
    s.wait_until(
        "the endpoint",
        &describe,
        "VpcEndpoints[0].State",
        "available",
    );
    s.line(format!(
        "read -r -a {} <<< \"$({} --query 'VpcEndpoints[0].NetworkInterfaceIds' --output text)\"",
        v::ENIS,
        describe.shell()
    ));
    s.capture(
        v::ENDPOINT_DNS,
        &describe,
        "VpcEndpoints[0].DnsEntries[0].DnsName",
    );
    s.capture(
        v::ENDPOINT_ZONE,
        &describe,
        "VpcEndpoints[0].DnsEntries[0].HostedZoneId",
    );
    s.line(format!(
        "read -r -a {} <<< \"$(aws ec2 describe-network-interfaces --network-interface-ids \"${{{}[@]}}\" --query 'NetworkInterfaces[].PrivateIpAddress' --output text)\"",
        v::IPS,
        v::ENIS
    ));
    s.line(format!("echo \"  endpoint IPs: ${{{}[*]}}\" >&2", v::IPS));
}

fn api(s: &mut Script, plan: &Plan) {
    let policy = names::resource_policy_line(plan);
    match &plan.api {
        ApiChoice::Create { name } => {
            s.step(
                "Private REST API",
                &["PRIVATE, bound to the endpoint, with a resource policy that admits only the plan's VPC."],
            );
            let lookup = Command::new("apigateway", "get-rest-apis");
            s.find_or_create(
                v::API,
                (
                    &lookup,
                    &format!("items[?tags.\"{TAG_PLAN_ID}\"=='{}'] | [0].id", plan.id),
                ),
                (
                    &aws::create_rest_api(
                        name,
                        &[var(v::ENDPOINT)],
                        &policy,
                        &tags(plan, step::API),
                    ),
                    "id",
                ),
                |_| {},
            );
            s.step(
                "GET /ping (MOCK)",
                &["A method answering 200 {\"ok\":true} without a backend: what verify calls."],
            );
            let resources =
                Command::new("apigateway", "get-resources").arg("--rest-api-id", var(v::API));
            s.capture(v::ROOT, &resources, "items[?path=='/'] | [0].id");
            s.find_or_create(
                v::PING,
                (&resources, "items[?path=='/ping'] | [0].id"),
                (
                    &aws::create_resource(&var(v::API), &var(v::ROOT), aws::PING_PATH_PART),
                    "id",
                ),
                |s| {
                    for part in PingPart::ALL {
                        s.run(&aws::put_ping(&var(v::API), &var(v::PING), part));
                    }
                },
            );
        }
        ApiChoice::Adopt { rest_api_id } => {
            s.step(
                "Private REST API (adopted)",
                &[
                    "Your API made PRIVATE, bound to the endpoint, with the plan's resource policy. The",
                    "path of the type patch names its current type, read first.",
                ],
            );
            s.line(format!("{}={}", v::API, aws::quote(rest_api_id)));
            s.capture(
                "API_TYPE",
                &Command::new("apigateway", "get-rest-api").arg("--rest-api-id", var(v::API)),
                "endpointConfiguration.types[0]",
            );
            s.line("if [ \"$API_TYPE\" != PRIVATE ]; then");
            s.line(format!(
                "  {}",
                aws::update_rest_api(
                    &var(v::API),
                    &[crate::cloud::write::Patch::new(
                        "replace",
                        format!("/endpointConfiguration/types/{}", var("API_TYPE")),
                        "PRIVATE"
                    )]
                )
                .shell()
            ));
            s.line("fi");
            s.run(&aws::update_rest_api(
                &var(v::API),
                &[
                    crate::cloud::write::Patch::new(
                        "add",
                        "/endpointConfiguration/vpcEndpointIds",
                        var(v::ENDPOINT),
                    ),
                    crate::cloud::write::Patch::new("replace", "/policy", policy),
                ],
            ));
        }
    }
    s.step(
        "Deployment + stage",
        &["A policy or method takes effect only through a deployment; this one makes the stage."],
    );
    s.run(&aws::create_deployment(&var(v::API), &plan.stage));
}

fn domain(s: &mut Script, plan: &Plan) {
    s.step(
        "Custom domain (REGIONAL)",
        &[
            "The name the partner calls, with its ACM certificate: the NLB passes TLS through to the",
            "endpoint, which serves this name's certificate. API Gateway allows 1 a 30 s per account.",
        ],
    );
    s.line(format!(
        "if ! aws apigateway get-domain-name --domain-name {} >/dev/null 2>&1; then",
        aws::quote(&plan.name)
    ));
    s.line(format!(
        "  {} >/dev/null",
        aws::create_domain_name(
            &plan.name,
            &plan.certificate_arn,
            &plan.settings.domain_security_policy,
            &tags(plan, step::DOMAIN),
        )
        .shell()
    ));
    s.line("fi");
    s.step(
        "API mapping",
        &["The domain (at the plan's base path) serves the API's stage."],
    );
    let base = plan.base_path.as_deref().filter(|b| !b.is_empty());
    s.line(format!(
        "if [ \"$(aws apigateway get-base-path-mappings --domain-name {} --query \"items[?basePath=='{}'] | [0].restApiId\" --output text)\" != \"$API_ID\" ]; then",
        aws::quote(&plan.name),
        base.unwrap_or("(none)")
    ));
    s.line(format!(
        "  {} >/dev/null",
        aws::create_base_path_mapping(&plan.name, &var(v::API), &plan.stage, base).shell()
    ));
    s.line("fi");
}

fn target_group(s: &mut Script, plan: &Plan) {
    s.step(
        "Target group (ip, TLS:443)",
        &["Targets are the endpoint's IPs; TLS to them, health checked by TCP on the traffic port."],
    );
    let name = names::own_target_group_name(&plan.id);
    // CreateTargetGroup of the same name and settings answers with the existing group.
    s.capture(
        v::TG,
        &aws::create_target_group(&name, &plan.vpc_id, &tags(plan, step::TARGET_GROUP)),
        "TargetGroups[0].TargetGroupArn",
    );
}

fn eips(s: &mut Script, plan: &Plan) {
    match &plan.eips {
        EipChoice::None => {}
        EipChoice::Existing { allocation_ids } => {
            s.step(
                "Elastic IPs (yours)",
                &["Your unassociated Elastic IPs, one per NLB subnet: the fixed IPs."],
            );
            for (i, a) in allocation_ids.iter().enumerate() {
                s.line(format!("{}={}", v::eip(i), aws::quote(a)));
            }
        }
        EipChoice::New => {
            s.step(
                "Elastic IPs (one per AZ)",
                &[
                    "One Elastic IP per NLB subnet, tagged with it: the fixed IPs, which outlive the NLB",
                    "(a destroy keeps them unless told to release them).",
                ],
            );
            for (i, subnet) in plan.nlb_subnet_ids.iter().enumerate() {
                let t: Vec<Tag> = names::eip_tags(plan, subnet)
                    .into_iter()
                    .map(|(key, value)| Tag { key, value })
                    .collect();
                let lookup = Command::new("ec2", "describe-addresses").list(
                    "--filters",
                    &[
                        format!("Name=tag:{TAG_PLAN_ID},Values={}", plan.id),
                        format!("Name=tag:{},Values={subnet}", names::TAG_SUBNET),
                    ],
                );
                s.find_or_create(
                    &v::eip(i),
                    (&lookup, "Addresses[0].AllocationId"),
                    (&aws::allocate_address(&t), "AllocationId"),
                    |_| {},
                );
            }
        }
    }
}

fn nlb(s: &mut Script, plan: &Plan) {
    s.step(
        "Network Load Balancer",
        &[
            "Internet-facing, in the public subnets (one per endpoint AZ), with its security group.",
            "CreateLoadBalancer of the same name and settings answers with the existing one.",
        ],
    );
    let allocation_ids = match &plan.eips {
        EipChoice::None => Default::default(),
        _ => plan
            .nlb_subnet_ids
            .iter()
            .enumerate()
            .map(|(i, sub)| (sub.clone(), var(&v::eip(i))))
            .collect(),
    };
    let req = NewLoadBalancer {
        name: names::own_nlb_name(&plan.id),
        subnet_ids: plan.nlb_subnet_ids.clone(),
        allocation_ids,
        security_group_ids: vec![var(v::NLB_SG)],
        tags: tags(plan, step::NLB),
    };
    s.capture(
        v::NLB,
        &aws::create_load_balancer(&req),
        "LoadBalancers[0].LoadBalancerArn",
    );
    let describe = Command::new("elbv2", "describe-load-balancers")
        .list("--load-balancer-arns", &[var(v::NLB)]);
    s.line(format!(
        "aws elbv2 wait load-balancer-available --load-balancer-arns \"${{{}}}\"",
        v::NLB
    ));
    s.capture(v::NLB_DNS, &describe, "LoadBalancers[0].DNSName");
    s.capture(
        v::NLB_ZONE,
        &describe,
        "LoadBalancers[0].CanonicalHostedZoneId",
    );
    if plan.settings.cross_zone {
        s.run(&aws::set_cross_zone(&var(v::NLB), true));
    }
    s.step(
        "TLS:443 listener",
        &["TLS with the name's certificate and a TLS 1.3 policy, forwarding to the target group."],
    );
    let req = NewListener {
        load_balancer_arn: var(v::NLB),
        target_group_arn: var(v::TG),
        port: plan.settings.listener_port,
        certificate_arn: plan.certificate_arn.clone(),
        ssl_policy: plan.settings.ssl_policy.clone(),
        alpn_policy: plan.settings.alpn_policy.clone(),
        tags: tags(plan, step::LISTENER),
    };
    s.find_or_create(
        v::LISTENER,
        (
            &Command::new("elbv2", "describe-listeners").arg("--load-balancer-arn", var(v::NLB)),
            &format!(
                "Listeners[?to_string(Port)=='{}'] | [0].ListenerArn",
                plan.settings.listener_port
            ),
        ),
        (&aws::create_listener(&req), "Listeners[0].ListenerArn"),
        |_| {},
    );
}

fn targets(s: &mut Script, plan: &Plan) {
    s.step(
        "Register endpoint IPs",
        &["The endpoint's IPs as the target group's targets, then wait until they are healthy."],
    );
    let ips: Vec<String> = (0..endpoint_subnet_count(plan))
        .map(|i| var(&format!("{}[{i}]", v::IPS)))
        .collect();
    s.line(format!(
        "if [ \"${{#{}[@]}}\" -ne {} ]; then echo \"the endpoint has ${{#{}[@]}} IPs, not {}\" >&2; exit 1; fi",
        v::IPS,
        ips.len(),
        v::IPS,
        ips.len()
    ));
    s.run(&aws::register_targets(
        &var(v::TG),
        &ips,
        names::ENDPOINT_PORT,
    ));
    s.line(format!(
        "aws elbv2 wait target-in-service --target-group-arn \"${{{}}}\"",
        v::TG
    ));
}

/// The endpoint's subnets: the plan's, or the reused endpoint's (read at run time).
fn endpoint_subnet_count(plan: &Plan) -> usize {
    match &plan.endpoint {
        EndpointChoice::Create { subnet_ids, .. } => subnet_ids.len(),
        // A reused endpoint has one interface per NLB subnet's AZ (validation checks it).
        EndpointChoice::Reuse { .. } => plan.nlb_subnet_ids.len(),
    }
}

fn records(s: &mut Script, plan: &Plan) {
    s.step(
        "Private hosted zone",
        &["Callers inside the VPC resolve the name to the endpoint, not out through the NLB."],
    );
    match &plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => {
            s.line(format!("{}={}", v::PRIVATE_ZONE, aws::quote(zone_id)));
            s.line(format!(
                "{} 2>/dev/null || echo \"  (already associated)\" >&2",
                aws::associate_vpc(&var(v::PRIVATE_ZONE), &plan.vpc_id, &plan.region).shell()
            ));
        }
        PrivateZoneChoice::Create => {
            let reference = format!("{}-zone-sh{}", plan.id, var("NOW"));
            s.line("NOW=$(date +%s)");
            let lookup =
                Command::new("route53", "list-hosted-zones-by-name").arg("--dns-name", &plan.name);
            s.find_or_create(
                v::PRIVATE_ZONE,
                (
                    &lookup,
                    &format!(
                        "HostedZones[?starts_with(Config.Comment || '', '{}')] | [0].Id",
                        names::own_zone_comment_prefix(&plan.id)
                    ),
                ),
                (
                    &aws::create_private_zone(&plan.name, &plan.vpc_id, &plan.region, &reference),
                    "HostedZone.Id",
                ),
                |_| {},
            );
            s.line(format!("{0}=${{{0}##*/}}", v::PRIVATE_ZONE));
        }
    }
    s.step(
        "Public A alias → NLB",
        &["The name, publicly, to the NLB (its fixed IPs); Route 53 answers with them."],
    );
    let public = AliasRecord {
        zone_id: plan.public_zone_id.clone(),
        name: plan.name.clone(),
        target_dns_name: var(v::NLB_DNS),
        target_zone_id: var(v::NLB_ZONE),
        evaluate_target_health: true,
    };
    s.capture(
        "CHANGE",
        &aws::change_alias_record(RecordAction::Upsert, &public),
        "ChangeInfo.Id",
    );
    s.line("aws route53 wait resource-record-sets-changed --id \"${CHANGE##*/}\"");
    s.step(
        "Private A alias → endpoint",
        &["The name, inside the VPC, to the endpoint's regional DNS name."],
    );
    let private = AliasRecord {
        zone_id: var(v::PRIVATE_ZONE),
        name: plan.name.clone(),
        target_dns_name: var(v::ENDPOINT_DNS),
        target_zone_id: var(v::ENDPOINT_ZONE),
        evaluate_target_health: false,
    };
    s.capture(
        "CHANGE",
        &aws::change_alias_record(RecordAction::Upsert, &private),
        "ChangeInfo.Id",
    );
    s.line("aws route53 wait resource-record-sets-changed --id \"${CHANGE##*/}\"");
}

/// The teardown of what the apply script (or `fixedip-tui apply`) made for `plan`, found by name
/// and by the plan's tag, in the destroy's order; the Elastic IPs are kept (the partner
/// allow-listed them) unless `RELEASE_EIPS=1`.
pub fn shell_destroy(plan: &Plan) -> Result<String, ExportError> {
    check(plan)?;
    let mut s = Script::new();
    preamble(&mut s, plan, "destroy");
    s.line("# Each step finds what the plan made; what is already gone is skipped.");
    s.line("BATCH=$(mktemp)");
    s.line("trap 'rm -f \"$BATCH\"' EXIT");

    s.step(
        "Public A alias → NLB",
        &["The name stops pointing at the NLB first."],
    );
    delete_alias(&mut s, &plan.public_zone_id, &plan.name);
    let steps: [Section; 7] = [
        destroy_private_zone,
        destroy_domain,
        destroy_nlb_and_target_group,
        destroy_api,
        destroy_eips,
        destroy_endpoint,
        destroy_security_groups,
    ];
    for step in steps {
        step(&mut s, plan);
    }
    Ok(s.text)
}

/// The private zone's alias record, then the zone when the plan made it.
fn destroy_private_zone(s: &mut Script, plan: &Plan) {
    s.step(
        "Private hosted zone",
        &["Its alias record, then the zone if the plan made it."],
    );
    let zone_query = match &plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => format!("'{zone_id}'"),
        PrivateZoneChoice::Create => format!(
            "HostedZones[?starts_with(Config.Comment || '', '{}')] | [0].Id",
            names::own_zone_comment_prefix(&plan.id)
        ),
    };
    match &plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => {
            s.line(format!("{}={}", v::PRIVATE_ZONE, aws::quote(zone_id)));
        }
        PrivateZoneChoice::Create => s.capture(
            v::PRIVATE_ZONE,
            &Command::new("route53", "list-hosted-zones-by-name").arg("--dns-name", &plan.name),
            &zone_query,
        ),
    }
    s.if_found(v::PRIVATE_ZONE, |s| {
        s.line(format!("{0}=${{{0}##*/}}", v::PRIVATE_ZONE));
        delete_alias(s, &var(v::PRIVATE_ZONE), &plan.name);
        if plan.private_zone == PrivateZoneChoice::Create {
            s.run(&aws::delete_hosted_zone(&var(v::PRIVATE_ZONE)));
        }
    });
}

/// The API mapping and the custom domain.
fn destroy_domain(s: &mut Script, plan: &Plan) {
    s.step(
        "API mapping and custom domain",
        &["The domain goes with its mapping."],
    );
    s.line(format!(
        "if aws apigateway get-domain-name --domain-name {} >/dev/null 2>&1; then",
        aws::quote(&plan.name)
    ));
    s.line(format!(
        "  {} || true",
        aws::delete_base_path_mapping(&plan.name, plan.base_path.as_deref()).shell()
    ));
    s.line(format!("  {}", aws::delete_domain_name(&plan.name).shell()));
    s.line("fi");
}

/// The NLB (its listener goes with it), then the target group.
fn destroy_nlb_and_target_group(s: &mut Script, plan: &Plan) {
    s.step(
        "TLS:443 listener and NLB",
        &["Deleting the NLB deletes its listener."],
    );
    s.capture(
        v::NLB,
        &Command::new("elbv2", "describe-load-balancers")
            .list("--names", &[names::own_nlb_name(&plan.id)]),
        "LoadBalancers[0].LoadBalancerArn",
    );
    s.if_found(v::NLB, |s| {
        s.run(&aws::delete_load_balancer(&var(v::NLB)));
        s.line(format!(
            "aws elbv2 wait load-balancers-deleted --load-balancer-arns \"${{{}}}\"",
            v::NLB
        ));
    });

    s.step("Target group", &["Free once the listener is gone."]);
    s.capture(
        v::TG,
        &Command::new("elbv2", "describe-target-groups")
            .list("--names", &[names::own_target_group_name(&plan.id)]),
        "TargetGroups[0].TargetGroupArn",
    );
    s.if_found(v::TG, |s| s.run(&aws::delete_target_group(&var(v::TG))));
}

/// The plan's REST API (an adopted one is left PRIVATE).
fn destroy_api(s: &mut Script, plan: &Plan) {
    s.step(
        "REST API",
        &["With its /ping method, deployment and stage."],
    );
    match &plan.api {
        ApiChoice::Create { .. } => {
            s.capture(
                v::API,
                &Command::new("apigateway", "get-rest-apis"),
                &format!("items[?tags.\"{TAG_PLAN_ID}\"=='{}'] | [0].id", plan.id),
            );
            s.if_found(v::API, |s| s.run(&aws::delete_rest_api(&var(v::API))));
        }
        ApiChoice::Adopt { rest_api_id } => {
            s.line(format!(
                "# {rest_api_id} is yours: it stays PRIVATE (an API never goes back to EDGE); `fixedip-tui destroy`"
            ));
            s.line("# puts its prior endpoint configuration and policy back from its journal.");
        }
    }
}

/// The Elastic IPs, only when RELEASE_EIPS=1.
fn destroy_eips(s: &mut Script, plan: &Plan) {
    if plan.eips == EipChoice::New {
        s.step(
            "Elastic IPs",
            &["Kept unless RELEASE_EIPS=1: they are what the partner allow-listed."],
        );
        s.line("if [ \"${RELEASE_EIPS:-0}\" = 1 ]; then");
        s.line(format!(
            "  for a in $({} --query 'Addresses[].AllocationId' --output text); do",
            by_plan_tag("ec2", "describe-addresses", plan).shell()
        ));
        s.line(format!("    {}", aws::release_address(&var("a")).shell()));
        s.line("  done");
        s.line("fi");
    }
}

/// The plan's endpoint, or the plan's group off a reused one.
fn destroy_endpoint(s: &mut Script, plan: &Plan) {
    s.step(
        "execute-api VPC endpoint",
        &["Deleted when the plan made it; a reused one loses the plan's security group."],
    );
    match &plan.endpoint {
        EndpointChoice::Reuse { vpc_endpoint_id } => {
            s.capture(
                v::ENDPOINT_SG,
                &sg_lookup(plan, &names::endpoint_sg_name(plan)),
                "SecurityGroups[0].GroupId",
            );
            s.if_found(v::ENDPOINT_SG, |s| {
                s.run(&aws::remove_endpoint_security_groups(
                    vpc_endpoint_id,
                    &[var(v::ENDPOINT_SG)],
                ))
            });
        }
        EndpointChoice::Create { .. } => {
            let ours = by_plan_tag("ec2", "describe-vpc-endpoints", plan);
            s.line(format!(
                "for ep in $({} --query \"VpcEndpoints[?State!='deleted'].VpcEndpointId\" --output text); do",
                ours.shell()
            ));
            s.line(format!(
                "  {}",
                aws::delete_vpc_endpoint(&var("ep")).shell()
            ));
            s.line("done");
            s.line(format!(
                "wait_for 'the endpoint to be deleted' 0 {WAIT_SECONDS} -- {} --query \"length(VpcEndpoints[?State!='deleted'])\" --output text",
                ours.shell()
            ));
        }
    }
}

/// The security groups, once the interfaces that used them are gone.
fn destroy_security_groups(s: &mut Script, plan: &Plan) {
    s.step(
        "Security groups",
        &["Once the network interfaces that used them are gone (this can take a few minutes)."],
    );
    for name in [names::nlb_sg_name(plan), names::endpoint_sg_name(plan)] {
        s.capture("SG", &sg_lookup(plan, &name), "SecurityGroups[0].GroupId");
        s.if_found("SG", |s| {
            s.line(format!(
                "until {} 2>/dev/null; do echo \"  waiting for {name}'s network interfaces to go\" >&2; sleep {POLL_SECONDS}; done",
                aws::delete_security_group(&var("SG")).shell()
            ))
        });
    }
    if plan.enable_vpc_dns {
        s.blank();
        s.line(format!(
            "# The plan turned on DNS support and hostnames in {}; they stay on (`fixedip-tui destroy`",
            plan.vpc_id
        ));
        s.line("# puts back what its journal says they were).");
    }
    s.blank();
    s.line("echo 'done' >&2");
}

/// Delete the A alias of `name` in `zone` as it is (Route 53 deletes only an exact match).
fn delete_alias(s: &mut Script, zone: &str, name: &str) {
    let list = Command::new("route53", "list-resource-record-sets")
        .arg("--hosted-zone-id", zone)
        .arg("--start-record-name", name)
        .arg("--start-record-type", "A")
        .arg("--max-items", "1");
    s.capture(
        "RECORD",
        &list,
        &format!(
            "ResourceRecordSets[?Type=='A' && Name=='{}.'] | [0]",
            name.trim_end_matches('.')
        ),
    );
    s.if_found("RECORD", |s| {
    s.line(format!(
        "aws route53 list-resource-record-sets --hosted-zone-id {} --start-record-name {} --start-record-type A --max-items 1 --query \"{{Changes:[{{Action:'DELETE',ResourceRecordSet:ResourceRecordSets[0]}}]}}\" --output json > \"$BATCH\"",
        aws::quote(zone),
        aws::quote(name)
    ));
        s.line(format!(
            "aws route53 change-resource-record-sets --hosted-zone-id {} --change-batch \"file://$BATCH\" >/dev/null",
            aws::quote(zone)
        ));
    });
}
