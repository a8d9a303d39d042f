//! Request bodies and JSON Patch lists assembled from a tool's arguments.

use super::{ToolError, invalid};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// A request body assembled from arguments: `set("board/id", 5)` gives
/// `{"board": {"id": 5}}`.
#[derive(Debug, Default)]
pub struct Body(Map<String, Value>);

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, path: &str, value: Option<impl Into<Value>>) {
        let Some(value) = value else { return };
        let mut segments = path.split('/').peekable();
        let mut map = &mut self.0;
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() {
                map.insert(segment.to_owned(), value.into());
                return;
            }
            let entry = map
                .entry(segment.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            map = entry.as_object_mut().expect("just made an object");
        }
    }

    /// Merges fixed values (e.g. a note's visibility flags).
    pub fn merge(&mut self, fixed: Value) {
        if let Value::Object(fixed) = fixed {
            self.0.extend(fixed);
        }
    }

    /// The body as JSON, once it reads as the generated request type `T`
    /// (the write path sends JSON; the type checks it). `field_args` maps
    /// ConnectWise fields to the tool's arguments for the error.
    pub fn checked<T: DeserializeOwned>(self, field_args: &[(&str, &str)]) -> Result<Value, ToolError> {
        let json = Value::Object(self.0.clone());
        self.into_typed::<T>(field_args)?;
        Ok(json)
    }

    /// Into the generated request type. The values were checked already;
    /// a mismatch left names the argument (`field_args`: ConnectWise field
    /// → argument) and the field, never a Rust type.
    pub fn into_typed<T: DeserializeOwned>(self, field_args: &[(&str, &str)]) -> Result<T, ToolError> {
        serde_path_to_error::deserialize(Value::Object(self.0)).map_err(|e| {
            let field = e.path().to_string().replace('.', "/");
            match field_args.iter().find(|(f, _)| *f == field) {
                Some((_, arg)) => invalid(format!(
                    "{arg}: ConnectWise's field {field} does not take this value"
                )),
                None => invalid(format!("ConnectWise's field {field} does not take this value")),
            }
        })
    }
}

/// A JSON Patch list assembled from arguments.
#[derive(Debug, Default)]
pub struct Patch(Vec<Value>);

impl Patch {
    pub fn new() -> Self {
        Self::default()
    }

    /// `replace("status/id", 5)` → `{"op":"replace","path":"status","value":{"id":5}}`.
    pub fn replace(&mut self, path: &str, value: Option<impl Into<Value>>) {
        let Some(value) = value else { return };
        let (top, rest) = path.split_once('/').unwrap_or((path, ""));
        let value = if rest.is_empty() {
            value.into()
        } else {
            let mut body = Body::new();
            body.set(rest, Some(value));
            Value::Object(body.0)
        };
        self.0
            .push(json!({ "op": "replace", "path": top, "value": value }));
    }

    /// The list as JSON, once it reads as a list of `T` (at least one change).
    pub fn checked<T: DeserializeOwned>(self, args: &[&str]) -> Result<Value, ToolError> {
        let json = Value::Array(self.0.clone());
        self.into_typed::<T>(args)?;
        Ok(json)
    }

    /// The list for the generated client; at least one change is required.
    pub fn into_typed<T: DeserializeOwned>(self, args: &[&str]) -> Result<Vec<T>, ToolError> {
        if self.0.is_empty() {
            return Err(invalid(format!(
                "nothing to change: give at least one of {}",
                args.join(", ")
            )));
        }
        serde_json::from_value(Value::Array(self.0)).map_err(|e| invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_patches_nest_reference_fields() {
        let mut body = Body::new();
        body.set("board/id", Some(3));
        body.set("summary", Some("Printer offline"));
        body.set("priority/id", None::<i64>);
        assert_eq!(
            Value::Object(body.0),
            json!({"board": {"id": 3}, "summary": "Printer offline"})
        );
        let mut patch = Patch::new();
        patch.replace("status/id", Some(5));
        patch.replace("summary", Some("New text"));
        assert_eq!(
            patch.0,
            vec![
                json!({"op": "replace", "path": "status", "value": {"id": 5}}),
                json!({"op": "replace", "path": "summary", "value": "New text"})
            ]
        );
        let err = Patch::new()
            .into_typed::<Value>(&["status_id", "summary"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("give at least one of status_id, summary"));
    }
}
