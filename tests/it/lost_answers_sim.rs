//! Issue "Exactly one of everything when an answer is lost", on the simulated account. Its fault
//! hook loses an answer *below* its SDK-like retry layer, which resends what the SDK would resend
//! (`cloud::idempotency`): an idempotent write is sent again, a non-idempotent one (CreateRestApi,
//! AllocateAddress, CreateDeployment…) reaches the engine as "no answer", and the engine resolves it
//! from the account. One apply (no rerun) must end with exactly one of everything, and destroy
//! must leave nothing the plan made.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::census::{counts, Counts, NOTHING, ONE_OF_EACH};
use fixedip_tui::cloud::idempotency::{self, Idempotency};
use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud};
use fixedip_tui::discovery;
use fixedip_tui::engine::{self, Account, EngineEvent, EngineOptions, Outcome};
use fixedip_tui::plan::{EipChoice, Plan};

fn plan() -> Plan {
    let mut p = common::clean::clean_plan();
    p.eips = EipChoice::New;
    p
}

const WITH_EIPS: Counts = Counts {
    elastic_ips: 3,
    ..ONE_OF_EACH
};

async fn run(
    sim: &Arc<SimCloud>,
    state: &std::path::Path,
    destroy: bool,
) -> (Outcome, Vec<EngineEvent>) {
    let inv = discovery::collect(sim.clone()).await;
    let opts = EngineOptions {
        release_eips: true,
        ..EngineOptions::aws(state.to_path_buf())
    };
    let acct = sim.clone() as Arc<dyn Account>;
    let (out, events) =
        common::engine_run(engine::Direction::of(destroy), &plan(), &inv, acct, opts).await;
    (out, events)
}

/// Every write action of an apply and a destroy, found by running them once.
async fn writes() -> BTreeSet<String> {
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("state");
    assert!(run(&sim, state.path(), false).await.0.ok());
    assert!(run(&sim, state.path(), true).await.0.ok());
    let reads = ["Describe", "Get", "List", "apigateway:GET", "sts:"];
    sim.call_log()
        .calls
        .into_iter()
        .filter(|a| !reads.iter().any(|r| a.contains(r)))
        .collect()
}

/// The plan's Elastic IPs are one per NLB subnet, each tagged with its subnet.
fn eips_match_subnets(sim: &SimCloud, p: &Plan) {
    let tagged: Vec<String> = sim.with_account(|a| {
        let mut v: Vec<String> = a
            .elastic_ips
            .iter()
            .filter(|e| {
                e.tags
                    .iter()
                    .any(|t| t.key == "fixedip:plan-id" && t.value == p.id)
            })
            .filter_map(|e| {
                e.tags
                    .iter()
                    .find(|t| t.key == "fixedip:subnet")
                    .map(|t| t.value.clone())
            })
            .collect();
        v.sort();
        v
    });
    let mut want = p.nlb_subnet_ids.clone();
    want.sort();
    assert_eq!(tagged, want, "one Elastic IP per NLB subnet");
}

#[test]
fn the_table_sends_non_idempotent_writes_once() {
    for op in [
        "CreateRestApi",
        "AllocateAddress",
        "CreateDeployment",
        "CreateDomainName",
        "CreateBasePathMapping",
        "CreateSecurityGroup",
    ] {
        assert_eq!(idempotency::of(op), Idempotency::Once, "{op}");
    }
    assert_eq!(idempotency::of("CreateVpcEndpoint"), Idempotency::Token);
    assert_eq!(idempotency::of("CreateHostedZone"), Idempotency::Token);
    assert_eq!(
        idempotency::of("CreateLoadBalancer"),
        Idempotency::SameSettings
    );
    assert!(idempotency::may_resend(idempotency::UPSERT_BATCH));
    assert!(!idempotency::may_resend("ChangeResourceRecordSets"));
}

