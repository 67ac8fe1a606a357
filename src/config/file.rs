//! `.soc2scan.toml` as the user wrote it: parsed into a tree that keeps the byte range
//! of every value, then checked key by key so that every problem in the file is
//! reported in one run, each naming file, line and key (cargo-deny's two-step
//! validation). A derived `Deserialize` would stop at the first unknown key or wrong
//! type, which turns fixing a config into one run per typo.

use crate::catalogue::RuleMeta;
use crate::environment::EnvConfig;
use crate::finding::Severity;
use crate::model::{Classification, ClassificationSource};
use crate::source::terraform::budget::Budgets;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

/// The file discovery looks for.
pub const CONFIG_FILE_NAME: &str = ".soc2scan.toml";

/// Why a configuration could not be used. The CLI exits 2 on any of these.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", render_problems(path, problems))]
    Invalid {
        path: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
    /// Rule ids in the file are checked against the embedded catalogue; if that is
    /// broken (a build defect) the file cannot be checked.
    #[error(transparent)]
    Catalogue(#[from] crate::catalogue::CatalogueError),
}

/// One problem in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// One-based.
    pub line: usize,
    /// One-based, in characters.
    pub column: usize,
    /// Dotted key path, e.g. `classification.paths[1].glob` or `environments.prod.cidrs[0]`.
    pub key: String,
    pub message: String,
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let file = path.display();
    let mut out = format!(
        "invalid configuration {file} ({} problem{}):",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str(&format!(
            "\n  {file}:{}:{}: {}: {}",
            p.line, p.column, p.key, p.message
        ));
    }
    out
}

/// A `[[classification.paths]]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathClassification {
    pub glob: String,
    pub level: Classification,
    /// Ready for `ClassificationSource::because`: `config path glob "data/**" (.soc2scan.toml:12)`.
    pub because: String,
}

/// An `[[accounts.trusted]]` entry: a vendor account allowed to assume roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedAccount {
    pub id: String,
    pub name: Option<String>,
    /// The ExternalId the vendor must present (confused-deputy protection).
    pub external_id: Option<String>,
}

/// A validated configuration file. `None`/empty means the key was not written, so the
/// default (or a command-line value) applies.
#[derive(Clone, Debug)]
pub struct FileConfig {
    pub path: PathBuf,
    pub fail_on: Option<Severity>,
    pub require_cmk: Option<bool>,
    pub download_modules: Option<bool>,
    /// Rule ids (names in the file are resolved to ids).
    pub disabled_rules: BTreeSet<String>,
    /// By rule id.
    pub severity_overrides: BTreeMap<String, Severity>,
    pub classification_tags: Option<Vec<String>>,
    pub classification_default: Option<ClassificationSource>,
    pub classification_paths: Vec<PathClassification>,
    /// `classification_paths` compiled, index-aligned.
    pub classification_globs: GlobSet,
    pub org_accounts: BTreeSet<String>,
    pub trusted_accounts: Vec<TrustedAccount>,
    pub access_key_max_age_days: Option<u32>,
    pub kms_min_deletion_window_days: Option<u32>,
    pub backup_retention_min_days: Option<u32>,
    /// In file order.
    pub environments: Vec<EnvConfig>,
    pub evidence: EvidenceConfig,
    /// `[evaluation]`: the defaults with what the file sets.
    pub evaluation: Budgets,
    /// `[drift] unmanaged`: globs over ARNs and names of resources left out of
    /// Terraform on purpose (DRIFT002), as written and compiled (index-aligned).
    pub unmanaged: Vec<String>,
    pub unmanaged_globs: GlobSet,
}

/// `evidence = "FILE"` or an `[evidence]` table: where runs are recorded and what the
/// auditor's report expects of them. Paths are resolved from the file's directory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvidenceConfig {
    pub ledger: Option<PathBuf>,
    pub sign_key: Option<PathBuf>,
    /// `daily` or `weekly`.
    pub cadence: Option<String>,
    /// A cell whose unknown results exceed this share of its results is incomplete.
    pub max_unknown_percent: Option<u32>,
    /// `[[evidence.expect]]`, in file order.
    pub expect: Vec<ExpectedSource>,
}

/// A source the auditor's report expects to run over the whole window.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedSource {
    /// A glob over source keys (`aws:123456789012/*`, `terraform:*//infra/prod`).
    pub source: String,
    pub cadence: Option<String>,
    /// Controls expected of it; empty means the controls the source covered in the
    /// ledger (a Terraform root cannot cover live-only controls).
    pub controls: Vec<String>,
}

