#!/usr/bin/env python3
"""Benchmark `fixedip-tui apply --plan --yes` against moto, next to a sequential boto3 apply.

  bench_apply.py [--bin PATH] [--delay-ms 50] [--runs 3]

Starts moto (with the tests' patches, tests/fixtures/moto_patched.py) behind
scripts/delay_proxy.py (--delay-ms per request, default 50 ms), seeds it with
tests/fixtures/seed_moto.py (small scale), and for each run, on a fresh seed:
  (a) `BIN plan … --out plan.toml` (not timed), then `BIN apply --plan plan.toml --yes` (timed);
  (b) a SEQUENTIAL boto3 apply of the same resources in the post's order, one call at a time,
      waiting where AWS makes one wait (endpoint available, NLB active, record change INSYNC),
      and correct the way a script run twice must be: each create preceded by the lookup that
      makes a second run find what the first made instead of making it again (`--bare` leaves
      the lookups out: the fewest calls that make the resources once).
Both go through the proxy, whose counter gives the requests each side sent. Prints the
medians and the ratio tool/boto3 measured in this run; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_discovery import (  # noqa: E402
    DUMMY_ENV, ROOT, SEED, PROXY, free_port, log, proxy_stats, stop, wait_http,
)

PATCHED = ROOT / "tests" / "fixtures" / "moto_patched.py"
NAME = "fixed.example.com"
REGION = "us-east-1"


def resolve_bin(given: str | None) -> str:
    for p in ([given] if given else [ROOT / "target/release/fixedip-tui", ROOT / "target/debug/fixedip-tui"]):
        if p and Path(p).exists():
            return str(p)
    raise SystemExit("no fixedip-tui binary: cargo build --release (or pass --bin)")


def reset_and_seed(moto_url: str, work: str, env: dict) -> dict:
    manifest = os.path.join(work, "manifest.json")
    subprocess.run([sys.executable, str(SEED), "--endpoint", moto_url, "--region", REGION,
                    "--out", manifest, "--scale", "small", "--reset"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    m = json.loads(Path(manifest).read_text())
    # prod's own execute-api endpoint goes, so both sides create one (as the tool's moto test).
    ec2 = client("ec2", moto_url)
    prod = by_name(m, "vpcs", "prod")
    eps = [e["id"] for e in m["endpoints"] if e["vpc_id"] == prod]
    if eps:
        ec2.delete_vpc_endpoints(VpcEndpointIds=eps)
    return m


def by_name(m: dict, kind: str, name: str) -> str:
    return next(x["id"] for x in m[kind] if x.get("name") == name)


def cert_arn(m: dict, domain: str) -> str:
    return next(c["arn"] for c in m["certificates"] if c["domain"] == domain)


def client(service: str, url: str):
    return boto3.client(service, endpoint_url=url, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}))


def subnets(m: dict) -> tuple[list[str], list[str]]:
    priv = [by_name(m, "subnets", n) for n in ("prod-private-a", "prod-private-b")]
    pub = [by_name(m, "subnets", n) for n in ("prod-public-a", "prod-public-b")]
    return priv, pub


def tool_apply(binary: str, url: str, m: dict, work: str, env: dict) -> tuple[float, str | None]:
    priv, pub = subnets(m)
    home = tempfile.mkdtemp(dir=work)
    run_env = dict(env, HOME=home, XDG_STATE_HOME=os.path.join(home, "state"))
    base = [binary, "--endpoint-url", url, "--region", REGION]
    plan = [*base, "plan", "--out", os.path.join(home, "plan.toml"), "--vpc", by_name(m, "vpcs", "prod"),
            "--endpoint-subnets", ",".join(priv), "--nlb-subnets", ",".join(pub), "--name", NAME,
            "--certificate", cert_arn(m, "api.example.com"), "--create-api", "--create-private-zone",
            "--allow-cidr", "203.0.113.0/24"]
    out = subprocess.run(plan, env=run_env, capture_output=True, text=True)
    if out.returncode != 0:
        return 0.0, f"plan: {out.stderr.strip()[-300:]}"
    t = time.perf_counter()
    out = subprocess.run([*base, "apply", "--plan", os.path.join(home, "plan.toml"), "--yes", "--json"],
                         env=run_env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if out.returncode != 0:
        return dt, f"apply: {out.stderr.strip()[-300:]}"
    return dt, None


def boto3_apply(url: str, m: dict, bare: bool) -> int:
    """The same resources, one call at a time; answers how many calls it made."""
    calls = 0

    def call(fn, **kw):
        nonlocal calls
        calls += 1
        return fn(**kw)

    def look(fn, **kw):
        """A lookup before a create (what makes a second run find the resource)."""
        if bare:
            return None
        try:
            return call(fn, **kw)
        except Exception:  # not found is an answer too
            return None

    ec2, apigw, elbv2, r53 = (client(s, url) for s in ("ec2", "apigateway", "elbv2", "route53"))
    prod = by_name(m, "vpcs", "prod")
    priv, pub = subnets(m)
    cert = cert_arn(m, "api.example.com")
    tag = [{"Key": "fixedip:plan-id", "Value": "bench"}]
    # 1. Security groups.
    look(ec2.describe_security_groups, Filters=[{"Name": "group-name", "Values": ["bench-endpoint"]},
                                                 {"Name": "vpc-id", "Values": [prod]}])
    ep_sg = call(ec2.create_security_group, GroupName="bench-endpoint", Description="endpoint",
                 VpcId=prod)["GroupId"]
    cidrs = [s["cidr"] for s in m["subnets"] if s["id"] in pub]
    call(ec2.authorize_security_group_ingress, GroupId=ep_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": c} for c in cidrs]}])
    look(ec2.describe_security_groups, Filters=[{"Name": "group-name", "Values": ["bench-nlb"]},
                                                 {"Name": "vpc-id", "Values": [prod]}])
    nlb_sg = call(ec2.create_security_group, GroupName="bench-nlb", Description="nlb", VpcId=prod)["GroupId"]
    call(ec2.authorize_security_group_ingress, GroupId=nlb_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}])
    # 2. The endpoint, until available; its ENI IPs.
    look(ec2.describe_vpc_endpoints, Filters=[{"Name": "tag:fixedip:plan-id", "Values": ["bench"]}])
    ep = call(ec2.create_vpc_endpoint, VpcEndpointType="Interface", VpcId=prod,
              ServiceName=f"com.amazonaws.{REGION}.execute-api", SubnetIds=priv, SecurityGroupIds=[ep_sg],
              PrivateDnsEnabled=True, TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": tag}])["VpcEndpoint"]
    while True:
        got = call(ec2.describe_vpc_endpoints, VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]
        if got["State"].lower() == "available":
            break
        time.sleep(1)
    enis = call(ec2.describe_network_interfaces, NetworkInterfaceIds=got["NetworkInterfaceIds"])
    ips = [n["PrivateIpAddress"] for n in enis["NetworkInterfaces"]]
    # 3. The private API, /ping, a deployment.
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                         "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]})
    look(apigw.get_rest_apis, limit=500)
    api = call(apigw.create_rest_api, name="bench-ping", policy=policy, tags={"fixedip:plan-id": "bench"},
               endpointConfiguration={"types": ["PRIVATE"], "vpcEndpointIds": [ep["VpcEndpointId"]]})["id"]
    root = next(r["id"] for r in call(apigw.get_resources, restApiId=api)["items"] if r["path"] == "/")
    res = call(apigw.create_resource, restApiId=api, parentId=root, pathPart="ping")["id"]
    call(apigw.put_method, restApiId=api, resourceId=res, httpMethod="GET", authorizationType="NONE")
    call(apigw.put_integration, restApiId=api, resourceId=res, httpMethod="GET", type="MOCK",
         requestTemplates={"application/json": '{"statusCode": 200}'})
    call(apigw.put_method_response, restApiId=api, resourceId=res, httpMethod="GET", statusCode="200")
    call(apigw.put_integration_response, restApiId=api, resourceId=res, httpMethod="GET", statusCode="200")
    call(apigw.create_deployment, restApiId=api, stageName="prod")
    # 4. The custom domain and its mapping.
    look(apigw.get_domain_name, domainName=NAME)
    dom = call(apigw.create_domain_name, domainName=NAME, regionalCertificateArn=cert,
               endpointConfiguration={"types": ["REGIONAL"]}, securityPolicy="TLS_1_2")
    look(apigw.get_base_path_mappings, domainName=NAME)
    call(apigw.create_base_path_mapping, domainName=NAME, restApiId=api, stage="prod")
    # 5. Elastic IPs, the target group, the NLB until active, its listener, the targets.
    look(ec2.describe_addresses, Filters=[{"Name": "tag:fixedip:plan-id", "Values": ["bench"]}])
    allocs = [call(ec2.allocate_address, Domain="vpc")["AllocationId"] for _ in pub]
    look(elbv2.describe_target_groups, Names=["bench-tg"])
    tg = call(elbv2.create_target_group, Name="bench-tg", Protocol="TLS", Port=443, VpcId=prod,
              TargetType="ip", HealthCheckProtocol="TCP", Tags=tag)["TargetGroups"][0]["TargetGroupArn"]
    look(elbv2.describe_load_balancers, Names=["bench-nlb"])
    lb = call(elbv2.create_load_balancer, Name="bench-nlb", Type="network", Scheme="internet-facing",
              SecurityGroups=[nlb_sg], Tags=tag,
              SubnetMappings=[{"SubnetId": s, "AllocationId": a} for s, a in zip(pub, allocs)])["LoadBalancers"][0]
    while True:
        got = call(elbv2.describe_load_balancers, LoadBalancerArns=[lb["LoadBalancerArn"]])["LoadBalancers"][0]
        if got["State"]["Code"] == "active":
            break
        time.sleep(2)
    call(elbv2.modify_load_balancer_attributes, LoadBalancerArn=lb["LoadBalancerArn"],
         Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    look(elbv2.describe_listeners, LoadBalancerArn=lb["LoadBalancerArn"])
    call(elbv2.create_listener, LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TLS", Port=443,
         SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", Certificates=[{"CertificateArn": cert}],
         AlpnPolicy=["None"], DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    look(elbv2.describe_target_health, TargetGroupArn=tg)
    call(elbv2.register_targets, TargetGroupArn=tg, Targets=[{"Id": ip, "Port": 443} for ip in ips])
    # 6. The private zone; the public and private alias records, until INSYNC.
    look(r53.list_hosted_zones_by_name, DNSName=NAME)
    zone = call(r53.create_hosted_zone, Name=NAME, CallerReference=f"bench-{time.time()}",
                VPC={"VPCRegion": REGION, "VPCId": prod},
                HostedZoneConfig={"PrivateZone": True, "Comment": "bench"})["HostedZone"]["Id"]
    public = next(z["id"] for z in m["zones"] if z["name"].rstrip(".") == "example.com" and not z["private"])
    ep_dns = ep["DnsEntries"][0]
    for zone_id, target, target_zone in ((public, lb["DNSName"], lb["CanonicalHostedZoneId"]),
                                         (zone, ep_dns["DnsName"], ep_dns["HostedZoneId"])):
        look(r53.list_resource_record_sets, HostedZoneId=zone_id, StartRecordName=NAME, MaxItems="5")
        change = call(r53.change_resource_record_sets, HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "UPSERT", "ResourceRecordSet": {"Name": NAME, "Type": "A", "AliasTarget": {
                "DNSName": target, "HostedZoneId": target_zone, "EvaluateTargetHealth": False}}}]})
        while call(r53.get_change, Id=change["ChangeInfo"]["Id"])["ChangeInfo"]["Status"] != "INSYNC":
            time.sleep(2)
    _ = dom
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin")
    ap.add_argument("--delay-ms", type=float, default=50.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--record", help="the proxy records every request (with its time) to this file")
    ap.add_argument("--bare", action="store_true", help="the boto3 apply without the lookups before creates")
    args = ap.parse_args()
    binary = resolve_bin(args.bin)
    work = tempfile.mkdtemp(prefix="bench-apply-")
    env = dict(os.environ, MOTO_ACM_VALIDATION_WAIT="1", MOTO_EC2_LOAD_DEFAULT_AMIS="false", **DUMMY_ENV)
    moto = proxy = None
    try:
        port = free_port()
        moto_url = f"http://127.0.0.1:{port}"
        moto = subprocess.Popen([sys.executable, str(PATCHED), "-H", "127.0.0.1", "-p", str(port)], env=env,
                                stdout=open(os.path.join(work, "moto.log"), "wb"), stderr=subprocess.STDOUT)
        wait_http(moto_url + "/moto-api/", 60, moto)
        pport = free_port()
        url = f"http://127.0.0.1:{pport}"
        proxy = subprocess.Popen([sys.executable, str(PROXY), "--listen", f"127.0.0.1:{pport}",
                                  "--upstream", f"127.0.0.1:{port}", "--delay-ms", str(args.delay_ms),
                                  *(["--record", args.record] if args.record else [])],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "proxy.log"), "wb"))
        wait_http(url + "/__proxy_stats", 30, proxy)
        log(f"moto {moto_url} behind {url} ({args.delay_ms:g} ms a request); logs in {work}")
        tool_t, tool_n, seq_t, seq_n = [], [], [], []
        for i in range(args.runs):
            m = reset_and_seed(moto_url, work, env)
            before = proxy_stats(url)["requests"]
            dt, err = tool_apply(binary, url, m, work, env)
            if err:
                raise SystemExit(f"the tool's apply failed: {err}")
            tool_t.append(dt)
            tool_n.append(proxy_stats(url)["requests"] - before)
            m = reset_and_seed(moto_url, work, env)
            before = proxy_stats(url)["requests"]
            t = time.perf_counter()
            boto3_apply(url, m, args.bare)
            seq_t.append(time.perf_counter() - t)
            seq_n.append(proxy_stats(url)["requests"] - before)
            log(f"run {i + 1}: tool {tool_t[-1]:.2f}s ({tool_n[-1]} requests), "
                f"boto3 {seq_t[-1]:.2f}s ({seq_n[-1]} requests)")
        med = statistics.median
        print(f"runs={args.runs} (median), delay={args.delay_ms:g} ms a request")
        print(f"{'':<22} {'seconds':>8} {'requests':>9}")
        print(f"{'fixedip-tui apply':<22} {med(tool_t):>8.2f} {med(tool_n):>9.0f}")
        label = "boto3, bare" if args.bare else "boto3, re-runnable"
        print(f"{label:<22} {med(seq_t):>8.2f} {med(seq_n):>9.0f}")
        print(f"tool / boto3: {med(tool_t) / med(seq_t):.2f}x")
    finally:
        stop(proxy)
        stop(moto)


if __name__ == "__main__":
    main()
