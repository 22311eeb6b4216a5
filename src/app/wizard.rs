//! The wizard's state and key handling (steps 2–8; step 1, the VPC, is the home list).
//! Pure: it reads the inventory, changes the draft, and returns commands.

use crossterm::event::{Event as TermEvent, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use super::filter::Budget;
use super::keymap::wizard::{Action, Mode};
use super::keymap::{self};
use super::rows::StepRows;
use crate::discovery::Inventory;
use crate::plan::validate::{blocking_unless, check_caller_cidr, check_dns_name, NLB_MIN_FREE_IPS};
use crate::plan::{validate, Draft, Finding, Plan, Severity, Step};

/// One row of a step's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What choosing the row means (an id, or a marker such as `create`).
    pub key: String,
    pub cells: Vec<String>,
    /// Can be chosen (others are shown greyed with `note`).
    pub selectable: bool,
    pub checked: bool,
    /// Why the row is greyed or flagged.
    pub note: Option<String>,
    /// Heading rows group the list (not selectable, no checkbox).
    pub heading: bool,
}

/// Keys of the Callers step's in-VPC rows: `in:` + the entry, or one of the two choices.
const IN_VPC: &str = "in:";
const WHOLE_VPC_ROW: &str = "(whole-vpc)";
const NOBODY_ROW: &str = "(nobody)";

impl Row {
    fn item(key: impl Into<String>, cells: Vec<String>, checked: bool) -> Self {
        Row {
            key: key.into(),
            cells,
            selectable: true,
            checked,
            note: None,
            heading: false,
        }
    }
    /// The row that makes a new one rather than picking one of the account's: `+ create what`,
    /// then `details`.
    fn create(key: &str, what: &str, details: [&str; 2], checked: bool) -> Self {
        let [a, b] = details.map(str::to_string);
        Row::item(key, vec![format!("+ create {what}"), a, b], checked)
    }
    /// A subnet's row: its AZ, id and CIDR, `detail` (its reach, its free IPs), its name.
    fn subnet(s: &crate::domain::Subnet, detail: String, checked: bool) -> Self {
        let name = s.name.clone().unwrap_or_default();
        let cells = vec![s.az.clone(), s.id.clone(), s.cidr.clone(), detail, name];
        Row::item(s.id.clone(), cells, checked)
    }
    fn greyed(mut self, why: impl Into<String>) -> Self {
        self.selectable = false;
        self.note = Some(why.into());
        self
    }
    fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
    fn heading(text: impl Into<String>) -> Self {
        Row {
            key: String::new(),
            cells: vec![text.into()],
            selectable: false,
            checked: false,
            note: None,
            heading: true,
        }
    }
}

/// Which input has the keyboard in the current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    List,
    Name,
    Stage,
    BasePath,
    Cidr,
    /// An in-VPC caller (CIDR or security group id) for the endpoint's security group.
    VpcCaller,
    Confirm,
}

#[derive(Debug, Clone)]
pub struct Wizard {
    pub step: Step,
    pub draft: Draft,
    /// Cursor in the current step's (filtered) rows, and the first visible row.
    pub cursor: usize,
    pub offset: usize,
    pub filter: Input,
    pub filter_editing: bool,
    pub field: Field,
    pub name_input: Input,
    pub stage_input: Input,
    pub base_input: Input,
    pub cidr_input: Input,
    pub vpc_caller_input: Input,
    pub confirm_input: Input,
    /// The VPC's DNS attributes are off: ask "turn them on during apply?" before step 2.
    pub dns_question: bool,
    pub findings: Vec<Finding>,
    /// Record lookups for the chosen name are in flight.
    pub records_loading: bool,
    /// The user typed the name on the review: warnings acknowledged.
    pub confirmed: bool,
    /// The review, read before confirming.
    pub review: super::scroll::Scroll,
    /// Where the plan was saved.
    pub saved_to: Option<String>,
    /// The "whole internet" question was asked once (a second empty Enter accepts it).
    pub internet_prompted: bool,
    /// The confirmation was asked for by A / Enter: the typed name applies at once.
    pub apply_after_confirm: bool,
    /// Whether this wizard may apply (not in `plan --out`, which only saves).
    pub can_apply: bool,
    /// The current step's rows after the filter, as of the last change (what the screen shows):
    /// built once per change of what they show, filtered once per change of the filter.
    pub rows: StepRows,
    /// Rows of the step's list on screen, for paging (from the last frame's `Msg::Layout`).
    pub page_rows: usize,
    /// What `rows` were built from (`None`: build them again).
    rows_input: Option<RowsInput>,
    /// The AZs of the endpoint's subnets (step 3 says them), found when `rows` were built: a
    /// look-up of each subnet among every subnet of the region, not one per frame.
    pub endpoint_azs: Vec<String>,
}

/// What a step's rows are built from: the step, the draft and the inventory (counted).
#[derive(Debug, Clone, PartialEq)]
struct RowsInput {
    step: Step,
    draft: Draft,
    inventory: [usize; 7],
}

/// What the wizard asks of the outside world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WizardCmd {
    /// Look up records of `name` in these zones (existing-record check).
    LookupRecords {
        zone_ids: Vec<String>,
        name: String,
    },
    /// Read the private IPs in use in these subnets (to pin the endpoint's IPs to free ones).
    LookupUsedIps {
        subnet_ids: Vec<String>,
    },
    SavePlan(Box<Plan>),
    /// Write the plan as the apply and teardown scripts (`export --format sh`).
    ExportScript(Box<Plan>),
    /// Run the confirmed plan.
    Apply(Box<Plan>),
    /// Leave the wizard (back from step 2).
    Exit,
    Flash(String),
    Quit,
    /// Open the `?` overlay.
    Help,
}

fn input(v: &str) -> Input {
    Input::default().with_value(v.to_string())
}

impl Wizard {
    pub fn start(inv: &Inventory, vpc_id: &str, previous: Option<Draft>) -> Self {
        let mut draft = previous.unwrap_or_else(Draft::with_defaults);
        draft.choose_vpc(inv, vpc_id);
        let vpc = inv.vpcs.iter().find(|v| v.id == vpc_id);
        let dns_off =
            vpc.is_some_and(|v| v.dns_support == Some(false) || v.dns_hostnames == Some(false));
        let mut w = Wizard {
            step: Step::EndpointSubnets,
            name_input: input(&draft.name),
            stage_input: input(&draft.stage),
            base_input: input(&draft.base_path),
            cidr_input: Input::default(),
            vpc_caller_input: Input::default(),
            confirm_input: Input::default(),
            draft,
            cursor: 0,
            offset: 0,
            filter: Input::default(),
            filter_editing: false,
            field: Field::List,
            dns_question: false,
            findings: vec![],
            records_loading: false,
            confirmed: false,
            review: Default::default(),
            saved_to: None,
            internet_prompted: false,
            apply_after_confirm: false,
            can_apply: true,
            rows: StepRows::default(),
            page_rows: 10,
            rows_input: None,
            endpoint_azs: vec![],
        };
        w.dns_question = dns_off && !w.draft.enable_vpc_dns;
        w.revalidate(inv);
        w.refresh_rows(inv);
        w
    }

