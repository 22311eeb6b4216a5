//! Issue "Real AWS, not just the emulators" against moto, through the real binary behind a
//! recording proxy, every end state read back with independent boto3 calls:
//! - plan → apply → destroy → apply again of the same plan succeeds, and the account then holds
//!   exactly one of everything; the two applies sent different endpoint client tokens (EC2
//!   remembers a token after its endpoint is deleted; moto does not, so the request is asserted);
//! - a CNAME of the name is replaced by the alias in one change batch and put back by destroy;
//! - the endpoint's security group admits the VPC (its callers are sent there by the private zone).
//!
//! moto does not enforce what AWS does here (CNAME exclusivity, remembered client tokens): those
//! rules are the simulated account's (tests/it/aws_rules_sim.rs); this test proves the wiring.

use crate::common;

use common::moto::{boto, cert_arn, endpoint_in, id_of, ok, run_bin, s, RecordingProxy};

use serde_json::Value;

const NAME: &str = "fixed.example.com";

/// What the account holds of the plan, counted with boto3 (not the tool's own reads).
fn census(url: &str, plan_id: &str, public_zone: &str) -> Value {
    boto(
        url,
        &format!(
            r#"
r53 = boto3.client('route53', **kw)
apigw = boto3.client('apigateway', **kw)
tagged = lambda tags: any(t['Key'] == 'fixedip:plan-id' and t['Value'] == '{plan_id}' for t in tags or [])
eps = [e for e in ec2.describe_vpc_endpoints()['VpcEndpoints'] if tagged(e.get('Tags')) and e['State'].lower() not in ('deleted', 'deleting')]
sgs = [g for g in ec2.describe_security_groups()['SecurityGroups'] if tagged(g.get('Tags'))]
apis = [a for a in apigw.get_rest_apis()['items'] if (a.get('tags') or {{}}).get('fixedip:plan-id') == '{plan_id}']
domains = [d for d in apigw.get_domain_names()['items'] if d['domainName'] == '{NAME}']
lbs = [l for l in elbv2.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '{plan_id}-nlb']
listeners = sum(len(elbv2.describe_listeners(LoadBalancerArn=l['LoadBalancerArn'])['Listeners']) for l in lbs)
tgs = [t for t in elbv2.describe_target_groups()['TargetGroups'] if t['TargetGroupName'] == '{plan_id}-tg']
zones = [z for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == '{NAME}.' and z['Config']['PrivateZone']]
recs = [r for r in r53.list_resource_record_sets(HostedZoneId='{public_zone}')['ResourceRecordSets'] if r['Name'] == '{NAME}.']
endpoint_sg = [g for g in sgs if g['GroupName'] == '{plan_id}-vpce-sg']
print(json.dumps({{
  'endpoints': len(eps), 'security_groups': len(sgs), 'apis': len(apis), 'domains': len(domains),
  'load_balancers': len(lbs), 'listeners': listeners, 'target_groups': len(tgs),
  'private_zones': len(zones),
  'records': sorted([r['Type'], (r.get('AliasTarget') or {{}}).get('DNSName', ''), [v['Value'] for v in r.get('ResourceRecords', [])]] for r in recs),
  'endpoint_sg_cidrs': sorted(c['CidrIp'] for g in endpoint_sg for p in g['IpPermissions'] for c in p.get('IpRanges', [])),
}}))
"#
        ),
    )
}

fn one_of_everything(c: &Value) {
    for (key, want) in [
        ("endpoints", 1),
        ("security_groups", 2),
        ("apis", 1),
        ("domains", 1),
        ("load_balancers", 1),
        ("listeners", 1),
        ("target_groups", 1),
        ("private_zones", 1),
    ] {
        assert_eq!(c[key], want, "{key}: {c:#}");
    }
}

fn nothing_left(c: &Value) {
    for key in [
        "endpoints",
        "security_groups",
        "apis",
        "domains",
        "load_balancers",
        "listeners",
        "target_groups",
        "private_zones",
    ] {
        assert_eq!(c[key], 0, "{key}: {c:#}");
    }
}

