//! The simulator's list query parameters, each pinned by one test.

mod support;

use serde_json::Value;
use support::sim::{get, ids, list, request, send_json, start_sim};

#[tokio::test]
async fn conditions_filter_records_with_connectwise_semantics() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[
            ("conditions", r#"status/name="new" and company/identifier="ACME""#),
            ("pageSize", "1000"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let expected: Vec<i64> = sim
        .records("/service/tickets")
        .iter()
        .filter(|t| t["status"]["name"] == "New" && t["company"]["identifier"] == "ACME")
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&body), expected);
}

#[tokio::test]
async fn conditions_on_audit_fields_read_info() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[
            ("conditions", "lastUpdated > [2026-11-01T00:00:00Z]"),
            ("pageSize", "1000"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let expected = sim
        .records("/service/tickets")
        .iter()
        .filter(|t| t["_info"]["lastUpdated"].as_str().unwrap() > "2026-11-01T00:00:00Z")
        .count();
    assert!(expected > 0);
    assert_eq!(body.as_array().unwrap().len(), expected);
}

#[tokio::test]
async fn a_malformed_condition_is_a_400_saying_where() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[("conditions", r#"status/name = "New" and"#)],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidObject");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("conditions is invalid: at position"),
        "{message}"
    );
    assert_eq!(body["errors"][0]["field"], "conditions");
}

#[tokio::test]
async fn an_unknown_field_in_conditions_is_a_400_naming_it() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[("conditions", r#"stauts/name = "New""#)],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidObject");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("stauts"), "{message}");
    assert!(message.contains("status"), "suggests the close name: {message}");
}

#[tokio::test]
async fn a_child_collection_field_in_conditions_is_a_400() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/company/contacts",
        &[(
            "conditions",
            r#"communicationItems/value like "%@acmedental.com""#,
        )],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("childConditions"),
        "{body}"
    );
}

#[tokio::test]
async fn child_conditions_match_any_element_of_a_child_collection() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/company/contacts",
        &[
            (
                "childConditions",
                r#"communicationItems/value like "%@acmedental.com""#,
            ),
            ("pageSize", "1000"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let expected: Vec<i64> = sim
        .records("/company/contacts")
        .iter()
        .filter(|c| {
            c["communicationItems"].as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i["value"].as_str().unwrap_or("").ends_with("@acmedental.com"))
            })
        })
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&body), expected);
}

#[tokio::test]
async fn custom_field_conditions_match_a_caption_value_pair() {
    let sim = start_sim().await;
    sim.insert(
        "/company/companies",
        serde_json::json!({"id": 9001, "identifier": "West1", "name": "West One",
            "customFields": [{"id": 1, "caption": "Region", "type": "Text", "value": "West"}]}),
    );
    sim.insert(
        "/company/companies",
        serde_json::json!({"id": 9002, "identifier": "East1", "name": "East One",
            "customFields": [{"id": 1, "caption": "Region", "type": "Text", "value": "East"}]}),
    );
    let (status, _, body) = list(
        &sim,
        "/company/companies",
        &[("customFieldConditions", r#"caption="Region" and value="West""#)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), vec![9001]);
}

#[tokio::test]
async fn order_by_sorts_on_nested_fields_then_id() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[
            ("orderBy", "company/name asc, id desc"),
            ("pageSize", "1000"),
            ("fields", "id,company/name"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let rows = body.as_array().unwrap();
    assert_eq!(rows.len(), 200);
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (an, bn) = (
            a["company"]["name"].as_str().unwrap().to_lowercase(),
            b["company"]["name"].as_str().unwrap().to_lowercase(),
        );
        assert!(
            an < bn || (an == bn && a["id"].as_i64() > b["id"].as_i64()),
            "{a} before {b}"
        );
    }
}

#[tokio::test]
async fn order_by_an_unknown_field_is_a_400() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets", &[("orderBy", "nosuchfield desc")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "orderBy");
}

#[tokio::test]
async fn fields_project_nested_paths() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[
            ("fields", "id,summary,status/name,company/name"),
            ("pageSize", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let first = &sim.records("/service/tickets")[0];
    assert_eq!(
        body[0],
        serde_json::json!({
            "id": first["id"],
            "summary": first["summary"],
            "status": {"name": first["status"]["name"]},
            "company": {"name": first["company"]["name"]},
        })
    );
}

#[tokio::test]
async fn fields_project_a_single_record_too() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets/8", &[("fields", "id,status/name")]).await;
    assert_eq!(status, 200);
    let record = sim.get("/service/tickets", 8).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"id": 8, "status": {"name": record["status"]["name"]}})
    );
}

