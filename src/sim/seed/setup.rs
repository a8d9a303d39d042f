//! Tenant setup: members, priorities, service boards with statuses and types, work types,
//! work roles and charge codes.

use serde_json::Value;

use super::Gen;
use super::reference_data as data;
use super::time::{START, date, ts};
use super::world::{Board, Member, Status, info, named, rec};

/// The MSP's e-mail domain.
pub(crate) const MSP_DOMAIN: &str = "bluebirdtech.com";

/// (identifier, first, last, title, work role id). The last one is the integration's API member.
const MEMBERS: &[(&str, &str, &str, &str, i64)] = &[
    ("JSmith", "John", "Smith", "Senior Systems Engineer", 2),
    ("AJones", "Amanda", "Jones", "Help Desk Technician", 1),
    ("MGarcia", "Miguel", "Garcia", "Help Desk Technician", 1),
    ("CLee", "Christine", "Lee", "Systems Engineer", 2),
    ("DPatel", "Dev", "Patel", "Network Engineer", 3),
    ("RNguyen", "Ryan", "Nguyen", "Help Desk Technician", 1),
    ("KBrown", "Kelly", "Brown", "Systems Engineer", 2),
    ("TWilson", "Tom", "Wilson", "Network Engineer", 3),
    ("LHall", "Laura", "Hall", "Service Manager", 4),
    ("SMartinez", "Sofia", "Martinez", "Project Manager", 4),
    ("BCarter", "Brian", "Carter", "Account Manager", 5),
    ("APIMember", "API", "Member", "API Member", 1),
];

const WORK_ROLES: &[(&str, f64)] = &[
    ("Help Desk Technician", 125.0),
    ("Systems Engineer", 165.0),
    ("Network Engineer", 175.0),
    ("Project Manager", 150.0),
    ("Account Manager", 0.0),
];

/// (name, billTime)
pub(crate) const WORK_TYPES: &[(&str, &str)] = &[
    ("Remote Support", "Billable"),
    ("Onsite Support", "Billable"),
    ("After Hours Support", "Billable"),
    ("Project Work", "Billable"),
    ("Admin", "NoCharge"),
];

pub(crate) const CHARGE_CODES: &[&str] = &["Internal Meeting", "Training", "Administration", "Travel"];

/// (board name, is a project board, types as (name, category))
type BoardSetup = (&'static str, bool, &'static [(&'static str, &'static str)]);
const BOARDS: &[BoardSetup] = &[
    (
        "Service Desk",
        false,
        &[
            ("Incident", "Reactive"),
            ("Service Request", "Reactive"),
            ("Problem", "Reactive"),
            ("Change Request", "Proactive"),
        ],
    ),
    (
        "Network Operations",
        false,
        &[
            ("Incident", "Reactive"),
            ("Maintenance", "Proactive"),
            ("Change Request", "Proactive"),
        ],
    ),
    (
        "Alerts",
        false,
        &[
            ("Monitoring Alert", "Reactive"),
            ("Backup Alert", "Reactive"),
            ("Security Alert", "Reactive"),
        ],
    ),
    (
        "Projects",
        true,
        &[
            ("Implementation", "Proactive"),
            ("Migration", "Proactive"),
            ("Infrastructure", "Proactive"),
        ],
    ),
];

/// (name, closed, escalation status, portal description). Every board has these.
pub(crate) const STATUSES: &[(&str, bool, &str, &str)] = &[
    ("New", false, "NotResponded", "Received"),
    ("In Progress", false, "Responded", "Being worked on"),
    (
        "Waiting on Client",
        false,
        "ResolutionPlan",
        "Waiting for your reply",
    ),
    ("Scheduled", false, "ResolutionPlan", "Visit scheduled"),
    ("Completed", true, "Resolved", "Resolved"),
    ("Closed", true, "Resolved", "Closed"),
];

/// (name, color, sort)
const PRIORITIES: &[(&str, &str)] = &[
    ("Priority 1 - Emergency Response", "Red"),
    ("Priority 2 - Quick Response", "Orange"),
    ("Priority 3 - Normal Response", "Green"),
    ("Priority 4 - Low", "Blue"),
];

