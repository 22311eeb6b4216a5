//! `doctor [--json] [--nlb ARN | --plan-id ID] [--fix … | --watch N]`: every fixed-IP setup of the
//! region and what is wrong with each (see `crate::doctor`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::doctor::fix::FixLog;
use crate::doctor::{self, Report, Scope, Severity};
use crate::engine::Account;
use crate::runner::Connector;

use super::account::connect;

/// What `doctor` was asked.
#[derive(Debug, Clone)]
pub struct DoctorArgs {
    pub json: bool,
    pub scope: Scope,
    /// `--fix`: with `--yes`, and the `--only` codes.
    pub fix: Option<(bool, Vec<String>)>,
    /// `--watch N`: look again every N seconds.
    pub watch: Option<u64>,
    /// Where the record of the fixes is kept.
    pub state_dir: PathBuf,
}

/// `doctor`: read the setups in scope, print them with their findings; exit 1 on a warning or an
/// error, 2 when `--nlb` / `--plan-id` match no setup. `--fix` mends the fixable findings in place
/// first; `--watch` keeps looking.
pub async fn doctor(connector: Connector, args: DoctorArgs) -> ExitCode {
    if let Some((_, only)) = &args.fix {
        if let Some(bad) = only
            .iter()
            .find(|c| !doctor::findings::CODES.contains(&c.as_str()))
        {
            eprintln!(
                "fixedip-tui: --only {bad}: no such finding code\n  → one of: {}",
                doctor::findings::CODES.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    let cloud = match connect(&connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some((yes, only)) = &args.fix {
        let log = FixLog::new(&args.state_dir);
        if let Err(code) = mend(cloud.as_ref(), &args.scope, *yes, only, &log).await {
            return code;
        }
    }
    if let Some(every) = args.watch {
        return watch(cloud.as_ref(), &args.scope, every, args.json).await;
    }
    let report = match look(cloud.as_ref(), &args.scope).await {
        Ok(r) => r,
        Err(code) => return code,
    };
    if args.json {
        if !super::print_json(&report, "the report", false) {
            return ExitCode::FAILURE;
        }
    } else {
        println!("{}", doctor::text(&report));
    }
    if report.setups.is_empty() && args.scope != Scope::All {
        let what = match &args.scope {
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
    exit_of(&report)
}

/// 1 on a warning or an error, 0 otherwise.
fn exit_of(report: &Report) -> ExitCode {
    match report.worst() {
        Some(Severity::Warning | Severity::Error) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}

/// Read the setups in `scope` and judge them. Err: the account could not be read (said on stderr).
async fn look(cloud: &dyn Account, scope: &Scope) -> Result<Report, ExitCode> {
    let (_, report) = judged(cloud, scope).await?;
    Ok(report)
}

/// `doctor::judge` today, a failure said on stderr (exit 1).
async fn judged(
    cloud: &dyn Account,
    scope: &Scope,
) -> Result<(Vec<doctor::Setup>, Report), ExitCode> {
    doctor::judge(cloud, scope, doctor::today())
        .await
        .map_err(|e| {
            eprintln!(
                "fixedip-tui: the load balancers could not be read: {e}\n  → {}",
                e.hint()
            );
            ExitCode::FAILURE
        })
}

/// The findings of a report by (setup, code): severity and evidence.
fn findings_of(report: &Report) -> BTreeMap<(String, String), (Severity, String)> {
    report
        .setups
        .iter()
        .flat_map(|s| {
            s.findings.iter().map(|f| {
                (
                    (s.id.clone(), f.code.to_string()),
                    (f.severity, f.evidence.clone()),
                )
            })
        })
        .collect()
}

/// One line of `--watch`: a finding or a setup that appeared or went.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    /// "appeared", "cleared", "setup-found", "setup-gone" or "unreadable".
    kind: &'static str,
    setup: String,
    code: String,
    detail: String,
}

impl Event {
    fn new(kind: &'static str, setup: &str, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            setup: setup.to_string(),
            code: code.to_string(),
            detail: detail.into(),
        }
    }

    /// The line: text, or a JSON object with `--json`.
    fn print(&self, json: bool) {
        let at = crate::domain::now_rfc3339();
        if json {
            let line = serde_json::json!({
                "at": at, "event": self.kind, "setup": self.setup, "code": self.code,
                "detail": self.detail,
            });
            println!("{line}");
        } else {
            let sign = match self.kind {
                "cleared" | "setup-gone" => '-',
                "unreadable" => '!',
                _ => '+',
            };
            println!("{at}  {sign} {} {} {}", self.setup, self.code, self.detail);
        }
    }
}

/// `--watch N`: the whole report once, then a line for each finding that appears or clears and
/// each setup that appears or goes, every N seconds, until Ctrl-C (or SIGTERM): then the exit
/// status of the worst finding at that moment. A round that cannot read the account says so and
/// the next one tries again.
async fn watch(cloud: &dyn Account, scope: &Scope, every: u64, json: bool) -> ExitCode {
    let mut last: Option<Report> = None;
    loop {
        match look(cloud, scope).await {
            Ok(report) => {
                match &last {
                    None if json => {
                        super::print_json(&report, "the report", true);
                    }
                    None => println!("{}", doctor::text(&report)),
                    Some(before) => {
                        for e in changes(before, &report) {
                            e.print(json);
                        }
                    }
                }
                last = Some(report);
            }
            Err(_) => Event::new(
                "unreadable",
                "-",
                "-",
                "this round could not read the account",
            )
            .print(json),
        }
        let wait = tokio::time::sleep(std::time::Duration::from_secs(every.max(1)));
        tokio::select! {
            _ = wait => {}
            _ = stopped() => return last.as_ref().map_or(ExitCode::FAILURE, exit_of),
        }
    }
}

/// What changed between two reports: setups that appeared or went, findings that appeared or
/// cleared (a setup that went is said once, not once per finding).
fn changes(before: &Report, now: &Report) -> Vec<Event> {
    let ids = |r: &Report| -> BTreeMap<String, String> {
        r.setups
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect()
    };
    let mut out = Vec::new();
    let (was, is) = (ids(before), ids(now));
    for (id, name) in is.iter().filter(|(id, _)| !was.contains_key(*id)) {
        out.push(Event::new(
            "setup-found",
            id,
            "-",
            format!("a setup appeared: NLB {name}"),
        ));
    }
    for id in was.keys().filter(|id| !is.contains_key(*id)) {
        out.push(Event::new("setup-gone", id, "-", "the setup is gone"));
    }
    let (was, is) = (findings_of(before), findings_of(now));
    for ((setup, code), (severity, evidence)) in &is {
        if !was.contains_key(&(setup.clone(), code.clone())) {
            let detail = format!("{}: {evidence}", severity.as_str());
            out.push(Event::new("appeared", setup, code, detail));
        }
    }
    for (setup, code) in was.keys() {
        let cleared = !is.contains_key(&(setup.clone(), code.clone()));
        if cleared && now.setups.iter().any(|s| &s.id == setup) {
            out.push(Event::new("cleared", setup, code, "cleared"));
        }
    }
    out
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `--fix`: the changes that mend the setups in `scope`, printed as `aws` lines on stderr; made
/// with `yes` (or once a terminal says yes). Err: the exit code (2 without `--yes` and no
/// terminal, 1 when a change failed or the account could not be read).
async fn mend(
    cloud: &dyn Account,
    scope: &Scope,
    yes: bool,
    only: &[String],
    log: &FixLog,
) -> Result<(), ExitCode> {
    let (setups, report) = judged(cloud, scope).await?;
    let mut changes = Vec::new();
    for (setup, judged) in setups.iter().zip(&report.setups) {
        for change in doctor::fix::changes(setup, &judged.findings, only) {
            changes.push((setup.id(), change));
        }
    }
    if changes.is_empty() {
        eprintln!("Nothing to mend in place.");
        return Ok(());
    }
    for (id, change) in &changes {
        eprintln!("{id}: {}", change.command());
    }
    if !yes && !confirm(changes.len())? {
        return Ok(());
    }
    let mut failed = false;
    let unrecorded = |e: &std::io::Error| {
        eprintln!(
            "warning: the record of fixes {} could not be written: {e}",
            log.path().display()
        );
    };
    for (id, change) in &changes {
        match log.run(cloud, id, change, unrecorded).await {
            Ok(()) => eprintln!("✓ {id}: {}", change.command()),
            Err(e) => {
                failed = true;
                eprintln!("✗ {id}: {}: {e}\n  → {}", change.command(), e.hint());
            }
        }
    }
    eprintln!("The fixes are recorded in {}.", log.path().display());
    if failed {
        return Err(ExitCode::FAILURE);
    }
    Ok(())
}

/// Ask before changing the account; without a terminal, say how and stop (exit 2).
fn confirm(n: usize) -> Result<bool, ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!("fixedip-tui: --fix changes the account: add --yes to make these {n} change(s) (nothing was changed)");
        return Err(ExitCode::from(2));
    }
    eprint!("Make these {n} change(s)? [y/N] ");
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return Err(ExitCode::from(2));
    }
    let yes = matches!(answer.trim(), "y" | "Y" | "yes");
    if !yes {
        eprintln!("Nothing was changed.");
    }
    Ok(yes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{Finding, SetupReport};

    fn setup(id: &str, codes: &[&'static str]) -> SetupReport {
        SetupReport {
            id: id.into(),
            origin: "found",
            nlb_arn: format!("arn:{id}"),
            name: id.into(),
            vpc_id: "vpc-1".into(),
            ip_kind: "nlb-assigned",
            fixed_ips: vec![],
            names: vec![],
            endpoint_id: None,
            findings: codes
                .iter()
                .map(|code| Finding {
                    code,
                    severity: Severity::Warning,
                    evidence: format!("{code} seen"),
                    fix: String::new(),
                    fixable: false,
                })
                .collect(),
        }
    }

    fn report(setups: Vec<SetupReport>) -> Report {
        Report {
            schema_version: 1,
            region: "us-east-1".into(),
            setups,
            errors: vec![],
        }
    }

    #[test]
    fn watch_says_what_appeared_and_cleared_and_a_gone_setup_once() {
        let before = report(vec![
            setup("a", &["targets-drift", "tls-policy-legacy"]),
            setup("b", &["nlb-no-security-group", "alpn-http2"]),
        ]);
        let now = report(vec![
            setup("a", &["tls-policy-legacy", "targets-unhealthy"]),
            setup("c", &[]),
        ]);
        let got: Vec<(&str, String, String)> = changes(&before, &now)
            .into_iter()
            .map(|e| (e.kind, e.setup, e.code))
            .collect();
        let want = |k: &'static str, s: &str, c: &str| (k, s.to_string(), c.to_string());
        assert_eq!(
            got,
            vec![
                want("setup-found", "c", "-"),
                want("setup-gone", "b", "-"),
                want("appeared", "a", "targets-unhealthy"),
                want("cleared", "a", "targets-drift"),
            ]
        );
        assert!(
            changes(&now, &now).is_empty(),
            "nothing changed, nothing said"
        );
    }
}
