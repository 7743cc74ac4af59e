// Package core holds Parley's canonical model: the events that flow from a
// platform through the bus and the router to other platforms, and the IDs
// they carry. It does no I/O.
//
// Every kind of ID is its own string type so that a channel ID can never be
// passed where a message ID is expected; each type's comment says where it is
// unique.
package core
