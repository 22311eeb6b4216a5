//! Every integration test of the crate, as one test binary.
//!
//! One binary instead of one per file: each test binary links the whole crate with the AWS SDK
//! and compiles its own copy of the generic code it uses (~20 s apiece on two cores), which made
//! the test build most of a cold CI run. nextest still runs every test in its own process, so a
//! test that sets an environment variable or starts a server affects no other.
//!
//! Run one file's tests with `cargo nextest run --test it <file>::` (e.g. `moto_engine::`).

mod common;

mod adopt_sim;
mod app_flow;
mod apply_screens;
mod aws_rules_sim;
mod destroy_sim;
mod doctor_sim;
mod eips_sim;
mod engine_sim;
mod export_cfn;
mod export_sh;
mod help;
mod layers;
mod lost_answers_sim;
mod moto_aws_rules;
mod moto_cli;
mod moto_discovery;
mod moto_eips;
mod moto_engine;
mod moto_from_account;
mod moto_iam;
mod moto_lost_answers;
mod moto_write;
mod plain_pty;
mod plan_cli;
mod recover_sim;
mod review;
mod run_cli;
mod screens;
mod setups_screens;
mod sim_discovery;
mod sim_write;
mod tmux_e2e;
mod validate;
mod verify_net;
mod verify_screens;
mod verify_sim;
mod wizard_flow;
mod wizard_screens;
