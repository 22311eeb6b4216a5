//! `--plain`: the wizard's eight steps as line prompts (inquire), for terminals or links where a
//! full-screen UI is unwelcome (tiny or very slow SSH sessions, session recorders).
//!
//! It fills the same [`Draft`] as the TUI and checks it with the same [`validate`]: after each step
//! that step's findings are printed; an error asks the step again, a warning needs acknowledging
//! ("Acknowledge?"), which records its code in the plan. Prompts block, so they run inside
//! `block_in_place` on a multi-thread runtime; only the record look-ups of step 7 are async.
//! Esc at a prompt goes back a step (it never quits, as in the TUI); Ctrl-C ends the run with
//! `Ok(None)` and nothing saved. The confirmed plan is saved where the user says (`--out`, or
//! asked, `<plan-id>.toml` by default).

use std::io::IsTerminal;
use std::path::Path;

use inquire::validator::Validation;
use inquire::{Confirm, CustomUserError, InquireError, MultiSelect, Select, Text};

use crate::cloud::Cloud;
use crate::discovery::Inventory;
use crate::domain::{CertStatus, Certificate, HostedZone, RecordSet, Subnet, Vpc, VpcEndpoint};
use crate::plan::review::{render_text, review};
use crate::plan::validate::{
    best_public_zone, check_base_path, check_caller_cidr, check_dns_name, check_stage,
    is_suffix_zone,
};
use crate::plan::{validate, Draft, Finding, Plan, PlanFileError, Severity, Step};

/// Why `--plain` could not produce a plan (cancelling is not an error: it is `Ok(None)`).
#[derive(Debug, thiserror::Error)]
pub enum PlainError {
    #[error("{0}")]
    NoTerminal(String),
    #[error("a prompt failed: {0}")]
    Prompt(String),
    #[error("nothing to choose from: {0}")]
    Inventory(String),
    #[error("the plan has errors the prompts cannot fix:\n{}", .0.join("\n"))]
    Blocked(Vec<String>),
    #[error(transparent)]
    Save(#[from] PlanFileError),
}

impl PlainError {
    /// Where inquire cannot run: say why, and how to do the same without a terminal.
    pub fn no_terminal(why: &str) -> Self {
        PlainError::NoTerminal(format!(
            "--plain needs an interactive terminal, and {why}.\n\
             Without one, script it instead:\n  \
             fixedip-tui discover --json > inventory.json    (the ids to choose from)\n  \
             fixedip-tui plan --out plan.toml --vpc VPC_ID [--enable-vpc-dns] \\\n      \
             --endpoint-subnets SUBNET_ID,SUBNET_ID (or --reuse-endpoint VPCE_ID) \\\n      \
             --nlb-subnets SUBNET_ID,SUBNET_ID --name api.example.com --certificate CERT_ARN \\\n      \
             --public-zone ZONE_ID (--private-zone ZONE_ID | --create-private-zone) \\\n      \
             (--api REST_API_ID | --create-api) [--stage prod] [--base-path PATH] \\\n      \
             [--allow-cidr CIDR]... [--replace-records]"
        ))
    }
}

/// Why the prompts stopped early.
enum Stop {
    /// Esc: the previous step.
    Back,
    /// Ctrl-C.
    Cancelled,
    Failed(PlainError),
}

impl From<InquireError> for Stop {
    fn from(e: InquireError) -> Self {
        match e {
            InquireError::OperationCanceled => Stop::Back,
            InquireError::OperationInterrupted => Stop::Cancelled,
            InquireError::NotTTY => {
                Stop::Failed(PlainError::no_terminal("the input is not a terminal"))
            }
            other => Stop::Failed(PlainError::Prompt(other.to_string())),
        }
    }
}

type Answer<T> = Result<T, Stop>;

/// What to do after a step.
enum Flow {
    Next,
    Again,
    Goto(Step),
    Done(Box<Plan>),
}

/// Is there a terminal inquire can drive? `Err` names what is missing.
pub fn check_terminal() -> Result<(), PlainError> {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(PlainError::no_terminal("TERM=dumb cannot show prompts"));
    }
    if !std::io::stdin().is_terminal() {
        return Err(PlainError::no_terminal("standard input is not a terminal"));
    }
    if !std::io::stderr().is_terminal() {
        return Err(PlainError::no_terminal(
            "standard error (where the prompts are drawn) is not a terminal",
        ));
    }
    Ok(())
}

