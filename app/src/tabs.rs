//! Coordination between the shop's browser tabs, with the Web Locks API
//! (<https://w3c.github.io/web-locks/>, `navigator.locks.request`).
//!
//! Every tab of the shop shares one refresh token (the `HttpOnly` cookie). A refresh rotates
//! it, so two tabs refreshing at once would present the same token twice, and the second
//! would count as reuse (RFC 9700 §4.14.2). Refreshing under one exclusive lock makes tabs
//! take turns: the second tab's refresh starts after the first one's finished and sends the
//! cookie the first one received.
//!
//! Web Locks are in every current browser on secure origins (`https://`, and `http://` on
//! localhost or 127.0.0.1). Where they are missing, [`exclusive`] runs the work unlocked and
//! says so, and the caller falls back to retrying once.

use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The lock every tab takes to refresh the session.
pub(crate) const REFRESH_LOCK: &str = "shop-session-refresh";

/// `navigator.locks`, if the browser has it here.
fn lock_manager() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

/// Runs `work` while holding the exclusive Web Lock `name`, so no other tab of this origin
/// runs work under the same name at the same time; the lock is released when `work` ends.
/// Returns `work`'s output and whether the lock was held (false: no Web Locks here, or the
/// request failed, and `work` ran unlocked).
pub(crate) async fn exclusive<T: 'static>(
    name: &str,
    work: impl Future<Output = T> + 'static,
) -> (T, bool) {
    let work: Rc<RefCell<Option<_>>> = Rc::new(RefCell::new(Some(Box::pin(work))));
    let output: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    if let Some(locks) = lock_manager() {
        let request = Reflect::get(&locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(request) = request {
            let (in_lock, out) = (work.clone(), output.clone());
            // Called once the lock is granted; the promise it returns holds the lock until it
            // settles.
            let granted = Closure::once(move |_lock: JsValue| -> Promise {
                future_to_promise(async move {
                    let pending = in_lock.borrow_mut().take();
                    if let Some(pending) = pending {
                        let value = pending.await;
                        *out.borrow_mut() = Some(value);
                    }
                    Ok(JsValue::UNDEFINED)
                })
            });
            let held = request
                .call2(
                    &locks,
                    &JsValue::from_str(name),
                    granted.as_ref().unchecked_ref(),
                )
                .ok()
                .and_then(|p| p.dyn_into::<Promise>().ok());
            if let Some(held) = held {
                let _ = JsFuture::from(held).await;
            }
            drop(granted);
            if let Some(value) = output.borrow_mut().take() {
                return (value, true);
            }
        }
    }
    // No Web Locks (or the request failed before the work started): run it unlocked.
    let pending = work.borrow_mut().take();
    match pending {
        Some(pending) => (pending.await, false),
        None => unreachable!("work that started under the lock always stores its output"),
    }
}
