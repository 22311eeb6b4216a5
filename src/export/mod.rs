//! Export a plan as infrastructure code, so a team can hand the setup to CloudFormation /
//! StackSets. Pure: a plan in, text out; no AWS access.

mod cloudformation;
mod shell;
pub mod yaml;

pub use cloudformation::{
    cloudformation, LOOKUP_CONDITION, LOOKUP_RESOURCES, PARAM_ENDPOINT_IPS, TAG_EXPORTED_FROM,
};

pub use shell::{shell, shell_destroy};

/// Why a plan cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("the plan has no NLB subnets: plan again (`fixedip-tui plan --out plan.toml`) and choose one public subnet per endpoint AZ")]
    NoNlbSubnets,
    #[error("the plan creates an endpoint but lists no endpoint subnets: plan again and choose private subnets in two or more AZs")]
    NoEndpointSubnets,
    #[error("the plan has no name: plan again with `--name api.example.com`")]
    NoName,
    #[error("the plan's stage name is empty: plan again with `--stage prod`")]
    NoStage,
    #[error("the plan adopts an existing NLB or target group, which a stack cannot take over (CloudFormation manages only what it creates): export a plan that creates them (plan without --adopt-nlb / --adopt-target-group), or keep `fixedip-tui apply` for this one")]
    Adopts,
    #[error("the plan adopts an existing NLB or target group, which the script does not do (it makes what it finds by the plan's own names): export a plan that creates them, or keep `fixedip-tui apply` for this one")]
    ScriptAdopts,
    #[error("the plan replaces the name's existing records, which the script does not do (the tool reads them and swaps them in one change batch, and destroy puts them back): remove them first and plan without replacing, or keep `fixedip-tui apply` for this one")]
    ScriptReplaces,
    #[error("the plan's in-VPC callers do not parse ({0}): plan again with `--vpc-callers`")]
    BadCaller(String),
}
