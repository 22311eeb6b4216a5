//! The apply engine on the simulated account, under paused tokio time (AWS-like waits, no real
//! waiting): full apply, rerun without duplicates, interruption at every write then resume, a kill
//! mid-wait, lost responses, destroy to zero, and the journal's safety.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud};
use fixedip_tui::cloud::{Cloud, CloudWrite};
use fixedip_tui::discovery::{self, Inventory};
use fixedip_tui::engine::{self, Account, EngineEvent, EngineOptions, Journal, NodeId};
use fixedip_tui::plan::Plan;

fn sim() -> Arc<SimCloud> {
    common::realistic_sim()
}

async fn inventory(sim: &Arc<SimCloud>) -> Inventory {
    discovery::collect(sim.clone()).await
}

fn plan() -> Plan {
    common::clean::clean_plan()
}

/// The clean plan run in `direction` on `sim` with AWS's timings: the outcome and the events.
async fn run(
    sim: &Arc<SimCloud>,
    state: &std::path::Path,
    direction: engine::Direction,
) -> (engine::Outcome, Vec<EngineEvent>) {
    let inv = inventory(sim).await;
    let acct = sim.clone() as Arc<dyn Account>;
    let opts = EngineOptions::aws(state.to_path_buf());
    common::engine_run(direction, &plan(), &inv, acct, opts).await
}

async fn apply(
    sim: &Arc<SimCloud>,
    state: &std::path::Path,
) -> (engine::Outcome, Vec<EngineEvent>) {
    run(sim, state, engine::Direction::Apply).await
}

async fn destroy(sim: &Arc<SimCloud>, state: &std::path::Path) -> engine::Outcome {
    destroy_said(sim, state).await.0
}

async fn destroy_said(
    sim: &Arc<SimCloud>,
    state: &std::path::Path,
) -> (engine::Outcome, Vec<EngineEvent>) {
    run(sim, state, engine::Direction::Destroy).await
}

use common::census::{counts as census, Counts, NOTHING, ONE_OF_EACH};

async fn counts(sim: &Arc<SimCloud>) -> Counts {
    census(sim, &plan()).await
}

fn creates(sim: &SimCloud) -> usize {
    sim.call_log()
        .calls
        .iter()
        .filter(|a| a.contains(":Create") || a.as_str() == "apigateway:POST")
        .count()
}

#[tokio::test(start_paused = true)]
async fn apply_then_rerun_creates_nothing_new_and_destroy_leaves_nothing() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, events) = apply(&sim, state.path()).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert_eq!(counts(&sim).await, ONE_OF_EACH);
    for n in engine::nodes_for(&plan()) {
        assert!(
            events
                .iter()
                .any(|e| matches!(e, EngineEvent::Done { node, .. } if *node == n)),
            "{n:?} done"
        );
    }
    // The NLB does not wait for the endpoint: it starts before the endpoint is available.
    let pos = |f: &dyn Fn(&EngineEvent) -> bool| events.iter().position(f).unwrap_or(usize::MAX);
    assert!(
        pos(&|e| matches!(e, EngineEvent::Started(NodeId::Nlb)))
            < pos(&|e| matches!(
                e,
                EngineEvent::Done {
                    node: NodeId::EndpointReady,
                    ..
                }
            )),
        "independent steps run concurrently"
    );

    let before = creates(&sim);
    let (again, _) = apply(&sim, state.path()).await;
    assert!(again.ok(), "{:?}", again.failures);
    assert_eq!(creates(&sim), before, "a rerun creates nothing");
    assert_eq!(counts(&sim).await, ONE_OF_EACH);

    // Without the local journal (another machine): still no duplicate.
    let elsewhere = tempfile::tempdir().expect("state");
    let (third, _) = apply(&sim, elsewhere.path()).await;
    assert!(third.ok(), "{:?}", third.failures);
    assert_eq!(
        counts(&sim).await,
        ONE_OF_EACH,
        "found again by tags and names"
    );

    let d = destroy(&sim, state.path()).await;
    assert!(d.ok(), "{:?}", d.failures);
    assert_eq!(counts(&sim).await, NOTHING);
    let again = destroy(&sim, state.path()).await;
    assert!(again.ok(), "destroy is idempotent: {:?}", again.failures);
}

