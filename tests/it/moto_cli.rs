//! The scripted flow against moto, through the real binary with no terminal attached:
//! `plan` with flags → `apply --yes --json` → `status --json` → `destroy --yes`, every JSON
//! document checked against the README's shape.

use crate::common;

use common::moto::{cert_arn, endpoint_in, id_of, run_bin, s};

use serde_json::Value;

#[test]
fn plan_apply_status_destroy_from_a_script() {
    let dir = tempfile::tempdir().expect("dir");
    let moto = common::moto::patched_moto(dir.path());
    let manifest = moto.seed(&[]);
    let home = tempfile::tempdir().expect("home");
    let vpc = id_of(&manifest, "vpcs", "name", "prod");
    let vpce = endpoint_in(&manifest, &vpc);
    let cert = cert_arn(&manifest, "api.example.com");

    let out = run_bin(
        &moto.url,
        home.path(),
        &[
            "plan",
            "--out",
            "plan.toml",
            "--json",
            "--vpc",
            &vpc,
            "--reuse-endpoint",
            &vpce,
            "--name",
            "fixed.example.com",
            "--certificate",
            &cert,
            "--create-api",
            "--create-private-zone",
            "--allow-cidr",
            "203.0.113.0/24",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let plan: Value = serde_json::from_slice(&out.stdout).expect("plan --json is one document");
    assert_eq!(plan["schema_version"], 1);
    assert_eq!(plan["valid"], true);
    let id = s(&plan["plan_id"]);
    assert!(id.starts_with("fip-"));
    assert!(plan["findings"].is_array() && plan["cost"]["total_monthly_usd"].is_number());

    let out = run_bin(
        &moto.url,
        home.path(),
        &[
            "apply",
            "--plan",
            "plan.toml",
            "--yes",
            "--json",
            "--output",
            "result.json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for l in &lines {
        assert_eq!(l["schema_version"], 1);
        match s(&l["type"]).as_str() {
            "event" => {
                let ev = &l["data"];
                assert!(
                    ["started", "waiting", "done", "failed", "call"]
                        .contains(&s(&ev["event"]).as_str()),
                    "{ev}"
                );
                assert!(ev["step"].is_string(), "{ev}");
            }
            "result" => {}
            other => panic!("unknown line type {other}"),
        }
    }
    let result = lines.last().expect("a result line");
    assert_eq!(result["type"], "result");
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(s(&result["plan_id"]), id);
    for key in ["fixed_ips", "endpoint_ips", "errors"] {
        assert!(result[key].is_array(), "{key}: {result}");
    }
    assert_eq!(s(&result["endpoint_id"]), vpce);
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(home.path().join("result.json")).expect("result.json"),
    )
    .expect("JSON");
    assert_eq!(&file, result);

    let out = run_bin(
        &moto.url,
        home.path(),
        &["status", "--plan-id", &id, "--json"],
    );
    let status: Value = serde_json::from_slice(&out.stdout).expect("status --json is one document");
    assert_eq!(status["schema_version"], 1);
    assert_eq!(s(&status["plan_id"]), id);
    assert_eq!(
        status["who_can_reach"],
        serde_json::json!(["203.0.113.0/24"])
    );
    assert_eq!(status["nlb_state"], "active");
    // moto reports every registered target healthy and gives the NLB no addresses.
    assert_eq!(status["healthy"], true, "{status}");
    assert_eq!(out.status.code(), Some(0));

    let out = run_bin(
        &moto.url,
        home.path(),
        &["destroy", "--plan-id", &id, "--yes"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_bin(
        &moto.url,
        home.path(),
        &["status", "--plan-id", &id, "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "nothing left to hand out");
    let gone: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(gone["state"], "destroyed", "{gone}");
    assert!(
        gone["problems"].to_string().contains("was destroyed"),
        "{gone}"
    );
}
