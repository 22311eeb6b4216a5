//! The checks made over the network from where fixedip-tui runs: public DNS, then for each NLB IP
//! separately TCP, a TLS handshake with SNI = the name, the certificate it presents, and an HTTPS
//! GET of the check path on that same connection — so one bad AZ shows as one bad IP.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::BodyExt;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::{Check, CheckState};

/// How the network checks run.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// A DNS server to ask instead of the system's resolvers (`--resolver IP[:PORT]`).
    pub resolver: Option<SocketAddr>,
    pub port: u16,
    /// The path of the HTTPS GET, with the base path already in front.
    pub path: String,
    /// Extra trusted roots (`--ca-file`), added to the system's.
    pub roots: Arc<Roots>,
    /// Per step (DNS query, connect, handshake, request).
    pub timeout: Duration,
    /// A certificate expiring sooner than this fails the check.
    pub min_cert_days: i64,
}

/// The trust anchors used for the TLS check.
#[derive(Debug)]
pub struct Roots {
    pub store: RootCertStore,
    /// Where the anchors came from, for the evidence ("system store (140)", "--ca-file x.pem (1)").
    pub sources: Vec<String>,
}

impl Default for Roots {
    fn default() -> Self {
        Roots {
            store: RootCertStore::empty(),
            sources: Vec::new(),
        }
    }
}

impl Roots {
    /// The system's trust store plus the certificates of `ca_file` (PEM). An unreadable or empty
    /// `ca_file` is an error naming the file; an empty system store is not (the check says so).
    pub fn load(ca_file: Option<&Path>) -> Result<Roots, String> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = Roots::default();
        let native = rustls_native_certs::load_native_certs();
        let (added, _) = roots.store.add_parsable_certificates(native.certs);
        roots
            .sources
            .push(format!("the system's trust store ({added})"));
        if let Some(path) = ca_file {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| {
                    format!(
                        "cannot read --ca-file {}: {e} (give a PEM file of CA certificates)",
                        path.display()
                    )
                })?
                .collect::<Result<_, _>>()
                .map_err(|e| {
                    format!(
                        "--ca-file {} is not a PEM file of certificates: {e}",
                        path.display()
                    )
                })?;
            let (added, bad) = roots.store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "--ca-file {} holds no usable CA certificate ({bad} rejected)",
                    path.display()
                ));
            }
            roots.sources.push(format!("{} ({added})", path.display()));
        }
        Ok(roots)
    }
}

/// What public DNS answered for the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsAnswer {
    Ips(BTreeSet<IpAddr>),
    /// NXDOMAIN: the name does not exist.
    NoSuchName,
    /// The name exists but has no A record.
    NoRecords,
    Failed(String),
}

/// A lookup of the name's A records (CNAMEs followed), bypassing `/etc/hosts` and any cache.
pub async fn resolve(name: &str, server: Option<SocketAddr>, timeout: Duration) -> DnsAnswer {
    use hickory_resolver::config::{
        ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolveHosts, ResolverConfig,
    };
    use hickory_resolver::net::runtime::TokioRuntimeProvider;
    use hickory_resolver::Resolver;
    let builder = match server {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            Ok(Resolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![ns]),
                TokioRuntimeProvider::default(),
            ))
        }
        None => Resolver::builder_tokio(),
    };
    let mut builder = match builder {
        Ok(b) => b,
        Err(e) => {
            return DnsAnswer::Failed(format!(
                "cannot read this host's resolver configuration: {e} (pass --resolver IP)"
            ))
        }
    };
    let opts = builder.options_mut();
    opts.timeout = timeout;
    opts.attempts = 2;
    opts.cache_size = 0;
    opts.use_hosts_file = ResolveHosts::Never;
    opts.ip_strategy = LookupIpStrategy::Ipv4Only;
    let resolver = match builder.build() {
        Ok(r) => r,
        Err(e) => return DnsAnswer::Failed(format!("cannot start a DNS resolver: {e}")),
    };
    // The trailing dot: one query for exactly this name, no search domains.
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    let lookup = tokio::time::timeout(timeout * 3, resolver.lookup_ip(fqdn.as_str())).await;
    match lookup {
        Err(_) => DnsAnswer::Failed(format!("no answer within {}s", (timeout * 3).as_secs())),
        Ok(Ok(ips)) => {
            let set: BTreeSet<IpAddr> = ips.iter().collect();
            if set.is_empty() {
                DnsAnswer::NoRecords
            } else {
                DnsAnswer::Ips(set)
            }
        }
        Ok(Err(e)) if e.is_nx_domain() => DnsAnswer::NoSuchName,
        Ok(Err(e)) if e.is_no_records_found() => DnsAnswer::NoRecords,
        Ok(Err(e)) => DnsAnswer::Failed(e.to_string()),
    }
}