const SETUP_BY: &str = "LHall";

pub(super) fn generate(g: &mut Gen) {
    let setup = date(2023, 1, 9) + 16 * 3600;
    members(g, setup);
    let priorities = PRIORITIES
        .iter()
        .enumerate()
        .map(|(i, &(name, color))| {
            let id = i as i64 + 1;
            g.priorities.push((id, name, id));
            rec!({
                "id": id, "name": name, "color": color, "sortOrder": id,
                "defaultFlag": id == 3, "_info": info(setup, SETUP_BY, setup, SETUP_BY),
            })
        })
        .collect();
    g.put("/service/priorities", priorities);
    boards(g, setup);
    time_setup(g, setup);
}

/// The member every other member reports to (the service manager, `LHall`).
fn manager_reference() -> Value {
    let (i, &(identifier, first, last, _, _)) = MEMBERS
        .iter()
        .enumerate()
        .find(|(_, m)| m.3 == "Service Manager")
        .expect("a service manager");
    rec!({"id": i as i64 + 1, "identifier": identifier, "name": format!("{first} {last}")})
}

fn members(g: &mut Gen, setup: i64) {
    let manager = manager_reference();
    let mut records = Vec::new();
    for (i, &(identifier, first, last, title, role)) in MEMBERS.iter().enumerate() {
        let id = i as i64 + 1;
        let api = title == "API Member";
        let email = format!("{}.{}@{MSP_DOMAIN}", first.to_lowercase(), last.to_lowercase());
        let hired = date(2016 + (i as i64 * 7) % 9, 1 + (i as i64 * 5) % 12, 1 + i as i64) + 16 * 3600;
        let department = if title == "Project Manager" { 2 } else { 1 };
        records.push(rec!({
            "id": id,
            "identifier": identifier,
            "firstName": first,
            "lastName": last,
            "title": title,
            "licenseClass": if api { "A" } else { "F" },
            "type": named(if api { 3 } else { 1 }, if api { "API" } else { "Employee" }),
            "officeEmail": &email,
            "primaryEmail": email,
            "defaultEmail": "Office",
            "officePhone": "2065550100",
            "officeExtension": format!("{}", 200 + id),
            "mobilePhone": format!("206555{:04}", 1100 + id * 17),
            "defaultPhone": "Office",
            "hireDate": ts(hired.min(START)),
            "inactiveFlag": false,
            "adminFlag": title == "Service Manager",
            "securityRole": named(if api { 9 } else { 2 }, if api { "API Integration" } else { "Technician" }),
            "workRole": named(role, WORK_ROLES[role as usize - 1].0),
            "workType": named(1, WORK_TYPES[0].0),
            "timeZone": data::member_time_zone(identifier),
            "serviceDefaultBoard": named(if title == "Network Engineer" { 2 } else { 1 },
                if title == "Network Engineer" { "Network Operations" } else { "Service Desk" }),
            "dailyCapacity": 8.0,
            "hourlyCost": 45.0 + (i as f64) * 2.5,
            "hourlyRate": WORK_ROLES[role as usize - 1].1,
            "includeInUtilizationReportingFlag": !api,
            "requireTimeSheetEntryFlag": !api,
            "requireStartAndEndTimeOnTimeEntryFlag": true,
            "enableMobileFlag": !api,
            "disableOnlineFlag": api,
            "country": super::company::us(),
            "defaultLocation": data::system_location(),
            "defaultDepartment": data::department(department),
            "serviceDefaultLocation": data::system_location(),
            "serviceDefaultDepartment": data::department(1),
            "projectDefaultLocation": data::system_location(),
            "projectDefaultDepartment": data::department(2),
            "scheduleDefaultLocation": data::system_location(),
            "scheduleDefaultDepartment": data::department(department),
            "salesDefaultLocation": data::system_location(),
            "securityLocation": data::system_location(),
            "reportsTo": manager.clone(),
            "timeApprover": manager.clone(),
            "expenseApprover": manager.clone(),
            "timeSheetStartDate": ts(hired.min(START)),
            "lastLogin": ts(START + 80 * 86_400 + 15 * 3600 + id * 7 * 60),
            "billableForecast": if api { 0.0 } else { 75.0 },
            "minimumHours": if api { 0.0 } else { 8.0 },
            "scheduleCapacity": if api { 0.0 } else { 8.0 },
            "daysTolerance": 1,
            "enterTimeAgainstCompanyFlag": true,
            "allowExpensesEnteredAgainstCompaniesFlag": true,
            "allowInCellEntryOnTimeSheet": false,
            "calendarSyncIntegrationFlag": false,
            "enableLdapAuthenticationFlag": false,
            "enableMobileGpsFlag": false,
            "hideMemberInDispatchPortalFlag": api,
            "requireExpenseEntryFlag": false,
            "restrictDefaultSalesTerritoryFlag": false,
            "restrictDefaultWarehouseBinFlag": false,
            "restrictDefaultWarehouseFlag": false,
            "restrictDepartmentFlag": false,
            "restrictLocationFlag": false,
            "restrictProjectDefaultDepartmentFlag": false,
            "restrictProjectDefaultLocationFlag": false,
            "restrictScheduleFlag": false,
            "restrictServiceDefaultDepartmentFlag": false,
            "restrictServiceDefaultLocationFlag": false,
            "timeReminderEmailFlag": !api,
            "toastNotificationFlag": false,
            "companyActivityTabFormat": "SummaryList",
            "invoiceTimeTabFormat": "SummaryList",
            "invoiceScreenDefaultTabFormat": "ShowInvoicingTab",
            "invoicingDisplayOptions": "RemainOnInvoicingScreen",
            "agreementInvoicingDisplayOptions": "RemainOnInvoicingScreen",
            "_info": info(setup, SETUP_BY, setup, SETUP_BY),
        }));
        g.members.push(Member {
            id,
            identifier: identifier.to_string(),
            name: format!("{first} {last}"),
            title,
        });
    }
    for record in &mut records {
        let identifier = record["identifier"].as_str().unwrap_or_default();
        if let Some(calendar) = data::member_calendar(identifier) {
            record["calendar"] = calendar;
        }
    }
    g.put("/system/members", records);
}

