//! Adopting the account's own NLB and target group (the demo's `partner-legacy-nlb`, with a TLS:443
//! listener forwarding to `partner-legacy-tg`) on the simulated account: validation says what an
//! adopted NLB cannot do, apply registers the endpoint into the adopted group / redirects the
//! adopted listener, verify passes, and destroy never deletes what was adopted and puts the
//! listener back.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::SimCloud;
use fixedip_tui::cloud::CloudWrite;
use fixedip_tui::discovery;
use fixedip_tui::engine::Key;
use fixedip_tui::engine::{self, Account, EngineOptions, Journal, NodeId};
use fixedip_tui::plan::{validate, EipChoice, Plan};
use fixedip_tui::verify::{self, CheckState, VerifyOptions};

const LB: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/partner-legacy-nlb/1a2b3c4d5e6f7081";
const TG: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/partner-legacy-tg/0a1b2c3d4e5f6071";

fn sim() -> Arc<SimCloud> {
    common::realistic_sim()
}

fn adopting(tg: bool) -> Plan {
    let mut p = common::clean::clean_plan();
    p.adopt_nlb = Some(LB.into());
    if tg {
        p.adopt_target_group = Some(TG.into());
    }
    p.eips = EipChoice::None;
    // Who can call is the adopted NLB's own security group's business.
    p.allow_cidrs.clear();
    p.acknowledged.push("callers-whole-internet".into());
    p
}

async fn run(sim: &Arc<SimCloud>, p: &Plan, state: &std::path::Path, destroy: bool) {
    let inv = discovery::collect(sim.clone()).await;
    let acct = sim.clone() as Arc<dyn Account>;
    let opts = EngineOptions::aws(state.to_path_buf());
    let direction = engine::Direction::of(destroy);
    let (out, _) = common::engine_run(direction, p, &inv, acct, opts).await;
    assert!(out.ok(), "{:?}", out.failures);
}

async fn listener_target(sim: &SimCloud) -> Option<String> {
    sim.describe_listeners(LB)
        .await
        .expect("read")
        .into_iter()
        .find(|l| l.port == 443)
        .and_then(|l| l.target_group_arn)
}

#[tokio::test(start_paused = true)]
async fn validation_says_what_an_adopted_nlb_cannot_do() {
    let sim = sim();
    let inv = discovery::collect(sim.clone()).await;
    let codes =
        |p: &Plan| -> Vec<&'static str> { validate(p, &inv).into_iter().map(|f| f.code).collect() };
    let ok = adopting(true);
    let c = codes(&ok);
    assert!(
        !c.iter()
            .any(|c| c.starts_with("nlb-adopt") || c.starts_with("tg-adopt")),
        "{c:?}"
    );
    let mut p = adopting(true);
    p.allow_cidrs = vec!["203.0.113.0/24".into()];
    assert!(codes(&p).contains(&"nlb-adopt-callers"));
    let mut p = adopting(true);
    p.eips = EipChoice::New;
    assert!(codes(&p).contains(&"nlb-adopt-eips"));
    let mut p = adopting(true);
    p.nlb_subnet_ids.pop();
    assert!(codes(&p).contains(&"nlb-adopt-subnets"));
    let mut p = adopting(false);
    assert!(
        codes(&p).contains(&"nlb-adopt-listener-redirect"),
        "its listener forwards elsewhere today: acknowledge first"
    );
    p.adopt_nlb = Some(format!("{LB}0"));
    assert!(codes(&p).contains(&"nlb-adopt-missing"));
    let mut p = adopting(true);
    p.adopt_target_group = Some(format!("{TG}0"));
    assert!(codes(&p).contains(&"tg-adopt-missing"));
    // The review says "adopt", and export refuses with the reason.
    let text = fixedip_tui::plan::review::render_text(&fixedip_tui::plan::review::review(
        &adopting(true),
        &inv,
    ));
    assert!(
        text.contains("= adopt  Network Load Balancer partner-legacy-nlb"),
        "{text}"
    );
    assert!(
        text.contains("= adopt  target group partner-legacy-tg"),
        "{text}"
    );
    assert!(fixedip_tui::export::cloudformation(&adopting(true))
        .expect_err("refused")
        .to_string()
        .contains("adopts"));
}

