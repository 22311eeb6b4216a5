//! Probe (not a test): bytes the terminal receives per interaction, through the same draw path as
//! the app (ratatui diffing + synchronized output), on the demo account.
//!
//!     cargo run --example render_probe
//!
//! Prints a table; compare rows of the same run.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fixedip_tui::app::{self, Model, Msg};
use fixedip_tui::cloud::sim::{SimCloud, SimOptions};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery;
use fixedip_tui::runner::draw;
use fixedip_tui::ui::theme::Theme;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Counter {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let sim = Arc::new(SimCloud::demo(SimOptions::instant()).map_err(std::io::Error::other)?);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    discovery::run(sim.clone(), tx).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }

    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let counter = Counter::default();
        let mut terminal = Terminal::with_options(
            CrosstermBackend::new(counter.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
            },
        )?;
        let theme = Theme::COLOR;
        let mut model = Model::new(None);
        let mut rows: Vec<(&str, usize)> = Vec::new();
        let mut step = |model: &mut Model,
                        msg: Option<Msg>,
                        label: &'static str,
                        terminal: &mut Terminal<_>|
         -> std::io::Result<()> {
            if let Some(msg) = msg {
                app::update(model, msg);
            }
            // The runner draws only when a message changed something.
            if model.dirty {
                draw(terminal, model, &theme)?;
            }
            rows.push((label, counter.take()));
            Ok(())
        };
        step(&mut model, None, "first frame (connecting)", &mut terminal)?;
        step(
            &mut model,
            Some(Msg::Tick),
            "spinner tick while connecting",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(Msg::Connected(sim.target())),
            "connected, discovery starts",
            &mut terminal,
        )?;
        for ev in events.iter().cloned() {
            app::update(
                &mut model,
                Msg::Discovery {
                    generation: 1,
                    event: ev,
                },
            );
        }
        step(
            &mut model,
            None,
            "discovery results (one frame)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(Msg::Tick),
            "tick while idle (no redraw)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Char('j'))),
            "move selection (j)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Char('k'))),
            "move selection (k)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Char('/'))),
            "open filter (/)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Char('p'))),
            "type a filter character",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Esc)),
            "clear filter (Esc)",
            &mut terminal,
        )?;
        step(
            &mut model,
            Some(key(KeyCode::Char('x'))),
            "unbound key (no redraw)",
            &mut terminal,
        )?;
        println!("\n{w}x{h}");
        println!("{:<34} {:>8}", "interaction", "bytes");
        for (label, bytes) in rows {
            println!("{label:<34} {bytes:>8}");
        }
    }
    Ok(())
}
