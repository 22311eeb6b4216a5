//! Render benchmark (not a test): every list of the app at 10,000 rows, 120×40. Per list and per
//! key (move down, page down, one filter keystroke where the list has a filter): the time of the
//! key's `update` plus the frame it causes, p50 and p99; for a filter keystroke also the time
//! until its matches are on screen (the search's remaining slices, as the runner does them
//! between keys, and the frame). Release build recommended:
//!
//!     cargo run --release --example render_bench

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fixedip_tui::app::apply::{ApplyView, Mode};
use fixedip_tui::app::verify::VerifyView;
use fixedip_tui::app::wizard::{Field, Wizard};
use fixedip_tui::app::{self, HomeTab, Model, Msg};
use fixedip_tui::cloud::sim::{SimCloud, SimOptions, DEMO_ACCOUNT_JSON};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery::{self, SourceData};
use fixedip_tui::doctor;
use fixedip_tui::domain::{
    CertStatus, Certificate, ElasticIp, ElbInventory, HostedZone, ListenerState, LoadBalancerState,
    NlbInfo, RestApi, Subnet, TargetGroupState, Vpc,
};
use fixedip_tui::engine::{EngineEvent, NodeId};
use fixedip_tui::plan::{EipChoice, Step};
use fixedip_tui::ui::{self, theme::Theme};
use fixedip_tui::verify::{Check, CheckState, Report};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const N: usize = 10_000;
/// The VPCs the wizard's lists are measured in (each holds one kind of 10,000 rows).
const SUBNETS_VPC: &str = "vpc-bench0subnets";
const NLBS_VPC: &str = "vpc-bench00000nlbs";
const TGS_VPC: &str = "vpc-bench000000tgs";

fn key(code: KeyCode) -> Msg {
    Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn pct(v: &[Duration], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)].as_secs_f64() * 1e3
}

fn report(label: &str, v: &[Duration]) {
    println!(
        "{label:<52} p50 {:>7.3} ms   p99 {:>7.3} ms   (n={})",
        pct(v, 0.5),
        pct(v, 0.99),
        v.len()
    );
}

/// One key as the runner handles it: `update`, then the frame, then the frame's layout sent back.
fn press(m: &mut Model, t: &mut Terminal<TestBackend>, msg: Msg) -> Duration {
    let start = Instant::now();
    app::update(m, msg);
    let mut layout = None;
    let _ = t.draw(|f| layout = Some(ui::render_measured(f, m, &Theme::COLOR)));
    let took = start.elapsed();
    if let Some(l) = layout {
        app::update(m, Msg::Layout(l));
    }
    took
}

fn presses(m: &mut Model, t: &mut Terminal<TestBackend>, n: usize, code: KeyCode) -> Vec<Duration> {
    (0..n).map(|_| press(m, t, key(code))).collect()
}

/// Move and page down from the top (`top` goes there first).
fn move_and_page(
    m: &mut Model,
    t: &mut Terminal<TestBackend>,
    label: &str,
    down: KeyCode,
    top: KeyCode,
) {
    press(m, t, key(top));
    presses(m, t, 20, down); // warm-up
    report(&format!("{label}: move down"), &presses(m, t, 1000, down));
    press(m, t, key(top));
    report(
        &format!("{label}: page down"),
        &presses(m, t, 200, KeyCode::PageDown),
    );
    press(m, t, key(top));
}

/// What the runner does while no key waits: the filter's search goes on (`Msg::Work`), a frame
/// when it changed something; until nothing is left to do.
fn settle(m: &mut Model, t: &mut Terminal<TestBackend>) {
    while m.searching() {
        app::update(m, Msg::Work);
        if m.dirty {
            let mut layout = None;
            let _ = t.draw(|f| layout = Some(ui::render_measured(f, m, &Theme::COLOR)));
            if let Some(l) = layout {
                app::update(m, Msg::Layout(l));
            }
        }
    }
}

/// Filter keystrokes: `/`, then `query`'s characters one by one (the query starts again, from an
/// empty filter, each time it is typed out). Timed per key: its update and frame (the query
/// echoed, one slice of the search done), and until its matches are on screen (the rest of the
/// search, as the runner does it between keys, and the frame that shows them).
fn filter_keys(m: &mut Model, t: &mut Terminal<TestBackend>, label: &str, query: &str) {
    let mut per_key = Vec::new();
    let mut until_shown = Vec::new();
    while per_key.len() < 300 {
        press(m, t, key(KeyCode::Char('/')));
        for c in query.chars() {
            let start = Instant::now();
            per_key.push(press(m, t, key(KeyCode::Char(c))));
            settle(m, t);
            until_shown.push(start.elapsed());
        }
        // Esc while typing clears the filter.
        press(m, t, key(KeyCode::Esc));
    }
    report(&format!("{label}: one filter keystroke"), &per_key);
    report(&format!("{label}:   …its matches on screen"), &until_shown);
}

