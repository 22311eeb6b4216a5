//! What the apply names and writes, derived from the plan alone: resource names, tags, the API's
//! resource policy, who may call (as security group rules) and where the kept plan lives. The one
//! place the engine, the review, the export, verify and `allow` read them from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{elb_arn_name, Plan, VpcCaller};
use crate::cloud::write::IngressRule;
use crate::discovery::Inventory;
use crate::domain::{DnsEntry, VpcEndpoint};

/// Tags every created resource carries (besides the plan's own tags).
pub const TAG_MANAGED_BY: &str = "managed-by";
pub const TAG_MANAGED_BY_VALUE: &str = "fixedip-tui";
pub const TAG_PLAN_ID: &str = "fixedip:plan-id";
pub const TAG_STEP: &str = "fixedip:step";

/// Values of the `fixedip:step` tag, one per kind of created resource.
pub mod step {
    pub const ENDPOINT_SG: &str = "endpoint-sg";
    pub const ENDPOINT: &str = "endpoint";
    pub const API: &str = "api";
    pub const STAGE: &str = "stage";
    pub const DOMAIN: &str = "domain";
    pub const TARGET_GROUP: &str = "target-group";
    pub const NLB_SG: &str = "nlb-sg";
    pub const NLB: &str = "nlb";
    pub const LISTENER: &str = "listener";
    pub const PRIVATE_ZONE: &str = "private-zone";
    pub const EIP: &str = "eip";
}

/// Tag of an Elastic IP naming the NLB subnet it is for.
pub const TAG_SUBNET: &str = "fixedip:subnet";

/// Port the endpoint listens on (and the target group sends to).
pub const ENDPOINT_PORT: u16 = 443;

/// The plan's own tags, then the tool's (which win on a clash).
pub fn resource_tags(plan: &Plan, step: &str) -> BTreeMap<String, String> {
    let mut t = plan.tags.clone();
    t.insert(TAG_MANAGED_BY.into(), TAG_MANAGED_BY_VALUE.into());
    t.insert(TAG_PLAN_ID.into(), plan.id.clone());
    t.insert(TAG_STEP.into(), step.into());
    t
}

/// The tags of the Elastic IP for NLB subnet `subnet`: the plan's, its subnet (which the lookup
/// after a lost answer goes by) and a `Name` the console shows.
pub fn eip_tags(plan: &Plan, subnet: &str) -> Vec<(String, String)> {
    let mut t: Vec<(String, String)> = resource_tags(plan, step::EIP).into_iter().collect();
    t.push((TAG_SUBNET.into(), subnet.to_string()));
    t.push(("Name".into(), format!("{} {}", plan.name, subnet)));
    t
}

/// The description of the endpoint's security group.
pub const ENDPOINT_SG_DESCRIPTION: &str =
    "fixedip-tui: execute-api endpoint, TCP 443 from the NLB subnets and in-VPC callers";
/// The description of the NLB's security group.
pub const NLB_SG_DESCRIPTION: &str = "fixedip-tui: NLB, TCP 443 from the caller allow-list";

/// Name of the security group of the endpoint (TCP 443 from the NLB subnets).
pub fn endpoint_sg_name(plan: &Plan) -> String {
    endpoint_sg_name_of(&plan.id)
}

/// Name of the NLB's security group (the caller allow-list).
pub fn nlb_sg_name(plan: &Plan) -> String {
    nlb_sg_name_of(&plan.id)
}

/// `endpoint_sg_name` from the plan id alone (rebuilding a plan from the account).
pub fn endpoint_sg_name_of(plan_id: &str) -> String {
    format!("{plan_id}-vpce-sg")
}

/// `nlb_sg_name` from the plan id alone.
pub fn nlb_sg_name_of(plan_id: &str) -> String {
    format!("{plan_id}-nlb-sg")
}

/// The name of the NLB the plan creates (not adopts), from its id alone.
pub fn own_nlb_name(plan_id: &str) -> String {
    format!("{plan_id}-nlb")
}

/// The name of the target group the plan creates (not adopts), from its id alone.
pub fn own_target_group_name(plan_id: &str) -> String {
    format!("{plan_id}-tg")
}

/// The start of the comment of a private zone the plan created (`fixedip-tui <caller
/// reference>`, the reference starting with `<plan id>-zone-`): its own zone, known without a
/// journal.
pub fn own_zone_comment_prefix(plan_id: &str) -> String {
    format!("fixedip-tui {plan_id}-zone-")
}

/// Where the rules of the endpoint's security group come from, by their description
/// (`endpoint_rules`): an NLB subnet, the whole VPC, or another in-VPC caller.
pub const RULE_NLB_SUBNET: &str = "NLB subnet ";
pub const RULE_WHOLE_VPC: &str = "callers in vpc-";
pub const RULE_VPC_CALLER: &str = "callers in the VPC";

