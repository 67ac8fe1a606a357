//! Generates every list that would otherwise name rules, resource kinds or adapters by
//! hand, so each is declared by its own files alone:
//! - from `rules/<ID>.toml`: `RULE_TOML` (every rule file's text, embedded, so rule
//!   text and SOC 2 mapping live in one reviewable place and the binary needs no data
//!   files at run time), `REGISTRY` (one entry per rule, pointing at
//!   `src/rules/<area>/<id>.rs`'s `check`) and `rules/<area>.rs` (the `pub mod <id>;`
//!   of each area's rule files). A TOML file without its Rust file is a compile error
//!   naming the file to write.
//! - from the `kinds! { field: Type, ... }` declarations of `src/model/*.rs`:
//!   `model_kinds.rs`, those files' modules and the `inventory!` list of every kind.
//! - from the `src/source/terraform/adapt/*.rs` that define `adapt`: `adapters.rs`,
//!   their modules and the one function that runs them all.
//!
//! Modules declared here are invisible to `cargo fmt`, which walks the module tree
//! from source; `scripts/fmt.sh` formats them too, and CI checks them. They are
//! declared with `#[path]`, so a file declared here must not have out-of-line
//! submodules of its own (rustc would look for them beside it, not below it).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    rules(root, &out);
    kinds(root, &out);
    adapters(root, &out);
}

/// The registry, the embedded TOML and each area's rule modules.
fn rules(root: &Path, out: &Path) {
    println!("cargo:rerun-if-changed=rules");
    // A rule's Rust file written after its TOML turns the compile error into its module.
    println!("cargo:rerun-if-changed=src/rules");
    let mut toml = String::from("/// `(file name, contents)` of every rules/*.toml, sorted by name.\npub static RULE_TOML: &[(&str, &str)] = &[\n");
    let mut registry = String::from("/// Every rule, sorted by id: one per `rules/<ID>.toml`.\npub static REGISTRY: &[Rule] = &[\n");
    // Area (`tls`) to its rule modules' declarations, one file each.
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for f in files(&root.join("rules"), "toml") {
        let Some(id) = f.file_stem().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let _ = writeln!(
            toml,
            "    ({:?}, include_str!({:?})),",
            format!("{id}.toml"),
            f.display().to_string()
        );
        let module = id.to_ascii_lowercase();
        let area = module.trim_end_matches(|c: char| c.is_ascii_digit());
        let _ = writeln!(
            registry,
            "    Rule {{ id: {id:?}, check: {area}::{module}::check }},"
        );
        let source = root
            .join("src/rules")
            .join(area)
            .join(format!("{module}.rs"));
        let declarations = modules.entry(area.to_owned()).or_default();
        if source.is_file() {
            declare(declarations, "pub ", &module, &source);
        } else {
            let _ = writeln!(
                declarations,
                "compile_error!({:?});",
                format!("rules/{id}.toml: its check belongs in src/rules/{area}/{module}.rs, which does not exist")
            );
        }
    }
    toml.push_str("];\n");
    registry.push_str("];\n");
    write(&out.join("rule_toml.rs"), &toml);
    write(&out.join("rule_registry.rs"), &registry);
    for (area, declarations) in modules {
        write(&out.join("rules").join(format!("{area}.rs")), &declarations);
    }
}

/// One `field: Type` of a `kinds!` declaration.
struct Kind {
    field: syn::Ident,
    ty: syn::Ident,
}

impl Parse for Kind {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let field = input.parse()?;
        input.parse::<syn::Token![:]>()?;
        let ty = input.parse()?;
        Ok(Kind { field, ty })
    }
}

