//! The review of the clean plan on the demo account: sections in dependency order, SG rules on the
//! NLB subnets' CIDRs, the sourceVpc policy, the cost, who can reach it; a snapshot of the whole text.

use crate::common;

use common::clean::{clean_plan, inventory};

use fixedip_tui::plan::review::{render_text, resource_policy_json, review, ReviewSection};
use fixedip_tui::plan::{cost, ApiChoice, EndpointChoice};

use common::clean::PROD;
const WILDCARD_CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/ae3dd405-a0b0-4339-a499-fa0fb1cae63f";

fn find<'a>(sections: &'a [ReviewSection], needle: &str) -> &'a ReviewSection {
    sections
        .iter()
        .find(|s| s.title.contains(needle))
        .unwrap_or_else(|| panic!("no section titled …{needle}…: {sections:#?}"))
}

#[test]
fn sections_come_in_dependency_order() {
    let sections = review(&clean_plan(), &inventory());
    let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
    let id = clean_plan().id;
    let want = [
        format!("= reuse  VPC {PROD}"),
        format!("+ create  security group {id}-vpce-sg"),
        "+ create  interface VPC endpoint com.amazonaws.us-east-1.execute-api".to_string(),
        "+ create  REST API fixedip-ping".to_string(),
        "+ create  deployment to stage prod".to_string(),
        "+ create  custom domain name fixed.example.com".to_string(),
        "+ create  API mapping fixed.example.com/".to_string(),
        format!("+ create  target group {id}-tg"),
        format!("+ create  security group {id}-nlb-sg"),
        format!("+ create  Network Load Balancer {id}-nlb"),
        format!("+ create  listener TLS:443 on {id}-nlb"),
        "+ create  private hosted zone fixed.example.com".to_string(),
        "+ create  record fixed.example.com A → the NLB".to_string(),
        "+ create  record fixed.example.com A → the endpoint".to_string(),
        "Cost".to_string(),
        "Who can reach it".to_string(),
        "Warnings and notes".to_string(),
    ];
    assert_eq!(titles.len(), want.len(), "{titles:#?}");
    for (t, w) in titles.iter().zip(&want) {
        assert!(t.starts_with(w.as_str()), "{t:?} should start with {w:?}");
    }
}

#[test]
fn endpoint_sg_admits_the_nlb_subnets_and_nlb_sg_the_callers() {
    let sections = review(&clean_plan(), &inventory());
    let sg = find(&sections, "-vpce-sg");
    for cidr in ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"] {
        assert!(
            sg.lines
                .iter()
                .any(|l| l.starts_with(&format!("ingress: TCP 443 from {cidr}"))),
            "{cidr} missing: {:#?}",
            sg.lines
        );
    }
    assert!(!sg.lines.iter().any(|l| l.contains("0.0.0.0/0")));
    assert!(sg
        .lines
        .iter()
        .any(|l| l.contains("fixedip:plan-id=") && l.contains("managed-by=fixedip-tui")));
    let nlb_sg = find(&sections, "-nlb-sg");
    assert!(nlb_sg
        .lines
        .iter()
        .any(|l| l == "ingress: TCP 443 from 203.0.113.0/24"));
    let listener = find(&sections, "listener");
    assert!(listener.lines.iter().any(|l| l.contains(WILDCARD_CERT)));
    assert!(listener.lines.iter().any(|l| l == "ALPN policy: None"));
    assert!(listener
        .lines
        .iter()
        .any(|l| l == "security policy: ELBSecurityPolicy-TLS13-1-2-2021-06"));
}

#[test]
fn policy_names_the_vpc() {
    let plan = clean_plan();
    let sections = review(&plan, &inventory());
    let api = find(&sections, "REST API");
    assert!(api.lines.iter().any(|l| l.contains(PROD)));
    let text = resource_policy_json(&plan);
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        v["Statement"][0]["Condition"]["StringNotEquals"]["aws:sourceVpc"],
        PROD
    );
}

#[test]
fn cost_total_of_three_azs() {
    let plan = clean_plan();
    let est = cost::estimate(&plan);
    // NLB 16.425 + 1 NLCU 4.38 + endpoint 3 × 7.30 + 3 IPv4 × 3.65 + zone 0.50
    assert!(
        (est.total_monthly_usd - 54.155).abs() < 0.001,
        "{}",
        est.total_monthly_usd
    );
    let sections = review(&plan, &inventory());
    let c = find(&sections, "Cost");
    assert!(
        c.lines.iter().any(|l| l.contains("$54.16/month  total")),
        "{:#?}",
        c.lines
    );
    assert!(c.lines.iter().any(|l| l.contains("inter-AZ")));
    assert!(c.lines.iter().any(|l| l.contains(cost::PRICE_BASIS)));
}

