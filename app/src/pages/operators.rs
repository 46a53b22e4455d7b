use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::operators::{
    list_operators, AddOperator, ChangeOperatorRole, DisableOperator, ResetOperatorPassword,
};
use crate::components::{headings, Column, ConfirmFirst, DataTable, Guarded, Me};
use crate::domain::{OperatorView, Permission, Role};

/// Admins: who can sign in, with what role; add, change role, disable.
#[component]
pub fn OperatorsPage() -> impl IntoView {
    view! {
        <Title text="Operators" />
        <Guarded permission=Permission::ManageOperators>
            <OperatorsAdmin />
        </Guarded>
    }
}

#[component]
fn OperatorsAdmin() -> impl IntoView {
    let add = ServerAction::<AddOperator>::new();
    let change_role = ServerAction::<ChangeOperatorRole>::new();
    let disable = ServerAction::<DisableOperator>::new();
    let reset = ServerAction::<ResetOperatorPassword>::new();
    let operators = Resource::new(
        move || {
            (
                add.version().get(),
                change_role.version().get(),
                disable.version().get(),
                reset.version().get(),
            )
        },
        |_| list_operators(),
    );
    let problem = move || {
        [change_role.value().get(), disable.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
            .or_else(|| reset.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    };
    let new_password = move || reset.value().get().and_then(Result::ok);

    view! {
        <h1>"Operators"</h1>
        {move || problem().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
        {move || new_password().map(|given| view! {
            <div class="notice notice-ok" role="status">
                <p>{format!("{} was signed out everywhere and can sign in with this one-time password. It is shown only once; they must change it at first sign-in.", given.email)}</p>
                <p><code class="one-time-password" data-testid="reset-password">{given.one_time_password}</code></p>
            </div>
        })}
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading operators…"</p> }>
            {move || operators.get().map(|loaded| match loaded {
                Ok(list) => view! { <OperatorTable list change_role disable reset /> }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <AddOperatorForm add />
    }
}

#[component]
fn OperatorTable(
    list: Vec<OperatorView>,
    change_role: ServerAction<ChangeOperatorRole>,
    disable: ServerAction<DisableOperator>,
    reset: ServerAction<ResetOperatorPassword>,
) -> impl IntoView {
    // Your own row offers nothing `services::operators` refuses (disabling or demoting
    // yourself, a one-time password for yourself): what you can do there is said instead.
    let me = Me::get()
        .0
        .get_untracked()
        .and_then(|loaded| loaded.ok().flatten())
        .map(|op| op.email);
    view! {
        <DataTable caption="Operators"
            head=headings(&[
                Column::new("Name"),
                Column::new("Email"),
                Column::new("Role"),
                Column::new("Status"),
                Column::new("Actions"),
            ])>
                    {list.into_iter().map(|op| {
                        let email = op.email.clone();
                        let disable_email = op.email.clone();
                        let reset_email = op.email.clone();
                        let label = format!("Role of {}", op.email);
                        let yours = me.as_deref() == Some(op.email.as_str());
                        view! {
                            <tr data-operator=op.email.clone()>
                                <td>{op.display_name.clone()}</td>
                                <td>{op.email.clone()}</td>
                                <td>
                                    {if op.disabled || yours {
                                        view! { <span>{op.role.label()}</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=change_role attr:class="inline-form">
                                                <input type="hidden" name="email" value=email.clone() />
                                                <select name="role" aria-label=label>
                                                    {Role::ALL.into_iter().map(|role| view! {
                                                        <option value=role.as_str() selected=role == op.role>{role.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit" class="button button-secondary">"Save role"</button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </td>
                                <td>
                                    {if op.disabled {
                                        view! { <span class="badge badge-danger">"Disabled"</span> }.into_any()
                                    } else if op.must_change_password {
                                        view! { <span class="badge badge-warn">"Password not yet changed"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge badge-ok">"Active"</span> }.into_any()
                                    }}
                                </td>
                                <td>
                                    {yours.then(|| view! {
                                        <p class="hint">"This is you: another admin changes your role or disables you. "
                                            <a href="/account/password">"Change your password"</a></p>
                                    })}
                                    {(!op.disabled && !yours).then(|| view! {
                                        <ConfirmFirst opener="New password…".to_string()
                                            message=format!("{reset_email} will be signed out everywhere and get a one-time password to choose a new one with.")>
                                            <ActionForm action=reset attr:class="inline-form">
                                                <input type="hidden" name="email" value=reset_email.clone() />
                                                <button type="submit" class="button">{format!("Give {reset_email} a new one-time password")}</button>
                                            </ActionForm>
                                        </ConfirmFirst>
                                        <ConfirmFirst opener="Disable…".to_string()
                                            message=format!("{disable_email} will be signed out at once and cannot sign in again.")>
                                            <ActionForm action=disable attr:class="inline-form">
                                                <input type="hidden" name="email" value=disable_email.clone() />
                                                <button type="submit" class="button button-danger">{format!("Disable {}", disable_email)}</button>
                                            </ActionForm>
                                        </ConfirmFirst>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
        </DataTable>
    }
}

#[component]
fn AddOperatorForm(add: ServerAction<AddOperator>) -> impl IntoView {
    let pending = add.pending();
    view! {
        <section class="card add-operator" aria-labelledby="add-operator-title">
            <h2 id="add-operator-title">"Add an operator"</h2>
            {move || add.value().get().map(|result| match result {
                Ok(created) => view! {
                    <div class="notice notice-ok" role="status">
                        <p>{format!("{} can now sign in with this one-time password. It is shown only once; they must change it at first sign-in.", created.email)}</p>
                        <p><code class="one-time-password" data-testid="one-time-password">{created.one_time_password}</code></p>
                    </div>
                }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <ActionForm action=add attr:class="form-row">
                <div class="field">
                    <label for="new-email">"Email"</label>
                    <input id="new-email" name="email" type="email" required autocomplete="off" />
                </div>
                <div class="field">
                    <label for="new-name">"Display name"</label>
                    <input id="new-name" name="display_name" type="text" maxlength="100" autocomplete="off" />
                </div>
                <div class="field">
                    <label for="new-role">"Role"</label>
                    <select id="new-role" name="role">
                        {Role::ALL.into_iter().map(|role| view! {
                            <option value=role.as_str() selected=role == Role::Support>{role.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add operator" }}
                </button>
            </ActionForm>
        </section>
    }
}