/// The modules of `src/model` that declare kinds, and the `inventory!` list of them
/// all, in file-name order then declaration order.
fn kinds(root: &Path, out: &Path) {
    println!("cargo:rerun-if-changed=src/model");
    let mut generated = String::new();
    let mut inventory = String::from("inventory! {\n");
    let has_kinds = |item: &syn::Item| kinds_macro(item).is_some();
    for source in declaring(&root.join("src/model"), "kinds!", has_kinds) {
        declare(&mut generated, "pub ", &source.module, &source.file);
        let module = &source.module;
        let items = source.parsed.iter().flat_map(|f| &f.items);
        for declaration in items.filter_map(kinds_macro) {
            match declaration
                .mac
                .parse_body_with(Punctuated::<Kind, syn::Token![,]>::parse_terminated)
            {
                Ok(kinds) => {
                    for Kind { field, ty } in kinds {
                        let _ = writeln!(inventory, "    {field}: {module}::{ty},");
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        generated,
                        "compile_error!({:?});",
                        format!("src/model/{module}.rs: `kinds!` takes `field: Type,` pairs: {e}")
                    );
                }
            }
        }
    }
    inventory.push_str("}\n");
    generated.push_str(&inventory);
    write(&out.join("model_kinds.rs"), &generated);
}

/// `item` when it is a `kinds! { ... }` declaration.
fn kinds_macro(item: &syn::Item) -> Option<&syn::ItemMacro> {
    match item {
        syn::Item::Macro(m) if m.mac.path.is_ident("kinds") => Some(m),
        _ => None,
    }
}

/// The modules of `src/source/terraform/adapt` that define `adapt`, and `adapt_all`,
/// which runs each one's in file-name order.
fn adapters(root: &Path, out: &Path) {
    println!("cargo:rerun-if-changed=src/source/terraform/adapt");
    let mut generated = String::new();
    let mut calls = String::from(
        "/// Every kind's adapter, in file-name order.\nfn adapt_all(ctx: &mut RootAdapter, inventory: &mut Inventory) {\n",
    );
    let is_adapt = |item: &syn::Item| matches!(item, syn::Item::Fn(f) if f.sig.ident == "adapt");
    for source in declaring(
        &root.join("src/source/terraform/adapt"),
        "fn adapt",
        is_adapt,
    ) {
        declare(&mut generated, "", &source.module, &source.file);
        if source.parsed.is_some() {
            let _ = writeln!(calls, "    {}::adapt(ctx, inventory);", source.module);
        }
    }
    calls.push_str("}\n");
    generated.push_str(&calls);
    write(&out.join("adapters.rs"), &generated);
}

/// A Rust file that build.rs declares as a module.
struct Source {
    module: String,
    file: PathBuf,
    /// `None` when syn cannot parse it: declared all the same, so rustc names the error.
    parsed: Option<syn::File>,
}

/// The Rust files of `dir` (but its `mod.rs`) with a top-level item `wanted` accepts,
/// sorted by name. A file syn cannot parse counts when its text holds `marker`. The
/// others are helpers, declared by hand in the `mod.rs` beside them.
fn declaring(dir: &Path, marker: &str, wanted: impl Fn(&syn::Item) -> bool) -> Vec<Source> {
    files(dir, "rs")
        .into_iter()
        .filter_map(|file| {
            let module = file.file_stem()?.to_string_lossy().into_owned();
            if module == "mod" {
                return None;
            }
            let text = std::fs::read_to_string(&file).ok()?;
            let parsed = match syn::parse_file(&text) {
                Ok(parsed) if parsed.items.iter().any(&wanted) => Some(parsed),
                Ok(_) => return None,
                Err(_) if text.contains(marker) => None,
                Err(_) => return None,
            };
            Some(Source {
                module,
                file,
                parsed,
            })
        })
        .collect()
}

/// The files of `dir` with extension `ext`, sorted by name.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Append `<visibility>mod <module>;`, pointing at `file` wherever the include is.
fn declare(out: &mut String, visibility: &str, module: &str, file: &Path) {
    let _ = writeln!(
        out,
        "#[path = {:?}]\n{visibility}mod {module};",
        file.display().to_string()
    );
}

/// Write a generated file, creating its directory.
fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create OUT_DIR subdirectory");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