#[test]
fn apply_destroy_apply_again_one_of_everything_and_a_cname_replaced_and_restored() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let m = moto.seed(&[]);
    let proxy = RecordingProxy::start(&moto.url, dir.path());
    let home = tempfile::tempdir().expect("home");

    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let zone = id_of(&m, "zones", "name", "example.com");
    let cert = cert_arn(&m, "api.example.com");
    // prod's own execute-api endpoint goes, so the plan creates one (and sends a client token).
    let vpce = endpoint_in(&m, &prod);
    boto(
        &moto.url,
        &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{vpce}'])\nprint('null')"),
    );
    // The name is a CNAME today (to an old load balancer).
    boto(
        &moto.url,
        &format!(
            "r53 = boto3.client('route53', **kw)\n\
             r53.change_resource_record_sets(HostedZoneId='{zone}', ChangeBatch={{'Changes': [{{'Action': 'CREATE', 'ResourceRecordSet': {{'Name': '{NAME}', 'Type': 'CNAME', 'TTL': 300, 'ResourceRecords': [{{'Value': 'old-lb.example.net'}}]}}}}]}})\n\
             print('null')"
        ),
    );
    let cname = serde_json::json!([["CNAME", "", ["old-lb.example.net"]]]);

    let out = run_bin(
        &proxy.url,
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
            "none",
            "--name",
            NAME,
            "--certificate",
            &cert,
            "--create-api",
            "--create-private-zone",
            "--allow-cidr",
            "203.0.113.0/24",
            "--replace-records",
            "--acknowledge",
            "record-will-be-replaced",
        ],
    );
    ok(&out);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    let id = s(&plan["plan_id"]);
    assert_eq!(plan["plan"]["vpc_callers"], serde_json::json!(["vpc"]));

    let apply = || {
        ok(&run_bin(
            &proxy.url,
            home.path(),
            &["apply", "--plan", "plan.toml", "--yes", "--json"],
        ))
    };
    let destroy = || {
        ok(&run_bin(
            &proxy.url,
            home.path(),
            &["destroy", "--plan-id", &id, "--yes"],
        ))
    };

    apply();
    let c = census(&moto.url, &id, &zone);
    one_of_everything(&c);
    // The alias replaced the CNAME (one batch: DELETE CNAME + UPSERT A).
    let records = c["records"].as_array().expect("records");
    assert_eq!(records.len(), 1, "{c:#}");
    assert_eq!(records[0][0], "A");
    assert!(s(&records[0][1]).contains("-nlb-"), "{c:#}");
    let batch = proxy
        .requests()
        .into_iter()
        .map(|r| s(&r["body"]))
        .find(|b| b.contains("<Action>DELETE</Action>") && b.contains("CNAME"))
        .expect("a change batch deleting the CNAME");
    assert!(
        batch.contains("<Action>UPSERT</Action>") && batch.contains("<Type>A</Type>"),
        "the alias is created in the same batch: {batch}"
    );
    // Callers inside the VPC are admitted by default (its CIDR), beside the NLB subnets.
    assert!(
        c["endpoint_sg_cidrs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "10.0.0.0/16")),
        "{c:#}"
    );

    destroy();
    let c = census(&moto.url, &id, &zone);
    nothing_left(&c);
    assert_eq!(c["records"], cname, "the CNAME is back: {c:#}");

    // The same plan again, after the destroy: a new endpoint, under a new client token.
    apply();
    let c = census(&moto.url, &id, &zone);
    one_of_everything(&c);
    let tokens: Vec<String> = proxy
        .calls("CreateVpcEndpoint")
        .iter()
        .map(|f| f.get("ClientToken").cloned().unwrap_or_default())
        .collect();
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert!(tokens.iter().all(|t| t.starts_with(&id)), "{tokens:?}");
    assert_ne!(
        tokens[0], tokens[1],
        "EC2 remembers a token after its endpoint is deleted: a new one"
    );

    destroy();
    let c = census(&moto.url, &id, &zone);
    nothing_left(&c);
    assert_eq!(c["records"], cname, "{c:#}");
}
