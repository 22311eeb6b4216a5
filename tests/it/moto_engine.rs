//! The apply engine end to end against moto server through `AwsCloud`: a plan built the way the
//! wizard builds it (reusing the VPC's execute-api endpoint), applied, every resource and setting
//! read back with plain AWS SDK calls made here (not the engine's journal), applied again without
//! creating anything, then destroyed down to what the account held before.
//!
//! moto 5.x gaps pinned here (real AWS behaves as the comments say):
//! - NLBs have no `LoadBalancerAddresses` (AWS: one public IP per AZ), so the journal has none.
//! - An interface endpoint has one DNS entry, not `….vpce.amazonaws.com` regional + zonal names.
//! - Endpoint ENI IPs are random, not inside the subnet's CIDR.
//! - Target health of an IP target is whatever moto invents (AWS: `initial`, then healthy once
//!   the NLB's checks pass), so the apply may end with "warming up".
//! - Route 53 changes are INSYNC at once and NLBs / endpoints are active / available at once.
//! - GetBasePathMappings on a domain that never had a mapping is a 500 (`KeyError` in
//!   `APIGatewayBackend.get_base_path_mappings`; AWS: an empty list). The engine rightly looks
//!   before it creates, so this test runs moto with that one method patched (see `common::moto::patched_moto`).

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum;
use aws_sdk_route53::types::RrType;
use common::moto::{arr, cert_arn, id_of, patched_moto, s, Moto};
use fixedip_tui::cloud::aws::{AwsCloud, AwsOptions};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery::{self, Inventory};
use fixedip_tui::engine::Key;
use fixedip_tui::engine::{self, Account, EngineEvent, EngineOptions, NodeId};
use fixedip_tui::plan::review::{self, TAG_PLAN_ID};
use fixedip_tui::plan::{self, Draft, Plan, Severity};
use serde_json::Value;