#[test]
fn empty_allow_list_is_the_whole_internet() {
    let inv = inventory();
    let restricted = review(&clean_plan(), &inv);
    let who = find(&restricted, "Who can reach it");
    assert!(!who.lines.iter().any(|l| l.contains("the whole internet")));
    assert!(who.lines.iter().any(|l| l.contains("203.0.113.0/24")));

    let mut plan = clean_plan();
    plan.allow_cidrs.clear();
    let open = review(&plan, &inv);
    let who = find(&open, "Who can reach it");
    assert!(
        who.lines.iter().any(|l| l.contains("the whole internet")),
        "{:#?}",
        who.lines
    );
    let nlb_sg = find(&open, "-nlb-sg");
    assert!(nlb_sg
        .lines
        .iter()
        .any(|l| l.starts_with("ingress: TCP 443 from 0.0.0.0/0")));
    let warnings = find(&open, "Warnings and notes");
    assert!(warnings
        .lines
        .iter()
        .any(|l| l.contains("callers-whole-internet")));
}

#[test]
fn warnings_name_the_private_dns_side_effect() {
    let sections = review(&clean_plan(), &inventory());
    let w = find(&sections, "Warnings and notes");
    assert!(
        w.lines
            .iter()
            .any(|l| l.contains("private-dns-side-effect")),
        "{:#?}",
        w.lines
    );
    assert!(w.lines.iter().any(|l| l.starts_with("  fix: ")));
}

#[test]
fn adopted_api_and_reused_endpoint_are_marked() {
    let inv = inventory();
    let mut plan = clean_plan();
    plan.api = ApiChoice::Adopt {
        rest_api_id: "2ljte94rpv".into(),
    };
    let sections = review(&plan, &inv);
    let api = find(&sections, "REST API");
    assert!(
        api.title.starts_with("~ change") && api.title.contains("(adopt, will change:"),
        "{}",
        api.title
    );
    assert!(api.lines.iter().any(|l| l.contains("REGIONAL → PRIVATE")));

    // The analytics VPC's endpoint, reused there.
    plan.vpc_id = "vpc-012a26139df302e38".into();
    plan.endpoint = EndpointChoice::Reuse {
        vpc_endpoint_id: "vpce-0a21b4369c077ca61".into(),
    };
    let sections = review(&plan, &inv);
    let ep = find(&sections, "interface VPC endpoint");
    assert!(ep.title.contains("(reuse"), "{}", ep.title);
    assert!(!sections
        .iter()
        .any(|s| s.title.starts_with("+ create  interface VPC endpoint")));
    let rec = find(&sections, "A → the endpoint");
    assert!(rec
        .lines
        .iter()
        .any(|l| l
            .contains("alias target: vpce-0a21b4369c077ca61-qlm6zetm.execute-api.us-east-1.vpce")));
    let c = find(&sections, "Cost");
    assert!(!c.lines.iter().any(|l| l.contains("interface endpoint:")));
}

#[test]
fn lines_stay_short() {
    let sections = review(&clean_plan(), &inventory());
    for s in &sections {
        for l in &s.lines {
            // Finding messages are the UI's to wrap; everything else fits 100 columns.
            if s.title == "Warnings and notes" {
                continue;
            }
            assert!(l.chars().count() <= 100, "{} chars: {l}", l.chars().count());
        }
    }
}

#[test]
fn snapshot_of_the_whole_review() {
    let text = render_text(&review(&clean_plan(), &inventory()));
    insta::assert_snapshot!("clean_plan", text);
}

/// The review sections of issue 8's choices: new Elastic IPs and pinned endpoint IPs; your
/// Elastic IPs; an adopted NLB (its listener redirected) and target group.
#[test]
fn snapshots_of_the_elastic_ip_pinned_and_adopt_sections() {
    let inv = inventory();
    let mut p = clean_plan();
    p.eips = fixedip_tui::plan::EipChoice::New;
    // Every endpoint subnet or none (EC2's rule, `endpoint-ip-partial`).
    for (subnet, ip) in [
        ("subnet-029b8fa21f8c03262", "10.20.16.10"),
        ("subnet-0186e3bc6e22fdd66", "10.20.32.10"),
        ("subnet-0ffa8020d26f8856a", "10.20.48.10"),
    ] {
        p.endpoint_ips.insert(subnet.into(), ip.into());
    }
    insta::assert_snapshot!("new_eips_pinned_ips", render_text(&review(&p, &inv)));

    let mut p = clean_plan();
    p.eips = fixedip_tui::plan::EipChoice::Existing {
        allocation_ids: vec![
            "eipalloc-0a1b2c3d4e5f60718".into(),
            "eipalloc-0b2c3d4e5f6071829".into(),
        ],
    };
    let text = render_text(&review(&p, &inv));
    assert!(
        text.contains("+ Elastic IP eipalloc-0a1b2c3d4e5f60718 (52.4.113.10)"),
        "{text}"
    );
    assert!(text.contains("+ (no Elastic IP given)"), "{text}");
    insta::assert_snapshot!("your_eips", text);

    let mut p = clean_plan();
    p.adopt_nlb = Some(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/partner-legacy-nlb/1a2b3c4d5e6f7081"
            .into(),
    );
    p.allow_cidrs.clear();
    insta::assert_snapshot!("adopt_nlb", render_text(&review(&p, &inv)));
}