    /// What an existing setup already has, marked adopt: its NLB (with its subnets and the IPs it
    /// has), its target group, its endpoint, the API bound to it, its name and certificate. The
    /// wizard then asks only for what is missing.
    pub fn adopt_setup(&mut self, inv: &Inventory, setup: &crate::doctor::Setup) {
        let d = &mut self.draft;
        d.adopt_nlb = Some(setup.nlb.arn.clone());
        d.nlb_subnets = setup.nlb.subnet_ids.clone();
        // Its addresses were fixed when it was made.
        d.eips = crate::plan::EipChoice::None;
        d.adopt_target_group = Some(setup.target_group.arn.clone());
        if let Some(e) = &setup.endpoint {
            d.reuse_endpoint = Some(e.id.clone());
            d.endpoint_subnets = e.subnet_ids.clone();
        }
        if let Some(api) = setup.apis.first() {
            d.adopt_api = Some(api.id.clone());
        }
        if let Some(name) = setup.names.first() {
            d.name = name.clone();
            self.name_input = input(name);
        }
        if let Some(arn) = setup.listener.certificate_arns.first() {
            d.certificate_arn = Some(arn.clone());
        }
        self.revalidate(inv);
        self.refresh_rows(inv);
    }

    pub fn plan(&self, inv: &Inventory) -> Plan {
        self.draft.to_plan(inv)
    }

    pub fn revalidate(&mut self, inv: &Inventory) {
        self.findings = validate(&self.plan(inv), inv);
    }

