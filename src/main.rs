//! The `fixedip-tui` binary: parse the arguments, set up the log, then hand each subcommand to
//! [`fixedip_tui::commands`] (the runtime, the demo and the connector: [`Session`]).

// Functions stay short enough to read at once (clippy.toml: 120 lines), here as in the library.
#![warn(clippy::too_many_lines)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use fixedip_tui::cli::{Cli, Command};
use fixedip_tui::commands::session::Session;
use fixedip_tui::commands::{self, verify::check_flags};
use fixedip_tui::verify::VerifyOptions;

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse_args();
    let _ = color_eyre::install();
    let (log_path, _log_guard) = commands::logging::init_logging(cli.log_file.clone());
    let s = match Session::start(&cli, log_path, started) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let code = match &cli.command {
        Some(Command::Completions { shell }) => return commands::completions::completions(*shell),
        // Exporting reads no account: neither the runtime nor credentials are needed.
        Some(Command::Export {
            plan,
            format,
            out,
            destroy,
        }) => return commands::export::export(plan, *format, *destroy, out.as_deref()),
        Some(Command::Discover { json }) => {
            s.block_on(commands::discover::discover(s.connector(), *json))
        }
        Some(Command::Plan {
            out,
            from_account: Some(id),
            choices,
        }) => s.plan_from_account(out, id, choices),
        Some(Command::Plan {
            out,
            from_account: None,
            choices,
        }) => s.plan(out, choices),
        Some(Command::Apply {
            plan,
            yes,
            quiet,
            json,
            output,
        }) => s.apply(plan, *yes, *quiet, *json, output),
        Some(Command::Destroy {
            plan_id,
            plan,
            yes,
            json,
            release_eips,
        }) => s.destroy(plan_id, plan, *yes, *json, *release_eips),
        Some(Command::Doctor {
            json,
            nlb,
            plan_id,
            fix,
            yes,
            only,
            watch,
        }) => s.doctor(
            *json,
            nlb.as_deref(),
            plan_id.as_deref(),
            (*fix).then(|| (*yes, only.clone())),
            *watch,
        ),
        Some(Command::Status {
            plan_id,
            json,
            watch,
        }) => s.status(plan_id, *json, *watch),
        Some(Command::Verify {
            plan_id,
            json,
            resolver,
            port,
            check_path,
            ca_file,
            timeout,
            min_cert_days,
            skip_network,
            reregister,
        }) => match check_flags(resolver.as_deref(), ca_file.as_deref()) {
            Ok(resolver) => s.verify(
                plan_id,
                *json,
                VerifyOptions {
                    resolver,
                    port: *port,
                    check_path: check_path.clone(),
                    ca_file: ca_file.clone(),
                    timeout: Duration::from_secs((*timeout).max(1)),
                    min_cert_days: *min_cert_days,
                    network: !*skip_network,
                    reregister: *reregister,
                },
            ),
            Err(code) => return code,
        },
        Some(Command::Allow {
            plan_id,
            add,
            remove,
            allow_anywhere,
            undo,
        }) => s.allow(plan_id, add, remove, *allow_anywhere, *undo),
        None if cli.plain => s.block_on(commands::plan::plain(s.plan_to(&None), cli.no_color)),
        None => s.tui(None, None),
    };
    s.save_demo();
    code
}
