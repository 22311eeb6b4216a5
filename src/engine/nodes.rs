//! What each step does: look the resource up (journal, then tags/name), create it if absent,
//! wait until it is usable, record what later steps need.

use super::ctx::{
    again_while_passing, cli, client_token, conflict, fail, next_token, once, ours, paced, poll,
    said_gone, tags,
};
use super::graph::depends_on;
use super::journal::{Key, Prior};
use super::{reuses_endpoint, Ctx, EngineError, EngineEvent, Journal, NodeId, NodeStatus};
use crate::cloud::write::{
    AliasRecord, IngressRule, NewEndpoint, NewListener, NewLoadBalancer, RecordAction,
};
use crate::cloud::{execute_api_service, CloudError, CloudResult, ErrorKind};
use crate::domain::{ElasticIp, RecordSet, Tag};
use crate::plan::names::{self, step, TAG_PLAN_ID};
use crate::plan::{ApiChoice, EipChoice, EndpointChoice, PrivateZoneChoice};

pub(super) async fn run(node: NodeId, ctx: &Ctx) -> Result<String, EngineError> {
    let mut gone = None;
    if let Some(rec) = ctx.snapshot().await.record(node) {
        if rec.status == NodeStatus::Done && node_is_stable(node) {
            let id = rec.id.clone().unwrap_or_default();
            if still_there(node, ctx).await {
                return Ok(format!("{id} (already done)"));
            }
            // The account is the truth: what the journal says was made and the account no
            // longer has (deleted by hand, by a teammate) is forgotten and made again.
            said_gone(ctx, node, &id);
            ctx.write(node, |r| {
                r.status = NodeStatus::Removed;
                r.id = None;
            })
            .await?;
            gone = Some(id);
        }
    }
    ctx.emit(EngineEvent::Started(node));
    // Every step looks its resource up before it creates it: one that failed for a passing
    // reason is run again, as a rerun of the apply would.
    let summary = again_while_passing(ctx, node, || step(node, ctx)).await?;
    ctx.write(node, |r| r.status = NodeStatus::Done).await?;
    if gone.is_some() {
        // What was built on the old one is built again on the new one.
        let mut j = ctx.journal.lock().await;
        for d in NodeId::ALL.iter().filter(|d| depends_on(**d, node)) {
            if let Some(r) = j.nodes.get_mut(d) {
                if r.status == NodeStatus::Done {
                    r.status = NodeStatus::Created;
                }
            }
        }
        j.save(&ctx.opts.state_dir)?;
    }
    Ok(match gone {
        Some(old) => format!("{summary} (made again: {old} had been deleted outside fixedip-tui)"),
        None => summary,
    })
}

/// Whether what a done step made is still in the account. A read that fails says "yes": the
/// step is then skipped as before, and a real problem shows in the steps that use it.
async fn still_there(node: NodeId, ctx: &Ctx) -> bool {
    let j = ctx.snapshot().await;
    let id = j.id_of(node).unwrap_or_default().to_string();
    let plan = &ctx.plan;
    let cloud = &ctx.cloud;
    let found: CloudResult<bool> = match node {
        NodeId::Endpoint if reuses_endpoint(plan).is_none() => {
            cloud.describe_vpc_endpoint(&id).await.map(|e| {
                e.is_some_and(|e| {
                    !["deleted", "deleting", "failed", "rejected"]
                        .iter()
                        .any(|s| e.state.eq_ignore_ascii_case(s))
                })
            })
        }
        NodeId::Api if matches!(plan.api, ApiChoice::Create { .. }) => {
            cloud.get_rest_api(&id).await.map(|a| a.is_some())
        }
        NodeId::Deployment => {
            let api = j.id_of(NodeId::Api).unwrap_or_default().to_string();
            cloud
                .get_rest_api(&api)
                .await
                .map(|a| a.is_some_and(|a| a.stages.iter().any(|(s, _)| s == &plan.stage)))
        }
        NodeId::Domain => cloud.get_domain_name(&plan.name).await.map(|d| d.is_some()),
        NodeId::PrivateZone if plan.private_zone == PrivateZoneChoice::Create => {
            match cloud.list_records(&id, &plan.name).await {
                Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
                other => other.map(|_| true),
            }
        }
        NodeId::Mapping => {
            let want = plan.base_path.clone().unwrap_or_else(|| "(none)".into());
            cloud
                .get_base_path_mappings(&plan.name)
                .await
                .map(|m| m.iter().any(|m| m.base_path == want))
        }
        NodeId::TargetGroup if plan.adopt_target_group.is_none() => cloud
            .find_target_group(&plan.target_group_name())
            .await
            .map(|t| t.is_some()),
        NodeId::Nlb if plan.adopt_nlb.is_none() => cloud
            .find_load_balancer(&plan.nlb_name())
            .await
            .map(|l| l.is_some()),
        NodeId::Listener => {
            let lb = j.id_of(NodeId::Nlb).unwrap_or_default().to_string();
            cloud
                .describe_listeners(&lb)
                .await
                .map(|l| l.iter().any(|l| l.port == plan.settings.listener_port))
        }
        NodeId::PublicRecord | NodeId::PrivateRecord => {
            let (zone, target) = if node == NodeId::PublicRecord {
                (plan.public_zone_id.clone(), j.data(NodeId::Nlb, Key::Dns))
            } else {
                (
                    j.id_of(NodeId::PrivateZone).unwrap_or_default().to_string(),
                    j.data(NodeId::EndpointReady, Key::Dns),
                )
            };
            let target = target.unwrap_or_default().trim_end_matches('.').to_string();
            cloud.list_records(&zone, &plan.name).await.map(|r| {
                r.iter().any(|r| {
                    r.alias_target
                        .as_deref()
                        .is_some_and(|t| t.trim_end_matches('.').eq_ignore_ascii_case(&target))
                })
            })
        }
        _ => Ok(true),
    };
    found.unwrap_or(true)
}

async fn step(node: NodeId, ctx: &Ctx) -> Result<String, EngineError> {
    Ok(match node {
        NodeId::VpcDns => vpc_dns(ctx).await?,
        NodeId::EndpointSg => endpoint_sg(ctx).await?,
        NodeId::NlbSg => nlb_sg(ctx).await?,
        NodeId::Endpoint => endpoint(ctx).await?,
        NodeId::EndpointReady => endpoint_ready(ctx).await?,
        NodeId::Api => api(ctx).await?,
        NodeId::Ping => ping(ctx).await?,
        NodeId::Deployment => deployment(ctx).await?,
        NodeId::Domain => domain(ctx).await?,
        NodeId::Mapping => mapping(ctx).await?,
        NodeId::TargetGroup => target_group(ctx).await?,
        NodeId::Targets => targets(ctx).await?,
        NodeId::Nlb => nlb(ctx).await?,
        NodeId::Eips => eips(ctx).await?,
        NodeId::Listener => listener(ctx).await?,
        NodeId::PrivateZone => private_zone(ctx).await?,
        NodeId::PublicRecord => record(ctx, true).await?,
        NodeId::PrivateRecord => record(ctx, false).await?,
    })
}

/// Steps whose "done" cannot drift in a way a rerun must repair (reads that other steps need are
/// redone: endpoint IPs may change when the endpoint is modified; targets follow them; the
/// security groups' rules follow the plan, which may have changed since).
fn node_is_stable(node: NodeId) -> bool {
    !matches!(
        node,
        NodeId::EndpointReady | NodeId::Targets | NodeId::Eips | NodeId::EndpointSg | NodeId::NlbSg
    )
}

