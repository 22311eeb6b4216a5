//! Who may call, as security group rules: the one place the apply, the review and the
//! CloudFormation export read them from.

use super::{Plan, VpcCaller};
use crate::cloud::write::IngressRule;
use crate::discovery::Inventory;

/// The endpoint's inbound rules: TCP 443 from each NLB subnet (the NLB's private addresses are
/// there) and from the plan's in-VPC callers (the private zone sends them straight here).
pub fn endpoint_rules(plan: &Plan, inv: &Inventory) -> Result<Vec<IngressRule>, String> {
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut add = |source: String, description: String| {
        if !rules.iter().any(|r| r.source == source) {
            rules.push(IngressRule {
                port: 443,
                source,
                description,
            });
        }
    };
    for id in &plan.nlb_subnet_ids {
        // Never silently dropped: an unknown subnet would leave the NLB without a way in.
        let s = inv.subnets.iter().find(|s| &s.id == id).ok_or_else(|| {
            format!("the NLB subnet {id} is not in the account's inventory (its CIDR is unknown): plan again with subnets of {}", plan.vpc_id)
        })?;
        add(s.cidr.clone(), format!("NLB subnet {}", s.id));
    }
    for caller in &plan.vpc_callers {
        match VpcCaller::parse(caller)? {
            VpcCaller::WholeVpc => {
                let vpc = inv
                    .vpcs
                    .iter()
                    .find(|v| v.id == plan.vpc_id)
                    .ok_or_else(|| {
                        format!(
                            "{} is not in the account's inventory: its CIDRs are unknown",
                            plan.vpc_id
                        )
                    })?;
                for cidr in std::iter::once(&vpc.cidr).chain(&vpc.secondary_cidrs) {
                    add(cidr.clone(), format!("callers in {}", vpc.id));
                }
            }
            VpcCaller::Cidr(net) => add(net.trunc().to_string(), "callers in the VPC".into()),
            VpcCaller::Group(g) => add(g, "callers in the VPC".into()),
        }
    }
    Ok(rules)
}
