//! The Setups tab (every fixed-IP setup of the region, as `doctor` finds them) and one setup's
//! screen: its handout, its findings with evidence and fix, and the fix being asked about.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::app::setups::{Setups, SetupsView};
use crate::app::{HomeTab, Model};
use crate::doctor::{Finding, Setup, SetupReport, Severity};
use crate::ui::theme::Theme;
use crate::ui::widgets::{self, ellipsize, spinner, wrap_indented};

/// The home screen's tabs, as the list's title: the active one stands out.
pub fn tabs_title(model: &Model, theme: &Theme) -> Line<'static> {
    let total = model.inventory.vpcs.len();
    let vpcs = if model.filter.value().is_empty() {
        format!(" VPCs ({total}) ")
    } else {
        format!(" VPCs ({}/{total}) ", model.visible.len())
    };
    let setups = match &model.setups.setups {
        Setups::Loaded { report, .. } if model.setups.filter.value().is_empty() => {
            format!(" Setups ({}) ", report.setups.len())
        }
        Setups::Loaded { report, .. } => format!(
            " Setups ({}/{}) ",
            model.setups.shown_len(),
            report.setups.len()
        ),
        Setups::Loading => " Setups … ".to_string(),
        Setups::Failed(_) => " Setups ✗ ".to_string(),
        Setups::NotAsked => " Setups ".to_string(),
    };
    let style = |tab| {
        if model.home_tab == tab {
            theme.title()
        } else {
            theme.dim()
        }
    };
    Line::from(vec![
        Span::styled(vpcs, style(HomeTab::Vpcs)),
        Span::styled("│", theme.border()),
        Span::styled(setups, style(HomeTab::Setups)),
        Span::styled("Tab switches ", theme.dim()),
    ])
}

fn severity_style(s: Severity, theme: &Theme) -> ratatui::style::Style {
    match s {
        Severity::Error => theme.err(),
        Severity::Warning => theme.warn(),
        Severity::Info => theme.dim(),
    }
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗",
        Severity::Warning => "!",
        Severity::Info => "i",
    }
}

/// "1/2 healthy", or what the targets are when none is registered.
fn targets_cell(setup: Option<&Setup>) -> String {
    let Some(s) = setup else {
        return "?".to_string();
    };
    if s.health.is_empty() {
        return "none registered".to_string();
    }
    let healthy = s.health.iter().filter(|t| t.is_healthy()).count();
    format!("{healthy}/{} healthy", s.health.len())
}

fn findings_cell(s: &SetupReport, theme: &Theme) -> Line<'static> {
    let (e, w, i) = SetupsView::counts(s);
    if e + w + i == 0 {
        return Line::from(Span::styled("none", theme.ok()));
    }
    let mut spans = Vec::new();
    for (n, sev) in [
        (e, Severity::Error),
        (w, Severity::Warning),
        (i, Severity::Info),
    ] {
        if n > 0 {
            spans.push(Span::styled(
                format!("{}{n} ", severity_mark(sev)),
                severity_style(sev, theme),
            ));
        }
    }
    Line::from(spans)
}

fn vpc_name(model: &Model, vpc_id: &str) -> String {
    model
        .vpc(vpc_id)
        .and_then(|v| v.name.clone())
        .unwrap_or_else(|| vpc_id.to_string())
}

fn origin_text(s: &SetupReport) -> &'static str {
    if s.origin == "found" {
        "found by shape"
    } else {
        "fixedip-tui"
    }
}

fn ips_text(s: &SetupReport) -> String {
    if s.fixed_ips.is_empty() {
        "(not reported)".to_string()
    } else {
        s.fixed_ips.join(", ")
    }
}

