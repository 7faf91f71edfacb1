//! French and English: the language, the text of every page, and prices and dates as people of
//! that language write them.
//!
//! Text lives in [Fluent](https://projectfluent.org) files, `app/locales/{en,fr}/main.ftl`;
//! plurals and other variants are chosen in the file by CLDR plural category (`[one]` in
//! French covers 0 and 1). leptos-fluent loads them, and its `check_translations` makes a
//! message used in the code but missing from a locale, a message no code uses, or a variable
//! one side lacks, a compile error.
//!
//! The language is, in order: the one chosen before with the header's switch (kept in local
//! storage under `lang`), the first of `navigator.languages` the shop speaks (`fr-CA` is
//! French), English. `<html lang>` follows it. The API's own `detail` texts stay English; the
//! app shows its own sentence for each problem `code` ([`crate::problems`]).
//!
//! Prices and dates are formatted by the browser's `Intl` (ECMA-402), which knows the
//! conventions of every locale and the user's time zone, so the wasm carries no locale data.

use leptos::prelude::*;
use leptos_fluent::{leptos_fluent, I18n};
use wasm_bindgen::JsValue;

/// `move_tr!("id")`: the message `id` in the current language, as a view or an attribute
/// value that follows the language ([`text`]). With arguments, `move_tr!("id", { "n" => 2 })`,
/// it is leptos-fluent's own macro.
///
/// Why not leptos-fluent's for plain messages: it derives a new signal at every call site, so
/// the views' reactive code was compiled once per message (about 200 sites); [`text`] gives
/// every site the same closure type. The translation check still sees each literal `id`.
macro_rules! move_tr {
    ($id:literal $(,)?) => {
        $crate::i18n::text($id)
    };
    ($id:literal, $($args:tt)+) => {
        ::leptos_fluent::move_tr!($id, $($args)+)
    };
}

/// The message `id` in the current language, read each time the closure runs, so a view or
/// attribute made of it follows the language. Every call returns the same closure type.
pub(crate) fn text(id: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let i18n = expect_context::<I18n>();
    move || i18n.tr(id)
}

/// Provides the [`I18n`] context to `children` (see the module's text for where the language
/// comes from and where it is kept).
#[component]
pub fn I18nProvider(children: Children) -> impl IntoView {
    leptos_fluent! {
        children: children(),
        locales: "./locales",
        default_language: "en",
        check_translations: "./src/**/*.rs",
        // No Unicode isolation marks around placeables: both languages are left to right,
        // and the marks would end up in copied text and in the tests' expectations.
        customise: |bundle| bundle.set_use_isolating(false),
        sync_html_tag_lang: true,
        local_storage_key: "lang",
        initial_language_from_local_storage: true,
        set_language_to_local_storage: true,
        initial_language_from_navigator: true,
    }
}

/// The current language's tag, `en` or `fr` (reactive).
pub(crate) fn language() -> &'static str {
    expect_context::<I18n>().language.get().id
}

/// The language switch in the header: a labelled `<select>` of the languages in their own
/// names; the choice applies at once and is remembered.
#[component]
pub(crate) fn LanguageSwitch() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let changed = move |ev| {
        let id = event_target_value(&ev);
        if let Some(lang) = i18n.languages.iter().find(|l| l.id == id) {
            i18n.language.set(lang);
        }
    };
    view! {
        <label class="language">
            <span class="visually-hidden">{move_tr!("language")}</span>
            <select on:change=changed prop:value=move || i18n.language.get().id>
                {i18n.languages.iter().map(|l| view! {
                    <option value=l.id lang=l.id>{l.name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// `Intl` options from `pairs`.
fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

thread_local! {
    /// `format` functions of `Intl` formatters, one per language and style, made on first use.
    ///
    /// Making an `Intl.NumberFormat` or `Intl.DateTimeFormat` resolves the locale and its
    /// options, which costs more than formatting with one (ECMA-402; MDN advises one formatter
    /// for many values), and a list of orders formats a date and a price per row. A key is the
    /// language tag and the style: the currency code for money, [`DATE_TIME`] or [`DAY`] for
    /// dates. The very first formatter of a page load still costs ~30 ms in Chromium (the
    /// locale's data is loaded then); that one is not avoidable with `Intl`.
    static FORMATS: std::cell::RefCell<Vec<(&'static str, String, js_sys::Function)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The `format` function for `lang` and `style`, made with `make` if none is kept yet.
fn format_with(
    lang: &'static str,
    style: &str,
    make: impl FnOnce() -> js_sys::Function,
) -> js_sys::Function {
    FORMATS.with(|formats| {
        let found = formats
            .borrow()
            .iter()
            .find(|(l, s, _)| *l == lang && s == style)
            .map(|(_, _, f)| f.clone());
        found.unwrap_or_else(|| {
            let format = make();
            formats
                .borrow_mut()
                .push((lang, style.to_owned(), format.clone()));
            format
        })
    })
}

/// `cents` of `currency` (an ISO 4217 code) for people of the current language (reactive):
/// `12,90 €` in French, `€12.90` in English. A currency that is not three capital letters,
/// which `Intl` would refuse, is written `12.90 XYZ`.
pub(crate) fn money(cents: i64, currency: &str) -> String {
    let lang = language();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return api_types::validate::format_cents(cents, currency);
    }
    let format = format_with(lang, currency, || {
        js_sys::Intl::NumberFormat::new(
            &js_sys::Array::of1(&lang.into()),
            &options(&[("style", "currency"), ("currency", currency)]),
        )
        .format()
    });
    // Cents are whole numbers far below 2^53, so the division is exact to the cent.
    #[allow(clippy::cast_precision_loss)]
    let amount = JsValue::from_f64(cents as f64 / 100.0);
    format
        .call1(&JsValue::NULL, &amount)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| api_types::validate::format_cents(cents, currency))
}

/// The style of [`date_time`]: day, month, year, hours, minutes and the time zone's name.
const DATE_TIME: &str = "date-time";
/// The style of [`day`]: the day with the month's full name.
const DAY: &str = "day";

/// An RFC 3339 instant as a date and time in the browser's time zone, which is named
/// (reactive): `Dec 2, 2026, 09:15 AM GMT+5:30`, `2 déc. 2026, 09:15 UTC+5:30`. Text that is
/// no date is shown as it is.
pub(crate) fn date_time(rfc3339: &str) -> String {
    local(
        rfc3339,
        DATE_TIME,
        &[
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ],
    )
}

/// An RFC 3339 instant as the day it was in the browser's time zone (reactive):
/// `December 2, 2026`, `2 décembre 2026`.
pub(crate) fn day(rfc3339: &str) -> String {
    local(
        rfc3339,
        DAY,
        &[("year", "numeric"), ("month", "long"), ("day", "numeric")],
    )
}

/// `rfc3339` formatted with the `Intl.DateTimeFormat` of `style` (its `fields`).
fn local(rfc3339: &str, style: &str, fields: &[(&str, &str)]) -> String {
    let lang = language();
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let format = format_with(lang, style, || {
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&lang.into()), &options(fields))
            .format()
    });
    format
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| rfc3339.to_owned())
}
