//! `update` flows: key sequences in, model state and commands out.

use crate::common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use fixedip_tui::app::{self, Cmd, Model, Msg, Overlay, Phase, SourceState};
use fixedip_tui::cloud::{CloudError, ErrorKind};
use fixedip_tui::discovery::{Event as DEvent, Source, SourceData};

fn press(m: &mut Model, code: KeyCode) -> Vec<Cmd> {
    app::update(
        m,
        Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
    )
}

fn ctrl(m: &mut Model, c: char) -> Vec<Cmd> {
    app::update(
        m,
        Msg::Term(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        ))),
    )
}

fn selected_name(m: &Model) -> Option<String> {
    m.selected_vpc().and_then(|v| v.name.clone())
}

#[test]
fn starts_by_connecting_and_discovers_once_connected() {
    assert_eq!(Model::init(), vec![Cmd::Connect]);
    let mut m = Model::new(None);
    assert!(m.animating(), "a spinner shows while connecting");
    let sim = common::demo_sim();
    let cmds = app::update(
        &mut m,
        Msg::Connected(fixedip_tui::cloud::Cloud::target(&sim)),
    );
    assert_eq!(
        cmds,
        vec![
            Cmd::Discover { generation: 1 },
            Cmd::ReadSetups { generation: 1 }
        ],
        "the setups are read beside discovery"
    );
    assert_eq!(m.phase, Phase::Ready);
    assert!(m
        .sources
        .values()
        .all(|s| matches!(s, SourceState::Loading { .. })));
}

#[tokio::test]
async fn navigation_keys_move_and_clamp() {
    let mut m = common::loaded_demo_model().await;
    assert_eq!(
        selected_name(&m).as_deref(),
        Some("prod-core"),
        "the cursor starts on the recommended VPC"
    );
    press(&mut m, KeyCode::Char('g'));
    assert_eq!(selected_name(&m).as_deref(), Some("analytics"));
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(m.selected, 0, "clamped at the top");
    press(&mut m, KeyCode::Down);
    assert_eq!(selected_name(&m).as_deref(), Some("legacy-web"));
    press(&mut m, KeyCode::Char('G'));
    assert_eq!(selected_name(&m).as_deref(), Some("sandbox"));
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(
        selected_name(&m).as_deref(),
        Some("sandbox"),
        "clamped at the bottom"
    );
    press(&mut m, KeyCode::Char('g'));
    assert_eq!(m.selected, 0);
    press(&mut m, KeyCode::PageDown);
    assert_eq!(m.selected, 3);
    press(&mut m, KeyCode::PageUp);
    assert_eq!(m.selected, 0);
}

#[tokio::test]
async fn filter_narrows_keeps_selection_and_esc_clears_without_quitting() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('g'));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(selected_name(&m).as_deref(), Some("prod-core"));
    press(&mut m, KeyCode::Char('/'));
    assert!(m.filter_editing);
    for c in "10.2".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    // Only prod-core (10.20.0.0/16) matches, and it stays selected.
    assert_eq!(m.visible.len(), 1);
    assert_eq!(selected_name(&m).as_deref(), Some("prod-core"));
    // `q` while typing is text, not quit.
    press(&mut m, KeyCode::Char('q'));
    assert!(!m.quit);
    assert_eq!(m.filter.value(), "10.2q");
    assert!(m.visible.is_empty());
    press(&mut m, KeyCode::Backspace);
    press(&mut m, KeyCode::Enter);
    assert!(!m.filter_editing);
    assert_eq!(m.filter.value(), "10.2");
    assert_eq!(selected_name(&m).as_deref(), Some("prod-core"));
    // Esc clears the kept filter, and never quits.
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.filter.value(), "");
    assert_eq!(m.visible.len(), 4);
    press(&mut m, KeyCode::Esc);
    assert!(!m.quit);
    // Fuzzy on names: "sbx" finds sandbox.
    press(&mut m, KeyCode::Char('/'));
    for c in "sndbx".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    assert_eq!(selected_name(&m).as_deref(), Some("sandbox"));
    press(&mut m, KeyCode::Esc);
    assert!(!m.filter_editing && m.filter.value().is_empty());
}

