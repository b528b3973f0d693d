//! The `hostside` binary on real input: every corpus file and scenario ends with exit code
//! 0 (clean) or 1 (findings), never a panic (101); unreadable input is 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn hostside(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hostside")).args(args).output().expect("hostside runs")
}

fn shared(dir: &str) -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("{}: {e}", base.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_file_and_scenario_exits_0_or_1_in_every_format_and_version() {
    let files: Vec<PathBuf> = shared("corpus/real").into_iter().chain(shared("scenarios")).collect();
    assert_eq!(files.len(), 26);
    for file in &files {
        for version in ["0.19", "0.20", "latest"] {
            for format in ["text", "json", "yaml"] {
                let out =
                    hostside(&["check", file.to_str().unwrap(), "--vcluster-version", version, "--format", format]);
                let code = out.status.code();
                assert!(
                    matches!(code, Some(0 | 1)),
                    "{} {version} {format}: exit {code:?}\n{}",
                    file.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(!out.stdout.is_empty(), "{} printed nothing", file.display());
            }
        }
    }
}

#[test]
fn json_output_is_the_versioned_report() {
    let file = shared("scenarios").into_iter().find(|p| p.ends_with("02-fluentd-daemonset.yaml")).unwrap();
    let out = hostside(&[
        "check",
        file.to_str().unwrap(),
        "--vcluster-version",
        "0.19",
        "--host-namespace",
        "demo1",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["format"], "hostside.report/v1");
    assert_eq!(report["settings"]["vcluster_release"], "v0.19.10");
    let names: Vec<&str> =
        report["host_objects"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert!(
        names.iter().any(|n| n.starts_with("fluentd-") && n.ends_with("-x-kube-system-x-my-vcluster")),
        "{names:?}"
    );
}

#[test]
fn yaml_output_is_a_kubectl_list() {
    let file = shared("scenarios").into_iter().find(|p| p.ends_with("06-nginx-port-80.yaml")).unwrap();
    let out = hostside(&["check", file.to_str().unwrap(), "--format", "yaml"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n"), "{text}");
    assert!(text.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"), "{text}");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostside"))
        .args(["check", "-", "--format", "yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox:1.36}]\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: p-x-default-x-my-vcluster"));
}

#[test]
fn unreadable_input_is_exit_2() {
    let out = hostside(&["check", "/nonexistent/manifest.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/manifest.yaml"));
    let out = hostside(&["check", "x.yaml", "--vcluster-version", "0.18"]);
    assert_eq!(out.status.code(), Some(2));
}
