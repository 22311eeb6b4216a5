//! The apply (and destroy) progress view: one row per step with its state and timing, the AWS
//! calls as `aws` CLI lines, the time taken and the time left, and the result (fixed IPs, DNS
//! names, ids; after a destroy, what stayed) at the end.

use super::{keymap, Cmd};
use crate::engine::timing::{self, Progress};
use crate::engine::{destroy_steps, nodes_for, EngineEvent, Journal, Key, NodeId};
use crate::plan::Plan;

#[derive(Debug, Clone, PartialEq)]
pub enum NodeView {
    Waiting,
    Running {
        since_ms: u64,
        what: Option<String>,
    },
    Done {
        summary: String,
        took_ms: u64,
    },
    /// Nothing to do (destroy: removed with its parent, not this plan's, already gone…).
    Skipped {
        why: String,
    },
    Failed {
        message: String,
        hint: String,
    },
}

/// Apply or destroy (the engine's own word for it).
pub use crate::engine::Operation as Mode;

/// One line of the AWS calls pane: the same call sent again (a wait that retries it) counts up
/// instead of filling the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub text: String,
    pub times: u32,
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
    /// The Elastic IPs the plan allocated (journaled), and whether the account still holds them
    /// (a destroy keeps them unless asked to release them).
    pub eips: Vec<String>,
    pub eips_held: bool,
}

impl ResultView {
    pub fn from_journal(j: &Journal) -> Self {
        let text = |n: NodeId, k: Key| j.data(n, k).map(str::to_string);
        let id = |n: NodeId| j.id_of(n).map(str::to_string);
        Self {
            nlb_dns: text(NodeId::Nlb, Key::Dns),
            fixed_ips: {
                let nlb = j.list(NodeId::Nlb, Key::Addresses);
                if nlb.is_empty() {
                    j.list(NodeId::Eips, Key::Ips)
                } else {
                    nlb
                }
            },
            endpoint_id: id(NodeId::Endpoint),
            endpoint_ips: j.list(NodeId::EndpointReady, Key::Ips),
            endpoint_dns: text(NodeId::EndpointReady, Key::Dns),
            api_id: id(NodeId::Api),
            private_zone: id(NodeId::PrivateZone),
            eips: j.list(NodeId::Eips, Key::Ips),
            eips_held: j.held_eips().is_some(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyView {
    pub plan: Plan,
    pub mode: Mode,
    pub nodes: Vec<(NodeId, NodeView)>,
    pub log: Vec<LogLine>,
    pub log_scroll: u16,
    /// The runner's clock when the run started, and now (it stops when the run ends).
    pub started_ms: u64,
    pub now_ms: u64,
    /// `Some(Ok)` when everything finished, `Some(Err(reason))` when the run stopped.
    pub finished: Option<Result<(), String>>,
    pub result: Option<ResultView>,
    /// Ctrl-C / q during the run: "stop after running steps / abort now / continue".
    pub stop_question: bool,
    /// Stop was asked: running steps finish, no new one starts.
    pub stopping: bool,
    /// `D` pressed: the name must be typed to confirm destroy (`R`: to release the kept Elastic
    /// IPs, `confirm_release`).
    pub destroy_confirm: Option<tui_input::Input>,
    pub confirm_release: bool,
    /// A destroy that releases the Elastic IPs too.
    pub release_eips: bool,
    /// The demo's speed factor (1.0 on AWS): the timing model of the estimate is scaled by it.
    pub time_scale: f64,
}

impl ApplyView {
    pub fn new(plan: Plan, mode: Mode, now_ms: u64) -> Self {
        let steps = match mode {
            Mode::Apply => nodes_for(&plan),
            Mode::Destroy => destroy_steps(&plan, None),
        };
        let nodes = steps.into_iter().map(|n| (n, NodeView::Waiting)).collect();
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
            confirm_release: false,
            release_eips: false,
            time_scale: 1.0,
        }
    }

    /// The estimate's timing model scaled by the demo's speed factor.
    pub fn scaled(mut self, time_scale: f64) -> Self {
        self.time_scale = time_scale;
        self
    }

    /// A destroy that also releases the kept Elastic IPs.
    pub fn releasing_eips(mut self) -> Self {
        self.release_eips = true;
        self
    }

    /// The row of step `n` (a step the engine reports that the view did not list is added: every
    /// step it runs shows).
    fn slot(&mut self, n: NodeId) -> Option<&mut NodeView> {
        if !self.nodes.iter().any(|(id, _)| *id == n) {
            self.nodes.push((n, NodeView::Waiting));
        }
        self.nodes
            .iter_mut()
            .find(|(id, _)| *id == n)
            .map(|(_, v)| v)
    }

    fn log_call(&mut self, text: String) {
        match self.log.last_mut() {
            Some(last) if last.text == text => last.times += 1,
            _ => self.log.push(LogLine { text, times: 1 }),
        }
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
            EngineEvent::Skipped { node, why } => {
                if let Some(v) = self.slot(node) {
                    *v = NodeView::Skipped { why };
                }
            }
            EngineEvent::Failed { node, error } => {
                let hint = error.hint();
                self.log_call(format!("✗ {}: {error}", node.title()));
                if let Some(v) = self.slot(node) {
                    *v = NodeView::Failed {
                        message: error.to_string(),
                        hint,
                    };
                }
            }
            EngineEvent::Call { command, .. } => self.log_call(command),
        }
    }

    /// Steps that ended done or skipped.
    pub fn done_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|(_, v)| matches!(v, NodeView::Done { .. } | NodeView::Skipped { .. }))
            .count()
    }

    /// Time since the run started; it stops when the run ends.
    pub fn elapsed_ms(&self) -> u64 {
        self.now_ms.saturating_sub(self.started_ms)
    }

