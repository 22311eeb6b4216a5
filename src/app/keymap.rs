//! Key bindings as data: one table per screen, and each binding says its keys, what they do, in
//! which of the screen's states it applies, its line in the `?` overlay and its footer hint. Key
//! handling (`action`), the footer (`hints`) and the help overlay (`help`) all read the table, so
//! they never disagree; the tests below prove that no key is bound twice in one state.
//!
//! Typing into a text field (tui-input) is not a binding: a key no binding takes in a text field
//! is typed into it.
//!
//! To add a key: add its binding to the screen's table (`home`, `wizard`, `apply`, `verify`,
//! `setups`, `overlay`), give its action a variant, and handle the variant where the screen's keys are
//! handled (`app/mod.rs`, `app/wizard.rs`).

pub mod apply;
pub mod home;
pub mod overlay;
pub mod setups;
pub mod verify;
pub mod wizard;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key as the user presses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character, without Ctrl (Shift is part of the character: `G`).
    Char(char),
    /// Ctrl and a character: `Ctrl('c')`.
    Ctrl(char),
    /// Any other key, without Ctrl (`Enter`, `Esc`, `BackTab`, arrows, `F(1)`…).
    Code(KeyCode),
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
            Key::Code(code) => !ctrl && ev.code == code,
        }
    }
}

/// A footer hint: the keys as written there and a word or two.
pub struct Hint<S: 'static> {
    pub keys: &'static str,
    pub text: &'static str,
    /// Shown only in the states where this holds too (the binding applies in more).
    pub when: fn(S) -> bool,
    /// Shown before the others (what the screen is for comes first).
    pub lead: bool,
}

/// One binding of a screen: `keys` do `action` in the states where `when` holds.
pub struct Binding<S: 'static, A: 'static> {
    pub keys: &'static [Key],
    pub action: A,
    pub when: fn(S) -> bool,
    /// The line in the `?` overlay, shown where the binding applies: the keys as written, and
    /// what they do. `None`: not listed (the line of a neighbour says it).
    pub help: Option<(&'static str, &'static str)>,
    /// The footer's hint, shown where the binding applies. `None`: not in the footer.
    pub hint: Option<Hint<S>>,
}

/// Every state: for hints shown wherever their binding applies.
pub fn always<S>(_: S) -> bool {
    true
}

/// Every combination of three flags (for a screen's `State::all` in tests).
#[cfg(test)]
pub fn three_flags() -> impl Iterator<Item = [bool; 3]> {
    (0..8u8).map(|b| [b & 1 != 0, b & 2 != 0, b & 4 != 0])
}

/// `?` (or F1) opens the help overlay where `when` holds: in the footer and the overlay.
pub const fn help_key<S, A>(action: A, when: fn(S) -> bool) -> Binding<S, A> {
    bind(&[Key::Char('?'), Key::Code(KeyCode::F(1))], action, when)
        .help("?", "this help")
        .hint("?", "help")
}

/// `q` (or Ctrl-C) quits where `when` holds; `help` is its line in the overlay.
pub const fn quit_key<S, A>(action: A, when: fn(S) -> bool, help: &'static str) -> Binding<S, A> {
    bind(&[Key::Char('q'), Key::Ctrl('c')], action, when)
        .help("q", help)
        .hint("q", "quit")
}

/// `keys` do `action` where `when` holds (no help line, no hint until added).
pub const fn bind<S, A>(keys: &'static [Key], action: A, when: fn(S) -> bool) -> Binding<S, A> {
    Binding {
        keys,
        action,
        when,
        help: None,
        hint: None,
    }
}

impl<S, A> Binding<S, A> {
    /// Its line in the `?` overlay.
    pub const fn help(mut self, keys: &'static str, text: &'static str) -> Self {
        self.help = Some((keys, text));
        self
    }

    /// Its footer hint, wherever it applies.
    pub const fn hint(self, keys: &'static str, text: &'static str) -> Self {
        self.hint_if(keys, text, always::<S>)
    }

    /// Its footer hint, only where `when` holds too.
    pub const fn hint_if(
        mut self,
        keys: &'static str,
        text: &'static str,
        when: fn(S) -> bool,
    ) -> Self {
        self.hint = Some(Hint {
            keys,
            text,
            when,
            lead: false,
        });
        self
    }

    /// Its footer hint goes before the others.
    pub const fn lead(mut self) -> Self {
        if let Some(h) = &mut self.hint {
            h.lead = true;
        }
        self
    }
}

