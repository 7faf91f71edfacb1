//! The signed-in user, shared through context.
//!
//! The access token lives in memory only. On a 401 the session refreshes once (through the
//! `HttpOnly` cookie) and retries the call; concurrent calls share one refresh, and tabs take
//! turns to refresh under a Web Lock ([`crate::tabs`]), so a rotated refresh token is never
//! presented twice. When the refresh fails the user is signed out and
//! protected pages send them to the login page.

use crate::api::{ApiError, AuthedApi, PublicApi};
use api_types::auth::{LoginRequest, User};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use std::future::Future;

/// Wait before the one retry of a refused refresh, in milliseconds.
const REFRESH_RETRY_MS: i32 = 400;

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<AuthedApi, ApiError>>>;

/// The session: who is signed in, and the token to call the API with.
#[derive(Clone, Copy)]
pub struct Session {
    api: RwSignal<Option<AuthedApi>, LocalStorage>,
    user: RwSignal<Option<User>>,
    /// False until the first attempt to resume a session (after a page load) has finished.
    ready: RwSignal<bool>,
    refreshing: StoredValue<Option<RefreshFuture>, LocalStorage>,
}

impl Session {
    /// A signed-out session; call [`Session::resume`] to pick up the cookie's session.
    pub fn new() -> Self {
        Self {
            api: RwSignal::new_local(None),
            user: RwSignal::new(None),
            ready: RwSignal::new(false),
            refreshing: StoredValue::new_local(None),
        }
    }

    /// The signed-in user (reactive).
    pub fn user(&self) -> Option<User> {
        self.user.get()
    }

    /// Whether the first resume attempt has finished (reactive).
    pub fn ready(&self) -> bool {
        self.ready.get()
    }

    /// After a page load: refreshes through the cookie, if there is one (the session hint
    /// says so, [`crate::api::has_session_hint`]), and loads the user.
    pub async fn resume(self) {
        if !crate::api::has_session_hint() {
            self.ready.set(true);
            return;
        }
        if let Ok(api) = self.refresh().await {
            if let Ok(user) = api.me().await {
                self.user.set(Some(user));
            }
        }
        self.ready.set(true);
    }

    /// Signs in; on success the session holds the token and the user.
    pub async fn login(self, request: LoginRequest) -> Result<(), ApiError> {
        let api = PublicApi.login(&request).await?;
        let user = api.me().await?;
        self.api.set(Some(api));
        self.user.set(Some(user));
        Ok(())
    }

    /// Signs out here and on the server (the refresh token's session ends).
    pub async fn logout(self) {
        let _ = PublicApi.logout().await;
        self.forget();
    }

    fn forget(self) {
        self.api.set(None);
        self.user.set(None);
    }

    /// One refresh at a time: callers arriving while one runs share its result.
    async fn refresh(self) -> Result<AuthedApi, ApiError> {
        let running = self.refreshing.with_value(Clone::clone);
        let shared = match running {
            Some(f) => f,
            None => {
                let f = async move {
                    // Tabs take turns (Web Locks), so the shared cookie is never sent twice.
                    let (result, locked) =
                        crate::tabs::exclusive(crate::tabs::REFRESH_LOCK, async {
                            PublicApi.refresh().await
                        })
                        .await;
                    let result = match result {
                        // Without Web Locks another tab may have just rotated the shared
                        // cookie: once more with the new one.
                        Err(e) if e.is_unauthorized() && !locked => {
                            crate::live::sleep(REFRESH_RETRY_MS).await;
                            PublicApi.refresh().await
                        }
                        other => other,
                    };
                    match &result {
                        Ok(api) => self.api.set(Some(api.clone())),
                        Err(_) => self.forget(),
                    }
                    self.refreshing.set_value(None);
                    result
                }
                .boxed_local()
                .shared();
                self.refreshing.set_value(Some(f.clone()));
                f
            }
        };
        shared.await
    }

    /// Runs `call` with the access token; on a 401 refreshes once and runs it again with the
    /// new token. `call` must be repeatable (a checkout reuses its idempotency key).
    pub async fn call<T, F, Fut>(self, call: F) -> Result<T, ApiError>
    where
        F: Fn(AuthedApi) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let api = match self.api.get_untracked() {
            Some(api) => api,
            None => self.refresh().await?,
        };
        match call(api).await {
            Err(e) if e.is_unauthorized() => {
                let api = self.refresh().await?;
                call(api).await
            }
            other => other,
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// The session from context (provided by [`crate::App`]).
pub fn use_session() -> Session {
    expect_context::<Session>()
}
