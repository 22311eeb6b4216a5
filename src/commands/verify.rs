//! `verify --plan-id ID`: the checklist of an applied plan (kept for `status`), and its flags
//! checked before the account is read.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use super::kept::PlanRef;

/// `--resolver IP[:PORT]` parsed and `--ca-file PEM` read: either wrong is a usage error (said on
/// stderr, exit 2).
pub fn check_flags(
    resolver: Option<&str>,
    ca_file: Option<&Path>,
) -> Result<Option<SocketAddr>, ExitCode> {
    let resolver = match resolver.map(crate::verify::parse_resolver) {
        None => None,
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            eprintln!("fixedip-tui: {e}");
            return Err(ExitCode::from(2));
        }
    };
    if let Some(f) = ca_file {
        if let Err(e) = crate::verify::net::Roots::load(Some(f)) {
            eprintln!("fixedip-tui: {e}");
            return Err(ExitCode::from(2));
        }
    }
    Ok(resolver)
}

/// `verify --plan-id ID`: the checklist, kept for `status`.
pub async fn verify(at: PlanRef, json: bool, vopts: crate::verify::VerifyOptions) -> ExitCode {
    let (plan, journal, cloud) = match at.kept_and_connected().await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let PlanRef { plan_id, opts, .. } = at;
    // A destroyed setup has nothing to verify: say so (and how to make it again), not a list of
    // failed checks.
    if crate::verify::handout::destroyed(&journal)
        && matches!(cloud.find_load_balancer(&plan.nlb_name()).await, Ok(None))
    {
        let kept = crate::plan::names::kept_plan_path(&opts.state_dir, &plan_id);
        let msg = format!(
            "plan {plan_id} ({}) was destroyed: nothing to verify; `{} apply --plan {} --yes` makes it again",
            plan.name,
            opts.command_prefix,
            kept.display()
        );
        if json {
            println!(
                "{}",
                serde_json::json!({"schema_version": 1, "plan_id": plan_id, "state": "destroyed", "message": msg})
            );
        } else {
            eprintln!("fixedip-tui: {msg}");
        }
        return ExitCode::FAILURE;
    }
    if !json {
        eprintln!("Verifying {} ({plan_id})…", plan.name);
    }
    let report = crate::verify::run(&cloud, &plan, &journal, &vopts, None).await;
    if let Err(e) = report.save(&opts.state_dir) {
        eprintln!("fixedip-tui: {e} (the result is printed but not kept for `status`)");
    }
    if json {
        super::print_json(&report, "the verify report", false);
    } else {
        print!("{}", crate::verify::text(&report.checks));
        println!(
            "{}: {}",
            if report.passed {
                "VERIFIED"
            } else {
                "NOT VERIFIED"
            },
            report.summary()
        );
    }
    if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
