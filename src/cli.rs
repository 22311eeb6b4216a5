//! Command-line interface (clap). Global flags follow the AWS CLI.

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
  fixedip-tui --endpoint-url http://127.0.0.1:5000 discover --json   (moto / LocalStack)

Each command's --help lists its exit status. The wizard (no command):
  0    quit
  1    the terminal failed; --plain: the account could not be read, the plan could not be saved,
       or Ctrl-C at a prompt (Esc goes back a step)
  2    no interactive terminal (stdin or stdout is not one, or TERM=dumb); usage error
  3    left (q, abort, SIGTERM, SIGHUP) while an apply or destroy was running: every step is
       journaled; `apply --plan … --yes` / `destroy --plan-id … --yes` resumes";

/// What `--version` prints after the name: the version, the git commit it was built from and the
/// glibc it needs (`build.rs` works both out; `scripts/dist.sh` pins the floor), e.g.
/// `0.1.0 (abc1234, glibc ≥ 2.17)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("FIXEDIP_GIT_COMMIT"),
    ", ",
    env!("FIXEDIP_GLIBC_DESC"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "fixedip-tui",
    version = VERSION,
    about = "Fixed IP addresses for an Amazon API Gateway API: an internet-facing NLB in front of an \
             execute-api VPC endpoint and a private REST API, set up by a terminal wizard.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Run on the built-in simulated account (no AWS account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    #[arg(
        long,
        global = true,
        value_name = "realtime|N",
        requires = "demo",
        help = DEMO_SPEED_HELP
    )]
    pub demo_speed: Option<DemoSpeed>,
    /// Demo: forget what earlier demo runs created and start from the shipped account.
    #[arg(long, global = true, requires = "demo")]
    pub demo_reset: bool,
    /// Demo: inject throttling, 5xx and lost responses so retries can be watched.
    #[arg(long, global = true, requires = "demo")]
    pub demo_faults: bool,
    /// Line prompts instead of the full-screen wizard (small or slow terminals, session
    /// recorders): Esc goes back a step, Ctrl-C quits; it asks where to save.
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
    /// Where applied plans keep their journal, plan and last verify (default:
    /// $XDG_STATE_HOME/fixedip-tui); with --demo, its demo/ directory, which also holds the demo's
    /// account.
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

/// The demo's default speed: AWS-like waits × 0.05 (an apply of the clean plan takes ~25 s).
pub const DEMO_DEFAULT_SPEED: f64 = 0.05;

/// `--demo-speed`'s help: it names [`DEMO_DEFAULT_SPEED`] (a unit test keeps them together).
const DEMO_SPEED_HELP: &str = "Demo: how long the simulated AWS takes, as a factor of AWS's real \
     time: `realtime` (= 1) for AWS-like waits, 0.5 for twice as fast, 2 for twice as slow \
     (0.001 to 100). Default 0.05: 20× faster than AWS (an apply takes ~25 s).";

/// The global flags, by id, that do something for a subcommand; the others are still accepted
/// there (scripts keep working) but hidden from its help. Read from what `main` does with each:
/// `export` and `completions` read no account (no credentials, no demo, no state, no log);
/// `--plain` and `--no-color` change only the wizard, which only `plan` (and no subcommand) starts;
/// the state directory also holds the demo's account, which `discover --demo` reads.
pub fn globals_for(subcommand: &str) -> &'static [&'static str] {
    const ACCOUNT: &[&str] = &[
        "demo",
        "demo_speed",
        "demo_reset",
        "demo_faults",
        "profile",
        "region",
        "endpoint_url",
        "state_dir",
        "log_file",
    ];
    match subcommand {
        "plan" => &[
            "demo",
            "demo_speed",
            "demo_reset",
            "demo_faults",
            "plain",
            "profile",
            "region",
            "endpoint_url",
            "state_dir",
            "no_color",
            "log_file",
        ],
        "export" | "completions" => &[],
        _ => ACCOUNT,
    }
}

/// The command line as parsed: [`Cli`] with each subcommand's help showing only the global flags
/// that matter to it (under "Global options"). Completions are generated from this too.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command().bin_name("fixedip-tui");
    // Building propagates the global flags into every subcommand, where they can then be hidden.
    cmd.build();
    cmd.mut_subcommands(|sub| {
        let keep = globals_for(sub.get_name());
        sub.mut_args(|a| {
            if !a.is_global_set() {
                a
            } else if keep.contains(&a.get_id().as_str()) {
                a.help_heading("Global options")
            } else {
                a.hide(true)
            }
        })
    })
}

