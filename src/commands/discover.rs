//! `discover [--json]`: the account's inventory as text or JSON, what could not be read on stderr.

use std::process::ExitCode;

use crate::discovery;
use crate::runner::Connector;

use super::account::connect;

/// `discover`: read the account and print what was found; exit 1 when a part could not be read.
pub async fn discover(connector: Connector, json: bool) -> ExitCode {
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    for note in &cloud.target().notes {
        eprintln!("note: {note}");
    }
    let inv = discovery::collect(cloud).await;
    if json {
        if !super::print_json(&inv, "the inventory", false) {
            return ExitCode::FAILURE;
        }
    } else {
        print!("{}", crate::report::inventory_text(&inv));
    }
    for e in &inv.errors {
        eprintln!(
            "fixedip-tui: {} could not be read: {}: {}\n  → {}",
            e.source_label(),
            e.action,
            e.message,
            e.hint
        );
    }
    for w in &inv.warnings {
        eprintln!(
            "warning: {}: {}: {}\n  → {}",
            w.source_label(),
            w.action,
            w.message,
            w.hint
        );
    }
    if inv.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