/// Every write the apply makes, found by running it once.
async fn write_actions() -> Vec<String> {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, _) = apply(&sim, state.path()).await;
    assert!(out.ok());
    let reads = ["Describe", "Get", "List", "apigateway:GET", "sts:"];
    let set: BTreeSet<String> = sim
        .call_log()
        .calls
        .into_iter()
        .filter(|a| !reads.iter().any(|r| a.contains(r)))
        .collect();
    set.into_iter().collect()
}

#[tokio::test(start_paused = true)]
async fn interrupted_at_every_write_then_resumed_converges_without_duplicates() {
    let actions = write_actions().await;
    assert!(actions.len() >= 10, "{actions:?}");
    for action in actions {
        let sim = sim();
        let state = tempfile::tempdir().expect("state");
        sim.add_fault(FaultRule::always(&action, Fault::AccessDenied));
        let (out, _) = apply(&sim, state.path()).await;
        assert!(!out.ok(), "{action}: the run stops");
        sim.clear_faults();
        let (resumed, _) = apply(&sim, state.path()).await;
        assert!(resumed.ok(), "{action}: resume: {:?}", resumed.failures);
        assert_eq!(
            counts(&sim).await,
            ONE_OF_EACH,
            "{action}: zero duplicates, zero orphans"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn lost_answers_of_every_write_cause_no_duplicate() {
    for action in write_actions().await {
        let sim = sim();
        let state = tempfile::tempdir().expect("state");
        sim.add_fault(FaultRule::times(&action, Fault::LostResponse, 1));
        let (out, _) = apply(&sim, state.path()).await;
        if !out.ok() {
            // Some creates answer a retried request with a conflict: the rerun adopts.
            let (resumed, _) = apply(&sim, state.path()).await;
            assert!(resumed.ok(), "{action}: {:?}", resumed.failures);
        }
        assert_eq!(
            counts(&sim).await,
            ONE_OF_EACH,
            "{action}: no duplicate after a lost answer"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_kill_mid_wait_resumes_and_rollback_leaves_zero() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let inv = inventory(&sim).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    // Stop the whole apply 90 virtual seconds in: the endpoint and NLB are still being waited for.
    let killed = tokio::time::timeout(
        Duration::from_secs(90),
        engine::run(
            engine::Direction::Apply,
            &plan(),
            &inv,
            sim.clone() as Arc<dyn Account>,
            EngineOptions::aws(state.path().to_path_buf()),
            tx,
        ),
    )
    .await;
    assert!(killed.is_err(), "still waiting at 90 s");
    let j = Journal::load_or_new(state.path(), &plan().id).expect("journal readable after a kill");
    assert!(
        j.id_of(NodeId::Endpoint).is_some(),
        "the endpoint id was journaled"
    );
    let (resumed, _) = apply(&sim, state.path()).await;
    assert!(resumed.ok(), "{:?}", resumed.failures);
    assert_eq!(counts(&sim).await, ONE_OF_EACH);
    let d = destroy(&sim, state.path()).await;
    assert!(d.ok(), "{:?}", d.failures);
    assert_eq!(counts(&sim).await, NOTHING);
}

#[tokio::test(start_paused = true)]
async fn throttling_and_server_errors_are_ridden_out() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    sim.add_fault(FaultRule {
        probability: 0.3,
        ..FaultRule::always("*", Fault::Throttle)
    });
    sim.add_fault(FaultRule {
        probability: 0.05,
        ..FaultRule::always("*", Fault::ServerError)
    });
    let (out, _) = apply(&sim, state.path()).await;
    if !out.ok() {
        sim.clear_faults();
        let (resumed, _) = apply(&sim, state.path()).await;
        assert!(resumed.ok(), "{:?}", resumed.failures);
    }
    assert_eq!(counts(&sim).await, ONE_OF_EACH);
}

#[tokio::test]
async fn the_journal_is_private_atomic_and_a_corrupt_one_is_a_clear_error() {
    let state = tempfile::tempdir().expect("state");
    let mut j = Journal::new("fip-0000000001");
    j.prior.insert("vpc-dns".into(), "true,false".into());
    j.save(state.path()).expect("save");
    let path = Journal::path(state.path(), "fip-0000000001");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(
        Journal::load_or_new(state.path(), "fip-0000000001").expect("load"),
        j
    );
    // No temp file is left beside it.
    let others: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
        .expect("dir")
        .collect();
    assert_eq!(others.len(), 1);
    std::fs::write(&path, "{ torn").expect("write");
    let err = Journal::load_or_new(state.path(), "fip-0000000001")
        .expect_err("corrupt")
        .to_string();
    assert!(err.contains("damaged") && err.contains("tags"), "{err}");
}

/// The schedule: with AWS-like waits, the apply takes no longer than the graph's critical path
/// (each step's own duration, measured in the same run, summed along the longest dependency chain)
/// plus 5 %. Paused time: the figures are virtual and exact.
#[tokio::test(start_paused = true)]
async fn apply_time_is_the_critical_path() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let inv = inventory(&sim).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    let recorder = tokio::spawn(async move {
        let mut times = std::collections::BTreeMap::new();
        while let Some(e) = rx.recv().await {
            let at = start.elapsed();
            match e {
                EngineEvent::Started(n) => {
                    times.entry(n).or_insert((at, at)).0 = at;
                }
                EngineEvent::Done { node, .. } => {
                    times.entry(node).or_insert((at, at)).1 = at;
                }
                _ => {}
            }
        }
        times
    });
    let out = engine::run(
        engine::Direction::Apply,
        &plan(),
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.path().to_path_buf()),
        tx,
    )
    .await
    .expect("runs");
    let total = start.elapsed();
    assert!(out.ok(), "{:?}", out.failures);
    let times = recorder.await.expect("recorder");
    let nodes = engine::nodes_for(&plan());
    let present: BTreeSet<NodeId> = nodes.iter().copied().collect();
    // Longest path: nodes are in dependency order in NodeId::ALL.
    let mut finish: std::collections::BTreeMap<NodeId, Duration> = Default::default();
    for n in &nodes {
        let (s, d) = times[n];
        let own = d.saturating_sub(s);
        let ready = engine::deps_in(*n, &present)
            .iter()
            .map(|p| finish[p])
            .max()
            .unwrap_or_default();
        finish.insert(*n, ready + own);
    }
    let critical = finish.values().copied().max().unwrap_or_default();
    assert!(
        total.as_secs_f64() <= critical.as_secs_f64() * 1.05 + 0.5,
        "apply took {total:?}, critical path {critical:?}"
    );
    assert!(
        critical > Duration::from_secs(60),
        "AWS-like waits are in the model: {critical:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn stop_after_running_steps_then_resume() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let inv = inventory(&sim).await;
    let opts = EngineOptions::aws(state.path().to_path_buf());
    let stop = opts.stop.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // Ask to stop as soon as the first step is done.
    let watcher = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            if matches!(e, EngineEvent::Done { .. }) {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    let out = engine::run(
        engine::Direction::Apply,
        &plan(),
        &inv,
        sim.clone() as Arc<dyn Account>,
        opts,
        tx,
    )
    .await
    .expect("runs");
    let _ = watcher.await;
    assert!(!out.ok());
    assert!(
        out.failures
            .iter()
            .any(|f| f.to_string().contains("resume")),
        "{:?}",
        out.failures
    );
    assert!(counts(&sim).await != ONE_OF_EACH, "stopped early");
    let (resumed, _) = apply(&sim, state.path()).await;
    assert!(resumed.ok(), "{:?}", resumed.failures);
    assert_eq!(counts(&sim).await, ONE_OF_EACH);
}

/// A failure at any write, then roll back (destroy): nothing managed remains.
#[tokio::test(start_paused = true)]
async fn rollback_after_a_failure_at_every_write_leaves_zero() {
    for action in write_actions().await {
        let sim = sim();
        let state = tempfile::tempdir().expect("state");
        sim.add_fault(FaultRule::always(&action, Fault::AccessDenied));
        let (out, _) = apply(&sim, state.path()).await;
        assert!(!out.ok(), "{action}");
        sim.clear_faults();
        let d = destroy(&sim, state.path()).await;
        assert!(d.ok(), "{action}: {:?}", d.failures);
        assert_eq!(
            counts(&sim).await,
            NOTHING,
            "{action}: rollback leaves zero managed resources"
        );
    }
}

/// A record the plan replaced (by explicit choice) is put back by destroy, exactly as it was; a
/// plan that does not say "replace" refuses to overwrite it.
#[tokio::test(start_paused = true)]
async fn a_replaced_record_is_restored_by_destroy() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let inv = inventory(&sim).await;
    let mut p = plan();
    p.name = "api.example.com".into();
    p.id = fixedip_tui::plan::plan_id("123456789012", "us-east-1", "api.example.com");
    p.certificate_arn =
        "arn:aws:acm:us-east-1:123456789012:certificate/cff06bbc-291b-438b-9efc-33d92b3663f8"
            .into();
    let zone = "Z0150999TLFZEKJCOQEVC";
    let before = sim
        .list_records(zone, "api.example.com")
        .await
        .expect("records");
    assert_eq!(before.len(), 1, "the demo has an A alias to a legacy ALB");

    let run = |p: Plan| {
        let sim = sim.clone();
        let inv = inv.clone();
        let dir = state.path().to_path_buf();
        async move {
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            engine::run(
                engine::Direction::Apply,
                &p,
                &inv,
                sim as Arc<dyn Account>,
                EngineOptions::aws(dir),
                tx,
            )
            .await
            .expect("runs")
        }
    };
    let refused = run(p.clone()).await;
    assert!(
        refused
            .failures
            .iter()
            .any(|f| f.to_string().contains("does not replace records")),
        "{:?}",
        refused.failures
    );
    assert_eq!(
        sim.list_records(zone, "api.example.com")
            .await
            .expect("records"),
        before,
        "untouched"
    );

    p.replace_records = true;
    let out = run(p.clone()).await;
    assert!(out.ok(), "{:?}", out.failures);
    let now = sim
        .list_records(zone, "api.example.com")
        .await
        .expect("records");
    assert!(
        now[0]
            .alias_target
            .as_deref()
            .is_some_and(|t| t.contains("-nlb-")),
        "{now:?}"
    );

    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let d = engine::run(
        engine::Direction::Destroy,
        &p,
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.path().to_path_buf()),
        tx,
    )
    .await
    .expect("runs");
    assert!(d.ok(), "{:?}", d.failures);
    let after = sim
        .list_records(zone, "api.example.com")
        .await
        .expect("records");
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0].alias_target, before[0].alias_target,
        "the legacy ALB alias is back"
    );
    assert_eq!(after[0].alias_zone_id, before[0].alias_zone_id);
}