fn list(ips: &BTreeSet<IpAddr>) -> String {
    if ips.is_empty() {
        return "none".into();
    }
    ips.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The public DNS check: the name resolves to exactly the NLB's IPs.
pub fn dns_check(
    name: &str,
    answer: &DnsAnswer,
    nlb_ips: &BTreeSet<IpAddr>,
    server: Option<SocketAddr>,
) -> Check {
    let via = match server {
        Some(s) => format!("asked {s}"),
        None => "this host's resolvers".to_string(),
    };
    let mut c = Check::new(
        "dns",
        "Public DNS",
        &format!("{name} resolves to the NLB's IPs"),
    );
    let (state, evidence, fix) = match answer {
        DnsAnswer::Ips(got) if got == nlb_ips => (
            CheckState::Pass,
            format!("{} ({via})", list(got)),
            None,
        ),
        DnsAnswer::Ips(got) if !nlb_ips.is_empty() && got.is_subset(nlb_ips) => (
            CheckState::Fail,
            format!(
                "resolved {} but the NLB has {} ({via}): {} missing",
                list(got),
                list(nlb_ips),
                list(&nlb_ips.difference(got).cloned().collect())
            ),
            Some("the NLB leaves out of DNS the IP of an AZ with no healthy target: see the target group check".to_string()),
        ),
        DnsAnswer::Ips(got) => (
            CheckState::Fail,
            format!(
                "resolved {} but the NLB has {} ({via})",
                list(got),
                list(nlb_ips)
            ),
            Some(format!(
                "the public A record of {name} must alias the NLB; a change can take the record's TTL to reach every resolver (rerun `verify` later, or `apply` to put the record back)"
            )),
        ),
        DnsAnswer::NoSuchName => (
            CheckState::Fail,
            format!("{name} does not exist in DNS ({via})"),
            Some("check that the public hosted zone is the one the domain is delegated to (its NS records at the registrar / parent zone), then rerun `verify`".to_string()),
        ),
        DnsAnswer::NoRecords => (
            CheckState::Fail,
            format!("{name} exists but has no A record ({via})"),
            Some("the public A alias to the NLB is missing: rerun `apply` to create it".to_string()),
        ),
        DnsAnswer::Failed(e) => (
            CheckState::Fail,
            format!("the lookup failed: {e} ({via})"),
            Some("check this host's DNS (or pass --resolver IP of a resolver that answers)".to_string()),
        ),
    };
    c.finish(state, evidence, fix);
    c
}

/// What the TLS handshake showed of the server's certificate.
#[derive(Debug)]
struct Seen {
    end_entity: Vec<u8>,
    /// The platform verifier's verdict (chain, name, dates).
    verdict: Result<(), rustls::Error>,
}

/// A verifier that records the certificate and the real verdict, and lets the handshake finish so
/// the report can say *why* a certificate is wrong (and still try the HTTPS request).
#[derive(Debug)]
struct Recording {
    inner: Option<Arc<WebPkiServerVerifier>>,
    schemes: Vec<SignatureScheme>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: Mutex<Option<Seen>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = match &self.inner {
            Some(v) => v
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ()),
            None => Err(rustls::Error::General(
                "this host has no trusted root certificates".into(),
            )),
        };
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(Seen {
                end_entity: end_entity.to_vec(),
                verdict,
            });
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// The parts of a certificate the report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
}

