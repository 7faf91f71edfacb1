//! The virtual users, weighted as a shop's traffic is (after Online Boutique's load generator:
//! most visits browse, fewer buy, few administer):
//! - **Visitor** (weight 6, signed out): browse the catalog, open products, search, filter by
//!   category.
//! - **Shopper** (weight 3): registers and signs in once, then opens products, adds to the
//!   cart, reads the cart, checks out (one `Idempotency-Key` per attempt), reads the order
//!   history and follows an order's live events (the first event of the stream).
//! - **Admin** (weight 1): signs in as `LOADTEST_ADMIN_USERNAME` / `LOADTEST_ADMIN_PASSWORD`
//!   (default: the dev-mode `admin` / `admin-password`), reads the orders board and moves a
//!   paid order to `preparing`.
//!
//! Each virtual user sends `X-Forwarded-For: 127.x.y.z` of its own: a shop started with
//! `SHOP_TRUSTED_PROXIES=127.0.0.1` counts each as its own client, as behind a load balancer
//! (otherwise the per-address limits see one client and answer 429 `rate_limited`).
//!
//! What a shop answers on purpose is not a failure: a declined payment (402), a product out of
//! stock or a cart already paying (409), an empty cart (409).

use api_types::auth::{paths, LoginRequest, RegisterRequest, TokenResponse};
use api_types::catalog::{Category, ProductPage};
use api_types::orders::{OrderPage, OrderStatus, SetQuantity, StatusChange};
use goose::goose::GooseResponse;
use goose::prelude::*;
use rand::seq::SliceRandom;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue};
use std::time::Duration;

/// What a virtual user remembers between transactions.
#[derive(Clone, Default)]
struct Visit {
    /// The access token, once signed in.
    token: Option<String>,
    products: Vec<i64>,
    categories: Vec<String>,
    /// The user's newest order, to follow.
    last_order: Option<i64>,
}

/// Words a visitor searches for (some find nothing, as real searches do).
const SEARCHES: &[&str] = &[
    "coffee", "tea", "green", "kettle", "grinder", "espresso", "mug", "xyz",
];

/// Pause between two transactions of a user: 100 ms to 1 s.
fn think() -> (Duration, Duration) {
    (Duration::from_millis(100), Duration::from_secs(1))
}

/// A scenario of `weight` whose users run `on_start` once, in order, then `tasks` picked by
/// their weights, pausing [`think`] between two.
fn scenario_of(
    name: &str,
    weight: usize,
    on_start: Vec<(Transaction, &str)>,
    tasks: Vec<(Transaction, &str, usize)>,
) -> Result<Scenario, GooseError> {
    let (min, max) = think();
    let mut scenario = Scenario::new(name)
        .set_weight(weight)?
        .set_wait_time(min, max)?;
    for (transaction, label) in on_start {
        scenario = scenario.register_transaction(transaction.set_on_start().set_name(label));
    }
    for (transaction, label, weight) in tasks {
        scenario = scenario.register_transaction(transaction.set_name(label).set_weight(weight)?);
    }
    Ok(scenario)
}

/// Signed-out visitors.
pub(crate) fn visitor() -> Result<Scenario, GooseError> {
    scenario_of(
        "Visitor",
        6,
        vec![(transaction!(open_the_shop), "open the shop")],
        vec![
            (transaction!(browse_catalog), "browse the catalog", 2),
            (transaction!(view_product), "view a product", 10),
            (transaction!(search), "search", 3),
            (transaction!(browse_category), "browse a category", 2),
        ],
    )
}

/// Customers who buy.
pub(crate) fn shopper() -> Result<Scenario, GooseError> {
    scenario_of(
        "Shopper",
        3,
        vec![
            (transaction!(open_the_shop), "open the shop"),
            (transaction!(sign_up), "sign up and sign in"),
        ],
        vec![
            (transaction!(view_product), "view a product", 10),
            (transaction!(add_to_cart), "add to cart", 2),
            (transaction!(view_cart), "view the cart", 3),
            (transaction!(check_out), "check out", 1),
            (transaction!(read_history), "read the order history", 2),
            (transaction!(follow_order), "follow an order", 1),
        ],
    )
}

/// Staff moving orders along.
pub(crate) fn admin() -> Result<Scenario, GooseError> {
    scenario_of(
        "Admin",
        1,
        vec![
            (transaction!(open_the_shop), "open the shop"),
            (transaction!(sign_in_admin), "sign in as admin"),
        ],
        vec![
            (transaction!(read_board), "read the orders board", 3),
            (transaction!(prepare_an_order), "prepare an order", 1),
        ],
    )
}

type Outcome = Result<GooseResponse, Box<TransactionError>>;

