//! Snapshots of the apply progress screen in each step state, of the result, of a stopped run and
//! of destroy; plus the update flow of the apply keys.

use crate::common;

use fixedip_tui::app::apply::{ApplyView, Mode, NodeView};
use fixedip_tui::app::{self, Cmd, Model, Msg};
use fixedip_tui::cloud::{CloudError, ErrorKind};
use fixedip_tui::engine::{EngineEvent, Journal, NodeId, NodeRecord, NodeStatus};
use fixedip_tui::ui::{self, theme::Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn snap(name: &str, model: &Model) {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        t.draw(|f| ui::render(f, model, &Theme::COLOR))
            .expect("draw");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

async fn model_applying() -> Model {
    let mut m = common::loaded_demo_model().await;
    m.apply = Some(ApplyView::new(common::clean::clean_plan(), Mode::Apply, 0));
    m
}

fn ev(m: &mut Model, at_ms: u64, event: EngineEvent) {
    app::update(m, Msg::Engine { at_ms, event });
}

fn mid_run(m: &mut Model) {
    ev(m, 100, EngineEvent::Started(NodeId::EndpointSg));
    ev(m, 900, EngineEvent::Call { node: NodeId::EndpointSg, command: "aws --region us-east-1 ec2 create-security-group --vpc-id vpc-0135f36302291c303 --group-name fip-9729d0a60e-vpce-sg".into() });
    ev(
        m,
        1500,
        EngineEvent::Done {
            node: NodeId::EndpointSg,
            summary: "sg-0abc: TCP 443 from 10.20.0.0/24, 10.20.1.0/24, 10.20.2.0/24".into(),
        },
    );
    ev(m, 1600, EngineEvent::Started(NodeId::Endpoint));
    ev(
        m,
        2600,
        EngineEvent::Done {
            node: NodeId::Endpoint,
            summary: "vpce-0123 (pending)".into(),
        },
    );
    ev(m, 2700, EngineEvent::Started(NodeId::EndpointReady));
    ev(
        m,
        2800,
        EngineEvent::Waiting {
            node: NodeId::EndpointReady,
            what: "vpce-0123 to become available".into(),
        },
    );
    ev(m, 3000, EngineEvent::Started(NodeId::Nlb));
    ev(
        m,
        3100,
        EngineEvent::Waiting {
            node: NodeId::Nlb,
            what: "fip-9729d0a60e-nlb to become active".into(),
        },
    );
    app::update(m, Msg::Clock(64_000));
}

#[tokio::test]
async fn progress_in_each_state() {
    let m = model_applying().await;
    snap("apply_all_waiting", &m);
    let mut m = model_applying().await;
    mid_run(&mut m);
    snap("apply_running", &m);
    ev(
        &mut m,
        65_000,
        EngineEvent::Failed {
            node: NodeId::Nlb,
            error: CloudError::new(
                ErrorKind::AccessDenied,
                "elasticloadbalancing:CreateLoadBalancer",
                "not authorized",
            )
            .with_code("AccessDenied"),
        },
    );
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 66_000,
            journal: None,
            error: Some("Network Load Balancer failed: not authorized".into()),
        },
    );
    snap("apply_failed", &m);
}

