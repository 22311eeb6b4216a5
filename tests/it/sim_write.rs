//! `CloudWrite` on the simulated account: creates, read-backs, states that advance with (virtual)
//! time, idempotency, lost responses, API Gateway's limits and AWS's dependency errors.

use std::time::Duration;

use fixedip_tui::cloud::sim::{Fault, FaultRule, Latency, SimCloud, SimOptions};
use fixedip_tui::cloud::write::{
    AliasRecord, CloudWrite, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, RecordAction,
};
use fixedip_tui::cloud::{execute_api_service, CloudError, ErrorKind};
use fixedip_tui::domain::{Tag, VpcEndpoint};

const VPC: &str = "vpc-0135f36302291c303";
const ANALYTICS_VPC: &str = "vpc-012a26139df302e38";
const PRIVATE: [&str; 3] = [
    "subnet-029b8fa21f8c03262",
    "subnet-0186e3bc6e22fdd66",
    "subnet-0ffa8020d26f8856a",
];
const PUBLIC: [&str; 3] = [
    "subnet-08cceedc58f64dc0a",
    "subnet-0914893785dafcf38",
    "subnet-08b0c9d866ed90752",
];
const PUBLIC_CIDRS: [&str; 3] = ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"];
/// Public, in us-east-1a like PUBLIC[0], with only 5 free addresses.
const SMALL_PUBLIC_1A: &str = "subnet-003f51d03d54f28e2";
const CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405-a0b0-4339-a499-fa0fb1cae63f";
const PENDING_CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/e0492e93-ee5b-4338-a46c-349b2cb9a6fc";
const PUBLIC_ZONE: &str = "Z0150999TLFZEKJCOQEVC";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;

fn sim(latency: Latency) -> SimCloud {
    sim_with(SimOptions {
        latency,
        scale: 1.0,
        ..SimOptions::default()
    })
}

fn sim_with(options: SimOptions) -> SimCloud {
    SimCloud::demo(options).expect("the demo account parses")
}

fn tags(step: &str) -> Vec<Tag> {
    vec![
        Tag {
            key: "managed-by".into(),
            value: "fixedip-tui".into(),
        },
        Tag {
            key: "fixedip:step".into(),
            value: step.into(),
        },
    ]
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn rule(source: &str) -> IngressRule {
    IngressRule {
        port: 443,
        source: source.into(),
        description: String::new(),
    }
}

fn code(e: &CloudError) -> &str {
    e.code.as_deref().unwrap_or_default()
}

fn endpoint_req(token: &str, subnets: &[&str], groups: Vec<String>) -> NewEndpoint {
    NewEndpoint {
        vpc_id: VPC.into(),
        service_name: execute_api_service("us-east-1"),
        subnet_ids: strings(subnets),
        security_group_ids: groups,
        private_dns: true,
        ipv4_addresses: Default::default(),
        client_token: token.into(),
        tags: tags("endpoint"),
    }
}

/// The endpoint security group (443 from the NLB subnets) and a pending endpoint in two AZs.
async fn endpoint(sim: &SimCloud) -> (String, VpcEndpoint) {
    let sg = sim
        .create_security_group(VPC, "fixedip-endpoint", "endpoint", &tags("sg"))
        .await
        .expect("sg");
    let rules: Vec<IngressRule> = PUBLIC_CIDRS[..2].iter().map(|c| rule(c)).collect();
    sim.authorize_ingress(&sg, &rules).await.expect("ingress");
    let ep = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIVATE[..2], vec![sg.clone()]))
        .await
        .expect("endpoint");
    (sg, ep)
}

fn free_ips(sim: &SimCloud, subnet: &str) -> u32 {
    sim.with_account(|a| {
        a.subnets
            .iter()
            .find(|s| s.id == subnet)
            .map(|s| s.free_ips)
            .expect("subnet")
    })
}

fn endpoint_count(sim: &SimCloud) -> usize {
    sim.with_account(|a| a.vpc_endpoints.len())
}

