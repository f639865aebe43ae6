//! Choosing files to send the practice (SPEC 3.8), in the message box and on the documents
//! page: "Attach files" (and "Take a photo" on phones), then each file with its name, size, a
//! preview for images, a progress bar, Cancel, Try again and Remove, and the total. Uploads start
//! as soon as a file is chosen, so sending is quick; what the browser can tell is refused before
//! any upload, each refusal naming the file.

use crate::{
    api::ApiClientError,
    components::{form::focus, load::refused},
    current_patient::{use_current, Current},
    format::size_in_words,
    i18n::{tr, use_locale, Locale, Strings},
    session::{use_session, Session},
    uploads::{self, Refusal},
};
use leptos::{prelude::*, reactive::owner::LocalStorage};
use leptos_router::hooks::use_navigate;
use web_sys::{File, FileList, HtmlInputElement, Url, XmlHttpRequest};
use wire::attachments::{Attachment, MAX_FILES_PER_MESSAGE};
use wire::ErrorCode;

/// Where a chosen file is.
#[derive(Clone, PartialEq)]
enum Stage {
    /// The percent sent.
    Uploading(u32),
    Done(Attachment),
    /// `None`: cancelled.
    Failed(Option<ApiClientError>),
}

#[derive(Clone)]
struct Chosen {
    key: u32,
    name: String,
    size: u64,
    /// An object URL of an image (revoked when the file goes).
    preview: Option<String>,
    stage: RwSignal<Stage>,
    file: StoredValue<File, LocalStorage>,
    xhr: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
}

/// The files chosen for one message. `Copy`: every field is a signal or a stored value.
#[derive(Clone, Copy)]
pub struct Files {
    patient: StoredValue<String>,
    list: RwSignal<Vec<Chosen>>,
    refused: RwSignal<Vec<(Refusal, String)>>,
    /// Where a refusal of the upload sends the person (the date check, the lock page).
    go: RwSignal<Option<String>>,
    /// The page's owner: each file's signals live as long as the page.
    owner: StoredValue<Option<Owner>>,
    session: Session,
    current: Current,
}

