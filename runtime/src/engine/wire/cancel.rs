//! Cancelling the request under way: the server's BackendKeyData kept from the login, a
//! CancelRequest sent on a new socket, and the bookkeeping that keeps a late cancel from
//! killing the next statement.
//!
//! PostgreSQL handles a CancelRequest asynchronously: a process the postmaster starts for
//! the new socket signals the session's backend and closes the socket. A signal that
//! reaches the backend while it waits for the next command is ignored; one that reaches it
//! while a command runs cancels that command. So a cancel sent for request N whose signal
//! lands after request N ended, and after request N+1 began, would kill N+1. The
//! connection therefore never sends another request while a cancel it did not see take
//! effect may still be on its way: at the end of every request for which a cancel was
//! sent, unless the server answered with the cancel's error (57014), the connection waits
//! for the proof that the signal was sent (the server closing the cancel socket, which it
//! does right after signalling), and closes itself when that proof does not come.

use super::*;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// The CancelRequest code (1234 in the high 16 bits, 5678 in the low).
#[cfg(test)]
const CANCEL_CODE: i32 = 80_877_102;

/// How long the end of a request waits, beyond the connect timeout, for a cancel sent by
/// another thread to be confirmed before the connection is closed instead.
const CONFIRM_SLACK: Duration = Duration::from_millis(500);

/// What became of the cancel sent for the request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// None was sent (or trying failed before a byte went out).
    Nothing,
    /// One is being sent now.
    Sending,
    /// The server took it and closed the cancel socket: its signal has been sent.
    Delivered,
    /// Bytes went out but the server's close was not seen: it may still arrive.
    Unknown,
}

#[derive(Debug)]
struct State {
    /// The server's process id and secret key (`None` until the login gives them, or
    /// for ever when the server sends none).
    key: Option<(i32, i32)>,
    /// Counts requests, so a cancel that ends after its request does not mark the next.
    request: u64,
    /// A request is in flight (sent, its ReadyForQuery not yet read).
    in_flight: bool,
    sent: Sent,
}

/// State shared between a connection and its cancel handles.
#[derive(Debug)]
pub(crate) struct CancelShared {
    state: Mutex<State>,
    changed: Condvar,
    /// How to reach the server (the login's configuration without its password).
    config: Config,
}

/// What sending a cancel came to.
pub(crate) enum Outcome {
    /// Nothing runs on the connection: nothing was sent.
    Idle,
    /// Sent, and the server confirmed it.
    Delivered,
    /// A cancel for this request was sent already (or is being sent) by another call.
    AlreadySent,
}

