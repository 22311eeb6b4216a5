//! The inventory of an account: every source fetched concurrently, each list read to its last page,
//! each source reporting its own progress and its own error (a denied ACM must not hide the VPCs).

use std::sync::Arc;

use futures::stream::{self, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::cloud::{execute_api_service, Cloud, CloudError, CloudResult, Target, Token};
use crate::domain::{
    CallerIdentity, Certificate, HostedZone, Page, RecordSet, RestApi, RouteTable, Subnet, Vpc,
    VpcEndpoint,
};

/// Version of the `discover --json` document. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Calls in flight at once per source for the per-item follow-up calls (DescribeVpcAttribute,
/// DescribeCertificate, GetHostedZone). Route 53 allows 5 requests/s per account: keep it low there.
const EC2_FANOUT: usize = 16;
const ACM_FANOUT: usize = 8;
const ROUTE53_FANOUT: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Identity,
    Vpcs,
    Subnets,
    Certificates,
    HostedZones,
    RestApis,
    VpcEndpoints,
    ElasticIps,
    LoadBalancers,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Identity,
        Source::Vpcs,
        Source::Subnets,
        Source::Certificates,
        Source::HostedZones,
        Source::RestApis,
        Source::VpcEndpoints,
        Source::ElasticIps,
        Source::LoadBalancers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Source::Identity => "Caller identity",
            Source::Vpcs => "VPCs",
            Source::Subnets => "Subnets & routes",
            Source::Certificates => "ACM certificates",
            Source::HostedZones => "Hosted zones",
            Source::RestApis => "REST APIs",
            Source::VpcEndpoints => "execute-api endpoints",
            Source::ElasticIps => "Elastic IPs",
            Source::LoadBalancers => "Load balancers",
        }
    }
}

/// What a source produced.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceData {
    Identity(CallerIdentity),
    Vpcs(Vec<Vpc>),
    Subnets {
        subnets: Vec<Subnet>,
        route_tables: Vec<RouteTable>,
    },
    Certificates(Vec<Certificate>),
    HostedZones(Vec<HostedZone>),
    RestApis(Vec<RestApi>),
    VpcEndpoints(Vec<VpcEndpoint>),
    ElasticIps(crate::domain::ElasticIps),
    LoadBalancers(crate::domain::ElbInventory),
}

impl SourceData {
    pub fn source(&self) -> Source {
        match self {
            SourceData::Identity(_) => Source::Identity,
            SourceData::Vpcs(_) => Source::Vpcs,
            SourceData::Subnets { .. } => Source::Subnets,
            SourceData::Certificates(_) => Source::Certificates,
            SourceData::HostedZones(_) => Source::HostedZones,
            SourceData::RestApis(_) => Source::RestApis,
            SourceData::VpcEndpoints(_) => Source::VpcEndpoints,
            SourceData::ElasticIps(_) => Source::ElasticIps,
            SourceData::LoadBalancers(_) => Source::LoadBalancers,
        }
    }
}

/// Progress of discovery, one source at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `loaded` items read so far (after each page).
    Progress {
        source: Source,
        loaded: usize,
    },
    /// A non-fatal problem: the source loaded, but some detail could not be read.
    Warning {
        source: Source,
        error: CloudError,
    },
    Loaded(SourceData),
    /// The source's items as listed, before the details each needs are read (its `Loaded`, with
    /// them, follows): the VPCs before their DNS attributes, so that a long list shows at once.
    Listed(SourceData),
    Failed {
        source: Source,
        error: CloudError,
    },
}

/// A source's error as it appears in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceError {
    pub source: Source,
    pub kind: crate::cloud::ErrorKind,
    pub action: String,
    pub code: Option<String>,
    pub message: String,
    pub hint: String,
}

impl SourceError {
    pub fn source_label(&self) -> &'static str {
        self.source.label()
    }

    fn new(source: Source, e: &CloudError) -> Self {
        Self {
            source,
            kind: e.kind,
            action: e.action.clone(),
            code: e.code.clone(),
            message: e.message.clone(),
            hint: e.hint(),
        }
    }
}

