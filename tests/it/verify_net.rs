//! `verify`'s network checks for real, against stand-ins this test starts on loopback: a DNS
//! server (hickory-proto over UDP) and TLS servers with certificates from a test CA (rcgen), one
//! per "NLB IP" (127.0.0.x). Each check in passing and failing variants.

use crate::common;

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use common::standin::{self, Behaviour, Pki, DAY};
use fixedip_tui::verify::net::{self, DnsAnswer, NetOptions, Roots};
use fixedip_tui::verify::{Check, CheckState};

const NAME: &str = "fixed.example.com";

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

fn opts(pki: &Pki, port: u16, dir: &std::path::Path) -> NetOptions {
    NetOptions {
        resolver: None,
        port,
        path: "/ping".into(),
        roots: Arc::new(Roots::load(Some(&pki.ca_file(dir))).expect("roots")),
        timeout: Duration::from_secs(3),
        min_cert_days: 14,
    }
}

fn states(checks: &[Check]) -> Vec<(String, CheckState)> {
    checks.iter().map(|c| (c.id.clone(), c.state)).collect()
}

fn by_id<'a>(checks: &'a [Check], id: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {checks:#?}"))
}

fn https(leaf: standin::Leaf, status: u16) -> Behaviour {
    Behaviour::Https {
        leaf,
        status,
        body: if status == 200 {
            r#"{"ok":true}"#.into()
        } else {
            r#"{"message":"Service Unavailable"}"#.into()
        },
    }
}

async fn dns(answers: &[(&str, &[u8])]) -> std::net::SocketAddr {
    standin::dns_server(
        answers
            .iter()
            .map(|(n, ips)| {
                (
                    n.to_string(),
                    ips.iter().map(|l| Ipv4Addr::new(127, 0, 0, *l)).collect(),
                )
            })
            .collect::<HashMap<_, _>>(),
    )
    .await
}

fn nlb(ips: &[u8]) -> BTreeSet<IpAddr> {
    ips.iter().map(|l| ip(*l)).collect()
}

#[tokio::test]
async fn dns_resolves_to_exactly_the_nlb_ips() {
    let server = dns(&[(NAME, &[2, 3])]).await;
    let answer = net::resolve(NAME, Some(server), Duration::from_secs(2)).await;
    assert_eq!(answer, DnsAnswer::Ips(nlb(&[2, 3])));
    let c = net::dns_check(NAME, &answer, &nlb(&[2, 3]), Some(server));
    assert_eq!(c.state, CheckState::Pass, "{c:#?}");
    assert!(
        c.evidence.contains("127.0.0.2, 127.0.0.3"),
        "{}",
        c.evidence
    );
}

#[tokio::test]
async fn dns_with_a_wrong_or_partial_ip_set_fails_and_says_which() {
    let server = dns(&[(NAME, &[2, 9])]).await;
    let answer = net::resolve(NAME, Some(server), Duration::from_secs(2)).await;
    let c = net::dns_check(NAME, &answer, &nlb(&[2, 3]), Some(server));
    assert_eq!(c.state, CheckState::Fail);
    assert!(c.evidence.contains("127.0.0.9"), "{}", c.evidence);
    assert!(c
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("alias the NLB"));

    // One AZ's IP missing: the NLB drops an AZ without healthy targets from DNS.
    let server = dns(&[(NAME, &[2])]).await;
    let answer = net::resolve(NAME, Some(server), Duration::from_secs(2)).await;
    let c = net::dns_check(NAME, &answer, &nlb(&[2, 3]), Some(server));
    assert_eq!(c.state, CheckState::Fail);
    assert!(c.evidence.contains("127.0.0.3 missing"), "{}", c.evidence);
    assert!(c.fix.as_deref().unwrap_or_default().contains("healthy"));
}

