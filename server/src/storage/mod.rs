//! Stored files (documents and message attachments) on the `object_store` crate, under random
//! keys: a local folder (`storage_dir`, outside any served folder) or an S3-compatible bucket
//! (`storage = "s3"`), which several instances share. The interface is three calls: put a
//! stream with a size limit, get a stream, delete.
//!
//! A put goes through a multipart upload: bytes are written to a staging file as they arrive and
//! the object appears only when the upload completes, so a half-received file is never visible;
//! an upload over the limit is aborted and leaves nothing behind. Memory does not grow with the
//! file's size. On S3 the parts are the multipart upload's parts; an upload cut off half-way is
//! aborted (and a bucket lifecycle rule for incomplete multipart uploads catches a killed server).

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
mod s3_http;

use crate::config::{Config, StorageKind};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Bytes per part of a put on local disk: what is buffered before it is written out.
const LOCAL_PART_BYTES: usize = 256 * 1024;
/// S3 refuses to complete a multipart upload whose parts (all but the last) are smaller than
/// 5 MiB (`EntityTooSmall`; R2 and MinIO keep the same rule).
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts written at once by one put: about 1 MB held per upload on disk, 10 MB on S3.
const LOCAL_PARTS_IN_FLIGHT: usize = 4;
const S3_PARTS_IN_FLIGHT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the upload was interrupted: {0}")]
    Body(String),
    #[error("no such stored file")]
    NotFound,
    #[error("file storage failed: {0}")]
    Backend(String),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other => StorageError::Backend(other.to_string()),
        }
    }
}

/// What a completed put stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

/// After a put refused a body over `limit`: reads and drops the rest of it, up to as much again
/// and for 30 seconds at most, so that the client sees the refusal instead of a connection closed
/// while it was still sending.
pub async fn discard_rest<S, E>(body: &mut S, limit: u64)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut read = 0u64;
    let drain = async {
        while let Some(Ok(chunk)) = body.next().await {
            read += chunk.len() as u64;
            if read > limit {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), drain).await;
}

#[derive(Clone)]
pub struct Storage {
    inner: Arc<dyn ObjectStore>,
    /// The size of a put's parts and how many are written at once, for this kind of store.
    part_bytes: usize,
    parts_in_flight: usize,
}

impl Storage {
    /// The store the configuration names.
    pub fn from_config(config: &Config) -> Result<Storage, StorageError> {
        match config.storage {
            StorageKind::Local => Storage::local(&config.storage_dir),
            StorageKind::S3 => Storage::s3(config),
        }
    }

    /// The bucket `s3_bucket` (the configuration checked the keys are there).
    pub fn s3(config: &Config) -> Result<Storage, StorageError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(config.s3_bucket.clone().unwrap_or_default())
            .with_region(&config.s3_region)
            .with_access_key_id(config.s3_access_key_id.clone().unwrap_or_default())
            .with_secret_access_key(
                config
                    .s3_secret_access_key
                    .as_ref()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_default(),
            )
            .with_allow_http(config.s3_allow_http)
            .with_http_connector(s3_http::ReqwestConnector);
        if let Some(endpoint) = &config.s3_endpoint {
            // S3-compatible services are addressed by path (`endpoint/bucket/key`).
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        Ok(Storage {
            inner: Arc::new(builder.build()?),
            part_bytes: S3_PART_BYTES,
            parts_in_flight: S3_PARTS_IN_FLIGHT,
        })
    }