#[tokio::test(start_paused = true)]
async fn endpoint_turns_available_with_ips_inside_its_subnets_and_deletes_in_order() {
    let sim = sim(Latency::REALISTIC);
    let free_before = free_ips(&sim, PRIVATE[0]);
    let (sg, ep) = endpoint(&sim).await;

    assert!(ep.state.eq_ignore_ascii_case("pending"));
    assert_eq!(ep.network_interface_ids.len(), 2);
    let regional = &ep.dns_entries[0];
    assert!(regional.dns_name.starts_with(&format!("{}-", ep.id)));
    assert!(regional
        .dns_name
        .ends_with(".execute-api.us-east-1.vpce.amazonaws.com"));
    assert!(
        !regional.dns_name.contains("us-east-1a"),
        "regional, not zonal"
    );
    assert_eq!(regional.hosted_zone_id.as_deref(), Some("Z7HUB22UULQXV"));
    assert!(ep
        .dns_entries
        .iter()
        .any(|d| d.dns_name == "*.execute-api.us-east-1.amazonaws.com"));
    assert_eq!(free_ips(&sim, PRIVATE[0]), free_before - 1);

    let ips = sim
        .interface_ips(&ep.network_interface_ids)
        .await
        .expect("ips");
    assert_eq!(ips.len(), 2);
    for (ip, cidr) in ips.iter().zip(["10.20.16.0/20", "10.20.32.0/20"]) {
        let net: ipnet::Ipv4Net = cidr.parse().expect("cidr");
        let addr: std::net::Ipv4Addr = ip.ip.parse().expect("ip");
        assert!(net.contains(&addr), "{} in {cidr}", ip.ip);
        let off = u32::from(addr) - u32::from(net.network());
        assert!((4..4095).contains(&off), "{} is reserved", ip.ip);
    }
    assert_eq!(ips[0].az, "us-east-1a");
    assert_eq!(ips[1].subnet_id, PRIVATE[1]);

    // Same client token, same endpoint; the same token with other parameters is refused.
    let again = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIVATE[..2], vec![sg.clone()]))
        .await
        .expect("idempotent");
    assert_eq!(again.id, ep.id);
    let err = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIVATE[..3], vec![sg.clone()]))
        .await
        .expect_err("mismatch");
    assert_eq!(code(&err), "IdempotentParameterMismatch");
    assert_eq!(endpoint_count(&sim), 3);

    tokio::time::sleep(Duration::from_secs(150)).await;
    let ep2 = sim
        .describe_vpc_endpoint(&ep.id)
        .await
        .expect("describe")
        .expect("exists");
    assert!(ep2.is_available(), "{}", ep2.state);
    let by_tag = sim
        .find_vpc_endpoints_by_tag("fixedip:step", "endpoint")
        .await
        .expect("by tag");
    assert_eq!(by_tag.len(), 1);

    // The group is in use: DependencyViolation until the endpoint is gone.
    let err = sim.delete_security_group(&sg).await.expect_err("in use");
    assert_eq!(code(&err), "DependencyViolation");
    assert_eq!(err.kind, ErrorKind::InvalidRequest);

    sim.delete_vpc_endpoint(&ep.id).await.expect("delete");
    sim.delete_vpc_endpoint(&ep.id).await.expect("delete twice");
    let deleting = sim
        .describe_vpc_endpoint(&ep.id)
        .await
        .expect("describe")
        .expect("still there");
    assert!(deleting.state.eq_ignore_ascii_case("deleting"));
    let err = sim.delete_security_group(&sg).await.expect_err("deleting");
    assert_eq!(code(&err), "DependencyViolation");

    tokio::time::sleep(Duration::from_secs(90)).await;
    assert_eq!(sim.describe_vpc_endpoint(&ep.id).await.expect("ok"), None);
    assert_eq!(free_ips(&sim, PRIVATE[0]), free_before);
    sim.delete_security_group(&sg).await.expect("now free");
    sim.delete_security_group(&sg).await.expect("gone is fine");
    assert_eq!(sim.describe_security_group(&sg).await.expect("ok"), None);
    sim.delete_vpc_endpoint(&ep.id).await.expect("gone is fine");
}

#[tokio::test(start_paused = true)]
async fn security_groups_are_unique_by_name_and_ingress_is_idempotent() {
    let sim = sim(Latency::ZERO);
    let sg = sim
        .create_security_group(VPC, "fixedip-nlb", "nlb", &tags("nlb-sg"))
        .await
        .expect("sg");
    let err = sim
        .create_security_group(VPC, "fixedip-nlb", "nlb", &[])
        .await
        .expect_err("duplicate");
    assert_eq!(code(&err), "InvalidGroup.Duplicate");

    let rules = vec![rule("203.0.113.0/24"), rule("198.51.100.7/32")];
    sim.authorize_ingress(&sg, &rules).await.expect("first");
    sim.authorize_ingress(&sg, &rules).await.expect("again");
    let found = sim
        .find_security_group(VPC, "fixedip-nlb")
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(found.id, sg);
    assert_eq!(found.ingress.len(), 2);
    assert_eq!(found.tags, tags("nlb-sg"));

    sim.revoke_ingress(&sg, &rules[..1]).await.expect("revoke");
    sim.revoke_ingress(&sg, &rules[..1])
        .await
        .expect("revoke again");
    let g = sim
        .describe_security_group(&sg)
        .await
        .expect("describe")
        .expect("exists");
    assert_eq!(g.ingress, vec![rules[1].clone()]);
    assert_eq!(
        sim.find_security_group(VPC, "nope").await.expect("ok"),
        None
    );

    // A group referenced by another group's rule cannot go.
    let other = sim
        .create_security_group(VPC, "other", "other", &[])
        .await
        .expect("sg");
    sim.authorize_ingress(&other, &[rule(&sg)])
        .await
        .expect("sg source");
    let err = sim
        .delete_security_group(&sg)
        .await
        .expect_err("referenced");
    assert_eq!(code(&err), "DependencyViolation");
    sim.delete_security_group(&other).await.expect("delete");
    sim.delete_security_group(&sg).await.expect("delete");
}

