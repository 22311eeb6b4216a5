//! The wizard through `update`: key sequences in, draft / plan / commands out.

use crate::common;

use common::{answer_lookups, keys};
use fixedip_tui::app::wizard::Field;
use fixedip_tui::app::{Cmd, Model};
use fixedip_tui::plan::{ApiChoice, EndpointChoice, Plan, PrivateZoneChoice, Step};

const PROD_PRIV: [&str; 3] = [
    "subnet-029b8fa21f8c03262",
    "subnet-0186e3bc6e22fdd66",
    "subnet-0ffa8020d26f8856a",
];
const PROD_PUB: [&str; 3] = [
    "subnet-08cceedc58f64dc0a",
    "subnet-0914893785dafcf38",
    "subnet-08b0c9d866ed90752",
];

fn step(m: &Model) -> Option<Step> {
    m.wizard.as_ref().map(|w| w.step)
}

fn flash(m: &Model) -> String {
    m.flash.clone().unwrap_or_default()
}

/// From the loaded demo to the zones step of the clean path (prod-core, fixed.example.com).
async fn to_zones() -> (Model, fixedip_tui::cloud::sim::SimCloud) {
    let sim = common::demo_sim();
    let mut m = common::loaded_demo_model().await;
    // The clean path: one Enter per step, two typed values.
    assert_eq!(
        m.selected_vpc().map(|v| v.id.as_str()),
        Some("vpc-0135f36302291c303"),
        "the cursor starts on the recommended VPC (prod-core)"
    );
    assert_eq!(m.recommended_vpc.as_deref(), Some("vpc-0135f36302291c303"));
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::EndpointSubnets));
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::NlbSubnets), "{}", flash(&m));
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::NameCertificate), "{}", flash(&m));
    keys(&mut m, "t:fixed.example.com ENT");
    assert_eq!(step(&m), Some(Step::Api), "{}", flash(&m));
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::Callers), "{}", flash(&m));
    let cmds = keys(&mut m, "t:203.0.113.0/24 ENT");
    assert_eq!(step(&m), Some(Step::Zones), "{}", flash(&m));
    answer_lookups(&mut m, &sim, &cmds);
    (m, sim)
}

#[tokio::test]
async fn the_clean_path_ends_in_a_saved_plan() {
    let (mut m, _sim) = to_zones().await;
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::Review), "{}", flash(&m));
    assert_eq!(
        m.wizard.as_ref().map(|w| w.field),
        Some(Field::List),
        "the review opens for reading"
    );
    let cmds = keys(&mut m, "c t:fixed.example.com ENT");
    assert!(cmds.is_empty(), "c confirms only: {cmds:?}");
    assert!(flash(&m).contains("A apply · s save"), "{}", flash(&m));
    let cmds = keys(&mut m, "s");
    let plan: &Plan = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::SavePlan { plan, path } => {
                assert_eq!(path.to_string_lossy(), format!("{}.toml", plan.id));
                Some(plan.as_ref())
            }
            _ => None,
        })
        .expect("a save command");
    assert_eq!(plan.vpc_id, "vpc-0135f36302291c303");
    assert_eq!(
        plan.endpoint,
        EndpointChoice::Create {
            subnet_ids: PROD_PRIV.iter().map(|s| s.to_string()).collect(),
            allow_public_subnets: false
        }
    );
    let mut nlb = plan.nlb_subnet_ids.clone();
    nlb.sort();
    let mut want: Vec<String> = PROD_PUB.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(nlb, want, "pre-selected: one public subnet per endpoint AZ");
    assert_eq!(plan.name, "fixed.example.com");
    assert!(plan
        .certificate_arn
        .ends_with("ae3dd405-a0b0-4339-a499-fa0fb1cae63f"));
    assert_eq!(
        plan.api,
        ApiChoice::Create {
            name: "fixedip-ping".into()
        }
    );
    assert_eq!(plan.stage, "prod");
    assert_eq!(plan.allow_cidrs, vec!["203.0.113.0/24".to_string()]);
    assert_eq!(plan.public_zone_id, "Z0150999TLFZEKJCOQEVC");
    assert_eq!(plan.private_zone, PrivateZoneChoice::Create);
    let findings = fixedip_tui::plan::validate(plan, &m.inventory);
    assert!(fixedip_tui::plan::validate::blocking(plan, &findings).is_empty());
}

