//! Snapshots of the verify checklist (running, all passed, partly failed) and the handout, and the
//! keys of the verify screen (v from the apply result, r / R, c / C copy, Esc back).

use crate::common;

use fixedip_tui::app::apply::{ApplyView, Mode};
use fixedip_tui::app::{self, Cmd, Model, Msg};
use fixedip_tui::ui::{self, theme::Theme};
use fixedip_tui::verify::{Check, CheckState, Report};
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

const IPS: [&str; 3] = ["3.228.204.179", "3.40.77.191", "3.190.218.50"];

fn check(id: &str, group: &str, title: &str, state: CheckState, evidence: &str) -> Check {
    let mut c = Check::new(id, group, title);
    c.finish(state, evidence.to_string(), None);
    c
}

/// What a healthy setup reports (the shape `verify::run` produces).
fn all_pass() -> Vec<Check> {
    let mut v: Vec<Check> = fixedip_tui::verify::config::placeholders()
        .into_iter()
        .map(|mut c| {
            let ev = match c.id.as_str() {
                "nlb" => "fip-9729d0a60e-nlb active, IPs 3.228.204.179, 3.40.77.191, 3.190.218.50, TLS:443 with ELBSecurityPolicy-TLS13-1-2-2021-06",
                "targets" => "10.20.22.128 healthy, 10.20.40.181 healthy, 10.20.48.133 healthy",
                "endpoint" => "vpce-b007b8e069d4d6a96 available, private DNS on, IPs 10.20.22.128 (us-east-1a), 10.20.40.181 (us-east-1b), 10.20.48.133 (us-east-1c)",
                "public-record" => "A alias → fip-9729d0a60e-nlb-2916d9753893971b.elb.us-east-1.amazonaws.com in Z0150999TLFZEKJCOQEVC",
                "private-zone" => "A alias → vpce-b007b8e069d4d6a96-k5flouuy.execute-api.us-east-1.vpce.amazonaws.com in fixed.example.com, associated with vpc-0135f36302291c303; inside the VPC only: from a host there run `dig +short fixed.example.com` (expect 10.20.22.128 and 10.20.40.181 and 10.20.48.133)",
                "api" => "fiak5vlcn2 PRIVATE, bound to vpce-b007b8e069d4d6a96, policy on vpc-0135f36302291c303",
                _ => "fixed.example.com (TLS_1_2) → fiak5vlcn2/prod (base path (none)), deployed",
            };
            c.finish(CheckState::Pass, ev.into(), None);
            c
        })
        .collect();
    v.push(check(
        "dns",
        "Public DNS",
        "fixed.example.com resolves to the NLB's IPs",
        CheckState::Pass,
        "3.190.218.50, 3.228.204.179, 3.40.77.191 (this host's resolvers)",
    ));
    for ip in IPS {
        v.push(check(
            &format!("tcp:{ip}"),
            ip,
            "TCP 443 connects",
            CheckState::Pass,
            &format!("{ip}:443 in 12 ms"),
        ));
        v.push(check(
            &format!("tls:{ip}"),
            ip,
            "TLS handshake with SNI fixed.example.com",
            CheckState::Pass,
            "TLSv1.3 in 31 ms",
        ));
        v.push(check(&format!("cert:{ip}"), ip, "certificate covers the name, not near expiry", CheckState::Pass, "covers fixed.example.com, 241 days left: *.example.com; issued by C=US, O=Amazon, CN=Amazon RSA 2048 M02; valid until 2027-07-25"));
        v.push(check(
            &format!("https:{ip}"),
            ip,
            "HTTPS GET /ping answers 2xx",
            CheckState::Pass,
            "200 OK in 48 ms: {\"ok\":true}",
        ));
    }
    v
}

/// One AZ's target unhealthy: its IP drops out of DNS and its HTTPS check fails.
fn partial_fail() -> Vec<Check> {
    let mut v = all_pass();
    for c in &mut v {
        match c.id.as_str() {
            "targets" => c.finish(
                CheckState::Fail,
                "10.20.22.128 healthy, 10.20.40.181 unhealthy (Target.Timeout), 10.20.48.133 healthy (an AZ with no healthy target drops out of DNS)".into(),
                Some("the endpoint's security group must admit TCP 443 from the VPC's CIDR (the NLB's private IPs); the health check is TCP on the traffic port".into()),
            ),
            "dns" => c.finish(
                CheckState::Fail,
                "resolved 3.190.218.50, 3.228.204.179 but the NLB has 3.190.218.50, 3.228.204.179, 3.40.77.191 (this host's resolvers): 3.40.77.191 missing".into(),
                Some("the NLB leaves out of DNS the IP of an AZ with no healthy target: see the target group check".into()),
            ),
            "https:3.40.77.191" => c.finish(
                CheckState::Fail,
                "no answer within 5s".into(),
                Some("the TLS session opened but the request got no answer: check the target group's health and the endpoint's security group".into()),
            ),
            _ => {}
        }
    }
    v
}

