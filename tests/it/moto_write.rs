//! The write half of the real account (`CloudWrite` for `AwsCloud`) against moto server, in the
//! order an apply takes, then torn down in reverse. Every result is checked with an independent
//! read: the CloudWrite getters, the discovery `Cloud` calls, or plain AWS SDK calls made here.
//!
//! moto 5.2.5 gaps pinned here (real AWS behaves as the comments say):
//! - CreateVpcEndpoint ignores `ClientToken` (AWS returns the same endpoint for the same token).
//! - Endpoint ENI IPs are random, not inside the subnet's CIDR.
//! - UpdateRestApi ignores add/remove of `/endpointConfiguration/vpcEndpointIds`.
//! - NLBs have no `LoadBalancerAddresses` (AWS: one public IP per AZ).
//! - Target health of an unreachable IP target is whatever moto invents (AWS: `initial` → …).

use crate::common;

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use common::moto::{arr, cert_arn, id_of, s, Moto};
use fixedip_tui::cloud::aws::{AwsCloud, AwsOptions};
use fixedip_tui::cloud::write::{
    AliasRecord, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, RecordAction,
};
use fixedip_tui::cloud::{Cloud, CloudWrite, ErrorKind};
use fixedip_tui::domain::Tag;
use serde_json::Value;

const REGION: &str = "us-east-1";
const PLAN: &str = "plan-0123abcd";
const NAME: &str = "fixed.example.com";
const TLS13: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

