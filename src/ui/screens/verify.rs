//! The verify checklist (filling in live) and the handout: the fixed IPs as an allow-list, the
//! name, port and region, the kind of IPs with its caveat, who can reach the API.

use crate::app::scroll::Measured;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::verify::{ChecklistLayout, Entry, VerifyView};
use crate::app::Model;
use crate::ui::theme::Theme;
use crate::ui::widgets::{ellipsize, pane, spinner, wrap_indented};
use crate::verify::{Check, CheckState};

/// `drawn`: the checklist's rows, and its layout when this frame measured it anew (the view
/// keeps the last one it was sent: `Msg::Layout`).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    v: &VerifyView,
    theme: &Theme,
    drawn: &mut crate::app::Layout,
) {
    let counts = v.counts();
    let total = v.checks.len();
    let head = if v.running() {
        Line::from(vec![
            Span::styled(format!("{} ", spinner(model.spinner)), theme.accent()),
            Span::styled(
                format!(
                    "Verifying {} — {}/{total} checks · {}s{}",
                    v.plan.name,
                    counts.pass + counts.fail + counts.skipped,
                    v.now_ms.saturating_sub(v.started_ms) / 1000,
                    if v.reregister {
                        " · re-registering the endpoint's IPs"
                    } else {
                        ""
                    }
                ),
                theme.title(),
            ),
        ])
    } else {
        let (mark, verdict, style) = if counts.fail == 0 {
            ("✓", "verified", theme.ok())
        } else {
            ("✗", "not verified", theme.err())
        };
        let summary = crate::verify::summary(&counts);
        Line::from(Span::styled(
            format!("{mark} {} {verdict} — {summary}", v.plan.name),
            style,
        ))
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(head), top);

    let (list_area, handout_area) = if body.width >= 110 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(body);
        (l, r)
    } else {
        let h = handout_lines(v, theme, body.width.saturating_sub(2) as usize).len() as u16 + 2;
        let [r, l] = Layout::vertical([
            Constraint::Length(h.min(body.height / 2 + 1)),
            Constraint::Min(3),
        ])
        .areas(body);
        (l, r)
    };
    let handout = handout_lines(v, theme, handout_area.width.saturating_sub(2) as usize);
    frame.render_widget(
        Paragraph::new(handout).block(pane(
            theme.border(),
            Span::styled(" Handout ", theme.title()),
        )),
        handout_area,
    );

    let (rows, measured) = render_checklist(frame, list_area, model, v, theme);
    drawn.checks = Some(rows);
    drawn.checklist = measured;
}

/// The lines of one entry of the checklist.
fn entry_lines<'a>(
    lines: &mut Vec<Line<'a>>,
    entry: Entry,
    v: &VerifyView,
    model: &Model,
    theme: &Theme,
    width: usize,
) {
    match entry {
        Entry::FailedHeading => {
            let failed = v
                .checks
                .iter()
                .filter(|c| c.state == CheckState::Fail)
                .count();
            lines.push(Line::from(Span::styled(
                format!("Failed ({failed})"),
                theme.err(),
            )));
        }
        Entry::GroupHeading(i) => {
            let group = v.checks.get(i).map(|c| c.group.clone()).unwrap_or_default();
            lines.push(Line::from(Span::styled(group, theme.header())));
        }
        Entry::Check { index, with_group } => {
            if let Some(c) = v.checks.get(index) {
                check_lines(lines, c, model, theme, width, with_group);
            }
        }
    }
}

/// The checklist's layout at `width`: measured, unless the view keeps it already (until the
/// checks or the width change).
fn measure_checklist(v: &VerifyView, model: &Model, width: usize) -> ChecklistLayout {
    let entries = v.entries();
    let mut starts = Vec::with_capacity(entries.len() + 1);
    let mut line = 0;
    let mut scratch = Vec::new();
    for e in &entries {
        starts.push(line);
        // Most entries are one line; a failed check is measured by building its lines.
        line += match e {
            Entry::Check { index, .. }
                if v.checks
                    .get(*index)
                    .is_some_and(|c| c.state == CheckState::Fail) =>
            {
                scratch.clear();
                entry_lines(&mut scratch, *e, v, model, &Theme::MONO, width);
                scratch.len()
            }
            _ => 1,
        };
    }
    starts.push(line);
    ChecklistLayout {
        revision: v.revision,
        width,
        entries,
        starts,
    }
}

