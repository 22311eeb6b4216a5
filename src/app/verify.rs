//! The verify screen's state: the checklist filling in as checks start and end, then the report,
//! and the handout built from the plan and the report (no extra account read).

use super::{keymap, Cmd};
use crate::plan::Plan;
use crate::verify::handout::IpKind;
use crate::verify::{Check, CheckState, Counts, Report};

#[derive(Debug, Clone)]
pub struct VerifyView {
    pub plan: Plan,
    /// In order of first appearance (the runner announces the account checks first).
    pub checks: Vec<Check>,
    pub report: Option<Report>,
    pub started_ms: u64,
    pub now_ms: u64,
    pub scroll: super::scroll::Scroll,
    /// This run re-registers drifted targets.
    pub reregister: bool,
    /// Bumped whenever `checks` or `report` change: what the checklist's layout is kept for.
    pub revision: u64,
    /// The checklist's layout (its lines per check at a width), as the last frame that measured
    /// it sent it back (`Msg::Layout`); used until the checks or the width change: a frame then
    /// builds only the lines on screen.
    pub layout: Option<ChecklistLayout>,
}

/// One entry of the checklist as shown: a heading, or a check (with its group in its title, in
/// the failed section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    FailedHeading,
    GroupHeading(usize),
    Check { index: usize, with_group: bool },
}

/// The checklist's entries in the order shown, and the first line of each at `width`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecklistLayout {
    pub revision: u64,
    pub width: usize,
    pub entries: Vec<Entry>,
    /// `starts[i]`: the line entry `i` starts at; one more at the end: the lines in all.
    pub starts: Vec<usize>,
}

impl ChecklistLayout {
    /// Lines in all.
    pub fn total(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// The entry shown at line `line`, and how many of its lines are above it.
    pub fn at_line(&self, line: usize) -> (usize, usize) {
        let i = self
            .starts
            .partition_point(|s| *s <= line)
            .saturating_sub(1);
        (
            i,
            line.saturating_sub(self.starts.get(i).copied().unwrap_or(0)),
        )
    }
}

impl VerifyView {
    pub fn new(plan: Plan, now_ms: u64, reregister: bool) -> Self {
        let mut checks = crate::verify::config::placeholders();
        for c in &mut checks {
            c.state = CheckState::Running;
        }
        Self {
            plan,
            checks,
            report: None,
            started_ms: now_ms,
            now_ms,
            scroll: Default::default(),
            reregister,
            revision: 0,
            layout: Default::default(),
        }
    }

    /// The checklist's entries in the order shown: once done, the failed checks first (under
    /// their heading); then every other check under a heading per group.
    pub fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let failed = !self.running() && self.checks.iter().any(|c| c.state == CheckState::Fail);
        if failed {
            out.push(Entry::FailedHeading);
            for (index, c) in self.checks.iter().enumerate() {
                if c.state == CheckState::Fail {
                    out.push(Entry::Check {
                        index,
                        with_group: true,
                    });
                }
            }
        }
        let mut group = "";
        for (index, c) in self.checks.iter().enumerate() {
            if failed && c.state == CheckState::Fail {
                continue;
            }
            if c.group != group {
                group = &c.group;
                out.push(Entry::GroupHeading(index));
            }
            out.push(Entry::Check {
                index,
                with_group: false,
            });
        }
        out
    }

    /// A check started or ended.
    pub fn on_check(&mut self, c: Check) {
        match self.checks.iter_mut().find(|x| x.id == c.id) {
            Some(slot) => *slot = c,
            None => self.checks.push(c),
        }
        self.revision += 1;
    }

    pub fn finish(&mut self, report: Report, at_ms: u64) {
        self.now_ms = at_ms;
        self.checks = report.checks.clone();
        self.report = Some(report);
        self.revision += 1;
    }

    pub fn running(&self) -> bool {
        self.report.is_none()
    }

    pub fn counts(&self) -> Counts {
        Counts::of(&self.checks)
    }

    /// The endpoint's IPs drifted from the targets: `R` can mend it.
    pub fn drifted(&self) -> bool {
        self.checks.iter().any(|c| {
            c.state == CheckState::Fail
                && c.fix.as_deref().is_some_and(|f| f.contains("--reregister"))
        })
    }

    pub fn ip_kind(&self) -> IpKind {
        if self.plan.eips.is_elastic() {
            IpKind::Elastic
        } else {
            IpKind::NlbAssigned
        }
    }

    pub fn fixed_ips(&self) -> Vec<String> {
        self.report
            .as_ref()
            .map(|r| r.nlb_ips.clone())
            .unwrap_or_default()
    }

    /// One `/32` per line, for a firewall.
    pub fn allow_list(&self) -> String {
        self.fixed_ips()
            .iter()
            .map(|ip| format!("{ip}/32\n"))
            .collect()
    }

    /// The handout as JSON (the same fields as `status --json` that the screen knows).
    pub fn handout_json(&self) -> String {
        let ips = self.fixed_ips();
        serde_json::json!({
            "name": self.plan.name,
            "port": self.plan.settings.listener_port,
            "region": self.plan.region,
            "fixed_ips": ips,
            "allow_list": ips.iter().map(|ip| format!("{ip}/32")).collect::<Vec<_>>(),
            "ip_kind": self.ip_kind(),
            "who_can_reach": crate::plan::names::who_can_reach_json(&self.plan.allow_cidrs),
        })
        .to_string()
    }
}

/// The verify screen's keys, read from `keymap::verify`.
pub(super) fn on_key(model: &mut super::Model, key: crossterm::event::KeyEvent) -> Vec<Cmd> {
    use keymap::verify::Action::*;
    let Some(v) = model.verify.as_mut() else {
        return vec![];
    };
    model.dirty = true;
    let state = keymap::verify::State::of(v);
    let Some(action) = keymap::action(keymap::verify::TABLE, state, &key) else {
        return vec![];
    };
    match action {
        Scroll(m) => v.scroll.go(m),
        Again | Reregister => {
            let reregister = action == Reregister;
            if reregister && !v.drifted() {
                model.flash =
                    Some("nothing to re-register: the targets equal the endpoint's IPs".into());
                return vec![];
            }
            let plan = v.plan.clone();
            model.verify = Some(VerifyView::new(plan.clone(), model.clock_ms, reregister));
            return vec![Cmd::Verify {
                plan: Box::new(plan),
                reregister,
            }];
        }
        CopyIps => {
            let list = v.allow_list();
            if list.is_empty() {
                model.flash = Some("no IPs to copy".into());
                return vec![];
            }
            model.flash = Some("allow-list copied (one /32 per line)".into());
            return vec![Cmd::Copy(list)];
        }
        CopyJson => {
            model.flash = Some("handout copied as JSON".into());
            return vec![Cmd::Copy(v.handout_json())];
        }
        Back => model.verify = None,
        Quit => model.quit = true,
    }
    vec![]
}