/// Tells chosen files apart.
static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Files {
    pub fn new(patient: String) -> Self {
        Files {
            patient: StoredValue::new(patient),
            list: RwSignal::new(Vec::new()),
            refused: RwSignal::new(Vec::new()),
            go: RwSignal::new(None),
            owner: StoredValue::new(Owner::current()),
            session: use_session(),
            current: use_current(),
        }
    }

    /// The uploads, once every file is uploaded (reactive).
    pub fn attachments(self) -> Option<Vec<Attachment>> {
        self.list.with(|list| {
            list.iter()
                .map(|c| match c.stage.get() {
                    Stage::Done(a) => Some(a),
                    _ => None,
                })
                .collect()
        })
    }

    pub fn is_empty(self) -> bool {
        self.list.with(Vec::is_empty)
    }

    /// The names of the files not uploaded (yet), "a.jpg, b.pdf" (reactive).
    pub fn waiting(self) -> String {
        self.list.with(|list| {
            list.iter()
                .filter(|c| !matches!(c.stage.get(), Stage::Done(_)))
                .map(|c| format!("“{}”", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// Forgets every file (sent, or the page is left): stops uploads, frees previews.
    pub fn clear(self) {
        let list = self.list.try_update(std::mem::take).unwrap_or_default();
        for c in list {
            self.stop(&c);
        }
        let _ = self.refused.try_set(Vec::new());
    }

    fn add(self, chosen: FileList) {
        let mut refused = Vec::new();
        let owner = self.owner.get_value().unwrap_or_default();
        for file in (0..chosen.length()).filter_map(|i| chosen.get(i)) {
            let (name, mime, size) = (file.name(), file.type_(), file.size() as u64);
            let full = self.list.with_untracked(Vec::len) >= MAX_FILES_PER_MESSAGE;
            if let Some(refusal) =
                uploads::check(&name, &mime, size).or_else(|| full.then_some(Refusal::TooMany))
            {
                refused.push((refusal, name));
                continue;
            }
            // Browsers show these; HEIC would be a broken image in most.
            let preview = matches!(
                mime.as_str(),
                "image/jpeg" | "image/png" | "image/webp" | "image/gif"
            )
            .then(|| Url::create_object_url_with_blob(&file).ok())
            .flatten();
            let key = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let chosen = owner.with(|| Chosen {
                key,
                name,
                size,
                preview,
                stage: RwSignal::new(Stage::Uploading(0)),
                file: StoredValue::new_local(file),
                xhr: StoredValue::new_local(None),
            });
            self.list.update(|list| list.push(chosen.clone()));
            self.start(&chosen);
        }
        self.refused.set(refused);
    }

    fn start(self, chosen: &Chosen) {
        let stage = chosen.stage;
        stage.set(Stage::Uploading(0));
        let id = self.patient.get_value();
        let (session, current, go) = (self.session, self.current, self.go);
        let xhr = uploads::upload(
            &id.clone(),
            &chosen.file.get_value(),
            move |percent| {
                let _ = stage.try_update(|s| {
                    if let Stage::Uploading(p) = s {
                        *p = percent;
                    }
                });
            },
            move |answer| {
                // A cancelled or removed upload has moved on.
                if !matches!(stage.try_get_untracked(), Some(Stage::Uploading(_))) {
                    return;
                }
                if let Err(error) = &answer {
                    if let Some(target) = refused(error, &id, session, current) {
                        let _ = go.try_set(Some(target));
                    }
                }
                stage.set(match answer {
                    Ok(attachment) => Stage::Done(attachment),
                    Err(error) => Stage::Failed(Some(error)),
                });
            },
        );
        chosen.xhr.set_value(xhr);
    }

    /// Stops an upload under way (its answer, if any, is ignored) and frees the preview.
    fn stop(self, chosen: &Chosen) {
        self.cancel(chosen);
        if let Some(url) = &chosen.preview {
            let _ = Url::revoke_object_url(url);
        }
    }

    fn cancel(self, chosen: &Chosen) {
        if matches!(chosen.stage.try_get_untracked(), Some(Stage::Uploading(_))) {
            let _ = chosen.stage.try_set(Stage::Failed(None));
            if let Some(Some(xhr)) = chosen.xhr.try_get_value() {
                let _ = xhr.abort();
            }
        }
    }

    fn remove(self, key: u32) {
        let mut gone = None;
        self.list.update(|list| {
            if let Some(i) = list.iter().position(|c| c.key == key) {
                gone = Some(list.remove(i));
            }
        });
        if let Some(chosen) = gone {
            self.stop(&chosen);
        }
    }
}

/// What went wrong with a file, in words that name it; and whether trying again can help.
fn failure(t: &'static Strings, name: &str, error: &Option<ApiClientError>) -> (String, bool) {
    let Some(error) = error else {
        return (t.upload_cancelled.to_owned(), true);
    };
    let code = match error {
        ApiClientError::Network => Some(ErrorCode::UploadInterrupted),
        other => other.code(),
    };
    let (text, again) = match code {
        Some(ErrorCode::FileTooLarge) => (t.file_too_large, false),
        Some(ErrorCode::FileTypeNotAllowed) => (t.file_type_not_allowed, false),
        Some(ErrorCode::FileEmpty) => (t.file_empty, false),
        Some(ErrorCode::FileNameInvalid) => (t.file_name_invalid, false),
        Some(ErrorCode::UploadInterrupted) => (t.upload_interrupted, true),
        _ => (t.upload_failed, true),
    };
    let text = text
        .replace("{name}", name)
        .replace("{reason}", error.message(t));
    (text, again)
}

fn refusal(t: &'static Strings, refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::TooLarge => t.file_too_large,
        Refusal::TypeNotAllowed => t.file_type_not_allowed,
        Refusal::Empty => t.file_empty,
        Refusal::TooMany => t.file_too_many,
    }
}

/// The picker and the chosen files. `id`: what the page's element ids start with.
#[component]
pub fn FilePicker(files: Files, id: &'static str) -> impl IntoView {
    let locale = use_locale();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(target) = files.go.get() {
            navigate(&target, Default::default());
        }
    });
    on_cleanup(move || files.clear());
    let choose = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(chosen) = input.files() {
            files.add(chosen);
        }
        // Choosing the same file again is a change too.
        input.set_value("");
    };
    let input = format!("{id}-files");
    let hint = format!("{id}-files-hint");
    let refusals = move || {
        let t = locale.t();
        files.refused.with(|list| {
            list.iter()
                .map(|(r, name)| view! { <p>{refusal(t, *r).replace("{name}", name)}</p> })
                .collect_view()
        })
    };
    let total = move || {
        let bytes = files.list.with(|l| l.iter().map(|c| c.size).sum());
        locale
            .t()
            .files_total
            .replace("{size}", &size_in_words(bytes))
    };
    view! {
        <div class="files">
            <p class="hint" id=hint.clone()>{tr(|t| t.files_hint)}</p>
            <div class="actions">
                <label class="button-secondary file-button" for=input>
                    <input
                        type="file"
                        id=input.clone()
                        class="visually-hidden"
                        multiple
                        accept=uploads::ACCEPT
                        aria-describedby=hint
                        on:change=choose
                    />
                    {tr(|t| t.attach_files)}
                </label>
                <label class="button-secondary file-button file-photo">
                    <input
                        type="file"
                        class="visually-hidden"
                        accept="image/*"
                        capture="environment"
                        on:change=choose
                    />
                    {tr(|t| t.take_photo)}
                </label>
            </div>
            <div class="file-errors" role="alert">{refusals}</div>
            <ul class="file-list">
                {move || files.list.get().into_iter().map(|c| row(files, locale, id, c)).collect_view()}
            </ul>
            <p class="hint" hidden=move || files.is_empty()>{total}</p>
        </div>
    }
}

/// Something about a row that changes with its stage, in the person's language (`None`: nothing
/// to show; as an attribute, absent). Every changing part of a row shares this one closure type:
/// each distinct closure would cost its own copy of the rendering code.
fn shown(
    stage: RwSignal<Stage>,
    locale: Locale,
    name: &str,
    what: fn(&'static Strings, &Stage, &str) -> Option<String>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let name = name.to_owned();
    move || stage.with(|s| what(locale.t(), s, &name))
}

fn not_uploading(_: &'static Strings, s: &Stage, _: &str) -> Option<String> {
    (!matches!(s, Stage::Uploading(_))).then(String::new)
}

fn row(files: Files, locale: Locale, id: &'static str, chosen: Chosen) -> impl IntoView {
    let Chosen {
        key,
        name,
        size,
        preview,
        stage,
        ..
    } = chosen.clone();
    let progress = format!("{id}-progress-{key}");
    let cancel_id = format!("{id}-cancel-{key}");
    let again_id = format!("{id}-again-{key}");
    let show = |what| shown(stage, locale, &name, what);
    let again = {
        let cancel_id = cancel_id.clone();
        let chosen = chosen.clone();
        move |_| {
            files.start(&chosen);
            let cancel_id = cancel_id.clone();
            request_animation_frame(move || focus(&cancel_id));
        }
    };
    let cancel = {
        let again_id = again_id.clone();
        move |_| {
            files.cancel(&chosen);
            let again_id = again_id.clone();
            request_animation_frame(move || focus(&again_id));
        }
    };
    let remove = move |_| {
        files.remove(key);
        focus(&format!("{id}-files"));
    };
    let hidden_name = format!(" {name}");
    view! {
        <li class="file">
            {preview.map(|src| view! { <img class="file-preview" src=src alt=name.clone() /> })}
            <div class="file-about">
                <span class="file-name">{name.clone()}</span>
                <span class="file-size">{size_in_words(size)}</span>
                <label for=progress.clone() hidden=show(not_uploading)>
                    {show(|t, s, _| match s {
                        Stage::Uploading(p) => Some(t.uploading.replace("{n}", &p.to_string())),
                        _ => None,
                    })}
                </label>
                <progress
                    id=progress
                    max="100"
                    value=show(|_, s, _| match s {
                        Stage::Uploading(p) => Some(p.to_string()),
                        _ => None,
                    })
                    hidden=show(not_uploading)
                ></progress>
                <span class="file-done">
                    {show(|t, s, _| matches!(s, Stage::Done(_)).then(|| format!("✓ {}", t.uploaded)))}
                </span>
                <span class="file-problem" role="alert">
                    {show(|t, s, name| match s {
                        Stage::Failed(error) => Some(failure(t, name, error).0),
                        _ => None,
                    })}
                </span>
            </div>
            <div class="actions">
                <button type="button" id=cancel_id class="button-secondary" hidden=show(not_uploading) on:click=cancel>
                    {tr(|t| t.cancel_upload)}
                    <span class="visually-hidden">{hidden_name.clone()}</span>
                </button>
                <button
                    type="button"
                    id=again_id
                    class="button-secondary"
                    hidden=show(|t, s, name| match s {
                        Stage::Failed(error) if failure(t, name, error).1 => None,
                        _ => Some(String::new()),
                    })
                    on:click=again
                >
                    {tr(|t| t.try_again)}
                    <span class="visually-hidden">{hidden_name.clone()}</span>
                </button>
                <button type="button" class="button-secondary" on:click=remove>
                    {tr(|t| t.remove_file)}
                    <span class="visually-hidden">{hidden_name}</span>
                </button>
            </div>
        </li>
    }
}

/// Under the picker: which files Send waits for (`{id}-files-waiting`, focused when Send is
/// pressed too soon).
pub fn waiting_note(files: Files, id: &'static str) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="field-error" id=format!("{id}-files-waiting") tabindex="-1" role="status">
            {move || {
                let waiting = files.waiting();
                (!waiting.is_empty())
                    .then(|| locale.t().files_not_ready.replace("{name}", &waiting))
            }}
        </p>
    }
}

/// `aria-disabled` for a Send button: while sending, or until every file is uploaded.
pub fn send_blocked(
    files: Files,
    busy: RwSignal<bool>,
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || (busy.get() || files.attachments().is_none()).then_some("true")
}

/// A message's files as download links (or, for a message not stored yet, their names): name,
/// kind and size.
pub fn attachment_list(
    t: &'static Strings,
    patient: &str,
    files: &[Attachment],
    links: bool,
) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .iter()
            .map(|a| {
                let kind = if a.content_type == "application/pdf" {
                    t.file_kind_pdf
                } else {
                    t.file_kind_image
                };
                let name = a.file_name.clone();
                let title = if links {
                    let href = format!("/api/patients/{patient}/attachments/{}", a.id);
                    view! { <a href=href download="">{name}</a> }.into_any()
                } else {
                    view! { <span class="file-name">{name}</span> }.into_any()
                };
                view! {
                    <li>
                        {title}
                        <span class="file-size">{format!("{kind} · {}", size_in_words(a.size_bytes))}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="msg-files" aria-label=t.attachments_label>{items}</ul> }
    })
}