impl FileConfig {
    /// Parse and validate `text`, read from `path` (named in errors and in
    /// classification reasons). Rule ids and names are checked against `catalogue`.
    pub fn parse(
        text: &str,
        path: &Path,
        catalogue: &[RuleMeta],
    ) -> Result<FileConfig, ConfigError> {
        let document = toml_edit::ImDocument::parse(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: vec![syntax_problem(text, &e)],
        })?;
        let mut check = Validator {
            text,
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
            problems: Vec::new(),
        };
        let mut root = located(document.as_item());
        root.span = Some(0..0);
        root.fill_spans(&(0..0));
        let config = check.root(&root, path, catalogue);
        if check.problems.is_empty() {
            return Ok(config);
        }
        check.problems.sort_by_key(|p| (p.line, p.column));
        Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: check.problems,
        })
    }

    /// Overwrite the defaults in `s` with what the file sets.
    pub(super) fn apply_to(&self, s: &mut super::Settings) {
        s.config_file = Some(self.path.clone());
        s.evidence = self.evidence.clone();
        s.evaluation = self.evaluation;
        if let Some(f) = self.fail_on {
            s.fail_on = f;
        }
        if let Some(c) = self.require_cmk {
            s.rules.require_cmk = c;
        }
        if let Some(d) = self.download_modules {
            s.download_modules = d;
        }
        s.disabled_rules.extend(self.disabled_rules.iter().cloned());
        s.severity_overrides
            .extend(self.severity_overrides.iter().map(|(k, v)| (k.clone(), *v)));
        if let Some(tags) = &self.classification_tags {
            s.classification_tags = tags.clone();
        }
        s.classification_default = self.classification_default.clone();
        s.classification_paths = self.classification_paths.clone();
        s.classification_globs = self.classification_globs.clone();
        s.rules.org_accounts = self.org_accounts.clone();
        s.rules.unmanaged = self.unmanaged.clone();
        s.rules.unmanaged_globs = self.unmanaged_globs.clone();
        for t in &self.trusted_accounts {
            s.rules
                .trusted_accounts
                .insert(t.id.clone(), t.external_id.clone());
            if let Some(name) = &t.name {
                s.rules
                    .trusted_account_names
                    .insert(t.id.clone(), name.clone());
            }
        }
        if let Some(d) = self.access_key_max_age_days {
            s.rules.access_key_max_age_days = d;
        }
        if let Some(d) = self.kms_min_deletion_window_days {
            s.rules.kms_min_deletion_window_days = d;
        }
        if let Some(d) = self.backup_retention_min_days {
            s.rules.min_backup_retention_days = d;
        }
        s.rules.environments = self.environments.clone();
    }
}

// ---------------------------------------------------------------------------------------
// The spanned tree.

/// A TOML value and where it was written.
struct Located {
    /// Byte range. Implicit tables (`environments` in `[environments.prod]`, `a` in
    /// `a.b = 1`) have none in the source; [`Located::fill_spans`] gives them their
    /// first entry's, so every problem still has a line.
    span: Option<Range<usize>>,
    node: Node,
}

impl Located {
    fn span(&self) -> Range<usize> {
        self.span.clone().unwrap_or(0..0)
    }

    fn fill_spans(&mut self, fallback: &Range<usize>) {
        let own = self.span.clone().unwrap_or_else(|| fallback.clone());
        let children: Vec<&mut Located> = match &mut self.node {
            Node::Table(entries) => entries.iter_mut().map(|(_, v)| v).collect(),
            Node::Array(items) => items.iter_mut().collect(),
            _ => Vec::new(),
        };
        let mut first = None;
        for child in children {
            child.fill_spans(&own);
            first = first.or_else(|| child.span.clone());
        }
        if self.span.is_none() {
            self.span = Some(first.unwrap_or(own));
        }
    }
}

/// A TOML value; nested values keep their byte range.
enum Node {
    /// Entries in file order.
    Table(Vec<(String, Located)>),
    Array(Vec<Located>),
    String(String),
    Integer(i64),
    /// Only ever a type error here: no key takes a float.
    Float,
    Boolean(bool),
    Datetime,
}

impl Node {
    fn kind(&self) -> &'static str {
        match self {
            Node::Table(_) => "a table",
            Node::Array(_) => "an array",
            Node::String(_) => "a string",
            Node::Integer(_) => "an integer",
            Node::Float => "a float",
            Node::Boolean(_) => "a boolean",
            Node::Datetime => "a date",
        }
    }
}

/// The tree of a parsed document, with toml_edit's spans (its public API: the spans
/// of the same parser the `toml` crate uses, so syntax errors read the same).
fn located(item: &toml_edit::Item) -> Located {
    use toml_edit::Item;
    match item {
        Item::Value(v) => located_value(v),
        Item::Table(t) => located_table(t),
        Item::ArrayOfTables(a) => Located {
            span: a.span(),
            node: Node::Array(a.iter().map(located_table).collect()),
        },
        Item::None => Located {
            span: None,
            node: Node::Table(Vec::new()),
        },
    }
}

