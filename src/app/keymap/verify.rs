//! The verify screen's keys: reading the checks, and once they are done, verify again, mend
//! drifted targets, copy the handout, go back.

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{always, bind, Binding};
use crate::app::scroll::Motion::{self, Bottom, Lines, Pages, Top};
use crate::app::verify::VerifyView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Running,
    /// `drifted`: the endpoint's IPs drifted from the targets (R mends it).
    Done {
        drifted: bool,
    },
}

impl State {
    pub fn of(v: &VerifyView) -> Self {
        if v.running() {
            State::Running
        } else {
            State::Done {
                drifted: v.drifted(),
            }
        }
    }

    #[cfg(test)]
    pub fn all() -> Vec<Self> {
        vec![
            State::Running,
            State::Done { drifted: false },
            State::Done { drifted: true },
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Scroll(Motion),
    /// Run the checks again.
    Again,
    /// Run them again, re-registering the endpoint's IPs as the targets.
    Reregister,
    CopyIps,
    CopyJson,
    /// Back to the apply's result.
    Back,
    Quit,
}

use Action::*;

fn running(s: State) -> bool {
    s == State::Running
}

fn done(s: State) -> bool {
    !running(s)
}

pub const TABLE: &[Binding<State, Action>] = &[
    bind(&[Char('j'), Code(K::Down)], Scroll(Lines(1)), always).hint_if("j/k", "scroll", running),
    bind(&[Char('k'), Code(K::Up)], Scroll(Lines(-1)), always),
    bind(&[Char('J')], Scroll(Lines(5)), always),
    bind(&[Char('K')], Scroll(Lines(-5)), always),
    bind(&[Code(K::PageDown)], Scroll(Pages(1)), always),
    bind(&[Code(K::PageUp)], Scroll(Pages(-1)), always),
    bind(&[Char('g'), Code(K::Home)], Scroll(Top), always),
    bind(&[Char('G'), Code(K::End)], Scroll(Bottom), always),
    bind(&[Char('r')], Again, done).hint("r", "verify again"),
    bind(&[Char('R')], Reregister, done).hint_if("R", "re-register targets", |s: State| {
        s == State::Done { drifted: true }
    }),
    bind(&[Char('c')], CopyIps, done).hint("c", "copy IPs"),
    bind(&[Char('C')], CopyJson, done).hint("C", "copy JSON"),
    bind(&[Code(K::Esc), Code(K::BackTab)], Back, done).hint("Esc", "back"),
    bind(&[Char('q'), Ctrl('c')], Quit, always).hint("q", "quit"),
];