#[tokio::test(start_paused = true)]
async fn a_second_private_dns_endpoint_in_a_vpc_is_rejected() {
    let sim = sim(Latency::ZERO);
    let (_sg, _ep) = endpoint(&sim).await;
    let err = sim
        .create_vpc_endpoint(&endpoint_req("tok-2", &PRIVATE[2..], vec![]))
        .await
        .expect_err("conflict");
    assert_eq!(err.kind, ErrorKind::InvalidRequest);
    assert!(err.message.contains("conflicting DNS domain"), "{err}");

    // The analytics VPC already has one in the data file.
    let mut req = endpoint_req("tok-3", &[], vec![]);
    req.vpc_id = ANALYTICS_VPC.into();
    req.subnet_ids = sim.with_account(|a| {
        a.vpc_endpoints
            .iter()
            .find(|e| e.vpc_id == ANALYTICS_VPC)
            .map(|e| e.subnet_ids.clone())
            .expect("analytics endpoint")
    });
    let err = sim.create_vpc_endpoint(&req).await.expect_err("conflict");
    assert!(err.message.contains("conflicting DNS domain"), "{err}");

    // Two subnets in one AZ.
    let err = sim
        .create_vpc_endpoint(&NewEndpoint {
            private_dns: false,
            ..endpoint_req("tok-4", &[PRIVATE[0], PUBLIC[0]], vec![])
        })
        .await
        .expect_err("same AZ");
    assert_eq!(code(&err), "DuplicateSubnetsInSameZone");
}

#[tokio::test(start_paused = true)]
async fn lost_responses_leave_one_resource_that_find_adopts() {
    let sim = sim(Latency::REALISTIC);

    // Security group: not idempotent, so never resent by the client (cloud::idempotency): the
    // lost answer reaches the caller, and the group the call made is there once.
    sim.add_fault(FaultRule::times(
        "ec2:CreateSecurityGroup",
        Fault::LostResponse,
        1,
    ));
    let err = sim
        .create_security_group(VPC, "fixedip-endpoint", "endpoint", &[])
        .await
        .expect_err("the lost answer");
    assert_eq!(err.kind, ErrorKind::Network);
    let found = sim
        .find_security_group(VPC, "fixedip-endpoint")
        .await
        .expect("find");
    assert!(found.is_some());
    assert_eq!(
        sim.with_account(|a| a
            .security_groups
            .iter()
            .filter(|g| g.name == "fixedip-endpoint")
            .count()),
        1,
        "no duplicate"
    );

    // Endpoint: the retry carries the same client token and gets the same endpoint.
    sim.add_fault(FaultRule::times(
        "ec2:CreateVpcEndpoint",
        Fault::LostResponse,
        1,
    ));
    let before = endpoint_count(&sim);
    let ep = sim
        .create_vpc_endpoint(&endpoint_req("tok-lost", &PRIVATE[..2], vec![]))
        .await
        .expect("retried");
    assert_eq!(endpoint_count(&sim), before + 1);
    assert_eq!(
        sim.find_vpc_endpoints_by_tag("fixedip:step", "endpoint")
            .await
            .expect("find")
            .len(),
        1
    );
    assert_eq!(ep.vpc_id, VPC);

    // REST API (bound to the endpoint once it is available): sent once, the lost answer reaches
    // the caller; the API exists once.
    tokio::time::advance(std::time::Duration::from_secs(200)).await;
    sim.add_fault(FaultRule::times("apigateway:POST", Fault::LostResponse, 1));
    let err = sim
        .create_rest_api(
            "fixedip-api",
            std::slice::from_ref(&ep.id),
            POLICY,
            &tags("api"),
        )
        .await
        .expect_err("the lost answer");
    assert_eq!(err.kind, ErrorKind::Network);
    let apis = sim
        .find_rest_apis_by_tag("fixedip:step", "api")
        .await
        .expect("find");
    assert_eq!(apis.len(), 1);
    assert_eq!(apis[0].endpoint_types, vec!["PRIVATE".to_string()]);
    assert_eq!(apis[0].vpc_endpoint_ids, vec![ep.id.clone()]);

    // Load balancer: identical CreateLoadBalancer answers with the same one.
    sim.add_fault(FaultRule::times(
        "elasticloadbalancing:CreateLoadBalancer",
        Fault::LostResponse,
        1,
    ));
    let lb = sim
        .create_load_balancer(&NewLoadBalancer {
            name: "fixedip-nlb".into(),
            subnet_ids: strings(&PUBLIC[..2]),
            allocation_ids: Default::default(),
            security_group_ids: vec![],
            tags: tags("nlb"),
        })
        .await
        .expect("retried");
    assert_eq!(
        sim.with_account(|a| a
            .load_balancers
            .iter()
            .filter(|l| l.lb.name == "fixedip-nlb")
            .count()),
        1
    );
    assert_eq!(
        sim.find_load_balancer("fixedip-nlb")
            .await
            .expect("find")
            .map(|l| l.arn),
        Some(lb.arn)
    );
}

