//! The effects runner: owns the terminal and the tokio tasks, turns `Cmd`s into work and work
//! results into `Msg`s, and redraws only when a message changed something.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::EventStream;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures::StreamExt;
use ratatui::backend::Backend;
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::{self, Cmd, Model, Msg};
use crate::cloud::CloudError;
use crate::engine::{Account, EngineOptions};
use crate::ui::{self, theme::Theme};

/// How the runner obtains the account (credentials are resolved off the UI thread).
pub type Connector = Arc<
    dyn Fn() -> futures::future::BoxFuture<'static, Result<Arc<dyn Account>, CloudError>>
        + Send
        + Sync,
>;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means a task panicked mid-update of plain data: keep using it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// ≤ 10 Hz animation, and only while something is loading.
const TICK: Duration = Duration::from_millis(100);
/// Why an account read or write is refused before it starts (no account signed in).
const NOT_CONNECTED: &str = "not connected to the account";

/// Draw one frame wrapped in synchronized output (DEC 2026) so slow links never show a half frame;
/// what the frame measured goes back to the model as `Msg::Layout`.
pub fn draw<B: Backend + Write>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    theme: &Theme,
) -> std::io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let mut layout = None;
    terminal
        .draw(|f| layout = Some(ui::render_measured(f, model, theme)))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Write::flush(terminal.backend_mut())?;
    if let Some(layout) = layout {
        // Nothing to run: a layout only sets page sizes.
        let _ = app::update(model, Msg::Layout(layout));
    }
    Ok(())
}

pub struct Runner {
    connector: Connector,
    cloud: Option<Arc<dyn Account>>,
    discovery: Option<JoinHandle<()>>,
    /// What the last discovery read (folded in as its events arrive): an apply started from the
    /// wizard uses it instead of reading the account a second time.
    inventory: Arc<std::sync::Mutex<crate::discovery::Inventory>>,
    engine_opts: EngineOptions,
    started: std::time::Instant,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    cloud_tx: mpsc::UnboundedSender<Result<Arc<dyn Account>, CloudError>>,
    cloud_rx: mpsc::UnboundedReceiver<Result<Arc<dyn Account>, CloudError>>,
}

