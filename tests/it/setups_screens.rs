//! The Setups tab (Tab on the home screen) and one setup's screen, on the demo account's two
//! setups found by shape: snapshots at 80×24 and 120×40, and the keys — open, fix (the aws lines
//! asked about, then the command), adopt (the wizard prefilled), back, and the tab again.

use crate::common;

use fixedip_tui::app::setups::Setups;
use fixedip_tui::app::{self, Cmd, HomeTab, Model, Msg};
use fixedip_tui::doctor::{self, fix::Change, Scope};
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

/// 2026-12-01: certificate expiry judged on a fixed day, so the snapshots never age.
fn today() -> i64 {
    fixedip_tui::domain::days_from_rfc3339("2026-12-01T00:00:00Z").expect("a date")
}

/// The demo model with its setups read as the runner reads them (read 1, in
/// `common::loaded_demo_model`).
async fn model_with_setups() -> Model {
    common::loaded_demo_model().await
}

#[tokio::test]
async fn the_tab_and_a_setup_screen() {
    let mut m = common::loaded_demo_model().await;
    // Read again (r): loading.
    common::keys(&mut m, "TAB r");
    assert_eq!(m.home_tab, HomeTab::Setups);
    assert!(m.animating(), "a spinner shows while the setups are read");
    snap("setups_loading", &m);

    let mut m = model_with_setups().await;
    snap("vpcs_tab_with_setups", &m);
    common::keys(&mut m, "TAB");
    snap("setups_tab", &m);
    common::keys(&mut m, "ENT");
    assert_eq!(m.setups.open.as_deref(), Some("analytics-partner-nlb"));
    snap("setup_screen", &m);
    common::keys(&mut m, "f");
    snap("setup_confirm_fix", &m);
    // Its help: the setup screen's keys (the list's filter is the list's).
    common::keys(&mut m, "n ?");
    snap("setup_help", &m);
}

/// `/` filters the setups as typed (their ids, VPCs, IPs, names, finding codes): the tab says
/// how many of how many; Enter keeps the filter and the cursor's setup opens; `q` is typed, not
/// quit; Esc clears the filter; a filter that matches nothing says so; a read again keeps it.
#[tokio::test]
async fn the_filter_narrows_the_setups_as_typed() {
    let mut m = model_with_setups().await;
    let ids: Vec<String> = m.setups.rows().iter().map(|r| r.id.clone()).collect();
    assert!(ids.len() >= 2, "the demo has two setups");
    let second = ids[1].clone();
    common::keys(&mut m, &format!("TAB / t:{second}"));
    assert!(m.setups.filter_editing);
    let shown: Vec<String> = m.setups.shown().map(|(_, r)| r.id.clone()).collect();
    assert_eq!(shown.first(), Some(&second), "the best match first");
    // fzf's syntax: `'` matches the text as typed, not its letters in order.
    common::keys(&mut m, &format!("ESC / t:'{second}"));
    let shown: Vec<String> = m.setups.shown().map(|(_, r)| r.id.clone()).collect();
    assert_eq!(shown, std::slice::from_ref(&second));
    snap("setups_filtering", &m);
    common::keys(&mut m, "ENT");
    assert!(!m.setups.filter_editing, "Enter keeps the filter");
    common::keys(&mut m, "ENT");
    assert_eq!(m.setups.open.as_deref(), Some(second.as_str()));
    common::keys(&mut m, "ESC ESC");
    assert!(
        m.setups.filter.value().is_empty(),
        "Esc on the list clears it"
    );
    assert_eq!(m.setups.shown_len(), ids.len());
    // A finding code finds the setups that have it; `q` is typed.
    common::keys(&mut m, "/ t:nlb-no-security-group");
    assert!(!m.quit);
    let with: Vec<&str> = (m.setups.rows().iter())
        .filter(|r| r.findings.iter().any(|f| f.code == "nlb-no-security-group"))
        .map(|r| r.id.as_str())
        .collect();
    assert!(!with.is_empty());
    let shown: Vec<String> = m.setups.shown().map(|(_, r)| r.id.clone()).collect();
    for id in with {
        assert!(shown.iter().any(|s| s == id), "{id} in {shown:?}");
    }
    common::keys(&mut m, "t:zzzzqq");
    assert_eq!(m.setups.shown_len(), 0);
    snap("setups_filter_no_match", &m);
    // Read again: the filter stays, applied to what was read.
    let Setups::Loaded { setups, report } = m.setups.setups.clone() else {
        panic!("the setups are read");
    };
    common::keys(&mut m, "ENT / BS BS BS BS BS BS ENT");
    let cmds = common::keys(&mut m, "r");
    assert!(matches!(m.setups.setups, Setups::Loading), "{cmds:?}");
    let generation = m.setups.generation;
    app::update(
        &mut m,
        Msg::Setups {
            generation,
            result: Ok(Box::new((setups, *report))),
        },
    );
    assert_eq!(m.setups.filter.value(), "nlb-no-security-group");
    assert!(m.setups.shown_len() > 0 && m.setups.shown_len() < ids.len());
}