/// Everything discovered. Lists are empty until their source has loaded (see `loaded`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inventory {
    pub schema_version: u32,
    pub region: String,
    pub endpoint: Option<String>,
    pub profile: Option<String>,
    pub identity: Option<CallerIdentity>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub certificates: Vec<Certificate>,
    pub hosted_zones: Vec<HostedZone>,
    pub rest_apis: Vec<RestApi>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// The region's Elastic IPs and the account's quota of them.
    pub elastic_ips: crate::domain::ElasticIps,
    /// Network load balancers (with listeners) and IP target groups: what could be adopted.
    pub load_balancers: Vec<crate::domain::NlbInfo>,
    pub target_groups: Vec<crate::domain::TargetGroupState>,
    /// Private IPs in use in subnets looked up on demand (pinned endpoint IPs), and which
    /// subnets were looked up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_ips: Vec<crate::domain::InterfaceIp>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_ips_read: Vec<String>,
    /// Record sets looked up for specific names (the wizard asks when a name and zone are chosen).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordSet>,
    /// When discovery ran (RFC 3339, UTC): validation compares certificate expiry with it.
    pub read_at: Option<String>,
    /// Sources that loaded completely.
    pub loaded: Vec<Source>,
    pub errors: Vec<SourceError>,
    pub warnings: Vec<SourceError>,
}

impl Inventory {
    pub fn new(target: &Target) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            region: target.region.clone(),
            endpoint: target.endpoint.clone(),
            profile: target.profile.clone(),
            read_at: Some(crate::domain::now_rfc3339()),
            ..Self::default()
        }
    }

    /// Fold one discovery event in.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Progress { .. } => {}
            Event::Warning { source, error } => {
                self.warnings.push(SourceError::new(*source, error))
            }
            Event::Failed { source, error } => self.errors.push(SourceError::new(*source, error)),
            Event::Listed(data) => self.take(data.clone()),
            Event::Loaded(data) => {
                let source = data.source();
                self.take(data.clone());
                if !self.loaded.contains(&source) {
                    self.loaded.push(source);
                }
            }
        }
    }

    /// A source's data in place of what was there.
    fn take(&mut self, data: SourceData) {
        match data {
            SourceData::Identity(i) => self.identity = Some(i),
            SourceData::Vpcs(v) => self.vpcs = v,
            SourceData::Subnets {
                subnets,
                route_tables,
            } => {
                self.subnets = subnets;
                self.route_tables = route_tables;
            }
            SourceData::Certificates(c) => self.certificates = c,
            SourceData::HostedZones(z) => self.hosted_zones = z,
            SourceData::RestApis(a) => self.rest_apis = a,
            SourceData::VpcEndpoints(e) => self.vpc_endpoints = e,
            SourceData::ElasticIps(e) => self.elastic_ips = e,
            SourceData::LoadBalancers(e) => {
                self.load_balancers = e.load_balancers;
                self.target_groups = e.target_groups;
            }
        }
    }

    /// Changes whenever a list of the inventory is replaced (cheap: lengths of every list).
    pub fn generation_marker(&self) -> [usize; 7] {
        self.counts().map(|(n, _)| n)
    }

    /// How many of each kind were read, with its name: the summary the home screen shows (the
    /// records last: they are read for a plan, not shown).
    pub fn counts(&self) -> [(usize, &'static str); 7] {
        [
            (self.vpcs.len(), "VPCs"),
            (self.subnets.len(), "subnets"),
            (self.certificates.len(), "certificates"),
            (self.hosted_zones.len(), "zones"),
            (self.rest_apis.len(), "REST APIs"),
            (self.vpc_endpoints.len(), "execute-api endpoints"),
            (self.records.len(), "records"),
        ]
    }

    pub fn subnets_of<'a>(&'a self, vpc_id: &'a str) -> impl Iterator<Item = &'a Subnet> + 'a {
        self.subnets.iter().filter(move |s| s.vpc_id == vpc_id)
    }

    /// The AZs of the given subnets, sorted, each once (subnets not in the inventory are left out).
    pub fn azs_of(&self, subnet_ids: &[String]) -> Vec<String> {
        let mut azs: Vec<String> = subnet_ids
            .iter()
            .filter_map(|id| self.subnets.iter().find(|s| &s.id == id))
            .map(|s| s.az.clone())
            .collect();
        azs.sort();
        azs.dedup();
        azs
    }

    pub fn endpoints_in<'a>(
        &'a self,
        vpc_id: &'a str,
    ) -> impl Iterator<Item = &'a VpcEndpoint> + 'a {
        self.vpc_endpoints
            .iter()
            .filter(move |e| e.vpc_id == vpc_id)
    }

    pub fn private_zones_of<'a>(
        &'a self,
        vpc_id: &'a str,
    ) -> impl Iterator<Item = &'a HostedZone> + 'a {
        self.hosted_zones
            .iter()
            .filter(move |z| z.private && z.vpcs.iter().any(|v| v.vpc_id == vpc_id))
    }
}

