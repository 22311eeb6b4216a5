//! The first screen: discovery progress, the VPC list (with `/` filter) and the selected VPC's detail.

use std::collections::HashMap;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::app::scroll::Measured;
use crate::app::{Model, Phase, SourceState};
use crate::discovery::Source;
use crate::domain::{Subnet, Vpc};
use crate::ui::theme::Theme;
use crate::ui::widgets::{self, ellipsize, sources, spinner};

/// At this width and above, the discovery panel becomes a left column.
const WIDE: u16 = 110;

struct Areas {
    sources: Rect,
    problems: Option<Rect>,
    list: Rect,
    detail: Rect,
    compact_sources: bool,
}

fn all_clean(model: &Model) -> bool {
    model
        .sources
        .values()
        .all(|s| matches!(s, SourceState::Loaded { warning: None, .. }))
}

fn problem_lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (source, state) in &model.sources {
        let (err, hint) = match state {
            SourceState::Failed(e) => (
                format!(
                    "{}: {} on {}",
                    source.label(),
                    e.code.clone().unwrap_or_else(|| format!("{:?}", e.kind)),
                    e.action
                ),
                e.hint(),
            ),
            SourceState::Loaded {
                warning: Some(w), ..
            } => (
                format!(
                    "{}: partly read, {} on {}",
                    source.label(),
                    w.code.clone().unwrap_or_else(|| format!("{:?}", w.kind)),
                    w.action
                ),
                w.hint.clone(),
            ),
            _ => continue,
        };
        lines.push(Line::from(Span::styled(format!("✗ {err}"), theme.err())));
        lines.push(Line::from(Span::raw(format!("  → {hint}"))));
    }
    if let Some(t) = &model.target {
        for n in &t.notes {
            lines.push(Line::from(Span::styled(format!("i {n}"), theme.dim())));
        }
    }
    lines
}

/// Rows the problem lines take once wrapped in a bordered box of `width` columns.
fn wrapped_rows(lines: &[Line], width: u16) -> usize {
    let inner = width.saturating_sub(2).max(1) as usize;
    lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum()
}

fn layout(area: Rect, model: &Model, problems: usize) -> Areas {
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Length(36), Constraint::Min(20)]).areas(area);
        let [src, prob] = Layout::vertical([
            Constraint::Length(Source::ALL.len() as u16 + 2),
            Constraint::Min(0),
        ])
        .areas(left);
        let [list, detail] = Layout::vertical([
            Constraint::Length(list_height(model, right.height)),
            Constraint::Min(5),
        ])
        .areas(right);
        return Areas {
            sources: src,
            problems: (problems > 0 && prob.height > 2).then_some(prob),
            list,
            detail,
            compact_sources: false,
        };
    }
    let collapsed = all_clean(model) && model.phase == Phase::Ready;
    let src_h = if collapsed { 1 } else { 6 };
    let prob_h = if problems > 0 {
        (problems as u16 + 2).min(8)
    } else {
        0
    };
    let [src, prob, list, detail] = Layout::vertical([
        Constraint::Length(src_h),
        Constraint::Length(prob_h),
        Constraint::Length(list_height(
            model,
            area.height.saturating_sub(src_h + prob_h),
        )),
        Constraint::Fill(1),
    ])
    .areas(area);
    Areas {
        sources: src,
        problems: (prob_h > 0).then_some(prob),
        list,
        detail,
        compact_sources: collapsed,
    }
}

/// The list takes what its rows need (borders, header, filter line), between 6 rows and half the space.
fn list_height(model: &Model, space: u16) -> u16 {
    let want = model.visible.len().max(1) as u16 + 4;
    want.clamp(6, (space / 2).max(6))
}

/// Rows of the VPC list visible in a terminal of this size (for PgUp/PgDn).
pub fn list_rows(area: Rect, model: &Model) -> usize {
    let problems = wrapped_rows(&problem_lines(model, &Theme::MONO), area.width);
    let a = layout(area, model, problems);
    // Borders, header row, filter line.
    a.list.height.saturating_sub(4) as usize
}

