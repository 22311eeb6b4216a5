//! `plan` without the wizard: every choice from the flags (the wizard's validation), or
//! `--plain`'s line prompts.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::runner::Connector;

use super::account::{connect_and_discover, plan_lookups};
use super::options::shell_word;

/// Where a `plan` without the wizard reads the account and puts the plan: the account to connect
/// to, `--out` (default `<plan id>.toml`), and how the next command it prints starts
/// (`fixedip-tui` and the global flags it needs).
pub struct PlanTo {
    pub connector: Connector,
    pub out: Option<PathBuf>,
    pub prefix: String,
}

impl PlanTo {
    fn path(&self, plan_id: &str) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{plan_id}.toml")))
    }
}

/// `plan` with flags: every choice from the command line, the same validation as the wizard.
pub async fn plan_from_flags(to: PlanTo, flags: crate::cli::PlanFlags) -> ExitCode {
    use crate::plan::flags::{draft_from_flags, FlagError};
    let (cloud, mut inv) = match connect_and_discover(&to.connector, None).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (draft, defaulted) = match draft_from_flags(&flags, &inv) {
        Ok(d) => d,
        Err(FlagError(lines)) => {
            for l in lines {
                eprintln!("fixedip-tui: {l}");
            }
            return ExitCode::from(2);
        }
    };
    let plan = draft.to_plan(&inv);
    plan_lookups(cloud.as_ref(), &plan, &mut inv).await;
    let findings = crate::plan::validate(&plan, &inv);
    let blockers = crate::plan::validate::blocking(&plan, &findings);
    if flags.json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "plan_id": plan.id,
            "valid": blockers.is_empty(),
            "plan": plan,
            "defaulted": defaulted,
            "findings": findings,
            "cost": crate::plan::cost::estimate(&plan),
        });
        if !super::print_json(&doc, "the plan", false) {
            return ExitCode::FAILURE;
        }
    }
    if !defaulted.is_empty() {
        // What the flags left open, chosen as the wizard would: said, so it can be changed.
        eprintln!("defaulted (the flag changes it):");
        for d in &defaulted {
            eprintln!("  {} {}\n    {}", d.flag, d.value, d.why);
        }
    }
    if !blockers.is_empty() {
        eprintln!("fixedip-tui: the plan is not valid:");
        for f in &blockers {
            let what = match f.severity {
                crate::plan::Severity::Error => "error".to_string(),
                _ => format!("warning (acknowledge with --acknowledge {})", f.code),
            };
            eprintln!("  {what} [{}] {}\n    → {}", f.code, f.message, f.fix);
        }
        return ExitCode::from(2);
    }
    let path = to.path(&plan.id);
    if let Err(e) = plan.save(&path) {
        eprintln!("fixedip-tui: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("plan {} saved to {}", plan.id, path.display());
    eprintln!(
        "next: {} apply --plan {} --yes   (review first: the same without --yes)",
        to.prefix,
        path.display()
    );
    if !flags.json {
        println!("{}", plan.id);
    }
    ExitCode::SUCCESS
}

/// `--plain`: the same steps as line prompts; the plan is saved where the user says.
/// `no_color`: `--no-color`.
pub async fn plain(to: PlanTo, no_color: bool) -> ExitCode {
    let PlanTo {
        connector,
        out,
        prefix,
    } = to;
    let (cloud, inv) = match connect_and_discover(&connector, None).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let next = |path: &std::path::Path| {
        println!(
            "next: {prefix} apply --plan {} --yes   (review first: the same without --yes)",
            shell_word(&path.display().to_string())
        );
    };
    match crate::plain::run_plain(&inv, cloud.as_ref(), out.as_deref(), no_color).await {
        Ok(Some((_, path))) => {
            next(&path);
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            ExitCode::from(2)
        }
    }
}

/// `plan --from-account ID [--out FILE]`: the plan of a setup applied by this tool, rebuilt from
/// the account (`engine::recover`); what the account cannot hold said on stderr.
pub async fn plan_from_account(to: PlanTo, plan_id: String) -> ExitCode {
    let cloud = match super::account::connect(&to.connector).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let answers = match crate::engine::recover::read(cloud.as_ref(), &plan_id).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "fixedip-tui: the account could not be read for plan {plan_id}: {e}\n  → {}",
                e.hint()
            );
            return ExitCode::FAILURE;
        }
    };
    let rec = match crate::engine::recover::rebuild(&answers) {
        Ok(r) => r,
        Err(why) => {
            eprintln!("fixedip-tui: {why}");
            return ExitCode::from(2);
        }
    };
    for note in &rec.notes {
        eprintln!("note: {note}");
    }
    let path = to.path(&plan_id);
    if let Err(e) = rec.plan.save(&path) {
        eprintln!("fixedip-tui: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "plan {plan_id} ({}) rebuilt from the account, saved to {}",
        rec.plan.name,
        path.display()
    );
    eprintln!(
        "next: {} status --plan-id {plan_id}   (or keep {} in git: `apply --plan` of it resumes the setup)",
        to.prefix,
        shell_word(&path.display().to_string())
    );
    println!("{plan_id}");
    ExitCode::SUCCESS
}