#[tokio::test]
async fn back_and_forward_keep_every_choice() {
    let (mut m, _) = to_zones().await;
    let before = m.wizard.as_ref().map(|w| w.draft.clone());
    keys(&mut m, "BTAB BTAB BTAB BTAB BTAB");
    assert_eq!(step(&m), Some(Step::EndpointSubnets));
    // Out to the VPC list and back in: the draft is kept.
    keys(&mut m, "h");
    assert_eq!(step(&m), None);
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::EndpointSubnets));
    assert_eq!(m.wizard.as_ref().map(|w| w.draft.clone()), before);
    // Tab goes forward through steps that are already valid.
    keys(&mut m, "TAB TAB TAB TAB TAB");
    assert_eq!(step(&m), Some(Step::Zones), "{}", flash(&m));
    assert_eq!(m.wizard.as_ref().map(|w| w.draft.clone()), before);
}

#[tokio::test]
async fn a_vpc_with_dns_off_asks_before_going_on() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "g j ENT"); // legacy-web: DNS hostnames off
    assert!(m.wizard.as_ref().is_some_and(|w| w.dns_question));
    keys(&mut m, "n");
    assert_eq!(step(&m), None, "n goes back to the VPC list");
    keys(&mut m, "ENT y");
    let w = m.wizard.as_ref().expect("wizard");
    assert!(!w.dns_question && w.draft.enable_vpc_dns);
    assert!(w.findings.iter().any(|f| f.code == "vpc-dns-will-change"));
}

#[tokio::test]
async fn an_existing_private_dns_endpoint_is_reused_and_az_mismatch_blocks() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "g ENT"); // analytics
    let w = m.wizard.as_ref().expect("wizard");
    assert_eq!(
        w.draft.reuse_endpoint.as_deref(),
        Some("vpce-0a21b4369c077ca61")
    );
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::NlbSubnets));
    // Public subnets exist only in b and c; the endpoint is in a and b.
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::NlbSubnets), "blocked");
    assert!(flash(&m).contains("fix this first"), "{}", flash(&m));
    assert!(m
        .wizard
        .as_ref()
        .is_some_and(|w| w.findings.iter().any(|f| f.code == "nlb-az-mismatch")));
}

#[tokio::test]
async fn public_endpoint_subnets_need_the_override() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT G SPC");
    assert!(flash(&m).contains("press o"), "{}", flash(&m));
    assert!(m
        .wizard
        .as_ref()
        .is_some_and(|w| w.draft.endpoint_subnets.len() == 3));
    keys(&mut m, "o SPC");
    let w = m.wizard.as_ref().expect("wizard");
    assert_eq!(w.draft.endpoint_subnets.len(), 4);
    assert!(w
        .findings
        .iter()
        .any(|f| f.code == "endpoint-subnet-public-override"));
    // Undoing the override drops the public subnet again.
    keys(&mut m, "o");
    assert!(m
        .wizard
        .as_ref()
        .is_some_and(|w| w.draft.endpoint_subnets.len() == 3));
}

#[tokio::test]
async fn greyed_certificates_cannot_be_chosen_and_a_bad_name_is_refused() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT ENT");
    assert_eq!(step(&m), Some(Step::NameCertificate));
    keys(&mut m, "t:bad_name.example.com ENT");
    assert!(
        flash(&m).contains("letters, digits and hyphens"),
        "{}",
        flash(&m)
    );
    assert_eq!(m.wizard.as_ref().map(|w| w.field), Some(Field::Name));
    keys(&mut m, "t:x BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS BS t:partner-api.example.com ENT");
    // The exact-name certificate is pending: the ISSUED wildcard was selected as the name was
    // typed, and Enter went on. Back to the list to look at the others.
    assert_eq!(step(&m), Some(Step::Api), "{}", flash(&m));
    keys(&mut m, "BTAB");
    assert_eq!(step(&m), Some(Step::NameCertificate));
    // The pending certificate for that exact name is greyed.
    let w = m.wizard.as_ref().expect("wizard");
    let rows = w.visible_rows(&m.inventory);
    let pending = rows
        .iter()
        .find(|r| r.cells[0] == "partner-api.example.com")
        .expect("listed");
    assert!(!pending.selectable);
    assert!(pending
        .note
        .as_deref()
        .is_some_and(|n| n.contains("pending")));
    // Space on a greyed row explains why.
    let idx = rows
        .iter()
        .position(|r| r.cells[0] == "partner-api.example.com")
        .unwrap_or(0);
    keys(&mut m, "g");
    for _ in 0..idx {
        keys(&mut m, "j");
    }
    keys(&mut m, "SPC");
    assert!(flash(&m).contains("pending"), "{}", flash(&m));
}

