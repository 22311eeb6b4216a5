//! How long each step takes, and how long a run still has: the one table of step durations (at
//! AWS's pace, from the model in `cloud::timing` that the simulated account plays out too) and the
//! critical path of the steps still to run, corrected by what was observed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::{deps_in, NodeId};
use crate::cloud::timing::{
    typical as mid, CHANGE_INSYNC, ENDPOINT_DELETE, ENDPOINT_READY, NLB_ENI_RELEASE, NLB_READY,
    TARGET_CHECKS,
};

/// What a run does: create (apply) or remove (destroy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Apply,
    Destroy,
}

/// A step of a few calls and no wait (create a security group and its rules, a REST API, a
/// mapping…): about two seconds on AWS.
const QUICK_MS: u64 = 2_000;
/// A regional custom domain is usable almost at once (SPEC: ≤ 5 s).
const DOMAIN_MS: u64 = 5_000;

/// How long `node` typically takes at AWS's pace (realtime; multiply by the demo's speed
/// factor). `release_eips`: a destroy that also releases the Elastic IPs (it waits for the
/// deleted NLB's network interfaces to let them go).
pub fn typical(node: NodeId, op: Operation, release_eips: bool) -> Duration {
    use NodeId::*;
    let ms = match op {
        Operation::Apply => match node {
            EndpointReady => mid(ENDPOINT_READY),
            Nlb => mid(NLB_READY),
            Targets => mid(TARGET_CHECKS),
            PublicRecord | PrivateRecord => mid(CHANGE_INSYNC),
            Domain => DOMAIN_MS,
            VpcDns | EndpointSg | NlbSg | Endpoint | Api | Ping | Deployment | Mapping
            | TargetGroup | Eips | Listener | PrivateZone => QUICK_MS,
        },
        Operation::Destroy => match node {
            // Removed with their parent (the REST API, the target group, the NLB), or nothing
            // to remove (a read).
            Ping | Deployment | Targets | Listener | EndpointReady => 0,
            Endpoint => mid(ENDPOINT_DELETE),
            Eips if release_eips => mid(NLB_ENI_RELEASE),
            Eips => 0,
            VpcDns | EndpointSg | NlbSg | Api | Domain | Mapping | TargetGroup | Nlb
            | PrivateZone | PublicRecord | PrivateRecord => QUICK_MS,
        },
    };
    Duration::from_millis(ms)
}

/// Where a step is, as the progress screen saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Not started (waiting for its inputs).
    Pending,
    /// Started this long ago.
    Running { elapsed: Duration },
    /// Done or skipped.
    Finished,
    /// Failed: the run stops, what is left is unknown.
    Failed,
}

/// What a running step still needs: its typical length minus what it has run; once it runs
/// longer than typical, half as long again as it has run so far (a wait that overran its model
/// tends to run on), so the estimate goes up as time passes, never below zero.
pub fn left(typical: Duration, elapsed: Duration) -> Duration {
    if elapsed < typical {
        typical - elapsed
    } else {
        elapsed / 2
    }
}

/// The longest chain of unfinished steps (the critical path), in the model's time times `scale`:
/// a step starts when its inputs are done (apply: `NodeId::deps`; destroy: one after the other,
/// in the order given), a running step counts what it has already run.
pub fn critical_path(
    op: Operation,
    release_eips: bool,
    steps: &[(NodeId, Progress)],
    scale: f64,
) -> Duration {
    let scale = if scale.is_finite() {
        scale.max(0.0)
    } else {
        1.0
    };
    let present: BTreeSet<NodeId> = steps.iter().map(|(n, _)| *n).collect();
    let mut order: Vec<(NodeId, Progress)> = steps.to_vec();
    if op == Operation::Apply {
        // Inputs before the steps that need them (`NodeId::ALL` is in that order).
        order.sort_by_key(|(n, _)| NodeId::ALL.iter().position(|a| a == n));
    }
    let mut finish: BTreeMap<NodeId, Duration> = BTreeMap::new();
    let mut previous: Option<NodeId> = None;
    for (node, progress) in &order {
        let inputs: Vec<NodeId> = match op {
            Operation::Apply => deps_in(*node, &present),
            Operation::Destroy => previous.into_iter().collect(),
        };
        let start = inputs
            .iter()
            .filter_map(|d| finish.get(d))
            .max()
            .copied()
            .unwrap_or_default();
        let model = typical(*node, op, release_eips).mul_f64(scale);
        let own = match progress {
            Progress::Finished | Progress::Failed => Duration::ZERO,
            Progress::Pending => model,
            Progress::Running { elapsed } => left(model, *elapsed),
        };
        finish.insert(*node, start + own);
        previous = Some(*node);
    }
    finish.into_values().max().unwrap_or_default()
}

