//! `generate-data`: fills a development database with a practice the size SPEC 6's benchmark
//! measures against (by default 100,000 patients, 20,000 guardians and a million messages), in
//! large multi-row inserts. Made-up people only; the phone numbers are in 972-6XX, which no demo
//! person uses. Refuses to run twice on the same database (the practice `bench` exists).

use crate::store::{new_id, practices::NewPractice, Result, Store};
use sqlx::Any;

pub const PRACTICE: &str = "bench";
/// Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound values.
const ROWS_PER_INSERT: usize = 400;

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub patients: usize,
    pub guardians: usize,
    pub messages: usize,
}

/// What was made, and one person of each kind to sign in as.
#[derive(Debug, serde::Serialize)]
pub struct Generated {
    pub practice: &'static str,
    pub patients: usize,
    pub guardians: usize,
    pub messages: usize,
    pub seconds: f64,
    /// A guardian's phone, and their children.
    pub guardian_phone: String,
    pub guardian_children: Vec<Child>,
    /// An adult patient who signs in for themself, and their date of birth.
    pub self_phone: String,
    pub self_dob: String,
}

#[derive(Debug, serde::Serialize)]
pub struct Child {
    pub first_name: String,
    pub dob: String,
}

/// The nth generated phone number: +1 972 6XX XXXX (n below a million).
fn phone(n: usize) -> String {
    format!("+19726{:06}", n % 1_000_000)
}

/// A date of birth spread over the years: children born 2010–2023, adults 1940–1999.
fn dob(n: usize, child: bool) -> String {
    let (first_year, years) = if child { (2010, 14) } else { (1940, 60) };
    let year = first_year + (n * 7 % years);
    let month = 1 + n % 12;
    let day = 1 + n % 28;
    format!("{year:04}-{month:02}-{day:02}")
}

const FIRST: &[&str] = &[
    "Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Isabel", "Jamal", "Kim",
    "Luis", "Maya", "Noah", "Olivia", "Pedro",
];
const LAST: &[&str] = &[
    "Garcia", "Smith", "Nguyen", "Johnson", "Lopez", "Brown", "Patel", "Davis", "Martinez", "Lee",
];

