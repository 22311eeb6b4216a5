//! Public or private, from the route tables — the rule AWS applies: a subnet uses the route table
//! explicitly associated with it, else its VPC's main table; it is public when that table sends
//! 0.0.0.0/0 to an internet gateway (an active route).

use crate::domain::{RouteTable, Subnet, SubnetReach};

/// Which table decides, and whether it makes the subnet public.
///
/// `None` when no deciding table is visible (e.g. a shared VPC's subnet, whose route tables belong
/// to the owner account): unknown, never guessed.
pub fn classify(subnet: &Subnet, tables: &[RouteTable]) -> Option<SubnetReach> {
    let explicit = tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == &subnet.id));
    let (table, via_main) = match explicit {
        Some(t) => (Some(t), false),
        None => (
            tables.iter().find(|t| t.main && t.vpc_id == subnet.vpc_id),
            true,
        ),
    };
    let table = table?;
    let how = if via_main {
        format!("main table {}", table.id)
    } else {
        format!("{} (explicit association)", table.id)
    };
    let default_v4 = table.routes.iter().find(|r| r.destination == "0.0.0.0/0");
    let (public, reason) = match default_v4 {
        Some(r) if r.target.starts_with("igw-") && r.state.eq_ignore_ascii_case("active") => {
            (true, format!("public: 0.0.0.0/0 → {} in {how}", r.target))
        }
        Some(r) if r.target.starts_with("igw-") => (
            false,
            format!(
                "private: 0.0.0.0/0 → {} in {how} is {} (gateway gone)",
                r.target, r.state
            ),
        ),
        Some(r) => (
            false,
            format!(
                "private: 0.0.0.0/0 → {} in {how} (not an internet gateway)",
                r.target
            ),
        ),
        None => {
            let v6_igw = table
                .routes
                .iter()
                .any(|r| r.destination == "::/0" && r.target.starts_with("igw-"));
            if v6_igw {
                (
                    false,
                    format!(
                        "private: only ::/0 goes to an internet gateway in {how} (no IPv4 route)"
                    ),
                )
            } else {
                (false, format!("private: no 0.0.0.0/0 route in {how}"))
            }
        }
    };
    Some(SubnetReach {
        public,
        route_table_id: Some(table.id.clone()),
        via_main_table: via_main,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Route;

    fn subnet(id: &str, vpc: &str) -> Subnet {
        Subnet {
            id: id.into(),
            vpc_id: vpc.into(),
            az: "us-east-1a".into(),
            az_id: None,
            cidr: "10.0.0.0/24".into(),
            free_ips: 250,
            name: None,
            map_public_ip_on_launch: false,
            ipv6_native: false,
            tags: vec![],
            reach: None,
        }
    }

    fn table(
        id: &str,
        vpc: &str,
        main: bool,
        subnets: &[&str],
        routes: &[(&str, &str, &str)],
    ) -> RouteTable {
        RouteTable {
            id: id.into(),
            vpc_id: vpc.into(),
            main,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            routes: routes
                .iter()
                .map(|(d, t, s)| Route {
                    destination: d.to_string(),
                    target: t.to_string(),
                    state: s.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn explicit_association_wins_over_main() {
        let tables = vec![
            table(
                "rtb-main",
                "vpc-1",
                true,
                &[],
                &[("0.0.0.0/0", "igw-1", "active")],
            ),
            table(
                "rtb-priv",
                "vpc-1",
                false,
                &["subnet-b"],
                &[("10.0.0.0/16", "local", "active")],
            ),
        ];
        let a = classify(&subnet("subnet-a", "vpc-1"), &tables).expect("main table");
        assert!(a.public && a.via_main_table);
        assert_eq!(a.route_table_id.as_deref(), Some("rtb-main"));
        assert!(a.reason.contains("main table rtb-main"), "{}", a.reason);
        let b = classify(&subnet("subnet-b", "vpc-1"), &tables).expect("explicit");
        assert!(!b.public && !b.via_main_table);
        assert!(b.reason.contains("no 0.0.0.0/0 route"), "{}", b.reason);
    }

    #[test]
    fn nat_blackhole_ipv6_and_other_vpc_main_tables() {
        let tables = vec![
            table(
                "rtb-nat",
                "vpc-1",
                false,
                &["s-nat"],
                &[("0.0.0.0/0", "nat-1", "active")],
            ),
            table(
                "rtb-bh",
                "vpc-1",
                false,
                &["s-bh"],
                &[("0.0.0.0/0", "igw-gone", "blackhole")],
            ),
            table(
                "rtb-v6",
                "vpc-1",
                false,
                &["s-v6"],
                &[("::/0", "igw-1", "active")],
            ),
            table(
                "rtb-main-2",
                "vpc-2",
                true,
                &[],
                &[("0.0.0.0/0", "igw-2", "active")],
            ),
        ];
        let reason = |id: &str| {
            classify(&subnet(id, "vpc-1"), &tables)
                .map(|r| r.reason)
                .unwrap_or_default()
        };
        assert!(reason("s-nat").contains("not an internet gateway"));
        assert!(reason("s-bh").contains("blackhole"));
        assert!(reason("s-v6").contains("::/0"));
        // vpc-1 has no main table here: another VPC's main table must not be used — unknown.
        assert_eq!(classify(&subnet("s-x", "vpc-1"), &tables), None);
        assert!(classify(&subnet("s-y", "vpc-2"), &tables).is_some_and(|r| r.public));
    }
}