pub fn cert_facts(der: &[u8]) -> Result<CertFacts, String> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("unreadable certificate: {e}"))?;
    let dns_names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| {
            ext.value
                .general_names
                .iter()
                .filter_map(|g| match g {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CertFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        dns_names,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
    })
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// `2026-11-26 14:05 UTC`.
pub fn ymd_hm(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        ymd(unix),
        secs / 3600,
        secs % 3600 / 60
    )
}

pub use crate::domain::ymd;

/// The certificate check from what the handshake recorded.
fn cert_check(mut c: Check, name: &str, seen: &Seen, roots: &Roots, min_days: i64) -> Check {
    let facts = match cert_facts(&seen.end_entity) {
        Ok(f) => f,
        Err(e) => {
            c.finish(CheckState::Fail, e, None);
            return c;
        }
    };
    let now = now_unix();
    let days_left = (facts.not_after - now).div_euclid(86_400);
    let names = if facts.dns_names.is_empty() {
        "no DNS names".to_string()
    } else {
        facts.dns_names.join(", ")
    };
    let about = format!(
        "{names}; issued by {}; valid until {}",
        facts.issuer,
        ymd(facts.not_after)
    );
    if !facts
        .dns_names
        .iter()
        .any(|p| crate::domain::dns_name_matches(p, name))
    {
        c.finish(
            CheckState::Fail,
            format!("the certificate does not cover {name}: {about}"),
            Some("the NLB's TLS listener must use an ACM certificate for the name (exact or wildcard): fix the plan's certificate and rerun `apply`".into()),
        );
        return c;
    }
    if facts.not_after < now {
        c.finish(
            CheckState::Fail,
            format!("the certificate expired on {}: {about}", ymd(facts.not_after)),
            Some("renew or re-issue the ACM certificate (an ACM DNS-validated certificate renews itself while its CNAME record stays in the zone)".into()),
        );
        return c;
    }
    if facts.not_before > now {
        c.finish(
            CheckState::Fail,
            format!(
                "the certificate is not valid before {}: {about}",
                ymd(facts.not_before)
            ),
            Some("check this host's clock, or wait for the certificate's start date".into()),
        );
        return c;
    }
    if days_left < min_days {
        c.finish(
            CheckState::Fail,
            format!("the certificate expires in {days_left} days (under {min_days}): {about}"),
            Some("ACM renews DNS-validated certificates ~60 days before expiry: if it has not, check its validation CNAME in the zone (ACM console → the certificate → renewal status)".into()),
        );
        return c;
    }
    match &seen.verdict {
        Ok(()) => c.finish(
            CheckState::Pass,
            format!("covers {name}, {days_left} days left: {about}"),
            None,
        ),
        Err(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ))
        | Err(rustls::Error::General(_)) => c.finish(
            CheckState::Fail,
            format!(
                "the chain is not trusted by {}: {about}",
                roots.sources.join(" + ")
            ),
            Some("a public client will refuse it: the listener must present an ACM public certificate (for a private CA, pass its root with --ca-file)".into()),
        ),
        Err(e) => c.finish(
            CheckState::Fail,
            format!("the certificate was refused: {e}: {about}"),
            Some("the NLB's TLS listener must present a valid ACM certificate for the name".into()),
        ),
    }
    c
}

/// The four lines of one NLB IP, not yet run.
pub fn ip_checks(ip: IpAddr, name: &str, opts: &NetOptions) -> [Check; 4] {
    let g = ip.to_string();
    [
        Check::new(
            &format!("tcp:{ip}"),
            &g,
            &format!("TCP {} connects", opts.port),
        ),
        Check::new(
            &format!("tls:{ip}"),
            &g,
            &format!("TLS handshake with SNI {name}"),
        ),
        Check::new(
            &format!("cert:{ip}"),
            &g,
            "certificate covers the name, not near expiry",
        ),
        Check::new(
            &format!("https:{ip}"),
            &g,
            &format!("HTTPS GET {} answers 2xx", opts.path),
        ),
    ]
}

