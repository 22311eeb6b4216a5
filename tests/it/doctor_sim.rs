//! `doctor` on the simulated account: a setup applied by fixedip-tui and one made by hand with
//! the public samples' flaws (a stale target IP, the old default TLS policy, no NLB security
//! group, a CNAME to the NLB), found side by side, each with its own findings.

use crate::common;

use std::sync::Arc;

use fixedip_tui::cloud::write::{NewEndpoint, NewListener, NewLoadBalancer, RecordAction};
use fixedip_tui::cloud::{execute_api_service, Cloud, CloudWrite};
use fixedip_tui::discovery;
use fixedip_tui::doctor::{self, Origin, Scope, Setup};
use fixedip_tui::domain::RecordSet;
use fixedip_tui::engine::{self, Account, EngineOptions};

use common::clean::{clean_plan, PRIV, PROD, PUB, ZONE_EXAMPLE_COM};

const API_CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/cff06bbc-291b-438b-9efc-33d92b3663f8";
const STALE_IP: &str = "10.20.16.99";

/// What a person following the blog post makes by hand, with the samples' flaws.
async fn make_by_hand(sim: &Arc<fixedip_tui::cloud::sim::SimCloud>) -> String {
    let ep = sim
        .create_vpc_endpoint(&NewEndpoint {
            vpc_id: PROD.into(),
            service_name: execute_api_service("us-east-1"),
            subnet_ids: PRIV[..2].iter().map(|s| s.to_string()).collect(),
            security_group_ids: vec![],
            private_dns: false,
            ipv4_addresses: Default::default(),
            client_token: String::new(),
            tags: vec![],
        })
        .await
        .expect("the endpoint");
    let ips = sim
        .interface_ips(&ep.network_interface_ids)
        .await
        .expect("its IPs");
    let tg = sim
        .create_target_group("handmade-tg", PROD, &[])
        .await
        .expect("the target group");
    // Registered once by hand: one IP the endpoint no longer has, one it has.
    sim.register_targets(&tg.arn, &[STALE_IP.to_string(), ips[0].ip.clone()], 443)
        .await
        .expect("targets");
    let lb = sim
        .create_load_balancer(&NewLoadBalancer {
            name: "handmade-nlb".into(),
            subnet_ids: PUB[..2].iter().map(|s| s.to_string()).collect(),
            allocation_ids: Default::default(),
            security_group_ids: vec![],
            tags: vec![],
        })
        .await
        .expect("the NLB");
    sim.create_listener(&NewListener {
        load_balancer_arn: lb.arn.clone(),
        target_group_arn: tg.arn.clone(),
        port: 443,
        certificate_arn: API_CERT.into(),
        ssl_policy: "ELBSecurityPolicy-2016-08".into(),
        alpn_policy: String::new(),
        tags: vec![],
    })
    .await
    .expect("the listener");
    // The name as a CNAME to the NLB, in place of the A record it had.
    let old = sim
        .list_records(ZONE_EXAMPLE_COM, "api.example.com")
        .await
        .expect("the records");
    let mut changes: Vec<(RecordAction, RecordSet)> =
        old.into_iter().map(|r| (RecordAction::Delete, r)).collect();
    changes.push((
        RecordAction::Create,
        RecordSet {
            zone_id: ZONE_EXAMPLE_COM.into(),
            name: "api.example.com".into(),
            record_type: "CNAME".into(),
            values: vec![lb.dns_name.clone()],
            alias_target: None,
            alias_zone_id: None,
            evaluate_target_health: false,
            ttl: Some(300),
        },
    ));
    sim.change_records(ZONE_EXAMPLE_COM, &changes)
        .await
        .expect("the CNAME");
    lb.arn
}

async fn apply_ours(sim: &Arc<fixedip_tui::cloud::sim::SimCloud>, state: &std::path::Path) {
    let inv = discovery::collect(sim.clone()).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(
        engine::Direction::Apply,
        &clean_plan(),
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.to_path_buf()),
        tx,
    )
    .await
    .expect("the engine runs");
    assert!(out.ok(), "{:?}", out.failures);
}

