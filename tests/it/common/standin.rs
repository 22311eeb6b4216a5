//! Local stand-ins for what `verify` reaches on the internet: a certificate authority (rcgen), TLS
//! servers on loopback IPs answering HTTP, and a DNS server answering A records (hickory-proto on
//! a UDP socket). Everything binds to 127.0.0.0/8 and stops with the test's runtime.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const DAY: i64 = 86_400;

/// A test CA that signs leaf certificates.
pub struct Pki {
    issuer: Issuer<'static, KeyPair>,
    pub ca_der: CertificateDer<'static>,
    pub ca_pem: String,
}

/// A leaf certificate and its key.
#[derive(Clone)]
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key_der: Vec<u8>,
}

fn at(unix: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(unix).expect("a valid time")
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

impl Pki {
    pub fn new() -> Pki {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "fixedip-tui test CA");
        params.not_before = at(now() - 30 * DAY);
        params.not_after = at(now() + 3650 * DAY);
        let cert = params.self_signed(&key).expect("CA");
        Pki {
            ca_der: cert.der().clone(),
            ca_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf for `names`, valid from `from` to `until` (unix seconds).
    pub fn leaf(&self, names: &[&str], from: i64, until: i64) -> Leaf {
        let key = KeyPair::generate().expect("key");
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.not_before = at(from);
        params.not_after = at(until);
        let cert = params.signed_by(&key, &self.issuer).expect("leaf");
        Leaf {
            chain: vec![cert.der().clone(), self.ca_der.clone()],
            key_der: key.serialize_der(),
        }
    }

    /// A leaf valid for a year around now.
    pub fn good_leaf(&self, names: &[&str]) -> Leaf {
        self.leaf(names, now() - DAY, now() + 365 * DAY)
    }

    /// The CA as a PEM file in `dir` (for `--ca-file`).
    pub fn ca_file(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write ca");
        path
    }
}

/// How a stand-in server behaves.
#[derive(Clone)]
pub enum Behaviour {
    /// TLS with this certificate, then answer every request with (status, body).
    Https {
        leaf: Leaf,
        status: u16,
        body: String,
    },
    /// Accept TCP and close at once (the handshake fails).
    CloseAtOnce,
}

/// A running server: where it listens and the SNI names it was asked for.
pub struct Server {
    pub addr: SocketAddr,
    pub sni: Arc<Mutex<Vec<String>>>,
    pub paths: Arc<Mutex<Vec<String>>>,
}

/// Listen on `ip:port` (port 0: any) and serve `behaviour` until the runtime stops.
pub async fn serve(ip: IpAddr, port: u16, behaviour: Behaviour) -> Server {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, port))
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local addr");
    let sni = Arc::new(Mutex::new(Vec::new()));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let acceptor = match &behaviour {
        Behaviour::Https { leaf, .. } => {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(
                    leaf.chain.clone(),
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key_der.clone())),
                )
                .expect("server config");
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
        }
        Behaviour::CloseAtOnce => None,
    };
    let (sni2, paths2) = (sni.clone(), paths.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else {
                return;
            };
            let Some(acceptor) = acceptor.clone() else {
                let _ = tcp.shutdown().await;
                drop(tcp);
                continue;
            };
            let (status, body) = match &behaviour {
                Behaviour::Https { status, body, .. } => (*status, body.clone()),
                Behaviour::CloseAtOnce => (0, String::new()),
            };
            let (sni, paths) = (sni2.clone(), paths2.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Some(name) = tls.get_ref().1.server_name() {
                    sni.lock().expect("lock").push(name.to_string());
                }
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                if let Some(path) = head.split_whitespace().nth(1) {
                    paths.lock().expect("lock").push(path.to_string());
                }
                let reason = match status {
                    200 => "OK",
                    403 => "Forbidden",
                    404 => "Not Found",
                    503 => "Service Unavailable",
                    _ => "Status",
                };
                let resp = format!(
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Server { addr, sni, paths }
}

/// A free TCP port on every one of `ips` (so the same port serves each "NLB IP").
pub async fn common_port(ips: &[IpAddr]) -> u16 {
    for _ in 0..50 {
        let first = tokio::net::TcpListener::bind(SocketAddr::new(ips[0], 0))
            .await
            .expect("bind");
        let port = first.local_addr().expect("addr").port();
        let mut all = true;
        for ip in &ips[1..] {
            if tokio::net::TcpListener::bind(SocketAddr::new(*ip, port))
                .await
                .is_err()
            {
                all = false;
            }
        }
        if all {
            return port;
        }
    }
    panic!("no common free port on {ips:?}");
}

/// A DNS server on loopback UDP answering A queries from `answers` (lower-case names without the
/// trailing dot); any other name gets NXDOMAIN; a name mapped to an empty list gets NOERROR with
/// no answer.
pub async fn dns_server(answers: HashMap<String, Vec<Ipv4Addr>>) -> SocketAddr {
    use hickory_proto::op::{Message, MessageType, ResponseCode};
    use hickory_proto::rr::{rdata::A, RData, Record, RecordType};
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind udp");
    let addr = sock.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        loop {
            let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                return;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut resp = Message::response(query.metadata.id, query.metadata.op_code);
            resp.metadata.message_type = MessageType::Response;
            resp.metadata.recursion_desired = query.metadata.recursion_desired;
            resp.metadata.recursion_available = true;
            resp.metadata.authoritative = true;
            resp.add_queries(query.queries.clone());
            for q in &query.queries {
                let name = q
                    .name()
                    .to_ascii()
                    .trim_end_matches('.')
                    .to_ascii_lowercase();
                match answers.get(&name) {
                    None => resp.metadata.response_code = ResponseCode::NXDomain,
                    Some(ips) if q.query_type() == RecordType::A => {
                        for ip in ips {
                            resp.add_answer(Record::from_rdata(
                                q.name().clone(),
                                60,
                                RData::A(A(*ip)),
                            ));
                        }
                    }
                    Some(_) => {}
                }
            }
            if let Ok(bytes) = resp.to_vec() {
                let _ = sock.send_to(&bytes, peer).await;
            }
        }
    });
    addr
}