    /// Findings of one step.
    pub fn step_findings(&self, step: Step) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.step == step)
    }

    /// Errors, and warnings not acknowledged, of one step.
    pub fn step_blocked(&self, inv: &Inventory, step: Step) -> Vec<Finding> {
        let _ = inv;
        // `blocking` reads the plan's acknowledged warnings: the draft's, as the plan copies
        // them (the plan is not built for that: the rail asks on every frame).
        blocking_unless(&self.draft.acknowledged, &self.findings)
            .into_iter()
            .filter(|f| f.step == step)
            .cloned()
            .collect()
    }

    /// The rows of the current step after the filter.
    pub fn visible_rows(&self, inv: &Inventory) -> Vec<Row> {
        let rows = rows(self, inv);
        let q = self.filter.value().trim();
        if q.is_empty() {
            return rows;
        }
        let texts: Vec<String> = rows.iter().map(|r| r.cells.join(" ")).collect();
        // Best matches first, headings dropped (they group rows that may no longer be adjacent).
        super::fuzzy_filter(&texts, q)
            .into_iter()
            .filter(|i| !rows[*i].heading)
            .map(|i| rows[i].clone())
            .collect()
    }

    fn go(&mut self, step: Step, inv: &Inventory) -> Vec<WizardCmd> {
        self.step = step;
        self.cursor = 0;
        self.offset = 0;
        self.filter.reset();
        self.filter_editing = false;
        self.field = match step {
            Step::NameCertificate if self.draft.name.is_empty() => Field::Name,
            Step::Callers => Field::Cidr,
            // The review opens for reading; A / Enter / c focus the confirmation.
            _ => Field::List,
        };
        self.apply_after_confirm = false;
        self.review = Default::default();
        // Land on the chosen row, when there is one.
        self.refresh_rows(inv);
        if let Some(i) = self.rows.iter().position(|r| r.checked && r.selectable) {
            self.cursor = i;
        } else if let Some(i) = self.rows.iter().position(|r| r.selectable) {
            self.cursor = i;
        }
        let mut cmds = vec![];
        if step == Step::Zones {
            cmds.extend(self.lookup_records(inv));
        }
        if step == Step::NlbSubnets {
            self.draft.preselect_nlb_subnets(inv);
        }
        self.revalidate(inv);
        cmds
    }

    fn lookup_records(&mut self, inv: &Inventory) -> Option<WizardCmd> {
        if check_dns_name(&self.draft.name).is_err() {
            return None;
        }
        let mut zone_ids: Vec<String> = self.draft.public_zone_id.iter().cloned().collect();
        zone_ids.extend(self.draft.private_zone_id.iter().cloned());
        let _ = inv;
        if zone_ids.is_empty() {
            return None;
        }
        self.records_loading = true;
        Some(WizardCmd::LookupRecords {
            zone_ids,
            name: self.draft.name.clone(),
        })
    }

    /// Go to the first step that still has an error or an unacknowledged warning (the review
    /// when none has): where a run started from flags continues.
    pub fn jump_to_first_incomplete(&mut self, inv: &Inventory) {
        if self.dns_question {
            return;
        }
        let target = Step::ALL
            .iter()
            .copied()
            .filter(|s| *s != Step::Vpc && *s != Step::Review)
            .find(|s| !self.step_blocked(inv, *s).is_empty())
            .unwrap_or(Step::Review);
        let _ = self.go(target, inv);
        self.refresh_rows(inv);
    }

    /// Forward, if this step has no error (warnings are acknowledged with `a`).
    fn next(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let blocked = self.step_blocked(inv, self.step);
        if let Some(f) = blocked.first() {
            let what = if f.severity == Severity::Error {
                "fix this first"
            } else {
                "press a to acknowledge"
            };
            return vec![WizardCmd::Flash(format!("{what}: {}", f.message))];
        }
        match Step::ALL.get(self.step.index() + 1) {
            Some(s) => self.go(*s, inv),
            None => vec![],
        }
    }

    fn back(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        if self.step == Step::EndpointSubnets {
            return vec![WizardCmd::Exit];
        }
        match self
            .step
            .index()
            .checked_sub(1)
            .and_then(|i| Step::ALL.get(i))
        {
            Some(s) => self.go(*s, inv),
            None => vec![WizardCmd::Exit],
        }
    }

    /// Move the cursor by `delta` rows, skipping headings; the list's window follows it.
    fn move_cursor(&mut self, delta: isize) {
        let rows = &self.rows;
        if rows.is_empty() {
            self.cursor = 0;
            return;
        }
        let last = rows.len() as isize - 1;
        let mut c = (self.cursor as isize + delta).clamp(0, last);
        // Skip headings in the direction of travel.
        let dir = if delta < 0 { -1 } else { 1 };
        let heading = |c: isize| rows.get(c as usize).is_some_and(|r| r.heading);
        while heading(c) && c + dir >= 0 && c + dir <= last {
            c += dir;
        }
        self.cursor = c as usize;
        let rows_on_screen = self.page_rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows_on_screen {
            self.offset = self.cursor + 1 - rows_on_screen;
        }
    }

    /// Space / Enter on the row under the cursor.
    fn choose(&mut self, inv: &Inventory, enter: bool) -> Vec<WizardCmd> {
        self.refresh_rows(inv);
        let Some(row) = self.rows.get(self.cursor).cloned() else {
            return if enter { self.next(inv) } else { vec![] };
        };
        if !row.selectable {
            if enter {
                return self.next(inv);
            }
            return row
                .note
                .map(|n| vec![WizardCmd::Flash(n)])
                .unwrap_or_default();
        }
        match self.step {
            Step::EndpointSubnets => {
                if let Some(cmds) = self.choose_endpoint_subnet(inv, &row, enter) {
                    return cmds;
                }
            }
            Step::NlbSubnets => {
                if let Some(cmds) = self.choose_nlb_row(inv, &row, enter) {
                    return cmds;
                }
            }
            Step::NameCertificate => {
                self.draft.certificate_arn = Some(row.key.clone());
                if enter {
                    self.revalidate(inv);
                    return self.next(inv);
                }
            }
            Step::Api => {
                self.draft.adopt_api = (row.key != "create").then(|| row.key.clone());
                if enter {
                    // One Enter accepts the API, the stage and the base path shown (e edits).
                    self.revalidate(inv);
                    return self.next(inv);
                }
            }
            Step::Callers => {
                if enter {
                    return self.next(inv);
                }
                self.toggle_caller(&row.key);
                self.revalidate(inv);
            }
            Step::Zones => return self.choose_zone(inv, &row, enter),
            Step::Vpc | Step::Review => {}
        }
        self.revalidate(inv);
        vec![]
    }

    /// An endpoint subnet toggled (`Some`: what to answer at once instead).
    fn choose_endpoint_subnet(
        &mut self,
        inv: &Inventory,
        row: &Row,
        enter: bool,
    ) -> Option<Vec<WizardCmd>> {
        if self.draft.reuse_endpoint.is_some() {
            return Some(self.next(inv));
        }
        let public = inv
            .subnets
            .iter()
            .find(|s| s.id == row.key)
            .is_some_and(|s| s.reach.as_ref().is_some_and(|r| r.public));
        if enter && row.checked {
            return Some(self.next(inv));
        }
        if public && !self.draft.allow_public_endpoint_subnets && !row.checked {
            return Some(vec![WizardCmd::Flash(format!(
                "{} is public: the endpoint belongs in private subnets (press o to allow public ones anyway)",
                row.key
            ))]);
        }
        Draft::toggle(&mut self.draft.endpoint_subnets, &row.key);
        // A pin belongs to a chosen subnet.
        let chosen = self.draft.endpoint_subnets.clone();
        self.draft.endpoint_ips.retain(|s, _| chosen.contains(s));
        self.draft.preselect_nlb_subnets(inv);
        None
    }

    /// A row of the NLB step: a subnet, an NLB or a target group to adopt, one of your Elastic
    /// IPs (`Some`: what to answer at once instead).
    fn choose_nlb_row(
        &mut self,
        inv: &Inventory,
        row: &Row,
        enter: bool,
    ) -> Option<Vec<WizardCmd>> {
        if enter && row.checked {
            return Some(self.next(inv));
        }
        if row.key.contains(":loadbalancer/") {
            if self.draft.adopt_nlb.as_deref() == Some(row.key.as_str()) {
                self.draft.adopt_nlb = None;
                self.draft.eips = crate::plan::EipChoice::New;
                self.draft.nlb_subnets.clear();
                self.draft.preselect_nlb_subnets(inv);
                return Some(vec![WizardCmd::Flash(
                    "a new NLB will be created (with new Elastic IPs)".into(),
                )]);
            }
            if let Some(l) = inv.load_balancers.iter().find(|l| l.lb.arn == row.key) {
                self.draft.adopt_nlb = Some(row.key.clone());
                self.draft.nlb_subnets = l.lb.subnet_ids.clone();
                // Its addresses are fixed at its creation.
                self.draft.eips = crate::plan::EipChoice::None;
                self.revalidate(inv);
                return Some(vec![WizardCmd::Flash(format!(
                    "adopting {}: its subnets, security groups and IPs stay as they are",
                    l.lb.name
                ))]);
            }
        } else if row.key.contains(":targetgroup/") {
            self.draft.adopt_target_group =
                if self.draft.adopt_target_group.as_deref() == Some(row.key.as_str()) {
                    None
                } else {
                    Some(row.key.clone())
                };
        } else if row.key.starts_with("eipalloc-") {
            if let crate::plan::EipChoice::Existing { allocation_ids } = &mut self.draft.eips {
                Draft::toggle(allocation_ids, &row.key);
            }
        } else {
            Draft::toggle(&mut self.draft.nlb_subnets, &row.key);
        }
        None
    }

    /// Space on the Callers step: in-VPC rows toggle the whole VPC, choose nobody, or remove an
    /// entry; on a caller CIDR it removes it.
    fn toggle_caller(&mut self, key: &str) {
        match key.strip_prefix(IN_VPC) {
            Some(WHOLE_VPC_ROW) => {
                let whole = crate::plan::VPC_CALLERS_WHOLE_VPC.to_string();
                if self.draft.vpc_callers.contains(&whole) {
                    self.draft.vpc_callers.retain(|c| c != &whole);
                } else {
                    self.draft.vpc_callers.insert(0, whole);
                }
            }
            Some(NOBODY_ROW) => self.draft.vpc_callers.clear(),
            Some(entry) => self.draft.vpc_callers.retain(|c| c != entry),
            None => self.draft.allow_cidrs.retain(|c| c != key),
        }
    }

    /// A zone chosen: its records of the name are looked up; Enter goes on.
    fn choose_zone(&mut self, inv: &Inventory, row: &Row, enter: bool) -> Vec<WizardCmd> {
        if let Some(zone) = row.key.strip_prefix("public:") {
            self.draft.public_zone_id = Some(zone.to_string());
        } else if row.key == "private:create" {
            self.draft.private_zone_id = None;
        } else if let Some(zone) = row.key.strip_prefix("private:") {
            self.draft.private_zone_id = Some(zone.to_string());
        }
        let mut cmds: Vec<WizardCmd> = self.lookup_records(inv).into_iter().collect();
        self.revalidate(inv);
        if enter {
            cmds.extend(self.next(inv));
        }
        cmds
    }

    /// Acknowledge every warning of the current step.
    fn acknowledge(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let codes: Vec<&'static str> = self
            .step_findings(self.step)
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| f.code)
            .collect();
        if codes.is_empty() {
            return vec![WizardCmd::Flash(
                "nothing to acknowledge in this step".into(),
            )];
        }
        for c in &codes {
            if !self.draft.acknowledged.iter().any(|a| a == c) {
                self.draft.acknowledged.push(c.to_string());
            }
        }
        self.revalidate(inv);
        vec![WizardCmd::Flash(format!(
            "acknowledged: {}",
            codes.join(", ")
        ))]
    }

    /// Handle a key: the action its binding has in the wizard's table (`keymap::wizard`), else
    /// typed into the text field or the filter being typed.
    /// A key typed into the filter starts its search and does `budget` of it.
    pub fn on_key(&mut self, inv: &Inventory, key: KeyEvent, budget: Budget) -> Vec<WizardCmd> {
        // The rows the key acts on are those of the wizard as it is now.
        self.refresh_rows_within(inv, None);
        let state = keymap::wizard::State::of(self);
        match keymap::action(keymap::wizard::TABLE, state, &key) {
            Some(action) => {
                // …and of the filter as typed: a search still under way completes first.
                self.rows.finish();
                let cmds = self.act(inv, action);
                self.refresh_rows(inv);
                cmds
            }
            None => {
                // A key typed into the filter searches one slice; the rest runs between keys
                // (`work`).
                self.type_key(inv, state.mode, key);
                self.refresh_rows_within(inv, Some(budget));
                vec![]
            }
        }
    }

    /// Go on with the filter's search under way, if any, within `budget`; whether the rows
    /// shown changed.
    pub fn work(&mut self, budget: Budget) -> bool {
        self.rows.advance(budget)
    }

    /// Build the rows again when what they show changed (the step, the draft, the inventory),
    /// and filter them again when the filter changed; a cursor move does neither (lists of
    /// thousands of certificates, subnets, zones…).
    fn refresh_rows(&mut self, inv: &Inventory) {
        self.refresh_rows_within(inv, Some(Budget::ALL));
    }

    /// `refresh_rows`, the filter's search of a changed query done within `budget` (`None`: a
    /// changed query is not searched yet).
    fn refresh_rows_within(&mut self, inv: &Inventory, budget: Option<Budget>) {
        let inventory = inv.generation_marker();
        let current = self.rows_input.as_ref().is_some_and(|r| {
            r.step == self.step && r.draft == self.draft && r.inventory == inventory
        });
        if !current {
            self.endpoint_azs = self.draft.endpoint_azs(inv);
            self.rows = StepRows::new(rows(self, inv));
            self.rows_input = Some(RowsInput {
                step: self.step,
                draft: self.draft.clone(),
                inventory,
            });
            // New rows are filtered at once.
            self.rows.set_query(self.filter.value());
        }
        if let Some(budget) = budget {
            self.rows.type_query(self.filter.value(), budget);
        }
    }

    fn act(&mut self, inv: &Inventory, action: Action) -> Vec<WizardCmd> {
        let page = self.page_rows as isize;
        match action {
            Action::Quit => return vec![WizardCmd::Quit],
            Action::Help => return vec![WizardCmd::Help],
            Action::DnsOn => {
                self.draft.enable_vpc_dns = true;
                self.draft.acknowledged.push("vpc-dns-will-change".into());
                self.dns_question = false;
                self.revalidate(inv);
            }
            Action::DnsBack => return vec![WizardCmd::Exit],
            Action::FilterKeep => self.filter_editing = false,
            Action::FilterClear => {
                self.filter_editing = false;
                self.filter.reset();
            }
            Action::Submit => return self.submit(inv, true),
            Action::SubmitStay => return self.submit(inv, false),
            Action::LeaveField => return self.leave_field(inv, true),
            Action::FieldBack => return self.leave_field(inv, false),
            Action::Back => return self.back(inv),
            Action::ClearFilter => self.filter.reset(),
            Action::Next => return self.next(inv),
            Action::Choose => return self.choose(inv, true),
            Action::Toggle => return self.choose(inv, false),
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-page),
            Action::PageDown => self.move_cursor(page),
            Action::Top => self.move_cursor(-(i32::MAX as isize)),
            Action::Bottom => self.move_cursor(i32::MAX as isize),
            Action::Filter => self.filter_editing = true,
            Action::Acknowledge => return self.acknowledge(inv),
            Action::PublicOverride => return self.public_override(inv),
            Action::PinIps => return self.pin_ips(inv),
            Action::CycleEips => return self.cycle_eips(inv),
            Action::EditName => self.field = Field::Name,
            Action::EditStage => self.field = Field::Stage,
            Action::AddCidr => self.field = Field::Cidr,
            Action::AddVpcCaller => self.field = Field::VpcCaller,
            Action::ReplaceRecords => return self.replace_records(inv),
            Action::Apply => return vec![WizardCmd::Apply(Box::new(self.plan(inv)))],
            Action::ConfirmThenApply | Action::ConfirmOnly => {
                self.field = Field::Confirm;
                self.apply_after_confirm = action == Action::ConfirmThenApply;
            }
            Action::Save => return self.save(inv),
            Action::ExportScript => return vec![WizardCmd::ExportScript(Box::new(self.plan(inv)))],
            Action::Scroll(m) => self.review.go(m),
        }
        vec![]
    }

    /// A key no binding takes: typed into the filter or the text field being typed, if any.
    fn type_key(&mut self, inv: &Inventory, mode: Mode, key: KeyEvent) {
        let ev = TermEvent::Key(key);
        match mode {
            Mode::Filtering => {
                self.filter.handle_event(&ev);
                self.cursor = 0;
                self.offset = 0;
            }
            Mode::Typing(Field::Name) => {
                self.name_input.handle_event(&ev);
                // As you type: the findings judge what is typed, and the certificate that
                // covers it is selected.
                let typed = self.name_input.value().to_string();
                self.draft.set_name(inv, &typed);
                self.revalidate(inv);
            }
            Mode::Typing(Field::Stage) => {
                self.stage_input.handle_event(&ev);
            }
            Mode::Typing(Field::BasePath) => {
                self.base_input.handle_event(&ev);
            }
            Mode::Typing(Field::Cidr) => {
                self.cidr_input.handle_event(&ev);
            }
            Mode::Typing(Field::VpcCaller) => {
                self.vpc_caller_input.handle_event(&ev);
            }
            Mode::Confirming { .. } => {
                self.confirm_input.handle_event(&ev);
            }
            Mode::Typing(Field::List | Field::Confirm)
            | Mode::DnsQuestion
            | Mode::List { .. }
            | Mode::Review { .. } => {}
        }
    }

    /// x: the NLB's IPs go round new Elastic IPs → yours → NLB-assigned.
    fn cycle_eips(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        use crate::plan::EipChoice;
        self.draft.eips = match self.draft.eips {
            EipChoice::New => EipChoice::Existing {
                allocation_ids: vec![],
            },
            EipChoice::Existing { .. } => EipChoice::None,
            EipChoice::None => EipChoice::New,
        };
        self.revalidate(inv);
        vec![WizardCmd::Flash(
            match self.draft.eips {
                EipChoice::New => "new Elastic IPs: truly fixed, kept by destroy",
                EipChoice::Existing { .. } => {
                    "your Elastic IPs: Space picks one per NLB subnet, in order"
                }
                EipChoice::None => "NLB-assigned IPs: they change if the NLB is recreated",
            }
            .into(),
        )]
    }

    /// p: pin the endpoint's IPs to free addresses (the IPs in use are read first), or unpin.
    fn pin_ips(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        if !self.draft.endpoint_ips.is_empty() {
            self.draft.endpoint_ips.clear();
            self.revalidate(inv);
            return vec![WizardCmd::Flash(
                "endpoint IPs: chosen by AWS (they may change if the endpoint's subnets do)".into(),
            )];
        }
        if self.draft.endpoint_subnets.is_empty() {
            return vec![WizardCmd::Flash(
                "pick the endpoint subnets first, then p pins an IP in each".into(),
            )];
        }
        vec![WizardCmd::LookupUsedIps {
            subnet_ids: self.draft.endpoint_subnets.clone(),
        }]
    }

    /// o: allow public subnets for the endpoint, or limit it to private ones again.
    fn public_override(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        self.draft.allow_public_endpoint_subnets = !self.draft.allow_public_endpoint_subnets;
        if !self.draft.allow_public_endpoint_subnets {
            let publics: Vec<String> = inv
                .subnets
                .iter()
                .filter(|s| s.reach.as_ref().is_some_and(|r| r.public))
                .map(|s| s.id.clone())
                .collect();
            self.draft
                .endpoint_subnets
                .retain(|id| !publics.contains(id));
        }
        self.revalidate(inv);
        vec![WizardCmd::Flash(
            if self.draft.allow_public_endpoint_subnets {
                "public subnets allowed for the endpoint (not recommended)".into()
            } else {
                "endpoint limited to private subnets".into()
            },
        )]
    }

    /// R: replace the name's existing records (destroy restores them), or keep them.
    fn replace_records(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        self.draft.replace_records = !self.draft.replace_records;
        self.revalidate(inv);
        vec![WizardCmd::Flash(if self.draft.replace_records {
            "existing records of the name will be replaced (destroy restores them)".into()
        } else {
            "existing records are kept (the plan is blocked while one exists)".into()
        })]
    }

    /// What the review says can be done next, once confirmed.
    pub fn next_keys(&self) -> &'static str {
        if self.can_apply {
            "A apply · s save"
        } else {
            "s save"
        }
    }

    fn save(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let plan = self.plan(inv);
        if !self.confirmed {
            self.field = Field::Confirm;
            self.apply_after_confirm = false;
            return vec![WizardCmd::Flash(format!(
                "type {} and press Enter to confirm the plan, then s saves it",
                plan.name
            ))];
        }
        vec![WizardCmd::SavePlan(Box::new(plan))]
    }

    /// Esc (`esc`) or Shift-Tab out of a text field: back to the list, or the previous step.
    fn leave_field(&mut self, inv: &Inventory, esc: bool) -> Vec<WizardCmd> {
        match self.field {
            Field::Stage | Field::BasePath | Field::VpcCaller => self.field = Field::List,
            Field::Name if self.draft.name.is_empty() => return self.back(inv),
            Field::Name => self.field = Field::List,
            // Esc from the CIDR field goes to the list (the in-VPC rows are there); from the
            // confirmation, back to reading the review.
            Field::Cidr | Field::Confirm if esc => {
                self.field = Field::List;
                self.apply_after_confirm = false;
            }
            Field::Cidr | Field::Confirm => return self.back(inv),
            Field::List => {}
        }
        vec![]
    }

    /// Enter (`go_on`) or Tab in a text field: take what is typed.
    fn submit(&mut self, inv: &Inventory, go_on: bool) -> Vec<WizardCmd> {
        match self.field {
            Field::Name => return self.submit_name(inv),
            Field::Stage => {
                self.draft.stage = self.stage_input.value().trim().to_string();
                self.field = Field::BasePath;
                self.revalidate(inv);
            }
            Field::BasePath => {
                self.draft.base_path = self.base_input.value().trim().to_string();
                self.field = Field::List;
                self.revalidate(inv);
                return self.next(inv);
            }
            Field::Cidr => return self.submit_cidr(inv, go_on),
            Field::VpcCaller => return self.submit_vpc_caller(inv),
            Field::Confirm => return self.submit_confirm(inv),
            Field::List => {}
        }
        vec![]
    }

    fn submit_name(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let v = self.name_input.value().trim().to_string();
        if let Err(why) = check_dns_name(&v) {
            return vec![WizardCmd::Flash(why)];
        }
        self.draft.set_name(inv, &v);
        self.field = Field::List;
        self.revalidate(inv);
        // A certificate was chosen as the name was typed: Enter goes on (Shift-Tab comes back
        // to the list to pick another).
        if self.draft.certificate_arn.is_some() {
            return self.next(inv);
        }
        self.refresh_rows(inv);
        self.cursor = self.rows.iter().position(|r| r.selectable).unwrap_or(0);
        vec![]
    }

    /// The caller CIDRs typed (one or several); empty: the whole internet, asked once.
    fn submit_cidr(&mut self, inv: &Inventory, go_on: bool) -> Vec<WizardCmd> {
        let v = self.cidr_input.value().trim().to_string();
        if v.is_empty() {
            const CODE: &str = "callers-whole-internet";
            let acked = self.draft.acknowledged.iter().any(|a| a == CODE);
            if self.draft.allow_cidrs.is_empty() && !acked {
                if !self.internet_prompted {
                    self.internet_prompted = true;
                    return vec![WizardCmd::Flash(
                        "no allow-list means the WHOLE INTERNET can call the API: press Enter again to accept, or type a CIDR".into(),
                    )];
                }
                self.draft.acknowledged.push(CODE.to_string());
                self.revalidate(inv);
            }
            return self.next(inv);
        }
        self.internet_prompted = false;
        // One or several (commas or spaces): all are added, or none and why.
        let mut add = Vec::new();
        for one in v.split([',', ' ']).filter(|x| !x.is_empty()) {
            match check_caller_cidr(one) {
                Err(why) => return vec![WizardCmd::Flash(why)],
                Ok(net) if net.prefix_len() == 32 && !one.contains('/') => {
                    add.push(format!("{one}/32"))
                }
                Ok(_) => add.push(one.to_string()),
            }
        }
        for text in add {
            if !self.draft.allow_cidrs.contains(&text) {
                self.draft.allow_cidrs.push(text);
            }
        }
        self.cidr_input.reset();
        self.revalidate(inv);
        // Typed and added: Enter goes on (come back with Shift-Tab to add more).
        if go_on {
            return self.next(inv);
        }
        vec![]
    }

    fn submit_vpc_caller(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let v = self.vpc_caller_input.value().trim().to_string();
        if v.is_empty() {
            self.field = Field::List;
            return vec![];
        }
        match crate::plan::parse_vpc_callers(&v) {
            Err(why) => return vec![WizardCmd::Flash(why)],
            Ok(list) => {
                for c in list {
                    if !self.draft.vpc_callers.contains(&c) {
                        self.draft.vpc_callers.push(c);
                    }
                }
                self.vpc_caller_input.reset();
                self.revalidate(inv);
            }
        }
        vec![]
    }

    /// The name typed on the review: confirmed (every warning shown acknowledged), and applied
    /// when A / Enter asked for it.
    fn submit_confirm(&mut self, inv: &Inventory) -> Vec<WizardCmd> {
        let plan = self.plan(inv);
        if self
            .confirm_input
            .value()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase()
            != plan.name
        {
            return vec![WizardCmd::Flash(format!(
                "type {} exactly to confirm",
                plan.name
            ))];
        }
        let errors: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if let Some(e) = errors.first() {
            return vec![WizardCmd::Flash(format!(
                "{} error(s) remain, e.g. {} → {}",
                errors.len(),
                e.message,
                e.fix
            ))];
        }
        // The typed confirmation acknowledges every warning shown on the review.
        for f in self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
        {
            if !self.draft.acknowledged.iter().any(|a| a == f.code) {
                self.draft.acknowledged.push(f.code.to_string());
            }
        }
        self.confirmed = true;
        self.field = Field::List;
        self.revalidate(inv);
        if self.apply_after_confirm && self.can_apply {
            return vec![WizardCmd::Apply(Box::new(self.plan(inv)))];
        }
        vec![WizardCmd::Flash(format!("confirmed: {}", self.next_keys()))]
    }
    /// Records of the name arrived (or failed: the check is then left to the apply).
    /// The IPs in use were read: pin each endpoint subnet's IP to its first free address.
    pub fn used_ips_loaded(&mut self, inv: &Inventory) -> Option<String> {
        let mut pinned = std::collections::BTreeMap::new();
        for s in &self.draft.endpoint_subnets {
            if let Some(ip) = crate::plan::validate::suggest_free_ip(inv, s) {
                pinned.insert(s.clone(), ip);
            }
        }
        if pinned.is_empty() {
            return None;
        }
        let said = pinned.values().cloned().collect::<Vec<_>>().join(", ");
        self.draft.endpoint_ips = pinned;
        self.revalidate(inv);
        self.rows_input = None;
        self.refresh_rows(inv);
        Some(said)
    }

    pub fn records_loaded(&mut self, inv: &Inventory) {
        self.records_loading = false;
        self.revalidate(inv);
        self.rows_input = None;
        self.refresh_rows(inv);
    }
}

