//! Rules real AWS enforces that moto lets through (issue "Real AWS, not just the emulators"), on
//! the simulated account, which models each with AWS's own code and message. Each test names the
//! item it covers; each failed on the code before its fix (see the note of the commit).

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::{Fault, FaultRule, SimCloud};
use fixedip_tui::cloud::write::{ApiRestore, NewEndpoint};
use fixedip_tui::cloud::{CloudError, CloudWrite, ErrorKind};
use fixedip_tui::discovery;
use fixedip_tui::domain::{RecordSet, Tag};
use fixedip_tui::engine::{self, Account, EngineEvent, EngineOptions, Outcome};
use fixedip_tui::plan::{ApiChoice, EipChoice, Plan};

use common::clean::{PRIV, ZONE_EXAMPLE_COM};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;

fn sim() -> Arc<SimCloud> {
    common::realistic_sim()
}

fn plan() -> Plan {
    common::clean::clean_plan()
}

/// Apply (or destroy) `plan` with the state in `state`; the outcome and every event.
async fn run(
    sim: &Arc<SimCloud>,
    plan: &Plan,
    state: &std::path::Path,
    destroy: bool,
    release_eips: bool,
) -> (Outcome, Vec<EngineEvent>) {
    let inv = discovery::collect(sim.clone()).await;
    let opts = EngineOptions {
        release_eips,
        ..EngineOptions::aws(state.to_path_buf())
    };
    let acct = sim.clone() as Arc<dyn Account>;
    let (out, events) =
        common::engine_run(engine::Direction::of(destroy), plan, &inv, acct, opts).await;
    (out, events)
}

async fn ok(sim: &Arc<SimCloud>, plan: &Plan, state: &std::path::Path, destroy: bool) {
    let (out, _) = run(sim, plan, state, destroy, false).await;
    assert!(out.ok(), "{:?}", out.failures);
}

fn live_endpoints(sim: &SimCloud, plan: &Plan) -> usize {
    sim.with_account(|a| {
        a.vpc_endpoints
            .iter()
            .filter(|e| {
                e.tags
                    .iter()
                    .any(|t| t.key == "fixedip:plan-id" && t.value == plan.id)
                    && !["deleted", "deleting"].contains(&e.state.as_str())
            })
            .count()
    })
}

fn code(e: &CloudError) -> &str {
    e.code.as_deref().unwrap_or_default()
}

// ---- 2. Client tokens -------------------------------------------------------------------------

fn endpoint_req(token: &str, subnets: &[&str]) -> NewEndpoint {
    let p = plan();
    NewEndpoint {
        vpc_id: p.vpc_id.clone(),
        service_name: "com.amazonaws.us-east-1.execute-api".into(),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        security_group_ids: vec![],
        private_dns: false,
        ipv4_addresses: BTreeMap::new(),
        client_token: token.into(),
        tags: vec![],
    }
}

/// EC2 remembers a client token after its endpoint is deleted: the same token is refused, and so
/// is the same token with other parameters.
#[tokio::test(start_paused = true)]
async fn ec2_remembers_client_tokens_of_deleted_endpoints() {
    let sim = sim();
    let first = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIV[..2]))
        .await
        .expect("created");
    let again = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIV[..2]))
        .await
        .expect("same token, same parameters: the same endpoint");
    assert_eq!(again.id, first.id);
    let other = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIV[1..]))
        .await
        .expect_err("same token, other subnets");
    assert_eq!(code(&other), "IdempotentParameterMismatch");
    sim.delete_vpc_endpoint(&first.id).await.expect("deleted");
    tokio::time::advance(Duration::from_secs(600)).await;
    let after = sim
        .create_vpc_endpoint(&endpoint_req("tok-1", &PRIV[..2]))
        .await
        .expect_err("the token of a deleted endpoint");
    assert_eq!(code(&after), "IdempotentParameterMismatch");
    assert!(after.message.contains("already deleted"), "{after}");
}

