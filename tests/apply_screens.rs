//! Snapshots of the apply progress screen in each step state, of the result, of a stopped run and
//! of destroy; plus the update flow of the apply keys.

mod common;

use fixedip_tui::app::apply::{ApplyView, Mode};
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
    let cmds = common::keys(&mut m, "ESC D t:fixed.example.com ENT");
    assert!(matches!(cmds.as_slice(), [Cmd::Destroy(_)]), "{cmds:?}");
    assert!(m
        .apply
        .as_ref()
        .is_some_and(|a| a.mode == Mode::Destroy && a.running()));
    ev(&mut m, 30_000, EngineEvent::Started(NodeId::PublicRecord));
    snap("destroy_running", &m);
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
        matches!(cmds.as_slice(), [Cmd::Discover { .. }]),
        "{cmds:?}"
    );
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
