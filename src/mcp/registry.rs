//! Every tool of this build and deployment, in one list: the curated
//! toolsets, the `api` toolset with saved queries, `cw_undo`, code mode and
//! its reports, then the operations the
//! deployment names as tools of their own (`extra_operations`). The
//! inventory ([`super::inventory`]) picks a session's tools from it.

use crate::tool::ToolDef;
use crate::toolsets::{api, code, curated, saved, undo};

/// The registry of a deployment that names `extra_operations`. Unknown
/// operation ids are an error naming them with close matches.
///
/// Leaked once per call: the server builds it once at start-up, so it
/// lives as long as the process, like the static curated tools.
pub fn all(extra_operations: &[String]) -> Result<&'static [ToolDef], String> {
    let mut tools: Vec<ToolDef> = curated::tools().to_vec();
    tools.extend_from_slice(api::TOOLS);
    tools.extend_from_slice(saved::TOOLS);
    tools.extend_from_slice(undo::TOOLS);
    tools.extend_from_slice(code::TOOLS);
    tools.extend_from_slice(code::reports::tools());
    tools.extend(api::extra::tools(extra_operations)?);
    Ok(Box::leak(tools.into_boxed_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_a_unique_name_and_extra_operations_join_the_list() {
        let base = all(&[]).unwrap();
        let mut names: Vec<&str> = base.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), base.len(), "tool names are unique");
        let with_extra = all(&["getProcurementPurchaseorders".into()]).unwrap();
        assert_eq!(with_extra.len(), base.len() + 1);
        let extra = with_extra.last().unwrap();
        assert!(extra.always_selected && extra.name == "cw_get_procurement_purchaseorders");
        let err = all(&["getProcurementPurchaseorder".into()]).unwrap_err();
        assert!(
            err.contains("did you mean") && err.contains("getProcurementPurchaseorders"),
            "{err}"
        );
    }
}
