//! The limits of a program run by code mode (`cw_run`), set per deployment
//! in the config file's `[server.code]` section; each one, when hit, stops
//! the program with an error that names it.
//!
//! ```toml
//! [server.code]
//! timeout_ms = 10000
//! memory_mb = 64
//! max_requests = 100
//! ```

use serde::Deserialize;

/// What one program may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunLimits {
    /// Wall time of the whole run, requests included.
    pub timeout_ms: u64,
    /// The engine's heap.
    pub memory_mb: usize,
    /// The engine's stack (deep recursion stops with a RangeError).
    pub stack_kb: usize,
    /// ConnectWise requests one run may make.
    pub max_requests: usize,
    /// Pages `cw.all` may read for one list.
    pub max_pages: usize,
    /// Records `cw.all` may collect for one list.
    pub max_records: usize,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            timeout_ms: 10_000,
            memory_mb: 64,
            stack_kb: 512,
            max_requests: 100,
            max_pages: 20,
            max_records: 10_000,
        }
    }
}

impl RunLimits {
    /// Refuses limits outside what the engine can honour, naming the setting.
    pub fn check(&self) -> Result<(), String> {
        let ranges: [(&str, usize, usize, usize); 6] = [
            ("timeout_ms", self.timeout_ms as usize, 100, 300_000),
            ("memory_mb", self.memory_mb, 8, 4096),
            ("stack_kb", self.stack_kb, 64, 1024),
            ("max_requests", self.max_requests, 1, 10_000),
            ("max_pages", self.max_pages, 1, 1000),
            ("max_records", self.max_records, 1, 1_000_000),
        ];
        for (name, value, low, high) in ranges {
            if !(low..=high).contains(&value) {
                return Err(format!(
                    "[server.code] {name} is {value}; it must be {low} to {high}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_to_the_documented_values_and_refuse_what_the_engine_cannot_honour() {
        let limits = RunLimits::default();
        assert_eq!(
            (limits.timeout_ms, limits.memory_mb, limits.max_requests),
            (10_000, 64, 100)
        );
        assert_eq!(limits.check(), Ok(()));
        let parsed: RunLimits = toml::from_str("memory_mb = 2").unwrap();
        assert_eq!(parsed.timeout_ms, 10_000, "unnamed limits keep their default");
        assert_eq!(
            parsed.check().unwrap_err(),
            "[server.code] memory_mb is 2; it must be 8 to 4096"
        );
        assert!(toml::from_str::<RunLimits>("memory = 64").is_err());
    }
}
