//! What every subcommand that reads an account runs with (the async runtime, the demo's simulated
//! account, the connector), and each one started from its flags.

use std::future::Future;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use crate::cli::{Cli, PlanFlags};
use crate::cloud::sim::SimCloud;
use crate::engine::EngineOptions;
use crate::runner::Connector;
use crate::verify::VerifyOptions;

use super::account::{make_connector, AccountKind};
use super::allow::AllowChange;
use super::apply::Confirm;
use super::kept::PlanRef;
use super::options::{command_prefix, engine_options};
use super::run::Report;

/// The runtime, the demo's account (with `--demo`) and the connector of one run of the binary,
/// with the global flags, the log's path and when the run started.
pub struct Session<'a> {
    cli: &'a Cli,
    runtime: tokio::runtime::Runtime,
    demo: Option<Arc<SimCloud>>,
    connector: Connector,
    log_path: Option<PathBuf>,
    started: Instant,
}

impl<'a> Session<'a> {
    /// The runtime, then the demo's account (with `--demo`), then the connector; a failure is said
    /// on stderr (exit 1).
    pub fn start(
        cli: &'a Cli,
        log_path: Option<PathBuf>,
        started: Instant,
    ) -> Result<Self, ExitCode> {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| {
            eprintln!("fixedip-tui: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        })?;
        let demo = match cli.demo.then(|| super::demo::demo_sim(cli)).transpose() {
            Ok(demo) => demo,
            Err(e) => {
                eprintln!("fixedip-tui: {e}");
                return Err(ExitCode::FAILURE);
            }
        };
        let connector = make_connector(cli, demo.clone());
        Ok(Session {
            cli,
            runtime,
            demo,
            connector,
            log_path,
            started,
        })
    }

    /// Run a command on the runtime to its exit code.
    pub fn block_on(&self, command: impl Future<Output = ExitCode>) -> ExitCode {
        self.runtime.block_on(command)
    }

    /// The connector to the account (each command connects once).
    pub fn connector(&self) -> Connector {
        self.connector.clone()
    }

    fn options(&self) -> EngineOptions {
        engine_options(self.cli)
    }

    fn account(&self) -> AccountKind {
        AccountKind::of(self.cli)
    }

    /// How the commands this run prints start (see [`command_prefix`]).
    pub fn prefix(&self) -> String {
        command_prefix(self.cli)
    }

    /// The full-screen wizard (see [`super::tui::run_tui`]).
    pub fn tui(&self, plan_out: Option<PathBuf>, prefill: Option<Box<PlanFlags>>) -> ExitCode {
        let (cli, log_path, started) = (self.cli, self.log_path.clone(), self.started);
        let (runtime, connector) = (&self.runtime, self.connector());
        super::tui::run_tui(
            runtime, connector, cli, log_path, started, plan_out, prefill,
        )
    }

    /// `plan`: the wizard, every choice from the flags, or `--plain`'s line prompts.
    pub fn plan(&self, out: &Option<PathBuf>, choices: &PlanFlags) -> ExitCode {
        let missing = || !crate::plan::flags::missing_flags(choices).is_empty();
        if choices.any() && std::io::stdin().is_terminal() && missing() {
            // In a terminal, missing choices are asked for: the wizard starts from the flags.
            self.tui(out.clone(), Some(Box::new(choices.clone())))
        } else if choices.any() || !std::io::stdin().is_terminal() {
            let flags = choices.clone();
            self.block_on(super::plan::plan_from_flags(self.plan_to(out), flags))
        } else if self.cli.plain {
            let no_color = self.cli.no_color;
            self.block_on(super::plan::plain(self.plan_to(out), no_color))
        } else {
            self.tui(out.clone(), None)
        }
    }

    /// Where a plan without the wizard reads the account and goes (`--out`).
    pub fn plan_to(&self, out: &Option<PathBuf>) -> super::plan::PlanTo {
        let (connector, out, prefix) = (self.connector(), out.clone(), self.prefix());
        super::plan::PlanTo {
            connector,
            out,
            prefix,
        }
    }

    /// `plan --from-account ID [--out FILE]`: the plan of an applied setup, from the account.
    pub fn plan_from_account(
        &self,
        out: &Option<PathBuf>,
        plan_id: &str,
        choices: &PlanFlags,
    ) -> ExitCode {
        if choices.any() {
            eprintln!("fixedip-tui: --from-account rebuilds every choice from the account: give it with --out only");
            return ExitCode::from(2);
        }
        let id = plan_id.to_string();
        self.block_on(super::plan::plan_from_account(self.plan_to(out), id))
    }

    /// `apply --plan FILE [--yes [--quiet]] [--json] [--output FILE]`.
    pub fn apply(
        &self,
        plan: &Path,
        yes: bool,
        quiet: bool,
        json: bool,
        output: &Option<PathBuf>,
    ) -> ExitCode {
        let confirm = Confirm { yes, quiet };
        let (connector, path, opts) = (self.connector(), plan.to_path_buf(), self.options());
        let report = Report {
            json,
            output: output.clone(),
        };
        self.block_on(super::apply::review_plan(
            connector, path, confirm, opts, report,
        ))
    }

    /// `destroy --plan-id ID | --plan FILE [--yes] [--json] [--release-eips]`.
    pub fn destroy(
        &self,
        plan_id: &Option<String>,
        plan: &Option<PathBuf>,
        yes: bool,
        json: bool,
        release_eips: bool,
    ) -> ExitCode {
        let opts = EngineOptions {
            release_eips,
            ..self.options()
        };
        let report = Report { json, output: None };
        let (connector, plan_id, plan) = (self.connector(), plan_id.clone(), plan.clone());
        let account = self.account();
        self.block_on(super::destroy::destroy_plan(
            connector, plan_id, plan, yes, opts, report, account,
        ))
    }

    /// The setup `--plan-id` names, looked for with this session's account and options.
    fn plan_ref(&self, plan_id: &str) -> PlanRef {
        PlanRef {
            connector: self.connector(),
            plan_id: plan_id.to_string(),
            opts: self.options(),
            account: self.account(),
        }
    }

    /// `status --plan-id ID [--json] [--watch N]`.
    pub fn status(&self, plan_id: &str, json: bool, watch: Option<u64>) -> ExitCode {
        self.block_on(super::status::status(self.plan_ref(plan_id), json, watch))
    }

    /// `doctor [--json] [--nlb ARN | --plan-id ID] [--fix [--yes] [--only CODE,…] | --watch N]`.
    /// `fix`: `--fix` was given, with `--yes` and `--only`.
    pub fn doctor(
        &self,
        json: bool,
        nlb: Option<&str>,
        plan_id: Option<&str>,
        fix: Option<(bool, Vec<String>)>,
        watch: Option<u64>,
    ) -> ExitCode {
        let scope = match (nlb, plan_id) {
            (Some(n), _) => crate::doctor::Scope::Nlb(n.to_string()),
            (None, Some(p)) => crate::doctor::Scope::PlanId(p.to_string()),
            (None, None) => crate::doctor::Scope::All,
        };
        let args = super::doctor::DoctorArgs {
            json,
            scope,
            fix,
            watch,
            state_dir: self.options().state_dir,
        };
        self.block_on(super::doctor::doctor(self.connector(), args))
    }

    /// `verify --plan-id ID [--json]` with its options (checked: see
    /// [`super::verify::check_flags`]).
    pub fn verify(&self, plan_id: &str, json: bool, vopts: VerifyOptions) -> ExitCode {
        self.block_on(super::verify::verify(self.plan_ref(plan_id), json, vopts))
    }

    /// `allow --plan-id ID --add/--remove CIDR | --undo`.
    pub fn allow(
        &self,
        plan_id: &str,
        add: &[String],
        remove: &[String],
        allow_anywhere: bool,
        undo: bool,
    ) -> ExitCode {
        let change = AllowChange {
            add: add.to_vec(),
            remove: remove.to_vec(),
            allow_anywhere,
            undo,
        };
        self.block_on(super::allow::allow(self.plan_ref(plan_id), change))
    }

    /// After a run, the demo's account is saved for the next one.
    pub fn save_demo(&self) {
        if let Some(sim) = &self.demo {
            super::demo::save_demo(self.cli, sim);
        }
    }
}
