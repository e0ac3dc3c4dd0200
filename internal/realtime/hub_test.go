package realtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/realtime"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ids(s *realtime.Sub) []int64 {
	var out []int64
	for {
		select {
		case e := <-s.Events():
			out = append(out, e.ID)
		default:
			return out
		}
	}
}

func TestHub_RoutesByUserDeviceAndSessionOnce(t *testing.T) {
	h := realtime.NewHub()
	byUser := h.Subscribe("u1", "d1", "s1", 0)
	byDevice := h.Subscribe("", "d2", "s2", 0)
	other := h.Subscribe("u9", "d9", "s9", 0)
	defer byUser.Close()
	defer byDevice.Close()
	defer other.Close()

	h.Deliver(&kith.LiveEvent{ID: 1, UserID: "u1", DeviceID: "d1"}) // user and device match: delivered once
	h.Deliver(&kith.LiveEvent{ID: 2, UserID: "u2", DeviceID: "d2"}) // device only
	h.Deliver(&kith.LiveEvent{ID: 3, SessionID: "s1"})              // session only
	h.Deliver(&kith.LiveEvent{ID: 4, UserID: "u3", DeviceID: "d3"}) // nobody here

	if got := ids(byUser); len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("u1/d1/s1 got %v, want [1 3]", got)
	}
	if got := ids(byDevice); len(got) != 1 || got[0] != 2 {
		t.Errorf("d2 got %v, want [2]", got)
	}
	if got := ids(other); len(got) != 0 {
		t.Errorf("an unrelated subscription got %v", got)
	}
}

func TestHub_SlowSubscriberIsDroppedWithoutSlowingOthers(t *testing.T) {
	h := realtime.NewHub()
	slow := h.Subscribe("u", "d1", "s1", 2)
	fast := h.Subscribe("u", "d2", "s2", 100)
	defer fast.Close()
	for i := range 10 {
		h.Deliver(&kith.LiveEvent{ID: int64(i + 1), UserID: "u"}) // must never block
		ids(fast)                                                 // the fast one keeps up
	}
	select {
	case <-slow.Dropped():
	default:
		t.Fatal("the subscription whose buffer filled was not dropped")
	}
	if h.Len() != 1 {
		t.Fatalf("%d subscriptions left, want the fast one only", h.Len())
	}
	h.Deliver(&kith.LiveEvent{ID: 99, UserID: "u"})
	if got := ids(fast); len(got) != 1 || got[0] != 99 {
		t.Fatalf("the fast subscription got %v after the drop, want [99]", got)
	}
	slow.Close() // closing a dropped subscription is harmless
}

func TestHub_SetUserReroutes(t *testing.T) {
	h := realtime.NewHub()
	s := h.Subscribe("", "d1", "s1", 0)
	defer s.Close()
	h.Deliver(&kith.LiveEvent{ID: 1, UserID: "new-user"})
	s.SetUser("new-user")
	h.Deliver(&kith.LiveEvent{ID: 2, UserID: "new-user"})
	if got := ids(s); len(got) != 1 || got[0] != 2 {
		t.Fatalf("got %v, want only the event after SetUser", got)
	}
}

func TestLocal_PublishReachesSubscribersUntilCancelled(t *testing.T) {
	b := realtime.NewLocal()
	ctx, cancel := context.WithCancel(context.Background())
	var got []int64
	if err := b.Subscribe(ctx, func(e *kith.LiveEvent) { got = append(got, e.ID) }); err != nil {
		t.Fatal(err)
	}
	b.Publish(context.Background(), &kith.LiveEvent{ID: 1})
	if len(got) != 1 {
		t.Fatalf("got %v, want the event published while subscribed", got)
	}
	cancel()
	// The subscription ends in AfterFunc's own goroutine: publish until a
	// publication is no longer received.
	deadline := time.Now().Add(5 * time.Second)
	for id := int64(2); ; id++ {
		before := len(got)
		b.Publish(context.Background(), &kith.LiveEvent{ID: id})
		if len(got) == before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("still subscribed 5 s after the context was cancelled")
		}
		time.Sleep(time.Millisecond)
	}
}