fn codes(s: &Setup) -> Vec<&'static str> {
    doctor::findings::check(s, 20_791)
        .iter()
        .map(|f| f.code)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn ours_and_one_made_by_hand_are_found_each_with_its_findings() {
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("a state dir");
    apply_ours(&sim, state.path()).await;
    let handmade_arn = make_by_hand(&sim).await;

    let (facts, errors) = doctor::read(sim.as_ref(), &Scope::All)
        .await
        .expect("the NLBs are read");
    assert_eq!(errors, Vec::<String>::new());
    let setups = doctor::shape::setups(&facts);
    // Ours, the one made here by hand, and the demo account's two in analytics.
    assert_eq!(setups.len(), 4, "{setups:#?}");

    let ours = setups
        .iter()
        .find(|s| matches!(s.origin, Origin::FixedipTui { .. }))
        .expect("ours is found");
    assert_eq!(ours.id(), clean_plan().id);
    // Under its wildcard certificate, the name comes from the custom domain mapped to its API.
    assert_eq!(ours.names, vec!["fixed.example.com".to_string()]);
    let ours_codes = codes(ours);
    for flaw in [
        "targets-drift",
        "tls-policy-legacy",
        "nlb-no-security-group",
        "public-record-not-alias",
    ] {
        assert!(!ours_codes.contains(&flaw), "ours: {ours_codes:?}");
    }

    let hand = setups
        .iter()
        .find(|s| s.origin == Origin::Found && s.nlb.arn == handmade_arn)
        .expect("the hand-made one is found by its shape");
    assert_eq!(hand.nlb.arn, handmade_arn);
    assert_eq!(hand.id(), "handmade-nlb");
    let found = doctor::findings::check(hand, 20_791);
    let hand_codes: Vec<&str> = found.iter().map(|f| f.code).collect();
    for flaw in [
        "targets-drift",
        "tls-policy-legacy",
        "nlb-no-security-group",
        "public-record-not-alias",
    ] {
        assert!(hand_codes.contains(&flaw), "{flaw} missing: {hand_codes:?}");
    }
    let drift = found
        .iter()
        .find(|f| f.code == "targets-drift")
        .expect("drift");
    assert!(drift.evidence.contains(STALE_IP), "{}", drift.evidence);
    assert_eq!(hand.names, vec!["api.example.com".to_string()]);
}

#[tokio::test(start_paused = true)]
async fn nlb_and_plan_id_narrow_to_one_setup_and_the_json_has_its_schema() {
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("a state dir");
    apply_ours(&sim, state.path()).await;
    make_by_hand(&sim).await;

    let (facts, _) = doctor::read(sim.as_ref(), &Scope::Nlb("handmade-nlb".into()))
        .await
        .expect("read");
    let only = doctor::shape::setups(&facts);
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].origin, Origin::Found);

    let (facts, _) = doctor::read(sim.as_ref(), &Scope::PlanId(clean_plan().id))
        .await
        .expect("read");
    let only = doctor::shape::setups(&facts);
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].id(), clean_plan().id);

    let (facts, _) = doctor::read(sim.as_ref(), &Scope::All).await.expect("read");
    let report = doctor::report("us-east-1", &doctor::shape::setups(&facts), 20_791, vec![]);
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["schema_version"], 1);
    let hand = json["setups"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["origin"] == "found"))
        .expect("the hand-made setup in the JSON");
    for key in ["id", "origin", "nlb_arn", "name", "fixed_ips", "findings"] {
        assert!(hand.get(key).is_some(), "{key} in {hand}");
    }
    let f = &hand["findings"][0];
    for key in ["code", "severity", "evidence", "fix", "fixable"] {
        assert!(f.get(key).is_some(), "{key} in {f}");
    }
    assert_eq!(report.worst(), Some(doctor::Severity::Error));
}

