//! Plugs the [`Transport`] into the generated client: every generated call
//! passes through `pre` (host guard, headers, the company limit) and `exec` (retries, and the
//! answer's bytes kept for [`read`](super::read) when a read waits for them).

use super::generated::Client;
use super::transport::Transport;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

impl ClientHooks<Transport> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        self.inner().ready(request).await.map_err(Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.inner().send(request).await?;
        super::read::capture(info.operation_id, response).await
    }
}