/// The wait in the error's `Retry-After` (AWS sends it as a header, never in the message).
fn retry_after(e: &CloudError) -> u64 {
    assert!(
        !e.message.to_ascii_lowercase().contains("retry after"),
        "AWS puts no retry hint in the message: {e}"
    );
    e.retry_after
        .unwrap_or_else(|| panic!("no Retry-After in {e}"))
        .as_secs()
}

#[tokio::test(start_paused = true)]
async fn api_gateway_limits_throttle_with_a_retry_hint() {
    let sim = sim(Latency::REALISTIC);
    let api = sim
        .create_rest_api("one", &[], POLICY, &tags("api"))
        .await
        .expect("first");
    let err = sim
        .create_rest_api("two", &[], POLICY, &[])
        .await
        .expect_err("within 3 s");
    assert_eq!(err.kind, ErrorKind::Throttled);
    assert_eq!(code(&err), "TooManyRequestsException");
    let wait = retry_after(&err);
    assert!((1..=3).contains(&wait), "{wait}");
    tokio::time::sleep(Duration::from_secs(wait)).await;
    sim.create_rest_api("two", &[], POLICY, &[])
        .await
        .expect("after the hint");

    // A deployment needs a method; then one per 5 s.
    let err = sim
        .create_deployment(&api, "v1")
        .await
        .expect_err("no methods");
    assert_eq!(code(&err), "BadRequestException");
    tokio::time::sleep(Duration::from_secs(5)).await;
    crate::common::put_ping(&sim, &api).await.expect("ping");
    crate::common::put_ping(&sim, &api)
        .await
        .expect("ping again");
    let dep = sim.create_deployment(&api, "v1").await.expect("deploy");
    let err = sim
        .create_deployment(&api, "v1")
        .await
        .expect_err("within 5 s");
    assert!((1..=5).contains(&retry_after(&err)));
    let state = sim.get_rest_api(&api).await.expect("get").expect("exists");
    assert_eq!(state.stages, vec![("v1".to_string(), dep)]);
    assert_eq!(state.tags, tags("api"));

    // Custom domain: usable at once, one per 30 s; the certificate must be ISSUED.
    let d = sim
        .create_domain_name("api.example.com", CERT, "TLS_1_2", &tags("domain"))
        .await
        .expect("domain");
    assert!(d.regional_dns_name.starts_with("d-"));
    assert!(d
        .regional_dns_name
        .ends_with(".execute-api.us-east-1.amazonaws.com"));
    assert_eq!(d.regional_hosted_zone_id, "Z1UJRXOUMOOFQ8");
    let err = sim
        .create_domain_name("other.example.com", CERT, "TLS_1_2", &[])
        .await
        .expect_err("within 30 s");
    let wait = retry_after(&err);
    assert!((25..=30).contains(&wait), "{wait}");
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let err = sim
        .create_domain_name("other.example.com", PENDING_CERT, "TLS_1_2", &[])
        .await
        .expect_err("not issued");
    assert_eq!(code(&err), "BadRequestException");
    assert_eq!(
        sim.get_domain_name("api.example.com").await.expect("get"),
        Some(d)
    );

    sim.create_base_path_mapping("api.example.com", &api, "v1", None)
        .await
        .expect("mapping");
    sim.create_base_path_mapping("api.example.com", &api, "v1", None)
        .await
        .expect("the same mapping again");
    tokio::time::sleep(Duration::from_secs(5)).await;
    sim.create_deployment(&api, "v2").await.expect("deploy v2");
    let err = sim
        .create_base_path_mapping("api.example.com", &api, "v2", None)
        .await
        .expect_err("another stage on the same path");
    assert_eq!(code(&err), "ConflictException");
    let maps = sim
        .get_base_path_mappings("api.example.com")
        .await
        .expect("mappings");
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0].base_path, "(none)");
    assert_eq!(maps[0].rest_api_id, api);

    sim.delete_base_path_mapping("api.example.com", None)
        .await
        .expect("delete mapping");
    sim.delete_base_path_mapping("api.example.com", None)
        .await
        .expect("again");
    sim.delete_domain_name("api.example.com")
        .await
        .expect("delete domain");
    let err = sim
        .delete_domain_name("api.example.com")
        .await
        .expect_err("within 30 s");
    assert_eq!(code(&err), "TooManyRequestsException");
    tokio::time::sleep(Duration::from_secs(retry_after(&err))).await;
    sim.delete_domain_name("api.example.com")
        .await
        .expect("gone is fine");
    assert_eq!(
        sim.get_domain_name("api.example.com").await.expect("get"),
        None
    );
    assert!(sim
        .get_base_path_mappings("api.example.com")
        .await
        .expect("no domain, no mappings")
        .is_empty());

    sim.delete_rest_api(&api).await.expect("delete api");
    tokio::time::sleep(Duration::from_secs(30)).await;
    sim.delete_rest_api(&api).await.expect("gone is fine");
    assert_eq!(sim.get_rest_api(&api).await.expect("get"), None);
}

