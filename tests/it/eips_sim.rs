//! Elastic IPs and pinned endpoint IPs end to end on the simulated account (paused time), which
//! models what moto ignores: the NLB takes the EIPs as its addresses, the endpoint takes the pinned
//! IPs, destroy keeps the EIPs (a later apply gets the same IPs back) unless asked to release them,
//! and a lost AllocateAddress answer does not leak an address.

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud};
use fixedip_tui::cloud::{Cloud, CloudWrite};
use fixedip_tui::discovery;
use fixedip_tui::engine::{self, Account, EngineOptions, Journal, NodeId};
use fixedip_tui::plan::{EipChoice, Plan};

const PRIV: [&str; 3] = [
    "subnet-029b8fa21f8c03262",
    "subnet-0186e3bc6e22fdd66",
    "subnet-0ffa8020d26f8856a",
];

fn sim() -> Arc<SimCloud> {
    common::realistic_sim()
}

fn plan(eips: EipChoice) -> Plan {
    let mut p = common::clean::clean_plan();
    p.eips = eips;
    p.endpoint_ips = BTreeMap::from([
        (PRIV[0].to_string(), "10.20.16.10".to_string()),
        (PRIV[1].to_string(), "10.20.32.10".to_string()),
        (PRIV[2].to_string(), "10.20.48.10".to_string()),
    ]);
    p
}

async fn run(
    sim: &Arc<SimCloud>,
    plan: &Plan,
    state: &std::path::Path,
    destroy: bool,
    release: bool,
) -> engine::Outcome {
    let inv = discovery::collect(sim.clone()).await;
    let opts = EngineOptions {
        release_eips: release,
        ..EngineOptions::aws(state.to_path_buf())
    };
    let acct = sim.clone() as Arc<dyn Account>;
    let direction = engine::Direction::of(destroy);
    let (out, _) = common::engine_run(direction, plan, &inv, acct, opts).await;
    assert!(out.ok(), "{:?}", out.failures);
    out
}

async fn eips_of_plan(sim: &SimCloud, plan: &Plan) -> Vec<fixedip_tui::domain::ElasticIp> {
    sim.find_addresses_by_tag("fixedip:plan-id", &plan.id)
        .await
        .expect("read")
}

async fn nlb_addresses(sim: &SimCloud, plan: &Plan) -> Vec<String> {
    let mut a = sim
        .find_load_balancer(&plan.nlb_name())
        .await
        .expect("read")
        .expect("nlb")
        .addresses;
    a.sort();
    a
}

#[tokio::test(start_paused = true)]
async fn new_eips_and_pinned_ips_then_destroy_keeps_eips_and_apply_gets_them_back() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let p = plan(EipChoice::New);
    let before = sim.elastic_ips().await.expect("read").addresses.len();
    run(&sim, &p, state.path(), false, false).await;

    // One EIP per NLB subnet, tagged with the plan and its subnet, and they are the NLB's IPs.
    let eips = eips_of_plan(&sim, &p).await;
    assert_eq!(eips.len(), 3);
    for s in &p.nlb_subnet_ids {
        assert!(
            eips.iter().any(|e| e
                .tags
                .iter()
                .any(|t| t.key == "fixedip:subnet" && &t.value == s)),
            "an EIP tagged for {s}"
        );
    }
    let mut want: Vec<String> = eips.iter().map(|e| e.public_ip.clone()).collect();
    want.sort();
    assert_eq!(nlb_addresses(&sim, &p).await, want);
    assert!(eips.iter().all(|e| e.in_use()), "associated with the NLB");

    // The endpoint took the pinned IPs, and they are the registered targets.
    let j = Journal::load_or_new(state.path(), &p.id).expect("journal");
    let ep = sim
        .describe_vpc_endpoint(j.id_of(NodeId::Endpoint).expect("endpoint"))
        .await
        .expect("read")
        .expect("endpoint");
    let mut ips: Vec<String> = sim
        .interface_ips(&ep.network_interface_ids)
        .await
        .expect("read")
        .into_iter()
        .map(|i| i.ip)
        .collect();
    ips.sort();
    assert_eq!(ips, vec!["10.20.16.10", "10.20.32.10", "10.20.48.10"]);
    let mut targets: Vec<String> = sim
        .target_health(j.id_of(NodeId::TargetGroup).expect("tg"))
        .await
        .expect("read")
        .into_iter()
        .map(|t| t.ip)
        .collect();
    targets.sort();
    assert_eq!(targets, ips);

    // The handout says Elastic.
    let h =
        fixedip_tui::verify::handout::read(sim.as_ref(), &p, &j, state.path(), "fixedip-tui").await;
    assert_eq!(h.ip_kind, fixedip_tui::verify::handout::IpKind::Elastic);
    let mut fixed = h.fixed_ips.clone();
    fixed.sort();
    assert_eq!(fixed, want);

    // Destroy keeps them (the partner allow-listed them), free once the NLB's interfaces are gone.
    run(&sim, &p, state.path(), true, false).await;
    assert!(sim
        .find_load_balancer(&p.nlb_name())
        .await
        .expect("read")
        .is_none());
    tokio::time::sleep(Duration::from_secs(600)).await;
    let kept = eips_of_plan(&sim, &p).await;
    assert_eq!(kept.len(), 3, "kept by destroy");
    assert!(kept.iter().all(|e| !e.in_use()), "disassociated");

    // Apply again: the same addresses, nothing new allocated.
    run(&sim, &p, state.path(), false, false).await;
    assert_eq!(nlb_addresses(&sim, &p).await, want, "the same fixed IPs");
    assert_eq!(
        sim.elastic_ips().await.expect("read").addresses.len(),
        before + 3
    );

    // Destroy with --release-eips: gone.
    run(&sim, &p, state.path(), true, true).await;
    assert!(eips_of_plan(&sim, &p).await.is_empty(), "released");
    assert_eq!(
        sim.elastic_ips().await.expect("read").addresses.len(),
        before
    );
}

