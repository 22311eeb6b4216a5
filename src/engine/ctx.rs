//! What every step shares: the context it runs in (plan, inventory, account, options, events,
//! the journal written through before and after every call), how it says a call and fails,
//! and how it sends calls (throttling, lost answers, passing failures), waits for the account and
//! keeps its idempotency tokens.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc::UnboundedSender, Mutex};

use super::journal::{Key, Prior};
use super::{
    Account, EngineError, EngineEvent, EngineOptions, Journal, NodeId, NodeRecord, NodeStatus,
};
use crate::cloud::cli::Command;
use crate::cloud::{CloudError, CloudResult, ErrorKind};
use crate::discovery::Inventory;
use crate::domain::Tag;
use crate::plan::names::{self, TAG_PLAN_ID};
use crate::plan::Plan;

// ---- The context every step runs in, and the journal written ahead of every call.

pub(crate) struct Ctx {
    pub plan: Plan,
    pub inv: Inventory,
    pub cloud: Arc<dyn Account>,
    pub opts: EngineOptions,
    pub events: UnboundedSender<EngineEvent>,
    pub journal: Mutex<Journal>,
    /// The steps whose resource a create of this run made (see `made_now`).
    made: std::sync::Mutex<std::collections::BTreeSet<NodeId>>,
}

impl Ctx {
    /// The context of a run of `plan`, with its journal (a fresh one when there is none).
    pub(crate) fn new(
        plan: &Plan,
        inv: &Inventory,
        cloud: Arc<dyn Account>,
        opts: EngineOptions,
        events: UnboundedSender<EngineEvent>,
    ) -> Result<Self, EngineError> {
        let journal = Journal::load_or_new(&opts.state_dir, &plan.id)?;
        Ok(Self {
            plan: plan.clone(),
            inv: inv.clone(),
            cloud,
            opts,
            events,
            journal: Mutex::new(journal),
            made: Default::default(),
        })
    }

    /// `node`'s resource was made by a create of this run (not found, not resumed): what hangs
    /// off it — a stage, a mapping, a record — can only be what this run makes next, so the
    /// steps after it skip the lookups that look for an earlier run's (one call each off the
    /// critical path). A lost answer is still settled by each create's own lookup.
    pub(crate) fn made_now(&self, node: NodeId) {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(node);
    }

    /// Whether a create of this run made `node`'s resource.
    pub(crate) fn is_new(&self, node: NodeId) -> bool {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&node)
    }

    pub(crate) fn emit(&self, e: EngineEvent) {
        let _ = self.events.send(e);
    }

    /// Update a node's record and write the journal through (write-ahead).
    pub(crate) async fn write(
        &self,
        node: NodeId,
        f: impl FnOnce(&mut NodeRecord),
    ) -> Result<(), EngineError> {
        let mut j = self.journal.lock().await;
        let rec = j.nodes.entry(node).or_insert(NodeRecord {
            status: NodeStatus::Started,
            id: None,
            owned: false,
            data: BTreeMap::new(),
        });
        f(rec);
        j.save(&self.opts.state_dir)?;
        Ok(())
    }

    /// Write-ahead intent: this step is about to create its resource (a crash after this point
    /// means "look it up before creating again").
    pub(crate) async fn intend(&self, node: NodeId) -> Result<(), EngineError> {
        self.write(node, |r| {
            r.status = NodeStatus::Started;
            r.owned = true;
        })
        .await
    }

    /// Keep `value`, what the plan is about to change, for destroy to put back (the first one
    /// kept stays: a rerun must not take the plan's own change for what was there before).
    pub(crate) async fn set_prior(&self, key: Prior<'_>, value: String) -> Result<(), EngineError> {
        let mut j = self.journal.lock().await;
        j.prior.entry(key.key()).or_insert(value);
        j.save(&self.opts.state_dir)?;
        Ok(())
    }

    pub(crate) async fn snapshot(&self) -> Journal {
        self.journal.lock().await.clone()
    }
}

// ---- What a step says and how it fails.

/// Say the AWS call about to be sent, as the `aws` CLI command that sends the same request
/// (`cloud::cli` makes it from the values the call sends).
pub(super) fn cli(ctx: &Ctx, node: NodeId, command: &Command) {
    ctx.emit(EngineEvent::Call {
        node,
        command: command.line(&ctx.plan.region),
    });
}

/// Say that `node` failed with `e` (an AWS error as it came; any other as the step's own).
pub(super) fn said_failed(ctx: &Ctx, node: NodeId, e: &EngineError) {
    let error = match e {
        EngineError::Node { error, .. } => error.clone(),
        other => CloudError::new(ErrorKind::Other, node.title(), other.to_string()),
    };
    ctx.emit(EngineEvent::Failed { node, error });
}

