//! `status --plan-id ID [--json] [--watch N]`: the handout of an applied plan, read live from the
//! account (again every N seconds, with what changed flagged).

use std::process::ExitCode;

use super::kept::PlanRef;

/// `status --plan-id ID [--json] [--watch N]`.
pub async fn status(at: PlanRef, json: bool, watch: Option<u64>) -> ExitCode {
    let (plan, journal, cloud) = match at.kept_and_connected().await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let opts = at.opts;
    let mut last: Option<crate::verify::handout::Handout> = None;
    loop {
        let doc = crate::verify::handout::read(
            cloud.as_ref(),
            &plan,
            &journal,
            &opts.state_dir,
            &opts.command_prefix,
        )
        .await;
        let changes = last
            .as_ref()
            .map(|p| doc.changes_since(p))
            .unwrap_or_default();
        if json {
            super::print_json(&doc, "the status", true);
        } else {
            if watch.is_some() {
                println!(
                    "── {} ──",
                    crate::verify::net::ymd_hm(
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_secs() as i64)
                            .unwrap_or_default()
                    )
                );
            }
            for c in &changes {
                println!("!! {c}");
            }
            print!("{}", doc.text());
        }
        let healthy = doc.healthy;
        last = Some(doc);
        match watch {
            Some(n) => tokio::time::sleep(std::time::Duration::from_secs(n.max(1))).await,
            None => {
                return if healthy {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
        }
    }
}
