//! Whole numbers in request bodies. JSON Schema (and so the OpenAPI document) counts `477.0` as
//! an integer, as JSON itself does (RFC 8259 §6 does not tell `477` from `477.0`); serde's
//! `i64` would refuse it. These read either form, and refuse fractions and values out of range.

use serde::de::{Deserializer, Error};
use serde::Deserialize;

/// A JSON number with no fractional part that fits an `i64`.
///
/// # Errors
/// A fraction, a value out of range, or not a number.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let n = serde_json_number(serde::Deserialize::deserialize(deserializer)?)
        .ok_or_else(|| D::Error::custom("expected a whole number"))?;
    Ok(n)
}

/// [`number`], or `null`/absent as `None`.
///
/// # Errors
/// As [`number`].
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(n) => serde_json_number(n)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a whole number")),
    }
}

/// An integer or a float, as JSON numbers come.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Float(f64),
}

fn serde_json_number(n: Number) -> Option<i64> {
    match n {
        Number::Int(i) => Some(i),
        // 2^63 as f64: anything at or above does not fit.
        Number::Float(f)
            if f.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Some(f as i64)
        }
        Number::Float(_) => None,
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::number")]
        n: i64,
        #[serde(default, deserialize_with = "super::optional")]
        o: Option<i64>,
    }

    fn read(json: &str) -> Option<(i64, Option<i64>)> {
        serde_json::from_str::<T>(json).ok().map(|t| (t.n, t.o))
    }

    #[test]
    fn whole_numbers_read_in_either_form_and_fractions_are_refused() {
        assert_eq!(read(r#"{"n": 477}"#), Some((477, None)));
        assert_eq!(read(r#"{"n": 477.0, "o": 2.0}"#), Some((477, Some(2))));
        assert_eq!(read(r#"{"n": 1, "o": null}"#), Some((1, None)));
        assert_eq!(read(r#"{"n": 477.5}"#), None);
        assert_eq!(read(r#"{"n": 1e300}"#), None);
        assert_eq!(read(r#"{"n": "1"}"#), None);
    }
}
