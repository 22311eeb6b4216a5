//! `completions SHELL`: the shell's completion script on stdout (reads no account).

use std::process::ExitCode;

use crate::cli::Shell;

/// Print the completion script of `shell` for every subcommand and flag.
pub fn completions(shell: Shell) -> ExitCode {
    let mut cmd = crate::cli::command();
    let sh = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(sh, &mut cmd, "fixedip-tui", &mut std::io::stdout());
    ExitCode::SUCCESS
}
