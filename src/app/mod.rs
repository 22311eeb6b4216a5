//! The Elm Architecture: `Model` is all the state, `update` the only place that changes it, `Cmd`
//! the effects it asks for (run by `crate::runner`, which sends results back as `Msg`).

pub mod apply;
pub mod filter;
mod home;
pub mod keymap;
pub mod rows;
pub mod scroll;
pub mod setups;
pub mod verify;
pub mod wizard;

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{Event as TermEvent, KeyEvent, KeyEventKind};
use tui_input::Input;

use crate::cloud::{CloudError, ErrorKind, Target};
use crate::discovery::{self, Inventory, Source};
use crate::domain::{RecordSet, Vpc};
use crate::plan::{Draft, Plan};
use wizard::{Wizard, WizardCmd};

/// A list source's state (remote data has four states).
#[derive(Debug, Clone, PartialEq)]
pub enum SourceState {
    /// Waiting for credentials before it can start.
    NotAsked,
    Loading {
        loaded: usize,
    },
    Loaded {
        count: usize,
        warning: Option<discovery::SourceError>,
    },
    Failed(CloudError),
}

/// Where the app is in connecting to the account.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Resolving credentials and region.
    Connecting,
    /// The credential chain found nothing usable (or the region is missing).
    NoAccess(CloudError),
    /// Connected: discovery running or done.
    Ready,
}

/// What sits above the screen and takes the keys (the footer keeps the wizard's hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
}

/// The home screen's tabs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HomeTab {
    /// The VPC list (step 1).
    #[default]
    Vpcs,
    /// Every fixed-IP setup of the region (`doctor`).
    Setups,
}

/// What follows once a plan of ours is rebuilt from the account (the Setups tab's `v` / `D`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterRecover {
    Verify,
    Destroy,
}