/// `node` failed with `error`.
pub(super) fn fail(node: NodeId, error: CloudError) -> EngineError {
    EngineError::Node { node, error }
}

/// A cloud call's error as `node`'s failure: `ctx.cloud.describe_x(id).await.at(n)?`.
pub(super) trait AtNode<T> {
    fn at(self, node: NodeId) -> Result<T, EngineError>;
}

impl<T> AtNode<T> for CloudResult<T> {
    fn at(self, node: NodeId) -> Result<T, EngineError> {
        self.map_err(|error| fail(node, error))
    }
}

/// `node` met something in the account it must not take over or change (`msg` says what to do).
pub(super) fn conflict(node: NodeId, action: &str, msg: String) -> EngineError {
    fail(
        node,
        CloudError::new(ErrorKind::InvalidRequest, action, msg).with_code("Conflict"),
    )
}

/// `what` carries the plan's name but not its tag: it is not this plan's to use or change; `fix`
/// says what the user can do.
pub(super) fn taken(ctx: &Ctx, node: NodeId, action: &str, what: &str, fix: &str) -> EngineError {
    let plan = &ctx.plan.id;
    conflict(
        node,
        action,
        format!("{what} exists and is not managed by plan {plan}: {fix}"),
    )
}

/// Say that what the journal knew as `id` is no longer in the account (and will be made again).
pub(super) fn said_gone(ctx: &Ctx, node: NodeId, id: &str) {
    ctx.emit(EngineEvent::Waiting {
        node,
        what: format!(
            "{id} is gone from the account (deleted outside fixedip-tui): making it again"
        ),
    });
}

// ---- The plan's tags on what a step makes.

/// The tags `step` puts on what it makes (the plan's id, the step, `managed-by`…).
pub(super) fn tags(ctx: &Ctx, step: &str) -> Vec<Tag> {
    names::resource_tags(&ctx.plan, step)
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect()
}

/// Whether `tags` carry this plan's id (what it made, found again in the account).
pub(super) fn ours(ctx: &Ctx, tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == TAG_PLAN_ID && t.value == ctx.plan.id)
}

/// Whether the journal says this plan made `n`'s resource, and it was not removed since.
pub(super) fn owned(j: &Journal, n: NodeId) -> bool {
    j.record(n)
        .is_some_and(|r| r.owned && r.status != NodeStatus::Removed)
}

// ---- Sending a call: throttling waited out, a lost answer resolved, a passing failure run again.

/// The wait the service asked for (API Gateway's `Retry-After` on a 429).
fn retry_hint(e: &CloudError) -> Option<Duration> {
    e.retry_after
}

/// Run `call`, riding out throttling beyond the SDK's retries (API Gateway's fixed account limits:
/// CreateDomainName 1 per 30 s, CreateDeployment 1 per 5 s…), honouring the service's hint.
pub(super) async fn paced<T, F, Fut>(ctx: &Ctx, node: NodeId, mut call: F) -> Result<T, EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CloudResult<T>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e)
                if e.kind == ErrorKind::Throttled && attempt + 1 < ctx.opts.throttle_attempts =>
            {
                attempt += 1;
                let wait = retry_hint(&e)
                    .unwrap_or_else(|| ctx.opts.poll_first.saturating_mul(1 << attempt.min(5)));
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!("throttled by {}: retrying in {}s", e.action, wait.as_secs()),
                });
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(fail(node, e)),
        }
    }
}

/// No answer, or a 5xx: the call may or may not have acted.
fn ambiguous(e: &CloudError) -> bool {
    matches!(e.kind, ErrorKind::Network | ErrorKind::ServerError)
}

/// The answer to a resend of a call that had acted: what it would make exists already.
fn already_exists(e: &CloudError) -> bool {
    let code = e.code.as_deref().unwrap_or_default();
    matches!(
        code,
        "ConflictException"
            | "InvalidGroup.Duplicate"
            | "InvalidPermission.Duplicate"
            | "DuplicateListener"
            | "DuplicateLoadBalancerName"
            | "DuplicateTargetGroupName"
            | "HostedZoneAlreadyExists"
            | "ConflictingDomainExists"
    ) || (code == "InvalidChangeBatch"
        && ["already exists", "not found"]
            .iter()
            .any(|m| e.message.to_ascii_lowercase().contains(m)))
}