/// `drawn`: what the frame measured (the detail pane's rows).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    theme: &Theme,
    drawn: &mut crate::app::Layout,
) {
    let problems = problem_lines(model, theme);
    let a = layout(area, model, wrapped_rows(&problems, area.width));
    render_sources(frame, &a, model, theme);
    if let Some(r) = a.problems {
        frame.render_widget(
            Paragraph::new(problems)
                .wrap(Wrap { trim: false })
                .block(widgets::pane(
                    theme.border(),
                    Span::styled(" Problems ", theme.err()),
                )),
            r,
        );
    }
    render_list(frame, a.list, model, theme);
    drawn.detail = render_detail(frame, a.detail, model, theme);
}

fn render_sources(frame: &mut Frame, a: &Areas, model: &Model, theme: &Theme) {
    if a.compact_sources {
        let counts = model.inventory.counts();
        let shown: Vec<String> = counts[..6]
            .iter()
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        let text = format!("✓ {}", shown.join(" · "));
        frame.render_widget(
            Paragraph::new(Span::styled(
                ellipsize(&text, a.sources.width as usize),
                theme.ok(),
            )),
            a.sources,
        );
        return;
    }
    let block = widgets::pane(theme.border(), Span::styled(" Discovery ", theme.title()));
    let inner = block.inner(a.sources);
    frame.render_widget(block, a.sources);
    if a.sources.width >= WIDE || inner.height as usize >= Source::ALL.len() {
        frame.render_widget(
            Paragraph::new(sources::source_lines(model, theme, 21)),
            inner,
        );
        return;
    }
    // Narrow: two columns.
    let [l, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    let lines = sources::source_lines(model, theme, 21);
    let half = lines.len().div_ceil(2);
    let (left, right) = lines.split_at(half);
    frame.render_widget(Paragraph::new(left.to_vec()), l);
    frame.render_widget(Paragraph::new(right.to_vec()), r);
}

/// The VPCs are listed and their DNS attributes still being read.
fn reading_attributes(model: &Model) -> bool {
    matches!(model.source(Source::Vpcs), SourceState::Loading { .. })
}

/// `reading`: the VPCs' attributes are still being read (unknown ones show `…`, not `?`).
fn dns_cell(v: &Vpc, reading: bool, theme: &Theme) -> Cell<'static> {
    let (text, style) = match (v.dns_support, v.dns_hostnames) {
        (None, _) | (_, None) if reading => ("…", theme.dim()),
        (Some(true), Some(true)) => ("on", theme.ok()),
        (Some(false), Some(false)) => ("off", theme.warn()),
        (Some(false), _) => ("sup off", theme.warn()),
        (_, Some(false)) => ("host off", theme.warn()),
        _ => ("?", theme.dim()),
    };
    Cell::from(Span::styled(text, style))
}

/// Public/private subnet counts per AZ, e.g. `a 1/2  b 1/2  c 0/1` (wide) or totals (narrow).
fn subnet_summary(model: &Model, vpc: &Vpc, wide: bool) -> String {
    if !matches!(model.source(Source::Subnets), SourceState::Loaded { .. }) {
        return "…".to_string();
    }
    let Some(sum) = model.subnet_index.get(&vpc.id) else {
        return "none".to_string();
    };
    let per_az = &sum.per_az;
    let unknown = sum.unknown;
    let unknown = if unknown > 0 {
        format!(" ?{unknown}")
    } else {
        String::new()
    };
    if per_az.is_empty() {
        return "none".to_string();
    }
    if wide {
        let region = model
            .target
            .as_ref()
            .map(|t| t.region.as_str())
            .unwrap_or("");
        per_az
            .iter()
            .map(|(az, (p, q))| format!("{}{p}/{q}", az.strip_prefix(region).unwrap_or(az)))
            .collect::<Vec<_>>()
            .join(" ")
            + &unknown
    } else {
        let (p, q) = per_az
            .values()
            .fold((0, 0), |acc, (p, q)| (acc.0 + p, acc.1 + q));
        format!("{p}/{q} {:>4}{unknown}", per_az.len())
    }
}