impl CancelShared {
    pub(super) fn new(config: &Config) -> Arc<CancelShared> {
        let mut config = config.clone();
        // The handle never logs in: it keeps nothing secret but the cancel key.
        config.password = None;
        Arc::new(CancelShared {
            state: Mutex::new(State {
                key: None,
                request: 0,
                in_flight: false,
                sent: Sent::Nothing,
            }),
            changed: Condvar::new(),
            config,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cancels the request in flight, if any (one cancel per request: a second call while
    /// the first is sent or after it succeeded sends nothing more). Errors are plain text.
    pub(crate) fn cancel(&self) -> Result<Outcome, String> {
        let (request, key) = {
            let mut state = self.lock();
            if !state.in_flight {
                return Ok(Outcome::Idle);
            }
            let Some(key) = state.key else {
                return Err("the server gave this session no cancel key (BackendKeyData)".into());
            };
            match state.sent {
                Sent::Nothing => {}
                Sent::Delivered => return Ok(Outcome::Delivered),
                Sent::Sending | Sent::Unknown => return Ok(Outcome::AlreadySent),
            }
            state.sent = Sent::Sending;
            (state.request, key)
        };
        let result = send_cancel(&self.config, key, true);
        let mut state = self.lock();
        if state.request == request {
            state.sent = match &result {
                Ok(()) => Sent::Delivered,
                Err((false, _)) => Sent::Nothing,
                Err((true, _)) => Sent::Unknown,
            };
        }
        drop(state);
        self.changed.notify_all();
        result.map(|()| Outcome::Delivered).map_err(|(_, e)| e)
    }
}

/// Opens a socket to the server `config` names and sends a CancelRequest for `key`, then
/// (when `confirm`) waits for the server to close it (it does once it has signalled the
/// backend). All of it within `config.connect_timeout`. The error says whether bytes of the request may
/// have gone out.
///
/// The socket is opened like the session's ([`open_like_session`]): over TLS when the
/// session's settings ask for it.
pub(super) fn send_cancel(
    config: &Config,
    (pid, secret): (i32, i32),
    confirm: bool,
) -> Result<(), (bool, String)> {
    let deadline = Instant::now() + config.connect_timeout;
    let mut socket = open_like_session(config, deadline).map_err(|e| (false, e.to_string()))?;
    let mut packet = BytesMut::with_capacity(16);
    frontend::cancel_request(pid, secret, &mut packet);
    let left = || {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err((true, "timed out sending the cancel request".to_string()))
        } else {
            Ok(left)
        }
    };
    socket
        .set_write_timeout(Some(left()?))
        .and_then(|()| socket.write_all(&packet))
        .map_err(|e| (true, format!("sending the cancel request: {e}")))?;
    if !confirm {
        return Ok(());
    }
    let mut sink = [0u8; 64];
    loop {
        socket
            .set_read_timeout(Some(left()?))
            .map_err(|e| (true, e.to_string()))?;
        match socket.read(&mut sink) {
            Ok(0) => return Ok(()),
            // The server answers a CancelRequest with nothing; ignore whatever comes.
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // A reset after the server's close still means it read the request.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
            Err(e) if is_timeout(&e) => {
                return Err((
                    true,
                    format!(
                        "the server did not confirm the cancel request within {:?}",
                        config.connect_timeout
                    ),
                ))
            }
            Err(e) => return Err((true, format!("waiting for the cancel's confirmation: {e}"))),
        }
    }
}

impl Wire {
    /// The state a [`CancelHandle`](crate::engine::CancelHandle) shares with this
    /// connection.
    pub(crate) fn cancel_shared(&self) -> Arc<CancelShared> {
        Arc::clone(&self.cancel)
    }

    /// The login's BackendKeyData.
    pub(super) fn keep_cancel_key(&mut self, pid: i32, secret: i32) {
        self.cancel.lock().key = Some((pid, secret));
    }

    /// A request goes out: a cancel from now on is for it.
    pub(super) fn cancel_request_started(&mut self) {
        let mut state = self.cancel.lock();
        state.request += 1;
        state.in_flight = true;
        state.sent = Sent::Nothing;
    }

    /// The request ended (its ReadyForQuery was read). When a cancel was sent for it and
    /// the server did not answer with the cancel's error, the cancel's signal may still be
    /// on its way: wait for the proof that it was sent (then the backend, idle, ignores
    /// it), or close the connection so the next statement cannot be the one it kills.
    pub(super) fn cancel_request_ended(&mut self) {
        let limit = self.cancel.config.connect_timeout + CONFIRM_SLACK;
        let deadline = Instant::now() + limit;
        let mut state = self.cancel.lock();
        state.in_flight = false;
        // A 57014 may come from elsewhere (`pg_cancel_backend`, a `RAISE` of that code)
        // while our own cancel is still on its way: wait for it all the same.
        while state.sent == Sent::Sending {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.cancel.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(e) => e.into_inner().0,
            };
        }
        let sent = std::mem::replace(&mut state.sent, Sent::Nothing);
        drop(state);
        // A confirmed cancel, or none: nothing can still land. Unconfirmed — even after a
        // 57014, which may have been someone else's — it could hit the next statement.
        if matches!(sent, Sent::Sending | Sent::Unknown) {
            self.broke(Error::ConnectionLost(
                "a cancel request was sent for a statement that finished anyway, and the \
                 server did not confirm it; the connection was closed so the cancel cannot \
                 stop the next statement"
                    .into(),
            ));
        }
    }

    /// Sends a cancel for the request in flight from this thread (a result was
    /// abandoned): whether the server confirmed it.
    pub(super) fn cancel_own_request(&mut self) -> bool {
        if !self.pending {
            return false;
        }
        matches!(self.cancel.cancel(), Ok(Outcome::Delivered))
    }

    /// The connection is closed: nothing runs on it any more, so a handle sends nothing.
    pub(super) fn cancel_connection_closed(&mut self) {
        self.cancel.lock().in_flight = false;
    }

    /// The client stops waiting for the request in flight and closes the connection: a
    /// cancel is sent so the server's work stops too. It is sent from a thread of its own
    /// (bounded by the connect timeout), so the caller's [`Error::Timeout`] comes when the
    /// timeout ran out, not after a new socket to a server that may be unreachable; the
    /// connection is not used again, so a late cancel harms nothing.
    pub(super) fn cancel_before_giving_up(&mut self) {
        if !self.pending || self.closed.is_some() {
            return;
        }
        let Some(key) = self.cancel.lock().key else {
            return;
        };
        let shared = Arc::clone(&self.cancel);
        let spawned = std::thread::Builder::new()
            .name("sqlwright-cancel".into())
            .spawn(move || {
                if let Err((_, e)) = send_cancel(&shared.config, key, true) {
                    tracing::debug!("the cancel for a request the client gave up on failed: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::debug!("no thread for the cancel of a request the client gave up on: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cancel_request_is_sixteen_bytes_with_its_code() {
        let mut packet = BytesMut::new();
        frontend::cancel_request(42, -7, &mut packet);
        assert_eq!(packet.len(), 16);
        assert_eq!(&packet[..4], &16i32.to_be_bytes());
        assert_eq!(&packet[4..8], &CANCEL_CODE.to_be_bytes());
        assert_eq!(&packet[8..12], &42i32.to_be_bytes());
        assert_eq!(&packet[12..16], &(-7i32).to_be_bytes());
    }
}