    /// The time still to run: the critical path of the steps left, from the timing model scaled
    /// by the demo's speed, counting what running steps have already run. `None` when unknown
    /// (finished, stopping, a step failed, nothing running).
    pub fn remaining_ms(&self) -> Option<u64> {
        if !self.running() || self.stopping {
            return None;
        }
        let steps: Vec<(NodeId, Progress)> = self
            .nodes
            .iter()
            .map(|(n, v)| {
                let p = match v {
                    NodeView::Waiting => Progress::Pending,
                    NodeView::Running { since_ms, .. } => Progress::Running {
                        elapsed: std::time::Duration::from_millis(
                            self.now_ms.saturating_sub(*since_ms),
                        ),
                    },
                    NodeView::Done { .. } | NodeView::Skipped { .. } => Progress::Finished,
                    NodeView::Failed { .. } => Progress::Failed,
                };
                (*n, p)
            })
            .collect();
        timing::remaining(self.mode, self.release_eips, &steps, self.time_scale)
            .map(|d| d.as_millis() as u64)
    }

    /// After a destroy that ended: the Elastic IPs the plan allocated are still held (kept).
    pub fn eips_kept(&self) -> bool {
        self.mode == Mode::Destroy
            && matches!(self.finished, Some(Ok(())))
            && self.result.as_ref().is_some_and(|r| r.eips_held)
    }

    pub fn running(&self) -> bool {
        self.finished.is_none()
    }
}

/// The apply screen's keys, read from `keymap::apply`; other keys are typed into the destroy
/// confirmation, when it is open.
pub(super) fn on_key(model: &mut super::Model, key: crossterm::event::KeyEvent) -> Vec<Cmd> {
    use tui_input::backend::crossterm::EventHandler;
    let Some(a) = model.apply.as_mut() else {
        return vec![];
    };
    model.dirty = true;
    match keymap::action(keymap::apply::TABLE, keymap::apply::State::of(a), &key) {
        Some(action) => act(model, action),
        None => {
            if let Some(input) = a.destroy_confirm.as_mut() {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
            vec![]
        }
    }
}

fn act(model: &mut super::Model, action: keymap::apply::Action) -> Vec<Cmd> {
    use keymap::apply::Action::*;
    let Some(a) = model.apply.as_mut() else {
        return vec![];
    };
    match action {
        StopAfterRunning => {
            a.stop_question = false;
            a.stopping = true;
            return vec![Cmd::StopAfterRunning];
        }
        Abort | Quit => model.quit = true,
        Continue => a.stop_question = false,
        AskStop => a.stop_question = true,
        ConfirmDestroy => return confirm_destroy(model),
        CancelConfirm => a.destroy_confirm = None,
        Destroy | ReleaseEips => {
            a.destroy_confirm = Some(tui_input::Input::default());
            a.confirm_release = action == ReleaseEips;
        }
        Retry => return retry(model),
        Verify => {
            let plan = a.plan.clone();
            model.verify = Some(super::verify::VerifyView::new(
                plan.clone(),
                model.clock_ms,
                false,
            ));
            return vec![Cmd::Verify {
                plan: Box::new(plan),
                reregister: false,
            }];
        }
        Back => {
            // Back to the VPC list, read again: it shows what the run made (the new endpoint),
            // with the cursor on the plan's VPC. The choices stay for a new wizard.
            model.apply = None;
            if let Some(w) = model.wizard.take() {
                model.last_draft = Some(w.draft);
            }
            return model.start_discovery();
        }
        // Back through the calls, no further than the first one.
        LogDown => {
            a.log_scroll = a
                .log_scroll
                .saturating_add(5)
                .min(u16::try_from(a.log.len().saturating_sub(1)).unwrap_or(u16::MAX))
        }
        LogUp => a.log_scroll = a.log_scroll.saturating_sub(5),
    }
    vec![]
}

/// Enter on the typed confirmation: the name typed destroys (or releases the Elastic IPs).
fn confirm_destroy(model: &mut super::Model) -> Vec<Cmd> {
    let Some(a) = model.apply.as_mut() else {
        return vec![];
    };
    let typed = a.destroy_confirm.as_ref().map(|i| i.value()).unwrap_or("");
    if typed
        .trim()
        .trim_end_matches('.')
        .eq_ignore_ascii_case(&a.plan.name)
    {
        let plan = a.plan.clone();
        let release = a.confirm_release;
        let view =
            ApplyView::new(plan.clone(), Mode::Destroy, model.clock_ms).scaled(model.time_scale);
        let plan = Box::new(plan);
        if release {
            model.apply = Some(view.releasing_eips());
            return vec![Cmd::ReleaseEips(plan)];
        }
        model.apply = Some(view);
        return vec![Cmd::Destroy(plan)];
    }
    model.flash = Some(format!(
        "type {} exactly to {}",
        a.plan.name,
        if a.confirm_release {
            "release the Elastic IPs"
        } else {
            "destroy"
        }
    ));
    vec![]
}

/// Run the same plan again: the journal makes it resume.
fn retry(model: &mut super::Model) -> Vec<Cmd> {
    let Some(a) = model.apply.as_ref() else {
        return vec![];
    };
    let plan = a.plan.clone();
    let (mode, release) = (a.mode, a.release_eips);
    let mut view = ApplyView::new(plan.clone(), mode, model.clock_ms).scaled(model.time_scale);
    let plan = Box::new(plan);
    let cmd = match mode {
        Mode::Apply => Cmd::Apply(plan),
        Mode::Destroy if release => {
            view = view.releasing_eips();
            Cmd::ReleaseEips(plan)
        }
        Mode::Destroy => Cmd::Destroy(plan),
    };
    model.apply = Some(view);
    vec![cmd]
}
