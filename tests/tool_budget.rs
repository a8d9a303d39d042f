//! What the tool list costs a model, in tokens (o200k_base, via
//! tiktoken-rs), as a client receives it from the real binary over MCP
//! stdio: the default list within its budget, and every tool on within its
//! average. The budgets are the issue's: the default list no larger than
//! before reports (about 4,700 tokens) plus the code tool (about 5,100 in
//! all), and at most 200 tokens per tool with everything on. Whatever the
//! registry holds is measured, so a new toolset or report is counted here
//! without a change to this file.
//!
//! `cargo test --test tool_budget -- --nocapture` prints the numbers.

mod support;

use support::mcp::{connect_offline, list_tools};

/// The default list, in tokens.
const DEFAULT_BUDGET: usize = 5_100;
/// Tokens per tool, on average, with every toolset, writes and deletes on.
const PER_TOOL_BUDGET: usize = 200;

async fn measure(args: &[&str]) -> (usize, usize) {
    let client = connect_offline(args).await;
    let tools = list_tools(&client).await;
    client.cancel().await.ok();
    let bpe = tiktoken_rs::o200k_base().expect("o200k_base");
    let json = serde_json::to_string(&tools).expect("JSON");
    (tools.len(), bpe.encode_with_special_tokens(&json).len())
}

#[tokio::test]
async fn the_tool_list_stays_within_its_token_budget() {
    let (count, tokens) = measure(&[]).await;
    println!("default: {count} tools, {tokens} tokens (budget {DEFAULT_BUDGET})");
    assert!(
        tokens <= DEFAULT_BUDGET,
        "the default tool list is {tokens} tokens, over its budget of {DEFAULT_BUDGET}: \
         keep new toolsets off by default and descriptions short"
    );

    let (count, tokens) = measure(&["--toolsets", "all", "--allow-writes", "--allow-deletes"]).await;
    let average = tokens / count;
    println!("everything on: {count} tools, {tokens} tokens, {average} per tool (budget {PER_TOOL_BUDGET})");
    assert!(
        average <= PER_TOOL_BUDGET,
        "with everything on the tool list is {tokens} tokens for {count} tools, {average} per tool, \
         over the budget of {PER_TOOL_BUDGET}"
    );
}
