//! The VPC's DNS attributes (support and hostnames): turned on by the apply when the plan says
//! so, put back as they were by destroy.

use super::super::ctx::{cli, AtNode};
use super::super::journal::Prior;
use super::super::{Ctx, EngineError, NodeId};
use super::skip;
use super::Removal::{self, Done};
use crate::cloud::cli::{self as aws, VpcDnsAttribute};

/// Turn on the VPC's DNS support and hostnames (the endpoint's private DNS needs both), keeping
/// what they were for destroy to put back.
pub(super) async fn create(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::VpcDns;
    let vpc = &ctx.plan.vpc_id;
    let (support, hostnames) = ctx.cloud.vpc_dns_attributes(vpc).await.at(n)?;
    ctx.set_prior(Prior::VpcDns, format!("{support},{hostnames}"))
        .await?;
    ctx.write(n, |r| r.id = Some(vpc.clone())).await?;
    // One attribute a call, support first: hostnames need it.
    if !support {
        cli(
            ctx,
            n,
            &aws::set_vpc_dns(vpc, VpcDnsAttribute::Support, true),
        );
        ctx.cloud.set_vpc_dns(vpc, Some(true), None).await.at(n)?;
    }
    if !hostnames {
        cli(
            ctx,
            n,
            &aws::set_vpc_dns(vpc, VpcDnsAttribute::Hostnames, true),
        );
        ctx.cloud.set_vpc_dns(vpc, None, Some(true)).await.at(n)?;
    }
    Ok(format!("DNS support and hostnames on in {vpc}"))
}

/// Put the VPC's DNS attributes back as they were before the apply.
pub(super) async fn remove(ctx: &Ctx) -> Result<Removal, EngineError> {
    let n = NodeId::VpcDns;
    let j = ctx.snapshot().await;
    let plan = &ctx.plan;
    let Some(prior) = j.prior_of(Prior::VpcDns) else {
        return skip("this plan did not change the VPC's DNS attributes");
    };
    let mut it = prior.split(',').map(|v| v == "true");
    let (support, hostnames) = (it.next().unwrap_or(true), it.next().unwrap_or(true));
    // Hostnames off first: AWS refuses DNS support off while hostnames are on.
    if !hostnames {
        cli(
            ctx,
            n,
            &aws::set_vpc_dns(&plan.vpc_id, VpcDnsAttribute::Hostnames, false),
        );
        ctx.cloud
            .set_vpc_dns(&plan.vpc_id, None, Some(false))
            .await
            .at(n)?;
    }
    if !support {
        cli(
            ctx,
            n,
            &aws::set_vpc_dns(&plan.vpc_id, VpcDnsAttribute::Support, false),
        );
        ctx.cloud
            .set_vpc_dns(&plan.vpc_id, Some(false), None)
            .await
            .at(n)?;
    }
    Ok(Done(format!(
        "DNS attributes of {} restored (support {support}, hostnames {hostnames})",
        plan.vpc_id
    )))
}
