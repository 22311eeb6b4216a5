//! Shared test helpers.
#![allow(dead_code)]

pub mod census;
pub mod moto;
pub mod standin;

use fixedip_tui::discovery::Inventory;
use fixedip_tui::engine::{self, Account, Direction, EngineEvent, EngineOptions, Outcome};
use fixedip_tui::plan::Plan;

/// One run of the engine (`Direction::Apply` or `Destroy`) of `plan` against `account`: its
/// outcome and every event it said.
pub async fn engine_run(
    direction: Direction,
    plan: &Plan,
    inv: &Inventory,
    account: Arc<dyn Account>,
    opts: EngineOptions,
) -> (Outcome, Vec<EngineEvent>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(direction, plan, inv, account, opts, tx)
        .await
        .expect("the engine runs");
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (out, events)
}

/// The real binary with nothing of the caller's environment: no credentials, no profile, no
/// IMDS, a private home and state directory; one attempt per AWS call.
pub fn bin_without_credentials(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fixedip-tui"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("FIXEDIP_MAX_ATTEMPTS", "1");
    cmd
}

use std::sync::Arc;

use fixedip_tui::app::{self, Model, Msg};
use fixedip_tui::cloud::sim::{SimCloud, SimOptions};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery;

/// Every discovery event of a run against `cloud`, in arrival order.
pub async fn discovery_events(cloud: Arc<dyn Cloud>) -> Vec<discovery::Event> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    discovery::run(cloud, tx).await;
    let mut out = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        out.push(ev);
    }
    out
}

pub fn demo_sim() -> SimCloud {
    SimCloud::demo(SimOptions::instant()).expect("the demo account parses")
}

/// A model connected to `cloud` with the given discovery events applied (generation 1).
pub fn model_with(cloud: &dyn Cloud, events: &[discovery::Event]) -> Model {
    let mut m = Model::new(Some(
        "/home/u/.local/state/fixedip-tui/fixedip-tui.log".into(),
    ));
    let cmds = app::update(&mut m, Msg::Connected(cloud.target()));
    assert_eq!(
        cmds,
        vec![
            app::Cmd::Discover { generation: 1 },
            app::Cmd::ReadSetups { generation: 1 }
        ]
    );
    for ev in events {
        app::update(
            &mut m,
            Msg::Discovery {
                generation: 1,
                event: ev.clone(),
            },
        );
    }
    m
}

/// The fully discovered demo account.
pub async fn loaded_demo_model() -> Model {
    let sim = Arc::new(demo_sim());
    let events = discovery_events(sim.clone()).await;
    let mut m = model_with(sim.as_ref(), &events);
    // The setups, read beside discovery as the runner does (certificate expiry judged on a fixed
    // day, so nothing on screen ages).
    let today = fixedip_tui::domain::days_from_rfc3339("2026-12-01T00:00:00Z").unwrap_or_default();
    let judged = fixedip_tui::doctor::judge(sim.as_ref(), &fixedip_tui::doctor::Scope::All, today)
        .await
        .expect("the demo's load balancers are read");
    app::update(
        &mut m,
        Msg::Setups {
            generation: 1,
            result: Ok(Box::new(judged)),
        },
    );
    // As `fixedip-tui --demo` starts it: its commands carry --demo, its time runs at the demo's
    // default speed.
    m.command_prefix = "fixedip-tui --demo".into();
    m.time_scale = 0.05;
    m
}

/// Feed keys to the model: tokens separated by spaces — `j`, `SPC`, `ENT`, `TAB`, `BTAB`, `ESC`,
/// `BS`, `UP`, `DOWN`, a single character, or `t:text` to type text.
pub fn keys(m: &mut Model, script: &str) -> Vec<app::Cmd> {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut cmds = Vec::new();
    let mut send = |m: &mut Model, code: KeyCode| {
        cmds.extend(app::update(
            m,
            Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        ));
    };
    for tok in script.split_whitespace() {
        match tok {
            "SPC" => send(m, KeyCode::Char(' ')),
            "ENT" => send(m, KeyCode::Enter),
            "TAB" => send(m, KeyCode::Tab),
            "BTAB" => send(m, KeyCode::BackTab),
            "ESC" => send(m, KeyCode::Esc),
            "BS" => send(m, KeyCode::Backspace),
            "UP" => send(m, KeyCode::Up),
            "DOWN" => send(m, KeyCode::Down),
            t if t.starts_with("t:") => {
                for c in t[2..].chars() {
                    send(m, KeyCode::Char(c));
                }
            }
            t => {
                for c in t.chars() {
                    send(m, KeyCode::Char(c));
                }
            }
        }
    }
    cmds
}

