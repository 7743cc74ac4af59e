package connector

// Limits is a Client whose platform caps the size of a message. The router
// asks before sending, and splits a message that does not fit into parts
// (richtext.Split) rather than have the platform refuse or truncate it.
type Limits interface {
	// Fits reports whether m, rendered exactly as Send, SendReply and Edit
	// would render it (the platform's format, the author's byline, the
	// card around it), is within the platform's limit. It does no I/O and
	// is called many times per message, so it must be cheap.
	Fits(m Message) bool
}