/// A read again keeps the cursor on the setup it was on, wherever the new read lists it.
#[tokio::test]
async fn a_read_again_keeps_the_cursor_on_its_setup() {
    let mut m = model_with_setups().await;
    common::keys(&mut m, "TAB j");
    let on = m.setups.selected_row().map(|r| r.id.clone());
    assert_eq!(on.as_deref(), m.setups.rows().get(1).map(|r| r.id.as_str()));
    let Setups::Loaded { setups, report } = m.setups.setups.clone() else {
        panic!("the setups are read");
    };
    let (mut setups, mut report) = (setups, *report);
    // The next read finds one more, listed first.
    let mut extra = (setups[0].clone(), report.setups[0].clone());
    extra.0.nlb.name = "another-nlb".into();
    extra.1.id = extra.0.id();
    setups.insert(0, extra.0);
    report.setups.insert(0, extra.1);
    common::keys(&mut m, "r");
    let generation = m.setups.generation;
    app::update(
        &mut m,
        Msg::Setups {
            generation,
            result: Ok(Box::new((setups, report))),
        },
    );
    assert_eq!(m.setups.selected_row().map(|r| r.id.clone()), on);
    assert_eq!(m.setups.selected, 2, "it is third now");
}

#[tokio::test]
async fn fix_asks_with_the_aws_lines_then_makes_them_and_reads_again() {
    let mut m = model_with_setups().await;
    common::keys(&mut m, "TAB ENT");
    // The first finding of the hand-made one: its drifted targets.
    assert_eq!(
        m.setups.selected_finding().map(|f| f.code),
        Some("targets-drift")
    );
    assert!(common::keys(&mut m, "f").is_empty(), "asks first");
    let asked = m.setups.confirm.clone().expect("the fix is asked about");
    assert!(matches!(asked.changes[0], Change::Register { .. }));
    assert!(matches!(asked.changes[1], Change::Deregister { .. }));
    // n does nothing; f and y make the changes.
    assert!(common::keys(&mut m, "n").is_empty());
    assert!(m.setups.confirm.is_none());
    let cmds = common::keys(&mut m, "f y");
    assert_eq!(
        cmds,
        vec![Cmd::Fix {
            setup: "analytics-partner-nlb".into(),
            changes: asked.changes.clone(),
        }]
    );
    assert!(m.setups.busy.is_some(), "a fix under way is shown");
    let cmds = app::update(&mut m, Msg::Fixed(Ok(vec!["aws elbv2 …".into()])));
    assert_eq!(cmds, vec![Cmd::ReadSetups { generation: 2 }]);
    assert!(matches!(m.setups.setups, Setups::Loading));
    // A late answer of read 1 is dropped.
    app::update(
        &mut m,
        Msg::Setups {
            generation: 1,
            result: Err("late".into()),
        },
    );
    assert!(matches!(m.setups.setups, Setups::Loading));
}

#[tokio::test]
async fn a_finding_that_cannot_be_mended_in_place_says_what_it_would_take() {
    let mut m = model_with_setups().await;
    common::keys(&mut m, "TAB ENT");
    let at = m
        .setups
        .open_setup()
        .and_then(|s| {
            s.findings
                .iter()
                .position(|f| f.code == "nlb-no-security-group")
        })
        .expect("the hand-made one has no security group");
    for _ in 0..at {
        common::keys(&mut m, "j");
    }
    assert!(common::keys(&mut m, "f").is_empty());
    assert!(m.setups.confirm.is_none());
    let said = m.setups.outcome.clone().expect("said");
    assert!(
        said.as_ref()
            .is_err_and(|e| e.contains("make a new NLB with a group")),
        "{said:?}"
    );
}