/// Sends `method path` (named `name` in the report, so ids do not make a row each) with the
/// user's access token when signed in, after `build` adds a body.
async fn send(
    user: &mut GooseUser,
    method: GooseMethod,
    path: &str,
    name: &str,
    build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Outcome {
    let mut builder = build(user.get_request_builder(&method, path)?);
    if let Some(token) = user
        .get_session_data::<Visit>()
        .and_then(|v| v.token.clone())
    {
        builder = builder.bearer_auth(token);
    }
    let request = GooseRequest::builder()
        .method(method)
        .path(path)
        .name(name)
        .set_request_builder(builder)
        .build();
    user.request(request).await
}

/// The JSON body of a successful answer, else the transaction's error.
async fn json<T: serde::de::DeserializeOwned>(
    goose: GooseResponse,
) -> Result<T, Box<TransactionError>> {
    let response = goose.response?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{} answered {status}", response.url().path()).into());
    }
    Ok(response.json::<T>().await?)
}

fn visit(user: &mut GooseUser) -> &mut Visit {
    if user.get_session_data::<Visit>().is_none() {
        user.set_session_data(Visit::default());
    }
    user.get_session_data_unchecked_mut::<Visit>()
}

fn pick<T: Clone>(items: &[T]) -> Option<T> {
    items.choose(&mut rand::thread_rng()).cloned()
}

/// On start: an HTTP client with this user's own `X-Forwarded-For`, then the catalog and its
/// categories, remembered for the transactions that follow.
async fn open_the_shop(user: &mut GooseUser) -> TransactionResult {
    let n = user.weighted_users_index;
    let address = format!(
        "127.{}.{}.{}",
        (n >> 16) & 0xff,
        (n >> 8) & 0xff,
        (n & 0xff).max(1)
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        HeaderValue::from_str(&address).map_err(|e| e.to_string())?,
    );
    user.set_client_builder(
        reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(30)),
    )
    .await?;
    let goose = send(
        user,
        GooseMethod::Get,
        "/api/products?per_page=100",
        "/api/products",
        |b| b,
    )
    .await?;
    let page: ProductPage = json(goose).await?;
    let goose = send(
        user,
        GooseMethod::Get,
        "/api/categories",
        "/api/categories",
        |b| b,
    )
    .await?;
    let categories: Vec<Category> = json(goose).await?;
    let v = visit(user);
    v.products = page.items.iter().map(|p| p.id).collect();
    v.categories = categories.into_iter().map(|c| c.id).collect();
    Ok(())
}

async fn browse_catalog(user: &mut GooseUser) -> TransactionResult {
    let page = rand::thread_rng().gen_range(1..=2);
    let path = format!("/api/products?page={page}&per_page=8&sort=featured");
    send(user, GooseMethod::Get, &path, "/api/products", |b| b).await?;
    Ok(())
}

async fn view_product(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = pick(&visit(user).products) else {
        return Err("the catalog is empty".to_owned().into());
    };
    send(
        user,
        GooseMethod::Get,
        &format!("/api/products/{id}"),
        "/api/products/{id}",
        |b| b,
    )
    .await?;
    Ok(())
}

async fn search(user: &mut GooseUser) -> TransactionResult {
    let word = pick(SEARCHES).unwrap_or("coffee");
    send(
        user,
        GooseMethod::Get,
        &format!("/api/products?q={word}"),
        "/api/products?q=",
        |b| b,
    )
    .await?;
    Ok(())
}

async fn browse_category(user: &mut GooseUser) -> TransactionResult {
    let Some(category) = pick(&visit(user).categories) else {
        return Err("there are no categories".to_owned().into());
    };
    let path = format!("/api/products?category={category}");
    send(
        user,
        GooseMethod::Get,
        &path,
        "/api/products?category=",
        |b| b,
    )
    .await?;
    Ok(())
}

/// Signs in as `username` and keeps the access token.
async fn sign_in(user: &mut GooseUser, username: String, password: String) -> TransactionResult {
    let body = LoginRequest { username, password };
    let goose = send(user, GooseMethod::Post, paths::LOGIN, paths::LOGIN, |b| {
        b.json(&body)
    })
    .await?;
    let tokens: TokenResponse = json(goose).await?;
    visit(user).token = Some(tokens.access_token);
    Ok(())
}

/// On start: a new customer account (a name unique to this run and user), then a sign-in.
async fn sign_up(user: &mut GooseUser) -> TransactionResult {
    let username = format!(
        "load{}u{}",
        uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .get(..8)
            .unwrap_or("0"),
        user.weighted_users_index
    );
    let password = format!("load test {}", uuid::Uuid::new_v4().simple());
    let body = RegisterRequest {
        username: username.clone(),
        password: password.clone(),
        email: None,
    };
    let goose = send(
        user,
        GooseMethod::Post,
        paths::REGISTER,
        paths::REGISTER,
        |b| b.json(&body),
    )
    .await?;
    let response = goose.response?;
    if !response.status().is_success() {
        return Err(format!("register answered {}", response.status()).into());
    }
    sign_in(user, username, password).await
}

