//! Monthly cost estimate of the resources a plan creates (not of what it reuses), from the public
//! us-east-1 prices in the SPEC. Fixed hourly costs are summed; usage-based costs are only named.

use serde::Serialize;

use super::{EndpointChoice, Plan, PrivateZoneChoice};

/// Where the prices come from, and when they were read.
pub const PRICE_BASIS: &str =
    "us-east-1 public prices as of 2026-11 (verify on aws.amazon.com/pricing)";
/// The region the prices are for.
pub const PRICE_REGION: &str = "us-east-1";
/// Hours in a billing month, as AWS's own calculator counts them.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// Network Load Balancer, per hour.
pub const NLB_PER_HOUR: f64 = 0.0225;
/// One NLB capacity unit, per hour.
pub const NLCU_PER_HOUR: f64 = 0.006;
/// NLCUs assumed (the minimum that is billed while the NLB runs with light traffic).
pub const ASSUMED_NLCU: u32 = 1;
/// Interface VPC endpoint, per AZ (network interface) and hour.
pub const ENDPOINT_PER_AZ_HOUR: f64 = 0.01;
/// Public IPv4 address (NLB-assigned or Elastic IP), per IP and hour.
pub const PUBLIC_IPV4_PER_HOUR: f64 = 0.005;
/// Route 53 hosted zone, per month (first 25 zones).
pub const HOSTED_ZONE_PER_MONTH: f64 = 0.50;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub resource: String,
    /// How the amount is made up, e.g. `730 h × $0.0225`.
    pub detail: String,
    pub monthly_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostEstimate {
    pub lines: Vec<CostLine>,
    pub total_monthly_usd: f64,
    /// Usage-based costs that come on top (named, not summed).
    pub variable: Vec<String>,
    /// Assumptions, the price basis, and the region caveat.
    pub notes: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The estimate for `plan`. The NLB's AZ count is its number of subnets; the endpoint's (when the
/// plan creates it) is its own number of subnets, which equals it in a valid plan.
pub fn estimate(plan: &Plan) -> CostEstimate {
    let h = HOURS_PER_MONTH;
    let azs = plan.nlb_subnet_ids.len();
    let adopted = plan.adopt_nlb.is_some();
    let mut lines = vec![
        CostLine {
            resource: if adopted {
                "Network Load Balancer (adopted: already billed, not added by this plan)".into()
            } else {
                "Network Load Balancer".into()
            },
            detail: format!("{h:.0} h × ${NLB_PER_HOUR}"),
            monthly_usd: if adopted { 0.0 } else { h * NLB_PER_HOUR },
        },
        CostLine {
            resource: "NLB capacity units".into(),
            detail: format!(
                "{} × {h:.0} h × ${NLCU_PER_HOUR} (assumed minimum)",
                plural(ASSUMED_NLCU as usize, "NLCU", "NLCUs")
            ),
            monthly_usd: if adopted {
                0.0
            } else {
                f64::from(ASSUMED_NLCU) * h * NLCU_PER_HOUR
            },
        },
    ];
    if let EndpointChoice::Create { subnet_ids, .. } = &plan.endpoint {
        let n = subnet_ids.len();
        lines.push(CostLine {
            resource: "execute-api interface endpoint".into(),
            detail: format!(
                "{} × {h:.0} h × ${ENDPOINT_PER_AZ_HOUR}",
                plural(n, "AZ", "AZs")
            ),
            monthly_usd: n as f64 * h * ENDPOINT_PER_AZ_HOUR,
        });
    }
    lines.push(CostLine {
        resource: match plan.eips {
            _ if adopted => "Public IPv4 addresses of the adopted NLB (already billed)".into(),
            crate::plan::EipChoice::None => "Public IPv4 addresses of the NLB".into(),
            crate::plan::EipChoice::New => {
                "Elastic IPs of the NLB (new; billed while allocated, also after destroy until released)".into()
            }
            crate::plan::EipChoice::Existing { .. } => {
                "Elastic IPs of the NLB (yours; already billed while allocated)".into()
            }
        },
        detail: format!(
            "{} (one per AZ) × {h:.0} h × ${PUBLIC_IPV4_PER_HOUR}",
            plural(azs, "IP", "IPs")
        ),
        monthly_usd: if adopted { 0.0 } else { azs as f64 * h * PUBLIC_IPV4_PER_HOUR },
    });
    if plan.private_zone == PrivateZoneChoice::Create {
        lines.push(CostLine {
            resource: "Private hosted zone".into(),
            detail: format!("1 zone × ${HOSTED_ZONE_PER_MONTH:.2} per month"),
            monthly_usd: HOSTED_ZONE_PER_MONTH,
        });
    }
    let total_monthly_usd = lines.iter().map(|l| l.monthly_usd).sum();

    let mut variable = Vec::new();
    if matches!(plan.endpoint, EndpointChoice::Create { .. }) {
        variable.push("endpoint data processing: $0.01 per GB through the endpoint".to_string());
    }
    variable.push(format!(
        "NLB capacity above {}: new/active connections and processed bytes, ${NLCU_PER_HOUR} \
         per NLCU-hour",
        plural(ASSUMED_NLCU as usize, "NLCU", "NLCUs")
    ));
    if plan.settings.cross_zone {
        variable.push(
            "cross-zone load balancing: inter-AZ data transfer, $0.01 per GB in each direction"
                .to_string(),
        );
    }
    variable.push("data transfer out to the internet: standard EC2 rates".to_string());
    if matches!(plan.api, super::ApiChoice::Create { .. }) {
        variable.push("API Gateway REST requests to the new API: per million requests".to_string());
    }

    let mut notes = vec![
        format!("prices: {PRICE_BASIS}"),
        format!(
            "assumes {} (the least an NLB is billed for); each more adds ${:.2}/month",
            plural(ASSUMED_NLCU as usize, "NLCU", "NLCUs"),
            h * NLCU_PER_HOUR
        ),
        "only what the plan creates is counted; reused resources cost what they cost today"
            .to_string(),
    ];
    if plan.region != PRICE_REGION {
        notes.push(format!(
            "{} is not {PRICE_REGION}: prices differ by region, so this estimate is approximate",
            if plan.region.is_empty() {
                "the region"
            } else {
                plan.region.as_str()
            }
        ));
    }
    CostEstimate {
        lines,
        total_monthly_usd,
        variable,
        notes,
    }
}

/// `$16.43` (cents rounded half away from zero: 730 h × $0.0225 = $16.425 shows as $16.43).
pub fn usd(amount: f64) -> String {
    format!("${:.2}", (amount * 100.0).round() / 100.0)
}

/// The Elastic IPs a destroy keeps, said the same way everywhere (the destroy dialog, the result
/// after a destroy, the destroy's own step, `status`): that they are kept and why, what they cost
/// a month, and how to release them (`release`, e.g. "R releases them", or the command from
/// `release_eips_command` … "releases them"). `ips` when known, else `count` addresses.
pub fn kept_eips(ips: &[String], count: usize, release: &str) -> String {
    let n = if ips.is_empty() { count } else { ips.len() };
    let which = if ips.is_empty() {
        plural(n, "address", "addresses")
    } else {
        ips.join(", ")
    };
    format!(
        "Elastic IPs kept: {which} — the partner's allow-list stays valid; they cost {}; {release}",
        eips_monthly(n)
    )
}

/// What `n` Elastic IPs cost a month while allocated, with the arithmetic.
pub fn eips_monthly(n: usize) -> String {
    format!(
        "{}/month while allocated ({} × {HOURS_PER_MONTH:.0} h × ${PUBLIC_IPV4_PER_HOUR})",
        usd(n as f64 * HOURS_PER_MONTH * PUBLIC_IPV4_PER_HOUR),
        plural(n, "IP", "IPs"),
    )
}

/// The Elastic IPs a destroy released, in the same words everywhere.
pub fn released_eips(ips: &[String]) -> String {
    if ips.is_empty() {
        "Elastic IPs released: nothing of this plan is left in the account (nor billed)".into()
    } else {
        format!(
            "Elastic IPs released: {} — no longer billed, and no longer yours: remove them from \
             the partner's allow-list",
            ips.join(", ")
        )
    }
}

/// The command that releases the Elastic IPs a destroy kept (`prefix`: `fixedip-tui` with the
/// global flags it needs).
pub fn release_eips_command(prefix: &str, plan_id: &str) -> String {
    format!("{prefix} destroy --plan-id {plan_id} --yes --release-eips")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(azs: usize) -> Plan {
        crate::plan::sample_plan(azs)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.006
    }

    #[test]
    fn two_azs_new_endpoint_and_zone() {
        let e = estimate(&plan(2));
        let amounts: Vec<f64> = e.lines.iter().map(|l| l.monthly_usd).collect();
        let want = [16.43, 4.38, 14.60, 7.30, 0.50];
        assert_eq!(amounts.len(), want.len(), "{e:#?}");
        for (a, w) in amounts.iter().zip(want) {
            assert!(close(*a, w), "{a} vs {w}");
        }
        assert!(
            close(e.total_monthly_usd, 43.205),
            "{}",
            e.total_monthly_usd
        );
        assert!(e.notes.iter().any(|n| n.contains("1 NLCU")));
        assert!(e.notes.iter().any(|n| n.contains(PRICE_BASIS)));
        assert!(!e.notes.iter().any(|n| n.contains("approximate")));
        assert!(e.variable.iter().any(|v| v.contains("inter-AZ")));
        assert!(e
            .variable
            .iter()
            .any(|v| v.contains("$0.01 per GB through")));
    }

    #[test]
    fn reusing_the_endpoint_and_zone_drops_their_lines() {
        let mut p = plan(2);
        p.endpoint = EndpointChoice::Reuse {
            vpc_endpoint_id: "vpce-1".into(),
        };
        p.private_zone = PrivateZoneChoice::Existing {
            zone_id: "Z2".into(),
        };
        let e = estimate(&p);
        assert!(!e.lines.iter().any(|l| l.resource.contains("endpoint")));
        assert!(!e.lines.iter().any(|l| l.resource.contains("zone")));
        assert!(close(e.total_monthly_usd, 16.425 + 4.38 + 7.30));
        assert!(!e
            .variable
            .iter()
            .any(|v| v.contains("through the endpoint")));
    }

    #[test]
    fn three_azs_scale_the_per_az_lines() {
        let e = estimate(&plan(3));
        assert!(close(
            e.total_monthly_usd,
            16.425 + 4.38 + 21.90 + 10.95 + 0.50
        ));
    }

    #[test]
    fn kept_elastic_ips_say_what_they_cost_and_how_to_release_them() {
        let ips = vec!["3.1.1.1".to_string(), "3.2.2.2".to_string()];
        let cmd = release_eips_command("fixedip-tui --demo", "fip-1");
        assert_eq!(
            cmd,
            "fixedip-tui --demo destroy --plan-id fip-1 --yes --release-eips"
        );
        assert_eq!(
            kept_eips(&ips, 0, &format!("`{cmd}` releases them")),
            "Elastic IPs kept: 3.1.1.1, 3.2.2.2 — the partner's allow-list stays valid; they cost \
             $7.30/month while allocated (2 IPs × 730 h × $0.005); `fixedip-tui --demo destroy \
             --plan-id fip-1 --yes --release-eips` releases them"
        );
        assert!(kept_eips(&[], 3, "R releases them").starts_with("Elastic IPs kept: 3 addresses"));
        assert!(kept_eips(&[], 3, "R releases them").contains("$10.95/month"));
        assert!(released_eips(&ips).contains("3.1.1.1, 3.2.2.2"));
    }

    #[test]
    fn other_regions_are_approximate() {
        let mut p = plan(2);
        p.region = "eu-west-1".into();
        let e = estimate(&p);
        assert!(e
            .notes
            .iter()
            .any(|n| n.contains("eu-west-1") && n.contains("approximate")));
        assert_eq!(usd(16.425), "$16.43");
    }
}