async fn vpc_dns(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::VpcDns;
    let vpc = &ctx.plan.vpc_id;
    let (support, hostnames) = ctx
        .cloud
        .vpc_dns_attributes(vpc)
        .await
        .map_err(|e| fail(n, e))?;
    ctx.set_prior(Prior::VpcDns, format!("{support},{hostnames}"))
        .await?;
    ctx.write(n, |r| r.id = Some(vpc.clone())).await?;
    cli(
        ctx,
        n,
        format!(
            "ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-support --enable-dns-hostnames"
        ),
    );
    ctx.cloud
        .set_vpc_dns(
            vpc,
            (!support).then_some(true),
            (!hostnames).then_some(true),
        )
        .await
        .map_err(|e| fail(n, e))?;
    Ok(format!("DNS support and hostnames on in {vpc}"))
}

async fn security_group(
    ctx: &Ctx,
    n: NodeId,
    name: &str,
    what: &str,
    step: &str,
    rules: Vec<IngressRule>,
) -> Result<String, EngineError> {
    let vpc = ctx.plan.vpc_id.clone();
    let known = ctx.snapshot().await.id_of(n).map(str::to_string);
    let mut existing = None;
    if let Some(id) = &known {
        existing = ctx
            .cloud
            .describe_security_group(id)
            .await
            .map_err(|e| fail(n, e))?;
    }
    if existing.is_none() {
        existing = ctx
            .cloud
            .find_security_group(&vpc, name)
            .await
            .map_err(|e| fail(n, e))?;
        if let Some(sg) = &existing {
            if !ours(ctx, &sg.tags) {
                return Err(conflict(n, "ec2:CreateSecurityGroup", format!(
                    "a security group named {name} exists in {vpc} ({}) but is not managed by plan {}: rename or delete it",
                    sg.id, ctx.plan.id
                )));
            }
        }
    }
    let (id, had) = match existing {
        Some(sg) => (sg.id, sg.ingress),
        None => {
            ctx.intend(n).await?;
            cli(ctx, n, format!("ec2 create-security-group --vpc-id {vpc} --group-name {name} --description '{what}'"));
            let sg_tags = tags(ctx, step);
            let id = once(
                ctx,
                n,
                || ctx.cloud.create_security_group(&vpc, name, what, &sg_tags),
                || async {
                    Ok(ctx
                        .cloud
                        .find_security_group(&vpc, name)
                        .await
                        .map_err(|e| fail(n, e))?
                        .filter(|g| ours(ctx, &g.tags))
                        .map(|g| g.id))
                },
            )
            .await?;
            (id, vec![])
        }
    };
    ctx.write(n, |r| {
        r.id = Some(id.clone());
        r.owned = true;
        r.status = NodeStatus::Created;
    })
    .await?;
    let source_flag = |s: &str| {
        if s.starts_with("sg-") {
            format!("--source-group {s}")
        } else {
            format!("--cidr {s}")
        }
    };
    // The group is this plan's alone: the plan is the truth, rules it no longer lists go (a
    // re-plan without in-VPC callers, a narrower allow-list); only what is missing is granted, so
    // a rerun over an unchanged plan sends nothing.
    let stale = rules_not_in(&had, &rules);
    let missing = rules_not_in(&rules, &had);
    let say = |verb: &str, list: &[IngressRule]| {
        for rule in list {
            cli(
                ctx,
                n,
                format!(
                    "ec2 {verb}-security-group-ingress --group-id {id} --protocol tcp --port {} {}",
                    rule.port,
                    source_flag(&rule.source)
                ),
            );
        }
    };
    if !stale.is_empty() {
        say("revoke", &stale);
        ctx.cloud
            .revoke_ingress(&id, &stale)
            .await
            .map_err(|e| fail(n, e))?;
    }
    if !missing.is_empty() {
        say("authorize", &missing);
        ctx.cloud
            .authorize_ingress(&id, &missing)
            .await
            .map_err(|e| fail(n, e))?;
    }
    Ok(format!(
        "{id}: TCP {} from {}{}",
        rules.first().map_or(443, |r| r.port),
        sources(&rules),
        if stale.is_empty() {
            String::new()
        } else {
            format!(" (revoked {})", sources(&stale))
        }
    ))
}

/// The rules of `these` that `those` lacks (same port and source; descriptions aside).
fn rules_not_in(these: &[IngressRule], those: &[IngressRule]) -> Vec<IngressRule> {
    these
        .iter()
        .filter(|r| {
            !those
                .iter()
                .any(|o| o.port == r.port && o.source == r.source)
        })
        .cloned()
        .collect()
}

