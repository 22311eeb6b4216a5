//! Apply benchmark (not a test): the demo's clean plan on the simulated account with AWS-like
//! waits, run by the engine (steps concurrent as their inputs allow) and in the post's sequential
//! order (one step at a time). Virtual time (tokio paused clock): figures are the modelled AWS
//! durations, not this machine's speed.
//!
//!     cargo run --example apply_bench

use std::sync::Arc;
use std::time::Duration;

use fixedip_tui::cloud::sim::{Latency, SimCloud, SimOptions};
use fixedip_tui::discovery;
use fixedip_tui::engine::{self, Account, EngineOptions};
use fixedip_tui::plan::{validate, Draft};

async fn one(parallel: usize) -> Result<Duration, Box<dyn std::error::Error>> {
    let sim = Arc::new(SimCloud::demo(SimOptions {
        latency: Latency::REALISTIC,
        ..SimOptions::default()
    })?);
    let inv = discovery::collect(sim.clone()).await;
    let mut d = Draft::with_defaults();
    d.choose_vpc(&inv, "vpc-0135f36302291c303");
    d.endpoint_subnets = vec![
        "subnet-029b8fa21f8c03262".into(),
        "subnet-0186e3bc6e22fdd66".into(),
        "subnet-0ffa8020d26f8856a".into(),
    ];
    d.preselect_nlb_subnets(&inv);
    d.set_name(&inv, "fixed.example.com");
    d.certificate_arn = inv
        .certificates
        .iter()
        .find(|c| c.domain == "*.example.com")
        .map(|c| c.arn.clone());
    d.allow_cidrs = vec!["203.0.113.0/24".into()];
    let plan = d.to_plan(&inv);
    assert!(validate(&plan, &inv)
        .iter()
        .all(|f| f.severity != fixedip_tui::plan::Severity::Error));
    let state = tempfile::tempdir()?;
    let mut opts = EngineOptions::aws(state.path().to_path_buf());
    opts.max_parallel = parallel;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    let out = engine::run(
        engine::Direction::Apply,
        &plan,
        &inv,
        sim as Arc<dyn Account>,
        opts,
        tx,
    )
    .await?;
    if !out.ok() {
        return Err(format!("{:?}", out.failures).into());
    }
    Ok(start.elapsed())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()?;
    let runs = 5;
    let (mut conc, mut seq) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        conc.push(rt.block_on(one(usize::MAX))?);
        seq.push(rt.block_on(one(1))?);
    }
    conc.sort();
    seq.sort();
    let (c, s) = (conc[runs / 2], seq[runs / 2]);
    println!("apply of the clean plan, AWS-like waits (virtual time), median of {runs}:");
    println!("  engine (concurrent)        {:>7.1} s", c.as_secs_f64());
    println!("  post's order (sequential)  {:>7.1} s", s.as_secs_f64());
    println!(
        "  ratio sequential/engine    {:>7.2}x",
        s.as_secs_f64() / c.as_secs_f64()
    );
    Ok(())
}
