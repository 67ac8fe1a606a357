//! Evaluated Terraform resources: what the evaluator hands to the adapters.
//!
//! Every attribute is already evaluated to a [`Value`] (with unknowns kept), `count`
//! and `for_each` are expanded into instances and `dynamic` blocks into blocks.

use crate::model::{Gap, Location, ModuleCall, Tri, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

#[derive(Clone, Debug)]
pub struct Attr {
    pub value: Value,
    pub location: Location,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub location: Location,
}

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attrs: BTreeMap<String, Attr>,
    pub blocks: Vec<Block>,
    /// Kinds of `dynamic` blocks whose `for_each` is unknown: whether (and how many)
    /// such blocks exist cannot be known.
    pub unknown_blocks: BTreeSet<String>,
    /// Each such `dynamic` block's content, evaluated once with its element unknown:
    /// what every one of those blocks has in common (a statement's literal effect and
    /// actions), for the judgements that hold for any number of them.
    pub unknown_block_templates: Vec<Block>,
}

/// One instance of a resource or data source.
#[derive(Clone, Debug)]
pub struct TfResource {
    pub mode: Mode,
    /// `aws_s3_bucket`.
    pub rtype: String,
    pub name: String,
    /// Full address: `module.a["k"].aws_s3_bucket.b[0]` (data sources: `data.` prefix).
    pub address: String,
    pub body: Body,
    /// The whole block, from its first line to its closing brace.
    pub location: Location,
    /// Module calls from the root to this resource, outermost first.
    pub module_calls: Vec<ModuleCall>,
    /// Root module directory relative to the scanned root.
    pub root: String,
}

/// A root module's `provider` block, evaluated: environment rules read its account
/// settings (`assume_role`, `allowed_account_ids`) and adapters its `default_tags`.
#[derive(Clone, Debug)]
pub struct TfProvider {
    /// `aws`, `google`, ...
    pub name: String,
    pub body: Body,
    pub location: Location,
}

impl TfProvider {
    /// `default_tags { tags = {...} }` of an aws provider, when known.
    pub fn default_tags(&self) -> BTreeMap<String, String> {
        match self.body.nested(&["default_tags"]) {
            Tri::Known(Some(b)) => match b.str_map("tags") {
                Tri::Known(t) => t,
                _ => BTreeMap::new(),
            },
            _ => BTreeMap::new(),
        }
    }
}

impl Body {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name).map(|a| &a.value)
    }

    /// Attribute as tri-state: missing or `null` is absent.
    pub fn value(&self, name: &str) -> Tri<&Value> {
        match self.get(name) {
            None | Some(Value::Null) => Tri::Absent,
            Some(Value::Unknown(_)) => Tri::Unknown(Gap::BeforeApply),
            Some(v) => Tri::Known(v),
        }
    }

    pub fn bool(&self, name: &str) -> Tri<bool> {
        self.typed(name, Value::to_tf_bool)
    }

    pub fn str(&self, name: &str) -> Tri<String> {
        self.typed(name, Value::to_tf_string)
    }

    pub fn number(&self, name: &str) -> Tri<f64> {
        self.typed(name, Value::to_tf_number)
    }

    /// `name`'s value as the type `convert` reads: one rule for the typed readers. A
    /// value that does not read as that type (a list where a bool belongs) is unknown
    /// before apply rather than absent, so no rule takes it for a default.
    fn typed<T>(&self, name: &str, convert: impl FnOnce(&Value) -> Option<T>) -> Tri<T> {
        match self.value(name) {
            Tri::Known(v) => convert(v).map_or(Tri::Unknown(Gap::BeforeApply), Tri::Known),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Absent => Tri::Absent,
        }
    }

    /// A list of strings; unknown when the list or any element is unknown.
    pub fn str_list(&self, name: &str) -> Tri<Vec<String>> {
        match self.value(name) {
            Tri::Known(Value::List(items)) => items
                .iter()
                .map(Value::to_tf_string)
                .collect::<Option<Vec<_>>>()
                .map_or(Tri::Unknown(Gap::BeforeApply), Tri::Known),
            Tri::Known(_) => Tri::Unknown(Gap::BeforeApply),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Absent => Tri::Absent,
        }
    }

    /// A map of strings (tags); unknown values are left out and reported by `None`.
    pub fn str_map(&self, name: &str) -> Tri<BTreeMap<String, String>> {
        match self.value(name) {
            Tri::Known(Value::Map(map)) => map
                .iter()
                .map(|(k, v)| Some((k.clone(), v.to_tf_string()?)))
                .collect::<Option<BTreeMap<_, _>>>()
                .map_or(Tri::Unknown(Gap::BeforeApply), Tri::Known),
            Tri::Known(_) => Tri::Unknown(Gap::BeforeApply),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Absent => Tri::Absent,
        }
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The first block of a kind: `Known(Some)` when present, `Known(None)` when
    /// certainly absent, `Unknown` when a dynamic block of that kind could not be expanded.
    pub fn block(&self, kind: &str) -> Tri<Option<&Block>> {
        match self.blocks.iter().find(|b| b.kind == kind) {
            Some(b) => Tri::Known(Some(b)),
            None if self.unknown_blocks.contains(kind) => Tri::Unknown(Gap::BeforeApply),
            None => Tri::Known(None),
        }
    }

    /// Follow nested single blocks: `path(&["encrypt_at_rest"])`.
    pub fn nested(&self, path: &[&str]) -> Tri<Option<&Body>> {
        let mut body = self;
        for kind in path {
            match body.block(kind) {
                Tri::Known(Some(b)) => body = &b.body,
                Tri::Known(None) => return Tri::Known(None),
                Tri::Unknown(gap) => return Tri::Unknown(gap),
                Tri::Absent => return Tri::Known(None),
            }
        }
        Tri::Known(Some(body))
    }

    /// `read` applied to the nested single block at `path`: unknown when the block is
    /// (a dynamic block over unknown values), absent when it is not written. One
    /// copy of the match every adapter reading one attribute of a block needs.
    pub fn in_block<T>(&self, path: &[&str], read: impl FnOnce(&Body) -> Tri<T>) -> Tri<T> {
        match self.nested(path) {
            Tri::Known(Some(b)) => read(b),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Known(None) | Tri::Absent => Tri::Absent,
        }
    }
}

impl TfResource {
    pub fn is_data(&self) -> bool {
        self.mode == Mode::Data
    }

    /// Whether `reference` (as found in [`crate::model::value::Unknown::refs`], e.g.
    /// `module.a.aws_s3_bucket.b[0].id`) points at an attribute of this resource.
    pub fn is_referenced_by(&self, reference: &str) -> bool {
        reference
            .strip_prefix(self.address.as_str())
            .is_some_and(|rest| rest.starts_with('.'))
    }
}