async fn sign_in_admin(user: &mut GooseUser) -> TransactionResult {
    let username = std::env::var("LOADTEST_ADMIN_USERNAME").unwrap_or_else(|_| "admin".to_owned());
    let password =
        std::env::var("LOADTEST_ADMIN_PASSWORD").unwrap_or_else(|_| "admin-password".to_owned());
    sign_in(user, username, password).await
}

async fn add_to_cart(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = pick(&visit(user).products) else {
        return Err("the catalog is empty".to_owned().into());
    };
    let body = SetQuantity {
        quantity: rand::thread_rng().gen_range(1..=3),
    };
    let mut goose = send(
        user,
        GooseMethod::Put,
        &format!("/api/cart/items/{id}"),
        "/api/cart/items/{id}",
        |b| b.json(&body),
    )
    .await?;
    // A product sold out or hidden since the catalog was read is the shop's answer, not a fault.
    if goose.response.as_ref().is_ok_and(|r| r.status() == 409) {
        user.set_success(&mut goose.request)?;
    }
    Ok(())
}

async fn view_cart(user: &mut GooseUser) -> TransactionResult {
    send(user, GooseMethod::Get, "/api/cart", "/api/cart", |b| b).await?;
    Ok(())
}

/// Checks out the cart with a new idempotency key; a decline (402) or a refusal of the cart
/// (409: empty, out of stock, already paying) is an answer, not a failure.
async fn check_out(user: &mut GooseUser) -> TransactionResult {
    let key = uuid::Uuid::new_v4().to_string();
    let mut goose = send(user, GooseMethod::Post, "/api/orders", "/api/orders", |b| {
        b.header("Idempotency-Key", key)
            .json(&serde_json::json!({}))
    })
    .await?;
    let status = goose
        .response
        .as_ref()
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    if matches!(status, 402 | 409) {
        user.set_success(&mut goose.request)?;
        return Ok(());
    }
    let order: api_types::orders::Order = json(goose).await?;
    visit(user).last_order = Some(order.id);
    Ok(())
}

async fn read_history(user: &mut GooseUser) -> TransactionResult {
    let goose = send(
        user,
        GooseMethod::Get,
        "/api/orders?per_page=10",
        "/api/orders",
        |b| b,
    )
    .await?;
    let page: OrderPage = json(goose).await?;
    if let Some(newest) = page.items.first() {
        visit(user).last_order = Some(newest.id);
    }
    Ok(())
}

/// Opens the live events of the user's newest order and reads the first event (the order as
/// it stands), then closes the stream, as a page that is left does.
async fn follow_order(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = visit(user).last_order else {
        return read_history(user).await;
    };
    let goose = send(
        user,
        GooseMethod::Get,
        &format!("/api/orders/{id}/events"),
        "/api/orders/{id}/events",
        |b| b,
    )
    .await?;
    let mut response = goose.response?;
    if !response.status().is_success() {
        return Err(format!("events answered {}", response.status()).into());
    }
    match tokio::time::timeout(Duration::from_secs(5), response.chunk()).await {
        Ok(Ok(Some(_))) => Ok(()),
        _ => Err("the event stream sent nothing within 5 s".to_owned().into()),
    }
}

async fn read_board(user: &mut GooseUser) -> TransactionResult {
    send(
        user,
        GooseMethod::Get,
        "/api/admin/orders?status=paid",
        "/api/admin/orders",
        |b| b,
    )
    .await?;
    Ok(())
}

/// Moves the oldest paid order on the board's first page to `preparing` (a 409 means another
/// admin moved it first).
async fn prepare_an_order(user: &mut GooseUser) -> TransactionResult {
    let goose = send(
        user,
        GooseMethod::Get,
        "/api/admin/orders?status=paid",
        "/api/admin/orders",
        |b| b,
    )
    .await?;
    let page: OrderPage = json(goose).await?;
    let Some(order) = page.items.last() else {
        return Ok(());
    };
    let body = StatusChange {
        status: OrderStatus::Preparing,
    };
    let path = format!("/api/orders/{}/status", order.id);
    let mut goose = send(
        user,
        GooseMethod::Patch,
        &path,
        "/api/orders/{id}/status",
        |b| b.json(&body),
    )
    .await?;
    if goose.response.as_ref().is_ok_and(|r| r.status() == 409) {
        user.set_success(&mut goose.request)?;
    }
    Ok(())
}