#[tokio::test]
async fn page_size_defaults_to_25() {
    let sim = start_sim().await;
    let (_, _, body) = list(&sim, "/service/tickets", &[]).await;
    assert_eq!(ids(&body), (1..=25).collect::<Vec<i64>>());
}

#[tokio::test]
async fn page_and_page_size_select_a_window_in_id_order() {
    let sim = start_sim().await;
    let (_, _, body) = list(&sim, "/service/tickets", &[("page", "3"), ("pageSize", "10")]).await;
    assert_eq!(ids(&body), (21..=30).collect::<Vec<i64>>());
}

#[tokio::test]
async fn page_size_above_1000_is_clamped_to_1000() {
    let sim = start_sim().await;
    for i in 0..1100 {
        sim.insert(
            "/service/priorities",
            serde_json::json!({"id": 100 + i, "name": format!("P{i}")}),
        );
    }
    let (status, link, body) = list(&sim, "/service/priorities", &[("pageSize", "5000")]).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 1000);
    assert!(link.unwrap().contains("pageSize=1000&page=2"));
}

#[tokio::test]
async fn a_page_size_that_is_not_a_number_is_a_400() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets", &[("pageSize", "lots")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "pageSize");
}

#[tokio::test]
async fn link_header_has_next_while_more_pages_exist() {
    let sim = start_sim().await;
    let (_, link, _) = list(
        &sim,
        "/service/tickets",
        &[("pageSize", "50"), ("conditions", "id > 0")],
    )
    .await;
    let link = link.expect("a Link header");
    let base = sim.base_url();
    assert_eq!(
        link,
        format!(
            r#"<{base}/service/tickets?conditions=id+%3E+0&pageSize=50&page=2>; rel="next", <{base}/service/tickets?conditions=id+%3E+0&pageSize=50&page=4>; rel="last""#
        )
    );
}

#[tokio::test]
async fn one_page_of_everything_has_no_link_header() {
    let sim = start_sim().await;
    let (_, link, body) = list(&sim, "/service/boards", &[]).await;
    assert_eq!(body.as_array().unwrap().len(), 4);
    assert_eq!(link, None);
}

#[tokio::test]
async fn link_header_has_first_prev_next_last_for_sorted_navigable_pages() {
    let sim = start_sim().await;
    let (_, link, _) = list(
        &sim,
        "/service/tickets",
        &[("pageSize", "50"), ("page", "2"), ("orderBy", "id desc, summary")],
    )
    .await;
    let link = link.expect("a Link header");
    for rel in ["first", "prev", "next", "last"] {
        assert!(link.contains(&format!("rel=\"{rel}\"")), "{rel} in {link}");
    }
    assert!(link.contains("page=4>; rel=\"last\""), "{link}");
}

#[tokio::test]
async fn the_last_page_has_no_next_link() {
    let sim = start_sim().await;
    let (_, link, body) = list(&sim, "/service/tickets", &[("pageSize", "50"), ("page", "4")]).await;
    assert_eq!(body.as_array().unwrap().len(), 50);
    let link = link.unwrap_or_default();
    assert!(!link.contains("rel=\"next\""), "{link}");
    assert!(link.contains("rel=\"prev\""), "{link}");
}

#[tokio::test]
async fn forward_only_paging_continues_after_page_id() {
    let sim = start_sim().await;
    let response = get(&sim, "/service/tickets")
        .header("pagination-type", "forward-only")
        .query(&[("pageSize", "10"), ("pageId", "42"), ("fields", "summary")])
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap().to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 10);
    assert_eq!(
        body[0]["summary"],
        sim.get("/service/tickets", 43).unwrap()["summary"]
    );
    assert_eq!(
        link,
        format!(
            r#"<{}/service/tickets?fields=summary&pageSize=10&pageId=52>; rel="next""#,
            sim.base_url()
        )
    );
}