fn render_list(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let mut block = widgets::pane(
        theme.focus_border(),
        super::setups::tabs_title(model, theme),
    );
    if model.recommended_vpc.is_some() {
        block = block.title(
            Line::from(vec![
                Span::styled("★", theme.ok()),
                Span::styled(" recommended: ready with the defaults ", theme.dim()),
            ])
            .right_aligned(),
        );
    }
    let table_area = widgets::list_filter(
        frame,
        (area, block),
        &model.filter,
        (model.filter_editing, model.vpc_filter.pending()),
        theme,
    );
    match list_message(model, theme) {
        Some(message) => frame.render_widget(message, table_area),
        None => render_table(frame, table_area, model, theme),
    }
}

/// What the list says instead of VPCs: connecting, loading, unreadable, none, none matching.
fn list_message(model: &Model, theme: &Theme) -> Option<Paragraph<'static>> {
    let total = model.inventory.vpcs.len();
    let message =
        |text: String, style| Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: false });
    match (&model.phase, model.source(Source::Vpcs)) {
        (Phase::Connecting, _) => {
            return Some(message(
                format!(
                    "{} Resolving credentials and region…",
                    spinner(model.spinner)
                ),
                theme.dim(),
            ));
        }
        // Listed, their DNS attributes still being read: the list shows.
        (_, SourceState::Loading { .. }) if total > 0 => {}
        (_, SourceState::NotAsked) | (_, SourceState::Loading { .. }) => {
            return Some(message(
                format!("{} Reading VPCs…", spinner(model.spinner)),
                theme.dim(),
            ));
        }
        (_, SourceState::Failed(e)) => {
            return Some(message(
                format!("VPCs could not be read ({e}).\n→ {}", e.hint()),
                theme.err(),
            ));
        }
        (_, SourceState::Loaded { .. }) => {}
    }
    if total == 0 {
        let region = model
            .target
            .as_ref()
            .map(|t| t.region.as_str())
            .unwrap_or("this region");
        return Some(message(
            format!(
                "No VPCs in {region}. The fixed-IP setup needs a VPC with public and private subnets in \
                 two or more AZs: create one (VPC console ▸ Create VPC ▸ \"VPC and more\"), or pick another \
                 region with --region."
            ),
            theme.warn(),
        ));
    }
    if model.visible.is_empty() {
        return Some(message(
            format!(
                "No VPC matches \"{}\" — Esc clears the filter.",
                model.filter.value()
            ),
            theme.warn(),
        ));
    }
    None
}

/// The VPCs on screen, the selected one highlighted.
fn render_table(frame: &mut Frame, table_area: Rect, model: &Model, theme: &Theme) {
    let wide = table_area.width >= 80;
    // Build only the rows on screen: a 10,000-VPC account must not cost 10,000 rows per frame.
    let window = (table_area.height as usize).saturating_sub(1).max(1);
    // The selected row on screen, and no empty rows below the last VPC while some are above.
    let reading = reading_attributes(model);
    let first = model
        .list_offset
        .min(model.selected)
        .max((model.selected + 1).saturating_sub(window))
        .min(model.visible.len().saturating_sub(window));
    let rows: Vec<Row> = model
        .visible
        .iter()
        .skip(first)
        .take(window)
        .filter_map(|i| model.inventory.vpcs.get(*i))
        .map(|v| {
            let ep = model.inventory.endpoints_in(&v.id).next().is_some();
            let name = v.name.clone().unwrap_or_else(|| "—".to_string());
            let name = if model.recommended_vpc.as_deref() == Some(v.id.as_str()) {
                Cell::from(Line::from(vec![
                    Span::raw(name),
                    Span::styled(" ★", theme.ok()),
                ]))
            } else {
                Cell::from(name)
            };
            let mut cells = vec![
                name,
                Cell::from(v.id.clone()),
                Cell::from(v.cidr.clone()),
                dns_cell(v, reading, theme),
                Cell::from(subnet_summary(model, v, wide)),
            ];
            if wide {
                cells.push(Cell::from(if ep {
                    Span::styled("vpce", theme.accent())
                } else {
                    Span::raw("")
                }));
            }
            Row::new(cells)
        })
        .collect();
    let (widths, header): (Vec<Constraint>, Vec<&str>) = if wide {
        (
            vec![
                Constraint::Min(10),
                Constraint::Length(21),
                Constraint::Length(15),
                Constraint::Length(8),
                Constraint::Length(15),
                Constraint::Length(4),
            ],
            vec!["Name", "VPC id", "CIDR", "DNS", "AZ pub/priv", "EP"],
        )
    } else {
        (
            vec![
                Constraint::Min(8),
                Constraint::Length(21),
                Constraint::Length(14),
                Constraint::Length(8),
                Constraint::Length(11),
            ],
            vec!["Name", "VPC id", "CIDR", "DNS", "Pub/Priv AZ"],
        )
    };
    let header = Row::new(header).style(theme.dim().add_modifier(Modifier::BOLD));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(model.selected - first));
    frame.render_stateful_widget(table, table_area, &mut state);
}