#[tokio::test(start_paused = true)]
async fn an_nlb_to_an_empty_target_group_is_not_a_setup() {
    // The demo's partner-legacy-nlb forwards to an ip target group with no targets: before our
    // apply its VPC has no execute-api endpoint, after it the only one is ours. Neither time is
    // it a setup; the demo's two in analytics are, each time.
    let sim = common::realistic_sim();
    let ids = |facts: &doctor::shape::Facts| -> Vec<String> {
        doctor::shape::setups(facts).iter().map(Setup::id).collect()
    };
    let demo = ["analytics-partner-nlb", "analytics-edi-nlb"];
    let (facts, _) = doctor::read(sim.as_ref(), &Scope::All).await.expect("read");
    assert_eq!(ids(&facts), demo);
    let state = tempfile::tempdir().expect("a state dir");
    apply_ours(&sim, state.path()).await;
    let (facts, _) = doctor::read(sim.as_ref(), &Scope::All).await.expect("read");
    let mut want: Vec<String> = demo.iter().map(|s| s.to_string()).collect();
    want.insert(0, clean_plan().id);
    let mut got = ids(&facts);
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[tokio::test(start_paused = true)]
async fn fix_mends_drift_and_the_tls_policy_in_place_and_leaves_the_rest_said() {
    let sim = common::realistic_sim();
    let arn = make_by_hand(&sim).await;
    let scope = Scope::Nlb(arn.clone());
    let (facts, _) = doctor::read(sim.as_ref(), &scope).await.expect("read");
    let setup = doctor::shape::setups(&facts).remove(0);
    let found = doctor::findings::check(&setup, 20_791);
    let changes = doctor::fix::changes(&setup, &found, &[]);
    let lines: Vec<String> = changes.iter().map(|c| c.command()).collect();
    assert!(
        lines[0].starts_with("aws elbv2 register-targets"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("aws elbv2 deregister-targets") && lines[1].contains(STALE_IP),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("modify-listener")
            && lines[2].contains("ELBSecurityPolicy-TLS13-1-2-2021-06"),
        "{lines:?}"
    );
    // --only narrows to the codes named.
    let only = doctor::fix::changes(&setup, &found, &["tls-policy-legacy".to_string()]);
    assert_eq!(only.len(), 1);
    for c in &changes {
        c.run(sim.as_ref()).await.expect("the change is made");
    }

    // Read back independently of doctor: the targets are the endpoint's IPs, the policy TLS 1.3.
    let endpoint = setup.endpoint.as_ref().expect("an endpoint");
    let mut want: Vec<String> = sim
        .interface_ips(&endpoint.network_interface_ids)
        .await
        .expect("ips")
        .into_iter()
        .map(|i| i.ip)
        .collect();
    let mut have: Vec<String> = sim
        .target_health(&setup.target_group.arn)
        .await
        .expect("targets")
        .into_iter()
        .map(|t| t.ip)
        .collect();
    want.sort();
    have.sort();
    assert_eq!(have, want);
    let listeners = sim.describe_listeners(&arn).await.expect("listeners");
    assert_eq!(
        listeners[0].ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );

    let (facts, _) = doctor::read(sim.as_ref(), &scope)
        .await
        .expect("read again");
    let after: Vec<&str> = doctor::findings::check(&doctor::shape::setups(&facts)[0], 20_791)
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(!after.contains(&"targets-drift"), "{after:?}");
    assert!(!after.contains(&"tls-policy-legacy"), "{after:?}");
    // Not mendable in place: still said.
    assert!(after.contains(&"nlb-no-security-group"), "{after:?}");
    assert!(after.contains(&"public-record-not-alias"), "{after:?}");
}

#[tokio::test(start_paused = true)]
async fn an_unknown_ssl_or_alpn_policy_is_refused_as_aws_does() {
    let sim = common::realistic_sim();
    let arn = make_by_hand(&sim).await;
    let listener = sim.describe_listeners(&arn).await.expect("listeners")[0]
        .arn
        .clone();
    let e = sim
        .set_listener_policies(&listener, Some("TLS13-please"), None)
        .await
        .expect_err("an unknown policy");
    assert_eq!(e.code.as_deref(), Some("SSLPolicyNotFound"), "{e:?}");
    let e = sim
        .set_listener_policies(&listener, None, Some("HTTP3"))
        .await
        .expect_err("an unknown ALPN policy");
    assert_eq!(e.code.as_deref(), Some("ALPNPolicyNotFound"), "{e:?}");
}

/// `--nlb` / `--plan-id` read the one setup, and any scope reads in full only the private zones
/// that hold a name a setup serves: the same setup as a read of the whole region, in fewer calls.
#[tokio::test(start_paused = true)]
async fn one_setup_is_read_by_what_it_names_and_judged_the_same() {
    let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/analytics-partner-nlb/2b3c4d5e6f708192";
    let whole = common::realistic_sim();
    let (all, _) = doctor::read(whole.as_ref(), &Scope::All)
        .await
        .expect("read");
    let one = common::realistic_sim();
    let (facts, errors) = doctor::read(one.as_ref(), &Scope::Nlb(arn.into()))
        .await
        .expect("read");
    assert_eq!(errors, Vec::<String>::new());
    let setups = doctor::shape::setups(&facts);
    let same: Vec<Setup> = doctor::shape::setups(&all)
        .into_iter()
        .filter(|s| s.nlb.arn == arn)
        .collect();
    assert_eq!(setups, same);
    assert_eq!(setups.len(), 1);
    // Its name (api.example.net) is in no private zone: none is read in full. Of the region's
    // four private zones the whole read asks only for example.com's (it holds app.example.com,
    // which the edi setup serves).
    let (log_one, log_all) = (one.call_log(), whole.call_log());
    assert_eq!(log_one.count("route53:GetHostedZone"), 0);
    assert_eq!(log_all.count("route53:GetHostedZone"), 1);
    // By name, and by the plan id of a plan with no NLB in the account: nothing, no error.
    let (facts, _) = doctor::read(one.as_ref(), &Scope::Nlb("analytics-partner-nlb".into()))
        .await
        .expect("read");
    assert_eq!(doctor::shape::setups(&facts).len(), 1);
    let (facts, _) = doctor::read(one.as_ref(), &Scope::PlanId("fip-0000000000".into()))
        .await
        .expect("read");
    assert!(doctor::shape::setups(&facts).is_empty());
}
