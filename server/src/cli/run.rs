//! What each command does: the same services the API calls, with the operator as the caller.

use super::{
    AccessLinkCommand, AttachmentsCommand, Cli, Command, ContactCommand, ConversationsCommand,
    GuardianCommand, InputError, PatientCommand, PracticeCommand, RecordCommand, TokenCommand,
};
use crate::app::{self, ServeError};
use crate::clock::Clock;
use crate::config::{Config, ConfigError, EmailProvider, SmsProvider};
use crate::error::AppError;
use crate::practice::{self, Caller};
use crate::state::AppState;
use crate::store::{Store, StoreError};
use crate::{api, generate, seed};

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    App(String),
    #[error("{0}")]
    Refused(&'static str),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(s) => Failure::Store(s),
            AppError::NotFound => {
                Failure::App("not found: check the practice slug and the patient id".into())
            }
            other => Failure::App(other.to_string()),
        }
    }
}

/// Runs one command; every failure is one line for the operator.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let config = Config::load(cli.config.as_deref(), std::env::vars())?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Command::Openapi = cli.command {
        println!("{}", api::openapi_json());
        return Ok(());
    }
    if let Command::Serve = cli.command {
        // Check everything that can be wrong with the setup before touching the database.
        config.check_serve()?;
        app::check_portal(&config)?;
    }
    let store = Store::connect(&config.database_url, config.database_max_connections).await?;
    store.migrate().await?;
    let caller = Caller::cli();
    let now = Clock::system().now_ms();
    let print = |value: serde_json::Value| {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )
    };
    match cli.command {
        Command::Openapi => unreachable!("handled above"),
        Command::Migrate => println!("Database is up to date ({}).", store.backend().name()),
        Command::Serve => {
            let listener = app::bind(config.bind).await?;
            let addr = listener.local_addr().map_err(ServeError::from)?;
            let state = AppState::new(store.clone(), config.clone(), Clock::system()).await?;
            println!(
                "Portal ready at http://{addr} ({} mode, {})",
                config.mode,
                state.store.backend().name()
            );
            if config.is_development() {
                println!("Development outbox: http://{addr}/dev/outbox");
            } else if config.sms_provider == SmsProvider::Outbox
                || config.email_provider == EmailProvider::Outbox
            {
                println!("Staging (allow_outbox_in_production): texts or e-mails stay in the outbox and reach nobody.");
            }
            app::serve(listener, state, app::shutdown_signal()).await?;
        }
        Command::SeedDemo => {
            if !config.is_development() {
                return Err(Failure::Refused("seed-demo only runs in development mode: it would put made-up people in a real database"));
            }
            seed::seed(&store, now).await?;
            let state = AppState::new(store.clone(), config.clone(), Clock::system()).await?;
            seed::seed_records(&state).await?;
            print!("{}", seed::table());
        }
        Command::GenerateData {
            patients,
            guardians,
            messages,
        } => {
            if !config.is_development() {
                return Err(Failure::Refused("generate-data only runs in development mode: it would put made-up people in a real database"));
            }
            let size = generate::Size {
                patients,
                guardians,
                messages,
            };
            match generate::generate(&store, size, now).await? {
                Some(made) => print(serde_json::json!(made)),
                None => {
                    return Err(Failure::Refused(
                        "this database already has the generated practice `bench`: use a fresh database",
                    ))
                }
            }
        }
        Command::Practice(PracticeCommand::List) => print(serde_json::json!(
            practice::practices::list(&store, &caller).await?
        )),
        Command::Practice(PracticeCommand::Upsert {
            slug,
            name,
            phone,
            time_zone,
            asks_dependent_sex,
        }) => {
            let input =
                super::practice_input(&slug, &name, &phone, &time_zone, asks_dependent_sex)?;
            let (p, _) = practice::practices::upsert(&store, &caller, &input, now).await?;
            print(serde_json::json!(p));
        }
        Command::Patient(PatientCommand::List { practice }) => print(serde_json::json!(
            practice::patients::list(&store, &caller, &practice, 0).await?
        )),
        Command::Patient(PatientCommand::Show { practice, id }) => print(serde_json::json!(
            practice::patients::get(&store, &caller, &practice, &id).await?
        )),
        Command::Patient(PatientCommand::Create { practice, fields }) => {
            let (p, _) =
                practice::patients::create(&store, &caller, &practice, &fields.to_input()?, now)
                    .await?;
            print(serde_json::json!(p));
        }
        Command::Patient(PatientCommand::Update {
            practice,
            id,
            fields,
        }) => print(serde_json::json!(
            practice::patients::update(&store, &caller, &practice, &id, &fields.to_input()?, now)
                .await?
        )),
        Command::Guardian(GuardianCommand::Add {
            practice,
            patient,
            phone,
        }) => {
            let (link, _) = crate::contacts::add_guardian(
                &store,
                &caller,
                &practice,
                &patient,
                &super::guardian_input(&phone)?,
                now,
            )
            .await?;
            print(serde_json::json!(link));
        }
        Command::Guardian(GuardianCommand::List { practice, patient }) => print(serde_json::json!(
            crate::contacts::list(&store, &caller, &practice, &patient).await?
        )),
        Command::Audit { practice, patient } => print(serde_json::json!(
            practice::audit::for_patient(&store, &caller, &practice, &patient).await?
        )),
        Command::Lockouts { practice } => print(serde_json::json!(
            practice::audit::lockouts(&store, &caller, &practice, now).await?
        )),
        Command::Token(TokenCommand::Create { label, practice }) => {
            let practice_id = match practice {
                Some(slug) => Some(caller.practice(&store, &slug).await?.id),
                None => None,
            };
            let (secret, row) = store
                .create_token(&label, practice_id.as_deref(), now)
                .await?;
            println!(
                "Token {} created ({}). It is shown only this once:",
                row.id,
                if row.practice_id.is_some() {
                    "one practice"
                } else {
                    "administrator"
                }
            );
            println!("{secret}");
        }
        Command::Conversations(command) => match command {
            ConversationsCommand::List { practice, status } => print(serde_json::json!(
                crate::messaging::practice::list(
                    &store,
                    &caller,
                    &practice,
                    super::conversation_status(status.as_deref())?,
                    0
                )
                .await?
            )),
            ConversationsCommand::Show { practice, id } => print(serde_json::json!(
                crate::messaging::practice::show(&store, &caller, &practice, &id, now).await?
            )),
            ConversationsCommand::Reply {
                practice,
                id,
                body,
                author,
            } => print(serde_json::json!(
                crate::messaging::practice::reply(
                    &store,
                    &caller,
                    &practice,
                    &id,
                    &wire::messages::ReplyRequest { body, author },
                    now
                )
                .await?
            )),
            ConversationsCommand::Assign { practice, id, to } => print(serde_json::json!(
                crate::messaging::practice::assign(
                    &store,
                    &caller,
                    &practice,
                    &id,
                    &wire::messages::AssignRequest { assignee: to },
                    now
                )
                .await?
            )),
            ConversationsCommand::Close { practice, id } => print(serde_json::json!(
                crate::messaging::practice::close(&store, &caller, &practice, &id, now).await?
            )),
            ConversationsCommand::Start { practice, patient } => print(serde_json::json!(
                crate::messaging::practice::start(&store, &caller, &practice, &patient, now)
                    .await?
            )),
        },
        Command::Duplicates { practice } => print(serde_json::json!(
            crate::messaging::practice::duplicates(&store, &caller, &practice).await?
        )),
        Command::AccessLink(command) => {
            let state = AppState::new(store.clone(), config.clone(), Clock::system()).await?;
            let value = match command {
                AccessLinkCommand::Create { practice, patient } => serde_json::json!(
                    crate::access_links::practice::create(&state, &caller, &practice, &patient)
                        .await?
                ),
                AccessLinkCommand::List { practice, patient } => serde_json::json!(
                    crate::access_links::practice::list(&state, &caller, &practice, &patient)
                        .await?
                ),
                AccessLinkCommand::Revoke { practice, id } => serde_json::json!(
                    crate::access_links::practice::revoke(&state, &caller, &practice, &id).await?
                ),
            };
            print(value);
        }
        Command::Contact(ContactCommand::Revoke {
            practice,
            patient,
            id,
        }) => {
            print(serde_json::json!(
                crate::contacts::revoke(&store, &caller, &practice, &patient, &id, now).await?
            ));
        }
        Command::Attachments(AttachmentsCommand::Download { practice, id, out }) => {
            let state = AppState::new(store.clone(), config.clone(), Clock::system()).await?;
            let row =
                crate::uploads::practice::for_download(&state, &caller, &practice, &id).await?;
            let mut stream = state
                .storage
                .get(&row.storage_key)
                .await
                .map_err(|e| Failure::App(format!("cannot read the stored file: {e}")))?;
            let mut file = tokio::fs::File::create(&out)
                .await
                .map_err(|e| Failure::App(format!("cannot write {}: {e}", out.display())))?;
            while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
                let chunk =
                    chunk.map_err(|e| Failure::App(format!("cannot read the stored file: {e}")))?;
                tokio::io::AsyncWriteExt::write_all(&mut file, &chunk)
                    .await
                    .map_err(|e| Failure::App(format!("cannot write {}: {e}", out.display())))?;
            }
            tokio::io::AsyncWriteExt::flush(&mut file)
                .await
                .map_err(|e| Failure::App(format!("cannot write {}: {e}", out.display())))?;
            print(serde_json::json!(crate::uploads::patient::attachment(&row)));
        }
        Command::Record(command) => {
            let state = AppState::new(store.clone(), config.clone(), Clock::system()).await?;
            run_record(&state, &caller, command, print).await?;
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            if !store.revoke_token(&id, now).await? {
                return Err(Failure::App(format!("no active token with id {id}")));
            }
            println!("Token {id} revoked.");
        }
    }
    store.close().await;
    Ok(())
}