/// The screen that has the body of the terminal and the keys (under the overlay, when one is
/// open). `Model::screen` decides it; key handling, rendering and the footer match on it.
#[derive(Debug, Clone, Copy)]
pub enum Screen<'a> {
    /// The credential chain found nothing usable.
    NoAccess(&'a CloudError),
    /// The VPC list (step 1).
    Home,
    /// The Setups tab: every fixed-IP setup of the region.
    Setups(&'a setups::SetupsView),
    /// One setup: its handout and findings.
    Setup(&'a setups::SetupsView),
    /// Steps 2–8.
    Wizard(&'a Wizard),
    /// The apply / destroy progress and result.
    Apply(&'a apply::ApplyView),
    /// The verify checklist and handout (over the apply's result).
    Verify(&'a verify::VerifyView),
}

/// What a drawn frame measured, sent back by the runner as `Msg::Layout`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Rows of the VPC list (for paging it).
    pub list_rows: usize,
    /// Rows of the wizard step's list, when one was drawn (for paging it).
    pub wizard_rows: Option<usize>,
    /// Rows of the Setups list, when it was drawn (for paging it).
    pub setups_rows: Option<usize>,
    /// The verify checklist's layout, when the frame measured it anew (kept by the view).
    pub checklist: Option<verify::ChecklistLayout>,
    /// The scrolled panes drawn: the home detail, the wizard's review, the verify checklist.
    pub detail: Option<scroll::Measured>,
    pub review: Option<scroll::Measured>,
    pub checks: Option<scroll::Measured>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub phase: Phase,
    pub target: Option<Target>,
    pub inventory: Inventory,
    pub sources: BTreeMap<Source, SourceState>,
    /// Indices into `inventory.vpcs` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First visible row of the list (kept across frames so moving up does not repaint the list).
    pub list_offset: usize,
    /// Lines the detail pane is scrolled by.
    pub detail_scroll: scroll::Scroll,
    /// The VPC a first run should start from (`plan::draft::recommended_vpc`), once VPCs,
    /// subnets and endpoints are read; marked in the list.
    pub recommended_vpc: Option<String>,
    /// The VPC the user put the cursor on: kept across a refresh (which reads the account again)
    /// and never overridden by the recommendation.
    pub chosen_vpc: Option<String>,
    /// Enter was pressed on this VPC while its DNS attributes were still being read: the wizard
    /// starts in it when they are (`Cmd::ReadVpcAttributes`).
    pub starting: Option<String>,
    pub filter: Input,
    pub filter_editing: bool,
    /// The VPC list's texts and the filter's last matches (`visible`), rebuilt when the VPCs
    /// change; a query that grows narrows them.
    pub vpc_filter: filter::FilterCache,
    /// Each VPC's place in `inventory.vpcs`, by id (rebuilt with the filter's texts).
    vpc_by_id: HashMap<String, usize>,
    pub overlay: Option<Overlay>,
    pub spinner: usize,
    /// Rows of the VPC list on screen, for paging (from the last frame's `Msg::Layout`).
    pub page_rows: usize,
    /// How much of a filter's search a keystroke, and then each `Msg::Work`, does
    /// (`Budget::KEY`; a test sets a few rows to see a search under way).
    pub work_budget: filter::Budget,
    /// One-line feedback (copied, refreshed…), cleared by the next key.
    pub flash: Option<String>,
    pub log_path: Option<String>,
    pub quit: bool,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    /// Bumped on each discovery run, so late events of an earlier run are ignored.
    pub generation: u64,
    /// The wizard, once a VPC is chosen (steps 2–8).
    pub wizard: Option<Wizard>,
    /// Choices kept when the user goes back to the VPC list.
    pub last_draft: Option<Draft>,
    /// Where "save" writes the plan (`plan --out`); default `<plan-id>.toml`.
    pub plan_out: Option<std::path::PathBuf>,
    /// Leave once the plan is saved (`fixedip-tui plan --out FILE`).
    pub quit_after_save: bool,
    /// Public/private subnet counts per VPC and AZ, computed once when subnets load (the list
    /// shows them on every row; recounting per frame would be O(VPCs × subnets)).
    pub subnet_index: HashMap<String, SubnetSummary>,
    /// Each VPC's subnets in the order the detail pane lists them (public first, then by AZ and
    /// CIDR), found and sorted once when subnets load, not per frame.
    pub subnet_order: SubnetOrder,
    /// The apply / destroy in progress or finished.
    pub apply: Option<apply::ApplyView>,
    /// The verify checklist and handout (over the apply result).
    pub verify: Option<verify::VerifyView>,
    /// Which tab of the home screen is shown.
    pub home_tab: HomeTab,
    /// The Setups tab: the setups `doctor` finds, one open, a fix under way.
    pub setups: setups::SetupsView,
    /// Milliseconds since the app started (the runner's clock; timers on screen read it).
    pub clock_ms: u64,
    /// `plan` flags given in a terminal: the wizard starts from them once the account is read.
    pub prefill: Option<Box<crate::cli::PlanFlags>>,
    /// The demo's speed factor (1.0 on AWS): the progress estimate scales its timing model by it.
    pub time_scale: f64,
    /// How a command the screens print starts: `fixedip-tui` with the global flags it needs to
    /// work as printed (`--demo`, `--profile`, `--region`…).
    pub command_prefix: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubnetSummary {
    /// AZ → (public, private).
    pub per_az: std::collections::BTreeMap<String, (usize, usize)>,
    /// Subnets whose route table is not visible.
    pub unknown: usize,
}

/// Indices into `inventory.subnets` per VPC, in the detail pane's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubnetOrder {
    /// The subnets the order was made from (how many): another count means another read.
    pub of: usize,
    pub by_vpc: std::collections::HashMap<String, Vec<usize>>,
}

impl SubnetOrder {
    pub fn new(inv: &Inventory) -> Self {
        let mut by_vpc: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, s) in inv.subnets.iter().enumerate() {
            by_vpc.entry(s.vpc_id.clone()).or_default().push(i);
        }
        for order in by_vpc.values_mut() {
            order.sort_by(|a, b| {
                let (a, b) = (&inv.subnets[*a], &inv.subnets[*b]);
                let pa = a.reach.as_ref().is_some_and(|r| r.public);
                let pb = b.reach.as_ref().is_some_and(|r| r.public);
                pb.cmp(&pa).then(a.az.cmp(&b.az)).then(a.cidr.cmp(&b.cidr))
            });
        }
        Self {
            of: inv.subnets.len(),
            by_vpc,
        }
    }

    /// `vpc`'s subnets in the detail pane's order (made again when the subnets are not those it
    /// was made from).
    pub fn of_vpc<'a>(&self, inv: &'a Inventory, vpc: &str) -> Vec<&'a crate::domain::Subnet> {
        if self.of != inv.subnets.len() {
            return Self::new(inv).of_vpc(inv, vpc);
        }
        self.by_vpc
            .get(vpc)
            .map(|v| v.iter().filter_map(|i| inv.subnets.get(*i)).collect())
            .unwrap_or_default()
    }
}

fn index_subnets(inv: &Inventory) -> std::collections::HashMap<String, SubnetSummary> {
    let mut idx: std::collections::HashMap<String, SubnetSummary> = Default::default();
    for s in &inv.subnets {
        let e = idx.entry(s.vpc_id.clone()).or_default();
        match &s.reach {
            Some(r) => {
                let c = e.per_az.entry(s.az.clone()).or_default();
                if r.public {
                    c.0 += 1
                } else {
                    c.1 += 1
                }
            }
            None => {
                e.per_az.entry(s.az.clone()).or_default();
                e.unknown += 1
            }
        }
    }
    idx
}

#[derive(Debug, Clone)]
pub enum Msg {
    Term(TermEvent),
    /// Animation frame (sent only while something is loading).
    Tick,
    /// Nothing else to do: go on with a filter's search under way (sent only while one is,
    /// `Model::searching`).
    Work,
    Connected(Target),
    ConnectFailed(CloudError),
    Discovery {
        generation: u64,
        event: discovery::Event,
    },
    /// Record sets of `name` in `zone_ids` (existing-record check).
    /// One VPC's DNS attributes (support, hostnames), read for the wizard about to start in it.
    VpcAttributes {
        vpc: String,
        result: Result<(bool, bool), CloudError>,
    },
    Records {
        zone_ids: Vec<String>,
        name: String,
        result: Result<Vec<RecordSet>, CloudError>,
    },
    /// The private IPs in use in `subnet_ids`, or why they could not be read.
    UsedIps {
        subnet_ids: Vec<String>,
        result: Result<Vec<crate::domain::InterfaceIp>, CloudError>,
    },
    /// The plan file was written (its path), or why not.
    Saved(Result<String, String>),
    /// The scripts written (their paths), or why not.
    Exported(Result<Vec<String>, String>),
    /// Progress of the apply / destroy, stamped with the runner's clock.
    Engine {
        at_ms: u64,
        event: crate::engine::EngineEvent,
    },
    /// The apply / destroy ended: the journal, or why it stopped.
    EngineFinished {
        at_ms: u64,
        journal: Option<Box<crate::engine::Journal>>,
        error: Option<String>,
    },
    /// A verify check started or ended.
    VerifyCheck(crate::verify::Check),
    /// The verify ended (the report is kept for `status`).
    VerifyFinished {
        at_ms: u64,
        report: Box<crate::verify::Report>,
    },
    /// The runner's clock (sent with animation frames).
    Clock(u64),
    /// A frame was drawn, with this layout.
    Layout(Layout),
    /// SIGTERM / SIGHUP: leave now.
    Terminate,
    /// The setups of the region as read and judged, or why they could not be read.
    Setups {
        generation: u64,
        result: Result<Box<(Vec<crate::doctor::Setup>, crate::doctor::Report)>, String>,
    },
    /// A fix ended: the `aws` lines that ran, or why it stopped.
    Fixed(Result<Vec<String>, String>),
    /// A plan of ours rebuilt from the account (or why not), for verify or destroy.
    Recovered {
        then: AfterRecover,
        result: Result<Box<Plan>, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    /// Resolve credentials and region, then answer `Connected` / `ConnectFailed`.
    Connect,
    /// Run discovery; events come back tagged with this generation.
    Discover {
        generation: u64,
    },
    /// Put text on the clipboard of the user's terminal (OSC 52).
    Copy(String),
    LookupRecords {
        zone_ids: Vec<String>,
        name: String,
    },
    /// Read one VPC's DNS attributes (Enter on it while discovery still reads every VPC's);
    /// answered with `VpcAttributes`.
    ReadVpcAttributes {
        vpc: String,
    },
    /// Read the private IPs in use in these subnets; answered with `UsedIps`.
    LookupUsedIps {
        subnet_ids: Vec<String>,
    },
    SavePlan {
        plan: Box<Plan>,
        path: std::path::PathBuf,
    },
    /// Write `plan` as its apply and teardown scripts in `dir` (`<id>-apply.sh`,
    /// `<id>-destroy.sh`); answered with `Exported`.
    ExportScript {
        plan: Box<Plan>,
        dir: std::path::PathBuf,
    },
    Apply(Box<Plan>),
    Destroy(Box<Plan>),
    /// Destroy, releasing the Elastic IPs too (after a destroy that kept them: the rest is gone
    /// already, so only they go).
    ReleaseEips(Box<Plan>),
    /// Let the running steps finish, start no new one.
    StopAfterRunning,
    /// Run the verify checklist of an applied plan.
    Verify {
        plan: Box<Plan>,
        reregister: bool,
    },
    /// Read every fixed-IP setup of the region (`doctor`); answered with `Setups`.
    ReadSetups {
        generation: u64,
    },
    /// Make the changes that mend a finding of `setup` (recorded like `doctor --fix`);
    /// answered with `Fixed`.
    Fix {
        setup: String,
        changes: Vec<crate::doctor::fix::Change>,
    },
    /// Rebuild plan `plan_id` from the account, then verify or destroy it; answered with
    /// `Recovered`.
    Recover {
        plan_id: String,
        then: AfterRecover,
    },
}

impl Model {
    pub fn new(log_path: Option<String>) -> Self {
        Self {
            phase: Phase::Connecting,
            target: None,
            inventory: Inventory::default(),
            sources: Source::ALL
                .iter()
                .map(|s| (*s, SourceState::NotAsked))
                .collect(),
            visible: vec![],
            selected: 0,
            list_offset: 0,
            detail_scroll: Default::default(),
            recommended_vpc: None,
            chosen_vpc: None,
            starting: None,
            filter: Input::default(),
            filter_editing: false,
            vpc_filter: Default::default(),
            vpc_by_id: HashMap::new(),
            overlay: None,
            spinner: 0,
            page_rows: 10,
            work_budget: filter::Budget::KEY,
            flash: None,
            log_path,
            quit: false,
            dirty: true,
            generation: 0,
            wizard: None,
            last_draft: None,
            plan_out: None,
            quit_after_save: false,
            subnet_index: Default::default(),
            subnet_order: Default::default(),
            apply: None,
            verify: None,
            home_tab: HomeTab::Vpcs,
            setups: setups::SetupsView::default(),
            clock_ms: 0,
            prefill: None,
            time_scale: 1.0,
            command_prefix: "fixedip-tui".into(),
        }
    }

    /// The first command to run.
    pub fn init() -> Vec<Cmd> {
        vec![Cmd::Connect]
    }

    /// Whether a spinner is on screen (the runner ticks only then).
    pub fn animating(&self) -> bool {
        self.apply.as_ref().is_some_and(|a| a.running())
            || self.verify.as_ref().is_some_and(|v| v.running())
            || self.setups.working()
            || self.phase == Phase::Connecting
            || self
                .sources
                .values()
                .any(|s| matches!(s, SourceState::Loading { .. }))
    }

    /// A filter's search is under way (the list shows the matches of an earlier query): the
    /// runner sends `Msg::Work` while no other message waits.
    pub fn searching(&self) -> bool {
        self.vpc_filter.pending()
            || self.setups.searching()
            || self.wizard.as_ref().is_some_and(|w| w.rows.pending())
    }

    /// The screen on show: the verify over the apply's result over the wizard over the list.
    pub fn screen(&self) -> Screen<'_> {
        if let Some(v) = &self.verify {
            Screen::Verify(v)
        } else if let Some(a) = &self.apply {
            Screen::Apply(a)
        } else if let Some(w) = &self.wizard {
            Screen::Wizard(w)
        } else if let Phase::NoAccess(e) = &self.phase {
            Screen::NoAccess(e)
        } else if self.home_tab == HomeTab::Setups {
            if self.setups.open.is_some() {
                Screen::Setup(&self.setups)
            } else {
                Screen::Setups(&self.setups)
            }
        } else {
            Screen::Home
        }
    }

    pub fn selected_vpc(&self) -> Option<&Vpc> {
        self.visible
            .get(self.selected)
            .and_then(|i| self.inventory.vpcs.get(*i))
    }

    pub fn source(&self, s: Source) -> &SourceState {
        self.sources.get(&s).unwrap_or(&SourceState::NotAsked)
    }

    /// Recompute `visible` from the filter, now.
    fn refilter(&mut self) {
        self.refilter_within(filter::Budget::ALL);
    }

    /// The filter was typed: its search starts, or goes on, within `budget`; `visible` changes
    /// when it completes (here or in `Msg::Work`): whether it did.
    fn refilter_within(&mut self, budget: filter::Budget) -> bool {
        // The texts are built again when the VPCs were (a cache of another list is no use).
        if self.vpc_filter.len() != self.inventory.vpcs.len() {
            self.vpcs_changed();
        }
        self.vpc_filter.set_query(self.filter.value());
        let done = self.vpc_filter.advance(budget);
        if done {
            self.show_matches();
        }
        done
    }

    /// The filter's search under way completes (a key acts on the list of what was typed).
    fn finish_filter(&mut self) {
        if self.vpc_filter.pending() {
            self.refilter();
        }
    }

    /// `visible` from the filter's last matches, keeping the selected VPC selected when it
    /// still shows (the one the user chose, else the recommended one).
    fn show_matches(&mut self) {
        let keep = self
            .chosen_vpc
            .clone()
            .or_else(|| self.recommended_vpc.clone())
            .or_else(|| self.selected_vpc().map(|v| v.id.clone()));
        self.visible = self.vpc_filter.matches().to_vec();
        self.selected = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|i| self.inventory.vpcs[*i].id == id)
            })
            .unwrap_or(0);
        self.clamp_offset();
    }

    /// The VPCs were read (again): the filter's texts are built anew.
    fn vpcs_changed(&mut self) {
        self.vpc_filter = filter::FilterCache::new(vpc_texts(&self.inventory.vpcs));
        self.vpc_by_id = (self.inventory.vpcs.iter().enumerate())
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
    }

    /// The VPC of this id, as read.
    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        let i = *self.vpc_by_id.get(id)?;
        self.inventory.vpcs.get(i).filter(|v| v.id == id)
    }

    fn move_selection(&mut self, delta: isize) {
        let before = self.selected;
        if self.visible.is_empty() {
            self.selected = 0;
        } else {
            let last = self.visible.len() as isize - 1;
            self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        }
        if self.selected != before {
            self.detail_scroll.top();
        }
        self.chosen_vpc = self.selected_vpc().map(|v| v.id.clone());
        self.clamp_offset();
    }

    /// Keep the selected row inside the list's window of `page_rows` rows.
    fn clamp_offset(&mut self) {
        let rows = self.page_rows.max(1);
        let max_offset = self.visible.len().saturating_sub(rows);
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + rows {
            self.list_offset = self.selected + 1 - rows;
        }
        self.list_offset = self.list_offset.min(max_offset);
    }

    fn start_discovery(&mut self) -> Vec<Cmd> {
        self.generation += 1;
        self.starting = None;
        let target = self.target.clone().unwrap_or_else(|| Target {
            region: String::new(),
            endpoint: None,
            profile: None,
            notes: vec![],
        });
        self.inventory = Inventory::new(&target);
        self.vpcs_changed();
        for s in self.sources.values_mut() {
            *s = SourceState::Loading { loaded: 0 };
        }
        self.refilter();
        // The setups are read beside discovery: the Setups tab is ready when it is opened.
        vec![
            Cmd::Discover {
                generation: self.generation,
            },
            self.setups.read(),
        ]
    }
}

