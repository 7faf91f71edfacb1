//! Live order updates: reads the server-sent events of `GET /api/orders/{id}/events` through
//! `fetch` (an `EventSource` cannot send the `Authorization` header) and reconnects when the
//! stream ends, until the page that asked is left.

use crate::session::Session;
use api_types::orders::Order;
use js_sys::{Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader};

/// Seconds between reconnection attempts.
const RECONNECT_MS: i32 = 2_000;

/// Calls `on_order` with the order now and after every status change, for as long as the
/// current reactive owner (the page) lives.
pub(crate) fn follow_order(session: Session, id: i64, on_order: impl Fn(Order) + 'static) {
    let Ok(controller) = AbortController::new() else {
        return;
    };
    let signal = controller.signal();
    let controller = send_wrapper::SendWrapper::new(controller);
    on_cleanup(move || controller.abort());
    leptos::task::spawn_local_scoped_with_cancellation(async move {
        while !signal.aborted() {
            let stream = session
                .call(|api| {
                    let signal = signal.clone();
                    async move { api.order_events(id, &signal).await }
                })
                .await;
            if let Ok(stream) = stream {
                read_events(stream.get_reader().unchecked_into(), &on_order).await;
            }
            if signal.aborted() {
                break;
            }
            sleep(RECONNECT_MS).await;
        }
    });
}

/// Reads `event: order` blocks until the stream ends.
async fn read_events(reader: ReadableStreamDefaultReader, on_order: &impl Fn(Order)) {
    let mut buffer = String::new();
    loop {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            return;
        };
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()) else {
            return;
        };
        buffer.push_str(&String::from_utf8_lossy(&Uint8Array::new(&value).to_vec()));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(order) = parse_block(&block) {
                on_order(order);
            }
        }
    }
}

/// The order in one event block (its `data:` lines), if it has one.
fn parse_block(block: &str) -> Option<Order> {
    let data: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim_start)
        .collect();
    serde_json::from_str(&data.join("\n")).ok()
}

/// Waits `ms` milliseconds (a browser timer).
pub(crate) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}
