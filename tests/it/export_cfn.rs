//! `export --format cloudformation`: snapshots of the template for the demo's clean plan and its
//! variants, `cfn-lint` on every one, the CLI, and the template created in moto's CloudFormation
//! for a plan built from a moto-seeded account, then read back through the service APIs.
//!
//! What moto 5.2.5's CloudFormation could and could not create (real AWS creates all of it):
//! - Not created at all (moto skips the type with a warning): `AWS::ApiGateway::Stage`,
//!   `AWS::ApiGateway::DomainName`, `AWS::ApiGateway::BasePathMapping`. So the API has a
//!   deployment but no stage, and there is no custom domain or mapping.
//! - Not run: the endpoint-IP lookup (`Custom::EndpointIps` → `AWS::Lambda::Function` +
//!   `AWS::IAM::Role`): moto runs Lambda functions in Docker. The moto stacks are created the
//!   two-step way, `EndpointIps` given, so those three resources are absent by condition.
//! - Created only with a shim (tests/fixtures/moto_cfn_server.py; each shim does what AWS does):
//!   `AWS::ApiGateway::Method` (moto needs IntegrationHttpMethod and Uri even for MOCK),
//!   `AWS::ApiGateway::RestApi` (moto drops the endpoint configuration, policy and tags),
//!   `AWS::ElasticLoadBalancingV2::LoadBalancer` (moto ignores SubnetMappings, Type, attributes,
//!   tags; has no CanonicalHostedZoneID / LoadBalancerFullName), `…::TargetGroup` (moto drops
//!   Targets and Tags), `AWS::EC2::VPCEndpoint` (no DnsEntries / NetworkInterfaceIds attributes),
//!   `AWS::Route53::HostedZone` (moto always makes a public zone without VPCs).
//! - Created but a setting dropped: the listener's `AlpnPolicy` (moto reads back none).
//! - Created as written: `AWS::EC2::SecurityGroup` (ingress from CIDRs and from a security
//!   group, tags), `AWS::ApiGateway::Resource`, `AWS::ApiGateway::Deployment`,
//!   `AWS::ElasticLoadBalancingV2::Listener` (TLS, port, certificate, SSL policy, forward),
//!   `AWS::Route53::RecordSet` (alias records).
//! - moto does not split the Default of a list parameter: every parameter is passed explicitly.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::clean;
use common::moto::{arr, cert_arn, id_of, s, Moto};
use fixedip_tui::cloud::aws::{AwsCloud, AwsOptions};
use fixedip_tui::cloud::write::CloudWrite;
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery::{self, Inventory};
use fixedip_tui::export::{self, ExportError};
use fixedip_tui::plan::{
    self, plan_id, ApiChoice, Draft, EndpointChoice, Plan, PrivateZoneChoice, Severity,
};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `$FIXEDIP_CFN_LINT`, else ./.venv/bin/cfn-lint; a missing one fails the test (never skips it).
fn cfn_lint() -> PathBuf {
    let p = std::env::var_os("FIXEDIP_CFN_LINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/cfn-lint"));
    assert!(
        p.exists(),
        "cfn-lint not found at {}: run ./scripts/test.sh (it installs moto, which brings cfn-lint, \
         in ./.venv), or set FIXEDIP_CFN_LINT",
        p.display()
    );
    p
}

