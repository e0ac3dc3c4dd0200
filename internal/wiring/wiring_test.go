package wiring_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/storetest"
	"github.com/kith-chat/kith/internal/wiring"
)

// What the chat service publishes reaches this process's sockets once
// Start has joined the broker to the hub, and no longer after it stops.
func TestStart_RoutesTheBrokersEventsToTheHubUntilItsContextEnds(t *testing.T) {
	svc := wiring.New(storetest.Open(t, "sqlite"), wiring.Options{})
	if svc.Chat.Broker != svc.Broker || svc.Chat.Hub != svc.Hub {
		t.Fatal("the chat service publishes to, or listens on, another broker or hub than those Start joins")
	}
	sub := svc.Hub.Subscribe("usr_1", "dev_1", "ses_1", 0)
	defer sub.Close()
	publish := func(id int64) {
		t.Helper()
		if err := svc.Broker.Publish(context.Background(), &kith.LiveEvent{ID: id, UserID: "usr_1"}); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	heard := func() []int64 {
		var ids []int64
		for {
			select {
			case e := <-sub.Events():
				ids = append(ids, e.ID)
			default:
				return ids
			}
		}
	}

	publish(1)
	if got := heard(); len(got) != 0 {
		t.Fatalf("before Start the hub heard %v", got)
	}
	ctx, stop := context.WithCancel(context.Background())
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	publish(2)
	if got := heard(); !slices.Equal(got, []int64{2}) {
		t.Fatalf("after Start the hub heard %v, want [2]", got)
	}
	stop()
	// The in-process broker lets go of the hub just after ctx ends.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		publish(3)
		if len(heard()) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hub still hears the broker 5s after Start's context ended")
		}
	}
}