/// The NLB's fixed IPs as chosen, and the key that changes them (shown above the NLB list, so
/// it is visible on any screen size).
pub fn eip_choice_line(d: &Draft) -> String {
    let n = d.nlb_subnets.len();
    match &d.eips {
        crate::plan::EipChoice::None => {
            "Fixed IPs: NLB-assigned — they change if the NLB is recreated (x: Elastic IPs)".into()
        }
        crate::plan::EipChoice::New => format!(
            "Fixed IPs: {n} new Elastic IP{}, kept by destroy (x: pick yours / NLB-assigned)",
            if n == 1 { "" } else { "s" }
        ),
        crate::plan::EipChoice::Existing { allocation_ids } => format!(
            "Fixed IPs: your Elastic IPs, {} of {n} picked below (x: NLB-assigned)",
            allocation_ids.len()
        ),
    }
}

/// The rows of the current step.
pub fn rows(w: &Wizard, inv: &Inventory) -> Vec<Row> {
    let d = &w.draft;
    let vpc = d.vpc_id.clone().unwrap_or_default();
    match w.step {
        Step::Vpc | Step::Review => vec![],
        Step::EndpointSubnets => endpoint_subnet_rows(d, inv, &vpc),
        Step::NlbSubnets => nlb_rows(d, inv, &vpc),
        Step::NameCertificate => certificate_rows(d, inv),
        Step::Api => api_rows(d, inv),
        Step::Callers => caller_rows(d, inv),
        Step::Zones => zone_rows(d, inv, &vpc),
    }
}