/// Returns the pane's rows, when a VPC's are shown.
fn render_detail(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Option<Measured> {
    let block = widgets::pane(theme.border(), Span::styled(" Detail ", theme.title()))
        .title_bottom(Line::from(Span::styled(" J/K scroll ", theme.dim())).right_aligned());
    let Some(vpc) = model.selected_vpc() else {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "Select a VPC to see its subnets, endpoint and zones.",
                theme.dim(),
            ))
            .block(block),
            area,
        );
        return None;
    };
    let width = area.width.saturating_sub(2);
    let view = area.height.saturating_sub(2) as usize;
    let mut head = vpc_lines(model, vpc, theme);
    head.extend(endpoint_lines(model, vpc, theme));
    head.extend(zone_line(model, vpc, theme));
    let subnets = match subnets_of(model, vpc, theme) {
        Ok(subnets) => subnets,
        Err(line) => {
            head.push(line);
            vec![]
        }
    };
    // A VPC may hold thousands of subnets: each one's rows are counted without building its
    // lines, and only the lines on screen are built.
    let wrap = |lines: Vec<Line<'static>>| Paragraph::new(lines).wrap(Wrap { trim: false });
    let head_rows = wrap(head.clone()).line_count(width);
    let mut reasons = ReasonRows::default();
    let rows: Vec<usize> = subnets
        .iter()
        .map(|s| subnet_rows(s, area.width, theme, &mut reasons))
        .collect();
    let measured = Measured {
        content: head_rows + rows.iter().sum::<usize>(),
        view: view as u16,
    };
    let offset = model.detail_scroll.fit(measured) as usize;
    // From the first line on screen: `skip` rows of it are above the pane.
    let (mut lines, mut skip, mut have) = if offset < head_rows {
        (head, offset, head_rows)
    } else {
        (vec![], offset - head_rows, 0)
    };
    for (s, n) in subnets.iter().zip(rows) {
        if have >= skip + view {
            break;
        }
        if lines.is_empty() && skip >= n {
            skip -= n;
            continue;
        }
        lines.extend(subnet_lines(s, area.width, theme));
        have += n;
    }
    let skip = u16::try_from(skip).unwrap_or(u16::MAX);
    frame.render_widget(wrap(lines).scroll((skip, 0)).block(block), area);
    Some(measured)
}

