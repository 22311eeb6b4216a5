//! Discovery through the real AWS SDK against moto server, seeded through the AWS API by an
//! independent script (tests/fixtures/seed_moto.py) that records what it created.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::moto::{arr, s, Moto};
use fixedip_tui::cloud::aws::{AwsCloud, AwsOptions};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery::{self, Inventory};
use serde_json::Value;

fn set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default()
}

async fn discover(moto: &Moto) -> Inventory {
    // Dummy credentials in the environment (the loopback fallback is tested with the binary).
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
    let cloud = AwsCloud::connect(AwsOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.url.clone()),
        max_attempts: Some(1),
        ..AwsOptions::default()
    })
    .await
    .expect("connects to moto");
    discovery::collect(Arc::new(cloud) as Arc<dyn Cloud>).await
}

fn assert_matches_manifest(inv: &Inventory, m: &Value) {
    assert!(inv.errors.is_empty(), "errors: {:#?}", inv.errors);
    assert!(inv.warnings.is_empty(), "warnings: {:#?}", inv.warnings);
    assert_eq!(inv.region, s(&m["region"]));
    assert_eq!(inv.identity.as_ref().map(|i| i.account.len()), Some(12));

    // VPCs: exactly the manifest's, with DNS attributes.
    let want: BTreeSet<String> = arr(&m["vpcs"]).iter().map(|v| s(&v["id"])).collect();
    let got: BTreeSet<String> = inv.vpcs.iter().map(|v| v.id.clone()).collect();
    assert_eq!(got, want, "VPC ids");
    for v in arr(&m["vpcs"]) {
        let vpc = inv.vpcs.iter().find(|x| x.id == s(&v["id"])).expect("vpc");
        assert_eq!(vpc.cidr, s(&v["cidr"]));
        assert_eq!(
            vpc.name,
            v["name"].as_str().map(str::to_string),
            "{}",
            vpc.id
        );
        assert_eq!(vpc.is_default, v["is_default"].as_bool().unwrap_or(false));
        assert_eq!(
            vpc.dns_support,
            v["dns_support"].as_bool(),
            "{} dns support",
            vpc.id
        );
        assert_eq!(
            vpc.dns_hostnames,
            v["dns_hostnames"].as_bool(),
            "{} dns hostnames",
            vpc.id
        );
    }

    // Subnets, with public/private from the route tables (explicit association vs main table).
    let want: BTreeSet<String> = arr(&m["subnets"]).iter().map(|v| s(&v["id"])).collect();
    let got: BTreeSet<String> = inv.subnets.iter().map(|v| v.id.clone()).collect();
    assert_eq!(got, want, "subnet ids");
    for x in arr(&m["subnets"]) {
        let sn = inv
            .subnets
            .iter()
            .find(|y| y.id == s(&x["id"]))
            .expect("subnet");
        assert_eq!(sn.vpc_id, s(&x["vpc_id"]));
        assert_eq!(sn.az, s(&x["az"]));
        assert_eq!(sn.cidr, s(&x["cidr"]));
        assert_eq!(
            Some(sn.free_ips as u64),
            x["free_ips"].as_u64(),
            "{} free ips",
            sn.id
        );
        assert_eq!(sn.name, x["name"].as_str().map(str::to_string));
        let reach = sn.reach.as_ref().expect("classified");
        assert_eq!(
            Some(reach.public),
            x["public"].as_bool(),
            "{} public: {}",
            sn.id,
            reach.reason
        );
        assert_eq!(
            Some(reach.via_main_table),
            x["via_main_table"].as_bool(),
            "{} via main",
            sn.id
        );
        assert_eq!(
            reach.route_table_id.clone().unwrap_or_default(),
            s(&x["route_table_id"])
        );
        assert!(!reach.reason.is_empty());
    }
    // The seed makes both kinds through both mechanisms.
    let kinds: BTreeSet<(bool, bool)> = inv
        .subnets
        .iter()
        .filter_map(|s| s.reach.as_ref().map(|r| (r.public, r.via_main_table)))
        .collect();
    assert_eq!(
        kinds.len(),
        4,
        "public/private × explicit/main all present: {kinds:?}"
    );

    // Certificates with status and full SANs.
    let want: BTreeSet<String> = arr(&m["certificates"])
        .iter()
        .map(|v| s(&v["arn"]))
        .collect();
    let got: BTreeSet<String> = inv.certificates.iter().map(|v| v.arn.clone()).collect();
    assert_eq!(got, want, "certificate arns");
    for c in arr(&m["certificates"]) {
        let cert = inv
            .certificates
            .iter()
            .find(|x| x.arn == s(&c["arn"]))
            .expect("cert");
        assert_eq!(cert.domain, s(&c["domain"]));
        assert_eq!(
            cert.sans.iter().cloned().collect::<BTreeSet<_>>(),
            set(&c["sans"])
        );
        assert_eq!(cert.status.as_str(), s(&c["status"]));
    }

    // Zones: public/private and the VPCs of private zones.
    let want: BTreeSet<String> = arr(&m["zones"]).iter().map(|v| s(&v["id"])).collect();
    let got: BTreeSet<String> = inv.hosted_zones.iter().map(|v| v.id.clone()).collect();
    assert_eq!(got, want, "zone ids");
    for z in arr(&m["zones"]) {
        let zone = inv
            .hosted_zones
            .iter()
            .find(|x| x.id == s(&z["id"]))
            .expect("zone");
        assert_eq!(zone.name, s(&z["name"]));
        assert_eq!(Some(zone.private), z["private"].as_bool());
        let vpcs: BTreeSet<String> = zone.vpcs.iter().map(|v| v.vpc_id.clone()).collect();
        assert_eq!(vpcs, set(&z["vpcs"]), "zone {} VPCs", zone.name);
    }

    // REST APIs: endpoint type and bound endpoints.
    let want: BTreeSet<String> = arr(&m["apis"]).iter().map(|v| s(&v["id"])).collect();
    let got: BTreeSet<String> = inv.rest_apis.iter().map(|v| v.id.clone()).collect();
    assert_eq!(got, want, "API ids");
    for a in arr(&m["apis"]) {
        let api = inv
            .rest_apis
            .iter()
            .find(|x| x.id == s(&a["id"]))
            .expect("api");
        assert_eq!(api.name, s(&a["name"]));
        assert_eq!(
            api.endpoint_types.iter().cloned().collect::<BTreeSet<_>>(),
            set(&a["endpoint_types"])
        );
        assert_eq!(
            api.vpc_endpoint_ids
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>(),
            set(&a["vpc_endpoint_ids"])
        );
    }

    // execute-api endpoints only (other services filtered out).
    let want: BTreeSet<String> = arr(&m["endpoints"]).iter().map(|v| s(&v["id"])).collect();
    let got: BTreeSet<String> = inv.vpc_endpoints.iter().map(|v| v.id.clone()).collect();
    assert_eq!(got, want, "execute-api endpoint ids");
    for e in arr(&m["endpoints"]) {
        let ep = inv
            .vpc_endpoints
            .iter()
            .find(|x| x.id == s(&e["id"]))
            .expect("endpoint");
        assert_eq!(ep.vpc_id, s(&e["vpc_id"]));
        assert_eq!(
            ep.subnet_ids.iter().cloned().collect::<BTreeSet<_>>(),
            set(&e["subnet_ids"])
        );
        assert_eq!(Some(ep.private_dns), e["private_dns"].as_bool());
        assert!(
            ep.is_available(),
            "state {:?} compares case-insensitively",
            ep.state
        );
        assert!(ep.service_name.ends_with(".execute-api"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_matches_an_independently_seeded_account() {
    let moto = Moto::start();
    let manifest = moto.seed(&[]);
    let inv = discover(&moto).await;
    assert_matches_manifest(&inv, &manifest);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_100_hosted_zones_are_read_to_the_end() {
    let moto = Moto::start();
    let manifest = moto.seed(&["--extra-public-zones", "230"]);
    assert!(arr(&manifest["zones"]).len() > 200);
    let inv = discover(&moto).await;
    assert_eq!(inv.hosted_zones.len(), arr(&manifest["zones"]).len());
    assert_matches_manifest(&inv, &manifest);
}

/// The binary, with no credentials anywhere, against a loopback endpoint: dummy credentials and
/// us-east-1, said on stderr; the JSON on stdout is the whole inventory.
#[test]
fn discover_json_binary_against_moto_without_credentials() {
    let moto = Moto::start();
    let manifest = moto.seed(&[]);
    let home = tempfile::tempdir().expect("home");
    let out = common::bin_without_credentials(home.path())
        .args(["--endpoint-url", &moto.url, "discover", "--json"])
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.contains("dummy"), "the fallback is said: {stderr}");
    assert!(stderr.contains("us-east-1"), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["endpoint"], Value::String(moto.url.clone()));
    for (key, mkey) in [
        ("vpcs", "vpcs"),
        ("subnets", "subnets"),
        ("certificates", "certificates"),
        ("hosted_zones", "zones"),
        ("rest_apis", "apis"),
        ("vpc_endpoints", "endpoints"),
    ] {
        assert_eq!(arr(&json[key]).len(), arr(&manifest[mkey]).len(), "{key}");
    }
    assert_eq!(arr(&json["errors"]).len(), 0);
    // Every subnet carries its classification and reason.
    assert!(arr(&json["subnets"])
        .iter()
        .all(|s| s["reach"]["reason"].is_string()));
}

/// No credentials and a real (non-loopback) endpoint: exit 1, a message naming the ways to fix it.
#[test]
fn discover_without_credentials_names_the_fix() {
    let home = tempfile::tempdir().expect("home");
    let out = common::bin_without_credentials(home.path())
        .args(["--region", "eu-west-1", "discover", "--json"])
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    for needle in ["aws sso login", "AWS_PROFILE", "--demo"] {
        assert!(stderr.contains(needle), "{needle} in {stderr}");
    }
}

/// An unreachable endpoint: the sources fail with a network error and a hint, exit 1.
#[test]
fn unreachable_endpoint_fails_each_source_with_a_hint() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let home = tempfile::tempdir().expect("home");
    let out = common::bin_without_credentials(home.path())
        .args([
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "discover",
            "--json",
        ])
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON even on failure");
    let errors = arr(&json["errors"]);
    assert_eq!(
        errors.len(),
        fixedip_tui::discovery::Source::ALL.len(),
        "every source reports its own error"
    );
    assert!(errors.iter().all(|e| e["kind"] == "network"), "{errors:?}");
    assert!(
        stderr.contains("--endpoint-url"),
        "the hint names the fix: {stderr}"
    );
}