fn report(checks: Vec<Check>) -> Report {
    let mut r = Report::of(
        &common::clean::clean_plan(),
        checks,
        IPS.iter().map(|s| s.to_string()).collect(),
    );
    r.finished_at = 1_795_700_000;
    r
}

/// The demo model on the apply result of the clean plan.
async fn applied() -> Model {
    let mut m = common::loaded_demo_model().await;
    let mut a = ApplyView::new(common::clean::clean_plan(), Mode::Apply, 0);
    a.finished = Some(Ok(()));
    m.apply = Some(a);
    m
}

async fn verifying() -> (Model, Vec<Cmd>) {
    let mut m = applied().await;
    let cmds = common::keys(&mut m, "v");
    (m, cmds)
}

#[tokio::test]
async fn the_checklist_running_passed_and_partly_failed() {
    let (mut m, cmds) = verifying().await;
    assert!(
        matches!(
            cmds.as_slice(),
            [Cmd::Verify {
                reregister: false,
                ..
            }]
        ),
        "{cmds:?}"
    );
    // Some answers in: the account checks done but two, DNS running.
    for c in all_pass().into_iter().take(5) {
        app::update(&mut m, Msg::VerifyCheck(c));
    }
    let mut dns = Check::new(
        "dns",
        "Public DNS",
        "fixed.example.com resolves to the NLB's IPs",
    );
    dns.state = CheckState::Running;
    app::update(&mut m, Msg::VerifyCheck(dns));
    app::update(&mut m, Msg::Clock(2_000));
    snap("verify_running", &m);

    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 4_000,
            report: Box::new(report(all_pass())),
        },
    );
    snap("verify_all_pass", &m);

    let (mut m, _) = verifying().await;
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 4_000,
            report: Box::new(report(partial_fail())),
        },
    );
    snap("verify_partial_fail", &m);
}

#[tokio::test]
async fn the_handout_copies_the_allow_list_and_json() {
    let (mut m, _) = verifying().await;
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 4_000,
            report: Box::new(report(all_pass())),
        },
    );
    // The handout alone, wide: the screen users copy from.
    let mut t = Terminal::new(TestBackend::new(140, 30)).expect("test terminal");
    t.draw(|f| ui::render(f, &m, &Theme::COLOR)).expect("draw");
    insta::assert_snapshot!("verify_handout_140x30", t.backend());

    let cmds = common::keys(&mut m, "c");
    assert_eq!(
        cmds,
        vec![Cmd::Copy(
            "3.228.204.179/32\n3.40.77.191/32\n3.190.218.50/32\n".into()
        )]
    );
    let cmds = common::keys(&mut m, "C");
    let Some(Cmd::Copy(json)) = cmds.first() else {
        panic!("{cmds:?}")
    };
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(v["fixed_ips"][1], "3.40.77.191");
    assert_eq!(v["allow_list"][0], "3.228.204.179/32");
    assert_eq!(v["ip_kind"], "nlb-assigned");
    assert_eq!(v["who_can_reach"], serde_json::json!(["203.0.113.0/24"]));
    assert_eq!(v["port"], 443);
}

#[tokio::test]
async fn keys_of_the_verify_screen() {
    let (mut m, _) = verifying().await;
    // While running: no rerun, Esc does not leave (the checks are reading the account).
    assert!(common::keys(&mut m, "r").is_empty());
    assert!(m.verify.is_some());
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 4_000,
            report: Box::new(report(all_pass())),
        },
    );
    // Nothing drifted: R says so and does nothing.
    assert!(common::keys(&mut m, "R").is_empty());
    assert!(m
        .flash
        .as_deref()
        .unwrap_or_default()
        .contains("nothing to re-register"));
    // r verifies again.
    let cmds = common::keys(&mut m, "r");
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Verify {
            reregister: false,
            ..
        }]
    ));
    // Drift → R re-registers.
    let mut drift = all_pass();
    for c in &mut drift {
        if c.id == "endpoint" {
            c.finish(
                CheckState::Fail,
                "its IPs 10.20.22.135 differ from the registered targets 10.20.22.128".into(),
                Some(
                    "run `fixedip-tui verify --plan-id … --reregister` (R on the verify screen)"
                        .into(),
                ),
            );
        }
    }
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 9_000,
            report: Box::new(report(drift)),
        },
    );
    let cmds = common::keys(&mut m, "R");
    assert!(
        matches!(
            cmds.as_slice(),
            [Cmd::Verify {
                reregister: true,
                ..
            }]
        ),
        "{cmds:?}"
    );
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 9_500,
            report: Box::new(report(all_pass())),
        },
    );
    // Esc goes back to the apply result, which is still there.
    common::keys(&mut m, "ESC");
    assert!(m.verify.is_none());
    assert!(m.apply.is_some());
}