/// `10.0.0.0/24, sg-…`: the rules' sources in one line.
fn sources(rules: &[IngressRule]) -> String {
    rules
        .iter()
        .map(|r| r.source.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn endpoint_sg(ctx: &Ctx) -> Result<String, EngineError> {
    let rules = crate::plan::names::endpoint_rules(&ctx.plan, &ctx.inv)
        .map_err(|why| conflict(NodeId::EndpointSg, "ec2:AuthorizeSecurityGroupIngress", why))?;
    let name = names::endpoint_sg_name(&ctx.plan);
    security_group(
        ctx,
        NodeId::EndpointSg,
        &name,
        "fixedip-tui: execute-api endpoint, TCP 443 from the NLB subnets and in-VPC callers",
        step::ENDPOINT_SG,
        rules,
    )
    .await
}

async fn nlb_sg(ctx: &Ctx) -> Result<String, EngineError> {
    let rules = names::nlb_rules(&ctx.plan.allow_cidrs, ctx.plan.settings.listener_port);
    let name = names::nlb_sg_name(&ctx.plan);
    security_group(
        ctx,
        NodeId::NlbSg,
        &name,
        "fixedip-tui: NLB, TCP 443 from the caller allow-list",
        step::NLB_SG,
        rules,
    )
    .await
}

async fn endpoint(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Endpoint;
    let snap = ctx.snapshot().await;
    let sg = snap
        .id_of(NodeId::EndpointSg)
        .unwrap_or_default()
        .to_string();
    if let Some(reused) = reuses_endpoint(&ctx.plan) {
        ctx.write(n, |r| {
            r.id = Some(reused.to_string());
            r.owned = false;
            r.set(Key::AddedSecurityGroup, sg.clone());
        })
        .await?;
        cli(
            ctx,
            n,
            format!(
                "ec2 modify-vpc-endpoint --vpc-endpoint-id {reused} --add-security-group-ids {sg}"
            ),
        );
        ctx.cloud
            .add_endpoint_security_groups(reused, std::slice::from_ref(&sg))
            .await
            .map_err(|e| fail(n, e))?;
        return Ok(format!("{reused} (reused; security group {sg} added)"));
    }
    let EndpointChoice::Create { subnet_ids, .. } = &ctx.plan.endpoint else {
        return Ok(String::new());
    };
    let mut found = None;
    if let Some(id) = snap.id_of(n) {
        found = ctx
            .cloud
            .describe_vpc_endpoint(id)
            .await
            .map_err(|e| fail(n, e))?
            .filter(|e| {
                !["deleted", "deleting"]
                    .iter()
                    .any(|s| e.state.eq_ignore_ascii_case(s))
            });
        if found.is_none() {
            said_gone(ctx, n, id);
        }
    }
    if found.is_none() {
        // After a lost answer or on another machine: the plan's tag finds it.
        let tagged = ctx
            .cloud
            .find_vpc_endpoints_by_tag(TAG_PLAN_ID, &ctx.plan.id)
            .await
            .map_err(|e| fail(n, e))?;
        found = tagged.into_iter().find(|e| {
            !["deleting", "deleted", "failed"]
                .iter()
                .any(|g| e.state.eq_ignore_ascii_case(g))
        });
    }
    let ep = match found {
        Some(e) => e,
        None => {
            ctx.intend(n).await?;
            let mut req = NewEndpoint {
                vpc_id: ctx.plan.vpc_id.clone(),
                service_name: execute_api_service(&ctx.plan.region),
                subnet_ids: subnet_ids.clone(),
                security_group_ids: vec![sg.clone()],
                private_dns: true,
                ipv4_addresses: ctx.plan.endpoint_ips.clone(),
                client_token: String::new(),
                tags: tags(ctx, step::ENDPOINT),
            };
            let params = format!(
                "{}|{}|{}|{}|{:?}",
                req.vpc_id,
                req.service_name,
                req.subnet_ids.join(","),
                sg,
                req.ipv4_addresses
            );
            req.client_token = client_token(ctx, n, &params).await?;
            let pinned = if req.ipv4_addresses.is_empty() {
                String::new()
            } else {
                format!(
                    " --subnet-configurations {}",
                    req.ipv4_addresses
                        .iter()
                        .map(|(s, ip)| format!("SubnetId={s},Ipv4={ip}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            };
            cli(ctx, n, format!(
                "ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id {} --service-name {} --subnet-ids {} --security-group-ids {sg} --private-dns-enabled{pinned} --client-token {}",
                req.vpc_id, req.service_name, req.subnet_ids.join(" "), req.client_token
            ));
            let mut made = ctx.cloud.create_vpc_endpoint(&req).await;
            // A token of an endpoint deleted since (the journal that knew was lost): EC2 refuses
            // it (or answers with the deleted endpoint); the next generation creates anew.
            for _ in 0..3 {
                let stale = match &made {
                    Err(e) if e.code.as_deref() == Some("IdempotentParameterMismatch") => true,
                    Ok(ep) => ["deleted", "deleting", "failed"]
                        .iter()
                        .any(|s| ep.state.eq_ignore_ascii_case(s)),
                    Err(_) => false,
                };
                if !stale {
                    break;
                }
                req.client_token = next_token(
                    ctx,
                    n,
                    &req.client_token,
                    "EC2 remembers this client token from an endpoint deleted since",
                )
                .await?;
                made = ctx.cloud.create_vpc_endpoint(&req).await;
            }
            made.map_err(|e| fail(n, e))?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(ep.id.clone());
        r.owned = true;
        r.status = NodeStatus::Created;
    })
    .await?;
    Ok(format!("{} ({})", ep.id, ep.state.to_ascii_lowercase()))
}

async fn endpoint_ready(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::EndpointReady;
    let id = ctx
        .snapshot()
        .await
        .id_of(NodeId::Endpoint)
        .unwrap_or_default()
        .to_string();
    let ep = poll(
        ctx,
        n,
        &format!("{id} to become available"),
        ctx.opts.endpoint_timeout,
        || async {
            match ctx
                .cloud
                .describe_vpc_endpoint(&id)
                .await
                .map_err(|e| fail(n, e))?
            {
                None => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "ec2:DescribeVpcEndpoints",
                        format!("{id} disappeared"),
                    ),
                )),
                Some(e) if e.is_available() => Ok(Some(e)),
                Some(e)
                    if ["failed", "rejected", "deleted", "deleting"]
                        .iter()
                        .any(|s| e.state.eq_ignore_ascii_case(s)) =>
                {
                    Err(fail(
                        n,
                        CloudError::new(
                            ErrorKind::Other,
                            "ec2:DescribeVpcEndpoints",
                            format!("{id} is {}", e.state),
                        ),
                    ))
                }
                Some(_) => Ok(None),
            }
        },
    )
    .await?;
    let ips = ctx
        .cloud
        .interface_ips(&ep.network_interface_ids)
        .await
        .map_err(|e| fail(n, e))?;
    let dns = names::regional_dns_entry(&ep)
        .or(ep.dns_entries.first())
        .cloned();
    let list: Vec<String> = ips.iter().map(|i| i.ip.clone()).collect();
    ctx.write(n, |r| {
        r.id = Some(ep.id.clone());
        r.set(Key::Ips, list.join(","));
        if let Some(d) = &dns {
            r.set(Key::Dns, d.dns_name.clone());
            r.set(Key::DnsZone, d.hosted_zone_id.clone().unwrap_or_default());
        }
    })
    .await?;
    Ok(format!("{} available; IPs {}", ep.id, list.join(", ")))
}

async fn api(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Api;
    let snap = ctx.snapshot().await;
    let vpce = snap.id_of(NodeId::Endpoint).unwrap_or_default().to_string();
    let policy = names::resource_policy_json(&ctx.plan);
    match &ctx.plan.api {
        ApiChoice::Adopt { rest_api_id } => {
            let Some(a) = ctx
                .cloud
                .get_rest_api(rest_api_id)
                .await
                .map_err(|e| fail(n, e))?
            else {
                return Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "apigateway:GET",
                        format!("REST API {rest_api_id} no longer exists"),
                    ),
                ));
            };
            let prior = crate::cloud::write::ApiRestore::from(&a);
            if let Ok(text) = serde_json::to_string(&prior) {
                ctx.set_prior(Prior::Api, text).await?;
            }
            // The deployment each stage served: the new policy takes effect only through a new
            // deployment, and destroy puts the old one back (with the old policy in it).
            if let Ok(text) = serde_json::to_string(&a.stages) {
                ctx.set_prior(Prior::ApiStages, text).await?;
            }
            let mut ids = a.vpc_endpoint_ids.clone();
            if !ids.contains(&vpce) {
                ids.push(vpce.clone());
            }
            ctx.write(n, |r| {
                r.id = Some(rest_api_id.clone());
                r.owned = false;
            })
            .await?;
            cli(ctx, n, format!("apigateway update-rest-api --rest-api-id {rest_api_id} --patch-operations … (PRIVATE, vpcEndpointIds, policy)"));
            paced(ctx, n, || {
                ctx.cloud.make_api_private(rest_api_id, &ids, &policy)
            })
            .await?;
            Ok(format!("{rest_api_id} (adopted, now PRIVATE via {vpce})"))
        }
        ApiChoice::Create { name } => {
            let mut id = None;
            if let Some(known) = snap.id_of(n) {
                let found = ctx
                    .cloud
                    .get_rest_api(known)
                    .await
                    .map_err(|e| fail(n, e))?;
                if found.is_none() {
                    said_gone(ctx, n, known);
                }
                // Bound to an endpoint made again since (the old one was deleted): rebind.
                if let Some(a) = found
                    .as_ref()
                    .filter(|a| !a.vpc_endpoint_ids.contains(&vpce))
                {
                    cli(ctx, n, format!("apigateway update-rest-api --rest-api-id {} --patch-operations … (vpcEndpointIds {vpce})", a.id));
                    paced(ctx, n, || {
                        ctx.cloud
                            .make_api_private(&a.id, std::slice::from_ref(&vpce), &policy)
                    })
                    .await?;
                }
                id = found.map(|a| a.id);
            }
            if id.is_none() {
                let tagged = ctx
                    .cloud
                    .find_rest_apis_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                    .await
                    .map_err(|e| fail(n, e))?;
                id = tagged.into_iter().next().map(|a| a.id);
            }
            let id = match id {
                Some(id) => id,
                None => {
                    ctx.intend(n).await?;
                    cli(ctx, n, format!("apigateway create-rest-api --name {name} --endpoint-configuration types=PRIVATE,vpcEndpointIds={vpce} --policy file://policy.json"));
                    let api_tags = tags(ctx, step::API);
                    once(
                        ctx,
                        n,
                        || {
                            ctx.cloud.create_rest_api(
                                name,
                                std::slice::from_ref(&vpce),
                                &policy,
                                &api_tags,
                            )
                        },
                        || async {
                            Ok(ctx
                                .cloud
                                .find_rest_apis_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                                .await
                                .map_err(|e| fail(n, e))?
                                .into_iter()
                                .next()
                                .map(|a| a.id))
                        },
                    )
                    .await?
                }
            };
            ctx.write(n, |r| {
                r.id = Some(id.clone());
                r.owned = true;
                r.status = NodeStatus::Created;
            })
            .await?;
            // A lost answer the SDK or an earlier run resent may have made a second API with the
            // plan's tag: the journaled one stays, the others go.
            let extras: Vec<String> = ctx
                .cloud
                .find_rest_apis_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                .await
                .map_err(|e| fail(n, e))?
                .into_iter()
                .map(|a| a.id)
                .filter(|other| other != &id)
                .collect();
            for extra in &extras {
                ctx.emit(EngineEvent::Waiting {
                    node: n,
                    what: format!(
                        "deleting {extra}, a second API of this plan left by a lost answer"
                    ),
                });
                cli(
                    ctx,
                    n,
                    format!("apigateway delete-rest-api --rest-api-id {extra}"),
                );
                paced(ctx, n, || ctx.cloud.delete_rest_api(extra)).await?;
            }
            Ok(format!(
                "{id} (PRIVATE, bound to {vpce}){}",
                if extras.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; deleted the extra {} left by a lost answer",
                        extras.join(", ")
                    )
                }
            ))
        }
    }
}