#[tokio::test]
async fn result_with_the_fixed_ips_then_destroy() {
    let mut m = model_applying().await;
    let mut j = Journal::new("fip-9729d0a60e");
    let rec = |id: &str, data: &[(&str, &str)]| NodeRecord {
        status: NodeStatus::Done,
        id: Some(id.into()),
        owned: true,
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    j.nodes.insert(
        NodeId::Nlb,
        rec(
            "arn:nlb",
            &[
                ("dns", "fip-9729d0a60e-nlb-0123.elb.us-east-1.amazonaws.com"),
                ("addresses", "3.118.67.123,3.162.164.235,3.128.96.238"),
            ],
        ),
    );
    j.nodes.insert(NodeId::Endpoint, rec("vpce-0123", &[]));
    j.nodes.insert(
        NodeId::EndpointReady,
        rec(
            "vpce-0123",
            &[
                ("ips", "10.20.19.98,10.20.41.103,10.20.52.239"),
                (
                    "dns",
                    "vpce-0123-abcd.execute-api.us-east-1.vpce.amazonaws.com",
                ),
            ],
        ),
    );
    j.nodes.insert(NodeId::Api, rec("fm0xv4wozn", &[]));
    j.nodes
        .insert(NodeId::PrivateZone, rec("Z0HFB8UV60VFDNWBOHKOK", &[]));
    let nodes: Vec<NodeId> = m
        .apply
        .as_ref()
        .map(|a| a.nodes.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    for (i, n) in nodes.iter().enumerate() {
        ev(&mut m, i as u64 * 1000, EngineEvent::Started(*n));
        ev(
            &mut m,
            i as u64 * 1000 + 800,
            EngineEvent::Done {
                node: *n,
                summary: format!("{} ready", n.title()),
            },
        );
    }
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 24_000,
            journal: Some(Box::new(j)),
            error: None,
        },
    );
    assert!(!m.animating(), "nothing animates once finished");
    snap("apply_result", &m);

    // D asks for the name, then destroys what the plan created.
    let cmds = common::keys(&mut m, "D");
    assert!(cmds.is_empty());
    common::keys(&mut m, "t:wrong.example.com ENT");
    assert!(m.flash.as_deref().is_some_and(|f| f.contains("exactly")));
    snap("destroy_confirm", &m);
    // The runner's clock at the keys (`update_at`): the destroy's clock starts at its Enter.
    app::update(&mut m, Msg::Clock(29_000));
    let cmds = common::keys(&mut m, "ESC D t:fixed.example.com ENT");
    assert!(matches!(cmds.as_slice(), [Cmd::Destroy(_)]), "{cmds:?}");
    assert!(m
        .apply
        .as_ref()
        .is_some_and(|a| a.mode == Mode::Destroy && a.running()));
    ev(&mut m, 30_000, EngineEvent::Started(NodeId::PublicRecord));
    ev(&mut m, 30_100, EngineEvent::Call { node: NodeId::PublicRecord, command: "aws --region us-east-1 route53 change-resource-record-sets --hosted-zone-id Z0150999TLFZEKJCOQEVC --change-batch 'DELETE A fixed.example.com ALIAS fip-9729d0a60e-nlb-0123.elb.us-east-1.amazonaws.com'".into() });
    snap("destroy_running", &m);
    destroy_events(&mut m, 31_000);
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 40_000,
            journal: None,
            error: None,
        },
    );
    snap("destroy_done", &m);
    let cmds = common::keys(&mut m, "ESC");
    assert!(m.apply.is_none());
    // Back on the VPC list, which is read again (it shows what the run changed).
    assert!(m.wizard.is_none());
    assert!(
        matches!(
            cmds.as_slice(),
            [Cmd::Discover { .. }, Cmd::ReadSetups { .. }]
        ),
        "{cmds:?}"
    );
}

