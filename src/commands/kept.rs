//! The plan `apply` keeps beside its journal, and the journal, as `status`, `verify` and `allow`
//! read them (and the command that works when the plan is the demo's).

use std::process::ExitCode;

use crate::engine::EngineOptions;

use super::account::AccountKind;
use super::options::shell_word;

/// The plan `apply` keeps beside its journal, and the journal: what status / verify / allow read.
/// A plan of the demo account asked for without `--demo` says the command that works: the same
/// one with `--demo`.
pub fn load_kept(
    opts: &EngineOptions,
    plan_id: &str,
    account: AccountKind,
) -> Result<(crate::plan::Plan, crate::engine::Journal), ExitCode> {
    let demo = account == AccountKind::Demo;
    let kept = |dir: &std::path::Path| crate::plan::names::kept_plan_path(dir, plan_id);
    let with_demo = || {
        let args: Vec<String> = std::env::args().skip(1).map(|a| shell_word(&a)).collect();
        format!("fixedip-tui --demo {}", args.join(" "))
    };
    let path = kept(&opts.state_dir);
    let plan = crate::plan::Plan::load(&path).map_err(|e| {
        // Made on the demo account, asked without --demo: the demo keeps its plans apart.
        if !demo && kept(&opts.state_dir.join("demo")).exists() {
            eprintln!(
                "fixedip-tui: plan {plan_id} was applied on the demo account: add --demo (`{}`)",
                with_demo()
            );
        } else {
            eprintln!(
                "fixedip-tui: {e}\n  → this reads the plan that `apply` keeps in {}: is {plan_id} the id `apply` printed (and --state-dir the same)?",
                opts.state_dir.join("plans").display()
            );
        }
        ExitCode::from(2)
    })?;
    // moto and LocalStack (--endpoint-url) use the same account id as the demo: only AWS cannot.
    if account == AccountKind::Aws && plan.account == crate::cloud::sim::DEMO_ACCOUNT_ID {
        eprintln!(
            "fixedip-tui: plan {plan_id} is for the demo account {}: add --demo (`{}`)",
            plan.account,
            with_demo()
        );
        return Err(ExitCode::from(2));
    }
    let journal = crate::engine::Journal::load_or_new(&opts.state_dir, plan_id).map_err(|e| {
        eprintln!("fixedip-tui: {e}");
        ExitCode::FAILURE
    })?;
    Ok((plan, journal))
}

/// The kept plan and journal of `plan_id`, then the account: what `status` and `verify` start
/// from. Each failure is said on stderr; the exit code is returned.
pub async fn kept_and_connected(
    connector: &crate::runner::Connector,
    opts: &EngineOptions,
    plan_id: &str,
    account: AccountKind,
) -> Result<
    (
        crate::plan::Plan,
        crate::engine::Journal,
        std::sync::Arc<dyn crate::engine::Account>,
    ),
    ExitCode,
> {
    let (plan, journal) = load_kept(opts, plan_id, account)?;
    let cloud = super::account::connect(connector).await?;
    Ok((plan, journal, cloud))
}
