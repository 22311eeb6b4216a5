//! The Setups tab: every fixed-IP setup `doctor` finds in the region (ours and those found by
//! shape), one setup's handout and findings, mending a finding in place (the same aws lines,
//! confirmation and record of fixes as `doctor --fix`), verify and destroy for ours, adopt for
//! found ones.

use super::filter::{Budget, FilterCache};
use super::keymap::setups::{Action, State, TABLE};
use super::keymap::{self};
use super::{Cmd, Model, Overlay};
use crate::doctor::fix::Change;
use crate::doctor::{Finding, Report, Setup, SetupReport};

/// What the tab knows of the setups (remote data has four states).
#[derive(Debug, Clone, Default)]
pub enum Setups {
    /// Not connected yet.
    #[default]
    NotAsked,
    Loading,
    /// The setups as read (for the changes a fix makes) and as judged (the report).
    Loaded {
        setups: Vec<Setup>,
        report: Box<Report>,
    },
    /// The load balancers could not be read: why, and what to do.
    Failed(String),
}

/// A fix asked about: the setup, the finding and the changes, shown as `aws` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub setup: String,
    pub code: &'static str,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default)]
pub struct SetupsView {
    pub setups: Setups,
    /// Bumped on each read, so a late answer of an earlier one is ignored.
    pub generation: u64,
    /// The setup under the cursor in the list.
    pub selected: usize,
    /// The setup open (its id), if one is.
    pub open: Option<String>,
    /// The finding under the cursor on the setup's screen.
    pub finding: usize,
    /// The fix being asked about.
    pub confirm: Option<Confirm>,
    /// What is under way (a fix, a read for verify or destroy).
    pub busy: Option<String>,
    /// The outcome of the last fix: the lines that ran, or why it failed.
    pub outcome: Option<Result<Vec<String>, String>>,
    /// Destroying a setup of ours: its plan (rebuilt from the account) and the name typed to
    /// confirm.
    pub destroy: Option<(Box<crate::plan::Plan>, tui_input::Input)>,
    /// Rows of the list on screen, for paging (from the last frame's `Msg::Layout`).
    pub page_rows: usize,
    /// The list's `/` filter, whether it is being typed, its search over each setup's text and
    /// the rows it lets through (indices into `rows()`, best first; `selected` is a place in it).
    pub filter: tui_input::Input,
    pub filter_editing: bool,
    search: FilterCache,
    shown: Vec<usize>,
    /// The setup under the cursor when a read started: under it again when the read ends.
    reselect: Option<String>,
}

impl SetupsView {
    /// The setups as judged, in the order `doctor` lists them.
    pub fn rows(&self) -> &[SetupReport] {
        match &self.setups {
            Setups::Loaded { report, .. } => &report.setups,
            _ => &[],
        }
    }