/// Throttling, 5xx and timeouts at each write: retried (the SDK's attempts, then the engine's
/// pacing) without duplicates.
#[tokio::test(start_paused = true)]
async fn transient_faults_at_every_write_are_retried_without_duplicates() {
    for action in write_actions().await {
        for (fault, times) in [
            (Fault::Throttle, 2),
            (Fault::ServerError, 2),
            (Fault::Timeout, 1),
        ] {
            let sim = sim();
            let state = tempfile::tempdir().expect("state");
            sim.add_fault(FaultRule::times(&action, fault, times));
            let (out, _) = apply(&sim, state.path()).await;
            assert!(out.ok(), "{action} {fault:?}: {:?}", out.failures);
            assert_eq!(counts(&sim).await, ONE_OF_EACH, "{action} {fault:?}");
        }
    }
}

/// After an apply, planning the same name again (the wizard's Draft) gives the same plan, and
/// validation does not take the plan's own endpoint, private zone or records for conflicts.
#[tokio::test(start_paused = true)]
async fn planning_the_same_name_again_after_apply_gives_the_same_plan() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, _) = apply(&sim, state.path()).await;
    assert!(out.ok(), "{:?}", out.failures);
    let mut inv = inventory(&sim).await;
    let p = plan();
    let private_zone = inv
        .hosted_zones
        .iter()
        .find(|z| z.private && z.name == p.name)
        .map(|z| z.id.clone())
        .expect("created zone");
    for z in [p.public_zone_id.clone(), private_zone] {
        inv.records
            .extend(sim.list_records(&z, &p.name).await.expect("records"));
    }
    let mut d = fixedip_tui::plan::Draft::with_defaults();
    d.choose_vpc(&inv, &p.vpc_id);
    assert!(
        d.reuse_endpoint.is_some(),
        "the VPC now has a private-DNS endpoint: the wizard offers it"
    );
    d.set_name(&inv, &p.name);
    d.certificate_arn = Some(p.certificate_arn.clone());
    d.allow_cidrs = p.allow_cidrs.clone();
    d.nlb_subnets = p.nlb_subnet_ids.clone();
    d.eips = p.eips.clone();
    let again = d.to_plan(&inv);
    assert_eq!(
        again.endpoint, p.endpoint,
        "its own endpoint stays owned (create), not reused"
    );
    assert_eq!(again, p);
    let findings = fixedip_tui::plan::validate(&again, &inv);
    let blocking = fixedip_tui::plan::validate::blocking(&again, &findings);
    assert!(blocking.is_empty(), "{blocking:#?}");
}

