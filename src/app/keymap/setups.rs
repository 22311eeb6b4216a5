//! The Setups tab's keys — the list of fixed-IP setups `doctor` finds in the region — and those
//! of one setup's screen: its findings, mending one in place, verify and destroy (ours), adopt
//! (found ones).

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{always, bind, Binding};
use crate::app::setups::SetupsView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The list; `has_rows`: it shows a setup; `filtering`: the filter is being typed;
    /// `filter_set`: a filter is kept.
    List {
        has_rows: bool,
        filtering: bool,
        filter_set: bool,
    },
    /// One setup open. `fixable`: the selected finding can be mended in place; `ours`: made by
    /// fixedip-tui; `busy`: a fix or a read is under way.
    Setup {
        fixable: bool,
        ours: bool,
        busy: bool,
    },
    /// Asking before a fix changes the account.
    Confirm,
    /// Typing the name that confirms a destroy.
    Destroying,
}

impl State {
    pub fn of(v: &SetupsView) -> Self {
        if v.confirm.is_some() {
            return State::Confirm;
        }
        if v.destroy.is_some() {
            return State::Destroying;
        }
        match v.open_setup() {
            Some(s) => State::Setup {
                fixable: v.selected_finding().is_some_and(|f| f.fixable),
                ours: s.origin == "fixedip-tui",
                busy: v.busy.is_some(),
            },
            None => State::List {
                has_rows: v.shown_len() > 0,
                filtering: v.filter_editing,
                filter_set: !v.filter.value().is_empty(),
            },
        }
    }

