//! The deployment's config file (TOML), read and parsed once.
//!
//! It has four sections, each parsed by the part of the server it sets up:
//! `[connectwise]` by [`crate::client::Config`], `[server]` by
//! [`crate::mcp::Gate`], `[http]` and `[oauth]` by `crate::http::settings`. Environment
//! variables and flags override the file, section by section. A section
//! this server does not know (a typo such as `[servre]`) is an error, so a
//! setting is never silently ignored.
//!
//! ```
//! use connectwise_mcp::settings::ConfigFile;
//! let file = ConfigFile::parse("cw.toml", "[server]\nallow_writes = true\n").unwrap();
//! #[derive(serde::Deserialize, Default)]
//! struct Server { allow_writes: bool }
//! assert!(file.section::<Server>("server").unwrap().allow_writes);
//! let typo = ConfigFile::parse("cw.toml", "[servre]\nallow_writes = true\n").unwrap_err();
//! assert!(typo.contains("unknown section [servre]"), "{typo}");
//! ```

use serde::de::DeserializeOwned;
use std::path::Path;

/// The sections a config file may have.
pub const SECTIONS: [&str; 4] = ["connectwise", "server", "http", "oauth"];

/// A parsed config file: where it came from and its sections.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    path: String,
    table: toml::Table,
}

impl ConfigFile {
    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> Result<ConfigFile, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("config file {}: {e}", path.display()))?;
        ConfigFile::parse(&path.display().to_string(), &text)
    }

    /// Parses `text` (named `path` in errors). A syntax error gives the
    /// position, never the line itself: it may hold a key.
    pub fn parse(path: &str, text: &str) -> Result<ConfigFile, String> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| format!("config file {path}: {}", redacted(&e)))?;
        if let Some(unknown) = table.keys().find(|k| !SECTIONS.contains(&k.as_str())) {
            return Err(format!(
                "config file {path}: unknown section [{unknown}]; the sections are [{}]",
                SECTIONS.join("], [")
            ));
        }
        Ok(ConfigFile {
            path: path.to_owned(),
            table,
        })
    }

    /// The file's name, for messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The section `name` as `T`; a missing section is `T::default()`.
    /// Errors name the file, the section and the setting.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, String> {
        match self.table.get(name) {
            None => Ok(T::default()),
            Some(value) => value.clone().try_into().map_err(|e: toml::de::Error| {
                format!("config file {}: [{name}]: {}", self.path, e.message())
            }),
        }
    }
}

/// toml's message quotes the offending line, which may hold a key: keep
/// the message and the position only.
fn redacted(e: &toml::de::Error) -> String {
    let mut out = e.message().to_owned();
    if let Some(span) = e.span() {
        out.push_str(&format!(" (at byte {})", span.start));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Server {
        #[serde(default)]
        allow_writes: bool,
    }

    #[test]
    fn sections_are_read_once_and_each_parsed_by_its_owner() {
        let file = ConfigFile::parse(
            "cw.toml",
            "[connectwise]\nsite = \"x\"\n[server]\nallow_writes = true\n",
        )
        .unwrap();
        assert_eq!(
            file.section::<Server>("server").unwrap(),
            Server { allow_writes: true }
        );
        assert_eq!(
            file.section::<Server>("http").unwrap(),
            Server::default(),
            "missing: default"
        );
        let bad = ConfigFile::parse("cw.toml", "[server]\nallow_write = true\n").unwrap();
        let err = bad.section::<Server>("server").unwrap_err();
        assert!(
            err.starts_with("config file cw.toml: [server]: ") && err.contains("allow_write"),
            "{err}"
        );
    }

    #[test]
    fn a_syntax_error_never_quotes_the_line() {
        let err = ConfigFile::parse("cw.toml", "[connectwise]\nprivate_key = \"leaky-secret").unwrap_err();
        assert!(err.contains("cw.toml") && !err.contains("leaky-secret"), "{err}");
    }
}
