//! `verify`'s configuration checks on the simulated account (paused time): after an apply and the
//! health checks, every check passes; then the faults moto cannot show — an unhealthy target with
//! its reason, endpoint IPs that drifted from the targets (and `--reregister` mending it), the
//! NLB's own IPs — and each configuration defect the judge must name.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::SimCloud;
use fixedip_tui::cloud::write::IngressRule;
use fixedip_tui::cloud::CloudWrite;
use fixedip_tui::discovery;
use fixedip_tui::engine::{self, Account, EngineOptions, Journal, NodeId};
use fixedip_tui::plan::Plan;
use fixedip_tui::verify::{self, config, CheckState, Report, VerifyOptions};

fn sim() -> Arc<SimCloud> {
    common::realistic_sim()
}

fn plan() -> Plan {
    common::clean::clean_plan()
}

/// Apply the clean plan, wait until the targets had time to turn healthy; the journal.
async fn applied(sim: &Arc<SimCloud>, state: &std::path::Path) -> Journal {
    let inv = discovery::collect(sim.clone()).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let out = engine::run(
        engine::Direction::Apply,
        &plan(),
        &inv,
        sim.clone() as Arc<dyn Account>,
        EngineOptions::aws(state.to_path_buf()),
        tx,
    )
    .await
    .expect("the engine runs");
    assert!(out.ok(), "{:?}", out.failures);
    tokio::time::sleep(Duration::from_secs(600)).await;
    Journal::load_or_new(state, &plan().id).expect("journal")
}

fn offline() -> VerifyOptions {
    VerifyOptions {
        network: false,
        ..VerifyOptions::default()
    }
}

async fn verify(sim: &Arc<SimCloud>, journal: &Journal, opts: &VerifyOptions) -> Report {
    let cloud = sim.clone() as Arc<dyn Account>;
    verify::run(&cloud, &plan(), journal, opts, None).await
}

fn state_of(r: &Report, id: &str) -> CheckState {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.state)
        .unwrap_or_else(|| panic!("no check {id}: {:#?}", r.checks))
}

fn check<'a>(r: &'a Report, id: &str) -> &'a verify::Check {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

#[tokio::test(start_paused = true)]
async fn an_applied_plan_passes_every_configuration_check() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let journal = applied(&sim, state.path()).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cloud = sim.clone() as Arc<dyn Account>;
    let report = verify::run(&cloud, &plan(), &journal, &offline(), Some(&tx)).await;
    for id in config::placeholders().iter().map(|c| c.id.clone()) {
        assert_eq!(
            state_of(&report, &id),
            CheckState::Pass,
            "{:#?}",
            check(&report, &id)
        );
    }
    assert_eq!(state_of(&report, "dns"), CheckState::Skipped);
    assert!(report.passed);
    // The NLB's own addresses are what the network checks would use.
    let lb = sim
        .find_load_balancer(&plan().nlb_name())
        .await
        .expect("read")
        .expect("nlb");
    let mut want = lb.addresses.clone();
    want.sort();
    let mut got = report.nlb_ips.clone();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(got.len(), 3, "one IP per AZ");
    // Each check was announced running before its result.
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    let first = events.iter().position(|c| c.id == "targets").expect("sent");
    assert_eq!(events[first].state, CheckState::Running);
    assert!(events
        .iter()
        .any(|c| c.id == "targets" && c.state == CheckState::Pass));
    // The private zone check prints the command to run inside the VPC.
    assert!(check(&report, "private-zone")
        .evidence
        .contains("dig +short fixed.example.com"));
    // Kept for the handout.
    report.save(state.path()).expect("save");
    assert_eq!(Report::load(state.path(), &plan().id), Some(report));
}