    /// The setups the filter lets through, in the order shown.
    pub fn shown(&self) -> impl Iterator<Item = (usize, &SetupReport)> + '_ {
        let rows = self.rows();
        self.shown
            .iter()
            .filter_map(move |i| rows.get(*i).map(|r| (*i, r)))
    }

    /// How many setups the filter lets through.
    pub fn shown_len(&self) -> usize {
        match self.rows() {
            [] => 0,
            _ => self.shown.len(),
        }
    }

    /// The setup under the cursor in the list.
    pub fn selected_row(&self) -> Option<&SetupReport> {
        self.rows().get(*self.shown.get(self.selected)?)
    }

    /// A filter's search is under way (`Msg::Work` goes on with it).
    pub fn searching(&self) -> bool {
        self.search.pending()
    }

    /// The filter was typed: its search starts and does `budget`; the rows shown change when
    /// it completes (here or in `work`).
    pub fn refilter_within(&mut self, budget: Budget) {
        self.search.set_query(self.filter.value());
        self.work(budget);
    }

    /// The rows shown from the filter now.
    pub fn refilter(&mut self) {
        self.refilter_within(Budget::ALL);
    }

    /// Go on with the filter's search within `budget`; whether the rows shown changed.
    pub fn work(&mut self, budget: Budget) -> bool {
        if !self.search.advance(budget) {
            return false;
        }
        let keep = self.selected_row().map(|r| r.id.clone());
        let shown = self.search.matches().to_vec();
        if shown == self.shown {
            return false;
        }
        self.shown = shown;
        self.selected = keep
            .and_then(|id| self.shown().position(|(_, r)| r.id == id))
            .unwrap_or(0);
        true
    }

    /// What the filter searches in a setup: its id, who made it, its VPC, IPs, names and the
    /// codes of its findings.
    fn search_text(r: &SetupReport) -> String {
        let mut text = vec![r.id.as_str(), r.origin, r.name.as_str(), r.vpc_id.as_str()];
        text.extend(r.fixed_ips.iter().map(String::as_str));
        text.extend(r.names.iter().map(String::as_str));
        text.extend(r.findings.iter().map(|f| f.code));
        // Each word once (a found setup's id is its NLB's name): the shorter the text, the
        // faster the search.
        let mut seen = std::collections::HashSet::new();
        text.retain(|t| seen.insert(*t));
        text.join(" ")
    }

    /// The setup open, as judged.
    pub fn open_setup(&self) -> Option<&SetupReport> {
        let id = self.open.as_deref()?;
        self.rows().iter().find(|s| s.id == id)
    }

    /// The setup open, as read.
    fn open_read(&self) -> Option<&Setup> {
        self.read_of(self.open.as_deref()?)
    }

    /// The setup as read at row `i` of the report (same order), if it is the same setup.
    pub fn read_at(&self, i: usize, id: &str) -> Option<&Setup> {
        match &self.setups {
            Setups::Loaded { setups, .. } => setups.get(i).filter(|s| s.id() == id),
            _ => None,
        }
        .or_else(|| self.read_of(id))
    }

    /// A setup as read (its targets, endpoint, listener), by id.
    pub fn read_of(&self, id: &str) -> Option<&Setup> {
        match &self.setups {
            Setups::Loaded { setups, .. } => setups.iter().find(|s| s.id() == id),
            _ => None,
        }
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        self.open_setup()?.findings.get(self.finding)
    }

    /// Reading the setups, or a fix or a plan rebuild under way (a spinner shows).
    pub fn working(&self) -> bool {
        matches!(self.setups, Setups::Loading) || self.busy.is_some()
    }

    /// Counts of the open setup's findings by severity (error, warning, info).
    pub fn counts(s: &SetupReport) -> (usize, usize, usize) {
        use crate::doctor::Severity::*;
        let n = |sev| s.findings.iter().filter(|f| f.severity == sev).count();
        (n(Error), n(Warning), n(Info))
    }

    /// Start a read; the command to send.
    pub fn read(&mut self) -> Cmd {
        if let Some(id) = self.selected_row().map(|r| r.id.clone()) {
            self.reselect = Some(id);
        }
        self.generation += 1;
        self.setups = Setups::Loading;
        Cmd::ReadSetups {
            generation: self.generation,
        }
    }

    /// The answer of read `generation` (a late one of an earlier read is dropped).
    pub fn loaded(&mut self, generation: u64, result: Result<(Vec<Setup>, Report), String>) {
        if generation != self.generation {
            return;
        }
        self.busy = None;
        self.setups = match result {
            Ok((setups, report)) => Setups::Loaded {
                setups,
                report: Box::new(report),
            },
            Err(why) => Setups::Failed(why),
        };
        self.search = FilterCache::new(self.rows().iter().map(Self::search_text).collect());
        // The places shown were places in the rows of the last read: none holds here.
        self.shown.clear();
        self.refilter();
        // The setup under the cursor stays there when it is still listed (wherever the read
        // put it).
        let keep = self.reselect.take();
        if let Some(at) = keep.and_then(|id| self.shown().position(|(_, r)| r.id == id)) {
            self.selected = at;
        }
        // The open setup may be gone (destroyed elsewhere): back to the list then.
        if self.open.is_some() && self.open_setup().is_none() {
            self.open = None;
        }
        let findings = self.open_setup().map_or(0, |s| s.findings.len());
        self.finding = self.finding.min(findings.saturating_sub(1));
    }

    fn move_by(&mut self, delta: isize) {
        let open = self.open_setup().map(|s| s.findings.len());
        let rows = self.shown.len();
        let (at, len) = match open {
            Some(findings) => (&mut self.finding, findings),
            None => (&mut self.selected, rows),
        };
        if len == 0 {
            *at = 0;
            return;
        }
        *at = (*at as isize + delta).clamp(0, len as isize - 1) as usize;
    }
}

