//! The direction of imports the README's Architecture section draws, held: each rule names the
//! folder, what it must not use, and why. A line that breaks one fails with its file and line.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `(file, line number, line)` of the code lines (comments left out) of the files under `src/<dir>`
/// (a folder or a single file).
fn code_lines(dir: &str) -> Vec<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let path = root.join(dir);
    let files = if path.is_dir() {
        rust_files(&path)
    } else {
        vec![path]
    };
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let name = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if !code.trim().is_empty() {
                out.push((name.clone(), i + 1, code.to_string()));
            }
        }
    }
    out
}

/// The lines of `dir` that use one of `forbidden` (a crate path prefix such as `crate::ui` or an
/// external crate such as `ratatui`).
fn uses(dir: &str, forbidden: &[&str]) -> Vec<String> {
    code_lines(dir)
        .into_iter()
        .filter(|(_, _, code)| {
            forbidden.iter().any(|f| {
                code.match_indices(f).any(|(at, _)| {
                    let before = code[..at].chars().next_back();
                    let after = code[at + f.len()..].chars().next();
                    let word = |c: char| c.is_alphanumeric() || c == '_';
                    !before.is_some_and(word) && (!f.ends_with(word) || !after.is_some_and(word))
                })
            })
        })
        .map(|(file, n, code)| format!("src/{file}:{n}: {}", code.trim()))
        .collect()
}

fn assert_none(rule: &str, found: Vec<String>) {
    assert!(found.is_empty(), "{rule}:\n{}", found.join("\n"));
}

#[test]
fn only_the_aws_files_of_cloud_use_the_sdk() {
    // As paths (`aws_config::…`): a log filter's "aws_config=warn" is not a use.
    let sdk = [
        "aws_sdk_ec2::",
        "aws_sdk_acm::",
        "aws_sdk_route53::",
        "aws_sdk_apigateway::",
        "aws_sdk_sts::",
        "aws_sdk_elasticloadbalancingv2::",
        "aws_config::",
        "aws_smithy_http_client::",
        "aws_smithy_types::",
        "aws_smithy_runtime_api::",
        "aws_credential_types::",
        "aws_types::",
    ];
    let mut found = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in rust_files(&root) {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        if rel.starts_with("cloud/aws") {
            continue;
        }
        found.extend(uses(&rel, &sdk));
    }
    assert_none("the AWS SDK is used only in src/cloud/aws*.rs", found);
}

#[test]
fn the_domain_imports_nothing_of_the_crate() {
    let found: Vec<String> = uses("domain", &["crate"])
        .into_iter()
        .filter(|l| !l.contains("crate::domain"))
        .collect();
    assert_none(
        "src/domain is plain data: it imports nothing else of the crate",
        found,
    );
}

#[test]
fn the_cloud_knows_only_the_domain() {
    let above = [
        "crate::app",
        "crate::ui",
        "crate::runner",
        "crate::engine",
        "crate::verify",
        "crate::discovery",
        "crate::plan",
        "crate::export",
        "crate::commands",
        "crate::plain",
    ];
    assert_none(
        "src/cloud answers with domain types and imports nothing above it",
        uses("cloud", &above),
    );
}

#[test]
fn the_headless_layers_never_draw() {
    let drawing = [
        "crate::app",
        "crate::ui",
        "crate::runner",
        "crate::commands",
        "ratatui",
        "crossterm",
    ];
    for dir in ["engine", "verify", "discovery", "plan", "export", "doctor"] {
        assert_none(
            &format!("src/{dir} is headless: it reports, the app and ui draw"),
            uses(dir, &drawing),
        );
    }
}

#[test]
fn the_screens_only_read_the_model() {
    let effects = [
        "crate::engine",
        "crate::runner",
        "crate::commands",
        "crate::discovery::run",
        "tokio",
    ];
    assert_none(
        "src/ui renders &Model: no engine, no runner, no tasks",
        uses("ui", &effects),
    );
    assert_none(
        "src/app changes the model and asks for effects with Cmd: it never draws or runs them",
        uses(
            "app",
            &[
                "crate::ui",
                "crate::runner",
                "ratatui::Terminal",
                "tokio::spawn",
            ],
        ),
    );
}

/// The renderer can change nothing of the model: no interior mutability in it (what a frame
/// measures comes back as `Msg::Layout`).
#[test]
fn the_model_has_no_cells_for_the_renderer_to_write() {
    let cells = [
        "std::cell",
        "core::cell",
        "RefCell",
        "Mutex<",
        "RwLock<",
        "Atomic",
    ];
    for dir in ["app", "ui"] {
        assert_none(
            &format!("src/{dir}: the model changes only in update"),
            uses(dir, &cells),
        );
    }
}

#[test]
fn the_readme_architecture_names_every_folder_and_file_of_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let section = readme
        .split("## Architecture")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    assert!(!section.is_empty(), "README.md has an Architecture section");
    let mut missing = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join("src")) else {
        panic!("src/ is readable");
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let said = if entry.path().is_dir() {
            format!("{name}/")
        } else {
            name.clone()
        };
        if name != "lib.rs" && !section.contains(&said) {
            missing.push(said);
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "the README's Architecture section does not name: {}",
        missing.join(", ")
    );
}