/// The detail's first lines: the VPC, whether it is the recommended one, its DNS attributes.
fn vpc_lines(model: &Model, vpc: &Vpc, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::from(vec![
        Span::styled(
            vpc.name
                .clone()
                .unwrap_or_else(|| "(no Name tag)".to_string()),
            theme.title(),
        ),
        Span::raw(format!("  {}  {}", vpc.id, vpc.cidr)),
        Span::styled(
            if vpc.is_default { "  default VPC" } else { "" },
            theme.dim(),
        ),
    ]));
    if model.recommended_vpc.as_deref() == Some(vpc.id.as_str()) {
        lines.push(Line::from(Span::styled(
            "★ recommended: the pre-selected subnets leave nothing to fix here",
            theme.ok(),
        )));
    }
    let dns = match (vpc.dns_support, vpc.dns_hostnames) {
        (Some(true), Some(true)) => Line::from(Span::styled(
            "DNS support on · DNS hostnames on (private DNS on the endpoint will work)",
            theme.ok(),
        )),
        (None, _) | (_, None) if reading_attributes(model) => {
            Line::from(Span::styled("DNS attributes: reading…", theme.dim()))
        }
        (None, _) | (_, None) => Line::from(Span::styled("DNS attributes unknown (not readable)", theme.dim())),
        (Some(s), Some(h)) => Line::from(Span::styled(
            format!(
                "DNS support {} · DNS hostnames {} — private DNS on the endpoint needs both on; the wizard can turn them on",
                if s { "on" } else { "OFF" },
                if h { "on" } else { "OFF" }
            ),
            theme.warn(),
        )),
    };
    lines.push(dns);
    lines
}

/// The VPC's execute-api endpoints (the one to reuse).
fn endpoint_lines(model: &Model, vpc: &Vpc, theme: &Theme) -> Vec<Line<'static>> {
    let inv = &model.inventory;
    let mut lines = vec![];
    let eps: Vec<_> = inv.endpoints_in(&vpc.id).collect();
    match model.source(Source::VpcEndpoints) {
        SourceState::Loaded { .. } if eps.is_empty() => lines.push(Line::from(Span::styled(
            "execute-api endpoint: none yet (the wizard creates one)",
            theme.dim(),
        ))),
        SourceState::Loaded { .. } => {
            for e in eps {
                let reuse = if e.private_dns {
                    " — reuse it: a second one with private DNS is rejected in this VPC"
                } else {
                    " — private DNS off"
                };
                lines.push(Line::from(vec![
                    Span::raw("execute-api endpoint: "),
                    Span::styled(e.id.clone(), theme.accent()),
                    Span::raw(format!(
                        " ({}, {} subnets)",
                        e.state.to_ascii_lowercase(),
                        e.subnet_ids.len()
                    )),
                    Span::styled(reuse, theme.warn()),
                ]));
            }
        }
        SourceState::Failed(_) => lines.push(Line::from(Span::styled(
            "execute-api endpoints: unreadable",
            theme.err(),
        ))),
        _ => lines.push(Line::from(Span::styled(
            "execute-api endpoints: loading…",
            theme.dim(),
        ))),
    }
    lines
}

/// The private zones associated with the VPC, once the zones are read.
fn zone_line(model: &Model, vpc: &Vpc, theme: &Theme) -> Option<Line<'static>> {
    if !matches!(
        model.source(Source::HostedZones),
        SourceState::Loaded { .. }
    ) {
        return None;
    }
    let inv = &model.inventory;
    let zones: Vec<String> = inv
        .private_zones_of(&vpc.id)
        .map(|z| z.name.clone())
        .collect();
    let zone_warning = matches!(
        model.source(Source::HostedZones),
        SourceState::Loaded {
            warning: Some(_),
            ..
        }
    );
    Some(Line::from(vec![
        Span::raw("private zones: "),
        Span::styled(
            match (zones.is_empty(), zone_warning) {
                (true, false) => "none associated".to_string(),
                (true, true) => "unknown (some zones could not be read)".to_string(),
                (false, false) => zones.join(", "),
                (false, true) => format!("{} (some zones could not be read)", zones.join(", ")),
            },
            theme.dim(),
        ),
    ]))
}

