//! The admin users page: list, create, change role, disable, delete.

use crate::api::ApiError;
use crate::components::ErrorMessage;
use crate::pages::admin::AdminOnly;
use crate::session::use_session;
use api_types::auth::{NewUser, Role, User, UserPage, UserPatch};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(crate) fn AdminUsersPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Users" />
        <h1>"Users"</h1>
        <AdminOnly>
            <UsersTable />
        </AdminOnly>
    }
}

#[component]
fn UsersTable() -> impl IntoView {
    let session = use_session();
    let users = RwSignal::new(None::<Result<UserPage, ApiError>>);
    let failure = RwSignal::new(None::<ApiError>);
    let load = move || {
        spawn_local(async move {
            users.set(Some(
                session.call(|api| async move { api.users().await }).await,
            ))
        });
    };
    load();
    let change = move |id: i64, patch: Option<UserPatch>| {
        failure.set(None);
        spawn_local(async move {
            let result = session
                .call(move |api| {
                    let patch = patch.clone();
                    async move {
                        match patch {
                            Some(p) => api.patch_user(id, &p).await.map(drop),
                            None => api.delete_user(id).await,
                        }
                    }
                })
                .await;
            match result {
                Ok(()) => load(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <NewUserForm on_created=load />
        {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
        {move || match users.get() {
            None => view! { <crate::components::Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
            Some(Ok(page)) => view! {
                <table class="board stack" aria-label="Users">
                    <thead><tr><th>"User"</th><th>"Role"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|u| view! { <UserRow user=u on_change=change /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

#[component]
fn UserRow(
    user: User,
    on_change: impl Fn(i64, Option<UserPatch>) + Copy + 'static,
) -> impl IntoView {
    let id = user.id;
    let name = user.username.clone();
    let (role_label, other_role) = match user.role {
        Role::Admin => ("Make customer", Role::Customer),
        Role::Customer => ("Make admin", Role::Admin),
    };
    let disabled = user.disabled;
    view! {
        <tr>
            <td data-label="User">{user.username.clone()}</td>
            <td data-label="Role">{user.role.as_str()}</td>
            <td data-label="Status">{if disabled { "Disabled" } else { "Active" }}</td>
            <td class="actions">
                <button class="link" aria-label=format!("{role_label} {name}")
                    on:click=move |_| on_change(id, Some(UserPatch { role: Some(other_role), ..UserPatch::default() }))>{role_label}</button>
                " · "
                <button class="link" aria-label=format!("{} {name}", if disabled { "Enable" } else { "Disable" })
                    on:click=move |_| on_change(id, Some(UserPatch { disabled: Some(!disabled), ..UserPatch::default() }))>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
                " · "
                <button class="link" aria-label=format!("Delete {name}") on:click=move |_| on_change(id, None)>"Delete"</button>
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
        spawn_local(async move {
            match session
                .call(move |api| {
                    let user = user.clone();
                    async move { api.create_user(&user).await }
                })
                .await
            {
                Ok(_) => {
                    username.set(String::new());
                    password.set(String::new());
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card inline-form" on:submit=submit aria-label="New user">
            <label for="new-username">"Username"</label>
            <input id="new-username" required bind:value=username />
            <label for="new-user-password">"Password"</label>
            <input id="new-user-password" type="password" required bind:value=password />
            <label><input type="checkbox" bind:checked=admin /> " Admin"</label>
            <button type="submit">"Create user"</button>
            {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
        </form>
    }
}
