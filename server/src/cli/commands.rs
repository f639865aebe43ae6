//! The commands and flags, as clap parses them (and `--help` documents them).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "portal-server",
    version,
    about = "The patient portal's server, practice API and command line"
)]
pub struct Cli {
    /// Configuration file (TOML). Default: ./portal.toml when present. PORTAL_* environment
    /// variables override it; see portal.example.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply database migrations, then serve the portal and the API until stopped.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo practices and people (development mode only; safe to repeat) and print them.
    SeedDemo,
    /// Fill the database with a made-up practice at size (development mode only): `bench`, with
    /// 100,000 patients, 20,000 guardians and a million messages by default. Prints who to sign
    /// in as, as JSON.
    GenerateData {
        #[arg(long, default_value_t = 100_000)]
        patients: usize,
        #[arg(long, default_value_t = 20_000)]
        guardians: usize,
        #[arg(long, default_value_t = 1_000_000)]
        messages: usize,
    },
    /// Print the OpenAPI description of the JSON API.
    Openapi,
    /// Create, update and list practices.
    #[command(subcommand)]
    Practice(PracticeCommand),
    /// Create, update, show and list patients of a practice.
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Add and list the guardians and other contacts of a patient.
    #[command(subcommand)]
    Guardian(GuardianCommand),
    /// Show a patient's audit log (who read or changed what) as JSON.
    Audit {
        #[arg(long)]
        practice: String,
        /// The patient's id.
        #[arg(long)]
        patient: String,
    },
    /// List the contact links locked now by wrong dates of birth, as JSON.
    Lockouts {
        #[arg(long)]
        practice: String,
    },
    /// Create and revoke practice API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The practice's conversations with patients: the inbox, threads, replies, assignment.
    #[command(subcommand)]
    Conversations(ConversationsCommand),
    /// List patients added by guardians that match another patient's name and date of birth, as JSON.
    Duplicates {
        #[arg(long)]
        practice: String,
    },
    /// Medical access links: e-mail one to a patient's address on file, list them, revoke one.
    #[command(subcommand, name = "access-link")]
    AccessLink(AccessLinkCommand),
    /// Revoke a contact link (self, guardian or linked) of a patient: that account loses access at once.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Publish record items for a patient: appointments, treatment plans, forms, documents.
    #[command(subcommand)]
    Record(RecordCommand),
    /// Files patients attached to messages.
    #[command(subcommand)]
    Attachments(AttachmentsCommand),
}

