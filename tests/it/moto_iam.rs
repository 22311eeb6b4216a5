//! Issue 12, item 1: `assets/iam-policy.json` allows every IAM action the tool needs, and only
//! those. Whole lives of the real binary run against moto behind the recording proxy
//! (scripts/delay_proxy.py --record); every request is named the way AWS authorizes it, and the
//! policy is evaluated for each. A request this file cannot name fails the test, so a new call
//! can never slip by unnamed; an action of the policy that no life needs fails it too.
//!
//! The lives:
//! - discovery (`discover --json`) and `plan`: their actions are the read-only set, which must
//!   equal the policy's `ReadOnlyDiscoverAndPlan` statement and the list in README.md;
//! - adoption: reuse the VPC's execute-api endpoint, adopt an NLB whose TLS:443 listener
//!   forwards elsewhere and the seed's PRIVATE API `orders`; apply, status, destroy;
//! - adoption of an NLB without a 443 listener (the plan adds one, destroy deletes it), of a
//!   target group (registered into, deregistered from) and of a private zone;
//! - the whole life: VPC DNS switched on, Elastic IPs, pinned endpoint IPs, callers, a new API
//!   and private zone; apply, status, verify, `allow --add/--remove`, destroy,
//!   `destroy --release-eips`.
//!
//! The same lives check the `aws` lines the tool shows (issue 17): every line the applies and
//! destroys said (`--json` "call" events) goes through the real AWS CLI (awscli, by
//! tests/fixtures/cli_lines.py), which must accept it and send the very request the SDK sent for
//! it (compared with the recording proxy's, parameter by parameter).
//!
//! Where a statement is conditioned on the plan's tag (`aws:ResourceTag/fixedip:plan-id`), the
//! request's target (GroupId, VpcEndpointId, AllocationId, …) must not be one of the account's
//! own resources (the seed's and this test's fixtures): those carry no plan tag, so AWS would
//! deny. Elsewhere a statement's `Resource` must match the request's resource (API Gateway:
//! `arn:aws:apigateway:<region>::<path>`; others: only `*` provably matches).

use crate::common;

use common::moto::{boto, cert_arn, endpoint_in, form, id_of, s, RecordingProxy};

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::process::Output;

use serde_json::Value;

// ------------------------------------------------------------------------------------ naming

/// One IAM authorization a request needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Need {
    action: String,
    /// The resource ARN where it is known from the request (API Gateway's path).
    resource: Option<String>,
    /// For the tag-on-create authorization (`ec2:CreateTags` / `elasticloadbalancing:AddTags`):
    /// the creating operation, the value of `ec2:CreateAction` / `elasticloadbalancing:CreateAction`.
    create_action: Option<String>,
    /// The ids / ARNs of the resources the request acts on (EC2 / ELB), for tag conditions.
    targets: Vec<String>,
    /// Which request, for messages.
    from: String,
}

impl Need {
    fn new(action: impl Into<String>, from: &str) -> Need {
        Need {
            action: action.into(),
            resource: None,
            create_action: None,
            targets: vec![],
            from: from.to_string(),
        }
    }
}

/// Operations AWS documents as needing no permission.
/// sts:GetCallerIdentity — "No permissions are required to perform this operation."
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
const NEEDS_NO_PERMISSION: &[&str] = &["sts:GetCallerIdentity"];

/// Query-protocol fields that name the resource a request acts on.
const TARGET_FIELDS: &[&str] = &[
    "GroupId",
    "VpcEndpointId",
    "AllocationId",
    "VpcId",
    "LoadBalancerArn",
    "TargetGroupArn",
    "ListenerArn",
];

fn query_targets(f: &BTreeMap<String, String>) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| {
            let base = k.split('.').next().unwrap_or_default();
            // `VpcEndpointId.1` (DeleteVpcEndpoints) but not `DefaultActions.member.1.TargetGroupArn`.
            TARGET_FIELDS.contains(&base)
                && k[base.len()..]
                    .trim_start_matches('.')
                    .chars()
                    .all(|c| c.is_ascii_digit())
        })
        .map(|(_, v)| v.clone())
        .collect()
}

