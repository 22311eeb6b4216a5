//! Rendering: a pure function of `&Model` (no I/O), so every screen can be snapshot-tested.

pub mod screens;
pub mod theme;
pub mod widgets;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::keymap::BINDINGS;
use crate::app::{Model, Overlay, Phase};
use theme::Theme;
use widgets::ellipsize;

pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let area = frame.area();
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(frame, header, model, theme);
    match &model.phase {
        Phase::NoAccess(err) => screens::no_access::render(frame, body, model, err, theme),
        Phase::Connecting | Phase::Ready if model.verify.is_some() => {
            if let Some(v) = &model.verify {
                screens::verify::render(frame, body, model, v, theme)
            }
        }
        Phase::Connecting | Phase::Ready if model.apply.is_some() => {
            if let Some(a) = &model.apply {
                screens::apply::render(frame, body, model, a, theme)
            }
        }
        Phase::Connecting | Phase::Ready => match &model.wizard {
            Some(w) => screens::wizard::render(frame, body, model, w, theme),
            None => screens::home::render(frame, body, model, theme),
        },
    }
    render_footer(frame, footer, model, theme);
    if model.overlay == Some(Overlay::Help) {
        widgets::help::render(frame, body, model, theme);
    }
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
    let hints: Vec<(&str, &str)> = if let Some(v) = &model.verify {
        if v.running() {
            vec![("j/k", "scroll"), ("q", "quit")]
        } else {
            let mut h = vec![("r", "verify again")];
            if v.drifted() {
                h.push(("R", "re-register targets"));
            }
            h.extend([
                ("c", "copy IPs"),
                ("C", "copy JSON"),
                ("Esc", "back"),
                ("q", "quit"),
            ]);
            h
        }
    } else if let Some(a) = &model.apply {
        if a.destroy_confirm.is_some() {
            vec![
                (
                    "Enter",
                    if a.confirm_release {
                        "release"
                    } else {
                        "destroy"
                    },
                ),
                ("Esc", "cancel"),
            ]
        } else if a.stop_question {
            vec![
                ("s", "stop after running"),
                ("a", "abort now"),
                ("Esc", "continue"),
            ]
        } else if a.stopping && a.running() {
            vec![
                ("", "stopping after the running steps…"),
                ("J/K", "scroll calls"),
            ]
        } else if a.running() {
            vec![("J/K", "scroll calls"), ("q/^C", "stop…")]
        } else {
            match (&a.finished, a.mode) {
                (Some(Err(_)), crate::app::apply::Mode::Apply) => vec![
                    ("r", "retry (resumes)"),
                    ("D", "roll back"),
                    ("Esc", "back"),
                    ("q", "quit"),
                ],
                (Some(Err(_)), _) => vec![
                    ("r", "retry (resumes)"),
                    ("Esc", "back"),
                    ("J/K", "scroll calls"),
                    ("q", "quit"),
                ],
                (_, crate::app::apply::Mode::Apply) => vec![
                    ("v", "verify"),
                    ("D", "destroy"),
                    ("Esc", "back"),
                    ("J/K", "scroll calls"),
                    ("q", "quit"),
                ],
                _ if a.eips_kept() => vec![
                    ("R", "release the Elastic IPs"),
                    ("Esc", "back"),
                    ("J/K", "scroll calls"),
                    ("q", "quit"),
                ],
                _ => vec![("Esc", "back"), ("J/K", "scroll calls"), ("q", "quit")],
            }
        }
    } else if let Some(w) = &model.wizard {
        wizard_hints(w)
    } else if model.filter_editing {
        vec![
            ("Enter", "keep filter"),
            ("Esc", "clear"),
            ("↑/↓", "move"),
            ("^C", "quit"),
        ]
    } else if model.overlay.is_some() {
        vec![("Esc/?", "close"), ("q", "quit")]
    } else if matches!(model.phase, Phase::NoAccess(_)) {
        vec![("r", "retry"), ("?", "help"), ("q", "quit")]
    } else {
        let mut v: Vec<(&str, &str)> = BINDINGS
            .iter()
            .filter(|b| b.footer)
            .map(|b| (b.label, short_help(b.help)))
            .collect();
        if !model.filter.value().is_empty() {
            v.insert(0, ("Esc", "clear filter"));
        }
        if model.phase == Phase::Ready && !model.visible.is_empty() {
            v.insert(0, ("Enter", "set up in this VPC"));
        }
        v
    };
    for (k, h) in hints {
        spans.push(Span::styled(format!(" {k}"), theme.key()));
        spans.push(Span::styled(format!(" {h} "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The footer's word for a binding: the help text up to the first space-separated qualifier.
fn short_help(help: &str) -> &str {
    match help {
        h if h.starts_with("filter") => "filter",
        h if h.starts_with("copy") => "copy id",
        h if h.starts_with("read the account") => "refresh",
        h if h.starts_with("quit") => "quit",
        h if h.starts_with("this help") => "help",
        h => h,
    }
}

/// Footer hints of the wizard, by context (the help overlay lists them all).
fn wizard_hints(w: &crate::app::wizard::Wizard) -> Vec<(&'static str, &'static str)> {
    use crate::app::wizard::Field;
    if w.dns_question {
        return vec![("y", "turn on during apply"), ("n", "back")];
    }
    if w.filter_editing {
        return vec![("Enter", "keep filter"), ("Esc", "clear"), ("↑/↓", "move")];
    }
    match w.field {
        Field::Name | Field::Stage | Field::BasePath | Field::Cidr => {
            return vec![("Enter", "next"), ("S-Tab", "back"), ("^C", "quit")]
        }
        Field::VpcCaller => {
            return vec![
                ("Enter", "add"),
                ("empty Enter/Esc", "done"),
                ("^C", "quit"),
            ]
        }
        Field::Confirm if w.apply_after_confirm => {
            return vec![
                ("Enter", "apply"),
                ("Esc", "back to reading"),
                ("^C", "quit"),
            ]
        }
        Field::Confirm => {
            return vec![
                ("Enter", "confirm"),
                ("Esc", "back to reading"),
                ("^C", "quit"),
            ]
        }
        Field::List => {}
    }
    // The review: what applies first (the rest is in `?`).
    if w.step == crate::plan::Step::Review {
        let mut v = match (w.confirmed, w.can_apply) {
            (true, true) => vec![("A", "apply"), ("s", "save")],
            (true, false) => vec![("s", "save")],
            (false, true) => vec![("A/Enter", "apply"), ("c", "confirm only")],
            (false, false) => vec![("Enter", "confirm")],
        };
        v.extend([
            ("j/k/g/G", "scroll"),
            ("S-Tab", "back"),
            ("?", "help"),
            ("q", "quit"),
        ]);
        return v;
    }
    crate::app::keymap::WIZARD_KEYS
        .iter()
        .filter(|k| k.steps.is_empty() || k.steps.contains(&w.step))
        .map(|k| (k.label, k.short))
        .collect()
}