/// Send a write that must not act twice (`cloud::idempotency::Once`; the SDK does not resend
/// it). Throttling is waited out (the call was not processed). No answer or a 5xx is ambiguous:
/// `lookup` looks in the account for what the call would have made (by the plan's tag, set in the
/// same call; by name; by the parent's children) and adopts it; only when nothing is there is the
/// call sent again. An "already exists" answer to that resend is resolved by `lookup` too.
pub(super) async fn once<T, F, Fut, L, LFut>(
    ctx: &Ctx,
    node: NodeId,
    mut call: F,
    mut lookup: L,
) -> Result<T, EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CloudResult<T>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = CloudResult<Option<T>>>,
{
    let mut attempt = 0;
    let mut resent = false;
    loop {
        let e = match call().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let more = attempt + 1 < ctx.opts.throttle_attempts;
        if e.kind == ErrorKind::Throttled && more {
            let wait = retry_hint(&e).unwrap_or_else(|| {
                ctx.opts
                    .poll_first
                    .saturating_mul(1 << (attempt + 1).min(5))
            });
            ctx.emit(EngineEvent::Waiting {
                node,
                what: format!("throttled by {}: retrying in {}s", e.action, wait.as_secs()),
            });
            tokio::time::sleep(wait).await;
        } else if (ambiguous(&e) && more) || (resent && already_exists(&e)) {
            ctx.emit(EngineEvent::Waiting {
                node,
                what: format!(
                    "no clear answer from {} ({}): looking in the account for what it may have made",
                    e.action, e.message
                ),
            });
            if let Some(found) = lookup().await.at(node)? {
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!("{} had acted: using what it made", e.action),
                });
                return Ok(found);
            }
            if !ambiguous(&e) {
                return Err(fail(node, e));
            }
            resent = true;
            tokio::time::sleep(ctx.opts.poll_first.saturating_mul(1 << attempt.min(4))).await;
        } else {
            return Err(fail(node, e));
        }
        attempt += 1;
    }
}

/// Run one step (an apply's or a destroy's) again from its start while it fails for a passing
/// reason (throttled, no answer, a 5xx, past the SDK's own retries), as a rerun of the command
/// would: every step reads the account before it acts, so nothing is done twice.
pub(super) async fn again_while_passing<T, F, Fut>(
    ctx: &Ctx,
    node: NodeId,
    mut step: F,
) -> Result<T, EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, EngineError>>,
{
    let mut tries = 0;
    loop {
        match step().await {
            Err(EngineError::Node { error, .. })
                if matches!(
                    error.kind,
                    ErrorKind::Throttled | ErrorKind::Network | ErrorKind::ServerError
                ) && tries + 1 < ctx.opts.throttle_attempts =>
            {
                tries += 1;
                let wait = ctx.opts.poll_first.saturating_mul(1 << tries.min(4));
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!(
                        "{} ({}): running the step again in {}s",
                        error.action,
                        error.message,
                        wait.as_secs()
                    ),
                });
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}

// ---- Waiting for the account: a state to be reached, a deletion to be accepted.

/// Poll `check` until it yields a value, with backoff, up to `timeout`.
pub(super) async fn poll<T, F, Fut>(
    ctx: &Ctx,
    node: NodeId,
    what: &str,
    timeout: Duration,
    mut check: F,
) -> Result<T, EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, EngineError>>,
{
    let start = tokio::time::Instant::now();
    let mut wait = ctx.opts.poll_first;
    ctx.emit(EngineEvent::Waiting {
        node,
        what: what.to_string(),
    });
    loop {
        match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            // A read throttled beyond the SDK's own retries is no reason to give up a wait:
            // keep polling with the backoff (the timeout still bounds it).
            Err(EngineError::Node { error, .. }) if error.kind == ErrorKind::Throttled => {
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!("{what} (throttled by {}: polling slower)", error.action),
                });
                wait = wait.saturating_mul(2).min(ctx.opts.poll_max.max(wait));
            }
            Err(e) => return Err(e),
        }
        if start.elapsed() >= timeout {
            return Err(EngineError::Timeout {
                node,
                what: what.to_string(),
                waited: timeout,
            });
        }
        tokio::time::sleep(wait).await;
        wait = (wait.mul_f64(1.5)).min(ctx.opts.poll_max);
    }
}

/// Retry a deletion that AWS refuses while dependents are still going away
/// (`DependencyViolation`, `ResourceInUse`) or throttles, up to the endpoint timeout (an endpoint's
/// interfaces are the slowest dependents to go). `command` is said before every attempt (each is a
/// call).
pub(super) async fn settle<F, Fut>(
    ctx: &Ctx,
    node: NodeId,
    what: &str,
    command: &Command,
    call: F,
) -> Result<(), EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CloudResult<()>>,
{
    let timeout = ctx.opts.endpoint_timeout;
    settle_also(ctx, node, what, command, timeout, &[], call).await
}