#[tokio::test(start_paused = true)]
async fn make_private_and_restore_an_adopted_api() {
    let sim = sim(Latency::ZERO);
    let id = sim.with_account(|a| {
        a.rest_apis
            .iter()
            .find(|r| !r.is_private())
            .map(|r| r.id.clone())
            .expect("a public API")
    });
    let before = sim.get_rest_api(&id).await.expect("get").expect("exists");
    sim.make_api_private(&before, &strings(&["vpce-1"]), POLICY)
        .await
        .expect("private");
    let now = sim.get_rest_api(&id).await.expect("get").expect("exists");
    assert_eq!(now.endpoint_types, vec!["PRIVATE".to_string()]);
    assert_eq!(now.policy.as_deref(), Some(POLICY));
    sim.restore_api(&now, &(&before).into())
        .await
        .expect("restore");
    assert_eq!(
        sim.get_rest_api(&id).await.expect("get").expect("exists"),
        before
    );
    let err = sim
        .make_api_private(
            &fixedip_tui::cloud::write::ApiState {
                id: "nosuchapi0".into(),
                ..before.clone()
            },
            &[],
            POLICY,
        )
        .await
        .expect_err("missing");
    assert_eq!(err.kind, ErrorKind::NotFound);
}

fn nlb_req(subnets: &[&str], groups: Vec<String>) -> NewLoadBalancer {
    NewLoadBalancer {
        name: "fixedip-nlb".into(),
        subnet_ids: strings(subnets),
        allocation_ids: Default::default(),
        security_group_ids: groups,
        tags: tags("nlb"),
    }
}

