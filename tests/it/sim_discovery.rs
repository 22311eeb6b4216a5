//! Discovery against the simulated account: pagination to the end, concurrency, faults.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::{Fault, FaultRule, Latency, PageSizes, SimCloud, SimOptions};
use fixedip_tui::cloud::sim_data::SimAccount;
use fixedip_tui::cloud::ErrorKind;
use fixedip_tui::discovery::{self, Source};
use fixedip_tui::domain::{
    CertStatus, Certificate, HostedZone, RestApi, Route, RouteTable, Subnet, Vpc, ZoneVpc,
};

fn demo_account() -> SimAccount {
    SimCloud::parse_account(fixedip_tui::cloud::sim::DEMO_ACCOUNT_JSON).expect("demo parses")
}

/// A big generated account: `n` VPCs with 10 subnets each (5 public), certificates, zones, APIs.
fn big_account(n: usize) -> SimAccount {
    let mut a = demo_account();
    a.vpcs.clear();
    a.subnets.clear();
    a.route_tables.clear();
    a.certificates.clear();
    a.hosted_zones.clear();
    a.rest_apis.clear();
    a.vpc_endpoints.clear();
    for v in 0..n {
        let vpc = format!("vpc-{v:017x}");
        a.vpcs.push(Vpc {
            id: vpc.clone(),
            cidr: format!("10.{}.0.0/16", v % 256),
            secondary_cidrs: vec![],
            name: Some(format!("vpc-{v}")),
            is_default: false,
            dns_support: Some(true),
            dns_hostnames: Some(v % 2 == 0),
            tags: vec![],
        });
        let public_rt = format!("rtb-pub{v:012x}");
        let mut public_subnets = vec![];
        for s in 0..10 {
            let id = format!("subnet-{v:08x}{s:09x}");
            if s < 5 {
                public_subnets.push(id.clone());
            }
            a.subnets.push(Subnet {
                id,
                vpc_id: vpc.clone(),
                az: format!("us-east-1{}", ['a', 'b', 'c'][s % 3]),
                az_id: None,
                cidr: format!("10.{}.{}.0/24", v % 256, s),
                free_ips: 251,
                name: None,
                map_public_ip_on_launch: false,
                ipv6_native: false,
                tags: vec![],
                reach: None,
            });
        }
        a.route_tables.push(RouteTable {
            id: format!("rtb-main{v:012x}"),
            vpc_id: vpc.clone(),
            main: true,
            subnet_ids: vec![],
            routes: vec![],
        });
        a.route_tables.push(RouteTable {
            id: public_rt,
            vpc_id: vpc.clone(),
            main: false,
            subnet_ids: public_subnets,
            routes: vec![Route {
                destination: "0.0.0.0/0".into(),
                target: format!("igw-{v:017x}"),
                state: "active".into(),
            }],
        });
    }
    for c in 0..(n * 5 / 2) {
        a.certificates.push(Certificate {
            arn: format!("arn:aws:acm:us-east-1:123456789012:certificate/{c:08}"),
            domain: format!("api{c}.example.com"),
            sans: (0..(c % 13))
                .map(|i| format!("n{i}.api{c}.example.com"))
                .collect(),
            status: CertStatus::Issued,
            cert_type: Some("AMAZON_ISSUED".into()),
            in_use: false,
            in_use_by: vec![],
            not_after: None,
        });
    }
    for z in 0..n {
        a.hosted_zones.push(HostedZone {
            id: format!("Z{z:020}"),
            name: format!("zone{z}.example.org"),
            private: z % 3 == 0,
            record_count: 2,
            comment: None,
            vpcs: if z % 3 == 0 {
                vec![ZoneVpc {
                    vpc_id: format!("vpc-{z:017x}"),
                    region: "us-east-1".into(),
                }]
            } else {
                vec![]
            },
        });
    }
    for i in 0..(n * 3 / 2) {
        a.rest_apis.push(RestApi {
            id: format!("api{i:07}"),
            name: format!("api-{i}"),
            endpoint_types: vec!["REGIONAL".into()],
            vpc_endpoint_ids: vec![],
            description: None,
            policy: None,
            created: None,
        });
    }
    a
}

#[tokio::test]
async fn small_pages_give_the_same_inventory_as_one_page() {
    let one_page = discovery::collect(Arc::new(common::demo_sim())).await;
    let sim = Arc::new(SimCloud::new(
        demo_account(),
        SimOptions {
            page_sizes: PageSizes {
                ec2: 1,
                ec2_route_tables: 1,
                acm: 2,
                route53: 1,
                apigateway: 2,
            },
            ..SimOptions::instant()
        },
    ));
    let mut paged = discovery::collect(sim.clone()).await;
    // When each was read differs by a second when the clock ticks between the two runs.
    paged.read_at = one_page.read_at.clone();
    assert_eq!(paged, one_page);
    let log = sim.call_log();
    assert_eq!(log.count("ec2:DescribeVpcs"), 4);
    assert_eq!(log.count("ec2:DescribeSubnets"), 20);
    assert_eq!(
        log.count("ec2:DescribeRouteTables"),
        demo_account().route_tables.len()
    );
    assert_eq!(log.count("acm:ListCertificates"), 5);
    assert_eq!(log.count("route53:ListHostedZones"), 7);
    assert_eq!(log.count("apigateway:GET"), 4);
    assert!(paged.errors.is_empty());
}

