//! What exists in the simulated account for a plan, counted from the account's own state (not
//! the engine's journal): the census the engine tests compare with "one of each" and "nothing".

use fixedip_tui::cloud::sim::SimCloud;
use fixedip_tui::cloud::CloudWrite;
use fixedip_tui::plan::Plan;

/// What exists in the account for this plan, counted from the account's own state.
#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub security_groups: usize,
    pub endpoints: usize,
    pub apis: usize,
    pub domains: usize,
    pub target_groups: usize,
    pub load_balancers: usize,
    pub listeners: usize,
    pub private_zones: usize,
    pub records: usize,
    /// Elastic IPs carrying the plan's tag.
    pub elastic_ips: usize,
}

pub async fn counts(sim: &SimCloud, p: &Plan) -> Counts {
    let tagged = |tags: &[fixedip_tui::domain::Tag]| {
        tags.iter()
            .any(|t| t.key == "fixedip:plan-id" && t.value == p.id)
    };
    let eps = sim
        .find_vpc_endpoints_by_tag("fixedip:plan-id", &p.id)
        .await
        .expect("endpoints");
    let apis = sim
        .find_rest_apis_by_tag("fixedip:plan-id", &p.id)
        .await
        .expect("apis");
    let domain = sim.get_domain_name(&p.name).await.expect("domain");
    let lb = sim.find_load_balancer(&p.nlb_name()).await.expect("lb");
    let listeners = match &lb {
        Some(lb) => sim
            .describe_listeners(&lb.arn)
            .await
            .expect("listeners")
            .len(),
        None => 0,
    };
    sim.with_account(|a| Counts {
        elastic_ips: a.elastic_ips.iter().filter(|e| tagged(&e.tags)).count(),
        security_groups: a.security_groups.iter().filter(|g| tagged(&g.tags)).count(),
        endpoints: eps
            .iter()
            .filter(|e| !e.state.eq_ignore_ascii_case("deleted"))
            .count(),
        apis: apis.len(),
        domains: usize::from(domain.is_some()),
        target_groups: a
            .target_groups
            .iter()
            .filter(|t| t.group.name == p.target_group_name())
            .count(),
        load_balancers: a
            .load_balancers
            .iter()
            .filter(|l| l.lb.name == p.nlb_name())
            .count(),
        listeners,
        private_zones: a
            .hosted_zones
            .iter()
            .filter(|z| z.private && z.name == p.name)
            .count(),
        records: a
            .record_sets
            .iter()
            .filter(|r| r.name == p.name && r.alias_target.is_some())
            .count(),
    })
}

pub const ONE_OF_EACH: Counts = Counts {
    security_groups: 2,
    endpoints: 1,
    apis: 1,
    domains: 1,
    target_groups: 1,
    load_balancers: 1,
    listeners: 1,
    private_zones: 1,
    records: 2,
    elastic_ips: 0,
};

pub const NOTHING: Counts = Counts {
    security_groups: 0,
    endpoints: 0,
    apis: 0,
    domains: 0,
    target_groups: 0,
    load_balancers: 0,
    listeners: 0,
    private_zones: 0,
    records: 0,
    elastic_ips: 0,
};
