//! Snapshots of every screen state at 80×24 and 120×40.

use crate::common;

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fixedip_tui::app::{self, Model, Msg};
use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud, SimOptions};
use fixedip_tui::cloud::sim_data::SimAccount;
use fixedip_tui::cloud::{CloudError, ErrorKind};
use fixedip_tui::discovery::{Event as DEvent, Source, SourceData};
use fixedip_tui::ui::{self, theme::Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn draw(model: &Model, w: u16, h: u16) -> TestBackend {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| ui::render(f, model, &Theme::COLOR))
        .expect("draw");
    t.backend().clone()
}

fn snap(name: &str, model: &Model) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), draw(model, w, h));
    }
}

fn key(m: &mut Model, code: KeyCode) -> Vec<app::Cmd> {
    app::update(
        m,
        Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
    )
}

fn type_str(m: &mut Model, s: &str) {
    for c in s.chars() {
        key(m, KeyCode::Char(c));
    }
}

#[test]
fn connecting() {
    snap("connecting", &Model::new(None));
}

#[test]
fn no_credentials() {
    let mut m = Model::new(None);
    app::update(
        &mut m,
        Msg::ConnectFailed(CloudError::new(
            ErrorKind::NoCredentials,
            "sts:GetCallerIdentity",
            "no credentials in the environment, ~/.aws or the instance role",
        )),
    );
    snap("no_credentials", &m);
}

/// The demo's model after the discovery events `keep` lets through, then `progress` of a source.
async fn partly_discovered(keep: impl Fn(&DEvent) -> bool, progress: (Source, usize)) -> Model {
    let sim = common::demo_sim();
    let events = common::discovery_events(Arc::new(common::demo_sim())).await;
    let (source, loaded) = progress;
    let partial: Vec<DEvent> = (events.into_iter().filter(|e| keep(e)))
        .chain([DEvent::Progress { source, loaded }])
        .collect();
    common::model_with(&sim, &partial)
}

#[tokio::test]
async fn loading() {
    // Identity and VPCs arrived; subnets have read one page; the rest still loading.
    let m = partly_discovered(
        |e| matches!(e, DEvent::Loaded(d) if matches!(d.source(), Source::Identity | Source::Vpcs)),
        (Source::Subnets, 12),
    )
    .await;
    snap("loading", &m);
}

/// The VPCs as listed, their DNS attributes still being read: the list shows them (DNS `…`),
/// the detail says the attributes are being read.
#[tokio::test]
async fn vpcs_listed_attributes_reading() {
    let m = partly_discovered(
        |e| match e {
            DEvent::Loaded(d) => d.source() == Source::Identity,
            DEvent::Listed(d) => d.source() == Source::Vpcs,
            _ => false,
        },
        (Source::Vpcs, 4),
    )
    .await;
    snap("vpcs_listed", &m);
}

#[tokio::test]
async fn loaded() {
    let m = common::loaded_demo_model().await;
    snap("loaded", &m);
}

#[tokio::test]
async fn loaded_selection_moved() {
    let mut m = common::loaded_demo_model().await;
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Char('j'));
    snap("loaded_prod_core", &m);
}

#[tokio::test]
async fn filter_editing_and_no_match() {
    let mut m = common::loaded_demo_model().await;
    key(&mut m, KeyCode::Char('/'));
    type_str(&mut m, "sand");
    snap("filter_editing", &m);
    type_str(&mut m, "zzz");
    snap("filter_no_match", &m);
}

/// A search still under way (a list longer than a keystroke's share): the query is echoed with
/// `searching…`, the list still shows the last matches; the search completes between keys.
#[tokio::test]
async fn filter_searching() {
    let mut m = common::loaded_demo_model().await;
    m.work_budget = fixedip_tui::app::filter::Budget::rows(1);
    key(&mut m, KeyCode::Char('/'));
    let before = m.visible.clone();
    type_str(&mut m, "sand");
    assert!(m.searching());
    assert_eq!(m.visible, before, "the list waits for the search");
    snap("filter_searching", &m);
    while m.searching() {
        app::update(&mut m, Msg::Work);
    }
    assert_eq!(m.visible, app::filter_vpcs(&m.inventory.vpcs, "sand"));
    for (w, h) in SIZES {
        let mut done = common::loaded_demo_model().await;
        key(&mut done, KeyCode::Char('/'));
        type_str(&mut done, "sand");
        assert_eq!(
            draw(&m, w, h),
            draw(&done, w, h),
            "the same frame as at once"
        );
    }
}