#[tokio::test]
async fn dns_of_a_name_that_does_not_exist_or_has_no_a_record() {
    let server = dns(&[("other.example.com", &[])]).await;
    let answer = net::resolve(NAME, Some(server), Duration::from_secs(2)).await;
    assert_eq!(answer, DnsAnswer::NoSuchName);
    let c = net::dns_check(NAME, &answer, &nlb(&[2]), Some(server));
    assert_eq!(c.state, CheckState::Fail);
    assert!(c.evidence.contains("does not exist"), "{}", c.evidence);

    let answer = net::resolve("other.example.com", Some(server), Duration::from_secs(2)).await;
    assert_eq!(answer, DnsAnswer::NoRecords);
}

#[tokio::test]
async fn dns_server_that_does_not_answer_is_a_clear_failure() {
    // A UDP port nobody answers on (bound, never read).
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = silent.local_addr().expect("addr");
    let answer = net::resolve(NAME, Some(addr), Duration::from_millis(300)).await;
    assert!(matches!(answer, DnsAnswer::Failed(_)), "{answer:?}");
    let c = net::dns_check(NAME, &answer, &nlb(&[2]), Some(addr));
    assert_eq!(c.state, CheckState::Fail);
    assert!(c.fix.as_deref().unwrap_or_default().contains("--resolver"));
}

#[tokio::test]
async fn a_good_ip_passes_tcp_tls_with_sni_cert_and_https() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let server = standin::serve(ip(2), 0, https(pki.good_leaf(&["*.example.com"]), 200)).await;
    let o = opts(&pki, server.addr.port(), dir.path());
    let checks = net::probe_ip(ip(2), NAME, &o).await;
    assert!(
        checks.iter().all(|c| c.state == CheckState::Pass),
        "{checks:#?}"
    );
    assert_eq!(*server.sni.lock().expect("lock"), vec![NAME.to_string()]);
    assert_eq!(
        *server.paths.lock().expect("lock"),
        vec!["/ping".to_string()]
    );
    let cert = by_id(&checks, "cert:127.0.0.2");
    assert!(cert.evidence.contains("*.example.com"), "{}", cert.evidence);
    assert!(cert.evidence.contains("days left"), "{}", cert.evidence);
    assert!(by_id(&checks, "https:127.0.0.2")
        .evidence
        .starts_with("200 OK"));
}

#[tokio::test]
async fn a_certificate_for_another_name_fails_the_cert_check() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let server = standin::serve(ip(2), 0, https(pki.good_leaf(&["api.other.com"]), 200)).await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    let cert = by_id(&checks, "cert:127.0.0.2");
    assert_eq!(cert.state, CheckState::Fail);
    assert!(cert.evidence.contains("does not cover fixed.example.com"));
    assert!(cert.evidence.contains("api.other.com"));
    // A wildcard covers one label only.
    let server = standin::serve(
        ip(2),
        0,
        https(pki.good_leaf(&["*.fixed.example.com"]), 200),
    )
    .await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    assert_eq!(by_id(&checks, "cert:127.0.0.2").state, CheckState::Fail);
}

#[tokio::test]
async fn an_expired_or_nearly_expired_certificate_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let now = standin::now();
    let expired = pki.leaf(&[NAME], now - 400 * DAY, now - 2 * DAY);
    let server = standin::serve(ip(2), 0, https(expired, 200)).await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    let cert = by_id(&checks, "cert:127.0.0.2");
    assert_eq!(cert.state, CheckState::Fail, "{cert:#?}");
    assert!(cert.evidence.contains("expired on"), "{}", cert.evidence);

    let soon = pki.leaf(&[NAME], now - 80 * DAY, now + 5 * DAY);
    let server = standin::serve(ip(2), 0, https(soon, 200)).await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    let cert = by_id(&checks, "cert:127.0.0.2");
    assert_eq!(cert.state, CheckState::Fail);
    assert!(
        cert.evidence.contains("expires in 4 days") || cert.evidence.contains("expires in 5 days"),
        "{}",
        cert.evidence
    );
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_untrusted() {
    let pki = Pki::new();
    let server = standin::serve(ip(2), 0, https(pki.good_leaf(&[NAME]), 200)).await;
    let o = NetOptions {
        roots: Arc::new(Roots::default()),
        ..opts(
            &pki,
            server.addr.port(),
            tempfile::tempdir().expect("dir").path(),
        )
    };
    let checks = net::probe_ip(ip(2), NAME, &o).await;
    let cert = by_id(&checks, "cert:127.0.0.2");
    assert_eq!(cert.state, CheckState::Fail);
    assert!(cert.evidence.contains("not trusted"), "{}", cert.evidence);
    // The handshake itself and HTTPS still ran: the report says what is wrong, not just "TLS failed".
    assert_eq!(by_id(&checks, "https:127.0.0.2").state, CheckState::Pass);
}

