//! What tickets say. Placeholders: `{contact}` (the ticket's contact), `{new}` (another
//! person), `{server}`, `{fw}` (the company's devices), `{site}` (a site's city).

/// (summary, initial description, resolution, board type)
pub(crate) type Template = (&'static str, &'static str, &'static str, &'static str);

pub(crate) const SERVICE_DESK: &[Template] = &[
    (
        "Outlook keeps prompting for password",
        "Outlook on my desktop keeps asking for my password every few minutes, even right after I enter it.",
        "Cleared cached credentials in Credential Manager and re-created the Outlook profile; modern authentication works again.",
        "Incident",
    ),
    (
        "Printer offline in accounting",
        "The accounting printer shows offline for everyone since this morning.",
        "The printer had picked up a new DHCP address; added a reservation and re-pointed the port on the print server.",
        "Incident",
    ),
    (
        "New hire laptop setup - {new}",
        "{new} starts on Monday in the front office. Please set up a laptop, email and the usual shared drives.",
        "Laptop imaged and enrolled, Microsoft 365 account licensed, shared drive access granted; walked the user through first sign-in.",
        "Service Request",
    ),
    (
        "Password reset for {contact}",
        "I'm locked out of my computer after changing my password.",
        "Unlocked the account, reset the password and confirmed sign-in with the user.",
        "Service Request",
    ),
    (
        "Disable account - departing employee {new}",
        "{new}'s last day is Friday. Please disable the account and forward their email to me.",
        "Account disabled, mailbox converted to shared and delegated to the manager, license removed.",
        "Service Request",
    ),
    (
        "Cannot access shared drive S:",
        "The S: drive is missing on my computer and I can't open the shared folders.",
        "The drive-mapping policy was not applying off VPN; re-mapped the drive and fixed the item-level targeting.",
        "Incident",
    ),
    (
        "VPN disconnects every few minutes",
        "The VPN keeps dropping when I work from home.",
        "Updated the VPN client and lowered the tunnel MTU; the connection has been stable since.",
        "Incident",
    ),
    (
        "Teams audio not working on calls",
        "Nobody can hear me on Teams calls, but my headset works everywhere else.",
        "Teams was using the wrong default device; reset its audio settings and updated the headset firmware.",
        "Incident",
    ),
    (
        "Computer running very slow",
        "My computer takes forever to open anything since last week.",
        "Removed startup bloat, ran disk cleanup and replaced a failing drive flagged by SMART.",
        "Incident",
    ),
    (
        "Request: install Adobe Acrobat Pro",
        "Please install Adobe Acrobat Pro for me; my manager approved it.",
        "Assigned a license and deployed Acrobat Pro from the RMM software library.",
        "Service Request",
    ),
    (
        "QuickBooks won't open company file",
        "QuickBooks says the company file is in use and won't open it.",
        "Restarted the QuickBooks Database Server Manager on {server} and rescanned the folder.",
        "Incident",
    ),
    (
        "Phishing email reported by {contact}",
        "I got a suspicious email asking me to sign in to view an invoice. I didn't click anything.",
        "Confirmed phishing; purged the message tenant-wide and blocked the sender domain.",
        "Incident",
    ),
    (
        "Scanner not sending to email",
        "Scan to email stopped working on the copier.",
        "The SMTP relay credentials had expired; moved the copier to the relay connector.",
        "Incident",
    ),
    (
        "Second monitor not detected",
        "My second monitor stopped working after the last update.",
        "Updated the dock firmware and display drivers; both monitors are detected.",
        "Incident",
    ),
    (
        "Shared mailbox not showing in Outlook",
        "I was given access to the billing mailbox but it doesn't show up in Outlook.",
        "Re-applied Full Access with automapping and restarted Outlook.",
        "Service Request",
    ),
    (
        "Wi-Fi drops in conference room",
        "Wi-Fi keeps dropping in the conference room during meetings.",
        "Adjusted channel and transmit power on the nearest access point; roaming works now.",
        "Incident",
    ),
    (
        "MFA setup for {contact}",
        "I got a new phone and need to set up the authenticator app again.",
        "Reset the MFA registration and walked the user through re-enrolling.",
        "Service Request",
    ),
    (
        "Email bouncing from outside recipient",
        "Emails to one of our vendors bounce back with an error.",
        "The recipient rejected us on SPF; corrected our SPF record to include the mail filter.",
        "Problem",
    ),
    (
        "Pop-ups on front desk PC",
        "The front desk computer shows a lot of pop-up ads.",
        "Removed a malicious browser extension and ran a full EDR scan; no further detections.",
        "Incident",
    ),
    (
        "Replace failing UPS battery",
        "The UPS in the server closet is beeping.",
        "Replaced the UPS battery and ran a self-test; runtime is back to 25 minutes.",
        "Change Request",
    ),
    (
        "Add {contact} to all-staff distribution list",
        "Please add me to the all-staff list.",
        "Added the user to the distribution group.",
        "Service Request",
    ),
    (
        "OneDrive not syncing",
        "OneDrive shows a red X and my files are not syncing.",
        "Reset the OneDrive client and shortened a folder path that exceeded the length limit.",
        "Incident",
    ),
    (
        "Practice management software update",
        "The vendor released an update for our practice management software. Can you schedule it?",
        "Applied the vendor update on {server} after hours and verified the workstation clients.",
        "Change Request",
    ),
    (
        "Recurring printer jams - front office",
        "The front office printer jams several times a day.",
        "Replaced the pickup rollers; third ticket on this device, recommended replacement.",
        "Problem",
    ),
];

