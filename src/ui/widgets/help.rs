//! The `?` overlay, generated from the keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::pane;

use crate::app::keymap;
use crate::app::{Model, Screen};
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    // What the keys do where the overlay was opened (the wizard: in this step).
    let (keys, width) = match model.screen() {
        Screen::Wizard(w) => (
            keymap::help(keymap::wizard::TABLE, keymap::wizard::State::of(w)),
            11,
        ),
        Screen::Setups(v) | Screen::Setup(v) => (
            keymap::help(keymap::setups::TABLE, keymap::setups::State::of(v)),
            10,
        ),
        _ => (
            keymap::help(keymap::home::TABLE, keymap::home::State::of(model)),
            10,
        ),
    };
    let mut lines: Vec<Line> = keys
        .into_iter()
        .map(|(k, help)| {
            Line::from(vec![
                Span::styled(format!("{k:>width$}  "), theme.key()),
                Span::raw(help),
            ])
        })
        .collect();
    let confirmed = match model.screen() {
        Screen::Wizard(w) if w.step == crate::plan::Step::Review && w.confirmed => Some(w),
        _ => None,
    };
    if let Some(w) = confirmed {
        lines.insert(
            0,
            Line::from(vec![
                Span::styled("✓ confirmed: ", theme.ok()),
                Span::styled(w.next_keys(), theme.key()),
            ]),
        );
    }
    lines.push(Line::raw(""));
    // The Setups tab has no filter.
    if !matches!(model.screen(), Screen::Setups(_) | Screen::Setup(_)) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>10}  ", "filter"), theme.dim()),
            Span::raw("type to narrow; Enter keeps it, Esc clears it, ↑/↓ move"),
        ]));
    }
    if let Some(path) = &model.log_path {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>10}  ", "log file"), theme.dim()),
            Span::raw(path.clone()),
        ]));
    }
    // Sized by the wrapped text (a long log path takes two rows), within the screen.
    let title = Span::styled(" Keys — Esc or ? closes ", theme.title());
    super::dialog(frame, area, 72, lines, pane(theme.focus_border(), title));
}