fn boards(g: &mut Gen, setup: i64) {
    let manager = g.members[g.member_titled("Service Manager")].reference();
    let mut boards = Vec::new();
    let (mut status_id, mut type_id) = (0, 0);
    for (i, &(name, project, types)) in BOARDS.iter().enumerate() {
        let id = i as i64 + 1;
        let board_ref = named(id, name);
        let mut board = Board {
            id,
            name,
            statuses: Vec::new(),
            types: Vec::new(),
        };
        let mut statuses = Vec::new();
        for (sort, &(status, closed, escalation, portal)) in STATUSES.iter().enumerate() {
            status_id += 1;
            board.statuses.push(Status {
                id: status_id,
                name: status,
                closed,
            });
            statuses.push(rec!({
                "id": status_id, "name": status, "board": &board_ref, "sortOrder": sort,
                "displayOnBoard": true, "inactive": false, "closedStatus": closed,
                "timeEntryNotAllowed": status == "Closed", "defaultFlag": sort == 0,
                "escalationStatus": escalation, "customerPortalDescription": portal,
                "customerPortalFlag": true, "_info": info(setup, SETUP_BY, setup, SETUP_BY),
            }));
        }
        let mut type_records = Vec::new();
        for (k, &(type_name, category)) in types.iter().enumerate() {
            type_id += 1;
            board.types.push((type_id, type_name));
            type_records.push(rec!({
                "id": type_id, "name": type_name, "category": category, "defaultFlag": k == 0,
                "inactiveFlag": false, "requestForChangeFlag": type_name == "Change Request",
                "board": &board_ref, "_info": info(setup, SETUP_BY, setup, SETUP_BY),
            }));
        }
        let team = data::team(g, i, id);
        g.put(&format!("/service/boards/{id}/teams"), vec![team]);
        g.put(&format!("/service/boards/{id}/statuses"), statuses);
        g.put(&format!("/service/boards/{id}/types"), type_records);
        boards.push(board_record(&board, project, &manager, setup));
        g.boards.push(board);
    }
    g.put("/service/boards", boards);
}

