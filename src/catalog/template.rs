//! The spec's path templates (`/service/tickets/{parentId}/notes`) and the
//! percent-coding of path segments: one home for both, shared by
//! [`super::path`] (a caller's path for `cw_call`, checked and rebuilt) and
//! the simulator's routes (a request path served).
//!
//! A path matches a template with as many segments whose literal segments
//! all match, ignoring ASCII case (as IIS, which serves ConnectWise, does);
//! among several, the one with the most literal segments wins
//! (`/service/tickets/count` over `/service/tickets/{id}`). What a variable
//! takes is the caller's rule ([`literals_matched`]).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// One segment of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Literal(&'a str),
    /// `{name}` or `{name:constraint}`: the name.
    Variable(&'a str),
}

/// The segments of a template, split on `/` outside braces and parentheses
/// (upstream templates once carried regex constraints inside the braces).
pub fn segments(template: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let bytes = template.as_bytes();
    for (i, b) in bytes
        .iter()
        .enumerate()
        .chain(std::iter::once((bytes.len(), &b'/')))
    {
        match b {
            b'{' | b'(' => depth += 1,
            b'}' | b')' => depth = depth.saturating_sub(1),
            b'/' if depth == 0 => {
                let segment = &template[start..i];
                if !segment.is_empty() {
                    out.push(segment_of(segment));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

fn segment_of(text: &str) -> Segment<'_> {
    match text.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) => Segment::Variable(inner.split(':').next().unwrap_or(inner)),
        None => Segment::Literal(text),
    }
}

/// How many literal segments of `template` the path's `parts` match, or
/// `None` when the lengths differ, a literal differs (ASCII case aside) or
/// `takes(variable, part)` refuses a part.
pub fn literals_matched<S: AsRef<str>>(
    template: &[Segment<'_>],
    parts: &[S],
    takes: impl Fn(&str, &str) -> bool,
) -> Option<usize> {
    if template.len() != parts.len() {
        return None;
    }
    let mut literals = 0;
    for (segment, part) in template.iter().zip(parts) {
        let part = part.as_ref();
        match segment {
            Segment::Literal(l) if l.eq_ignore_ascii_case(part) => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Variable(name) if takes(name, part) => {}
            Segment::Variable(_) => return None,
        }
    }
    Some(literals)
}

/// A path segment with its `%XX` escapes decoded, or `None` when an escape
/// is malformed or the bytes are not UTF-8: how a caller's path is read.
pub fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_decode_str(segment).decode_utf8().ok().map(Into::into)
}

/// A path segment with its `%XX` escapes decoded, a malformed escape kept
/// as written and bytes that are not UTF-8 replaced: how a lenient server
/// (the simulator) reads a request path.
pub fn decode_segment_lossy(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// Everything but the unreserved characters of RFC 3986 (letters, digits,
/// `-`, `.`, `_`, `~`).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value made safe as one path segment: everything but unreserved
/// characters percent-encoded, so it can neither split nor leave the path.
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::Segment::{Literal, Variable};
    use super::*;

    #[test]
    fn templates_split_into_literals_and_variables() {
        assert_eq!(
            segments("/service/tickets/{parentId}/notes"),
            [
                Literal("service"),
                Literal("tickets"),
                Variable("parentId"),
                Literal("notes")
            ]
        );
        assert_eq!(
            segments("/system/members/{memberIdentifier:regex(^a/b$)}"),
            [
                Literal("system"),
                Literal("members"),
                Variable("memberIdentifier")
            ]
        );
    }

    #[test]
    fn literals_match_in_any_case_and_variables_by_the_callers_rule() {
        let template = segments("/service/tickets/{id}");
        let digits = |_: &str, part: &str| part.bytes().all(|b| b.is_ascii_digit());
        assert_eq!(
            literals_matched(&template, &["Service", "TICKETS", "5"], digits),
            Some(2)
        );
        assert_eq!(
            literals_matched(&template, &["service", "tickets", "x"], digits),
            None
        );
        assert_eq!(
            literals_matched(&template, &["service", "notes", "5"], digits),
            None
        );
        assert_eq!(literals_matched(&template, &["service", "tickets"], digits), None);
    }

    #[test]
    fn decoding_is_strict_for_callers_and_lenient_for_the_simulator() {
        assert_eq!(decode_segment("ABC%20123").as_deref(), Some("ABC 123"));
        assert_eq!(decode_segment("plain").as_deref(), Some("plain"));
        assert_eq!(decode_segment("100%"), None);
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%FF"), None, "not UTF-8");
        assert_eq!(decode_segment_lossy("a%20b%zz%"), "a b%zz%");
        assert_eq!(decode_segment_lossy("%FF"), "\u{FFFD}");
    }

    #[test]
    fn encoding_leaves_only_unreserved_characters() {
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_segment("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode_segment("é?#%"), "%C3%A9%3F%23%25");
        for value in ["a b/c", "é?#%", "100%", "x/../y"] {
            assert_eq!(decode_segment(&encode_segment(value)).as_deref(), Some(value));
        }
    }
}
