//! The apply / destroy screen's keys: while it runs (scroll the calls, ask to stop), the stop
//! question, the typed destroy confirmation, and the result (verify, destroy, retry, release the
//! kept Elastic IPs, back).

use crossterm::event::KeyCode as K;

use super::Key::{Char, Code, Ctrl};
use super::{bind, Binding};
use crate::app::apply::{ApplyView, Mode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Typing the plan's name to destroy (`release`: to release the kept Elastic IPs); other
    /// keys are typed.
    Confirming {
        release: bool,
    },
    /// "Stop after the running steps / abort now / continue?"
    StopQuestion,
    Running,
    /// Running, and asked to stop after the running steps.
    Stopping,
    Failed(Mode),
    /// Ended well (`eips_kept`: a destroy that kept the plan's Elastic IPs).
    Done {
        mode: Mode,
        eips_kept: bool,
    },
}

impl State {
    pub fn of(a: &ApplyView) -> Self {
        if a.destroy_confirm.is_some() {
            return State::Confirming {
                release: a.confirm_release,
            };
        }
        if a.stop_question {
            return State::StopQuestion;
        }
        match &a.finished {
            None if a.stopping => State::Stopping,
            None => State::Running,
            Some(Err(_)) => State::Failed(a.mode),
            Some(Ok(())) => State::Done {
                mode: a.mode,
                eips_kept: a.eips_kept(),
            },
        }
    }

    #[cfg(test)]
    pub fn all() -> Vec<Self> {
        let mut all = vec![
            State::Confirming { release: false },
            State::Confirming { release: true },
            State::StopQuestion,
            State::Running,
            State::Stopping,
        ];
        for mode in [Mode::Apply, Mode::Destroy] {
            all.push(State::Failed(mode));
            all.push(State::Done {
                mode,
                eips_kept: false,
            });
        }
        all.push(State::Done {
            mode: Mode::Destroy,
            eips_kept: true,
        });
        all
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let the running steps finish, start no new one.
    StopAfterRunning,
    /// Leave now (the journal keeps everything).
    Abort,
    /// Close the stop question, the run goes on.
    Continue,
    /// The typed name confirms the destroy (or the release).
    ConfirmDestroy,
    CancelConfirm,
    /// Run the same plan again (the journal makes it resume).
    Retry,
    Verify,
    /// Ask the name to destroy (roll back) what the plan created.
    Destroy,
    /// Ask the name to release the Elastic IPs a destroy kept.
    ReleaseEips,
    /// Back to the VPC list, read again.
    Back,
    LogDown,
    LogUp,
    /// Ctrl-C / q while running: ask how to stop.
    AskStop,
    Quit,
}

use Action::*;

fn confirming(s: State) -> bool {
    matches!(s, State::Confirming { .. })
}

fn running(s: State) -> bool {
    matches!(s, State::Running | State::Stopping)
}

fn ended(s: State) -> bool {
    matches!(s, State::Failed(_) | State::Done { .. })
}

/// An apply that ended well: its setup can be verified or destroyed.
fn applied(s: State) -> bool {
    matches!(
        s,
        State::Done {
            mode: Mode::Apply,
            ..
        }
    )
}

/// The calls pane scrolls while the run goes on and after.
fn reading(s: State) -> bool {
    running(s) || ended(s)
}

pub const TABLE: &[Binding<State, Action>] = &[
    // The stop question.
    bind(&[Char('s')], StopAfterRunning, |s: State| {
        s == State::StopQuestion
    })
    .hint("s", "stop after running"),
    bind(&[Char('a')], Abort, |s: State| s == State::StopQuestion).hint("a", "abort now"),
    bind(
        &[Code(K::Esc), Code(K::BackTab), Char('c')],
        Continue,
        |s: State| s == State::StopQuestion,
    )
    .hint("Esc", "continue"),
    bind(&[Ctrl('c')], Quit, |s: State| s == State::StopQuestion),
    // The typed confirmation of a destroy or a release.
    bind(&[Code(K::Enter)], ConfirmDestroy, |s: State| {
        s == State::Confirming { release: false }
    })
    .hint("Enter", "destroy"),
    bind(&[Code(K::Enter)], ConfirmDestroy, |s: State| {
        s == State::Confirming { release: true }
    })
    .hint("Enter", "release"),
    bind(&[Code(K::Esc), Code(K::BackTab)], CancelConfirm, confirming).hint("Esc", "cancel"),
    bind(&[Ctrl('c')], Quit, confirming),
    // The result.
    bind(&[Char('r')], Retry, |s: State| {
        matches!(s, State::Failed(_))
    })
    .hint("r", "retry (resumes)"),
    bind(&[Char('v')], Verify, applied).hint("v", "verify"),
    bind(&[Char('D')], Destroy, |s: State| {
        s == State::Failed(Mode::Apply)
    })
    .hint("D", "roll back"),
    bind(&[Char('D')], Destroy, applied).hint("D", "destroy"),
    bind(&[Char('R')], ReleaseEips, |s: State| {
        s == State::Done {
            mode: Mode::Destroy,
            eips_kept: true,
        }
    })
    .hint("R", "release the Elastic IPs"),
    bind(&[Code(K::Esc), Code(K::BackTab)], Back, ended).hint("Esc", "back"),
    // A failed apply's footer has room for r, D, Esc and q only.
    bind(&[Char('J'), Code(K::PageDown)], LogDown, reading).hint_if(
        "J/K",
        "scroll calls",
        |s: State| s != State::Failed(Mode::Apply),
    ),
    bind(&[Char('K'), Code(K::PageUp)], LogUp, reading),
    bind(&[Char('q'), Ctrl('c')], AskStop, running)
        .hint_if("q/^C", "stop…", |s: State| s == State::Running),
    bind(&[Char('q'), Ctrl('c')], Quit, ended).hint("q", "quit"),
];