async fn run_record(
    state: &AppState,
    caller: &Caller,
    command: RecordCommand,
    print: impl Fn(serde_json::Value),
) -> Result<(), Failure> {
    use wire::records::{AppointmentInput, FormInput, TreatmentPlanInput};
    let id = match command {
        RecordCommand::Appointment {
            practice,
            patient,
            starts_at,
            duration,
            location,
            with_whom,
            status,
            external_id,
        } => {
            crate::records::practice::publish_appointment(
                state,
                caller,
                &practice,
                &patient,
                &AppointmentInput {
                    starts_at,
                    duration_minutes: duration,
                    location,
                    with_whom,
                    status: status.parse().map_err(super::flag("status"))?,
                    external_id,
                },
            )
            .await?
        }
        RecordCommand::Plan {
            practice,
            patient,
            title,
            body,
            external_id,
        } => {
            crate::records::practice::publish_plan(
                state,
                caller,
                &practice,
                &patient,
                &TreatmentPlanInput {
                    title,
                    body,
                    external_id,
                },
            )
            .await?
        }
        RecordCommand::Form {
            practice,
            patient,
            title,
            status,
            due,
            external_id,
        } => {
            crate::records::practice::publish_form(
                state,
                caller,
                &practice,
                &patient,
                &FormInput {
                    title,
                    status: status.parse().map_err(super::flag("status"))?,
                    due_date: due,
                    external_id,
                },
            )
            .await?
        }
        RecordCommand::Document {
            practice,
            patient,
            title,
            date,
            file,
            content_type,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::App(format!("cannot read {}: {e}", file.display())))?;
            let file_name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let content_type =
                content_type.unwrap_or_else(|| super::content_type_for(&file).to_owned());
            let stream =
                futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
            let document = crate::records::practice::publish_document(
                state,
                caller,
                &practice,
                &patient,
                &crate::records::practice::DocumentMeta {
                    title: &title,
                    date: &date,
                    file_name: &file_name,
                    content_type: &content_type,
                },
                stream,
            )
            .await?;
            print(serde_json::json!(document));
            return Ok(());
        }
    };
    print(serde_json::json!({ "id": id }));
    Ok(())
}
