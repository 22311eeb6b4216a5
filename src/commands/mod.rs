//! The subcommands' bodies, one file per subcommand or concern: `main.rs` parses the arguments,
//! sets up the log, the runtime and the account, and calls these.

pub mod account;
pub mod allow;
pub mod apply;
pub mod completions;
pub mod demo;
pub mod destroy;
pub mod discover;
pub mod doctor;
pub mod export;
pub mod kept;
pub mod logging;
pub mod options;
pub mod plan;
pub mod run;
pub mod session;
pub mod status;
pub mod tui;
pub mod verify;

/// `value` as JSON on standard output: indented, or on one line (a `--watch` stream, a document a
/// line). Encoding our own types does not fail; if it did, it is said naming `what`, and false.
pub(crate) fn print_json(value: &impl serde::Serialize, what: &str, one_line: bool) -> bool {
    let text = if one_line {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    match text {
        Ok(t) => {
            println!("{t}");
            true
        }
        Err(e) => {
            eprintln!("fixedip-tui: cannot encode {what} as JSON: {e}");
            false
        }
    }
}
