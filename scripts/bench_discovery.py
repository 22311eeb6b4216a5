#!/usr/bin/env python3
"""Benchmark `fixedip-tui discover` against moto, next to a sequential boto3 baseline.

  bench_discovery.py [--bin PATH] [--delay-ms 40] [--runs 3] [--scale large|small]
                     [--skip-seed-large] [--extra-public-zones N] [--tool-arg ARG ...]

Starts its own moto_server on a free port, seeds it with tests/fixtures/seed_moto.py
(--scale large by default: ~200 VPCs, 2000 subnets, 500 certs, 200 zones, 300 APIs),
then measures, in the same run:
  (a) `BIN --endpoint-url URL discover --json > /dev/null` wall time;
  (b) a SEQUENTIAL boto3 baseline issuing the same calls the tool issues;
first directly against moto, then through scripts/delay_proxy.py (--delay-ms, default
40 ms per request) whose counters give the number of requests each side made.
Every measurement is repeated --runs times (default 3); the median is printed.
Prints figures only; asserts nothing about time. If the binary is missing or fails,
the tool columns say so and the boto3 half still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed_moto.py"
PROXY = ROOT / "scripts" / "delay_proxy.py"
ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096",
                 "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} not ready after {timeout}s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def proxy_stats(proxy_url: str) -> dict:
    with urllib.request.urlopen(proxy_url + "/__proxy_stats", timeout=10) as r:
        return json.loads(r.read())


# --------------------------------------------------------------------------- boto3 baseline
def boto3_sequential(url: str, region: str) -> int:
    """The tool's calls, one after another. Returns the number of HTTP sends."""
    sent = [0]

    def count(**_):
        sent[0] += 1

    sess = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 aws_session_token="testing", region_name=region)
    cfg = Config(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=300)
    clients = {}
    for svc in ("sts", "ec2", "acm", "route53", "apigateway"):
        c = sess.client(svc, endpoint_url=url, config=cfg)
        c.meta.events.register("before-send", count)
        clients[svc] = c
    sts, ec2, acm, r53, apigw = (clients[s] for s in ("sts", "ec2", "acm", "route53", "apigateway"))

    sts.get_caller_identity()
    vpcs = [v for p in ec2.get_paginator("describe_vpcs").paginate() for v in p["Vpcs"]]
    for v in vpcs:
        ec2.describe_vpc_attribute(VpcId=v["VpcId"], Attribute="enableDnsSupport")
        ec2.describe_vpc_attribute(VpcId=v["VpcId"], Attribute="enableDnsHostnames")
    for _ in ec2.get_paginator("describe_subnets").paginate():
        pass
    for _ in ec2.get_paginator("describe_route_tables").paginate():
        pass
    for _ in ec2.get_paginator("describe_vpc_endpoints").paginate(
            Filters=[{"Name": "service-name", "Values": [f"com.amazonaws.{region}.execute-api"]}]):
        pass
    arns = [c["CertificateArn"]
            for p in acm.get_paginator("list_certificates").paginate(Includes={"keyTypes": ALL_KEY_TYPES})
            for c in p["CertificateSummaryList"]]
    for a in arns:
        acm.describe_certificate(CertificateArn=a)
    zones = [z for p in r53.get_paginator("list_hosted_zones").paginate() for z in p["HostedZones"]]
    for z in zones:
        if z.get("Config", {}).get("PrivateZone"):
            r53.get_hosted_zone(Id=z["Id"])
    for _ in apigw.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 500}):
        pass
    return sent[0]


# --------------------------------------------------------------------------- tool
def resolve_bin(arg: str | None) -> Path | None:
    if arg:
        p = Path(arg)
        return p if p.is_file() and os.access(p, os.X_OK) else None
    for p in (ROOT / "target" / "release" / "fixedip-tui", ROOT / "target" / "debug" / "fixedip-tui"):
        if p.is_file() and os.access(p, os.X_OK):
            return p
    return None


def run_tool(binary: Path, url: str, region: str, extra: list[str], home: str):
    env = dict(os.environ)
    env.update(DUMMY_ENV)
    env.update({
        "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
    })
    env.pop("AWS_PROFILE", None)
    cmd = [str(binary), "--endpoint-url", url, *extra, "discover", "--json"]
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=900)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        tail = p.stderr.decode(errors="replace").strip().splitlines()[-5:]
        return None, f"rc={p.returncode}: " + " | ".join(tail)
    return dt, None