/// The IAM authorizations of one recorded request (scripts/delay_proxy.py --record line).
/// Panics on a request it cannot name.
fn needs_of(r: &Value) -> Vec<Need> {
    let method = r["method"].as_str().unwrap_or_default();
    let target = r["target"].as_str().unwrap_or_default();
    let body = r["body"].as_str().unwrap_or_default();
    let service = r["service"].as_str().unwrap_or_default();
    let region = r["region"].as_str().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default();
    let from = format!("{service} {method} {target}");
    let unknown = || -> ! {
        panic!(
            "a request this test cannot name as an IAM action: {r}\n\
             Teach needs_of() its action (and add the action to assets/iam-policy.json)."
        )
    };
    let mut out = Vec::new();
    match service {
        // Query protocol: the operation is `Action=` of the form.
        "ec2" | "elasticloadbalancing" | "sts" => {
            let f = form(body);
            let Some(op) = f.get("Action") else { unknown() };
            let mut n = Need::new(format!("{service}:{op}"), &from);
            n.targets = query_targets(&f);
            out.push(n);
            // Tags in a create call are authorized as ec2:CreateTags / elasticloadbalancing:AddTags
            // with the creating action in `ec2:CreateAction` / `elasticloadbalancing:CreateAction`.
            // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/tagging-resources-during-creation.html
            let tagged = match service {
                "ec2" => f.keys().any(|k| k.starts_with("TagSpecification.")),
                "elasticloadbalancing" => {
                    op.starts_with("Create") && f.keys().any(|k| k.starts_with("Tags.member."))
                }
                _ => false,
            };
            if tagged {
                let tag_action = if service == "ec2" {
                    "ec2:CreateTags"
                } else {
                    "elasticloadbalancing:AddTags"
                };
                let mut t = Need::new(tag_action, &from);
                t.create_action = Some(op.clone());
                out.push(t);
            }
            // An interface endpoint with private DNS: AWS associates its own private zone with
            // the VPC on the caller's behalf (SAR, ec2:CreateVpcEndpoint, dependent actions).
            if op == "CreateVpcEndpoint"
                && f.get("PrivateDnsEnabled").map(String::as_str) == Some("true")
            {
                out.push(Need::new("route53:AssociateVPCWithHostedZone", &from));
            }
        }
        // JSON protocol: the operation is the `X-Amz-Target` header.
        "acm" => {
            let t = r["amz_target"].as_str().unwrap_or_default();
            let Some(op) = t.strip_prefix("CertificateManager.") else {
                unknown()
            };
            out.push(Need::new(format!("acm:{op}"), &from));
        }
        // REST-XML: method and path name the operation.
        "route53" => {
            let seg: Vec<&str> = path.split('/').filter(|x| !x.is_empty()).collect();
            let op = match (method, &seg[1.min(seg.len())..]) {
                ("GET", ["hostedzone"]) => "ListHostedZones",
                ("POST", ["hostedzone"]) => "CreateHostedZone",
                ("GET", ["hostedzone", _]) => "GetHostedZone",
                ("DELETE", ["hostedzone", _]) => "DeleteHostedZone",
                ("GET", ["hostedzone", _, "rrset"]) => "ListResourceRecordSets",
                ("POST", ["hostedzone", _, "rrset"]) => "ChangeResourceRecordSets",
                ("POST", ["hostedzone", _, "associatevpc"]) => "AssociateVPCWithHostedZone",
                ("GET", ["hostedzonesbyname"]) => "ListHostedZonesByName",
                ("GET", ["change", _]) => "GetChange",
                _ => unknown(),
            };
            out.push(Need::new(format!("route53:{op}"), &from));
            // A private zone is created with (or associated to) a VPC: Route 53 checks the VPC
            // with ec2:DescribeVpcs (SAR, CreateHostedZone / AssociateVPCWithHostedZone,
            // dependent actions).
            if op == "AssociateVPCWithHostedZone"
                || (op == "CreateHostedZone" && body.contains("<VPC>"))
            {
                out.push(Need::new("ec2:DescribeVpcs", &from));
            }
        }
        // REST-JSON: `apigateway:<METHOD>` on `arn:aws:apigateway:<region>::<path>`, plus
        // apigateway:UpdateRestApiPolicy wherever a resource policy is set
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
        "apigateway" => {
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
                unknown()
            }
            let arn = format!("arn:aws:apigateway:{region}::{path}");
            let mut n = Need::new(format!("apigateway:{method}"), &from);
            n.resource = Some(arn.clone());
            out.push(n);
            let seg: Vec<&str> = path.split('/').filter(|x| !x.is_empty()).collect();
            let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            let sets_policy = match (method, seg.as_slice()) {
                ("POST", ["restapis"]) => json["policy"].as_str().is_some_and(|p| !p.is_empty()),
                ("PATCH", ["restapis", _]) => json["patchOperations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|op| op["path"] == "/policy"),
                ("PUT", ["restapis", _]) => true,
                _ => false,
            };
            if sets_policy {
                let mut p = Need::new("apigateway:UpdateRestApiPolicy", &from);
                p.resource = Some(arn);
                out.push(p);
            }
        }
        _ => unknown(),
    }
    out
}