/// One source's read: where its progress, warnings and result go, and what the plan needs of it.
#[derive(Clone, Copy)]
struct SourceRead<'a> {
    source: Source,
    cloud: &'a Arc<dyn Cloud>,
    tx: &'a UnboundedSender<Event>,
    focus: Option<&'a Focus>,
}

impl SourceRead<'_> {
    /// Read every page of a list, reporting the running count after each page.
    async fn pages<T, F, Fut>(&self, fetch: F) -> CloudResult<Vec<T>>
    where
        F: FnMut(Token) -> Fut,
        Fut: std::future::Future<Output = CloudResult<Page<T>>>,
    {
        every_page(fetch, |loaded| self.progress(loaded)).await
    }

    fn progress(&self, loaded: usize) {
        let source = self.source;
        let _ = self.tx.send(Event::Progress { source, loaded });
    }

    /// What could not be read of the source, which is shown nonetheless.
    fn warn(&self, error: CloudError) {
        let source = self.source;
        let _ = self.tx.send(Event::Warning { source, error });
    }

    /// Complete each item with a follow-up call, `fanout` at a time, keeping list order. An item
    /// whose call failed is kept as it was; the first failure is reported once as a warning.
    async fn enrich<T, U, F, Fut>(&self, items: Vec<T>, fanout: usize, complete: F) -> Vec<U>
    where
        F: Fn(T) -> Fut,
        Fut: std::future::Future<Output = (U, Option<CloudError>)>,
    {
        let results: Vec<(U, Option<CloudError>)> = stream::iter(items.into_iter().map(complete))
            .buffered(fanout)
            .collect()
            .await;
        let mut out = Vec::with_capacity(results.len());
        let mut first_err = None;
        for (item, err) in results {
            out.push(item);
            if let Some(e) = err {
                first_err.get_or_insert(e);
            }
        }
        if let Some(error) = first_err {
            self.warn(error);
        }
        out
    }
}

/// Every page of a listing, first to last; `progress` hears how many items are read after each
/// page. A token answered twice (an emulator quirk that would loop forever) ends it.
pub(crate) async fn every_page<T, F, Fut>(
    mut fetch: F,
    mut progress: impl FnMut(usize),
) -> CloudResult<Vec<T>>
where
    F: FnMut(Token) -> Fut,
    Fut: std::future::Future<Output = CloudResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut token: Token = None;
    let mut seen_tokens = std::collections::HashSet::new();
    loop {
        let page = fetch(token.take()).await?;
        items.extend(page.items);
        progress(items.len());
        match page.next {
            Some(t) if seen_tokens.insert(t.clone()) => token = Some(t),
            _ => return Ok(items),
        }
    }
}

/// How many times a source is read when it is refused for a passing reason (after the SDK's
/// own retries of each call gave up): reads are safe to repeat, and a plan must not be judged on
/// a source that was only throttled (its subnets would look "missing").
const SOURCE_ROUNDS: u32 = 3;