/// What a destroy says of each of its steps, from `at_ms` on: removed ones done (with their call;
/// the endpoint's deletion waited for and retried), the ones that go with a parent skipped.
fn destroy_events(m: &mut Model, at_ms: u64) {
    let release = m.apply.as_ref().is_some_and(|a| a.release_eips);
    let steps: Vec<NodeId> = m
        .apply
        .as_ref()
        .map(|a| a.nodes.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    let mut t = at_ms;
    for n in steps {
        t += 500;
        let with_parent = match n {
            NodeId::Targets => Some("deregistered with the target group"),
            NodeId::Listener => Some("deleted with the NLB"),
            NodeId::Deployment | NodeId::Ping => Some("deleted with the REST API"),
            NodeId::EndpointReady => {
                Some("nothing to remove (this step only read the endpoint's IPs)")
            }
            _ => None,
        };
        if let Some(why) = with_parent {
            ev(
                m,
                t,
                EngineEvent::Skipped {
                    node: n,
                    why: why.into(),
                },
            );
            continue;
        }
        if n == NodeId::Eips && !release {
            ev(m, t, EngineEvent::Skipped { node: n, why: "Elastic IPs kept: 3.118.67.123, 3.162.164.235, 3.128.96.238 — the partner's allow-list stays valid; they cost $10.95/month while allocated (3 IPs × 730 h × $0.005); `fixedip-tui --demo destroy --plan-id fip-9729d0a60e --yes --release-eips` releases them".into() });
            continue;
        }
        ev(m, t, EngineEvent::Started(n));
        let call = EngineEvent::Call {
            node: n,
            command: format!("aws --region us-east-1 delete {}", n.title()),
        };
        ev(m, t + 100, call.clone());
        if n == NodeId::NlbSg {
            // Refused while the NLB's interfaces linger: the same call again, counted.
            for i in 0..4 {
                ev(m, t + 150 + i * 50, call.clone());
            }
        }
        ev(
            m,
            t + 400,
            EngineEvent::Done {
                node: n,
                summary: format!("{} deleted", n.title()),
            },
        );
    }
}

/// A journal of the clean plan applied with new Elastic IPs.
fn applied_journal(eips: bool) -> Journal {
    let mut j = Journal::new("fip-9729d0a60e");
    let rec = |id: &str, data: &[(&str, &str)]| NodeRecord {
        status: NodeStatus::Done,
        id: Some(id.into()),
        owned: true,
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    j.nodes.insert(
        NodeId::Nlb,
        rec(
            "arn:nlb",
            &[
                ("dns", "fip-9729d0a60e-nlb-0123.elb.us-east-1.amazonaws.com"),
                ("addresses", "3.118.67.123,3.162.164.235,3.128.96.238"),
            ],
        ),
    );
    if eips {
        j.nodes.insert(
            NodeId::Eips,
            rec(
                "eipalloc-1,eipalloc-2,eipalloc-3",
                &[("ips", "3.118.67.123,3.162.164.235,3.128.96.238")],
            ),
        );
    }
    j
}

/// The clean plan with new Elastic IPs (the default), applied: its result screen.
async fn applied_with_eips() -> Model {
    let mut m = common::loaded_demo_model().await;
    let plan = fixedip_tui::plan::Plan {
        eips: fixedip_tui::plan::EipChoice::New,
        ..common::clean::clean_plan()
    };
    m.apply = Some(ApplyView::new(plan, Mode::Apply, 0).scaled(m.time_scale));
    let steps: Vec<NodeId> = m
        .apply
        .as_ref()
        .map(|a| a.nodes.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default();
    for (i, n) in steps.iter().enumerate() {
        ev(&mut m, i as u64 * 1000, EngineEvent::Started(*n));
        ev(
            &mut m,
            i as u64 * 1000 + 800,
            EngineEvent::Done {
                node: *n,
                summary: format!("{} ready", n.title()),
            },
        );
    }
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 21_000,
            journal: Some(Box::new(applied_journal(true))),
            error: None,
        },
    );
    m
}

/// The Elastic IPs said the same way in the destroy dialog and on the result after it (kept, what
/// they cost a month, how to release them: R there); R asks for the name, then releases them.
#[tokio::test]
async fn destroy_keeps_the_elastic_ips_and_r_releases_them() {
    let mut m = applied_with_eips().await;
    common::keys(&mut m, "D");
    snap("destroy_confirm_eips", &m);
    let cmds = common::keys(&mut m, "t:fixed.example.com ENT");
    assert!(matches!(cmds.as_slice(), [Cmd::Destroy(_)]), "{cmds:?}");
    app::update_at(&mut m, 30_000, Msg::Tick);
    destroy_events(&mut m, 30_000);
    let mut after = applied_journal(true);
    for r in after.nodes.values_mut() {
        if r.id.as_deref() != Some("eipalloc-1,eipalloc-2,eipalloc-3") {
            r.status = NodeStatus::Removed;
        }
    }
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 41_000,
            journal: Some(Box::new(after.clone())),
            error: None,
        },
    );
    let a = m.apply.as_ref().expect("the destroy view");
    assert!(
        a.nodes
            .iter()
            .all(|(_, v)| matches!(v, NodeView::Done { .. } | NodeView::Skipped { .. })),
        "every step ended: {:?}",
        a.nodes
    );
    snap("destroy_done_eips_kept", &m);

    // R: the typed confirmation, then the release (a destroy that releases them).
    let cmds = common::keys(&mut m, "R");
    assert!(cmds.is_empty());
    snap("release_eips_confirm", &m);
    let cmds = common::keys(&mut m, "t:fixed.example.com ENT");
    assert!(matches!(cmds.as_slice(), [Cmd::ReleaseEips(_)]), "{cmds:?}");
    assert!(m
        .apply
        .as_ref()
        .is_some_and(|a| a.mode == Mode::Destroy && a.release_eips && a.running()));
    destroy_events(&mut m, 50_000);
    for r in after.nodes.values_mut() {
        r.status = NodeStatus::Removed;
    }
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 53_000,
            journal: Some(Box::new(after)),
            error: None,
        },
    );
    let a = m.apply.as_ref().expect("the release view");
    assert!(!a.eips_kept());
    let cmds = common::keys(&mut m, "R");
    assert!(
        cmds.is_empty()
            && m.apply
                .as_ref()
                .is_some_and(|a| a.destroy_confirm.is_none()),
        "nothing left to release"
    );
    snap("release_eips_done", &m);
}