async fn ping(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Ping;
    let api = ctx
        .snapshot()
        .await
        .id_of(NodeId::Api)
        .unwrap_or_default()
        .to_string();
    cli(
        ctx,
        n,
        format!("apigateway put-method --rest-api-id {api} --http-method GET … (MOCK /ping)"),
    );
    // It reads the API's resources before each create: sending it again is safe.
    once(
        ctx,
        n,
        || ctx.cloud.put_ping_method(&api),
        || async { Ok(None) },
    )
    .await?;
    ctx.write(n, |r| r.id = Some(format!("{api}/ping"))).await?;
    Ok("GET /ping → MOCK 200".into())
}

async fn deployment(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Deployment;
    let api = ctx
        .snapshot()
        .await
        .id_of(NodeId::Api)
        .unwrap_or_default()
        .to_string();
    let stage = ctx.plan.stage.clone();
    // A created API that already has the stage (a rerun without the journal) is deployed already;
    // an adopted API always gets a new deployment, since its policy just changed.
    let existing = match ctx.plan.api {
        ApiChoice::Create { .. } => ctx
            .cloud
            .get_rest_api(&api)
            .await
            .map_err(|e| fail(n, e))?
            .and_then(|a| {
                a.stages
                    .into_iter()
                    .find(|(s, _)| s == &stage)
                    .map(|(_, d)| d)
            }),
        ApiChoice::Adopt { .. } => None,
    };
    let dep = match existing {
        Some(d) => d,
        None => {
            cli(
                ctx,
                n,
                format!("apigateway create-deployment --rest-api-id {api} --stage-name {stage}"),
            );
            // The deployment a lost answer made shows as the stage's (new) deployment.
            let before = ctx
                .snapshot()
                .await
                .prior_of(Prior::ApiStages)
                .and_then(|t| serde_json::from_str::<Vec<(String, String)>>(t).ok())
                .and_then(|v| v.into_iter().find(|(s, _)| s == &stage).map(|(_, d)| d));
            once(
                ctx,
                n,
                || ctx.cloud.create_deployment(&api, &stage),
                || async {
                    Ok(ctx
                        .cloud
                        .get_rest_api(&api)
                        .await
                        .map_err(|e| fail(n, e))?
                        .and_then(|a| {
                            a.stages
                                .into_iter()
                                .find(|(s, d)| s == &stage && Some(d) != before.as_ref())
                                .map(|(_, d)| d)
                        }))
                },
            )
            .await?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(dep.clone());
        r.set(Key::Stage, stage.clone());
    })
    .await?;
    Ok(format!("deployment {dep} on stage {stage}"))
}

async fn domain(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Domain;
    let name = ctx.plan.name.clone();
    let d = match ctx.cloud.get_domain_name(&name).await.map_err(|e| fail(n, e))? {
        Some(d) if ours(ctx, &d.tags) => d,
        Some(_) => {
            return Err(conflict(n, "apigateway:POST", format!(
                "the custom domain {name} already exists and is not managed by plan {}: delete it or use another name",
                ctx.plan.id
            )))
        }
        None => {
            ctx.intend(n).await?;
            cli(ctx, n, format!(
                "apigateway create-domain-name --domain-name {name} --regional-certificate-arn {} --endpoint-configuration types=REGIONAL --security-policy {}",
                ctx.plan.certificate_arn, ctx.plan.settings.domain_security_policy
            ));
            let domain_tags = tags(ctx, step::DOMAIN);
            once(
                ctx,
                n,
                || ctx.cloud.create_domain_name(&name, &ctx.plan.certificate_arn, &ctx.plan.settings.domain_security_policy, &domain_tags),
                || async {
                    Ok(ctx
                        .cloud
                        .get_domain_name(&name)
                        .await
                        .map_err(|e| fail(n, e))?
                        .filter(|d| ours(ctx, &d.tags)))
                },
            )
            .await?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(name.clone());
        r.owned = true;
        r.set(Key::RegionalDns, d.regional_dns_name.clone());
    })
    .await?;
    Ok(format!("{name} → {}", d.regional_dns_name))
}

async fn mapping(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Mapping;
    let snap = ctx.snapshot().await;
    let api = snap.id_of(NodeId::Api).unwrap_or_default().to_string();
    let name = ctx.plan.name.clone();
    let base = ctx.plan.base_path.clone();
    let want = base.clone().unwrap_or_else(|| "(none)".into());
    let existing = ctx
        .cloud
        .get_base_path_mappings(&name)
        .await
        .map_err(|e| fail(n, e))?;
    if let Some(m) = existing.iter().find(|m| m.base_path == want) {
        if m.rest_api_id != api || m.stage != ctx.plan.stage {
            return Err(conflict(n, "apigateway:POST", format!(
                "{name}/{} already maps to API {} stage {}: remove that mapping or choose another base path",
                want, m.rest_api_id, m.stage
            )));
        }
    } else {
        cli(ctx, n, format!("apigateway create-base-path-mapping --domain-name {name} --rest-api-id {api} --stage {}", ctx.plan.stage));
        once(
            ctx,
            n,
            || {
                ctx.cloud
                    .create_base_path_mapping(&name, &api, &ctx.plan.stage, base.as_deref())
            },
            || async {
                Ok(ctx
                    .cloud
                    .get_base_path_mappings(&name)
                    .await
                    .map_err(|e| fail(n, e))?
                    .into_iter()
                    .any(|m| {
                        m.base_path == want && m.rest_api_id == api && m.stage == ctx.plan.stage
                    })
                    .then_some(()))
            },
        )
        .await?;
    }
    ctx.write(n, |r| {
        r.id = Some(format!("{name}/{want}"));
        r.owned = true;
    })
    .await?;
    Ok(format!(
        "{name}/{} → {api}:{}",
        base.unwrap_or_default(),
        ctx.plan.stage
    ))
}

