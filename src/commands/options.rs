//! What every command derives from the global flags: the engine's options (state directory,
//! waits), the prefix of the commands it prints, and arguments quoted as a shell reads them.

use std::path::PathBuf;

use crate::cli::Cli;
use crate::engine::EngineOptions;

use super::demo::demo_scale;

/// Where journals live and how long the engine waits (scaled like the simulated account in --demo).
pub fn engine_options(cli: &Cli) -> EngineOptions {
    let base = cli
        .state_dir
        .clone()
        .or_else(crate::paths::state_dir)
        .unwrap_or_else(|| PathBuf::from(".fixedip-tui"));
    let opts = if cli.demo {
        EngineOptions::aws(base.join("demo")).scaled(demo_scale(cli))
    } else {
        EngineOptions::aws(base)
    };
    EngineOptions {
        command_prefix: command_prefix(cli),
        ..opts
    }
}

/// `fixedip-tui` with the global flags a printed command needs to work as printed (`--demo`,
/// `--profile`, `--region`, `--endpoint-url`, `--state-dir`).
pub fn command_prefix(cli: &Cli) -> String {
    let mut words = vec!["fixedip-tui".to_string()];
    if cli.demo {
        words.push("--demo".into());
    }
    for (flag, value) in [
        ("--profile", &cli.profile),
        ("--region", &cli.region),
        ("--endpoint-url", &cli.endpoint_url),
    ] {
        if let Some(v) = value {
            words.push(format!("{flag} {v}"));
        }
    }
    if let Some(d) = &cli.state_dir {
        words.push(format!("--state-dir {}", d.display()));
    }
    words.join(" ")
}

/// An argument as a shell reads it back (quoted when it holds anything but plain characters).
pub fn shell_word(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}