#[tokio::test]
async fn big_account_is_read_to_the_last_page_with_aws_page_sizes() {
    let account = big_account(250);
    let sim = Arc::new(SimCloud::new(account.clone(), SimOptions::instant()));
    let inv = discovery::collect(sim.clone()).await;
    assert_eq!(inv.vpcs.len(), 250);
    assert_eq!(inv.subnets.len(), 2500);
    assert_eq!(inv.certificates.len(), 625);
    assert_eq!(inv.hosted_zones.len(), 250);
    assert_eq!(inv.rest_apis.len(), 375);
    let log = sim.call_log();
    assert_eq!(log.count("ec2:DescribeSubnets"), 3, "1000 + 1000 + 500");
    assert_eq!(log.count("ec2:DescribeRouteTables"), 5, "500 tables by 100");
    assert_eq!(log.count("route53:ListHostedZones"), 3, "100 + 100 + 50");
    assert_eq!(log.count("ec2:DescribeVpcAttribute"), 250);
    // Only certificates whose summary truncates the SANs (more than 10) are described.
    let truncated = account
        .certificates
        .iter()
        .filter(|c| c.sans.len() > 10)
        .count();
    assert_eq!(log.count("acm:DescribeCertificate"), truncated);
    // Only private zones need GetHostedZone for their VPCs.
    assert_eq!(log.count("route53:GetHostedZone"), 84);
    let public = inv
        .subnets
        .iter()
        .filter(|s| s.reach.as_ref().is_some_and(|r| r.public))
        .count();
    assert_eq!(public, 1250);
    // Full SAN lists after describe.
    let c12 = inv
        .certificates
        .iter()
        .find(|c| c.domain == "api12.example.com")
        .expect("cert 12");
    assert_eq!(c12.sans.len(), 12);
    // Private zone associations came from GetHostedZone.
    assert_eq!(inv.private_zones_of("vpc-00000000000000003").count(), 1);
}

#[tokio::test(start_paused = true)]
async fn sources_are_fetched_concurrently() {
    // Fixed 100 ms per call; virtual time, so the figure is exact and machine-independent.
    let latency = Latency {
        min: Duration::from_millis(100),
        max: Duration::from_millis(100),
    };
    let sim = Arc::new(SimCloud::new(
        demo_account(),
        SimOptions {
            latency,
            ..SimOptions::instant()
        },
    ));
    let start = tokio::time::Instant::now();
    let inv = discovery::collect(sim.clone()).await;
    let elapsed = start.elapsed();
    assert!(inv.errors.is_empty());
    let calls = sim.call_log().calls.len() as u32;
    assert!(calls >= 15, "{calls} calls");
    // The longest chain is list + one fan-out round (VPC attributes, certificates, zones):
    // sequential would be `calls` × 100 ms.
    assert!(
        elapsed <= Duration::from_millis(400),
        "discovery took {elapsed:?} of virtual time for {calls} calls of 100 ms"
    );
}

#[tokio::test(start_paused = true)]
async fn transient_faults_are_retried_like_the_sdk() {
    let sim = Arc::new(SimCloud::new(demo_account(), SimOptions::instant()));
    sim.add_fault(FaultRule::times("ec2:DescribeVpcs", Fault::Throttle, 2));
    sim.add_fault(FaultRule::times("ec2:DescribeSubnets", Fault::Timeout, 1));
    sim.add_fault(FaultRule::times("apigateway:GET", Fault::ServerError, 1));
    sim.add_fault(FaultRule::times(
        "route53:ListHostedZones",
        Fault::LostResponse,
        1,
    ));
    let inv = discovery::collect(sim.clone()).await;
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.vpcs.len(), 4);
    let log = sim.call_log();
    assert_eq!(log.count("ec2:DescribeVpcs"), 3);
    assert_eq!(log.count("ec2:DescribeSubnets"), 2);
    assert_eq!(log.count("apigateway:GET"), 2);
    assert_eq!(log.count("route53:ListHostedZones"), 2);
}

