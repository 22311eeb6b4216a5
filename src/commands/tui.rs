//! The full-screen wizard: the terminal checks, the terminal set up and restored, and the way
//! back when it was left while an apply or destroy was running.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::app;
use crate::app::apply::{ApplyView, Mode};
use crate::cli::Cli;
use crate::runner::{Connector, Runner};
use crate::ui::theme::Theme;

use super::demo::demo_scale;
use super::options::{command_prefix, engine_options, shell_word};

/// Run the wizard (for `plan` with `plan_out` it quits once the plan is saved there; `prefill`
/// starts it from `plan`'s flags). Exit 2 without an interactive terminal, 3 when left while an
/// apply or destroy was running.
pub fn run_tui(
    runtime: &tokio::runtime::Runtime,
    connector: Connector,
    cli: &Cli,
    log_path: Option<PathBuf>,
    started: Instant,
    plan_out: Option<PathBuf>,
    prefill: Option<Box<crate::cli::PlanFlags>>,
) -> ExitCode {
    if let Err(code) = check_terminal() {
        return code;
    }
    let theme = Theme::detect(cli.no_color);
    // NO_COLOR is implemented by the theme; stop crossterm from emitting resets that cancel REVERSED.
    crossterm::style::force_color_output(true);
    let mut terminal = ratatui::init(); // also installs a panic hook that restores the terminal
                                        // A panic inside a background task is caught by its JoinHandle and shown as that task's error:
                                        // it must not tear the terminal down under a UI that keeps running. Only the UI thread restores.
    let restore_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            restore_hook(info);
        } else {
            tracing::error!("panic in a background task: {info}");
        }
    }));
    let mut model = app::Model::new(log_path.map(|p| p.display().to_string()));
    model.quit_after_save = plan_out.is_some();
    model.prefill = prefill;
    model.time_scale = if cli.demo { demo_scale(cli) } else { 1.0 };
    model.command_prefix = command_prefix(cli);
    model.plan_out = plan_out;
    let result = runtime.block_on(Runner::new(connector, engine_options(cli)).run(
        &mut terminal,
        &mut model,
        &theme,
        started,
    ));
    ratatui::restore();
    // Left (q, abort, SIGTERM, SIGHUP) while an apply or destroy was running: nothing is lost —
    // every step was journaled before and after its AWS call — and the way back is a rerun.
    if let Some(a) = model.apply.as_ref().filter(|a| a.running()) {
        return left_running(a, cli);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fixedip-tui: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The wizard needs stdin and stdout on a terminal that is not `TERM=dumb` (else exit 2, with what
/// to use instead).
fn check_terminal() -> Result<(), ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "fixedip-tui: the wizard needs an interactive terminal. For scripts use `fixedip-tui discover --json`."
        );
        return Err(ExitCode::from(2));
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        eprintln!(
            "fixedip-tui: TERM=dumb cannot show the full-screen wizard. Set TERM (e.g. xterm-256color), \
             or use `fixedip-tui discover` for a text listing."
        );
        return Err(ExitCode::from(2));
    }
    Ok(())
}

/// Left while `a` was running: logged, and the command that resumes it said (exit 3).
fn left_running(a: &ApplyView, cli: &Cli) -> ExitCode {
    let what = match a.mode {
        Mode::Apply => "apply",
        Mode::Destroy => "destroy",
    };
    tracing::warn!(plan = %a.plan.id, "left during {what}: the journal is kept");
    let prefix = command_prefix(cli);
    let again = match a.mode {
        Mode::Apply => format!(
            "{prefix} apply --plan {} --yes",
            shell_word(
                &crate::plan::names::kept_plan_path(&engine_options(cli).state_dir, &a.plan.id)
                    .display()
                    .to_string()
            )
        ),
        Mode::Destroy => format!(
            "{prefix} destroy --plan-id {} --yes{}",
            a.plan.id,
            if a.release_eips {
                " --release-eips"
            } else {
                ""
            }
        ),
    };
    eprintln!(
        "fixedip-tui: left during the {what} of plan {}: the journal keeps every step; run \
         `{again}` to resume.",
        a.plan.id
    );
    ExitCode::from(3)
}