/// The VPC's subnets in the order shown (public first, then by AZ and CIDR: sorted when they
/// loaded), or the line said instead (none, unreadable, loading).
fn subnets_of<'a>(
    model: &'a Model,
    vpc: &Vpc,
    theme: &Theme,
) -> Result<Vec<&'a Subnet>, Line<'static>> {
    match model.source(Source::Subnets) {
        SourceState::Loaded { .. } => {
            let subnets = model.subnet_order.of_vpc(&model.inventory, &vpc.id);
            if subnets.is_empty() {
                Err(Line::from(Span::styled("no subnets", theme.warn())))
            } else {
                Ok(subnets)
            }
        }
        SourceState::Failed(_) => Err(Line::from(Span::styled("subnets: unreadable", theme.err()))),
        _ => Err(Line::from(Span::styled(
            format!("{} subnets: loading…", spinner(model.spinner)),
            theme.dim(),
        ))),
    }
}

/// Why a subnet is public or private, as its second line says it.
fn subnet_reason(s: &Subnet) -> &str {
    let reason = s.reach.as_ref().map(|r| r.reason.as_str()).unwrap_or(
        "unknown: its route table is not visible (a shared VPC's subnet, or \
         ec2:DescribeRouteTables denied)",
    );
    reason.split_once(": ").map(|(_, r)| r).unwrap_or(reason)
}

/// Columns of a subnet's first line before its name: the mark, AZ, id, CIDR, free IPs.
const SUBNET_COLUMNS: [usize; 5] = [5, 11, 25, 16, 11];

/// Room for the name on a subnet's first line, in a pane `pane` columns wide (borders included).
fn name_room(pane: u16) -> usize {
    (pane as usize).saturating_sub(2 + SUBNET_COLUMNS.iter().sum::<usize>())
}

/// A subnet's two lines: `subnet_line` and `reason_line`.
fn subnet_lines(s: &Subnet, pane: u16, theme: &Theme) -> [Line<'static>; 2] {
    [subnet_line(s, pane, theme), reason_line(s, theme)]
}

/// Public or private, where the subnet is, its free IPs and name.
fn subnet_line(s: &Subnet, pane: u16, theme: &Theme) -> Line<'static> {
    let public = s.reach.as_ref().is_some_and(|r| r.public);
    let free_style = if s.free_ips < 8 {
        theme.warn()
    } else {
        theme.dim()
    };
    Line::from(vec![
        match (&s.reach, public) {
            (None, _) => Span::styled("?    ", theme.warn()),
            (_, true) => Span::styled("pub  ", theme.accent()),
            (_, false) => Span::styled("priv ", theme.ok()),
        },
        Span::raw(format!("{:<11}{:<25}{:<16}", s.az, s.id, s.cidr)),
        Span::styled(format!("{:>5} free ", s.free_ips), free_style),
        Span::raw(ellipsize(
            s.name.as_deref().unwrap_or_default(),
            name_room(pane),
        )),
    ])
}

/// Why the subnet is public or private.
fn reason_line(s: &Subnet, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!("     ↳ {}", subnet_reason(s)),
        theme.dim(),
    ))
}

/// The rows of each reason already wrapped in this frame's pane (subnets of one route table
/// share theirs).
type ReasonRows<'a> = HashMap<&'a str, usize>;