/// apply → destroy → apply of the same plan, then a re-plan with pinned IPs after another destroy,
/// then an apply with the journal lost: each creates one new endpoint (the token has a journaled
/// generation and a hash of the parameters; a remembered one moves to the next generation).
#[tokio::test(start_paused = true)]
async fn apply_destroy_apply_again_and_a_replan_get_fresh_client_tokens() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let p = plan();
    ok(&sim, &p, state.path(), false).await;
    ok(&sim, &p, state.path(), true).await;
    ok(&sim, &p, state.path(), false).await;
    assert_eq!(live_endpoints(&sim, &p), 1);

    ok(&sim, &p, state.path(), true).await;
    let mut pinned = p.clone();
    pinned.endpoint_ips = BTreeMap::from([
        (PRIV[0].to_string(), "10.20.16.10".to_string()),
        (PRIV[1].to_string(), "10.20.32.10".to_string()),
        (PRIV[2].to_string(), "10.20.48.10".to_string()),
    ]);
    ok(&sim, &pinned, state.path(), false).await;
    assert_eq!(live_endpoints(&sim, &p), 1);

    // Another machine (no journal) destroys and applies again: the tokens it derives were used
    // before; the account says so and the engine moves on.
    ok(&sim, &pinned, state.path(), true).await;
    let elsewhere = tempfile::tempdir().expect("state");
    let (out, events) = run(&sim, &pinned, elsewhere.path(), false, false).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert_eq!(live_endpoints(&sim, &p), 1);
    let _ = events;
}

// ---- 3. Base paths ----------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_multi_level_base_path_is_refused_by_the_v1_api_and_by_validation() {
    let sim = sim();
    let err = sim
        .create_base_path_mapping("api.example.com", "nosuchapi0", "prod", Some("v1/orders"))
        .await
        .expect_err("refused");
    assert_eq!(code(&err), "BadRequestException");
    assert!(err.message.contains("doesn't support the slash"), "{err}");

    let mut p = plan();
    p.base_path = Some("v1/orders".into());
    let inv = discovery::collect(sim.clone()).await;
    let f = fixedip_tui::plan::validate::validate(&p, &inv);
    let rule = f
        .iter()
        .find(|f| f.code == "base-path-multi-level")
        .expect("a validation error");
    assert!(rule.fix.contains("one segment"), "{}", rule.fix);
    assert!(fixedip_tui::plan::validate::check_base_path("v1/orders").is_err());
    assert!(fixedip_tui::plan::validate::check_base_path("v1").is_ok());
}

// ---- 4 + 8. Replacing a CNAME, an A and an AAAA ------------------------------------------------

fn record(name: &str, ty: &str, values: &[&str]) -> RecordSet {
    RecordSet {
        zone_id: ZONE_EXAMPLE_COM.into(),
        name: name.into(),
        record_type: ty.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        alias_target: None,
        alias_zone_id: None,
        evaluate_target_health: false,
        ttl: Some(300),
    }
}

fn seed(sim: &SimCloud, records: &[RecordSet]) {
    sim.with_account(|a| {
        a.record_sets
            .retain(|r| !(r.zone_id == ZONE_EXAMPLE_COM && r.name == "fixed.example.com"));
        a.record_sets.extend(records.iter().cloned());
    });
}

fn records_of_name(sim: &SimCloud) -> Vec<RecordSet> {
    sim.with_account(|a| {
        let mut r: Vec<RecordSet> = a
            .record_sets
            .iter()
            .filter(|r| r.zone_id == ZONE_EXAMPLE_COM && r.name == "fixed.example.com")
            .cloned()
            .collect();
        r.sort_by(|x, y| x.record_type.cmp(&y.record_type));
        r
    })
}

/// Route 53 enforces CNAME exclusivity: an A beside a CNAME is refused, in any batch.
#[tokio::test(start_paused = true)]
async fn route53_refuses_an_a_record_beside_a_cname() {
    let sim = sim();
    seed(
        &sim,
        &[record("fixed.example.com", "CNAME", &["old.example.net"])],
    );
    let err = sim
        .change_records(
            ZONE_EXAMPLE_COM,
            &[(
                fixedip_tui::cloud::write::RecordAction::Create,
                record("fixed.example.com", "A", &["192.0.2.1"]),
            )],
        )
        .await
        .expect_err("refused");
    assert_eq!(code(&err), "InvalidChangeBatch");
    assert!(
        err.message.contains("conflicting RRSet of type CNAME"),
        "{err}"
    );
    assert_eq!(
        records_of_name(&sim).len(),
        1,
        "a refused batch changes nothing"
    );
}

#[tokio::test(start_paused = true)]
async fn a_cname_of_the_name_is_replaced_in_one_batch_and_destroy_puts_it_back() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let cname = record("fixed.example.com", "CNAME", &["old-lb.example.net"]);
    seed(&sim, std::slice::from_ref(&cname));
    let mut p = plan();
    p.replace_records = true;
    ok(&sim, &p, state.path(), false).await;
    let now = records_of_name(&sim);
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(now[0].record_type, "A");
    assert!(now[0]
        .alias_target
        .as_deref()
        .is_some_and(|t| t.contains("-nlb-")));
    ok(&sim, &p, state.path(), true).await;
    assert_eq!(records_of_name(&sim), vec![cname]);
}

