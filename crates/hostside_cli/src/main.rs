//! `hostside`: the engine for terminals and CI. A thin shell: read files, build the input,
//! call `hostside_engine::check`, render the one report.

mod render;

use clap::{Parser, Subcommand, ValueEnum};
use hostside_engine::settings::{Options, VclusterVersion};
use hostside_engine::source::Source;
use hostside_engine::{Input, check};
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
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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
    let vcluster_config = match &args.vcluster_config {
        Some(path) => match read_input(path) {
            Ok(source) => Some(source.text),
            Err(message) => {
                eprintln!("hostside: {message}");
                return ExitCode::from(2);
            }
        },
        None => None,
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
            host_kubernetes_version: None,
            vcluster_service_ip: None,
            dns_service_ip: None,
        },
    };
    let report = check(&input);
    let mut all_sources = input.sources.clone();
    if let Some(text) = &input.options.vcluster_config {
        all_sources.push(Source::new(hostside_engine::settings::CONFIG_SOURCE_NAME, text.clone()));
    }
    let output = match args.format {
        Format::Text => render::text(
            &report,
            &all_sources,
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        ),
        Format::Json => render::json(&report),
        Format::Yaml => render::yaml(&report),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(output.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    if report.summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
