//! A moto server of our own on a free loopback port, and the seed script that fills it through
//! the AWS API (an independent observer: it writes down what it created).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tool(env_name: &str, venv_rel: &str) -> PathBuf {
    let p = std::env::var_os(env_name)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(venv_rel));
    assert!(
        p.exists(),
        "{} not found: run ./scripts/test.sh (it installs moto in ./.venv), or set {env_name}",
        p.display()
    );
    p
}

pub fn python() -> PathBuf {
    tool("FIXEDIP_PYTHON", ".venv/bin/python")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn http_get_ok(port: u16, path: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

impl Moto {
    pub fn start() -> Moto {
        let bin = tool("FIXEDIP_MOTO_SERVER", ".venv/bin/moto_server");
        let dir = tempfile::tempdir().expect("temp dir");
        for _ in 0..3 {
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("moto.log")).expect("moto log");
            let mut child = Command::new(&bin)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_ACM_VALIDATION_WAIT", "1")
                .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("moto_server starts");
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if http_get_ok(port, "/moto-api/") {
                    return Moto {
                        child,
                        url: format!("http://127.0.0.1:{port}"),
                        _dir: dir,
                    };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break; // port taken in the meantime: try another
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto_server did not become ready");
    }

    /// Run tests/fixtures/seed_moto.py with `args`; returns its manifest.
    pub fn seed(&self, args: &[&str]) -> serde_json::Value {
        let out = self._dir.path().join("manifest.json");
        let status = Command::new(python())
            .arg(repo().join("tests/fixtures/seed_moto.py"))
            .args(["--endpoint", &self.url, "--out"])
            .arg(&out)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .status()
            .expect("seed script runs");
        assert!(status.success(), "seed script failed: {status}");
        let text = std::fs::read_to_string(&out).expect("manifest written");
        serde_json::from_str(&text).expect("manifest is JSON")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// moto_server patched where moto 5.2.5 is not AWS (only this process's `Moto::start` sees it):
/// - `get_base_path_mappings` answers `[]` for a domain without mappings, as AWS does, and
///   `get_`/`delete_`/`update_base_path_mapping` answer `NotFoundException` (moto raises
///   `KeyError` → HTTP 500 for a domain that never had a mapping);
/// - creates AWS makes idempotent are idempotent (a resend after a lost answer — see
///   scripts/delay_proxy.py --lose-first-writes — must find what the first send made, as on AWS):
///   * ELBv2 CreateLoadBalancer, CreateListener and CreateTargetGroup: "This operation is
///     idempotent, which means that it completes at most one time. If you attempt to create
///     multiple load balancers [listeners, target groups] with the same settings, each call
///     succeeds." — the same name (the same port on the same load balancer) with other settings
///     is `DuplicateLoadBalancerName` (`DuplicateListener`, `DuplicateTargetGroupName`).
///     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
///     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html
///     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
///     moto makes a second load balancer and listener of the same name/port (its duplicate checks
///     compare a fresh random ARN and a listener ARN against the port), and refuses a second
///     target group of the name whatever its settings;
///   * EC2 CreateVpcEndpoint `ClientToken`: a token already used with the same parameters returns
///     the endpoint made with it; with other parameters, or once that endpoint is deleted,
///     `IdempotentParameterMismatch` (as the simulated account, src/cloud/sim_write.rs).
///     https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html
///     moto ignores the token;
///   * Route 53 CreateHostedZone `CallerReference` "allows failed CreateHostedZone requests to be
///     retried without the risk of executing the operation twice": a reference used before (even
///     by a zone deleted since) is `HostedZoneAlreadyExists` (HTTP 409).
///     https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html
///     moto ignores the reference and makes a second zone.
///   * the other creates (security groups, Elastic IPs, REST APIs, deployments, ...) are not
///     idempotent on AWS either and stay as moto has them;
/// - API Gateway refuses what exists (`ConflictException`, as the simulated account does):
///   CreateDomainName of a name that exists (moto replaces the domain, with a new regional
///   name), CreateResource of a path part its parent already has (moto adds a second `/ping`),
///   PutMethod of a method the resource has (moto replaces it).
pub fn patched_moto(dir: &std::path::Path) -> Moto {
    let script = dir.join("moto_server_patched");
    let text = format!(
        r#"#!{python}
import sys
import moto.apigateway.models as m

_orig = m.APIGatewayBackend.get_base_path_mappings


def get_base_path_mappings(self, domain_name):
    if domain_name in self.domain_names:
        self.base_path_mappings.setdefault(domain_name, {{}})
    return _orig(self, domain_name)


m.APIGatewayBackend.get_base_path_mappings = get_base_path_mappings


def no_key_error(orig):
    def patched(self, domain_name, base_path, *rest):
        if domain_name in self.domain_names:
            self.base_path_mappings.setdefault(domain_name, {{}})
        return orig(self, domain_name, base_path, *rest)

    return patched


for name in ("get_base_path_mapping", "delete_base_path_mapping", "update_base_path_mapping"):
    setattr(m.APIGatewayBackend, name, no_key_error(getattr(m.APIGatewayBackend, name)))

# API Gateway creates that AWS refuses a second time (moto overwrites or duplicates silently).
from moto.apigateway.exceptions import ConflictException

_create_domain_name = m.APIGatewayBackend.create_domain_name


def create_domain_name(self, domain_name, *rest, **kw):
    if domain_name in self.domain_names:
        raise ConflictException("The domain name you provided already exists.")
    return _create_domain_name(self, domain_name, *rest, **kw)


m.APIGatewayBackend.create_domain_name = create_domain_name

_create_resource = m.APIGatewayBackend.create_resource


def create_resource(self, function_id, parent_resource_id, path_part):
    api = self.get_rest_api(function_id)
    if path_part and any(r.parent_id == parent_resource_id and r.path_part == path_part
                         for r in api.resources.values()):
        raise ConflictException(
            f"Another resource with the same parent already has this name: {{path_part}}")
    return _create_resource(self, function_id, parent_resource_id, path_part)


m.APIGatewayBackend.create_resource = create_resource

_put_method = m.APIGatewayBackend.put_method


def put_method(self, function_id, resource_id, method_type, *rest, **kw):
    if method_type in self.get_resource(function_id, resource_id).resource_methods:
        raise ConflictException("Method already exists for this resource")
    return _put_method(self, function_id, resource_id, method_type, *rest, **kw)


m.APIGatewayBackend.put_method = put_method

# Idempotent creates, as AWS documents them (see patched_moto's comment).
import json
import moto.ec2.models.vpcs as ec2_vpcs
import moto.elbv2.models as elbv2
import moto.route53.models as r53
from moto.ec2.exceptions import EC2ClientError
from moto.elbv2.exceptions import (
    DuplicateListenerError,
    DuplicateLoadBalancerName,
    DuplicateTargetGroupName,
)
from moto.route53.exceptions import Route53ClientError


def settings(*parts):
    return json.dumps(parts, sort_keys=True, default=str)


_create_load_balancer = elbv2.ELBv2Backend.create_load_balancer


def create_load_balancer(self, name, security_groups, subnet_ids, subnet_mappings=None,
                         scheme="internet-facing", loadbalancer_type=None,
                         ip_address_type="ipv4", tags=None):
    same = settings(
        sorted(security_groups or []), sorted(subnet_ids or []),
        sorted(settings(x) for x in subnet_mappings or []), scheme,
        loadbalancer_type or "application", ip_address_type,
    )
    for lb in self.load_balancers.values():
        if lb.name == name:
            if getattr(lb, "fixedip_settings", None) == same:
                return lb
            raise DuplicateLoadBalancerName()
    lb = _create_load_balancer(self, name, security_groups, subnet_ids, subnet_mappings, scheme,
                               loadbalancer_type, ip_address_type, tags)
    lb.fixedip_settings = same
    return lb


elbv2.ELBv2Backend.create_load_balancer = create_load_balancer

_create_listener = elbv2.ELBv2Backend.create_listener


def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                    alpn_policy=None, tags=None):
    # Before moto's FakeAction fills in defaults in `actions`.
    same = settings((protocol or "").upper(), str(port), ssl_policy, certificate, actions,
                    alpn_policy or [])
    balancer = self.load_balancers.get(load_balancer_arn)
    for listener in (balancer.listeners.values() if balancer else []):
        if str(listener.port) == str(port):
            if getattr(listener, "fixedip_settings", None) == same:
                return listener
            raise DuplicateListenerError()
    listener = _create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate,
                                actions, alpn_policy, tags)
    listener.fixedip_settings = same
    return listener


elbv2.ELBv2Backend.create_listener = create_listener

_create_target_group = elbv2.ELBv2Backend.create_target_group


def create_target_group(self, name, **kwargs):
    same = settings({{k: v for k, v in kwargs.items() if k != "tags"}})
    for tg in self.target_groups.values():
        if tg.name == name:
            if getattr(tg, "fixedip_settings", None) == same:
                return tg
            raise DuplicateTargetGroupName()
    tg = _create_target_group(self, name, **kwargs)
    tg.fixedip_settings = same
    return tg


elbv2.ELBv2Backend.create_target_group = create_target_group

_create_vpc_endpoint = ec2_vpcs.VPCBackend.create_vpc_endpoint


def create_vpc_endpoint(self, vpc_id, service_name, endpoint_type, policy_document,
                        route_table_ids, subnet_ids=None, network_interface_ids=None,
                        dns_entries=None, client_token=None, security_group_ids=None, tags=None,
                        private_dns_enabled=None):
    same = settings(vpc_id, service_name, endpoint_type, policy_document,
                    sorted(route_table_ids or []), sorted(subnet_ids or []),
                    sorted(security_group_ids or []), private_dns_enabled)
    tokens = self.__dict__.setdefault("fixedip_client_tokens", {{}})
    if client_token and client_token in tokens:
        known, endpoint_id = tokens[client_token]
        endpoint = self.vpc_end_points.get(endpoint_id)
        if endpoint is None or str(endpoint.state).lower() == "deleted":
            raise EC2ClientError(
                "IdempotentParameterMismatch",
                "The client token you have provided is associated with a resource that is "
                "already deleted. Please use a different client token.")
        if known != same:
            raise EC2ClientError(
                "IdempotentParameterMismatch",
                "The client token you have provided is associated with a resource that has "
                "different parameters. Please use a different client token.")
        return endpoint
    endpoint = _create_vpc_endpoint(self, vpc_id, service_name, endpoint_type, policy_document,
                                    route_table_ids, subnet_ids, network_interface_ids,
                                    dns_entries, client_token, security_group_ids, tags,
                                    private_dns_enabled)
    if client_token:
        tokens[client_token] = (same, endpoint.id)
    return endpoint


ec2_vpcs.VPCBackend.create_vpc_endpoint = create_vpc_endpoint

_create_hosted_zone = r53.Route53Backend.create_hosted_zone


def create_hosted_zone(self, name, private_zone, caller_reference=None, vpcid=None,
                       vpcregion=None, comment=None, delegation_set_id=None):
    used = self.__dict__.setdefault("fixedip_caller_references", set())
    if caller_reference and caller_reference in used:
        raise Route53ClientError(
            "HostedZoneAlreadyExists",
            f"A hosted zone has already been created with the specified caller reference "
            f"'{{caller_reference}}'.")
    zone = _create_hosted_zone(self, name, private_zone, caller_reference, vpcid, vpcregion,
                               comment, delegation_set_id)
    if caller_reference:
        used.add(caller_reference)
    return zone


r53.Route53Backend.create_hosted_zone = create_hosted_zone
from moto.server import main

sys.exit(main())
"#,
        python = python().display()
    );
    std::fs::write(&script, text).expect("launcher written");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::env::set_var("FIXEDIP_MOTO_SERVER", &script);
    Moto::start()
}

/// Helpers to read the seed script's manifest.
pub fn s(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

pub fn arr(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v.as_array().expect("an array")
}

/// The id of the manifest entry of `kind` whose `key` is `value`.
pub fn id_of(m: &serde_json::Value, kind: &str, key: &str, value: &str) -> String {
    arr(&m[kind])
        .iter()
        .find(|x| x[key].as_str() == Some(value))
        .map(|x| s(&x["id"]))
        .unwrap_or_else(|| panic!("{kind} with {key}={value} in the manifest"))
}

/// The ARN of the manifest's certificate for `domain`.
pub fn cert_arn(m: &serde_json::Value, domain: &str) -> String {
    arr(&m["certificates"])
        .iter()
        .find(|c| c["domain"].as_str() == Some(domain))
        .map(|c| s(&c["arn"]))
        .unwrap_or_else(|| panic!("the {domain} certificate in the manifest"))
}

/// The id of the manifest's execute-api endpoint in `vpc_id`.
pub fn endpoint_in(m: &serde_json::Value, vpc_id: &str) -> String {
    arr(&m["endpoints"])
        .iter()
        .find(|e| e["vpc_id"].as_str() == Some(vpc_id))
        .map(|e| s(&e["id"]))
        .unwrap_or_else(|| panic!("an execute-api endpoint in {vpc_id} in the manifest"))
}

/// The recording proxy (scripts/delay_proxy.py --record) in front of a moto server: tests assert
/// the exact requests the binary sends where moto ignores a setting.
pub struct RecordingProxy {
    child: Child,
    pub url: String,
    pub record: PathBuf,
}

impl RecordingProxy {
    pub fn start(upstream: &str, dir: &std::path::Path) -> RecordingProxy {
        RecordingProxy::start_with(upstream, dir, &[])
    }

    /// The proxy with `--lose-first-writes`: the answer to the first request of each kind of
    /// write is dropped after moto acted on it (the client sees the connection close).
    /// `only`: a regex narrowing the kinds lost (`--lose-only`).
    pub fn start_losing_first_writes(
        upstream: &str,
        dir: &std::path::Path,
        only: Option<&str>,
    ) -> RecordingProxy {
        let mut extra = vec!["--lose-first-writes"];
        if let Some(only) = only {
            extra.extend(["--lose-only", only]);
        }
        RecordingProxy::start_with(upstream, dir, &extra)
    }

    fn start_with(upstream: &str, dir: &std::path::Path, extra: &[&str]) -> RecordingProxy {
        let record = dir.join("requests.jsonl");
        let port_file = dir.join("proxy.port");
        let upstream = upstream.trim_start_matches("http://").to_string();
        let child = Command::new(python())
            .arg(repo().join("scripts/delay_proxy.py"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--upstream",
                &upstream,
                "--delay-ms",
                "0",
            ])
            .arg("--record")
            .arg(&record)
            .arg("--port-file")
            .arg(&port_file)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the proxy starts");
        let start = Instant::now();
        let port = loop {
            if let Ok(p) = std::fs::read_to_string(&port_file) {
                if let Ok(p) = p.trim().parse::<u16>() {
                    break p;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the proxy did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        RecordingProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            record,
        }
    }

    /// Every request so far: (target, decoded form fields or the raw body).
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The recorded requests whose answer the proxy dropped (`--lose-first-writes`).
    pub fn dropped(&self) -> Vec<serde_json::Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["dropped"] == true)
            .collect()
    }

    /// Forget the write kinds lost so far: the next first write of each kind is lost again.
    pub fn reset_lost(&self) {
        let port = self
            .url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse::<u16>().ok());
        let mut s = TcpStream::connect(("127.0.0.1", port.expect("the proxy's port")))
            .expect("the proxy answers");
        s.write_all(
            b"POST /__proxy_lose/reset HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        )
        .expect("reset sent");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "reset: {answer}");
    }

    /// The form fields of every query-protocol request (EC2, ELBv2) with `Action=action`.
    pub fn calls(&self, action: &str) -> Vec<std::collections::BTreeMap<String, String>> {
        self.requests()
            .iter()
            .map(|r| form(r["body"].as_str().unwrap_or_default()))
            .filter(|f| f.get("Action").map(String::as_str) == Some(action))
            .collect()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `application/x-www-form-urlencoded` into a map.
pub fn form(body: &str) -> std::collections::BTreeMap<String, String> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Run a boto3 snippet against `url` (variables `ec2`, `elbv2` ready); it prints JSON on stdout.
pub fn boto(url: &str, code: &str) -> serde_json::Value {
    let script = format!(
        "import boto3, json\nkw = dict(endpoint_url={url:?}, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')\nec2 = boto3.client('ec2', **kw)\nelbv2 = boto3.client('elbv2', **kw)\n{code}\n"
    );
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "boto3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// The real binary against `url` (moto, or a proxy in front of it), run from `home`.
pub fn bin_at(url: &str, home: &std::path::Path) -> Command {
    let mut cmd = super::bin_without_credentials(home);
    cmd.arg("--endpoint-url").arg(url).current_dir(home);
    cmd
}

/// `bin_at(url, home)` with `args`, run to its end.
pub fn run_bin(url: &str, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    bin_at(url, home).args(args).output().expect("binary runs")
}

/// The run ended with exit code 0 (both streams shown otherwise).
pub fn ok(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