/// Fuzzy filter (fzf-like scoring, nucleo) of `texts`; indices of the matches, best first, ties
/// in list order. An empty query keeps everything in order.
pub fn fuzzy_filter(texts: &[String], query: &str) -> Vec<usize> {
    filter::fuzzy_filter(texts, query)
}

/// What the VPC list's filter searches: name, id and CIDR.
fn vpc_texts(vpcs: &[Vpc]) -> Vec<String> {
    vpcs.iter()
        .map(|v| format!("{} {} {}", v.name.as_deref().unwrap_or(""), v.id, v.cidr))
        .collect()
}

/// The VPC list's filter: name, id and CIDR.
pub fn filter_vpcs(vpcs: &[Vpc], query: &str) -> Vec<usize> {
    fuzzy_filter(&vpc_texts(vpcs), query)
}

/// One slice of the filter search under way (the VPC list's, the Setups tab's, the wizard
/// step's); a frame when it completes.
fn work(model: &mut Model) {
    let budget = model.work_budget;
    if model.vpc_filter.pending() {
        model.dirty |= model.refilter_within(budget);
    } else if model.setups.searching() {
        model.dirty |= model.setups.work(budget);
    } else if let Some(w) = model.wizard.as_mut() {
        model.dirty |= w.work(budget);
    }
}

