//! The HTTP client `object_store` uses to reach an S3-compatible store: the server's own reqwest
//! (0.12, rustls with ring) instead of the crate's default one, which would build a second
//! HTTP stack and a C crypto library (aws-lc) into the binary.

use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpResponseBody, HttpService,
};
use object_store::ClientOptions;

#[derive(Debug, Default)]
pub struct ReqwestConnector;

impl HttpConnector for ReqwestConnector {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        Ok(HttpClient::new(Service(client)))
    }
}

#[derive(Debug)]
struct Service(reqwest::Client);

fn kind_of(e: &reqwest::Error) -> HttpErrorKind {
    if e.is_connect() {
        HttpErrorKind::Connect
    } else if e.is_timeout() {
        HttpErrorKind::Timeout
    } else if e.is_body() || e.is_decode() {
        HttpErrorKind::Decode
    } else {
        HttpErrorKind::Request
    }
}

#[async_trait::async_trait]
impl HttpService for Service {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        use http_body_util::BodyExt;
        let (parts, body) = req.into_parts();
        let url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let mut request = reqwest::Request::new(parts.method, url);
        *request.headers_mut() = parts.headers;
        *request.body_mut() = Some(reqwest::Body::wrap(body));
        let response = self
            .0
            .execute(request)
            .await
            .map_err(|e| HttpError::new(kind_of(&e), e))?;
        let response: http::Response<reqwest::Body> = response.into();
        Ok(response
            .map(|body| HttpResponseBody::new(body.map_err(|e| HttpError::new(kind_of(&e), e)))))
    }
}
