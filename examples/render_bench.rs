//! Render benchmark (not a test): frames of a 10,000-item list at 120×40, p50/p99 per frame,
//! for the VPC list and for a wizard list (10,000 certificates), plus the cost of one filter
//! keystroke. Release build recommended:
//!
//!     cargo run --release --example render_bench

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fixedip_tui::app::{self, Model, Msg};
use fixedip_tui::cloud::sim::{SimCloud, SimOptions, DEMO_ACCOUNT_JSON};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery;
use fixedip_tui::domain::{CertStatus, Certificate, Subnet, Vpc};
use fixedip_tui::ui::{self, theme::Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn key(code: KeyCode) -> Msg {
    Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

fn frames(m: &mut Model, t: &mut Terminal<TestBackend>, n: usize, step: &Msg) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        app::update(m, step.clone());
        let start = Instant::now();
        let _ = t.draw(|f| ui::render(f, m, &Theme::COLOR));
        out.push(start.elapsed());
    }
    out
}

fn report(label: &str, v: Vec<Duration>) {
    println!(
        "{label:<44} p50 {:>8.3} ms   p99 {:>8.3} ms   (n={})",
        pct(v.clone(), 0.5).as_secs_f64() * 1e3,
        pct(v.clone(), 0.99).as_secs_f64() * 1e3,
        v.len()
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut account = SimCloud::parse_account(DEMO_ACCOUNT_JSON)?;
    let template_vpc = account.vpcs[0].clone();
    let template_subnet = account.subnets[0].clone();
    let template_cert = account.certificates[0].clone();
    for i in 0..10_000 {
        let id = format!("vpc-{i:017x}");
        account.vpcs.push(Vpc {
            id: id.clone(),
            name: Some(format!("team-{i}")),
            cidr: format!("10.{}.{}.0/24", i / 256 % 256, i % 256),
            ..template_vpc.clone()
        });
        for s in 0..3 {
            account.subnets.push(Subnet {
                id: format!("subnet-{i:09x}{s:08x}"),
                vpc_id: id.clone(),
                az: format!("us-east-1{}", ['a', 'b', 'c'][s]),
                ..template_subnet.clone()
            });
        }
    }
    // The clean-path VPC (prod-core) gets 10,000 certificates to choose from.
    for i in 0..10_000 {
        account.certificates.push(Certificate {
            arn: format!("arn:aws:acm:us-east-1:123456789012:certificate/bench-{i:06}"),
            domain: format!("svc{i}.example.com"),
            sans: vec![format!("svc{i}.example.com")],
            status: if i % 3 == 0 {
                CertStatus::PendingValidation
            } else {
                CertStatus::Issued
            },
            ..template_cert.clone()
        });
    }
    let sim = Arc::new(SimCloud::new(account, SimOptions::instant()));
    let start = Instant::now();
    let inv_events = {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        discovery::run(sim.clone(), tx).await;
        let mut v = Vec::new();
        while let Ok(e) = rx.try_recv() {
            v.push(e);
        }
        v
    };
    println!("discovery of 10,004 VPCs / 30,020 subnets / 10,010 certificates (simulated, no latency): {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let mut m = Model::new(None);
    app::update(&mut m, Msg::Connected(sim.target()));
    let start = Instant::now();
    for e in inv_events {
        app::update(
            &mut m,
            Msg::Discovery {
                generation: 1,
                event: e,
            },
        );
    }
    println!(
        "folding the inventory into the model: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let mut t = Terminal::new(TestBackend::new(120, 40))?;
    m.page_rows = 15;
    frames(&mut m, &mut t, 20, &Msg::Tick); // warm-up
    report(
        "VPC list, 10,004 rows: move down (j)",
        frames(&mut m, &mut t, 2000, &key(KeyCode::Char('j'))),
    );
    report(
        "VPC list, 10,004 rows: page down",
        frames(&mut m, &mut t, 200, &key(KeyCode::PageDown)),
    );

    // Filter keystrokes: update (nucleo over 10,004 rows) + frame.
    app::update(&mut m, key(KeyCode::Char('g')));
    app::update(&mut m, key(KeyCode::Char('/')));
    let mut per_key = Vec::new();
    for c in "team-99".chars().cycle().take(200) {
        let start = Instant::now();
        app::update(&mut m, key(KeyCode::Char(c)));
        let _ = t.draw(|f| ui::render(f, &m, &Theme::COLOR));
        per_key.push(start.elapsed());
        if m.filter.value().len() > 12 {
            app::update(&mut m, key(KeyCode::Esc));
            app::update(&mut m, key(KeyCode::Char('/')));
        }
    }
    report("VPC list: one filter keystroke (update+frame)", per_key);
    app::update(&mut m, key(KeyCode::Esc));

    // Wizard step 4 with 10,010 certificates.
    let prod = m
        .visible
        .iter()
        .position(|i| m.inventory.vpcs[*i].name.as_deref() == Some("prod-core"))
        .unwrap_or(0);
    m.selected = prod;
    for k in [
        KeyCode::Enter,
        KeyCode::Char(' '),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char(' '),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char(' '),
        KeyCode::Enter,
        KeyCode::Enter,
    ] {
        app::update(&mut m, key(k));
    }
    for c in "fixed.example.com".chars() {
        app::update(&mut m, key(KeyCode::Char(c)));
    }
    app::update(&mut m, key(KeyCode::Enter));
    let rows = m
        .wizard
        .as_ref()
        .map(|w| w.visible_rows(&m.inventory).len())
        .unwrap_or(0);
    report(
        &format!("wizard certificates, {rows} rows: move down"),
        frames(&mut m, &mut t, 300, &key(KeyCode::Char('j'))),
    );

    // Idle: a tick while nothing loads changes nothing, so the runner draws nothing.
    m.dirty = false;
    app::update(&mut m, Msg::Tick);
    println!(
        "idle tick marks the model dirty (would redraw): {}",
        m.dirty
    );
    Ok(())
}
