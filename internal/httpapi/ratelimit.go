package httpapi

import (
	"time"

	"github.com/kith-chat/kith/internal/budget"
)

// tokenRate is the budget of an access token's session-token requests:
// perSecond sustained, burst at once; zero perSecond is no limit.
func tokenRate(perSecond float64, burst int) budget.Rate {
	if perSecond <= 0 {
		return budget.Rate{}
	}
	if burst <= 0 {
		burst = max(1, int(perSecond))
	}
	return budget.Rate{Burst: burst, Per: time.Duration(float64(burst) / perSecond * float64(time.Second))}
}