#[tokio::test(start_paused = true)]
async fn adopt_nlb_and_target_group_then_destroy_keeps_them() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let p = adopting(true);
    run(&sim, &p, state.path(), false).await;
    let j = Journal::load_or_new(state.path(), &p.id).expect("journal");
    assert_eq!(j.id_of(NodeId::Nlb), Some(LB));
    assert!(!j.record(NodeId::Nlb).expect("nlb").owned);
    assert_eq!(j.id_of(NodeId::TargetGroup), Some(TG));
    assert!(!j.record(NodeId::TargetGroup).expect("tg").owned);
    assert!(
        j.record(NodeId::NlbSg).is_none(),
        "no security group of ours"
    );
    // The endpoint's IPs are the adopted group's targets; its listener still forwards there.
    let endpoint_ips: Vec<String> = j
        .data(NodeId::EndpointReady, Key::Ips)
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let mut targets: Vec<String> = sim
        .target_health(TG)
        .await
        .expect("health")
        .into_iter()
        .map(|t| t.ip)
        .collect();
    targets.sort();
    let mut want = endpoint_ips.clone();
    want.sort();
    assert_eq!(targets, want);
    assert_eq!(listener_target(&sim).await.as_deref(), Some(TG));
    // The handout reads the adopted NLB: its IPs, and who can reach it in words.
    tokio::time::sleep(Duration::from_secs(600)).await;
    let h = verify::handout::read(sim.as_ref(), &p, &j, state.path(), "fixedip-tui").await;
    assert_eq!(
        h.fixed_ips,
        vec!["3.210.14.10", "3.210.15.10", "3.210.16.10"]
    );
    assert!(h.who().contains("sg-0a7b1c2d3e4f50617"), "{}", h.who());
    let report = verify::run(
        &(sim.clone() as Arc<dyn Account>),
        &p,
        &j,
        &VerifyOptions {
            network: false,
            ..VerifyOptions::default()
        },
        None,
    )
    .await;
    assert!(
        report.checks.iter().all(|c| c.state != CheckState::Fail),
        "{}",
        verify::text(&report.checks)
    );

    run(&sim, &p, state.path(), true).await;
    assert!(
        sim.find_load_balancer("partner-legacy-nlb")
            .await
            .expect("read")
            .is_some(),
        "the adopted NLB stays"
    );
    assert!(
        sim.find_target_group("partner-legacy-tg")
            .await
            .expect("read")
            .is_some(),
        "the adopted target group stays"
    );
    assert!(
        sim.target_health(TG).await.expect("health").is_empty(),
        "only this plan's targets went"
    );
    assert_eq!(listener_target(&sim).await.as_deref(), Some(TG));
}

#[tokio::test(start_paused = true)]
async fn adopted_listener_is_redirected_then_put_back() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let mut p = adopting(false);
    p.acknowledged.push("nlb-adopt-listener-redirect".into());
    run(&sim, &p, state.path(), false).await;
    let j = Journal::load_or_new(state.path(), &p.id).expect("journal");
    let ours = j.id_of(NodeId::TargetGroup).expect("tg").to_string();
    assert_ne!(ours, TG);
    assert_eq!(
        listener_target(&sim).await,
        Some(ours.clone()),
        "redirected"
    );
    run(&sim, &p, state.path(), true).await;
    assert_eq!(listener_target(&sim).await.as_deref(), Some(TG), "put back");
    assert!(
        sim.find_target_group(&p.target_group_name())
            .await
            .expect("read")
            .is_none(),
        "the plan's own target group is gone"
    );
    assert!(sim
        .find_load_balancer("partner-legacy-nlb")
        .await
        .expect("read")
        .is_some());
}
