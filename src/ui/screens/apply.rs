//! The apply / destroy progress screen and the result: one row per step, a progress bar with
//! elapsed time, the AWS calls as `aws` CLI lines, and at the end the fixed IPs.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::apply::{ApplyView, Mode, NodeView};
use crate::app::Model;
use crate::ui::theme::Theme;
use crate::ui::widgets::{ellipsize, spinner};

fn secs(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, a: &ApplyView, theme: &Theme) {
    let verb = match a.mode {
        Mode::Apply => "Applying",
        Mode::Destroy => "Destroying",
    };
    let total = a.nodes.len().max(1);
    let done = a.done_count();
    let result_h = match (&a.finished, a.mode) {
        (Some(Ok(())), Mode::Apply) => 11,
        (Some(_), _) => 4,
        (None, _) => 0,
    };
    let [bar, rows_area, result_area, log_area] = Layout::vertical([
        Constraint::Length(1),
        // On small terminals the step list gives way to the result.
        Constraint::Max(a.nodes.len() as u16 + 2),
        Constraint::Length(result_h),
        Constraint::Min(3),
    ])
    .areas(area);
    let elapsed = a.now_ms.saturating_sub(a.started_ms);
    // A rough estimate: the pace so far over the steps left (steps differ a lot: NLB minutes,
    // security groups seconds), shown only once a few steps are done.
    let eta = if a.running() && done >= 3 && done < total {
        let left = elapsed / done as u64 * (total - done) as u64;
        format!(" · ~{} left", secs(left))
    } else {
        String::new()
    };
    let label = format!(
        "{verb} plan {} — {done}/{total} steps · {}{eta}",
        a.plan.id,
        secs(elapsed)
    );
    frame.render_widget(
        Gauge::default()
            .gauge_style(theme.ok())
            .ratio(done as f64 / total as f64)
            .label(Span::styled(label, theme.title())),
        bar,
    );

    let width = rows_area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = a
        .nodes
        .iter()
        .map(|(node, state)| {
            let (icon, icon_style, text, style) = match state {
                NodeView::Waiting => (
                    "·".to_string(),
                    theme.dim(),
                    "waiting for its inputs".to_string(),
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
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(
                    format!(" {verb} {} ", a.plan.name),
                    theme.title(),
                )),
        ),
        rows_area,
    );

    if let Some(finished) = &a.finished {
        let mut out: Vec<Line> = Vec::new();
        match (finished, a.mode) {
            (Ok(()), Mode::Apply) => {
                let r = a.result.clone().unwrap_or_default();
                out.push(Line::from(vec![
                    Span::styled("Fixed IPs for the partner's firewall: ", theme.title()),
                    Span::styled(
                        if r.fixed_ips.is_empty() {
                            "not reported by this endpoint (moto gives an NLB no addresses)"
                                .to_string()
                        } else {
                            r.fixed_ips
                                .iter()
                                .map(|ip| format!("{ip}/32"))
                                .collect::<Vec<_>>()
                                .join("  ")
                        },
                        theme.ok(),
                    ),
                ]));
                out.push(Line::raw(format!(
                    "Name: https://{}  (port {})",
                    a.plan.name, a.plan.settings.listener_port
                )));
                out.push(Line::raw(format!("NLB: {}", r.nlb_dns.unwrap_or_default())));
                out.push(Line::raw(format!(
                    "Endpoint: {}  IPs {}  ({})",
                    r.endpoint_id.unwrap_or_default(),
                    r.endpoint_ips.join(", "),
                    r.endpoint_dns.unwrap_or_default()
                )));
                out.push(Line::raw(format!(
                    "API: {}   private zone: {}",
                    r.api_id.unwrap_or_default(),
                    r.private_zone.unwrap_or_else(|| "existing".into())
                )));
                out.push(Line::from(Span::styled(
                    if a.plan.eips.is_elastic() {
                        "Elastic IPs: they survive an NLB recreate, and destroy keeps them. v verifies (DNS, TLS, HTTPS per IP) and shows the handout; D destroys what this plan created (typed confirmation); Esc goes back."
                    } else {
                        "These IPs stay as long as the NLB is not recreated. v verifies (DNS, TLS, HTTPS per IP) and shows the handout; D destroys everything this plan created (typed confirmation); Esc goes back."
                    },
                    theme.dim(),
                )));
            }
            (Ok(()), Mode::Destroy) => {
                out.push(Line::from(Span::styled(
                    "✓ Everything this plan created is gone; what it changed is restored.",
                    theme.ok(),
                )));
            }
            (Err(why), _) => {
                out.push(Line::from(Span::styled(
                    format!("✗ Stopped: {why}"),
                    theme.err(),
                )));
                out.push(Line::from(Span::styled(
                    "The journal keeps every step: r retries (resumes; nothing is created twice), D rolls back what this plan created, q leaves it to resume later.",
                    theme.dim(),
                )));
            }
        }
        frame.render_widget(
            Paragraph::new(out).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border())
                    .title(" Result "),
            ),
            result_area,
        );
    }

    let shown = (log_area.height as usize).saturating_sub(2);
    let skip = a.log.len().saturating_sub(shown + a.log_scroll as usize);
    let log: Vec<Line> = a
        .log
        .iter()
        .skip(skip)
        .take(shown)
        .map(|l| Line::from(Span::styled(l.clone(), theme.dim())))
        .collect();
    frame.render_widget(
        Paragraph::new(log).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(
                    format!(" AWS calls ({}) — J/K scroll ", a.log.len()),
                    theme.title(),
                )),
        ),
        log_area,
    );

    if a.stop_question {
        let lines = vec![
            Line::from(Span::styled("Stop the apply?", theme.warn())),
            Line::raw(""),
            Line::from(vec![
                Span::styled("s", theme.key()),
                Span::raw(" stop after the running steps (clean; rerun resumes)"),
            ]),
            Line::from(vec![
                Span::styled("a", theme.key()),
                Span::raw(" abort now (the journal keeps everything; rerun resumes)"),
            ]),
            Line::from(vec![
                Span::styled("Esc", theme.key()),
                Span::raw(" continue"),
            ]),
        ];
        let r = crate::ui::widgets::centered(area, 64, lines.len() as u16 + 2);
        frame.render_widget(ratatui::widgets::Clear, r);
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.warn()),
            ),
            r,
        );
    }
    if let Some(input) = &a.destroy_confirm {
        let lines = vec![
            Line::from(Span::styled(
                format!("Destroy everything plan {} created?", a.plan.id),
                theme.err(),
            )),
            Line::raw("The NLB and its IPs go: the partner's allow-list will point nowhere."),
            Line::raw(
                "Adopted and pre-existing resources are kept (what the plan changed is restored).",
            ),
            Line::raw(""),
            Line::from(vec![
                Span::raw("Type "),
                Span::styled(a.plan.name.clone(), theme.key()),
                Span::raw(" and Enter (Esc cancels):"),
            ]),
            Line::from(Span::styled(
                format!("> {}", input.value()),
                theme.selected(),
            )),
        ];
        let r = crate::ui::widgets::centered(area, 78, lines.len() as u16 + 4);
        frame.render_widget(ratatui::widgets::Clear, r);
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.err()),
            ),
            r,
        );
    }
}
