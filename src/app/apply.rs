//! The apply (and destroy) progress view: one row per step with its state and timing, the AWS
//! calls as `aws` CLI lines, and the result (fixed IPs, DNS names, ids) at the end.

use crate::engine::{nodes_for, EngineEvent, Journal, NodeId};
use crate::plan::Plan;

#[derive(Debug, Clone, PartialEq)]
pub enum NodeView {
    Waiting,
    Running { since_ms: u64, what: Option<String> },
    Done { summary: String, took_ms: u64 },
    Failed { message: String, hint: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Destroy,
}

/// What the result screen shows, read from the journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultView {
    pub nlb_dns: Option<String>,
    pub fixed_ips: Vec<String>,
    pub endpoint_id: Option<String>,
    pub endpoint_ips: Vec<String>,
    pub endpoint_dns: Option<String>,
    pub api_id: Option<String>,
    pub private_zone: Option<String>,
}

impl ResultView {
    pub fn from_journal(j: &Journal) -> Self {
        let list = |n: NodeId, k: &str| j.list(n, k);
        Self {
            nlb_dns: j.data(NodeId::Nlb, "dns").map(str::to_string),
            fixed_ips: {
                let nlb = list(NodeId::Nlb, "addresses");
                if nlb.is_empty() {
                    list(NodeId::Eips, "ips")
                } else {
                    nlb
                }
            },
            endpoint_id: j.id_of(NodeId::Endpoint).map(str::to_string),
            endpoint_ips: list(NodeId::EndpointReady, "ips"),
            endpoint_dns: j.data(NodeId::EndpointReady, "dns").map(str::to_string),
            api_id: j.id_of(NodeId::Api).map(str::to_string),
            private_zone: j.id_of(NodeId::PrivateZone).map(str::to_string),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyView {
    pub plan: Plan,
    pub mode: Mode,
    pub nodes: Vec<(NodeId, NodeView)>,
    pub log: Vec<String>,
    pub log_scroll: u16,
    pub started_ms: u64,
    pub now_ms: u64,
    /// `Some(Ok)` when everything finished, `Some(Err(reason))` when the run stopped.
    pub finished: Option<Result<(), String>>,
    pub result: Option<ResultView>,
    /// Ctrl-C / q during the run: "stop after running steps / abort now / continue".
    pub stop_question: bool,
    /// Stop was asked: running steps finish, no new one starts.
    pub stopping: bool,
    /// `D` pressed: the name must be typed to confirm destroy.
    pub destroy_confirm: Option<tui_input::Input>,
}

impl ApplyView {
    pub fn new(plan: Plan, mode: Mode, now_ms: u64) -> Self {
        let mut nodes: Vec<(NodeId, NodeView)> = nodes_for(&plan)
            .into_iter()
            .map(|n| (n, NodeView::Waiting))
            .collect();
        if mode == Mode::Destroy {
            nodes.reverse();
        }
        Self {
            plan,
            mode,
            nodes,
            log: vec![],
            log_scroll: 0,
            started_ms: now_ms,
            now_ms,
            finished: None,
            result: None,
            stop_question: false,
            stopping: false,
            destroy_confirm: None,
        }
    }

    fn slot(&mut self, n: NodeId) -> Option<&mut NodeView> {
        self.nodes
            .iter_mut()
            .find(|(id, _)| *id == n)
            .map(|(_, v)| v)
    }

    pub fn on_event(&mut self, at_ms: u64, event: EngineEvent) {
        self.now_ms = self.now_ms.max(at_ms);
        match event {
            EngineEvent::Started(n) => {
                if let Some(v) = self.slot(n) {
                    *v = NodeView::Running {
                        since_ms: at_ms,
                        what: None,
                    };
                }
            }
            EngineEvent::Waiting { node, what } => {
                if let Some(v) = self.slot(node) {
                    let since = match v {
                        NodeView::Running { since_ms, .. } => *since_ms,
                        _ => at_ms,
                    };
                    *v = NodeView::Running {
                        since_ms: since,
                        what: Some(what),
                    };
                }
            }
            EngineEvent::Done { node, summary } => {
                if let Some(v) = self.slot(node) {
                    let took = match v {
                        NodeView::Running { since_ms, .. } => at_ms.saturating_sub(*since_ms),
                        _ => 0,
                    };
                    *v = NodeView::Done {
                        summary,
                        took_ms: took,
                    };
                }
            }
            EngineEvent::Failed { node, error } => {
                let hint = error.hint();
                self.log.push(format!("✗ {}: {error}", node.title()));
                if let Some(v) = self.slot(node) {
                    *v = NodeView::Failed {
                        message: error.to_string(),
                        hint,
                    };
                }
            }
            EngineEvent::Call { command, .. } => self.log.push(command),
        }
    }

    pub fn done_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|(_, v)| matches!(v, NodeView::Done { .. }))
            .count()
    }

    pub fn running(&self) -> bool {
        self.finished.is_none()
    }
}
