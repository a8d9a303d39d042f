//! Browsing the API by category: its modules (the first path segment:
//! `service`, `finance`, `procurement`…), and a module's resources (the
//! spec's tags: `PurchaseOrders`, `PurchaseOrderLineItems`…) with their
//! operations.
//!
//! Side operations (`…/count`, `…/info`, `…/usages`) are left out of a
//! resource's list: every resource has them, and search finds them
//! ("how many open POs").

use super::{Operation, operations};

/// One module of the API.
#[derive(Debug, PartialEq, Eq)]
pub struct Module {
    pub name: &'static str,
    pub resources: usize,
    pub operations: usize,
}

/// One resource of a module, with its main operations in path order.
#[derive(Debug)]
pub struct Resource {
    pub name: &'static str,
    pub operations: Vec<&'static Operation>,
}

/// Every module, by name.
pub fn modules() -> Vec<Module> {
    let mut out: Vec<Module> = Vec::new();
    for op in operations() {
        match out.iter_mut().find(|m| m.name == op.module) {
            Some(m) => m.operations += 1,
            None => out.push(Module {
                name: op.module,
                resources: 0,
                operations: 1,
            }),
        }
    }
    for m in &mut out {
        m.resources = resources(m.name).len();
    }
    out.sort_by_key(|m| m.name);
    out
}

/// The module named `name` (any case), if there is one.
pub fn module(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_matches('/');
    operations()
        .iter()
        .map(|op| op.module)
        .find(|m| m.eq_ignore_ascii_case(name))
}

/// The resources of `module`, by name, each with its main operations.
pub fn resources(module: &str) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for op in operations()
        .iter()
        .filter(|op| op.module == module && !is_side(op))
    {
        match out.iter_mut().find(|r| r.name == op.tag) {
            Some(r) => r.operations.push(op),
            None => out.push(Resource {
                name: op.tag,
                operations: vec![op],
            }),
        }
    }
    out.sort_by_key(|r| r.name);
    out
}

/// `…/count`, `…/info`, `…/usages`: operations every resource has.
fn is_side(op: &Operation) -> bool {
    op.path
        .split('/')
        .any(|s| matches!(s, "count" | "info" | "usages"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_cover_every_operation_once() {
        let all = modules();
        assert!(all.iter().any(|m| m.name == "procurement" && m.resources > 10));
        let total: usize = all.iter().map(|m| m.operations).sum();
        assert_eq!(total, operations().len());
    }

    #[test]
    fn a_module_lists_its_resources_without_side_operations() {
        assert_eq!(module("Procurement"), Some("procurement"));
        assert_eq!(module("nothing"), None);
        let procurement = resources("procurement");
        let orders = procurement.iter().find(|r| r.name == "PurchaseOrders").unwrap();
        let ids: Vec<&str> = orders.operations.iter().map(|o| o.id).collect();
        assert!(ids.contains(&"getProcurementPurchaseorders"), "{ids:?}");
        assert!(ids.contains(&"postProcurementPurchaseorders"), "{ids:?}");
        assert!(
            !ids.iter().any(|id| id.ends_with("Count") || id.ends_with("Info")),
            "{ids:?}"
        );
    }
}