#[tokio::test]
async fn help_overlay_opens_and_closes_with_every_back_key() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('g'));
    for back in [KeyCode::Esc, KeyCode::BackTab, KeyCode::Char('?')] {
        press(&mut m, KeyCode::Char('?'));
        assert_eq!(m.overlay, Some(Overlay::Help));
        press(&mut m, KeyCode::Char('j'));
        assert_eq!(
            m.selected, 0,
            "keys do not reach the list under the overlay"
        );
        press(&mut m, back);
        assert_eq!(m.overlay, None);
        assert!(!m.quit);
    }
}

#[tokio::test]
async fn quit_with_q_and_ctrl_c_even_while_filtering() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('q'));
    assert!(m.quit);
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('/'));
    ctrl(&mut m, 'c');
    assert!(m.quit);
}

#[tokio::test]
async fn key_release_events_are_ignored() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('g'));
    let mut ev = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    ev.kind = KeyEventKind::Release;
    app::update(&mut m, Msg::Term(Event::Key(ev)));
    assert_eq!(m.selected, 0);
}

#[tokio::test]
async fn refresh_starts_a_new_generation_and_ignores_late_events() {
    let mut m = common::loaded_demo_model().await;
    let cmds = press(&mut m, KeyCode::Char('r'));
    assert_eq!(
        cmds,
        vec![
            Cmd::Discover { generation: 2 },
            Cmd::ReadSetups { generation: 2 }
        ]
    );
    assert!(m.inventory.vpcs.is_empty());
    // A late event of run 1 must not land in run 2.
    app::update(
        &mut m,
        Msg::Discovery {
            generation: 1,
            event: DEvent::Loaded(SourceData::Vpcs(vec![])),
        },
    );
    assert!(matches!(
        m.source(Source::Vpcs),
        SourceState::Loading { .. }
    ));
}

#[tokio::test]
async fn copy_yields_an_osc52_command_with_the_id() {
    let mut m = common::loaded_demo_model().await;
    let id = m.selected_vpc().map(|v| v.id.clone());
    let cmds = press(&mut m, KeyCode::Char('y'));
    assert_eq!(cmds, vec![Cmd::Copy(id.clone().unwrap_or_default())]);
    assert!(m.flash.as_deref().is_some_and(|f| f.contains("copied")));
    press(&mut m, KeyCode::Char('j'));
    assert!(m.flash.is_none(), "the flash goes with the next key");
}

#[test]
fn no_credentials_then_retry_reconnects() {
    let mut m = Model::new(None);
    app::update(
        &mut m,
        Msg::ConnectFailed(CloudError::new(
            ErrorKind::NoCredentials,
            "sts:GetCallerIdentity",
            "none",
        )),
    );
    assert!(matches!(m.phase, Phase::NoAccess(_)));
    assert!(
        !m.animating(),
        "nothing animates (and nothing is written) while idle"
    );
    assert_eq!(press(&mut m, KeyCode::Char('r')), vec![Cmd::Connect]);
    assert_eq!(m.phase, Phase::Connecting);
}

#[tokio::test]
async fn idle_model_does_not_animate_and_ticks_change_nothing() {
    let mut m = common::loaded_demo_model().await;
    m.dirty = false;
    app::update(&mut m, Msg::Tick);
    assert!(!m.dirty, "a tick while idle must not cause a redraw");
    assert!(!m.animating());
}

#[tokio::test]
async fn expired_credentials_on_identity_show_the_access_screen() {
    let sim = common::demo_sim();
    let mut m = common::model_with(&sim, &[]);
    app::update(
        &mut m,
        Msg::Discovery {
            generation: 1,
            event: DEvent::Failed {
                source: Source::Identity,
                error: CloudError::new(
                    ErrorKind::BadCredentials,
                    "sts:GetCallerIdentity",
                    "ExpiredToken",
                ),
            },
        },
    );
    assert!(matches!(m.phase, Phase::NoAccess(_)));
}

#[test]
fn terminate_quits() {
    let mut m = Model::new(None);
    app::update(&mut m, Msg::Terminate);
    assert!(m.quit);
}