/// Run the eight steps as line prompts. `Ok(None)`: the user quit (Ctrl-C), nothing saved.
/// The confirmed plan is saved (atomically) to `out_path`, or where the user answers when it is
/// `None`; the plan and the path it was saved to are returned.
/// `no_color`: `--no-color` (NO_COLOR is honoured too).
pub async fn run_plain(
    inv: &Inventory,
    cloud: &dyn Cloud,
    out_path: Option<&Path>,
    no_color: bool,
) -> Result<Option<(Plan, std::path::PathBuf)>, PlainError> {
    check_terminal()?;
    if no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        inquire::set_global_render_config(inquire::ui::RenderConfig::empty());
    }
    let mut s = Session {
        inv: inv.clone(),
        draft: Draft::with_defaults(),
    };
    s.intro();
    let mut step = Step::Vpc;
    loop {
        say(format!(
            "\nStep {}/{} · {}",
            step.index() + 1,
            Step::ALL.len(),
            step.title()
        ));
        let flow = match step {
            Step::Zones => s.ask_zones(cloud).await,
            _ => blocking(|| s.ask(step)),
        };
        match flow {
            Ok(Flow::Next) => {
                step = Step::ALL
                    .get(step.index() + 1)
                    .copied()
                    .unwrap_or(Step::Review)
            }
            Ok(Flow::Again) => {}
            Ok(Flow::Goto(to)) => step = to,
            Ok(Flow::Done(plan)) => {
                let path = match out_path {
                    Some(p) => p.to_path_buf(),
                    None => match blocking(|| ask_save_path(&plan)) {
                        Ok(p) => p,
                        Err(Stop::Back) => continue,
                        Err(Stop::Cancelled) => {
                            say("Cancelled: nothing was saved.");
                            return Ok(None);
                        }
                        Err(Stop::Failed(e)) => return Err(e),
                    },
                };
                plan.save(&path)?;
                println!("Plan {} saved to {}", plan.id, path.display());
                return Ok(Some((*plan, path)));
            }
            Err(Stop::Back) => {
                step = match step.index().checked_sub(1).and_then(|i| Step::ALL.get(i)) {
                    Some(s) => *s,
                    None => {
                        say("(Esc goes back a step; this is the first. Ctrl-C quits.)");
                        step
                    }
                };
            }
            Err(Stop::Cancelled) => {
                say("Cancelled: nothing was saved.");
                return Ok(None);
            }
            Err(Stop::Failed(e)) => return Err(e),
        }
    }
}

/// Where to save the confirmed plan (`<plan-id>.toml` in the current directory by default).
fn ask_save_path(plan: &Plan) -> Answer<std::path::PathBuf> {
    let default = format!("{}.toml", plan.id);
    let answer = Text::new("Save the plan to:")
        .with_default(&default)
        .with_help_message("a file path; the apply reads it back with --plan")
        .with_validator(checked(|s: &str| {
            let p = Path::new(s.trim());
            match p.parent().filter(|d| !d.as_os_str().is_empty()) {
                Some(d) if !d.is_dir() => Err(format!("{} is not a directory", d.display())),
                _ if s.trim().is_empty() => Err("type a file path".to_string()),
                _ => Ok(()),
            }
        }))
        .prompt()?;
    Ok(std::path::PathBuf::from(answer.trim()))
}

/// Run a blocking prompt without starving the runtime (on a current-thread runtime, as in some
/// tests, there is nothing else to starve: run it in place).
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// The conversation goes to stderr, like inquire's prompts, so stdout keeps only the result.
fn say(line: impl AsRef<str>) {
    eprintln!("{}", line.as_ref());
}

/// Where the `chosen` ids stand among `ids`: a multi-select's defaults.
fn positions<'a>(ids: impl Iterator<Item = &'a str>, chosen: &[String]) -> Vec<usize> {
    ids.enumerate()
        .filter(|(_, id)| chosen.iter().any(|c| c == id))
        .map(|(i, _)| i)
        .collect()
}

/// A pick between a first option (`labels[0]`: make one, none…) and `items` (a label each after
/// it), starting on item `current` when there is one. `None`: the first option.
fn select_item<'a, T>(
    message: &str,
    labels: Vec<String>,
    items: &'a [T],
    current: Option<usize>,
) -> Answer<Option<&'a T>> {
    let i = select(message, labels, current.map_or(0, |i| i + 1))?;
    Ok(i.checked_sub(1).and_then(|i| items.get(i)))
}

fn select(message: &str, labels: Vec<String>, start: usize) -> Answer<usize> {
    let n = labels.len();
    if n == 0 {
        return Err(Stop::Failed(PlainError::Inventory(format!(
            "{message} (no option)"
        ))));
    }
    let ans = Select::new(message, labels)
        .with_starting_cursor(start.min(n - 1))
        .with_page_size(n.min(10))
        .raw_prompt()?;
    Ok(ans.index)
}

fn multi_select(message: &str, labels: Vec<String>, defaults: &[usize]) -> Answer<Vec<usize>> {
    let n = labels.len();
    if n == 0 {
        return Ok(vec![]);
    }
    // The answer line lists the short names only (the first column, or the id when unnamed).
    let short = &|opts: &[inquire::list_option::ListOption<&String>]| {
        let names: Vec<&str> = opts
            .iter()
            .map(|o| {
                let mut cols = o.value.split("  ");
                match cols.next() {
                    Some("(no name)") | None => cols.next().unwrap_or(""),
                    Some(first) => first,
                }
            })
            .collect();
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    };
    let ans = MultiSelect::new(message, labels)
        .with_default(defaults)
        .with_formatter(short)
        .with_page_size(n.min(12))
        .raw_prompt()?;
    Ok(ans.into_iter().map(|o| o.index).collect())
}

fn confirm(message: &str) -> Answer<bool> {
    Ok(Confirm::new(message).with_default(false).prompt()?)
}

/// A validator from one of `validate`'s field checks.
fn checked<T>(
    check: impl Fn(&str) -> Result<T, String> + Clone,
) -> impl Fn(&str) -> Result<Validation, CustomUserError> + Clone {
    move |s: &str| {
        Ok(match check(s.trim()) {
            Ok(_) => Validation::Valid,
            Err(why) => Validation::Invalid(why.into()),
        })
    }
}

fn on_off(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "?",
    }
}

fn vpc_label(v: &Vpc) -> String {
    let dns = match (v.dns_support, v.dns_hostnames) {
        (Some(true), Some(true)) => "DNS on".to_string(),
        (s, h) => format!("DNS support {}, hostnames {}", on_off(s), on_off(h)),
    };
    format!(
        "{}  {}  {}  {dns}{}",
        v.name.as_deref().unwrap_or("(no name)"),
        v.id,
        v.cidr,
        if v.is_default { "  (default VPC)" } else { "" }
    )
}