    /// Files under `dir` (created when missing).
    pub fn local(dir: &std::path::Path) -> Result<Storage, StorageError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StorageError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        let fs = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(Storage {
            inner: Arc::new(fs),
            part_bytes: LOCAL_PART_BYTES,
            parts_in_flight: LOCAL_PARTS_IN_FLIGHT,
        })
    }

    /// Stores the stream under a new random key, refusing more than `limit` bytes.
    pub async fn put<S, E>(&self, mut body: S, limit: u64) -> Result<Stored, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let key = crate::secrets::random_token(24);
        let path = ObjectPath::from(key.as_str());
        let upload = self.inner.put_multipart(&path).await?;
        // Small parts keep what is held per upload small (at most `parts_in_flight` of them).
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part_bytes);
        let mut size: u64 = 0;
        let mut hash = Sha256::new();
        let failure = loop {
            match body.next().await {
                None => break None,
                Some(Err(e)) => break Some(StorageError::Body(e.to_string())),
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    if size > limit {
                        break Some(StorageError::TooLarge { limit });
                    }
                    hash.update(&chunk);
                    if let Err(e) = writer.wait_for_capacity(self.parts_in_flight).await {
                        break Some(e.into());
                    }
                    writer.write(&chunk);
                }
            }
        };
        let failure = failure.or((size == 0).then_some(StorageError::Empty));
        if let Some(error) = failure {
            let _ = writer.abort().await;
            return Err(error);
        }
        writer.finish().await?;
        Ok(Stored {
            key,
            size,
            sha256: hash.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// The stored file as a stream of bytes.
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let result = self.inner.get(&ObjectPath::from(key)).await?;
        Ok(result
            .into_stream()
            .map(|r| r.map_err(StorageError::from))
            .boxed())
    }

    /// Keys of objects last written before `cutoff_ms` (milliseconds since the epoch).
    pub async fn keys_older_than(&self, cutoff_ms: i64) -> Result<Vec<String>, StorageError> {
        let cutoff =
            chrono::DateTime::from_timestamp_millis(cutoff_ms).unwrap_or(if cutoff_ms > 0 {
                chrono::DateTime::<chrono::Utc>::MAX_UTC
            } else {
                chrono::DateTime::<chrono::Utc>::MIN_UTC
            });
        let mut listing = self.inner.list(None);
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if meta.last_modified <= cutoff {
                keys.push(meta.location.to_string());
            }
        }
        Ok(keys)
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.inner.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, String>> + Unpin {
        futures_util::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    #[tokio::test]
    async fn put_get_delete_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::local(&dir.path().join("files")).unwrap();
        let stored = storage
            .put(chunks(vec![b"hello ", b"world"]), 100)
            .await
            .unwrap();
        assert_eq!(stored.size, 11);
        assert_eq!(stored.sha256, crate::secrets::sha256_hex("hello world"));
        let mut bytes = Vec::new();
        let mut stream = storage.get(&stored.key).await.unwrap();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(bytes, b"hello world");
        storage.delete(&stored.key).await.unwrap();
        assert!(matches!(
            storage.get(&stored.key).await.err(),
            Some(StorageError::NotFound)
        ));

        let too_big = storage.put(chunks(vec![b"0123456789", b"x"]), 10).await;
        assert!(matches!(too_big, Err(StorageError::TooLarge { limit: 10 })));
        let empty = storage.put(chunks(vec![]), 10).await;
        assert!(matches!(empty, Err(StorageError::Empty)));
        // Nothing is left behind by the refused uploads.
        let left: Vec<_> = walk(&dir.path().join("files"));
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn parts_fit_the_store_they_go_to() {
        // S3 (and R2, MinIO) refuse to complete an upload whose parts but the last are smaller.
        const S3_SMALLEST_PART: usize = 5 * 1024 * 1024;
        let config = Config {
            storage: StorageKind::S3,
            s3_bucket: Some("files".into()),
            s3_access_key_id: Some("key".into()),
            s3_secret_access_key: Some(crate::config::Secret("secret".into())),
            ..Config::default()
        };
        let s3 = Storage::s3(&config).unwrap();
        assert!(s3.part_bytes >= S3_SMALLEST_PART);
        assert!(s3.part_bytes * s3.parts_in_flight <= 16 * 1024 * 1024);
        let dir = tempfile::tempdir().unwrap();
        let local = Storage::local(dir.path()).unwrap();
        assert!(local.part_bytes * local.parts_in_flight <= 1024 * 1024);
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
}