#[tokio::test]
async fn adopt_opens_the_wizard_with_what_the_setup_has() {
    let mut m = model_with_setups().await;
    common::keys(&mut m, "TAB ENT a");
    let w = m.wizard.as_ref().expect("the wizard");
    let d = &w.draft;
    assert_eq!(d.vpc_id.as_deref(), Some("vpc-012a26139df302e38"));
    assert!(d
        .adopt_nlb
        .as_deref()
        .is_some_and(|a| a.contains("analytics-partner-nlb")));
    assert!(d
        .adopt_target_group
        .as_deref()
        .is_some_and(|a| a.contains("analytics-partner-tg")));
    assert_eq!(d.reuse_endpoint.as_deref(), Some("vpce-0a21b4369c077ca61"));
    assert_eq!(d.name, "api.example.net");
    // Found setups are not ours: v and D do nothing on them.
    common::keys(&mut m, "ESC");
    assert!(m.wizard.is_none());
    assert!(common::keys(&mut m, "v D").is_empty());
}

#[tokio::test]
async fn esc_closes_the_setup_and_tab_goes_back_to_the_vpcs() {
    let mut m = model_with_setups().await;
    common::keys(&mut m, "TAB j ENT");
    assert_eq!(m.setups.open.as_deref(), Some("analytics-edi-nlb"));
    common::keys(&mut m, "ESC");
    assert!(m.setups.open.is_none());
    assert_eq!(m.home_tab, HomeTab::Setups);
    common::keys(&mut m, "TAB");
    assert_eq!(m.home_tab, HomeTab::Vpcs);
    // r on the tab reads the setups again.
    common::keys(&mut m, "TAB");
    assert_eq!(
        common::keys(&mut m, "r"),
        vec![Cmd::ReadSetups { generation: 2 }]
    );
}

/// A setup of ours: v verifies and D destroys it once its plan is rebuilt from the account; the
/// destroy asks for its name first.
#[tokio::test]
async fn verify_and_destroy_of_ours_go_through_the_plan_rebuilt_from_the_account() {
    let sim = common::demo_sim();
    let mut m = common::loaded_demo_model().await;
    let (facts, _) = doctor::read(&sim, &Scope::All).await.expect("read");
    let mut setups = doctor::shape::setups(&facts);
    let plan = common::clean::clean_plan();
    // The edi one, as if fixedip-tui had made it (ours carry the plan id).
    setups[1].origin = doctor::Origin::FixedipTui {
        plan_id: plan.id.clone(),
    };
    let report = doctor::report(&facts.region, &setups, today(), vec![]);
    app::update(
        &mut m,
        Msg::Setups {
            generation: 1,
            result: Ok(Box::new((setups, report))),
        },
    );
    common::keys(&mut m, "TAB j ENT");
    assert_eq!(m.setups.open.as_deref(), Some(plan.id.as_str()));
    assert!(common::keys(&mut m, "a").is_empty(), "ours is not adopted");
    assert!(m.wizard.is_none());

    let cmds = common::keys(&mut m, "v");
    assert_eq!(
        cmds,
        vec![Cmd::Recover {
            plan_id: plan.id.clone(),
            then: app::AfterRecover::Verify,
        }]
    );
    let cmds = app::update(
        &mut m,
        Msg::Recovered {
            then: app::AfterRecover::Verify,
            result: Ok(Box::new(plan.clone())),
        },
    );
    assert!(matches!(cmds.as_slice(), [Cmd::Verify { .. }]), "{cmds:?}");
    assert!(m.verify.is_some(), "the verify screen is on");
    m.verify = None;

    let cmds = common::keys(&mut m, "D");
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Recover {
            then: app::AfterRecover::Destroy,
            ..
        }]
    ));
    app::update(
        &mut m,
        Msg::Recovered {
            then: app::AfterRecover::Destroy,
            result: Ok(Box::new(plan.clone())),
        },
    );
    snap("setup_destroy_confirm", &m);
    assert!(common::keys(&mut m, "t:wrong.example.com ENT").is_empty());
    assert!(m.apply.is_none(), "another name destroys nothing");
    // Clear what was typed, then the name.
    for _ in 0.."wrong.example.com".len() {
        common::keys(&mut m, "BS");
    }
    let cmds = common::keys(&mut m, &format!("t:{} ENT", plan.name));
    assert!(matches!(cmds.as_slice(), [Cmd::Destroy(_)]), "{cmds:?}");
    assert!(m.apply.is_some(), "the destroy runs on the apply screen");

    // A plan that cannot be rebuilt says why.
    let mut m2 = m.clone();
    m2.apply = None;
    app::update(
        &mut m2,
        Msg::Recovered {
            then: app::AfterRecover::Verify,
            result: Err("plan fip-x: nothing of it in the account".into()),
        },
    );
    assert!(m2.verify.is_none());
    assert!(m2
        .setups
        .outcome
        .as_ref()
        .is_some_and(|o| o.as_ref().is_err_and(|e| e.contains("nothing of it"))));
}