#[tokio::test]
async fn the_list_window_follows_the_selection_without_jumping() {
    let mut m = common::loaded_demo_model().await;
    m.page_rows = 2;
    press(&mut m, KeyCode::Char('g'));
    press(&mut m, KeyCode::Char('j'));
    assert_eq!((m.selected, m.list_offset), (1, 0));
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(
        (m.selected, m.list_offset),
        (2, 1),
        "scrolls by one at the bottom edge"
    );
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(
        (m.selected, m.list_offset),
        (1, 1),
        "moving up inside the window keeps it"
    );
    press(&mut m, KeyCode::Char('G'));
    assert_eq!((m.selected, m.list_offset), (3, 2));
    press(&mut m, KeyCode::Char('g'));
    assert_eq!((m.selected, m.list_offset), (0, 0));
}

#[tokio::test]
async fn detail_scrolls_and_resets_on_a_new_selection() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('J'));
    press(&mut m, KeyCode::Char('J'));
    assert_eq!(m.detail_scroll.offset(), 6);
    press(&mut m, KeyCode::Char('K'));
    assert_eq!(m.detail_scroll.offset(), 3);
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(m.detail_scroll.offset(), 0);
}

/// A refresh (r, or the list after an apply) reads the account again: the cursor stays on the
/// VPC the user chose, not on the recommended one, and not on the first.
#[tokio::test]
async fn refresh_keeps_the_cursor_on_the_chosen_vpc() {
    let sim = std::sync::Arc::new(common::demo_sim());
    let events = common::discovery_events(sim.clone()).await;
    let mut m = common::model_with(sim.as_ref(), &events);
    assert_eq!(selected_name(&m).as_deref(), Some("prod-core"));
    press(&mut m, KeyCode::Char('G'));
    assert_eq!(selected_name(&m).as_deref(), Some("sandbox"));
    let cmds = press(&mut m, KeyCode::Char('r'));
    assert_eq!(
        cmds,
        vec![
            Cmd::Discover { generation: 2 },
            Cmd::ReadSetups { generation: 2 }
        ]
    );
    for ev in &events {
        app::update(
            &mut m,
            Msg::Discovery {
                generation: 2,
                event: ev.clone(),
            },
        );
    }
    assert_eq!(selected_name(&m).as_deref(), Some("sandbox"));
}

/// The draw's layout comes back as a message: the list pages by its height, and the frame on
/// screen is current (nothing to redraw).
#[tokio::test]
async fn a_drawn_frame_sends_its_layout_back_as_a_message() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('G'));
    assert!(m.dirty);
    app::update(
        &mut m,
        Msg::Layout(app::Layout {
            list_rows: 2,
            wizard_rows: None,
            ..Default::default()
        }),
    );
    assert!(!m.dirty, "the frame drawn is current");
    assert_eq!(m.page_rows, 2);
    assert_eq!(
        (m.selected, m.list_offset),
        (3, 2),
        "the window holds the selection"
    );
}

/// The wizard pages by the height of its own list, as measured by the frame that drew it — not
/// by the VPC list's.
#[tokio::test]
async fn the_wizard_pages_by_its_own_list_height() {
    use fixedip_tui::ui::{self, theme::Theme};
    use ratatui::{backend::TestBackend, Terminal};
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Enter);
    // 20 rows: the step's list shows 6 of its 10 rows, the VPC list would show 4.
    let mut t = Terminal::new(TestBackend::new(80, 20)).expect("terminal");
    let mut layout = None;
    t.draw(|f| layout = Some(ui::render_measured(f, &m, &Theme::MONO)))
        .expect("draw");
    let layout = layout.expect("measured");
    let rows = layout.wizard_rows.expect("the step's list was drawn");
    assert_ne!(rows, layout.list_rows, "two lists, two heights");
    app::update(&mut m, Msg::Layout(layout.clone()));
    let w = m.wizard.as_ref().expect("wizard");
    assert_eq!(w.page_rows, rows);
    assert_eq!(m.page_rows, layout.list_rows);
    press(&mut m, KeyCode::Char('g'));
    press(&mut m, KeyCode::PageDown);
    let w = m.wizard.as_ref().expect("wizard");
    assert!(rows < w.rows.len(), "the list is longer than a page");
    assert_eq!(w.cursor, rows, "a page is the list's height");
}