#[tokio::test(start_paused = true)]
async fn an_unhealthy_target_fails_with_its_reason_and_the_fix() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let journal = applied(&sim, state.path()).await;
    // The endpoint's security group stops admitting the NLB: health checks time out.
    let sg = journal
        .id_of(NodeId::EndpointSg)
        .expect("endpoint sg")
        .to_string();
    let rules = sim
        .describe_security_group(&sg)
        .await
        .expect("read")
        .expect("sg")
        .ingress;
    sim.revoke_ingress(&sg, &rules).await.expect("revoke");
    let report = verify(&sim, &journal, &offline()).await;
    let t = check(&report, "targets");
    assert_eq!(t.state, CheckState::Fail);
    assert!(
        t.evidence.contains("unhealthy (Target.Timeout)"),
        "{}",
        t.evidence
    );
    assert!(t
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("security group"));
    assert!(!report.passed);
    // Put back: healthy again.
    sim.authorize_ingress(&sg, &rules).await.expect("grant");
    let report = verify(&sim, &journal, &offline()).await;
    assert_eq!(state_of(&report, "targets"), CheckState::Pass);
}

#[tokio::test(start_paused = true)]
async fn drifted_endpoint_ips_are_found_and_reregister_mends_them() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let journal = applied(&sim, state.path()).await;
    let vpce = journal
        .id_of(NodeId::Endpoint)
        .expect("endpoint")
        .to_string();
    // The endpoint's interface in one subnet is replaced (as when its subnets are modified).
    let (old_ip, new_ip) = sim.with_account(|a| {
        let eni = a
            .network_interfaces
            .iter_mut()
            .find(|n| n.owner == vpce)
            .expect("an endpoint ENI");
        let old = eni.ip.clone();
        let mut octets: Vec<u8> = old.split('.').filter_map(|o| o.parse().ok()).collect();
        octets[3] = octets[3].wrapping_add(7).max(5);
        eni.ip = octets
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>()
            .join(".");
        (old, eni.ip.clone())
    });
    let report = verify(&sim, &journal, &offline()).await;
    let e = check(&report, "endpoint");
    assert_eq!(e.state, CheckState::Fail);
    assert!(
        e.evidence.contains(&new_ip) && e.evidence.contains(&old_ip),
        "{}",
        e.evidence
    );
    assert!(e
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("--reregister"));
    let t = check(&report, "targets");
    assert_eq!(t.state, CheckState::Fail);
    assert!(t.evidence.contains(&new_ip), "{}", t.evidence);

    let mend = VerifyOptions {
        reregister: true,
        ..offline()
    };
    let report = verify(&sim, &journal, &mend).await;
    let r = check(&report, "reregister");
    assert_eq!(r.state, CheckState::Pass, "{r:#?}");
    assert!(
        r.evidence.contains(&format!("registered {new_ip}")),
        "{}",
        r.evidence
    );
    assert!(
        r.evidence.contains(&format!("deregistered {old_ip}")),
        "{}",
        r.evidence
    );
    // Once the new target's health checks pass, everything does.
    tokio::time::sleep(Duration::from_secs(600)).await;
    let report = verify(&sim, &journal, &offline()).await;
    assert!(report.passed, "{}", verify::text(&report.checks));
    let tg = journal.id_of(NodeId::TargetGroup).expect("tg");
    let ips: Vec<String> = sim
        .target_health(tg)
        .await
        .expect("health")
        .into_iter()
        .map(|t| t.ip)
        .collect();
    assert!(ips.contains(&new_ip) && !ips.contains(&old_ip), "{ips:?}");
}