#[tokio::test(start_paused = true)]
async fn nlb_provisions_then_serves_healthy_endpoint_targets() {
    let sim = sim(Latency::REALISTIC);
    let (ep_sg, ep) = endpoint(&sim).await;
    let nlb_sg = sim
        .create_security_group(VPC, "fixedip-nlb", "nlb", &[])
        .await
        .expect("sg");
    sim.authorize_ingress(&nlb_sg, &[rule("0.0.0.0/0")])
        .await
        .expect("ingress");

    // AWS's checks on the subnets.
    let err = sim
        .create_load_balancer(&nlb_req(&[PUBLIC[0], PRIVATE[1]], vec![nlb_sg.clone()]))
        .await
        .expect_err("private subnet");
    assert_eq!(code(&err), "InvalidSubnet");
    let err = sim
        .create_load_balancer(&nlb_req(&[PUBLIC[0], SMALL_PUBLIC_1A], vec![]))
        .await
        .expect_err("same AZ");
    assert_eq!(code(&err), "InvalidConfigurationRequest");
    let err = sim
        .create_load_balancer(&nlb_req(&[SMALL_PUBLIC_1A], vec![]))
        .await
        .expect_err("too few free IPs");
    assert_eq!(code(&err), "InvalidSubnet");

    let lb = sim
        .create_load_balancer(&nlb_req(&PUBLIC[..2], vec![nlb_sg.clone()]))
        .await
        .expect("nlb");
    assert!(lb.state.eq_ignore_ascii_case("provisioning"));
    assert_eq!(lb.canonical_hosted_zone_id, "Z26RNL4JYFTOTI");
    assert!(lb.dns_name.starts_with("fixedip-nlb-"));
    assert!(lb.dns_name.ends_with(".elb.us-east-1.amazonaws.com"));
    assert_eq!(lb.addresses.len(), 2);
    assert!(lb.addresses.iter().all(|ip| ip.starts_with("3.")));
    assert_eq!(lb.cross_zone, Some(false));
    assert_eq!(lb.vpc_id, VPC);
    sim.set_cross_zone(&lb.arn, true).await.expect("cross-zone");
    let err = sim
        .create_load_balancer(&nlb_req(&PUBLIC[..3], vec![nlb_sg.clone()]))
        .await
        .expect_err("same name, other subnets");
    assert_eq!(code(&err), "DuplicateLoadBalancerName");

    // Target group with the endpoint's IPs and a stray address of the VPC.
    let tg = sim
        .create_target_group("fixedip-tg", VPC, &tags("tg"))
        .await
        .expect("tg");
    assert_eq!(
        (tg.protocol.as_str(), tg.port, tg.target_type.as_str()),
        ("TLS", 443, "ip")
    );
    assert_eq!(
        sim.create_target_group("fixedip-tg", VPC, &[])
            .await
            .expect("identical")
            .arn,
        tg.arn
    );
    let mut ips: Vec<String> = sim
        .interface_ips(&ep.network_interface_ids)
        .await
        .expect("ips")
        .into_iter()
        .map(|i| i.ip)
        .collect();
    ips.push("10.20.200.10".into());
    sim.register_targets(&tg.arn, &ips, 443)
        .await
        .expect("register");
    sim.register_targets(&tg.arn, &ips, 443)
        .await
        .expect("register again");
    let err = sim
        .register_targets(&tg.arn, &strings(&["192.168.1.1"]), 443)
        .await
        .expect_err("outside the VPC");
    assert_eq!(code(&err), "InvalidTarget");
    let health = sim.target_health(&tg.arn).await.expect("health");
    assert_eq!(health.len(), 3);
    assert!(health.iter().all(|h| h.state == "unused"), "{health:?}");

    // Listener: the certificate must be ISSUED; no policy given gets the 2016 default.
    let listener_req = NewListener {
        load_balancer_arn: lb.arn.clone(),
        target_group_arn: tg.arn.clone(),
        port: 443,
        certificate_arn: PENDING_CERT.into(),
        ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06".into(),
        alpn_policy: "None".into(),
        tags: tags("listener"),
    };
    let err = sim
        .create_listener(&listener_req)
        .await
        .expect_err("pending certificate");
    assert_eq!(code(&err), "UnsupportedCertificate");
    let listener = sim
        .create_listener(&NewListener {
            certificate_arn: CERT.into(),
            ..listener_req.clone()
        })
        .await
        .expect("listener");
    assert_eq!(listener.protocol, "TLS");
    assert_eq!(
        listener.ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );
    assert_eq!(listener.alpn_policy, vec!["None".to_string()]);
    assert_eq!(
        sim.describe_listeners(&lb.arn).await.expect("listeners"),
        vec![listener.clone()]
    );
    let health = sim.target_health(&tg.arn).await.expect("health");
    assert!(health.iter().all(|h| h.state == "initial"), "{health:?}");

    tokio::time::sleep(Duration::from_secs(240)).await;
    let active = sim
        .find_load_balancer("fixedip-nlb")
        .await
        .expect("find")
        .expect("exists");
    assert!(active.state.eq_ignore_ascii_case("active"));
    assert_eq!(active.cross_zone, Some(true));

    // The endpoint is available by now; health checks take up to 300 s after the NLB is active.
    tokio::time::sleep(Duration::from_secs(300)).await;
    let health = sim.target_health(&tg.arn).await.expect("health");
    for h in &health {
        let want = if h.ip == "10.20.200.10" {
            "unhealthy"
        } else {
            "healthy"
        };
        assert_eq!(h.state, want, "{h:?}");
    }

    // Revoking the NLB subnets from the endpoint group makes the endpoint IPs unhealthy.
    let rules: Vec<IngressRule> = PUBLIC_CIDRS[..2].iter().map(|c| rule(c)).collect();
    sim.revoke_ingress(&ep_sg, &rules[1..])
        .await
        .expect("revoke");
    let health = sim.target_health(&tg.arn).await.expect("health");
    assert!(health.iter().all(|h| h.state == "unhealthy"), "{health:?}");

    // Deletion order: the target group is in use while the listener exists; the NLB's group
    // stays in use while its network interfaces linger.
    let err = sim.delete_target_group(&tg.arn).await.expect_err("in use");
    assert_eq!(code(&err), "ResourceInUse");
    sim.deregister_targets(&tg.arn, &ips, 443)
        .await
        .expect("deregister");
    assert!(sim.target_health(&tg.arn).await.expect("health").is_empty());
    sim.delete_load_balancer(&lb.arn).await.expect("delete nlb");
    sim.delete_load_balancer(&lb.arn)
        .await
        .expect("gone is fine");
    assert_eq!(
        sim.find_load_balancer("fixedip-nlb").await.expect("ok"),
        None
    );
    sim.delete_target_group(&tg.arn).await.expect("delete tg");
    sim.delete_target_group(&tg.arn)
        .await
        .expect("gone is fine");
    assert_eq!(sim.find_target_group("fixedip-tg").await.expect("ok"), None);
    sim.deregister_targets(&tg.arn, &ips, 443)
        .await
        .expect("no group, nothing to deregister");
    assert!(sim
        .describe_listeners(&lb.arn)
        .await
        .expect("no load balancer, no listeners")
        .is_empty());
    let err = sim
        .delete_security_group(&nlb_sg)
        .await
        .expect_err("ENIs linger");
    assert_eq!(code(&err), "DependencyViolation");
    tokio::time::sleep(Duration::from_secs(90)).await;
    sim.delete_security_group(&nlb_sg).await.expect("released");
}