# --------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="fixedip-tui binary (default target/release, else target/debug)")
    ap.add_argument("--delay-ms", type=float, default=40.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", choices=["small", "large"], default="large")
    ap.add_argument("--skip-seed-large", action="store_true", help="same as --scale small (quick check)")
    ap.add_argument("--extra-public-zones", type=int, default=0)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--tool-arg", action="append", default=[], help="extra global arg for the tool (repeatable)")
    ap.add_argument("--moto-server", default=str(Path(sys.executable).parent / "moto_server"))
    ap.add_argument("--skip-tool", action="store_true", help="only run the boto3 half")
    ap.add_argument("--skip-boto3", action="store_true", help="only run the tool half")
    args = ap.parse_args()
    scale = "small" if args.skip_seed_large else args.scale

    work = tempfile.mkdtemp(prefix="bench-discovery-")
    home = os.path.join(work, "aws")
    os.makedirs(home)
    for f in ("config", "credentials"):
        Path(home, f).write_text("")
    moto = proxy = None
    try:
        port = free_port()
        moto_url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, MOTO_ACM_VALIDATION_WAIT="1", MOTO_EC2_LOAD_DEFAULT_AMIS="false", **DUMMY_ENV)
        moto = subprocess.Popen([args.moto_server, "-H", "127.0.0.1", "-p", str(port)], env=env,
                                stdout=open(os.path.join(work, "moto.log"), "wb"), stderr=subprocess.STDOUT)
        wait_http(moto_url + "/moto-api/", 60, moto)
        log(f"moto on {moto_url} (pid {moto.pid}), logs in {work}")

        manifest = os.path.join(work, "manifest.json")
        seed_cmd = [sys.executable, str(SEED), "--endpoint", moto_url, "--region", args.region,
                    "--out", manifest, "--scale", scale]
        if args.extra_public_zones:
            seed_cmd += ["--extra-public-zones", str(args.extra_public_zones)]
        t = time.time()
        subprocess.run(seed_cmd, check=True, env=env)
        m = json.loads(Path(manifest).read_text())
        counts = {k: len(m[k]) for k in ("vpcs", "subnets", "certificates", "zones", "apis", "endpoints")}
        print(f"seeded scale={scale} in {time.time() - t:.1f}s (seed_seconds={m['seed_seconds']}): {counts}")

        pport = free_port()
        proxy_url = f"http://127.0.0.1:{pport}"
        proxy = subprocess.Popen([sys.executable, str(PROXY), "--listen", f"127.0.0.1:{pport}",
                                  "--upstream", f"127.0.0.1:{port}", "--delay-ms", str(args.delay_ms)],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "proxy.log"), "wb"))
        wait_http(proxy_url + "/__proxy_stats", 30, proxy)

        binary = None if args.skip_tool else resolve_bin(args.bin)
        tool_note = None
        if args.skip_tool:
            tool_note = "skipped"
        elif binary is None:
            tool_note = f"unavailable (no binary at {args.bin or 'target/{release,debug}/fixedip-tui'})"
            log(f"tool {tool_note}")
        else:
            log(f"tool binary: {binary}")

        scenarios = [("direct", moto_url, False), (f"proxy {args.delay_ms:g}ms", proxy_url, True)]
        rows = []
        for label, url, counted in scenarios:
            tool_t, tool_req, seq_t, seq_req, seq_self = [], [], [], [], []
            note = tool_note
            for i in range(args.runs):
                if binary and note is None:
                    before = proxy_stats(proxy_url)["requests"] if counted else 0
                    dt, err = run_tool(binary, url, args.region, args.tool_arg, home)
                    if err:
                        note = f"failed ({err})"
                        log(f"tool {label}: {note}")
                    else:
                        tool_t.append(dt)
                        if counted:
                            tool_req.append(proxy_stats(proxy_url)["requests"] - before)
                        log(f"tool {label} run {i + 1}: {dt:.3f}s")
                if not args.skip_boto3:
                    before = proxy_stats(proxy_url)["requests"] if counted else 0
                    t = time.perf_counter()
                    n = boto3_sequential(url, args.region)
                    dt = time.perf_counter() - t
                    seq_t.append(dt)
                    seq_self.append(n)
                    if counted:
                        seq_req.append(proxy_stats(proxy_url)["requests"] - before)
                    log(f"boto3 {label} run {i + 1}: {dt:.3f}s ({n} requests)")
            rows.append(dict(label=label, tool=tool_t, tool_req=tool_req, seq=seq_t, seq_req=seq_req,
                             seq_self=seq_self, note=note))

        med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
        fmt = lambda x, f="{:.3f}": (f.format(x) if x is not None else "-")  # noqa: E731
        print()
        print(f"runs={args.runs} (median), scale={scale}, delay={args.delay_ms:g} ms, "
              f"moto {moto_url}, proxy {proxy_url}")
        hdr = f"{'scenario':<14} {'tool s':>9} {'boto3-seq s':>12} {'seq/tool':>9} {'reqs tool':>10} {'reqs boto3':>11}"
        print(hdr)
        print("-" * len(hdr))
        for r in rows:
            t, s = med(r["tool"]), med(r["seq"])
            ratio = (s / t) if (t and s) else None
            tr = med(r["tool_req"])
            sr = med(r["seq_req"]) if r["seq_req"] else None
            print(f"{r['label']:<14} {fmt(t):>9} {fmt(s):>12} {fmt(ratio, '{:.1f}x'):>9} "
                  f"{fmt(tr, '{:.0f}'):>10} {fmt(sr, '{:.0f}'):>11}")
        for r in rows:
            if r["note"]:
                print(f"note: tool {r['label']}: {r['note']}")
        if rows and rows[0]["seq_self"]:
            print(f"boto3 baseline sends {rows[0]['seq_self'][0]} requests per run (own count, direct)")
        print(f"proxy totals: {proxy_stats(proxy_url)}")
    finally:
        stop(proxy)
        stop(moto)
        if os.environ.get("BENCH_KEEP"):
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
