//! Table-driven validation tests: every rule has a case that triggers it; the clean plan on the
//! demo account triggers none of them.

use crate::common;

use common::clean::{clean_plan, inventory};

use fixedip_tui::discovery::Inventory;
use fixedip_tui::plan::validate::blocking;
use fixedip_tui::plan::{
    plan_id, validate, ApiChoice, EipChoice, EndpointChoice, Plan, PrivateZoneChoice, Severity,
};

const LEGACY: &str = "vpc-0bda084810b8e2b74";
const ANALYTICS: &str = "vpc-012a26139df302e38";
const SANDBOX: &str = "vpc-0f5deb8b0bec8a191";
const PRIV: [&str; 3] = [
    "subnet-029b8fa21f8c03262",
    "subnet-0186e3bc6e22fdd66",
    "subnet-0ffa8020d26f8856a",
];
const PUB: [&str; 3] = [
    "subnet-08cceedc58f64dc0a",
    "subnet-0914893785dafcf38",
    "subnet-08b0c9d866ed90752",
];
const PUB_FULL_1A: &str = "subnet-003f51d03d54f28e2";
const DATA_1A: &str = "subnet-00f1aa8bb5b0ba269";
const API_CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/cff06bbc-291b-438b-9efc-33d92b3663f8";
const ZONE_EXAMPLE_COM: &str = "Z0150999TLFZEKJCOQEVC";
const EIP_A: &str = "eipalloc-0a1b2c3d4e5f60718";
const EIP_B: &str = "eipalloc-0b2c3d4e5f6071829";
const EIP_BASTION: &str = "eipalloc-0c3d4e5f607182930";

type Mutation = fn(&mut Plan, &mut Inventory);

fn endpoint_subnets(p: &mut Plan) -> &mut Vec<String> {
    match &mut p.endpoint {
        EndpointChoice::Create { subnet_ids, .. } => subnet_ids,
        EndpointChoice::Reuse { .. } => panic!("create expected"),
    }
}