/// The account is the truth: what the journal says was made and the account no longer has
/// (deleted by hand) is said, forgotten and made again by the rerun, with what was built on it.
#[tokio::test(start_paused = true)]
async fn resources_deleted_behind_the_tools_back_are_made_again() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, _) = apply(&sim, state.path()).await;
    assert!(out.ok(), "{:?}", out.failures);
    let j = Journal::load_or_new(state.path(), &plan().id).expect("journal");
    let old_api = j.id_of(NodeId::Api).expect("api").to_string();
    let old_endpoint = j.id_of(NodeId::Endpoint).expect("endpoint").to_string();
    // A teammate deletes the REST API and the endpoint.
    tokio::time::advance(Duration::from_secs(60)).await;
    sim.delete_rest_api(&old_api).await.expect("deleted");
    sim.delete_vpc_endpoint(&old_endpoint)
        .await
        .expect("deleted");
    tokio::time::advance(Duration::from_secs(120)).await;

    let (again, events) = apply(&sim, state.path()).await;
    assert!(
        again.ok(),
        "the rerun goes on from the account: {:?}",
        again.failures
    );
    assert_eq!(counts(&sim).await, ONE_OF_EACH);
    for gone in [&old_api, &old_endpoint] {
        assert!(
            events.iter().any(|e| matches!(e, EngineEvent::Waiting { what, .. } if what.contains(gone.as_str()) && what.contains("gone from the account"))),
            "{gone}: the rerun says what disappeared"
        );
    }
    let j = Journal::load_or_new(state.path(), &plan().id).expect("journal");
    let api = j.id_of(NodeId::Api).expect("api").to_string();
    let endpoint = j.id_of(NodeId::Endpoint).expect("endpoint").to_string();
    assert_ne!(api, old_api);
    assert_ne!(endpoint, old_endpoint);
    // Built on the new ones: the mapping, the stage, the API's endpoint.
    let mappings = sim
        .get_base_path_mappings(&plan().name)
        .await
        .expect("mappings");
    assert!(
        mappings.iter().all(|m| m.rest_api_id == api),
        "{mappings:?}"
    );
    let state_of_api = sim
        .get_rest_api(&api)
        .await
        .expect("read")
        .expect("the new API");
    assert_eq!(state_of_api.vpc_endpoint_ids, vec![endpoint]);
    assert!(state_of_api.stages.iter().any(|(s, _)| s == "prod"));
}

