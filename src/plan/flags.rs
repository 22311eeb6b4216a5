//! `plan` from flags: each wizard choice from the command line into a `Draft`, with every missing
//! flag listed at once and unknown ids answered with what exists.

use super::draft::Defaulted;
use super::Draft;
use crate::cli::PlanFlags;
use crate::discovery::Inventory;

/// Every problem with the flags, one line each (printed together, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError(pub Vec<String>);

fn list(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// `--eip` as given, or its default: new Elastic IPs, none when adopting an NLB.
fn eip_flag(f: &PlanFlags) -> String {
    f.eip.clone().unwrap_or_else(|| {
        if f.adopt_nlb.is_some() {
            "none".into()
        } else {
            "new".into()
        }
    })
}

/// `--eip new|none|ALLOC_ID,…`.
pub fn parse_eip(s: &str) -> Result<super::EipChoice, String> {
    let s = s.trim();
    match s.to_ascii_lowercase().as_str() {
        "new" => return Ok(super::EipChoice::New),
        "none" | "nlb" | "no" => return Ok(super::EipChoice::None),
        _ => {}
    }
    let ids: Vec<String> = s
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if ids.is_empty() || ids.iter().any(|x| !x.starts_with("eipalloc-")) {
        return Err(format!(
            "--eip {s}: give `new`, `none`, or Elastic IP allocation ids (eipalloc-…) separated by commas"
        ));
    }
    Ok(super::EipChoice::Existing {
        allocation_ids: ids,
    })
}

/// `--endpoint-ip SUBNET_ID=IP` (repeated).
pub fn parse_endpoint_ips(
    v: &[String],
) -> Result<std::collections::BTreeMap<String, String>, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for item in v {
        match item.split_once('=') {
            Some((subnet, ip))
                if subnet.starts_with("subnet-") && ip.parse::<std::net::Ipv4Addr>().is_ok() =>
            {
                if out.insert(subnet.to_string(), ip.to_string()).is_some() {
                    errors.push(format!("--endpoint-ip {item}: {subnet} is given twice"));
                }
            }
            _ => errors.push(format!(
                "--endpoint-ip {item}: write SUBNET_ID=IPv4, e.g. subnet-0abc=10.0.1.10"
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The choices a terminal user gave as flags, for the wizard to start from (unknown ids and
/// missing choices are simply left for the wizard to ask).
pub fn prefill(f: &PlanFlags, inv: &Inventory) -> Draft {
    let mut d = Draft::with_defaults();
    if let Some(vpc) = f
        .vpc
        .as_deref()
        .filter(|v| inv.vpcs.iter().any(|x| &x.id == v))
    {
        d.choose_vpc(inv, vpc);
    }
    let known = |id: &String| inv.subnets.iter().any(|s| &s.id == id);
    if f.reuse_endpoint.is_some() {
        d.reuse_endpoint = f.reuse_endpoint.clone();
    }
    if !f.endpoint_subnets.is_empty() {
        d.reuse_endpoint = None;
        d.endpoint_subnets = f
            .endpoint_subnets
            .iter()
            .filter(|s| known(s))
            .cloned()
            .collect();
    }
    d.enable_vpc_dns = f.enable_vpc_dns;
    d.allow_public_endpoint_subnets = f.allow_public_endpoint_subnets;
    d.nlb_subnets = f.nlb_subnets.iter().filter(|s| known(s)).cloned().collect();
    d.preselect_nlb_subnets(inv);
    if let Ok(e) = parse_eip(&eip_flag(f)) {
        d.eips = e;
    }
    if let Some(arn) = f
        .adopt_nlb
        .as_ref()
        .filter(|a| inv.load_balancers.iter().any(|l| &l.lb.arn == *a))
    {
        d.adopt_nlb = Some(arn.clone());
        if let Some(l) = inv.load_balancers.iter().find(|l| &l.lb.arn == arn) {
            d.nlb_subnets = l.lb.subnet_ids.clone();
        }
    }
    d.adopt_target_group = f
        .adopt_target_group
        .clone()
        .filter(|a| inv.target_groups.iter().any(|t| &t.arn == a));
    if let Ok(ips) = parse_endpoint_ips(&f.endpoint_ips) {
        d.endpoint_ips = ips;
    }
    if let Some(name) = &f.name {
        d.set_name(inv, name);
    }
    d.certificate_arn = f.certificate.clone().or(d.certificate_arn.take());
    later_choices(&mut d, f);
    d
}

/// The required choices that are missing, as the flags that would give them. Everything else has
/// a default: the wizard's pre-selections (`Draft::preselect`), said by `draft_from_flags`.
pub fn missing_flags(f: &PlanFlags) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if f.vpc.is_none() {
        missing.push("--vpc VPC_ID");
    }
    if f.name.is_none() {
        missing.push("--name NAME");
    }
    missing
}

/// The draft the flags describe, and the choices that were defaulted (the wizard's
/// pre-selections), each with the flag that changes it.
pub fn draft_from_flags(
    f: &PlanFlags,
    inv: &Inventory,
) -> Result<(Draft, Vec<Defaulted>), FlagError> {
    let missing = missing_flags(f);
    let mut errors: Vec<String> = Vec::new();
    if !missing.is_empty() {
        errors.push(format!(
            "missing: {} (see `fixedip-tui plan --help`)",
            missing.join(", ")
        ));
    }
    errors.extend(unknown_network_ids(f, inv));
    errors.extend(unknown_resource_ids(f, inv));
    let parsed = parse_values(f, inv, &mut errors);
    if !errors.is_empty() {
        return Err(FlagError(errors));
    }
    let mut d = Draft::with_defaults();
    if let Some(vpc) = &f.vpc {
        d.choose_vpc(inv, vpc);
        // Flags say exactly what to do: no automatic reuse unless asked.
        d.reuse_endpoint = None;
    }
    let mut defaulted = network_choices(&mut d, f, inv, parsed.eips, parsed.endpoint_ips);
    name_and_certificate(&mut d, f, inv, &mut defaulted)?;
    defaulted.extend(api_and_zone_defaults(&d, f, inv));
    later_choices(&mut d, f);
    d.tags = parsed.tags;
    Ok((d, defaulted))
}

/// `flag value` when a value is given and none of `items` has it as `id`: the error, saying `what`
/// and then each item as `label` does.
fn unknown<T>(
    (flag, value): (&str, Option<&str>),
    what: &str,
    items: &[T],
    id: impl Fn(&T) -> &str,
    label: impl Fn(&T) -> String,
) -> Option<String> {
    let value = value?;
    if items.iter().any(|i| id(i) == value) {
        return None;
    }
    Some(format!(
        "{flag} {value}: {what}: {}",
        list(items.iter().map(label))
    ))
}

/// The VPC, subnets and endpoint the flags name that the account does not have, each with what
/// it does have.
fn unknown_network_ids(f: &PlanFlags, inv: &Inventory) -> Vec<String> {
    let mut errors = Vec::new();
    errors.extend(unknown(
        ("--vpc", f.vpc.as_deref()),
        &format!("no such VPC in {}; VPCs", inv.region),
        &inv.vpcs,
        |v| &v.id,
        |v| format!("{} ({})", v.id, v.name.as_deref().unwrap_or("-")),
    ));
    let vpc = f.vpc.clone().unwrap_or_default();
    let subnets_of_vpc = || {
        list(inv.subnets_of(&vpc).map(|s| {
            format!(
                "{} ({}, {})",
                s.id,
                s.az,
                if s.reach.as_ref().is_some_and(|r| r.public) {
                    "public"
                } else {
                    "private"
                }
            )
        }))
    };
    for id in f.endpoint_subnets.iter().chain(f.nlb_subnets.iter()) {
        if !inv.subnets.iter().any(|s| &s.id == id) {
            errors.push(format!(
                "subnet {id} does not exist; subnets of {vpc}: {}",
                subnets_of_vpc()
            ));
        }
    }
    errors.extend(unknown(
        ("--reuse-endpoint", f.reuse_endpoint.as_deref()),
        "no such execute-api endpoint; endpoints",
        &inv.vpc_endpoints,
        |e| &e.id,
        |e| format!("{} ({})", e.id, e.vpc_id),
    ));
    errors
}

/// The certificate, API, zones, NLB and target group the flags name that the account does not
/// have, each with what it does have.
fn unknown_resource_ids(f: &PlanFlags, inv: &Inventory) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(arn) = &f.certificate {
        if !inv.certificates.iter().any(|c| &c.arn == arn)
            && arn.split(':').nth(3) == Some(inv.region.as_str())
        {
            errors.push(format!(
                "--certificate {arn}: not found; certificates: {}",
                list(inv.certificates.iter().map(|c| format!(
                    "{} ({}, {})",
                    c.arn,
                    c.domain,
                    c.status.as_str()
                )))
            ));
        }
    }
    errors.extend(unknown(
        ("--api", f.api.as_deref()),
        "no such REST API; APIs",
        &inv.rest_apis,
        |a| &a.id,
        |a| format!("{} ({})", a.id, a.name),
    ));
    for (flag, zone) in [
        ("--public-zone", &f.public_zone),
        ("--private-zone", &f.private_zone),
    ] {
        errors.extend(unknown(
            (flag, zone.as_deref()),
            "no such hosted zone; zones",
            &inv.hosted_zones,
            |h| &h.id,
            |h| {
                let kind = if h.private { "private" } else { "public" };
                format!("{} ({}, {kind})", h.id, h.name)
            },
        ));
    }
    errors.extend(unknown(
        ("--adopt-nlb", f.adopt_nlb.as_deref()),
        "no such network load balancer; NLBs",
        &inv.load_balancers,
        |l| &l.lb.arn,
        |l| format!("{} ({}, {})", l.lb.arn, l.lb.scheme, l.lb.vpc_id),
    ));
    errors.extend(unknown(
        ("--adopt-target-group", f.adopt_target_group.as_deref()),
        "no such IP target group; target groups",
        &inv.target_groups,
        |t| &t.arn,
        |t| t.arn.clone(),
    ));
    errors
}

/// What the flags give as values: `--eip`, `--endpoint-ip`, `--tag`.
struct Values {
    eips: super::EipChoice,
    endpoint_ips: std::collections::BTreeMap<String, String>,
    tags: std::collections::BTreeMap<String, String>,
}

/// The values of the flags, each wrong one said in `errors` (as is a wrong `--vpc-callers`).
fn parse_values(f: &PlanFlags, inv: &Inventory, errors: &mut Vec<String>) -> Values {
    let eips = match parse_eip(&eip_flag(f)) {
        Ok(e) => e,
        Err(e) => {
            errors.push(e);
            super::EipChoice::New
        }
    };
    if let super::EipChoice::Existing { allocation_ids } = &eips {
        for a in allocation_ids {
            if !inv
                .elastic_ips
                .addresses
                .iter()
                .any(|e| &e.allocation_id == a)
            {
                errors.push(format!(
                    "--eip {a}: no such Elastic IP in {}; unassociated ones: {} (or --eip new)",
                    inv.region,
                    list(
                        inv.elastic_ips
                            .addresses
                            .iter()
                            .filter(|e| !e.in_use())
                            .map(|e| format!("{} ({})", e.allocation_id, e.public_ip))
                    )
                ));
            }
        }
    }
    let endpoint_ips = match parse_endpoint_ips(&f.endpoint_ips) {
        Ok(m) => m,
        Err(e) => {
            errors.extend(e);
            Default::default()
        }
    };
    let mut tags = std::collections::BTreeMap::new();
    for t in &f.tags {
        match t.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                tags.insert(k.to_string(), v.to_string());
            }
            _ => errors.push(format!("--tag {t}: write KEY=VALUE")),
        }
    }
    if let Some(Err(why)) = f.vpc_callers.as_deref().map(crate::plan::parse_vpc_callers) {
        errors.push(format!("--vpc-callers: {why}"));
    }
    Values {
        eips,
        endpoint_ips,
        tags,
    }
}

/// The endpoint, NLB subnets, Elastic IPs and adopted NLB / target group: as given, else the
/// wizard's pre-selections (said in what it returns).
fn network_choices(
    d: &mut Draft,
    f: &PlanFlags,
    inv: &Inventory,
    eips: super::EipChoice,
    endpoint_ips: std::collections::BTreeMap<String, String>,
) -> Vec<Defaulted> {
    let mut defaulted = Vec::new();
    d.enable_vpc_dns = f.enable_vpc_dns;
    d.reuse_endpoint = f.reuse_endpoint.clone();
    d.endpoint_subnets = f.endpoint_subnets.clone();
    d.allow_public_endpoint_subnets = f.allow_public_endpoint_subnets;
    defaulted.extend(d.preselect_endpoint(inv));
    d.nlb_subnets = f.nlb_subnets.clone();
    d.eips = eips;
    d.endpoint_ips = endpoint_ips;
    d.adopt_nlb = f.adopt_nlb.clone();
    d.adopt_target_group = f.adopt_target_group.clone();
    if let Some(l) = f
        .adopt_nlb
        .as_ref()
        .and_then(|arn| inv.load_balancers.iter().find(|l| &l.lb.arn == arn))
    {
        if f.nlb_subnets.is_empty() {
            d.nlb_subnets = l.lb.subnet_ids.clone();
        }
    }
    if d.nlb_subnets.is_empty() && d.adopt_nlb.is_none() {
        d.preselect_nlb_subnets(inv);
        if !d.nlb_subnets.is_empty() {
            defaulted.push(Defaulted {
                choice: "nlb-subnets",
                flag: "--nlb-subnets",
                value: d.nlb_subnets.join(","),
                why: "in each endpoint AZ, the public subnet with the most free IPs".into(),
            });
        }
    }
    if f.eip.is_none() && f.adopt_nlb.is_none() {
        defaulted.push(Defaulted {
            choice: "eip",
            flag: "--eip",
            value: "new".into(),
            why: "new Elastic IPs, one per NLB subnet: truly fixed, kept by destroy".into(),
        });
    }
    defaulted
}

/// The name, and the certificate as given (validation judges it), else the most specific ISSUED
/// one that covers the name (`set_name` pre-selects it); none at all is an error.
fn name_and_certificate(
    d: &mut Draft,
    f: &PlanFlags,
    inv: &Inventory,
    defaulted: &mut Vec<Defaulted>,
) -> Result<(), FlagError> {
    d.set_name(inv, f.name.as_deref().unwrap_or_default());
    if f.certificate.is_some() {
        d.certificate_arn = f.certificate.clone();
    } else if let Some((cert, why)) = super::draft::best_certificate(inv, &d.name) {
        d.certificate_arn = Some(cert.arn.clone());
        defaulted.push(Defaulted {
            choice: "certificate",
            flag: "--certificate",
            value: cert.arn.clone(),
            why,
        });
    } else if !d.name.is_empty() {
        return Err(FlagError(vec![format!(
            "--certificate: no ISSUED certificate in {} covers {}: request one in ACM (DNS validation), or give --certificate CERT_ARN",
            inv.region, d.name
        )]));
    }
    Ok(())
}

/// The API and the zones the flags leave to their defaults.
fn api_and_zone_defaults(d: &Draft, f: &PlanFlags, inv: &Inventory) -> Vec<Defaulted> {
    let mut defaulted = Vec::new();
    if f.api.is_none() && !f.create_api {
        defaulted.push(Defaulted {
            choice: "api",
            flag: "--create-api / --api",
            value: format!("create {}", d.api_name),
            why: "a minimal PRIVATE API (MOCK GET /ping)".into(),
        });
    }
    if f.public_zone.is_none() {
        if let Some(z) = d
            .public_zone_id
            .as_ref()
            .and_then(|id| inv.hosted_zones.iter().find(|z| &z.id == id))
        {
            defaulted.push(Defaulted {
                choice: "public-zone",
                flag: "--public-zone",
                value: z.id.clone(),
                why: format!(
                    "{}: the longest public zone that is a suffix of the name",
                    z.name
                ),
            });
        }
    }
    if f.private_zone.is_none() && !f.create_private_zone {
        defaulted.push(Defaulted {
            choice: "private-zone",
            flag: "--create-private-zone / --private-zone",
            value: format!("create {}", d.name),
            why: "a private zone named exactly the name shadows nothing else in the VPC".into(),
        });
    }
    defaulted
}

/// The API, stage, base path, callers, zones, records and acknowledgements, as given (the wizard's
/// prefill takes them alike).
fn later_choices(d: &mut Draft, f: &PlanFlags) {
    d.adopt_api = f.api.clone();
    d.stage = f.stage.clone();
    d.base_path = f.base_path.clone().unwrap_or_default();
    d.allow_cidrs = f.allow_cidrs.clone();
    if let Some(Ok(v)) = f.vpc_callers.as_deref().map(crate::plan::parse_vpc_callers) {
        d.vpc_callers = v;
    }
    if let Some(z) = &f.public_zone {
        d.public_zone_id = Some(z.clone());
    }
    d.private_zone_id = f.private_zone.clone();
    d.replace_records = f.replace_records;
    d.acknowledged = f.acknowledge.clone();
}