fn cases() -> Vec<(&'static str, Severity, Mutation)> {
    use Severity::{Error as E, Info as I, Warning as W};
    vec![
        ("vpc-missing", E, |p, _| {
            p.vpc_id = "vpc-0000000000000dead".into()
        }),
        ("vpc-dns-off", E, |p, _| p.vpc_id = LEGACY.into()),
        ("vpc-dns-will-change", W, |p, _| {
            p.vpc_id = LEGACY.into();
            p.enable_vpc_dns = true;
        }),
        ("vpc-no-internet-gateway", E, |p, _| {
            p.vpc_id = SANDBOX.into()
        }),
        ("endpoint-private-dns-conflict", E, |p, _| {
            p.vpc_id = ANALYTICS.into()
        }),
        ("endpoint-subnet-missing", E, |p, _| {
            endpoint_subnets(p).push("subnet-0nope".into())
        }),
        ("endpoint-subnet-other-vpc", E, |p, i| {
            let other = i
                .subnets
                .iter()
                .find(|s| s.vpc_id == LEGACY)
                .map(|s| s.id.clone())
                .unwrap_or_default();
            endpoint_subnets(p)[0] = other;
        }),
        ("endpoint-subnet-public", E, |p, _| {
            endpoint_subnets(p)[0] = PUB[0].into()
        }),
        ("endpoint-subnet-public-override", W, |p, _| {
            p.endpoint = EndpointChoice::Create {
                subnet_ids: vec![PUB[0].into(), PRIV[1].into()],
                allow_public_subnets: true,
            };
        }),
        ("endpoint-subnets-same-az", E, |p, _| {
            endpoint_subnets(p).push(DATA_1A.into())
        }),
        ("endpoint-too-few-azs", E, |p, _| {
            endpoint_subnets(p).truncate(1)
        }),
        ("endpoint-subnet-full", E, |_, i| {
            if let Some(s) = i.subnets.iter_mut().find(|s| s.id == PRIV[0]) {
                s.free_ips = 0;
            }
        }),
        ("endpoint-missing", E, |p, _| {
            p.endpoint = EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0nope".into(),
            }
        }),
        ("endpoint-other-vpc", E, |p, _| {
            p.endpoint = EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0a21b4369c077ca61".into(),
            }
        }),
        ("endpoint-not-available", W, |p, _| {
            p.vpc_id = SANDBOX.into();
            p.endpoint = EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0a49ed5f9dfb8f5df".into(),
            };
        }),
        ("endpoint-private-dns-off", W, |p, _| {
            p.vpc_id = SANDBOX.into();
            p.endpoint = EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0a49ed5f9dfb8f5df".into(),
            };
        }),
        ("nlb-subnet-missing", E, |p, _| {
            p.nlb_subnet_ids.push("subnet-0nope".into())
        }),
        ("nlb-subnet-other-vpc", E, |p, i| {
            let other = i
                .subnets
                .iter()
                .find(|s| s.vpc_id == LEGACY)
                .map(|s| s.id.clone())
                .unwrap_or_default();
            p.nlb_subnet_ids[0] = other;
        }),
        ("nlb-subnet-private", E, |p, _| {
            p.nlb_subnet_ids[0] = PRIV[0].into()
        }),
        ("nlb-subnet-free-ips", E, |p, _| {
            p.nlb_subnet_ids[0] = PUB_FULL_1A.into()
        }),
        ("nlb-subnets-same-az", E, |p, _| {
            p.nlb_subnet_ids.push(PUB_FULL_1A.into())
        }),
        ("nlb-az-mismatch", E, |p, _| p.nlb_subnet_ids.truncate(2)),
        ("nlb-no-subnets", E, |p, _| p.nlb_subnet_ids.clear()),
        ("nlb-subnet-unknown", W, |_, i| {
            if let Some(s) = i.subnets.iter_mut().find(|s| s.id == PUB[0]) {
                s.reach = None;
            }
        }),
        ("name-invalid", E, |p, _| {
            p.name = "bad_name.example.com".into()
        }),
        ("cert-missing", E, |p, _| {
            p.certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0000".into()
        }),
        ("cert-other-region", E, |p, _| {
            p.certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/0000".into()
        }),
        ("cert-not-issued", E, |p, i| {
            p.certificate_arn = i
                .certificates
                .iter()
                .find(|c| c.domain == "partner-api.example.com")
                .map(|c| c.arn.clone())
                .unwrap_or_default();
        }),
        ("cert-name-mismatch", E, |p, i| {
            p.certificate_arn = i
                .certificates
                .iter()
                .find(|c| c.domain == "shop.example.net")
                .map(|c| c.arn.clone())
                .unwrap_or_default();
        }),
        ("cert-expires-soon", W, |p, i| {
            p.name = "api.example.net".into();
            p.public_zone_id = i
                .hosted_zones
                .iter()
                .find(|z| z.name == "example.net")
                .map(|z| z.id.clone())
                .unwrap_or_default();
            p.certificate_arn = i
                .certificates
                .iter()
                .find(|c| c.domain == "api.example.net")
                .map(|c| c.arn.clone())
                .unwrap_or_default();
        }),
        ("api-name-invalid", E, |p, _| {
            p.api = ApiChoice::Create { name: " ".into() }
        }),
        ("api-missing", E, |p, _| {
            p.api = ApiChoice::Adopt {
                rest_api_id: "nope123456".into(),
            }
        }),
        ("api-not-private", W, |p, _| {
            p.api = ApiChoice::Adopt {
                rest_api_id: "2ljte94rpv".into(),
            }
        }),
        // PRIVATE → EDGE is refused by AWS: destroy could not give it back.
        ("api-adopt-edge", E, |p, _| {
            p.api = ApiChoice::Adopt {
                rest_api_id: "w5wf9j4ni4".into(),
            }
        }),
        ("api-bound-elsewhere", W, |p, _| {
            p.api = ApiChoice::Adopt {
                rest_api_id: "tt5hczgu64".into(),
            }
        }),
        ("api-policy-replaced", W, |p, _| {
            p.api = ApiChoice::Adopt {
                rest_api_id: "kdbymnj9gz".into(),
            }
        }),
        ("stage-invalid", E, |p, _| p.stage = "prod stage".into()),
        ("base-path-invalid", E, |p, _| {
            p.base_path = Some("/v1".into())
        }),
        // The v1 CreateBasePathMapping refuses `/` (the simulated account too).
        ("base-path-multi-level", E, |p, _| {
            p.base_path = Some("v1/orders".into())
        }),
        // ---- Elastic IPs (demo: 2 unassociated, 1 on the bastion, quota 6) ----
        ("eip-quota", E, |p, inv| {
            p.eips = EipChoice::New;
            inv.elastic_ips.quota = Some(5);
        }),
        ("eip-quota-unknown", I, |p, inv| {
            p.eips = EipChoice::New;
            inv.elastic_ips.quota = None;
        }),
        ("eip-count", E, |p, _| {
            p.eips = EipChoice::Existing {
                allocation_ids: vec![EIP_A.into()],
            }
        }),
        ("eip-missing", E, |p, _| {
            p.eips = EipChoice::Existing {
                allocation_ids: vec![
                    EIP_A.into(),
                    EIP_B.into(),
                    "eipalloc-0000000000000dead".into(),
                ],
            }
        }),
        ("eip-in-use", E, |p, _| {
            p.eips = EipChoice::Existing {
                allocation_ids: vec![EIP_A.into(), EIP_B.into(), EIP_BASTION.into()],
            }
        }),
        ("eip-duplicate", E, |p, _| {
            p.eips = EipChoice::Existing {
                allocation_ids: vec![EIP_A.into(), EIP_A.into(), EIP_B.into()],
            }
        }),
        // ---- Pinned endpoint IPs (PRIV[0] is 10.20.16.0/20) ----
        ("endpoint-ip-reuse", E, |p, _| {
            p.endpoint = EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0a1b2c3d4e5f60789".into(),
            };
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
        }),
        ("endpoint-ip-subnet", E, |p, _| {
            p.endpoint_ips.insert(PUB[0].into(), "10.20.0.10".into());
        }),
        ("endpoint-ip-syntax", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.x".into());
        }),
        ("endpoint-ip-outside", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "192.168.1.10".into());
        }),
        ("endpoint-ip-reserved", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.2".into());
        }),
        ("endpoint-ip-reserved", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.31.255".into());
        }),
        ("endpoint-ip-duplicate", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
            p.endpoint_ips.insert(PRIV[1].into(), "10.20.16.10".into());
        }),
        ("endpoint-ip-taken", E, |p, inv| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
            inv.used_ips.push(fixedip_tui::domain::InterfaceIp {
                eni_id: "eni-0someoneelse000001".into(),
                subnet_id: PRIV[0].into(),
                az: "us-east-1a".into(),
                ip: "10.20.16.10".into(),
            });
            inv.used_ips_read.push(PRIV[0].into());
        }),
        ("endpoint-ip-unchecked", I, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
        }),
        // EC2 takes pinned IPs for every subnet of the endpoint or none.
        ("endpoint-ip-partial", E, |p, _| {
            p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
        }),
        ("callers-whole-internet", W, |p, _| p.allow_cidrs.clear()),
        // Who inside the VPC may call the endpoint directly.
        ("vpc-callers-none", W, |p, _| p.vpc_callers.clear()),
        ("vpc-caller-invalid", E, |p, _| {
            p.vpc_callers = vec!["sg-xyz".into()]
        }),
        ("vpc-caller-outside", I, |p, _| {
            p.vpc_callers = vec!["192.168.0.0/16".into()]
        }),
        ("caller-cidr-invalid", E, |p, _| {
            p.allow_cidrs.push("2001:db8::/32".into())
        }),
        ("caller-cidr-host-bits", W, |p, _| {
            p.allow_cidrs.push("198.51.100.7/24".into())
        }),
        ("caller-cidr-anywhere", W, |p, _| {
            p.allow_cidrs.push("0.0.0.0/0".into())
        }),
        ("caller-cidr-duplicate", W, |p, _| {
            p.allow_cidrs.push("203.0.113.0/24".into())
        }),
        ("caller-cidr-too-many", E, |p, _| {
            p.allow_cidrs = (0..61).map(|i| format!("198.18.{i}.0/24")).collect();
        }),
        ("public-zone-missing", E, |p, _| {
            p.public_zone_id = "Z0NOPE".into()
        }),
        ("public-zone-is-private", E, |p, _| {
            p.public_zone_id = "Z02892745URU5KGLLRMNM".into()
        }),
        ("public-zone-not-suffix", E, |p, i| {
            p.public_zone_id = i
                .hosted_zones
                .iter()
                .find(|z| z.name == "example.net")
                .map(|z| z.id.clone())
                .unwrap_or_default();
        }),
        ("public-zone-not-longest", W, |p, _| {
            p.name = "gw.partner.example.com".into()
        }),
        ("private-zone-missing", E, |p, _| {
            p.private_zone = PrivateZoneChoice::Existing {
                zone_id: "Z0NOPE".into(),
            }
        }),
        ("private-zone-is-public", E, |p, _| {
            p.private_zone = PrivateZoneChoice::Existing {
                zone_id: ZONE_EXAMPLE_COM.into(),
            }
        }),
        ("private-zone-not-suffix", E, |p, i| {
            p.private_zone = PrivateZoneChoice::Existing {
                zone_id: i
                    .hosted_zones
                    .iter()
                    .find(|z| z.name == "internal.example.org")
                    .map(|z| z.id.clone())
                    .unwrap_or_default(),
            };
        }),
        ("private-zone-shadows-parent", W, |p, i| {
            p.vpc_id = LEGACY.into();
            p.private_zone = PrivateZoneChoice::Existing {
                zone_id: i
                    .hosted_zones
                    .iter()
                    .find(|z| z.private && z.name == "example.com")
                    .map(|z| z.id.clone())
                    .unwrap_or_default(),
            };
        }),
        ("private-zone-not-associated", E, |p, i| {
            p.name = "api.example.com".into();
            p.private_zone = PrivateZoneChoice::Existing {
                zone_id: i
                    .hosted_zones
                    .iter()
                    .find(|z| z.private && z.name == "api.example.com")
                    .map(|z| z.id.clone())
                    .unwrap_or_default(),
            };
        }),
        ("private-zone-exists", E, |p, _| {
            p.vpc_id = ANALYTICS.into();
            p.name = "api.example.com".into();
        }),
        ("record-exists", E, |p, _| {
            p.name = "api.example.com".into();
            p.certificate_arn = API_CERT.into();
        }),
        ("record-will-be-replaced", W, |p, _| {
            p.name = "api.example.com".into();
            p.certificate_arn = API_CERT.into();
            p.replace_records = true;
        }),
        ("elb-name-too-long", E, |p, _| {
            p.id = "fip-a-very-long-plan-identifier-indeed".into()
        }),
        ("tag-invalid", E, |p, _| {
            p.tags.insert("aws:reserved".into(), "x".into());
        }),
    ]
}

