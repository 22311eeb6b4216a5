//! The wizard's keys (steps 2–8): the VPC DNS question, each step's list and its filter, the text
//! fields, the review and its typed confirmation.

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{bind, help_key, quit_key, Binding};
use crate::app::scroll::Motion;
use crate::app::wizard::{Field, Wizard};
use crate::plan::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub step: Step,
    pub mode: Mode,
}

/// What has the keyboard in the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// "Turn the VPC's DNS attributes on during apply?" (modal, before step 2).
    DnsQuestion,
    /// Typing the list's filter.
    Filtering,
    /// Typing in a text field (name, stage, base path, caller CIDR, in-VPC caller).
    Typing(Field),
    /// Typing the plan's name on the review (`apply`: the confirmation applies at once).
    Confirming { apply: bool },
    /// Choosing in a step's list (`filtered`: a filter is kept).
    List { filtered: bool },
    /// Reading the review.
    Review {
        filtered: bool,
        confirmed: bool,
        can_apply: bool,
    },
}

impl State {
    pub fn of(w: &Wizard) -> Self {
        let filtered = !w.filter.value().is_empty();
        let mode = if w.dns_question {
            Mode::DnsQuestion
        } else if w.filter_editing {
            Mode::Filtering
        } else if w.field == Field::Confirm {
            Mode::Confirming {
                apply: w.apply_after_confirm,
            }
        } else if w.field != Field::List {
            Mode::Typing(w.field)
        } else if w.step == Step::Review {
            Mode::Review {
                filtered,
                confirmed: w.confirmed,
                can_apply: w.can_apply,
            }
        } else {
            Mode::List { filtered }
        };
        State { step: w.step, mode }
    }

