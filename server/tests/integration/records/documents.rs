//! Documents: uploaded by the practice, downloaded as attachments with their headers and bytes.

use super::{audit_actions, upload};
use crate::helpers;
use helpers::people::{family, get, james_with_lily, sign_in, verify, GRACE, MARIA};
use helpers::Db;

async fn documents_download_as_attachments(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let pdf = b"%PDF-1.4\n% test\n<script>alert(1)</script>\n%%EOF\n".to_vec();
    let (s, doc) = upload(
        &app,
        &token,
        &f.robert,
        "title=Lab%20results&date=2026-03-02&file_name=An%C3%A1lisis%20%22final%22.pdf",
        "application/pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(s, 201, "{doc}");
    assert_eq!(doc["size_bytes"], pdf.len());
    assert_eq!(doc["file_name"], "Análisis final.pdf");
    let refused = [
        (
            "title=x&date=2026-03-02&file_name=x.html",
            "text/html",
            b"<p>".to_vec(),
            422,
            "error",
            "content_type_invalid",
        ),
        (
            "title=x&date=2026-13-02&file_name=x.pdf",
            "application/pdf",
            pdf.clone(),
            422,
            "field",
            "date",
        ),
        (
            "title=x&date=2026-03-02",
            "application/pdf",
            pdf.clone(),
            422,
            "error",
            "file_name_invalid",
        ),
        (
            "title=big&date=2026-03-02&file_name=big.pdf",
            "application/pdf",
            vec![b'x'; 10 * 1024 * 1024 + 1],
            413,
            "error",
            "file_too_large",
        ),
    ];
    for (query, content_type, bytes, status, key, value) in refused {
        let (s, b) = upload(&app, &token, &f.robert, query, content_type, bytes).await;
        assert_eq!(s, status, "{query}: {b}");
        assert_eq!(b[key], value, "{query}");
    }

    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let (_, list) = get(
        &app,
        &format!("/api/patients/{}/documents", f.robert),
        &grace,
    )
    .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "refused uploads left nothing: {list}"
    );
    assert_eq!(list[0]["title"], "Lab results");
    assert_eq!(list[0]["date"], "2026-03-02");
    let path = format!(
        "/api/patients/{}/documents/{}/file",
        f.robert,
        doc["id"].as_str().unwrap()
    );
    let r = app.get_with_cookie(&path, &grace).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''An%C3%A1lisis%20final.pdf"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // Nobody else, and not through another patient's id.
    let maria = sign_in(&app, MARIA).await;
    assert_eq!(app.get_with_cookie(&path, &maria).await.status(), 404);
    let james = james_with_lily(&app, &f).await;
    let other = format!(
        "/api/patients/{}/documents/{}/file",
        f.lily,
        doc["id"].as_str().unwrap()
    );
    assert_eq!(app.get_with_cookie(&other, &james).await.status(), 404);
    let actions: Vec<String> = audit_actions(&app, &token, &f.robert)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        actions.contains(&"practice.document.publish".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "document.download").count(),
        1
    );
}

on_both_databases!(documents_download_as_attachments,);
