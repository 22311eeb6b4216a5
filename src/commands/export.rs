//! `export --plan FILE --format cloudformation|sh [--destroy] [--out FILE]`: the plan as a
//! template or as a bash script of AWS CLI commands (reads no account).

use std::process::ExitCode;

/// `export --plan FILE --format F [--destroy] [--out FILE]`: 0 written, 1 not written, 2 usage.
pub fn export(
    plan_path: &std::path::Path,
    format: crate::cli::ExportFormat,
    destroy: bool,
    out: Option<&std::path::Path>,
) -> ExitCode {
    use crate::cli::ExportFormat;
    if destroy && format != ExportFormat::Sh {
        eprintln!("fixedip-tui: --destroy goes with --format sh (a stack is deleted with `aws cloudformation delete-stack`)");
        return ExitCode::from(2);
    }
    let plan = match crate::plan::Plan::load(plan_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixedip-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let made = match format {
        ExportFormat::Cloudformation => crate::export::cloudformation(&plan),
        ExportFormat::Sh if destroy => crate::export::shell_destroy(&plan),
        ExportFormat::Sh => crate::export::shell(&plan),
    };
    let text = match made {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fixedip-tui: cannot export {}: {e}", plan_path.display());
            return ExitCode::from(2);
        }
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
            let mode = if format == ExportFormat::Sh {
                0o755
            } else {
                0o644
            };
            if let Err(e) = crate::paths::write_atomic(path, text.as_bytes(), mode) {
                eprintln!("fixedip-tui: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            if format == ExportFormat::Sh {
                eprintln!(
                    "Wrote {} (plan {}, {}). Read it, then run: bash {}",
                    path.display(),
                    plan.id,
                    if destroy { "teardown" } else { "apply" },
                    path.display()
                );
                return ExitCode::SUCCESS;
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
