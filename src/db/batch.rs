//! Group commit: many concurrent callers hand their writes to one task, which commits them
//! together in one transaction and answers each. On SQLite this turns thousands of tiny write
//! transactions a second (each waiting for the single write lock) into a few dozen.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

type Reply<R> = oneshot::Sender<Result<R, String>>;

/// A queue of `T` written in batches of at most `max`, each answered with an `R`.
pub struct Batcher<T, R> {
    tx: mpsc::Sender<(T, Reply<R>)>,
}

impl<T, R> Clone for Batcher<T, R> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
        }
    }
}

impl<T: Send + 'static, R: Send + 'static> Batcher<T, R> {
    /// Spawns the writer task; it ends when every `Batcher` handle is dropped.
    pub fn spawn<F, Fut>(max: usize, write: F) -> Self
    where
        F: Fn(Vec<T>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<R>, sqlx::Error>> + Send,
    {
        let (tx, mut rx) = mpsc::channel::<(T, Reply<R>)>(max * 4);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut items = vec![first];
                while items.len() < max {
                    match rx.try_recv() {
                        Ok(i) => items.push(i),
                        Err(_) => break,
                    }
                }
                let (values, replies): (Vec<T>, Vec<Reply<R>>) = items.into_iter().unzip();
                match write(values).await {
                    Ok(results) => {
                        for (r, reply) in results.into_iter().zip(replies) {
                            let _ = reply.send(Ok(r));
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        for reply in replies {
                            let _ = reply.send(Err(msg.clone()));
                        }
                    }
                }
            }
        });
        Self { tx }
    }

    /// Hands `item` over and waits until its batch is committed.
    pub async fn submit(&self, item: T) -> Result<R, sqlx::Error> {
        let (tx, rx) = oneshot::channel();
        let closed = || sqlx::Error::PoolClosed;
        self.tx.send((item, tx)).await.map_err(|_| closed())?;
        rx.await
            .map_err(|_| closed())?
            .map_err(|e| sqlx::Error::Protocol(format!("batched write failed: {e}")))
    }
}
