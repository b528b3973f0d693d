//! `cargo xtask` — Hostside's project automation (std only, no network code of its own).
//!
//! ```text
//! cargo xtask serve [TRUNK ARGS...]  install what is missing, then serve the playground
//!                                    on http://127.0.0.1:8080 (`trunk serve`)
//! cargo xtask test                   install what is missing, then run every check CI runs
//! cargo xtask ci                     same as `test`
//! cargo xtask dist                   install what is missing, `trunk build --release`, size budget
//! ```
//!
//! Installs happen only when something is missing or has the wrong version, and every
//! install says what it installs and why. Trunk itself never downloads anything:
//! `Trunk.toml` sets `offline = true` and pins `[tools]` to the versions installed here.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// Size budget of the playground: gzipped `.wasm` + `.js` in `dist/` after
// `trunk build --release`. Raise it only deliberately.
const BUDGET_KB: f64 = 800.0;
/// 1 KB = 1024 bytes in every size this tool prints.
const KB: f64 = 1024.0;
// ---------------------------------------------------------------------------------------

/// trunk 0.22.x needs rustc >= 1.96; 0.21.14 builds with the pinned toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from the npm `binaryen` package (Debian's binaryen 108 cannot read the wasm
/// that current Rust emits). Must match `wasm_opt = "version_<N>"` in Trunk.toml.
const BINARYEN_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WEB_CRATE: &str = "hostside_web";
const ENGINE_CRATE: &str = "hostside_engine";
/// Where `npm install --prefix` puts binaryen (ignored by git).
const TOOLS_DIR: &str = ".tools";
const DIST_DIR: &str = "dist";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(cmd) = args.first().map(String::as_str) else {
        print_usage();
        return ExitCode::FAILURE;
    };
    let xtask = match Xtask::new() {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    let started = Instant::now();
    let result = match cmd {
        "serve" => xtask.serve(&args[1..]),
        "test" | "ci" => xtask.test(),
        "dist" => xtask.dist(),
        "-h" | "--help" | "help" => {
            print_usage();
            return ExitCode::SUCCESS;
        }
        other => {
            print_usage();
            return fail(&format!("unknown subcommand `{other}`"));
        }
    };
    match result {
        Ok(()) => {
            println!("\nxtask {cmd}: all steps passed in {}", fmt_secs(started.elapsed().as_secs_f64()));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn print_usage() {
    eprintln!(
        "usage: cargo xtask <serve|test|ci|dist>\n\
         \x20 serve [TRUNK ARGS...]  install missing tools, serve the playground on http://127.0.0.1:8080\n\
         \x20 test                   install missing tools, run fmt, clippy, tests, wasm builds, size budget\n\
         \x20 ci                     same as test\n\
         \x20 dist                   install missing tools, trunk build --release, size budget"
    );
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("\nxtask: error: {msg}");
    ExitCode::FAILURE
}

struct Xtask {
    root: PathBuf,
    /// The `cargo` that runs us (rustup's toolchain choice included).
    cargo: OsString,
    /// PATH for every child: binaryen's `.bin` and cargo's install dir first.
    path: OsString,
}

impl Xtask {
    fn new() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask must live one level below the workspace root")?
            .to_path_buf();
        let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut dirs = vec![root.join(TOOLS_DIR).join("node_modules").join(".bin")];
        dirs.push(cargo_home().join("bin"));
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).map_err(|e| format!("cannot build PATH: {e}"))?;
        Ok(Self { root, cargo, path })
    }

    // ----- subcommands -------------------------------------------------------------------

    fn serve(&self, trunk_args: &[String]) -> Result {
        self.setup(false)?;
        self.step("cargo fetch (Trunk builds with --offline)", || self.run(&self.cargo, &["fetch"]))?;
        println!("\nServing the playground on http://127.0.0.1:8080 (Ctrl-C stops it)");
        let mut args = vec!["serve"];
        args.extend(trunk_args.iter().map(String::as_str));
        self.run("trunk", &args).map_err(|e| format!("trunk serve failed: {e}"))
    }

    fn test(&self) -> Result {
        self.setup(true)?;
        let cargo_steps: &[(&str, &[&str])] = &[
            ("fmt", &["fmt", "--all", "--", "--check"]),
            (
                "clippy (native, all members but the web crate)",
                &["clippy", "--workspace", "--exclude", WEB_CRATE, "--all-targets", "--", "-D", "warnings"],
            ),
            (
                "clippy (wasm32, web crate)",
                &["clippy", "-p", WEB_CRATE, "--target", WASM_TARGET, "--", "-D", "warnings"],
            ),
            ("test (native, all members but the web crate)", &["test", "--workspace", "--exclude", WEB_CRATE]),
            ("build engine for wasm32 (stays wasm-clean)", &["build", "-p", ENGINE_CRATE, "--target", WASM_TARGET]),
            // Hostile input within 1 s each, corpus throughput printed (release build).
            (
                "engine time budgets (release)",
                &["run", "--release", "--quiet", "-p", "hostside_bench", "--bin", "budget"],
            ),
        ];
        for (name, args) in cargo_steps {
            self.step(name, || self.run(&self.cargo, args))?;
        }
        self.release_build_and_budget()
    }

    fn dist(&self) -> Result {
        self.setup(false)?;
        self.release_build_and_budget()
    }

    fn release_build_and_budget(&self) -> Result {
        self.step("cargo fetch (Trunk builds with --offline)", || self.run(&self.cargo, &["fetch"]))?;
        self.step("trunk build --release (into dist/)", || self.run("trunk", &["build", "--release"]))?;
        self.step("size budget", || self.check_budget())
    }

    // ----- steps -------------------------------------------------------------------------

    /// Runs `f` as a named step, printing its elapsed time; a failure names the step.
    fn step(&self, name: &str, f: impl FnOnce() -> Result) -> Result {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = f();
        let took = fmt_secs(start.elapsed().as_secs_f64());
        match result {
            Ok(()) => {
                println!("<== {name}: ok ({took})");
                Ok(())
            }
            Err(e) => {
                eprintln!("<== {name}: FAILED ({took})");
                Err(format!("step `{name}` failed: {e}"))
            }
        }
    }

    /// Runs a program in the workspace root with our PATH; non-zero exit is an error.
    fn run(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Result {
        let program = program.as_ref();
        println!("$ {} {}", program.to_string_lossy(), args.join(" "));
        let status = self
            .command(program)
            .args(args)
            .status()
            .map_err(|e| format!("cannot run `{}`: {e}", program.to_string_lossy()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{} {}` exited with {status}", program.to_string_lossy(), args.join(" ")))
        }
    }

    /// Runs a program quietly; its trimmed stdout (or stderr if stdout is empty) when it
    /// ran and succeeded, `None` when it is missing or failed.
    fn probe(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
        let out = self.command(program.as_ref()).args(args).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
        Some(String::from_utf8_lossy(&text).trim().to_owned())
    }

    fn command(&self, program: &std::ffi::OsStr) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root)
            .env("PATH", &self.path)
            // Snapshot mismatches fail the run instead of writing `.snap.new` files.
            .env("INSTA_UPDATE", "no")
            // Trunk's update check contacts crates.io unless skipped; `offline = true` in
            // Trunk.toml does not cover it.
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        if program == "trunk" {
            // Trunk's errors are already explained; keep anyhow's backtraces out of them
            // (RUST_BACKTRACE=1 would otherwise add one to every failed build).
            cmd.env("RUST_LIB_BACKTRACE", "0");
        }
        cmd
    }

    // ----- set-up ------------------------------------------------------------------------

    /// Installs what is missing, and only that.
    fn setup(&self, lints: bool) -> Result {
        self.step("set-up (installs only what is missing)", || {
            if lints {
                self.ensure_rust_components()?;
            }
            self.ensure_wasm_target()?;
            let bindgen = self.locked_wasm_bindgen_version()?;
            self.check_trunk_toml(&bindgen)?;
            self.ensure_trunk()?;
            self.ensure_wasm_bindgen(&bindgen)?;
            self.ensure_wasm_opt()
        })
    }

    fn ensure_rust_components(&self) -> Result {
        let mut missing = Vec::new();
        if self.probe(&self.cargo, &["fmt", "--version"]).is_none() {
            missing.push("rustfmt");
        }
        if self.probe(&self.cargo, &["clippy", "--version"]).is_none() {
            missing.push("clippy");
        }
        if missing.is_empty() {
            println!("ok: rustfmt and clippy present");
            return Ok(());
        }
        println!(
            "installing rustup components {}: `cargo xtask test` runs cargo fmt and cargo clippy",
            missing.join(", ")
        );
        let mut args = vec!["component", "add"];
        args.extend(&missing);
        self.run("rustup", &args)
    }

    fn ensure_wasm_target(&self) -> Result {
        let sysroot = self
            .probe("rustc", &["--print", "sysroot"])
            .ok_or("`rustc --print sysroot` failed; is the Rust toolchain installed?")?;
        let target_dir = Path::new(&sysroot).join("lib").join("rustlib").join(WASM_TARGET);
        if target_dir.is_dir() {
            println!("ok: Rust target {WASM_TARGET} installed");
            return Ok(());
        }
        println!("installing Rust target {WASM_TARGET}: the playground and engine build for it");
        self.run("rustup", &["target", "add", WASM_TARGET])
    }

    fn ensure_trunk(&self) -> Result {
        let want = format!("trunk {TRUNK_VERSION}");
        let found = self.probe("trunk", &["--version"]);
        if found.as_deref() == Some(want.as_str()) {
            println!("ok: {want}");
            return Ok(());
        }
        let why = match &found {
            None => "not found".to_owned(),
            Some(v) => format!("found `{v}`"),
        };
        println!("installing trunk {TRUNK_VERSION} ({why}; 0.22 needs a newer rustc), takes minutes on 2 cores");
        self.cargo_install("trunk", TRUNK_VERSION)?;
        match self.probe("trunk", &["--version"]) {
            Some(v) if v == want => Ok(()),
            other => Err(format!(
                "after installing, `trunk --version` says {other:?}, expected `{want}`; \
                 is another trunk earlier on PATH?"
            )),
        }
    }

    fn ensure_wasm_bindgen(&self, version: &str) -> Result {
        let want = format!("wasm-bindgen {version}");
        let found = self.probe("wasm-bindgen", &["--version"]);
        if found.as_deref() == Some(want.as_str()) {
            println!("ok: {want} (matches Cargo.lock)");
            return Ok(());
        }
        let why = match &found {
            None => "not found".to_owned(),
            Some(v) => format!("found `{v}`"),
        };
        println!(
            "installing wasm-bindgen-cli {version} ({why}; must equal wasm-bindgen in Cargo.lock), \
             takes minutes on 2 cores"
        );
        self.cargo_install("wasm-bindgen-cli", version)?;
        match self.probe("wasm-bindgen", &["--version"]) {
            Some(v) if v == want => Ok(()),
            other => Err(format!("after installing, `wasm-bindgen --version` says {other:?}, expected `{want}`")),
        }
    }

    /// `cargo install --locked`, falling back to a fresh resolution when the crate's own
    /// lock file pins a dependency the registry no longer offers (seen with
    /// wasm-bindgen-cli 0.2.130 and webpki-roots 1.0.11).
    fn cargo_install(&self, krate: &str, version: &str) -> Result {
        let locked = self.run(&self.cargo, &["install", "--locked", krate, "--version", version]);
        if locked.is_ok() {
            return Ok(());
        }
        println!(
            "`cargo install --locked {krate}` failed (its lock file may pin a dependency this \
             registry lacks); retrying without --locked"
        );
        self.run(&self.cargo, &["install", krate, "--version", version])
    }

    fn ensure_wasm_opt(&self) -> Result {
        let bin = self.root.join(TOOLS_DIR).join("node_modules").join(".bin").join("wasm-opt");
        let want = format!("version {BINARYEN_VERSION}");
        if bin.exists() {
            match self.probe(&bin, &["--version"]) {
                Some(v) if v.contains(&want) => {
                    println!("ok: wasm-opt {want} ({TOOLS_DIR}/node_modules/.bin)");
                    return Ok(());
                }
                other => println!("{TOOLS_DIR}'s wasm-opt says {other:?}, expected {want}"),
            }
        }
        if self.probe("npm", &["--version"]).is_none() {
            return Err("npm not found: wasm-opt comes from the npm package `binaryen`; \
                        install Node.js and npm (Debian: apt-get install nodejs npm)"
                .to_owned());
        }
        println!(
            "installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into {TOOLS_DIR}/: \
             Trunk runs it for -Oz; Debian's binaryen is too old for current Rust wasm"
        );
        let spec = format!("binaryen@{BINARYEN_VERSION}");
        self.run("npm", &["install", "--prefix", TOOLS_DIR, "--save-exact", "--no-audit", "--no-fund", &spec])?;
        match self.probe(&bin, &["--version"]) {
            Some(v) if v.contains(&want) => Ok(()),
            other => Err(format!("after npm install, `{}` says {other:?}, expected {want}", bin.display())),
        }
    }

    /// The one wasm-bindgen version in Cargo.lock (the CLI must match it exactly).
    fn locked_wasm_bindgen_version(&self) -> Result<String> {
        let lock =
            fs::read_to_string(self.root.join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
        let mut versions = locked_versions(&lock, "wasm-bindgen");
        versions.dedup();
        match versions.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err("Cargo.lock has no wasm-bindgen package".to_owned()),
            many => Err(format!("Cargo.lock has several wasm-bindgen versions {many:?}; pin one in the workspace")),
        }
    }

    /// Trunk.toml's `[tools]` pins must name what we install, or offline Trunk fails later
    /// with a less helpful message.
    fn check_trunk_toml(&self, bindgen: &str) -> Result {
        let toml =
            fs::read_to_string(self.root.join("Trunk.toml")).map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
        let expect = [("wasm_bindgen", bindgen.to_owned()), ("wasm_opt", format!("version_{BINARYEN_VERSION}"))];
        for (key, want) in expect {
            let got = toml_string(&toml, key);
            if got.as_deref() != Some(want.as_str()) {
                return Err(format!(
                    "Trunk.toml [tools] {key} is {got:?} but must be \"{want}\" \
                     (Cargo.lock / xtask's BINARYEN_VERSION); update Trunk.toml"
                ));
            }
        }
        if toml_value(&toml, "offline") != Some("true") {
            return Err("Trunk.toml must set `offline = true` under [build]".to_owned());
        }
        println!("ok: Trunk.toml is offline and pins wasm-bindgen {bindgen}, wasm-opt version_{BINARYEN_VERSION}");
        Ok(())
    }

    // ----- size budget -------------------------------------------------------------------

    fn check_budget(&self) -> Result {
        let dist = self.root.join(DIST_DIR);
        let mut files = Vec::new();
        collect_files(&dist, &mut files).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
        files.retain(|f| matches!(f.extension().and_then(|e| e.to_str()), Some("wasm" | "js")));
        files.sort();
        if !files.iter().any(|f| f.extension().is_some_and(|e| e == "wasm")) {
            return Err(format!("no .wasm in {}", dist.display()));
        }
        let mut total = 0u64;
        for file in &files {
            let raw = fs::metadata(file).map_err(|e| e.to_string())?.len();
            let gz = self.gzipped_len(file)?;
            total += gz;
            println!(
                "  {}: {:.1} KB raw, {:.1} KB gzipped",
                file.strip_prefix(&self.root).unwrap_or(file).display(),
                raw as f64 / KB,
                gz as f64 / KB
            );
        }
        let total_kb = total as f64 / KB;
        println!("budget: dist wasm+js {total_kb:.1} KB gzipped (budget {BUDGET_KB:.0} KB)");
        if total_kb > BUDGET_KB {
            return Err(format!(
                "dist wasm+js is {total_kb:.1} KB gzipped, over the {BUDGET_KB:.0} KB budget \
                 (BUDGET_KB in xtask/src/main.rs)"
            ));
        }
        Ok(())
    }

    fn gzipped_len(&self, file: &Path) -> Result<u64> {
        let out = self
            .command("gzip".as_ref())
            .args(["-9", "-c"])
            .arg(file)
            .output()
            .map_err(|e| format!("cannot run gzip: {e}"))?;
        if !out.status.success() {
            return Err(format!("gzip failed on {}", file.display()));
        }
        Ok(out.stdout.len() as u64)
    }
}

// ----- helpers ---------------------------------------------------------------------------

fn cargo_home() -> PathBuf {
    if let Some(home) = env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo")
}

/// Versions of every `[[package]]` called `name` in a Cargo.lock.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let name_line = format!("name = \"{name}\"");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line
            && let Some(v) =
                lines.next().and_then(|l| l.trim().strip_prefix("version = \"")).and_then(|l| l.strip_suffix('"'))
        {
            versions.push(v.to_owned());
        }
    }
    versions.sort();
    versions
}

/// The raw value of the first `key = value` line in a TOML file, comment stripped.
/// (Enough for the flat keys xtask checks; no TOML parser needed.)
fn toml_value<'a>(toml: &'a str, key: &str) -> Option<&'a str> {
    toml.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.split('#').next().unwrap_or(v).trim())
    })
}

/// The string value of `key = "value"` in a TOML file.
fn toml_string(toml: &str, key: &str) -> Option<String> {
    let v = toml_value(toml, key)?.strip_prefix('"')?;
    Some(v[..v.find('"')?].to_owned())
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn fmt_secs(secs: f64) -> String {
    if secs < 60.0 { format!("{secs:.1}s") } else { format!("{}m {:.0}s", (secs / 60.0) as u64, secs % 60.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_locked_versions() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert!(locked_versions(lock, "yew").is_empty());
    }

    #[test]
    fn reads_toml_strings() {
        let toml = "[tools]\nwasm_bindgen = \"0.2.130\"   # comment\nwasm_opt = \"version_132\"\n";
        assert_eq!(toml_string(toml, "wasm_bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(toml_string(toml, "wasm_opt").as_deref(), Some("version_132"));
        assert_eq!(toml_string(toml, "sass"), None);
        assert_eq!(toml_value("offline = true # never download", "offline"), Some("true"));
    }
}