type Failure = (String, Option<String>);

/// TCP to `ip:port`: the stream and its evidence, or why not and the fix.
async fn tcp_connect(ip: IpAddr, opts: &NetOptions) -> Result<(TcpStream, String), Failure> {
    let port = opts.port;
    let addr = SocketAddr::new(ip, port);
    let started = std::time::Instant::now();
    match tokio::time::timeout(opts.timeout, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => Ok((s, format!("{addr} in {} ms", started.elapsed().as_millis()))),
        Ok(Err(e)) => {
            let fix = if e.kind() == std::io::ErrorKind::ConnectionRefused {
                format!("nothing listens on {port} at {ip}: the NLB needs a TLS listener on {port} (rerun `apply`)")
            } else {
                format!("check the NLB security group admits this host's public IP on {port} (`fixedip-tui allow --plan-id … --add <this host's IP>/32`) and that this host may reach the internet")
            };
            Err((format!("{addr}: {e}"), Some(fix)))
        }
        Err(_) => Err((
            format!("{addr}: no answer within {}s", opts.timeout.as_secs()),
            Some(format!("a silent drop is usually a security group: check the NLB security group admits this host's public IP on {port} (`fixedip-tui allow --plan-id … --add <this host's IP>/32`)")),
        )),
    }
}

/// The TLS handshake with SNI = `name`: the stream, what the verifier saw, and the evidence.
async fn handshake(
    stream: TcpStream,
    name: &str,
    opts: &NetOptions,
) -> Result<(TlsStream<TcpStream>, Option<Seen>, String), Failure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(
        Arc::new(opts.roots.store.clone()),
        provider.clone(),
    )
    .build()
    .ok();
    let verifier = Arc::new(Recording {
        inner,
        schemes: provider
            .signature_verification_algorithms
            .supported_schemes(),
        provider: provider.clone(),
        seen: Mutex::new(None),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| (format!("TLS setup: {e}"), None))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let server_name = ServerName::try_from(name.trim_end_matches('.').to_string())
        .map_err(|e| (format!("{name} is not a valid TLS server name: {e}"), None))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let started = std::time::Instant::now();
    let port = opts.port;
    let stream = match tokio::time::timeout(opts.timeout, connector.connect(server_name, stream))
        .await
    {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err((
            format!("the handshake failed: {e}"),
            Some(format!("the listener on {port} must be TLS (not TCP) with the certificate for {name}: check the NLB listener, or rerun `apply`")),
        )),
        Err(_) => return Err((
            format!("no handshake within {}s", opts.timeout.as_secs()),
            Some("a listener that accepts TCP but never answers TLS is a TCP listener or a dead target: check the NLB listener's protocol".into()),
        )),
    };
    let version = stream
        .get_ref()
        .1
        .protocol_version()
        .map(|v| format!("{v:?}").replace('_', "."))
        .unwrap_or_else(|| "TLS".into());
    let seen = verifier.seen.lock().ok().and_then(|mut s| s.take());
    Ok((
        stream,
        seen,
        format!("{version} in {} ms", started.elapsed().as_millis()),
    ))
}

/// The checks so far, then the rest skipped because `after` failed.
fn stopped(mut done: Vec<Check>, after: &str, rest: Vec<Check>) -> Vec<Check> {
    done.extend(rest.into_iter().map(|mut c| {
        c.finish(CheckState::Skipped, format!("{after} failed"), None);
        c
    }));
    done
}