/// A key on the Setups tab or a setup's screen.
pub(super) fn on_key(model: &mut Model, key: crossterm::event::KeyEvent) -> Vec<Cmd> {
    use tui_input::backend::crossterm::EventHandler;
    let state = State::of(&model.setups);
    let Some(action) = keymap::action(TABLE, state, &key) else {
        let v = &mut model.setups;
        let ev = crossterm::event::Event::Key(key);
        // Typing the name that confirms a destroy, or the filter.
        if let Some((_, input)) = v.destroy.as_mut() {
            input.handle_event(&ev);
            model.dirty = true;
        } else if v.filter_editing {
            if v.filter.handle_event(&ev).is_some_and(|c| c.value) {
                v.refilter_within(model.work_budget);
            }
            model.dirty = true;
        }
        return vec![];
    };
    model.dirty = true;
    let v = &mut model.setups;
    // The key acts on the setups of what was typed.
    if v.searching() {
        v.refilter();
    }
    match action {
        Action::Filter => v.filter_editing = true,
        Action::FilterKeep => v.filter_editing = false,
        Action::FilterClear | Action::ClearFilter => {
            v.filter_editing = false;
            v.filter.reset();
            v.refilter();
        }
        Action::Down => v.move_by(1),
        Action::Up => v.move_by(-1),
        Action::Top => v.move_by(isize::MIN / 2),
        Action::Bottom => v.move_by(isize::MAX / 2),
        Action::PageDown => v.move_by(v.page_rows.max(1) as isize),
        Action::PageUp => v.move_by(-(v.page_rows.max(1) as isize)),
        Action::Open => {
            if let Some(s) = v.selected_row() {
                v.open = Some(s.id.clone());
                v.finding = 0;
                v.outcome = None;
            }
        }
        Action::Back => {
            v.open = None;
            v.outcome = None;
        }
        Action::VpcsTab => model.home_tab = super::HomeTab::Vpcs,
        Action::Refresh => return vec![v.read()],
        Action::Fix => ask_fix(v),
        Action::Confirm => return fix(v),
        Action::Cancel => {
            v.confirm = None;
            v.destroy = None;
        }
        Action::ConfirmDestroy => return confirm_destroy(model),
        Action::Verify => return ours(model, super::AfterRecover::Verify),
        Action::Destroy => return ours(model, super::AfterRecover::Destroy),
        Action::Adopt => return adopt(model),
        Action::Help => model.overlay = Some(Overlay::Help),
        Action::Quit => model.quit = true,
    }
    vec![]
}

/// `f`: the changes that mend the selected finding, to confirm; or why there are none.
fn ask_fix(v: &mut SetupsView) {
    let (Some(setup), Some(finding)) = (v.open_read(), v.selected_finding()) else {
        return;
    };
    if !finding.fixable {
        v.outcome = Some(Err(format!(
            "{} cannot be mended in place: {}",
            finding.code, finding.fix
        )));
        return;
    }
    let code = finding.code;
    let changes = crate::doctor::fix::changes(setup, std::slice::from_ref(finding), &[]);
    if changes.is_empty() {
        v.outcome = Some(Err(format!(
            "{code}: nothing to change in the account as it was read (r reads it again)"
        )));
        return;
    }
    v.confirm = Some(Confirm {
        setup: setup.id(),
        code,
        changes,
    });
}

/// `y`: make the changes asked about.
fn fix(v: &mut SetupsView) -> Vec<Cmd> {
    let Some(c) = v.confirm.take() else {
        return vec![];
    };
    v.busy = Some(format!("fixing {}…", c.code));
    v.outcome = None;
    vec![Cmd::Fix {
        setup: c.setup,
        changes: c.changes,
    }]
}

/// A fix ended: the lines that ran, or why not; the setups are read again either way.
pub(super) fn fixed(model: &mut Model, result: Result<Vec<String>, String>) -> Vec<Cmd> {
    let v = &mut model.setups;
    v.outcome = Some(result);
    model.dirty = true;
    vec![v.read()]
}

/// `v` / `D` on a setup of ours: the plan is rebuilt from the account first.
fn ours(model: &mut Model, then: super::AfterRecover) -> Vec<Cmd> {
    let v = &mut model.setups;
    let Some(plan_id) = v.open_setup().map(|s| s.id.clone()) else {
        return vec![];
    };
    v.busy = Some(format!("reading plan {plan_id} from the account…"));
    vec![Cmd::Recover { plan_id, then }]
}

/// `a` on a found setup: the wizard in its VPC with what the setup has marked adopt.
fn adopt(model: &mut Model) -> Vec<Cmd> {
    let Some(s) = model.setups.open_read().cloned() else {
        return vec![];
    };
    let vpc = s.nlb.vpc_id.clone();
    if !model.inventory.vpcs.iter().any(|v| v.id == vpc) {
        model.flash = Some("wait until the VPCs are read".to_string());
        return vec![];
    }
    let mut w = super::wizard::Wizard::start(&model.inventory, &vpc, None);
    w.adopt_setup(&model.inventory, &s);
    w.can_apply = !model.quit_after_save;
    model.chosen_vpc = Some(vpc);
    model.wizard = Some(w);
    vec![]
}

/// Enter on the typed name: the destroy runs on the apply screen; another name says what to type.
fn confirm_destroy(model: &mut Model) -> Vec<Cmd> {
    let Some((plan, input)) = model.setups.destroy.take() else {
        return vec![];
    };
    let typed = input.value().trim().trim_end_matches('.');
    if !typed.eq_ignore_ascii_case(&plan.name) {
        model.flash = Some(format!("type {} exactly to destroy", plan.name));
        model.setups.destroy = Some((plan, input));
        return vec![];
    }
    model.apply = Some(
        super::apply::ApplyView::new((*plan).clone(), super::apply::Mode::Destroy, model.clock_ms)
            .scaled(model.time_scale),
    );
    // Back on the list afterwards, read again.
    model.setups.open = None;
    vec![Cmd::Destroy(plan)]
}