// ------------------------------------------------------------------------------------ policy

#[derive(Debug, Clone)]
struct Statement {
    sid: String,
    actions: Vec<String>,
    resources: Vec<String>,
    /// operator → key → values
    condition: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

fn one_or_many(v: &Value) -> Vec<String> {
    match v {
        Value::String(x) => vec![x.clone()],
        Value::Array(a) => a.iter().map(s).collect(),
        _ => vec![],
    }
}

fn parse_policy(text: &str) -> Vec<Statement> {
    let doc: Value = serde_json::from_str(text).expect("the policy is JSON");
    assert_eq!(doc["Version"], "2012-10-17");
    doc["Statement"]
        .as_array()
        .expect("Statement is a list")
        .iter()
        .map(|st| {
            // Keep the evaluator honest: it knows Allow, Action, Resource and a Condition.
            for k in st.as_object().expect("a statement is an object").keys() {
                assert!(
                    ["Sid", "Effect", "Action", "Resource", "Condition"].contains(&k.as_str()),
                    "this test cannot evaluate `{k}` in {st}"
                );
            }
            assert_eq!(st["Effect"], "Allow", "{st}");
            let condition = st["Condition"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(op, keys)| {
                    let keys = keys
                        .as_object()
                        .expect("a condition operator maps keys")
                        .iter()
                        .map(|(k, v)| (k.clone(), one_or_many(v)))
                        .collect();
                    (op.clone(), keys)
                })
                .collect();
            Statement {
                sid: s(&st["Sid"]),
                actions: one_or_many(&st["Action"]),
                resources: one_or_many(&st["Resource"]),
                condition,
            }
        })
        .collect()
}

/// IAM's wildcard match: `*` any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The plan's tag key (src/plan/review.rs TAG_PLAN_ID).
const PLAN_TAG_CONDITION: &str = "aws:ResourceTag/fixedip:plan-id";

/// Whether `st` allows `need`; `foreign` holds the account's own resources (untagged).
fn allows(st: &Statement, need: &Need, foreign: &HashSet<String>) -> bool {
    // Action names are case-insensitive in IAM.
    if !st
        .actions
        .iter()
        .any(|a| glob(&a.to_ascii_lowercase(), &need.action.to_ascii_lowercase()))
    {
        return false;
    }
    let resource_ok = match &need.resource {
        Some(arn) => st.resources.iter().any(|p| glob(p, arn)),
        None => st.resources.iter().any(|p| p == "*"),
    };
    if !resource_ok {
        return false;
    }
    st.condition.iter().all(|(op, keys)| {
        keys.iter()
            .all(|(key, values)| match (op.as_str(), key.as_str()) {
                (
                    "StringEquals" | "StringLike",
                    "ec2:CreateAction" | "elasticloadbalancing:CreateAction",
                ) => need.create_action.as_ref().is_some_and(|c| {
                    values.iter().any(|v| {
                        if op == "StringLike" {
                            glob(v, c)
                        } else {
                            v == c
                        }
                    })
                }),
                // Every resource the tool creates carries the plan tag (its create call sends
                // it: asserted in the test); the account's own resources do not.
                ("StringLike", PLAN_TAG_CONDITION) => {
                    !need.targets.is_empty() && need.targets.iter().all(|t| !foreign.contains(t))
                }
                // iam:CreateServiceLinkedRole is never sent by the tool (AWS does it on first use).
                ("StringEquals", "iam:AWSServiceName") => false,
                _ => panic!(
                    "statement {}: this test cannot evaluate the condition {op} {key}",
                    st.sid
                ),
            })
    })
}

/// Actions AWS documents as supporting `aws:ResourceTag/${TagKey}` (on the resource types this
/// tool acts on), i.e. the only ones a statement may condition on the plan's tag.
/// EC2 (security-group, vpc-endpoint, elastic-ip resource types all list aws:ResourceTag):
///   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
///   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_ec2_securitygroups-vpc.html
/// ELBv2 (loadbalancer/net, targetgroup, listener/net list aws:ResourceTag):
///   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
const DOCUMENTED_RESOURCE_TAG: &[&str] = &[
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:DeleteSecurityGroup",
    "ec2:DeleteVpcEndpoints",
    "ec2:ModifyVpcEndpoint",
    "ec2:ReleaseAddress",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:ModifyListener",
];

/// The EC2 / ELB operations that create a resource the tool later changes or deletes.
const CREATES: &[&str] = &[
    "CreateSecurityGroup",
    "CreateVpcEndpoint",
    "AllocateAddress",
    "CreateTargetGroup",
    "CreateLoadBalancer",
    "CreateListener",
];

/// Actions of the policy that no life against moto sends, each with the reason it is there.
const NOT_SENT_AGAINST_MOTO: &[(&str, &str)] = &[(
    "iam:CreateServiceLinkedRole",
    "AWS creates the ELB and API Gateway service-linked roles on the account's first NLB / \
     custom domain, with the caller's permission; moto has no such step",
)];

// ------------------------------------------------------------------------------------ lives

struct Life<'a> {
    proxy: &'a RecordingProxy,
    home: &'a Path,
    /// phase name → the requests it sent
    phases: Vec<(String, Vec<Value>)>,
    /// The `aws` lines applies and destroys said (their `--json` "call" events), in order.
    lines: Vec<String>,
}