/// Step 7: the public zones, longest first, then a new private zone or an existing one.
fn zone_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    let mut rows = vec![Row::heading(
        "Public zone (serves the name to the internet)",
    )];
    let mut publics: Vec<&crate::domain::HostedZone> =
        inv.hosted_zones.iter().filter(|z| !z.private).collect();
    publics.sort_by_key(|z| std::cmp::Reverse(z.name.len()));
    for z in publics {
        let suffix = crate::plan::validate::is_suffix_zone(&z.name, &d.name);
        let row = Row::item(
            format!("public:{}", z.id),
            vec![z.name.clone(), z.id.clone(), "public".into()],
            d.public_zone_id.as_deref() == Some(z.id.as_str()),
        );
        rows.push(if suffix {
            row
        } else {
            row.greyed(format!("not a suffix of {}", d.name))
        });
    }
    rows.push(Row::heading(
        "Private zone (serves the name inside the VPC)",
    ));
    let details = ["private", "recommended"];
    let create = Row::create(
        "private:create",
        &d.name,
        details,
        d.private_zone_id.is_none(),
    );
    rows.push(create.noted("a zone named exactly the name shadows nothing else"));
    for z in inv.hosted_zones.iter().filter(|z| z.private) {
        let suffix = crate::plan::validate::is_suffix_zone(&z.name, &d.name);
        let associated = z.vpcs.iter().any(|v| v.vpc_id == vpc);
        let row = Row::item(
            format!("private:{}", z.id),
            vec![z.name.clone(), z.id.clone(), "private".into()],
            d.private_zone_id.as_deref() == Some(z.id.as_str()),
        );
        rows.push(if !suffix {
            row.greyed(format!("not a suffix of {}", d.name))
        } else if !associated {
            row.greyed("not associated with this VPC")
        } else if z.name != d.name {
            row.noted(format!(
                "shadows every other {} name inside the VPC",
                z.name
            ))
        } else {
            row
        });
    }
    rows
}