/// `update` at the runner's clock `now_ms`: the model's clock is set first, so what the message
/// starts (an apply, a destroy, a verify) starts its timer now — not at the last animation frame,
/// which may be minutes old.
pub fn update_at(model: &mut Model, now_ms: u64, msg: Msg) -> Vec<Cmd> {
    let mut cmds = update(model, Msg::Clock(now_ms));
    cmds.extend(update(model, msg));
    cmds
}

/// The only place state changes.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Tick => {
            if model.animating() {
                model.spinner = model.spinner.wrapping_add(1);
                model.dirty = true;
            }
        }
        Msg::Work => work(model),
        Msg::Terminate => model.quit = true,
        Msg::Connected(target) => {
            model.target = Some(target);
            model.phase = Phase::Ready;
            model.dirty = true;
            return model.start_discovery();
        }
        Msg::ConnectFailed(err) => {
            model.phase = Phase::NoAccess(err);
            for s in model.sources.values_mut() {
                *s = SourceState::NotAsked;
            }
            model.dirty = true;
        }
        Msg::Discovery { generation, event } => {
            if generation == model.generation {
                on_discovery(model, event);
            }
        }
        Msg::UsedIps { subnet_ids, result } => on_used_ips(model, subnet_ids, result),
        Msg::Records {
            zone_ids,
            name,
            result,
        } => on_records(model, zone_ids, name, result),
        Msg::VpcAttributes { vpc, result } => return home::on_vpc_attributes(model, vpc, result),
        Msg::Engine { at_ms, event } => {
            model.clock_ms = model.clock_ms.max(at_ms);
            if let Some(a) = model.apply.as_mut() {
                a.on_event(at_ms, event);
            }
            model.dirty = true;
        }
        Msg::EngineFinished {
            at_ms,
            journal,
            error,
        } => on_engine_finished(model, at_ms, journal, error),
        Msg::VerifyCheck(c) => {
            if let Some(v) = model.verify.as_mut().filter(|v| v.running()) {
                v.on_check(c);
                model.dirty = true;
            }
        }
        Msg::VerifyFinished { at_ms, report } => {
            if let Some(v) = model.verify.as_mut() {
                v.finish(*report, at_ms);
                model.dirty = true;
            }
        }
        Msg::Clock(ms) => on_clock(model, ms),
        Msg::Setups { generation, result } => {
            model.setups.loaded(generation, result.map(|b| *b));
            model.dirty = true;
        }
        Msg::Fixed(result) => return setups::fixed(model, result),
        Msg::Recovered { then, result } => return on_recovered(model, then, result),
        Msg::Saved(result) => on_saved(model, result),
        Msg::Exported(result) => {
            model.flash = Some(match result {
                Ok(paths) => format!("wrote {} (read them; bash runs them)", paths.join(" and ")),
                Err(e) => format!("not exported: {e}"),
            });
            model.dirty = true;
        }
        Msg::Layout(layout) => on_layout(model, layout),
        Msg::Term(TermEvent::Resize(_, _)) => model.dirty = true,
        Msg::Term(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
            return on_key(model, key)
        }
        Msg::Term(_) => {}
    }
    vec![]
}