impl Runner {
    pub fn new(connector: Connector, engine_opts: EngineOptions) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let (cloud_tx, cloud_rx) = mpsc::unbounded_channel();
        Self {
            connector,
            cloud: None,
            discovery: None,
            inventory: Default::default(),
            engine_opts,
            started: std::time::Instant::now(),
            tx,
            rx,
            cloud_tx,
            cloud_rx,
        }
    }

    fn execute<B: Backend + Write>(&mut self, cmd: Cmd, terminal: &mut Terminal<B>) {
        match cmd {
            Cmd::Connect => {
                let connector = self.connector.clone();
                let out = self.cloud_tx.clone();
                tokio::spawn(async move {
                    let _ = out.send(connector().await);
                });
            }
            Cmd::Discover { generation } => self.discover(generation),
            Cmd::LookupUsedIps { subnet_ids } => self.ask(move |cloud| async move {
                let result = cloud.used_ips(&subnet_ids).await;
                Msg::UsedIps { subnet_ids, result }
            }),
            Cmd::LookupRecords { zone_ids, name } => self.lookup_records(zone_ids, name),
            Cmd::ReadVpcAttributes { vpc } => self.read_vpc_attributes(vpc),
            Cmd::ExportScript { plan, dir } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::Exported(write_scripts(&plan, &dir)));
                });
            }
            Cmd::SavePlan { plan, path } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let r = plan
                        .save(&path)
                        .map(|()| path.display().to_string())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Saved(r));
                });
            }
            Cmd::Apply(plan) | Cmd::Destroy(plan) | Cmd::ReleaseEips(plan)
                if self.cloud.is_none() =>
            {
                let _ = plan;
                let _ = self.tx.send(Msg::EngineFinished {
                    at_ms: self.started.elapsed().as_millis() as u64,
                    journal: None,
                    error: Some(NOT_CONNECTED.into()),
                });
            }
            Cmd::StopAfterRunning => {
                self.engine_opts
                    .stop
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            cmd @ (Cmd::Apply(_) | Cmd::Destroy(_) | Cmd::ReleaseEips(_)) => {
                // A fresh stop flag per run.
                self.engine_opts.stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let release_eips = matches!(cmd, Cmd::ReleaseEips(_));
                let (Some(cloud), destroy, plan) = (
                    self.cloud.clone(),
                    matches!(cmd, Cmd::Destroy(_) | Cmd::ReleaseEips(_)),
                    match cmd {
                        Cmd::Apply(p) | Cmd::Destroy(p) | Cmd::ReleaseEips(p) => p,
                        _ => return,
                    },
                ) else {
                    return;
                };
                let tx = self.tx.clone();
                let opts = EngineOptions {
                    release_eips,
                    ..self.engine_opts.clone()
                };
                let started = self.started;
                if !destroy {
                    // Keep the plan beside its journal, so `destroy --plan-id` finds it.
                    let kept = crate::plan::names::kept_plan_path(&opts.state_dir, &plan.id);
                    if let Err(e) = plan.save(&kept) {
                        tracing::warn!("could not keep the plan beside its journal: {e}");
                    }
                }
                // The wizard's inventory when it holds the plan's VPC and subnets (what the
                // engine needs of it); else the engine reads them.
                let known = {
                    let inv = lock(&self.inventory);
                    let has_vpc = inv.vpcs.iter().any(|v| v.id == plan.vpc_id);
                    let has_subnets = plan
                        .nlb_subnet_ids
                        .iter()
                        .all(|id| inv.subnets.iter().any(|s| &s.id == id));
                    (has_vpc && has_subnets).then(|| inv.clone())
                };
                spawn_engine(cloud, plan, destroy, opts, tx, started, known);
            }
            Cmd::Verify { plan, reregister } => self.verify(plan, reregister),
            Cmd::ReadSetups { generation } => self.read_setups(generation),
            Cmd::Fix { setup, changes } => self.fix(setup, changes),
            Cmd::Recover { plan_id, then } => self.recover(plan_id, then),
            Cmd::Copy(text) => {
                let seq = crossterm::clipboard::CopyToClipboard::to_clipboard_from(text);
                if let Err(e) = crossterm::execute!(terminal.backend_mut(), seq) {
                    tracing::warn!("clipboard copy failed: {e}");
                }
            }
        }
    }

    /// Run discovery in a task of its own (a refresh aborts the one before); its events come
    /// back tagged with `generation`.
    fn discover(&mut self, generation: u64) {
        let Some(cloud) = self.cloud.clone() else {
            return;
        };
        if let Some(old) = self.discovery.take() {
            old.abort();
        }
        let tx = self.tx.clone();
        let inventory = self.inventory.clone();
        *lock(&inventory) = crate::discovery::Inventory::new(&cloud.target());
        self.discovery = Some(tokio::spawn(async move {
            let (etx, mut erx) = mpsc::unbounded_channel();
            // Run discovery inside this task, so aborting it (a refresh) stops every source.
            let forward = async {
                while let Some(event) = erx.recv().await {
                    lock(&inventory).apply(&event);
                    let _ = tx.send(Msg::Discovery { generation, event });
                }
            };
            tokio::join!(crate::discovery::run(cloud, etx), forward);
        }));
    }

    /// Every fixed-IP setup of the region, read and judged as `doctor` does.
    fn read_setups(&self, generation: u64) {
        let refused = move |e| Msg::Setups {
            generation,
            result: Err(e),
        };
        self.ask_or(refused, move |cloud| async move {
            let scope = crate::doctor::Scope::All;
            let result = crate::doctor::judge(cloud.as_ref(), &scope, crate::doctor::today())
                .await
                .map(Box::new)
                .map_err(|e| format!("the load balancers could not be read: {e} → {}", e.hint()));
            Msg::Setups { generation, result }
        });
    }

    /// Make the changes that mend a finding, each recorded before and after it goes out (the
    /// record `doctor --fix` keeps); the first refusal stops the rest.
    fn fix(&self, setup: String, changes: Vec<crate::doctor::fix::Change>) {
        let log = crate::doctor::fix::FixLog::new(&self.engine_opts.state_dir);
        self.ask_or(
            |e| Msg::Fixed(Err(e)),
            move |cloud| async move {
                let unrecorded = |e: &std::io::Error| {
                    tracing::warn!("the record of fixes could not be written: {e}");
                };
                let mut ran = Vec::new();
                for change in &changes {
                    if let Err(e) = log.run(cloud.as_ref(), &setup, change, unrecorded).await {
                        let why = format!("{}: {e} → {}", change.command(), e.hint());
                        return Msg::Fixed(Err(why));
                    }
                    ran.push(change.command());
                }
                Msg::Fixed(Ok(ran))
            },
        );
    }

    /// Rebuild plan `plan_id` from the account (for verify or destroy of a setup of ours). What
    /// it made is journaled here when this machine keeps no journal of it, and the plan kept, as
    /// `status --plan-id` does on a machine that did not apply it.
    fn recover(&self, plan_id: String, then: app::AfterRecover) {
        let refused = move |e| Msg::Recovered {
            then,
            result: Err(e),
        };
        let state_dir = self.engine_opts.state_dir.clone();
        self.ask_or(refused, move |cloud| async move {
            let result = match crate::engine::recover::read(cloud.as_ref(), &plan_id).await {
                Ok(answers) => crate::engine::recover::rebuild(&answers),
                Err(e) => Err(format!("{e} → {}", e.hint())),
            };
            let result = result.map(|rec| {
                if !crate::engine::Journal::path(&state_dir, &plan_id).exists() {
                    if let Err(e) = rec.journal.save(&state_dir) {
                        tracing::warn!("the rebuilt journal is not kept: {e}");
                    }
                }
                let kept = crate::plan::names::kept_plan_path(&state_dir, &plan_id);
                if !kept.exists() {
                    if let Err(e) = rec.plan.save(&kept) {
                        tracing::warn!("the rebuilt plan is not kept: {e}");
                    }
                }
                Box::new(rec.plan)
            });
            let result = result.map_err(|why| format!("plan {plan_id}: {why}"));
            Msg::Recovered { then, result }
        });
    }

    /// Run `work` with the account in a task and send its answer back; not connected (no
    /// account signed in), `refused(why)` is sent back instead.
    fn ask_or<F, Fut>(&self, refused: impl FnOnce(String) -> Msg, work: F)
    where
        F: FnOnce(Arc<dyn Account>) -> Fut,
        Fut: std::future::Future<Output = Msg> + Send + 'static,
    {
        let Some(cloud) = self.cloud.clone() else {
            let _ = self.tx.send(refused(NOT_CONNECTED.into()));
            return;
        };
        self.spawn_answer(work(cloud));
    }

    /// Run `work` with the account in a task and send its answer back (nothing when not
    /// connected: the commands that use it are sent only once connected).
    fn ask<F, Fut>(&self, work: F)
    where
        F: FnOnce(Arc<dyn Account>) -> Fut,
        Fut: std::future::Future<Output = Msg> + Send + 'static,
    {
        if let Some(cloud) = self.cloud.clone() {
            self.spawn_answer(work(cloud));
        }
    }

    fn spawn_answer(&self, answer: impl std::future::Future<Output = Msg> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(answer.await);
        });
    }

    /// One VPC's DNS attributes, for the wizard about to start in it.
    fn read_vpc_attributes(&self, vpc: String) {
        self.ask(move |cloud| async move {
            let result = cloud.vpc_dns_attributes(&vpc).await;
            Msg::VpcAttributes { vpc, result }
        });
    }

    /// The records of `name` in each zone, for the existing-record check.
    fn lookup_records(&self, zone_ids: Vec<String>, name: String) {
        self.ask(move |cloud| async move {
            let mut found = Vec::new();
            let mut result = Ok(());
            for z in &zone_ids {
                match cloud.list_records(z, &name).await {
                    Ok(r) => found.extend(r),
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            Msg::Records {
                zone_ids,
                name,
                result: result.map(|()| found),
            }
        });
    }

    /// Run the verify checklist; each check comes back as it ends, then the report (kept).
    fn verify(&self, plan: Box<crate::plan::Plan>, reregister: bool) {
        let tx = self.tx.clone();
        let started = self.started;
        let state_dir = self.engine_opts.state_dir.clone();
        let Some(cloud) = self.cloud.clone() else {
            let mut c = crate::verify::Check::new("connect", "Account", "connected");
            c.finish(
                crate::verify::CheckState::Fail,
                NOT_CONNECTED.into(),
                Some("restart fixedip-tui once the credentials work".into()),
            );
            let _ = tx.send(Msg::VerifyFinished {
                at_ms: started.elapsed().as_millis() as u64,
                report: Box::new(crate::verify::Report::of(&plan, vec![c], vec![])),
            });
            return;
        };
        tokio::spawn(async move {
            let journal =
                crate::engine::Journal::load_or_new(&state_dir, &plan.id).unwrap_or_else(|e| {
                    tracing::warn!("verify without the journal: {e}");
                    crate::engine::Journal::new(&plan.id)
                });
            let (ctx, mut crx) = mpsc::unbounded_channel();
            let forward_tx = tx.clone();
            let forward = async move {
                while let Some(c) = crx.recv().await {
                    let _ = forward_tx.send(Msg::VerifyCheck(c));
                }
            };
            let opts = crate::verify::VerifyOptions {
                reregister,
                ..Default::default()
            };
            let run = async {
                let report = crate::verify::run(&cloud, &plan, &journal, &opts, Some(&ctx)).await;
                drop(ctx);
                report
            };
            let (report, ()) = tokio::join!(run, forward);
            if let Err(e) = report.save(&state_dir) {
                tracing::warn!("the verify report is not kept: {e}");
            }
            let _ = tx.send(Msg::VerifyFinished {
                at_ms: started.elapsed().as_millis() as u64,
                report: Box::new(report),
            });
        });
    }

    /// Run until the user quits or a signal arrives.
    pub async fn run<B: Backend + Write>(
        mut self,
        terminal: &mut Terminal<B>,
        model: &mut Model,
        theme: &Theme,
        started: Instant,
    ) -> std::io::Result<()> {
        // The first frame goes out before credentials or discovery (loading is shown, not waited for).
        draw(terminal, model, theme)?;
        tracing::info!(
            "first frame drawn {} ms after start",
            started.elapsed().as_millis()
        );
        spawn_inputs(self.tx.clone());
        for cmd in Model::init() {
            self.execute(cmd, terminal);
        }
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        while !model.quit {
            let msg = tokio::select! {
                // Keys and answers first; a filter's search goes on only while none waits.
                biased;
                Some(msg) = self.rx.recv() => msg,
                Some(res) = self.cloud_rx.recv() => match res {
                    Ok(cloud) => {
                        let target = cloud.target();
                        self.cloud = Some(cloud);
                        Msg::Connected(target)
                    }
                    Err(e) => Msg::ConnectFailed(e),
                },
                // Every message sets the model's clock first (`update_at`): a tick moves the
                // timers on screen.
                _ = ticker.tick(), if model.animating() => Msg::Tick,
                // Yields first, so the input task can deliver a key that arrived meanwhile.
                _ = tokio::task::yield_now(), if model.searching() => Msg::Work,
            };
            let now = || self.started.elapsed().as_millis() as u64;
            let mut cmds = app::update_at(model, now(), msg);
            // Drain what else is queued before drawing once (a burst of discovery events = one frame).
            while let Ok(msg) = self.rx.try_recv() {
                cmds.extend(app::update_at(model, now(), msg));
                if model.quit {
                    break;
                }
            }
            for cmd in cmds {
                self.execute(cmd, terminal);
            }
            if model.dirty && !model.quit {
                draw(terminal, model, theme)?;
            }
        }
        if let Some(d) = self.discovery.take() {
            d.abort();
        }
        Ok(())
    }
}

/// Terminal events and termination signals, as messages.
fn spawn_inputs(tx: mpsc::UnboundedSender<Msg>) {
    let keys = tx.clone();
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(ev) = events.next().await {
            match ev {
                Ok(ev) => {
                    if keys.send(Msg::Term(ev)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    let _ = keys.send(Msg::Terminate);
                    break;
                }
            }
        }
    });
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: leaving"),
            _ = hup.recv() => tracing::info!("SIGHUP: terminal gone, leaving"),
        }
        let _ = tx.send(Msg::Terminate);
    });
}

