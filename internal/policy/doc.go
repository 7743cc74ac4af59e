// Package policy holds what a tenant's admins allow to leave a channel:
// file sharing (on, off, off for guests, a size cap, allowed types),
// people who may not send outside their own workspace, and content rules —
// built-in detectors (payment cards, IBANs, secrets) and admin regular
// expressions — each with an action: block, redact or alert.
//
// A Document is what the admin API reads and writes; Compile turns it into
// a Set the router asks, per event and link, through Check. Documents are
// kept sealed with the tenant's key (they name people; seal.go): the admin
// API writes them, the gateway loads and compiles them, and the router
// applies the Decision before anything is handed to a delivery lane, so no
// destination ever sees what a rule stops.
//
// Findings are content-free: a rule's name, detector and action, never the
// text that matched.
package policy
