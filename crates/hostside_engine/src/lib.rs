//! Hostside's engine: virtual-cluster manifests in, what the host would see and do out.
//!
//! One entry point, [`check`], runs the pipeline of ARCHITECTURE.md:
//! parse → expand (virtual API server and controllers) → translate (vcluster's syncer)
//! → report. The engine is pure: no I/O, no clock, no randomness (placeholders are seeded).

pub mod admit;
mod cluster;
pub mod compare;
mod expand;
mod fix;
pub mod host;
pub mod parse;
pub mod path;
pub mod placeholders;
mod predict;
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

pub use compare::{Comparison, compare, compare_reports};
pub use fix::apply_edits;
pub use fix::recheck::{MAX_RECHECK_INPUT_BYTES, MAX_RECHECKS};

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

/// Every text a report's locations can point into, in the order of `Report::sources`:
/// the manifests, then the vcluster configuration, the host profile (a preset's own text
/// when a preset is named) and the host objects, when given.
pub fn input_sources(input: &Input) -> Vec<Source> {
    let options = &input.options;
    let mut sources = input.sources.clone();
    if let Some(text) = &options.vcluster_config {
        sources.push(Source::new(CONFIG_SOURCE_NAME, text.clone()));
    }
    if let Some(given) = options.host.as_deref().map(str::trim) {
        match host::preset(given) {
            Some(preset) => sources.push(Source::new(format!("preset:{}", preset.name), preset.text)),
            None if given.contains('\n') || given.contains(':') => {
                sources.push(Source::new(HOST_PROFILE_SOURCE_NAME, given))
            }
            None => {}
        }
    }
    if let Some(text) = &options.host_objects {
        sources.push(Source::new(HOST_OBJECTS_SOURCE_NAME, text.clone()));
    }
    sources
}

/// Name of the host profile source in reports, when the profile is YAML text.
pub const HOST_PROFILE_SOURCE_NAME: &str = "host-profile.yaml";
/// Name of the `host_objects` source in reports.
pub const HOST_OBJECTS_SOURCE_NAME: &str = "host-objects.yaml";

/// Runs the whole pipeline. Never fails: problems are findings in the report.
///
/// Fixes with edits are then re-checked: the input with the edits applied runs once more
/// (see `fix::recheck` for the limits).
pub fn check(input: &Input) -> Report {
    let mut report = run(input, true);
    fix::recheck::recheck(input, &mut report, |fixed| run(fixed, false));
    report
}