impl Cli {
    /// Parse the process's arguments with [`command`] (exits with clap's message and code 2 on a
    /// usage error, 0 for --help / --version).
    pub fn parse_args() -> Cli {
        let matches = command().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through the wizard (or give every choice as a flag) and save the plan; nothing is
    /// created.
    #[command(after_help = "\
Examples:
  fixedip-tui plan --out plan.toml
  fixedip-tui --demo plan --plain --out plan.toml
  fixedip-tui plan --out plan.toml --vpc VPC_ID --name NAME …   every choice a flag (below)
  fixedip-tui plan --from-account fip-0123456789 --out plan.toml   an applied setup, from the account

The plan id is derived from account, region and name: planning the same name again targets the
same setup. Without a terminal --vpc and --name are required; every other choice defaults to the
wizard's pre-selection, and what was defaulted is printed (and `defaulted` in --json).

--from-account rebuilds the plan of a setup this tool applied, from any machine: from the
resources tagged with its id and the names it gives them. What the account cannot hold (the
warnings acknowledged, replace_records, enable_vpc_dns, pinned endpoint IPs) takes its default,
and each such field is said on stderr.

Exit status:
  0    the plan was saved (with flags: its id on stdout, the next command on stderr)
  1    the account could not be read, the file could not be written, or --plain was left (Ctrl-C)
       before saving
  2    usage: --vpc or --name missing, an unknown choice, no ISSUED certificate covering the name,
       a blocking finding (each printed with its fix), no terminal for the wizard or --plain;
       --from-account with choice flags, or an id nothing in the account carries
  3    the wizard was left while an apply it started was running (the journal keeps every step)")]
    Plan {
        /// Where to save the plan (default: <plan-id>.toml in the current directory).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Rebuild the plan of an applied setup from the account (its tagged resources) instead
        /// of choosing; no other choice flag goes with it.
        #[arg(long, value_name = "PLAN_ID")]
        from_account: Option<String>,
        #[command(flatten)]
        choices: Box<PlanFlags>,
    },
    /// Create the plan's resources: read the account again, re-validate the plan, print the
    /// review, and with --yes create everything (a rerun resumes).
    #[command(after_help = "\
Examples:
  fixedip-tui apply --plan plan.toml                  review only: nothing is created
  fixedip-tui apply --plan plan.toml --yes            create the resources, print the fixed IPs
  fixedip-tui apply --plan plan.toml --yes --json --output result.json

With --yes the steps run as concurrently as their inputs allow (progress on stderr, the result on
stdout) and each is journaled, so running the same command again resumes after a failure or an
interrupt. SIGINT, SIGTERM or SIGHUP stops after the running steps (a second one abandons them).

Exit status:
  0    applied (with --yes), or the plan is valid (without --yes, in a terminal)
  1    the account could not be read, or the journal could not be read or written
  2    the plan file cannot be read, is from a newer version, is for another account or region, or
       has blocking findings (each printed with its fix); --yes missing without a terminal
  3    a step failed: the journal is kept, run the same command again to resume
  130  stopped by SIGINT (Ctrl-C): run the same command to resume
  143  stopped by SIGTERM: run the same command to resume
  129  stopped by SIGHUP: run the same command to resume")]
    Apply {
        /// The plan file written by `fixedip-tui plan`.
        #[arg(long, value_name = "FILE")]
        plan: PathBuf,
        /// Create the resources (without it, apply only reviews, on stdout). With it, the review
        /// and the progress lines go to stderr and only the result to stdout. A rerun resumes
        /// from the journal. Required without a terminal.
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
    #[command(after_help = "\
Examples:
  fixedip-tui verify --plan-id fip-9729d0a60e
  fixedip-tui verify --plan-id fip-9729d0a60e --resolver 1.1.1.1 --check-path /v1/health
  fixedip-tui verify --plan-id fip-9729d0a60e --json | jq '.checks[] | select(.state==\"fail\")'
  fixedip-tui verify --plan-id fip-9729d0a60e --reregister

The result is kept for `status`.

Exit status:
  0    every check passed (or was skipped)
  1    a check failed; the plan was destroyed (nothing to verify); the account or the journal
       could not be read
  2    usage: no applied plan with this id (kept in this --state-dir or in the account), bad --resolver or --ca-file")]
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
    /// Every fixed-IP setup of the region — made by fixedip-tui or by hand (an internet-facing NLB
    /// with a TLS listener to an ip target group of an execute-api endpoint's IPs) — with its fixed
    /// IPs and what is wrong with it: each finding with a code, evidence, severity and fix.
    #[command(after_help = "\
Examples:
  fixedip-tui doctor
  fixedip-tui doctor --nlb partner-nlb
  fixedip-tui doctor --json | jq '.setups[] | {id, fixed_ips, codes: [.findings[].code]}'
  fixedip-tui doctor --fix --nlb partner-nlb --only targets-drift --yes
  fixedip-tui doctor --watch 300

Finding codes: targets-drift, targets-unhealthy, az-without-healthy-target, tls-policy-legacy,
alpn-http2, nlb-no-security-group, nlb-assigned-ips, public-record-not-alias, private-zone-missing,
api-policy-open, cert-expiring, cert-name-mismatch, endpoint-ips-unpinned.

Exit status:
  0    no finding worse than info (or no setup at all, without --nlb / --plan-id)
  1    the account could not be read (the NLBs); a warning or an error among the findings;
       with --fix, a change AWS refused; with --watch, the worst finding when it was stopped
  2    usage: --nlb or --plan-id matches no setup; --fix without --yes and no terminal (the
       changes are printed, nothing is changed); an unknown code in --only")]
    Doctor {
        /// One JSON document on stdout (schema_version 1).
        #[arg(long)]
        json: bool,
        /// Only the setup of this NLB (its ARN or name).
        #[arg(long, value_name = "ARN|NAME", conflicts_with = "plan_id")]
        nlb: Option<String>,
        /// Only the setup a plan of fixedip-tui made.
        #[arg(long, value_name = "ID")]
        plan_id: Option<String>,
        /// Mend in place what can be (findings marked fixable: targets-drift, tls-policy-legacy,
        /// alpn-http2, az-without-healthy-target); each change is printed as its aws CLI line.
        #[arg(long)]
        fix: bool,
        /// With --fix: make the changes without asking.
        #[arg(long, requires = "fix")]
        yes: bool,
        /// With --fix: only these finding codes (comma-separated).
        #[arg(long, value_name = "CODE,…", value_delimiter = ',', requires = "fix")]
        only: Vec<String>,
        /// Keep looking every N seconds and print a line when a finding appears or clears (for
        /// cron or a tmux pane); Ctrl-C ends it with the exit status of the worst finding then.
        #[arg(long, value_name = "SECONDS", conflicts_with = "fix")]
        watch: Option<u64>,
    },
    /// The handout of an applied plan: the fixed IPs (an allow-list, one /32 per line), who can
    /// reach the API, target health — read live from the account.
    #[command(after_help = "\
Examples:
  fixedip-tui status --plan-id fip-9729d0a60e
  fixedip-tui status --plan-id fip-9729d0a60e --json | jq -r '.fixed_ips[]'
  fixedip-tui status --plan-id fip-9729d0a60e --watch 30

Exit status (--watch runs until interrupted):
  0    the NLB exists, every target is healthy and the targets are the endpoint's IPs
  1    a problem (each printed: the NLB missing, a target not healthy, the endpoint's IPs
       drifted, a failed AWS call); the plan was destroyed (what was kept is said); the account
       or the journal could not be read
  2    usage: no plan with this id, neither kept in this --state-dir nor in the account (a plan
       this machine does not keep is rebuilt from the account and kept from then on)")]
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
    #[command(after_help = "\
Examples:
  fixedip-tui allow --plan-id fip-9729d0a60e --add 198.51.100.0/24
  fixedip-tui allow --plan-id fip-9729d0a60e --remove 203.0.113.0/24
  fixedip-tui allow --plan-id fip-9729d0a60e --undo

New rules are granted before old ones are revoked, so callers that stay never lose access. The
plan kept beside the journal is updated, so status and a rerun of apply agree. Removing the last
CIDR opens the API to the whole internet: that needs --allow-anywhere.

Exit status:
  0    the rules (and the kept plan) changed
  1    the account could not be read, the plan's NLB security group does not exist (apply
       first), AWS refused the change, or the kept plan could not be updated
  2    usage: no applied plan with this id, nothing to change or undo, a bad CIDR, an empty list
       without --allow-anywhere")]
    Allow {
        /// The plan id printed by `plan` / `apply` (the plan must have been applied: its plan is
        /// the one kept in the state directory, or rebuilt from the account).
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
    #[command(after_help = "\
Examples:
  fixedip-tui destroy --plan-id fip-9729d0a60e --yes
  fixedip-tui destroy --plan-id fip-9729d0a60e --yes --release-eips
  fixedip-tui --demo destroy --plan plan.toml --yes

Deletes in reverse order only what the plan created (adopted resources are kept, and what the plan
changed on them is put back). The Elastic IPs are kept unless --release-eips. A rerun resumes.
With --plan-id on a machine that does not keep the plan, it is rebuilt from the account (the
resources tagged with the id); what only the applying machine's journal knows (records the apply
replaced, an adopted API's prior settings) cannot be put back from here.

Exit status:
  0    destroyed
  1    the account could not be read, or the journal could not be read or written
  2    usage: --yes missing, no plan with this id (kept here or in the account), or the plan file
       cannot be read
  3    a step failed: the journal is kept, run the same command again to resume
  130  stopped by SIGINT (Ctrl-C): run the same command to resume
  143  stopped by SIGTERM: run the same command to resume
  129  stopped by SIGHUP: run the same command to resume")]
    Destroy {
        /// The plan id (its plan is kept in the state directory by apply, or rebuilt from the
        /// account on another machine).
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
    /// resources with the same settings, Elastic IPs included, the plan's ids as parameters; or a
    /// bash script of AWS CLI commands (`--format sh`) that makes what `apply` makes, for change
    /// boards, air-gapped review and learning the procedure. Reads only the plan file (no AWS
    /// account).
    #[command(after_help = "\
Examples:
  fixedip-tui export --plan plan.toml --format sh --out apply.sh
  fixedip-tui export --plan plan.toml --format sh --destroy --out destroy.sh
  AWS_PROFILE=prod bash apply.sh
  fixedip-tui export --plan plan.toml --format cloudformation --out template.yaml
  aws cloudformation deploy --template-file template.yaml --stack-name fixedip \\
      --capabilities CAPABILITY_IAM --parameter-overrides VpcCidr=10.20.0.0/16
  aws cloudformation deploy --template-file template.yaml --stack-name fixedip \\
      --parameter-overrides VpcCidr=10.20.0.0/16 EndpointIps=10.0.1.10,10.0.2.10   (no Lambda)

Every other parameter defaults to the plan's value. VpcCidr (the VPC's IPv4 CIDR) has none when
the plan lets the whole VPC call the endpoint (the default): exporting reads no account. The
endpoint's IPs are read by a Lambda-backed custom resource, or given as the EndpointIps
parameter. The NLB's fixed IPs: with a plan's new Elastic IPs the template creates them
(AWS::EC2::EIP, retained when the stack is deleted; the FixedIps output lists them); your own
Elastic IPs are the EipAllocationIds parameter; either way they go into the NLB's SubnetMappings.
Without Elastic IPs AWS assigns them when the NLB is created: the NlbPublicIpsCommand output prints
them. A plan that adopts an NLB or a target group cannot be exported.

The script (sh) runs with AWS CLI v2 or v1 (1.29 or later) and honours AWS_PROFILE, AWS_REGION
(the plan's region) and AWS_ENDPOINT_URL. It makes the same resources with the same names and
tags as `apply`, so `status --plan-id`, `verify` and `destroy` recognise them; each create looks
first for what an earlier run made, so it can be run again after a failure. What it does not do
that the tool does: keep a journal and resume, pace itself under API Gateway's throttling, roll
back, replace existing records of the name, adopt an NLB or target group. `--destroy` writes the
teardown (the Elastic IPs stay unless RELEASE_EIPS=1).

Exit status:
  0    written
  1    the file could not be written
  2    usage: the plan file cannot be read or cannot be exported (what it cannot do is named), an
       unknown format")]
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
        /// With `--format sh`: the teardown script instead of the apply.
        #[arg(long)]
        destroy: bool,
    },
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  fixedip-tui completions bash > ~/.local/share/bash-completion/completions/fixedip-tui
  fixedip-tui completions zsh > \"${fpath[1]}/_fixedip-tui\"
  fixedip-tui completions fish > ~/.config/fish/completions/fixedip-tui.fish

Exit status:
  0    printed
  2    usage: an unknown shell")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Read the account (VPCs, subnets, certificates, zones, REST APIs, execute-api endpoints).
    #[command(after_help = "\
Examples:
  fixedip-tui discover --json | jq '.subnets[] | select(.reach.public)'
  fixedip-tui --demo discover

Exit status:
  0    every source was read (warnings do not change this)
  1    a source failed (the JSON still holds the rest, with `errors`), or the account could not be
       reached (no usable credentials or region: the hint is on stderr, no JSON)
  2    usage error")]
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
    /// Step 1: the VPC (required without a terminal).
    #[arg(long, value_name = "VPC_ID")]
    pub vpc: Option<String>,
    /// Step 1: turn on enableDnsSupport / enableDnsHostnames during apply.
    #[arg(long)]
    pub enable_vpc_dns: bool,
    /// Step 2: private subnets for the endpoint (two or more AZs). Default: the VPC's
    /// execute-api endpoint with private DNS if it has one, else one private subnet per AZ (the
    /// one with the most free IPs).
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
    /// Step 3: one public subnet per endpoint AZ. Default: in each, the public subnet with the
    /// most free IPs.
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
    /// Step 4: the public DNS name (required without a terminal).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Step 4: an ISSUED ACM certificate of the region that covers the name. Default: the most
    /// specific ISSUED one that covers it (exact name before a wildcard).
    #[arg(long, value_name = "CERT_ARN")]
    pub certificate: Option<String>,
    /// Step 5: adopt this REST API …
    #[arg(long, value_name = "REST_API_ID", conflicts_with = "create_api")]
    pub api: Option<String>,
    /// Step 5: … or create a minimal one (MOCK GET /ping): the default.
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
    /// Step 7: … or a new private zone named exactly the name: the default.
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
    /// A bash script of AWS CLI commands: the apply (or, with --destroy, the teardown).
    Sh,
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
            Ok(f) if f.is_finite() && (0.001..=100.0).contains(&f) => Ok(DemoSpeed::Factor(f)),
            _ => Err(format!(
                "`{s}` is not a speed: use `realtime` or a factor between 0.001 and 100 (0.5 = twice as fast)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_speed_help_names_the_default_and_the_range_the_parser_takes() {
        assert!(DEMO_SPEED_HELP.contains(&format!("Default {}:", DEMO_DEFAULT_SPEED)));
        assert!(DEMO_SPEED_HELP.contains("20× faster than AWS"));
        assert!(
            (1.0 / DEMO_DEFAULT_SPEED - 20.0).abs() < 1e-9,
            "the help says 20×"
        );
        assert!(DEMO_SPEED_HELP.contains("(0.001 to 100)"));
        let parse = |s: &str| s.parse::<DemoSpeed>();
        assert_eq!(parse("realtime"), Ok(DemoSpeed::Realtime));
        assert_eq!(parse("0.001"), Ok(DemoSpeed::Factor(0.001)));
        assert_eq!(parse("100"), Ok(DemoSpeed::Factor(100.0)));
        for bad in ["0", "0.0009", "100.5", "-1", "NaN", "inf", "fast"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_command_is_valid_and_hides_globals_only_where_they_do_nothing() {
        let cmd = command();
        cmd.clone().debug_assert();
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let keep = globals_for(sub.get_name());
            for a in sub.get_arguments().filter(|a| a.is_global_set()) {
                assert_eq!(
                    a.is_hide_set(),
                    !keep.contains(&a.get_id().as_str()),
                    "{} --{:?}",
                    sub.get_name(),
                    a.get_long()
                );
            }
        }
        // The ids named in the table exist.
        let ids: Vec<String> = cmd
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect();
        for sub in ["plan", "apply", "export"] {
            for id in globals_for(sub) {
                assert!(ids.iter().any(|i| i == id), "{id}");
            }
        }
    }
}