async fn target_group(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::TargetGroup;
    let name = ctx.plan.target_group_name();
    let adopted = ctx.plan.adopt_target_group.clone();
    let tg = match ctx
        .cloud
        .find_target_group(&name)
        .await
        .map_err(|e| fail(n, e))?
    {
        Some(tg) if adopted.as_deref() == Some(tg.arn.as_str()) => tg,
        _ if adopted.is_some() => {
            return Err(conflict(
                n,
                "elasticloadbalancing:DescribeTargetGroups",
                format!(
                    "the target group to adopt ({}) was not found: plan again with one that exists",
                    adopted.as_deref().unwrap_or_default()
                ),
            ))
        }
        Some(tg) if ours(ctx, &tg.tags) => tg,
        Some(tg) => {
            return Err(conflict(
                n,
                "elasticloadbalancing:CreateTargetGroup",
                format!(
                    "target group {name} ({}) exists and is not managed by this plan",
                    tg.arn
                ),
            ))
        }
        None => {
            ctx.intend(n).await?;
            cli(ctx, n, format!("elbv2 create-target-group --name {name} --protocol TLS --port 443 --target-type ip --vpc-id {} --health-check-protocol TCP", ctx.plan.vpc_id));
            ctx.cloud
                .create_target_group(&name, &ctx.plan.vpc_id, &tags(ctx, step::TARGET_GROUP))
                .await
                .map_err(|e| fail(n, e))?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(tg.arn.clone());
        r.owned = adopted.is_none();
    })
    .await?;
    Ok(if adopted.is_some() {
        format!("{} (adopted)", tg.arn)
    } else {
        tg.arn
    })
}