#[tokio::test]
async fn a_refused_handshake_fails_tls_and_skips_the_rest() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let server = standin::serve(ip(2), 0, Behaviour::CloseAtOnce).await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    assert_eq!(
        states(&checks),
        vec![
            ("tcp:127.0.0.2".to_string(), CheckState::Pass),
            ("tls:127.0.0.2".to_string(), CheckState::Fail),
            ("cert:127.0.0.2".to_string(), CheckState::Skipped),
            ("https:127.0.0.2".to_string(), CheckState::Skipped),
        ]
    );
}

#[tokio::test]
async fn nothing_listening_fails_tcp_with_the_fix() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    // A port that was free a moment ago.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.2:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, port, dir.path())).await;
    let tcp = by_id(&checks, "tcp:127.0.0.2");
    assert_eq!(tcp.state, CheckState::Fail);
    assert!(tcp.fix.as_deref().unwrap_or_default().contains("listener"));
    assert!(checks[1..].iter().all(|c| c.state == CheckState::Skipped));
}

#[tokio::test]
async fn a_5xx_answer_fails_https_with_the_status_and_body() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let server = standin::serve(ip(2), 0, https(pki.good_leaf(&[NAME]), 503)).await;
    let checks = net::probe_ip(ip(2), NAME, &opts(&pki, server.addr.port(), dir.path())).await;
    let h = by_id(&checks, "https:127.0.0.2");
    assert_eq!(h.state, CheckState::Fail);
    assert!(h.evidence.starts_with("503"), "{}", h.evidence);
    assert!(h.evidence.contains("Service Unavailable"), "{}", h.evidence);
    assert!(h
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("server error"));
}

#[tokio::test]
async fn each_ip_is_checked_separately_so_a_bad_az_shows() {
    let dir = tempfile::tempdir().expect("dir");
    let pki = Pki::new();
    let port = standin::common_port(&[ip(2), ip(3)]).await;
    let _good = standin::serve(ip(2), port, https(pki.good_leaf(&[NAME]), 200)).await;
    let _bad = standin::serve(ip(3), port, https(pki.good_leaf(&[NAME]), 503)).await;
    let checks = net::probe_all(&nlb(&[2, 3]), NAME, &opts(&pki, port, dir.path())).await;
    assert_eq!(checks.len(), 8);
    assert!(checks[..4]
        .iter()
        .all(|c| c.state == CheckState::Pass && c.group == "127.0.0.2"));
    assert_eq!(by_id(&checks, "https:127.0.0.3").state, CheckState::Fail);
    assert_eq!(by_id(&checks, "tls:127.0.0.3").state, CheckState::Pass);
}

#[test]
fn a_bad_ca_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("nope.pem");
    let e = Roots::load(Some(&missing)).expect_err("missing file");
    assert!(e.contains("nope.pem"), "{e}");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").expect("write");
    let e = Roots::load(Some(&empty)).expect_err("no certificate");
    assert!(e.contains("no usable CA certificate"), "{e}");
}