pub(crate) const NETWORK: &[Template] = &[
    (
        "Internet outage at {site} office",
        "No internet at the {site} office since 8 am.",
        "The ISP confirmed a fiber cut in the area; failed over to LTE backup until service was restored.",
        "Incident",
    ),
    (
        "Slow network at main office",
        "Everything is slow on the network this afternoon.",
        "A switch port was flapping because of a bad patch cable; replaced the cable.",
        "Incident",
    ),
    (
        "Firewall firmware update - {fw}",
        "Scheduled firmware update for {fw}.",
        "Firmware updated after hours; VPN and rules verified.",
        "Maintenance",
    ),
    (
        "Site-to-site VPN down",
        "The {site} office can't reach {server}.",
        "Re-keyed the IPsec tunnel after the ISP changed the public IP.",
        "Incident",
    ),
    (
        "Add VLAN for guest Wi-Fi",
        "We'd like guest Wi-Fi kept separate from the office network.",
        "Created a guest VLAN with client isolation and a captive portal.",
        "Change Request",
    ),
    (
        "Switch replacement - closet 2",
        "Replace the aging switch in closet 2.",
        "Installed the new switch and migrated the port configuration; old unit removed.",
        "Change Request",
    ),
    (
        "DNS resolution failures",
        "Some websites won't load; others are fine.",
        "Forwarders on {server} pointed to a retired resolver; updated them.",
        "Incident",
    ),
    (
        "Remote access for camera vendor",
        "The camera vendor needs remote access to the NVR.",
        "Set up a restricted VPN account for the vendor instead of a port forward.",
        "Change Request",
    ),
    (
        "Quarterly network patching window",
        "Quarterly maintenance window for network gear.",
        "All devices patched and rebooted in the window; no issues.",
        "Maintenance",
    ),
    (
        "ISP circuit upgrade to 1 Gbps",
        "The ISP is upgrading the circuit on Thursday.",
        "Circuit upgraded; updated the WAN settings on {fw} and verified speeds.",
        "Maintenance",
    ),
];

