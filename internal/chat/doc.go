// Package chat runs what the widget and the agents do: widget sessions
// (started with a session token, a claimed identity or nothing, S1-S8),
// devices and their anonymous users (M6), conversations and messages, and
// the live events that announce them, with what each widget session hears
// of them (Listener). Visibility is decided by package identity (V1-V7);
// chat applies it to every read, write and live event.
//
// Writes and their live events are stored in one transaction; events are
// published to the Broker after the commit.
package chat
