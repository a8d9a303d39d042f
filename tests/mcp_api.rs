//! The whole API through the real binary over MCP stdio, against the
//! simulator: search, describe, `cw_call` (shaped lists, refusals, the tier
//! gate, body validation), extra operations from a config file, and saved
//! queries that survive a restart.

mod support;

use serde_json::json;
use support::bin::{offline_env, run, temp_path};
use support::mcp::{call, connect, failed, json_of, list_tools, names, records, text, tool_names};
use support::sim::{sim_env, start_sim};

#[tokio::test]
async fn search_then_describe_then_call_a_list_shaped_with_a_cursor() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let names = tool_names(&client).await;
    for tool in [
        "cw_search_endpoints",
        "cw_describe_endpoint",
        "cw_call",
        "cw_save_query",
    ] {
        assert!(names.iter().any(|n| n == tool), "{tool} is listed by default");
    }

    let found = json_of(
        &call(
            &client,
            "cw_search_endpoints",
            json!({"query": "devices with serial numbers", "limit": 3}),
        )
        .await
        .unwrap(),
    );
    let first = &records(&found)[0];
    assert_eq!(first["operation_id"], "getCompanyConfigurations", "{found}");
    assert_eq!(first["curated_tool"], "cw_search_configurations");

    let described = json_of(
        &call(
            &client,
            "cw_describe_endpoint",
            json!({"method": "POST", "path": "/service/tickets"}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(described["operation_id"], "postServiceTickets");
    let summary = described["body"]["fields"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("required") && summary.contains("max 100"),
        "{summary}"
    );

    let page = json_of(
        &call(
            &client,
            "cw_call",
            json!({"method": "GET", "path": "/service/tickets", "query": {"pageSize": 2, "orderBy": "id"}}),
        )
        .await
        .unwrap(),
    );
    let rows = records(&page);
    assert_eq!(rows.len(), 2);
    assert!(rows[0].get("_info").is_none(), "_info is dropped");
    let cursor = page["cursor"]
        .as_str()
        .expect("a full page offers a cursor")
        .to_owned();
    let next = json_of(
        &call(
            &client,
            "cw_call",
            json!({"method": "GET", "path": "/service/tickets", "cursor": cursor}),
        )
        .await
        .unwrap(),
    );
    assert_ne!(records(&next)[0]["id"], rows[0]["id"], "the cursor moves on");

    let one = json_of(
        &call(
            &client,
            "cw_call",
            json!({"method": "get", "path": "/service/tickets/1"}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(one["id"], 1);
}

#[tokio::test]
async fn paths_that_could_leave_the_api_are_refused_and_nothing_is_sent() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes", "--allow-deletes"], &sim_env(&sim)).await;
    sim.clear_request_log();
    for (path, why) in [
        ("/service/../system/members", "`..` segment"),
        ("/service/tickets/1%2F..%2F..%2Fsystem", "encoded slash"),
        ("http://evil.example/service/tickets", "scheme or host"),
        ("//evil.example/service/tickets", "scheme or host"),
        (
            "/service/tickets?conditions=id>0",
            "put query parameters in `query`",
        ),
        ("/service/tickets/abc", "must be an integer"),
        ("/service/tickets/1 OR 1=1", "whitespace"),
        ("/no/such/endpoint", "cw_search_endpoints"),
    ] {
        let r = call(&client, "cw_call", json!({"method": "GET", "path": path}))
            .await
            .unwrap();
        let t = failed(&r);
        assert!(t.contains(why) && t.contains("Nothing was sent"), "{path}: {t}");
    }
    let r = call(
        &client,
        "cw_call",
        json!({"method": "GET", "path": "/service/tickets", "query": {"conditions": "id>0", "url": "http://evil"}}),
    )
    .await
    .unwrap();
    assert!(failed(&r).contains("query.url: not a parameter"));
    assert!(
        sim.request_log().is_empty(),
        "nothing reached ConnectWise: {:?}",
        sim.request_log().len()
    );
}

#[tokio::test]
async fn writes_need_the_switch_and_bodies_are_checked_naming_the_field() {
    let sim = start_sim().await;
    let board = sim.records("/service/boards")[0]["id"].as_i64().unwrap();
    let company = sim.records("/company/companies")[0]["id"].as_i64().unwrap();
    let body =
        json!({"summary": "Raised through cw_call", "board": {"id": board}, "company": {"id": company}});
    let before = sim.records("/service/tickets").len();

    let read_only = connect(&[], &sim_env(&sim)).await;
    let r = call(
        &read_only,
        "cw_call",
        json!({"method": "POST", "path": "/service/tickets", "body": body}),
    )
    .await
    .unwrap();
    let t = failed(&r);
    assert!(t.contains("--allow-writes") && t.contains("not allowed"), "{t}");
    let r = call(
        &read_only,
        "cw_call",
        json!({"method": "DELETE", "path": "/service/tickets/1"}),
    )
    .await
    .unwrap();
    assert!(failed(&r).contains("--allow-deletes"));
    assert_eq!(sim.records("/service/tickets").len(), before);

    let writer = connect(&["--allow-writes"], &sim_env(&sim)).await;
    let r = call(
        &writer,
        "cw_call",
        json!({"method": "POST", "path": "/service/tickets", "body": {"board": {"id": board}, "summary": 5}}),
    )
    .await
    .unwrap();
    let t = failed(&r);
    assert!(
        t.contains("body.summary") && t.contains("must be a string"),
        "{t}"
    );
    let r = call(
        &writer,
        "cw_call",
        json!({"method": "PATCH", "path": "/service/tickets/1", "body": [{"op": "replace", "path": "sumary", "value": "x"}]}),
    )
    .await
    .unwrap();
    assert!(failed(&r).contains("body.0.path: Ticket has no field \"sumary\""));
    assert_eq!(sim.records("/service/tickets").len(), before);

    let created = json_of(
        &call(
            &writer,
            "cw_call",
            json!({"method": "POST", "path": "/service/tickets", "body": body}),
        )
        .await
        .unwrap(),
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        sim.get("/service/tickets", id).unwrap()["summary"],
        "Raised through cw_call"
    );
}

#[tokio::test]
async fn an_extra_operation_from_the_config_file_is_a_tool_of_its_own() {
    let sim = start_sim().await;
    sim.insert(
        "/procurement/purchaseorders",
        json!({"poNumber": "PO-0042", "closedFlag": false}),
    );
    let config = temp_path("extra.toml");
    std::fs::write(
        &config,
        "[server]\nextra_operations = [\"getProcurementPurchaseorders\", \"postProcurementPurchaseorders\"]\n",
    )
    .unwrap();
    let client = connect(&["--config", config.to_str().unwrap()], &sim_env(&sim)).await;
    let tools = list_tools(&client).await;
    let names = names(&tools);
    assert!(
        names.contains(&"cw_get_procurement_purchaseorders".to_owned()),
        "{names:?}"
    );
    assert!(
        !names.contains(&"cw_post_procurement_purchaseorders".to_owned()),
        "a write operation stays off without --allow-writes"
    );
    let tool = tools
        .iter()
        .find(|t| t.name == "cw_get_procurement_purchaseorders")
        .unwrap();
    assert!(tool.input_schema["properties"].get("conditions").is_some());
    let found = json_of(
        &call(
            &client,
            "cw_get_procurement_purchaseorders",
            json!({"conditions": "poNumber=\"PO-0042\""}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(records(&found)[0]["poNumber"], "PO-0042", "{found}");

    std::fs::write(
        &config,
        "[server]\nextra_operations = [\"getProcurementPurchaseOrder\"]\n",
    )
    .unwrap();
    let out = run(&["--config", config.to_str().unwrap(), "tools"], &offline_env());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown operation `getProcurementPurchaseOrder`")
            && err.contains("getProcurementPurchaseorders"),
        "{err}"
    );
    let _ = std::fs::remove_file(config);
}

#[tokio::test]
async fn saved_queries_survive_a_restart_and_a_saved_write_still_needs_the_switch() {
    let sim = start_sim().await;
    let db = temp_path("saved.sqlite3");
    let db_arg = db.to_str().unwrap().to_owned();
    let args = ["--saved-queries-db", db_arg.as_str()];
    {
        let client = connect(&args, &sim_env(&sim)).await;
        let saved = json_of(
            &call(
                &client,
                "cw_save_query",
                json!({"name": "two tickets", "method": "GET", "path": "/service/tickets", "query": {"pageSize": 2}}),
            )
            .await
            .unwrap(),
        );
        assert_eq!(saved["operation_id"], "getServiceTickets");
        json_of(
            &call(
                &client,
                "cw_save_query",
                json!({"name": "drop ticket 1", "method": "DELETE", "path": "/service/tickets/1"}),
            )
            .await
            .unwrap(),
        );
        client.cancel().await.unwrap();
    }
    let client = connect(&args, &sim_env(&sim)).await;
    let ran = json_of(
        &call(&client, "cw_run_saved_query", json!({"name": "two tickets"}))
            .await
            .unwrap(),
    );
    assert_eq!(records(&ran).len(), 2);
    let listed = json_of(&call(&client, "cw_list_saved_queries", json!({})).await.unwrap());
    assert_eq!(
        listed["items"][0]["name"], "two tickets",
        "most used first: {listed}"
    );
    assert_eq!(listed["items"][0]["uses"], 1);

    let r = call(&client, "cw_run_saved_query", json!({"name": "drop ticket 1"}))
        .await
        .unwrap();
    assert!(failed(&r).contains("--allow-deletes"));
    assert!(sim.get("/service/tickets", 1).is_some());

    json_of(
        &call(&client, "cw_delete_saved_query", json!({"name": "drop ticket 1"}))
            .await
            .unwrap(),
    );
    let listed = json_of(&call(&client, "cw_list_saved_queries", json!({})).await.unwrap());
    assert_eq!(listed["count"], 1);
    let _ = std::fs::remove_file(db);
}

#[tokio::test]
async fn saved_queries_are_found_by_words_of_their_name_description_or_path_and_cleared() {
    let sim = start_sim().await;
    let db = temp_path("saved-search.sqlite3");
    let db_arg = db.to_str().unwrap().to_owned();
    let client = connect(&["--saved-queries-db", db_arg.as_str()], &sim_env(&sim)).await;
    for (name, path, description) in [
        (
            "open POs",
            "/procurement/purchaseorders",
            "purchase orders not closed",
        ),
        ("new tickets", "/service/tickets", "the triage queue"),
        ("boards", "/service/boards", "every service board"),
        ("members", "/system/members", "Who works HERE"),
    ] {
        json_of(
            &call(
                &client,
                "cw_save_query",
                json!({"name": name, "method": "GET", "path": path, "description": description}),
            )
            .await
            .unwrap(),
        );
    }
    let found = |search: &'static str| {
        let client = &client;
        async move {
            let listed = json_of(
                &call(client, "cw_list_saved_queries", json!({"search": search}))
                    .await
                    .unwrap(),
            );
            let mut names: Vec<String> = listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(
        found("SERVICE").await,
        ["boards", "new tickets"],
        "by path, any case"
    );
    assert_eq!(found("triage").await, ["new tickets"], "by description");
    assert_eq!(found("here who").await, ["members"], "every word, in any order");
    assert_eq!(found("open pos").await, ["open POs"], "by name");
    assert!(found("service triage board").await.is_empty(), "all the words");
    assert_eq!(found("  ").await.len(), 4, "a blank search finds all");

    let deleted = json_of(
        &call(&client, "cw_delete_saved_query", json!({"matching": "service"}))
            .await
            .unwrap(),
    );
    assert_eq!(deleted["count"], 2, "{deleted}");
    assert_eq!(found("").await, ["members", "open POs"]);
    let none = call(&client, "cw_delete_saved_query", json!({"matching": "service"}))
        .await
        .unwrap();
    assert!(failed(&none).contains("no saved query has all of"), "{none:?}");
    for bad in [
        json!({}),
        json!({"name": "members", "all": true}),
        json!({"matching": " "}),
    ] {
        let refused = call(&client, "cw_delete_saved_query", bad.clone()).await.unwrap();
        assert!(
            failed(&refused).contains("invalid arguments"),
            "{bad}: {refused:?}"
        );
    }
    assert_eq!(found("").await.len(), 2, "a refused delete deletes nothing");
    let cleared = json_of(
        &call(&client, "cw_delete_saved_query", json!({"all": true}))
            .await
            .unwrap(),
    );
    assert_eq!(cleared["count"], 2, "{cleared}");
    assert!(found("").await.is_empty());
    let again = json_of(
        &call(&client, "cw_delete_saved_query", json!({"all": true}))
            .await
            .unwrap(),
    );
    assert_eq!(again["count"], 0, "clearing nothing is done: {again}");
    client.cancel().await.ok();
    let _ = std::fs::remove_file(db);
}

/// A list far over the answer cap comes in pieces, each under the cap and
/// ending with a cursor; following the cursors returns every record exactly
/// once.
#[tokio::test]
async fn a_list_over_the_cap_comes_in_pieces_and_the_cursors_return_every_record_once() {
    let sim = start_sim().await;
    let cap = 1000;
    let client = connect(&["--max-result-tokens", &cap.to_string()], &sim_env(&sim)).await;
    let mut args = json!({"page_size": 100, "fields": "id,summary,company/identifier,status/name"});
    let (mut ids, mut answers) = (Vec::new(), 0);
    loop {
        let result = call(&client, "cw_search_tickets", args.clone()).await.unwrap();
        let page = json_of(&result);
        answers += 1;
        let bytes = text(&result).len();
        assert!(
            connectwise_mcp::tool::AnswerCap::estimate(bytes) <= cap,
            "answer {answers}: {bytes} bytes"
        );
        ids.extend(records(&page).into_iter().map(|r| r["id"].as_i64().unwrap()));
        match page["cursor"].as_str() {
            Some(cursor) => args["cursor"] = json!(cursor),
            None => break,
        }
    }
    let mut want: Vec<i64> = sim
        .records("/service/tickets")
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    want.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        answers > want.len() / 100 + 1,
        "the cap cut pages: {answers} answers"
    );
    assert_eq!(ids, want, "every ticket once, newest first");
}

/// `--max-result-tokens` out of range is refused at start-up, by name.
#[test]
fn an_answer_cap_out_of_range_is_refused() {
    let out = run(&["--max-result-tokens", "10", "tools"], &offline_env());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_result_tokens") && err.contains("500"), "{err}");
}
