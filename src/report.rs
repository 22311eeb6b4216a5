//! Plain-text renderings for the non-interactive commands.

use std::fmt::Write;

use crate::discovery::Inventory;

/// `fixedip-tui discover` without `--json`: the inventory, one VPC at a time.
pub fn inventory_text(inv: &Inventory) -> String {
    let mut out = String::new();
    let who = inv
        .identity
        .as_ref()
        .map(|i| format!("{} ({})", i.account, i.arn))
        .unwrap_or_else(|| "unknown caller".to_string());
    let _ = writeln!(out, "Account {who}, region {}", inv.region);
    for vpc in &inv.vpcs {
        let dns = match (vpc.dns_support, vpc.dns_hostnames) {
            (Some(true), Some(true)) => "DNS on".to_string(),
            (Some(s), Some(h)) => format!(
                "DNS support {}, hostnames {}",
                if s { "on" } else { "OFF" },
                if h { "on" } else { "OFF" }
            ),
            _ => "DNS unknown".to_string(),
        };
        let _ = writeln!(
            out,
            "\n{}  {}  {}  {dns}{}",
            vpc.id,
            vpc.cidr,
            vpc.name.as_deref().unwrap_or("(no name)"),
            if vpc.is_default { "  default" } else { "" }
        );
        for s in inv.subnets_of(&vpc.id) {
            let (kind, why) = match &s.reach {
                Some(r) => (
                    if r.public { "public " } else { "private" },
                    r.reason.as_str(),
                ),
                None => ("unknown", ""),
            };
            let _ = writeln!(
                out,
                "  {kind} {:<11} {:<25} {:<18} {:>5} free  {why}",
                s.az, s.id, s.cidr, s.free_ips
            );
        }
        for e in inv.endpoints_in(&vpc.id) {
            let _ = writeln!(
                out,
                "  execute-api endpoint {} ({}, private DNS {})",
                e.id,
                e.state,
                if e.private_dns { "on" } else { "off" }
            );
        }
    }
    let _ = writeln!(out, "\nCertificates:");
    for c in &inv.certificates {
        let _ = writeln!(out, "  {:<20} {}  {}", c.status.as_str(), c.domain, c.arn);
    }
    let _ = writeln!(out, "\nHosted zones:");
    for z in &inv.hosted_zones {
        let vpcs: Vec<&str> = z.vpcs.iter().map(|v| v.vpc_id.as_str()).collect();
        let _ = writeln!(
            out,
            "  {:<7} {:<30} {}{}",
            if z.private { "private" } else { "public" },
            z.name,
            z.id,
            if vpcs.is_empty() {
                String::new()
            } else {
                format!("  VPCs: {}", vpcs.join(", "))
            }
        );
    }
    let _ = writeln!(out, "\nREST APIs:");
    for a in &inv.rest_apis {
        let _ = writeln!(
            out,
            "  {:<10} {:<30} {}{}",
            a.id,
            a.name,
            a.endpoint_types.join(","),
            if a.vpc_endpoint_ids.is_empty() {
                String::new()
            } else {
                format!("  endpoints: {}", a.vpc_endpoint_ids.join(", "))
            }
        );
    }
    out
}
