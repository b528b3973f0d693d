//! Hostside's engine: virtual-cluster manifests in, what the host would see and do out.
//!
//! One entry point, [`check`], runs the pipeline of ARCHITECTURE.md:
//! parse → expand (virtual API server and controllers) → translate (vcluster's syncer)
//! → report. The engine is pure: no I/O, no clock, no randomness (placeholders are seeded).

pub mod admit;
mod cluster;
mod expand;
pub mod parse;
pub mod path;
pub mod placeholders;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod translate;
pub mod value;
pub mod yaml;

use cluster::Cluster;
use placeholders::Placeholders;
use report::{Disposition, Finding, Report, ReportSettings, Severity, Stage, Summary};
use serde::{Deserialize, Serialize};
use settings::{CONFIG_SOURCE_NAME, Options, VclusterConfig};
use source::{LineIndex, Source};

/// The engine's version, shown by every front end.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything one check needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Input {
    /// Manifests meant for the virtual cluster.
    pub sources: Vec<Source>,
    pub options: Options,
}

/// Runs the whole pipeline. Never fails: problems are findings in the report.
pub fn check(input: &Input) -> Report {
    let options = &input.options;
    let mut sources = input.sources.clone();
    let config_source = options.vcluster_config.as_ref().map(|text| {
        sources.push(Source::new(CONFIG_SOURCE_NAME, text.clone()));
        sources.len() - 1
    });
    let line_indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    let manifest_count = input.sources.len();
    let mut parsed = parse::parse_sources(&sources[..manifest_count], &line_indexes[..manifest_count]);

    let (config, mut config_findings) = read_config(&sources, config_source, options);
    let mut findings = std::mem::take(&mut parsed.findings);
    findings.append(&mut config_findings);
    let mut cluster = Cluster {
        options: options.clone(),
        version: options.vcluster_version,
        config,
        placeholders: Placeholders::new(options.seed),
        documents: parsed.documents,
        custom_kinds: parsed.custom_kinds,
        objects: parsed.objects,
        host_objects: Vec::new(),
        findings,
    };
    expand::run(&mut cluster);
    translate::run(&mut cluster);

    let mut summaries = parsed.summaries;
    if let Some(index) = config_source {
        summaries.push(report::SourceSummary {
            name: CONFIG_SOURCE_NAME.into(),
            documents: 1,
            lines: line_indexes[index].line_count(),
        });
    }
    let mut findings = cluster.findings;
    for finding in &mut findings {
        if let Some(span) = finding.span {
            let index = span.source as usize;
            finding.location = Some(line_indexes[index].location(&sources[index].text, span));
        }
    }
    let summary = summarise(&cluster.objects, cluster.host_objects.len(), &findings);
    Report {
        format: report::REPORT_FORMAT,
        engine_version: VERSION,
        settings: ReportSettings {
            vcluster_version: options.vcluster_version.to_string(),
            vcluster_release: options.vcluster_version.release(),
            vcluster_name: options.vcluster_name.clone(),
            host_namespace: options.host_namespace.clone(),
            config_format: cluster.config.format.map(String::from),
            multi_namespace: cluster.config.multi_namespace,
            virtual_nodes: options.virtual_nodes,
            seed: options.seed,
        },
        sources: summaries,
        objects: cluster.objects,
        host_objects: cluster.host_objects,
        findings,
        summary,
    }
}

fn read_config(sources: &[Source], index: Option<usize>, options: &Options) -> (VclusterConfig, Vec<Finding>) {
    let defaults = VclusterConfig::defaults(options.vcluster_version, &options.vcluster_name);
    let Some(index) = index else { return (defaults, Vec::new()) };
    let mut findings = Vec::new();
    let documents = yaml::parse_source(index, &sources[index]);
    let root = match documents.into_iter().next().map(|d| d.result) {
        Some(Ok(Some(root))) => root,
        Some(Ok(None)) | None => return (defaults, findings),
        Some(Err(error)) => {
            findings.push(
                Finding::new(
                    rules::CONFIG_INVALID,
                    Severity::Error,
                    Stage::Parse,
                    format!("vcluster configuration: {}", error.message),
                )
                .at(error.span),
            );
            return (defaults, findings);
        }
    };
    let (config, issues) = VclusterConfig::from_node(&root, options.vcluster_version, &options.vcluster_name);
    for issue in issues {
        let (rule, severity) = if issue.is_error {
            (rules::CONFIG_INVALID, Severity::Error)
        } else if issue.message.starts_with("unknown key") {
            (rules::CONFIG_UNKNOWN_KEY, Severity::Warning)
        } else {
            (rules::CONFIG_NOTE, Severity::Info)
        };
        let mut finding = Finding::new(rule, severity, Stage::Parse, issue.message);
        if let Some(span) = issue.span {
            finding = finding.at(span);
        }
        findings.push(finding);
    }
    (config, findings)
}

fn summarise(objects: &[report::VirtualObject], host_objects: usize, findings: &[Finding]) -> Summary {
    let count = |f: fn(&Disposition) -> bool| objects.iter().filter(|o| f(&o.disposition)).count();
    Summary {
        virtual_objects: objects.len(),
        host_objects,
        synced: count(|d| matches!(d, Disposition::SyncedToHost { .. })),
        virtual_only: count(|d| matches!(d, Disposition::VirtualOnly { .. })),
        not_synced: count(|d| matches!(d, Disposition::NotSynced { .. })),
        rejected: count(|d| matches!(d, Disposition::Rejected { .. })),
        errors: findings.iter().filter(|f| f.severity == Severity::Error).count(),
        warnings: findings.iter().filter(|f| f.severity == Severity::Warning).count(),
    }
}
