//! The apply engine: a plan becomes a graph of steps (one per resource or change of the SPEC),
//! run as concurrently as their inputs allow, each idempotent (journal → tag/name lookup → create),
//! journaled before and after every call so a rerun resumes. Knows nothing of the terminal: it
//! reports through `EngineEvent`s.
//!
//! Where things live: `graph` (the steps, what each needs, the apply and destroy orders),
//! `resources/<kind>` (each kind of AWS resource: create, wait, check, remove), `ctx` (what every
//! step shares: the journal written ahead, sending calls, waiting), `apply` and `destroy` (the
//! runs), `journal` (the file, its typed keys), `timing` (how long steps take).

// Every function of the engine fits on a screen or two (clippy's default: 100 lines of code).
mod apply;
mod ctx;
mod destroy;
mod graph;
pub mod journal;
pub mod recover;
mod resources;
pub mod timing;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::{Cloud, CloudError, CloudWrite};
use crate::discovery::Inventory;
use crate::plan::Plan;
use ctx::Ctx;
pub use graph::{deps_in, destroy_order, destroy_steps, nodes_for, NodeId};
pub use journal::{Journal, JournalError, Key, NodeRecord, NodeStatus};
pub use resources::reuses_endpoint;
pub use timing::Operation;

/// Everything the engine needs of an account: the read and the write halves.
pub trait Account: Cloud + CloudWrite {}
impl<T: Cloud + CloudWrite + ?Sized> Account for T {}

/// Timings of waits and polls (AWS-like by default; the demo and tests scale them).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub state_dir: PathBuf,
    pub poll_first: Duration,
    pub poll_max: Duration,
    pub endpoint_timeout: Duration,
    pub nlb_timeout: Duration,
    pub dns_timeout: Duration,
    /// Wait this long for targets to turn healthy before saying they are warming up.
    pub health_wait: Duration,
    /// Attempts per node for throttling beyond the SDK's own retries (API Gateway's fixed limits).
    pub throttle_attempts: u32,
    /// Steps in flight at once (1 = the post's sequential order, for comparison).
    pub max_parallel: usize,
    /// Set from outside to stop after the running steps (no new step starts; rerun resumes).
    pub stop: Arc<std::sync::atomic::AtomicBool>,
    /// Destroy releases the Elastic IPs the plan allocated (kept by default: they are what the
    /// partner allow-listed).
    pub release_eips: bool,
    /// How a command the engine prints starts: `fixedip-tui` with the global flags it needs to
    /// work as printed (`--demo`, `--profile`, `--region`…).
    pub command_prefix: String,
}

impl EngineOptions {
    pub fn aws(state_dir: PathBuf) -> Self {
        Self {
            state_dir,
            poll_first: Duration::from_secs(2),
            poll_max: Duration::from_secs(15),
            endpoint_timeout: Duration::from_secs(600),
            nlb_timeout: Duration::from_secs(900),
            dns_timeout: Duration::from_secs(300),
            health_wait: Duration::from_secs(300),
            throttle_attempts: 8,
            max_parallel: usize::MAX,
            stop: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            release_eips: false,
            command_prefix: "fixedip-tui".into(),
        }
    }

    /// Every wait and poll multiplied by `factor` (the demo's compressed time).
    pub fn scaled(mut self, factor: f64) -> Self {
        let f = factor.clamp(0.0001, 100.0);
        for d in [
            &mut self.poll_first,
            &mut self.poll_max,
            &mut self.endpoint_timeout,
            &mut self.nlb_timeout,
            &mut self.dns_timeout,
            &mut self.health_wait,
        ] {
            *d = d.mul_f64(f);
        }
        self
    }
}

/// What the UI (or the line printer) hears.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    /// A node started (or resumed) work.
    Started(NodeId),
    /// A node is waiting for something (what, since when is the receiver's business).
    Waiting {
        node: NodeId,
        what: String,
    },
    /// A node finished; `summary` says what exists now.
    Done {
        node: NodeId,
        summary: String,
    },
    /// A node had nothing to do (destroy: not this plan's, already gone, removed with its
    /// parent…); `why` says which.
    Skipped {
        node: NodeId,
        why: String,
    },
    Failed {
        node: NodeId,
        error: CloudError,
    },
    /// One AWS call that changes the account, as the equivalent `aws` CLI command line (apply's
    /// creates and destroy's removals alike; reads go to the log file only).
    Call {
        node: NodeId,
        command: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{} failed: {error} → {}", node.title(), error.hint())]
    Node { node: NodeId, error: CloudError },
    #[error("{} did not get ready within {waited:?} ({what}); the journal is kept: run apply again to resume", node.title())]
    Timeout {
        node: NodeId,
        what: String,
        waited: Duration,
    },
    #[error("stopped before {0} step(s) could run; run apply again to resume")]
    Stopped(usize),
}

/// The result of a run: every node's record (the journal) and the first failure, if any.
#[derive(Debug)]
pub struct Outcome {
    pub journal: Journal,
    pub failures: Vec<EngineError>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// What a run of the engine does with a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Make what the plan says. Returns when every node is done, or when a failure stopped the
    /// run (running siblings are let finish; their dependents are not started). Rerunning resumes
    /// from the journal.
    Apply,
    /// Delete what the plan created and restore what it changed, in reverse dependency order.
    /// Works from the journal when there is one, and from the plan's tags and derived names
    /// otherwise.
    Destroy,
}

impl Direction {
    /// `Destroy` when `destroy`, else `Apply`.
    pub fn of(destroy: bool) -> Self {
        if destroy {
            Direction::Destroy
        } else {
            Direction::Apply
        }
    }
}

/// Run `plan` in `direction` against the account, events to `events`; the journal and the
/// failures when it ends.
pub async fn run(
    direction: Direction,
    plan: &Plan,
    inv: &Inventory,
    cloud: Arc<dyn Account>,
    opts: EngineOptions,
    events: UnboundedSender<EngineEvent>,
) -> Result<Outcome, EngineError> {
    let ctx = Arc::new(Ctx::new(plan, inv, cloud, opts, events)?);
    let failures = match direction {
        Direction::Apply => apply::run(&ctx).await,
        Direction::Destroy => destroy::run(&ctx).await,
    };
    let journal = ctx.snapshot().await;
    Ok(Outcome { journal, failures })
}