#[derive(Subcommand, Debug)]
pub enum AttachmentsCommand {
    /// Write an attached file (its id is in the conversation's messages) to a file.
    Download {
        #[arg(long)]
        practice: String,
        /// The attachment's id.
        id: String,
        /// Where to write it.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccessLinkCommand {
    /// Create a link (valid 5 days, once) and e-mail it with its four-word code to the patient's
    /// address on file, in the patient's language. Prints the link's status, never its token.
    Create {
        #[arg(long)]
        practice: String,
        /// The patient's id.
        #[arg(long)]
        patient: String,
    },
    /// The patient's links as JSON, newest first: pending, used, expired or revoked.
    List {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
    },
    /// Revoke a link before it is used.
    Revoke {
        #[arg(long)]
        practice: String,
        /// The link's id (from `access-link list`).
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ContactCommand {
    /// Revoke the contact link with this id (from `guardian list`).
    Revoke {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RecordCommand {
    /// Publish an appointment (the same --external-id again updates it).
    Appointment {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        /// RFC 3339 with an offset, e.g. 2026-03-02T15:30:00-06:00.
        #[arg(long)]
        starts_at: String,
        /// Minutes, 5 to 480.
        #[arg(long, default_value_t = 30)]
        duration: u32,
        #[arg(long)]
        location: String,
        /// The clinician or service, e.g. "Dr. Ann Lee".
        #[arg(long = "with")]
        with_whom: String,
        #[arg(long, default_value = "scheduled", value_parser = ["scheduled", "confirmed", "cancelled", "completed", "no_show"])]
        status: String,
        #[arg(long)]
        external_id: Option<String>,
    },
    /// Publish a treatment plan (the same --external-id again updates it).
    Plan {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        title: String,
        /// Plain text.
        #[arg(long)]
        body: String,
        #[arg(long)]
        external_id: Option<String>,
    },
    /// Assign a form (the same --external-id again updates it).
    Form {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "assigned", value_parser = ["assigned", "in_progress", "completed"])]
        status: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        external_id: Option<String>,
    },
    /// Publish a document from a file (at most 10 MB: PDF, JPEG, PNG, GIF, WebP, HEIC, text).
    Document {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        title: String,
        /// The document's date, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        #[arg(long)]
        file: PathBuf,
        /// Default: from the file's extension.
        #[arg(long)]
        content_type: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConversationsCommand {
    /// The inbox as JSON: unassigned first, then assigned, then closed; newest activity first.
    List {
        #[arg(long)]
        practice: String,
        /// Only this status: unassigned, assigned or closed.
        #[arg(long, value_parser = ["unassigned", "assigned", "closed"])]
        status: Option<String>,
    },
    /// Show a conversation with every message (staff-only notes too) as JSON; marks the patient
    /// side's messages read.
    Show {
        #[arg(long)]
        practice: String,
        /// The conversation's id.
        id: String,
    },
    /// Reply to the patient side.
    Reply {
        #[arg(long)]
        practice: String,
        /// The conversation's id.
        id: String,
        /// The message, 1 to 5,000 characters of plain text.
        #[arg(long)]
        body: String,
        /// The staff member's name as the patient should see it, e.g. "Dr. Ann Lee".
        #[arg(long)]
        author: Option<String>,
    },
    /// Assign a conversation to a person or team.
    Assign {
        #[arg(long)]
        practice: String,
        /// The conversation's id.
        id: String,
        /// Whom to assign it to (1 to 100 characters).
        #[arg(long)]
        to: String,
    },
    /// Close a conversation (a new message from the patient side reopens it).
    Close {
        #[arg(long)]
        practice: String,
        /// The conversation's id.
        id: String,
    },
    /// Open the patient's conversation (created when missing) so the practice can write first.
    Start {
        #[arg(long)]
        practice: String,
        /// The patient's id.
        #[arg(long)]
        patient: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PracticeCommand {
    /// List every practice as JSON.
    List,
    /// Create a practice, or update the one with this slug.
    Upsert {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// The number patients call, e.g. "(972) 555-0100".
        #[arg(long)]
        phone: String,
        /// IANA time zone, e.g. America/Chicago.
        #[arg(long)]
        time_zone: String,
        /// Ask guardians for a dependent's sex when they add one from the portal.
        #[arg(long)]
        asks_dependent_sex: bool,
    },
}

#[derive(Args, Debug)]
pub struct PatientFields {
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub dob: String,
    /// The patient's own mobile number: that person may then act for the patient as `self`.
    #[arg(long)]
    pub mobile_phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// en or es.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The practice's own id for the patient (EHR id).
    #[arg(long)]
    pub external_id: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum PatientCommand {
    /// List a practice's patients as JSON.
    List {
        #[arg(long)]
        practice: String,
    },
    /// Show one patient as JSON.
    Show {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        id: String,
    },
    /// Create a patient (with an existing --external-id, update that patient).
    Create {
        #[arg(long)]
        practice: String,
        #[command(flatten)]
        fields: PatientFields,
    },
    /// Replace a patient's details.
    Update {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        id: String,
        #[command(flatten)]
        fields: PatientFields,
    },
}

#[derive(Subcommand, Debug)]
pub enum GuardianCommand {
    /// Add a guardian by mobile number; they activate by verifying the patient's date of birth.
    Add {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        phone: String,
    },
    /// List everyone who may act for the patient.
    List {
        #[arg(long)]
        practice: String,
        #[arg(long)]
        patient: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; it is shown once. Without --practice it is an administrator token.
    Create {
        #[arg(long)]
        label: String,
        /// Limit the token to this practice (slug).
        #[arg(long)]
        practice: Option<String>,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        id: String,
    },
}