#[tokio::test(start_paused = true)]
async fn persistent_throttling_fails_only_that_source() {
    let sim = Arc::new(SimCloud::new(demo_account(), SimOptions::instant()));
    sim.add_fault(FaultRule::always(
        "route53:ListHostedZones",
        Fault::Throttle,
    ));
    let inv = discovery::collect(sim.clone()).await;
    assert_eq!(inv.errors.len(), 1);
    let e = &inv.errors[0];
    assert_eq!(e.source, Source::HostedZones);
    assert_eq!(e.kind, ErrorKind::Throttled);
    assert_eq!(e.code.as_deref(), Some("Throttling"));
    assert_eq!(
        sim.call_log().count("route53:ListHostedZones"),
        9,
        "3 attempts (the SDK's) in each of 3 reads of the source"
    );
    assert_eq!(inv.vpcs.len(), 4);
    assert!(!inv.loaded.contains(&Source::HostedZones));
}

/// A source throttled past the SDK's three attempts is read again (after a pause) rather than
/// reported unreadable: a plan judged on a throttled read would see its subnets "missing".
#[tokio::test(start_paused = true)]
async fn a_source_throttled_past_the_sdks_retries_is_read_again() {
    let sim = Arc::new(SimCloud::new(demo_account(), SimOptions::instant()));
    sim.add_fault(FaultRule::times("ec2:DescribeSubnets", Fault::Throttle, 4));
    let inv = discovery::collect(sim.clone()).await;
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert!(inv.loaded.contains(&Source::Subnets));
    assert_eq!(inv.subnets.len(), 20);
    assert_eq!(sim.call_log().count("ec2:DescribeSubnets"), 5);
}

#[tokio::test]
async fn access_denied_is_reported_with_the_missing_action_and_not_retried() {
    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always(
        "acm:ListCertificates",
        Fault::AccessDenied,
    ));
    let inv = discovery::collect(sim.clone()).await;
    assert_eq!(sim.call_log().count("acm:ListCertificates"), 1);
    let e = inv
        .errors
        .iter()
        .find(|e| e.source == Source::Certificates)
        .expect("acm error");
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert!(e.hint.contains("acm:ListCertificates"), "{}", e.hint);
    for s in [
        Source::Identity,
        Source::Vpcs,
        Source::Subnets,
        Source::HostedZones,
        Source::RestApis,
        Source::VpcEndpoints,
    ] {
        assert!(inv.loaded.contains(&s), "{s:?} still loads");
    }
}

#[tokio::test]
async fn unreadable_details_are_warnings_not_failures() {
    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always(
        "ec2:DescribeVpcAttribute",
        Fault::AccessDenied,
    ));
    sim.add_fault(FaultRule::always(
        "route53:GetHostedZone",
        Fault::AccessDenied,
    ));
    let inv = discovery::collect(sim).await;
    assert!(inv.errors.is_empty());
    assert_eq!(inv.warnings.len(), 2);
    assert!(inv
        .vpcs
        .iter()
        .all(|v| v.dns_support.is_none() && v.dns_hostnames.is_none()));
    assert!(inv.hosted_zones.iter().all(|z| z.vpcs.is_empty()));
}

#[tokio::test]
async fn demo_account_classification_and_traps() {
    let inv = discovery::collect(Arc::new(common::demo_sim())).await;
    let by_name = |n: &str| {
        inv.vpcs
            .iter()
            .find(|v| v.name.as_deref() == Some(n))
            .expect(n)
            .clone()
    };
    let legacy = by_name("legacy-web");
    assert_eq!(
        (legacy.dns_support, legacy.dns_hostnames),
        (Some(true), Some(false))
    );
    assert!(legacy.is_default);
    // legacy-web: public via its main table.
    assert!(inv.subnets_of(&legacy.id).any(|s| s
        .reach
        .as_ref()
        .is_some_and(|r| r.public && r.via_main_table)));
    // sandbox: a blackhole default route is not public.
    let sandbox = by_name("sandbox");
    assert!(inv
        .subnets_of(&sandbox.id)
        .all(|s| s.reach.as_ref().is_some_and(|r| !r.public)));
    // analytics already has an available execute-api endpoint with private DNS.
    let analytics = by_name("analytics");
    let ep = inv.endpoints_in(&analytics.id).next().expect("endpoint");
    assert!(ep.is_available() && ep.private_dns);
    // Certificates in states moto cannot produce.
    for st in [
        CertStatus::PendingValidation,
        CertStatus::Expired,
        CertStatus::Issued,
    ] {
        assert!(inv.certificates.iter().any(|c| c.status == st), "{st:?}");
    }
    let many = inv
        .certificates
        .iter()
        .find(|c| c.domain == "www.example.com")
        .expect("www");
    assert!(many.sans.len() > 10, "described in full");
}