impl Life<'_> {
    /// Run the binary with `args`; the phase's requests are kept under `name`.
    fn run(&mut self, name: &str, args: &[&str], codes: &[i32]) -> Output {
        let before = self.proxy.requests().len();
        let out = common::bin_without_credentials(self.home)
            .arg("--endpoint-url")
            .arg(&self.proxy.url)
            .args(args)
            .current_dir(self.home)
            .output()
            .expect("binary runs");
        assert!(
            out.status.code().is_some_and(|c| codes.contains(&c)),
            "{name}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let reqs = self.proxy.requests()[before..].to_vec();
        for event in String::from_utf8_lossy(&out.stdout).lines() {
            if let Ok(e) = serde_json::from_str::<Value>(event) {
                if e["type"] == "event" && e["data"]["event"] == "call" {
                    self.lines.push(s(&e["data"]["command"]));
                }
            }
        }
        assert!(!reqs.is_empty(), "{name} sent no request");
        self.phases.push((name.to_string(), reqs));
        out
    }

    fn plan_id(out: &Output) -> String {
        let plan: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
        s(&plan["plan_id"])
    }
}

/// Every string of a JSON document (the seed's manifest: the account's own resources).
fn strings(v: &Value, out: &mut HashSet<String>) {
    match v {
        Value::String(x) => {
            out.insert(x.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The backticked `service:Action` names between the README's read-only markers.
fn readme_read_only() -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let (start, end) = ("<!-- iam:read-only -->", "<!-- /iam:read-only -->");
    let a = text.find(start).expect("README has the read-only marker") + start.len();
    let b = text[a..]
        .find(end)
        .expect("README closes the read-only list")
        + a;
    text[a..b]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.contains(':') && !t.contains(' '))
        .map(str::to_string)
        .collect()
}

fn is_read(action: &str) -> bool {
    let op = action.split(':').nth(1).unwrap_or_default();
    action == "apigateway:GET"
        || ["Describe", "List", "Get"]
            .iter()
            .any(|p| op.starts_with(p))
}

#[test]
fn the_shipped_policy_allows_every_call_of_a_whole_life_and_nothing_else() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let m = moto.seed(&[]);
    let proxy = RecordingProxy::start(&moto.url, dir.path());
    let home = tempfile::tempdir().expect("home");
    let mut life = Life {
        proxy: &proxy,
        home: home.path(),
        phases: vec![],
        lines: vec![],
    };

    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let (priv_a, priv_b, pub_a, pub_b) = (
        sub("prod-private-a"),
        sub("prod-private-b"),
        sub("prod-public-a"),
        sub("prod-public-b"),
    );
    let cert = cert_arn(&m, "api.example.com");
    let vpce = endpoint_in(&m, &prod);
    let orders = id_of(&m, "apis", "name", "orders");

    // The account's own NLBs: one whose TLS:443 listener forwards to its own group, one with only
    // a TCP:80 listener. Discovery lists them (and their listeners and tags).
    let made = boto(
        &moto.url,
        &format!(
            "tg = elbv2.create_target_group(Name='partner-tg', Protocol='TLS', Port=443, VpcId='{prod}', TargetType='ip', HealthCheckProtocol='TCP')['TargetGroups'][0]['TargetGroupArn']\n\
             tg80 = elbv2.create_target_group(Name='partner-tg80', Protocol='TCP', Port=80, VpcId='{prod}', TargetType='ip')['TargetGroups'][0]['TargetGroupArn']\n\
             lb = elbv2.create_load_balancer(Name='partner-nlb', Type='network', Scheme='internet-facing', Subnets=['{pub_a}', '{pub_b}'])['LoadBalancers'][0]['LoadBalancerArn']\n\
             l443 = elbv2.create_listener(LoadBalancerArn=lb, Protocol='TLS', Port=443, Certificates=[{{'CertificateArn': '{cert}'}}], DefaultActions=[{{'Type': 'forward', 'TargetGroupArn': tg}}])['Listeners'][0]['ListenerArn']\n\
             lb2 = elbv2.create_load_balancer(Name='partner-nlb2', Type='network', Scheme='internet-facing', Subnets=['{pub_a}', '{pub_b}'])['LoadBalancers'][0]['LoadBalancerArn']\n\
             l80 = elbv2.create_listener(LoadBalancerArn=lb2, Protocol='TCP', Port=80, DefaultActions=[{{'Type': 'forward', 'TargetGroupArn': tg80}}])['Listeners'][0]['ListenerArn']\n\
             tg2 = elbv2.create_target_group(Name='partner-tg2', Protocol='TLS', Port=443, VpcId='{prod}', TargetType='ip', HealthCheckProtocol='TCP')['TargetGroups'][0]['TargetGroupArn']\n\
             print(json.dumps([lb, tg, l443, lb2, tg80, l80, tg2]))"
        ),
    );
    // The adopted API needs a method to be deployed.
    boto(
        &moto.url,
        &format!(
            "apigw = boto3.client('apigateway', **kw)\n\
             root = [r['id'] for r in apigw.get_resources(restApiId='{orders}')['items'] if r['path'] == '/'][0]\n\
             apigw.put_method(restApiId='{orders}', resourceId=root, httpMethod='GET', authorizationType='NONE')\n\
             apigw.put_integration(restApiId='{orders}', resourceId=root, httpMethod='GET', type='MOCK')\n\
             print('null')"
        ),
    );
    let mut foreign = HashSet::new();
    strings(&m, &mut foreign);
    strings(&made, &mut foreign);
    let (lb, lb2, tg2) = (s(&made[0]), s(&made[3]), s(&made[6]));

    // -- discovery and plan: the read-only set.
    life.run("discover", &["discover", "--json"], &[0]);

    // -- adoption: the reused endpoint, an adopted NLB whose 443 listener is redirected, the
    // seed's PRIVATE API (its resource policy is replaced, then restored).
    let out = life.run(
        "plan (adopt)",
        &[
            "plan",
            "--out",
            "adopt.toml",
            "--json",
            "--vpc",
            &prod,
            "--reuse-endpoint",
            &vpce,
            "--adopt-nlb",
            &lb,
            "--name",
            "adopt.example.com",
            "--certificate",
            &cert,
            "--api",
            &orders,
            "--create-private-zone",
            "--acknowledge",
            "callers-whole-internet",
            "--acknowledge",
            "nlb-adopt-listener-redirect",
            "--acknowledge",
            "api-policy-replaced",
        ],
        &[0],
    );
    let adopt = Life::plan_id(&out);
    life.run(
        "apply (adopt)",
        &["apply", "--plan", "adopt.toml", "--yes", "--json"],
        &[0],
    );
    life.run(
        "status (adopt)",
        &["status", "--plan-id", &adopt, "--json"],
        &[0, 1],
    );
    life.run(
        "destroy (adopt)",
        &["destroy", "--plan-id", &adopt, "--yes", "--json"],
        &[0],
    );

    // -- an adopted NLB without a 443 listener, an adopted target group and the account's own
    // private zone: the plan adds a listener (destroy deletes it), registers into the group
    // (destroy deregisters) and associates the zone with the VPC (already so: no change).
    let api_zone = id_of(&m, "zones", "name", "api.example.com");
    let out = life.run(
        "plan (listener)",
        &[
            "plan",
            "--out",
            "listener.toml",
            "--json",
            "--vpc",
            &prod,
            "--reuse-endpoint",
            &vpce,
            "--adopt-nlb",
            &lb2,
            "--adopt-target-group",
            &tg2,
            "--name",
            "api.example.com",
            "--certificate",
            &cert,
            "--create-api",
            "--private-zone",
            &api_zone,
            "--acknowledge",
            "callers-whole-internet",
        ],
        &[0],
    );
    let listener = Life::plan_id(&out);
    life.run(
        "apply (listener)",
        &["apply", "--plan", "listener.toml", "--yes", "--json"],
        &[0],
    );
    life.run(
        "destroy (listener)",
        &["destroy", "--plan-id", &listener, "--yes", "--json"],
        &[0],
    );

    // -- the whole life. The plan creates its endpoint (pinned IPs need that), and turns the
    // VPC's DNS hostnames on (destroy turns them off again).
    boto(
        &moto.url,
        &format!(
            "ec2.delete_vpc_endpoints(VpcEndpointIds=['{vpce}'])\n\
             ec2.modify_vpc_attribute(VpcId='{prod}', EnableDnsHostnames={{'Value': False}})\n\
             print('null')"
        ),
    );
    let out = life.run(
        "plan",
        &[
            "plan",
            "--out",
            "plan.toml",
            "--json",
            "--vpc",
            &prod,
            "--enable-vpc-dns",
            "--endpoint-subnets",
            &format!("{priv_a},{priv_b}"),
            "--endpoint-ip",
            &format!("{priv_a}=10.0.10.50"),
            "--endpoint-ip",
            &format!("{priv_b}=10.0.11.50"),
            "--nlb-subnets",
            &format!("{pub_a},{pub_b}"),
            "--eip",
            "new",
            "--name",
            "fixed.example.com",
            "--certificate",
            &cert,
            "--create-api",
            "--create-private-zone",
            "--allow-cidr",
            "203.0.113.0/24",
            "--acknowledge",
            "vpc-dns-will-change",
        ],
        &[0],
    );
    let id = Life::plan_id(&out);
    life.run(
        "apply",
        &["apply", "--plan", "plan.toml", "--yes", "--json"],
        &[0],
    );
    life.run("status", &["status", "--plan-id", &id, "--json"], &[0, 1]);
    life.run(
        "verify",
        &["verify", "--plan-id", &id, "--json", "--skip-network"],
        &[0, 1],
    );
    life.run(
        "allow --add",
        &["allow", "--plan-id", &id, "--add", "198.51.100.0/24"],
        &[0],
    );
    life.run(
        "allow --remove",
        &["allow", "--plan-id", &id, "--remove", "203.0.113.0/24"],
        &[0],
    );
    // doctor: when the `doctor` subcommand exists (issue 12), run it here, e.g.
    // `life.run("doctor", &["doctor", "--plan-id", &id, "--json"], &[0, 1]);` — its calls are
    // then named and checked like every other phase's.
    life.run(
        "destroy",
        &["destroy", "--plan-id", &id, "--yes", "--json"],
        &[0],
    );
    life.run(
        "destroy --release-eips",
        &[
            "destroy",
            "--plan-id",
            &id,
            "--yes",
            "--release-eips",
            "--json",
        ],
        &[0],
    );

    // -- every `aws` line the applies and destroys said is a command the real AWS CLI accepts,
    // and sends the very request the SDK sent for it (issue 17).
    let report = common::moto::aws_cli_check(&life.lines, &proxy.record);
    assert!(
        report["rejected"].as_array().is_some_and(Vec::is_empty)
            && report["unmatched"].as_array().is_some_and(Vec::is_empty),
        "aws lines the CLI refuses, or whose request differs from the SDK's:\n{report:#}"
    );
    assert_eq!(report["matched"], report["lines"]);
    assert!(life.lines.len() >= 40, "{} lines", life.lines.len());

    // -- name every request; evaluate the policy.
    let policy_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/iam-policy.json"),
    )
    .expect("assets/iam-policy.json");
    let policy = parse_policy(&policy_text);
    let mut needs: Vec<(String, Need)> = Vec::new();
    for (phase, reqs) in &life.phases {
        for r in reqs {
            for n in needs_of(r) {
                if !NEEDS_NO_PERMISSION.contains(&n.action.as_str()) {
                    needs.push((phase.clone(), n));
                }
            }
        }
    }
    // The tag conditions rest on this: every create call tags what it creates with the plan.
    for (phase, reqs) in &life.phases {
        for r in reqs {
            let f = form(r["body"].as_str().unwrap_or_default());
            let op = f.get("Action").map(String::as_str).unwrap_or_default();
            if CREATES.contains(&op) {
                assert!(
                    f.iter()
                        .any(|(k, v)| k.ends_with(".Key") && v == "fixedip:plan-id"),
                    "{phase}: {op} does not tag with fixedip:plan-id: {f:#?}"
                );
            }
        }
    }

    // What each phase needs, for the reader of a failure.
    let mut by_phase: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (phase, n) in &needs {
        by_phase.entry(phase).or_default().insert(&n.action);
    }
    for (phase, actions) in &by_phase {
        eprintln!(
            "{phase}: {}",
            actions.iter().copied().collect::<Vec<_>>().join(" ")
        );
    }
    let denied = |policy: &[Statement]| -> Vec<String> {
        let mut out: Vec<String> = needs
            .iter()
            .filter(|(_, n)| !policy.iter().any(|st| allows(st, n, &foreign)))
            .map(|(phase, n)| {
                format!(
                    "{} ({phase}: {}{})",
                    n.action,
                    n.from,
                    n.create_action
                        .as_ref()
                        .map(|c| format!(", CreateAction {c}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    };
    let missing = denied(&policy);
    assert!(
        missing.is_empty(),
        "assets/iam-policy.json does not allow:\n  {}",
        missing.join("\n  ")
    );

    // Every action of the policy is needed: removing any one of them denies a call.
    let seen: BTreeSet<String> = needs.iter().map(|(_, n)| n.action.clone()).collect();
    let listed: BTreeSet<String> = policy.iter().flat_map(|st| st.actions.clone()).collect();
    for action in &listed {
        assert!(
            !action.contains('*') && !action.contains('?'),
            "name actions one by one, no wildcards: {action}"
        );
        if let Some((_, why)) = NOT_SENT_AGAINST_MOTO.iter().find(|(a, _)| a == action) {
            assert!(!seen.contains(action), "{action} is sent after all ({why})");
            continue;
        }
        assert!(
            seen.contains(action),
            "the policy allows {action}, which no call needs"
        );
        // Take it out of every statement that lists it: some call must now be denied.
        let without: Vec<Statement> = policy
            .iter()
            .cloned()
            .map(|mut st| {
                st.actions.retain(|a| a != action);
                st
            })
            .collect();
        assert!(
            !denied(&without).is_empty(),
            "removing {action} from the policy denies nothing"
        );
    }

    // The tag-conditioned statements hold only actions AWS documents with aws:ResourceTag.
    for st in &policy {
        if st
            .condition
            .values()
            .any(|keys| keys.contains_key(PLAN_TAG_CONDITION))
        {
            for a in &st.actions {
                assert!(
                    DOCUMENTED_RESOURCE_TAG.contains(&a.as_str()),
                    "{}: {a} is not documented with aws:ResourceTag",
                    st.sid
                );
            }
        }
    }

    // The plan-tag condition's pattern matches the plan ids of these lives.
    for st in &policy {
        for keys in st.condition.values() {
            for v in keys.get(PLAN_TAG_CONDITION).into_iter().flatten() {
                for plan_id in [&adopt, &listener, &id] {
                    assert!(glob(v, plan_id), "{}: {v} does not match {plan_id}", st.sid);
                }
            }
        }
    }

    // The read-only set: what discovery and `plan` call, all reads, is exactly the policy's
    // read-only statement and the README's list.
    let read_only: BTreeSet<String> = needs
        .iter()
        .filter(|(phase, _)| phase == "discover" || phase.starts_with("plan"))
        .map(|(_, n)| n.action.clone())
        .collect();
    for a in &read_only {
        assert!(
            is_read(a),
            "discovery / plan calls {a}, which is not a read"
        );
    }
    let statement: BTreeSet<String> = policy
        .iter()
        .find(|st| st.sid == "ReadOnlyDiscoverAndPlan")
        .map(|st| st.actions.iter().cloned().collect())
        .expect("the policy's ReadOnlyDiscoverAndPlan statement");
    assert_eq!(
        statement, read_only,
        "ReadOnlyDiscoverAndPlan = what discovery and plan call"
    );
    assert_eq!(
        readme_read_only(),
        read_only,
        "README's read-only list = what discovery and plan call"
    );
}

#[test]
fn naming_rules() {
    let req = |service: &str, method: &str, target: &str, body: &str, amz: &str| {
        serde_json::json!({"service": service, "region": "us-east-1", "method": method,
            "target": target, "body": body, "amz_target": amz})
    };
    let names = |r: Value| -> Vec<String> { needs_of(&r).into_iter().map(|n| n.action).collect() };
    assert_eq!(
        names(req(
            "ec2",
            "POST",
            "/",
            "Action=DescribeVpcs&Version=2016-11-15",
            ""
        )),
        ["ec2:DescribeVpcs"]
    );
    assert_eq!(
        names(req(
            "ec2",
            "POST",
            "/",
            "Action=CreateSecurityGroup&TagSpecification.1.ResourceType=security-group",
            ""
        )),
        ["ec2:CreateSecurityGroup", "ec2:CreateTags"]
    );
    assert_eq!(
        names(req(
            "elasticloadbalancing",
            "POST",
            "/",
            "Action=CreateTargetGroup&Tags.member.1.Key=k",
            ""
        )),
        [
            "elasticloadbalancing:CreateTargetGroup",
            "elasticloadbalancing:AddTags"
        ]
    );
    assert_eq!(
        names(req(
            "acm",
            "POST",
            "/",
            "{}",
            "CertificateManager.ListCertificates"
        )),
        ["acm:ListCertificates"]
    );
    assert_eq!(
        names(req(
            "route53",
            "POST",
            "/2013-04-01/hostedzone/Z1/rrset/",
            "",
            ""
        )),
        ["route53:ChangeResourceRecordSets"]
    );
    assert_eq!(
        names(req("route53", "GET", "/2013-04-01/change/C1", "", "")),
        ["route53:GetChange"]
    );
    assert_eq!(
        names(req(
            "apigateway",
            "PATCH",
            "/restapis/a1",
            r#"{"patchOperations":[{"op":"replace","path":"/policy","value":"{}"}]}"#,
            ""
        )),
        ["apigateway:PATCH", "apigateway:UpdateRestApiPolicy"]
    );
    assert_eq!(
        names(req(
            "apigateway",
            "POST",
            "/restapis",
            r#"{"name":"x","policy":"{\"Version\":\"2012-10-17\"}"}"#,
            ""
        )),
        ["apigateway:POST", "apigateway:UpdateRestApiPolicy"]
    );
    assert_eq!(
        names(req(
            "apigateway",
            "POST",
            "/restapis/a1/deployments",
            "{}",
            ""
        )),
        ["apigateway:POST"]
    );
    let n = &needs_of(&req("apigateway", "GET", "/restapis?limit=500", "", ""))[0];
    assert_eq!(
        n.resource.as_deref(),
        Some("arn:aws:apigateway:us-east-1::/restapis")
    );
    let f = form("Action=DeleteVpcEndpoints&VpcEndpointId.1=vpce-1");
    assert_eq!(query_targets(&f), ["vpce-1"]);
    let f = form("Action=ModifyListener&ListenerArn=l&DefaultActions.member.1.TargetGroupArn=t");
    assert_eq!(query_targets(&f), ["l"]);
    assert!(glob(
        "arn:*:apigateway:*::/restapis*",
        "arn:aws:apigateway:us-east-1::/restapis/a1"
    ));
    assert!(!glob("arn:*:ec2:*", "arn:aws:apigateway:us-east-1::/x"));
    assert!(glob("*", ""));
}

#[test]
#[should_panic(expected = "cannot name")]
fn an_unknown_request_fails() {
    needs_of(&serde_json::json!({"service": "route53", "method": "GET",
        "target": "/2013-04-01/healthcheck", "body": "", "region": "us-east-1"}));
}
