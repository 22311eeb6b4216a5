//! The `?` overlay, generated from the keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::keymap::BINDINGS;
use crate::app::Model;
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let mut lines: Vec<Line> = match &model.wizard {
        Some(w) => crate::app::keymap::WIZARD_KEYS
            .iter()
            .filter(|k| k.steps.is_empty() || k.steps.contains(&w.step))
            .map(|k| {
                Line::from(vec![
                    Span::styled(format!("{:>11}  ", k.label), theme.key()),
                    Span::raw(k.help),
                ])
            })
            .collect(),
        None => BINDINGS
            .iter()
            .map(|b| {
                Line::from(vec![
                    Span::styled(format!("{:>10}  ", b.label), theme.key()),
                    Span::raw(b.help),
                ])
            })
            .collect(),
    };
    if let Some(w) = model
        .wizard
        .as_ref()
        .filter(|w| w.step == crate::plan::Step::Review && w.confirmed)
    {
        lines.insert(
            0,
            Line::from(vec![
                Span::styled("✓ confirmed: ", theme.ok()),
                Span::styled(w.next_keys(), theme.key()),
            ]),
        );
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(format!("{:>10}  ", "filter"), theme.dim()),
        Span::raw("type to narrow; Enter keeps it, Esc clears it, ↑/↓ move"),
    ]));
    if let Some(path) = &model.log_path {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>10}  ", "log file"), theme.dim()),
            Span::raw(path.clone()),
        ]));
    }
    // Sized by the wrapped text (a long log path takes two rows), within the screen.
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let width = 72.min(area.width);
    let h = u16::try_from(text.line_count(width.saturating_sub(2)))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let r = super::centered(area, width, h.min(area.height));
    frame.render_widget(Clear, r);
    frame.render_widget(
        text.block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(" Keys — Esc or ? closes ", theme.title())),
        ),
        r,
    );
}