#[test]
fn bad_page_token_is_an_invalid_request() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let sim = common::demo_sim();
    let err = rt
        .block_on(fixedip_tui::cloud::Cloud::list_vpcs(
            &sim,
            Some("garbage".into()),
        ))
        .expect_err("bad token");
    assert_eq!(err.kind, ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn without_route_tables_subnets_still_show_unclassified() {
    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always(
        "ec2:DescribeRouteTables",
        Fault::AccessDenied,
    ));
    let inv = discovery::collect(sim).await;
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    assert_eq!(inv.subnets.len(), 20);
    assert!(
        inv.subnets.iter().all(|s| s.reach.is_none()),
        "unknown, never guessed"
    );
    assert!(inv
        .warnings
        .iter()
        .any(|w| w.source == Source::Subnets && w.action == "ec2:DescribeRouteTables"));
}

#[tokio::test]
async fn endpoints_on_their_way_out_are_not_offered() {
    let sim = Arc::new(common::demo_sim());
    sim.with_account(|a| {
        let mut gone = a.vpc_endpoints[0].clone();
        gone.id = "vpce-0deleted000000000".into();
        gone.state = "Deleted".into();
        a.vpc_endpoints.push(gone);
    });
    let inv = discovery::collect(sim).await;
    assert!(inv
        .vpc_endpoints
        .iter()
        .all(|e| e.id != "vpce-0deleted000000000"));
    assert_eq!(inv.vpc_endpoints.len(), 2);
}

/// What one plan needs (`apply`, a TUI apply's engine): the lists, but follow-up calls only for
/// the plan's VPC, certificate and zones, and no load balancers unless it adopts one — and the
/// plan is judged exactly as on a full discovery.
#[tokio::test]
async fn a_plans_focus_reads_less_and_judges_the_plan_the_same() {
    let plan = common::clean::clean_plan();
    let full_sim = Arc::new(common::demo_sim());
    let full = discovery::collect(full_sim.clone()).await;
    let focused_sim = Arc::new(common::demo_sim());
    let focused =
        discovery::collect_focused(focused_sim.clone(), Some(plan.discovery_focus())).await;
    let (all, some) = (full_sim.call_log(), focused_sim.call_log());
    // The plan's certificate only (described beside the list, whether or not its summary says
    // enough).
    assert_eq!(some.count("acm:DescribeCertificate"), 1);
    for action in [
        "ec2:DescribeVpcAttribute",
        "elasticloadbalancing:DescribeLoadBalancers",
        "route53:GetHostedZone",
    ] {
        assert!(
            some.count(action) < all.count(action),
            "{action}: {} focused, {} in full",
            some.count(action),
            all.count(action)
        );
    }
    assert_eq!(
        some.count("ec2:DescribeVpcAttribute"),
        1,
        "the plan's VPC only"
    );
    assert_eq!(some.count("elasticloadbalancing:DescribeLoadBalancers"), 0);
    assert_eq!(
        fixedip_tui::plan::validate(&plan, &focused),
        fixedip_tui::plan::validate(&plan, &full)
    );
    let vpc = |inv: &discovery::Inventory| inv.vpcs.iter().find(|v| v.id == plan.vpc_id).cloned();
    assert_eq!(vpc(&focused), vpc(&full));
    assert_eq!(focused.subnets, full.subnets);

    // A plan that adopts an NLB reads the load balancers.
    let mut adopting = plan.clone();
    adopting.adopt_nlb = Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/partner-legacy-nlb/1a2b3c4d5e6f7081".into());
    let sim = Arc::new(common::demo_sim());
    let inv = discovery::collect_focused(sim.clone(), Some(adopting.discovery_focus())).await;
    assert!(!inv.load_balancers.is_empty());
}

/// The VPCs are listed (an event) before their DNS attributes are read: the same VPCs, in the
/// order the loaded list has, without the attributes; their `Loaded` follows with them.
#[tokio::test]
async fn the_vpcs_are_listed_before_their_attributes_are_read() {
    let sim = Arc::new(SimCloud::new(demo_account(), SimOptions::instant()));
    let events = common::discovery_events(sim).await;
    let listed = events
        .iter()
        .position(|e| matches!(e, discovery::Event::Listed(discovery::SourceData::Vpcs(_))));
    let loaded = events
        .iter()
        .position(|e| matches!(e, discovery::Event::Loaded(discovery::SourceData::Vpcs(_))));
    let (Some(listed), Some(loaded)) = (listed, loaded) else {
        panic!("both events: {events:#?}");
    };
    assert!(listed < loaded);
    let (
        discovery::Event::Listed(discovery::SourceData::Vpcs(first)),
        discovery::Event::Loaded(discovery::SourceData::Vpcs(then)),
    ) = (&events[listed], &events[loaded])
    else {
        unreachable!()
    };
    let ids = |v: &[Vpc]| v.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(first), ids(then), "the same VPCs in the same order");
    assert!(first.iter().all(|v| v.dns_support.is_none()), "{first:#?}");
    assert!(then.iter().all(|v| v.dns_support.is_some()), "{then:#?}");
}