/// Run cfn-lint on every file at once; any error or warning fails with its report.
fn lint(files: &[PathBuf]) {
    let out = Command::new(cfn_lint())
        .arg("--")
        .args(files)
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint found problems (exit {}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn template(plan: &Plan) -> String {
    export::cloudformation(plan).expect("the plan exports")
}

/// The clean plan and one variant per choice that changes the template.
pub(crate) fn variants() -> Vec<(&'static str, Plan)> {
    let clean = clean::clean_plan();
    let mut reuse = clean.clone();
    reuse.endpoint = EndpointChoice::Reuse {
        vpc_endpoint_id: "vpce-0a1b2c3d4e5f60718".into(),
    };
    reuse.nlb_subnet_ids.truncate(2);
    let mut adopt = clean.clone();
    adopt.api = ApiChoice::Adopt {
        rest_api_id: "a1b2c3d4e5".into(),
    };
    adopt.stage = "v1".into();
    let mut zone = clean.clone();
    zone.private_zone = PrivateZoneChoice::Existing {
        zone_id: "Z08877713QJ1WQ7FXQ1SD".into(),
    };
    let mut base = clean.clone();
    base.base_path = Some("/orders".into());
    base.tags.insert("team".into(), "payments".into());
    base.tags.insert("cost-center".into(), "1234".into());
    let mut open = clean.clone();
    open.allow_cidrs.clear();
    open.settings.cross_zone = false;
    let mut new_eips = clean.clone();
    new_eips.eips = fixedip_tui::plan::EipChoice::New;
    let mut your_eips = clean.clone();
    your_eips.eips = fixedip_tui::plan::EipChoice::Existing {
        allocation_ids: vec![
            "eipalloc-0a1b2c3d4e5f60718".into(),
            "eipalloc-0b2c3d4e5f6071829".into(),
            "eipalloc-0c3d4e5f607182930".into(),
        ],
    };
    vec![
        ("clean", clean),
        ("reuse_endpoint", reuse),
        ("adopt_api", adopt),
        ("existing_private_zone", zone),
        ("base_path_and_tags", base),
        ("no_caller_cidrs", open),
        ("new_eips", new_eips),
        ("your_eips", your_eips),
    ]
}

#[test]
fn templates_match_snapshots_and_pass_cfn_lint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, plan) in variants() {
        let text = template(&plan);
        insta::assert_snapshot!(format!("cfn_{name}"), text);
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, &text).expect("template written");
        files.push(path);
    }
    lint(&files);
}

#[test]
fn template_carries_the_plans_settings() {
    let plan = clean::clean_plan();
    let t = template(&plan);
    for want in [
        "Scheme: internet-facing",
        "Type: network",
        "SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06",
        "AlpnPolicy: [None]",
        "Key: load_balancing.cross_zone.enabled",
        "Types: [PRIVATE]",
        "SecurityPolicy: TLS_1_2",
        "Types: [REGIONAL]",
        "PrivateDnsEnabled: true",
        "HealthCheckProtocol: TCP",
        "TargetType: ip",
        "aws:sourceVpc: !Ref VpcId",
        "Default: vpc-0135f36302291c303",
        "CidrIp: !Select [0, !Ref CallerCidrs]",
        "Default: \"203.0.113.0/24\"",
    ] {
        assert!(t.contains(want), "the template has `{want}`:\n{t}");
    }
    // One target per endpoint subnet, one mapping per NLB subnet (3 each in the demo).
    assert_eq!(t.matches("        - Id: !Select [").count(), 3);
    assert_eq!(t.matches("        - SubnetId: !Select [").count(), 3);
    // The reused endpoint: no endpoint resource, its id a parameter, the extra step an output.
    let reuse = &variants()[1].1;
    let t = template(reuse);
    assert!(!t.contains("Type: AWS::EC2::VPCEndpoint"));
    assert!(t.contains("ExistingEndpointId:") && t.contains("ReusedEndpointCommand:"));
    assert_eq!(t.matches("        - Id: !Select [").count(), 2);
}

