//! The blocking API over the one protocol client: every read loop is an `async fn`, and
//! on a blocking socket none of them ever waits for a wake-up (each read or write blocks
//! the thread until it is done), so one poll runs it to its end. No runtime, no channel,
//! no allocation.

use super::Error;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// What a blocking call returns when its work would have waited for a runtime.
pub(crate) trait Outcome {
    /// The work was on an async socket, which the blocking API cannot drive.
    fn would_wait() -> Self;
}

fn misuse() -> Error {
    Error::Misuse(
        "an async connection was used through the blocking API; await its async methods \
         instead"
            .into(),
    )
}

impl<T> Outcome for Result<T, Error> {
    fn would_wait() -> Self {
        Err(misuse())
    }
}

impl<T> Outcome for Result<T, super::ConnectFail> {
    fn would_wait() -> Self {
        Err(super::ConnectFail::Failed(misuse().to_string()))
    }
}

impl<T> Outcome for Option<Result<T, Error>> {
    fn would_wait() -> Self {
        Some(Err(misuse()))
    }
}

/// Runs `work` to its end on the calling thread. The work must be on a blocking socket:
/// an async one would return `Pending` here, which is reported as misuse (and leaves the
/// connection's request pending, so the connection is not used again).
#[inline]
pub(crate) fn now<T: Outcome>(work: impl Future<Output = T>) -> T {
    let mut work = std::pin::pin!(work);
    match work.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => T::would_wait(),
    }
}

/// The callback rows are handed to, down the read loops: `dyn FnMut` for the blocking API,
/// `dyn FnMut + Send` for the async one (so that its futures are `Send`). Generic over the
/// two, the loops are compiled twice at most.
pub(crate) trait Sink: FnMut(crate::engine::RowData<'_>) -> Result<(), Error> {}

impl<S: FnMut(crate::engine::RowData<'_>) -> Result<(), Error> + ?Sized> Sink for S {}
