//! Validated input types. Raw strings and numbers from a request become one of these at the
//! edge; the rest of the code never sees unvalidated input. The SPA uses the same rules to
//! explain a mistake before sending it.

use std::fmt;

/// Why an input was refused: the field, the rule it broke and a sentence a person can act on.
///
/// Sent as a 422 `validation_failed` problem whose `errors` member is `[{field, code}]`
/// ([`crate::FieldError`]), so that a client can show its own words next to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The input's name as sent: `username`, `price_cents`, `page`.
    pub field: &'static str,
    /// The rule broken, one of [`rule`]'s constants.
    pub code: &'static str,
    /// The rule in English, after the field's name: `must be 3 to 32 characters long`.
    pub reason: String,
}

/// The stable codes of the rules an [`Invalid`] input breaks (its `code`).
pub mod rule {
    /// Too short or too long (characters, not bytes).
    pub const LENGTH: &str = "length";
    /// A character the field does not allow (a username's `a-z0-9_.-`).
    pub const CHARACTERS: &str = "characters";
    /// A username that does not start with a letter or a digit.
    pub const START: &str = "start";
    /// Not of the field's form (an e-mail address, a path on this site).
    pub const FORMAT: &str = "format";
    /// A number outside the field's range, or not a whole number.
    pub const RANGE: &str = "range";
    /// A control character (NUL, line feed where none is allowed, …).
    pub const CONTROL_CHARACTERS: &str = "control_characters";
    /// A value that names nothing known (a category).
    pub const UNKNOWN: &str = "unknown";
    /// A password found in the list of the most common ones (NIST SP 800-63B §3.1.1.2).
    pub const COMMON_PASSWORD: &str = "common_password";
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// `raw` without leading and trailing ASCII whitespace (space, tab, line feed, form feed,
/// carriage return): the whitespace the OpenAPI document's patterns allow around usernames and
/// e-mail addresses.
fn trim_ascii(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_ascii_whitespace())
}

fn invalid(field: &'static str, code: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        code,
        reason: reason.into(),
    }
}