/// The VPC list's filter keeps its texts and narrows its matches as the query grows: after
/// every key the list is what one full filter of the VPCs gives.
#[tokio::test]
async fn the_vpc_filter_narrows_as_typed_and_follows_a_new_read() {
    let mut m = common::loaded_demo_model().await;
    press(&mut m, KeyCode::Char('/'));
    for c in "prod c".chars() {
        press(&mut m, KeyCode::Char(c));
        assert_eq!(
            m.visible,
            app::filter_vpcs(&m.inventory.vpcs, m.filter.value()),
            "typed {:?}",
            m.filter.value()
        );
    }
    press(&mut m, KeyCode::Backspace);
    assert_eq!(m.visible, app::filter_vpcs(&m.inventory.vpcs, "prod "));
    // The VPCs are read again, renamed (as many as before): the filter searches the new names.
    let mut vpcs = m.inventory.vpcs.clone();
    for v in &mut vpcs {
        v.name = v.name.as_ref().map(|n| n.replace("prod", "live"));
    }
    vpcs[1].name = Some("prod-new".into());
    let generation = m.generation;
    app::update(
        &mut m,
        Msg::Discovery {
            generation,
            event: DEvent::Loaded(SourceData::Vpcs(vpcs)),
        },
    );
    assert_eq!(m.visible, app::filter_vpcs(&m.inventory.vpcs, "prod "));
    assert!(m
        .visible
        .iter()
        .any(|i| m.inventory.vpcs[*i].name.as_deref() == Some("prod-new")));
}

/// Keys typed faster than the search of a long list: each one scores a slice, the list keeps
/// the last matches meanwhile; a key that acts on the list (move, Enter) acts on the matches of
/// what was typed, the search completed first — in the VPC list and in a wizard step.
#[tokio::test]
async fn a_key_that_acts_on_a_list_waits_for_the_search_of_what_was_typed() {
    use fixedip_tui::app::filter::Budget;
    let mut m = common::loaded_demo_model().await;
    m.work_budget = Budget::rows(1);
    press(&mut m, KeyCode::Char('/'));
    for c in "prod".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    assert!(
        m.searching(),
        "one row a key: four keys do not search every VPC"
    );
    press(&mut m, KeyCode::Enter);
    assert!(!m.searching());
    assert_eq!(m.visible, app::filter_vpcs(&m.inventory.vpcs, "prod"));
    press(&mut m, KeyCode::Char('j'));
    assert_eq!(m.selected, 1.min(m.visible.len() - 1));

    // The wizard's NLB subnet step (every subnet of the VPC): the same.
    let vpc = m.inventory.vpcs[m.visible[0]].id.clone();
    let mut w = fixedip_tui::app::wizard::Wizard::start(&m.inventory, &vpc, None);
    w.dns_question = false;
    w.step = fixedip_tui::plan::Step::NlbSubnets;
    w.field = fixedip_tui::app::wizard::Field::List;
    m.wizard = Some(w);
    press(&mut m, KeyCode::Char('g'));
    let w = m.wizard.as_ref().expect("the wizard");
    let all = w.rows.len();
    assert!(all > 3, "a list to filter");
    press(&mut m, KeyCode::Char('/'));
    press(&mut m, KeyCode::Char('1'));
    press(&mut m, KeyCode::Char('0'));
    let w = m.wizard.as_ref().expect("the wizard");
    assert!(w.rows.pending() && m.searching());
    assert_eq!(w.rows.len(), all, "the rows wait for the search");
    while m.searching() {
        app::update(&mut m, Msg::Work);
    }
    let w = m.wizard.as_ref().expect("the wizard");
    let shown: Vec<_> = w.rows.iter().cloned().collect();
    assert_eq!(shown, w.visible_rows(&m.inventory));
    press(&mut m, KeyCode::Char('.'));
    press(&mut m, KeyCode::Enter);
    let w = m.wizard.as_ref().expect("the wizard");
    assert!(!w.rows.pending(), "Enter completes the search it acts on");
    let shown: Vec<_> = w.rows.iter().cloned().collect();
    assert_eq!(shown, w.visible_rows(&m.inventory));
}