fn on_used_ips(
    model: &mut Model,
    subnet_ids: Vec<String>,
    result: Result<Vec<crate::domain::InterfaceIp>, CloudError>,
) {
    match result {
        Ok(ips) => {
            let inv = &mut model.inventory;
            inv.used_ips.retain(|u| !subnet_ids.contains(&u.subnet_id));
            inv.used_ips.extend(ips);
            inv.used_ips_read.retain(|s| !subnet_ids.contains(s));
            inv.used_ips_read.extend(subnet_ids);
            if let Some(w) = model.wizard.as_mut() {
                model.flash = Some(match w.used_ips_loaded(&model.inventory) {
                    Some(ips) => format!("endpoint IPs pinned: {ips} (p unpins)"),
                    None => "no free address found in the endpoint subnets".into(),
                });
            }
        }
        Err(e) => {
            model.flash = Some(format!(
                "could not read the IPs in use ({e}); pin them with `plan --endpoint-ip SUBNET=IP`"
            ))
        }
    }
    model.dirty = true;
}

fn on_records(
    model: &mut Model,
    zone_ids: Vec<String>,
    name: String,
    result: Result<Vec<RecordSet>, CloudError>,
) {
    match result {
        Ok(found) => {
            model
                .inventory
                .records
                .retain(|r| !(zone_ids.contains(&r.zone_id) && r.name == name));
            model.inventory.records.extend(found);
        }
        Err(e) => {
            model.flash = Some(format!(
                "could not read the records of {name} ({e}); the apply checks again"
            ))
        }
    }
    if let Some(w) = model.wizard.as_mut() {
        w.records_loaded(&model.inventory);
    }
    model.dirty = true;
}