#[test]
fn the_clean_plan_passes_on_the_demo_account() {
    let inv = inventory();
    let plan = clean_plan();
    let findings = validate(&plan, &inv);
    let blocking = blocking(&plan, &findings);
    assert!(blocking.is_empty(), "{blocking:#?}");
    // The one always-on note: private DNS side effect.
    assert!(findings.iter().any(|f| f.code == "private-dns-side-effect"));
}

#[test]
fn every_rule_fires_on_its_case_and_not_on_the_clean_plan() {
    let cases = cases();
    assert!(cases.len() >= 25, "at least 25 rules");
    let inv0 = inventory();
    let clean = validate(&clean_plan(), &inv0);
    let mut failures = Vec::new();
    for (code, severity, mutate) in &cases {
        if clean.iter().any(|f| f.code == *code) {
            failures.push(format!("{code}: fires on the clean plan"));
        }
        let (mut plan, mut inv) = (clean_plan(), inv0.clone());
        mutate(&mut plan, &mut inv);
        let found = validate(&plan, &inv);
        match found.iter().find(|f| f.code == *code) {
            None => failures.push(format!(
                "{code}: did not fire; got {:?}",
                found.iter().map(|f| f.code).collect::<Vec<_>>()
            )),
            Some(f) => {
                if f.severity != *severity {
                    failures.push(format!(
                        "{code}: severity {:?}, expected {severity:?}",
                        f.severity
                    ));
                }
                if f.message.is_empty() || f.fix.is_empty() {
                    failures.push(format!("{code}: needs a message and a fix"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn elastic_ips_and_pinned_ips_pass_when_right_and_the_taken_check_suggests_a_free_ip() {
    let inv = inventory();
    // The clean plan (NLB-assigned IPs) says what that means, without blocking.
    let f = validate(&clean_plan(), &inv);
    let none = f.iter().find(|f| f.code == "eip-none").expect("eip-none");
    assert_eq!(none.severity, Severity::Info);
    // New EIPs within the quota, and the two unassociated ones plus... too few: New is clean.
    let mut p = clean_plan();
    p.eips = EipChoice::New;
    let f = validate(&p, &inv);
    assert!(f.iter().all(|f| !f.code.starts_with("eip-")), "{f:#?}");
    // Pinned IPs checked against the subnet's used IPs: clean, and a taken one suggests another.
    let mut inv2 = inv.clone();
    inv2.used_ips_read.push(PRIV[0].into());
    inv2.used_ips.push(fixedip_tui::domain::InterfaceIp {
        eni_id: "eni-0someoneelse000001".into(),
        subnet_id: PRIV[0].into(),
        az: "us-east-1a".into(),
        ip: "10.20.16.4".into(),
    });
    p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.10".into());
    p.endpoint_ips.insert(PRIV[1].into(), "10.20.32.10".into());
    p.endpoint_ips.insert(PRIV[2].into(), "10.20.48.10".into());
    inv2.used_ips_read.push(PRIV[1].into());
    inv2.used_ips_read.push(PRIV[2].into());
    let f = validate(&p, &inv2);
    assert!(
        f.iter().all(|f| !f.code.starts_with("endpoint-ip")),
        "{f:#?}"
    );
    p.endpoint_ips.insert(PRIV[0].into(), "10.20.16.4".into());
    let taken = validate(&p, &inv2)
        .into_iter()
        .find(|f| f.code == "endpoint-ip-taken")
        .expect("taken");
    assert!(taken.fix.contains("10.20.16.5"), "{}", taken.fix);
}

#[test]
fn acknowledging_a_warning_unblocks_it_but_errors_stay() {
    let inv = inventory();
    let mut plan = clean_plan();
    plan.allow_cidrs.clear();
    let f = validate(&plan, &inv);
    assert_eq!(blocking(&plan, &f).len(), 1);
    plan.acknowledged.push("callers-whole-internet".into());
    assert!(blocking(&plan, &validate(&plan, &inv)).is_empty());
    plan.stage = String::new();
    plan.acknowledged.push("stage-invalid".into());
    assert_eq!(
        blocking(&plan, &validate(&plan, &inv)).len(),
        1,
        "errors cannot be acknowledged"
    );
}

#[test]
fn plan_id_is_stable_and_name_case_insensitive() {
    let a = plan_id("123456789012", "us-east-1", "API.example.com.");
    assert_eq!(a, plan_id("123456789012", "us-east-1", "api.example.com"));
    assert_ne!(a, plan_id("123456789012", "eu-west-1", "api.example.com"));
    assert!(a.starts_with("fip-") && a.len() == 14);
    assert!(clean_plan().nlb_name().len() <= 32);
}

#[test]
fn plan_files_round_trip_and_bad_files_say_what_is_wrong() {
    let plan = clean_plan();
    let text = plan.to_toml().expect("encodes");
    assert_eq!(Plan::from_toml(&text).expect("decodes"), plan);

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("sub/plan.toml");
    plan.save(&path).expect("saves");
    assert_eq!(Plan::load(&path).expect("loads"), plan);

    let err = |t: &str| Plan::from_toml(t).expect_err("refused").to_string();
    assert!(err("this is = = not toml").contains("not valid TOML"));
    assert!(err("name = \"x\"").contains("no `version`"));
    assert!(err(&text.replace("version = 1", "version = 99")).contains("upgrade fixedip-tui"));
    assert!(err(&text.replace("version = 1", "version = 0")).contains("recreate"));
    let missing = err(&text.replace("vpc_id = ", "vpc = "));
    assert!(missing.contains("vpc_id"), "{missing}");
    assert!(Plan::load(&dir.path().join("absent.toml"))
        .expect_err("absent")
        .to_string()
        .contains("absent.toml"));
}

/// The recommended VPC is judged by the placement checks only, against a view of the inventory
/// with only that VPC's subnets: for every VPC of the demo and of variants (public subnets made
/// private, subnets moved between VPCs, subnets full), that judges it as every check on the whole
/// inventory does, and the recommendation is the first VPC the whole judgement finds ready.
#[test]
fn the_recommended_vpc_is_judged_on_its_own_subnets_as_on_all() {
    use fixedip_tui::plan::draft::{ready_with_defaults, recommended_vpc, Draft};
    // The whole judgement: every check, on the whole inventory.
    let whole_judgement = |inv: &Inventory, vpc: &str| {
        let mut d = Draft::with_defaults();
        d.choose_vpc(inv, vpc);
        let plan = d.to_plan(inv);
        let findings = fixedip_tui::plan::validate::validate(&plan, inv);
        !blocking(&plan, &findings).iter().any(|f| {
            matches!(
                f.step,
                fixedip_tui::plan::Step::Vpc
                    | fixedip_tui::plan::Step::EndpointSubnets
                    | fixedip_tui::plan::Step::NlbSubnets
            )
        })
    };
    let demo = inventory();
    let mut variants = vec![demo.clone()];
    // No public subnet anywhere: no VPC is ready.
    let mut private = demo.clone();
    for s in &mut private.subnets {
        if let Some(r) = s.reach.as_mut() {
            r.public = false;
        }
    }
    variants.push(private);
    // Every other subnet full; then every subnet of the first VPC moved to the second.
    let mut full = demo.clone();
    for s in full.subnets.iter_mut().step_by(2) {
        s.free_ips = 0;
    }
    variants.push(full);
    let mut moved = demo.clone();
    let (a, b) = (moved.vpcs[0].id.clone(), moved.vpcs[1].id.clone());
    for s in moved.subnets.iter_mut().filter(|s| s.vpc_id == a) {
        s.vpc_id = b.clone();
    }
    variants.push(moved);
    for (n, inv) in variants.iter().enumerate() {
        let mut first_ready = None;
        for v in &inv.vpcs {
            let view = Inventory {
                vpcs: vec![v.clone()],
                subnets: inv.subnets_of(&v.id).cloned().collect(),
                ..inv.clone()
            };
            let whole = whole_judgement(inv, &v.id);
            assert_eq!(
                ready_with_defaults(inv, &v.id),
                whole,
                "variant {n}, {}",
                v.id
            );
            assert_eq!(
                ready_with_defaults(&view, &v.id),
                whole,
                "variant {n}, {}",
                v.id
            );
            if whole && first_ready.is_none() {
                first_ready = Some(v.id.clone());
            }
        }
        assert_eq!(
            recommended_vpc(inv).map(|v| v.id.clone()),
            first_ready,
            "variant {n}"
        );
    }
    assert!(
        recommended_vpc(&variants[0]).is_some() && recommended_vpc(&variants[1]).is_none(),
        "the variants cover a ready VPC and none"
    );
}
