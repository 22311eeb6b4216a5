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
