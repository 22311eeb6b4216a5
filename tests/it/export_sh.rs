//! `export --format sh` (issue 17): the apply and the teardown as bash scripts of AWS CLI
//! commands. shellcheck passes on the script of every plan variant; what the script cannot do is
//! refused with the fix; and against moto, the real AWS CLI running the script makes a setup that
//! boto3 finds complete and correct and that `fixedip-tui` recognises as its own (`status
//! --plan-id`, `plan --from-account` from an empty state directory), and the teardown script
//! leaves nothing of it.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::moto::{boto, cert_arn, id_of, ok, patched_moto, run_bin, s};
use fixedip_tui::export::{self, ExportError};
use fixedip_tui::plan::Plan;
use serde_json::Value;

fn shellcheck(files: &[PathBuf]) {
    let out = Command::new("shellcheck")
        .args(["--shell=bash", "--severity=style"])
        .args(files)
        .output()
        .expect("shellcheck runs: ./scripts/test.sh installs it (apt-get install shellcheck)");
    assert!(
        out.status.success(),
        "shellcheck:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_variant_passes_shellcheck_and_the_clean_one_reads_as_its_snapshot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, plan) in crate::export_cfn::variants() {
        for (what, text) in [
            ("apply", export::shell(&plan)),
            ("destroy", export::shell_destroy(&plan)),
        ] {
            let text = text.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(text.starts_with("#!/usr/bin/env bash\n"), "{name}");
            assert!(text.contains("set -euo pipefail"), "{name}");
            if name == "clean" {
                insta::assert_snapshot!(format!("clean_{what}"), text);
            }
            let f = dir.path().join(format!("{name}-{what}.sh"));
            std::fs::write(&f, text).expect("written");
            files.push(f);
        }
    }
    shellcheck(&files);
}

