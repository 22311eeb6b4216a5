//! Command-line interface (clap). Global flags follow the AWS CLI.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub const AFTER_HELP: &str = "\
Credentials and region come from the AWS default chain: environment variables, ~/.aws/config and
~/.aws/credentials profiles (including IAM Identity Center / SSO: run `aws sso login` first),
credential_process, and the instance role on an EC2 bastion. --profile/--region override it.

Logs go to a file, never to the terminal: $XDG_STATE_HOME/fixedip-tui/fixedip-tui.log
(~/.local/state/fixedip-tui/fixedip-tui.log by default), or --log-file PATH. FIXEDIP_LOG=debug
gives more detail.

Examples:
  fixedip-tui --demo                          try it on a simulated account
  fixedip-tui --profile prod --region eu-west-1
  fixedip-tui discover --json > inventory.json
  fixedip-tui --endpoint-url http://127.0.0.1:5000 discover --json   (moto / LocalStack)";

#[derive(Debug, Parser)]
#[command(
    name = "fixedip-tui",
    version,
    about = "Fixed IP addresses for an Amazon API Gateway API: an internet-facing NLB in front of an \
             execute-api VPC endpoint and a private REST API, set up by a terminal wizard.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Run on the built-in simulated account (no AWS account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Demo timing: `realtime` for AWS-like waits, or a factor (0.5 = twice as fast).
    #[arg(long, global = true, value_name = "realtime|N", requires = "demo")]
    pub demo_speed: Option<DemoSpeed>,
    /// Demo: forget what earlier demo runs created and start from the shipped account.
    #[arg(long, global = true, requires = "demo")]
    pub demo_reset: bool,
    /// Demo: inject throttling, 5xx and lost responses so retries can be watched.
    #[arg(long, global = true, requires = "demo")]
    pub demo_faults: bool,
    /// Line prompts instead of the full-screen wizard (small or slow terminals, session recorders).
    #[arg(long, global = true)]
    pub plain: bool,
    /// Use a named profile from ~/.aws/config (as `aws --profile`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (as `aws --region`); defaults to the profile's or AWS_REGION.
    #[arg(long, global = true, value_name = "NAME")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (moto, LocalStack). On loopback without credentials,
    /// dummy ones and us-east-1 are used.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Where journals of applied plans live (default: $XDG_STATE_HOME/fixedip-tui).
    #[arg(long, global = true, value_name = "PATH")]
    pub state_dir: Option<PathBuf>,
    /// No colours (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Write the log here instead of the state directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through the wizard and save the plan (nothing is created).
    #[command(
        after_help = "Examples:\n  fixedip-tui plan --out plan.toml\n  fixedip-tui --demo plan --plain --out plan.toml\n\n\
                            The plan id is derived from account, region and name: planning the same name again \
                            targets the same setup."
    )]
    Plan {
        /// Where to save the plan (default: <plan-id>.toml in the current directory).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        choices: Box<PlanFlags>,
    },
    /// Load a plan, read the account again, re-validate it and show what the apply would do.
    #[command(after_help = "Examples:\n  fixedip-tui apply --plan plan.toml\n\n\
                            This release validates and reviews the plan; creating the resources arrives with the \
                            apply engine. Exit status: 0 nothing blocks the plan, 2 the plan file or its \
                            validation has errors, 1 the account could not be read.")]
    Apply {
        /// The plan file written by `fixedip-tui plan`.
        #[arg(long, value_name = "FILE")]
        plan: PathBuf,
        /// Create the resources (without it, apply only reviews, on stdout). With it, the review
        /// and the progress lines go to stderr and only the result to stdout. A rerun resumes
        /// from the journal.
        #[arg(long)]
        yes: bool,
        /// With --yes: no review, only the progress lines (stderr) and the result (stdout).
        #[arg(long, requires = "yes")]
        quiet: bool,
        /// One JSON event per line on stdout, then the result (shape: README, schema_version 1).
        #[arg(long)]
        json: bool,
        /// Also write the result (fixed IPs, ids, DNS names) to this file as JSON.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Prove an applied plan works: configuration read from the account, then from this host
    /// public DNS and, for each NLB IP separately, TCP, TLS with SNI, the certificate and HTTPS.
    #[command(
        after_help = "Examples:\n  fixedip-tui verify --plan-id fip-9729d0a60e\n  \
                            fixedip-tui verify --plan-id fip-9729d0a60e --resolver 1.1.1.1 --check-path /v1/health\n  \
                            fixedip-tui verify --plan-id fip-9729d0a60e --json | jq '.checks[] | select(.state==\"fail\")'\n  \
                            fixedip-tui verify --plan-id fip-9729d0a60e --reregister\n\n\
                            The result is kept for `status`. Exit status: 0 every check passed (or was skipped), \
                            1 a check failed, 2 usage (unknown plan id, bad --resolver / --ca-file)."
    )]
    Verify {
        /// The plan id printed by `plan` / `apply`.
        #[arg(long, value_name = "ID")]
        plan_id: String,
        /// The report as one JSON document on stdout (schema_version 1).
        #[arg(long)]
        json: bool,
        /// Ask this DNS server instead of the system's resolvers.
        #[arg(long, value_name = "IP[:PORT]")]
        resolver: Option<String>,
        /// The port to connect to (default: the plan's listener port).
        #[arg(long, value_name = "PORT")]
        port: Option<u16>,
        /// The GET to expect 2xx from, after the base path (default /ping for an API the tool
        /// created, / for an adopted one).
        #[arg(long, value_name = "PATH")]
        check_path: Option<String>,
        /// Extra trusted CA certificates (PEM), added to the system's.
        #[arg(long, value_name = "PEM")]
        ca_file: Option<PathBuf>,
        /// Seconds to wait for each DNS query, connect, handshake and request.
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        timeout: u64,
        /// Fail when the certificate expires within this many days.
        #[arg(long, value_name = "DAYS", default_value_t = 14)]
        min_cert_days: i64,
        /// Only the configuration checks (e.g. a host with no route to the internet).
        #[arg(long)]
        skip_network: bool,
        /// When the endpoint's IPs drifted from the registered targets, register the current ones
        /// and deregister the stale ones.
        #[arg(long)]
        reregister: bool,
    },
    /// The handout of an applied plan: the fixed IPs (an allow-list, one /32 per line), who can
    /// reach the API, target health — read live from the account.
    #[command(
        after_help = "Examples:\n  fixedip-tui status --plan-id fip-9729d0a60e\n  \
                            fixedip-tui status --plan-id fip-9729d0a60e --json | jq -r '.fixed_ips[]'\n  \
                            fixedip-tui status --plan-id fip-9729d0a60e --watch 30\n\n\
                            Exit status: 0 all targets healthy, 1 something is not (or the plan is not applied), 2 usage."
    )]
    Status {
        /// The plan id printed by `plan` / `apply`.
        #[arg(long, value_name = "ID")]
        plan_id: String,
        /// One JSON document on stdout (schema_version 1).
        #[arg(long)]
        json: bool,
        /// Refresh every N seconds and flag any change of IPs or health (Ctrl-C to stop).
        #[arg(long, value_name = "SECONDS")]
        watch: Option<u64>,
    },
    /// Change who may call an applied plan: the NLB security group's rules, in place.
    #[command(
        after_help = "Examples:\n  fixedip-tui allow --plan-id fip-9729d0a60e --add 198.51.100.0/24\n  \
                            fixedip-tui allow --plan-id fip-9729d0a60e --remove 203.0.113.0/24\n  \
                            fixedip-tui allow --plan-id fip-9729d0a60e --undo\n\n\
                            The plan kept beside the journal is updated, so status and a rerun of apply agree. \
                            Removing the last CIDR opens the API to the whole internet: that needs --allow-anywhere."
    )]
    Allow {
        #[arg(long, value_name = "ID")]
        plan_id: String,
        /// A caller CIDR to allow (repeat it).
        #[arg(long, value_name = "CIDR")]
        add: Vec<String>,
        /// A caller CIDR to stop allowing (repeat it).
        #[arg(long, value_name = "CIDR")]
        remove: Vec<String>,
        /// Accept that an empty list means the whole internet (0.0.0.0/0).
        #[arg(long)]
        allow_anywhere: bool,
        /// Put back the caller list as it was before the last change (journaled).
        #[arg(long, conflicts_with_all = ["add", "remove"])]
        undo: bool,
    },
    /// Delete what a plan created and restore what it changed (only its own resources).
    #[command(
        after_help = "Examples:\n  fixedip-tui destroy --plan-id fip-9729d0a60e --yes\n  fixedip-tui --demo destroy --plan plan.toml --yes"
    )]
    Destroy {
        /// The plan id (its plan is kept in the state directory by apply).
        #[arg(
            long,
            value_name = "ID",
            conflicts_with = "plan",
            required_unless_present = "plan"
        )]
        plan_id: Option<String>,
        /// Or the plan file.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// Required: destroying is not undoable.
        #[arg(long)]
        yes: bool,
        /// One JSON event per line on stdout, then the result.
        #[arg(long)]
        json: bool,
        /// Also release the Elastic IPs the plan allocated. By default destroy keeps them: they
        /// are what the partner allow-listed, and a later apply of the same name reuses them.
        #[arg(long)]
        release_eips: bool,
    },
    /// Write a plan as infrastructure code: a CloudFormation template (YAML) that creates the same
    /// resources with the same settings, the plan's ids as parameters. Reads no AWS account.
    #[command(
        after_help = "Examples:\n  fixedip-tui export --plan plan.toml --format cloudformation --out template.yaml\n  \
                            aws cloudformation deploy --template-file template.yaml --stack-name fixedip \\\n      \
                            --capabilities CAPABILITY_IAM\n  \
                            aws cloudformation deploy --template-file template.yaml --stack-name fixedip \\\n      \
                            --parameter-overrides EndpointIps=10.0.1.10,10.0.2.10   (no Lambda: the two-step way)\n\n\
                            The endpoint's IPs are read by a Lambda-backed custom resource, or given as the \
                            EndpointIps parameter. The NLB's public IPs are assigned when it is created: read them \
                            from the stack's NlbPublicIpsCommand output. Exit status: 0 written, 1 the file could \
                            not be written, 2 usage (plan file unreadable or invalid, unknown format)."
    )]
    Export {
        /// The plan file written by `fixedip-tui plan`.
        #[arg(long, value_name = "FILE")]
        plan: PathBuf,
        /// What to write.
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: ExportFormat,
        /// Write here (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  fixedip-tui completions bash > ~/.local/share/bash-completion/completions/fixedip-tui\n  \
                            fixedip-tui completions zsh > \"${fpath[1]}/_fixedip-tui\"\n  \
                            fixedip-tui completions fish > ~/.config/fish/completions/fixedip-tui.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Read the account (VPCs, subnets, certificates, zones, REST APIs, execute-api endpoints).
    #[command(
        after_help = "Examples:\n  fixedip-tui discover --json | jq '.subnets[] | select(.reach.public)'\n  \
                            fixedip-tui --demo discover\n\nExit status: 0 every source read, 1 a source failed \
                            (the JSON still holds the rest, with `errors`), 2 usage error."
    )]
    Discover {
        /// One JSON document on stdout (shape: README, `schema_version` 1).
        #[arg(long)]
        json: bool,
    },
}