fn subnet_label(s: &Subnet) -> String {
    format!(
        "{}  {}  {}  {}  {} free",
        s.name.as_deref().unwrap_or("(no name)"),
        s.id,
        s.az,
        s.cidr,
        s.free_ips
    )
}

fn is_public(s: &Subnet) -> bool {
    s.reach.as_ref().is_some_and(|r| r.public)
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

fn arn_tail(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Why a certificate cannot serve `name` (None: it can).
fn cert_unusable(c: &Certificate, name: &str, region: &str) -> Option<String> {
    if c.arn.split(':').nth(3).is_some_and(|r| r != region) {
        return Some("another region".into());
    }
    if !c.covers(name) {
        return Some("other name".into());
    }
    match c.status {
        CertStatus::Issued => None,
        CertStatus::PendingValidation => Some("pending validation".into()),
        CertStatus::Expired => Some("expired".into()),
        other => Some(other.as_str().to_ascii_lowercase().replace('_', " ")),
    }
}

fn endpoint_summary(e: &VpcEndpoint, inv: &Inventory) -> String {
    let azs = inv.azs_of(&e.subnet_ids);
    format!(
        "{}, private DNS {}, subnets in {}",
        e.state,
        if e.private_dns { "on" } else { "off" },
        if azs.is_empty() {
            "no known AZ".to_string()
        } else {
            azs.join(", ")
        }
    )
}

fn print_finding(f: &Finding, acknowledged: bool) {
    let tag = match f.severity {
        Severity::Error => "error",
        Severity::Warning if acknowledged => "warning (acknowledged)",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    say(format!("  {tag}: {}", f.message));
    let settled = f.severity == Severity::Warning && acknowledged;
    if !f.fix.is_empty() && !settled {
        say(format!("    → {}", f.fix));
    }
}

struct Session {
    /// The caller's inventory plus the records looked up in step 7.
    inv: Inventory,
    draft: Draft,
}

impl Session {
    fn intro(&self) {
        let account = self
            .inv
            .identity
            .as_ref()
            .map(|i| i.account.as_str())
            .unwrap_or("?");
        let sim = if self.inv.endpoint.as_deref() == Some(crate::cloud::SIMULATED_ENDPOINT) {
            " (simulated)"
        } else {
            ""
        };
        say(format!(
            "fixedip-tui --plain · account {account}{sim} · {}",
            self.inv.region
        ));
        say("Eight steps, then a review. Esc goes back a step; Ctrl-C quits without saving.");
        for e in &self.inv.errors {
            say(format!(
                "warning: {} could not be read ({}): those choices are missing",
                e.source_label(),
                e.message
            ));
        }
    }

    fn ask(&mut self, step: Step) -> Answer<Flow> {
        match step {
            Step::Vpc => self.ask_vpc(),
            Step::EndpointSubnets => self.ask_endpoint(),
            Step::NlbSubnets => self.ask_nlb(),
            Step::NameCertificate => self.ask_name_certificate(),
            Step::Api => self.ask_api(),
            Step::Callers => self.ask_callers(),
            // Async: run_plain calls ask_zones itself.
            Step::Zones => Ok(Flow::Goto(Step::Zones)),
            Step::Review => self.ask_review(),
        }
    }

    fn vpc_id(&self) -> String {
        self.draft.vpc_id.clone().unwrap_or_default()
    }

    fn acknowledge(&mut self, code: &str) {
        if !self.draft.acknowledged.iter().any(|c| c == code) {
            self.draft.acknowledged.push(code.to_string());
        }
    }

    /// Print the step's findings. Errors: ask again (false). Warnings: ask to acknowledge each.
    fn settle(&mut self, step: Step) -> Answer<bool> {
        let plan = self.draft.to_plan(&self.inv);
        let findings: Vec<Finding> = validate(&plan, &self.inv)
            .into_iter()
            .filter(|f| f.step == step)
            .collect();
        for f in &findings {
            print_finding(f, plan.acknowledged.iter().any(|c| c == f.code));
        }
        if findings.iter().any(|f| f.severity == Severity::Error) {
            say("Fix the error above: asking again.");
            return Ok(false);
        }
        for f in &findings {
            if f.severity == Severity::Warning
                && !self.draft.acknowledged.iter().any(|c| c == f.code)
            {
                if !confirm(&format!("Acknowledge? ({})", f.message))? {
                    say("Not acknowledged: asking again.");
                    return Ok(false);
                }
                self.acknowledge(f.code);
            }
        }
        Ok(true)
    }

    fn next_or_again(&mut self, step: Step) -> Answer<Flow> {
        Ok(if self.settle(step)? {
            Flow::Next
        } else {
            Flow::Again
        })
    }

    // ---- 1. VPC ----
    fn ask_vpc(&mut self) -> Answer<Flow> {
        let vpcs = self.inv.vpcs.clone();
        if vpcs.is_empty() {
            return Err(Stop::Failed(PlainError::Inventory(format!(
                "no VPC was found in {}",
                self.inv.region
            ))));
        }
        // The VPC chosen before, else the recommended one (as the TUI's list).
        let start = self
            .draft
            .vpc_id
            .clone()
            .or_else(|| crate::plan::draft::recommended_vpc(&self.inv).map(|v| v.id.clone()))
            .and_then(|id| vpcs.iter().position(|v| v.id == id))
            .unwrap_or(0);
        let i = select(
            "VPC for the setup:",
            vpcs.iter().map(vpc_label).collect(),
            start,
        )?;
        let Some(vpc) = vpcs.get(i) else {
            return Ok(Flow::Again);
        };
        self.draft.choose_vpc(&self.inv, &vpc.id);
        let off = vpc.dns_off();
        if off.is_empty() {
            self.draft.enable_vpc_dns = false;
            if vpc.dns_support.is_none() || vpc.dns_hostnames.is_none() {
                say("  note: the VPC's DNS attributes could not be read; the apply checks them.");
            }
        } else {
            say(format!(
                "{} is off in {}: private DNS on the execute-api endpoint needs both enableDnsSupport and enableDnsHostnames.",
                off.join(" and "),
                vpc.id
            ));
            if !confirm("Turn them on during apply?")? {
                say("Then pick another VPC.");
                return Ok(Flow::Again);
            }
            self.draft.enable_vpc_dns = true;
            self.acknowledge("vpc-dns-will-change");
        }
        self.next_or_again(Step::Vpc)
    }

    // ---- 2. Endpoint ----
    fn ask_endpoint(&mut self) -> Answer<Flow> {
        let vpc_id = self.vpc_id();
        let endpoints: Vec<VpcEndpoint> = self.inv.endpoints_in(&vpc_id).cloned().collect();
        if let Some(ep) = endpoints.iter().find(|e| e.private_dns) {
            self.draft.reuse_endpoint = Some(ep.id.clone());
            self.draft.endpoint_subnets.clear();
            self.draft.preselect_nlb_subnets(&self.inv);
            say(format!(
                "Reusing execute-api endpoint {} ({}): {vpc_id} already has it with private DNS, and AWS rejects a second one there (\"conflicting DNS domain\").",
                ep.id,
                endpoint_summary(ep, &self.inv)
            ));
            return Ok(if self.settle(Step::EndpointSubnets)? {
                Flow::Next
            } else {
                say("Then pick another VPC.");
                Flow::Goto(Step::Vpc)
            });
        }
        if !endpoints.is_empty() {
            let mut labels = vec!["Create a new execute-api endpoint (private DNS on)".to_string()];
            labels.extend(
                endpoints
                    .iter()
                    .map(|e| format!("Reuse {} ({})", e.id, endpoint_summary(e, &self.inv))),
            );
            let current = self.draft.reuse_endpoint.as_ref();
            let now = current.and_then(|id| endpoints.iter().position(|e| &e.id == id));
            if let Some(ep) = select_item("execute-api endpoint:", labels, &endpoints, now)? {
                self.draft.reuse_endpoint = Some(ep.id.clone());
                self.draft.endpoint_subnets.clear();
                self.draft.preselect_nlb_subnets(&self.inv);
                return self.next_or_again(Step::EndpointSubnets);
            }
        }
        self.draft.reuse_endpoint = None;
        let mut subnets: Vec<Subnet> = self.inv.subnets_of(&vpc_id).cloned().collect();
        if subnets.is_empty() {
            say(format!("{vpc_id} has no subnet: pick another VPC."));
            return Ok(Flow::Goto(Step::Vpc));
        }
        // Private first, then unknown, then public; a tier's subnets together.
        let rank = |s: &Subnet| match &s.reach {
            Some(r) if r.public => 2,
            Some(_) => 0,
            None => 1,
        };
        subnets.sort_by(|a, b| {
            (rank(a), &a.name, &a.az, &a.id).cmp(&(rank(b), &b.name, &b.az, &b.id))
        });
        let labels: Vec<String> = subnets
            .iter()
            .map(|s| {
                let tag = match &s.reach {
                    Some(r) if r.public => "  [public]",
                    Some(_) => "",
                    None => "  [route unknown]",
                };
                format!("{}{tag}", subnet_label(s))
            })
            .collect();
        let ids = subnets.iter().map(|s| s.id.as_str());
        let defaults = positions(ids, &self.draft.endpoint_subnets);
        say("Pick private subnets for the endpoint: one per AZ, at least two AZs (space toggles, enter accepts).");
        let picked = multi_select("Endpoint subnets:", labels, &defaults)?;
        let chosen: Vec<&Subnet> = picked.iter().filter_map(|&i| subnets.get(i)).collect();
        let public: Vec<&&Subnet> = chosen.iter().filter(|s| is_public(s)).collect();
        if public.is_empty() {
            self.draft.allow_public_endpoint_subnets = false;
        } else {
            for s in &public {
                let why = s.reach.as_ref().map(|r| r.reason.as_str()).unwrap_or("");
                say(format!("{} is public ({why}).", s.id));
            }
            say("The endpoint belongs in private subnets: only the NLB should face the internet.");
            if !confirm("Put the endpoint in the public subnet(s) anyway?")? {
                self.draft.endpoint_subnets = chosen
                    .iter()
                    .filter(|s| !is_public(s))
                    .map(|s| s.id.clone())
                    .collect();
                return Ok(Flow::Again);
            }
            self.draft.allow_public_endpoint_subnets = true;
            self.acknowledge("endpoint-subnet-public-override");
        }
        self.draft.endpoint_subnets = chosen.iter().map(|s| s.id.clone()).collect();
        self.draft.preselect_nlb_subnets(&self.inv);
        self.next_or_again(Step::EndpointSubnets)
    }

    // ---- 3. NLB subnets ----
    fn ask_nlb(&mut self) -> Answer<Flow> {
        let vpc_id = self.vpc_id();
        let azs = self.draft.endpoint_azs(&self.inv);
        let mut candidates: Vec<Subnet> = self
            .inv
            .subnets_of(&vpc_id)
            .filter(|s| s.reach.as_ref().is_none_or(|r| r.public))
            .cloned()
            .collect();
        candidates.sort_by(|a, b| (&a.az, &a.name, &a.id).cmp(&(&b.az, &b.name, &b.id)));
        let back = if self.draft.reuse_endpoint.is_some() {
            Step::Vpc
        } else {
            Step::EndpointSubnets
        };
        if candidates.is_empty() {
            say(format!(
                "{vpc_id} has no public subnet (none routes 0.0.0.0/0 to an internet gateway): an internet-facing NLB needs one in each endpoint AZ."
            ));
            return Ok(Flow::Goto(Step::Vpc));
        }
        let min = crate::plan::validate::NLB_MIN_FREE_IPS;
        let uncovered: Vec<&String> = azs
            .iter()
            .filter(|az| !candidates.iter().any(|s| &s.az == *az && s.free_ips >= min))
            .collect();
        if !uncovered.is_empty() {
            let list: Vec<&str> = uncovered.iter().map(|s| s.as_str()).collect();
            say(format!(
                "No usable public subnet (≥ {min} free IPs) in {}, where the endpoint is: the NLB needs one in each endpoint AZ. {}",
                list.join(", "),
                if back == Step::Vpc {
                    "Pick another VPC."
                } else {
                    "Pick endpoint subnets in AZs that have one."
                }
            ));
            return Ok(Flow::Goto(back));
        }
        say(format!(
            "The endpoint is in {}: pick one public subnet in each of these AZs (the NLB gets one fixed IP per AZ).",
            azs.join(", ")
        ));
        let labels: Vec<String> = candidates
            .iter()
            .map(|s| {
                let mut l = subnet_label(s);
                if s.reach.is_none() {
                    l.push_str("  [route unknown]");
                }
                if !azs.contains(&s.az) {
                    l.push_str("  [no endpoint in this AZ]");
                }
                if s.free_ips < min {
                    l.push_str(&format!("  [needs ≥ {min} free IPs]"));
                }
                l
            })
            .collect();
        let ids = candidates.iter().map(|s| s.id.as_str());
        let defaults = positions(ids, &self.draft.nlb_subnets);
        let picked = multi_select("NLB subnets:", labels, &defaults)?;
        self.draft.nlb_subnets = picked
            .iter()
            .filter_map(|&i| candidates.get(i))
            .map(|s| s.id.clone())
            .collect();
        self.ask_eips()?;
        self.next_or_again(Step::NlbSubnets)
    }

    /// The NLB's public IPs: new Elastic IPs (the default), yours, or NLB-assigned.
    fn ask_eips(&mut self) -> Answer<()> {
        use crate::plan::EipChoice;
        let n = self.draft.nlb_subnets.len();
        let free: Vec<crate::domain::ElasticIp> = self
            .inv
            .elastic_ips
            .addresses
            .iter()
            .filter(|e| !e.in_use())
            .cloned()
            .collect();
        let mut labels = vec![
            format!("{n} new Elastic IPs (fixed even if the NLB is recreated; destroy keeps them)"),
            "NLB-assigned IPs (they change if the NLB is ever recreated)".to_string(),
        ];
        if free.len() >= n && n > 0 {
            labels.push(format!(
                "Your unassociated Elastic IPs ({} available)",
                free.len()
            ));
        }
        let start = match self.draft.eips {
            EipChoice::New => 0,
            EipChoice::None => 1,
            EipChoice::Existing { .. } => 2,
        };
        match select("The NLB's public IPs:", labels, start)? {
            0 => self.draft.eips = EipChoice::New,
            1 => self.draft.eips = EipChoice::None,
            _ => {
                let labels: Vec<String> = free
                    .iter()
                    .map(|e| {
                        format!(
                            "{}  {}  {}",
                            e.name().unwrap_or_else(|| "(no name)".into()),
                            e.public_ip,
                            e.allocation_id
                        )
                    })
                    .collect();
                say(format!(
                    "Pick {n}: they go to the NLB subnets in the order listed ({}).",
                    self.draft.nlb_subnets.join(", ")
                ));
                let picked = multi_select("Elastic IPs:", labels, &[])?;
                self.draft.eips = EipChoice::Existing {
                    allocation_ids: picked
                        .iter()
                        .filter_map(|&i| free.get(i))
                        .map(|e| e.allocation_id.clone())
                        .collect(),
                };
            }
        }
        Ok(())
    }

    // ---- 4. Name and certificate ----
    fn ask_name_certificate(&mut self) -> Answer<Flow> {
        let current = self.draft.name.clone();
        let mut prompt = Text::new("Public DNS name of the API (e.g. api.example.com):")
            .with_validator(checked(check_dns_name));
        if !current.is_empty() {
            prompt = prompt.with_default(&current);
        }
        let name = prompt.prompt()?;
        self.draft.set_name(&self.inv, &name);
        let name = self.draft.name.clone();
        let region = self.inv.region.clone();
        let mut usable: Vec<Certificate> = Vec::new();
        let mut others: Vec<(Certificate, String)> = Vec::new();
        for c in &self.inv.certificates {
            match cert_unusable(c, &name, &region) {
                None => usable.push(c.clone()),
                Some(why) => others.push((c.clone(), why)),
            }
        }
        // Those that cover the name but are not ISSUED, one a line; those for other names, in one.
        for (c, why) in others.iter().filter(|(c, _)| c.covers(&name)) {
            say(format!(
                "  not usable: {} (…/{}): {why}",
                c.domain,
                arn_tail(&c.arn)
            ));
        }
        let elsewhere: Vec<&str> = others
            .iter()
            .filter(|(c, _)| !c.covers(&name))
            .map(|(c, _)| c.domain.as_str())
            .collect();
        const SHOWN: usize = 6;
        if !elsewhere.is_empty() {
            let more = elsewhere.len().saturating_sub(SHOWN);
            say(format!(
                "  not usable (other name): {}{}",
                elsewhere[..elsewhere.len().min(SHOWN)].join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if usable.is_empty() {
            say(format!(
                "No ISSUED certificate in {region} covers {name}: request one in ACM (DNS validation) for the name or its wildcard, or type another name."
            ));
            return Ok(Flow::Again);
        }
        // Exact names before wildcards.
        usable.sort_by_key(|c| c.domain.starts_with("*."));
        let label = |c: &Certificate| {
            let sans: Vec<&str> = c
                .sans
                .iter()
                .filter(|s| **s != c.domain)
                .map(|s| s.as_str())
                .take(3)
                .collect();
            format!(
                "{}{}  expires {}  …/{}",
                c.domain,
                if sans.is_empty() {
                    String::new()
                } else {
                    format!(" (also {})", sans.join(", "))
                },
                c.not_after
                    .as_deref()
                    .and_then(|d| d.get(..10))
                    .unwrap_or("?"),
                arn_tail(&c.arn)
            )
        };
        let i = if usable.len() == 1 {
            say(format!(
                "Certificate: {} (the only ISSUED one in {region} that covers {name})",
                label(&usable[0])
            ));
            0
        } else {
            let start = self
                .draft
                .certificate_arn
                .as_ref()
                .and_then(|a| usable.iter().position(|c| &c.arn == a))
                .unwrap_or(0);
            select(
                &format!("Certificate for {name}:"),
                usable.iter().map(label).collect(),
                start,
            )?
        };
        self.draft.certificate_arn = usable.get(i).map(|c| c.arn.clone());
        self.next_or_again(Step::NameCertificate)
    }

    // ---- 5. API ----
    fn ask_api(&mut self) -> Answer<Flow> {
        let apis = self.inv.rest_apis.clone();
        let mut labels = vec!["Create a new minimal API (MOCK GET /ping)".to_string()];
        labels.extend(apis.iter().map(|a| {
            format!(
                "{} ({})  {}  {}",
                a.name,
                a.id,
                if a.endpoint_types.is_empty() {
                    "?".to_string()
                } else {
                    a.endpoint_types.join(",")
                },
                if a.vpc_endpoint_ids.is_empty() {
                    "not bound to an endpoint".to_string()
                } else {
                    format!("bound to {}", a.vpc_endpoint_ids.join(", "))
                }
            )
        }));
        let current = self.draft.adopt_api.as_ref();
        let now = current.and_then(|id| apis.iter().position(|a| &a.id == id));
        let api = select_item("API to serve:", labels, &apis, now)?;
        self.draft.adopt_api = api.map(|a| a.id.clone());
        let stage_default = if self.draft.stage.is_empty() {
            crate::plan::draft::DEFAULT_STAGE.to_string()
        } else {
            self.draft.stage.clone()
        };
        let stage = Text::new("Stage name:")
            .with_default(&stage_default)
            .with_validator(checked(check_stage))
            .prompt()?;
        self.draft.stage = stage.trim().to_string();
        let current = self.draft.base_path.clone();
        let mut prompt = Text::new("Base path (empty: the root of the domain):")
            .with_validator(checked(check_base_path));
        if !current.is_empty() {
            prompt = prompt.with_initial_value(&current);
        }
        self.draft.base_path = prompt.prompt()?.trim().to_string();
        self.next_or_again(Step::Api)
    }

    // ---- 6. Who may call ----
    fn ask_callers(&mut self) -> Answer<Flow> {
        say("Who may call: the partner's egress IPv4 ranges (CIDR or single address) become the only inbound rules of the NLB's security group (change them later with `fixedip-tui allow`). An empty list lets the whole internet in.");
        let mut list: Vec<String> = Vec::new();
        loop {
            let taken: Vec<ipnet::Ipv4Net> = list
                .iter()
                .filter_map(|c| check_caller_cidr(c).ok())
                .map(|n| n.trunc())
                .collect();
            let line = Text::new(&format!(
                "Caller CIDR #{} (empty line: done):",
                list.len() + 1
            ))
            .with_validator(checked(move |s: &str| {
                if s.is_empty() {
                    return Ok(());
                }
                let net = check_caller_cidr(s)?;
                if taken.contains(&net.trunc()) {
                    return Err(format!("{} is already in the list", net.trunc()));
                }
                Ok(())
            }))
            .prompt()?;
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            list.push(line.to_string());
        }
        if list.is_empty() {
            say("No allow-list: the whole internet can reach the API through the NLB (the sourceVpc policy admits everything that came through it).");
            if !confirm("Leave it open to the whole internet?")? {
                return Ok(Flow::Again);
            }
            self.acknowledge("callers-whole-internet");
        }
        self.draft.allow_cidrs = list;
        // Callers inside the VPC: the private zone sends them straight to the endpoint.
        let vpc_id = self.vpc_id();
        let answer = Text::new(&format!(
            "Who inside {vpc_id} may call the API directly (vpc = the whole VPC, none, or CIDRs / sg-… comma-separated):"
        ))
        .with_default(&if self.draft.vpc_callers.is_empty() {
            "none".to_string()
        } else {
            self.draft.vpc_callers.join(",")
        })
        .with_validator(checked(|s: &str| {
            crate::plan::parse_vpc_callers(s).map(|_| ())
        }))
        .prompt()?;
        self.draft.vpc_callers = crate::plan::parse_vpc_callers(&answer).unwrap_or_default();
        if self.draft.vpc_callers.is_empty() {
            say("Nobody inside the VPC: callers there resolve the name to the endpoint and time out (the private zone serves no one).");
            if !confirm("Keep callers inside the VPC out?")? {
                return Ok(Flow::Again);
            }
            self.acknowledge("vpc-callers-none");
        }
        self.next_or_again(Step::Callers)
    }

    // ---- 7. Zones (the record look-ups are async) ----
    async fn ask_zones(&mut self, cloud: &dyn Cloud) -> Answer<Flow> {
        let Some(asked_public) = self.ask_public_zone()? else {
            return Ok(Flow::Goto(Step::NameCertificate));
        };
        let asked = self.ask_private_zone()? || asked_public;
        let zones: Vec<String> = self
            .draft
            .public_zone_id
            .iter()
            .chain(self.draft.private_zone_id.iter())
            .cloned()
            .collect();
        self.read_records(cloud, &zones).await;
        if !self.ask_replace_records(&zones)? {
            return Ok(Flow::Goto(Step::NameCertificate));
        }
        let ok = blocking(|| self.settle(Step::Zones))?;
        Ok(match (ok, asked) {
            (true, _) => Flow::Next,
            (false, true) => Flow::Again,
            (false, false) => Flow::Goto(Step::NameCertificate),
        })
    }

    /// The public zone of the name: `None` when the account has none (choose another name), else
    /// whether the user was asked (more than one matches).
    fn ask_public_zone(&mut self) -> Answer<Option<bool>> {
        let name = self.draft.name.clone();
        let mut asked = false;
        let mut publics: Vec<HostedZone> = self
            .inv
            .hosted_zones
            .iter()
            .filter(|z| !z.private && is_suffix_zone(&z.name, &name))
            .cloned()
            .collect();
        publics.sort_by_key(|z| std::cmp::Reverse(z.name.len()));
        if publics.is_empty() {
            say(format!(
                "No public hosted zone in this account is a suffix of {name}: create it (and delegate it), or type another name."
            ));
            return Ok(None);
        }
        let best = best_public_zone(&self.inv, &name).map(|z| z.id.clone());
        let i = if publics.len() == 1 {
            say(format!(
                "Public zone: {} ({}), the zone {name} belongs to.",
                publics[0].name, publics[0].id
            ));
            0
        } else {
            asked = true;
            let start = self
                .draft
                .public_zone_id
                .as_ref()
                .or(best.as_ref())
                .and_then(|id| publics.iter().position(|z| &z.id == id))
                .unwrap_or(0);
            let labels = publics
                .iter()
                .map(|z| {
                    let rec = if Some(&z.id) == best.as_ref() {
                        "  (longest match: recommended)"
                    } else {
                        ""
                    };
                    format!("{} ({}){rec}", z.name, z.id)
                })
                .collect();
            blocking(|| select(&format!("Public zone for {name}:"), labels, start))?
        };
        self.draft.public_zone_id = publics.get(i).map(|z| z.id.clone());
        Ok(Some(asked))
    }

    /// The private zone: a new one, or one of the VPC's that covers the name. Whether the user was
    /// asked.
    fn ask_private_zone(&mut self) -> Answer<bool> {
        let name = self.draft.name.clone();
        let vpc_id = self.vpc_id();
        let mut asked = false;
        let mut privates: Vec<HostedZone> = self
            .inv
            .private_zones_of(&vpc_id)
            .filter(|z| is_suffix_zone(&z.name, &name))
            .cloned()
            .collect();
        privates.sort_by_key(|z| std::cmp::Reverse(z.name.len()));
        if privates.is_empty() {
            self.draft.private_zone_id = None;
            say(format!(
                "Private zone: a new zone {name} will be created and associated with {vpc_id} (recommended: a parent-domain zone shadows every other name under it inside the VPC)."
            ));
        } else {
            asked = true;
            let mut labels = vec![format!(
                "Create private zone {name} (recommended: a parent-domain zone shadows every other name under it inside the VPC)"
            )];
            labels.extend(privates.iter().map(|z| {
                let shadow = if same_name(&z.name, &name) {
                    ""
                } else {
                    "  [parent domain: shadows its other names inside the VPC]"
                };
                format!("Existing private zone {} ({}){shadow}", z.name, z.id)
            }));
            let start = self
                .draft
                .private_zone_id
                .as_ref()
                .and_then(|id| privates.iter().position(|z| &z.id == id))
                .or_else(|| privates.iter().position(|z| same_name(&z.name, &name)))
                .map_or(0, |i| i + 1);
            let i = blocking(|| select("Private zone:", labels, start))?;
            self.draft.private_zone_id = i
                .checked_sub(1)
                .and_then(|i| privates.get(i))
                .map(|z| z.id.clone());
        }
        Ok(asked)
    }

    /// Read again what the name has in the chosen zones (a failed read is said; the apply checks
    /// again before changing anything).
    async fn read_records(&mut self, cloud: &dyn Cloud, zones: &[String]) {
        let name = self.draft.name.clone();
        for zone in zones {
            match cloud.list_records(zone, &name).await {
                Ok(found) => {
                    self.inv
                        .records
                        .retain(|r| !(r.zone_id == *zone && same_name(&r.name, &name)));
                    self.inv.records.extend(found);
                }
                Err(e) => say(format!(
                    "  warning: could not read the records of {name} in zone {zone} ({e}); the apply checks again before changing anything."
                )),
            }
        }
    }

    /// Records the name already has there: replace them (said, acknowledged) or choose another
    /// name (`false`).
    fn ask_replace_records(&mut self, zones: &[String]) -> Answer<bool> {
        let name = self.draft.name.clone();
        let conflicts: Vec<RecordSet> = self
            .inv
            .records
            .iter()
            .filter(|r| {
                zones.contains(&r.zone_id)
                    && same_name(&r.name, &name)
                    && ["A", "AAAA", "CNAME"].contains(&r.record_type.as_str())
            })
            .cloned()
            .collect();
        if conflicts.is_empty() {
            self.draft.replace_records = false;
        } else {
            say(format!("{name} already has:"));
            for r in &conflicts {
                let zone = self
                    .inv
                    .hosted_zones
                    .iter()
                    .find(|z| z.id == r.zone_id)
                    .map(|z| {
                        format!(
                            "{} zone {}",
                            if z.private { "private" } else { "public" },
                            z.name
                        )
                    })
                    .unwrap_or_else(|| "zone".to_string());
                let target = r
                    .alias_target
                    .clone()
                    .map(|t| format!("alias {t}"))
                    .unwrap_or_else(|| r.values.join(", "));
                say(format!(
                    "  {} {} in {zone} ({}) → {target}",
                    r.record_type, r.name, r.zone_id
                ));
            }
            let replace = blocking(|| {
                confirm(if conflicts.len() == 1 {
                    "Replace it? (destroy puts it back)"
                } else {
                    "Replace them? (destroy puts them back)"
                })
            })?;
            if !replace {
                self.draft.replace_records = false;
                say("Kept: choose another name.");
                return Ok(false);
            }
            self.draft.replace_records = true;
            self.acknowledge("record-will-be-replaced");
        }
        Ok(true)
    }

    // ---- 8. Review ----
    fn ask_review(&mut self) -> Answer<Flow> {
        let plan = self.draft.to_plan(&self.inv);
        let findings = validate(&plan, &self.inv);
        let errors: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if let Some(first) = errors.iter().map(|f| f.step).min() {
            say("The plan still has errors:");
            for f in &errors {
                print_finding(f, false);
            }
            if first == Step::Review {
                return Err(Stop::Failed(PlainError::Blocked(
                    errors.iter().map(|f| f.message.clone()).collect(),
                )));
            }
            say(format!(
                "Back to step {}: {}.",
                first.index() + 1,
                first.title()
            ));
            return Ok(Flow::Goto(first));
        }
        // The same review as the TUI's screen and `apply --plan`: every resource and setting, the
        // cost, who can reach the API, and every warning and note.
        say(render_text(&review(&plan, &self.inv)));
        let warnings: Vec<&'static str> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| f.code)
            .collect();
        let message = format!("Type {} to confirm this plan:", plan.name);
        let expected = plan.name.clone();
        let help = if warnings.is_empty() {
            "Esc goes back a step; Ctrl-C quits without saving".to_string()
        } else {
            "typing the name acknowledges the warnings above; Esc goes back a step; Ctrl-C quits without saving".to_string()
        };
        Text::new(&message)
            .with_help_message(&help)
            .with_validator(checked(move |s: &str| {
                if same_name(s, &expected) {
                    Ok(())
                } else {
                    Err(format!("type {expected} exactly (Esc goes back a step)"))
                }
            }))
            .prompt()?;
        for code in warnings {
            self.acknowledge(code);
        }
        Ok(Flow::Done(Box::new(self.draft.to_plan(&self.inv))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_terminal_points_to_discover_and_plan_flags() {
        let e = PlainError::no_terminal("standard input is not a terminal");
        let text = e.to_string();
        assert!(text.contains("fixedip-tui discover --json"), "{text}");
        assert!(
            text.contains("fixedip-tui plan --out plan.toml --vpc"),
            "{text}"
        );
        assert!(text.contains("--endpoint-subnets"), "{text}");
    }

    #[test]
    fn certificate_reasons() {
        let cert = |domain: &str, status| Certificate {
            arn: "arn:aws:acm:us-east-1:1:certificate/x".into(),
            domain: domain.into(),
            sans: vec![domain.into()],
            status,
            cert_type: None,
            in_use: false,
            in_use_by: vec![],
            not_after: None,
        };
        let n = "fixed.example.com";
        assert_eq!(
            cert_unusable(&cert("*.example.com", CertStatus::Issued), n, "us-east-1"),
            None
        );
        assert_eq!(
            cert_unusable(
                &cert("*.example.com", CertStatus::PendingValidation),
                n,
                "us-east-1"
            )
            .as_deref(),
            Some("pending validation")
        );
        assert_eq!(
            cert_unusable(&cert("*.example.com", CertStatus::Expired), n, "us-east-1").as_deref(),
            Some("expired")
        );
        assert_eq!(
            cert_unusable(&cert("api.example.com", CertStatus::Issued), n, "us-east-1").as_deref(),
            Some("other name")
        );
        assert_eq!(
            cert_unusable(&cert("*.example.com", CertStatus::Issued), n, "eu-west-1").as_deref(),
            Some("another region")
        );
    }
}
