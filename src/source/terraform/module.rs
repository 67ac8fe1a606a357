//! A module's declarations, gathered from all `.tf` files of one directory.

use super::parse::SourceFile;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An expression together with the file it is written in.
#[derive(Clone, Copy)]
pub struct Expr<'a> {
    pub file: &'a SourceFile,
    pub expr: &'a Expression,
}

pub struct VarDecl<'a> {
    pub default: Option<Expr<'a>>,
    /// The `type` constraint: values are converted to it and `optional()` object
    /// attributes get their defaults, as Terraform does.
    pub type_expr: Option<Expr<'a>>,
    /// `nullable = false`: a null input takes the default.
    pub non_nullable: bool,
}

/// A `resource` or `data` block.
pub struct ResourceDecl<'a> {
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub file: &'a SourceFile,
    pub block: &'a Block,
}

impl<'a> ResourceDecl<'a> {
    pub fn attr(&self, name: &str) -> Option<Expr<'a>> {
        body_attr(self.file, &self.block.body, name)
    }
}

/// A `module "name" { source = ... }` call.
pub struct CallDecl<'a> {
    pub name: String,
    pub source: Option<String>,
    /// The `version` constraint of a registry source, when written as a literal.
    pub version: Option<String>,
    pub file: &'a SourceFile,
    pub block: &'a Block,
}

impl<'a> CallDecl<'a> {
    /// The call a `module` block declares, `None` for any other block or a call
    /// without a name.
    pub fn of(file: &'a SourceFile, block: &'a Block) -> Option<CallDecl<'a>> {
        if block.ident.as_str() != "module" {
            return None;
        }
        let literal = |attr: &str| {
            body_attr(file, &block.body, attr).and_then(|e| e.expr.as_str().map(str::to_string))
        };
        Some(CallDecl {
            name: block.labels.first()?.as_str().to_string(),
            source: literal("source"),
            version: literal("version"),
            file,
            block,
        })
    }

    pub fn attr(&self, name: &str) -> Option<Expr<'a>> {
        body_attr(self.file, &self.block.body, name)
    }
}

/// A `provider "aws"` block (environment rules read its account settings).
pub struct ProviderDecl<'a> {
    pub name: String,
    pub file: &'a SourceFile,
    pub block: &'a Block,
}

pub fn body_attr<'a>(file: &'a SourceFile, body: &'a Body, name: &str) -> Option<Expr<'a>> {
    body.attributes()
        .filter(|a| a.key.as_str() == name)
        .last()
        .map(|a| Expr {
            file,
            expr: &a.value,
        })
}

/// Everything declared in one module directory.
pub struct Module<'a> {
    pub dir: PathBuf,
    /// The tree file functions may read in: the scanned tree, or the downloaded
    /// package the module comes from.
    pub base: PathBuf,
    pub variables: BTreeMap<String, VarDecl<'a>>,
    pub locals: BTreeMap<String, Expr<'a>>,
    pub outputs: BTreeMap<String, Expr<'a>>,
    pub resources: Vec<ResourceDecl<'a>>,
    pub calls: Vec<CallDecl<'a>>,
    pub providers: Vec<ProviderDecl<'a>>,
}

impl<'a> Module<'a> {
    pub fn new(dir: PathBuf, base: PathBuf, files: &'a [SourceFile]) -> Module<'a> {
        let mut m = Module {
            dir,
            base,
            variables: BTreeMap::new(),
            locals: BTreeMap::new(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            calls: Vec::new(),
            providers: Vec::new(),
        };
        for file in files {
            for block in file.body.blocks() {
                let label = |i: usize| block.labels.get(i).map(|l| l.as_str().to_string());
                match block.ident.as_str() {
                    "variable" => {
                        if let Some(name) = label(0) {
                            let non_nullable = body_attr(file, &block.body, "nullable")
                                .and_then(|e| e.expr.as_bool())
                                == Some(false);
                            m.variables.insert(
                                name,
                                VarDecl {
                                    default: body_attr(file, &block.body, "default"),
                                    type_expr: body_attr(file, &block.body, "type"),
                                    non_nullable,
                                },
                            );
                        }
                    }
                    "locals" => {
                        for attr in block.body.attributes() {
                            m.locals.insert(
                                attr.key.as_str().to_string(),
                                Expr {
                                    file,
                                    expr: &attr.value,
                                },
                            );
                        }
                    }
                    "output" => {
                        if let (Some(name), Some(value)) =
                            (label(0), body_attr(file, &block.body, "value"))
                        {
                            m.outputs.insert(name, value);
                        }
                    }
                    "resource" | "data" => {
                        if let (Some(rtype), Some(name)) = (label(0), label(1)) {
                            m.resources.push(ResourceDecl {
                                data: block.ident.as_str() == "data",
                                rtype,
                                name,
                                file,
                                block,
                            });
                        }
                    }
                    "module" => m.calls.extend(CallDecl::of(file, block)),
                    "provider" => {
                        if let Some(name) = label(0) {
                            m.providers.push(ProviderDecl { name, file, block });
                        }
                    }
                    _ => {}
                }
            }
        }
        m
    }

    pub fn resource(&self, data: bool, rtype: &str, name: &str) -> Option<usize> {
        self.resources
            .iter()
            .position(|r| r.data == data && r.rtype == rtype && r.name == name)
    }
}

/// The byte span of a block, for its location.
pub fn block_span(block: &Block) -> Option<std::ops::Range<usize>> {
    block.span()
}

/// Whether a module source is a local path (Terraform: starts with `./` or `../`).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}
