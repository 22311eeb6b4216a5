//! "The account is the state" (issue 15) against moto, through the real binary: a setup applied
//! with state directory A is seen (`status`), written out (`plan --from-account`) and destroyed
//! (`destroy --plan-id`) from an empty state directory B, leaving nothing (checked with boto3);
//! then A's journal, which says done for what is now gone, applies the same plan cleanly.
//! Beside it, a setup made by hand in boto3 with the public samples' flaws: `doctor` from B finds
//! both, and `doctor --fix` mends what can be mended in place (read back with boto3).

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

/// A setup made by hand in boto3 the way the blog post and the public samples make one, with
/// their flaws: in the `legacy` VPC, an execute-api endpoint; an `ip` target group with one of its
/// IPs and one stale IP; an internet-facing NLB with no security group; a TLS listener on API
/// Gateway's default policy `ELBSecurityPolicy-2016-08`; a CNAME in the public zone to the NLB.
/// Answers (NLB ARN, target group ARN, listener ARN, the stale IP, the endpoint's IPs).
fn hand_made_setup(
    url: &str,
    m: &Value,
    cert: &str,
) -> (String, String, String, String, Vec<String>) {
    let legacy = id_of(m, "vpcs", "name", "legacy");
    let sub = |n: &str| id_of(m, "subnets", "name", n);
    let (a, b, private) = (sub("legacy-a"), sub("legacy-b"), sub("legacy-private"));
    let stale = "172.20.3.250";
    let v = boto(
        url,
        &format!(
            "r53 = boto3.client('route53', **kw)\n\
             ep = ec2.create_vpc_endpoint(VpcId='{legacy}', ServiceName='com.amazonaws.us-east-1.execute-api', VpcEndpointType='Interface', SubnetIds=['{private}'], PrivateDnsEnabled=True)['VpcEndpoint']\n\
             enis = ec2.describe_network_interfaces(NetworkInterfaceIds=ep['NetworkInterfaceIds'])['NetworkInterfaces']\n\
             ips = [n['PrivateIpAddress'] for n in enis]\n\
             tg = elbv2.create_target_group(Name='legacy-api-tg', Protocol='TLS', Port=443, VpcId='{legacy}', TargetType='ip')['TargetGroups'][0]['TargetGroupArn']\n\
             elbv2.register_targets(TargetGroupArn=tg, Targets=[dict(Id=ips[0], Port=443), dict(Id='{stale}', Port=443)])\n\
             lb = elbv2.create_load_balancer(Name='legacy-api-nlb', Type='network', Scheme='internet-facing', Subnets=['{a}', '{b}'])['LoadBalancers'][0]\n\
             li = elbv2.create_listener(LoadBalancerArn=lb['LoadBalancerArn'], Protocol='TLS', Port=443, SslPolicy='ELBSecurityPolicy-2016-08', Certificates=[dict(CertificateArn='{cert}')], DefaultActions=[dict(Type='forward', TargetGroupArn=tg)])['Listeners'][0]['ListenerArn']\n\
             zone = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'example.com.' and not z['Config']['PrivateZone']][0]\n\
             r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=dict(Changes=[dict(Action='UPSERT', ResourceRecordSet=dict(Name='api.example.com', Type='CNAME', TTL=300, ResourceRecords=[dict(Value=lb['DNSName'])]))]))\n\
             print(json.dumps(dict(nlb=lb['LoadBalancerArn'], tg=tg, listener=li, ips=ips)))"
        ),
    );
    let ips = v["ips"]
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default();
    (
        s(&v["nlb"]),
        s(&v["tg"]),
        s(&v["listener"]),
        stale.to_string(),
        ips,
    )
}

/// The listener's policy and the group's registered IPs, read with boto3.
fn listener_and_targets(url: &str, listener: &str, tg: &str) -> Value {
    boto(
        url,
        &format!(
            "li = elbv2.describe_listeners(ListenerArns=['{listener}'])['Listeners'][0]\n\
             th = elbv2.describe_target_health(TargetGroupArn='{tg}')['TargetHealthDescriptions']\n\
             print(json.dumps(dict(policy=li.get('SslPolicy'), targets=sorted(t['Target']['Id'] for t in th))))"
        ),
    )
}