#[tokio::test(start_paused = true)]
async fn your_own_eips_are_used_and_never_released() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    // The demo has two unassociated EIPs; a third of the user's.
    let third = sim.allocate_address(&[]).await.expect("allocate");
    let ids = vec![
        "eipalloc-0a1b2c3d4e5f60718".to_string(),
        "eipalloc-0b2c3d4e5f6071829".to_string(),
        third.allocation_id.clone(),
    ];
    let p = plan(EipChoice::Existing {
        allocation_ids: ids.clone(),
    });
    run(&sim, &p, state.path(), false, false).await;
    let mine = sim.describe_addresses(&ids).await.expect("read");
    let mut want: Vec<String> = mine.iter().map(|e| e.public_ip.clone()).collect();
    want.sort();
    assert_eq!(nlb_addresses(&sim, &p).await, want);
    // Even with --release-eips, the user's own addresses stay.
    run(&sim, &p, state.path(), true, true).await;
    assert_eq!(sim.describe_addresses(&ids).await.expect("read").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_lost_allocate_answer_does_not_leak_an_address() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let p = plan(EipChoice::New);
    sim.add_fault(FaultRule::times(
        "ec2:AllocateAddress",
        Fault::LostResponse,
        1,
    ));
    let inv = discovery::collect(sim.clone()).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    // The first run may fail on the lost answer; the rerun must not allocate a fourth address.
    let _ = engine::run(
        engine::Direction::Apply,
        &p,
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.path().to_path_buf()),
        tx,
    )
    .await;
    run(&sim, &p, state.path(), false, false).await;
    let eips = eips_of_plan(&sim, &p).await;
    assert_eq!(
        eips.len(),
        3,
        "the address whose answer was lost is used, not leaked: {eips:#?}"
    );
    // Every address of the plan is on the NLB or reusable: none is lost track of.
    let on_nlb = nlb_addresses(&sim, &p).await;
    assert_eq!(on_nlb.len(), 3);
    // Destroy with release leaves none behind (found by tag, journaled or not).
    run(&sim, &p, state.path(), true, true).await;
    assert!(eips_of_plan(&sim, &p).await.is_empty(), "no orphan address");
}

#[tokio::test(start_paused = true)]
async fn the_quota_is_an_engine_error_when_validation_is_bypassed() {
    let sim = sim();
    sim.with_account(|a| a.eip_quota = 4);
    let state = tempfile::tempdir().expect("state");
    let p = plan(EipChoice::New);
    let inv = discovery::collect(sim.clone()).await;
    let findings = fixedip_tui::plan::validate(&p, &inv);
    assert!(
        findings.iter().any(|f| f.code == "eip-quota"),
        "{findings:#?}"
    );
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(
        engine::Direction::Apply,
        &p,
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.path().to_path_buf()),
        tx,
    )
    .await
    .expect("the engine runs");
    assert!(!out.ok());
    assert!(format!("{:?}", out.failures).contains("AddressLimitExceeded"));
    // What was allocated before the quota hit is found again by destroy.
    run(&sim, &p, state.path(), true, true).await;
    assert!(eips_of_plan(&sim, &p).await.is_empty());
}
