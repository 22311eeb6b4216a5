//! Steps 2–8 of the wizard: a step rail (or bar on narrow terminals), the step's explanation,
//! its inputs and list, and the step's findings.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::rows::StepRows;
use crate::app::wizard::{Field, Wizard};
use crate::app::Model;
use crate::discovery::Inventory;
use crate::plan::{Severity, Step};
use crate::ui::theme::Theme;
use crate::ui::widgets::{self, ellipsize};

/// At this width and above, the steps are a left rail.
const RAIL: u16 = 100;

/// Draw the wizard; `drawn`: the height of the step's list, when one is drawn (for paging it),
/// or the review's rows.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    w: &Wizard,
    theme: &Theme,
    drawn: &mut crate::app::Layout,
) {
    let inv = &model.inventory;
    let (rail, main) = if area.width >= RAIL {
        let [r, m] = Layout::horizontal([Constraint::Length(24), Constraint::Min(40)]).areas(area);
        (Some(r), m)
    } else {
        (None, area)
    };
    let main = if let Some(r) = rail {
        render_rail(frame, r, w, inv, theme);
        main
    } else {
        let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(main);
        render_bar(frame, bar, w, inv, theme);
        rest
    };
    let findings = Paragraph::new(findings_lines(w, theme)).wrap(Wrap { trim: false });
    // Wrapped when there is room: up to a third of the screen, at least four rows.
    let fh = u16::try_from(findings.line_count(main.width))
        .unwrap_or(u16::MAX)
        .min((main.height / 3).max(4));
    let [body, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(fh)]).areas(main);
    frame.render_widget(findings, bottom);
    if w.step == Step::Review {
        drawn.review = Some(super::review::render(frame, body, model, w, theme));
    } else {
        drawn.wizard_rows = Some(render_step(frame, body, model, w, theme));
    }
    if w.dns_question {
        render_dns_question(frame, area, model, w, theme);
    }
}

fn step_mark(w: &Wizard, inv: &Inventory, s: Step) -> (&'static str, bool) {
    let current = s == w.step;
    let done = s.index() < w.step.index() || s == Step::Vpc;
    let blocked = !w.step_blocked(inv, s).is_empty();
    let mark = if current {
        "▶"
    } else if done && blocked {
        "!"
    } else if done {
        "✓"
    } else {
        " "
    };
    (mark, current)
}

