//! Rendering: a pure function of `&Model` (no I/O), so every screen can be snapshot-tested.

pub mod screens;
pub mod theme;
pub mod widgets;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::keymap;
use crate::app::{Model, Overlay, Phase, Screen};
use theme::Theme;
use widgets::ellipsize;

/// Draw the model (a pure function of it: what a test snapshots).
pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    render_measured(frame, model, theme);
}

/// Draw the model, and say what the frame measured: the runner sends it back as
/// `Msg::Layout`, so the lists page by what is on screen.
pub fn render_measured(frame: &mut Frame, model: &Model, theme: &Theme) -> crate::app::Layout {
    let area = frame.area();
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(frame, header, model, theme);
    let mut drawn = crate::app::Layout {
        // Measured on every frame, so the list pages right the moment it is back.
        list_rows: screens::home::list_rows(body, model),
        ..Default::default()
    };
    match model.screen() {
        Screen::NoAccess(err) => screens::no_access::render(frame, body, model, err, theme),
        Screen::Home => screens::home::render(frame, body, model, theme, &mut drawn),
        Screen::Setups(v) => {
            drawn.setups_rows = Some(screens::setups::render_list(frame, body, model, v, theme))
        }
        Screen::Setup(v) => screens::setups::render_setup(frame, body, model, v, theme),
        Screen::Wizard(w) => screens::wizard::render(frame, body, model, w, theme, &mut drawn),
        Screen::Apply(a) => screens::apply::render(frame, body, model, a, theme),
        Screen::Verify(v) => screens::verify::render(frame, body, model, v, theme, &mut drawn),
    }
    render_footer(frame, footer, model, theme);
    if model.overlay == Some(Overlay::Help) {
        widgets::help::render(frame, body, model, theme);
    }
    drawn
}

fn render_header(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let w = area.width as usize;
    let mut parts: Vec<String> = vec!["fixedip-tui".to_string()];
    match (&model.inventory.identity, &model.phase) {
        (Some(id), _) => {
            parts.push(id.account.clone());
            parts.push(id.arn.clone());
        }
        (None, Phase::Connecting) => parts.push("connecting…".to_string()),
        (None, Phase::NoAccess(_)) => parts.push("no access".to_string()),
        (None, Phase::Ready) => parts.push("account …".to_string()),
    }
    if let Some(t) = &model.target {
        parts.push(t.region.clone());
        if let Some(p) = &t.profile {
            parts.push(format!("profile {p}"));
        }
        parts.push(t.endpoint.clone().unwrap_or_else(|| "aws".to_string()));
    }
    // The caller ARN is the longest part: shorten it first so region and endpoint stay visible.
    let fixed: usize = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, p)| p.chars().count() + 3)
        .sum();
    if parts.len() > 2 && model.inventory.identity.is_some() {
        let room = w.saturating_sub(fixed + 3).max(8);
        parts[2] = ellipsize_left(&parts[2], room);
    }
    let text = format!(" {}", parts.join(" │ "));
    frame.render_widget(
        Paragraph::new(ellipsize(&text, w)).style(theme.header()),
        area,
    );
}

/// Keep the end of `s` (the interesting part of an ARN is its tail).
fn ellipsize_left(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - max.saturating_sub(1)).collect();
    format!("…{tail}")
}

fn render_footer(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    if let Some(flash) = &model.flash {
        spans.push(Span::styled(format!(" {flash} "), theme.ok()));
        spans.push(Span::raw(" "));
    }
    // The wizard keeps its hints under the overlay; the other screens show the overlay's.
    let hints: Vec<(&str, &str)> = match (model.screen(), model.overlay) {
        (Screen::Wizard(w), _) => {
            keymap::hints(keymap::wizard::TABLE, keymap::wizard::State::of(w))
        }
        (_, Some(_)) => keymap::hints(keymap::overlay::TABLE, ()),
        (Screen::NoAccess(_) | Screen::Home, None) => {
            keymap::hints(keymap::home::TABLE, keymap::home::State::of(model))
        }
        (Screen::Apply(a), None) => {
            let state = keymap::apply::State::of(a);
            let mut h = keymap::hints(keymap::apply::TABLE, state);
            if state == keymap::apply::State::Stopping {
                h.insert(0, ("", "stopping after the running steps…"));
            }
            h
        }
        (Screen::Verify(v), None) => {
            keymap::hints(keymap::verify::TABLE, keymap::verify::State::of(v))
        }
        (Screen::Setups(v) | Screen::Setup(v), None) => {
            keymap::hints(keymap::setups::TABLE, keymap::setups::State::of(v))
        }
    };
    for (k, h) in hints {
        spans.push(Span::styled(format!(" {k}"), theme.key()));
        spans.push(Span::styled(format!(" {h} "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