/// Printable ASCII: a column a byte (the common case, measured without decoding).
fn printable_ascii(t: &str) -> bool {
    t.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// The columns `t` takes: `{:<n}` pads it to `n` characters.
fn padded_width(t: &str, n: usize) -> usize {
    if printable_ascii(t) {
        t.len().max(n)
    } else {
        Span::raw(t).width() + n.saturating_sub(t.chars().count())
    }
}

/// The rows a subnet's two lines take in the pane once wrapped. The first line's width is
/// reckoned from its parts, without building it (only a line wider than the pane is built and
/// wrapped); the second says why the subnet is public or private: built and wrapped only when
/// it is wider than the pane, once per reason (`reasons`).
fn subnet_rows<'a>(s: &'a Subnet, pane: u16, theme: &Theme, reasons: &mut ReasonRows<'a>) -> usize {
    let inner = pane.saturating_sub(2);
    let wrapped = |l: Line| {
        Paragraph::new(l)
            .wrap(Wrap { trim: false })
            .line_count(inner)
    };
    let name = s.name.as_deref().unwrap_or_default();
    let room = name_room(pane);
    let name_width = if printable_ascii(name) {
        // `ellipsize` keeps `room` characters, the last one `…`.
        name.len().min(room)
    } else if name.chars().count() <= room {
        Span::raw(name).width()
    } else {
        Span::raw(ellipsize(name, room).as_str()).width()
    };
    let free_digits = s.free_ips.checked_ilog10().map_or(1, |d| d as usize + 1);
    let [mark, az, id, cidr, free] = SUBNET_COLUMNS;
    let first = mark
        + padded_width(&s.az, az)
        + padded_width(&s.id, id)
        + padded_width(&s.cidr, cidr)
        + free_digits.max(free - 6)
        + 6
        + name_width;
    let first = if first <= inner as usize {
        1
    } else {
        wrapped(subnet_line(s, pane, theme))
    };
    let reason = subnet_reason(s);
    // "     ↳ " takes 7 columns.
    let second = if padded_width(reason, 0) + 7 <= inner as usize {
        1
    } else {
        *reasons
            .entry(reason)
            .or_insert_with(|| wrapped(reason_line(s, theme)))
    };
    first + second
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SubnetReach;

    fn subnet(
        az: &str,
        id: &str,
        cidr: &str,
        free: u32,
        name: Option<&str>,
        reason: Option<&str>,
    ) -> Subnet {
        Subnet {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            az: az.into(),
            az_id: None,
            cidr: cidr.into(),
            free_ips: free,
            name: name.map(String::from),
            map_public_ip_on_launch: false,
            ipv6_native: false,
            tags: vec![],
            reach: reason.map(|r| SubnetReach {
                public: r.contains("igw"),
                route_table_id: None,
                via_main_table: false,
                reason: r.into(),
            }),
        }
    }

    /// The rows a subnet takes, reckoned without building its lines, are those its built lines
    /// take once wrapped: at every pane width, for long, wide (CJK, emoji) and missing parts.
    #[test]
    fn a_subnets_rows_are_those_of_its_wrapped_lines() {
        let long = "x".repeat(70);
        let subnets = [
            subnet(
                "us-east-1a",
                "subnet-0123456789abcdef0",
                "10.0.0.0/24",
                251,
                Some("app"),
                Some("public: 0.0.0.0/0 → igw-0abc via rtb-01 (explicit association)"),
            ),
            subnet("us-east-1b", "subnet-1", "10.0.1.0/26", 0, None, None),
            subnet(
                "ap-northeast-1a",
                "subnet-0123456789abcdef0123",
                "2600:1f18:abcd:ef01:2345:6789::/64",
                1_000_000,
                Some("日本語のサブネット名前"),
                Some("private: no route to an internet gateway in rtb-02 (the VPC's main table)"),
            ),
            subnet(
                "us-east-1c",
                "subnet-2",
                "10.0.2.0/24",
                7,
                Some(&long),
                Some(&format!("private: {long} {long}")),
            ),
            subnet(
                "us-east-1d",
                "subnet-3",
                "10.0.3.0/24",
                99_999,
                Some("🚀 rocket 👩‍💻"),
                Some("public: emoji 🚀"),
            ),
        ];
        for pane in (3..=140u16).chain([200, 400]) {
            // One frame's memo of wrapped reasons: each subnet twice (the memo's answers too).
            let mut reasons = ReasonRows::default();
            for s in subnets.iter().chain(&subnets) {
                let want: usize = subnet_lines(s, pane, &Theme::COLOR)
                    .into_iter()
                    .map(|l| {
                        Paragraph::new(l)
                            .wrap(Wrap { trim: false })
                            .line_count(pane - 2)
                    })
                    .sum();
                assert_eq!(
                    subnet_rows(s, pane, &Theme::COLOR, &mut reasons),
                    want,
                    "{} at {pane}",
                    s.id
                );
            }
        }
    }
}