/// The action `ev` is bound to in `state`, if any.
pub fn action<S: Copy, A: Copy>(table: &[Binding<S, A>], state: S, ev: &KeyEvent) -> Option<A> {
    table
        .iter()
        .find(|b| (b.when)(state) && b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// The footer's hints in `state`: the leading ones, then the others, each in table order.
pub fn hints<S: Copy, A>(table: &[Binding<S, A>], state: S) -> Vec<(&'static str, &'static str)> {
    let shown: Vec<&Hint<S>> = table
        .iter()
        .filter(|b| (b.when)(state))
        .filter_map(|b| b.hint.as_ref())
        .filter(|h| (h.when)(state))
        .collect();
    let lead = shown.iter().filter(|h| h.lead);
    let rest = shown.iter().filter(|h| !h.lead);
    lead.chain(rest).map(|h| (h.keys, h.text)).collect()
}

/// The `?` overlay's lines in `state`, in table order.
pub fn help<S: Copy, A>(table: &[Binding<S, A>], state: S) -> Vec<(&'static str, &'static str)> {
    table
        .iter()
        .filter(|b| (b.when)(state))
        .filter_map(|b| b.help)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In each state, a key is bound once at most; Ctrl-C is bound (it quits, or asks to stop
    /// a running apply, from anywhere); every binding applies somewhere.
    fn check<S: Copy + std::fmt::Debug, A>(screen: &str, table: &[Binding<S, A>], states: &[S]) {
        for s in states {
            let mut seen: Vec<Key> = Vec::new();
            for b in table.iter().filter(|b| (b.when)(*s)) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{screen}: {k:?} is bound twice in {s:?}");
                    assert!(
                        !matches!(k, Key::Code(KeyCode::Char(_))),
                        "{screen}: write {k:?} as Key::Char"
                    );
                    seen.push(*k);
                }
            }
            assert!(
                seen.contains(&Key::Ctrl('c')),
                "{screen}: Ctrl-C does nothing in {s:?}"
            );
        }
        for (i, b) in table.iter().enumerate() {
            assert!(
                states.iter().any(|s| (b.when)(*s)),
                "{screen}: binding {i} ({:?}) applies in no state",
                b.keys
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_state_of_a_screen() {
        check("home", home::TABLE, &home::State::all());
        check("overlay", overlay::TABLE, &[()]);
        check("wizard", wizard::TABLE, &wizard::State::all());
        check("apply", apply::TABLE, &apply::State::all());
        check("verify", verify::TABLE, &verify::State::all());
        check("setups", setups::TABLE, &setups::State::all());
    }

    #[test]
    fn a_state_with_two_bindings_of_one_key_fails_the_check() {
        fn every(_: ()) -> bool {
            true
        }
        let twice: &[Binding<(), u8>] = &[
            bind(&[Key::Char('x'), Key::Ctrl('c')], 1, every),
            bind(&[Key::Char('x')], 2, every),
        ];
        let caught = std::panic::catch_unwind(|| check("test", twice, &[()]));
        assert!(caught.is_err(), "two bindings of x in one state must fail");
    }

    /// Keys are handled through the tables only: no `KeyCode::Char` literal in `src/app`
    /// outside this module.
    #[test]
    fn keys_are_matched_only_in_the_keymap() {
        let app = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        let mut files = vec![];
        let mut dirs = vec![app.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("src/app is readable") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 3, "the app's files are found");
        let keymap = app.join("keymap");
        let mut found = vec![];
        for f in files {
            if f == app.join("keymap.rs") || f.starts_with(&keymap) {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("readable");
            for (n, line) in text.lines().enumerate() {
                let glob = line.contains("KeyCode::{") || line.contains("KeyCode::*");
                if line.contains("KeyCode::Char") || glob {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "keys matched outside the keymap (add a binding to its screen's table):\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn ctrl_and_plain_keys_are_told_apart() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert!(Key::Ctrl('c').matches(&ctrl_c) && !Key::Ctrl('c').matches(&c));
        assert!(Key::Char('c').matches(&c) && !Key::Char('c').matches(&ctrl_c));
        assert!(Key::Char('G').matches(&shift_g));
        assert!(
            !Key::Code(KeyCode::Esc).matches(&KeyEvent::new(KeyCode::Esc, KeyModifiers::CONTROL))
        );
    }
}