/// Answer a record lookup the way the runner would, from the simulated account.
pub fn answer_lookups(m: &mut Model, sim: &SimCloud, cmds: &[app::Cmd]) {
    for c in cmds {
        if let app::Cmd::LookupRecords { zone_ids, name } = c {
            let found = sim.with_account(|a| {
                a.record_sets
                    .iter()
                    .filter(|r| zone_ids.contains(&r.zone_id) && &r.name == name)
                    .cloned()
                    .collect::<Vec<_>>()
            });
            app::update(
                m,
                Msg::Records {
                    zone_ids: zone_ids.clone(),
                    name: name.clone(),
                    result: Ok(found),
                },
            );
        }
    }
}

/// The demo's clean path and the inventory the plan tests validate it against (records looked up,
/// a fixed "now" so certificate expiry is deterministic).
pub mod clean {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use fixedip_tui::discovery::{self, Inventory};
    use fixedip_tui::plan::{
        plan_id, ApiChoice, EndpointChoice, Plan, PrivateZoneChoice, Settings, PLAN_VERSION,
    };

    pub const PROD: &str = "vpc-0135f36302291c303";
    pub const PRIV: [&str; 3] = [
        "subnet-029b8fa21f8c03262",
        "subnet-0186e3bc6e22fdd66",
        "subnet-0ffa8020d26f8856a",
    ];
    pub const PUB: [&str; 3] = [
        "subnet-08cceedc58f64dc0a",
        "subnet-0914893785dafcf38",
        "subnet-08b0c9d866ed90752",
    ];
    pub const WILDCARD_CERT: &str =
        "arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405-a0b0-4339-a499-fa0fb1cae63f";
    pub const ZONE_EXAMPLE_COM: &str = "Z0150999TLFZEKJCOQEVC";

    pub fn inventory() -> Inventory {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let sim = Arc::new(super::demo_sim());
        let mut inv = rt.block_on(discovery::collect(sim.clone()));
        inv.records = sim.with_account(|a| a.record_sets.clone());
        inv.read_at = Some("2026-11-26T00:00:00Z".into());
        inv
    }

    pub fn clean_plan() -> Plan {
        Plan {
            version: PLAN_VERSION,
            id: plan_id("123456789012", "us-east-1", "fixed.example.com"),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            vpc_id: PROD.into(),
            enable_vpc_dns: false,
            endpoint: EndpointChoice::Create {
                subnet_ids: PRIV.iter().map(|s| s.to_string()).collect(),
                allow_public_subnets: false,
            },
            nlb_subnet_ids: PUB.iter().map(|s| s.to_string()).collect(),
            eips: fixedip_tui::plan::EipChoice::None,
            endpoint_ips: Default::default(),
            adopt_nlb: None,
            adopt_target_group: None,
            name: "fixed.example.com".into(),
            certificate_arn: WILDCARD_CERT.into(),
            api: ApiChoice::Create {
                name: "fixedip-ping".into(),
            },
            stage: "prod".into(),
            base_path: None,
            allow_cidrs: vec!["203.0.113.0/24".into()],
            vpc_callers: fixedip_tui::plan::default_vpc_callers(),
            public_zone_id: ZONE_EXAMPLE_COM.into(),
            private_zone: PrivateZoneChoice::Create,
            replace_records: false,
            tags: BTreeMap::new(),
            acknowledged: vec![],
            settings: Settings::default(),
        }
    }
}

/// The demo account with AWS-like latencies and waits (tests run it under paused time).
pub fn realistic_sim() -> Arc<SimCloud> {
    Arc::new(
        SimCloud::demo(SimOptions {
            latency: fixedip_tui::cloud::sim::Latency::REALISTIC,
            ..SimOptions::default()
        })
        .expect("demo parses"),
    )
}

/// `GET /ping` on `api` as the engine makes it: the `/ping` resource under the root (found or
/// made), then its method, integration and responses.
pub async fn put_ping<C: fixedip_tui::cloud::CloudWrite + ?Sized>(
    cloud: &C,
    api: &str,
) -> fixedip_tui::cloud::CloudResult<()> {
    use fixedip_tui::cloud::cli::PingPart;
    let resources = cloud.api_resources(api).await?;
    let find = |p: &str| {
        resources
            .iter()
            .find(|(_, path)| path == p)
            .map(|(id, _)| id.clone())
    };
    let ping = match find("/ping") {
        Some(id) => id,
        None => {
            let root = find("/").expect("a root resource");
            cloud.create_resource(api, &root, "ping").await?
        }
    };
    for part in PingPart::ALL {
        cloud.put_ping(api, &ping, part).await?;
    }
    Ok(())
}
