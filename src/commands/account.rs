//! How a command reaches the account: the connector (AWS, or the demo's simulated account),
//! connecting and reading it with any failure said on stderr, what validating a plan reads beyond
//! discovery, and which kind of account the global flags name.

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::Cli;
use crate::cloud::aws::{AwsCloud, AwsOptions};
use crate::cloud::sim::SimCloud;
use crate::discovery;
use crate::engine::Account;
use crate::runner::Connector;

/// The connector of the account the global flags name: the demo's simulated account when given,
/// else AWS (with `--profile`, `--region`, `--endpoint-url` and `FIXEDIP_MAX_ATTEMPTS`).
pub fn make_connector(cli: &Cli, demo: Option<Arc<SimCloud>>) -> Connector {
    if let Some(sim) = demo {
        Arc::new(move || {
            let sim = sim.clone();
            Box::pin(async move { Ok(sim as Arc<dyn Account>) })
        })
    } else {
        let opts = AwsOptions {
            profile: cli.profile.clone(),
            region: cli.region.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            max_attempts: std::env::var("FIXEDIP_MAX_ATTEMPTS")
                .ok()
                .and_then(|v| v.parse().ok()),
        };
        Arc::new(move || {
            let opts = opts.clone();
            Box::pin(async move {
                let cloud = AwsCloud::connect(opts).await?;
                Ok(Arc::new(cloud) as Arc<dyn Account>)
            })
        })
    }
}

/// Read the account for a non-TUI command, with progress on stderr.
/// Resolve credentials and region; on failure say why and what to do (exit 1).
pub async fn connect(connector: &Connector) -> Result<Arc<dyn Account>, ExitCode> {
    connector().await.map_err(|e| {
        eprintln!("fixedip-tui: {e}\n  → {}", e.hint());
        ExitCode::FAILURE
    })
}

/// Read what `plan` needs of the account: the focused discovery and, beside it (the plan names
/// the zones), the records of its name and the IPs in use where its endpoint IPs are pinned.
pub async fn discover_for_plan(
    cloud: Arc<dyn Account>,
    plan: &crate::plan::Plan,
) -> discovery::Inventory {
    let lookups = async {
        let mut found = discovery::Inventory::default();
        plan_lookups(cloud.as_ref(), plan, &mut found).await;
        found
    };
    let (mut inv, found) = tokio::join!(
        discover(cloud.clone(), Some(plan.discovery_focus())),
        lookups
    );
    inv.records.extend(found.records);
    inv.used_ips.extend(found.used_ips);
    inv.used_ips_read.extend(found.used_ips_read);
    inv
}

/// What validation needs beyond discovery for this plan: the records of its name, and the IPs in
/// use where endpoint IPs are pinned.
pub async fn plan_lookups(
    cloud: &dyn Account,
    plan: &crate::plan::Plan,
    inv: &mut discovery::Inventory,
) {
    let mut zones = vec![plan.public_zone_id.clone()];
    if let crate::plan::PrivateZoneChoice::Existing { zone_id } = &plan.private_zone {
        zones.push(zone_id.clone());
    }
    for z in zones.iter().filter(|z| !z.is_empty()) {
        match cloud.list_records(z, &plan.name).await {
            Ok(r) => inv.records.extend(r),
            Err(e) => eprintln!("warning: records of {} in {z}: {e}", plan.name),
        }
    }
    if !plan.endpoint_ips.is_empty() {
        let subnets: Vec<String> = plan.endpoint_ips.keys().cloned().collect();
        if let Err(e) = discovery::read_used_ips(cloud, inv, &subnets).await {
            eprintln!(
                "warning: the IPs in use in {} could not be read: {e}",
                subnets.join(", ")
            );
        }
    }
}

/// Connect, then read the account (progress and what could not be read on stderr): all of it,
/// or what `focus` (a plan) needs.
pub async fn connect_and_discover(
    connector: &Connector,
    focus: Option<discovery::Focus>,
) -> Result<(Arc<dyn Account>, discovery::Inventory), ExitCode> {
    let cloud = connect(connector).await?;
    let inv = discover(cloud.clone(), focus).await;
    Ok((cloud, inv))
}

/// Read the account already connected to (progress and what could not be read on stderr).
pub async fn discover(
    cloud: Arc<dyn Account>,
    focus: Option<discovery::Focus>,
) -> discovery::Inventory {
    for note in &cloud.target().notes {
        eprintln!("note: {note}");
    }
    eprintln!("Reading the account ({})…", cloud.target().region);
    let inv = discovery::collect_focused(cloud.clone(), focus).await;
    for e in &inv.errors {
        eprintln!(
            "warning: {} could not be read: {}\n  → {}",
            e.source_label(),
            e.message,
            e.hint
        );
    }
    inv
}

/// Which account a command reads: the demo's, AWS's, or another endpoint's (moto, LocalStack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Demo,
    Aws,
    Endpoint,
}

impl AccountKind {
    /// The kind the global flags name (`--demo`, `--endpoint-url`, or neither).
    pub fn of(cli: &Cli) -> Self {
        match (cli.demo, &cli.endpoint_url) {
            (true, _) => AccountKind::Demo,
            (false, None) => AccountKind::Aws,
            (false, Some(_)) => AccountKind::Endpoint,
        }
    }
}
