//! `doctor [--json] [--nlb ARN | --plan-id ID]`: every fixed-IP setup of the region and what is
//! wrong with each (see `crate::doctor`).

use std::process::ExitCode;

use crate::doctor::{self, Scope, Severity};
use crate::runner::Connector;

use super::account::connect;

/// Today, in days since 1970-01-01 (UTC).
fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

/// `doctor`: read the setups in `scope`, print them with their findings; exit 1 on a warning or
/// an error, 2 when `--nlb` / `--plan-id` match no setup.
pub async fn doctor(connector: Connector, json: bool, scope: Scope) -> ExitCode {
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (facts, errors) = match doctor::read(cloud.as_ref(), &scope).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!(
                "fixedip-tui: the load balancers could not be read: {e}\n  → {}",
                e.hint()
            );
            return ExitCode::FAILURE;
        }
    };
    let setups = doctor::shape::setups(&facts);
    let report = doctor::report(&facts.region, &setups, today(), errors);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fixedip-tui: cannot encode the report as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("{}", doctor::text(&report));
    }
    if report.setups.is_empty() && scope != Scope::All {
        let what = match &scope {
            Scope::Nlb(n) => format!("the NLB {n}"),
            Scope::PlanId(p) => format!("plan {p}"),
            Scope::All => String::new(),
        };
        eprintln!(
            "fixedip-tui: no fixed-IP setup of {what} in {}\n  → run `fixedip-tui doctor` to list every setup the region has",
            report.region
        );
        return ExitCode::from(2);
    }
    match report.worst() {
        Some(Severity::Warning | Severity::Error) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}