fn located_table(table: &toml_edit::Table) -> Located {
    Located {
        span: table.span(),
        node: Node::Table(
            table
                .iter()
                .map(|(k, item)| (k.to_string(), located(item)))
                .collect(),
        ),
    }
}

fn located_value(value: &toml_edit::Value) -> Located {
    use toml_edit::Value;
    let node = match value {
        Value::String(s) => Node::String(s.value().clone()),
        Value::Integer(i) => Node::Integer(*i.value()),
        Value::Float(_) => Node::Float,
        Value::Boolean(b) => Node::Boolean(*b.value()),
        Value::Datetime(_) => Node::Datetime,
        Value::Array(a) => Node::Array(a.iter().map(located_value).collect()),
        Value::InlineTable(t) => Node::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), located_value(v)))
                .collect(),
        ),
    };
    Located {
        span: value.span(),
        node,
    }
}

// ---------------------------------------------------------------------------------------
// Positions.

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The header of a `[table]` or `[[array]]` line, without brackets or trailing comment.
fn header_of(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?;
    let rest = rest.strip_prefix('[').unwrap_or(rest);
    Some(rest.split(']').next().unwrap_or(rest).trim())
}

/// A syntax error has no parsed key to name, so name the nearest one written on or
/// above the offending line (an unclosed array reports at the end of the file),
/// qualified by the table it sits in.
fn syntax_problem(text: &str, e: &toml_edit::TomlError) -> Problem {
    let offset = e.span().map_or(0, |s| s.start);
    let (line, column) = line_col(text, offset);
    let lines: Vec<&str> = text.lines().take(line).collect();
    let mut own = None;
    let mut table = None;
    for l in lines.iter().rev() {
        if let Some(h) = header_of(l) {
            table = Some(h);
            break;
        }
        if own.is_none() && !l.trim_start().starts_with('#') {
            own = l.split_once('=').map(|(k, _)| k.trim()).filter(|k| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.\" ".contains(c))
            });
        }
    }
    let key = match (table, own) {
        (Some(t), Some(k)) => format!("{t}.{k}"),
        (None, Some(k)) => k.to_string(),
        (Some(t), None) => t.to_string(),
        (None, None) => "(top level)".to_string(),
    };
    let message: Vec<&str> = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Problem {
        line,
        column,
        key,
        message: format!("invalid TOML: {}", message.join("; ")),
    }
}