/// Inserts `rows` (each `width` values) into `table (columns)` in batches, in one transaction.
async fn insert_all(
    store: &Store,
    table: &str,
    columns: &str,
    width: usize,
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(ROWS_PER_INSERT));
        let tuples: Vec<String> = (0..batch.len())
            .map(|r| {
                let marks: Vec<String> =
                    (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            tuples.join(", ")
        );
        let mut q = sqlx::query::<Any>(&sql);
        for row in &batch {
            for v in row {
                q = match v {
                    Value::Text(s) => q.bind(s.clone()),
                    Value::Int(i) => q.bind(*i),
                    Value::Null => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

enum Value {
    Text(String),
    Int(i64),
    Null,
}

fn t(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

pub async fn generate(store: &Store, size: Size, now: i64) -> Result<Option<Generated>> {
    let started = std::time::Instant::now();
    if store.practice_by_slug(PRACTICE).await?.is_some() {
        return Ok(None);
    }
    let (practice, _) = store
        .upsert_practice(
            &NewPractice {
                slug: PRACTICE,
                name: "Bench Family Medicine",
                phone: "(972) 555-0150",
                time_zone: "America/Chicago",
                asks_dependent_sex: false,
            },
            now,
        )
        .await?;
    // Two children per guardian (as far as patients go); every other patient is an adult with
    // their own account.
    let children = (size.guardians * 2).min(size.patients);
    let patient_ids: Vec<String> = (0..size.patients).map(|_| new_id()).collect();
    let account_ids: Vec<String> = (0..size.patients - children + size.guardians)
        .map(|_| new_id())
        .collect();
    let name = |n: usize| (FIRST[n % FIRST.len()], LAST[(n / FIRST.len()) % LAST.len()]);

    insert_all(
        store,
        "patients",
        "id, practice_id, first_name, last_name, dob, mobile_phone, preferred_language, created_at, updated_at",
        9,
        (0..size.patients).map(|n| {
            let child = n < children;
            let (first, last) = name(n);
            vec![
                t(&patient_ids[n]),
                t(&practice.id),
                t(first),
                t(last),
                t(dob(n, child)),
                if child { Value::Null } else { t(phone(n)) },
                t(if n % 3 == 0 { "es" } else { "en" }),
                Value::Int(now),
                Value::Int(now),
            ]
        }),
    )
    .await?;
    // Accounts: the adults first (phone = their patient's), then the guardians.
    let adults = size.patients - children;
    let guardian_phone = |g: usize| phone(size.patients + g);
    // Who acts for patient n: the guardian of each pair of children, else the adult's own account.
    let account_of = |n: usize| -> &String {
        if n < children {
            &account_ids[adults + n / 2]
        } else {
            &account_ids[n - children]
        }
    };
    insert_all(
        store,
        "accounts",
        "id, phone, created_at",
        3,
        (0..account_ids.len()).map(|a| {
            let phone = if a < adults {
                phone(children + a)
            } else {
                guardian_phone(a - adults)
            };
            vec![t(&account_ids[a]), t(phone), Value::Int(now)]
        }),
    )
    .await?;
    insert_all(
        store,
        "contact_links",
        "id, account_id, patient_id, relationship, status, created_at, updated_at",
        7,
        (0..size.patients).map(|n| {
            vec![
                t(new_id()),
                t(account_of(n)),
                t(&patient_ids[n]),
                t(if n < children { "guardian" } else { "self" }),
                t("active"),
                Value::Int(now),
                Value::Int(now),
            ]
        }),
    )
    .await?;

    // One conversation per patient that has messages, the messages spread evenly.
    let per = size.messages.div_ceil(size.patients.max(1)).max(1);
    let talking = size.messages.div_ceil(per).min(size.patients);
    let conversation_ids: Vec<String> = (0..talking).map(|_| new_id()).collect();
    let count = |c: usize| per.min(size.messages - c * per);
    insert_all(
        store,
        "conversations",
        "id, practice_id, patient_id, status, created_at, updated_at, version, last_seq",
        8,
        (0..talking).map(|c| {
            vec![
                t(&conversation_ids[c]),
                t(&practice.id),
                t(&patient_ids[c]),
                t(if c % 4 == 0 { "unassigned" } else { "closed" }),
                Value::Int(now - 86_400_000),
                Value::Int(now - (c as i64) * 1000),
                Value::Int(count(c) as i64),
                Value::Int(count(c) as i64),
            ]
        }),
    )
    .await?;
    insert_all(
        store,
        "messages",
        "id, conversation_id, sender_kind, sender_account_id, visible_to_patient, body, created_at, read_at, seq",
        9,
        (0..talking).flat_map(|c| {
            let conversation = conversation_ids[c].clone();
            let account = account_of(c).clone();
            (0..count(c)).map(move |m| {
                let from_patient = m % 2 == 0;
                let at = now - 86_400_000 + (m as i64) * 60_000;
                vec![
                    t(new_id()),
                    t(&conversation),
                    t(if from_patient { "patient" } else { "practice" }),
                    if from_patient { t(&account) } else { Value::Null },
                    Value::Int(1),
                    t(if from_patient {
                        "Could we move the appointment to the afternoon? Thank you."
                    } else {
                        "Yes, 3 pm works. See you then."
                    }),
                    Value::Int(at),
                    Value::Int(at + 30_000),
                    Value::Int(m as i64 + 1),
                ]
            })
        }),
    )
    .await?;

    let guardian_children = (0..2.min(children))
        .map(|n| Child {
            first_name: name(n).0.to_owned(),
            dob: dob(n, true),
        })
        .collect();
    Ok(Some(Generated {
        practice: PRACTICE,
        patients: size.patients,
        guardians: size.guardians,
        messages: size.messages,
        seconds: started.elapsed().as_secs_f64(),
        guardian_phone: guardian_phone(0),
        guardian_children,
        self_phone: phone(children),
        self_dob: dob(children, false),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_distinct_valid_and_outside_the_demo_range() {
        let all: std::collections::HashSet<String> = (0..300_000).map(phone).collect();
        assert_eq!(all.len(), 300_000);
        for n in [0, 99_999, 100_000, 299_999] {
            let p = phone(n);
            assert_eq!(p.len(), 12, "{p}");
            assert!(wire::PhoneNumber::parse(&p).is_ok(), "{p}");
            assert!(!p.starts_with("+1972555"), "{p}");
        }
    }
}