/// The Setups tab: the list, and the selected setup's summary under it. Returns the rows of
/// setups the list shows (for paging).
pub fn render_list(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    v: &SetupsView,
    theme: &Theme,
) -> usize {
    let show_filter = widgets::shows_filter(&v.filter, v.filter_editing);
    let want = v.rows().len().max(1) as u16 + 4 + u16::from(show_filter);
    let [list, detail] = Layout::vertical([
        Constraint::Length(want.clamp(6, (area.height / 2).max(6))),
        Constraint::Min(0),
    ])
    .areas(area);
    let block = widgets::pane(theme.focus_border(), tabs_title(model, theme));
    let inner = widgets::list_filter(
        frame,
        (list, block),
        &v.filter,
        (v.filter_editing, v.searching()),
        theme,
    );
    // The table's heading takes a row.
    let page = (inner.height as usize).saturating_sub(1).max(1);
    if let Some(message) = list_message(model, v, theme) {
        frame.render_widget(message.wrap(Wrap { trim: false }), inner);
    } else {
        render_table(frame, inner, model, v, theme);
    }
    let block = widgets::pane(theme.border(), Span::styled(" Setup ", theme.title()));
    let lines = v
        .selected_row()
        .map(|s| {
            let width = detail.width.saturating_sub(2) as usize;
            summary_lines(handout_lines(model, v, s, theme, width), s, theme)
        })
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        detail,
    );
    page
}

fn list_message(model: &Model, v: &SetupsView, theme: &Theme) -> Option<Paragraph<'static>> {
    let region = model
        .target
        .as_ref()
        .map(|t| t.region.clone())
        .unwrap_or_default();
    let lines = match &v.setups {
        Setups::NotAsked => vec![Line::styled("connecting to the account…", theme.dim())],
        Setups::Loading => vec![Line::from(vec![
            Span::styled(spinner(model.spinner), theme.accent()),
            Span::raw(" reading the load balancers, their targets, endpoints, certificates and records…"),
        ])],
        Setups::Failed(why) => vec![
            Line::styled(format!("✗ {why}"), theme.err()),
            Line::raw("  r reads again"),
        ],
        Setups::Loaded { report, .. } if report.setups.is_empty() => vec![
            Line::raw(format!("No fixed-IP setup in {region}.")),
            Line::styled(
                "A setup is an internet-facing NLB with a TLS listener to an ip target group of an execute-api endpoint's IPs. Tab: the VPCs, to make one.",
                theme.dim(),
            ),
        ],
        Setups::Loaded { .. } if v.shown_len() == 0 => vec![Line::styled(
            "No setup matches the filter — Esc clears it.",
            theme.dim(),
        )],
        Setups::Loaded { .. } => return None,
    };
    Some(Paragraph::new(lines))
}

fn render_table(frame: &mut Frame, area: Rect, model: &Model, v: &SetupsView, theme: &Theme) {
    let wide = area.width >= 100;
    // Only the rows on screen are built, the selected one the last when it is below the first
    // screen (as the table itself would scroll to it).
    let window = (area.height as usize).saturating_sub(1).max(1);
    let first = (v.selected + 1).saturating_sub(window);
    let rows: Vec<Row> = v
        .shown()
        .skip(first)
        .take(window)
        .map(|(i, s)| {
            let mut cells = vec![
                Cell::from(s.id.clone()),
                Cell::from(Span::styled(origin_text(s), theme.dim())),
                Cell::from(vpc_name(model, &s.vpc_id)),
            ];
            if wide {
                cells.push(Cell::from(ips_text(s)));
            }
            cells.push(Cell::from(targets_cell(v.read_at(i, &s.id))));
            cells.push(Cell::from(findings_cell(s, theme)));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Min(14),
        Constraint::Length(14),
        Constraint::Length(12),
    ];
    let mut header = vec!["Setup", "Made by", "VPC"];
    if wide {
        widths.push(Constraint::Length(30));
        header.push("Fixed IPs");
    }
    widths.extend([Constraint::Length(16), Constraint::Length(12)]);
    header.extend(["Targets", "Findings"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.dim()))
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(v.selected - first));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The selected setup in a few lines: its `handout` (IPs, names, NLB and endpoint), then its
/// findings by code.
fn summary_lines(
    mut lines: Vec<Line<'static>>,
    s: &SetupReport,
    theme: &Theme,
) -> Vec<Line<'static>> {
    lines.push(Line::raw(""));
    for f in &s.findings {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} {:<8}", severity_mark(f.severity), f.severity.as_str()),
                severity_style(f.severity, theme),
            ),
            Span::raw(f.code.to_string()),
            Span::styled(if f.fixable { "  (fixable)" } else { "" }, theme.dim()),
        ]));
    }
    lines.push(Line::styled(
        "Enter opens it: evidence and fix for each finding",
        theme.dim(),
    ));
    lines
}