#[tokio::test(start_paused = true)]
async fn an_a_and_an_aaaa_of_the_name_are_replaced_and_restored_together() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let a = record("fixed.example.com", "A", &["198.51.100.10"]);
    let aaaa = record("fixed.example.com", "AAAA", &["2001:db8::10"]);
    seed(&sim, &[a.clone(), aaaa.clone()]);
    let mut p = plan();
    p.replace_records = true;
    ok(&sim, &p, state.path(), false).await;
    let now = records_of_name(&sim);
    assert_eq!(
        now.len(),
        1,
        "the AAAA is gone too (dual-stack clients): {now:?}"
    );
    assert!(now[0].alias_target.is_some());
    ok(&sim, &p, state.path(), true).await;
    assert_eq!(records_of_name(&sim), vec![a, aaaa]);
}

// ---- 5. Adopted APIs --------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_private_api_never_becomes_edge_again() {
    let sim = sim();
    let edge = "w5wf9j4ni4";
    let before = sim.get_rest_api(edge).await.expect("get").expect("exists");
    assert_eq!(before.endpoint_types, vec!["EDGE".to_string()]);
    sim.make_api_private(&before, &[], POLICY)
        .await
        .expect("EDGE → PRIVATE is allowed");
    let now = sim.get_rest_api(edge).await.expect("get").expect("exists");
    let err = sim
        .restore_api(&now, &ApiRestore::from(&before))
        .await
        .expect_err("PRIVATE → EDGE is not");
    assert_eq!(code(&err), "BadRequestException");
    assert!(err.message.contains("edge-optimized"), "{err}");
}

/// Adopting a REGIONAL API that serves stage `prod`: the apply deploys the sourceVpc policy;
/// destroy restores the settings (type, endpoints, policy, IP address type) and puts the stage
/// back on the deployment it served, or the restored API would still deny every caller.
#[tokio::test(start_paused = true)]
async fn destroy_of_an_adopted_api_puts_its_stage_back_on_its_deployment() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let api = "2ljte94rpv";
    sim.with_account(|a| {
        let info = a.api_info.entry(api.to_string()).or_default();
        info.deployments.push("olddep".into());
        info.stages.push(("prod".into(), "olddep".into()));
        info.stages.push(("beta".into(), "olddep".into()));
        info.has_methods = true;
    });
    let before = sim.get_rest_api(api).await.expect("get").expect("exists");
    assert_eq!(before.ip_address_type.as_deref(), Some("ipv4"));
    let mut p = plan();
    p.api = ApiChoice::Adopt {
        rest_api_id: api.into(),
    };
    ok(&sim, &p, state.path(), false).await;
    let during = sim.get_rest_api(api).await.expect("get").expect("exists");
    assert_eq!(during.endpoint_types, vec!["PRIVATE".to_string()]);
    assert_eq!(during.ip_address_type.as_deref(), Some("dualstack"));
    let prod = |s: &fixedip_tui::cloud::write::ApiState| {
        s.stages
            .iter()
            .find(|(n, _)| n == "prod")
            .map(|(_, d)| d.clone())
    };
    assert_ne!(prod(&during).as_deref(), Some("olddep"), "deployed anew");
    ok(&sim, &p, state.path(), true).await;
    let after = sim.get_rest_api(api).await.expect("get").expect("exists");
    assert_eq!(
        after, before,
        "settings, stages and IP address type as they were"
    );
}

/// A stage the apply added to an adopted API goes with destroy.
#[tokio::test(start_paused = true)]
async fn a_stage_added_to_an_adopted_api_is_deleted_by_destroy() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let api = "2ljte94rpv";
    sim.with_account(|a| {
        a.api_info.entry(api.to_string()).or_default().has_methods = true;
    });
    let before = sim.get_rest_api(api).await.expect("get").expect("exists");
    let mut p = plan();
    p.api = ApiChoice::Adopt {
        rest_api_id: api.into(),
    };
    ok(&sim, &p, state.path(), false).await;
    ok(&sim, &p, state.path(), true).await;
    let after = sim.get_rest_api(api).await.expect("get").expect("exists");
    assert!(after.stages.is_empty(), "{:?}", after.stages);
    assert_eq!(after.endpoint_types, before.endpoint_types);
}

// ---- 6. Releasing Elastic IPs -----------------------------------------------------------------