const REGION: &str = "us-east-1";
const NAME: &str = "fixed.example.com";
const CALLERS: &str = "203.0.113.0/24";
const TLS13: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// (id, cidr) of the manifest's subnet `name`.
fn subnet(m: &Value, name: &str) -> (String, String) {
    let x = arr(&m["subnets"])
        .iter()
        .find(|x| x["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("subnet {name}"));
    (s(&x["id"]), s(&x["cidr"]))
}

fn dns_eq(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// API Gateway hands a resource policy back JSON-escaped (`{\"Version\":…`); moto may not.
fn policy_json(raw: &str) -> Value {
    serde_json::from_str(raw)
        .or_else(|_| serde_json::from_str(&raw.replace("\\\"", "\"").replace("\\/", "/")))
        .unwrap_or_else(|e| panic!("the API's policy is JSON ({e}): {raw}"))
}

async fn connect(moto: &Moto) -> AwsCloud {
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
    AwsCloud::connect(AwsOptions {
        region: Some(REGION.into()),
        endpoint_url: Some(moto.url.clone()),
        max_attempts: Some(1),
        ..AwsOptions::default()
    })
    .await
    .expect("connects to moto")
}

/// Plain SDK clients on the same endpoint: the independent observer.
struct Sdk {
    ec2: aws_sdk_ec2::Client,
    apigw: aws_sdk_apigateway::Client,
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    r53: aws_sdk_route53::Client,
}

/// How many of each kind the account holds (all of them, not only ours).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counts {
    load_balancers: usize,
    listeners: usize,
    target_groups: usize,
    rest_apis: usize,
    domain_names: usize,
    base_path_mappings: usize,
    security_groups: usize,
    vpc_endpoints: usize,
    hosted_zones: usize,
    public_records: usize,
}

impl Sdk {
    async fn counts(&self, public_zone: &str) -> Counts {
        let lbs = self.elbv2.describe_load_balancers().send().await.unwrap();
        let mut listeners = 0;
        for lb in lbs.load_balancers() {
            listeners += self
                .elbv2
                .describe_listeners()
                .load_balancer_arn(lb.load_balancer_arn().unwrap())
                .send()
                .await
                .unwrap()
                .listeners()
                .len();
        }
        let domains = self
            .apigw
            .get_domain_names()
            .limit(500)
            .send()
            .await
            .unwrap();
        let mut mappings = 0;
        for d in domains.items() {
            mappings += self
                .apigw
                .get_base_path_mappings()
                .domain_name(d.domain_name().unwrap())
                .send()
                .await
                .unwrap()
                .items()
                .len();
        }
        let zones = self
            .r53
            .list_hosted_zones()
            .max_items(500)
            .send()
            .await
            .unwrap();
        assert!(!zones.is_truncated(), "one page is enough here");
        Counts {
            load_balancers: lbs.load_balancers().len(),
            listeners,
            target_groups: self
                .elbv2
                .describe_target_groups()
                .send()
                .await
                .unwrap()
                .target_groups()
                .len(),
            rest_apis: self
                .apigw
                .get_rest_apis()
                .limit(500)
                .send()
                .await
                .unwrap()
                .items()
                .len(),
            domain_names: domains.items().len(),
            base_path_mappings: mappings,
            security_groups: self
                .ec2
                .describe_security_groups()
                .send()
                .await
                .unwrap()
                .security_groups()
                .len(),
            vpc_endpoints: self
                .ec2
                .describe_vpc_endpoints()
                .send()
                .await
                .unwrap()
                .vpc_endpoints()
                .iter()
                .filter(|e| {
                    !e.state()
                        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("deleted"))
                })
                .count(),
            hosted_zones: zones.hosted_zones().len(),
            public_records: self
                .r53
                .list_resource_record_sets()
                .hosted_zone_id(public_zone)
                .send()
                .await
                .unwrap()
                .resource_record_sets()
                .len(),
        }
    }

    /// The security group `name` in `vpc`, if any.
    async fn sg(&self, vpc: &str, name: &str) -> Option<aws_sdk_ec2::types::SecurityGroup> {
        let out = self
            .ec2
            .describe_security_groups()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("vpc-id")
                    .values(vpc)
                    .build(),
            )
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("group-name")
                    .values(name)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let groups = out.security_groups();
        assert!(groups.len() <= 1, "one group named {name}: {groups:?}");
        groups.first().cloned()
    }

    async fn endpoint(&self, id: &str) -> aws_sdk_ec2::types::VpcEndpoint {
        let out = self
            .ec2
            .describe_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
            .unwrap();
        out.vpc_endpoints()[0].clone()
    }

    /// Load balancers named `name` (0 or 1).
    async fn nlb(&self, name: &str) -> Option<aws_sdk_elasticloadbalancingv2::types::LoadBalancer> {
        let all = self.elbv2.describe_load_balancers().send().await.unwrap();
        all.load_balancers()
            .iter()
            .find(|l| l.load_balancer_name() == Some(name))
            .cloned()
    }

    async fn tg(&self, name: &str) -> Option<aws_sdk_elasticloadbalancingv2::types::TargetGroup> {
        let all = self.elbv2.describe_target_groups().send().await.unwrap();
        all.target_groups()
            .iter()
            .find(|t| t.target_group_name() == Some(name))
            .cloned()
    }

    async fn apis_named(&self, name: &str) -> Vec<aws_sdk_apigateway::types::RestApi> {
        let all = self.apigw.get_rest_apis().limit(500).send().await.unwrap();
        all.items()
            .iter()
            .filter(|a| a.name() == Some(name))
            .cloned()
            .collect()
    }

    async fn domain_exists(&self, name: &str) -> bool {
        let all = self
            .apigw
            .get_domain_names()
            .limit(500)
            .send()
            .await
            .unwrap();
        all.items().iter().any(|d| d.domain_name() == Some(name))
    }

    /// Ids (without `/hostedzone/`) of the zones named `name`.
    async fn zones_named(&self, name: &str) -> Vec<(String, bool)> {
        let all = self
            .r53
            .list_hosted_zones()
            .max_items(500)
            .send()
            .await
            .unwrap();
        all.hosted_zones()
            .iter()
            .filter(|z| dns_eq(z.name(), name))
            .map(|z| {
                (
                    z.id().trim_start_matches("/hostedzone/").to_string(),
                    z.config().is_some_and(|c| c.private_zone()),
                )
            })
            .collect()
    }

    /// A records named `name` in `zone`: their alias target DNS names.
    async fn a_aliases(&self, zone: &str, name: &str) -> Vec<String> {
        let out = self
            .r53
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .send()
            .await
            .unwrap();
        out.resource_record_sets()
            .iter()
            .filter(|r| dns_eq(r.name(), name) && *r.r#type() == RrType::A)
            .map(|r| {
                r.alias_target()
                    .map(|a| a.dns_name().to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    async fn sg_ids(&self, endpoint: &str) -> BTreeSet<String> {
        self.endpoint(endpoint)
            .await
            .groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect()
    }
}

/// The single TCP 443 permission of a group: its CIDRs and source groups.
fn ingress_443(sg: &aws_sdk_ec2::types::SecurityGroup) -> (BTreeSet<String>, BTreeSet<String>) {
    let perms = sg.ip_permissions();
    assert!(
        perms.iter().all(|p| p.ip_protocol() == Some("tcp")
            && p.from_port() == Some(443)
            && p.to_port() == Some(443)),
        "only TCP 443: {perms:?}"
    );
    let cidrs = perms
        .iter()
        .flat_map(|p| p.ip_ranges())
        .filter_map(|r| r.cidr_ip().map(str::to_string))
        .collect();
    let groups = perms
        .iter()
        .flat_map(|p| p.user_id_group_pairs())
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    (cidrs, groups)
}

fn tagged_with_plan(tags: &[aws_sdk_ec2::types::Tag], plan: &Plan) -> bool {
    tags.iter()
        .any(|t| t.key() == Some(TAG_PLAN_ID) && t.value() == Some(plan.id.as_str()))
}

/// Build the plan the wizard would: prod (reusing its endpoint), NLB subnets pre-selected, the
/// name, the ISSUED *.example.com certificate, one caller range, a new private zone; every
/// warning acknowledged, no error.
fn build_plan(inv: &Inventory, m: &Value) -> Plan {
    let prod = id_of(m, "vpcs", "name", "prod");
    let cert = cert_arn(m, "api.example.com");
    let c = inv
        .certificates
        .iter()
        .find(|c| c.arn == cert)
        .expect("discovered");
    assert_eq!(c.status.as_str(), "ISSUED", "moto issues it at once");
    assert!(c.covers(NAME), "*.example.com covers {NAME}");

    let mut d = Draft::with_defaults();
    d.choose_vpc(inv, &prod);
    d.preselect_nlb_subnets(inv);
    d.set_name(inv, NAME);
    d.certificate_arn = Some(cert);
    d.allow_cidrs = vec![CALLERS.into()];
    d.private_zone_id = None;
    let mut plan = d.to_plan(inv);

    let findings = plan::validate(&plan, inv);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "no error findings: {errors:#?}");
    eprintln!(
        "findings: {:?}",
        findings
            .iter()
            .map(|f| (f.severity, f.code))
            .collect::<Vec<_>>()
    );
    for f in findings.iter().filter(|f| f.severity == Severity::Warning) {
        eprintln!("acknowledging {}: {}", f.code, f.message);
        if !plan.acknowledged.iter().any(|c| c == f.code) {
            plan.acknowledged.push(f.code.to_string());
        }
    }
    assert!(plan::validate::blocking(&plan, &findings).is_empty());
    plan
}

async fn run(
    apply: bool,
    plan: &Plan,
    inv: &Inventory,
    cloud: &Arc<AwsCloud>,
    state: &std::path::Path,
) -> (engine::Outcome, Vec<EngineEvent>) {
    let opts = EngineOptions::aws(state.to_path_buf()).scaled(0.01);
    let acct = cloud.clone() as Arc<dyn Account>;
    let (out, events) =
        common::engine_run(engine::Direction::of(!apply), plan, inv, acct, opts).await;
    assert!(
        out.ok(),
        "{} failed: {:#?}\nevents: {events:#?}",
        if apply { "apply" } else { "destroy" },
        out.failures
    );
    (out, events)
}

/// The `aws` commands of create calls the engine reported.
fn creates(events: &[EngineEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Call { command, .. }
                if [
                    " create-",
                    "authorize-security-group-ingress",
                    "register-targets",
                    "put-method",
                ]
                .iter()
                .any(|k| command.contains(k)) =>
            {
                Some(command.clone())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_verify_rerun_destroy_against_moto() {
    let launcher = tempfile::tempdir().expect("launcher dir");
    let moto = patched_moto(launcher.path());
    let m = moto.seed(&[]);
    let cloud = Arc::new(connect(&moto).await);
    let cfg = cloud.sdk_config().clone();
    let sdk = Sdk {
        ec2: aws_sdk_ec2::Client::new(&cfg),
        apigw: aws_sdk_apigateway::Client::new(&cfg),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&cfg),
        r53: aws_sdk_route53::Client::new(&cfg),
    };
    let inv = discovery::collect(cloud.clone() as Arc<dyn Cloud>).await;
    assert!(inv.errors.is_empty(), "{:#?}", inv.errors);

    let prod = id_of(&m, "vpcs", "name", "prod");
    let vpce = arr(&m["endpoints"])
        .iter()
        .find(|e| e["vpc_id"].as_str() == Some(prod.as_str()))
        .map(|e| s(&e["id"]))
        .expect("prod's execute-api endpoint");
    let (pub_a, pub_a_cidr) = subnet(&m, "prod-public-a");
    let (pub_b, pub_b_cidr) = subnet(&m, "prod-public-b");
    let public_zone = id_of(&m, "zones", "name", "example.com");

    let plan = build_plan(&inv, &m);
    assert_eq!(
        plan.endpoint,
        plan::EndpointChoice::Reuse {
            vpc_endpoint_id: vpce.clone()
        },
        "the VPC's endpoint with private DNS is reused"
    );
    assert_eq!(
        plan.nlb_subnet_ids.iter().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([pub_a.clone(), pub_b.clone()]),
        "one public subnet in each endpoint AZ"
    );
    assert_eq!(plan.public_zone_id, public_zone);
    assert_eq!(plan.private_zone, plan::PrivateZoneChoice::Create);
    let cert = plan.certificate_arn.clone();

    let before = sdk.counts(&public_zone).await;
    let sgs_before = sdk.sg_ids(&vpce).await;
    let ep_before = sdk.endpoint(&vpce).await;
    assert_eq!(ep_before.private_dns_enabled(), Some(true));

    // ---------------------------------------------------------------- apply
    let state = tempfile::tempdir().expect("state dir");
    let (out, events) = run(true, &plan, &inv, &cloud, state.path()).await;
    assert!(!creates(&events).is_empty());
    let j = &out.journal;
    assert!(!j.record(NodeId::Endpoint).expect("endpoint").owned);

    // Security groups, by name in the VPC, with the plan's tag.
    let nlb_sg = sdk
        .sg(&prod, &review::nlb_sg_name(&plan))
        .await
        .expect("the NLB security group");
    let vpce_sg = sdk
        .sg(&prod, &review::endpoint_sg_name(&plan))
        .await
        .expect("the endpoint security group");
    let nlb_sg_id = nlb_sg.group_id().unwrap().to_string();
    let vpce_sg_id = vpce_sg.group_id().unwrap().to_string();
    assert!(
        tagged_with_plan(nlb_sg.tags(), &plan),
        "{:?}",
        nlb_sg.tags()
    );
    assert!(tagged_with_plan(vpce_sg.tags(), &plan));
    assert_eq!(
        ingress_443(&nlb_sg),
        (BTreeSet::from([CALLERS.to_string()]), BTreeSet::new()),
        "NLB: 443 from the callers only"
    );
    // The NLB subnets, and callers inside the VPC (the plan's default: the seed's prod CIDR).
    assert_eq!(
        ingress_443(&vpce_sg),
        (
            BTreeSet::from([
                pub_a_cidr.clone(),
                pub_b_cidr.clone(),
                "10.0.0.0/16".to_string()
            ]),
            BTreeSet::new()
        ),
        "endpoint: 443 from each NLB subnet's CIDR and the VPC"
    );
    assert_eq!(j.id_of(NodeId::NlbSg), Some(nlb_sg_id.as_str()));
    assert_eq!(j.id_of(NodeId::EndpointSg), Some(vpce_sg_id.as_str()));

    // The reused endpoint now carries the endpoint group too, private DNS still on.
    let ep = sdk.endpoint(&vpce).await;
    let mut want = sgs_before.clone();
    want.insert(vpce_sg_id.clone());
    assert_eq!(sdk.sg_ids(&vpce).await, want);
    assert_eq!(ep.private_dns_enabled(), Some(true));
    assert!(ep
        .state()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available")));
    let enis: Vec<String> = ep.network_interface_ids().to_vec();
    assert_eq!(enis.len(), 2, "one ENI per endpoint subnet");
    let eni_ips: BTreeSet<String> = sdk
        .ec2
        .describe_network_interfaces()
        .set_network_interface_ids(Some(enis))
        .send()
        .await
        .unwrap()
        .network_interfaces()
        .iter()
        .filter_map(|n| n.private_ip_address().map(str::to_string))
        .collect();
    assert_eq!(eni_ips.len(), 2);
    // The regional name (`vpce-…-xxxx.execute-api.us-east-1.vpce.amazonaws.com`), not a zonal one.
    let regional: Vec<(String, String)> = ep
        .dns_entries()
        .iter()
        .filter_map(|d| Some((d.dns_name()?.to_string(), d.hosted_zone_id()?.to_string())))
        .filter(|(n, _)| {
            n.contains(".vpce.")
                && !["a", "b", "c", "d", "e", "f"].iter().any(|z| {
                    n.split('.')
                        .next()
                        .unwrap()
                        .ends_with(&format!("-{REGION}{z}"))
                })
        })
        .collect();
    let regional_dns = if regional.is_empty() {
        // moto: a single entry `vpce-…-….com.amazonaws.us-east-1.execute-api` (AWS: the regional
        // `….execute-api.us-east-1.vpce.amazonaws.com` plus one zonal name per AZ); the engine
        // then takes the first entry.
        assert_eq!(ep.dns_entries().len(), 1, "{:?}", ep.dns_entries());
        ep.dns_entries()[0].dns_name().unwrap().to_string()
    } else {
        assert_eq!(
            regional.len(),
            1,
            "one regional entry: {:?}",
            ep.dns_entries()
        );
        regional[0].0.clone()
    };

    // The API: PRIVATE, bound to the endpoint, policy on the VPC id, /ping MOCK, stage.
    let apis = sdk.apis_named("fixedip-ping").await;
    assert_eq!(apis.len(), 1, "one API created: {apis:?}");
    let api = &apis[0];
    let api_id = api.id().unwrap().to_string();
    assert_eq!(j.id_of(NodeId::Api), Some(api_id.as_str()));
    assert_eq!(
        api.tags()
            .and_then(|t| t.get(TAG_PLAN_ID))
            .map(String::as_str),
        Some(plan.id.as_str())
    );
    let conf = api
        .endpoint_configuration()
        .expect("endpoint configuration");
    assert_eq!(
        conf.types().iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        vec!["PRIVATE"]
    );
    assert!(
        conf.vpc_endpoint_ids().contains(&vpce),
        "{:?}",
        conf.vpc_endpoint_ids()
    );
    let pol = policy_json(api.policy().expect("a resource policy"));
    let text = pol.to_string();
    assert!(
        text.contains("aws:sourceVpc") && text.contains(&prod),
        "{text}"
    );
    assert!(
        !text.contains(&vpce),
        "the VPC id, not the endpoint id: {text}"
    );
    let st = arr(&pol["Statement"]);
    assert_eq!(st.len(), 2);
    assert_eq!(st[0]["Effect"], "Deny");
    assert_eq!(
        st[0]["Condition"]["StringNotEquals"]["aws:sourceVpc"],
        Value::String(prod.clone())
    );
    assert_eq!(st[1]["Effect"], "Allow");
    let resources = sdk
        .apigw
        .get_resources()
        .rest_api_id(&api_id)
        .send()
        .await
        .unwrap();
    let pings: Vec<_> = resources
        .items()
        .iter()
        .filter(|r| r.path() == Some("/ping"))
        .collect();
    assert_eq!(pings.len(), 1);
    let ping = pings[0].id().unwrap();
    let method = sdk
        .apigw
        .get_method()
        .rest_api_id(&api_id)
        .resource_id(ping)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(method.http_method(), Some("GET"));
    let integ = sdk
        .apigw
        .get_integration()
        .rest_api_id(&api_id)
        .resource_id(ping)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(integ.r#type().map(|t| t.as_str()), Some("MOCK"));
    let stage = sdk
        .apigw
        .get_stage()
        .rest_api_id(&api_id)
        .stage_name(&plan.stage)
        .send()
        .await
        .unwrap();
    assert_eq!(stage.stage_name(), Some(plan.stage.as_str()));
    let dep = stage.deployment_id().expect("a deployment").to_string();
    assert_eq!(j.id_of(NodeId::Deployment), Some(dep.as_str()));
    let deployments = sdk
        .apigw
        .get_deployments()
        .rest_api_id(&api_id)
        .send()
        .await
        .unwrap();
    assert_eq!(deployments.items().len(), 1);

    // Custom domain: REGIONAL with the certificate; the root mapping → API + stage.
    let domain = sdk
        .apigw
        .get_domain_name()
        .domain_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(
        domain.endpoint_configuration().map(|c| c
            .types()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()),
        Some(vec!["REGIONAL"])
    );
    assert_eq!(domain.regional_certificate_arn(), Some(cert.as_str()));
    assert_eq!(
        domain
            .tags()
            .and_then(|t| t.get(TAG_PLAN_ID))
            .map(String::as_str),
        Some(plan.id.as_str())
    );
    let maps = sdk
        .apigw
        .get_base_path_mappings()
        .domain_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(maps.items().len(), 1, "{:?}", maps.items());
    let mp = &maps.items()[0];
    assert_eq!(mp.rest_api_id(), Some(api_id.as_str()));
    assert_eq!(mp.stage(), Some(plan.stage.as_str()));
    assert_eq!(mp.base_path(), Some("(none)"));

    // Target group: ip, TLS:443, the VPC, the endpoint's ENI IPs.
    let tg = sdk
        .tg(&plan.target_group_name())
        .await
        .expect("the target group");
    let tg_arn = tg.target_group_arn().unwrap().to_string();
    assert_eq!(tg.target_type().map(|t| t.as_str()), Some("ip"));
    assert_eq!(tg.protocol().map(|p| p.as_str()), Some("TLS"));
    assert_eq!(tg.port(), Some(443));
    assert_eq!(tg.vpc_id(), Some(prod.as_str()));
    assert_eq!(tg.health_check_protocol().map(|p| p.as_str()), Some("TCP"));
    let health = sdk
        .elbv2
        .describe_target_health()
        .target_group_arn(&tg_arn)
        .send()
        .await
        .unwrap();
    let targets: BTreeSet<String> = health
        .target_health_descriptions()
        .iter()
        .filter_map(|d| d.target().and_then(|t| t.id()).map(str::to_string))
        .collect();
    assert_eq!(targets, eni_ips, "the targets are the endpoint's ENI IPs");
    assert!(health
        .target_health_descriptions()
        .iter()
        .all(|d| d.target().and_then(|t| t.port()) == Some(443)));

    // NLB: internet-facing, the plan's subnets, its own security group, cross-zone on.
    let lb = sdk.nlb(&plan.nlb_name()).await.expect("the NLB");
    let lb_arn = lb.load_balancer_arn().unwrap().to_string();
    assert_eq!(lb.r#type().map(|t| t.as_str()), Some("network"));
    assert_eq!(lb.scheme().map(|s| s.as_str()), Some("internet-facing"));
    assert_eq!(lb.vpc_id(), Some(prod.as_str()));
    assert_eq!(
        lb.availability_zones()
            .iter()
            .filter_map(|z| z.subnet_id().map(str::to_string))
            .collect::<BTreeSet<_>>(),
        plan.nlb_subnet_ids.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert_eq!(lb.security_groups(), std::slice::from_ref(&nlb_sg_id));
    // moto gives no LoadBalancerAddresses (AWS: one Elastic-less public IPv4 per AZ).
    assert!(lb
        .availability_zones()
        .iter()
        .all(|z| z.load_balancer_addresses().is_empty()));
    assert_eq!(j.data(NodeId::Nlb, Key::Addresses), Some(""));
    let attrs = sdk
        .elbv2
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attrs
            .attributes()
            .iter()
            .find(|a| a.key() == Some("load_balancing.cross_zone.enabled"))
            .and_then(|a| a.value()),
        Some("true")
    );
    let lb_dns = lb.dns_name().unwrap().to_string();
    let tagged = sdk
        .elbv2
        .describe_tags()
        .resource_arns(&lb_arn)
        .resource_arns(&tg_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tagged.tag_descriptions().len(), 2);
    for d in tagged.tag_descriptions() {
        assert!(
            d.tags()
                .iter()
                .any(|t| t.key() == Some(TAG_PLAN_ID) && t.value() == Some(plan.id.as_str())),
            "{d:?}"
        );
    }

    // Listener: TLS 443, the certificate, ALPN None, the TLS 1.3 policy, forward to the TG.
    let listeners = sdk
        .elbv2
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 1);
    let l = &listeners.listeners()[0];
    assert_eq!(l.protocol().map(|p| p.as_str()), Some("TLS"));
    assert_eq!(l.port(), Some(443));
    assert_eq!(
        l.certificates()
            .iter()
            .filter_map(|c| c.certificate_arn())
            .collect::<Vec<_>>(),
        vec![cert.as_str()]
    );
    assert_eq!(l.alpn_policy(), ["None".to_string()]);
    assert_eq!(l.ssl_policy(), Some(TLS13));
    let action = &l.default_actions()[0];
    assert_eq!(action.r#type(), Some(&ActionTypeEnum::Forward));
    assert_eq!(action.target_group_arn(), Some(tg_arn.as_str()));

    // Public A alias → the NLB.
    assert_eq!(
        sdk.a_aliases(&public_zone, NAME)
            .await
            .iter()
            .map(|d| dns_eq(d, &lb_dns))
            .collect::<Vec<_>>(),
        vec![true],
        "one A alias to {lb_dns}"
    );

    // Private zone named exactly the name, on the VPC, A alias → the endpoint's regional name.
    let zones = sdk.zones_named(NAME).await;
    assert_eq!(zones.len(), 1, "{zones:?}");
    let (private_zone, is_private) = zones[0].clone();
    assert!(is_private);
    assert_eq!(j.id_of(NodeId::PrivateZone), Some(private_zone.as_str()));
    let hz = sdk
        .r53
        .get_hosted_zone()
        .id(&private_zone)
        .send()
        .await
        .unwrap();
    assert_eq!(
        hz.vpcs()
            .iter()
            .filter_map(|v| v.vpc_id())
            .collect::<Vec<_>>(),
        vec![prod.as_str()]
    );
    assert_eq!(
        sdk.a_aliases(&private_zone, NAME)
            .await
            .iter()
            .map(|d| dns_eq(d, &regional_dns))
            .collect::<Vec<_>>(),
        vec![true],
        "one A alias to {regional_dns}"
    );

    let after = sdk.counts(&public_zone).await;
    assert_eq!(
        after,
        Counts {
            load_balancers: before.load_balancers + 1,
            listeners: before.listeners + 1,
            target_groups: before.target_groups + 1,
            rest_apis: before.rest_apis + 1,
            domain_names: before.domain_names + 1,
            base_path_mappings: before.base_path_mappings + 1,
            security_groups: before.security_groups + 2,
            vpc_endpoints: before.vpc_endpoints,
            hosted_zones: before.hosted_zones + 1,
            public_records: before.public_records + 1,
        },
        "exactly what the plan creates"
    );

    // ---------------------------------------------------------------- verify
    // The configuration checks read moto through the same traits as AWS. moto reports every
    // target healthy and gives the NLB no addresses: the network half is skipped with that reason
    // (unhealthy targets, drifted ENI IPs and the NLB's IPs are tested on the simulated account).
    let report = fixedip_tui::verify::run(
        &(cloud.clone() as Arc<dyn Account>),
        &plan,
        j,
        &fixedip_tui::verify::VerifyOptions::default(),
        None,
    )
    .await;
    for c in &report.checks {
        if c.id == "dns" {
            assert_eq!(c.state, fixedip_tui::verify::CheckState::Skipped, "{c:#?}");
            assert!(c.evidence.contains("no IP addresses"), "{}", c.evidence);
        } else {
            assert_eq!(
                c.state,
                fixedip_tui::verify::CheckState::Pass,
                "{}",
                fixedip_tui::verify::text(&report.checks)
            );
        }
    }
    assert_eq!(report.checks.len(), 8, "7 configuration checks and DNS");

    // ---------------------------------------------------------------- rerun
    let (again, events) = run(true, &plan, &inv, &cloud, state.path()).await;
    let made = creates(&events);
    assert!(
        made.iter().all(|c| c.contains("register-targets")),
        "a rerun creates nothing (targets are re-registered, which is idempotent): {made:#?}"
    );
    assert_eq!(sdk.counts(&public_zone).await, after, "nothing new");
    assert_eq!(again.journal.id_of(NodeId::Api), Some(api_id.as_str()));
    assert_eq!(sdk.sg_ids(&vpce).await, want);
    assert_eq!(
        sdk.elbv2
            .describe_target_health()
            .target_group_arn(&tg_arn)
            .send()
            .await
            .unwrap()
            .target_health_descriptions()
            .len(),
        2
    );

    // A rerun without the journal (another machine) finds everything by tag and name.
    let elsewhere = tempfile::tempdir().expect("other state dir");
    let (_, events) = run(true, &plan, &inv, &cloud, elsewhere.path()).await;
    let made: Vec<String> = creates(&events)
        .into_iter()
        .filter(|c| !c.contains("register-targets"))
        .collect();
    eprintln!("journal-less rerun issued: {made:#?}");
    assert_eq!(
        sdk.counts(&public_zone).await,
        after,
        "nothing duplicated without the journal"
    );
    // Without the journal the Deployment step deploys again (a new deployment on the same stage;
    // harmless, but not a no-op). The stage still serves a deployment of the same API.
    let stage = sdk
        .apigw
        .get_stage()
        .rest_api_id(&api_id)
        .stage_name(&plan.stage)
        .send()
        .await
        .unwrap();
    assert!(stage.deployment_id().is_some());

    // ---------------------------------------------------------------- destroy
    run(false, &plan, &inv, &cloud, state.path()).await;
    assert_eq!(sdk.counts(&public_zone).await, before, "back to the seed");
    assert!(sdk.nlb(&plan.nlb_name()).await.is_none());
    assert!(sdk.tg(&plan.target_group_name()).await.is_none());
    assert!(sdk.apis_named("fixedip-ping").await.is_empty());
    assert!(sdk
        .apigw
        .get_rest_api()
        .rest_api_id(&api_id)
        .send()
        .await
        .is_err());
    assert!(!sdk.domain_exists(NAME).await);
    assert!(sdk.sg(&prod, &review::nlb_sg_name(&plan)).await.is_none());
    assert!(sdk
        .sg(&prod, &review::endpoint_sg_name(&plan))
        .await
        .is_none());
    assert!(sdk.zones_named(NAME).await.is_empty());
    assert!(sdk.a_aliases(&public_zone, NAME).await.is_empty());
    // The reused endpoint was not ours: it stays, without the group the apply added.
    let ep = sdk.endpoint(&vpce).await;
    assert!(ep
        .state()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available")));
    assert_eq!(sdk.sg_ids(&vpce).await, sgs_before);
    assert_eq!(ep.private_dns_enabled(), Some(true));

    // Destroy again: nothing left to do, still fine.
    run(false, &plan, &inv, &cloud, state.path()).await;
    assert_eq!(sdk.counts(&public_zone).await, before);
}