pub(crate) const ALERTS: &[Template] = &[
    (
        "{server} - Disk C: below 10% free",
        "RMM alert: drive C: on {server} has 8.4% free space (threshold 10%).",
        "Cleared the Windows Update cache and old IIS logs; 38% free now. Added log rotation.",
        "Monitoring Alert",
    ),
    (
        "Backup job failed on {server}",
        "Backup alert: the nightly image backup of {server} failed with a VSS error.",
        "Restarted the VSS writers and re-ran the job successfully.",
        "Backup Alert",
    ),
    (
        "{server} offline",
        "RMM alert: the agent on {server} has not checked in for 15 minutes.",
        "The server hung at shutdown after updates; powered it on remotely and monitoring is normal.",
        "Monitoring Alert",
    ),
    (
        "High CPU on {server}",
        "RMM alert: CPU above 95% for 30 minutes on {server}.",
        "An antivirus scan overlapped with the backup; rescheduled the scan.",
        "Monitoring Alert",
    ),
    (
        "{fw} - WAN link down",
        "Firewall alert: WAN1 on {fw} went down.",
        "ISP outage; failover worked and the link came back after 40 minutes.",
        "Monitoring Alert",
    ),
    (
        "Windows updates failed on {server}",
        "Patch report: 2 updates failed to install on {server}.",
        "Cleared the SoftwareDistribution folder and installed the updates manually.",
        "Monitoring Alert",
    ),
    (
        "EDR detection - suspicious PowerShell",
        "EDR flagged an encoded PowerShell command on a workstation.",
        "Investigated: a legitimate vendor installer. Added a reviewed exclusion.",
        "Security Alert",
    ),
    (
        "Multiple failed sign-ins for {contact}",
        "Identity alert: 25 failed sign-ins for {contact} from an unfamiliar location.",
        "Reset the password, revoked sessions and confirmed MFA; it was a password-spray attempt.",
        "Security Alert",
    ),
    (
        "Backup job warning - {server}",
        "Backup alert: the job on {server} completed with warnings; 3 files skipped.",
        "The files were locked by an application; added it to the pre-backup script.",
        "Backup Alert",
    ),
    (
        "SSL certificate expiring on {server}",
        "Monitoring: the certificate on {server} expires in 14 days.",
        "Renewed the certificate and bound it in IIS.",
        "Monitoring Alert",
    ),
];

pub(crate) const INTERNAL_NOTES: &[&str] = &[
    "Checked the event logs; nothing obvious yet.",
    "Reviewed the RMM history for the device; the issue started after the last patch cycle.",
    "Opened a case with the vendor; waiting on their reply.",
    "Confirmed the issue is isolated to this user.",
    "Ordered a replacement part; ETA 2 business days.",
    "Found the same symptom on another ticket this week; linking them for problem management.",
    "Remote session done; collected logs to the ticket share.",
];

/// Sent to the contact; `{first}` is the contact's first name.
pub(crate) const UPDATES: &[&str] = &[
    "Hi {first}, we're looking into this now and will update you shortly.",
    "Hi {first}, could you let us know a good time to connect remotely?",
    "Hi {first}, we've applied a fix; can you confirm it's working on your end?",
    "Hi {first}, we've scheduled a technician to come on site.",
];

pub(crate) const REPLIES: &[&str] = &[
    "Thanks, it's working now.",
    "Still seeing the issue this morning.",
    "I'm free after 2 pm today.",
    "Thank you for the quick response!",
];

pub(crate) const WORK_NOTES: &[&str] = &[
    "Remote session with the user; troubleshooting.",
    "Researched the issue and tested a fix.",
    "Applied the fix and verified with the user.",
    "Followed up with the user.",
    "On site: worked the issue with the user.",
    "Reviewed the alert and checked the device.",
];

pub(crate) const PROJECT_WORK_NOTES: &[&str] = &[
    "Worked on the task per the project plan.",
    "Configuration work; documented settings in the project notes.",
    "Met with the client to review progress.",
];

/// What people at the MSP log against charge codes.
pub(crate) const CHARGE_CODE_NOTES: &[&str] = &[
    "Weekly service team meeting.",
    "Vendor certification training.",
    "Timesheet and documentation cleanup.",
    "Drive time between client sites.",
];