/// `doctor` from a machine with no state: both setups, the hand-made one with its four flaws and
/// the stale IP as evidence; `--fix --yes --nlb` mends its drift and TLS policy in place.
fn doctor_finds_both_and_fixes_the_hand_made_one(
    url: &str,
    m: &Value,
    home: &std::path::Path,
    ours: &str,
) {
    let cert = cert_arn(m, "api.example.com");
    let (nlb, tg, listener, stale, ips) = hand_made_setup(url, m, &cert);
    let out = run_bin(url, home, &["doctor", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "warnings and errors exit 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("doctor JSON");
    assert_eq!(report["schema_version"], 1, "{report}");
    let setups = report["setups"].as_array().cloned().unwrap_or_default();
    let find = |origin: &str| {
        setups
            .iter()
            .find(|x| x["origin"] == origin)
            .cloned()
            .unwrap_or_else(|| panic!("a setup of origin {origin}: {report}"))
    };
    assert_eq!(setups.len(), 2, "{report}");
    let mine = find("fixedip-tui");
    assert_eq!(s(&mine["id"]), ours, "{mine}");
    // Its certificate names it only by a wildcard: the custom domain mapped to its API does.
    assert_eq!(
        mine["names"],
        serde_json::json!(["fixed.example.com"]),
        "{mine}"
    );
    let found = find("found");
    assert_eq!(s(&found["nlb_arn"]), nlb, "{found}");
    let codes: Vec<String> = found["findings"]
        .as_array()
        .map(|f| f.iter().map(|x| s(&x["code"])).collect())
        .unwrap_or_default();
    for code in [
        "targets-drift",
        "tls-policy-legacy",
        "nlb-no-security-group",
        "public-record-not-alias",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    let drift = found["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["code"] == "targets-drift"))
        .cloned()
        .unwrap_or_default();
    assert!(
        s(&drift["evidence"]).contains(&stale),
        "the stale IP is the evidence: {drift}"
    );
    assert_eq!(drift["fixable"], true, "{drift}");

    let out = run_bin(url, home, &["doctor", "--fix", "--yes", "--nlb", &nlb]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aws elbv2 modify-listener"),
        "shown as aws lines first: {stderr}"
    );
    let record = std::fs::read_to_string(home.join("state/fixedip-tui/doctor-fixes.jsonl"))
        .expect("the fixes are recorded");
    let done: Vec<Value> = record
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["outcome"] == "done")
        .collect();
    assert!(
        done.iter()
            .any(|l| s(&l["command"]).contains("modify-listener"))
            && done
                .iter()
                .any(|l| s(&l["command"]).contains("deregister-targets")),
        "each fix recorded done: {record}"
    );
    let after = listener_and_targets(url, &listener, &tg);
    assert_eq!(
        after["policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "{after}"
    );
    let mut want: Vec<String> = ips;
    want.sort();
    assert_eq!(
        after["targets"],
        serde_json::json!(want),
        "registered = the endpoint's IPs: {after}"
    );
    let out = run_bin(url, home, &["doctor", "--json", "--nlb", &nlb]);
    let again: Value = serde_json::from_slice(&out.stdout).expect("doctor JSON");
    let codes: Vec<String> = again["setups"][0]["findings"]
        .as_array()
        .map(|f| f.iter().map(|x| s(&x["code"])).collect())
        .unwrap_or_default();
    assert!(
        !codes
            .iter()
            .any(|c| c == "targets-drift" || c == "tls-policy-legacy"),
        "mended: {codes:?}"
    );
    assert!(
        codes.iter().any(|c| c == "nlb-no-security-group"),
        "not mendable in place: {codes:?}"
    );
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
    doctor_finds_both_and_fixes_the_hand_made_one(&moto.url, &m, b.path(), &id);
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