#[tokio::test(start_paused = true)]
async fn route53_private_zone_alias_records_and_changes() {
    let sim = sim_with(SimOptions {
        latency: Latency::ZERO,
        scale: 1.0,
        // One attempt: PriorRequestNotComplete is seen, not retried away.
        max_attempts: 1,
        ..SimOptions::default()
    });
    let (_sg, ep) = endpoint(&sim).await;
    let lb = sim
        .create_load_balancer(&nlb_req(&PUBLIC[..2], vec![]))
        .await
        .expect("nlb");

    let zone = sim
        .create_private_zone("api.example.com.", VPC, "us-east-1", "ref-1")
        .await
        .expect("zone");
    assert_eq!(
        sim.create_private_zone("api.example.com", VPC, "us-east-1", "ref-1")
            .await
            .expect("same reference"),
        zone
    );
    let err = sim
        .create_private_zone("api.example.com", VPC, "us-east-1", "ref-2")
        .await
        .expect_err("a zone of that name is already associated with the VPC");
    assert_eq!(code(&err), "ConflictingDomainExists");
    sim.associate_vpc(&zone, VPC, "us-east-1")
        .await
        .expect("already associated");
    // The data file's api.example.com private zone is associated with the analytics VPC.
    let err = sim
        .associate_vpc(&zone, ANALYTICS_VPC, "us-east-1")
        .await
        .expect_err("conflict");
    assert_eq!(code(&err), "ConflictingDomainExists");
    let z = fixedip_tui::cloud::Cloud::get_hosted_zone(&sim, &zone)
        .await
        .expect("get");
    assert!(z.private);
    assert_eq!(z.vpcs.len(), 1);

    // Public alias to the NLB: the canonical zone id must be the NLB's.
    let public = AliasRecord {
        zone_id: PUBLIC_ZONE.into(),
        name: "api.example.com".into(),
        target_dns_name: lb.dns_name.clone(),
        target_zone_id: "Z7HUB22UULQXV".into(),
        evaluate_target_health: true,
    };
    let err = sim
        .change_alias_record(RecordAction::Upsert, &public)
        .await
        .expect_err("wrong zone");
    assert_eq!(code(&err), "InvalidChangeBatch");
    let public = AliasRecord {
        target_zone_id: lb.canonical_hosted_zone_id.clone(),
        ..public
    };
    let change = sim
        .change_alias_record(RecordAction::Upsert, &public)
        .await
        .expect("upsert")
        .expect("a change");
    assert_eq!(sim.change_status(&change).await.expect("status"), "PENDING");
    let err = sim
        .change_alias_record(RecordAction::Upsert, &public)
        .await
        .expect_err("zone busy");
    assert_eq!(code(&err), "PriorRequestNotComplete");
    assert_eq!(err.kind, ErrorKind::Throttled);

    // Private alias to the endpoint's regional name, in another zone: not busy.
    let regional = &ep.dns_entries[0];
    let private = AliasRecord {
        zone_id: zone.clone(),
        name: "api.example.com".into(),
        target_dns_name: regional.dns_name.clone(),
        target_zone_id: regional.hosted_zone_id.clone().expect("zone id"),
        evaluate_target_health: true,
    };
    let private_change = sim
        .change_alias_record(RecordAction::Upsert, &private)
        .await
        .expect("private upsert")
        .expect("a change");

    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        sim.change_status(&format!("/change/{change}"))
            .await
            .expect("status"),
        "INSYNC"
    );
    assert_eq!(
        sim.change_status(&private_change).await.expect("status"),
        "INSYNC"
    );
    let records = fixedip_tui::cloud::Cloud::list_records(&sim, PUBLIC_ZONE, "api.example.com")
        .await
        .expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].alias_target.as_deref(),
        Some(lb.dns_name.as_str())
    );

    // The zone cannot go while the record is there; deletes are idempotent.
    let err = sim.delete_hosted_zone(&zone).await.expect_err("not empty");
    assert_eq!(code(&err), "HostedZoneNotEmpty");
    assert!(sim
        .change_alias_record(RecordAction::Delete, &private)
        .await
        .expect("delete")
        .is_some());
    assert_eq!(
        sim.change_alias_record(RecordAction::Delete, &private)
            .await
            .expect("already gone"),
        None
    );
    sim.delete_hosted_zone(&zone).await.expect("delete zone");
    sim.delete_hosted_zone(&zone).await.expect("gone is fine");
    let err = sim
        .create_private_zone("api.example.com", VPC, "us-east-1", "ref-1")
        .await
        .expect_err("a used reference");
    assert_eq!(code(&err), "HostedZoneAlreadyExists");
    let err = sim
        .change_status("CNOSUCHCHANGE")
        .await
        .expect_err("no change");
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[tokio::test(start_paused = true)]
async fn the_clock_and_state_survive_a_saved_account() {
    let sim = sim(Latency::ZERO);
    let (_sg, ep) = endpoint(&sim).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    let saved = sim.with_account(|a| serde_json::to_string(a).expect("serialize"));
    let again = SimCloud::new(
        SimCloud::parse_account(&saved).expect("parse"),
        SimOptions {
            latency: Latency::ZERO,
            scale: 1.0,
            ..SimOptions::default()
        },
    );
    let pending = again
        .describe_vpc_endpoint(&ep.id)
        .await
        .expect("describe")
        .expect("exists");
    assert!(pending.state.eq_ignore_ascii_case("pending"));
    tokio::time::sleep(Duration::from_secs(121)).await;
    let available = again
        .describe_vpc_endpoint(&ep.id)
        .await
        .expect("describe")
        .expect("exists");
    assert!(available.is_available());

    // The shipped data file has nothing of a plan (its pre-existing NLB is the account's own).
    let demo = SimCloud::parse_account(fixedip_tui::cloud::sim::DEMO_ACCOUNT_JSON).expect("demo");
    let of_a_plan =
        |tags: &[fixedip_tui::domain::Tag]| tags.iter().any(|t| t.key == "fixedip:plan-id");
    assert!(demo.security_groups.iter().all(|g| !of_a_plan(&g.tags)));
    assert!(demo.load_balancers.iter().all(|l| !of_a_plan(&l.lb.tags)));
    assert_eq!(demo.clock_ms, 0);
}

