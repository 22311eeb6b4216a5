//! Issue 8 against moto, through the real binary behind a recording proxy: apply with Elastic IPs,
//! a caller allow-list and pinned endpoint IPs; `allow --add/--remove` and independent boto3
//! describes show the NLB security group's rules follow; destroy keeps the EIPs, and
//! `--release-eips` releases them. moto ignores `SubnetMappings[].AllocationId` (the NLB gets no
//! addresses, the EIP stays unassociated) and `SubnetConfigurations[].Ipv4` (random endpoint IPs):
//! for those two, the exact requests sent are asserted here (the end state is tested on the
//! simulated account, tests/it/eips_sim.rs).

use crate::common;

use common::moto::{boto, cert_arn, endpoint_in, id_of, ok, run_bin, s, RecordingProxy};

use serde_json::Value;

/// The NLB security group's TCP 443 sources, read with boto3.
fn nlb_sg_sources(url: &str, plan_id: &str) -> Vec<String> {
    let v = boto(
        url,
        &format!(
            "g = ec2.describe_security_groups(Filters=[{{'Name':'group-name','Values':['{plan_id}-nlb-sg']}}])['SecurityGroups'][0]\n\
             print(json.dumps(sorted(r['CidrIp'] for p in g['IpPermissions'] if p.get('FromPort') == 443 for r in p.get('IpRanges', []))))"
        ),
    );
    v.as_array().into_iter().flatten().map(s).collect()
}

/// The plan's Elastic IPs, read with boto3: (allocation id, subnet tag).
fn plan_eips(url: &str, plan_id: &str) -> Vec<(String, String)> {
    let v = boto(
        url,
        &format!(
            "a = ec2.describe_addresses(Filters=[{{'Name':'tag:fixedip:plan-id','Values':['{plan_id}']}}])['Addresses']\n\
             print(json.dumps(sorted([x['AllocationId'], {{t['Key']: t['Value'] for t in x.get('Tags', [])}}.get('fixedip:subnet', '')] for x in a)))"
        ),
    );
    v.as_array()
        .into_iter()
        .flatten()
        .map(|p| (s(&p[0]), s(&p[1])))
        .collect()
}