/// The four checks of one NLB IP, each of the later ones skipped when an earlier one failed.
pub async fn probe_ip(ip: IpAddr, name: &str, opts: &NetOptions) -> Vec<Check> {
    let [mut tcp, mut tls, cert, https] = ip_checks(ip, name, opts);
    let stream = match tcp_connect(ip, opts).await {
        Ok((s, evidence)) => {
            tcp.finish(CheckState::Pass, evidence, None);
            s
        }
        Err((evidence, fix)) => {
            tcp.finish(CheckState::Fail, evidence, fix);
            return stopped(vec![tcp], "TCP", vec![tls, cert, https]);
        }
    };
    let (stream, seen) = match handshake(stream, name, opts).await {
        Ok((s, seen, evidence)) => {
            tls.finish(CheckState::Pass, evidence, None);
            (s, seen)
        }
        Err((evidence, fix)) => {
            tls.finish(CheckState::Fail, evidence, fix);
            return stopped(vec![tcp, tls], "TLS", vec![cert, https]);
        }
    };

    // Certificate
    let cert = match &seen {
        Some(seen) => cert_check(cert, name, seen, &opts.roots, opts.min_cert_days),
        None => {
            let mut c = cert;
            c.finish(
                CheckState::Fail,
                "the server presented no certificate".into(),
                None,
            );
            c
        }
    };

    // HTTPS on the same connection
    let https = http_get(https, stream, name, opts).await;
    vec![tcp, tls, cert, https]
}

async fn http_get(
    mut c: Check,
    stream: TlsStream<TcpStream>,
    name: &str,
    opts: &NetOptions,
) -> Check {
    let work = async {
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| e.to_string())?;
        let driver = tokio::spawn(conn);
        let host = if opts.port == 443 {
            name.to_string()
        } else {
            format!("{name}:{}", opts.port)
        };
        let req = hyper::Request::get(opts.path.as_str())
            .header(hyper::header::HOST, host)
            .header(
                hyper::header::USER_AGENT,
                concat!("fixedip-tui/", env!("CARGO_PKG_VERSION"), " verify"),
            )
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .map_err(|e| format!("bad request for path {}: {e}", opts.path))?;
        let started = std::time::Instant::now();
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = http_body_util::Limited::new(resp.into_body(), 64 * 1024)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        driver.abort();
        Ok::<_, String>((status, body, started.elapsed()))
    };
    match tokio::time::timeout(opts.timeout, work).await {
        Err(_) => c.finish(
            CheckState::Fail,
            format!("no answer within {}s", opts.timeout.as_secs()),
            Some("the TLS session opened but the request got no answer: check the target group's health and the endpoint's security group".into()),
        ),
        Ok(Err(e)) => c.finish(
            CheckState::Fail,
            format!("the request failed: {e}"),
            Some("check the target group's health and the endpoint's security group".into()),
        ),
        Ok(Ok((status, body, took))) => {
            let text: String = String::from_utf8_lossy(&body)
                .chars()
                .filter(|c| !c.is_control())
                .take(160)
                .collect();
            let evidence = format!(
                "{} in {} ms{}",
                status,
                took.as_millis(),
                if text.is_empty() {
                    String::new()
                } else {
                    format!(": {text}")
                }
            );
            if status.is_success() {
                c.finish(CheckState::Pass, evidence, None);
            } else {
                let fix = match status.as_u16() {
                    403 => "API Gateway refused the call: the API's resource policy must allow the VPC (aws:sourceVpc) and the API must be bound to the endpoint (see the API check); a missing route also answers 403 on a private API — check --check-path".to_string(),
                    404 => "no route for this path: check the base path mapping and --check-path".to_string(),
                    s if s >= 500 => "the API answered with a server error: its integration failed (check the API's stage logs)".to_string(),
                    _ => "pass --check-path with a GET that answers 200".to_string(),
                };
                c.finish(CheckState::Fail, evidence, Some(fix));
            }
        }
    }
    c
}

/// Checks of every IP, concurrently, in the IPs' order.
pub async fn probe_all(ips: &BTreeSet<IpAddr>, name: &str, opts: &NetOptions) -> Vec<Check> {
    futures::future::join_all(ips.iter().map(|ip| probe_ip(*ip, name, opts)))
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(951_782_400), "2000-02-29");
        assert_eq!(ymd(1_795_651_200), "2026-11-26");
    }
}