impl Plan {
    /// Names of the resources the apply creates (≤ 32 characters for the NLB and target group).
    /// The adopted one's name (from its ARN) when the plan adopts an NLB.
    pub fn nlb_name(&self) -> String {
        self.adopt_nlb
            .as_deref()
            .and_then(elb_arn_name)
            .unwrap_or_else(|| own_nlb_name(&self.id))
    }
    pub fn target_group_name(&self) -> String {
        self.adopt_target_group
            .as_deref()
            .and_then(elb_arn_name)
            .unwrap_or_else(|| own_target_group_name(&self.id))
    }
}

/// Where `apply` keeps the plan it applied, beside its journal
/// (`<state>/plans/<id>.journal.plan.toml`), so `destroy`, `status`, `verify` and `allow` find it
/// by its id.
pub fn kept_plan_path(state_dir: &Path, plan_id: &str) -> PathBuf {
    state_dir
        .join("plans")
        .join(format!("{plan_id}.journal.plan.toml"))
}

#[derive(Serialize)]
struct PolicyDocument<'a> {
    #[serde(rename = "Version")]
    version: &'a str,
    #[serde(rename = "Statement")]
    statement: Vec<PolicyStatement<'a>>,
}

#[derive(Serialize)]
struct PolicyStatement<'a> {
    #[serde(rename = "Effect")]
    effect: &'a str,
    #[serde(rename = "Principal")]
    principal: &'a str,
    #[serde(rename = "Action")]
    action: &'a str,
    #[serde(rename = "Resource")]
    resource: &'a str,
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    condition: Option<BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>>,
}