#[test]
fn eips_callers_and_pinned_ips_against_moto() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let m = moto.seed(&[]);
    let proxy = RecordingProxy::start(&moto.url, dir.path());
    let home = tempfile::tempdir().expect("home");

    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let (priv_a, priv_b, pub_a, pub_b) = (
        sub("prod-private-a"),
        sub("prod-private-b"),
        sub("prod-public-a"),
        sub("prod-public-b"),
    );
    let cert = cert_arn(&m, "api.example.com");
    // prod's own execute-api endpoint goes, so the plan creates one (pinned IPs need that).
    let vpce = endpoint_in(&m, &prod);
    boto(
        &moto.url,
        &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{vpce}'])\nprint('null')"),
    );

    let (ip_a, ip_b) = ("10.0.10.50", "10.0.11.50");
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
            &format!("{priv_a},{priv_b}"),
            "--endpoint-ip",
            &format!("{priv_a}={ip_a}"),
            "--endpoint-ip",
            &format!("{priv_b}={ip_b}"),
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
        ],
    );
    ok(&out);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    let id = s(&plan["plan_id"]);
    assert_eq!(plan["plan"]["eips"]["mode"], "new");
    assert!(
        plan["cost"]["lines"].to_string().contains("Elastic IPs"),
        "the cost line names them: {}",
        plan["cost"]
    );

    ok(&run_bin(
        &proxy.url,
        home.path(),
        &["apply", "--plan", "plan.toml", "--yes", "--json"],
    ));

    // The EIPs, one per NLB subnet, tagged — and the exact CreateLoadBalancer request.
    let eips = plan_eips(&moto.url, &id);
    assert_eq!(eips.len(), 2, "{eips:?}");
    let create_lb = proxy.calls("CreateLoadBalancer");
    assert_eq!(create_lb.len(), 1, "one CreateLoadBalancer");
    let f = &create_lb[0];
    let mut mappings: Vec<(String, String)> = (1..=2)
        .map(|i| {
            (
                f.get(&format!("SubnetMappings.member.{i}.SubnetId"))
                    .cloned()
                    .unwrap_or_default(),
                f.get(&format!("SubnetMappings.member.{i}.AllocationId"))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect();
    mappings.sort();
    let mut want: Vec<(String, String)> = eips
        .iter()
        .map(|(a, subnet)| (subnet.clone(), a.clone()))
        .collect();
    want.sort();
    assert_eq!(
        mappings, want,
        "SubnetMappings carry each subnet's Elastic IP: {f:#?}"
    );
    assert!(
        !f.keys().any(|k| k.starts_with("Subnets.member")),
        "SubnetMappings, not Subnets: {f:#?}"
    );
    assert_eq!(f.get("Scheme").map(String::as_str), Some("internet-facing"));

    // The exact CreateVpcEndpoint request: the pinned IPs per subnet.
    let create_ep = proxy.calls("CreateVpcEndpoint");
    assert_eq!(create_ep.len(), 1);
    let f = &create_ep[0];
    let mut pinned: Vec<(String, String)> = (1..=2)
        .map(|i| {
            (
                f.get(&format!("SubnetConfiguration.{i}.SubnetId"))
                    .cloned()
                    .unwrap_or_default(),
                f.get(&format!("SubnetConfiguration.{i}.Ipv4"))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect();
    pinned.sort();
    let mut want = vec![
        (priv_a.clone(), ip_a.to_string()),
        (priv_b.clone(), ip_b.to_string()),
    ];
    want.sort();
    assert_eq!(pinned, want, "{f:#?}");

    // The callers, read independently; then changed in place.
    assert_eq!(nlb_sg_sources(&moto.url, &id), vec!["203.0.113.0/24"]);
    ok(&run_bin(
        &proxy.url,
        home.path(),
        &[
            "allow",
            "--plan-id",
            &id,
            "--add",
            "198.51.100.0/24",
            "--add",
            "192.0.2.0/25",
        ],
    ));
    assert_eq!(
        nlb_sg_sources(&moto.url, &id),
        vec!["192.0.2.0/25", "198.51.100.0/24", "203.0.113.0/24"]
    );
    ok(&run_bin(
        &proxy.url,
        home.path(),
        &["allow", "--plan-id", &id, "--remove", "203.0.113.0/24"],
    ));
    assert_eq!(
        nlb_sg_sources(&moto.url, &id),
        vec!["192.0.2.0/25", "198.51.100.0/24"]
    );
    // The NLB carries that group (moto records it).
    let lb_groups = boto(
        &moto.url,
        &format!(
            "print(json.dumps(elbv2.describe_load_balancers(Names=['{id}-nlb'])['LoadBalancers'][0].get('SecurityGroups', [])))"
        ),
    );
    assert_eq!(lb_groups.as_array().map(|a| a.len()), Some(1));

    // The handout: Elastic IPs, who can reach it.
    let out = run_bin(
        &proxy.url,
        home.path(),
        &["status", "--plan-id", &id, "--json"],
    );
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(st["ip_kind"], "elastic");
    assert_eq!(st["fixed_ips"].as_array().map(|a| a.len()), Some(2), "{st}");
    assert_eq!(
        st["who_can_reach"],
        serde_json::json!(["198.51.100.0/24", "192.0.2.0/25"])
    );

    // Destroy keeps the Elastic IPs; --release-eips releases them.
    ok(&run_bin(
        &proxy.url,
        home.path(),
        &["destroy", "--plan-id", &id, "--yes"],
    ));
    assert_eq!(plan_eips(&moto.url, &id).len(), 2, "kept by destroy");
    let lbs = boto(
        &moto.url,
        "print(json.dumps([l['LoadBalancerName'] for l in elbv2.describe_load_balancers()['LoadBalancers']]))",
    );
    assert!(!lbs.to_string().contains(&id), "the NLB is gone: {lbs}");
    ok(&run_bin(
        &proxy.url,
        home.path(),
        &["destroy", "--plan-id", &id, "--yes", "--release-eips"],
    ));
    assert!(plan_eips(&moto.url, &id).is_empty(), "released on request");
    assert_eq!(proxy.calls("ReleaseAddress").len(), 2);
}

/// Adopting the account's own NLB, listener and target group through the binary against moto:
/// discovery lists them (DescribeLoadBalancers / DescribeListeners / DescribeTargetGroups), the
/// apply registers the endpoint's IPs into the adopted group and creates nothing of its own for
/// the NLB; destroy keeps all three and removes only this plan's targets.
#[test]
fn adopting_an_existing_nlb_and_target_group_against_moto() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let m = moto.seed(&[]);
    let home = tempfile::tempdir().expect("home");
    let prod = id_of(&m, "vpcs", "name", "prod");
    let sub = |n: &str| id_of(&m, "subnets", "name", n);
    let (pub_a, pub_b) = (sub("prod-public-a"), sub("prod-public-b"));
    let cert = cert_arn(&m, "api.example.com");
    let vpce = endpoint_in(&m, &prod);
    // The account's own NLB with a TLS:443 listener forwarding to its own IP target group.
    let made = boto(
        &moto.url,
        &format!(
            "tg = elbv2.create_target_group(Name='partner-tg', Protocol='TLS', Port=443, VpcId='{prod}', TargetType='ip', HealthCheckProtocol='TCP')['TargetGroups'][0]['TargetGroupArn']\n\
             lb = elbv2.create_load_balancer(Name='partner-nlb', Type='network', Scheme='internet-facing', Subnets=['{pub_a}', '{pub_b}'])['LoadBalancers'][0]['LoadBalancerArn']\n\
             elbv2.create_listener(LoadBalancerArn=lb, Protocol='TLS', Port=443, Certificates=[{{'CertificateArn': '{cert}'}}], DefaultActions=[{{'Type': 'forward', 'TargetGroupArn': tg}}])\n\
             print(json.dumps([lb, tg]))"
        ),
    );
    let (lb, tg) = (s(&made[0]), s(&made[1]));

    let out = run_bin(
        &moto.url,
        home.path(),
        &[
            "plan",
            "--out",
            "plan.toml",
            "--json",
            "--vpc",
            &prod,
            "--reuse-endpoint",
            &vpce,
            "--adopt-nlb",
            &lb,
            "--adopt-target-group",
            &tg,
            "--name",
            "fixed.example.com",
            "--certificate",
            &cert,
            "--create-api",
            "--create-private-zone",
            "--acknowledge",
            "callers-whole-internet",
        ],
    );
    ok(&out);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    let id = s(&plan["plan_id"]);
    assert_eq!(s(&plan["plan"]["adopt_nlb"]), lb);
    assert_eq!(
        plan["plan"]["eips"]["mode"], "none",
        "an adopted NLB keeps its addresses"
    );
    let mut subnets: Vec<String> = plan["plan"]["nlb_subnet_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .map(s)
        .collect();
    subnets.sort();
    let mut want = vec![pub_a.clone(), pub_b.clone()];
    want.sort();
    assert_eq!(subnets, want, "the adopted NLB's subnets");

    ok(&run_bin(
        &moto.url,
        home.path(),
        &["apply", "--plan", "plan.toml", "--yes"],
    ));
    let state = || {
        boto(
            &moto.url,
            &format!(
                "lbs = [l['LoadBalancerArn'] for l in elbv2.describe_load_balancers()['LoadBalancers']]\n\
                 tgs = [t['TargetGroupArn'] for t in elbv2.describe_target_groups()['TargetGroups']]\n\
                 targets = sorted(d['Target']['Id'] for d in elbv2.describe_target_health(TargetGroupArn='{tg}')['TargetHealthDescriptions'])\n\
                 fwd = elbv2.describe_listeners(LoadBalancerArn='{lb}')['Listeners'][0]['DefaultActions'][0]['TargetGroupArn']\n\
                 print(json.dumps({{'lbs': lbs, 'tgs': tgs, 'targets': targets, 'forward': fwd}}))"
            ),
        )
    };
    let after = state();
    assert_eq!(
        after["lbs"].as_array().map(|a| a.len()),
        Some(1),
        "no NLB of its own: {after}"
    );
    assert_eq!(
        after["tgs"].as_array().map(|a| a.len()),
        Some(1),
        "no target group of its own: {after}"
    );
    assert!(
        !after["targets"]
            .as_array()
            .map(|a| a.is_empty())
            .unwrap_or(true),
        "the endpoint's IPs are registered in the adopted group: {after}"
    );
    assert_eq!(s(&after["forward"]), tg);
    let out = run_bin(
        &moto.url,
        home.path(),
        &["status", "--plan-id", &id, "--json"],
    );
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(st["nlb_state"], "active", "{st}");

    ok(&run_bin(
        &moto.url,
        home.path(),
        &["destroy", "--plan-id", &id, "--yes"],
    ));
    let gone = state();
    assert_eq!(gone["lbs"], after["lbs"], "the adopted NLB stays");
    assert_eq!(gone["tgs"], after["tgs"], "the adopted target group stays");
    assert_eq!(
        gone["targets"],
        serde_json::json!([]),
        "only this plan's targets went"
    );
    assert_eq!(s(&gone["forward"]), tg);
}
