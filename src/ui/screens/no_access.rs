//! No credentials (or no region): say every way to provide them, and offer the demo.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::app::Model;
use crate::cloud::{CloudError, ErrorKind};
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, pane};

pub fn render(frame: &mut Frame, area: Rect, _model: &Model, err: &CloudError, theme: &Theme) {
    let title = match err.kind {
        ErrorKind::NoCredentials => " No AWS credentials found ",
        ErrorKind::BadCredentials => " AWS rejected the credentials ",
        _ => " Cannot reach the AWS account ",
    };
    let bullet = |s: &'static str, t: &'static str| {
        Line::from(vec![
            Span::raw("  • "),
            Span::styled(s, theme.key()),
            Span::raw(t),
        ])
    };
    let lines = vec![
        Line::from(Span::styled(err.message.clone(), theme.err())),
        Line::raw(""),
        Line::raw("Provide credentials in one of these ways, then press r:"),
        bullet(
            "aws sso login --profile NAME",
            ", then run with --profile NAME",
        ),
        bullet(
            "AWS_PROFILE=NAME",
            " (a profile in ~/.aws/config or ~/.aws/credentials)",
        ),
        bullet(
            "AWS_ACCESS_KEY_ID",
            " + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)",
        ),
        bullet("an instance role", " when running on an EC2 bastion host"),
        bullet(
            "--region NAME",
            " or AWS_REGION, if no region is configured",
        ),
        Line::raw(""),
        Line::from(vec![
            Span::raw("Just looking? "),
            Span::styled("fixedip-tui --demo", theme.key()),
            Span::raw(" runs everything on a simulated account."),
        ]),
    ];
    let r = centered(area, 78, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane(theme.err(), Span::styled(title, theme.err()))),
        r,
    );
}