/// What a partner needs and what the setup is made of.
fn handout_lines(
    model: &Model,
    v: &SetupsView,
    s: &SetupReport,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let kind = if s.ip_kind == "elastic" {
        "Elastic IPs"
    } else {
        "assigned by AWS: they change if the NLB is recreated"
    };
    let cidrs: Vec<String> = s.fixed_ips.iter().map(|ip| format!("{ip}/32")).collect();
    let mut lines = vec![Line::from(vec![
        Span::styled("Fixed IPs: ", theme.dim()),
        Span::styled(
            if cidrs.is_empty() {
                "(not reported)".to_string()
            } else {
                cidrs.join(" ")
            },
            theme.ok(),
        ),
        Span::styled(format!(" ({kind})"), theme.dim()),
    ])];
    let names = if s.names.is_empty() {
        "(no public record points at the NLB)".to_string()
    } else {
        s.names.join(", ")
    };
    lines.push(Line::from(vec![
        Span::styled("Names: ", theme.dim()),
        Span::raw(names),
    ]));
    let read = v.read_of(&s.id);
    let nlb = match read {
        Some(r) => format!(
            "{} in {} · {}:{} {}",
            s.name,
            vpc_name(model, &s.vpc_id),
            r.listener.protocol,
            r.listener.port,
            r.listener.ssl_policy.clone().unwrap_or_default()
        ),
        None => s.name.clone(),
    };
    lines.push(Line::from(vec![
        Span::styled("NLB: ", theme.dim()),
        Span::raw(ellipsize(&nlb, width.saturating_sub(5))),
    ]));
    if let (Some(ep), Some(r)) = (&s.endpoint_id, read) {
        let targets: Vec<String> = r
            .health
            .iter()
            .map(|t| format!("{} {}", t.ip, t.state))
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Endpoint: ", theme.dim()),
            Span::raw(format!("{ep} IPs {}", r.endpoint_ips().join(", "))),
        ]));
        lines.push(Line::from(vec![
            Span::styled("Targets: ", theme.dim()),
            Span::raw(if targets.is_empty() {
                "none registered".to_string()
            } else {
                targets.join(", ")
            }),
        ]));
    }
    lines
}

/// One setup: the handout, then the findings (the selected one marked), then what is asked or
/// under way.
pub fn render_setup(frame: &mut Frame, area: Rect, model: &Model, v: &SetupsView, theme: &Theme) {
    let Some(s) = v.open_setup() else {
        return;
    };
    let width = area.width.saturating_sub(2) as usize;
    let title = format!(" {} · {} ", s.id, origin_text(s));
    let handout = Paragraph::new(handout_lines(model, v, s, theme, width))
        .wrap(Wrap { trim: false })
        .block(widgets::pane(
            theme.border(),
            Span::styled(title, theme.title()),
        ));
    let status = status_lines(model, v, theme, width);
    let status_rows = if status.is_empty() {
        0
    } else {
        Paragraph::new(status.clone())
            .wrap(Wrap { trim: false })
            .line_count(area.width.saturating_sub(2)) as u16
            + 2
    };
    // The handout and what is asked get their rows; the findings what is left (3 at least).
    let handout_rows = handout.line_count(area.width) as u16;
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(handout_rows.min(area.height * 2 / 5)),
        Constraint::Min(3),
        Constraint::Length(status_rows.min(area.height / 2)),
    ])
    .areas(area);
    frame.render_widget(handout, top);
    let findings = finding_lines(v, s, theme, width.saturating_sub(2));
    // Keep the selected finding in view.
    let rows = mid.height.saturating_sub(2) as usize;
    let scroll = findings
        .iter()
        .position(|(i, _)| *i == v.finding)
        .map_or(0, |first| {
            let last = findings
                .iter()
                .rposition(|(i, _)| *i == v.finding)
                .unwrap_or(first);
            (last + 1).saturating_sub(rows).min(first)
        });
    let lines: Vec<Line> = findings.into_iter().skip(scroll).map(|(_, l)| l).collect();
    frame.render_widget(
        Paragraph::new(lines).block(widgets::pane(
            theme.focus_border(),
            Span::styled(format!(" Findings ({}) ", s.findings.len()), theme.title()),
        )),
        mid,
    );
    if !status.is_empty() {
        frame.render_widget(
            Paragraph::new(status)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().border_style(theme.focus_border())),
            bottom,
        );
    }
}