#[test]
fn what_the_script_cannot_do_is_refused_with_the_fix() {
    let clean = common::clean::clean_plan();
    let mut adopt = clean.clone();
    adopt.adopt_nlb = Some(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/partner/0123456789abcdef"
            .into(),
    );
    assert_eq!(export::shell(&adopt), Err(ExportError::ScriptAdopts));
    let mut replace = clean.clone();
    replace.replace_records = true;
    assert_eq!(export::shell(&replace), Err(ExportError::ScriptReplaces));
    assert!(ExportError::ScriptReplaces
        .to_string()
        .contains("keep `fixedip-tui apply`"));

    // --destroy is the script's; a template is deleted with its stack.
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, toml::to_string(&clean).expect("TOML")).expect("written");
    let out = common::bin_without_credentials(dir.path())
        .args(["export", "--plan"])
        .arg(&plan)
        .args(["--format", "cloudformation", "--destroy"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format sh"));
}

/// Run `script` with bash and the venv's AWS CLI against `url`.
fn run_script(script: &Path, url: &str, env: &[(&str, &str)]) -> std::process::Output {
    let venv_bin = common::moto::python()
        .parent()
        .expect("the venv's bin")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(script)
        .env("PATH", path)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        script.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What boto3 finds of plan `id` (an independent describe of every piece).
fn census(url: &str, id: &str, name: &str, public_zone: &str) -> Value {
    boto(
        url,
        &format!(
            r#"apigw = boto3.client('apigateway', **kw)
r53 = boto3.client('route53', **kw)
tag = [{{'Name': 'tag:fixedip:plan-id', 'Values': ['{id}']}}]
sgs = ec2.describe_security_groups(Filters=tag)['SecurityGroups']
eps = [e for e in ec2.describe_vpc_endpoints(Filters=tag)['VpcEndpoints'] if e['State'].lower() != 'deleted']
ips = []
if eps:
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=eps[0]['NetworkInterfaceIds'])['NetworkInterfaces']
    ips = sorted(n['PrivateIpAddress'] for n in enis)
eips = ec2.describe_addresses(Filters=tag)['Addresses']
lbs = [l for l in elbv2.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '{id}-nlb']
tgs = [t for t in elbv2.describe_target_groups()['TargetGroups'] if t['TargetGroupName'] == '{id}-tg']
listeners, targets, lb_tags = [], [], {{}}
if lbs:
    listeners = elbv2.describe_listeners(LoadBalancerArn=lbs[0]['LoadBalancerArn'])['Listeners']
    lb_tags = {{t['Key']: t['Value'] for t in elbv2.describe_tags(ResourceArns=[lbs[0]['LoadBalancerArn']])['TagDescriptions'][0]['Tags']}}
if tgs:
    targets = sorted(d['Target']['Id'] for d in elbv2.describe_target_health(TargetGroupArn=tgs[0]['TargetGroupArn'])['TargetHealthDescriptions'])
apis = [a for a in apigw.get_rest_apis()['items'] if (a.get('tags') or {{}}).get('fixedip:plan-id') == '{id}']
api = {{}}
if apis:
    a = apis[0]
    res = apigw.get_resources(restApiId=a['id'])['items']
    ping = [r for r in res if r['path'] == '/ping']
    stages = [st['stageName'] for st in apigw.get_stages(restApiId=a['id'])['item']]
    api = {{'types': a['endpointConfiguration']['types'], 'vpce': a['endpointConfiguration'].get('vpcEndpointIds', []),
           'policy': bool(a.get('policy')), 'ping': bool(ping) and 'GET' in (ping[0].get('resourceMethods') or {{}}),
           'stages': stages}}
domains = [d for d in apigw.get_domain_names()['items'] if d['domainName'] == '{name}']
mappings = apigw.get_base_path_mappings(domainName='{name}').get('items', []) if domains else []
def a_alias(zone):
    sets = r53.list_resource_record_sets(HostedZoneId=zone)['ResourceRecordSets']
    return [r['AliasTarget']['DNSName'].rstrip('.') for r in sets if r['Name'] == '{name}.' and r['Type'] == 'A' and 'AliasTarget' in r]
zones = [z for z in r53.list_hosted_zones_by_name(DNSName='{name}')['HostedZones']
         if z['Name'] == '{name}.' and (z.get('Config') or {{}}).get('Comment', '').startswith('fixedip-tui {id}-zone-')]
print(json.dumps({{
  'sgs': sorted(g['GroupName'] for g in sgs),
  'sg_rules': {{g['GroupName']: sorted(r.get('CidrIp', '') for p in g['IpPermissions'] for r in p.get('IpRanges', [])) for g in sgs}},
  'endpoints': [e['VpcEndpointId'] for e in eps],
  'endpoint_dns': eps[0]['DnsEntries'][0]['DnsName'] if eps else None,
  'endpoint_ips': ips,
  'eips': len(eips),
  'nlb': [l['LoadBalancerName'] for l in lbs],
  'nlb_dns': lbs[0]['DNSName'] if lbs else None,
  'nlb_sgs': lbs[0].get('SecurityGroups', []) if lbs else [],
  'nlb_tags': lb_tags,
  'listeners': [(l['Protocol'], l['Port'], l.get('SslPolicy')) for l in listeners],
  'targets': targets,
  'api': api,
  'domains': len(domains),
  'mappings': [(m.get('basePath'), m['restApiId'], m['stage']) for m in mappings],
  'public_alias': a_alias('{public_zone}'),
  'private_zones': len(zones),
  'private_alias': a_alias(zones[0]['Id']) if zones else [],
}}))"#
        ),
    )
}

#[test]
fn the_script_run_by_the_aws_cli_makes_a_setup_the_tool_recognises_and_the_teardown_removes_it() {
    let launcher = tempfile::tempdir().expect("launcher dir");
    let moto = patched_moto(launcher.path());
    let m = moto.seed(&[]);
    let url = moto.url.clone();
    let home = tempfile::tempdir().expect("home");
    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let name = "script.example.com";
    let public_zone = id_of(&m, "zones", "name", "example.com");

    // The plan: its own endpoint (the seed's goes first: a VPC has one with private DNS),
    // Elastic IPs, a new API and private zone, one caller range.
    let seeded = common::moto::endpoint_in(&m, &prod);
    boto(
        &url,
        &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{seeded}'])\nprint('null')"),
    );
    let out = run_bin(
        &url,
        home.path(),
        &[
            "plan",
            "--out",
            "plan.toml",
            "--json",
            "--vpc",
            &prod,
            "--endpoint-subnets",
            &format!("{},{}", sub("prod-private-a"), sub("prod-private-b")),
            "--nlb-subnets",
            &format!("{},{}", sub("prod-public-a"), sub("prod-public-b")),
            "--eip",
            "new",
            "--name",
            name,
            "--certificate",
            &cert_arn(&m, "api.example.com"),
            "--create-api",
            "--create-private-zone",
            "--allow-cidr",
            "203.0.113.0/24",
        ],
    );
    ok(&out);
    let plan_file = home.path().join("plan.toml");
    let plan = Plan::load(&plan_file).expect("the plan");
    let id = plan.id.clone();

    let apply = home.path().join("apply.sh");
    let teardown = home.path().join("destroy.sh");
    for (file, extra) in [(&apply, None), (&teardown, Some("--destroy"))] {
        let mut args = vec![
            "export",
            "--plan",
            plan_file.to_str().expect("UTF-8"),
            "--format",
            "sh",
            "--out",
            file.to_str().expect("UTF-8"),
        ];
        args.extend(extra);
        ok(&run_bin(&url, home.path(), &args));
    }
    shellcheck(&[apply.clone(), teardown.clone()]);

    // Run by the real AWS CLI (twice: a rerun finds what the first run made).
    let first = run_script(&apply, &url, &[]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("fixed IPs"), "{stdout}");
    run_script(&apply, &url, &[]);

    let c = census(&url, &id, name, &public_zone);
    let sg_endpoint = fixedip_tui::plan::names::endpoint_sg_name(&plan);
    assert_eq!(c["sgs"].as_array().map(Vec::len), Some(2), "{c:#}");
    assert_eq!(
        c["endpoints"].as_array().map(Vec::len),
        Some(1),
        "one endpoint: {c:#}"
    );
    assert_eq!(c["eips"], 2, "{c:#}");
    assert_eq!(c["nlb"].as_array().map(Vec::len), Some(1), "{c:#}");
    assert_eq!(c["nlb_sgs"].as_array().map(Vec::len), Some(1), "{c:#}");
    assert_eq!(c["nlb_tags"]["fixedip:plan-id"], id.as_str(), "{c:#}");
    assert_eq!(
        c["listeners"],
        serde_json::json!([["TLS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"]]),
        "{c:#}"
    );
    assert_eq!(
        c["targets"], c["endpoint_ips"],
        "the targets are the endpoint's IPs: {c:#}"
    );
    assert_eq!(c["targets"].as_array().map(Vec::len), Some(2), "{c:#}");
    assert_eq!(c["api"]["types"], serde_json::json!(["PRIVATE"]), "{c:#}");
    assert!(c["api"]["policy"].as_bool().unwrap_or(false), "{c:#}");
    assert!(
        c["api"]["ping"].as_bool().unwrap_or(false),
        "GET /ping: {c:#}"
    );
    assert_eq!(c["api"]["stages"], serde_json::json!([plan.stage]), "{c:#}");
    assert_eq!(c["domains"], 1, "{c:#}");
    assert_eq!(c["mappings"].as_array().map(Vec::len), Some(1), "{c:#}");
    assert_eq!(
        c["public_alias"],
        serde_json::json!([c["nlb_dns"]]),
        "{c:#}"
    );
    assert_eq!(c["private_zones"], 1, "one private zone: {c:#}");
    assert_eq!(
        c["private_alias"],
        serde_json::json!([c["endpoint_dns"]]),
        "{c:#}"
    );
    assert!(
        c["sg_rules"]
            .as_object()
            .is_some_and(|r| r.keys().any(|k| k == &sg_endpoint)),
        "{c:#}"
    );

    // The tool recognises it as its own, from an empty state directory.
    let elsewhere = tempfile::tempdir().expect("another machine");
    let out = run_bin(
        &url,
        elsewhere.path(),
        &["status", "--plan-id", &id, "--json"],
    );
    ok(&out);
    let status: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(s(&status["name"]), name, "{status}");
    assert_eq!(status["nlb_state"], "active", "{status}");
    ok(&run_bin(
        &url,
        elsewhere.path(),
        &["plan", "--from-account", &id, "--out", "from.toml"],
    ));
    let from = Plan::load(&elsewhere.path().join("from.toml")).expect("rebuilt plan");
    assert_eq!(
        (
            &from.vpc_id,
            &from.endpoint,
            &from.nlb_subnet_ids,
            &from.certificate_arn,
            &from.api,
            &from.stage,
            &from.eips,
            &from.allow_cidrs,
            &from.private_zone,
        ),
        (
            &plan.vpc_id,
            &plan.endpoint,
            &plan.nlb_subnet_ids,
            &plan.certificate_arn,
            &plan.api,
            &plan.stage,
            &plan.eips,
            &plan.allow_cidrs,
            &plan.private_zone,
        ),
        "the plan rebuilt from what the script made is the plan"
    );

    // The teardown leaves nothing of it (the Elastic IPs too, when asked).
    run_script(&teardown, &url, &[("RELEASE_EIPS", "1")]);
    let c = census(&url, &id, name, &public_zone);
    for (key, empty) in [
        ("sgs", serde_json::json!([])),
        ("endpoints", serde_json::json!([])),
        ("nlb", serde_json::json!([])),
        ("public_alias", serde_json::json!([])),
        ("private_alias", serde_json::json!([])),
        ("mappings", serde_json::json!([])),
        ("api", serde_json::json!({})),
    ] {
        assert_eq!(c[key], empty, "{key} left: {c:#}");
    }
    for key in ["eips", "domains", "private_zones"] {
        assert_eq!(c[key], 0, "{key} left: {c:#}");
    }
}
