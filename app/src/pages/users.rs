//! The admin users page: list, create, change role, disable, delete.

use crate::api::ApiError;
use crate::components::{described_by, invalid, ErrorMessage, FieldMessage};
use crate::pages::admin::AdminOnly;
use crate::session::use_session;
use api_types::auth::{NewUser, Role, User, UserPage, UserPatch};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_fluent::tr;

#[component]
pub(crate) fn AdminUsersPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("nav-users") />
        <h1>{move_tr!("nav-users")}</h1>
        <AdminOnly>
            <UsersTable />
        </AdminOnly>
    }
}

#[component]
fn UsersTable() -> impl IntoView {
    let session = use_session();
    let users: LocalResource<Result<UserPage, ApiError>> =
        LocalResource::new(move || session.call(|api| async move { api.users().await }));
    let failure = RwSignal::new(None::<ApiError>);
    let load = move || users.refetch();
    // Named outside `view!`: leptos-fluent's translation check skips the first `{…}` after a
    // `<tr>` (it reads the tag as a `tr!` call).
    let user_column = move_tr!("col-user");
    // A change of one user (`None`: delete them), then the list read again.
    let edit = Action::new_local(move |(id, patch): &(i64, Option<UserPatch>)| {
        let (id, patch) = (*id, patch.clone());
        session.call(move |api| {
            let patch = patch.clone();
            async move {
                match patch {
                    Some(p) => api.patch_user(id, &p).await.map(drop),
                    None => api.delete_user(id).await,
                }
            }
        })
    });
    Effect::new(move || match edit.value().get() {
        Some(Ok(())) => load(),
        Some(Err(e)) => failure.set(Some(e)),
        None => {}
    });
    let change = move |id: i64, patch: Option<UserPatch>| {
        failure.set(None);
        edit.dispatch((id, patch));
    };
    view! {
        <NewUserForm on_created=load />
        {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
        {move || match users.get() {
            None => view! { <crate::components::Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
            Some(Ok(page)) => view! {
                <table class="board stack" aria-label=move_tr!("nav-users")>
                    <thead><tr><th>{user_column}</th><th>{move_tr!("role")}</th><th>{move_tr!("col-status")}</th><th>{move_tr!("col-actions")}</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|u| view! { <UserRow user=u user_column on_change=change /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

#[component]
fn UserRow(
    user: User,
    user_column: impl Fn() -> String + Copy + Send + Sync + 'static,
    on_change: impl Fn(i64, Option<UserPatch>) + Copy + 'static,
) -> impl IntoView {
    let id = user.id;
    let name = user.username.clone();
    let other_role = match user.role {
        Role::Admin => Role::Customer,
        Role::Customer => Role::Admin,
    };
    let role_action = move || match other_role {
        Role::Customer => tr!("make-customer"),
        Role::Admin => tr!("make-admin"),
    };
    let disabled = user.disabled;
    let able_action = move || {
        if disabled {
            tr!("enable")
        } else {
            tr!("disable")
        }
    };
    let role = user.role;
    // Each button's name says whom it is about ("Delete alice"), for screen readers.
    let named = move |action: String| format!("{action} {}", name.clone());
    let (role_named, able_named, delete_named) = (named.clone(), named.clone(), named);
    view! {
        <tr>
            <td data-label=user_column>{user.username.clone()}</td>
            <td data-label=move_tr!("role")>{move || crate::pages::account::role_label(role)}</td>
            <td data-label=move_tr!("col-status")>{move || if disabled { tr!("user-disabled") } else { tr!("user-active") }}</td>
            <td class="actions">
                <button class="link" aria-label=move || role_named(role_action())
                    on:click=move |_| on_change(id, Some(UserPatch { role: Some(other_role), ..UserPatch::default() }))>{role_action}</button>
                " · "
                <button class="link" aria-label=move || able_named(able_action())
                    on:click=move |_| on_change(id, Some(UserPatch { disabled: Some(!disabled), ..UserPatch::default() }))>
                    {able_action}
                </button>
                " · "
                <button class="link" aria-label=move || delete_named(tr!("delete")) on:click=move |_| on_change(id, None)>{move_tr!("delete")}</button>
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |user: &NewUser| {
        let user = user.clone();
        session.call(move |api| {
            let user = user.clone();
            async move { api.create_user(&user).await }
        })
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(_)) => {
            username.set(String::new());
            password.set(String::new());
            on_created();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let user = NewUser {
            username: username.get_untracked(),
            password: password.get_untracked(),
            email: None,
            role: Some(if admin.get_untracked() {
                Role::Admin
            } else {
                Role::Customer
            }),
        };
        error.set(None);
        create.dispatch(user);
    };
    view! {
        <form class="card inline-form" on:submit=submit aria-label=move_tr!("new-user")>
            <label for="new-username">{move_tr!("username")}</label>
            <input id="new-username" required bind:value=username
                aria-invalid=invalid(error, "username")
                aria-describedby=described_by(error, "username", "new-username", false) />
            <FieldMessage error field="username" id="new-username" />
            <label for="new-user-password">{move_tr!("password")}</label>
            <input id="new-user-password" type="password" required bind:value=password
                aria-invalid=invalid(error, "password")
                aria-describedby=described_by(error, "password", "new-user-password", false) />
            <FieldMessage error field="password" id="new-user-password" />
            <label><input type="checkbox" bind:checked=admin /> " " {move_tr!("role-admin-checkbox")}</label>
            <button type="submit">{move_tr!("create-user")}</button>
            {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
        </form>
    }
}
