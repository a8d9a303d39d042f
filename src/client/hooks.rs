//! Plugs the [`Transport`] into the generated client: every generated call
//! passes through `pre` (host guard, headers) and `exec` (retries).

use super::generated::Client;
use super::transport::Transport;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

impl ClientHooks<Transport> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        self.inner().prepare(request).map_err(Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().send(request).await
    }
}