fn render_rail(frame: &mut Frame, area: Rect, w: &Wizard, inv: &Inventory, theme: &Theme) {
    let lines: Vec<Line> = Step::ALL
        .iter()
        .map(|s| {
            let (mark, current) = step_mark(w, inv, *s);
            let style = if current {
                theme.title()
            } else if mark == "!" {
                theme.warn()
            } else if mark == "✓" {
                theme.ok()
            } else {
                theme.dim()
            };
            Line::from(vec![
                Span::styled(format!("{mark} {} ", s.index() + 1), style),
                Span::styled(s.title(), style),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(widgets::pane(
            theme.border(),
            Span::styled(" Steps ", theme.title()),
        )),
        area,
    );
}

fn render_bar(frame: &mut Frame, area: Rect, w: &Wizard, inv: &Inventory, theme: &Theme) {
    let mut spans = vec![Span::styled(
        format!("Step {}/8 {} ", w.step.index() + 1, w.step.title()),
        theme.title(),
    )];
    for s in Step::ALL {
        let (mark, current) = step_mark(w, inv, s);
        let style = if current {
            theme.title()
        } else if mark == "!" {
            theme.warn()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(
            format!(" {}{}", mark.trim(), s.index() + 1),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The current step's findings: errors first, then warnings (✓ when acknowledged), then notes.
fn findings_lines(w: &Wizard, theme: &Theme) -> Vec<Line<'static>> {
    let mut fs: Vec<_> = w.step_findings(w.step).collect();
    if w.step == Step::Review {
        return vec![];
    }
    fs.sort_by_key(|f| f.severity);
    fs.iter()
        .map(|f| {
            let acked = w.draft.acknowledged.iter().any(|a| a == f.code);
            let (icon, style) = match f.severity {
                Severity::Error => ("✗", theme.err()),
                Severity::Warning if acked => ("✓", theme.dim()),
                Severity::Warning => ("!", theme.warn()),
                Severity::Info => ("i", theme.dim()),
            };
            let suffix = match f.severity {
                Severity::Warning if !acked => "  (a: acknowledge)",
                _ => "",
            };
            Line::from(Span::styled(
                format!("{icon} {} → {}{suffix}", f.message, f.fix),
                style,
            ))
        })
        .collect()
}

fn explanation(w: &Wizard, inv: &Inventory) -> Vec<String> {
    let d = &w.draft;
    match w.step {
        Step::EndpointSubnets => vec![
            "The execute-api interface endpoint: pick private subnets in two or more AZs (space toggles).".into(),
            format!(
                "{} {}",
                if d.allow_public_endpoint_subnets { "Public subnets allowed (o to undo)." } else { "Public subnets need the override (o)." },
                if d.endpoint_ips.is_empty() { "p pins the endpoint's IPs (targets never drift)." } else { "IPs pinned (p: let AWS choose)." }
            ),
        ],
        Step::NlbSubnets => vec![
            format!(
                "The internet-facing NLB: one public subnet in each endpoint AZ ({}). It gets one fixed IP per AZ.",
                w.endpoint_azs.join(", ")
            ),
            crate::app::wizard::eip_choice_line(d),
        ],
        Step::NameCertificate => vec![
            "The public name partners call, and an ISSUED ACM certificate of this region that covers it: the most specific one is selected as you type.".into(),
        ],
        Step::Api => vec![
            format!(
                "The REST API behind the endpoint. Enter accepts the row under the cursor with stage {} and base path {} (e edits them).",
                if d.stage.is_empty() { "(none)" } else { d.stage.as_str() },
                if d.base_path.is_empty() { "(root)" } else { d.base_path.as_str() },
            ),
        ],
        Step::Callers => vec![
            "Partner egress ranges allowed to reach the NLB (IPv4 CIDRs, several with commas): Enter adds them and goes on, Tab adds and stays, empty Enter goes on.".into(),
            "Empty means the whole internet: the API's sourceVpc policy admits everything that came through the NLB.".into(),
            "Inside the VPC the private zone sends callers straight to the endpoint: the whole VPC by default.".into(),
        ],
        Step::Zones => vec![
            "Public zone: serves the name to the internet (alias → NLB). Private zone: serves it inside the VPC (alias → endpoint).".into(),
            if w.records_loading { "Checking existing records of the name…".into() } else { existing_records(w, inv) },
        ],
        Step::Vpc | Step::Review => vec![],
    }
}

fn existing_records(w: &Wizard, inv: &Inventory) -> String {
    let zones: Vec<&String> = w
        .draft
        .public_zone_id
        .iter()
        .chain(w.draft.private_zone_id.iter())
        .collect();
    let found: Vec<String> = inv
        .records
        .iter()
        .filter(|r| {
            r.name == w.draft.name
                && zones.contains(&&r.zone_id)
                && ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str())
        })
        .map(|r| format!("{} in {}", r.record_type, r.zone_id))
        .collect();
    if found.is_empty() {
        "No A/AAAA/CNAME record of the name exists in these zones.".into()
    } else if w.draft.replace_records {
        format!(
            "Existing {} will be REPLACED (R to keep them).",
            found.join(", ")
        )
    } else {
        format!(
            "Existing {}: press R to replace explicitly.",
            found.join(", ")
        )
    }
}

/// The step's explanation, fields, filter and list; returns the list's height.
fn render_step(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard, theme: &Theme) -> usize {
    let inv = &model.inventory;
    let block = widgets::pane(
        theme.focus_border(),
        Span::styled(
            format!(" {} · {} ", w.step.index() + 1, w.step.title()),
            theme.title(),
        ),
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let text = explanation(w, inv);
    let fields = fields(w);
    let show_filter = w.filter_editing || !w.filter.value().is_empty();
    let wrap_w = inner.width.max(1) as usize;
    let text_rows: usize = text
        .iter()
        .map(|t| t.chars().count().div_ceil(wrap_w).max(1))
        .sum();
    let [expl, fields_area, filter_area, list_area] = Layout::vertical([
        Constraint::Length(text_rows as u16),
        Constraint::Length(fields.len() as u16),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(
            text.into_iter()
                .map(|t| Line::from(Span::styled(t, theme.dim())))
                .collect::<Vec<_>>(),
        )
        .wrap(Wrap { trim: false }),
        expl,
    );
    for (i, (label, input, focus)) in fields.iter().enumerate() {
        let r = Rect::new(
            fields_area.x,
            fields_area.y + i as u16,
            fields_area.width,
            1,
        );
        let label_w = 12u16;
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!("{label:<11} "),
                    if *focus { theme.key() } else { theme.dim() },
                ),
                Span::styled(
                    input.value().to_string(),
                    if *focus {
                        theme.selected()
                    } else {
                        Default::default()
                    },
                ),
            ])),
            r,
        );
        if *focus && !w.filter_editing {
            let x = r.x + label_w + input.visual_cursor() as u16;
            frame.set_cursor_position(Position::new(x.min(r.right().saturating_sub(1)), r.y));
        }
    }
    if show_filter {
        widgets::filter_line(
            frame,
            filter_area,
            &w.filter,
            (w.filter_editing, w.rows.pending()),
            "",
            theme,
        );
    }
    let rows = &w.rows;
    if rows.is_empty() {
        let empty = match w.step {
            Step::Callers => {
                "No caller CIDR yet: type one above and press Enter (e.g. 203.0.113.0/24)."
            }
            Step::EndpointSubnets => "This VPC has no subnets.",
            _ if !w.filter.value().is_empty() => "Nothing matches the filter — Esc clears it.",
            _ => "Nothing to choose here.",
        };
        frame.render_widget(
            Paragraph::new(Span::styled(empty, theme.warn())).wrap(Wrap { trim: false }),
            list_area,
        );
    } else {
        render_rows(frame, list_area, rows, w, theme);
    }
    list_area.height as usize
}

type FieldView<'a> = (&'static str, &'a tui_input::Input, bool);

fn fields(w: &Wizard) -> Vec<FieldView<'_>> {
    match w.step {
        Step::NameCertificate => vec![("Name", &w.name_input, w.field == Field::Name)],
        Step::Api => vec![
            ("Stage", &w.stage_input, w.field == Field::Stage),
            ("Base path", &w.base_input, w.field == Field::BasePath),
        ],
        Step::Callers => vec![
            ("Add CIDR", &w.cidr_input, w.field == Field::Cidr),
            (
                "In-VPC caller",
                &w.vpc_caller_input,
                w.field == Field::VpcCaller,
            ),
        ],
        _ => vec![],
    }
}

fn render_rows(frame: &mut Frame, area: Rect, rows: &StepRows, w: &Wizard, theme: &Theme) {
    let multi = matches!(w.step, Step::EndpointSubnets | Step::NlbSubnets);
    // Column widths come from the content (capped), per kind of row (subnets, Elastic IPs, load
    // balancers… each line up among themselves), measured when the rows or the filter changed;
    // headings span the whole width.
    let width = area.width.saturating_sub(2) as usize;
    // Only the rows on screen become list items.
    let window = (area.height as usize).max(1);
    // Never leave the window half empty when more rows fit above (a page size taken from
    // another screen's layout would otherwise show a few rows at the top of a tall list).
    let first = w
        .offset
        .min(w.cursor)
        .max((w.cursor + 1).saturating_sub(window))
        .min(rows.len().saturating_sub(window));
    let items: Vec<ListItem> = rows
        .window(first, window)
        .map(|(r, widths)| {
            if r.heading {
                return ListItem::new(Line::from(Span::styled(
                    ellipsize(&r.cells.join(" "), width),
                    theme.title(),
                )));
            }
            let mark = match (multi, r.checked) {
                (true, true) => "[x] ",
                (true, false) => "[ ] ",
                (false, true) => "(•) ",
                (false, false) => "( ) ",
            };
            let style = if r.selectable {
                Default::default()
            } else {
                theme.dim()
            };
            // Fixed columns, then the note (why greyed / what it implies), then the free text.
            let last = r.cells.len().saturating_sub(1);
            let mut text = String::new();
            for (i, c) in r.cells.iter().enumerate().take(last) {
                let w = widths.get(i).copied().unwrap_or(0);
                text.push_str(&format!("{:<w$} ", ellipsize(c, w)));
            }
            let mut spans = vec![
                Span::styled(mark, if r.checked { theme.ok() } else { style }),
                Span::styled(text, style),
            ];
            if let Some(n) = &r.note {
                spans.push(Span::styled(
                    format!("{n}  "),
                    if r.selectable {
                        theme.warn()
                    } else {
                        theme.dim()
                    },
                ));
            }
            spans.push(Span::styled(
                r.cells.get(last).cloned().unwrap_or_default(),
                style,
            ));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items)
        .highlight_style(if w.field == Field::List {
            theme.selected()
        } else {
            Default::default()
        })
        .highlight_symbol(if w.field == Field::List { "▶ " } else { "  " });
    let mut state = ListState::default().with_selected(Some(
        w.cursor
            .min(rows.len().saturating_sub(1))
            .saturating_sub(first),
    ));
    frame.render_stateful_widget(list, area, &mut state);
}

fn render_dns_question(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard, theme: &Theme) {
    let vpc = w.draft.vpc_id.clone().unwrap_or_default();
    let v = model.inventory.vpcs.iter().find(|v| v.id == vpc);
    let off = v.map(crate::domain::Vpc::dns_off).unwrap_or_default();
    let lines = vec![
        Line::from(Span::styled(
            format!("{} is off in {vpc}.", off.join(" and ")),
            theme.warn(),
        )),
        Line::raw(""),
        Line::raw("The endpoint's private DNS needs enableDnsSupport and enableDnsHostnames on."),
        Line::raw(""),
        widgets::key_line(
            "y",
            "turn them on during apply (destroy turns them back off)",
            theme,
        ),
        widgets::key_line("n", "go back and pick another VPC", theme),
    ];
    let title = Span::styled(
        " VPC DNS attributes ",
        theme.warn().add_modifier(Modifier::BOLD),
    );
    widgets::dialog(frame, area, 78, lines, widgets::pane(theme.warn(), title));
}