fn on_engine_finished(
    model: &mut Model,
    at_ms: u64,
    journal: Option<Box<crate::engine::Journal>>,
    error: Option<String>,
) {
    if let Some(a) = model.apply.as_mut() {
        a.now_ms = at_ms;
        a.finished = Some(match &error {
            None => Ok(()),
            Some(e) => Err(e.clone()),
        });
        if let Some(j) = journal {
            a.result = Some(apply::ResultView::from_journal(&j));
        }
    }
    model.dirty = true;
}

/// The runner's clock: the only way time enters the model.
fn on_clock(model: &mut Model, ms: u64) {
    let before = model.clock_ms / 1000;
    model.clock_ms = ms;
    // The clock of a run stops when it ends.
    if let Some(a) = model.apply.as_mut().filter(|a| a.running()) {
        a.now_ms = ms;
    }
    if let Some(v) = model.verify.as_mut().filter(|v| v.running()) {
        v.now_ms = ms;
    }
    // Timers show whole seconds: redraw only when one changed.
    model.dirty |= ms / 1000 != before;
}

fn on_saved(model: &mut Model, result: Result<String, String>) {
    match result {
        Ok(path) => {
            let id = model
                .wizard
                .as_ref()
                .map(|w| w.plan(&model.inventory).id)
                .unwrap_or_default();
            model.flash = Some(format!("saved plan {id} to {path}"));
            if let Some(w) = model.wizard.as_mut() {
                w.saved_to = Some(path);
            }
            if model.quit_after_save {
                model.quit = true;
            }
        }
        Err(e) => model.flash = Some(format!("not saved: {e}")),
    }
    model.dirty = true;
}

