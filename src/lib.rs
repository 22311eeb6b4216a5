//! fixedip-tui: fixed IP addresses for an Amazon API Gateway API.
//!
//! Layers (data flows one way): `cloud` (the account) → `discovery` (the inventory) → `app`
//! (TEA model/update) → `ui` (pure rendering). `main.rs` parses the CLI and hands each subcommand
//! to `commands`, which wires terminal, runtime and account.

// Functions stay short enough to read at once (clippy.toml: 120 lines).
#![warn(clippy::too_many_lines)]

pub mod app;
pub mod cli;
pub mod cloud;
pub mod commands;
pub mod discovery;
pub mod doctor;
pub mod domain;
pub mod engine;
pub mod export;
pub mod paths;
pub mod plain;
pub mod plan;
pub mod progress;
pub mod report;
pub mod runner;
pub mod ui;
pub mod verify;
