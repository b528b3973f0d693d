//! `hostside`: the engine for terminals and CI. A thin shell: read files, build the input,
//! call `hostside_engine::check` (or `compare` for a what-if), render the one report.

mod render;

use clap::{Parser, Subcommand, ValueEnum};
use hostside_engine::settings::{Options, Target, VclusterVersion};
use hostside_engine::source::Source;
use hostside_engine::{Input, check, compare};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "hostside", version, about = "What a vcluster host really does with your manifests.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Translate manifests meant for a virtual cluster into the host objects vcluster writes.
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Manifest files (YAML or JSON); `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// vcluster version whose behaviour is modelled: 0.19, 0.20 or latest.
    #[arg(long, default_value = "latest", value_parser = parse_version)]
    vcluster_version: VclusterVersion,
    #[arg(long, default_value = "my-vcluster")]
    vcluster_name: String,
    /// Host namespace vcluster is installed in.
    #[arg(long, default_value = "vcluster-my-vcluster")]
    host_namespace: String,
    /// vcluster.yaml (0.20+) or Helm values (0.19).
    #[arg(long, value_name = "FILE")]
    vcluster_config: Option<PathBuf>,
    /// Nodes the virtual cluster sees (DaemonSets run one pod per node).
    #[arg(long, default_value_t = 1)]
    virtual_nodes: u32,
    /// Seed for the placeholders Kubernetes draws at random (name suffixes, UIDs, IPs).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Host profile: a preset (see `hostside presets`) or a HostProfile YAML file.
    #[arg(long, value_name = "PRESET|FILE")]
    host: Option<String>,
    /// Override a host profile setting, e.g. `gatekeeper.enforcementAction=dryrun`,
    /// `gatekeeper.require-networkpolicy.enforcementAction=warn`, `runtime=cri-o`,
    /// `kubernetesVersion=1.24`. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
    /// Objects that already exist in the host namespace (YAML), e.g. an allow-all NetworkPolicy.
    #[arg(long, value_name = "FILE")]
    host_objects: Option<PathBuf>,
    /// Where the input is applied: inside the virtual cluster, or straight to the host.
    #[arg(long, value_enum, default_value_t = TargetArg::Virtual)]
    target: TargetArg,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// What if: compare with the same input on another host (a preset or a HostProfile YAML
    /// file) and print what changes (verdicts, findings, SyncErrors) instead of the report.
    /// The other side's overrides are then only `--compare-set`.
    #[arg(long, value_name = "PRESET|FILE", help_heading = "Comparison")]
    compare_host: Option<String>,
    /// What if: compare with another vcluster version (0.19, 0.20 or latest).
    #[arg(long, value_name = "VERSION", value_parser = parse_version, help_heading = "Comparison")]
    compare_version: Option<VclusterVersion>,
    /// What if: compare with these host profile overrides added on the other side, e.g.
    /// `gatekeeper.enforcementAction=dryrun`. Repeatable. The exit code follows the other side.
    #[arg(long = "compare-set", value_name = "KEY=VALUE", help_heading = "Comparison")]
    compare_overrides: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    Virtual,
    Host,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Yaml,
}

fn parse_version(text: &str) -> Result<VclusterVersion, String> {
    VclusterVersion::parse(text)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => run_check(args),
    }
}

fn read_input(path: &PathBuf) -> Result<Source, String> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("-: {e}"))?;
        return Ok(Source::from_bytes("-", &bytes));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Source::from_bytes(path.display().to_string(), &bytes))
}

fn run_check(args: CheckArgs) -> ExitCode {
    let mut sources = Vec::new();
    for path in &args.files {
        match read_input(path) {
            Ok(source) => sources.push(source),
            Err(message) => {
                eprintln!("hostside: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let read_text = |path: &Option<PathBuf>| -> Result<Option<String>, String> {
        path.as_ref().map(|p| read_input(p).map(|s| s.text)).transpose()
    };
    let (vcluster_config, host_objects) = match (read_text(&args.vcluster_config), read_text(&args.host_objects)) {
        (Ok(config), Ok(objects)) => (config, objects),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("hostside: {message}");
            return ExitCode::from(2);
        }
    };
    let (host, compare_host) = match (read_host("--host", args.host), read_host("--compare-host", args.compare_host)) {
        (Ok(host), Ok(compare_host)) => (host, compare_host),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("hostside: {message}");
            return ExitCode::from(2);
        }
    };
    let input = Input {
        sources,
        options: Options {
            vcluster_version: args.vcluster_version,
            vcluster_name: args.vcluster_name,
            host_namespace: args.host_namespace,
            vcluster_config,
            virtual_nodes: args.virtual_nodes,
            seed: args.seed,
            host,
            host_overrides: args.overrides,
            host_objects,
            target: match args.target {
                TargetArg::Virtual => Target::Virtual,
                TargetArg::Host => Target::Host,
            },
            ..Options::default()
        },
    };
    let comparing = compare_host.is_some() || args.compare_version.is_some() || !args.compare_overrides.is_empty();
    if comparing {
        let mut right = input.clone();
        if let Some(version) = args.compare_version {
            right.options.vcluster_version = version;
        }
        // Another profile: the left's overrides were written for the left's profile.
        if compare_host.is_some() {
            right.options.host = compare_host;
            right.options.host_overrides.clear();
        }
        if right.options.host.is_none() && !args.compare_overrides.is_empty() {
            eprintln!("hostside: --compare-set needs a host profile (--host or --compare-host)");
            return ExitCode::from(2);
        }
        right.options.host_overrides.extend(args.compare_overrides);
        let comparison = compare(&input, &right);
        let output = match args.format {
            Format::Text => render::comparison_text(&comparison, color()),
            Format::Json => render::comparison_json(&comparison),
            Format::Yaml => render::comparison_yaml(&comparison),
        };
        // The right side is the "what if": its errors decide, as a check of it would.
        return finish(&output, comparison.right.summary.errors);
    }
    let report = check(&input);
    let all_sources = hostside_engine::input_sources(&input);
    let output = match args.format {
        Format::Text => render::text(&report, &all_sources, color()),
        Format::Json => render::json(&report),
        Format::Yaml => render::yaml(&report),
    };
    finish(&output, report.summary.errors)
}

/// A preset name, or a profile file to read.
fn read_host(flag: &str, given: Option<String>) -> Result<Option<String>, String> {
    match given {
        Some(name) if hostside_engine::host::preset(&name).is_some() => Ok(Some(name)),
        Some(path) => read_input(&PathBuf::from(&path)).map(|source| Some(source.text)).map_err(|message| {
            let presets: Vec<&str> = hostside_engine::host::PRESETS.iter().map(|p| p.name).collect();
            format!("{flag} {path}: not a preset ({}) nor a readable file: {message}", presets.join(", "))
        }),
        None => Ok(None),
    }
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints the output; denied objects and other errors are findings: exit 1. Warnings and
/// dry-run: exit 0.
fn finish(output: &str, errors: usize) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(output.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