/// A frame was drawn: what is on screen is current, and each list pages by its own height.
fn on_layout(model: &mut Model, layout: Layout) {
    model.page_rows = layout.list_rows;
    model.clamp_offset();
    if let (Some(w), Some(rows)) = (model.wizard.as_mut(), layout.wizard_rows) {
        w.page_rows = rows;
    }
    if let Some(rows) = layout.setups_rows {
        model.setups.page_rows = rows;
    }
    if let Some(m) = layout.detail {
        model.detail_scroll.measured(m);
    }
    if let (Some(w), Some(m)) = (model.wizard.as_mut(), layout.review) {
        w.review.measured(m);
    }
    if let (Some(v), Some(m)) = (model.verify.as_mut(), layout.checks) {
        v.scroll.measured(m);
    }
    // Kept only if the checks are still those it was measured for.
    if let (Some(v), Some(l)) = (model.verify.as_mut(), layout.checklist) {
        if l.revision == v.revision {
            v.layout = Some(l);
        }
    }
    model.dirty = false;
}

fn on_discovery(model: &mut Model, event: discovery::Event) {
    use discovery::Event as E;
    model.inventory.apply(&event);
    match &event {
        E::Progress { source, loaded } => {
            model
                .sources
                .insert(*source, SourceState::Loading { loaded: *loaded });
        }
        // Kept in `inventory.warnings` (applied above) and attached when the source finishes.
        E::Warning { .. } => {}
        // The VPCs as listed (applied above): the list shows them while their attributes are
        // read; the source is still loading.
        E::Listed(data) => {
            if data.source() == Source::Vpcs {
                model.vpcs_changed();
                model.refilter();
            }
            model.dirty = true;
        }
        E::Loaded(data) => {
            let source = data.source();
            let count = match data {
                discovery::SourceData::Identity(_) => 1,
                discovery::SourceData::Vpcs(v) => v.len(),
                discovery::SourceData::Subnets { subnets, .. } => subnets.len(),
                discovery::SourceData::Certificates(c) => c.len(),
                discovery::SourceData::HostedZones(z) => z.len(),
                discovery::SourceData::RestApis(a) => a.len(),
                discovery::SourceData::VpcEndpoints(e) => e.len(),
                discovery::SourceData::ElasticIps(e) => e.addresses.len(),
                discovery::SourceData::LoadBalancers(e) => {
                    e.load_balancers.len() + e.target_groups.len()
                }
            };
            let warning = model
                .inventory
                .warnings
                .iter()
                .rev()
                .find(|w| w.source == source)
                .cloned();
            model
                .sources
                .insert(source, SourceState::Loaded { count, warning });
            if source == Source::Vpcs {
                model.vpcs_changed();
            }
            if matches!(
                source,
                Source::Vpcs | Source::Subnets | Source::VpcEndpoints
            ) {
                let read = [Source::Vpcs, Source::Subnets, Source::VpcEndpoints]
                    .iter()
                    .all(|s| matches!(model.source(*s), SourceState::Loaded { .. }));
                if read {
                    model.recommended_vpc =
                        crate::plan::draft::recommended_vpc(&model.inventory).map(|v| v.id.clone());
                }
                model.refilter();
            }
            if source == Source::Subnets {
                model.subnet_index = index_subnets(&model.inventory);
                model.subnet_order = SubnetOrder::new(&model.inventory);
            }
            apply_prefill(model);
        }
        E::Failed { source, error } => {
            model
                .sources
                .insert(*source, SourceState::Failed(error.clone()));
            if *source == Source::Identity
                && matches!(
                    error.kind,
                    ErrorKind::NoCredentials | ErrorKind::BadCredentials
                )
            {
                model.phase = Phase::NoAccess(error.clone());
            }
        }
    }
    model.dirty = true;
}