/// A subnet's reach, as the lists say it.
fn reach(s: &crate::domain::Subnet) -> &'static str {
    match &s.reach {
        Some(r) if r.public => "public",
        Some(_) => "private",
        None => "unknown",
    }
}

/// Step 2: the VPC's subnets, private first (or the reused endpoint's).
fn endpoint_subnet_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    if let Some(ep) = &d.reuse_endpoint {
        let e = inv.vpc_endpoints.iter().find(|e| &e.id == ep);
        let mut rows = vec![Row::heading(format!(
            "Reusing {ep}: this VPC already has an execute-api endpoint with private DNS, and a second one would be rejected"
        ))];
        for sid in e.map(|e| e.subnet_ids.clone()).unwrap_or_default() {
            let s = inv.subnets.iter().find(|s| s.id == sid);
            rows.push(
                Row::item(
                    sid.clone(),
                    vec![
                        s.map(|s| s.az.clone()).unwrap_or_default(),
                        sid.clone(),
                        s.map(|s| s.cidr.clone()).unwrap_or_default(),
                        s.map(|s| reach(s).to_string()).unwrap_or_default(),
                    ],
                    true,
                )
                .greyed("the reused endpoint's subnet"),
            );
        }
        return rows;
    }
    let mut subnets: Vec<&crate::domain::Subnet> = inv.subnets_of(vpc).collect();
    subnets.sort_by(|a, b| {
        let pa = a.reach.as_ref().is_some_and(|r| r.public);
        let pb = b.reach.as_ref().is_some_and(|r| r.public);
        pa.cmp(&pb).then(a.az.cmp(&b.az)).then(a.cidr.cmp(&b.cidr))
    });
    subnets
        .into_iter()
        .map(|s| {
            let checked = d.endpoint_subnets.contains(&s.id);
            let row = Row::subnet(s, reach(s).to_string(), checked);
            if s.reach.as_ref().is_some_and(|r| r.public) {
                row.noted("public: needs the override (o)")
            } else if s.free_ips == 0 {
                row.greyed("no free IP address")
            } else if let Some(ip) = d.endpoint_ips.get(&s.id).filter(|_| checked) {
                row.noted(format!("IP {ip}"))
            } else {
                row
            }
        })
        .collect()
}

