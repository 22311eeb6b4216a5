//! `export --plan FILE --format cloudformation [--out FILE]`: the plan as a template (reads no
//! account).

use std::process::ExitCode;

/// `export --plan FILE --format cloudformation [--out FILE]`: 0 written, 1 not written, 2 usage.
pub fn export(
    plan_path: &std::path::Path,
    format: crate::cli::ExportFormat,
    out: Option<&std::path::Path>,
) -> ExitCode {
    let plan = match crate::plan::Plan::load(plan_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match format {
        crate::cli::ExportFormat::Cloudformation => match crate::export::cloudformation(&plan) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("fixedip-tui: cannot export {}: {e}", plan_path.display());
                return ExitCode::from(2);
            }
        },
    };
    match out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                eprintln!("fixedip-tui: cannot write the template: {e}");
                return ExitCode::FAILURE;
            }
        }
        Some(path) => {
            if let Err(e) = crate::paths::write_atomic(path, text.as_bytes(), 0o644) {
                eprintln!("fixedip-tui: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!(
                "Wrote {} (plan {}). Deploy: aws cloudformation deploy --region {} --stack-name {} --template-file {} --capabilities CAPABILITY_IAM",
                path.display(),
                plan.id,
                plan.region,
                plan.id,
                path.display()
            );
        }
    }
    ExitCode::SUCCESS
}