/// A key goes to the overlay when one is open, else to the screen's table.
fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let had_flash = model.flash.take().is_some();
    model.dirty |= had_flash;
    if model.overlay.is_some() {
        match keymap::action(keymap::overlay::TABLE, (), &key) {
            Some(keymap::overlay::Action::Close) => {
                model.overlay = None;
                model.dirty = true;
            }
            Some(keymap::overlay::Action::Quit) => model.quit = true,
            None => {}
        }
        return vec![];
    }
    match model.screen() {
        Screen::NoAccess(_) | Screen::Home => home::on_key(model, key),
        Screen::Setups(_) | Screen::Setup(_) => setups::on_key(model, key),
        Screen::Wizard(_) => on_wizard_key(model, key),
        Screen::Apply(_) => apply::on_key(model, key),
        Screen::Verify(_) => verify::on_key(model, key),
    }
}

/// A plan of ours rebuilt from the account: verify it, or ask for its name to destroy it.
fn on_recovered(
    model: &mut Model,
    then: AfterRecover,
    result: Result<Box<Plan>, String>,
) -> Vec<Cmd> {
    model.setups.busy = None;
    model.dirty = true;
    let plan = match result {
        Ok(plan) => *plan,
        Err(why) => {
            model.setups.outcome = Some(Err(why));
            return vec![];
        }
    };
    match then {
        AfterRecover::Verify => {
            model.verify = Some(verify::VerifyView::new(plan.clone(), model.clock_ms, false));
            vec![Cmd::Verify {
                plan: Box::new(plan),
                reregister: false,
            }]
        }
        AfterRecover::Destroy => {
            model.setups.destroy = Some((Box::new(plan), tui_input::Input::default()));
            vec![]
        }
    }
}

/// The wizard's keys, and what it asks of the model.
fn on_wizard_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let Some(w) = model.wizard.as_mut() else {
        return vec![];
    };
    model.dirty = true;
    let cmds = w.on_key(&model.inventory, key, model.work_budget);
    let mut out = vec![];
    for c in cmds {
        match c {
            WizardCmd::Quit => model.quit = true,
            WizardCmd::Help => model.overlay = Some(Overlay::Help),
            WizardCmd::Exit => {
                if let Some(w) = model.wizard.take() {
                    model.last_draft = Some(w.draft);
                }
            }
            WizardCmd::Flash(text) => model.flash = Some(text),
            WizardCmd::LookupUsedIps { subnet_ids } => out.push(Cmd::LookupUsedIps { subnet_ids }),
            WizardCmd::LookupRecords { zone_ids, name } => {
                out.push(Cmd::LookupRecords { zone_ids, name })
            }
            WizardCmd::Apply(plan) => {
                model.apply = Some(
                    apply::ApplyView::new((*plan).clone(), apply::Mode::Apply, model.clock_ms)
                        .scaled(model.time_scale),
                );
                out.push(Cmd::Apply(plan));
            }
            WizardCmd::ExportScript(plan) => {
                // Beside the plan file when there is one, else in the working directory.
                let dir = model
                    .plan_out
                    .as_ref()
                    .and_then(|p| p.parent())
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                out.push(Cmd::ExportScript { plan, dir });
            }
            WizardCmd::SavePlan(plan) => {
                let path = model
                    .plan_out
                    .clone()
                    .unwrap_or_else(|| std::path::PathBuf::from(format!("{}.toml", plan.id)));
                out.push(Cmd::SavePlan { plan, path });
            }
        }
    }
    out
}

/// Once every source has answered, start the wizard from the `plan` flags given in a terminal,
/// at the first step that still needs a choice.
fn apply_prefill(model: &mut Model) {
    let all_done = model
        .sources
        .values()
        .all(|s| matches!(s, SourceState::Loaded { .. } | SourceState::Failed(_)));
    if !all_done {
        return;
    }
    let Some(flags) = model.prefill.take() else {
        return;
    };
    let draft = crate::plan::flags::prefill(&flags, &model.inventory);
    let Some(vpc) = draft.vpc_id.clone() else {
        model.last_draft = Some(draft);
        return;
    };
    if let Some(pos) = model
        .visible
        .iter()
        .position(|i| model.inventory.vpcs.get(*i).is_some_and(|v| v.id == vpc))
    {
        model.selected = pos;
        model.clamp_offset();
    }
    let mut w = Wizard::start(&model.inventory, &vpc, Some(draft));
    w.can_apply = !model.quit_after_save;
    w.jump_to_first_incomplete(&model.inventory);
    model.wizard = Some(w);
    model.dirty = true;
}
