//! What exists in the simulated account for a plan, counted from the account's own state (not
//! the engine's journal): the census the engine tests compare with "one of each" and "nothing".

use fixedip_tui::cloud::sim::SimCloud;
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

/// Read straight from the account's state: no call, so no injected fault and no call logged.
pub async fn counts(sim: &SimCloud, p: &Plan) -> Counts {
    let tagged = |tags: &[fixedip_tui::domain::Tag]| {
        tags.iter()
            .any(|t| t.key == "fixedip:plan-id" && t.value == p.id)
    };
    sim.with_account(|a| {
        let lbs: Vec<&str> = a
            .load_balancers
            .iter()
            .filter(|l| l.lb.name == p.nlb_name())
            .map(|l| l.lb.arn.as_str())
            .collect();
        Counts {
            elastic_ips: a.elastic_ips.iter().filter(|e| tagged(&e.tags)).count(),
            security_groups: a.security_groups.iter().filter(|g| tagged(&g.tags)).count(),
            endpoints: a
                .vpc_endpoints
                .iter()
                .filter(|e| tagged(&e.tags) && !e.state.eq_ignore_ascii_case("deleted"))
                .count(),
            apis: a
                .rest_apis
                .iter()
                .filter(|r| a.api_info.get(&r.id).is_some_and(|i| tagged(&i.tags)))
                .count(),
            domains: a.domain_names.iter().filter(|d| d.name == p.name).count(),
            target_groups: a
                .target_groups
                .iter()
                .filter(|t| t.group.name == p.target_group_name())
                .count(),
            load_balancers: lbs.len(),
            listeners: a
                .listeners
                .iter()
                .filter(|l| lbs.contains(&l.load_balancer_arn.as_str()))
                .count(),
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
        }
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
