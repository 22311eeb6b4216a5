//! Step 8: everything the apply will create or change, the cost, who can reach it, every finding,
//! and the typed confirmation; then save.

use crate::app::scroll::Measured;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::ui::widgets::pane;

use crate::app::wizard::{Field, Wizard};
use crate::app::Model;
use crate::plan::Severity;
use crate::ui::theme::Theme;

/// Returns the review's rows (for scrolling it).
pub fn render(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard, theme: &Theme) -> Measured {
    let inv = &model.inventory;
    let plan = w.plan(inv);
    let errors = w
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let [body, confirm] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(area);

    let mut lines: Vec<Line> = Vec::new();
    if errors > 0 {
        lines.push(Line::from(Span::styled(
            format!(
                "✗ {errors} error(s) block this plan: go back (Shift-Tab) to the steps marked !"
            ),
            theme.err(),
        )));
        for f in w.findings.iter().filter(|f| f.severity == Severity::Error) {
            lines.push(Line::from(Span::styled(
                format!("  ✗ {} → {}", f.message, f.fix),
                theme.err(),
            )));
        }
        lines.push(Line::raw(""));
    }
    for section in crate::plan::review::review(&plan, inv) {
        lines.push(Line::from(Span::styled(section.title, theme.title())));
        for l in section.lines {
            lines.push(Line::raw(format!("  {l}")));
        }
        lines.push(Line::raw(""));
    }
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let measured = Measured {
        content: text.line_count(body.width.saturating_sub(2)),
        view: body.height.saturating_sub(2),
    };
    let offset = w.review.fit(measured);
    let more = if w.review.at_end(measured) {
        " j/k J/K PgUp/PgDn g/G scroll "
    } else {
        " more below · j/k J/K PgUp/PgDn g/G scroll "
    };
    frame.render_widget(
        text.scroll((offset, 0)).block(
            pane(
                theme.focus_border(),
                Span::styled(format!(" 8 · Review — plan {} ", plan.id), theme.title()),
            )
            .title_bottom(Line::from(Span::styled(more, theme.dim())).right_aligned()),
        ),
        body,
    );

    let status = status_line(model, w, &plan.name, theme);
    let focus = w.field == Field::Confirm;
    let input_line = Line::from(vec![
        Span::styled("Confirm: ", if focus { theme.key() } else { theme.dim() }),
        Span::styled(
            w.confirm_input.value().to_string(),
            if focus {
                theme.selected()
            } else {
                Default::default()
            },
        ),
    ]);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border());
    let inner = block.inner(confirm);
    frame.render_widget(block, confirm);
    let [a, b] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(status), a);
    frame.render_widget(Paragraph::new(input_line), b);
    if focus {
        let x = b.x + 9 + w.confirm_input.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(x.min(b.right().saturating_sub(1)), b.y));
    }
    measured
}

/// Above the confirmation: saved, confirmed, or what to press to confirm or apply.
fn status_line(model: &Model, w: &Wizard, name: &str, theme: &Theme) -> Line<'static> {
    let key = |k: &str| Span::styled(k.to_string(), theme.key());
    match (&w.saved_to, w.confirmed) {
        (Some(path), _) => Line::from(Span::styled(
            format!(
                "✓ saved to {path} — apply it with: {} apply --plan {path} --yes",
                model.command_prefix
            ),
            theme.ok(),
        )),
        (None, true) => Line::from(vec![
            Span::styled("✓ confirmed", theme.ok()),
            Span::raw(" — "),
            key(w.next_keys()),
        ]),
        (None, false) if w.field == Field::Confirm => Line::from(vec![
            Span::raw("Type "),
            key(name),
            Span::raw(if w.apply_after_confirm {
                " and Enter to apply (acknowledges the warnings above) · "
            } else {
                " and Enter to confirm (acknowledges the warnings above) · "
            }),
            key("Esc"),
            Span::raw(" back to reading"),
        ]),
        (None, false) if w.can_apply => Line::from(vec![
            key("A"),
            Span::raw(" (or Enter): type the name to apply · "),
            key("c"),
            Span::raw(" confirm only, then "),
            key("s"),
            Span::raw(" saves"),
        ]),
        (None, false) => Line::from(vec![
            key("Enter"),
            Span::raw(": type the name to confirm, then "),
            key("s"),
            Span::raw(" saves the plan"),
        ]),
    }
}
