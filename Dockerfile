# connectwise-mcp as a shared HTTP server for a team.
#   docker build -t connectwise-mcp .
#   docker run -p 3000:3000 -e CW_SITE=… -e MCP_TOKENS_EDITOR=alice:… connectwise-mcp
# Try it without ConnectWise: docker run -p 3000:3000 -e MCP_INSECURE_NO_AUTH=true connectwise-mcp --demo serve --http --bind 0.0.0.0:3000
# See docs/deploy/README.md.

FROM rust:1.88-bookworm AS build
WORKDIR /src
# Everything the build reads (build.rs generates the client from spec/).
COPY Cargo.toml Cargo.lock rustfmt.toml build.rs ./
COPY spec spec
COPY src src
COPY xtask xtask
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin connectwise-mcp \
 && strip target/release/connectwise-mcp

# glibc and libgcc, no shell, no package manager, user 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/connectwise-mcp /usr/local/bin/connectwise-mcp
USER nonroot:nonroot
ENV MCP_BIND=0.0.0.0:3000 \
    MCP_AUDIT=stderr \
    MCP_HEALTH_URL=http://127.0.0.1:3000/health
EXPOSE 3000
# The binary checks itself: the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/connectwise-mcp", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/connectwise-mcp"]
CMD ["serve", "--http"]
