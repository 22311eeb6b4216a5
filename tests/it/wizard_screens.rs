//! Snapshots of every wizard screen at 80×24 and 120×40: normal, empty, loading, error and
//! warning states.

use crate::common;

use common::{answer_lookups, keys};
use fixedip_tui::app::Model;
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

// The clean path: the cursor starts on the recommended VPC (prod-core), every step is
// pre-selected, one Enter each.
const TO_STEP2: &str = "ENT";
const TO_STEP3: &str = "ENT ENT";
const TO_STEP4: &str = "ENT ENT ENT";
const TO_STEP5: &str = "ENT ENT ENT t:fixed.example.com ENT";
const TO_STEP6: &str = "ENT ENT ENT t:fixed.example.com ENT ENT";

async fn at(script: &str) -> Model {
    let mut m = common::loaded_demo_model().await;
    keys(&mut m, script);
    m
}

#[tokio::test]
async fn step2_endpoint_subnets() {
    snap("w2_preselected", &at(TO_STEP2).await);
    let mut m = at(TO_STEP2).await;
    keys(&mut m, "SPC j j SPC j j SPC");
    snap("w2_empty_selection", &m);
    keys(&mut m, "g SPC j j SPC");
    snap("w2_two_selected", &m);
    keys(&mut m, "G SPC");
    snap("w2_public_refused", &m);
}

#[tokio::test]
async fn step2_pinned_endpoint_ips() {
    use fixedip_tui::cloud::Cloud;
    let mut m = at(TO_STEP2).await;
    // Two of the three pre-selected subnets.
    keys(&mut m, "g j j j j SPC");
    let cmds = keys(&mut m, "p");
    let [fixedip_tui::app::Cmd::LookupUsedIps { subnet_ids }] = cmds.as_slice() else {
        panic!("p asks for the IPs in use: {cmds:?}")
    };
    assert_eq!(subnet_ids.len(), 2);
    // The runner's answer, from the demo account.
    let result = common::demo_sim().used_ips(subnet_ids).await;
    fixedip_tui::app::update(
        &mut m,
        fixedip_tui::app::Msg::UsedIps {
            subnet_ids: subnet_ids.clone(),
            result,
        },
    );
    let pinned = m
        .wizard
        .as_ref()
        .expect("wizard")
        .draft
        .endpoint_ips
        .clone();
    assert_eq!(pinned.len(), 2, "{pinned:?}");
    for (subnet, ip) in &pinned {
        let cidr: ipnet::Ipv4Net = m
            .inventory
            .subnets
            .iter()
            .find(|s| &s.id == subnet)
            .expect("subnet")
            .cidr
            .parse()
            .expect("cidr");
        let ip: std::net::Ipv4Addr = ip.parse().expect("ip");
        assert!(cidr.contains(&ip) && u32::from(ip) >= u32::from(cidr.network()) + 4);
    }
    assert!(m.flash.as_deref().unwrap_or_default().contains("pinned"));
    snap("w2_pinned", &m);
    // p again unpins.
    keys(&mut m, "p");
    assert!(m
        .wizard
        .as_ref()
        .expect("wizard")
        .draft
        .endpoint_ips
        .is_empty());
}

#[tokio::test]
async fn step2_reuse_and_dns_question() {
    snap("w2_reuse_existing_endpoint", &at("g ENT").await);
    snap("w2_dns_question", &at("g j ENT").await);
}

#[tokio::test]
async fn step3_nlb_subnets() {
    snap("w3_preselected", &at(TO_STEP3).await);
    snap("w3_az_mismatch", &at("g ENT ENT ENT").await);
}

#[tokio::test]
async fn step3_elastic_ips() {
    // x: from new Elastic IPs (the default) to picking yours.
    let mut m = at(&format!("{TO_STEP3} x")).await;
    keys(&mut m, "G SPC k SPC k SPC");
    let w = m.wizard.as_ref().expect("wizard");
    assert_eq!(
        w.draft.eips,
        fixedip_tui::plan::EipChoice::Existing {
            allocation_ids: vec![
                "eipalloc-0b2c3d4e5f6071829".into(),
                "eipalloc-0a1b2c3d4e5f60718".into()
            ]
        },
        "picked in order; the associated one (bastion) cannot be picked"
    );
    snap("w3_your_eips", &m);
    // x again: NLB-assigned, with its caveat.
    keys(&mut m, "x");
    assert_eq!(
        m.wizard.as_ref().expect("wizard").draft.eips,
        fixedip_tui::plan::EipChoice::None
    );
    snap("w3_nlb_assigned", &m);
}