/// The pipeline once; `fix_edits`: turn the fixes' plans into text edits.
fn run(input: &Input, fix_edits: bool) -> Report {
    let options = &input.options;
    let sources = input_sources(input);
    let source_index = |name: &str| {
        sources.iter().skip(input.sources.len()).position(|s| s.name == name).map(|i| i + input.sources.len())
    };
    let line_indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    let manifest_count = input.sources.len();
    let mut parsed = parse::parse_sources(&sources[..manifest_count], &line_indexes[..manifest_count]);

    let (config, mut config_findings) = read_config(&sources, source_index(CONFIG_SOURCE_NAME), options);
    let mut findings = std::mem::take(&mut parsed.findings);
    findings.append(&mut config_findings);
    let profile_index = sources
        .iter()
        .skip(manifest_count)
        .position(|s| s.name == HOST_PROFILE_SOURCE_NAME || s.name.starts_with("preset:"))
        .map(|i| i + manifest_count);
    let host_env = load_host(&sources, profile_index, source_index(HOST_OBJECTS_SOURCE_NAME), options, &mut findings);
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
        host: host_env,
        admissions: Default::default(),
    };
    expand::run(&mut cluster);
    if cluster.host_mode() {
        translate::applied_to_host(&mut cluster);
    } else {
        translate::run(&mut cluster);
        if let Some(env) = cluster.host.take() {
            admit::host::run(&mut cluster, &env);
            cluster.host = Some(env);
        }
    }
    predict::run(&mut cluster);

    let mut summaries = parsed.summaries;
    for (index, source) in sources.iter().enumerate().skip(manifest_count) {
        summaries.push(report::SourceSummary {
            name: source.name.clone(),
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
    if fix_edits {
        fix::materialise(&mut findings, &sources[..manifest_count], &cluster.documents);
    }
    let summary = summarise(&cluster.objects, &cluster.host_objects, &findings);
    Report {
        format: report::REPORT_FORMAT.into(),
        engine_version: VERSION.into(),
        settings: ReportSettings {
            vcluster_version: options.vcluster_version.to_string(),
            vcluster_release: options.vcluster_version.release(),
            vcluster_name: options.vcluster_name.clone(),
            host_namespace: options.host_namespace.clone(),
            config_format: cluster.config.format.map(String::from),
            multi_namespace: cluster.config.multi_namespace,
            virtual_nodes: options.virtual_nodes,
            seed: options.seed,
            host_profile: cluster.host.as_ref().map(|env| env.profile_name.clone()),
            target: options.target,
        },
        sources: summaries,
        objects: cluster.objects,
        host_objects: cluster.host_objects,
        findings,
        summary,
    }
}

/// Reads the host profile (a preset or YAML), applies the overrides, and adds the objects
/// that already exist in the host namespace.
fn load_host(
    sources: &[Source],
    profile_index: Option<usize>,
    objects_index: Option<usize>,
    options: &Options,
    findings: &mut Vec<Finding>,
) -> Option<admit::host::HostEnv> {
    let given = options.host.as_deref()?.trim();
    let Some(index) = profile_index else {
        let known: Vec<&str> = host::PRESETS.iter().map(|p| p.name).collect();
        let message = format!("unknown host preset `{given}` (presets: {})", known.join(", "));
        findings.push(Finding::new(rules::HOST_PROFILE, Severity::Error, Stage::Parse, message));
        return None;
    };
    let (document, issues) = host::parse_profile(index, &sources[index]);
    for issue in issues {
        let severity = if issue.is_error { Severity::Error } else { Severity::Warning };
        let mut finding = Finding::new(rules::HOST_PROFILE, severity, Stage::Parse, issue.message);
        if let Some(span) = issue.span {
            finding = finding.at(span);
        }
        findings.push(finding);
    }
    let document = document?;
    let mut profile = document.spec;
    for assignment in &options.host_overrides {
        if let Err(message) = host::apply_override(&mut profile, assignment) {
            findings.push(Finding::new(rules::HOST_PROFILE, Severity::Error, Stage::Parse, message));
        }
    }
    if let Some(index) = objects_index {
        for document in yaml::parse_source(index, &sources[index]) {
            match document.result {
                Ok(Some(node)) => profile.objects.push(node.to_json()),
                Ok(None) => {}
                Err(error) => findings.push(
                    Finding::new(
                        rules::HOST_PROFILE,
                        Severity::Error,
                        Stage::Parse,
                        format!("host objects: {}", error.message),
                    )
                    .at(error.span),
                ),
            }
        }
    }
    let namespace = options.host_namespace.clone();
    for object in &mut profile.objects {
        if object.pointer("/metadata/namespace").is_none() {
            value::ValueExt::set_at(object, "/metadata/namespace", serde_json::json!(namespace));
        }
    }
    let era = admit::gatekeeper::ck8s::Ck8sEra::for_profile(&document.metadata.name);
    let mut constraints = Vec::new();
    for object in profile.gatekeeper.iter().flat_map(|g| &g.constraints) {
        match admit::gatekeeper::Constraint::from_object(object, era) {
            Ok(constraint) => constraints.push(constraint),
            Err(message) => findings.push(Finding::new(
                rules::HOST_PROFILE,
                Severity::Error,
                Stage::Parse,
                format!("host profile: {message}"),
            )),
        }
    }
    let (mutators, errors) =
        admit::gatekeeper::mutation::parse_all(profile.gatekeeper.as_ref().map_or(&[][..], |g| &g.mutations));
    for error in errors {
        findings.push(Finding::new(
            rules::HOST_PROFILE,
            Severity::Error,
            Stage::Parse,
            format!("host profile: {error}"),
        ));
    }
    Some(admit::host::HostEnv {
        mutators,
        profile,
        profile_name: document.metadata.name,
        user: format!("system:serviceaccount:{namespace}:vc-{}", options.vcluster_name),
        namespace,
        constraints,
        vcluster: options.vcluster_name.clone(),
    })
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

fn summarise(objects: &[report::VirtualObject], host_objects: &[report::HostObject], findings: &[Finding]) -> Summary {
    let count = |f: fn(&Disposition) -> bool| objects.iter().filter(|o| f(&o.disposition)).count();
    Summary {
        virtual_objects: objects.len(),
        host_objects: host_objects.len(),
        denied: host_objects.iter().filter(|h| h.admission.as_ref().is_some_and(|a| !a.allowed)).count(),
        synced: count(|d| matches!(d, Disposition::SyncedToHost { .. })),
        virtual_only: count(|d| matches!(d, Disposition::VirtualOnly { .. })),
        not_synced: count(|d| matches!(d, Disposition::NotSynced { .. })),
        rejected: count(|d| matches!(d, Disposition::Rejected { .. })),
        errors: findings.iter().filter(|f| f.severity == Severity::Error).count(),
        warnings: findings.iter().filter(|f| f.severity == Severity::Warning).count(),
    }
}
