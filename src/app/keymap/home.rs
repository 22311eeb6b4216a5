//! The home screen's keys: the VPC list, its filter and the detail pane (and the no-access
//! screen, which takes the same keys).

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{bind, help_key, quit_key, Binding};
use crate::app::{Model, Phase};

/// Where the app is in reaching the account, as the keys see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    Connecting,
    NoAccess,
    Ready,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub conn: Conn,
    /// Typing the filter.
    pub filtering: bool,
    /// A filter is kept.
    pub filter_set: bool,
    /// The list shows a VPC and what the wizard starts from is read (Enter can act).
    pub has_rows: bool,
}

impl State {
    pub fn of(m: &Model) -> Self {
        Self {
            conn: match m.phase {
                Phase::Connecting => Conn::Connecting,
                Phase::NoAccess(_) => Conn::NoAccess,
                Phase::Ready => Conn::Ready,
            },
            filtering: m.filter_editing,
            filter_set: !m.filter.value().is_empty(),
            has_rows: !m.visible.is_empty() && crate::app::home::wizard_can_start(m),
        }
    }

    #[cfg(test)]
    pub fn all() -> Vec<Self> {
        let mut all = vec![];
        for conn in [Conn::Connecting, Conn::NoAccess, Conn::Ready] {
            for [filtering, filter_set, has_rows] in super::three_flags() {
                all.push(Self {
                    conn,
                    filtering,
                    filter_set,
                    has_rows,
                });
            }
        }
        all
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The wizard starts with the VPC under the cursor.
    StartWizard,
    /// Switch to the Setups tab.
    SetupsTab,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    DetailDown,
    DetailUp,
    /// Start typing the filter.
    Filter,
    CopyId,
    /// Read the account again (connect again when not connected).
    Refresh,
    /// Clear the kept filter; never quits.
    Back,
    Help,
    Quit,
    /// Stop typing the filter, keep it.
    FilterKeep,
    /// Stop typing the filter, clear it.
    FilterClear,
}

use Action::*;

fn browsing(s: State) -> bool {
    !s.filtering
}

fn filtering(s: State) -> bool {
    s.filtering
}

/// The account answered (the no-access screen offers only retry, help and quit).
fn reachable(s: State) -> bool {
    s.conn != Conn::NoAccess
}

const READ_AGAIN: &str = "read the account again";

/// In help order (the footer puts the leading hints first).
pub const TABLE: &[Binding<State, Action>] = &[
    bind(&[Code(K::Enter)], StartWizard, browsing)
        .hint_if("Enter", "set up in this VPC", |s: State| {
            s.conn == Conn::Ready && s.has_rows
        })
        .lead(),
    bind(&[Code(K::Tab)], SetupsTab, |s: State| {
        browsing(s) && reachable(s)
    })
    .help(
        "Tab",
        "the Setups tab: every fixed-IP setup of the region and what is wrong with it",
    ),
    bind(&[Char('j'), Code(K::Down)], Down, browsing).help("j/↓", "next item"),
    bind(&[Char('k'), Code(K::Up)], Up, browsing).help("k/↑", "previous item"),
    bind(&[Code(K::PageDown), Ctrl('d')], PageDown, browsing).help("PgDn/^D", "page down"),
    bind(&[Code(K::PageUp), Ctrl('u')], PageUp, browsing).help("PgUp/^U", "page up"),
    bind(&[Char('g'), Code(K::Home)], Top, browsing).help("g/Home", "first item"),
    bind(&[Char('G'), Code(K::End)], Bottom, browsing).help("G/End", "last item"),
    bind(&[Char('J')], DetailDown, browsing).help("J", "scroll the detail pane down"),
    bind(&[Char('K')], DetailUp, browsing).help("K", "scroll the detail pane up"),
    bind(&[Char('/')], Filter, browsing)
        .help("/", "filter the list (Enter keeps it, Esc clears it)")
        .hint_if("/", "filter", reachable),
    bind(&[Char('y')], CopyId, browsing)
        .help(
            "y",
            "copy the selected id to the clipboard (OSC 52, works over SSH)",
        )
        .hint_if("y", "copy id", reachable),
    bind(&[Char('r'), Code(K::F(5))], Refresh, |s: State| {
        browsing(s) && reachable(s)
    })
    .help("r", READ_AGAIN)
    .hint("r", "refresh"),
    bind(&[Char('r'), Code(K::F(5))], Refresh, |s: State| {
        browsing(s) && !reachable(s)
    })
    .help("r", READ_AGAIN)
    .hint("r", "retry"),
    bind(
        &[
            Code(K::Esc),
            Code(K::BackTab),
            Char('h'),
            Code(K::Backspace),
        ],
        Back,
        browsing,
    )
    .help(
        "Esc/S-Tab",
        "close the overlay, clear the filter, go back (never quits)",
    )
    .hint_if("Esc", "clear filter", |s: State| {
        s.filter_set && reachable(s)
    })
    .lead(),
    help_key(Help, browsing),
    quit_key(Quit, browsing, "quit (Ctrl-C too)"),
    // Typing the filter: other keys are typed into it.
    bind(&[Code(K::Enter)], FilterKeep, filtering).hint("Enter", "keep filter"),
    bind(&[Code(K::Esc)], FilterClear, filtering).hint("Esc", "clear"),
    bind(&[Code(K::Up)], Up, filtering).hint("↑/↓", "move"),
    bind(&[Code(K::Down)], Down, filtering),
    bind(&[Ctrl('c')], Quit, filtering).hint("^C", "quit"),
];