/// The detail pane's subnets, sorted once when they load, are each VPC's subnets sorted as the
/// pane lists them; another set of subnets is sorted again.
#[tokio::test]
async fn the_detail_pane_order_is_made_once_and_follows_the_subnets() {
    let mut m = common::loaded_demo_model().await;
    let live = |m: &Model, vpc: &str| -> Vec<String> {
        let mut v: Vec<_> = m.inventory.subnets_of(vpc).collect();
        v.sort_by(|a, b| {
            let pa = a.reach.as_ref().is_some_and(|r| r.public);
            let pb = b.reach.as_ref().is_some_and(|r| r.public);
            pb.cmp(&pa).then(a.az.cmp(&b.az)).then(a.cidr.cmp(&b.cidr))
        });
        v.into_iter().map(|s| s.id.clone()).collect()
    };
    let kept = |m: &Model, vpc: &str| -> Vec<String> {
        m.subnet_order
            .of_vpc(&m.inventory, vpc)
            .into_iter()
            .map(|s| s.id.clone())
            .collect()
    };
    assert!(
        !m.subnet_order.by_vpc.is_empty(),
        "made when the subnets loaded"
    );
    for v in m.inventory.vpcs.clone() {
        assert_eq!(kept(&m, &v.id), live(&m, &v.id), "{}", v.id);
    }
    let mut extra = m.inventory.subnets[0].clone();
    extra.id = "subnet-0aaaaaaaaaaaaaaaa".into();
    extra.az = "us-east-1a".into();
    extra.cidr = "10.0.0.0/28".into();
    let vpc = extra.vpc_id.clone();
    m.inventory.subnets.push(extra);
    assert_eq!(kept(&m, &vpc), live(&m, &vpc));
    assert!(kept(&m, &vpc).contains(&"subnet-0aaaaaaaaaaaaaaaa".to_string()));
}

/// Enter on a VPC while discovery still reads every VPC's DNS attributes (a large account): that
/// VPC's are read at once and the wizard starts in it when they arrive; if they cannot be read,
/// the flash says why and what to do, and nothing starts.
#[tokio::test]
async fn enter_while_attributes_are_read_reads_that_vpcs_and_starts() {
    let sim = common::demo_sim();
    let events = common::discovery_events(std::sync::Arc::new(common::demo_sim())).await;
    // Everything read but the VPCs' attributes: the VPCs are only listed.
    let partial: Vec<DEvent> = events
        .into_iter()
        .filter(|e| !matches!(e, DEvent::Loaded(SourceData::Vpcs(_))))
        .collect();
    let listed = |m: &Model| m.inventory.vpcs.iter().all(|v| v.dns_support.is_none());
    let mut m = common::model_with(&sim, &partial);
    assert!(listed(&m) && !m.visible.is_empty());
    let vpc = m.selected_vpc().map(|v| v.id.clone()).expect("a VPC");
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::ReadVpcAttributes { vpc: vpc.clone() }]);
    assert!(m.wizard.is_none());
    assert!(m
        .flash
        .as_deref()
        .is_some_and(|f| f.contains("reading the DNS attributes")));
    app::update(
        &mut m,
        Msg::VpcAttributes {
            vpc: vpc.clone(),
            result: Ok((true, true)),
        },
    );
    let w = m.wizard.as_ref().expect("the wizard started");
    assert_eq!(w.draft.vpc_id.as_deref(), Some(vpc.as_str()));
    let v = m.selected_vpc().expect("the VPC");
    assert_eq!((v.dns_support, v.dns_hostnames), (Some(true), Some(true)));

    // Refused: said, nothing starts.
    let mut m = common::model_with(&sim, &partial);
    let vpc = m.selected_vpc().map(|v| v.id.clone()).expect("a VPC");
    press(&mut m, KeyCode::Enter);
    app::update(
        &mut m,
        Msg::VpcAttributes {
            vpc,
            result: Err(CloudError::new(
                ErrorKind::AccessDenied,
                "ec2:DescribeVpcAttribute",
                "not authorized",
            )),
        },
    );
    assert!(m.wizard.is_none());
    let flash = m.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("could not read the DNS attributes"),
        "{flash}"
    );
    assert!(flash.contains("Enter again"), "{flash}");
}