/// Run the apply or destroy in a task: its events, stamped with the runner's clock, then the
/// journal or why it stopped, come back as messages.
fn spawn_engine(
    cloud: Arc<dyn Account>,
    plan: Box<crate::plan::Plan>,
    destroy: bool,
    opts: EngineOptions,
    tx: mpsc::UnboundedSender<Msg>,
    started: Instant,
    known: Option<crate::discovery::Inventory>,
) {
    tokio::spawn(async move {
        let clock = move || started.elapsed().as_millis() as u64;
        let (etx, mut erx) = mpsc::unbounded_channel();
        let forward_tx = tx.clone();
        let forward = async move {
            while let Some(event) = erx.recv().await {
                let _ = forward_tx.send(Msg::Engine {
                    at_ms: clock(),
                    event,
                });
            }
        };
        // What the engine needs of the account (the plan's VPC and subnets, whose CIDRs make the
        // security group rules): the wizard's fresh inventory, else a read of what the plan needs.
        let inv = match known {
            Some(inv) => {
                tracing::info!(plan = %plan.id, "the engine uses the wizard's inventory (no second read)");
                inv
            }
            None => {
                crate::discovery::collect_focused(cloud.clone(), Some(plan.discovery_focus())).await
            }
        };
        let run = async {
            let direction = crate::engine::Direction::of(destroy);
            crate::engine::run(direction, &plan, &inv, cloud, opts, etx).await
        };
        let (result, ()) = tokio::join!(run, forward);
        let (journal, error) = match result {
            Ok(outcome) => {
                let error = outcome.failures.first().map(|f| f.to_string());
                (Some(Box::new(outcome.journal)), error)
            }
            Err(e) => (None, Some(e.to_string())),
        };
        let _ = tx.send(Msg::EngineFinished {
            at_ms: clock(),
            journal,
            error,
        });
    });
}

/// Write `plan`'s apply and teardown scripts into `dir` as `<id>-apply.sh` and
/// `<id>-destroy.sh` (executable, atomically); their paths, or what went wrong.
fn write_scripts(plan: &crate::plan::Plan, dir: &std::path::Path) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (what, text) in [
        ("apply", crate::export::shell(plan)),
        ("destroy", crate::export::shell_destroy(plan)),
    ] {
        let text = text.map_err(|e| e.to_string())?;
        let path = dir.join(format!("{}-{what}.sh", plan.id));
        crate::paths::write_atomic(&path, text.as_bytes(), 0o755)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
