//! Key bindings as data: one table drives key handling, the footer hints and the `?` help overlay,
//! so they never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    DetailDown,
    DetailUp,
    Refresh,
    CopyId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
            Key::Code(code) => !ctrl && ev.code == code,
        }
    }
}

pub struct Binding {
    pub action: Action,
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help, e.g. `j/↓`.
    pub label: &'static str,
    pub help: &'static str,
    /// Shown in the footer (the help overlay shows every binding).
    pub footer: bool,
}

/// Every binding of the main screens, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::Down,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        label: "j/↓",
        help: "next item",
        footer: false,
    },
    Binding {
        action: Action::Up,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        label: "k/↑",
        help: "previous item",
        footer: false,
    },
    Binding {
        action: Action::PageDown,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        label: "PgDn/^D",
        help: "page down",
        footer: false,
    },
    Binding {
        action: Action::PageUp,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        label: "PgUp/^U",
        help: "page up",
        footer: false,
    },
    Binding {
        action: Action::Top,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        label: "g/Home",
        help: "first item",
        footer: false,
    },
    Binding {
        action: Action::Bottom,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        label: "G/End",
        help: "last item",
        footer: false,
    },
    Binding {
        action: Action::DetailDown,
        keys: &[Key::Char('J')],
        label: "J",
        help: "scroll the detail pane down",
        footer: false,
    },
    Binding {
        action: Action::DetailUp,
        keys: &[Key::Char('K')],
        label: "K",
        help: "scroll the detail pane up",
        footer: false,
    },
    Binding {
        action: Action::Filter,
        keys: &[Key::Char('/')],
        label: "/",
        help: "filter the list (Enter keeps it, Esc clears it)",
        footer: true,
    },
    Binding {
        action: Action::CopyId,
        keys: &[Key::Char('y')],
        label: "y",
        help: "copy the selected id to the clipboard (OSC 52, works over SSH)",
        footer: true,
    },
    Binding {
        action: Action::Refresh,
        keys: &[Key::Char('r'), Key::Code(KeyCode::F(5))],
        label: "r",
        help: "read the account again",
        footer: true,
    },
    Binding {
        action: Action::Back,
        keys: &[
            Key::Code(KeyCode::Esc),
            Key::Code(KeyCode::BackTab),
            Key::Char('h'),
            Key::Code(KeyCode::Backspace),
        ],
        label: "Esc/S-Tab",
        help: "close the overlay, clear the filter, go back (never quits)",
        footer: false,
    },
    Binding {
        action: Action::Help,
        keys: &[Key::Char('?'), Key::Code(KeyCode::F(1))],
        label: "?",
        help: "this help",
        footer: true,
    },
    Binding {
        action: Action::Quit,
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        label: "q",
        help: "quit (Ctrl-C too)",
        footer: true,
    },
];

/// A wizard key: shown in the footer of the steps it applies to (empty = every step) and in help.
pub struct WizardKey {
    pub label: &'static str,
    pub help: &'static str,
    /// Short word for the footer.
    pub short: &'static str,
    pub steps: &'static [crate::plan::Step],
}

/// The wizard's keys (handled by `app::wizard`), as data for the footer and the `?` overlay.
pub const WIZARD_KEYS: &[WizardKey] = {
    use crate::plan::Step::*;
    &[
        WizardKey {
            label: "Enter/Tab",
            help: "choose / next step (when this step has no error)",
            short: "next",
            steps: &[EndpointSubnets, NlbSubnets, NameCertificate, Api, Callers, Zones],
        },
        WizardKey {
            label: "S-Tab/h/Esc",
            help: "previous step, choices kept (from step 2: back to the VPC list)",
            short: "back",
            steps: &[],
        },
        WizardKey {
            label: "Space",
            help: "toggle (multi-select) or pick the row",
            short: "toggle",
            steps: &[EndpointSubnets, NlbSubnets, Zones],
        },
        WizardKey {
            label: "o",
            help: "allow public subnets for the endpoint (override)",
            short: "public override",
            steps: &[EndpointSubnets],
        },
        WizardKey {
            label: "p",
            help: "pin the endpoint's IP in each subnet to a free address (or unpin)",
            short: "pin IPs",
            steps: &[EndpointSubnets],
        },
        WizardKey {
            label: "x",
            help: "the NLB's IPs: new Elastic IPs / your Elastic IPs / NLB-assigned",
            short: "Elastic IPs",
            steps: &[NlbSubnets],
        },
        WizardKey {
            label: "n",
            help: "edit the name",
            short: "edit name",
            steps: &[NameCertificate],
        },
        WizardKey {
            label: "e",
            help: "edit stage and base path",
            short: "stage",
            steps: &[Api],
        },
        WizardKey {
            label: "i",
            help: "add a caller CIDR",
            short: "add CIDR",
            steps: &[Callers],
        },
        WizardKey {
            label: "v",
            help: "add an in-VPC caller: a CIDR or a security group id (sg-…)",
            short: "in-VPC caller",
            steps: &[Callers],
        },
        WizardKey {
            label: "Space",
            help: "remove the CIDR under the cursor; on the in-VPC rows: the whole VPC on/off, nobody, or remove",
            short: "toggle/remove",
            steps: &[Callers],
        },
        WizardKey {
            label: "R",
            help: "replace the existing record of the name (explicit)",
            short: "replace record",
            steps: &[Zones],
        },
        WizardKey {
            label: "A/Enter",
            help: "apply: type the name to confirm, and it applies (once confirmed: at once)",
            short: "apply",
            steps: &[Review],
        },
        WizardKey {
            label: "c",
            help: "confirm only: type the name (then A applies, s saves)",
            short: "confirm",
            steps: &[Review],
        },
        WizardKey {
            label: "s",
            help: "save the plan to a file (after confirming)",
            short: "save",
            steps: &[Review],
        },
        WizardKey {
            label: "j/k J/K",
            help: "scroll the review a line / five; PgUp/PgDn a screen; g/G top/end",
            short: "scroll",
            steps: &[Review],
        },
        WizardKey {
            label: "a",
            help: "acknowledge this step's warnings",
            short: "ack warnings",
            steps: &[EndpointSubnets, NlbSubnets, NameCertificate, Api, Callers, Zones],
        },
        WizardKey {
            label: "/",
            help: "filter the list (fuzzy)",
            short: "filter",
            steps: &[EndpointSubnets, NlbSubnets, NameCertificate, Api, Callers, Zones],
        },
        WizardKey {
            label: "?",
            help: "this help",
            short: "help",
            steps: &[],
        },
        WizardKey {
            label: "q",
            help: "quit (Ctrl-C too); outside text fields",
            short: "quit",
            steps: &[],
        },
    ]
};

/// The action bound to a key press, if any.
pub fn action_for(ev: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_binding_and_keys_do_not_collide() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(!seen.contains(k), "key {k:?} bound twice");
                seen.push(*k);
            }
        }
        assert_eq!(
            action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Back)
        );
    }
}
