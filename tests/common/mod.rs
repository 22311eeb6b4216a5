//! Shared test helpers.
#![allow(dead_code)]

pub mod moto;

use std::sync::Arc;

use fixedip_tui::app::{self, Model, Msg};
use fixedip_tui::cloud::sim::{SimCloud, SimOptions};
use fixedip_tui::cloud::Cloud;
use fixedip_tui::discovery;

/// Every discovery event of a run against `cloud`, in arrival order.
pub async fn discovery_events(cloud: Arc<dyn Cloud>) -> Vec<discovery::Event> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    discovery::run(cloud, tx).await;
    let mut out = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        out.push(ev);
    }
    out
}

pub fn demo_sim() -> SimCloud {
    SimCloud::demo(SimOptions::instant()).expect("the demo account parses")
}

/// A model connected to `cloud` with the given discovery events applied (generation 1).
pub fn model_with(cloud: &dyn Cloud, events: &[discovery::Event]) -> Model {
    let mut m = Model::new(Some(
        "/home/u/.local/state/fixedip-tui/fixedip-tui.log".into(),
    ));
    let cmds = app::update(&mut m, Msg::Connected(cloud.target()));
    assert_eq!(cmds, vec![app::Cmd::Discover { generation: 1 }]);
    for ev in events {
        app::update(
            &mut m,
            Msg::Discovery {
                generation: 1,
                event: ev.clone(),
            },
        );
    }
    m
}

/// The fully discovered demo account.
pub async fn loaded_demo_model() -> Model {
    let sim = Arc::new(demo_sim());
    let events = discovery_events(sim.clone()).await;
    model_with(sim.as_ref(), &events)
}