fn subnet(m: &Value, name: &str) -> (String, String, String) {
    let x = arr(&m["subnets"])
        .iter()
        .find(|x| x["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("subnet {name}"));
    (s(&x["id"]), s(&x["az"]), s(&x["cidr"]))
}

fn tags(step: &str) -> Vec<Tag> {
    [
        ("managed-by", "fixedip-tui"),
        ("fixedip:plan-id", PLAN),
        ("fixedip:step", step),
    ]
    .iter()
    .map(|(k, v)| Tag {
        key: k.to_string(),
        value: v.to_string(),
    })
    .collect()
}

fn has_tags(got: &[Tag], want: &[Tag]) -> bool {
    want.iter().all(|t| got.contains(t))
}

fn rule(port: u16, source: &str, description: &str) -> IngressRule {
    IngressRule {
        port,
        source: source.into(),
        description: description.into(),
    }
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

fn policy(vpc_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": "execute-api:/*",
             "Condition": {"StringNotEquals": {"aws:sourceVpc": vpc_id}}},
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": "execute-api:/*"}
        ]
    })
    .to_string()
}

/// Names of the zones in the account named `name`.
async fn zones_named(cloud: &AwsCloud, name: &str) -> Vec<String> {
    let page = cloud.list_hosted_zones(None).await.expect("zones");
    assert!(page.next.is_none(), "one page is enough here");
    page.items
        .into_iter()
        .filter(|z| z.name == name)
        .map(|z| z.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_sequence_then_teardown_against_moto() {
    let moto = Moto::start();
    let m = moto.seed(&[]);
    let cloud = connect(&moto).await;
    let cfg = cloud.sdk_config().clone();
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let apigw = aws_sdk_apigateway::Client::new(&cfg);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&cfg);

    let vpc = id_of(&m, "vpcs", "name", "prod");
    let legacy = id_of(&m, "vpcs", "name", "legacy");
    let (priv_a, az_a, _) = subnet(&m, "prod-private-a");
    let (priv_b, az_b, _) = subnet(&m, "prod-private-b");
    let (pub_a, _, pub_a_cidr) = subnet(&m, "prod-public-a");
    let (pub_b, _, pub_b_cidr) = subnet(&m, "prod-public-b");
    let cert = cert_arn(&m, "api.example.com");
    let public_zone = id_of(&m, "zones", "name", "example.com");

    // ---- 1. VPC DNS attributes (legacy has hostnames off).
    assert_eq!(
        cloud.vpc_dns_attributes(&legacy).await.unwrap(),
        (true, false)
    );
    cloud.set_vpc_dns(&legacy, None, Some(true)).await.unwrap();
    assert_eq!(
        cloud.vpc_dns_attributes(&legacy).await.unwrap(),
        (true, true)
    );

    // ---- 2. Security groups: the NLB's (from the callers) and the endpoint's (from the NLB).
    assert_eq!(
        cloud
            .find_security_group(&vpc, "fixedip-nlb")
            .await
            .unwrap(),
        None
    );
    let nlb_sg = cloud
        .create_security_group(&vpc, "fixedip-nlb", "fixedip-tui NLB", &tags("nlb-sg"))
        .await
        .unwrap();
    cloud
        .authorize_ingress(&nlb_sg, &[rule(443, "203.0.113.0/24", "partner")])
        .await
        .unwrap();
    let vpce_sg = cloud
        .create_security_group(
            &vpc,
            "fixedip-vpce",
            "fixedip-tui endpoint",
            &tags("vpce-sg"),
        )
        .await
        .unwrap();
    let vpce_rules = vec![
        rule(443, &pub_a_cidr, "nlb subnet a"),
        rule(443, &pub_b_cidr, "nlb subnet b"),
    ];
    cloud
        .authorize_ingress(&vpce_sg, &vpce_rules)
        .await
        .unwrap();
    // Again, plus one more: the duplicates are no error and the new rule lands.
    let mut all_rules = vpce_rules.clone();
    all_rules.push(rule(443, &nlb_sg, "nlb sg"));
    cloud.authorize_ingress(&vpce_sg, &all_rules).await.unwrap();
    cloud.authorize_ingress(&vpce_sg, &all_rules).await.unwrap();
    let found = cloud
        .find_security_group(&vpc, "fixedip-vpce")
        .await
        .unwrap()
        .expect("found by name");
    assert_eq!(found.id, vpce_sg);
    assert_eq!(found.vpc_id, vpc);
    assert!(has_tags(&found.tags, &tags("vpce-sg")), "{:?}", found.tags);
    let mut want_rules = all_rules.clone();
    want_rules.sort();
    assert_eq!(found.ingress, want_rules);
    assert_eq!(
        cloud.describe_security_group(&vpce_sg).await.unwrap(),
        Some(found)
    );
    // Independently: exactly one TCP 443 permission with two CIDRs and the NLB group.
    let raw = ec2
        .describe_security_groups()
        .group_ids(&vpce_sg)
        .send()
        .await
        .unwrap();
    let perms = raw.security_groups()[0].ip_permissions();
    let cidrs: BTreeSet<&str> = perms
        .iter()
        .flat_map(|p| p.ip_ranges())
        .filter_map(|r| r.cidr_ip())
        .collect();
    assert_eq!(
        cidrs,
        BTreeSet::from([pub_a_cidr.as_str(), pub_b_cidr.as_str()])
    );
    let groups: Vec<&str> = perms
        .iter()
        .flat_map(|p| p.user_id_group_pairs())
        .filter_map(|g| g.group_id())
        .collect();
    assert_eq!(groups, vec![nlb_sg.as_str()]);
    assert!(perms.iter().all(|p| p.ip_protocol() == Some("tcp")
        && p.from_port() == Some(443)
        && p.to_port() == Some(443)));
    assert!(!cidrs.contains("0.0.0.0/0"));

    // ---- 3. Interface endpoint.
    let req = NewEndpoint {
        vpc_id: vpc.clone(),
        service_name: fixedip_tui::cloud::execute_api_service(REGION),
        subnet_ids: vec![priv_a.clone(), priv_b.clone()],
        security_group_ids: vec![vpce_sg.clone()],
        private_dns: true,
        ipv4_addresses: Default::default(),
        client_token: format!("{PLAN}-vpce"),
        tags: tags("vpce"),
    };
    let ep = cloud.create_vpc_endpoint(&req).await.unwrap();
    assert!(ep.id.starts_with("vpce-"));
    let again = cloud.create_vpc_endpoint(&req).await.unwrap();
    // moto ignores ClientToken and makes a second endpoint (AWS returns `ep` again): drop it.
    assert_ne!(
        again.id, ep.id,
        "moto learned ClientToken: make this assert_eq"
    );
    cloud.delete_vpc_endpoint(&again.id).await.unwrap();
    assert_eq!(cloud.describe_vpc_endpoint(&again.id).await.unwrap(), None);
    let ep = cloud
        .describe_vpc_endpoint(&ep.id)
        .await
        .unwrap()
        .expect("described");
    assert!(ep.is_available(), "state {}", ep.state);
    assert_eq!(ep.vpc_id, vpc);
    assert_eq!(ep.endpoint_type.to_ascii_lowercase(), "interface");
    assert!(ep.private_dns);
    assert_eq!(
        ep.subnet_ids.iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([&priv_a, &priv_b])
    );
    assert_eq!(ep.security_group_ids, vec![vpce_sg.clone()]);
    assert!(has_tags(&ep.tags, &tags("vpce")));
    assert_eq!(ep.network_interface_ids.len(), 2);
    let by_tag = cloud
        .find_vpc_endpoints_by_tag("fixedip:plan-id", PLAN)
        .await
        .unwrap();
    assert_eq!(
        by_tag.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        vec![ep.id.as_str()],
        "the deleted duplicate is not found"
    );
    // Add the NLB group (what a reused endpoint gets), then take it away again.
    cloud
        .add_endpoint_security_groups(&ep.id, std::slice::from_ref(&nlb_sg))
        .await
        .unwrap();
    let with = cloud.describe_vpc_endpoint(&ep.id).await.unwrap().unwrap();
    assert_eq!(
        with.security_group_ids.iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([&vpce_sg, &nlb_sg])
    );
    cloud
        .remove_endpoint_security_groups(&ep.id, std::slice::from_ref(&nlb_sg))
        .await
        .unwrap();
    let without = cloud.describe_vpc_endpoint(&ep.id).await.unwrap().unwrap();
    assert_eq!(without.security_group_ids, vec![vpce_sg.clone()]);

    let ips = cloud
        .interface_ips(&ep.network_interface_ids)
        .await
        .unwrap();
    assert_eq!(ips.len(), 2);
    assert_eq!(
        ips.iter().map(|i| &i.eni_id).collect::<Vec<_>>(),
        ep.network_interface_ids.iter().collect::<Vec<_>>(),
        "in the order asked"
    );
    let placed: BTreeSet<(String, String)> = ips
        .iter()
        .map(|i| (i.subnet_id.clone(), i.az.clone()))
        .collect();
    assert_eq!(
        placed,
        BTreeSet::from([
            (priv_a.clone(), az_a.clone()),
            (priv_b.clone(), az_b.clone())
        ])
    );
    // moto picks random private IPs (AWS: inside each subnet's CIDR).
    for i in &ips {
        i.ip.parse::<Ipv4Addr>().expect("an IPv4 address");
    }
    assert_eq!(cloud.interface_ips(&[]).await.unwrap(), vec![]);
    let target_ips: Vec<String> = ips.iter().map(|i| i.ip.clone()).collect();
    let regional = ep.dns_entries.first().expect("a DNS entry").clone();

    // ---- 4. Private REST API with /ping, deployed to a stage.
    let pol = policy(&vpc);
    let api = cloud
        .create_rest_api(
            "fixedip-ping",
            std::slice::from_ref(&ep.id),
            &pol,
            &tags("api"),
        )
        .await
        .unwrap();
    common::put_ping(&cloud, &api).await.unwrap();
    common::put_ping(&cloud, &api).await.unwrap();
    let resources = apigw
        .get_resources()
        .rest_api_id(&api)
        .send()
        .await
        .unwrap();
    let pings: Vec<_> = resources
        .items()
        .iter()
        .filter(|r| r.path() == Some("/ping"))
        .collect();
    assert_eq!(pings.len(), 1, "one /ping after two calls");
    let ping = pings[0].id().unwrap();
    let integ = apigw
        .get_integration()
        .rest_api_id(&api)
        .resource_id(ping)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(integ.r#type().map(|t| t.as_str()), Some("MOCK"));
    assert_eq!(
        integ
            .request_templates()
            .and_then(|t| t.get("application/json"))
            .map(String::as_str),
        Some("{\"statusCode\": 200}")
    );
    let method = apigw
        .get_method()
        .rest_api_id(&api)
        .resource_id(ping)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(method.authorization_type(), Some("NONE"));
    let ir = apigw
        .get_integration_response()
        .rest_api_id(&api)
        .resource_id(ping)
        .http_method("GET")
        .status_code("200")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ir.response_templates()
            .and_then(|t| t.get("application/json"))
            .map(String::as_str),
        Some("{\"ok\":true}")
    );
    let deployment = cloud.create_deployment(&api, "prod").await.unwrap();
    let state = cloud.get_rest_api(&api).await.unwrap().expect("the API");
    assert_eq!(state.name, "fixedip-ping");
    assert_eq!(state.endpoint_types, vec!["PRIVATE".to_string()]);
    assert_eq!(state.vpc_endpoint_ids, vec![ep.id.clone()]);
    assert_eq!(state.stages, vec![("prod".to_string(), deployment.clone())]);
    assert!(has_tags(&state.tags, &tags("api")));
    let got: Value = serde_json::from_str(state.policy.as_deref().expect("a policy")).unwrap();
    assert_eq!(
        got["Statement"][0]["Condition"]["StringNotEquals"]["aws:sourceVpc"],
        Value::String(vpc.clone()),
        "the Deny names the VPC id, not the endpoint id"
    );
    let mine = cloud
        .find_rest_apis_by_tag("fixedip:plan-id", PLAN)
        .await
        .unwrap();
    assert_eq!(mine, vec![state.clone()]);

    // ---- 5. Custom domain (REGIONAL, TLS_1_2) and the root mapping.
    assert_eq!(cloud.get_domain_name(NAME).await.unwrap(), None);
    let domain = cloud
        .create_domain_name(NAME, &cert, "TLS_1_2", &tags("domain"))
        .await
        .unwrap();
    assert_eq!(domain.name, NAME);
    assert_eq!(domain.certificate_arn, cert);
    assert_eq!(domain.security_policy, "TLS_1_2");
    assert!(
        domain.regional_dns_name.starts_with("d-")
            && domain
                .regional_dns_name
                .ends_with(".execute-api.us-east-1.amazonaws.com"),
        "{}",
        domain.regional_dns_name
    );
    assert!(!domain.regional_hosted_zone_id.is_empty());
    assert_eq!(
        cloud.get_domain_name(NAME).await.unwrap().as_ref(),
        Some(&domain)
    );
    assert!(has_tags(&domain.tags, &tags("domain")));
    let raw = apigw
        .get_domain_name()
        .domain_name(NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.endpoint_configuration().map(|c| c
            .types()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()),
        Some(vec!["REGIONAL"])
    );
    cloud
        .create_base_path_mapping(NAME, &api, "prod", None)
        .await
        .unwrap();
    cloud
        .create_base_path_mapping(NAME, &api, "prod", None)
        .await
        .unwrap();
    let maps = cloud.get_base_path_mappings(NAME).await.unwrap();
    assert_eq!(maps.len(), 1, "{maps:?}");
    assert_eq!(
        (
            maps[0].base_path.as_str(),
            maps[0].rest_api_id.as_str(),
            maps[0].stage.as_str()
        ),
        ("(none)", api.as_str(), "prod")
    );

    // ---- 6. Target group with the endpoint's IPs.
    let tg_name = "fixedip-0123abcd";
    assert_eq!(cloud.find_target_group(tg_name).await.unwrap(), None);
    let tg = cloud
        .create_target_group(tg_name, &vpc, &tags("tg"))
        .await
        .unwrap();
    assert_eq!(
        (
            tg.protocol.as_str(),
            tg.port,
            tg.target_type.as_str(),
            tg.health_check_protocol.as_str(),
            tg.vpc_id.as_str()
        ),
        ("TLS", 443, "ip", "TCP", vpc.as_str())
    );
    let found = cloud
        .find_target_group(tg_name)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.arn, tg.arn);
    assert!(has_tags(&found.tags, &tags("tg")), "{:?}", found.tags);
    cloud
        .register_targets(&tg.arn, &target_ips, 443)
        .await
        .unwrap();
    cloud
        .register_targets(&tg.arn, &target_ips, 443)
        .await
        .unwrap();
    let health = cloud.target_health(&tg.arn).await.unwrap();
    let mut want_ips = target_ips.clone();
    want_ips.sort();
    assert_eq!(
        health.iter().map(|h| h.ip.clone()).collect::<Vec<_>>(),
        want_ips,
        "each IP once"
    );
    // moto reports its own idea of health for IP targets; AWS starts with `initial`.
    assert!(health.iter().all(|h| !h.state.is_empty()), "{health:?}");
    let raw = elbv2
        .describe_target_health()
        .target_group_arn(&tg.arn)
        .send()
        .await
        .unwrap();
    assert!(raw
        .target_health_descriptions()
        .iter()
        .all(|d| d.target().and_then(|t| t.port()) == Some(443)));

    // ---- 7. NLB with its security group, cross-zone on, TLS listener.
    let lb_name = "fixedip-0123abcd";
    assert_eq!(cloud.find_load_balancer(lb_name).await.unwrap(), None);
    let lb = cloud
        .create_load_balancer(&NewLoadBalancer {
            name: lb_name.into(),
            subnet_ids: vec![pub_a.clone(), pub_b.clone()],
            allocation_ids: Default::default(),
            security_group_ids: vec![nlb_sg.clone()],
            tags: tags("nlb"),
        })
        .await
        .unwrap();
    assert_eq!(lb.scheme, "internet-facing");
    assert_eq!(lb.vpc_id, vpc);
    assert!(!lb.dns_name.is_empty() && !lb.canonical_hosted_zone_id.is_empty());
    assert_eq!(
        lb.subnet_ids.iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([&pub_a, &pub_b])
    );
    assert_eq!(lb.security_group_ids, vec![nlb_sg.clone()]);
    // moto gives no LoadBalancerAddresses (AWS: one public IP per AZ).
    assert_eq!(lb.addresses, Vec::<String>::new());
    let raw = elbv2
        .describe_load_balancers()
        .load_balancer_arns(&lb.arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.load_balancers()[0].r#type().map(|t| t.as_str()),
        Some("network")
    );
    cloud.set_cross_zone(&lb.arn, true).await.unwrap();
    let found = cloud
        .find_load_balancer(lb_name)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.arn, lb.arn);
    assert_eq!(found.cross_zone, Some(true));
    assert!(has_tags(&found.tags, &tags("nlb")), "{:?}", found.tags);
    assert!(!found.state.is_empty());
    let listener = cloud
        .create_listener(&NewListener {
            load_balancer_arn: lb.arn.clone(),
            target_group_arn: tg.arn.clone(),
            port: 443,
            certificate_arn: cert.clone(),
            ssl_policy: TLS13.into(),
            alpn_policy: "None".into(),
            tags: tags("listener"),
        })
        .await
        .unwrap();
    let listeners = cloud.describe_listeners(&lb.arn).await.unwrap();
    assert_eq!(listeners, vec![listener.clone()]);
    let l = &listeners[0];
    assert_eq!((l.protocol.as_str(), l.port), ("TLS", 443));
    assert_eq!(l.certificate_arns, vec![cert.clone()]);
    assert_eq!(l.ssl_policy.as_deref(), Some(TLS13));
    assert_eq!(l.alpn_policy, vec!["None".to_string()]);
    assert_eq!(l.target_group_arn.as_deref(), Some(tg.arn.as_str()));

    // ---- 8. Private zone (twice with one caller reference), association, both alias records.
    let reference = format!("{PLAN}-zone");
    let zone = cloud
        .create_private_zone(NAME, &vpc, REGION, &reference)
        .await
        .unwrap();
    let zone2 = cloud
        .create_private_zone(NAME, &vpc, REGION, &reference)
        .await
        .unwrap();
    assert_eq!(zone, zone2, "the caller reference makes it idempotent");
    assert_eq!(zones_named(&cloud, NAME).await, vec![zone.clone()]);
    cloud.associate_vpc(&zone, &legacy, REGION).await.unwrap();
    cloud.associate_vpc(&zone, &legacy, REGION).await.unwrap();
    let hz = cloud.get_hosted_zone(&zone).await.unwrap();
    assert!(hz.private);
    assert_eq!(
        hz.vpcs
            .iter()
            .map(|v| (v.vpc_id.as_str(), v.region.as_str()))
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([(vpc.as_str(), REGION), (legacy.as_str(), REGION)])
    );

    let public_alias = AliasRecord {
        zone_id: public_zone.clone(),
        name: NAME.into(),
        target_dns_name: lb.dns_name.clone(),
        target_zone_id: lb.canonical_hosted_zone_id.clone(),
        evaluate_target_health: true,
    };
    let private_alias = AliasRecord {
        zone_id: zone.clone(),
        name: NAME.into(),
        target_dns_name: regional.dns_name.clone(),
        target_zone_id: regional.hosted_zone_id.clone().unwrap_or_default(),
        evaluate_target_health: false,
    };
    for rec in [&public_alias, &private_alias] {
        let change = cloud
            .change_alias_record(RecordAction::Upsert, rec)
            .await
            .unwrap()
            .expect("a change id");
        assert!(!change.starts_with("/change/"), "{change}");
        let status = cloud.change_status(&change).await.unwrap();
        assert!(["PENDING", "INSYNC"].contains(&status.as_str()), "{status}");
        let records = cloud.list_records(&rec.zone_id, NAME).await.unwrap();
        let a: Vec<_> = records.iter().filter(|r| r.record_type == "A").collect();
        assert_eq!(a.len(), 1, "{records:?}");
        assert_eq!(
            a[0].alias_target.as_deref().map(str::to_ascii_lowercase),
            Some(
                rec.target_dns_name
                    .trim_end_matches('.')
                    .to_ascii_lowercase()
            )
        );
    }

    // ---- Teardown, in reverse; each delete twice; then nothing is found.
    for rec in [&private_alias, &public_alias] {
        assert!(cloud
            .change_alias_record(RecordAction::Delete, rec)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            cloud
                .change_alias_record(RecordAction::Delete, rec)
                .await
                .unwrap(),
            None,
            "already gone"
        );
        let records = cloud.list_records(&rec.zone_id, NAME).await.unwrap();
        assert!(records.iter().all(|r| r.record_type != "A"), "{records:?}");
    }
    cloud.delete_hosted_zone(&zone).await.unwrap();
    cloud.delete_hosted_zone(&zone).await.unwrap();
    assert_eq!(zones_named(&cloud, NAME).await, Vec::<String>::new());
    assert_eq!(
        cloud.get_hosted_zone(&zone).await.map_err(|e| e.kind),
        Err(ErrorKind::NotFound)
    );

    cloud.delete_load_balancer(&lb.arn).await.unwrap();
    cloud.delete_load_balancer(&lb.arn).await.unwrap();
    assert_eq!(cloud.find_load_balancer(lb_name).await.unwrap(), None);
    assert_eq!(cloud.describe_listeners(&lb.arn).await.unwrap(), vec![]);

    cloud
        .deregister_targets(&tg.arn, &target_ips, 443)
        .await
        .unwrap();
    cloud
        .deregister_targets(&tg.arn, &target_ips, 443)
        .await
        .unwrap();
    assert_eq!(cloud.target_health(&tg.arn).await.unwrap(), vec![]);
    cloud.delete_target_group(&tg.arn).await.unwrap();
    cloud.delete_target_group(&tg.arn).await.unwrap();
    assert_eq!(cloud.find_target_group(tg_name).await.unwrap(), None);

    cloud.delete_base_path_mapping(NAME, None).await.unwrap();
    cloud.delete_base_path_mapping(NAME, None).await.unwrap();
    assert_eq!(cloud.get_base_path_mappings(NAME).await.unwrap(), vec![]);
    cloud.delete_domain_name(NAME).await.unwrap();
    cloud.delete_domain_name(NAME).await.unwrap();
    assert_eq!(cloud.get_domain_name(NAME).await.unwrap(), None);
    assert_eq!(cloud.get_base_path_mappings(NAME).await.unwrap(), vec![]);

    cloud.delete_rest_api(&api).await.unwrap();
    cloud.delete_rest_api(&api).await.unwrap();
    assert_eq!(cloud.get_rest_api(&api).await.unwrap(), None);
    assert_eq!(
        cloud
            .find_rest_apis_by_tag("fixedip:plan-id", PLAN)
            .await
            .unwrap(),
        vec![]
    );

    cloud.delete_vpc_endpoint(&ep.id).await.unwrap();
    cloud.delete_vpc_endpoint(&ep.id).await.unwrap();
    assert_eq!(cloud.describe_vpc_endpoint(&ep.id).await.unwrap(), None);
    assert_eq!(
        cloud
            .find_vpc_endpoints_by_tag("fixedip:plan-id", PLAN)
            .await
            .unwrap(),
        vec![]
    );

    cloud.revoke_ingress(&vpce_sg, &all_rules).await.unwrap();
    cloud.revoke_ingress(&vpce_sg, &all_rules).await.unwrap();
    let sg = cloud
        .describe_security_group(&vpce_sg)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sg.ingress, vec![]);
    for id in [&vpce_sg, &nlb_sg] {
        cloud.delete_security_group(id).await.unwrap();
        cloud.delete_security_group(id).await.unwrap();
        assert_eq!(cloud.describe_security_group(id).await.unwrap(), None);
    }
    assert_eq!(
        cloud
            .find_security_group(&vpc, "fixedip-vpce")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        cloud
            .find_security_group(&vpc, "fixedip-nlb")
            .await
            .unwrap(),
        None
    );

    cloud.set_vpc_dns(&legacy, None, Some(false)).await.unwrap();
    assert_eq!(
        cloud.vpc_dns_attributes(&legacy).await.unwrap(),
        (true, false),
        "restored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adopted_api_and_absent_resources_against_moto() {
    let moto = Moto::start();
    let m = moto.seed(&[]);
    let cloud = connect(&moto).await;
    let vpc = id_of(&m, "vpcs", "name", "prod");
    let legacy = id_of(&m, "vpcs", "name", "legacy");
    let vpce = s(&arr(&m["endpoints"])[0]["id"]);

    // An adopted REGIONAL API made PRIVATE with the plan's policy, then restored.
    let partner = id_of(&m, "apis", "name", "partner");
    let before = cloud
        .get_rest_api(&partner)
        .await
        .unwrap()
        .expect("partner");
    assert_eq!(before.endpoint_types, vec!["REGIONAL".to_string()]);
    assert_eq!(before.policy, None);
    let pol = policy(&vpc);
    cloud
        .make_api_private(&before, std::slice::from_ref(&vpce), &pol)
        .await
        .unwrap();
    let private = cloud.get_rest_api(&partner).await.unwrap().unwrap();
    assert_eq!(private.endpoint_types, vec!["PRIVATE".to_string()]);
    let got: Value = serde_json::from_str(private.policy.as_deref().unwrap()).unwrap();
    assert_eq!(got, serde_json::from_str::<Value>(&pol).unwrap());
    // moto ignores `add /endpointConfiguration/vpcEndpointIds` (AWS binds the endpoint).
    assert_eq!(private.vpc_endpoint_ids, Vec::<String>::new());
    // Nothing left to change: no call that could fail.
    cloud.make_api_private(&private, &[], &pol).await.unwrap();
    let now = cloud.get_rest_api(&partner).await.unwrap().unwrap();
    cloud.restore_api(&now, &(&before).into()).await.unwrap();
    let restored = cloud.get_rest_api(&partner).await.unwrap().unwrap();
    assert_eq!(restored.endpoint_types, before.endpoint_types);
    assert_eq!(restored.policy, None);
    assert_eq!(restored.vpc_endpoint_ids, before.vpc_endpoint_ids);
    // The seeded APIs carry no plan tag.
    assert_eq!(
        cloud
            .find_rest_apis_by_tag("fixedip:plan-id", PLAN)
            .await
            .unwrap(),
        vec![]
    );

    // VPC DNS: both off (hostnames first), both on again.
    cloud
        .set_vpc_dns(&legacy, Some(false), Some(false))
        .await
        .unwrap();
    assert_eq!(
        cloud.vpc_dns_attributes(&legacy).await.unwrap(),
        (false, false)
    );
    cloud
        .set_vpc_dns(&legacy, Some(true), Some(true))
        .await
        .unwrap();
    assert_eq!(
        cloud.vpc_dns_attributes(&legacy).await.unwrap(),
        (true, true)
    );

    // Absent things: lookups give None / empty, deletes succeed.
    let sg = "sg-0123456789abcdef0";
    let ep = "vpce-0123456789abcdef0";
    assert_eq!(cloud.describe_security_group(sg).await.unwrap(), None);
    assert_eq!(cloud.find_security_group(&vpc, "nope").await.unwrap(), None);
    cloud.delete_security_group(sg).await.unwrap();
    assert_eq!(cloud.describe_vpc_endpoint(ep).await.unwrap(), None);
    cloud.delete_vpc_endpoint(ep).await.unwrap();
    assert_eq!(
        cloud
            .find_vpc_endpoints_by_tag("fixedip:plan-id", PLAN)
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(cloud.get_rest_api("abcdef1234").await.unwrap(), None);
    cloud.delete_rest_api("abcdef1234").await.unwrap();
    assert_eq!(
        cloud.get_domain_name("nope.example.com").await.unwrap(),
        None
    );
    cloud.delete_domain_name("nope.example.com").await.unwrap();
    cloud
        .delete_base_path_mapping("nope.example.com", Some("v1"))
        .await
        .unwrap();
    assert_eq!(
        cloud
            .get_base_path_mappings("nope.example.com")
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(cloud.find_target_group("nope").await.unwrap(), None);
    assert_eq!(cloud.find_load_balancer("nope").await.unwrap(), None);
    let lb_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nope/0123456789abcdef";
    let tg_arn =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef";
    cloud.delete_load_balancer(lb_arn).await.unwrap();
    cloud.delete_target_group(tg_arn).await.unwrap();
    cloud.delete_hosted_zone("Z0123456789NOPE").await.unwrap();
    // A record that was never there: nothing to delete.
    let public_zone = id_of(&m, "zones", "name", "example.com");
    assert_eq!(
        cloud
            .change_alias_record(
                RecordAction::Delete,
                &AliasRecord {
                    zone_id: public_zone,
                    name: "never.example.com".into(),
                    target_dns_name: "nlb-0123.elb.us-east-1.amazonaws.com".into(),
                    target_zone_id: "Z26RNL4JYFTOTI".into(),
                    evaluate_target_health: true,
                },
            )
            .await
            .unwrap(),
        None
    );
    // A create that fails names its IAM action and the service's code.
    let sg = cloud
        .create_security_group(&vpc, "fixedip-dup", "x", &[])
        .await
        .unwrap();
    let err = cloud
        .create_security_group(&vpc, "fixedip-dup", "x", &[])
        .await
        .unwrap_err();
    assert_eq!(err.action, "ec2:CreateSecurityGroup");
    assert_eq!(err.code.as_deref(), Some("InvalidGroup.Duplicate"));
    cloud.delete_security_group(&sg).await.unwrap();
}
