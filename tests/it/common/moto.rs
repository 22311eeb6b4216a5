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
    // The patches live in one file, shared with scripts/bench_apply.py.
    let text = format!(
        "#!{python}\n{patches}",
        python = python().display(),
        patches = include_str!("../../fixtures/moto_patched.py")
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

/// Run `lines` (`aws …` command lines) through the real AWS CLI (tests/fixtures/cli_lines.py:
/// awscli from the venv, against a loopback recorder) and compare each request it sends with
/// the SDK's requests in `sdk_record` (a RecordingProxy's record). Returns the report.
pub fn aws_cli_check(lines: &[String], sdk_record: &std::path::Path) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let (lines_file, out) = (
        dir.path().join("lines.json"),
        dir.path().join("report.json"),
    );
    std::fs::write(&lines_file, serde_json::to_vec(lines).expect("JSON")).expect("lines written");
    let status = Command::new(python())
        .arg(repo().join("tests/fixtures/cli_lines.py"))
        .arg("--lines")
        .arg(&lines_file)
        .arg("--sdk")
        .arg(sdk_record)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("cli_lines.py runs");
    assert!(status.success(), "cli_lines.py failed: {status}");
    serde_json::from_slice(&std::fs::read(&out).expect("report written")).expect("report JSON")
}