#[test]
fn elastic_ips_are_in_the_subnet_mappings_and_retained() {
    let v = variants();
    let new = template(&v[6].1);
    assert_eq!(new.matches("Type: AWS::EC2::EIP").count(), 3);
    assert_eq!(new.matches("DeletionPolicy: Retain").count(), 3);
    assert_eq!(new.matches("AllocationId: !GetAtt NlbEip").count(), 3);
    assert!(new.contains("FixedIps:"));
    // The header says the same as the resources: the Elastic IPs are in the template.
    let header = |t: &str| -> String {
        t.lines()
            .take_while(|l| l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        header(&new).contains("one new Elastic IP per NLB subnet")
            && header(&new).contains("FixedIps output")
            && !header(&new).contains("from AWS at creation"),
        "{}",
        header(&new)
    );
    let yours = template(&v[7].1);
    assert!(!yours.contains("Type: AWS::EC2::EIP"));
    assert!(yours.contains("EipAllocationIds:"));
    assert!(yours.contains("eipalloc-0a1b2c3d4e5f60718,eipalloc-0b2c3d4e5f6071829"));
    assert_eq!(yours.matches("AllocationId: !Select [").count(), 3);
    assert!(header(&yours).contains("your Elastic IPs (parameter EipAllocationIds"));
    let none = template(&v[0].1);
    assert!(!none.contains("AllocationId: "));
    assert!(header(&none).contains("from AWS at creation"));
}

#[test]
fn plans_it_cannot_express_are_refused_with_the_fix() {
    let mut p = clean::clean_plan();
    p.nlb_subnet_ids.clear();
    let e = export::cloudformation(&p).expect_err("no NLB subnets");
    assert_eq!(e, ExportError::NoNlbSubnets);
    assert!(e.to_string().contains("fixedip-tui plan"), "{e}");
}

fn write_plan(dir: &Path, plan: &Plan) -> PathBuf {
    let path = dir.join("plan.toml");
    plan.save(&path).expect("plan saved");
    path
}

#[test]
fn cli_writes_the_template_to_a_file_or_stdout_and_refuses_bad_input() {
    let home = tempfile::tempdir().expect("home");
    let plan = clean::clean_plan();
    let plan_path = write_plan(home.path(), &plan);
    let out_path = home.path().join("out/template.yaml");

    let out = common::bin_without_credentials(home.path())
        .args(["export", "--plan"])
        .arg(&plan_path)
        .args(["--format", "cloudformation", "--out"])
        .arg(&out_path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(&out_path).expect("written");
    assert_eq!(written, template(&plan));
    assert!(String::from_utf8_lossy(&out.stderr).contains("aws cloudformation deploy"));

    let out = common::bin_without_credentials(home.path())
        .args(["export", "--format", "cloudformation", "--plan"])
        .arg(&plan_path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), template(&plan));

    let out = common::bin_without_credentials(home.path())
        .args(["export", "--format", "terraform", "--plan"])
        .arg(&plan_path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cloudformation"));

    let missing = home.path().join("nope.toml");
    let out = common::bin_without_credentials(home.path())
        .args(["export", "--format", "cloudformation", "--plan"])
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the plan file") && err.contains("nope.toml"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------ moto

/// moto_server with the CloudFormation shims of tests/fixtures/moto_cfn_server.py.
fn moto_with_cfn_shims(dir: &Path) -> Moto {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("moto_cfn_server");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec '{}' '{}' \"$@\"\n",
            common::moto::python().display(),
            repo().join("tests/fixtures/moto_cfn_server.py").display()
        ),
    )
    .expect("launcher written");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::env::set_var("FIXEDIP_MOTO_SERVER", &script);
    Moto::start()
}

async fn connect(moto: &Moto) -> AwsCloud {
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
    AwsCloud::connect(AwsOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.url.clone()),
        max_attempts: Some(1),
        ..AwsOptions::default()
    })
    .await
    .expect("connects to moto")
}

/// The plan the wizard builds for the seeded account (as tests/it/moto_engine.rs): prod, reusing its
/// execute-api endpoint, the NLB subnets pre-selected, the *.example.com certificate, one caller
/// range, a new private zone; no error finding.
fn wizard_plan(inv: &Inventory, m: &Value, name: &str) -> Plan {
    let cert = cert_arn(m, "api.example.com");
    let mut d = Draft::with_defaults();
    d.choose_vpc(inv, &id_of(m, "vpcs", "name", "prod"));
    d.preselect_nlb_subnets(inv);
    d.set_name(inv, name);
    d.certificate_arn = Some(cert);
    d.allow_cidrs = vec!["203.0.113.0/24".into()];
    d.private_zone_id = None;
    let plan = d.to_plan(inv);
    let findings = plan::validate(&plan, inv);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "no error findings: {errors:#?}");
    plan
}