/// `fetch_source`, read again (after the service's Retry-After, else 2 s, 4 s) while it fails for a
/// passing reason, up to `SOURCE_ROUNDS` times.
async fn fetch_source_again_while_passing(r: SourceRead<'_>) -> Result<SourceData, CloudError> {
    let (source, mut round) = (r.source, 1);
    loop {
        match fetch_source(r).await {
            Err(e) if e.is_passing() && round < SOURCE_ROUNDS => {
                let wait = e
                    .retry_after
                    .unwrap_or(std::time::Duration::from_secs(1 << round));
                tracing::info!(?source, round, error = %e, "reading the source again in {wait:?}");
                tokio::time::sleep(wait).await;
                round += 1;
            }
            result => return result,
        }
    }
}

/// What one plan needs of the account (`apply`, the engine of a TUI apply): every list is read,
/// but the per-item follow-up calls are made only for what the plan names — its VPC's DNS
/// attributes, its certificate, the private zones its name falls in — and the load balancers
/// (one call per NLB for its listeners and tags) only when it adopts one. The rest of the
/// inventory is as a full discovery leaves it without those calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub vpc_id: String,
    pub certificate_arn: Option<String>,
    /// The plan's name: private zones named like it or a parent of it are read in full.
    pub name: String,
    /// A private zone the plan names.
    pub private_zone_id: Option<String>,
    /// Whether the load balancers are read (the plan adopts an NLB or a target group).
    pub load_balancers: bool,
}

impl Focus {
    fn wants_zone(focus: Option<&Focus>, zone: &HostedZone) -> bool {
        focus.is_none_or(|f| {
            f.private_zone_id.as_deref() == Some(zone.id.as_str())
                || crate::domain::zone_covers(&zone.name, &f.name)
        })
    }
}

/// Run discovery, sending events as they happen; returns when every source has finished.
pub async fn run(cloud: Arc<dyn Cloud>, tx: UnboundedSender<Event>) {
    run_focused(cloud, tx, None).await
}

/// `run`, making only the follow-up calls `focus` needs (all of them without one).
pub async fn run_focused(cloud: Arc<dyn Cloud>, tx: UnboundedSender<Event>, focus: Option<Focus>) {
    // A JoinSet aborts its tasks when dropped: cancelling `run` cancels every source.
    let mut tasks = tokio::task::JoinSet::new();
    let mut ids = std::collections::HashMap::new();
    for source in Source::ALL {
        let cloud = cloud.clone();
        let task_tx = tx.clone();
        let focus = focus.clone();
        let handle = tasks.spawn(async move {
            let focus = focus.as_ref();
            let (cloud, tx) = (&cloud, &task_tx);
            let r = SourceRead {
                source,
                cloud,
                tx,
                focus,
            };
            let result = fetch_source_again_while_passing(r).await;
            let _ = task_tx.send(match result {
                Ok(data) => Event::Loaded(data),
                Err(error) => Event::Failed { source, error },
            });
        });
        ids.insert(handle.id(), source);
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done {
            let Some(&source) = ids.get(&e.id()) else {
                continue;
            };
            // A source must never stay "loading" forever: report the crash as its error.
            tracing::error!(?source, "discovery task ended abnormally: {e}");
            if e.is_panic() {
                let _ = tx.send(Event::Failed {
                    source,
                    error: CloudError::new(
                        crate::cloud::ErrorKind::Other,
                        "discovery",
                        format!("reading this source crashed: {e}"),
                    ),
                });
            }
        }
    }
}

/// Run discovery to the end and return the inventory (for `discover --json` and tests).
pub async fn collect(cloud: Arc<dyn Cloud>) -> Inventory {
    collect_focused(cloud, None).await
}

/// `collect`, making only the follow-up calls `focus` needs (all of them without one).
pub async fn collect_focused(cloud: Arc<dyn Cloud>, focus: Option<Focus>) -> Inventory {
    let mut inv = Inventory::new(&cloud.target());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = tokio::spawn(run_focused(cloud, tx, focus));
    while let Some(ev) = rx.recv().await {
        inv.apply(&ev);
    }
    let _ = runner.await;
    inv.errors.sort_by_key(|e| e.source);
    inv.loaded.sort();
    inv
}