/// A destroy whose NLB deletion is refused keeps what the NLB still uses (its security group)
/// instead of trying it until the endpoint timeout (AWS answers DependencyViolation while the NLB
/// holds it), removes everything else, and says why; run again once the refusal is gone, it
/// removes the rest.
#[tokio::test(start_paused = true)]
async fn a_failed_removal_keeps_what_it_uses_and_a_second_destroy_finishes() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, _) = apply(&sim, state.path()).await;
    assert!(out.ok(), "{:?}", out.failures);
    let delete_nlb = "elasticloadbalancing:DeleteLoadBalancer";
    sim.add_fault(FaultRule::always(delete_nlb, Fault::AccessDenied));
    let start = tokio::time::Instant::now();
    let (d, events) = destroy_said(&sim, state.path()).await;
    let took = start.elapsed();
    assert!(
        matches!(
            d.failures.as_slice(),
            [engine::EngineError::Node {
                node: NodeId::Nlb,
                ..
            }]
        ),
        "only the NLB fails: {:?}",
        d.failures
    );
    let kept = events.iter().find_map(|e| match e {
        EngineEvent::Skipped { node, why } if *node == NodeId::NlbSg => Some(why.clone()),
        _ => None,
    });
    assert!(
        kept.as_deref()
            .is_some_and(|w| w.contains("Network Load Balancer") && w.contains("destroy again")),
        "the NLB's security group is kept, and why: {kept:?}"
    );
    let endpoint_timeout = EngineOptions::aws(state.path().to_path_buf()).endpoint_timeout;
    assert!(
        took < endpoint_timeout,
        "no wait for a deletion AWS would refuse: {took:?}"
    );
    let left = counts(&sim).await;
    assert_ne!(left, NOTHING, "the NLB is still there");
    sim.clear_faults();
    let again = destroy(&sim, state.path()).await;
    assert!(again.ok(), "{:?}", again.failures);
    assert_eq!(counts(&sim).await, NOTHING);
}