/// Right after the NLB is deleted its interfaces still hold the addresses and ReleaseAddress
/// answers AuthFailure; destroy waits for DescribeAddresses to show them free, then releases.
#[tokio::test(start_paused = true)]
async fn release_eips_waits_out_auth_failure_while_the_nlbs_interfaces_linger() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let mut p = plan();
    p.eips = EipChoice::New;
    ok(&sim, &p, state.path(), false).await;
    let (out, events) = run(&sim, &p, state.path(), true, true).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert!(
        events.iter().any(|e| matches!(e, EngineEvent::Waiting { what, .. } if what.contains("still held by the deleted NLB"))),
        "the wait is shown"
    );
    let left = sim
        .find_addresses_by_tag("fixedip:plan-id", &p.id)
        .await
        .expect("read");
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(start_paused = true)]
async fn release_address_answers_auth_failure_for_a_deleted_nlbs_address() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let mut p = plan();
    p.eips = EipChoice::New;
    ok(&sim, &p, state.path(), false).await;
    let lb = sim
        .find_load_balancer(&p.nlb_name())
        .await
        .expect("read")
        .expect("nlb");
    let eips = sim
        .find_addresses_by_tag("fixedip:plan-id", &p.id)
        .await
        .expect("read");
    let busy = sim
        .release_address(&eips[0].allocation_id)
        .await
        .expect_err("on the live NLB");
    assert_eq!(code(&busy), "InvalidIPAddress.InUse");
    sim.delete_load_balancer(&lb.arn).await.expect("deleted");
    let lingering = sim
        .release_address(&eips[0].allocation_id)
        .await
        .expect_err("interfaces linger");
    assert_eq!(code(&lingering), "AuthFailure");
    tokio::time::advance(Duration::from_secs(120)).await;
    sim.release_address(&eips[0].allocation_id)
        .await
        .expect("free once the interfaces are gone");
}

// ---- 9. Retry-After ---------------------------------------------------------------------------

/// API Gateway's 429 carries its wait in `Retry-After`; the engine waits that long, not its own
/// backoff (CreateDomainName: one call per 30 s for the account).
#[tokio::test(start_paused = true)]
async fn the_engine_waits_as_long_as_retry_after_says() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    sim.create_domain_name(
        "other.example.com",
        common::clean::WILDCARD_CERT,
        "TLS_1_2",
        &[Tag {
            key: "k".into(),
            value: "v".into(),
        }],
    )
    .await
    .expect("a domain just created: the next waits ~30 s");
    let (out, events) = run(&sim, &plan(), state.path(), false, false).await;
    assert!(out.ok(), "{:?}", out.failures);
    let waits: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Waiting { what, .. } if what.contains("throttled by apigateway") => what
                .rsplit("retrying in ")
                .next()
                .and_then(|s| s.trim_end_matches('s').parse().ok()),
            _ => None,
        })
        .collect();
    // The first wait is the service's (~30 s), not the engine's first backoff step (4 s).
    assert!(
        waits.first().is_some_and(|w| *w >= 20),
        "the service's wait, not a short backoff: {waits:?}"
    );
}

// ---- 10. Ordering -----------------------------------------------------------------------------

/// The API is bound once the endpoint is available; targets are waited on once the listener
/// exists; the public record moves only once the listener, healthy targets and mapping exist.
#[tokio::test(start_paused = true)]
async fn steps_wait_for_what_aws_needs_first() {
    use fixedip_tui::engine::NodeId as N;
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let (out, events) = run(&sim, &plan(), state.path(), false, false).await;
    assert!(out.ok(), "{:?}", out.failures);
    let pos = |want: &dyn Fn(&EngineEvent) -> bool| {
        events
            .iter()
            .position(want)
            .unwrap_or_else(|| panic!("event missing"))
    };
    let started = |n: N| pos(&move |e| matches!(e, EngineEvent::Started(x) if *x == n));
    let done = |n: N| pos(&move |e| matches!(e, EngineEvent::Done { node, .. } if *node == n));
    assert!(done(N::EndpointReady) < started(N::Api));
    assert!(done(N::Listener) < started(N::Targets));
    for before in [N::Listener, N::Targets, N::Mapping] {
        assert!(done(before) < started(N::PublicRecord), "{before:?}");
    }
    // The account refuses binding an API to an endpoint that is not available yet.
    let pending = sim
        .create_vpc_endpoint(&endpoint_req("tok-pending", &PRIV[..2]))
        .await
        .expect("endpoint");
    let err = sim
        .create_rest_api("early", &[pending.id], POLICY, &[])
        .await
        .expect_err("not available yet");
    assert_eq!(code(&err), "BadRequestException");
}

