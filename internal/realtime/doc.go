// Package realtime carries live events to the widgets connected to this
// process. A Broker moves events between processes (Local is the one for a
// single process); the Hub routes each event to the subscriptions it may
// concern, by user, device or session, without ever blocking: a
// subscription whose buffer is full is dropped, and its widget reconnects
// and resumes from the last event it saw.
//
// The Hub only routes. Whether a subscription may hear an event is decided
// for every event by its owner (identity.CanHear), which can look things up.
package realtime