/// The checks (only the lines on screen are built), scrolled by j/k. Returns the checklist's
/// rows, and its layout when it was measured anew.
fn render_checklist(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    v: &VerifyView,
    theme: &Theme,
) -> (Measured, Option<ChecklistLayout>) {
    let width = area.width.saturating_sub(2) as usize;
    let view = area.height.saturating_sub(2);
    let kept = v
        .layout
        .as_ref()
        .filter(|l| l.width == width && l.revision == v.revision);
    let mut measured = None;
    let layout = match kept {
        Some(kept) => kept,
        None => measured.get_or_insert_with(|| measure_checklist(v, model, width)),
    };
    let rows = Measured {
        content: layout.total(),
        view,
    };
    let offset = v.scroll.fit(rows);
    let (first, skip) = layout.at_line(usize::from(offset));
    let mut lines: Vec<Line> = Vec::new();
    for e in layout.entries.iter().skip(first) {
        if lines.len() >= skip + usize::from(view) {
            break;
        }
        entry_lines(&mut lines, *e, v, model, theme, width);
    }
    let text = Paragraph::new(lines);
    frame.render_widget(
        text.scroll((u16::try_from(skip).unwrap_or(u16::MAX), 0))
            .block(pane(
                theme.focus_border(),
                Span::styled(" Checks — j/k scroll ", theme.title()),
            )),
        area,
    );
    (rows, measured)
}

/// One check: a line with its evidence; a failure with its evidence and fix wrapped below.
fn check_lines<'a>(
    lines: &mut Vec<Line<'a>>,
    c: &Check,
    model: &Model,
    theme: &Theme,
    width: usize,
    with_group: bool,
) {
    let (icon, style) = match c.state {
        CheckState::Pending => ("·".to_string(), theme.dim()),
        CheckState::Running => (spinner(model.spinner).to_string(), theme.accent()),
        CheckState::Pass => ("✓".to_string(), theme.ok()),
        CheckState::Fail => ("✗".to_string(), theme.err()),
        CheckState::Skipped => ("–".to_string(), theme.dim()),
    };
    let title = if with_group && c.group != "Account" && c.group != "Public DNS" {
        format!("{}: {}", c.group, c.title)
    } else {
        c.title.clone()
    };
    if c.state == CheckState::Fail {
        lines.push(Line::from(vec![
            Span::styled(format!(" {icon} "), style),
            Span::styled(ellipsize(&title, width.saturating_sub(3)), theme.err()),
        ]));
        for l in wrap_indented(&c.evidence, width, "     ") {
            lines.push(Line::raw(l));
        }
        if let Some(fix) = &c.fix {
            for (i, l) in wrap_indented(fix, width, "       ").into_iter().enumerate() {
                let l = if i == 0 {
                    format!("     → {}", l.trim_start())
                } else {
                    l
                };
                lines.push(Line::from(Span::styled(l, theme.warn())));
            }
        }
        return;
    }
    let title = ellipsize(&title, width.saturating_sub(4));
    let room = width.saturating_sub(title.chars().count() + 6);
    let evidence = if c.evidence.is_empty() || room < 8 {
        String::new()
    } else {
        format!(" · {}", ellipsize(&c.evidence, room))
    };
    lines.push(Line::from(vec![
        Span::styled(format!(" {icon} "), style),
        Span::raw(title),
        Span::styled(evidence, theme.dim()),
    ]));
}

fn handout_lines<'a>(v: &VerifyView, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut out: Vec<Line> = wrap_indented(
        &format!(
            "https://{} · port {} · {}",
            v.plan.name, v.plan.settings.listener_port, v.plan.region
        ),
        width,
        "",
    )
    .into_iter()
    .map(Line::raw)
    .collect();
    let ips = v.fixed_ips();
    let kind = match v.ip_kind() {
        crate::verify::handout::IpKind::Elastic => "Elastic IPs",
        crate::verify::handout::IpKind::NlbAssigned => "NLB-assigned",
    };
    out.push(Line::from(Span::styled(
        format!("Fixed IPs ({kind}) — allow each:"),
        theme.title(),
    )));
    if ips.is_empty() {
        out.push(Line::from(Span::styled(
            if v.running() {
                "  reading the NLB…"
            } else {
                "  none reported (the NLB has no addresses yet)"
            },
            theme.dim(),
        )));
    }
    for ip in &ips {
        out.push(Line::from(Span::styled(format!("  {ip}/32"), theme.ok())));
    }
    for l in wrap_indented(v.ip_kind().caveat(), width, "") {
        out.push(Line::from(Span::styled(l, theme.dim())));
    }
    let who = format!(
        "Who can reach it: {}",
        crate::plan::names::who_can_reach(&v.plan.allow_cidrs)
    );
    for l in wrap_indented(&who, width, "") {
        out.push(Line::raw(l));
    }
    out
}
