//! Destroy on the simulated account, under paused tokio time: every step of the plan ends done,
//! skipped (with why) or failed — in the engine's events and on the progress screen fed with
//! them — and every call that changes the account is said as a `call` event (what `destroy
//! --json` prints and the screen's AWS calls pane shows).

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;

use fixedip_tui::app::apply::{ApplyView, Mode, NodeView};
use fixedip_tui::cloud::sim::SimCloud;
use fixedip_tui::discovery;
use fixedip_tui::engine::{self, Account, EngineEvent, EngineOptions, NodeId};
use fixedip_tui::plan::{EipChoice, Plan};

fn plan() -> Plan {
    Plan {
        eips: EipChoice::New,
        ..common::clean::clean_plan()
    }
}

async fn run(
    sim: &Arc<SimCloud>,
    state: &std::path::Path,
    destroy: bool,
    release_eips: bool,
) -> (engine::Outcome, Vec<EngineEvent>) {
    let inv = discovery::collect(sim.clone()).await;
    let opts = EngineOptions {
        release_eips,
        command_prefix: "fixedip-tui --demo".into(),
        ..EngineOptions::aws(state.to_path_buf())
    };
    let acct = sim.clone() as Arc<dyn Account>;
    let (out, events) =
        common::engine_run(engine::Direction::of(destroy), &plan(), &inv, acct, opts).await;
    (out, events)
}

/// How each step ended, from the events (the last word of each step).
fn endings(events: &[EngineEvent]) -> BTreeMap<NodeId, String> {
    let mut end = BTreeMap::new();
    for e in events {
        match e {
            EngineEvent::Done { node, .. } => {
                end.insert(*node, "done".to_string());
            }
            EngineEvent::Skipped { node, why } => {
                end.insert(*node, format!("skipped: {why}"));
            }
            EngineEvent::Failed { node, .. } => {
                end.insert(*node, "failed".to_string());
            }
            _ => {}
        }
    }
    end
}

/// Writes only (reads are not said as calls): the sim logs IAM actions.
fn is_write(action: &str) -> bool {
    let (_, op) = action.split_once(':').unwrap_or_default();
    !(op.starts_with("Describe")
        || op.starts_with("List")
        || op.starts_with("Get")
        || op == "GET"
        || action == "sts:GetCallerIdentity")
}

/// The `aws` CLI service of an IAM action's service.
fn cli_service(action: &str) -> &'static str {
    match action.split_once(':').map(|(s, _)| s) {
        Some("ec2") => "ec2",
        Some("apigateway") => "apigateway",
        Some("elasticloadbalancing") => "elbv2",
        Some("route53") => "route53",
        _ => "other",
    }
}

fn count_by_service<'a>(items: impl Iterator<Item = &'a str>) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for s in items {
        *m.entry(cli_service(s)).or_insert(0) += 1;
    }
    m
}

#[tokio::test(start_paused = true)]
async fn every_destroy_step_ends_and_every_write_is_said_as_a_call() {
    let sim = common::realistic_sim();
    let state = tempfile::tempdir().expect("state");
    let (applied, _) = run(&sim, state.path(), false, false).await;
    assert!(applied.ok(), "{:?}", applied.failures);

    for release in [false, true] {
        let before = sim.call_log().calls.len();
        let (out, events) = run(&sim, state.path(), true, release).await;
        assert!(out.ok(), "{:?}", out.failures);

        // Every step of the plan ends: done or skipped (with why) — nothing left waiting.
        let end = endings(&events);
        let steps = engine::destroy_steps(&plan(), None);
        for n in &steps {
            assert!(end.contains_key(n), "{n:?} never ended: {end:#?}");
        }
        for n in [
            NodeId::Targets,
            NodeId::Listener,
            NodeId::Deployment,
            NodeId::Ping,
        ] {
            assert!(
                end[&n].starts_with("skipped: deleted with")
                    || end[&n].starts_with("skipped: deregistered with"),
                "{n:?}: {}",
                end[&n]
            );
        }
        if release {
            assert_eq!(end[&NodeId::Eips], "done", "released");
            // The rest was gone already: said so, not "done".
            assert!(
                end[&NodeId::Nlb].contains("already gone"),
                "{}",
                end[&NodeId::Nlb]
            );
        } else {
            assert_eq!(end[&NodeId::Nlb], "done");
            let kept = &end[&NodeId::Eips];
            assert!(
                kept.contains("Elastic IPs kept")
                    && kept.contains("$10.95/month")
                    && kept.contains(
                        "`fixedip-tui --demo destroy --plan-id fip-9729d0a60e --yes --release-eips` releases them"
                    ),
                "{kept}"
            );
        }

        // Every call that changed the account was said, service by service.
        let log = sim.call_log().calls;
        let writes = count_by_service(
            log[before..]
                .iter()
                .map(String::as_str)
                .filter(|a| is_write(a)),
        );
        let said: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                EngineEvent::Call { command, .. } => Some(command.as_str()),
                _ => None,
            })
            .collect();
        let said_by_service = {
            let mut m = BTreeMap::new();
            for c in &said {
                let service = c
                    .strip_prefix("aws --region us-east-1 ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .unwrap_or("unknown");
                let service: &'static str = match service {
                    "ec2" => "ec2",
                    "apigateway" => "apigateway",
                    "elbv2" => "elbv2",
                    "route53" => "route53",
                    _ => "unknown",
                };
                *m.entry(service).or_insert(0) += 1;
            }
            m
        };
        assert!(!said.is_empty());
        assert_eq!(
            said_by_service,
            writes,
            "release {release}: calls said {said:#?}\nwrites in the account's log {:#?}",
            &log[before..]
        );

        // The progress screen fed with these events ends with no row waiting or running.
        let mut view = ApplyView::new(plan(), Mode::Destroy, 0);
        for (i, e) in events.iter().enumerate() {
            view.on_event(i as u64 * 100, e.clone());
        }
        for (n, v) in &view.nodes {
            assert!(
                matches!(v, NodeView::Done { .. } | NodeView::Skipped { .. }),
                "{n:?} is {v:?}"
            );
        }
        assert_eq!(view.done_count(), view.nodes.len());
        assert!(
            !view.log.is_empty(),
            "the AWS calls pane shows destroy's calls"
        );
    }
}