/// The rows of the checklist pane (left of the handout at 120 columns), inside its border.
fn pane_rows(model: &Model, height: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(120, height)).expect("test terminal");
    t.draw(|f| ui::render(f, model, &Theme::COLOR))
        .expect("draw");
    let buf = t.backend().buffer().clone();
    // Header line, then the pane's top border; its inside is 72 columns wide (62% of 120, less
    // the borders), and it ends above its bottom border and the footer.
    (3..height.saturating_sub(2))
        .map(|y| (1..73).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// Only the lines on screen are built: scrolled anywhere, the pane shows what the whole
/// checklist shows at those lines (failed checks take several lines each).
#[tokio::test]
async fn a_scrolled_checklist_shows_the_lines_of_the_whole_one() {
    let (mut m, _) = verifying().await;
    let mut checks = Vec::new();
    for n in 0..8 {
        checks.extend(partial_fail().into_iter().map(|mut c| {
            c.id = format!("{}#{n}", c.id);
            c
        }));
    }
    app::update(
        &mut m,
        Msg::VerifyFinished {
            at_ms: 4_000,
            report: Box::new(report(checks)),
        },
    );
    let whole = pane_rows(&m, 400);
    let shown = 35;
    for step in 0..40 {
        let rows = pane_rows(&m, 40);
        let offset = 3 * step;
        assert_eq!(
            rows[..shown],
            whole[offset..offset + shown],
            "scrolled by {offset} lines"
        );
        common::keys(&mut m, "j j j");
    }
}

/// A check that ends after a frame was drawn changes the layout the view kept for it.
#[tokio::test]
async fn a_check_that_changes_is_laid_out_again() {
    let (mut m, _) = verifying().await;
    let before = pane_rows(&m, 40);
    let mut c = Check::new("tcp:3.3.3.3", "3.3.3.3", "TCP 443 connects");
    c.finish(CheckState::Pass, "3.3.3.3:443 in 9 ms".into(), None);
    app::update(&mut m, Msg::VerifyCheck(c));
    let after = pane_rows(&m, 40);
    assert_ne!(before, after);
    // What a view that never kept a layout shows.
    let mut fresh = m.clone();
    if let Some(v) = fresh.verify.as_mut() {
        v.layout = Default::default();
    }
    assert_eq!(after, pane_rows(&fresh, 40));
    assert!(after.iter().any(|r| r.contains("3.3.3.3")), "{after:#?}");
}

/// The frame that measures the checklist sends its layout back (`Msg::Layout`) and the view
/// keeps it: the next frames measure nothing; a check that changes makes the next frame measure
/// again, and a layout measured for checks that have changed since is not kept.
#[tokio::test]
async fn the_checklist_layout_comes_back_as_a_message() {
    let (mut m, _) = verifying().await;
    let draw = |m: &Model| {
        let mut t = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        let mut layout = None;
        t.draw(|f| layout = Some(ui::render_measured(f, m, &Theme::MONO)))
            .expect("draw");
        layout.expect("measured")
    };
    let first = draw(&m);
    assert!(first.checklist.is_some(), "nothing kept yet: measured");
    app::update(&mut m, Msg::Layout(first.clone()));
    assert_eq!(
        m.verify.as_ref().and_then(|v| v.layout.clone()),
        first.checklist
    );
    assert!(draw(&m).checklist.is_none(), "kept: nothing measured");

    let mut c = Check::new("tcp:3.3.3.3", "3.3.3.3", "TCP 443 connects");
    c.finish(CheckState::Pass, "3.3.3.3:443 in 9 ms".into(), None);
    app::update(&mut m, Msg::VerifyCheck(c));
    let again = draw(&m);
    assert!(
        again.checklist.is_some(),
        "the checks changed: measured again"
    );
    app::update(&mut m, Msg::Layout(again.clone()));
    assert_eq!(
        m.verify.as_ref().and_then(|v| v.layout.clone()),
        again.checklist
    );
    // The layout of a frame before the change comes back late: not kept.
    app::update(&mut m, Msg::Layout(first));
    assert_eq!(
        m.verify.as_ref().and_then(|v| v.layout.clone()),
        again.checklist
    );
}