/// Each finding as lines (tagged with its index): severity, code and evidence, then the fix.
fn finding_lines(
    v: &SetupsView,
    s: &SetupReport,
    theme: &Theme,
    width: usize,
) -> Vec<(usize, Line<'static>)> {
    if s.findings.is_empty() {
        return vec![(
            0,
            Line::styled("No findings: nothing wrong was seen.", theme.ok()),
        )];
    }
    let mut out = Vec::new();
    for (i, f) in s.findings.iter().enumerate() {
        let selected = i == v.finding;
        let mark = if selected { "▶ " } else { "  " };
        let head = format!("{mark}{} {:<26}", severity_mark(f.severity), f.code);
        let style = if selected {
            theme.selected()
        } else {
            severity_style(f.severity, theme)
        };
        out.push((i, Line::from(Span::styled(head, style))));
        for l in wrap_indented(&f.evidence, width, "    ") {
            out.push((i, Line::raw(l)));
        }
        for l in wrap_indented(&fix_text(f), width, "    ") {
            out.push((i, Line::styled(l, theme.dim())));
        }
    }
    out
}

fn fix_text(f: &Finding) -> String {
    if f.fixable {
        let fix = f.fix.replace(" (doctor --fix does it)", "");
        format!("→ {fix} — f fixes it here")
    } else {
        format!("→ {}", f.fix)
    }
}

/// The fix asked about (its aws lines), the destroy being confirmed, what is under way, or the
/// outcome of the last fix.
fn status_lines(model: &Model, v: &SetupsView, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(c) = &v.confirm {
        lines.push(Line::styled(
            format!(
                "Mend {} of {}: these changes go to the account (recorded in doctor-fixes.jsonl):",
                c.code, c.setup
            ),
            theme.warn(),
        ));
        for change in &c.changes {
            for l in wrap_indented(&change.command(), width, "  ") {
                lines.push(Line::raw(l));
            }
        }
        lines.push(Line::styled(
            "y makes them · n or Esc does not",
            theme.dim(),
        ));
    } else if let Some((plan, input)) = &v.destroy {
        lines.push(Line::styled(
            format!(
                "Destroy plan {}: everything it made goes (what it adopted stays).",
                plan.id
            ),
            theme.warn(),
        ));
        lines.push(Line::from(vec![
            Span::raw(format!("Type {} to confirm: ", plan.name)),
            Span::styled(input.value().to_string(), theme.key()),
        ]));
    } else if let Some(busy) = &v.busy {
        lines.push(Line::from(vec![
            Span::styled(spinner(model.spinner), theme.accent()),
            Span::raw(format!(" {busy}")),
        ]));
    } else if let Some(outcome) = &v.outcome {
        match outcome {
            Ok(ran) => {
                lines.push(Line::styled(
                    format!("✓ done ({} change(s)); read again:", ran.len()),
                    theme.ok(),
                ));
                for r in ran {
                    lines.push(Line::raw(ellipsize(&format!("  {r}"), width)));
                }
            }
            Err(why) => {
                for l in wrap_indented(&format!("✗ {why}"), width, "  ") {
                    lines.push(Line::styled(l, theme.err()));
                }
            }
        }
    }
    lines
}