fn board_record(board: &Board, project: bool, manager: &Value, setup: i64) -> Value {
    rec!({
        "id": board.id,
        "name": board.name,
        "location": data::system_location(),
        "department": data::department(if project { 2 } else { 1 }),
        "inactiveFlag": false,
        "projectFlag": project,
        "serviceManagerMember": manager,
        "dispatchMember": manager,
        "workRole": named(1, WORK_ROLES[0].0),
        "workType": named(if project { 4 } else { 1 }, if project { "Project Work" } else { "Remote Support" }),
        "billTime": "Billable",
        "billExpense": "Billable",
        "billProduct": "Billable",
        "autoCloseStatus": named(board.status("Closed").id, "Closed"),
        "timeEntryDiscussionFlag": true,
        "timeEntryResolutionFlag": false,
        "timeEntryInternalAnalysisFlag": false,
        "dutyManagerMember": manager,
        "oncallMember": manager,
        "sendToContactFlag": !project,
        "sendToResourceFlag": true,
        "sendToCCFlag": false,
        "autoAssignNewTicketsFlag": false,
        "autoAssignNewECTicketsFlag": false,
        "autoAssignNewPortalTicketsFlag": false,
        "autoAssignTicketOwnerFlag": true,
        "closedLoopDiscussionsFlag": false,
        "closedLoopResolutionFlag": false,
        "closedLoopInternalAnalysisFlag": false,
        "closedLoopAllFlag": false,
        "discussionsLockedFlag": false,
        "timeEntryLockedFlag": false,
        "markFirstNoteIssueFlag": false,
        "restrictBoardByDefaultFlag": false,
        "useMemberDisplayNameFlag": false,
        "showDependenciesFlag": project,
        "showEstimatesFlag": project,
        "billTicketsAfterClosedFlag": false,
        "billTicketSeparatelyFlag": false,
        "billUnapprovedTimeExpenseFlag": false,
        "overrideBillingSetupFlag": false,
        "problemSort": "Ascending",
        "resolutionSort": "Ascending",
        "internalAnalysisSort": "Ascending",
        "_info": info(setup, SETUP_BY, setup, SETUP_BY),
    })
}

fn time_setup(g: &mut Gen, setup: i64) {
    let msp = rec!({"id": 1, "identifier": super::company::MSP.1, "name": super::company::MSP.0});
    let roles = WORK_ROLES
        .iter()
        .enumerate()
        .map(|(i, &(name, rate))| {
            rec!({"id": i + 1, "name": name, "hourlyRate": rate, "inactiveFlag": false,
                "_info": info(setup, SETUP_BY, setup, SETUP_BY)})
        })
        .collect();
    g.put("/time/workRoles", roles);
    let types = WORK_TYPES
        .iter()
        .enumerate()
        .map(|(i, &(name, bill))| {
            rec!({"id": i + 1, "name": name, "billTime": bill, "rateType": "Multiplier",
                "rate": if name == "After Hours Support" { 1.5 } else { 1.0 },
                "hoursMin": 0.25, "roundBillHoursTo": 0.25, "inactiveFlag": false,
                "overallDefaultFlag": i == 0, "activityDefaultFlag": false,
                "utilizationFlag": bill == "Billable", "costMultiplier": 1.0,
                "_info": info(setup, SETUP_BY, setup, SETUP_BY)})
        })
        .collect();
    g.put("/time/workTypes", types);
    let codes = CHARGE_CODES
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            rec!({"id": i + 1, "name": name, "company": &msp, "billTime": "NoCharge",
                "expenseEntryFlag": name == "Travel", "allowAllExpenseTypeFlag": false,
                "timeEntryFlag": true, "workType": named(5, "Admin"),
                "_info": info(setup, SETUP_BY, setup, SETUP_BY)})
        })
        .collect();
    g.put("/time/chargeCodes", codes);
}