/// Step 3: public subnets by AZ, then NLBs and target groups to adopt, then your Elastic IPs.
fn nlb_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    let mut rows = nlb_subnet_rows(d, inv, vpc);
    rows.extend(adoptable_nlb_rows(d, inv, vpc));
    rows.extend(target_group_rows(d, inv, vpc));
    rows.extend(your_eip_rows(d, inv));
    rows
}

/// Step 3's subnets, under a heading per AZ that says whether the endpoint is there.
fn nlb_subnet_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    let azs = d.endpoint_azs(inv);
    let mut subnets: Vec<&crate::domain::Subnet> = inv.subnets_of(vpc).collect();
    subnets.sort_by(|a, b| a.az.cmp(&b.az).then(a.cidr.cmp(&b.cidr)));
    let mut rows = vec![];
    let mut all_azs: Vec<String> = subnets.iter().map(|s| s.az.clone()).collect();
    all_azs.dedup();
    for az in all_azs {
        let endpoint_here = azs.contains(&az);
        rows.push(Row::heading(if endpoint_here {
            format!("{az}: endpoint subnet here — pick one public subnet")
        } else {
            format!("{az}: no endpoint subnet — an NLB subnet here would not match")
        }));
        for s in subnets.iter().filter(|s| s.az == az) {
            let checked = d.nlb_subnets.contains(&s.id);
            let row = Row::subnet(s, format!("{} free", s.free_ips), checked);
            let row = match &s.reach {
                Some(r) if !r.public => row.greyed("private: no route to an internet gateway"),
                _ if s.free_ips < NLB_MIN_FREE_IPS => row.greyed(format!(
                    "{} free IPs: an NLB subnet needs {NLB_MIN_FREE_IPS}",
                    s.free_ips
                )),
                None => row.noted("route table not visible"),
                _ if !endpoint_here => row.noted("no endpoint subnet in this AZ"),
                _ => row,
            };
            rows.push(row);
        }
    }
    rows
}

/// A heading and a row each for `items`; nothing when there are none.
fn section<T>(heading: &str, items: impl Iterator<Item = T>, row: impl Fn(T) -> Row) -> Vec<Row> {
    let rows: Vec<Row> = items.map(row).collect();
    if rows.is_empty() {
        return rows;
    }
    std::iter::once(Row::heading(heading)).chain(rows).collect()
}

/// Step 3: the VPC's NLBs, to adopt instead of creating one.
fn adoptable_nlb_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    let nlbs = inv.load_balancers.iter().filter(|l| l.lb.vpc_id == vpc);
    let heading = "Or adopt an existing NLB of this VPC (Space; never deleted by destroy):";
    section(heading, nlbs, |l| {
        let listener = l
            .listeners
            .iter()
            .find(|x| x.port == 443)
            .map(|x| format!("{}:443", x.protocol))
            .unwrap_or_else(|| "no :443 listener".into());
        let row = Row::item(
            l.lb.arn.clone(),
            vec![
                l.lb.name.clone(),
                l.lb.scheme.clone(),
                if l.lb.security_group_ids.is_empty() {
                    "no security group".into()
                } else {
                    format!("SG {}", l.lb.security_group_ids.join(","))
                },
                if l.lb.eip_allocations.is_empty() {
                    "NLB-assigned IPs".into()
                } else {
                    "Elastic IPs".into()
                },
                listener,
            ],
            d.adopt_nlb.as_deref() == Some(l.lb.arn.as_str()),
        );
        if !l.lb.scheme.eq_ignore_ascii_case("internet-facing") {
            row.greyed("internal: partners could not reach it")
        } else {
            row
        }
    })
}

/// Step 3: the VPC's IP target groups, to adopt.
fn target_group_rows(d: &Draft, inv: &Inventory, vpc: &str) -> Vec<Row> {
    let tgs = inv.target_groups.iter().filter(|t| t.vpc_id == vpc);
    let heading = "Or adopt an existing IP target group (Space; only this plan's targets are removed by destroy):";
    section(heading, tgs, |t| {
        let row = Row::item(
            t.arn.clone(),
            vec![
                t.name.clone(),
                format!("{} {}:{}", t.target_type, t.protocol, t.port),
            ],
            d.adopt_target_group.as_deref() == Some(t.arn.as_str()),
        );
        if !t.protocol.eq_ignore_ascii_case("TLS") || t.port != 443 {
            row.greyed("needs TLS on 443")
        } else {
            row
        }
    })
}