/// `parent.child`, quoting a child that is not a bare TOML key.
fn join(parent: &str, child: &str) -> String {
    let bare = !child.is_empty()
        && child
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let child = if bare {
        child.to_string()
    } else {
        format!("{child:?}")
    };
    if parent.is_empty() {
        child
    } else {
        format!("{parent}.{child}")
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_ascii_lowercase().chars().collect();
    let b: Vec<char> = b.to_ascii_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// ` (did you mean "x"?)` for the nearest candidate within two edits, else nothing.
fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Checking.

const ROOT_KEYS: &[&str] = &[
    "fail-on",
    "require-cmk",
    "download-modules",
    "rules",
    "classification",
    "accounts",
    "thresholds",
    "environments",
    "evidence",
    "evaluation",
    "drift",
];
const DRIFT_KEYS: &[&str] = &["unmanaged"];
const EVIDENCE_KEYS: &[&str] = &[
    "ledger",
    "sign-key",
    "cadence",
    "max-unknown-percent",
    "expect",
];
const EXPECT_KEYS: &[&str] = &["source", "cadence", "controls"];
const CADENCES: &[&str] = &["daily", "weekly"];
const RULES_KEYS: &[&str] = &["disable", "severity"];
const CLASSIFICATION_KEYS: &[&str] = &["tag-keys", "default", "paths"];
const CLASSIFICATION_PATH_KEYS: &[&str] = &["glob", "level"];
const ACCOUNTS_KEYS: &[&str] = &["organisation", "trusted"];
const TRUSTED_KEYS: &[&str] = &["id", "name", "external-id"];
const THRESHOLD_KEYS: &[&str] = &[
    "access-key-max-age-days",
    "kms-min-deletion-window-days",
    "backup-retention-min-days",
];
const EVALUATION_KEYS: &[&str] = &["max-steps", "max-elements", "max-string-bytes"];
const ENVIRONMENT_KEYS: &[&str] = &["accounts", "paths", "tags", "cidrs", "production"];

const LEVELS: &str = "public, internal, confidential or restricted";
const SEVERITIES: &str = "info, low, medium, high or critical";

type Entries = [(String, Located)];

/// An account id with where it was written and its key, for cross-table checks.
type WrittenAccount = (String, Range<usize>, String);

/// Validates one parsed file, collecting every problem with its line and key.
struct Validator<'a> {
    text: &'a str,
    /// For `because` strings: short and the same on every machine.
    file_name: String,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    fn problem(&mut self, span: &Range<usize>, key: &str, message: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.problems.push(Problem {
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    fn wrong_type(&mut self, v: &Located, key: &str, expected: &str) {
        let found = v.node.kind();
        self.problem(
            &v.span(),
            key,
            format!("expected {expected}, found {found}"),
        );
    }

    /// A table's entries; anything else is reported, and so is every key not in
    /// `allowed` (with a suggestion when one is close).
    fn table<'n>(&mut self, v: &'n Located, key: &str, allowed: &[&str]) -> &'n Entries {
        let Node::Table(entries) = &v.node else {
            self.wrong_type(v, key, "a table");
            return &[];
        };
        for (k, value) in entries {
            if !allowed.contains(&k.as_str()) {
                let hint = suggestion(k, allowed.iter().copied());
                self.problem(
                    &value.span(),
                    &join(key, k),
                    format!(
                        "unknown key \"{k}\"{hint}; allowed here: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
        entries
    }

    /// Report each of `names` missing from a table, at the table.
    fn require(&mut self, table: &Located, fields: &Entries, key: &str, names: &[&str]) {
        for name in names {
            if !fields.iter().any(|(k, _)| k == name) {
                self.problem(
                    &table.span(),
                    &join(key, name),
                    format!("missing required key \"{name}\""),
                );
            }
        }
    }

    fn string<'n>(&mut self, v: &'n Located, key: &str) -> Option<&'n str> {
        match &v.node {
            Node::String(s) => Some(s),
            _ => {
                self.wrong_type(v, key, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, v: &Located, key: &str) -> Option<bool> {
        match &v.node {
            Node::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(v, key, "a boolean (true or false)");
                None
            }
        }
    }

    fn integer(&mut self, v: &Located, key: &str, range: RangeInclusive<u32>) -> Option<u32> {
        let Node::Integer(i) = &v.node else {
            self.wrong_type(v, key, "an integer");
            return None;
        };
        match u32::try_from(*i).ok().filter(|n| range.contains(n)) {
            Some(n) => Some(n),
            None => {
                self.problem(
                    &v.span(),
                    key,
                    format!(
                        "{i} is out of range; expected {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    fn array<'n>(&mut self, v: &'n Located, key: &str) -> &'n [Located] {
        match &v.node {
            Node::Array(items) => items,
            _ => {
                self.wrong_type(v, key, "an array");
                &[]
            }
        }
    }

    /// The strings of an array, each with its span and indexed key.
    fn strings<'n>(&mut self, v: &'n Located, key: &str) -> Vec<(&'n str, Range<usize>, String)> {
        let mut out = Vec::new();
        for (i, item) in self.array(v, key).iter().enumerate() {
            let k = format!("{key}[{i}]");
            if let Some(s) = self.string(item, &k) {
                out.push((s, item.span(), k));
            }
        }
        out
    }

    fn level(&mut self, v: &Located, key: &str) -> Option<Classification> {
        let s = self.string(v, key)?;
        let level = Classification::parse(s);
        if level.is_none() {
            self.problem(
                &v.span(),
                key,
                format!("unknown classification level \"{s}\"; expected {LEVELS}"),
            );
        }
        level
    }

    fn severity(&mut self, v: &Located, key: &str) -> Option<Severity> {
        let s = self.string(v, key)?;
        let sev = Severity::parse(s);
        if sev.is_none() {
            self.problem(
                &v.span(),
                key,
                format!("unknown severity \"{s}\"; expected {SEVERITIES}"),
            );
        }
        sev
    }

    /// Globs match paths relative to the scanned root with `/` separators; `*` stays
    /// within one directory, as in `.gitignore`.
    fn glob(&mut self, s: &str, span: &Range<usize>, key: &str) -> Option<Glob> {
        if s.starts_with("./") || s.starts_with('/') {
            self.problem(
                span,
                key,
                format!(
                    "glob \"{s}\" never matches: paths are relative to the scanned directory, without a leading ./ or /"
                ),
            );
            return None;
        }
        match GlobBuilder::new(s).literal_separator(true).build() {
            Ok(g) => Some(g),
            Err(e) => {
                self.problem(span, key, format!("invalid glob: {e}"));
                None
            }
        }
    }

    fn glob_set(&mut self, globs: Vec<Glob>, span: &Range<usize>, key: &str) -> GlobSet {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(g);
        }
        b.build().unwrap_or_else(|e| {
            self.problem(span, key, format!("cannot compile globs: {e}"));
            GlobSet::empty()
        })
    }

    fn account_id<'n>(&mut self, v: &'n Located, key: &str) -> Option<&'n str> {
        if let Node::Integer(_) = &v.node {
            self.problem(
                &v.span(),
                key,
                "expected a string: quote account ids (\"012345678901\"), a number loses leading zeros",
            );
            return None;
        }
        let s = self.string(v, key)?;
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(s)
        } else {
            self.problem(
                &v.span(),
                key,
                format!("invalid AWS account id \"{s}\": expected 12 digits"),
            );
            None
        }
    }

    fn rule_id(
        &mut self,
        name: &str,
        span: &Range<usize>,
        key: &str,
        catalogue: &[RuleMeta],
    ) -> Option<String> {
        let found = catalogue
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(name) || m.name.eq_ignore_ascii_case(name));
        if found.is_none() {
            let hint = suggestion(
                name,
                catalogue
                    .iter()
                    .flat_map(|m| [m.id.as_str(), m.name.as_str()]),
            );
            self.problem(
                span,
                key,
                format!("unknown rule \"{name}\"{hint}; `soc2scan rules` lists the catalogue"),
            );
        }
        found.map(|m| m.id.clone())
    }

    fn root(&mut self, root: &Located, path: &Path, catalogue: &[RuleMeta]) -> FileConfig {
        let mut c = FileConfig {
            path: path.to_path_buf(),
            fail_on: None,
            require_cmk: None,
            download_modules: None,
            disabled_rules: BTreeSet::new(),
            severity_overrides: BTreeMap::new(),
            classification_tags: None,
            classification_default: None,
            classification_paths: Vec::new(),
            classification_globs: GlobSet::empty(),
            org_accounts: BTreeSet::new(),
            trusted_accounts: Vec::new(),
            access_key_max_age_days: None,
            kms_min_deletion_window_days: None,
            backup_retention_min_days: None,
            environments: Vec::new(),
            evidence: EvidenceConfig::default(),
            evaluation: Budgets::default(),
            unmanaged: Vec::new(),
            unmanaged_globs: GlobSet::empty(),
        };
        for (k, v) in self.table(root, "", ROOT_KEYS) {
            match k.as_str() {
                "fail-on" => c.fail_on = self.severity(v, k),
                "require-cmk" => c.require_cmk = self.boolean(v, k),
                "download-modules" => c.download_modules = self.boolean(v, k),
                "rules" => self.rules(v, catalogue, &mut c),
                "classification" => self.classification(v, &mut c),
                "accounts" => self.accounts(v, &mut c),
                "thresholds" => self.thresholds(v, &mut c),
                "environments" => self.environments(v, &mut c),
                "evidence" => self.evidence(v, path, &mut c),
                "evaluation" => self.evaluation(v, &mut c),
                "drift" => self.drift(v, &mut c),
                _ => {}
            }
        }
        c
    }

    fn rules(&mut self, v: &Located, catalogue: &[RuleMeta], c: &mut FileConfig) {
        for (k, v) in self.table(v, "rules", RULES_KEYS) {
            match k.as_str() {
                "disable" => {
                    for (name, span, key) in self.strings(v, "rules.disable") {
                        if let Some(id) = self.rule_id(name, &span, &key, catalogue) {
                            c.disabled_rules.insert(id);
                        }
                    }
                }
                "severity" => {
                    let Node::Table(entries) = &v.node else {
                        self.wrong_type(v, "rules.severity", "a table");
                        continue;
                    };
                    for (rule, sev) in entries {
                        let key = join("rules.severity", rule);
                        let id = self.rule_id(rule, &sev.span(), &key, catalogue);
                        if let (Some(id), Some(sev)) = (id, self.severity(sev, &key)) {
                            c.severity_overrides.insert(id, sev);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn classification(&mut self, v: &Located, c: &mut FileConfig) {
        for (k, v) in self.table(v, "classification", CLASSIFICATION_KEYS) {
            match k.as_str() {
                "tag-keys" => {
                    let mut keys = Vec::new();
                    for (s, span, key) in self.strings(v, "classification.tag-keys") {
                        if s.trim().is_empty() {
                            self.problem(&span, &key, "empty tag key");
                        } else {
                            keys.push(s.to_string());
                        }
                    }
                    c.classification_tags = Some(keys);
                }
                "default" => {
                    if let Some(level) = self.level(v, "classification.default") {
                        c.classification_default = Some(ClassificationSource {
                            level,
                            because: format!(
                                "config classification.default ({}:{})",
                                self.file_name,
                                self.line(&v.span())
                            ),
                        });
                    }
                }
                "paths" => {
                    let mut globs = Vec::new();
                    for (i, entry) in self.array(v, "classification.paths").iter().enumerate() {
                        let key = format!("classification.paths[{i}]");
                        if let Some((p, g)) = self.path_classification(entry, &key) {
                            c.classification_paths.push(p);
                            globs.push(g);
                        }
                    }
                    c.classification_globs =
                        self.glob_set(globs, &v.span(), "classification.paths");
                }
                _ => {}
            }
        }
    }

    fn path_classification(
        &mut self,
        entry: &Located,
        key: &str,
    ) -> Option<(PathClassification, Glob)> {
        let fields = self.table(entry, key, CLASSIFICATION_PATH_KEYS);
        if !matches!(&entry.node, Node::Table(_)) {
            return None;
        }
        let (mut glob, mut level) = (None, None);
        for (k, v) in fields {
            let fk = join(key, k);
            match k.as_str() {
                "glob" => {
                    glob = self
                        .string(v, &fk)
                        .and_then(|s| Some((s, self.glob(s, &v.span(), &fk)?, v.span())))
                }
                "level" => level = self.level(v, &fk),
                _ => {}
            }
        }
        self.require(entry, fields, key, &["glob", "level"]);
        let ((pattern, compiled, span), level) = (glob?, level?);
        Some((
            PathClassification {
                glob: pattern.to_string(),
                level,
                because: format!(
                    "config path glob \"{pattern}\" ({}:{})",
                    self.file_name,
                    self.line(&span)
                ),
            },
            compiled,
        ))
    }

    /// `[drift] unmanaged = ["arn:aws:s3:::legacy-*", ...]`: globs matched against a
    /// live resource's ARN and name; `*` stops at `/` as in paths.
    fn drift(&mut self, v: &Located, c: &mut FileConfig) {
        for (k, v) in self.table(v, "drift", DRIFT_KEYS) {
            if k == "unmanaged" {
                let mut globs = Vec::new();
                for (pattern, span, key) in self.strings(v, "drift.unmanaged") {
                    match GlobBuilder::new(pattern).literal_separator(true).build() {
                        Ok(g) => {
                            globs.push(g);
                            c.unmanaged.push(pattern.to_string());
                        }
                        Err(e) => self.problem(&span, &key, format!("invalid glob: {e}")),
                    }
                }
                c.unmanaged_globs = self.glob_set(globs, &v.span(), "drift.unmanaged");
            }
        }
    }

    fn accounts(&mut self, v: &Located, c: &mut FileConfig) {
        let mut trusted_spans = Vec::new();
        for (k, v) in self.table(v, "accounts", ACCOUNTS_KEYS) {
            match k.as_str() {
                "organisation" => {
                    for (i, item) in self.array(v, "accounts.organisation").iter().enumerate() {
                        if let Some(id) =
                            self.account_id(item, &format!("accounts.organisation[{i}]"))
                        {
                            c.org_accounts.insert(id.to_string());
                        }
                    }
                }
                "trusted" => {
                    for (i, entry) in self.array(v, "accounts.trusted").iter().enumerate() {
                        let key = format!("accounts.trusted[{i}]");
                        if let Some((t, span)) = self.trusted(entry, &key) {
                            if let Some(first) =
                                c.trusted_accounts.iter().position(|o| o.id == t.id)
                            {
                                let line = trusted_spans.get(first).map_or(0, |s| self.line(s));
                                self.problem(
                                    &span,
                                    &join(&key, "id"),
                                    format!("account {} is already listed at line {line}", t.id),
                                );
                                continue;
                            }
                            trusted_spans.push(span);
                            c.trusted_accounts.push(t);
                        }
                    }
                }
                _ => {}
            }
        }
        // A vendor account cannot also be one of the organisation's own: the two lists
        // drive opposite judgements of the same trust policy.
        for (i, (t, span)) in c.trusted_accounts.iter().zip(&trusted_spans).enumerate() {
            if c.org_accounts.contains(&t.id) {
                self.problem(
                    span,
                    &format!("accounts.trusted[{i}].id"),
                    format!("account {} is also listed in accounts.organisation; an account is either the organisation's own or a third party's", t.id),
                );
            }
        }
    }

    fn trusted(&mut self, entry: &Located, key: &str) -> Option<(TrustedAccount, Range<usize>)> {
        let fields = self.table(entry, key, TRUSTED_KEYS);
        if !matches!(&entry.node, Node::Table(_)) {
            return None;
        }
        let mut id = None;
        let mut t = TrustedAccount {
            id: String::new(),
            name: None,
            external_id: None,
        };
        for (k, v) in fields {
            let fk = join(key, k);
            match k.as_str() {
                "id" => id = self.account_id(v, &fk).map(|s| (s.to_string(), v.span())),
                "name" => t.name = self.string(v, &fk).map(str::to_string),
                "external-id" => {
                    t.external_id = self.string(v, &fk).and_then(|s| {
                        if s.is_empty() {
                            self.problem(
                                &v.span(),
                                &fk,
                                "empty ExternalId; omit the key when the vendor presents none",
                            );
                            None
                        } else {
                            Some(s.to_string())
                        }
                    })
                }
                _ => {}
            }
        }
        self.require(entry, fields, key, &["id"]);
        let (id, span) = id?;
        t.id = id;
        Some((t, span))
    }

    fn evidence(&mut self, v: &Located, path: &Path, c: &mut FileConfig) {
        let dir = path.parent().unwrap_or(Path::new("."));
        if let Node::String(file) = &v.node {
            c.evidence.ledger = Some(dir.join(file));
            return;
        }
        for (k, v) in self.table(v, "evidence", EVIDENCE_KEYS) {
            let key = join("evidence", k);
            match k.as_str() {
                "ledger" => c.evidence.ledger = self.string(v, &key).map(|f| dir.join(f)),
                "sign-key" => c.evidence.sign_key = self.string(v, &key).map(|f| dir.join(f)),
                "cadence" => c.evidence.cadence = self.cadence(v, &key),
                "max-unknown-percent" => {
                    c.evidence.max_unknown_percent = self.integer(v, &key, 0..=100)
                }
                "expect" => {
                    for entry in self.array(v, &key) {
                        let fields = self.table(entry, &key, EXPECT_KEYS);
                        self.require(entry, fields, &key, &["source"]);
                        let mut expected = ExpectedSource {
                            source: String::new(),
                            cadence: None,
                            controls: Vec::new(),
                        };
                        for (k, v) in fields {
                            let field = join(&key, k);
                            match k.as_str() {
                                "source" => {
                                    if let Some(s) = self.string(v, &field) {
                                        if self.glob(s, &v.span(), &field).is_some() {
                                            expected.source = s.to_string();
                                        }
                                    }
                                }
                                "cadence" => expected.cadence = self.cadence(v, &field),
                                "controls" => {
                                    for (control, span, _) in self.strings(v, &field) {
                                        let upper = control.to_ascii_uppercase();
                                        if crate::catalogue::ALLOWED_CONTROLS
                                            .contains(&upper.as_str())
                                        {
                                            expected.controls.push(upper);
                                        } else {
                                            self.problem(
                                                &span,
                                                &field,
                                                format!(
                                                    "unknown control \"{control}\"; known controls: {}",
                                                    crate::catalogue::ALLOWED_CONTROLS.join(", ")
                                                ),
                                            );
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                        if !expected.source.is_empty() {
                            c.evidence.expect.push(expected);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn cadence(&mut self, v: &Located, key: &str) -> Option<String> {
        let s = self.string(v, key)?;
        if CADENCES.contains(&s) {
            return Some(s.to_string());
        }
        self.problem(
            &v.span(),
            key,
            format!("expected daily or weekly, found \"{s}\""),
        );
        None
    }

    fn thresholds(&mut self, v: &Located, c: &mut FileConfig) {
        for (k, v) in self.table(v, "thresholds", THRESHOLD_KEYS) {
            let key = join("thresholds", k);
            match k.as_str() {
                "access-key-max-age-days" => {
                    c.access_key_max_age_days = self.integer(v, &key, 1..=3650)
                }
                // KMS accepts a pending window of 7 to 30 days.
                "kms-min-deletion-window-days" => {
                    c.kms_min_deletion_window_days = self.integer(v, &key, 7..=30)
                }
                // RDS keeps automated backups for at most 35 days.
                "backup-retention-min-days" => {
                    c.backup_retention_min_days = self.integer(v, &key, 1..=35)
                }
                _ => {}
            }
        }
    }

    fn evaluation(&mut self, v: &Located, c: &mut FileConfig) {
        for (k, v) in self.table(v, "evaluation", EVALUATION_KEYS) {
            let key = join("evaluation", k);
            let b = &mut c.evaluation;
            let (slot, min) = match k.as_str() {
                "max-steps" => (&mut b.steps, 1_000),
                "max-elements" => (&mut b.elements, 1),
                "max-string-bytes" => (&mut b.string_bytes, 1_024),
                _ => continue,
            };
            if let Some(n) = self.integer(v, &key, min..=u32::MAX) {
                *slot = n;
            }
        }
    }

    fn environments(&mut self, v: &Located, c: &mut FileConfig) {
        let Node::Table(envs) = &v.node else {
            self.wrong_type(
                v,
                "environments",
                "a table of environments ([environments.<name>])",
            );
            return;
        };
        // Where each account and canonical name was first declared, for overlap errors.
        let mut account_owner: BTreeMap<String, (String, usize)> = BTreeMap::new();
        let mut canonical_owner: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (name, body) in envs {
            let key = join("environments", name);
            if name.trim().is_empty() {
                self.problem(&body.span(), &key, "empty environment name");
                continue;
            }
            let canonical = crate::environment::canonical(name)
                .map_or_else(|| name.to_ascii_lowercase(), |(n, _)| n.to_string());
            if let Some((other, line)) = canonical_owner.get(&canonical) {
                self.problem(
                    &body.span(),
                    &key,
                    format!("environments.{other} (line {line}) already names environment \"{canonical}\"; declare it once"),
                );
            } else {
                canonical_owner.insert(canonical, (name.clone(), self.line(&body.span())));
            }
            let Some((env, accounts)) = self.environment(name, body, &key) else {
                continue;
            };
            for (a, span, account_key) in accounts {
                match account_owner.get(&a) {
                    Some((other, line)) if other != name => self.problem(
                        &span,
                        &account_key,
                        format!("account {a} is already in environments.{other} (line {line}); an account belongs to one environment"),
                    ),
                    Some(_) => {}
                    None => {
                        let line = self.line(&span);
                        account_owner.insert(a, (name.clone(), line));
                    }
                }
            }
            c.environments.push(env);
        }
    }

    /// One environment, and its accounts with where each was written (for the overlap
    /// check across environments).
    fn environment(
        &mut self,
        name: &str,
        body: &Located,
        key: &str,
    ) -> Option<(EnvConfig, Vec<WrittenAccount>)> {
        let fields = self.table(body, key, ENVIRONMENT_KEYS);
        if !matches!(&body.node, Node::Table(_)) {
            return None;
        }
        let mut env = EnvConfig {
            name: name.to_string(),
            // `prod`, `production`, `prd`, `live` are production unless told otherwise.
            production: crate::environment::canonical(name).is_some_and(|(_, prod)| prod),
            accounts: Vec::new(),
            paths: GlobSet::empty(),
            path_patterns: Vec::new(),
            path_lines: Vec::new(),
            tags: BTreeMap::new(),
            cidrs: Vec::new(),
        };
        let mut accounts = Vec::new();
        for (k, v) in fields {
            let fk = join(key, k);
            match k.as_str() {
                "accounts" => {
                    for (i, item) in self.array(v, &fk).iter().enumerate() {
                        let ak = format!("{fk}[{i}]");
                        if let Some(a) = self.account_id(item, &ak) {
                            if !env.accounts.iter().any(|x| x == a) {
                                env.accounts.push(a.to_string());
                            }
                            accounts.push((a.to_string(), item.span(), ak));
                        }
                    }
                }
                "paths" => {
                    let mut globs = Vec::new();
                    for (s, span, k) in self.strings(v, &fk) {
                        if let Some(g) = self.glob(s, &span, &k) {
                            globs.push(g);
                            env.path_patterns.push(s.to_string());
                            env.path_lines.push(self.line(&span));
                        }
                    }
                    env.paths = self.glob_set(globs, &v.span(), &fk);
                }
                "tags" => {
                    let Node::Table(tags) = &v.node else {
                        self.wrong_type(v, &fk, "a table of tag keys to values");
                        continue;
                    };
                    for (tk, tv) in tags {
                        if let Some(value) = self.string(tv, &join(&fk, tk)) {
                            env.tags.insert(tk.clone(), value.to_string());
                        }
                    }
                }
                "cidrs" => {
                    for (s, span, k) in self.strings(v, &fk) {
                        match check_cidr(s) {
                            Ok(()) => env.cidrs.push(s.to_string()),
                            Err(why) => {
                                self.problem(&span, &k, format!("invalid CIDR \"{s}\": {why}"))
                            }
                        }
                    }
                }
                "production" => {
                    if let Some(p) = self.boolean(v, &fk) {
                        env.production = p;
                    }
                }
                _ => {}
            }
        }
        Some((env, accounts))
    }
}

/// `ADDRESS/PREFIX`, IPv4 or IPv6.
fn check_cidr(s: &str) -> Result<(), String> {
    let (addr, prefix) = s
        .split_once('/')
        .ok_or_else(|| "expected ADDRESS/PREFIX, e.g. 10.0.0.0/16".to_string())?;
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("\"{addr}\" is not an IP address"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix.parse::<u8>() {
        Ok(p) if p <= max => Ok(()),
        _ => Err(format!("prefix length must be 0 to {max}")),
    }
}