/// Create the stack in moto and read back what it made (tests/fixtures/cfn_stack.py).
fn create_stack(moto: &Moto, dir: &Path, stack: &str, text: &str, params: &Value) -> Value {
    let path = dir.join(format!("{stack}.yaml"));
    std::fs::write(&path, text).expect("template written");
    let out = Command::new(common::moto::python())
        .arg(repo().join("tests/fixtures/cfn_stack.py"))
        .args(["--endpoint", &moto.url, "--stack-name", stack, "--template"])
        .arg(&path)
        .args(["--parameters", &params.to_string()])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cfn_stack.py runs");
    assert!(
        out.status.success(),
        "creating the stack failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the read-back is JSON")
}

/// The resources of the template moto did not create, by type.
fn not_created(doc: &Value, absent_by_condition: &[&str]) -> Vec<String> {
    let created = doc["created"].as_object().expect("created");
    let mut out: Vec<String> = doc["template_resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(k, _)| !created.contains_key(*k) && !absent_by_condition.contains(&k.as_str()))
        .map(|(_, t)| s(t))
        .collect();
    out.sort();
    out
}

/// The checks shared by both stacks: what an apply would have made, read from the services.
fn check_common(doc: &Value, plan: &Plan, ips: &[&str]) {
    assert_eq!(doc["status"], "CREATE_COMPLETE", "{doc:#}");
    let sgs = &doc["security_groups"];
    let nlb_sg = &sgs["NlbSecurityGroup"];
    assert_eq!(nlb_sg["vpc"], plan.vpc_id.as_str());
    assert_eq!(nlb_sg["ingress"][0]["port"], 443);
    assert_eq!(nlb_sg["ingress"][0]["cidrs"][0], "203.0.113.0/24");
    assert_eq!(
        nlb_sg["tags"][export::TAG_EXPORTED_FROM],
        plan.id.as_str(),
        "{nlb_sg:#}"
    );
    let nlb_sg_id = &doc["created"]["NlbSecurityGroup"];
    assert_eq!(
        &sgs["EndpointSecurityGroup"]["ingress"][0]["groups"][0], nlb_sg_id,
        "the endpoint admits the NLB's security group"
    );
    assert!(
        sgs["EndpointSecurityGroup"]["ingress"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["cidrs"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c == "10.0.0.0/16")),
        "the endpoint admits callers inside the VPC (VpcCidr): {:#}",
        sgs["EndpointSecurityGroup"]
    );

    let nlb = &doc["nlb"];
    assert_eq!(nlb["name"], plan.nlb_name().as_str());
    assert_eq!(nlb["type"], "network");
    assert_eq!(nlb["scheme"], "internet-facing");
    assert_eq!(nlb["security_groups"][0], *nlb_sg_id);
    let mut subnets = plan.nlb_subnet_ids.clone();
    subnets.sort();
    assert_eq!(nlb["subnets"], serde_json::json!(subnets));
    assert_eq!(nlb["cross_zone"], "true");

    let l = &doc["listeners"][0];
    assert_eq!(doc["listeners"].as_array().map(Vec::len), Some(1));
    assert_eq!(l["protocol"], "TLS");
    assert_eq!(l["port"], 443);
    assert_eq!(l["ssl_policy"], plan.settings.ssl_policy.as_str());
    assert_eq!(l["certificates"][0], plan.certificate_arn.as_str());
    assert_eq!(l["forward_to"][0], doc["created"]["TargetGroup"]);
    assert_eq!(l["alpn"], serde_json::json!([]), "moto drops AlpnPolicy");

    let tg = &doc["target_group"];
    assert_eq!(tg["name"], plan.target_group_name().as_str());
    assert_eq!(tg["type"], "ip");
    assert_eq!(tg["protocol"], "TLS");
    assert_eq!(tg["port"], 443);
    assert_eq!(tg["health_check_protocol"], "TCP");
    let mut want: Vec<String> = ips.iter().map(|ip| format!("{ip}:443")).collect();
    want.sort();
    assert_eq!(tg["targets"], serde_json::json!(want));

    let api = &doc["api"];
    assert_eq!(api["types"], serde_json::json!(["PRIVATE"]));
    assert_eq!(api["methods"]["GET /ping"], "MOCK");
    assert_eq!(api["deployments"], 1);
    let policy: Value =
        serde_json::from_str(api["policy"].as_str().expect("a policy")).expect("JSON");
    assert_eq!(
        policy,
        serde_json::from_str::<Value>(&plan::review::resource_policy_json(plan)).expect("JSON"),
        "the apply's policy"
    );

    // Records: public alias → the NLB; private zone named exactly the name, alias → the endpoint.
    let zones = doc["zones"].as_object().expect("zones");
    let public = &zones[&plan.public_zone_id];
    let rec = arr(&public["a_records"])
        .iter()
        .find(|r| r["name"] == plan.name.as_str())
        .expect("the public A record");
    assert_eq!(rec["alias"], nlb["dns"]);
    assert_eq!(rec["alias_zone"], nlb["zone"]);
    let private_id = s(&doc["created"]["PrivateZone"]);
    let private = &zones[&private_id];
    assert_eq!(private["name"], plan.name.as_str());
    assert_eq!(private["private"], true);
    assert_eq!(private["vpcs"], serde_json::json!([plan.vpc_id]));
    assert_eq!(private["a_records"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["outputs"]["PrivateZoneId"], private_id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_templates_pass_cfn_lint_and_create_in_motos_cloudformation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let moto = moto_with_cfn_shims(dir.path());
    let m = moto.seed(&[]);
    let cloud = Arc::new(connect(&moto).await);
    let inv = discovery::collect(cloud.clone() as Arc<dyn Cloud>).await;
    assert!(inv.errors.is_empty(), "{:#?}", inv.errors);
    let prod = id_of(&m, "vpcs", "name", "prod");
    let seeded = arr(&m["endpoints"])
        .iter()
        .find(|e| e["vpc_id"].as_str() == Some(prod.as_str()))
        .expect("prod's execute-api endpoint");
    let vpce = s(&seeded["id"]);

    // 1. The plan the wizard builds: the VPC's endpoint reused.
    let reuse = wizard_plan(&inv, &m, "fixed.example.com");
    assert_eq!(
        reuse.endpoint,
        EndpointChoice::Reuse {
            vpc_endpoint_id: vpce.clone()
        }
    );
    // 2. The same account with a new endpoint in prod's private subnets (moto does not reject a
    //    second endpoint with private DNS; AWS does, which is why the wizard reuses).
    let mut create = wizard_plan(&inv, &m, "fixed2.example.com");
    create.id = plan_id(&create.account, &create.region, &create.name);
    create.endpoint = EndpointChoice::Create {
        subnet_ids: arr(&seeded["subnet_ids"]).iter().map(s).collect(),
        allow_public_subnets: false,
    };

    let reuse_t = template(&reuse);
    let create_t = template(&create);
    let (a, b) = (
        dir.path().join("reuse.yaml"),
        dir.path().join("create.yaml"),
    );
    std::fs::write(&a, &reuse_t).expect("written");
    std::fs::write(&b, &create_t).expect("written");
    lint(&[a, b]);

    // The lookup needs Lambda (Docker in moto): the two-step way, the IPs given.
    let lookup = export::LOOKUP_RESOURCES;
    let reused = cloud
        .describe_vpc_endpoint(&vpce)
        .await
        .expect("reads")
        .expect("the seeded endpoint");
    let reused_ips: Vec<String> = cloud
        .interface_ips(&reused.network_interface_ids)
        .await
        .expect("reads")
        .into_iter()
        .map(|i| i.ip)
        .collect();
    assert_eq!(
        reused_ips.len(),
        reuse.nlb_subnet_ids.len(),
        "one IP per AZ"
    );
    let dns = reused.dns_entries.first().expect("a DNS entry").clone();
    let doc = create_stack(
        &moto,
        dir.path(),
        "fixedip-reuse",
        &reuse_t,
        &serde_json::json!({
            export::PARAM_ENDPOINT_IPS: reused_ips.join(","),
            "VpcCidr": "10.0.0.0/16",
            "ExistingEndpointDnsName": dns.dns_name,
            "ExistingEndpointDnsZoneId": dns.hosted_zone_id.clone().unwrap_or_default(),
        }),
    );
    eprintln!("reuse stack: {doc:#}");
    let ips: Vec<&str> = reused_ips.iter().map(String::as_str).collect();
    check_common(&doc, &reuse, &ips);
    assert!(doc.get("endpoint").is_none(), "no endpoint created");
    assert_eq!(doc["api"]["vpc_endpoint_ids"], serde_json::json!([vpce]));
    assert_eq!(doc["outputs"]["EndpointId"], vpce.as_str());
    assert!(
        s(&doc["outputs"]["ReusedEndpointCommand"]).contains(&format!(
            "--vpc-endpoint-id {vpce} --add-security-group-ids {}",
            s(&doc["created"]["EndpointSecurityGroup"])
        )),
        "{doc:#}"
    );
    let private = &doc["zones"][s(&doc["created"]["PrivateZone"])];
    assert_eq!(
        private["a_records"][0]["alias"],
        dns.dns_name.trim_end_matches('.')
    );
    assert_eq!(
        not_created(&doc, &lookup),
        [
            "AWS::ApiGateway::BasePathMapping",
            "AWS::ApiGateway::DomainName",
            "AWS::ApiGateway::Stage",
        ],
        "what moto's CloudFormation skips"
    );

    // The created endpoint: its IPs are not known before it exists, so in moto (no custom
    // resource) any two addresses stand for them: the targets must be exactly those.
    let doc = create_stack(
        &moto,
        dir.path(),
        "fixedip-create",
        &create_t,
        &serde_json::json!({
            export::PARAM_ENDPOINT_IPS: "10.0.10.5,10.0.11.5",
            "VpcCidr": "10.0.0.0/16",
        }),
    );
    eprintln!("create stack: {doc:#}");
    check_common(&doc, &create, &["10.0.10.5", "10.0.11.5"]);
    let ep = &doc["endpoint"];
    let EndpointChoice::Create { subnet_ids, .. } = &create.endpoint else {
        unreachable!("set above")
    };
    assert_eq!(ep["type"], "Interface");
    assert_eq!(ep["service"], "com.amazonaws.us-east-1.execute-api");
    assert_eq!(ep["vpc"], create.vpc_id.as_str());
    assert_eq!(ep["subnets"], serde_json::json!(subnet_ids));
    assert_eq!(ep["private_dns"], true);
    assert_eq!(ep["groups"][0], doc["created"]["EndpointSecurityGroup"]);
    let endpoint_id = s(&doc["created"]["Endpoint"]);
    assert_eq!(
        doc["api"]["vpc_endpoint_ids"],
        serde_json::json!([endpoint_id])
    );
    let private = &doc["zones"][s(&doc["created"]["PrivateZone"])];
    assert_eq!(
        private["a_records"][0]["alias"], ep["dns"][0],
        "the private alias is the endpoint's (first) DNS entry"
    );
    assert_eq!(
        not_created(&doc, &lookup),
        [
            "AWS::ApiGateway::BasePathMapping",
            "AWS::ApiGateway::DomainName",
            "AWS::ApiGateway::Stage",
        ]
    );
}
