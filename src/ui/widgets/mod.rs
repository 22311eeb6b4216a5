//! Reusable pieces of the screens.

pub mod help;
pub mod sources;

use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::Input;

use super::theme::Theme;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

/// A pane: a border all round in `border`, `title` on its top edge.
pub fn pane<'a>(border: Style, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered().border_style(border).title(title)
}

/// `key` in the key style, then what it does: a line of a dialog's choices.
pub fn key_line(key: &'static str, what: &'static str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(key, theme.key()),
        Span::raw(" "),
        Span::raw(what),
    ])
}

/// A dialog over the screen: `lines` wrapped inside `block`, at most `width` wide and as tall as
/// they wrap to (within `area`), centred; what was drawn under it is cleared.
pub fn dialog(frame: &mut Frame, area: Rect, width: u16, lines: Vec<Line<'_>>, block: Block<'_>) {
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let width = width.min(area.width);
    let h = u16::try_from(text.line_count(width.saturating_sub(2)))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let r = centered(area, width, h.min(area.height));
    frame.render_widget(Clear, r);
    frame.render_widget(text.block(block), r);
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(r);
    r
}

/// Shorten `s` to `max` characters with a trailing ellipsis.
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Word-wrap `s` to lines of at most `width` characters, each prefixed with `indent` (the
/// indentation counts in the width). A word longer than a line is cut.
pub fn wrap_indented(s: &str, width: usize, indent: &str) -> Vec<String> {
    let room = width.saturating_sub(indent.chars().count()).max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let len = cur.chars().count();
            let wl = word.chars().count();
            if len == 0 && wl > room {
                let head: String = word.chars().take(room).collect();
                lines.push(format!("{indent}{head}"));
                word = word.chars().skip(room).collect();
                continue;
            }
            if len > 0 && len + 1 + wl > room {
                lines.push(format!("{indent}{cur}"));
                cur.clear();
                continue;
            }
            if len > 0 {
                cur.push(' ');
            }
            cur.push_str(&word);
            break;
        }
    }
    if !cur.is_empty() {
        lines.push(format!("{indent}{cur}"));
    }
    lines
}

/// Whether a list shows its filter line: while it is typed, or kept.
pub fn shows_filter(filter: &Input, editing: bool) -> bool {
    editing || !filter.value().is_empty()
}

/// A filtered list's pane: `block` round `area`, and inside it the `/` filter line (`Esc clears`
/// once kept) in the first row when it shows (`shows_filter`); returns the rest, for the list.
pub fn list_filter(
    frame: &mut Frame,
    (area, block): (Rect, Block<'_>),
    filter: &Input,
    (editing, searching): (bool, bool),
    theme: &Theme,
) -> Rect {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let area = inner;
    let shown = shows_filter(filter, editing);
    let [line, rest] =
        Layout::vertical([Constraint::Length(u16::from(shown)), Constraint::Min(0)]).areas(area);
    if shown {
        let after = if editing { "" } else { "  (Esc clears)" };
        filter_line(frame, line, filter, (editing, searching), after, theme);
    }
    rest
}

/// A list's filter line: `/` and what is typed, then `after` (dimmed) — or, while its search is
/// under way (the list still shows an earlier query's matches), `searching…`; while `editing`,
/// the terminal cursor stands in the text.
pub fn filter_line(
    frame: &mut Frame,
    area: Rect,
    filter: &Input,
    (editing, searching): (bool, bool),
    after: &'static str,
    theme: &Theme,
) {
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(filter.value().to_string()),
            Span::styled(if searching { "  searching…" } else { after }, theme.dim()),
        ])),
        area,
    );
    if editing {
        let x = area.x + 1 + filter.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_indent_and_cuts_long_words() {
        assert_eq!(
            wrap_indented("one two three four", 14, "  "),
            vec!["  one two", "  three four"]
        );
        assert_eq!(
            wrap_indented("abcdefghijklmnopqrst", 12, "  "),
            vec!["  abcdefghij", "  klmnopqrst"]
        );
        assert!(wrap_indented("", 10, " ").is_empty());
    }
}