#[tokio::test]
async fn an_empty_allow_list_needs_a_second_enter() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT ENT t:fixed.example.com ENT ENT");
    assert_eq!(step(&m), Some(Step::Callers));
    keys(&mut m, "t:2001:db8::/32 ENT");
    assert!(flash(&m).contains("IPv4-only"), "{}", flash(&m));
    keys(&mut m, "BS BS BS BS BS BS BS BS BS BS BS BS BS BS ENT");
    assert_eq!(step(&m), Some(Step::Callers));
    assert!(flash(&m).contains("WHOLE INTERNET"), "{}", flash(&m));
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::Zones));
    assert!(m.wizard.as_ref().is_some_and(|w| w
        .draft
        .acknowledged
        .iter()
        .any(|a| a == "callers-whole-internet")));
}

#[tokio::test]
async fn an_existing_record_blocks_until_replace_is_chosen_and_acknowledged() {
    let sim = common::demo_sim();
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT ENT t:api.example.com ENT");
    // The api.example.com certificate (ISSUED, names it exactly) is chosen over *.example.com.
    assert_eq!(step(&m), Some(Step::Api), "{}", flash(&m));
    let cert = m
        .wizard
        .as_ref()
        .and_then(|w| w.draft.certificate_arn.clone());
    let exact = m
        .inventory
        .certificates
        .iter()
        .find(|c| Some(&c.arn) == cert.as_ref())
        .map(|c| c.domain.clone());
    assert_eq!(
        exact.as_deref(),
        Some("api.example.com"),
        "the most specific"
    );
    keys(&mut m, "ENT");
    let cmds = keys(&mut m, "t:203.0.113.0/24 ENT");
    assert_eq!(step(&m), Some(Step::Zones), "{}", flash(&m));
    assert!(cmds.iter().any(|c| matches!(c, Cmd::LookupRecords { .. })));
    answer_lookups(&mut m, &sim, &cmds);
    let has = |m: &Model, code: &str| {
        m.wizard
            .as_ref()
            .is_some_and(|w| w.findings.iter().any(|f| f.code == code))
    };
    assert!(has(&m, "record-exists"));
    keys(&mut m, "TAB");
    assert_eq!(
        step(&m),
        Some(Step::Zones),
        "blocked by the existing record"
    );
    keys(&mut m, "R");
    assert!(has(&m, "record-will-be-replaced") && !has(&m, "record-exists"));
    keys(&mut m, "TAB");
    assert!(flash(&m).contains("press a"), "{}", flash(&m));
    keys(&mut m, "a TAB");
    assert_eq!(step(&m), Some(Step::Review), "{}", flash(&m));
}

#[tokio::test]
async fn the_review_needs_the_exact_name_before_saving() {
    let (mut m, _) = to_zones().await;
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::Review));
    // Reading keys scroll, they do not type.
    keys(&mut m, "j j G g");
    assert!(m
        .wizard
        .as_ref()
        .is_some_and(|w| w.field == Field::List && w.confirm_input.value().is_empty()));
    let cmds = keys(&mut m, "A t:other.example.com ENT");
    assert!(cmds.is_empty(), "a wrong name applies nothing: {cmds:?}");
    assert!(flash(&m).contains("exactly"), "{}", flash(&m));
    keys(&mut m, "ESC");
    assert!(
        m.wizard.as_ref().is_some_and(|w| w.field == Field::List),
        "Esc leaves the confirmation for reading"
    );
    keys(&mut m, "c BTAB");
    assert_eq!(
        step(&m),
        Some(Step::Zones),
        "Shift-Tab goes back from the confirmation field"
    );
    keys(&mut m, "TAB");
    let cmds = keys(&mut m, "s");
    assert!(cmds.is_empty(), "save refused before confirmation");
    assert!(m.wizard.as_ref().is_some_and(|w| w.field == Field::Confirm));
}

#[tokio::test]
async fn lists_filter_with_slash() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT / t:data");
    let w = m.wizard.as_ref().expect("wizard");
    let rows = w.visible_rows(&m.inventory);
    assert!(rows.len() >= 3 && rows.len() < 10, "{rows:?}");
    assert!(
        rows.iter()
            .take(3)
            .all(|r| r.cells.iter().any(|c| c.contains("data"))),
        "the three data subnets rank first: {rows:?}"
    );
    keys(&mut m, "ESC");
    assert_eq!(
        m.wizard
            .as_ref()
            .map(|w| w.visible_rows(&m.inventory).len()),
        Some(10)
    );
}

