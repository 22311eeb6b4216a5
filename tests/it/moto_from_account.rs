//! "The account is the state" (issue 15) against moto, through the real binary: a setup applied
//! with state directory A is seen (`status`), written out (`plan --from-account`) and destroyed
//! (`destroy --plan-id`) from an empty state directory B, leaving nothing (checked with boto3);
//! then A's journal, which says done for what is now gone, applies the same plan cleanly.

use crate::common;

use common::moto::{boto, cert_arn, endpoint_in, id_of, ok, run_bin, s};
use serde_json::Value;

/// What is left in moto of plan `id` (named `name`), read with boto3, not with fixedip-tui.
fn left(url: &str, id: &str, name: &str) -> Value {
    boto(
        url,
        &format!(
            "apigw = boto3.client('apigateway', **kw)\n\
             r53 = boto3.client('route53', **kw)\n\
             tag = [{{'Name': 'tag:fixedip:plan-id', 'Values': ['{id}']}}]\n\
             eps = [e['VpcEndpointId'] for e in ec2.describe_vpc_endpoints(Filters=tag)['VpcEndpoints'] if e['State'].lower() != 'deleted']\n\
             sgs = [g['GroupId'] for g in ec2.describe_security_groups(Filters=tag)['SecurityGroups']]\n\
             lbs = [l['LoadBalancerName'] for l in elbv2.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'].startswith('{id}')]\n\
             tgs = [t['TargetGroupName'] for t in elbv2.describe_target_groups()['TargetGroups'] if t['TargetGroupName'].startswith('{id}')]\n\
             apis = [a['id'] for a in apigw.get_rest_apis()['items'] if (a.get('tags') or {{}}).get('fixedip:plan-id') == '{id}']\n\
             doms = [d['domainName'] for d in apigw.get_domain_names().get('items', []) if d['domainName'] == '{name}']\n\
             zones = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'].rstrip('.') == '{name}']\n\
             recs = []\n\
             for z in r53.list_hosted_zones()['HostedZones']:\n\
             \x20   recs += [r['Name'] for r in r53.list_resource_record_sets(HostedZoneId=z['Id'])['ResourceRecordSets'] if r['Name'].rstrip('.') == '{name}' and r['Type'] == 'A']\n\
             print(json.dumps(dict(endpoints=eps, security_groups=sgs, load_balancers=lbs, target_groups=tgs, apis=apis, domains=doms, private_zones=zones, records=recs)))"
        ),
    )
}

fn nothing(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.values()
            .all(|x| x.as_array().is_some_and(|a| a.is_empty()))
    })
}

#[test]
fn status_and_destroy_from_an_empty_state_directory_then_the_stale_journal_applies_again() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let m = moto.seed(&[]);
    let a = tempfile::tempdir().expect("machine A");
    let b = tempfile::tempdir().expect("machine B");
    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let cert = cert_arn(&m, "api.example.com");
    // prod's own execute-api endpoint goes, so the plan creates (and destroy deletes) its own.
    let vpce = endpoint_in(&m, &prod);
    boto(
        &moto.url,
        &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{vpce}'])\nprint('null')"),
    );
    let name = "fixed.example.com";
    let out = run_bin(
        &moto.url,
        a.path(),
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
            "--name",
            name,
            "--certificate",
            &cert,
            "--create-api",
            "--create-private-zone",
            "--allow-cidr",
            "203.0.113.0/24",
        ],
    );
    ok(&out);
    let planned: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    let id = s(&planned["plan_id"]);
    ok(&run_bin(
        &moto.url,
        a.path(),
        &["apply", "--plan", "plan.toml", "--yes", "--json"],
    ));
    assert!(!nothing(&left(&moto.url, &id, name)), "applied");

    // B: no state directory at all.
    let out = run_bin(&moto.url, b.path(), &["status", "--plan-id", &id, "--json"]);
    ok(&out);
    let status: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(s(&status["name"]), name, "{status}");
    assert_eq!(status["nlb_state"], "active", "{status}");
    assert_eq!(
        status["who_can_reach"],
        serde_json::json!(["203.0.113.0/24"])
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rebuilt from the account"), "{stderr}");
    let kept = b
        .path()
        .join("state/fixedip-tui/plans")
        .join(format!("{id}.journal.plan.toml"));
    assert!(kept.exists(), "the rebuilt plan is kept in B: {stderr}");

    // `plan --from-account`: the plan A applied, every choice the account holds.
    ok(&run_bin(
        &moto.url,
        b.path(),
        &["plan", "--from-account", &id, "--out", "from.toml"],
    ));
    let read = |p: &std::path::Path| -> toml::Value {
        toml::from_str(&std::fs::read_to_string(p).expect("plan file")).expect("TOML")
    };
    let (applied, rebuilt) = (
        read(&a.path().join("plan.toml")),
        read(&b.path().join("from.toml")),
    );
    for key in [
        "id",
        "account",
        "region",
        "vpc_id",
        "endpoint",
        "nlb_subnet_ids",
        "name",
        "certificate_arn",
        "api",
        "stage",
        "base_path",
        "eips",
        "allow_cidrs",
        "vpc_callers",
        "public_zone_id",
        "private_zone",
        "tags",
        "settings",
    ] {
        assert_eq!(rebuilt.get(key), applied.get(key), "field {key}");
    }

    let out = run_bin(&moto.url, b.path(), &["destroy", "--plan-id", &id, "--yes"]);
    ok(&out);
    let gone = left(&moto.url, &id, name);
    assert!(nothing(&gone), "destroy from B leaves nothing: {gone}");

    // A: its journal says done for all of it; the apply makes it again.
    let out = run_bin(
        &moto.url,
        a.path(),
        &["apply", "--plan", "plan.toml", "--yes", "--json"],
    );
    ok(&out);
    let again = left(&moto.url, &id, name);
    for kind in [
        "endpoints",
        "load_balancers",
        "target_groups",
        "apis",
        "domains",
        "private_zones",
    ] {
        assert_eq!(
            again[kind].as_array().map(Vec::len),
            Some(1),
            "{kind}: {again}"
        );
    }
    assert_eq!(
        again["records"].as_array().map(Vec::len),
        Some(2),
        "{again}"
    );
    ok(&run_bin(&moto.url, a.path(), &["status", "--plan-id", &id]));
}