    #[cfg(test)]
    pub fn all() -> Vec<Self> {
        let mut all = vec![];
        for step in Step::ALL.into_iter().filter(|s| *s != Step::Vpc) {
            let mut modes = vec![Mode::DnsQuestion, Mode::Filtering];
            for field in [
                Field::Name,
                Field::Stage,
                Field::BasePath,
                Field::Cidr,
                Field::VpcCaller,
            ] {
                modes.push(Mode::Typing(field));
            }
            for [filtered, confirmed, can_apply] in super::three_flags() {
                if step == Step::Review {
                    modes.push(Mode::Confirming { apply: filtered });
                    modes.push(Mode::Review {
                        filtered,
                        confirmed,
                        can_apply,
                    });
                } else {
                    modes.push(Mode::List { filtered });
                }
            }
            all.extend(modes.into_iter().map(|mode| State { step, mode }));
        }
        all
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    /// The DNS question: turn the attributes on during apply.
    DnsOn,
    /// The DNS question: back to the VPC list.
    DnsBack,
    /// Stop typing the filter, keep it.
    FilterKeep,
    /// Stop typing the filter, clear it.
    FilterClear,
    /// Enter in a text field: take what is typed and go on.
    Submit,
    /// Tab in a text field: take what is typed (the caller CIDR field stays, for more).
    SubmitStay,
    /// Esc in a text field: back to the list (or to reading the review).
    LeaveField,
    /// Shift-Tab in a text field: back to the list, or the previous step.
    FieldBack,
    /// The previous step (from step 2: the VPC list), choices kept.
    Back,
    /// Clear the kept filter.
    ClearFilter,
    /// The next step, when this one has no error.
    Next,
    /// Enter on a row: choose it, or go on once it is chosen.
    Choose,
    /// Space on a row: toggle or pick it.
    Toggle,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Start typing the filter.
    Filter,
    Acknowledge,
    PublicOverride,
    PinIps,
    CycleEips,
    EditName,
    EditStage,
    AddCidr,
    AddVpcCaller,
    ReplaceRecords,
    /// The review, confirmed: apply.
    Apply,
    /// The review: type the name, and it applies.
    ConfirmThenApply,
    /// The review: type the name to confirm (then A applies, s saves).
    ConfirmOnly,
    /// Save the plan (after confirming).
    Save,
    /// Write the plan as bash scripts of AWS CLI commands (apply and teardown).
    ExportScript,
    /// Read the review.
    Scroll(Motion),
}

use Action::*;

fn list(s: State) -> bool {
    matches!(s.mode, Mode::List { .. })
}

fn review(s: State) -> bool {
    matches!(s.mode, Mode::Review { .. })
}

/// A step's list or the review: where the wizard is not typing.
fn choosing(s: State) -> bool {
    list(s) || review(s)
}

fn filtered(s: State) -> bool {
    matches!(
        s.mode,
        Mode::List { filtered: true } | Mode::Review { filtered: true, .. }
    )
}

fn typing(s: State) -> bool {
    matches!(s.mode, Mode::Typing(_) | Mode::Confirming { .. })
}

/// A text field whose Enter goes on and whose Shift-Tab goes back.
fn typing_on(s: State) -> bool {
    matches!(
        s.mode,
        Mode::Typing(Field::Name | Field::Stage | Field::BasePath | Field::Cidr)
    )
}

fn review_is(s: State, confirmed: bool, can_apply: bool) -> bool {
    matches!(
        s.mode,
        Mode::Review { confirmed: c, can_apply: a, .. } if c == confirmed && a == can_apply
    )
}

const BACK: &str = "previous step, choices kept (from step 2: back to the VPC list)";
const APPLY: &str = "apply: type the name to confirm, and it applies (once confirmed: at once)";

/// In help order (each step's `?` lists what applies there; the footer puts the leading hints
/// first).
pub const TABLE: &[Binding<State, Action>] = &[
    // A step's list, and the review.
    bind(&[Code(K::Enter)], Choose, list)
        .help("Enter/Tab", "choose / next step (when this step has no error)")
        .hint("Enter/Tab", "next"),
    bind(&[Code(K::Tab), Code(K::Right)], Next, choosing),
    bind(
        &[Code(K::BackTab), Char('h'), Code(K::Backspace), Code(K::Left)],
        Back,
        list,
    )
    .help("S-Tab/h/Esc", BACK)
    .hint("S-Tab/h/Esc", "back"),
    bind(
        &[Code(K::BackTab), Char('h'), Code(K::Backspace), Code(K::Left)],
        Back,
        review,
    )
    .help("S-Tab/h/Esc", BACK)
    .hint("S-Tab", "back"),
    bind(&[Code(K::Esc)], Back, |s: State| choosing(s) && !filtered(s)),
    bind(&[Code(K::Esc)], ClearFilter, |s: State| choosing(s) && filtered(s)),
    bind(&[Char('j'), Code(K::Down)], Down, list),
    bind(&[Char('k'), Code(K::Up)], Up, list),
    bind(&[Code(K::PageDown)], PageDown, list),
    bind(&[Code(K::PageUp)], PageUp, list),
    bind(&[Char('g'), Code(K::Home)], Top, list),
    bind(&[Char('G'), Code(K::End)], Bottom, list),
    bind(&[Char(' ')], Toggle, |s: State| {
        list(s) && matches!(s.step, Step::EndpointSubnets | Step::NlbSubnets | Step::Zones)
    })
    .help("Space", "toggle (multi-select) or pick the row")
    .hint("Space", "toggle"),
    bind(&[Char(' ')], Toggle, |s: State| {
        list(s) && matches!(s.step, Step::NameCertificate | Step::Api)
    }),
    bind(&[Char('o')], PublicOverride, |s: State| {
        list(s) && s.step == Step::EndpointSubnets
    })
    .help("o", "allow public subnets for the endpoint (override)")
    .hint("o", "public override"),
    bind(&[Char('p')], PinIps, |s: State| list(s) && s.step == Step::EndpointSubnets)
        .help(
            "p",
            "pin the endpoint's IP in each subnet to a free address (or unpin)",
        )
        .hint("p", "pin IPs"),
    bind(&[Char('x')], CycleEips, |s: State| list(s) && s.step == Step::NlbSubnets)
        .help(
            "x",
            "the NLB's IPs: new Elastic IPs / your Elastic IPs / NLB-assigned",
        )
        .hint("x", "Elastic IPs"),
    bind(&[Char('n')], EditName, |s: State| {
        list(s) && s.step == Step::NameCertificate
    })
    .help("n", "edit the name")
    .hint("n", "edit name"),
    bind(&[Char('e')], EditStage, |s: State| list(s) && s.step == Step::Api)
        .help("e", "edit stage and base path")
        .hint("e", "stage"),
    bind(&[Char('i')], AddCidr, |s: State| list(s) && s.step == Step::Callers)
        .help("i", "add a caller CIDR")
        .hint("i", "add CIDR"),
    bind(&[Char('v')], AddVpcCaller, |s: State| list(s) && s.step == Step::Callers)
        .help(
            "v",
            "add an in-VPC caller: a CIDR or a security group id (sg-…)",
        )
        .hint("v", "in-VPC caller"),
    bind(&[Char(' ')], Toggle, |s: State| list(s) && s.step == Step::Callers)
        .help(
            "Space",
            "remove the CIDR under the cursor; on the in-VPC rows: the whole VPC on/off, nobody, or remove",
        )
        .hint("Space", "toggle/remove"),
    bind(&[Char('R')], ReplaceRecords, |s: State| list(s) && s.step == Step::Zones)
        .help("R", "replace the existing record of the name (explicit)")
        .hint("R", "replace record"),
    // The review: A / Enter go as far as the review allows.
    bind(&[Char('A'), Code(K::Enter)], Apply, |s: State| review_is(s, true, true))
        .help("A/Enter", APPLY)
        .hint("A", "apply")
        .lead(),
    bind(&[Char('A'), Code(K::Enter)], ConfirmThenApply, |s: State| {
        review_is(s, false, true)
    })
    .help("A/Enter", APPLY)
    .hint("A/Enter", "apply")
    .lead(),
    bind(&[Char('A'), Code(K::Enter)], ConfirmOnly, |s: State| {
        review_is(s, false, false)
    })
    .help("A/Enter", APPLY)
    .hint("Enter", "confirm")
    .lead(),
    // `plan --out`, confirmed: A / Enter save.
    bind(&[Char('A'), Code(K::Enter)], Save, |s: State| {
        review_is(s, true, false)
    })
    .help("A/Enter", APPLY),
    bind(&[Char('c')], ConfirmOnly, review)
        .help("c", "confirm only: type the name (then A applies, s saves)")
        .hint_if("c", "confirm only", |s: State| review_is(s, false, true))
        .lead(),
    bind(&[Char('s')], Save, review)
        .help("s", "save the plan to a file (after confirming)")
        .hint_if("s", "save", |s: State| {
            matches!(
                s.mode,
                Mode::Review {
                    confirmed: true,
                    ..
                }
            )
        })
        .lead(),
    bind(&[Char('e')], ExportScript, review)
        .help(
            "e",
            "export the plan as bash scripts of aws commands (<id>-apply.sh, <id>-destroy.sh)",
        )
        .hint("e", "export")
        .lead(),
    bind(&[Char('j'), Code(K::Down)], Scroll(Motion::Lines(1)), review)
        .help(
            "j/k J/K",
            "scroll the review a line / five; PgUp/PgDn a screen; g/G top/end",
        )
        .hint("j/k/g/G", "scroll")
        .lead(),
    bind(&[Char('k'), Code(K::Up)], Scroll(Motion::Lines(-1)), review),
    bind(&[Char('J')], Scroll(Motion::Lines(5)), review),
    bind(&[Char('K')], Scroll(Motion::Lines(-5)), review),
    bind(&[Code(K::PageDown)], Scroll(Motion::Pages(1)), review),
    bind(&[Code(K::PageUp)], Scroll(Motion::Pages(-1)), review),
    bind(&[Char('g'), Code(K::Home)], Scroll(Motion::Top), review),
    bind(&[Char('G'), Code(K::End)], Scroll(Motion::Bottom), review),
    bind(&[Char('a')], Acknowledge, list)
        .help("a", "acknowledge this step's warnings")
        .hint("a", "ack warnings"),
    bind(&[Char('a')], Acknowledge, review),
    bind(&[Char('/')], Filter, list)
        .help("/", "filter the list (fuzzy)")
        .hint("/", "filter"),
    bind(&[Char('/')], Filter, review),
    help_key(Help, choosing),
    quit_key(Quit, choosing, "quit (Ctrl-C too); outside text fields"),
    // The VPC DNS question.
    bind(&[Char('y'), Code(K::Enter)], DnsOn, |s: State| s.mode == Mode::DnsQuestion)
        .hint("y", "turn on during apply"),
    bind(
        &[Char('n'), Code(K::Esc), Code(K::BackTab), Char('h')],
        DnsBack,
        |s: State| s.mode == Mode::DnsQuestion,
    )
    .hint("n", "back"),
    bind(&[Ctrl('c')], Quit, |s: State| s.mode == Mode::DnsQuestion),
    // Typing the filter: other keys are typed into it.
    bind(&[Code(K::Enter)], FilterKeep, |s: State| s.mode == Mode::Filtering).hint("Enter", "keep filter"),
    bind(&[Code(K::Esc)], FilterClear, |s: State| s.mode == Mode::Filtering).hint("Esc", "clear"),
    bind(&[Code(K::Up)], Up, |s: State| s.mode == Mode::Filtering).hint("↑/↓", "move"),
    bind(&[Code(K::Down)], Down, |s: State| s.mode == Mode::Filtering),
    bind(&[Ctrl('c')], Quit, |s: State| s.mode == Mode::Filtering),
    // Text fields: other keys are typed into them.
    bind(&[Code(K::Enter)], Submit, typing_on).hint("Enter", "next"),
    bind(&[Code(K::Enter)], Submit, |s: State| {
        s.mode == Mode::Typing(Field::VpcCaller)
    })
    .hint("Enter", "add"),
    bind(&[Code(K::Enter)], Submit, |s: State| {
        s.mode == Mode::Confirming { apply: true }
    })
    .hint("Enter", "apply"),
    bind(&[Code(K::Enter)], Submit, |s: State| {
        s.mode == Mode::Confirming { apply: false }
    })
    .hint("Enter", "confirm"),
    bind(&[Code(K::Tab)], SubmitStay, typing),
    bind(&[Code(K::Esc)], LeaveField, |s: State| {
        typing(s) && !matches!(s.mode, Mode::Typing(Field::VpcCaller) | Mode::Confirming { .. })
    }),
    bind(&[Code(K::Esc)], LeaveField, |s: State| {
        s.mode == Mode::Typing(Field::VpcCaller)
    })
    .hint("empty Enter/Esc", "done"),
    bind(&[Code(K::Esc)], LeaveField, |s: State| {
        matches!(s.mode, Mode::Confirming { .. })
    })
    .hint("Esc", "back to reading"),
    bind(&[Code(K::BackTab)], FieldBack, typing).hint_if("S-Tab", "back", typing_on),
    bind(&[Ctrl('c')], Quit, typing).hint("^C", "quit"),
];