#[tokio::test]
async fn saved_message_and_quit_after_save() {
    let (mut m, _) = to_zones().await;
    m.quit_after_save = true;
    keys(&mut m, "ENT c t:fixed.example.com ENT");
    fixedip_tui::app::update(&mut m, fixedip_tui::app::Msg::Saved(Ok("plan.toml".into())));
    assert!(m.quit);
    assert!(flash(&m).contains("plan.toml"));
}

#[tokio::test]
async fn plan_flags_in_a_terminal_prefill_the_wizard_at_the_first_missing_step() {
    use fixedip_tui::cli::PlanFlags;
    let sim = std::sync::Arc::new(common::demo_sim());
    let events = common::discovery_events(sim.clone()).await;
    let mut m = Model::new(None);
    m.prefill = Some(Box::new(PlanFlags {
        vpc: Some("vpc-0135f36302291c303".into()),
        endpoint_subnets: PROD_PRIV.iter().map(|s| s.to_string()).collect(),
        name: Some("fixed.example.com".into()),
        allow_cidrs: vec!["203.0.113.0/24".into()],
        stage: "prod".into(),
        ..PlanFlags::default()
    }));
    fixedip_tui::app::update(
        &mut m,
        fixedip_tui::app::Msg::Connected(fixedip_tui::cloud::Cloud::target(sim.as_ref())),
    );
    for e in events {
        fixedip_tui::app::update(
            &mut m,
            fixedip_tui::app::Msg::Discovery {
                generation: 1,
                event: e,
            },
        );
    }
    let w = m
        .wizard
        .as_ref()
        .expect("the wizard started from the flags");
    assert_eq!(
        w.step,
        Step::Review,
        "nothing is missing: the certificate is pre-selected like the wizard's"
    );
    assert!(w
        .draft
        .certificate_arn
        .as_deref()
        .is_some_and(|a| a.ends_with("ae3dd405-a0b0-4339-a499-fa0fb1cae63f")));
    assert_eq!(w.draft.name, "fixed.example.com");
    assert_eq!(w.draft.endpoint_subnets.len(), 3);
    assert_eq!(w.draft.nlb_subnets.len(), 3, "pre-selected");
    assert!(m.prefill.is_none(), "applied once");
}

/// Who inside the VPC may call: the whole VPC by default; Space on "nobody" keeps everyone in
/// the VPC out, `v` adds a CIDR or security group, a bad one is refused with the reason.
#[tokio::test]
async fn in_vpc_callers_default_to_the_vpc_and_can_be_changed_in_the_callers_step() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT ENT t:fixed.example.com ENT ENT");
    assert_eq!(step(&m), Some(Step::Callers));
    let callers = |m: &Model| {
        m.wizard
            .as_ref()
            .map(|w| w.draft.vpc_callers.clone())
            .unwrap_or_default()
    };
    assert_eq!(callers(&m), vec!["vpc".to_string()]);
    // The CIDR field, then Esc to the list: the caller CIDR row, the whole VPC, nobody.
    keys(&mut m, "t:203.0.113.0/24 TAB ESC j j SPC");
    assert!(callers(&m).is_empty(), "nobody: {:?}", callers(&m));
    assert!(
        m.wizard
            .as_ref()
            .is_some_and(|w| w.findings.iter().any(|f| f.code == "vpc-callers-none")),
        "the warning says what nobody means"
    );
    keys(&mut m, "k SPC");
    assert_eq!(callers(&m), vec!["vpc".to_string()]);
    keys(&mut m, "v t:sg-0abc12 ENT");
    assert_eq!(
        callers(&m),
        vec!["vpc".to_string(), "sg-0abc12".to_string()]
    );
    keys(&mut m, "t:sg-zz ENT");
    assert!(flash(&m).contains("security group id"), "{}", flash(&m));
    keys(&mut m, "ESC");
    assert_eq!(
        step(&m),
        Some(Step::Callers),
        "Esc leaves the field, not the step"
    );
    keys(&mut m, "ENT");
    assert_eq!(step(&m), Some(Step::Zones));
}

