//! The keys of the `?` overlay, above any screen: it closes, or the app quits; no other key
//! reaches the screen below.

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{always, bind, Binding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Close,
    Quit,
}

pub const TABLE: &[Binding<(), Action>] = &[
    bind(
        &[
            Code(K::Esc),
            Code(K::BackTab),
            Char('h'),
            Code(K::Backspace),
            Char('?'),
            Code(K::F(1)),
        ],
        Action::Close,
        always,
    )
    .hint("Esc/?", "close"),
    bind(&[Char('q'), Ctrl('c')], Action::Quit, always).hint("q", "quit"),
];
