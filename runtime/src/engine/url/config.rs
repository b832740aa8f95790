//! From a URL (and libpq's environment variables) to the connection settings.

use super::*;

impl DatabaseUrl {
    /// `host:port/database` that a connection goes to, for messages (never the password):
    /// what the URL says, else what the environment says (see [`DatabaseUrl`]), else the
    /// defaults.
    pub fn target(&self) -> String {
        self.target_with(process_env)
    }

    pub(super) fn target_with(&self, env: impl Fn(&str) -> Option<String>) -> String {
        let env = |var: &str| env(var).filter(|v| !v.is_empty());
        let list = |text: String| text.split(',').map(str::to_string).collect::<Vec<_>>();
        let hosts: Vec<String> = if self.host.is_some() || !self.more_hosts.is_empty() {
            self.host_list()
                .into_iter()
                .map(|h| h.unwrap_or("localhost").to_string())
                .collect()
        } else {
            env("PGHOST").map_or_else(|| vec!["localhost".into()], list)
        };
        let ports: Vec<String> = if self.port.is_some() || !self.more_ports.is_empty() {
            self.port_list()
                .into_iter()
                .map(|p| p.map_or_else(|| "5432".into(), |p| p.to_string()))
                .collect()
        } else {
            env("PGPORT").map_or_else(|| vec!["5432".into()], list)
        };
        let pairs: Vec<String> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let port = match ports.len() {
                    1 => ports[0].as_str(),
                    _ => ports.get(i).map_or("", String::as_str),
                };
                format!("{h}:{}", if port.is_empty() { "5432" } else { port })
            })
            .collect();
        format!(
            "{}/{}",
            pairs.join(","),
            self.database
                .clone()
                .or_else(|| env("PGDATABASE"))
                .unwrap_or_default()
        )
    }

    /// The driver configuration for this URL, with the environment filling in what the
    /// URL does not say (see [`DatabaseUrl`]). Fails on an environment variable sqlwright
    /// cannot honour, such as `PGSSLMODE=sometimes` or `PGSSLMODE=verify-full` without a
    /// root certificate.
    pub(crate) fn to_config(&self) -> Result<Config, Error> {
        self.to_config_with(process_env)
    }

    /// [`DatabaseUrl::to_config`] with `env` looking up environment variables.
    pub(super) fn to_config_with(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, Error> {
        if self.dialect != Dialect::Postgres {
            return Err(bad(
                "scheme",
                format!(
                    "a PostgreSQL connection needs a postgres:// URL, not a {} one",
                    self.dialect
                ),
            ));
        }
        let env = |var: &str| env(var).filter(|v| !v.is_empty());
        let text = |v: &str| Ok(v.to_string());
        self.check_lists()?;
        let hosts: Vec<Option<String>> = if self.host.is_some() || !self.more_hosts.is_empty() {
            self.host_list()
                .into_iter()
                .map(|h| h.map(str::to_string))
                .collect()
        } else {
            from_env(&env, "PGHOST", parse_host_list)?.unwrap_or_else(|| vec![None])
        };
        let ports: Vec<Option<u16>> = if self.port.is_some() || !self.more_ports.is_empty() {
            self.port_list()
        } else {
            from_env(&env, "PGPORT", parse_port_list)?.unwrap_or_else(|| vec![None])
        };
        if ports.len() != 1 && ports.len() != hosts.len() {
            return Err(bad(
                "port",
                format!(
                    "{} ports for {} hosts: give one port for all, or one per host",
                    ports.len(),
                    hosts.len()
                ),
            ));
        }
        let hosts: Vec<(Host, u16)> = hosts
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let host = match h {
                    Some(h) if h.starts_with('/') => Host::Unix(h.into()),
                    Some(h) => Host::Tcp(h),
                    None => Host::Tcp("localhost".to_string()),
                };
                let port = if ports.len() == 1 { ports[0] } else { ports[i] };
                (host, port.unwrap_or(5432))
            })
            .collect();
        let (host, port) = hosts[0].clone();
        let hosts = if hosts.len() > 1 { hosts } else { Vec::new() };
        let user = match &self.user {
            Some(u) => u.clone(),
            None => env("PGUSER")
                .or_else(|| env("USER"))
                .unwrap_or_else(|| "postgres".to_string()),
        };
        let path = |name: &'static str| move |v: &str| parse_file(name, v);
        let tls = tls_settings(
            self.setting("sslmode", "PGSSLMODE", &env, parse_sslmode)?,
            self.setting("sslrootcert", "PGSSLROOTCERT", &env, parse_root_certs)?,
            self.setting("sslcert", "PGSSLCERT", &env, path("sslcert"))?,
            self.setting("sslkey", "PGSSLKEY", &env, path("sslkey"))?,
            self.setting("sslsni", "PGSSLSNI", &env, parse_sslsni)?,
            self.setting(
                "channel_binding",
                "PGCHANNELBINDING",
                &env,
                parse_channel_binding,
            )?,
        )?;
        Ok(Config {
            host,
            port,
            user,
            password: self.password.clone().or_else(|| env("PGPASSWORD")),
            dbname: self.database.clone().or_else(|| env("PGDATABASE")),
            options: self.param("options").map(str::to_string),
            application_name: self.setting("application_name", "PGAPPNAME", &env, text)?,
            connect_timeout: self
                .setting(
                    "connect_timeout",
                    "PGCONNECT_TIMEOUT",
                    &env,
                    parse_connect_timeout,
                )?
                .unwrap_or(Duration::from_secs(10)),
            keepalive: keepalive(|name| self.param(name))?,
            auth: self
                .setting("require_auth", "PGREQUIREAUTH", &env, parse_require_auth)?
                .unwrap_or_default(),
            tls,
            hosts,
            session_attrs: self
                .setting(
                    "target_session_attrs",
                    "PGTARGETSESSIONATTRS",
                    &env,
                    TargetSessionAttrs::parse,
                )?
                .unwrap_or_default(),
            load_balance: self
                .setting(
                    "load_balance_hosts",
                    "PGLOADBALANCEHOSTS",
                    &env,
                    parse_load_balance,
                )?
                .unwrap_or(false),
            all_hosts_by: None,
            peer: None,
        })
    }

    /// Parameter `name` read by `read`, or else environment variable `var`.
    pub(super) fn setting<T>(
        &self,
        name: &str,
        var: &str,
        env: &impl Fn(&str) -> Option<String>,
        read: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.param(name) {
            Some(value) => read(value).map(Some),
            None => from_env(env, var, read),
        }
    }
}
