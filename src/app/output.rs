//! Where outputs go: `--format table --format sarif=results.sarif -o FILE`.

use crate::app::Failure;
use crate::catalogue::RuleMeta;
use crate::report::{Format, RenderOptions};
use crate::scan::ScanReport;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct OutputSpec {
    pub format: Format,
    /// `None` writes to stdout.
    pub path: Option<PathBuf>,
}

/// Resolve `--format` values and `-o`: each `FORMAT=FILE` goes to its file, at most
/// one bare format goes to `-o FILE` or stdout; no format means `table`, and inside
/// GitHub Actions (`GITHUB_ACTIONS=true`) also `github` annotations on stdout.
pub fn plan(formats: &[String], output: Option<&Path>) -> Result<Vec<OutputSpec>, Failure> {
    let in_github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    plan_for(formats, output, in_github_actions)
}

fn plan_for(
    formats: &[String],
    output: Option<&Path>,
    in_github_actions: bool,
) -> Result<Vec<OutputSpec>, Failure> {
    let mut specs = Vec::new();
    let mut bare = 0;
    for f in formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) if !p.is_empty() => (n.trim(), Some(PathBuf::from(p))),
            Some((n, _)) => {
                return Err(Failure::usage(format!(
                    "--format {n}= needs a file name after '='"
                )))
            }
            None => (f.trim(), None),
        };
        let format: Format = name.parse().map_err(Failure::usage)?;
        if path.is_none() {
            bare += 1;
        }
        specs.push(OutputSpec { format, path });
    }
    if specs.is_empty() {
        specs.push(OutputSpec {
            format: Format::Table,
            path: None,
        });
        bare = 1;
    }
    if bare > 1 {
        return Err(Failure::usage(
            "several formats would go to the same place; give files with FORMAT=FILE",
        ));
    }
    if let Some(o) = output {
        for s in specs.iter_mut().filter(|s| s.path.is_none()) {
            s.path = Some(o.to_path_buf());
        }
    }
    // The runner reads workflow commands from stdout only, whatever `-o` says.
    if formats.is_empty() && in_github_actions {
        specs.push(OutputSpec {
            format: Format::Github,
            path: None,
        });
    }
    Ok(specs)
}

/// Write the report in the spec's format to its file or stdout.
pub fn emit(
    spec: &OutputSpec,
    report: &ScanReport,
    catalogue: &[RuleMeta],
    options: &RenderOptions,
) -> Result<(), Failure> {
    // Colour only when the table goes to a terminal.
    let mut options = options.clone();
    options.color &= spec.path.is_none();
    if spec.format != Format::Json {
        let text = crate::report::render(spec.format, report, catalogue, &options);
        return write_text(spec.path.as_deref(), &text);
    }
    let fill =
        |w: &mut dyn Write| crate::report::write(spec.format, report, catalogue, &options, w);
    match spec.path.as_deref() {
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed stdout (`| head`) is the reader's choice, not an error.
            let _ = fill(&mut out).and_then(|()| out.flush());
            Ok(())
        }
        Some(p) => write_atomically(p, fill).map_err(|e| cannot_write(p, e)),
    }
}

/// The scanned directory's path inside its git repository (`infra`), so SARIF URIs
/// and Markdown links resolve from the repository root as GitHub expects.
pub fn repo_prefix(scan_base: &Path) -> Option<String> {
    let dir = if scan_base.is_dir() {
        scan_base
    } else {
        scan_base.parent()?
    };
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let prefix = String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_end_matches('/')
        .to_string();
    (!prefix.is_empty()).then_some(prefix)
}

/// Print `text` (`None`), or write it whole to the file. A file is written whole or
/// not at all: a temporary file beside it is renamed over it, so a CI step that is
/// killed or a full disk never leaves half a report for the next step to upload.
pub fn write_text(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    match path {
        // Nothing to say (no annotations) prints nothing, not an empty line.
        None if text.is_empty() => Ok(()),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            Ok(())
        }
        Some(p) => {
            write_atomically(p, |w| w.write_all(text.as_bytes())).map_err(|e| cannot_write(p, e))
        }
    }
}

fn cannot_write(path: &Path, e: std::io::Error) -> Failure {
    Failure {
        code: crate::app::EXIT_USAGE,
        message: format!("cannot write {}: {e}", path.display()),
    }
}

/// Write what `fill` writes to `path`, whole or not at all.
fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // `-o /dev/null`, `-o /dev/stdout` or a named pipe: there is no file to replace,
    // and renaming a temporary file over a device would replace the device itself.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut target =
            std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        fill(&mut target)?;
        return target.flush();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".soc2scan-");
    // Temporary files are private by default; a report is an ordinary file (the
    // umask still applies), readable by the next CI step whoever runs it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir)?;
    let mut buffered = std::io::BufWriter::new(file.as_file_mut());
    fill(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn plan_of(names: &[&str], output: Option<&str>, gha: bool) -> Vec<(Format, Option<String>)> {
        plan_for(&formats(names), output.map(Path::new), gha)
            .expect("valid plan")
            .into_iter()
            .map(|s| (s.format, s.path.map(|p| p.display().to_string())))
            .collect()
    }

    #[test]
    fn github_annotations_are_added_only_in_actions_without_formats() {
        assert_eq!(plan_of(&[], None, false), [(Format::Table, None)]);
        assert_eq!(
            plan_of(&[], None, true),
            [(Format::Table, None), (Format::Github, None)]
        );
        assert_eq!(
            plan_of(&[], Some("report.txt"), true),
            [
                (Format::Table, Some("report.txt".into())),
                (Format::Github, None)
            ],
            "annotations stay on stdout, where the runner reads them"
        );
        assert_eq!(
            plan_of(&["sarif=r.sarif"], None, true),
            [(Format::Sarif, Some("r.sarif".into()))],
            "a format given on the command line is all the user gets"
        );
    }

    #[test]
    fn a_written_file_replaces_the_old_one_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old contents that are longer").expect("seed");
        write_text(Some(&path), "new").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[test]
    fn a_stream_that_fails_midway_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.json");
        std::fs::write(&path, "the previous report").expect("seed");
        let failed = write_atomically(&path, |w| {
            w.write_all(b"{\"results\": [")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "the previous report"
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_or_pipe_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_text(Some(Path::new("/dev/null")), "discarded").expect("written");
        let meta = std::fs::metadata("/dev/null").expect("stat");
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read pipe"))
        };
        write_text(Some(&fifo), "through the pipe").expect("written");
        assert_eq!(reader.join().expect("reader"), "through the pipe");
        let meta = std::fs::symlink_metadata(&fifo).expect("stat");
        assert!(meta.file_type().is_fifo(), "the pipe is still a pipe");
    }
}