/// A username: 3 to 32 characters of `a-z`, `0-9`, `_`, `.`, `-`, starting with a letter or
/// digit. Stored and compared in lower case, so `Alice` and `alice` are the same account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 32;

    /// Trims, lower-cases and checks `raw`.
    ///
    /// # Errors
    /// [`Invalid`] naming `username` when the rules above are not met.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = trim_ascii(raw).to_lowercase();
        let len = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(invalid(
                "username",
                rule::LENGTH,
                format!(
                    "must be {} to {} characters long",
                    Self::MIN_LEN,
                    Self::MAX_LEN
                ),
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
        {
            return Err(invalid(
                "username",
                rule::CHARACTERS,
                "may contain only letters, digits, '_', '.' and '-'",
            ));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(invalid(
                "username",
                rule::START,
                "must start with a letter or a digit",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password for a new account: 8 to 128 characters (Unicode scalar values, not bytes), no
/// composition rules, never truncated (NIST SP 800-63B §3.1.1.2). Its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    /// Checks the length of `raw`; the password is kept exactly as typed.
    ///
    /// # Errors
    /// [`Invalid`] naming `password` when it is too short or too long.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err(invalid(
                "password",
                rule::LENGTH,
                format!("must be at least {} characters long", Self::MIN_CHARS),
            ));
        }
        if len > Self::MAX_CHARS {
            return Err(invalid(
                "password",
                rule::LENGTH,
                format!("must be at most {} characters long", Self::MAX_CHARS),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// An e-mail address: at most 254 characters as sent, printable ASCII (no spaces) once the
/// surrounding ASCII whitespace is trimmed, one `@` with text on both sides, a dot in the
/// domain and not at either end of it. The OpenAPI document states the same rule as a
/// pattern. Deliverability is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    /// Trims and checks `raw`.
    ///
    /// # Errors
    /// [`Invalid`] naming `email`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = trim_ascii(raw);
        let ok = raw.chars().count() <= Self::MAX_LEN
            && s.bytes().all(|b| b.is_ascii_graphic())
            && matches!(s.split_once('@'), Some((local, domain))
                if !local.is_empty() && !domain.contains('@')
                && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid(
                "email",
                rule::FORMAT,
                "is not a valid e-mail address",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A quantity of one product in a cart or order: a whole number from 1 to [`Quantity::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i64);

impl Quantity {
    pub const MAX: i64 = 99;

    /// # Errors
    /// [`Invalid`] naming `quantity` when `raw` is below 1 or above [`Quantity::MAX`].
    pub fn new(raw: i64) -> Result<Self, Invalid> {
        if (1..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(invalid(
                "quantity",
                rule::RANGE,
                format!("must be a whole number from 1 to {}", Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A price in cents: a whole number from 0 to [`Cents::MAX`] (100 000.00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(i64);

impl Cents {
    pub const MAX: i64 = 10_000_000;

    /// # Errors
    /// [`Invalid`] naming `field` when `raw` is negative or above [`Cents::MAX`].
    pub fn new(field: &'static str, raw: i64) -> Result<Self, Invalid> {
        if (0..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(invalid(
                field,
                rule::RANGE,
                format!("must be a whole number of cents from 0 to {}", Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Units in stock: a whole number from 0 to [`Stock::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stock(i64);

impl Stock {
    pub const MAX: i64 = 1_000_000;

    /// # Errors
    /// [`Invalid`] naming `stock` when `raw` is negative or above [`Stock::MAX`].
    pub fn new(raw: i64) -> Result<Self, Invalid> {
        if (0..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(invalid(
                "stock",
                rule::RANGE,
                format!("must be a whole number from 0 to {}", Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A short text such as a product name: trimmed, 1 to `max` characters, no control characters.
///
/// # Errors
/// [`Invalid`] naming `field`.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let s = raw.trim();
    let len = s.chars().count();
    if len == 0 || len > max {
        return Err(invalid(
            field,
            rule::LENGTH,
            format!("must be 1 to {max} characters long"),
        ));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            field,
            rule::CONTROL_CHARACTERS,
            "may not contain control characters",
        ));
    }
    Ok(s.to_owned())
}

/// A path on this site, such as `/images/x.svg`: at most `max` characters of letters, digits
/// and `-._~%/`, starting with one `/` (so never `//host/…` or `/\host/…`, which browsers
/// read as another site), with no `.` or `..` segment.
///
/// # Errors
/// [`Invalid`] naming `field`.
pub fn site_path(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let s = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~%/".contains(c);
    let ok = s.len() <= max
        && s.starts_with('/')
        && !s.starts_with("//")
        && s.chars().all(allowed)
        && !s.split('/').any(|seg| seg == "." || seg == "..");
    if !ok {
        return Err(invalid(
            field,
            rule::FORMAT,
            format!("must be a path on this site such as /images/x.svg (at most {max} characters)"),
        ));
    }
    Ok(s.to_owned())
}

/// Search text (`q`): trimmed; empty is no search (`None`); at most `max` characters and no
/// control characters at all (a NUL would end SQLite's `LIKE` pattern and match everything).
///
/// # Errors
/// [`Invalid`] naming `field`.
pub fn search_text(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, Invalid> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max {
        return Err(invalid(
            field,
            rule::LENGTH,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(
            field,
            rule::CONTROL_CHARACTERS,
            "may not contain control characters",
        ));
    }
    Ok(Some(s.to_owned()))
}

/// Formats cents as a price for people: `1250` with `EUR` is `12.50 EUR`.
pub fn format_cents(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

/// Parses an amount typed in whole currency units into cents: `12.9`, `12.90`, `12,90` (a
/// decimal comma, as written in French) and `12` are 1290. At most two decimals, no sign, no
/// thousands separators, at most [`MAX_TYPED_CENTS`]; `None` for anything else.
pub fn parse_typed_amount(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once(['.', ',']) {
        Some((_, "")) => return None,
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 12
        || !digits(whole)
        || fraction.len() > 2
        || !digits(fraction)
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let cents = whole.checked_mul(100)?.checked_add(fraction)?;
    (cents <= MAX_TYPED_CENTS).then_some(cents)
}

/// The largest amount [`parse_typed_amount`] accepts: 1,000,000.00 in cents.
pub const MAX_TYPED_CENTS: i64 = 100_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_amounts_become_cents() {
        for (typed, cents) in [
            ("12.90", 1290),
            ("12,90", 1290),
            ("12.9", 1290),
            (" 12 ", 1200),
            ("0,05", 5),
            ("1000000", MAX_TYPED_CENTS),
        ] {
            assert_eq!(parse_typed_amount(typed), Some(cents), "{typed}");
        }
        for bad in [
            "",
            "12.905",
            "-1",
            "1e3",
            "12.",
            ".5",
            "1 000",
            "12€",
            "1000000.01",
            "99999999999999",
        ] {
            assert_eq!(parse_typed_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn usernames_are_trimmed_and_lower_cased() {
        assert_eq!(Username::parse("  Alice_1 ").unwrap().as_str(), "alice_1");
    }

    #[test]
    fn usernames_outside_the_rules_are_refused() {
        for bad in [
            "",
            "ab",
            "a b c",
            "_alice",
            "élodie",
            &"a".repeat(33),
            "bob!",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(
            NewPassword::parse("ééééééé").is_err(),
            "7 characters is too short"
        );
        assert!(NewPassword::parse("éééééééé").is_ok());
        assert!(NewPassword::parse(&"p".repeat(128)).is_ok());
        assert!(NewPassword::parse(&"p".repeat(129)).is_err());
    }

    #[test]
    fn passwords_are_kept_as_typed_and_never_printed() {
        let p = NewPassword::parse("  spaces kept  ").unwrap();
        assert_eq!(p.expose(), "  spaces kept  ");
        assert!(!format!("{p:?}").contains("spaces"));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("a@b.co").is_ok());
        for bad in [
            "", "a", "a@b", "@b.co", "a@@b.co", "a b@c.de", "a@.de", "a@de.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn quantities_run_from_one_to_the_maximum() {
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(-1).is_err());
        assert_eq!(Quantity::new(1).unwrap().get(), 1);
        assert!(Quantity::new(Quantity::MAX).is_ok());
        assert!(Quantity::new(Quantity::MAX + 1).is_err());
    }

    #[test]
    fn prices_stock_and_texts_have_bounds() {
        assert!(Cents::new("price_cents", -1).is_err());
        assert_eq!(Cents::new("price_cents", 0).unwrap().get(), 0);
        assert!(Cents::new("price_cents", Cents::MAX + 1).is_err());
        assert!(Stock::new(-1).is_err());
        assert!(Stock::new(Stock::MAX).is_ok());
        assert_eq!(text("name", "  Mug ", 10).unwrap(), "Mug");
        assert!(text("name", "   ", 10).is_err());
        assert!(text("name", "a\u{7}b", 10).is_err());
        assert!(text("name", &"x".repeat(11), 10).is_err());
    }

    #[test]
    fn site_paths_never_name_another_site() {
        assert_eq!(
            site_path("image_url", " /images/mug.svg ", 300).unwrap(),
            "/images/mug.svg"
        );
        for bad in [
            "//evil.example/x.svg",
            "/\\evil.example/x.svg",
            "/\\/evil.example",
            "https://evil.example/x.svg",
            "images/x.svg",
            "/images/../x.svg",
            "/images/x.svg?y",
            "/images/x y.svg",
            "javascript:alert(1)",
        ] {
            assert!(site_path("image_url", bad, 300).is_err(), "{bad}");
        }
        assert!(site_path("image_url", &format!("/{}", "x".repeat(300)), 300).is_err());
    }

    #[test]
    fn search_text_refuses_control_characters_and_overlong_text() {
        assert_eq!(
            search_text("q", "  mug ", 10).unwrap().as_deref(),
            Some("mug")
        );
        assert_eq!(search_text("q", "   ", 10).unwrap(), None);
        for bad in ["\0", "a\0b", "tab\there", "new\nline", "\u{7f}", "a\u{85}b"] {
            assert!(search_text("q", bad, 10).is_err(), "{bad:?}");
        }
        assert!(search_text("q", &"x".repeat(11), 10).is_err());
    }

    #[test]
    fn cents_format_with_two_decimals() {
        assert_eq!(format_cents(1250, "EUR"), "12.50 EUR");
        assert_eq!(format_cents(5, "EUR"), "0.05 EUR");
        assert_eq!(format_cents(-199, "EUR"), "-1.99 EUR");
    }
}