/// `settle`, also waiting out the error codes `also` (what one call answers while it is "not yet").
pub(super) async fn settle_also<F, Fut>(
    ctx: &Ctx,
    node: NodeId,
    what: &str,
    command: &Command,
    timeout: Duration,
    also: &[&str],
    mut call: F,
) -> Result<(), EngineError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CloudResult<()>>,
{
    let start = tokio::time::Instant::now();
    let mut wait = ctx.opts.poll_first;
    loop {
        cli(ctx, node, command);
        match call().await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(()),
            Err(e)
                if (e.kind == ErrorKind::Throttled
                    || matches!(
                        e.code.as_deref(),
                        Some(
                            "DependencyViolation"
                                | "InvalidIPAddress.InUse"
                                | "ResourceInUse"
                                | "PriorRequestNotComplete"
                                | "ConflictException"
                        )
                    )
                    || e.code.as_deref().is_some_and(|c| also.contains(&c)))
                    && start.elapsed() < timeout =>
            {
                ctx.emit(EngineEvent::Waiting {
                    node,
                    what: format!("{what}: {}", e.message),
                });
                tokio::time::sleep(wait).await;
                wait = wait.mul_f64(1.5).min(ctx.opts.poll_max);
            }
            Err(e) => return Err(fail(node, e)),
        }
    }
}

// ---- Idempotency tokens.

/// The idempotency token of `n`'s create (EC2 `ClientToken`, Route 53 `CallerReference`):
/// `<plan>-<step>-<generation>-<hash of the parameters>`. The same token while the attempt is the
/// same (a resend after a lost answer must find what the first send made); a new generation once
/// the step's resource was removed (EC2 and Route 53 remember tokens of deleted resources: EC2
/// answers `IdempotentParameterMismatch`, Route 53 `HostedZoneAlreadyExists`), and a new hash when
/// the parameters changed (a re-plan with other subnets or pinned IPs). Journaled before the call.
pub(super) async fn client_token(
    ctx: &Ctx,
    n: NodeId,
    params: &str,
) -> Result<String, EngineError> {
    let hash = format!("{:08x}", crate::plan::fnv1a(params) & 0xffff_ffff);
    let snap = ctx.snapshot().await;
    let rec = snap.record(n);
    let live = rec.filter(|r| r.status != NodeStatus::Removed);
    let current = live
        .and_then(|r| r.get(Key::ClientToken))
        .filter(|t| t.ends_with(&hash))
        // A journal written before tokens had generations (the private zone's own key).
        .or_else(|| live.and_then(|r| r.get(Key::CallerReference)))
        .map(str::to_string);
    let token = match current {
        Some(t) => t,
        None => {
            let generation = rec
                .and_then(|r| r.get(Key::TokenGeneration))
                .and_then(|g| g.parse::<u32>().ok())
                .map_or(0, |g| g + 1);
            token_of(ctx, n, generation, &hash)
        }
    };
    remember_token(ctx, n, &token).await?;
    Ok(token)
}

fn token_of(ctx: &Ctx, n: NodeId, generation: u32, hash: &str) -> String {
    // EC2 takes at most 64 ASCII characters: `fip-` + 10 hex + step + 2 numbers stays below.
    let step = match n {
        NodeId::PrivateZone => "zone",
        _ => "vpce",
    };
    format!("{}-{step}-{generation}-{hash}", ctx.plan.id)
}

/// Journal `token` (and its generation) as the one `n` sends.
async fn remember_token(ctx: &Ctx, n: NodeId, token: &str) -> Result<(), EngineError> {
    let generation = token
        .rsplit('-')
        .nth(1)
        .and_then(|g| g.parse::<u32>().ok())
        .unwrap_or(0);
    ctx.write(n, |r| {
        r.unset(Key::CallerReference);
        r.set(Key::ClientToken, token);
        r.set(Key::TokenGeneration, generation.to_string());
    })
    .await
}

/// The account remembers `token` from a resource since deleted (a destroy on another machine, a
/// journal lost): move to the next generation and say so.
pub(super) async fn next_token(
    ctx: &Ctx,
    n: NodeId,
    token: &str,
    why: &str,
) -> Result<String, EngineError> {
    let mut parts: Vec<&str> = token.rsplitn(3, '-').collect();
    let hash = parts.first().copied().unwrap_or_default().to_string();
    let generation = parts
        .get(1)
        .and_then(|g| g.parse::<u32>().ok())
        .map_or(1, |g| g + 1);
    parts.clear();
    let next = token_of(ctx, n, generation, &hash);
    ctx.emit(EngineEvent::Waiting {
        node: n,
        what: format!("{why}: sending again with a new token ({next})"),
    });
    remember_token(ctx, n, &next).await?;
    Ok(next)
}