#[tokio::test(start_paused = true)]
async fn compressed_scale_shortens_every_wait() {
    let sim = sim_with(SimOptions {
        latency: Latency::ZERO,
        scale: 0.01,
        ..SimOptions::default()
    });
    let (_sg, ep) = endpoint(&sim).await;
    sim.create_rest_api("one", &[], POLICY, &[])
        .await
        .expect("api");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let ep = sim
        .describe_vpc_endpoint(&ep.id)
        .await
        .expect("describe")
        .expect("exists");
    assert!(ep.is_available());
    sim.create_rest_api("two", &[], POLICY, &[])
        .await
        .expect("3 s limit scaled to 30 ms");
}

#[tokio::test(start_paused = true)]
async fn vpc_dns_attributes_are_set_one_call_each() {
    let sim = sim(Latency::ZERO);
    let vpc = "vpc-0bda084810b8e2b74";
    sim.set_vpc_dns(vpc, None, Some(true)).await.expect("set");
    assert_eq!(sim.call_log().count("ec2:ModifyVpcAttribute"), 1);
    assert_eq!(
        fixedip_tui::cloud::Cloud::vpc_dns_attributes(&sim, vpc)
            .await
            .expect("read"),
        (true, true)
    );
    let err = sim
        .set_vpc_dns("vpc-nope", Some(true), Some(true))
        .await
        .expect_err("missing");
    assert_eq!(err.kind, ErrorKind::NotFound);
}