/// The clock starts when the apply starts (not when the app did, nor at the last frame drawn
/// before it) and stops when it ends.
#[tokio::test]
async fn the_clock_starts_at_apply_start_and_stops_at_the_end() {
    let mut m = common::loaded_demo_model().await;
    m.apply = Some(ApplyView::new(common::clean::clean_plan(), Mode::Apply, 0).scaled(0.05));
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 2_000,
            journal: None,
            error: Some("stopped".into()),
        },
    );
    // Ten minutes on the stopped run's screen (nothing animates, no clock message), then r.
    let cmds = app::update_at(
        &mut m,
        602_000,
        Msg::Term(crossterm::event::Event::Key(
            crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('r'),
                crossterm::event::KeyModifiers::NONE,
            ),
        )),
    );
    assert!(matches!(cmds.as_slice(), [Cmd::Apply(_)]), "{cmds:?}");
    let headline = |m: &Model| {
        fixedip_tui::ui::screens::apply::headline(m.apply.as_ref().expect("the apply view"))
    };
    ev(&mut m, 602_100, EngineEvent::Started(NodeId::EndpointSg));
    app::update_at(&mut m, 605_000, Msg::Tick);
    assert!(headline(&m).contains("· 3s"), "{}", headline(&m));
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 621_000,
            journal: None,
            error: None,
        },
    );
    app::update_at(&mut m, 700_000, Msg::Tick);
    assert!(
        headline(&m).contains("applied in 19s"),
        "the clock stopped at the end: {}",
        headline(&m)
    );
}

/// The estimate is the critical path of what is left (AWS timings here: the apply's events are
/// a minute apart), counts what running steps have run, and moves every second — down while the
/// steps keep to their model, up when one overruns it.
#[tokio::test]
async fn the_time_left_follows_the_critical_path_and_never_sits_still() {
    let mut m = model_applying().await;
    mid_run(&mut m);
    let at = |m: &mut Model, ms: u64| {
        app::update(m, Msg::Clock(ms));
        let a = m.apply.as_ref().expect("the apply view");
        (
            fixedip_tui::ui::screens::apply::headline(a),
            a.remaining_ms().unwrap_or_default(),
        )
    };
    // NLB security group 2 s (not started here) + the NLB's 180 s less its 61 s + listener 2 +
    // targets 180 + public record 35.
    assert!(at(&mut m, 64_000).0.ends_with("1m04s · ~5m38s left"));
    assert!(at(&mut m, 65_000).0.ends_with("1m05s · ~5m37s left"));
    let mut before = at(&mut m, 65_000).1;
    for s in 66..400 {
        let now = at(&mut m, s * 1000).1;
        assert_ne!(now, before, "the estimate sat still at {s} s");
        before = now;
    }
    // At 400 s both waits overran their model (NLB 3 min, endpoint ~2 min): the estimate went up.
    assert!(at(&mut m, 400_000).1 > at(&mut m, 200_000).1);
}

/// At the demo's speed (× 0.05): the model's minutes are seconds.
#[tokio::test]
async fn progress_at_the_demo_speed() {
    let mut m = common::loaded_demo_model().await;
    m.apply =
        Some(ApplyView::new(common::clean::clean_plan(), Mode::Apply, 0).scaled(m.time_scale));
    for n in [
        NodeId::EndpointSg,
        NodeId::NlbSg,
        NodeId::Domain,
        NodeId::TargetGroup,
        NodeId::PrivateZone,
    ] {
        ev(&mut m, 10, EngineEvent::Started(n));
        ev(
            &mut m,
            120,
            EngineEvent::Done {
                node: n,
                summary: format!("{} ready", n.title()),
            },
        );
    }
    ev(&mut m, 130, EngineEvent::Started(NodeId::Endpoint));
    ev(
        &mut m,
        230,
        EngineEvent::Done {
            node: NodeId::Endpoint,
            summary: "vpce-0123 (pending)".into(),
        },
    );
    ev(&mut m, 240, EngineEvent::Started(NodeId::EndpointReady));
    ev(
        &mut m,
        240,
        EngineEvent::Waiting {
            node: NodeId::EndpointReady,
            what: "vpce-0123 to become available".into(),
        },
    );
    ev(&mut m, 130, EngineEvent::Started(NodeId::Nlb));
    ev(
        &mut m,
        140,
        EngineEvent::Waiting {
            node: NodeId::Nlb,
            what: "fip-9729d0a60e-nlb to become active".into(),
        },
    );
    app::update(&mut m, Msg::Clock(4_000));
    snap("apply_demo_speed", &m);
    let a = m.apply.as_ref().expect("the apply view");
    // NLB 9 s less its 3.87 s, listener 0.1, targets 9, public record 1.75.
    assert_eq!(a.remaining_ms(), Some(5_130 + 100 + 9_000 + 1_750));
}