/// The name step's findings judge what is typed, as it is typed: no stale "the name is empty"
/// once a name is there, and the certificate that covers it is chosen before Enter.
#[tokio::test]
async fn the_name_findings_follow_the_typed_name() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT ENT");
    assert_eq!(step(&m), Some(Step::NameCertificate));
    let name_findings = |m: &Model| -> Vec<String> {
        m.wizard
            .as_ref()
            .map(|w| {
                w.step_findings(Step::NameCertificate)
                    .map(|f| f.message.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        name_findings(&m)
            .iter()
            .any(|f| f.contains("the name is empty")),
        "{:?}",
        name_findings(&m)
    );
    keys(&mut m, "t:fixed.example.com");
    assert_eq!(step(&m), Some(Step::NameCertificate), "no Enter yet");
    assert!(name_findings(&m).is_empty(), "{:?}", name_findings(&m));
    assert!(m
        .wizard
        .as_ref()
        .and_then(|w| w.draft.certificate_arn.as_deref())
        .is_some_and(|a| a.ends_with("ae3dd405-a0b0-4339-a499-fa0fb1cae63f")));
}

/// The rows the wizard keeps (built once per change, filtered once per change of the filter)
/// are, after every key, the rows built from scratch for the wizard as it is.
fn rows_are_current(m: &Model, when: &str) {
    let w = m.wizard.as_ref().expect("wizard");
    let kept: Vec<_> = w.rows.iter().cloned().collect();
    assert_eq!(kept, w.visible_rows(&m.inventory), "{when}");
    assert_eq!(w.endpoint_azs, w.draft.endpoint_azs(&m.inventory), "{when}");
}

#[tokio::test]
async fn kept_rows_follow_the_filter_key_by_key() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT ENT");
    assert_eq!(step(&m), Some(Step::NlbSubnets));
    keys(&mut m, "/");
    for c in "sub 1a".chars() {
        keys(&mut m, &format!("t:{c}"));
        rows_are_current(&m, &format!("typed up to {c:?}"));
    }
    keys(&mut m, "BS BS");
    rows_are_current(&m, "after deleting");
    keys(&mut m, "ESC");
    rows_are_current(&m, "filter cleared");
    assert!(m.wizard.as_ref().is_some_and(|w| w.rows.len() > 6));
}

#[tokio::test]
async fn kept_rows_are_built_again_when_the_draft_or_the_inventory_changes() {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, "ENT");
    rows_are_current(&m, "step 2");
    // Space toggles the subnet under the cursor: its row is checked (or not) at once.
    let before = m
        .wizard
        .as_ref()
        .and_then(|w| w.rows.get(w.cursor).cloned());
    keys(&mut m, "SPC");
    rows_are_current(&m, "after a toggle");
    let after = m
        .wizard
        .as_ref()
        .and_then(|w| w.rows.get(w.cursor).cloned());
    assert_ne!(
        before.map(|r| r.checked),
        after.map(|r| r.checked),
        "the toggled row shows its new state"
    );
    // The draft changed from outside the keys (it is public): the next key sees it.
    if let Some(w) = m.wizard.as_mut() {
        w.draft.endpoint_subnets.clear();
    }
    keys(&mut m, "DOWN");
    rows_are_current(&m, "after the draft changed");
    // One more subnet in the VPC: the rows are built again.
    let mut extra = m.inventory.subnets[0].clone();
    extra.id = "subnet-0new000000000000".into();
    extra.vpc_id = m
        .wizard
        .as_ref()
        .and_then(|w| w.draft.vpc_id.clone())
        .unwrap_or_default();
    m.inventory.subnets.push(extra);
    keys(&mut m, "UP");
    rows_are_current(&m, "after a subnet appeared");
    assert!(m
        .wizard
        .as_ref()
        .is_some_and(|w| w.rows.iter().any(|r| r.key == "subnet-0new000000000000")));
}

#[tokio::test]
async fn e_on_the_review_exports_the_scripts_beside_the_plan_file() {
    let (mut m, _) = to_zones().await;
    m.plan_out = Some(std::path::PathBuf::from("/srv/plans/plan.toml"));
    keys(&mut m, "ENT");
    let cmds = keys(&mut m, "e");
    match cmds.as_slice() {
        [Cmd::ExportScript { plan, dir }] => {
            assert_eq!(dir, std::path::Path::new("/srv/plans"));
            assert_eq!(plan.name, "fixed.example.com");
        }
        other => panic!("one ExportScript, not {other:?}"),
    }
    fixedip_tui::app::update(
        &mut m,
        fixedip_tui::app::Msg::Exported(Err("the plan adopts an existing NLB".into())),
    );
    assert!(
        flash(&m).starts_with("not exported: the plan adopts"),
        "{}",
        flash(&m)
    );
    // Not on a step's list: `e` there is no export.
    let (mut m, _) = to_zones().await;
    assert!(!keys(&mut m, "e")
        .iter()
        .any(|c| matches!(c, Cmd::ExportScript { .. })));
}
