//! A setup rebuilt from the simulated account alone (issue 15): the plan read back from its
//! tagged and named resources equals the applied one field by field, the rebuilt journal lets a
//! destroy from an empty state directory leave nothing, and a kept plan that disagrees with the
//! account is reported field by field (the account wins).

use crate::common;

use std::sync::Arc;

use fixedip_tui::cloud::sim::SimCloud;
use fixedip_tui::discovery;
use fixedip_tui::engine::Key;
use fixedip_tui::engine::{self, recover, Account, EngineOptions, NodeId};
use fixedip_tui::plan::{EipChoice, Plan, PrivateZoneChoice};

use common::census::{counts, NOTHING, ONE_OF_EACH};

async fn apply(sim: &Arc<SimCloud>, plan: &Plan, state: &std::path::Path) {
    let inv = discovery::collect(sim.clone()).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(
        engine::Direction::Apply,
        plan,
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.to_path_buf()),
        tx,
    )
    .await
    .expect("the engine runs");
    assert!(out.ok(), "{:?}", out.failures);
}

async fn rebuilt(sim: &Arc<SimCloud>, id: &str) -> recover::Recovered {
    let answers = recover::read(sim.as_ref(), id)
        .await
        .expect("the account answers");
    recover::rebuild(&answers).expect("the plan is in the account")
}

/// Every field of the plan, one assertion each (a difference names its field).
fn same_fields(got: &Plan, want: &Plan) {
    let (g, w) = (
        serde_json::to_value(got).expect("json"),
        serde_json::to_value(want).expect("json"),
    );
    let keys = w.as_object().expect("a table");
    assert_eq!(g.as_object().map(|o| o.len()), Some(keys.len()));
    for (k, v) in keys {
        assert_eq!(&g[k], v, "field {k}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_account_gives_back_every_field_of_the_applied_plan_and_destroy_needs_nothing_else() {
    let sim = common::realistic_sim();
    let mut plan = common::clean::clean_plan();
    plan.base_path = Some("v1".into());
    plan.tags.insert("team".into(), "payments".into());
    plan.vpc_callers = vec!["vpc".into(), "10.0.0.0/16".into()];
    plan.settings.cross_zone = false;
    let a = tempfile::tempdir().expect("state A");
    apply(&sim, &plan, a.path()).await;
    assert_eq!(counts(&sim, &plan).await, ONE_OF_EACH);

    let got = rebuilt(&sim, &plan.id).await;
    same_fields(&got.plan, &plan);
    assert!(
        got.notes.iter().any(|n| n.contains("acknowledged")),
        "what the account cannot hold is said: {:?}",
        got.notes
    );
    for n in [
        NodeId::Endpoint,
        NodeId::Api,
        NodeId::Domain,
        NodeId::TargetGroup,
        NodeId::Nlb,
        NodeId::PrivateZone,
        NodeId::PublicRecord,
        NodeId::PrivateRecord,
    ] {
        let r = got.journal.record(n).expect("journaled");
        assert!(r.owned, "{n:?} is the plan's");
    }

    // A kept plan that disagrees: each field said, the account's value goes on; what the
    // account cannot know stays the kept plan's.
    let mut kept = plan.clone();
    kept.allow_cidrs = vec!["198.51.100.0/24".into()];
    kept.acknowledged = vec!["W-PUBLIC-DNS".into()];
    let (merged, diffs) = recover::reconcile(&kept, &got);
    assert_eq!(merged.allow_cidrs, plan.allow_cidrs);
    assert_eq!(merged.acknowledged, kept.acknowledged);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(
        diffs[0].starts_with("allow_cidrs: the kept plan says"),
        "{diffs:?}"
    );

    // Machine B: no state at all; the rebuilt journal is all destroy has.
    let b = tempfile::tempdir().expect("state B");
    got.journal.save(b.path()).expect("saved");
    let inv = discovery::collect(sim.clone()).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(
        engine::Direction::Destroy,
        &got.plan,
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(b.path().to_path_buf()),
        tx,
    )
    .await
    .expect("the engine runs");
    assert!(out.ok(), "{:?}", out.failures);
    assert_eq!(counts(&sim, &plan).await, NOTHING);
    let err = recover::read(sim.as_ref(), &plan.id)
        .await
        .map(|a| recover::rebuild(&a));
    assert!(
        matches!(&err, Ok(Err(why)) if why.contains("nothing in account")),
        "{err:?}"
    );

    // Machine A's journal says done for what is gone: the apply makes it all again.
    apply(&sim, &plan, a.path()).await;
    assert_eq!(counts(&sim, &plan).await, ONE_OF_EACH);
}

#[tokio::test(start_paused = true)]
async fn the_plans_own_elastic_ips_come_back_with_their_subnets() {
    let sim = common::realistic_sim();
    let mut plan = common::clean::clean_plan();
    plan.eips = EipChoice::New;
    let a = tempfile::tempdir().expect("state A");
    apply(&sim, &plan, a.path()).await;
    let got = rebuilt(&sim, &plan.id).await;
    same_fields(&got.plan, &plan);
    let eips = got.journal.record(NodeId::Eips).expect("journaled");
    assert!(eips.owned);
    assert_eq!(
        got.journal.list(NodeId::Eips, Key::Allocations).len(),
        plan.nlb_subnet_ids.len()
    );
    assert!(matches!(got.plan.private_zone, PrivateZoneChoice::Create));
}