/// Every wizard choice as a flag. Without a terminal, a missing one is an error that lists every
/// missing flag at once; the flags go through the same validation as the wizard.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Choices (each one a wizard step)")]
pub struct PlanFlags {
    /// Step 1: the VPC.
    #[arg(long, value_name = "VPC_ID")]
    pub vpc: Option<String>,
    /// Step 1: turn on enableDnsSupport / enableDnsHostnames during apply.
    #[arg(long)]
    pub enable_vpc_dns: bool,
    /// Step 2: private subnets for the endpoint (two or more AZs).
    #[arg(
        long,
        value_name = "SUBNET_ID,…",
        value_delimiter = ',',
        conflicts_with = "reuse_endpoint"
    )]
    pub endpoint_subnets: Vec<String>,
    /// Step 2: reuse the VPC's execute-api endpoint instead.
    #[arg(long, value_name = "VPCE_ID")]
    pub reuse_endpoint: Option<String>,
    /// Step 2: accept public subnets for the endpoint.
    #[arg(long)]
    pub allow_public_endpoint_subnets: bool,
    /// Step 2: pin the endpoint's private IP in one of its subnets (repeat it), so the target
    /// group never drifts.
    #[arg(long = "endpoint-ip", value_name = "SUBNET_ID=IP")]
    pub endpoint_ips: Vec<String>,
    /// Step 3: one public subnet per endpoint AZ.
    #[arg(long, value_name = "SUBNET_ID,…", value_delimiter = ',')]
    pub nlb_subnets: Vec<String>,
    /// Step 3: the NLB's public IPs: `new` Elastic IPs, one per NLB subnet (truly fixed, kept by
    /// destroy); `none` for NLB-assigned IPs (they change if the NLB is recreated); or existing
    /// unassociated allocation ids, one per NLB subnet in the same order. Default: new (none
    /// with --adopt-nlb: an NLB's addresses are fixed at its creation).
    #[arg(long, value_name = "new|none|ALLOC_ID,…")]
    pub eip: Option<String>,
    /// Step 3: adopt this existing internet-facing NLB (ARN) instead of creating one: its
    /// subnets, security groups and IPs are kept as they are; destroy never deletes it.
    #[arg(long, value_name = "NLB_ARN")]
    pub adopt_nlb: Option<String>,
    /// Step 3: adopt this existing target group (ARN; type ip, TLS 443, the VPC).
    #[arg(long, value_name = "TARGET_GROUP_ARN")]
    pub adopt_target_group: Option<String>,
    /// Step 4: the public DNS name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Step 4: an ISSUED ACM certificate of the region that covers the name.
    #[arg(long, value_name = "CERT_ARN")]
    pub certificate: Option<String>,
    /// Step 5: adopt this REST API …
    #[arg(long, value_name = "REST_API_ID", conflicts_with = "create_api")]
    pub api: Option<String>,
    /// Step 5: … or create a minimal one (MOCK GET /ping).
    #[arg(long)]
    pub create_api: bool,
    /// Step 5: the stage.
    #[arg(long, value_name = "NAME", default_value = "prod")]
    pub stage: String,
    /// Step 5: the API mapping's base path (default: the root).
    #[arg(long, value_name = "PATH")]
    pub base_path: Option<String>,
    /// Step 6: a caller CIDR allowed to reach the NLB (repeat it); none = the whole internet.
    #[arg(long = "allow-cidr", value_name = "CIDR")]
    pub allow_cidrs: Vec<String>,
    /// Step 6: who inside the VPC may call the API straight through the endpoint: `vpc` (the
    /// VPC's CIDRs, the default), `none`, or CIDRs and security group ids, comma-separated.
    #[arg(long, value_name = "vpc|none|CIDR,sg-…")]
    pub vpc_callers: Option<String>,
    /// Step 7: the public hosted zone (default: the longest zone that is a suffix of the name).
    #[arg(long, value_name = "ZONE_ID")]
    pub public_zone: Option<String>,
    /// Step 7: an existing private zone associated with the VPC …
    #[arg(long, value_name = "ZONE_ID", conflicts_with = "create_private_zone")]
    pub private_zone: Option<String>,
    /// Step 7: … or a new private zone named exactly the name.
    #[arg(long)]
    pub create_private_zone: bool,
    /// Step 7: replace an existing A/AAAA/CNAME record of the name.
    #[arg(long)]
    pub replace_records: bool,
    /// A tag for every created resource (repeat it).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Acknowledge a warning by its code (repeat it), as the wizard's `a` does.
    #[arg(long = "acknowledge", value_name = "CODE")]
    pub acknowledge: Vec<String>,
    /// The plan and its findings as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

impl PlanFlags {
    /// Whether any choice was given on the command line.
    pub fn any(&self) -> bool {
        self.vpc.is_some()
            || !self.endpoint_subnets.is_empty()
            || self.reuse_endpoint.is_some()
            || !self.nlb_subnets.is_empty()
            || self.name.is_some()
            || self.certificate.is_some()
            || self.api.is_some()
            || self.create_api
            || self.public_zone.is_some()
            || self.private_zone.is_some()
            || self.create_private_zone
            || self.eip.is_some()
            || !self.endpoint_ips.is_empty()
            || self.adopt_nlb.is_some()
            || self.adopt_target_group.is_some()
    }
}

/// Formats `export` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// An AWS CloudFormation template (YAML).
    Cloudformation,
}

/// Shells `completions` can write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DemoSpeed {
    Realtime,
    Factor(f64),
}

impl std::str::FromStr for DemoSpeed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("realtime") {
            return Ok(DemoSpeed::Realtime);
        }
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 && f <= 100.0 => Ok(DemoSpeed::Factor(f)),
            _ => Err(format!(
                "`{s}` is not a speed: use `realtime` or a factor between 0.001 and 100 (0.5 = twice as fast)"
            )),
        }
    }
}