/// Each configuration defect, introduced into the facts read from a healthy apply, fails its own
/// check (and only it) with a fix.
#[tokio::test(start_paused = true)]
async fn every_configuration_defect_fails_its_check_with_a_fix() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let journal = applied(&sim, state.path()).await;
    let good = config::gather(sim.as_ref(), &plan(), &journal).await;
    assert!(config::evaluate(&plan(), &good)
        .iter()
        .all(|c| c.state == CheckState::Pass));

    type Defect = (&'static str, &'static str, fn(&mut config::Facts));
    let defects: Vec<Defect> = vec![
        ("nlb provisioning", "nlb", |f| {
            if let Ok(Some(lb)) = &mut f.nlb_read {
                lb.state = "provisioning".into();
            }
        }),
        ("nlb gone", "nlb", |f| f.nlb_read = Ok(None)),
        ("listener TCP", "nlb", |f| {
            if let Ok(Some(l)) = &mut f.listeners {
                l[0].protocol = "TCP".into();
            }
        }),
        ("listener other cert", "nlb", |f| {
            if let Ok(Some(l)) = &mut f.listeners {
                l[0].certificate_arns = vec!["arn:aws:acm:us-east-1:1:certificate/other".into()];
            }
        }),
        ("target initial", "targets", |f| {
            if let Ok(Some(h)) = &mut f.health {
                h[0].state = "initial".into();
            }
        }),
        ("no targets", "targets", |f| f.health = Ok(Some(vec![]))),
        ("endpoint pending", "endpoint", |f| {
            if let Ok(Some(e)) = &mut f.endpoint {
                e.state = "pending".into();
            }
        }),
        ("private DNS off", "endpoint", |f| {
            if let Ok(Some(e)) = &mut f.endpoint {
                e.private_dns = false;
            }
        }),
        ("public record elsewhere", "public-record", |f| {
            if let Ok(Some(r)) = &mut f.public_records {
                for x in r.iter_mut() {
                    x.alias_target = Some("other.elb.amazonaws.com".into());
                }
            }
        }),
        ("public record missing", "public-record", |f| {
            f.public_records = Ok(Some(vec![]))
        }),
        ("zone not associated", "private-zone", |f| {
            if let Ok(Some(z)) = &mut f.private_zone {
                z.vpcs.clear();
            }
        }),
        ("private record elsewhere", "private-zone", |f| {
            if let Ok(Some(r)) = &mut f.private_records {
                for x in r.iter_mut() {
                    x.alias_target = Some("d-abc.execute-api.us-east-1.amazonaws.com".into());
                }
            }
        }),
        ("api regional", "api", |f| {
            if let Ok(Some(a)) = &mut f.api {
                a.endpoint_types = vec!["REGIONAL".into()];
            }
        }),
        ("api bound elsewhere", "api", |f| {
            if let Ok(Some(a)) = &mut f.api {
                a.vpc_endpoint_ids = vec!["vpce-0other".into()];
            }
        }),
        ("api without policy", "api", |f| {
            if let Ok(Some(a)) = &mut f.api {
                a.policy = None;
            }
        }),
        ("domain other cert", "domain", |f| {
            if let Ok(Some(d)) = &mut f.domain {
                d.certificate_arn = "arn:aws:acm:us-east-1:1:certificate/other".into();
            }
        }),
        ("no mapping", "domain", |f| f.mappings = Ok(Some(vec![]))),
        ("stage missing", "domain", |f| {
            if let Ok(Some(a)) = &mut f.api {
                a.stages.clear();
            }
        }),
        ("read refused", "api", |f| {
            f.api = Err("AccessDenied".into())
        }),
    ];
    for (what, id, break_it) in defects {
        let mut f = good.clone();
        break_it(&mut f);
        // `nlb` mirrors `nlb_read` (kept for the IPs).
        f.nlb = f.nlb_read.clone().ok().flatten();
        let checks = config::evaluate(&plan(), &f);
        for c in &checks {
            if c.id == id {
                assert_eq!(c.state, CheckState::Fail, "{what}: {c:#?}");
                assert!(c.fix.is_some(), "{what}: a fix");
            } else if what != "nlb gone" && what != "stage missing" && what != "no targets" {
                assert_eq!(
                    c.state,
                    CheckState::Pass,
                    "{what} should fail only {id}: {c:#?}"
                );
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_caller_rule_change_does_not_upset_verify() {
    // `allow` changes the NLB security group in place; verify reads the rest as before.
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let journal = applied(&sim, state.path()).await;
    let sg = journal.id_of(NodeId::NlbSg).expect("nlb sg").to_string();
    sim.authorize_ingress(
        &sg,
        &[IngressRule {
            port: 443,
            source: "192.0.2.0/24".into(),
            description: "test".into(),
        }],
    )
    .await
    .expect("grant");
    assert!(verify(&sim, &journal, &offline()).await.passed);
}