/// The account: the demo's, plus 10,000 of each kind of row.
fn account() -> Result<fixedip_tui::cloud::sim_data::SimAccount, Box<dyn std::error::Error>> {
    let mut account = SimCloud::parse_account(DEMO_ACCOUNT_JSON)?;
    let template_vpc = account.vpcs[0].clone();
    let template_subnet = account.subnets[0].clone();
    let template_cert = account.certificates[0].clone();
    let template_zone = account.hosted_zones[0].clone();
    let template_api = account.rest_apis[0].clone();
    let template_eip = account.elastic_ips[0].clone();
    for i in 0..N {
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
    for (id, name) in [
        (SUBNETS_VPC, "bench-subnets"),
        (NLBS_VPC, "bench-nlbs"),
        (TGS_VPC, "bench-tgs"),
    ] {
        account.vpcs.push(Vpc {
            id: id.into(),
            name: Some(name.into()),
            cidr: "10.128.0.0/9".into(),
            ..template_vpc.clone()
        });
    }
    for i in 0..N {
        account.subnets.push(Subnet {
            id: format!("subnet-b{i:016x}"),
            vpc_id: SUBNETS_VPC.into(),
            az: format!("us-east-1{}", ['a', 'b', 'c', 'd'][i % 4]),
            cidr: format!("10.{}.{}.0/26", 128 + i / 256 % 128, i % 256),
            name: Some(format!("bench-{i}")),
            ..template_subnet.clone()
        });
        account.certificates.push(Certificate {
            arn: format!("arn:aws:acm:us-east-1:123456789012:certificate/bench-{i:06}"),
            domain: format!("svc{i}.example.com"),
            sans: vec![format!("svc{i}.example.com")],
            status: if i.is_multiple_of(3) {
                CertStatus::PendingValidation
            } else {
                CertStatus::Issued
            },
            ..template_cert.clone()
        });
        account.hosted_zones.push(HostedZone {
            id: format!("ZBENCH{i:015}"),
            name: format!("z{i}.example.com"),
            private: i % 2 == 1,
            vpcs: vec![],
            ..template_zone.clone()
        });
        account.rest_apis.push(RestApi {
            id: format!("b{i:09}"),
            name: format!("bench-api-{i}"),
            vpc_endpoint_ids: vec![],
            ..template_api.clone()
        });
        account.elastic_ips.push(ElasticIp {
            allocation_id: format!("eipalloc-b{i:016x}"),
            public_ip: format!("3.{}.{}.{}", i / 65536, i / 256 % 256, i % 256),
            ..template_eip.clone()
        });
    }
    Ok(account)
}

/// 10,000 NLBs in one VPC and 10,000 target groups in another (folded in as discovery reads them).
fn load_balancers() -> ElbInventory {
    let nlb = |i: usize| {
        NlbInfo {
        lb: LoadBalancerState {
            arn: format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/bench-{i}/{i:016x}"),
            name: format!("bench-nlb-{i}"),
            dns_name: format!("bench-{i}.elb.us-east-1.amazonaws.com"),
            canonical_hosted_zone_id: "Z26RNL4JYFTOTI".into(),
            scheme: if i.is_multiple_of(4) { "internal" } else { "internet-facing" }.into(),
            state: "active".into(),
            vpc_id: NLBS_VPC.into(),
            subnet_ids: vec![],
            security_group_ids: vec![],
            addresses: vec![],
            eip_allocations: vec![],
            cross_zone: None,
            tags: vec![],
        },
        listeners: vec![ListenerState {
            arn: format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/bench-{i}/{i:016x}/1"),
            protocol: "TLS".into(),
            port: 443,
            certificate_arns: vec![],
            ssl_policy: None,
            alpn_policy: vec![],
            target_group_arn: None,
        }],
    }
    };
    ElbInventory {
        load_balancers: (0..N).map(nlb).collect(),
        target_groups: (0..N)
            .map(|i| TargetGroupState {
                arn: format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bench-{i}/{i:016x}"),
                name: format!("bench-tg-{i}"),
                vpc_id: TGS_VPC.into(),
                protocol: if i.is_multiple_of(5) { "TCP" } else { "TLS" }.into(),
                port: 443,
                target_type: "ip".into(),
                health_check_protocol: "TCP".into(),
                tags: vec![],
            })
            .collect(),
    }
}

async fn discovered_model(sim: Arc<SimCloud>) -> Result<Model, Box<dyn std::error::Error>> {
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
    println!(
        "discovery, 10,000 rows of each kind (simulated, no latency): {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let mut m = Model::new(None);
    app::update(&mut m, Msg::Connected(sim.target()));
    let start = Instant::now();
    let elb = discovery::Event::Loaded(SourceData::LoadBalancers(load_balancers()));
    for event in inv_events.into_iter().chain([elb]) {
        app::update(
            &mut m,
            Msg::Discovery {
                generation: 1,
                event,
            },
        );
    }
    println!(
        "folding the inventory into the model: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(m)
}

fn home(m: &mut Model, t: &mut Terminal<TestBackend>) {
    let label = format!("home: VPC list, {} rows", m.inventory.vpcs.len());
    move_and_page(m, t, &label, KeyCode::Char('j'), KeyCode::Char('g'));
    filter_keys(m, t, &label, "team-99");
    // The detail pane of a VPC with 10,000 subnets (two lines each), scrolled by J.
    if let Some(pos) = m
        .visible
        .iter()
        .position(|i| m.inventory.vpcs[*i].id == SUBNETS_VPC)
    {
        m.selected = pos;
        m.chosen_vpc = Some(SUBNETS_VPC.into());
        press(m, t, Msg::Tick);
        report(
            "home: detail of a VPC with 10,000 subnets: J",
            &presses(m, t, 300, KeyCode::Char('J')),
        );
        m.selected = 0;
        m.detail_scroll = Default::default();
    }
}

/// The wizard at `step` of `vpc`'s plan, the list focused; `setup` changes the draft first.
fn open_wizard(
    m: &mut Model,
    t: &mut Terminal<TestBackend>,
    vpc: &str,
    step: Step,
    setup: impl Fn(&mut Wizard),
) {
    let mut w = Wizard::start(&m.inventory, vpc, None);
    w.dns_question = false;
    w.step = step;
    w.field = Field::List;
    setup(&mut w);
    m.wizard = Some(w);
    // Any key recomputes the rows of what changed; `g` goes to the top.
    press(m, t, key(KeyCode::Char('g')));
}

fn wizard_list(m: &mut Model, t: &mut Terminal<TestBackend>, what: &str, query: &str) {
    let rows = m.wizard.as_ref().map(|w| w.rows.len()).unwrap_or(0);
    let label = format!("wizard: {what}, {rows} rows");
    move_and_page(m, t, &label, KeyCode::Char('j'), KeyCode::Char('g'));
    filter_keys(m, t, &label, query);
}

fn wizard_lists(m: &mut Model, t: &mut Terminal<TestBackend>) {
    let prod = m
        .inventory
        .vpcs
        .iter()
        .find(|v| v.name.as_deref() == Some("prod-core"))
        .map(|v| v.id.clone())
        .unwrap_or_default();
    open_wizard(m, t, SUBNETS_VPC, Step::EndpointSubnets, |_| {});
    wizard_list(m, t, "endpoint subnets", "10.130.7");
    open_wizard(m, t, SUBNETS_VPC, Step::NlbSubnets, |_| {});
    wizard_list(m, t, "NLB subnets", "bench-77");
    open_wizard(m, t, NLBS_VPC, Step::NlbSubnets, |_| {});
    wizard_list(m, t, "NLBs to adopt", "bench-nlb-42");
    open_wizard(m, t, TGS_VPC, Step::NlbSubnets, |_| {});
    wizard_list(m, t, "target groups to adopt", "bench-tg-42");
    open_wizard(m, t, &prod, Step::NlbSubnets, |w| {
        w.draft.eips = EipChoice::Existing {
            allocation_ids: vec![],
        }
    });
    wizard_list(m, t, "your Elastic IPs", "3.0.42");
    open_wizard(m, t, &prod, Step::NameCertificate, |w| {
        w.draft.name = "fixed.example.com".into();
        w.name_input = w.name_input.clone().with_value(w.draft.name.clone());
    });
    wizard_list(m, t, "certificates", "svc42.example");
    open_wizard(m, t, &prod, Step::Api, |_| {});
    wizard_list(m, t, "APIs", "bench-api-42");
    open_wizard(m, t, &prod, Step::Callers, |w| {
        w.draft.allow_cidrs = (0..N)
            .map(|i| format!("198.{}.{}.0/24", i / 256 % 256, i % 256))
            .collect();
    });
    wizard_list(m, t, "callers", "198.18.4");
    open_wizard(m, t, &prod, Step::Zones, |w| {
        w.draft.name = "api.z42.example.com".into();
    });
    wizard_list(m, t, "zones", "z42.example");
}

/// The verify checklist with 10,000 checks (one in ten failed, with evidence and a fix).
fn verify(m: &mut Model, t: &mut Terminal<TestBackend>) {
    let Some(plan) = m.wizard.as_ref().map(|w| w.plan(&m.inventory)) else {
        return;
    };
    let checks: Vec<Check> = (0..N)
        .map(|i| {
            let ip = format!("3.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256);
            let mut c = Check::new(&format!("tcp:{ip}"), &ip, "TCP 443 connects");
            if i.is_multiple_of(10) {
                c.state = CheckState::Fail;
                c.evidence = format!("connect to {ip}:443 timed out after 5 s: nothing answered, a firewall on the way drops the packets");
                c.fix = Some("allow TCP 443 from the caller in the NLB's security group, and check the route to the internet gateway".into());
            } else {
                c.state = CheckState::Pass;
                c.evidence = format!("connected to {ip}:443 in 23 ms");
            }
            c
        })
        .collect();
    m.verify = Some(VerifyView::new(plan.clone(), 0, false));
    app::update(
        m,
        Msg::VerifyFinished {
            at_ms: 1,
            report: Box::new(Report::of(&plan, checks, vec![])),
        },
    );
    let label = format!("verify: checks, {N} rows");
    move_and_page(m, t, &label, KeyCode::Char('j'), KeyCode::Char('g'));
    m.verify = None;
}

/// The Setups tab with 10,000 setups (the demo's found-by-shape ones, repeated under other
/// names).
async fn setups(
    m: &mut Model,
    t: &mut Terminal<TestBackend>,
    sim: &SimCloud,
) -> Result<(), Box<dyn std::error::Error>> {
    let (one, report) = doctor::judge(sim, &doctor::Scope::All, doctor::today()).await?;
    if one.is_empty() {
        return Err("the demo account has no setup to repeat".into());
    }
    let mut setups = Vec::with_capacity(N);
    let mut rows = Vec::with_capacity(N);
    for i in 0..N {
        let (mut s, mut r) = (
            one[i % one.len()].clone(),
            report.setups[i % one.len()].clone(),
        );
        s.nlb.name = format!("bench-setup-{i}");
        s.nlb.arn = format!("{}-{i}", s.nlb.arn);
        r.id = s.id();
        r.name = s.nlb.name.clone();
        r.nlb_arn = s.nlb.arn.clone();
        setups.push(s);
        rows.push(r);
    }
    let report = doctor::Report {
        setups: rows,
        ..report
    };
    m.home_tab = HomeTab::Setups;
    app::update(
        m,
        Msg::Setups {
            generation: m.setups.generation,
            result: Ok(Box::new((setups, report))),
        },
    );
    let label = format!("setups: the Setups tab, {} rows", m.setups.rows().len());
    move_and_page(m, t, &label, KeyCode::Char('j'), KeyCode::Char('g'));
    filter_keys(m, t, &label, "bench-setup-42");
    m.home_tab = HomeTab::Vpcs;
    Ok(())
}

/// The apply's AWS calls pane with 10,000 calls.
fn apply_log(m: &mut Model, t: &mut Terminal<TestBackend>) {
    let Some(plan) = m.wizard.as_ref().map(|w| w.plan(&m.inventory)) else {
        return;
    };
    m.apply = Some(ApplyView::new(plan, Mode::Apply, 0));
    for i in 0..N {
        let command = format!(
            "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-{i:017x} --region us-east-1"
        );
        app::update(
            m,
            Msg::Engine {
                at_ms: 0,
                event: EngineEvent::Call {
                    node: NodeId::Endpoint,
                    command,
                },
            },
        );
    }
    // J / K and PgDn / PgUp scroll the calls by five; K back to the newest first.
    let label = format!("apply: AWS calls log, {N} rows");
    move_and_page(m, t, &label, KeyCode::Char('J'), KeyCode::Char('K'));
    m.apply = None;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Arc::new(SimCloud::new(account()?, SimOptions::instant()));
    let mut m = discovered_model(sim.clone()).await?;
    let mut t = Terminal::new(TestBackend::new(120, 40))?;
    press(&mut m, &mut t, Msg::Tick);
    home(&mut m, &mut t);
    setups(&mut m, &mut t, &sim).await?;
    wizard_lists(&mut m, &mut t);
    verify(&mut m, &mut t);
    apply_log(&mut m, &mut t);

    // Idle: a tick while nothing loads changes nothing, so the runner draws nothing.
    m.wizard = None;
    m.dirty = false;
    app::update(&mut m, Msg::Tick);
    println!(
        "idle tick marks the model dirty (would redraw): {}",
        m.dirty
    );
    Ok(())
}
