// Package router decides where an event goes and what it looks like there.
//
// Links are N-way rooms of channels. For each event the router finds the
// room of its source channel and submits one job per other channel to that
// channel's delivery lane. The job does its lookups when it runs, not when
// it is queued: a lane is FIFO, so by the time an edit runs the post it
// edits has been delivered and its copy recorded in the message map.
//
// Echo suppression has two layers: connectors drop what their own bot
// posted, and the router drops any event about a message that the message
// map knows as a copy Parley made.
package router