/// The first answer of every kind of write is lost, all in the same apply (and the same destroy).
#[tokio::test(start_paused = true)]
async fn the_first_answer_of_every_write_lost_still_gives_one_of_everything() {
    let actions = writes().await;
    assert!(actions.len() >= 15, "{actions:?}");
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("state");
    for a in &actions {
        sim.add_fault(FaultRule::times(a, Fault::LostResponse, 1));
    }
    let (out, events) = run(&sim, state.path(), false).await;
    assert!(out.ok(), "one apply, no rerun: {:?}", out.failures);
    assert_eq!(counts(&sim, &plan()).await, WITH_EIPS);
    eips_match_subnets(&sim, &plan());
    assert!(
        events.iter().any(|e| matches!(e, EngineEvent::Waiting { what, .. } if what.contains("had acted: using what it made"))),
        "a lost answer was resolved from the account"
    );

    sim.clear_faults();
    for a in &actions {
        sim.add_fault(FaultRule::times(a, Fault::LostResponse, 1));
    }
    let (out, _) = run(&sim, state.path(), true).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert_eq!(counts(&sim, &plan()).await, NOTHING);
}

/// 10% of calls refused (throttled), 3% of answers lost, at random, over several runs.
#[tokio::test(start_paused = true)]
async fn random_refusals_and_lost_answers_still_give_one_of_everything() {
    for round in 0..5 {
        let sim = common::realistic_sim();
        let state = tempfile::tempdir().expect("state");
        for (fault, p) in [(Fault::Throttle, 0.10), (Fault::LostResponse, 0.03)] {
            sim.add_fault(FaultRule {
                action: "*".into(),
                fault,
                probability: p,
                remaining: None,
            });
        }
        let (out, events) = run(&sim, state.path(), false).await;
        assert!(
            out.ok(),
            "round {round}: {:?}\n{:#?}",
            out.failures,
            events
                .iter()
                .filter(|e| matches!(
                    e,
                    EngineEvent::Waiting {
                        node: fixedip_tui::engine::NodeId::PublicRecord,
                        ..
                    } | EngineEvent::Call {
                        node: fixedip_tui::engine::NodeId::PublicRecord,
                        ..
                    }
                ))
                .collect::<Vec<_>>()
        );
        assert_eq!(counts(&sim, &plan()).await, WITH_EIPS, "round {round}");
        eips_match_subnets(&sim, &plan());
        let (out, _) = run(&sim, state.path(), true).await;
        assert!(out.ok(), "round {round}: {:?}", out.failures);
        assert_eq!(counts(&sim, &plan()).await, NOTHING, "round {round}");
    }
}

/// A second API and a spare Elastic IP of the plan (left by an earlier lost answer) are removed
/// by the next apply, which says so.
#[tokio::test(start_paused = true)]
async fn extras_left_by_a_lost_answer_are_removed_and_said() {
    use fixedip_tui::cloud::CloudWrite;
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("state");
    assert!(run(&sim, state.path(), false).await.0.ok());
    let p = plan();
    let tags = vec![
        fixedip_tui::domain::Tag {
            key: "fixedip:plan-id".into(),
            value: p.id.clone(),
        },
        fixedip_tui::domain::Tag {
            key: "fixedip:subnet".into(),
            value: p.nlb_subnet_ids[0].clone(),
        },
    ];
    tokio::time::advance(std::time::Duration::from_secs(10)).await;
    sim.with_account(|a| a.eip_quota = 20);
    let extra_api = sim
        .create_rest_api(
            "dup",
            &[],
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            &tags[..1],
        )
        .await
        .expect("a duplicate API");
    let extra_eip = sim.allocate_address(&tags).await.expect("a spare address");
    // The journal forgets the API step was done (as after a crash mid-step).
    let j = fixedip_tui::engine::Journal::load_or_new(state.path(), &p.id).expect("journal");
    let mut j = j;
    if let Some(r) = j.nodes.get_mut(&fixedip_tui::engine::NodeId::Api) {
        r.status = fixedip_tui::engine::NodeStatus::Created;
    }
    j.save(state.path()).expect("saved");
    let (out, events) = run(&sim, state.path(), false).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert_eq!(counts(&sim, &p).await, WITH_EIPS);
    let said = |needle: &str| {
        events.iter().any(|e| match e {
            EngineEvent::Done { summary, .. } => summary.contains(needle),
            EngineEvent::Waiting { what, .. } => what.contains(needle),
            _ => false,
        })
    };
    assert!(said(&extra_api), "the extra API is named");
    assert!(said(&extra_eip.allocation_id), "the extra address is named");
}