/// The time a run still has, or `None` when it is unknown: a step failed (the run stops), or no
/// step is running (not started yet, or stopping) — a number then would only sit still.
pub fn remaining(
    op: Operation,
    release_eips: bool,
    steps: &[(NodeId, Progress)],
    scale: f64,
) -> Option<Duration> {
    if steps.iter().any(|(_, p)| *p == Progress::Failed)
        || !steps
            .iter()
            .any(|(_, p)| matches!(p, Progress::Running { .. }))
    {
        return None;
    }
    Some(critical_path(op, release_eips, steps, scale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use NodeId::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    /// The steps of a plan that creates everything (no VPC DNS change, new Elastic IPs).
    fn clean() -> Vec<NodeId> {
        NodeId::ALL
            .iter()
            .copied()
            .filter(|n| *n != VpcDns)
            .collect()
    }

    fn all(p: Progress) -> Vec<(NodeId, Progress)> {
        clean().into_iter().map(|n| (n, p)).collect()
    }

    fn set(steps: &mut [(NodeId, Progress)], node: NodeId, p: Progress) {
        for (n, q) in steps.iter_mut() {
            if *n == node {
                *q = p;
            }
        }
    }

    fn running(s: u64) -> Progress {
        Progress::Running { elapsed: S(s) }
    }

    #[test]
    fn a_whole_apply_is_the_nlb_then_its_targets_then_the_public_record() {
        // NLB security group 2 → NLB 180 → listener 2 → targets 180 → public record 35; the
        // endpoint's chain (2 + 2 + 105) joins at the targets well before the listener is there.
        let path = critical_path(Operation::Apply, false, &all(Progress::Pending), 1.0);
        assert_eq!(path, S(2 + 180 + 2 + 180 + 35));
        // The demo's factor scales it (0.05: about 20 s).
        let demo = critical_path(Operation::Apply, false, &all(Progress::Pending), 0.05);
        assert_eq!(demo, Duration::from_millis(19_950));
        // Order does not matter: dependencies do.
        let mut shuffled = all(Progress::Pending);
        shuffled.reverse();
        assert_eq!(critical_path(Operation::Apply, false, &shuffled, 1.0), path);
    }

    #[test]
    fn a_running_step_counts_what_it_has_run_and_the_clock_moves_the_estimate() {
        let mut steps = all(Progress::Finished);
        for n in [Listener, Targets, PublicRecord] {
            set(&mut steps, n, Progress::Pending);
        }
        set(&mut steps, Nlb, running(60));
        let at = |s: u64| {
            let mut st = steps.clone();
            set(&mut st, Nlb, running(s));
            remaining(Operation::Apply, false, &st, 1.0)
        };
        assert_eq!(at(60), Some(S(120 + 2 + 180 + 35)));
        // Every second that passes takes a second off (never a number that sits still)…
        for s in 60..179 {
            let (now, next) = (at(s).unwrap_or_default(), at(s + 1).unwrap_or_default());
            assert_eq!(now - next, S(1), "at {s} s");
        }
        // …and a step that overruns its model pushes the estimate up instead of below zero.
        assert_eq!(at(300), Some(S(150 + 2 + 180 + 35)));
        assert!(at(301) > at(300));
    }

    #[test]
    fn the_longest_branch_wins() {
        let mut steps = all(Progress::Finished);
        for n in [Targets, PublicRecord] {
            set(&mut steps, n, Progress::Pending);
        }
        // The listener is done; the endpoint is still becoming available: the targets wait for it.
        set(&mut steps, EndpointReady, running(5));
        set(&mut steps, PrivateRecord, Progress::Pending);
        assert_eq!(
            remaining(Operation::Apply, false, &steps, 1.0),
            Some(S(100 + 180 + 35))
        );
        // The private record's branch (100 + 35) is shorter than the targets' and does not count.
        set(&mut steps, Targets, Progress::Finished);
        set(&mut steps, PublicRecord, Progress::Finished);
        assert_eq!(
            remaining(Operation::Apply, false, &steps, 1.0),
            Some(S(100 + 35))
        );
    }

    #[test]
    fn destroy_runs_one_step_after_the_other() {
        let order = [
            PublicRecord,
            Nlb,
            Eips,
            TargetGroup,
            Endpoint,
            NlbSg,
            EndpointSg,
        ];
        let steps: Vec<(NodeId, Progress)> =
            order.iter().map(|n| (*n, Progress::Pending)).collect();
        let kept = critical_path(Operation::Destroy, false, &steps, 1.0);
        // Record, NLB, (Elastic IPs kept: nothing), target group, endpoint, both groups.
        assert_eq!(kept, S(2 + 2 + 2 + 60 + 2 + 2));
        // Releasing the Elastic IPs waits for the deleted NLB's network interfaces.
        let released = critical_path(Operation::Destroy, true, &steps, 1.0);
        assert_eq!(released, kept + S(60));
        let mut st = steps.clone();
        st[0].1 = Progress::Finished;
        st[1].1 = Progress::Finished;
        st[2].1 = Progress::Finished;
        st[3].1 = Progress::Finished;
        st[4].1 = running(20);
        assert_eq!(
            remaining(Operation::Destroy, false, &st, 1.0),
            Some(S(40 + 2 + 2))
        );
    }

    #[test]
    fn unknown_is_none() {
        // Nothing running (before the first step starts, or stopping): no number.
        assert_eq!(
            remaining(Operation::Apply, false, &all(Progress::Pending), 1.0),
            None
        );
        // A failed step stops the run.
        let mut steps = all(Progress::Pending);
        set(&mut steps, Nlb, running(10));
        set(&mut steps, EndpointSg, Progress::Failed);
        assert_eq!(remaining(Operation::Apply, false, &steps, 1.0), None);
        // Everything done: nothing left.
        assert_eq!(
            remaining(Operation::Apply, false, &all(Progress::Finished), 1.0),
            None
        );
    }
}