async fn targets(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Targets;
    let snap = ctx.snapshot().await;
    let tg = snap
        .id_of(NodeId::TargetGroup)
        .unwrap_or_default()
        .to_string();
    let ips: Vec<String> = snap.list(NodeId::EndpointReady, Key::Ips);
    let current = ctx.cloud.target_health(&tg).await.map_err(|e| fail(n, e))?;
    let stale: Vec<String> = current
        .iter()
        .map(|t| t.ip.clone())
        .filter(|ip| !ips.contains(ip))
        .collect();
    if !stale.is_empty() {
        cli(
            ctx,
            n,
            format!(
                "elbv2 deregister-targets --target-group-arn {tg} --targets {}",
                stale
                    .iter()
                    .map(|i| format!("Id={i}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
        ctx.cloud
            .deregister_targets(&tg, &stale, 443)
            .await
            .map_err(|e| fail(n, e))?;
    }
    cli(
        ctx,
        n,
        format!(
            "elbv2 register-targets --target-group-arn {tg} --targets {}",
            ips.iter()
                .map(|i| format!("Id={i},Port=443"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    ctx.cloud
        .register_targets(&tg, &ips, 443)
        .await
        .map_err(|e| fail(n, e))?;
    ctx.write(n, |r| {
        r.id = Some(tg.clone());
        r.owned = true;
        r.set(Key::Ips, ips.join(","));
    })
    .await?;
    // New targets take minutes to turn healthy: wait up to a bound, then let verify take over.
    let healthy = poll(
        ctx,
        n,
        "targets to turn healthy",
        ctx.opts.health_wait,
        || async {
            let h = ctx.cloud.target_health(&tg).await.map_err(|e| fail(n, e))?;
            let ok = !h.is_empty()
                && ips.iter().all(|ip| {
                    h.iter()
                        .any(|t| &t.ip == ip && t.state.eq_ignore_ascii_case("healthy"))
                });
            Ok(ok.then_some(true))
        },
    )
    .await;
    let ok = match healthy {
        Ok(_) => true,
        Err(EngineError::Timeout { .. }) => false,
        Err(e) => return Err(e),
    };
    ctx.write(n, |r| {
        r.set(Key::Healthy, ok.to_string());
    })
    .await?;
    Ok(if ok {
        format!("{} targets healthy", ips.len())
    } else {
        format!(
            "{} targets registered, still warming up (verify checks them)",
            ips.len()
        )
    })
}

/// `DELETE CNAME x → y, CREATE A x ALIAS z`: a change batch in one line (progress and log).
pub(super) fn describe_batch(batch: &[(RecordAction, RecordSet)]) -> String {
    batch
        .iter()
        .map(|(a, r)| {
            format!(
                "{} {} {} {}",
                a.as_str(),
                r.record_type,
                r.name,
                match &r.alias_target {
                    Some(t) => format!("ALIAS {t}"),
                    None => r.values.join(" "),
                }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `subnet=alloc,…` (journal data of the Elastic IPs step) as a map.
fn allocations_of(j: &Journal) -> std::collections::BTreeMap<String, String> {
    j.data(NodeId::Eips, Key::Allocations)
        .unwrap_or_default()
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One Elastic IP per NLB subnet: the chosen existing ones, or new ones tagged with the plan and
/// the subnet (so a rerun, or an apply after a destroy that kept them, finds the same addresses).
async fn eips(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Eips;
    let subnets = ctx.plan.nlb_subnet_ids.clone();
    let (pairs, owned): (Vec<(String, ElasticIp)>, bool) = match &ctx.plan.eips {
        EipChoice::None => return Ok(String::new()),
        EipChoice::Existing { allocation_ids } => {
            if allocation_ids.len() != subnets.len() {
                return Err(conflict(
                    n,
                    "ec2:DescribeAddresses",
                    format!(
                        "{} Elastic IPs for {} NLB subnets: give one per subnet",
                        allocation_ids.len(),
                        subnets.len()
                    ),
                ));
            }
            let found = ctx
                .cloud
                .describe_addresses(allocation_ids)
                .await
                .map_err(|e| fail(n, e))?;
            let lb_name = ctx.plan.nlb_name();
            let mut pairs = Vec::new();
            for (subnet, alloc) in subnets.iter().zip(allocation_ids) {
                let Some(e) = found.iter().find(|e| &e.allocation_id == alloc) else {
                    return Err(conflict(
                        n,
                        "ec2:DescribeAddresses",
                        format!(
                            "the Elastic IP {alloc} does not exist in {}",
                            ctx.plan.region
                        ),
                    ));
                };
                pairs.push((subnet.clone(), e.clone()));
            }
            // An address already on this plan's NLB (a rerun) is fine; on anything else it is not.
            if let Some(busy) = pairs.iter().find(|(_, e)| e.in_use()) {
                let on_ours = ctx
                    .cloud
                    .find_load_balancer(&lb_name)
                    .await
                    .map_err(|e| fail(n, e))?
                    .is_some_and(|lb| lb.addresses.contains(&busy.1.public_ip));
                if !on_ours {
                    return Err(conflict(
                        n,
                        "ec2:DescribeAddresses",
                        format!(
                            "the Elastic IP {} ({}) is associated with something else",
                            busy.1.allocation_id, busy.1.public_ip
                        ),
                    ));
                }
            }
            (pairs, false)
        }
        EipChoice::New => {
            // What an earlier run gave each subnet (its NLB may already carry them).
            let journaled = allocations_of(&ctx.snapshot().await);
            let mut pairs = Vec::new();
            for subnet in &subnets {
                // Read again before each allocation: an address whose answer was lost (and that
                // the client's retry then duplicated) carries the plan's tag and is used rather
                // than leaked. The subnet's own first, then any of the plan's still unused.
                let mine = ctx
                    .cloud
                    .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                    .await
                    .map_err(|e| fail(n, e))?;
                let unused = |e: &&ElasticIp| {
                    !pairs
                        .iter()
                        .any(|(_, p): &(String, ElasticIp)| p.allocation_id == e.allocation_id)
                };
                let for_subnet = |e: &&ElasticIp| {
                    e.tags
                        .iter()
                        .any(|t| t.key == names::TAG_SUBNET && &t.value == subnet)
                };
                let spare = |e: &&ElasticIp| {
                    // Free, or on this plan's own NLB (a rerun).
                    !e.in_use()
                        || !e
                            .tags
                            .iter()
                            .any(|t| t.key == names::TAG_SUBNET && subnets.contains(&t.value))
                };
                let kept = mine
                    .iter()
                    .filter(unused)
                    .find(|e| journaled.get(subnet) == Some(&e.allocation_id))
                    .or_else(|| {
                        mine.iter()
                            .filter(unused)
                            .filter(|e| !journaled.values().any(|a| a == &e.allocation_id))
                            .find(|e| for_subnet(e) && spare(e))
                    })
                    .or_else(|| {
                        mine.iter()
                            .filter(unused)
                            .filter(|e| !journaled.values().any(|a| a == &e.allocation_id))
                            .find(|e| !e.in_use())
                    });
                let eip = match kept {
                    Some(e) => e.clone(),
                    None => {
                        ctx.intend(n).await?;
                        let mut t = tags(ctx, step::EIP);
                        t.push(Tag {
                            key: names::TAG_SUBNET.into(),
                            value: subnet.clone(),
                        });
                        t.push(Tag {
                            key: "Name".into(),
                            value: format!("{} {}", ctx.plan.name, subnet),
                        });
                        cli(
                            ctx,
                            n,
                            format!(
                                "ec2 allocate-address --domain vpc --tag-specifications 'ResourceType=elastic-ip,Tags=[{{Key={TAG_PLAN_ID},Value={}}},{{Key={},Value={subnet}}}]'",
                                ctx.plan.id,
                                names::TAG_SUBNET
                            ),
                        );
                        let taken: Vec<String> =
                            pairs.iter().map(|(_, p)| p.allocation_id.clone()).collect();
                        let e = once(
                            ctx,
                            n,
                            || ctx.cloud.allocate_address(&t),
                            || async {
                                // The address a lost answer made carries this subnet's tag.
                                Ok(ctx
                                    .cloud
                                    .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                                    .await
                                    .map_err(|e| fail(n, e))?
                                    .into_iter()
                                    .find(|e| {
                                        !e.in_use()
                                            && !taken.contains(&e.allocation_id)
                                            && e.tags.iter().any(|t| {
                                                t.key == names::TAG_SUBNET && &t.value == subnet
                                            })
                                    }))
                            },
                        )
                        .await?;
                        // Journal each address as soon as it exists.
                        let so_far: Vec<String> = pairs
                            .iter()
                            .map(|(s, p): &(String, ElasticIp)| format!("{s}={}", p.allocation_id))
                            .chain(std::iter::once(format!("{subnet}={}", e.allocation_id)))
                            .collect();
                        ctx.write(n, |r| {
                            r.owned = true;
                            r.status = NodeStatus::Created;
                            r.set(Key::Allocations, so_far.join(","));
                        })
                        .await?;
                        e
                    }
                };
                pairs.push((subnet.clone(), eip));
            }
            // Addresses of this plan a lost answer left beside the chosen ones (free, never
            // journaled): released, or they would be billed until someone finds them.
            let chosen: Vec<&str> = pairs
                .iter()
                .map(|(_, e)| e.allocation_id.as_str())
                .collect();
            let extras: Vec<ElasticIp> = ctx
                .cloud
                .find_addresses_by_tag(TAG_PLAN_ID, &ctx.plan.id)
                .await
                .map_err(|e| fail(n, e))?
                .into_iter()
                // Only a second address for a subnet that has its own: one tagged for a subnet
                // the plan no longer uses may be on a partner's allow-list, and stays.
                .filter(|e| {
                    !e.in_use()
                        && !chosen.contains(&e.allocation_id.as_str())
                        && e.tags
                            .iter()
                            .any(|t| t.key == names::TAG_SUBNET && subnets.contains(&t.value))
                })
                .collect();
            for extra in &extras {
                ctx.emit(EngineEvent::Waiting {
                    node: n,
                    what: format!(
                        "releasing {} ({}), an extra Elastic IP of this plan left by a lost answer",
                        extra.public_ip, extra.allocation_id
                    ),
                });
                cli(
                    ctx,
                    n,
                    format!(
                        "ec2 release-address --allocation-id {}",
                        extra.allocation_id
                    ),
                );
                ctx.cloud
                    .release_address(&extra.allocation_id)
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            (pairs, true)
        }
    };
    let allocations: Vec<String> = pairs
        .iter()
        .map(|(s, e)| format!("{s}={}", e.allocation_id))
        .collect();
    let ips: Vec<String> = pairs.iter().map(|(_, e)| e.public_ip.clone()).collect();
    ctx.write(n, |r| {
        r.id = Some(
            pairs
                .iter()
                .map(|(_, e)| e.allocation_id.clone())
                .collect::<Vec<_>>()
                .join(","),
        );
        r.owned = owned;
        r.set(Key::Allocations, allocations.join(","));
        r.set(Key::Ips, ips.join(","));
    })
    .await?;
    Ok(format!(
        "{} ({})",
        ips.join(", "),
        if owned {
            "Elastic IPs of this plan, kept by destroy"
        } else {
            "your Elastic IPs"
        }
    ))
}

async fn nlb(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Nlb;
    let name = ctx.plan.nlb_name();
    let snap = ctx.snapshot().await;
    let sg = snap.id_of(NodeId::NlbSg).unwrap_or_default().to_string();
    let allocation_ids = allocations_of(&snap);
    let eip_ips: Vec<String> = snap.list(NodeId::Eips, Key::Ips);
    let lb = match ctx
        .cloud
        .find_load_balancer(&name)
        .await
        .map_err(|e| fail(n, e))?
    {
        Some(lb) if ctx.plan.adopt_nlb.as_deref() == Some(lb.arn.as_str()) => lb,
        _ if ctx.plan.adopt_nlb.is_some() => {
            return Err(conflict(
                n,
                "elasticloadbalancing:DescribeLoadBalancers",
                format!(
                    "the NLB to adopt ({}) was not found: plan again (`fixedip-tui plan`) with one that exists",
                    ctx.plan.adopt_nlb.as_deref().unwrap_or_default()
                ),
            ))
        }
        // Elastic IPs are fixed at creation: an NLB of this plan made without them never gets them.
        Some(lb)
            if ours(ctx, &lb.tags)
                && !eip_ips.is_empty()
                && !lb.addresses.is_empty()
                && !eip_ips.iter().all(|ip| lb.addresses.contains(ip)) =>
        {
            return Err(conflict(
                n,
                "elasticloadbalancing:CreateLoadBalancer",
                format!(
                    "this plan's NLB {} exists with the addresses {}, not the Elastic IPs {}: an NLB's Elastic IPs are set only when it is created — destroy and apply again for Elastic IPs (the partner must then allow the new IPs), or plan with --eip none to keep this NLB",
                    lb.name,
                    lb.addresses.join(", "),
                    eip_ips.join(", ")
                ),
            ))
        }
        Some(lb) if ours(ctx, &lb.tags) => lb,
        Some(lb) => {
            return Err(conflict(
                n,
                "elasticloadbalancing:CreateLoadBalancer",
                format!(
                    "a load balancer named {name} ({}) exists and is not managed by this plan",
                    lb.arn
                ),
            ))
        }
        None => {
            ctx.intend(n).await?;
            let req = NewLoadBalancer {
                name: name.clone(),
                subnet_ids: ctx.plan.nlb_subnet_ids.clone(),
                allocation_ids,
                security_group_ids: vec![sg.clone()],
                tags: tags(ctx, step::NLB),
            };
            let placement = if req.allocation_ids.is_empty() {
                format!("--subnets {}", req.subnet_ids.join(" "))
            } else {
                format!(
                    "--subnet-mappings {}",
                    req.subnet_ids
                        .iter()
                        .map(|s| match req.allocation_ids.get(s) {
                            Some(a) => format!("SubnetId={s},AllocationId={a}"),
                            None => format!("SubnetId={s}"),
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            };
            cli(ctx, n, format!("elbv2 create-load-balancer --name {name} --type network --scheme internet-facing {placement} --security-groups {sg}"));
            ctx.cloud
                .create_load_balancer(&req)
                .await
                .map_err(|e| fail(n, e))?
        }
    };
    let adopted = ctx.plan.adopt_nlb.is_some();
    ctx.write(n, |r| {
        r.id = Some(lb.arn.clone());
        r.owned = !adopted;
        r.status = NodeStatus::Created;
    })
    .await?;
    // An adopted NLB's attributes are its owner's.
    if !adopted && ctx.plan.settings.cross_zone && lb.cross_zone != Some(true) {
        cli(ctx, n, format!("elbv2 modify-load-balancer-attributes --load-balancer-arn {} --attributes Key=load_balancing.cross_zone.enabled,Value=true", lb.arn));
        ctx.cloud
            .set_cross_zone(&lb.arn, true)
            .await
            .map_err(|e| fail(n, e))?;
    }
    let lb = poll(
        ctx,
        n,
        &format!("{name} to become active"),
        ctx.opts.nlb_timeout,
        || async {
            match ctx
                .cloud
                .find_load_balancer(&name)
                .await
                .map_err(|e| fail(n, e))?
            {
                Some(l) if l.state.eq_ignore_ascii_case("active") => Ok(Some(l)),
                Some(l) if l.state.eq_ignore_ascii_case("failed") => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::Other,
                        "elasticloadbalancing:DescribeLoadBalancers",
                        format!("{name} failed to provision"),
                    ),
                )),
                Some(_) => Ok(None),
                None => Err(fail(
                    n,
                    CloudError::new(
                        ErrorKind::NotFound,
                        "elasticloadbalancing:DescribeLoadBalancers",
                        format!("{name} disappeared"),
                    ),
                )),
            }
        },
    )
    .await?;
    ctx.write(n, |r| {
        r.set(Key::Dns, lb.dns_name.clone());
        r.set(Key::Zone, lb.canonical_hosted_zone_id.clone());
        r.set(Key::Addresses, lb.addresses.join(","));
    })
    .await?;
    Ok(format!(
        "{} active ({})",
        lb.dns_name,
        if lb.addresses.is_empty() {
            "addresses not reported".into()
        } else {
            lb.addresses.join(", ")
        }
    ))
}

async fn listener(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::Listener;
    let snap = ctx.snapshot().await;
    let lb = snap.id_of(NodeId::Nlb).unwrap_or_default().to_string();
    let tg = snap
        .id_of(NodeId::TargetGroup)
        .unwrap_or_default()
        .to_string();
    let port = ctx.plan.settings.listener_port;
    let existing = ctx
        .cloud
        .describe_listeners(&lb)
        .await
        .map_err(|e| fail(n, e))?;
    let mut owned = true;
    let l = match existing.into_iter().find(|l| l.port == port) {
        // An adopted NLB's listener: forward to the plan's target group; destroy puts back the
        // previous target.
        Some(l) if ctx.plan.adopt_nlb.is_some() => {
            owned = snap.record(n).is_some_and(|r| r.owned);
            if l.target_group_arn.as_deref() != Some(tg.as_str()) {
                ctx.set_prior(
                    Prior::ListenerTarget(&l.arn),
                    l.target_group_arn.clone().unwrap_or_default(),
                )
                .await?;
                cli(ctx, n, format!(
                    "elbv2 modify-listener --listener-arn {} --default-actions Type=forward,TargetGroupArn={tg}",
                    l.arn
                ));
                ctx.cloud
                    .set_listener_target(&l.arn, &tg)
                    .await
                    .map_err(|e| fail(n, e))?;
            }
            l
        }
        Some(l) => l,
        None => {
            ctx.intend(n).await?;
            let req = NewListener {
                load_balancer_arn: lb.clone(),
                target_group_arn: tg.clone(),
                port,
                certificate_arn: ctx.plan.certificate_arn.clone(),
                ssl_policy: ctx.plan.settings.ssl_policy.clone(),
                alpn_policy: ctx.plan.settings.alpn_policy.clone(),
                tags: tags(ctx, step::LISTENER),
            };
            cli(ctx, n, format!(
                "elbv2 create-listener --load-balancer-arn {lb} --protocol TLS --port {port} --certificates CertificateArn={} --ssl-policy {} --alpn-policy {} --default-actions Type=forward,TargetGroupArn={tg}",
                req.certificate_arn, req.ssl_policy, req.alpn_policy
            ));
            ctx.cloud
                .create_listener(&req)
                .await
                .map_err(|e| fail(n, e))?
        }
    };
    ctx.write(n, |r| {
        r.id = Some(l.arn.clone());
        r.owned = owned;
    })
    .await?;
    Ok(format!(
        "TLS:{port}, {}, ALPN {}",
        ctx.plan.settings.ssl_policy, ctx.plan.settings.alpn_policy
    ))
}

async fn private_zone(ctx: &Ctx) -> Result<String, EngineError> {
    let n = NodeId::PrivateZone;
    let vpc = ctx.plan.vpc_id.clone();
    let region = ctx.plan.region.clone();
    match &ctx.plan.private_zone {
        PrivateZoneChoice::Existing { zone_id } => {
            cli(ctx, n, format!("route53 associate-vpc-with-hosted-zone --hosted-zone-id {zone_id} --vpc VPCRegion={region},VPCId={vpc}"));
            ctx.cloud
                .associate_vpc(zone_id, &vpc, &region)
                .await
                .map_err(|e| fail(n, e))?;
            ctx.write(n, |r| {
                r.id = Some(zone_id.clone());
                r.owned = false;
            })
            .await?;
            Ok(format!("{zone_id} (existing, associated with {vpc})"))
        }
        PrivateZoneChoice::Create => {
            // Route 53 never accepts a caller reference twice, not even after the zone was
            // deleted: `client_token` gives a new generation after a destroy, the same one on a
            // retry (lost answer).
            ctx.intend(n).await?;
            let params = format!("{}|{vpc}|{region}", ctx.plan.name);
            let mut reference = client_token(ctx, n, &params).await?;
            cli(ctx, n, format!("route53 create-hosted-zone --name {} --vpc VPCRegion={region},VPCId={vpc} --caller-reference {reference} --hosted-zone-config PrivateZone=true", ctx.plan.name));
            let mut made = ctx
                .cloud
                .create_private_zone(&ctx.plan.name, &vpc, &region, &reference)
                .await;
            for _ in 0..3 {
                if !matches!(&made, Err(e) if e.code.as_deref() == Some("HostedZoneAlreadyExists"))
                {
                    break;
                }
                reference = next_token(
                    ctx,
                    n,
                    &reference,
                    "Route 53 remembers this caller reference from a zone deleted since",
                )
                .await?;
                made = ctx
                    .cloud
                    .create_private_zone(&ctx.plan.name, &vpc, &region, &reference)
                    .await;
            }
            let id = made.map_err(|e| fail(n, e))?;
            ctx.write(n, |r| {
                r.id = Some(id.clone());
                r.owned = true;
            })
            .await?;
            Ok(format!("{id} ({}, private, {vpc})", ctx.plan.name))
        }
    }
}

async fn record(ctx: &Ctx, public: bool) -> Result<String, EngineError> {
    let n = if public {
        NodeId::PublicRecord
    } else {
        NodeId::PrivateRecord
    };
    let snap = ctx.snapshot().await;
    let (zone, target, target_zone, evaluate) = if public {
        (
            ctx.plan.public_zone_id.clone(),
            snap.data(NodeId::Nlb, Key::Dns)
                .unwrap_or_default()
                .to_string(),
            snap.data(NodeId::Nlb, Key::Zone)
                .unwrap_or_default()
                .to_string(),
            true,
        )
    } else {
        (
            snap.id_of(NodeId::PrivateZone)
                .unwrap_or_default()
                .to_string(),
            snap.data(NodeId::EndpointReady, Key::Dns)
                .unwrap_or_default()
                .to_string(),
            snap.data(NodeId::EndpointReady, Key::DnsZone)
                .unwrap_or_default()
                .to_string(),
            false,
        )
    };
    // A record replaced by explicit choice is kept for destroy to restore. Read it from the
    // account (not the inventory): the account is the truth, and a rerun must not take our own
    // alias (pointing at `target`) for the record it replaced (`set_prior` keeps the first one).
    let existing = ctx
        .cloud
        .list_records(&zone, &ctx.plan.name)
        .await
        .map_err(|e| fail(n, e))?;
    // Ours: an alias to today's target, or to the target this step wrote before (an endpoint or
    // NLB made again since points elsewhere: our own stale alias is updated, not "replaced").
    let before = snap
        .data(n, Key::AliasTarget)
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_string();
    let is_ours = |r: &RecordSet| {
        r.record_type == "A"
            && r.alias_target.as_deref().is_some_and(|t| {
                let t = t.trim_end_matches('.');
                t.eq_ignore_ascii_case(target.trim_end_matches('.'))
                    || (!before.is_empty() && t.eq_ignore_ascii_case(&before))
            })
    };
    // Every record of the name an alias cannot live beside or would leave stale: a CNAME excludes
    // all other types; another A, or an AAAA (dual-stack clients would keep the old target).
    let replaced: Vec<RecordSet> = existing
        .iter()
        .filter(|r| ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str()) && !is_ours(r))
        .cloned()
        .collect();
    if !replaced.is_empty() && !ctx.plan.replace_records {
        return Err(conflict(
            n,
            "route53:ChangeResourceRecordSets",
            format!(
                "{} {} already exists in zone {zone}: the plan does not replace records (plan again with replace)",
                replaced
                    .iter()
                    .map(|r| r.record_type.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                ctx.plan.name
            ),
        ));
    }
    let rec = AliasRecord {
        zone_id: zone.clone(),
        name: ctx.plan.name.clone(),
        target_dns_name: target.clone(),
        target_zone_id: target_zone.clone(),
        evaluate_target_health: evaluate,
    };
    // Replacing a record moves live traffic the moment it changes: only onto healthy targets.
    if public && !replaced.is_empty() && snap.data(NodeId::Targets, Key::Healthy) != Some("true") {
        let tg = snap
            .id_of(NodeId::TargetGroup)
            .unwrap_or_default()
            .to_string();
        let healthy = poll(
            ctx,
            n,
            "healthy targets before moving the name's traffic to the NLB",
            ctx.opts.health_wait,
            || async {
                let h = ctx.cloud.target_health(&tg).await.map_err(|e| fail(n, e))?;
                Ok(
                    (!h.is_empty() && h.iter().all(|t| t.state.eq_ignore_ascii_case("healthy")))
                        .then_some(()),
                )
            },
        )
        .await;
        match healthy {
            Ok(()) => {}
            Err(EngineError::Timeout { .. }) => {
                return Err(conflict(
                    n,
                    "elasticloadbalancing:DescribeTargetHealth",
                    format!(
                        "the NLB's targets are not healthy yet, so {} still points where it did (its {} is untouched): run apply again once `fixedip-tui verify` shows healthy targets — it resumes here",
                        ctx.plan.name,
                        replaced.iter().map(|r| r.record_type.as_str()).collect::<Vec<_>>().join(" + ")
                    ),
                ))
            }
            Err(e) => return Err(e),
        }
    }
    let change = if replaced.is_empty() {
        cli(ctx, n, format!("route53 change-resource-record-sets --hosted-zone-id {zone} --change-batch 'UPSERT A {} ALIAS {target}'", ctx.plan.name));
        paced(ctx, n, || {
            ctx.cloud.change_alias_record(RecordAction::Upsert, &rec)
        })
        .await?
    } else {
        // Kept for destroy to put back, exactly as read (the first run's: a rerun must not take
        // our own alias for what it replaced).
        if let Ok(text) = serde_json::to_string(&replaced) {
            ctx.set_prior(Prior::Records(&zone), text).await?;
        }
        // One batch, all or none: DELETE what is there exactly as read, then the alias.
        let alias = RecordSet {
            zone_id: zone.clone(),
            name: ctx.plan.name.clone(),
            record_type: "A".into(),
            values: vec![],
            alias_target: Some(target.clone()),
            alias_zone_id: Some(target_zone.clone()),
            evaluate_target_health: evaluate,
            ttl: None,
        };
        // UPSERT, not CREATE, for the alias: the same on AWS after the DELETEs, and moto (which
        // checks CREATE against the records before the batch) accepts it too.
        let mut batch: Vec<(RecordAction, RecordSet)> = replaced
            .iter()
            .map(|r| (RecordAction::Delete, r.clone()))
            .collect();
        batch.push((RecordAction::Upsert, alias));
        cli(
            ctx,
            n,
            format!(
                "route53 change-resource-record-sets --hosted-zone-id {zone} --change-batch '{}'",
                describe_batch(&batch)
            ),
        );
        // Sent again after a lost answer, the DELETEs would fail: the records tell.
        once(
            ctx,
            n,
            || ctx.cloud.change_records(&zone, &batch),
            || async {
                let now = ctx
                    .cloud
                    .list_records(&zone, &ctx.plan.name)
                    .await
                    .map_err(|e| fail(n, e))?;
                let done =
                    now.iter().any(is_ours) && !now.iter().any(|r| replaced.iter().any(|x| x == r));
                Ok(done.then_some(None))
            },
        )
        .await?
    };
    ctx.write(n, |r| {
        r.id = Some(format!("{zone}/{}", ctx.plan.name));
        r.owned = true;
        r.set(Key::AliasTarget, target.clone());
        if let Some(c) = &change {
            r.set(Key::Change, c.clone());
        }
    })
    .await?;
    if let Some(c) = change {
        poll(
            ctx,
            n,
            "Route 53 change to be INSYNC",
            ctx.opts.dns_timeout,
            || async {
                let s = ctx.cloud.change_status(&c).await.map_err(|e| fail(n, e))?;
                Ok(s.eq_ignore_ascii_case("INSYNC").then_some(()))
            },
        )
        .await?;
    }
    Ok(format!("A {} → {target}", ctx.plan.name))
}
