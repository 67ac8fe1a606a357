//! Adapters: evaluated Terraform resources to the typed inventory.
//!
//! Provider quirks live here and never in rules: the split `aws_s3_bucket_*` resources
//! of AWS provider v4+ are joined to their bucket, legacy inline blocks are read too,
//! and documented provider defaults become `Tri::Absent` so rules can apply them.

mod parameter_group;

use super::resource::{Attr, TfResource};
use super::RootResources;
use crate::diagnostic::Diagnostic;
use crate::model::{Gap, Inventory, Meta, Origin, PolicyDocument, Tri, Value, Wording};
use std::collections::BTreeMap;

/// What every adapter receives: the resources of one root module.
pub struct RootAdapter<'a> {
    pub resources: &'a [TfResource],
    /// The root module's provider blocks.
    pub providers: &'a [super::resource::TfProvider],
    /// Root directory relative to the scanned path.
    pub root: String,
    /// `default_tags` of the root's aws provider(s), merged under each resource's tags.
    pub default_tags: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a reference attribute (e.g. a split resource's `bucket`) points at.
pub enum Target<'a> {
    /// A resource of the wanted type in this root.
    Resource(&'a TfResource),
    /// A literal name or ARN not managed in this root.
    External(String),
    /// Cannot be known (an unresolved variable, a computed value of something else).
    Unknown,
}

/// What a configuration resource of another (a bucket's policy, a key's policy)
/// belongs to.
pub enum Parent<'a> {
    /// A resource of the parent's type in this root.
    Declared(&'a TfResource),
    /// Certainly none of this root's: a literal name none here has, a data source, or
    /// any value when this root declares no resource of the parent's type. Keyed by how
    /// the configuration names it.
    Elsewhere(String),
    /// Could be any of this root's.
    Unattributed,
}

/// A reference without its module path (`module.a["x"].module.b.`), so that
/// `module.kms.data.aws_kms_alias.s3.arn` reads as the data source it is and a
/// resource that happens to be named `data` (`aws_kms_key.data.arn`) as a resource.
pub(super) fn without_module_path(reference: &str) -> &str {
    let mut rest = reference;
    while let Some(after) = rest.strip_prefix("module.") {
        // The module name, then an optional `[key]` that may hold dots in quotes.
        let mut depth = 0usize;
        let mut quoted = false;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '"' => quoted = !quoted,
                '[' if !quoted => depth += 1,
                ']' if !quoted => depth = depth.saturating_sub(1),
                '.' if !quoted && depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    rest
}

impl<'a> RootAdapter<'a> {
    pub fn of_type(&self, rtype: &'a str) -> impl Iterator<Item = &'a TfResource> + 'a {
        self.resources
            .iter()
            .filter(move |r| !r.is_data() && r.rtype == rtype)
    }

    /// Resolve a value that names a resource of one of `types`, by reference
    /// (`aws_s3_bucket.b.id`) or by literal name matched against `name_attr`.
    pub fn target(&self, value: Option<&Value>, types: &[&str], name_attr: &str) -> Target<'a> {
        let Some(value) = value else {
            return Target::Unknown;
        };
        let refs = value.refs();
        if !refs.is_empty() {
            for r in &refs {
                if let Some(found) = self.resources.iter().find(|res| {
                    !res.is_data() && types.contains(&res.rtype.as_str()) && res.is_referenced_by(r)
                }) {
                    return Target::Resource(found);
                }
            }
            // A name computed the same way from the same unknowns as exactly one
            // resource's own (a permission's `"${random_pet.this.id}-lambda1"`, read
            // from the function it names) is that resource's.
            let mut same = self.resources.iter().filter(|res| {
                !res.is_data()
                    && types.contains(&res.rtype.as_str())
                    && res.body.get(name_attr) == Some(value)
            });
            return match (same.next(), same.next()) {
                (Some(found), None) => Target::Resource(found),
                _ => Target::Unknown,
            };
        }
        match value.to_tf_string() {
            Some(name) => {
                let found = self.resources.iter().find(|res| {
                    !res.is_data()
                        && types.contains(&res.rtype.as_str())
                        && res
                            .body
                            .get(name_attr)
                            .and_then(Value::to_tf_string)
                            .as_deref()
                            == Some(name.as_str())
                });
                match found {
                    Some(r) => Target::Resource(r),
                    None => Target::External(name),
                }
            }
            None => Target::Unknown,
        }
    }

    /// The parent `r` configures through `attr`, among resources of `types` named by
    /// `name_attr`; `noun` names the parent kind in messages ("bucket", "key"), and
    /// `declares_any` says whether this root declares any resource of those types.
    pub fn parent(
        &self,
        r: &TfResource,
        attr: &str,
        types: &[&str],
        name_attr: &str,
        noun: &str,
        declares_any: bool,
    ) -> Parent<'a> {
        let value = r.body.get(attr);
        match self.target(value, types, name_attr) {
            Target::Resource(p) => Parent::Declared(p),
            Target::External(name) => Parent::Elsewhere(format!("{noun} \"{name}\"")),
            Target::Unknown => {
                let refs = value.map(Value::refs).unwrap_or_default();
                if !refs.is_empty()
                    && refs
                        .iter()
                        .all(|r| without_module_path(r).starts_with("data."))
                {
                    Parent::Elsewhere(format!("the {noun} of {}", refs.join(", ")))
                } else if !declares_any {
                    // Each unknown reference on its own: two may name different parents.
                    Parent::Elsewhere(format!(
                        "a {noun} named by a value not known before apply ({})",
                        r.address
                    ))
                } else {
                    Parent::Unattributed
                }
            }
        }
    }

    /// Build the resource's `Meta`: address, tags, classification, origin.
    pub fn meta(&self, r: &TfResource, name_attr: Option<&str>) -> Meta {
        let mut tags = self.default_tags.clone();
        if let Tri::Known(own) = r.body.str_map("tags") {
            tags.extend(own);
        }
        Meta {
            address: r.address.clone(),
            kind: r.rtype.clone(),
            arn: None,
            name: name_attr
                .and_then(|a| r.body.get(a))
                .and_then(Value::to_tf_string),
            // Classified for every source at once, after the inventory is merged
            // (`scan::classify`), from tags, path globs and the configured default.
            classification: None,
            environment: None,
            tags,
            origin: Origin::Terraform {
                root: r.root.clone(),
                location: r.location.clone(),
                module_calls: r.module_calls.clone(),
            },
            managed_by: None,
            wording: &Wording::TERRAFORM,
        }
    }

    /// Parse a policy attribute; a document that is not a policy is reported with its
    /// file and line and judged unknown.
    pub fn policy(&mut self, r: &TfResource, attr: &str) -> Tri<PolicyDocument> {
        match r.body.attrs.get(attr) {
            Some(a) => self.policy_of(&r.address, attr, a),
            None => Tri::Absent,
        }
    }

    /// Parse a policy held in an attribute of a resource or nested block.
    pub fn policy_of(&mut self, owner: &str, attr: &str, a: &Attr) -> Tri<PolicyDocument> {
        // Plans and states hold `""` where no policy is set.
        if a.value.is_null() || a.value.as_str() == Some("") {
            return Tri::Absent;
        }
        match PolicyDocument::from_value(&a.value) {
            Ok(Some(doc)) => Tri::Known(doc),
            Ok(None) => Tri::Unknown(Gap::BeforeApply),
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::warning("invalid-policy", format!("{owner}.{attr}: {e}")).at(
                        a.location.file.clone(),
                        Some(a.location.start_line),
                        Some(a.location.start_column),
                    ),
                );
                Tri::Unknown(Gap::BeforeApply)
            }
        }
    }
}

/// Adapt one root module's resources into an inventory.
pub fn adapt(root: &RootResources) -> (Inventory, Vec<Diagnostic>) {
    let mut inventory = Inventory::default();
    let default_tags = root
        .providers
        .iter()
        .filter(|p| p.name == "aws")
        .flat_map(|p| p.default_tags())
        .collect();
    let mut ctx = RootAdapter {
        resources: &root.resources,
        providers: &root.providers,
        root: root.root.clone(),
        default_tags,
        diagnostics: Vec::new(),
    };
    adapt_all(&mut ctx, &mut inventory);
    (inventory, ctx.diagnostics)
}

// Each kind's adapter module and `adapt_all`, generated by build.rs.
include!(concat!(env!("OUT_DIR"), "/adapters.rs"));