/// A page fetcher for `all_pages`: each call gets its own handle of `cloud`, so every future owns
/// what it uses (spawnable, no borrows).
macro_rules! call {
    ($cloud:expr, |$t:ident| $method:ident($($arg:ident),*)) => {{
        let cloud = $cloud.clone();
        move |$t: Token| {
            let cloud = cloud.clone();
            $(let $arg = $arg.clone();)*
            async move { cloud.$method($(&$arg,)* $t).await }
        }
    }};
}

async fn fetch_source(r: SourceRead<'_>) -> CloudResult<SourceData> {
    let SourceRead { cloud, focus, .. } = r;
    match r.source {
        Source::Identity => {
            let id = cloud.caller_identity().await?;
            r.progress(1);
            Ok(SourceData::Identity(id))
        }
        Source::Vpcs => fetch_vpcs(r).await,
        Source::Subnets => fetch_subnets(r).await,
        Source::Certificates => fetch_certificates(r).await,
        Source::HostedZones => fetch_zones(r).await,
        Source::RestApis => Ok(SourceData::RestApis(
            r.pages(call!(cloud, |t| list_rest_apis())).await?,
        )),
        Source::VpcEndpoints => {
            let svc = execute_api_service(&cloud.target().region);
            let mut eps = r.pages(call!(cloud, |t| list_vpc_endpoints(svc))).await?;
            // Endpoints on their way out (or never accepted) are listed for a while: not reusable.
            eps.retain(|e| {
                !["deleting", "deleted", "failed", "rejected", "expired"]
                    .iter()
                    .any(|gone| e.state.eq_ignore_ascii_case(gone))
            });
            Ok(SourceData::VpcEndpoints(eps))
        }
        Source::LoadBalancers if focus.is_some_and(|f| !f.load_balancers) => Ok(
            SourceData::LoadBalancers(crate::domain::ElbInventory::default()),
        ),
        Source::LoadBalancers => {
            let elb = cloud.elb_inventory().await?;
            r.progress(elb.load_balancers.len() + elb.target_groups.len());
            Ok(SourceData::LoadBalancers(elb))
        }
        Source::ElasticIps => {
            let eips = cloud.elastic_ips().await?;
            r.progress(eips.addresses.len());
            Ok(SourceData::ElasticIps(eips))
        }
    }
}

/// The VPCs with their DNS attributes, named ones first.
async fn fetch_vpcs(r: SourceRead<'_>) -> CloudResult<SourceData> {
    let SourceRead { cloud, focus, .. } = r;
    let mut vpcs = match focus {
        // The plan's VPC is known: its attributes are asked for beside the list, not after it.
        Some(f) => {
            let (listed, attributes) = tokio::join!(
                r.pages(call!(cloud, |t| list_vpcs())),
                cloud.vpc_dns_attributes(&f.vpc_id)
            );
            let mut vpcs = listed?;
            match attributes {
                Ok((support, hostnames)) => {
                    for v in vpcs.iter_mut().filter(|v| v.id == f.vpc_id) {
                        v.dns_support = Some(support);
                        v.dns_hostnames = Some(hostnames);
                    }
                }
                Err(error) => {
                    r.warn(error);
                }
            }
            vpcs
        }
        None => {
            let mut vpcs = r.pages(call!(cloud, |t| list_vpcs())).await?;
            // The list shows now; each VPC's two attributes are one call each (thousands of
            // calls in a large account, paced by EC2's limits).
            sort_vpcs(&mut vpcs);
            let _ = r.tx.send(Event::Listed(SourceData::Vpcs(vpcs.clone())));
            r.enrich(vpcs, EC2_FANOUT, |mut v| {
                let cloud = cloud.clone();
                async move {
                    match cloud.vpc_dns_attributes(&v.id).await {
                        Ok((support, hostnames)) => {
                            v.dns_support = Some(support);
                            v.dns_hostnames = Some(hostnames);
                            (v, None)
                        }
                        Err(e) => (v, Some(e)),
                    }
                }
            })
            .await
        }
    };
    sort_vpcs(&mut vpcs);
    Ok(SourceData::Vpcs(vpcs))
}

