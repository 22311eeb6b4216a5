//! The steps of an apply and of a destroy: which there are, what each needs, and the orders
//! derived from that (an apply runs a step once its inputs are done; a destroy removes a step
//! once everything that depends on it is gone).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Journal;
use crate::plan::{ApiChoice, Plan};

/// The steps of the apply, in the SPEC's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeId {
    VpcDns,
    EndpointSg,
    NlbSg,
    Endpoint,
    EndpointReady,
    Api,
    Ping,
    Deployment,
    Domain,
    Mapping,
    TargetGroup,
    Targets,
    Nlb,
    Listener,
    PrivateZone,
    PublicRecord,
    PrivateRecord,
    Eips,
}

impl NodeId {
    /// Every step, each after the steps it depends on (`deps`): the progress screen lists them so.
    pub const ALL: [NodeId; 18] = [
        NodeId::VpcDns,
        NodeId::EndpointSg,
        NodeId::NlbSg,
        NodeId::Endpoint,
        NodeId::EndpointReady,
        NodeId::Api,
        NodeId::Ping,
        NodeId::Deployment,
        NodeId::Domain,
        NodeId::Mapping,
        NodeId::TargetGroup,
        NodeId::Eips,
        NodeId::Nlb,
        NodeId::Listener,
        NodeId::Targets,
        NodeId::PrivateZone,
        NodeId::PublicRecord,
        NodeId::PrivateRecord,
    ];

    pub fn title(self) -> &'static str {
        match self {
            NodeId::VpcDns => "VPC DNS attributes",
            NodeId::EndpointSg => "Endpoint security group",
            NodeId::NlbSg => "NLB security group",
            NodeId::Endpoint => "execute-api VPC endpoint",
            NodeId::EndpointReady => "Endpoint available, ENI IPs",
            NodeId::Api => "Private REST API",
            NodeId::Ping => "GET /ping (MOCK)",
            NodeId::Deployment => "Deployment + stage",
            NodeId::Domain => "Custom domain (REGIONAL)",
            NodeId::Mapping => "API mapping",
            NodeId::TargetGroup => "Target group (ip, TLS:443)",
            NodeId::Targets => "Register endpoint IPs",
            NodeId::Nlb => "Network Load Balancer",
            NodeId::Listener => "TLS:443 listener",
            NodeId::PrivateZone => "Private hosted zone",
            NodeId::PublicRecord => "Public A alias → NLB",
            NodeId::PrivateRecord => "Private A alias → endpoint",
            NodeId::Eips => "Elastic IPs (one per AZ)",
        }
    }

    /// The inputs each step needs; the NLB, target group and domain need nothing of the endpoint.
    /// - The API is bound to the endpoint (`vpcEndpointIds`) once it is `available`.
    /// - Targets are registered and waited on once the listener exists: before it, their health
    ///   is `unused` and the wait would only burn its bound.
    /// - The public record moves the name's traffic to the NLB: it waits for the listener,
    ///   healthy targets and the API mapping, so the name never points at a half-built path.
    pub fn deps(self) -> &'static [NodeId] {
        use NodeId::*;
        match self {
            VpcDns | EndpointSg | NlbSg | Domain | TargetGroup | PrivateZone | Eips => &[],
            Endpoint => &[EndpointSg, VpcDns],
            EndpointReady => &[Endpoint],
            Api => &[EndpointReady],
            Ping => &[Api],
            Deployment => &[Api, Ping],
            Mapping => &[Domain, Deployment],
            Targets => &[TargetGroup, EndpointReady, Listener],
            Nlb => &[NlbSg, Eips],
            Listener => &[Nlb, TargetGroup],
            PublicRecord => &[Nlb, Listener, Targets, Mapping],
            PrivateRecord => &[PrivateZone, EndpointReady],
        }
    }

    /// Which of the steps free to go (every step that depends on them gone) destroy removes
    /// first: the names (the public one, then the private one), then the custom domain, then the
    /// NLB's path and the API, then the VPC's own pieces (private zone, endpoint, security groups,
    /// DNS attributes); within a tier the step created last goes first. It only breaks ties:
    /// `destroy_order` never removes a step before one that depends on it, whatever this says.
    fn teardown_tier(self) -> u8 {
        use NodeId::*;
        match self {
            PublicRecord => 0,
            PrivateRecord => 1,
            Mapping | Domain => 2,
            Targets | Listener | Nlb | Eips | TargetGroup | Deployment | Ping | Api => 3,
            PrivateZone | EndpointReady | Endpoint | NlbSg | EndpointSg | VpcDns => 4,
        }
    }
}