#[tokio::test]
async fn filter_kept() {
    let mut m = common::loaded_demo_model().await;
    key(&mut m, KeyCode::Char('/'));
    type_str(&mut m, "10.20");
    key(&mut m, KeyCode::Enter);
    snap("filter_kept", &m);
}

#[tokio::test]
async fn help_overlay() {
    let mut m = common::loaded_demo_model().await;
    key(&mut m, KeyCode::Char('?'));
    snap("help", &m);
}

#[tokio::test]
async fn empty_account() {
    let demo = common::demo_sim();
    let identity = demo.with_account(|a| a.identity.clone());
    let sim = Arc::new(SimCloud::new(
        SimAccount {
            region: "eu-west-1".into(),
            identity,
            ..SimAccount::default()
        },
        SimOptions::instant(),
    ));
    let events = common::discovery_events(sim.clone()).await;
    snap("empty", &common::model_with(sim.as_ref(), &events));
}

#[tokio::test]
async fn per_source_errors() {
    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always(
        "acm:ListCertificates",
        Fault::AccessDenied,
    ));
    sim.add_fault(FaultRule::always(
        "route53:ListHostedZones",
        Fault::Throttle,
    ));
    let events = common::discovery_events(sim.clone()).await;
    let m = common::model_with(sim.as_ref(), &events);
    assert!(m.inventory.certificates.is_empty());
    assert_eq!(
        m.inventory.vpcs.len(),
        4,
        "a denied ACM must not hide the VPCs"
    );
    snap("source_errors", &m);
}

#[tokio::test]
async fn vpcs_failed_and_detail_warning() {
    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always("ec2:DescribeVpcs", Fault::AccessDenied));
    let events = common::discovery_events(sim.clone()).await;
    snap("vpcs_failed", &common::model_with(sim.as_ref(), &events));

    let sim = Arc::new(common::demo_sim());
    sim.add_fault(FaultRule::always(
        "ec2:DescribeVpcAttribute",
        Fault::AccessDenied,
    ));
    let events = common::discovery_events(sim.clone()).await;
    snap(
        "dns_attributes_denied",
        &common::model_with(sim.as_ref(), &events),
    );
}

#[tokio::test]
async fn tiny_terminal_does_not_panic() {
    let m = common::loaded_demo_model().await;
    for (w, h) in [(1, 1), (20, 5), (40, 10), (79, 12)] {
        draw(&m, w, h);
    }
}

#[tokio::test]
async fn no_color_keeps_the_selection_visible() {
    let m = common::loaded_demo_model().await;
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    t.draw(|f| ui::render(f, &m, &Theme::MONO)).expect("draw");
    let buf = t.backend().buffer();
    let row = (0..24)
        .find(|y| buf[(1, *y)].symbol() == "▶")
        .expect("a selected row");
    let cell = &buf[(5, row)];
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(
        cell.fg,
        ratatui::style::Color::Reset,
        "no colour with NO_COLOR"
    );
}

#[test]
fn loaded_counts_match_sources() {
    // Guard for the snapshots: the identity source is a single item.
    let id = SourceData::Identity(Default::default());
    assert_eq!(id.source(), Source::Identity);
}

/// A scrolled pane stops at its end: after many J, the last line is at the bottom, and one K
/// moves up at once (no invisible overscroll to climb back through).
#[tokio::test]
async fn the_detail_pane_stops_at_its_end() {
    // A frame, and what it measured sent back (as the runner does).
    let frame = |m: &mut Model| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
        let mut layout = None;
        t.draw(|f| layout = Some(ui::render_measured(f, m, &Theme::COLOR)))
            .expect("draw");
        let layout = layout.expect("measured");
        app::update(m, Msg::Layout(layout.clone()));
        layout.detail.expect("the detail pane was drawn")
    };
    let mut m = common::loaded_demo_model().await;
    frame(&mut m);
    for _ in 0..40 {
        key(&mut m, KeyCode::Char('J'));
    }
    let bottom = m.detail_scroll.offset();
    let pane = frame(&mut m);
    assert!(m.detail_scroll.at_end(pane));
    let end = m.detail_scroll.offset();
    assert!(end > 0 && end <= bottom, "{end} {bottom}");
    key(&mut m, KeyCode::Char('K'));
    assert_eq!(m.detail_scroll.offset(), end.saturating_sub(3));
    let screen = format!("{:?}", draw(&m, 80, 24));
    assert!(screen.contains("J/K scroll"), "{screen}");
}