#[tokio::test]
async fn apply_starts_from_the_confirmed_review_only() {
    let sim = common::demo_sim();
    let mut m = common::loaded_demo_model().await;
    // The issue's clean path: 7 Enters and two typed values to the review.
    common::keys(&mut m, "ENT ENT ENT t:fixed.example.com ENT ENT");
    let cmds = common::keys(&mut m, "t:203.0.113.0/24 ENT");
    common::answer_lookups(&mut m, &sim, &cmds);
    common::keys(&mut m, "ENT");
    assert_eq!(
        m.wizard.as_ref().map(|w| w.step),
        Some(fixedip_tui::plan::Step::Review)
    );
    let cmds = common::keys(&mut m, "A");
    assert!(
        cmds.is_empty(),
        "not before the typed confirmation: A asks for the name"
    );
    let cmds = common::keys(&mut m, "t:fixed.example.co ENT");
    assert!(cmds.is_empty(), "a wrong name applies nothing: {cmds:?}");
    let cmds = common::keys(&mut m, "t:m ENT");
    assert!(
        matches!(cmds.as_slice(), [Cmd::Apply(p)] if p.name == "fixed.example.com"),
        "the name typed once applies: {cmds:?}"
    );
    assert!(m.apply.is_some() && m.animating());
}

#[tokio::test]
async fn ctrl_c_during_apply_asks_stop_or_abort() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut m = model_applying().await;
    mid_run(&mut m);
    let ctrl_c = Msg::Term(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    app::update(&mut m, ctrl_c.clone());
    assert!(!m.quit && m.apply.as_ref().is_some_and(|a| a.stop_question));
    snap("apply_stop_question", &m);
    common::keys(&mut m, "ESC");
    assert!(m.apply.as_ref().is_some_and(|a| !a.stop_question));
    common::keys(&mut m, "q");
    let cmds = common::keys(&mut m, "s");
    assert_eq!(cmds, vec![Cmd::StopAfterRunning]);
    assert!(m.apply.as_ref().is_some_and(|a| a.stopping) && !m.quit);
    app::update(&mut m, ctrl_c.clone());
    app::update(&mut m, ctrl_c);
    assert!(m.quit, "a second Ctrl-C aborts now");
}

/// Once a stop-after-running has stopped, the footer offers what can be done (r resumes, D rolls
/// back), not "stopping…" forever.
#[tokio::test]
async fn a_stopped_run_shows_resume_and_rollback_in_the_footer() {
    let mut m = model_applying().await;
    mid_run(&mut m);
    common::keys(&mut m, "q");
    assert_eq!(common::keys(&mut m, "s"), vec![Cmd::StopAfterRunning]);
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 5_000,
            journal: None,
            error: Some("stopped after the running steps".into()),
        },
    );
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("term");
    t.draw(|f| fixedip_tui::ui::render(f, &m, &fixedip_tui::ui::theme::Theme::COLOR))
        .expect("draw");
    let screen = format!("{:?}", t.backend());
    assert!(
        screen.contains("r retry") && screen.contains("D roll back"),
        "{screen}"
    );
    assert!(!screen.contains("stopping after"), "{screen}");
}

#[tokio::test]
async fn a_failed_run_offers_retry_and_rollback() {
    let mut m = model_applying().await;
    mid_run(&mut m);
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 70_000,
            journal: None,
            error: Some("stopped".into()),
        },
    );
    let cmds = common::keys(&mut m, "r");
    assert!(
        matches!(cmds.as_slice(), [Cmd::Apply(_)]),
        "retry resumes: {cmds:?}"
    );
    app::update(
        &mut m,
        Msg::EngineFinished {
            at_ms: 80_000,
            journal: None,
            error: Some("stopped again".into()),
        },
    );
    let cmds = common::keys(&mut m, "D t:fixed.example.com ENT");
    assert!(
        matches!(cmds.as_slice(), [Cmd::Destroy(_)]),
        "rollback: {cmds:?}"
    );
}