// ---- 11. Errors -------------------------------------------------------------------------------

/// A quota is not throttling: the apply stops at once with the quota's name and the fix.
#[tokio::test(start_paused = true)]
async fn a_quota_stops_at_once_and_names_service_quotas() {
    assert_eq!(
        CloudError::kind_for_code("LimitExceededException", Some(429)),
        ErrorKind::QuotaExceeded
    );
    let sim = sim();
    sim.with_account(|a| a.eip_quota = a.elastic_ips.len() as u32 + 1);
    let state = tempfile::tempdir().expect("state");
    let mut p = plan();
    p.eips = EipChoice::New;
    let (out, _) = run(&sim, &p, state.path(), false, false).await;
    let text = format!("{}", out.failures[0]);
    assert!(
        text.contains("Service Quotas") && text.contains("Elastic IPs"),
        "{text}"
    );
    assert_eq!(
        sim.call_log().count("ec2:AllocateAddress"),
        2,
        "one address, then the quota (not retried)"
    );
}

/// A poll throttled beyond the SDK's three attempts keeps polling.
#[tokio::test(start_paused = true)]
async fn a_throttled_poll_keeps_polling() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    // GetChange is read only by the wait for INSYNC: three polls throttled past the SDK's retries.
    sim.add_fault(FaultRule::times("route53:GetChange", Fault::Throttle, 9));
    let (out, events) = run(&sim, &plan(), state.path(), false, false).await;
    assert!(out.ok(), "{:?}", out.failures);
    assert!(events.iter().any(
        |e| matches!(e, EngineEvent::Waiting { what, .. } if what.contains("polling slower"))
    ));
}

#[tokio::test(start_paused = true)]
async fn pinned_ips_name_every_subnet_or_none() {
    let sim = sim();
    let mut req = endpoint_req("tok-pin", &PRIV[..2]);
    req.ipv4_addresses = BTreeMap::from([(PRIV[0].to_string(), "10.20.16.10".to_string())]);
    let err = sim.create_vpc_endpoint(&req).await.expect_err("partial");
    assert_eq!(code(&err), "InvalidParameter");
}

// ---- 7. Callers inside the VPC ----------------------------------------------------------------

fn endpoint_sg_sources(sim: &SimCloud, plan: &Plan) -> Vec<String> {
    let name = fixedip_tui::plan::review::endpoint_sg_name(plan);
    sim.with_account(|a| {
        let mut v: Vec<String> = a
            .security_groups
            .iter()
            .find(|g| g.name == name)
            .map(|g| g.ingress.iter().map(|r| r.source.clone()).collect())
            .unwrap_or_default();
        v.sort();
        v
    })
}

/// By default the endpoint admits the whole VPC (callers the private zone sends there); a
/// re-plan with nobody revokes it (the group is the plan's alone); an in-VPC security group is
/// admitted as a source group.
#[tokio::test(start_paused = true)]
async fn the_endpoint_admits_callers_inside_the_vpc_by_default() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let p = plan();
    ok(&sim, &p, state.path(), false).await;
    let nlb_subnets = ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"];
    let mut want: Vec<String> = nlb_subnets.iter().map(|s| s.to_string()).collect();
    want.push("10.20.0.0/16".into());
    want.sort();
    assert_eq!(endpoint_sg_sources(&sim, &p), want);

    let mut nobody = p.clone();
    nobody.vpc_callers.clear();
    ok(&sim, &nobody, state.path(), false).await;
    assert_eq!(endpoint_sg_sources(&sim, &p), nlb_subnets.to_vec());

    let group = sim
        .create_security_group(&p.vpc_id, "app-servers", "callers", &[])
        .await
        .expect("group");
    let mut app = p.clone();
    app.vpc_callers = vec![group.clone()];
    ok(&sim, &app, state.path(), false).await;
    assert!(endpoint_sg_sources(&sim, &p).contains(&group));
}

/// An NLB subnet the inventory does not know is an error, never silently dropped.
#[tokio::test(start_paused = true)]
async fn an_unknown_nlb_subnet_is_an_error_not_a_missing_rule() {
    let sim = sim();
    let state = tempfile::tempdir().expect("state");
    let mut p = plan();
    p.nlb_subnet_ids[0] = "subnet-0000000000000dead".into();
    let (out, _) = run(&sim, &p, state.path(), false, false).await;
    let text = format!("{:?}", out.failures);
    assert!(
        text.contains("subnet-0000000000000dead") && text.contains("CIDR is unknown"),
        "{text}"
    );
}