/// The API's resource policy: deny `execute-api:Invoke` unless the request came from the plan's
/// VPC (`aws:sourceVpc` = the VPC id, not the endpoint id), allow it otherwise. Pretty-printed.
pub fn resource_policy_json(plan: &Plan) -> String {
    let condition = BTreeMap::from([(
        "StringNotEquals",
        BTreeMap::from([("aws:sourceVpc", plan.vpc_id.as_str())]),
    )]);
    let doc = PolicyDocument {
        version: "2012-10-17",
        statement: vec![
            PolicyStatement {
                effect: "Deny",
                principal: "*",
                action: "execute-api:Invoke",
                resource: "execute-api:/*",
                condition: Some(condition),
            },
            PolicyStatement {
                effect: "Allow",
                principal: "*",
                action: "execute-api:Invoke",
                resource: "execute-api:/*",
                condition: None,
            },
        ],
    };
    // Serialising plain strings and maps cannot fail; an empty string would be caught by the API.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// `resource_policy_json` on one line: what the apply sends (so its `aws` line is one line).
pub fn resource_policy_line(plan: &Plan) -> String {
    serde_json::from_str::<serde_json::Value>(&resource_policy_json(plan))
        .map(|v| v.to_string())
        .unwrap_or_else(|_| resource_policy_json(plan))
}

/// The endpoint's regional DNS entry (`vpce-….execute-api.<region>.vpce.amazonaws.com`), not a
/// zonal one (`vpce-…-<az>.execute-api…`) nor the private DNS names.
pub fn regional_dns_entry(e: &VpcEndpoint) -> Option<&DnsEntry> {
    let vpce: Vec<&DnsEntry> = e
        .dns_entries
        .iter()
        .filter(|d| d.dns_name.contains(".vpce."))
        .collect();
    vpce.iter()
        .find(|d| {
            let first = d.dns_name.split('.').next().unwrap_or_default();
            // Zonal names end their first label with the AZ, e.g. `-us-east-1a`.
            !first.rsplit('-').next().is_some_and(|last| {
                last.len() == 2
                    && last.ends_with(|c: char| c.is_ascii_lowercase())
                    && last.starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .or_else(|| vpce.first())
        .copied()
}

/// Who may call, as security group rules.
///
/// The endpoint's inbound rules: TCP 443 from each NLB subnet (the NLB's private addresses are
/// there) and from the plan's in-VPC callers (the private zone sends them straight here).
pub fn endpoint_rules(plan: &Plan, inv: &Inventory) -> Result<Vec<IngressRule>, String> {
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut add = |source: String, description: String| {
        if !rules.iter().any(|r| r.source == source) {
            rules.push(IngressRule {
                port: ENDPOINT_PORT,
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
        add(s.cidr.clone(), format!("{RULE_NLB_SUBNET}{}", s.id));
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
            VpcCaller::Cidr(net) => add(net.trunc().to_string(), RULE_VPC_CALLER.into()),
            VpcCaller::Group(g) => add(g, RULE_VPC_CALLER.into()),
        }
    }
    Ok(rules)
}

/// The NLB security group's source when the plan has no caller allow-list: the whole internet.
pub const ANYWHERE: &str = "0.0.0.0/0";
/// The description of each rule of the NLB security group.
pub const NLB_RULE_DESCRIPTION: &str = "caller allow-list";

/// A caller CIDR as the NLB security group holds it: host bits cleared (as validation reads it);
/// as written when it does not parse (validation refuses it).
pub fn nlb_caller(cidr: &str) -> String {
    super::validate::check_caller_cidr(cidr)
        .map(|n| n.trunc().to_string())
        .unwrap_or_else(|_| cidr.to_string())
}

/// The NLB security group's inbound rules: TCP on the listener's `port` from each caller CIDR
/// (`nlb_caller`), or from anywhere when there is none.
pub fn nlb_rules(allow_cidrs: &[String], port: u16) -> Vec<IngressRule> {
    let sources: Vec<String> = if allow_cidrs.is_empty() {
        vec![ANYWHERE.into()]
    } else {
        allow_cidrs.iter().map(|c| nlb_caller(c)).collect()
    };
    sources
        .into_iter()
        .map(|source| IngressRule {
            port,
            source,
            description: NLB_RULE_DESCRIPTION.into(),
        })
        .collect()
}

/// Who may call the NLB's listener with the caller allow-list `cidrs` (none: anyone), as said to
/// the user.
pub fn who_can_reach(cidrs: &[String]) -> String {
    if cidrs.is_empty() {
        ANYONE.into()
    } else {
        cidrs.join(", ")
    }
}

/// `who_can_reach` in a JSON document: `ANYONE`, or the list.
pub fn who_can_reach_json(cidrs: &[String]) -> serde_json::Value {
    if cidrs.is_empty() {
        serde_json::json!(ANYONE)
    } else {
        serde_json::json!(cidrs)
    }
}

/// An empty caller allow-list admits anyone.
pub const ANYONE: &str = "the whole internet";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::EndpointChoice;

    fn plan() -> Plan {
        Plan {
            vpc_id: "vpc-0123".into(),
            endpoint: EndpointChoice::Reuse {
                vpc_endpoint_id: "vpce-0abc".into(),
            },
            nlb_subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
            tags: BTreeMap::from([("team".to_string(), "core".to_string())]),
            ..crate::plan::sample_plan(2)
        }
    }

    #[test]
    fn policy_is_json_on_the_vpc_not_the_endpoint() {
        let p = plan();
        let text = resource_policy_json(&p);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(text.contains("vpc-0123"));
        assert!(!text.contains("vpce-0abc"));
        assert_eq!(v["Statement"][0]["Effect"], "Deny");
        assert_eq!(
            v["Statement"][0]["Condition"]["StringNotEquals"]["aws:sourceVpc"],
            "vpc-0123"
        );
        assert_eq!(v["Statement"][0]["Resource"], "execute-api:/*");
        assert_eq!(v["Statement"][1]["Effect"], "Allow");
        assert_eq!(v["Statement"][1]["Action"], "execute-api:Invoke");
        assert!(v["Statement"][1].get("Condition").is_none());
        assert!(text.lines().count() > 5, "pretty-printed");
    }

    #[test]
    fn tags_carry_the_tool_the_plan_and_the_step() {
        let t = resource_tags(&plan(), step::NLB);
        assert_eq!(t["managed-by"], "fixedip-tui");
        assert_eq!(t["fixedip:plan-id"], "fip-0000000001");
        assert_eq!(t["fixedip:step"], "nlb");
        assert_eq!(t["team"], "core");
    }

    #[test]
    fn regional_dns_entry_skips_zonal_and_private_names() {
        let e = VpcEndpoint {
            dns_entries: [
                "vpce-1-ab-us-east-1a.execute-api.us-east-1.vpce.amazonaws.com",
                "execute-api.us-east-1.amazonaws.com",
                "vpce-1-ab.execute-api.us-east-1.vpce.amazonaws.com",
            ]
            .iter()
            .map(|n| DnsEntry {
                dns_name: n.to_string(),
                hosted_zone_id: Some("Z7".into()),
            })
            .collect(),
            ..VpcEndpoint::sample("vpce-1", "vpc-1")
        };
        assert_eq!(
            regional_dns_entry(&e).map(|d| d.dns_name.as_str()),
            Some("vpce-1-ab.execute-api.us-east-1.vpce.amazonaws.com")
        );
    }

    #[test]
    fn nlb_rules_clear_host_bits_and_default_to_anywhere() {
        let r = nlb_rules(&[], 8443);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].port, r[0].source.as_str()), (8443, "0.0.0.0/0"));
        assert_eq!(r[0].description, "caller allow-list");
        let r = nlb_rules(
            &["203.0.113.7/24".into(), "198.51.100.1".into(), "bad".into()],
            443,
        );
        let sources: Vec<&str> = r.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(sources, ["203.0.113.0/24", "198.51.100.1/32", "bad"]);
    }

    #[test]
    fn the_kept_plan_lies_beside_the_journal() {
        let dir = Path::new("/state");
        assert_eq!(
            kept_plan_path(dir, "fip-1"),
            Path::new("/state/plans/fip-1.journal.plan.toml")
        );
        assert_eq!(
            kept_plan_path(dir, "fip-1"),
            crate::engine::Journal::path(dir, "fip-1").with_extension("plan.toml")
        );
    }
}
