//! The discovery panel: one row per source — spinner, count, or error.

use ratatui::text::{Line, Span};

use crate::app::{Model, Phase, SourceState};
use crate::discovery::Source;
use crate::ui::theme::Theme;

/// One line per source, `width` wide at most.
pub fn source_lines(model: &Model, theme: &Theme, label_width: usize) -> Vec<Line<'static>> {
    Source::ALL
        .iter()
        .map(|s| source_line(model, theme, *s, label_width))
        .collect()
}

pub fn source_line(
    model: &Model,
    theme: &Theme,
    source: Source,
    label_width: usize,
) -> Line<'static> {
    let label = format!("{:<w$}", source.label(), w = label_width);
    let (icon, icon_style, status, status_style) = match model.source(source) {
        SourceState::NotAsked => {
            let waiting = match model.phase {
                Phase::Connecting => "waiting for credentials",
                _ => "not read",
            };
            (
                "·".to_string(),
                theme.dim(),
                waiting.to_string(),
                theme.dim(),
            )
        }
        SourceState::Loading { loaded } => (
            super::spinner(model.spinner).to_string(),
            theme.accent(),
            if *loaded > 0 {
                format!("{loaded}…")
            } else {
                "loading…".to_string()
            },
            theme.dim(),
        ),
        SourceState::Loaded { count, warning } => match warning {
            None => (
                "✓".to_string(),
                theme.ok(),
                count.to_string(),
                Default::default(),
            ),
            Some(w) => (
                "!".to_string(),
                theme.warn(),
                format!("{count}, partial ({})", short_action(&w.action)),
                theme.warn(),
            ),
        },
        SourceState::Failed(e) => (
            "✗".to_string(),
            theme.err(),
            short_kind(e.kind).to_string(),
            theme.err(),
        ),
    };
    Line::from(vec![
        Span::styled(icon, icon_style),
        Span::raw(" "),
        Span::raw(label),
        Span::raw(" "),
        Span::styled(status, status_style),
    ])
}

fn short_action(action: &str) -> &str {
    action.split(':').nth(1).unwrap_or(action)
}

fn short_kind(kind: crate::cloud::ErrorKind) -> &'static str {
    use crate::cloud::ErrorKind as K;
    match kind {
        K::NoCredentials => "no credentials",
        K::BadCredentials => "credentials rejected",
        K::AccessDenied => "access denied",
        K::Throttled => "throttled",
        K::QuotaExceeded => "quota reached",
        K::NotFound => "not found",
        K::Network => "no answer",
        K::ServerError => "service error",
        K::InvalidRequest => "rejected",
        K::NotImplemented => "not implemented",
        K::Other => "failed",
    }
}
