//! `status --plan-id ID [--json] [--watch N]`: the handout of an applied plan, read live from the
//! account (again every N seconds, with what changed flagged).

use std::process::ExitCode;

use crate::engine::EngineOptions;
use crate::runner::Connector;

use super::account::AccountKind;
use super::kept::kept_and_connected;

/// `status --plan-id ID [--json] [--watch N]`.
pub async fn status(
    connector: Connector,
    plan_id: String,
    json: bool,
    watch: Option<u64>,
    opts: EngineOptions,
    account: AccountKind,
) -> ExitCode {
    let (plan, journal, cloud) =
        match kept_and_connected(&connector, &opts, &plan_id, account).await {
            Ok(x) => x,
            Err(code) => return code,
        };
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
            match serde_json::to_string(&doc) {
                Ok(t) => println!("{t}"),
                Err(e) => eprintln!("fixedip-tui: {e}"),
            }
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