#[tokio::test]
async fn the_last_forward_only_page_has_an_empty_link_header() {
    let sim = start_sim().await;
    let last = sim.records("/service/tickets").last().unwrap()["id"]
        .as_i64()
        .unwrap();
    let response = get(&sim, "/service/tickets")
        .header("pagination-type", "forward-only")
        .query(&[("pageSize", "10"), ("pageId", &(last - 3).to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["link"],
        "",
        "clients follow links until the header is empty"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(ids(&body), ((last - 2)..=last).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_literal_of_the_wrong_kind_is_a_400_in_connectwise_words() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets", &[("conditions", "closedFlag = 1")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        connectwise_mcp::sim::errors::CONDITION_LITERAL_MESSAGE
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("String values should be enclosed with double or single quotes;")
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("closedFlag")
    );
}

#[tokio::test]
async fn count_returns_the_number_matching_the_same_conditions() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/service/tickets/count",
        &[("conditions", r#"status/name="New""#)],
    )
    .await;
    assert_eq!(status, 200);
    let expected = sim
        .records("/service/tickets")
        .iter()
        .filter(|t| t["status"]["name"] == "New")
        .count();
    assert_eq!(body, serde_json::json!({ "count": expected }));
}

#[tokio::test]
async fn child_collections_list_their_parents_records() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets/1/notes", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, Value::Array(sim.records("/service/tickets/1/notes")));
}

#[tokio::test]
async fn a_child_collection_of_a_missing_parent_is_a_404() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets/999999/notes", &[]).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
    assert!(body["message"].as_str().unwrap().contains("999999"));
}

#[tokio::test]
async fn get_by_id_returns_the_record() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets/7", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, sim.get("/service/tickets", 7).unwrap());
}

#[tokio::test]
async fn an_unknown_id_is_a_404() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/tickets/123456", &[]).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
    assert_eq!(body["message"], "Ticket 123456 not found");
}

#[tokio::test]
async fn an_unknown_path_is_a_404() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/service/nosuchthing", &[]).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
}

#[tokio::test]
async fn a_method_the_spec_lacks_is_a_405() {
    let sim = start_sim().await;
    let (status, body) = send_json(&sim, reqwest::Method::DELETE, "/service/tickets", &Value::Null).await;
    assert_eq!(status, 405);
    assert_eq!(body["code"], "MethodNotAllowed");
}

#[tokio::test]
async fn responses_carry_the_connectwise_media_type() {
    let sim = start_sim().await;
    let response = get(&sim, "/service/boards").send().await.unwrap();
    assert_eq!(
        response.headers()["content-type"],
        connectwise_mcp::spec::MEDIA_TYPE
    );
}

#[tokio::test]
async fn my_account_is_the_member_behind_the_keys() {
    let sim = start_sim().await;
    let (status, _, body) = list(&sim, "/system/myAccount", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["identifier"], "APIMember");
}

#[tokio::test]
async fn conditions_see_writes_made_after_earlier_queries() {
    let sim = start_sim().await;
    let query = [(
        "conditions",
        r#"summary = "Fresh summary" and status/name = "New""#,
    )];
    let (_, _, before) = list(&sim, "/service/tickets/count", &query).await;
    assert_eq!(before["count"], 0);
    let (status, _) = send_json(
        &sim,
        reqwest::Method::POST,
        "/service/tickets",
        &serde_json::json!({"summary": "Fresh summary", "board": {"id": 1}}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, _, after) = list(&sim, "/service/tickets/count", &query).await;
    assert_eq!(after["count"], 1);
}

#[tokio::test]
async fn text_equality_ignores_case_and_trailing_spaces() {
    let sim = start_sim().await;
    let (_, _, exact) = list(
        &sim,
        "/service/tickets/count",
        &[("conditions", r#"status/name = "New""#)],
    )
    .await;
    let (_, _, loose) = list(
        &sim,
        "/service/tickets/count",
        &[("conditions", r#"status/name = "nEW  ""#)],
    )
    .await;
    assert!(exact["count"].as_u64().unwrap() > 0);
    assert_eq!(exact, loose);
}

#[tokio::test]
async fn garbage_input_is_a_4xx_never_a_5xx() {
    let sim = start_sim().await;
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("/service/tickets", &[("conditions", "((((((")]),
        ("/service/tickets", &[("conditions", "\u{0}\u{ffff}é\"")]),
        ("/service/tickets", &[("orderBy", "summary sideways")]),
        ("/service/tickets", &[("page", "-3")]),
        ("/service/tickets", &[("pageId", "abc")]),
        ("/service/tickets", &[("fields", "////,,,")]),
        ("/service/tickets/%E2%82%AC", &[]),
        ("/service/tickets/99999999999999999999", &[]),
        ("/system/members/%ZZ%", &[]),
    ];
    for (path, query) in cases {
        let response = get(&sim, path).query(query).send().await.unwrap();
        let status = response.status().as_u16();
        assert!(status < 500, "{path} {query:?} answered {status}");
    }
    for body in ["[", "null", "[1,2]", "{\"summary\": {\"deep\": [[[[1]]]]}}"] {
        for (method, path) in [
            (reqwest::Method::POST, "/service/tickets"),
            (reqwest::Method::PATCH, "/service/tickets/1"),
        ] {
            let response = request(&sim, method.clone(), path)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "{method} {path} {body} answered {status}"
            );
        }
    }
}
