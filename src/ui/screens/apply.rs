//! The apply / destroy progress screen and the result: one row per step, a progress bar with
//! the time taken and the time left, the AWS calls as `aws` CLI lines, and at the end the fixed
//! IPs (after a destroy: what stayed, and how to release it).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph};
use ratatui::Frame;

use crate::app::apply::{ApplyView, Mode, NodeView};
use crate::app::Model;
use crate::plan::cost;
use crate::ui::theme::Theme;
use crate::ui::widgets::{dialog, ellipsize, key_line, pane, spinner, wrap_indented};

/// A duration as the screens and the CLI say it: `19s`, `1m04s` (Terraform's way).
pub fn secs(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Time left, rounded up (a run with half a second left is not "0s" away).
fn left(ms: u64) -> String {
    secs(ms.div_ceil(1000) * 1000)
}

/// The progress bar's words: what runs, how far, for how long, and what is left; once ended, how
/// long it took.
pub fn headline(a: &ApplyView) -> String {
    let total = a.nodes.len().max(1);
    let done = a.done_count();
    let took = secs(a.elapsed_ms());
    let (ing, ed) = match a.mode {
        Mode::Apply => ("Applying", "applied"),
        Mode::Destroy if a.release_eips => ("Releasing the Elastic IPs of", "released"),
        Mode::Destroy => ("Destroying", "destroyed"),
    };
    match &a.finished {
        Some(Ok(())) => format!("Plan {} {ed} in {took} — {done}/{total} steps", a.plan.id),
        Some(Err(_)) => format!(
            "Plan {}: stopped after {took} — {done}/{total} steps",
            a.plan.id
        ),
        None if a.stopping => format!(
            "{ing} plan {} — {done}/{total} steps · {took} · stopping after the running steps",
            a.plan.id
        ),
        None => {
            let eta = a
                .remaining_ms()
                .map(|ms| format!(" · ~{} left", left(ms)))
                .unwrap_or_default();
            format!(
                "{ing} plan {} — {done}/{total} steps · {took}{eta}",
                a.plan.id
            )
        }
    }
}

/// What the dialogs and the result say of the plan's Elastic IPs before and after a destroy (one
/// wording: `cost::kept_eips`). `None`: the plan has none of its own.
fn eip_words(model: &Model, a: &ApplyView, release: &str) -> Option<String> {
    let r = a.result.clone().unwrap_or_default();
    let plan_made_them =
        matches!(a.plan.eips, crate::plan::EipChoice::New) && a.plan.adopt_nlb.is_none();
    match a.mode {
        // Before the destroy: the apply's result knows them (or how many there are).
        Mode::Apply if plan_made_them => Some(cost::kept_eips(
            &r.eips,
            a.plan.nlb_subnet_ids.len(),
            release,
        )),
        Mode::Apply => None,
        Mode::Destroy if r.eips_held => Some(cost::kept_eips(&r.eips, 0, release)),
        Mode::Destroy if a.release_eips || (plan_made_them && !r.eips.is_empty()) => {
            Some(cost::released_eips(&r.eips))
        }
        Mode::Destroy => {
            let _ = model;
            None
        }
    }
}

/// Word-wrapped lines of one style, for a pane whose height must fit them.
fn wrapped(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    wrap_indented(text, width as usize, "")
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, a: &ApplyView, theme: &Theme) {
    let verb = match a.mode {
        Mode::Apply => "Applying",
        Mode::Destroy => "Destroying",
    };
    let total = a.nodes.len().max(1);
    let done = a.done_count();
    let inner = area.width.saturating_sub(2);
    let out = result_lines(model, a, inner, theme);
    let result_h = if out.is_empty() {
        0
    } else {
        out.len() as u16 + 2
    };
    let [bar, rows_area, result_area, log_area] = Layout::vertical([
        Constraint::Length(1),
        // On small terminals the step list gives way to the result.
        Constraint::Max(a.nodes.len() as u16 + 2),
        Constraint::Length(result_h),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(
        Gauge::default()
            .gauge_style(theme.ok())
            .ratio(done as f64 / total as f64)
            .label(Span::styled(headline(a), theme.title())),
        bar,
    );

    let width = rows_area.width.saturating_sub(2) as usize;
    frame.render_widget(
        Paragraph::new(step_lines(model, a, width, theme)).block(pane(
            theme.focus_border(),
            Span::styled(format!(" {verb} {} ", a.plan.name), theme.title()),
        )),
        rows_area,
    );

    if !out.is_empty() {
        frame.render_widget(
            Paragraph::new(out).block(pane(theme.border(), " Result ")),
            result_area,
        );
    }

    render_log(frame, log_area, a, theme);
    if a.stop_question {
        render_stop_question(frame, area, a, theme);
    }
    if let Some(input) = &a.destroy_confirm {
        render_destroy_confirm(frame, area, model, a, input, theme);
    }
}

/// One line per step: its state, what it does or did, and for how long.
fn step_lines(model: &Model, a: &ApplyView, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    a.nodes
        .iter()
        .map(|(node, state)| {
            let (icon, icon_style, text, style) = match state {
                NodeView::Waiting => (
                    "·".to_string(),
                    theme.dim(),
                    match a.mode {
                        Mode::Apply => "waiting for its inputs",
                        // Destroy goes one step after the other, top to bottom.
                        Mode::Destroy => "waiting for the steps above",
                    }
                    .to_string(),
                    theme.dim(),
                ),
                NodeView::Running { since_ms, what } => (
                    spinner(model.spinner).to_string(),
                    theme.accent(),
                    format!(
                        "{} ({})",
                        what.clone().unwrap_or_else(|| "working".into()),
                        secs(a.now_ms.saturating_sub(*since_ms))
                    ),
                    Default::default(),
                ),
                NodeView::Done { summary, took_ms } => (
                    "✓".to_string(),
                    theme.ok(),
                    format!("{summary} ({})", secs(*took_ms)),
                    theme.dim(),
                ),
                NodeView::Skipped { why } => (
                    "–".to_string(),
                    theme.dim(),
                    format!("skipped: {why}"),
                    theme.dim(),
                ),
                NodeView::Failed { message, hint } => (
                    "✗".to_string(),
                    theme.err(),
                    format!("{message} → {hint}"),
                    theme.err(),
                ),
            };
            Line::from(vec![
                Span::styled(format!("{icon} "), icon_style),
                Span::raw(format!("{:<28} ", node.title())),
                Span::styled(ellipsize(&text, width.saturating_sub(31)), style),
            ])
        })
        .collect()
}

/// The AWS calls as `aws` CLI lines, the newest at the bottom, scrolled back by J/K.
fn render_log(frame: &mut Frame, log_area: Rect, a: &ApplyView, theme: &Theme) {
    let shown = (log_area.height as usize).saturating_sub(2);
    // Scrolled back from the newest line, never past the first.
    let back = (a.log_scroll as usize).min(a.log.len().saturating_sub(shown));
    let skip = a.log.len().saturating_sub(shown + back);
    let log: Vec<Line> = a
        .log
        .iter()
        .skip(skip)
        .take(shown)
        .map(|l| {
            let text = if l.times > 1 {
                format!("{} (×{})", l.text, l.times)
            } else {
                l.text.clone()
            };
            Line::from(Span::styled(text, theme.dim()))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(log).block(pane(
            theme.border(),
            Span::styled(
                format!(
                    " AWS calls ({}) — J/K scroll ",
                    a.log.iter().map(|l| l.times as usize).sum::<usize>()
                ),
                theme.title(),
            ),
        )),
        log_area,
    );
}

/// Ctrl-C / q during the run: stop after the running steps, abort now, or continue.
fn render_stop_question(frame: &mut Frame, area: Rect, a: &ApplyView, theme: &Theme) {
    let lines = vec![
        Line::from(Span::styled(
            match a.mode {
                Mode::Apply => "Stop the apply?",
                Mode::Destroy => "Stop the destroy?",
            },
            theme.warn(),
        )),
        Line::raw(""),
        key_line(
            "s",
            "stop after the running steps (clean; rerun resumes)",
            theme,
        ),
        key_line(
            "a",
            "abort now (the journal keeps everything; rerun resumes)",
            theme,
        ),
        key_line("Esc", "continue", theme),
    ];
    dialog(
        frame,
        area,
        64,
        lines,
        Block::bordered().border_style(theme.warn()),
    );
}

/// D / R on the result: what the destroy (or the release) does, and the name to type.
fn render_destroy_confirm(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    a: &ApplyView,
    input: &tui_input::Input,
    theme: &Theme,
) {
    let width = 78u16.min(area.width);
    let room = width.saturating_sub(2);
    let mut lines: Vec<Line> = Vec::new();
    if a.confirm_release {
        let r = a.result.clone().unwrap_or_default();
        lines.extend(wrapped(
            &format!("Release the Elastic IPs of plan {}?", a.plan.id),
            room,
            theme.err(),
        ));
        lines.extend(wrapped(
            &format!(
                "{}: they go back to AWS (and stop costing); anyone may get them next, so \
                 take them off the partner's allow-list. A later apply gets new ones.",
                r.eips.join(", ")
            ),
            room,
            Style::default(),
        ));
    } else {
        lines.extend(wrapped(
            &format!("Destroy everything plan {} created?", a.plan.id),
            room,
            theme.err(),
        ));
        let release = "R on the result releases them (or `--release-eips`)";
        match eip_words(model, a, release) {
            Some(kept) => {
                lines.extend(wrapped(
                    "The NLB goes: the name answers nowhere until you apply again (with the same IPs).",
                    room,
                    Style::default(),
                ));
                lines.extend(wrapped(&kept, room, Style::default()));
            }
            None if matches!(a.plan.eips, crate::plan::EipChoice::Existing { .. }) => {
                lines.extend(wrapped(
                    "The NLB goes; your Elastic IPs stay yours (destroy never releases them).",
                    room,
                    Style::default(),
                ))
            }
            None => lines.extend(wrapped(
                "The NLB and its IPs go: the partner's allow-list will point nowhere.",
                room,
                Style::default(),
            )),
        }
        lines.extend(wrapped(
            "Adopted and pre-existing resources are kept (what the plan changed is restored).",
            room,
            Style::default(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw("Type "),
        Span::styled(a.plan.name.clone(), theme.key()),
        Span::raw(" and Enter (Esc cancels):"),
    ]));
    lines.push(Line::from(Span::styled(
        format!("> {}", input.value()),
        theme.selected(),
    )));
    dialog(
        frame,
        area,
        width,
        lines,
        Block::bordered().border_style(theme.err()),
    );
}

/// The result pane's lines, wrapped to `width` (empty while the run goes on).
fn result_lines(model: &Model, a: &ApplyView, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let Some(finished) = &a.finished else {
        return vec![];
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    match (finished, a.mode) {
        (Ok(()), Mode::Apply) => {
            let r = a.result.clone().unwrap_or_default();
            let ips = if r.fixed_ips.is_empty() {
                "not reported by this endpoint (moto gives an NLB no addresses)".to_string()
            } else {
                r.fixed_ips
                    .iter()
                    .map(|ip| format!("{ip}/32"))
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            // The label, then the addresses (wrapped between addresses, never inside one).
            let label = "Fixed IPs for the partner's firewall:";
            for (i, l) in wrap_indented(&format!("{label} {ips}"), width as usize, "")
                .into_iter()
                .enumerate()
            {
                out.push(match l.strip_prefix(label).filter(|_| i == 0) {
                    Some(rest) => Line::from(vec![
                        Span::styled(label, theme.title()),
                        Span::styled(rest.to_string(), theme.ok()),
                    ]),
                    None => Line::from(Span::styled(l, theme.ok())),
                });
            }
            for text in [
                format!(
                    "Name: https://{}  (port {})",
                    a.plan.name, a.plan.settings.listener_port
                ),
                format!("NLB: {}", r.nlb_dns.clone().unwrap_or_default()),
                format!(
                    "Endpoint: {}  IPs {}  ({})",
                    r.endpoint_id.clone().unwrap_or_default(),
                    r.endpoint_ips.join(", "),
                    r.endpoint_dns.clone().unwrap_or_default()
                ),
                format!(
                    "API: {}   private zone: {}",
                    r.api_id.clone().unwrap_or_default(),
                    r.private_zone.clone().unwrap_or_else(|| "existing".into())
                ),
            ] {
                out.extend(wrapped(&text, width, Style::default()));
            }
            let text = if a.plan.eips.is_elastic() {
                format!(
                    "Elastic IPs: they survive an NLB recreate, and destroy keeps them; they cost {}, until released (after D, R on the result, or `{}`). v verifies (DNS, TLS, HTTPS per IP) and shows the handout; D destroys what this plan created (typed confirmation); Esc goes back.",
                    cost::eips_monthly(r.fixed_ips.len().max(a.plan.nlb_subnet_ids.len())),
                    cost::release_eips_command(&model.command_prefix, &a.plan.id)
                )
            } else {
                "These IPs stay as long as the NLB is not recreated. v verifies (DNS, TLS, HTTPS per IP) and shows the handout; D destroys everything this plan created (typed confirmation); Esc goes back.".to_string()
            };
            out.extend(wrapped(&text, width, theme.dim()));
        }
        (Ok(()), Mode::Destroy) => {
            let release = format!(
                "R releases them (typed confirmation), as `{}` does",
                cost::release_eips_command(&model.command_prefix, &a.plan.id)
            );
            let eips = eip_words(model, a, &release);
            let kept = a.result.as_ref().is_some_and(|r| r.eips_held);
            out.extend(wrapped(
                if kept {
                    "✓ Everything this plan created is gone except its Elastic IPs; what it changed is restored."
                } else {
                    "✓ Everything this plan created is gone; what it changed is restored."
                },
                width,
                theme.ok(),
            ));
            if let Some(e) = eips {
                out.extend(wrapped(&e, width, Style::default()));
            }
        }
        (Err(why), mode) => {
            out.extend(wrapped(&format!("✗ Stopped: {why}"), width, theme.err()));
            out.extend(wrapped(
                match mode {
                    Mode::Apply => "The journal keeps every step: r retries (resumes; nothing is created twice), D rolls back what this plan created, q leaves it to resume later.",
                    Mode::Destroy => "The journal keeps every step: r retries the destroy (what is gone stays gone), q leaves it to resume later.",
                },
                width,
                theme.dim(),
            ));
        }
    }
    out
}
