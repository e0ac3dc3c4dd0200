// Package wiring builds the domain services one Kith process serves with.
// kith serve and the tests that start a server (package httpapitest) both
// build them here, so that a test runs on what the binary runs; each then
// hands them to httpapi.New with its own limits, logs and metrics.
//
// It is a package of its own rather than part of cmd/kith because tests
// cannot import a main package; it is not named "app" because in Kith an
// app is a widget installation.
package wiring

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
	"github.com/kith-chat/kith/internal/realtime"
)

// RefusalEventsPerHour is how many verification_failed events refused
// browser claims may write on one user's timeline in an hour: enough for an
// agent to see that someone tries, too few to bury the timeline (F9).
const RefusalEventsPerHour = 5

// Options configure New.
type Options struct {
	// Logger receives what fails after a commit; discarded when nil.
	Logger *slog.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Broker carries live events between processes; an in-process one
	// when nil.
	Broker realtime.Broker
	// PasswordParams are the argon2id costs of agents' new passwords;
	// agents.DefaultParams when zero. Tests lower them.
	PasswordParams agents.Params
}

// Services are the domain services of one process, on one store.
type Services struct {
	Apps   *apps.Service
	Chat   *chat.Service
	Agents *agents.Service
	// Broker is what Chat publishes live events to, and Hub (Chat's) what
	// this process's listeners subscribe to; Start joins them.
	Broker realtime.Broker
	Hub    *realtime.Hub
}

// New builds the services on st. Nothing runs until Start.
func New(st kith.Store, opts Options) *Services {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	broker := opts.Broker
	if broker == nil {
		broker = realtime.NewLocal()
	}
	hub := realtime.NewHub()
	agentsSvc := &agents.Service{Store: st, Now: now, Params: opts.PasswordParams}
	// Ended sessions close their open inboxes at once, in every process:
	// the broker carries the news.
	agentsSvc.Ended = func(ended []*kith.AgentSession) {
		byOrg := map[string][]string{}
		for _, s := range ended {
			byOrg[s.OrgID] = append(byOrg[s.OrgID], s.ID)
		}
		for org, ids := range byOrg {
			payload, _ := json.Marshal(map[string][]string{"session_ids": ids})
			e := &kith.LiveEvent{OrgID: org, Kind: kith.LiveAgentSessionsEnded, Payload: payload, CreatedAt: now()}
			if err := broker.Publish(context.Background(), e); err != nil {
				log.Warn("announce ended agent sessions", "error", err)
			}
		}
	}
	return &Services{
		Apps:   &apps.Service{Store: st, Now: now},
		Agents: agentsSvc,
		Chat: &chat.Service{Store: st, Resolver: &identity.Resolver{Now: now}, Broker: broker, Hub: hub, Now: now, Log: log,
			Proofs:        &proof.Verifier{Keys: st, Now: now},
			RefusalEvents: budget.NewBuckets(budget.Rate{Burst: RefusalEventsPerHour, Per: time.Hour}, 0, now)},
		Broker: broker,
		Hub:    hub,
	}
}

// Start routes every event the broker carries, from any process, to this
// process's hub until ctx is done. kith serve keeps it running until its
// HTTP server has shut down, so that requests finishing meanwhile still
// reach the sockets.
func (s *Services) Start(ctx context.Context) error {
	return s.Broker.Subscribe(ctx, s.Hub.Deliver)
}