/// The nodes a plan needs (VPC DNS only when it changes them; /ping only on a created API).
pub fn nodes_for(plan: &Plan) -> Vec<NodeId> {
    NodeId::ALL
        .iter()
        .copied()
        .filter(|n| match n {
            NodeId::VpcDns => plan.enable_vpc_dns,
            NodeId::Ping => matches!(plan.api, ApiChoice::Create { .. }),
            // An adopted NLB keeps its own security groups and addresses (fixed at its creation).
            NodeId::Eips => plan.eips.is_elastic() && plan.adopt_nlb.is_none(),
            NodeId::NlbSg => plan.adopt_nlb.is_none(),
            _ => true,
        })
        .collect()
}

/// The steps a destroy of `plan` goes through, in `destroy_order`: the plan's steps, and any other
/// step its journal recorded (a plan changed since its apply). Every one of them ends done,
/// skipped (with why) or failed.
pub fn destroy_steps(plan: &Plan, journal: Option<&Journal>) -> Vec<NodeId> {
    let mine = nodes_for(plan);
    destroy_order()
        .into_iter()
        .filter(|n| mine.contains(n) || journal.is_some_and(|j| j.record(*n).is_some()))
        .collect()
}

/// The order destroy removes steps in, derived from `NodeId::deps`: a step goes once every step
/// that depends on it is gone (among those, by `NodeId::teardown_tier`).
pub fn destroy_order() -> Vec<NodeId> {
    let mut order: Vec<NodeId> = Vec::with_capacity(NodeId::ALL.len());
    while order.len() < NodeId::ALL.len() {
        let next = NodeId::ALL
            .iter()
            .copied()
            .filter(|n| !order.contains(n))
            .filter(|n| {
                NodeId::ALL
                    .iter()
                    .all(|d| !d.deps().contains(n) || order.contains(d))
            })
            .min_by_key(|n| {
                let created = NodeId::ALL.iter().position(|a| a == n);
                (n.teardown_tier(), std::cmp::Reverse(created))
            });
        // `deps` has no cycle (every step comes after its dependencies in `ALL`; a test checks
        // it), so some step is always free to go.
        let Some(next) = next else { break };
        order.push(next);
    }
    order
}

/// Dependencies restricted to the nodes present.
pub fn deps_in(node: NodeId, present: &BTreeSet<NodeId>) -> Vec<NodeId> {
    node.deps()
        .iter()
        .copied()
        .filter(|d| present.contains(d))
        .collect()
}

/// Whether `node` needs `of`, directly or through other steps.
pub(crate) fn depends_on(node: NodeId, of: NodeId) -> bool {
    node.deps().iter().any(|d| *d == of || depends_on(*d, of))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_comes_after_the_steps_it_depends_on() {
        for (at, n) in NodeId::ALL.iter().enumerate() {
            for d in n.deps() {
                let dep_at = NodeId::ALL.iter().position(|x| x == d);
                assert!(
                    dep_at < Some(at),
                    "{n:?} is listed before {d:?}, which it needs"
                );
            }
        }
    }

    #[test]
    fn destroy_removes_every_step_before_the_steps_it_depends_on() {
        let order = destroy_order();
        let mut seen = BTreeSet::new();
        for n in &order {
            assert!(seen.insert(*n), "{n:?} twice");
            for d in n.deps() {
                let (at, dep_at) = (
                    order.iter().position(|x| x == n),
                    order.iter().position(|x| x == d),
                );
                assert!(
                    at < dep_at,
                    "{n:?} must go before {d:?}, which it depends on"
                );
            }
        }
        assert_eq!(seen.len(), NodeId::ALL.len(), "every step has its place");
    }
}