    #[cfg(test)]
    pub fn all() -> Vec<Self> {
        let mut all = vec![State::Confirm, State::Destroying];
        for [has_rows, filtering, filter_set] in super::three_flags() {
            all.push(State::List {
                has_rows,
                filtering,
                filter_set,
            });
        }
        for [fixable, ours, busy] in super::three_flags() {
            all.push(State::Setup {
                fixable,
                ours,
                busy,
            });
        }
        all
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    /// Open the setup under the cursor.
    Open,
    /// Back to the VPCs tab.
    VpcsTab,
    /// Read the setups again.
    Refresh,
    /// Mend the selected finding in place (asks first).
    Fix,
    /// Verify a setup of ours.
    Verify,
    /// Destroy a setup of ours (typed confirmation on the next screen).
    Destroy,
    /// Start the wizard adopting a found setup.
    Adopt,
    /// Make the change asked about.
    Confirm,
    /// Do not.
    Cancel,
    /// Enter on the typed name: destroy.
    ConfirmDestroy,
    /// Close the setup (back to the list).
    Back,
    /// Type the list's filter.
    Filter,
    /// Stop typing the filter, keep it.
    FilterKeep,
    /// Stop typing the filter, clear it.
    FilterClear,
    /// Clear the kept filter.
    ClearFilter,
    Help,
    Quit,
}

use Action::*;

/// The list, the filter not being typed.
fn list(s: State) -> bool {
    matches!(
        s,
        State::List {
            filtering: false,
            ..
        }
    )
}

fn filtering(s: State) -> bool {
    matches!(
        s,
        State::List {
            filtering: true,
            ..
        }
    )
}

fn setup(s: State) -> bool {
    matches!(s, State::Setup { .. })
}

fn browsing(s: State) -> bool {
    !matches!(s, State::Confirm | State::Destroying) && !filtering(s)
}

fn destroying(s: State) -> bool {
    s == State::Destroying
}

fn confirming(s: State) -> bool {
    s == State::Confirm
}

fn idle_setup(s: State) -> bool {
    matches!(s, State::Setup { busy: false, .. })
}

fn ours(s: State) -> bool {
    matches!(
        s,
        State::Setup {
            ours: true,
            busy: false,
            ..
        }
    )
}

fn found(s: State) -> bool {
    matches!(
        s,
        State::Setup {
            ours: false,
            busy: false,
            ..
        }
    )
}

/// In help order (the footer puts the leading hints first).
pub const TABLE: &[Binding<State, Action>] = &[
    bind(&[Code(K::Enter)], Open, list)
        .hint_if("Enter", "open the setup", |s: State| {
            matches!(
                s,
                State::List {
                    has_rows: true,
                    filtering: false,
                    ..
                }
            )
        })
        .lead()
        .help("Enter", "open the setup: its handout and findings"),
    bind(&[Char('j'), Code(K::Down)], Down, browsing).help("j/↓", "next setup / finding"),
    bind(&[Char('k'), Code(K::Up)], Up, browsing).help("k/↑", "previous setup / finding"),
    bind(&[Char('g'), Code(K::Home)], Top, browsing).help("g/Home", "first"),
    bind(&[Char('G'), Code(K::End)], Bottom, browsing).help("G/End", "last"),
    bind(&[Code(K::PageDown), Ctrl('d')], PageDown, browsing).help("PgDn/^D", "page down"),
    bind(&[Code(K::PageUp), Ctrl('u')], PageUp, browsing).help("PgUp/^U", "page up"),
    bind(&[Char('f')], Fix, idle_setup)
        .hint_if("f", "fix in place", |s: State| {
            matches!(
                s,
                State::Setup {
                    fixable: true,
                    busy: false,
                    ..
                }
            )
        })
        .lead()
        .help(
            "f",
            "mend the selected finding in place (shows the aws lines, asks first)",
        ),
    bind(&[Char('v')], Verify, ours).hint("v", "verify").help(
        "v",
        "verify a setup of fixedip-tui (DNS, TLS, HTTPS on each IP)",
    ),
    bind(&[Char('D')], Destroy, ours).hint("D", "destroy").help(
        "D",
        "destroy a setup of fixedip-tui (type its name to confirm)",
    ),
    bind(&[Char('a')], Adopt, found)
        .hint("a", "adopt into a plan")
        .help(
            "a",
            "a plan that adopts this setup's NLB: the wizard, prefilled",
        ),
    bind(&[Char('y'), Code(K::Enter)], Confirm, confirming)
        .hint("y", "make the change")
        .lead(),
    bind(&[Char('n'), Code(K::Esc)], Cancel, confirming).hint("n/Esc", "cancel"),
    bind(&[Code(K::Enter)], ConfirmDestroy, destroying)
        .hint("Enter", "destroy")
        .lead(),
    bind(&[Code(K::Esc)], Cancel, destroying).hint("Esc", "cancel"),
    bind(&[Char('r')], Refresh, browsing)
        .hint_if("r", "read again", list)
        .help("r", "read the setups again"),
    bind(&[Code(K::Tab), Code(K::BackTab)], VpcsTab, list)
        .hint("Tab", "VPCs")
        .help("Tab", "back to the VPCs tab"),
    bind(&[Code(K::Esc)], Back, setup)
        .hint("Esc", "back")
        .help("Esc", "back to the list"),
    bind(&[Char('/')], Filter, list)
        .hint_if("/", "filter", |s: State| {
            matches!(
                s,
                State::List { has_rows: true, .. }
                    | State::List {
                        filter_set: true,
                        ..
                    }
            )
        })
        .help("/", "filter the setups (Enter keeps it, Esc clears it)"),
    bind(&[Code(K::Esc)], ClearFilter, |s: State| {
        matches!(
            s,
            State::List {
                filtering: false,
                filter_set: true,
                ..
            }
        )
    })
    .hint("Esc", "clear filter")
    .lead(),
    // Typing the filter: other keys are typed into it.
    bind(&[Code(K::Enter)], FilterKeep, filtering).hint("Enter", "keep filter"),
    bind(&[Code(K::Esc)], FilterClear, filtering).hint("Esc", "clear"),
    bind(&[Code(K::Up)], Up, filtering).hint("↑/↓", "move"),
    bind(&[Code(K::Down)], Down, filtering),
    bind(&[Char('?')], Help, browsing).help("?", "this help"),
    bind(&[Char('q')], Quit, browsing)
        .hint_if("q", "quit", list)
        .help("q", "quit (Ctrl-C too)"),
    bind(&[Ctrl('c')], Quit, always),
];