#[tokio::test]
async fn step3_adopt_an_existing_nlb() {
    // The VPC's own NLB and target group are listed below the subnets; Space adopts.
    let mut m = at(TO_STEP3).await;
    // The last rows: the NLB, then the target group.
    keys(&mut m, "G k SPC");
    let d = &m.wizard.as_ref().expect("wizard").draft;
    assert!(
        d.adopt_nlb
            .as_deref()
            .is_some_and(|a| a.contains("partner-legacy-nlb")),
        "{:?}",
        d.adopt_nlb
    );
    assert_eq!(
        d.eips,
        fixedip_tui::plan::EipChoice::None,
        "its IPs are its own"
    );
    keys(&mut m, "G SPC");
    assert!(m
        .wizard
        .as_ref()
        .expect("wizard")
        .draft
        .adopt_target_group
        .as_deref()
        .is_some_and(|a| a.contains("partner-legacy-tg")));
    snap("w3_adopt_nlb", &m);
}

#[tokio::test]
async fn step4_name_and_certificate() {
    snap("w4_name_empty", &at(TO_STEP4).await);
    let mut m = at(TO_STEP4).await;
    keys(&mut m, "t:fixed.example.com");
    snap("w4_certificate_selected_as_typed", &m);
    keys(&mut m, "ENT BTAB");
    snap("w4_certificates", &m);
}

#[tokio::test]
async fn step5_api() {
    snap("w5_api", &at(TO_STEP5).await);
    let mut m = at(TO_STEP5).await;
    keys(&mut m, "j j j j j SPC");
    snap("w5_adopt_regional_warning", &m);
}

#[tokio::test]
async fn step6_callers() {
    snap("w6_empty", &at(TO_STEP6).await);
    let mut m = at(TO_STEP6).await;
    keys(&mut m, "t:203.0.113.0/24 TAB t:198.51.100.7/24 TAB");
    snap("w6_with_cidrs_and_host_bits", &m);
}

#[tokio::test]
async fn step7_zones_loading_and_record_conflict() {
    let sim = common::demo_sim();
    let mut m = at(TO_STEP6).await;
    let cmds = keys(&mut m, "t:203.0.113.0/24 ENT");
    snap("w7_loading_records", &m);
    answer_lookups(&mut m, &sim, &cmds);
    snap("w7_zones", &m);

    let mut m = at("ENT ENT ENT t:api.example.com ENT ENT").await;
    let cmds = keys(&mut m, "t:203.0.113.0/24 ENT");
    answer_lookups(&mut m, &sim, &cmds);
    snap("w7_record_exists", &m);
}

#[tokio::test]
async fn step8_review() {
    let sim = common::demo_sim();
    let mut m = at(TO_STEP6).await;
    let cmds = keys(&mut m, "t:203.0.113.0/24 ENT");
    answer_lookups(&mut m, &sim, &cmds);
    keys(&mut m, "ENT");
    snap("w8_review", &m);
    keys(&mut m, "J");
    snap("w8_review_scrolled", &m);
    keys(&mut m, "A");
    snap("w8_review_asks_the_name_to_apply", &m);
    keys(&mut m, "ESC c t:fixed.example.com ENT");
    snap("w8_confirmed", &m);
    keys(&mut m, "?");
    snap("w8_confirmed_help", &m);
    keys(&mut m, "ESC");
    fixedip_tui::app::update(
        &mut m,
        fixedip_tui::app::Msg::Saved(Ok("fip-9729d0a60e.toml".into())),
    );
    snap("w8_saved", &m);
    fixedip_tui::app::update(
        &mut m,
        fixedip_tui::app::Msg::Exported(Ok(vec![
            "fip-9729d0a60e-apply.sh".into(),
            "fip-9729d0a60e-destroy.sh".into(),
        ])),
    );
    snap("w8_exported", &m);
}

#[tokio::test]
async fn wizard_help_overlay_and_filter() {
    let mut m = at(TO_STEP2).await;
    keys(&mut m, "/ t:zzz");
    snap("w_filter_no_match", &m);
    let mut m = at(TO_STEP2).await;
    keys(&mut m, "?");
    snap("w_help", &m);
}