/// Step 3: your Elastic IPs, when the NLB is to use them.
fn your_eip_rows(d: &Draft, inv: &Inventory) -> Vec<Row> {
    let mut rows = vec![];
    // The choice itself is said above the list (`eip_choice_line`); yours are listed here.
    match &d.eips {
        crate::plan::EipChoice::None | crate::plan::EipChoice::New => {}
        crate::plan::EipChoice::Existing { allocation_ids } => {
            rows.push(Row::heading(format!(
                "Your Elastic IPs: Space picks {} in NLB subnet order",
                d.nlb_subnets.len(),
            )));
            for e in &inv.elastic_ips.addresses {
                let pos = allocation_ids.iter().position(|a| a == &e.allocation_id);
                let tags = e
                    .tags
                    .iter()
                    .filter(|t| t.key != "Name")
                    .map(|t| format!("{}={}", t.key, t.value))
                    .collect::<Vec<_>>()
                    .join(" ");
                let row = Row::item(
                    e.allocation_id.clone(),
                    vec![
                        pos.map(|p| format!("#{}", p + 1)).unwrap_or_default(),
                        e.public_ip.clone(),
                        e.allocation_id.clone(),
                        e.name().unwrap_or_default(),
                        tags,
                    ],
                    pos.is_some(),
                );
                rows.push(if e.in_use() && pos.is_none() {
                    row.greyed(format!(
                        "associated with {}",
                        e.network_interface_id.as_deref().unwrap_or("something")
                    ))
                } else {
                    row
                });
            }
            if inv.elastic_ips.addresses.is_empty() {
                rows.push(Row::heading(
                    "  no Elastic IPs in this region: press x for new ones",
                ));
            }
        }
    }
    rows
}

/// Step 4: the certificates, those that cover the name first.
fn certificate_rows(d: &Draft, inv: &Inventory) -> Vec<Row> {
    let name = d.name.clone();
    let best = crate::plan::draft::best_certificate(inv, &name).map(|(c, _)| c.arn.clone());
    let mut certs: Vec<(bool, Row)> = inv
        .certificates
        .iter()
        .map(|c| {
            let checked = d.certificate_arn.as_deref() == Some(c.arn.as_str());
            let short = c.arn.rsplit('/').next().unwrap_or(&c.arn).to_string();
            let row = Row::item(
                c.arn.clone(),
                vec![
                    c.domain.clone(),
                    c.status.as_str().to_string(),
                    c.not_after
                        .as_deref()
                        .map(|t| t.get(..10).unwrap_or(t).to_string())
                        .unwrap_or_default(),
                    short,
                ],
                checked,
            );
            let why = if c.status != crate::domain::CertStatus::Issued {
                Some(c.status.as_str().to_ascii_lowercase().replace('_', " "))
            } else if name.is_empty() {
                Some("type the name first (n)".to_string())
            } else if !c.covers(&name) {
                Some(format!(
                    "for another name ({})",
                    c.sans
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            } else {
                None
            };
            match why {
                Some(w) => (false, row.greyed(w)),
                // Why the pre-selection is what it is.
                None if best.as_deref() == Some(c.arn.as_str()) => (
                    true,
                    row.noted(if crate::plan::draft::cert_exact(c, &name) {
                        "most specific: names it exactly"
                    } else {
                        "most specific: wildcard"
                    }),
                ),
                None if crate::plan::draft::cert_exact(c, &name) => {
                    (true, row.noted("names it exactly"))
                }
                None => (true, row.noted("wildcard")),
            }
        })
        .collect();
    certs.sort_by_key(|(ok, _)| !*ok);
    certs.into_iter().map(|(_, r)| r).collect()
}

/// Step 5: create the API, or adopt one of the region's.
fn api_rows(d: &Draft, inv: &Inventory) -> Vec<Row> {
    let what = format!("\"{}\"", d.api_name);
    let details = ["PRIVATE", "MOCK GET /ping → 200"];
    let mut rows = vec![Row::create("create", &what, details, d.adopt_api.is_none())];
    for a in &inv.rest_apis {
        let checked = d.adopt_api.as_deref() == Some(a.id.as_str());
        let mut row = Row::item(
            a.id.clone(),
            vec![
                format!("{} ({})", a.name, a.id),
                a.endpoint_types.join(","),
                if a.vpc_endpoint_ids.is_empty() {
                    "no endpoint".into()
                } else {
                    a.vpc_endpoint_ids.join(",")
                },
            ],
            checked,
        );
        if !a.is_private() {
            row = row.noted("will be changed to PRIVATE");
        } else if !a.vpc_endpoint_ids.is_empty()
            && !a
                .vpc_endpoint_ids
                .iter()
                .any(|e| Some(e) == d.reuse_endpoint.as_ref())
        {
            row = row.noted("bound to another endpoint");
        }
        rows.push(row);
    }
    rows
}

/// Step 6: the callers from the internet, then those inside the VPC.
fn caller_rows(d: &Draft, inv: &Inventory) -> Vec<Row> {
    let mut rows = vec![Row::heading(
        "From the internet, through the NLB (i adds a CIDR)",
    )];
    rows.extend(
        d.allow_cidrs
            .iter()
            .map(|c| Row::item(c.clone(), vec![c.clone(), "TCP 443 allowed".into()], true)),
    );
    if d.allow_cidrs.is_empty() {
        rows.push(Row::heading("    none yet: the whole internet may call"));
    }
    rows.push(Row::heading(
        "Inside the VPC, straight to the endpoint (v adds a CIDR or sg-…)",
    ));
    let whole = crate::plan::VPC_CALLERS_WHOLE_VPC;
    let vpc_cidrs = d
        .vpc_id
        .as_ref()
        .and_then(|id| inv.vpcs.iter().find(|v| &v.id == id))
        .map(|v| {
            std::iter::once(v.cidr.clone())
                .chain(v.secondary_cidrs.iter().cloned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    rows.push(Row::item(
        format!("{IN_VPC}{WHOLE_VPC_ROW}"),
        vec!["the whole VPC".into(), vpc_cidrs],
        d.vpc_callers.iter().any(|c| c == whole),
    ));
    for c in d.vpc_callers.iter().filter(|c| c.as_str() != whole) {
        rows.push(Row::item(
            format!("{IN_VPC}{c}"),
            vec![c.clone(), "TCP 443 to the endpoint".into()],
            true,
        ));
    }
    rows.push(Row::item(
        format!("{IN_VPC}{NOBODY_ROW}"),
        vec![
            "nobody".into(),
            "the post's setting: callers in the VPC time out".into(),
        ],
        d.vpc_callers.is_empty(),
    ));
    rows
}
