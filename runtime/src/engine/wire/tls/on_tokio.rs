//! TLS on the async socket: the same SSLRequest exchange, settings, certificate checks and
//! typed failures as the blocking one, with the handshake done by `tokio-rustls`.

use super::super::tokio_socket::AsyncSocket;
use super::*;
use ::tokio::io::{AsyncReadExt, AsyncWriteExt};

/// [`start`] on an async socket.
pub(in crate::engine::wire) async fn start(
    socket: AsyncSocket,
    host: &Host,
    settings: &TlsSettings,
    deadline: Instant,
) -> Result<AsyncSocket, ConnectFail> {
    let mut tcp = match socket {
        AsyncSocket::Tcp(tcp) => tcp,
        other => {
            drop_unless_plain_allowed(settings)?;
            return Ok(other);
        }
    };
    let left = || deadline.saturating_duration_since(Instant::now());
    let timed_out = || ConnectFail::Failed("timed out setting up TLS (connect_timeout)".into());
    let io_fail =
        |e: io::Error| ConnectFail::Failed(format!("connection to the server failed: {e}"));
    let mut answer = [0u8; 1];
    let asked = async {
        tcp.write_all(&SSL_REQUEST).await?;
        tcp.read_exact(&mut answer).await
    };
    match ::tokio::time::timeout(left(), asked).await {
        Err(_) => return Err(timed_out()),
        Ok(Err(e)) => return Err(io_fail(e)),
        Ok(Ok(_)) => {}
    }
    if !server_agrees(answer[0], settings)? {
        return Ok(AsyncSocket::Tcp(tcp));
    }
    let config = client_config(settings)?;
    let server_name = server_name(host_name(host))?;
    let connector = ::tokio_rustls::TlsConnector::from(config);
    let stream = match ::tokio::time::timeout(left(), connector.connect(server_name, tcp)).await {
        Err(_) => {
            return Err(ConnectFail::Failed(
                "timed out during the TLS handshake (connect_timeout)".into(),
            ))
        }
        Ok(Err(e)) => return Err(handshake_error(e, settings)),
        Ok(Ok(stream)) => stream,
    };
    let end_point = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
        .and_then(|cert| server_end_point(cert.as_ref()));
    Ok(AsyncSocket::Tls(Box::new(stream), end_point))
}

/// [`handshake`] on a tokio TCP socket (MySQL's, after its SSLRequest packet): the same
/// settings, certificate checks and typed failures, done by `deadline`.
#[cfg(feature = "mysql")]
pub(crate) async fn handshake_tokio(
    tcp: ::tokio::net::TcpStream,
    name: &str,
    settings: &TlsSettings,
    deadline: Instant,
) -> Result<::tokio_rustls::client::TlsStream<::tokio::net::TcpStream>, ConnectFail> {
    let config = client_config(settings)?;
    let server_name = server_name(name)?;
    let connector = ::tokio_rustls::TlsConnector::from(config);
    let left = deadline.saturating_duration_since(Instant::now());
    match ::tokio::time::timeout(left, connector.connect(server_name, tcp)).await {
        Err(_) => Err(ConnectFail::Failed(
            "timed out during the TLS handshake (connect_timeout)".into(),
        )),
        Ok(Err(e)) => Err(handshake_error(e, settings)),
        Ok(Ok(stream)) => Ok(stream),
    }
}