/// Named VPCs first, by name, then by id.
fn sort_vpcs(vpcs: &mut [Vpc]) {
    vpcs.sort_by(|a, b| {
        a.name
            .is_none()
            .cmp(&b.name.is_none())
            .then(a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
}

/// The subnets, classified public or private by the route tables read alongside.
async fn fetch_subnets(r: SourceRead<'_>) -> CloudResult<SourceData> {
    let cloud = r.cloud;
    // Progress counts subnets; the route tables' pages are read alongside without counting.
    let (subnets, tables) = tokio::join!(
        r.pages(call!(cloud, |t| list_subnets())),
        every_page(call!(cloud, |t| list_route_tables()), |_| {}),
    );
    let mut subnets = subnets?;
    // Without route tables the subnets are still worth showing, unclassified.
    let route_tables = tables.unwrap_or_else(|error| {
        r.warn(error);
        Vec::new()
    });
    for s in &mut subnets {
        s.reach = crate::domain::reach::classify(s, &route_tables);
    }
    subnets.sort_by(|a, b| {
        (a.vpc_id.as_str(), a.az.as_str(), a.cidr.as_str()).cmp(&(
            b.vpc_id.as_str(),
            b.az.as_str(),
            b.cidr.as_str(),
        ))
    });
    Ok(SourceData::Subnets {
        subnets,
        route_tables,
    })
}

/// The certificates, described where the list leaves out what the plan needs.
async fn fetch_certificates(r: SourceRead<'_>) -> CloudResult<SourceData> {
    let SourceRead { cloud, focus, .. } = r;
    // The plan's certificate is known: it is described beside the list, not after it.
    let arn = focus.and_then(|f| f.certificate_arn.clone());
    let (summaries, described) =
        tokio::join!(r.pages(call!(cloud, |t| list_certificates())), async {
            match &arn {
                Some(a) => Some(cloud.describe_certificate(a).await),
                None => None,
            }
        });
    let summaries = summaries?;
    if focus.is_some() {
        let described = described.and_then(|d| d.map_err(|error| r.warn(error)).ok());
        let certs = summaries
            .into_iter()
            .map(|s| match &described {
                Some(full) if full.arn == s.certificate.arn => full.clone(),
                _ => s.certificate,
            })
            .collect();
        return Ok(SourceData::Certificates(certs));
    }
    let certs = r
        .enrich(summaries, ACM_FANOUT, |s| {
            let cloud = cloud.clone();
            async move {
                if !s.needs_describe {
                    return (s.certificate, None);
                }
                match cloud.describe_certificate(&s.certificate.arn).await {
                    Ok(full) => (full, None),
                    Err(e) => (s.certificate, Some(e)),
                }
            }
        })
        .await;
    Ok(SourceData::Certificates(certs))
}

/// The hosted zones, the private ones with their VPCs.
async fn fetch_zones(r: SourceRead<'_>) -> CloudResult<SourceData> {
    let SourceRead { cloud, focus, .. } = r;
    let zones = r.pages(call!(cloud, |t| list_hosted_zones())).await?;
    let out = r
        .enrich(zones, ROUTE53_FANOUT, |z| {
            let cloud = cloud.clone();
            let wanted = Focus::wants_zone(focus, &z);
            async move {
                if !z.private || !wanted {
                    return (z, None);
                }
                match cloud.get_hosted_zone(&z.id).await {
                    Ok(full) => (
                        HostedZone {
                            vpcs: full.vpcs,
                            ..z
                        },
                        None,
                    ),
                    Err(e) => (z, Some(e)),
                }
            }
        })
        .await;
    Ok(SourceData::HostedZones(out))
}

/// Read the private IPs in use in `subnet_ids` into the inventory (pinned endpoint IPs are
/// validated against them).
pub async fn read_used_ips(
    cloud: &dyn Cloud,
    inv: &mut Inventory,
    subnet_ids: &[String],
) -> crate::cloud::CloudResult<()> {
    let todo: Vec<String> = subnet_ids
        .iter()
        .filter(|s| !inv.used_ips_read.contains(s))
        .cloned()
        .collect();
    if todo.is_empty() {
        return Ok(());
    }
    let ips = cloud.used_ips(&todo).await?;
    inv.used_ips.extend(ips);
    inv.used_ips_read.extend(todo);
    Ok(())
}
