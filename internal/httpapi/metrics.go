package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	sessionTokens *prometheus.CounterVec
	usersCreated  *prometheus.CounterVec
	// claimsRefused counts the browser claims refused, by reason: the
	// browser is told nothing of it (F9), the operator is.
	claimsRefused *prometheus.CounterVec
	// liveConnections counts the widgets connected for live events.
	liveConnections prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kith_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		sessionTokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_session_tokens_issued_total", Help: "Session tokens issued, by method (M1, M2).",
		}, []string{"method"}),
		usersCreated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_users_created_total", Help: "Users created by identity resolution, by trust level.",
		}, []string{"trust"}),
		claimsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_claims_refused_total", Help: "Identities claimed by browsers and refused, by reason (an error code).",
		}, []string{"reason"}),
		liveConnections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kith_live_connections", Help: "Widgets connected for live events.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.sessionTokens, m.usersCreated, m.claimsRefused, m.liveConnections,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// metricsAuth serves h to requests that carry token as a Bearer token,
// compared in constant time; without a token, /metrics is not served.
func metricsAuth(token string, h http.Handler) handlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(w http.ResponseWriter, r *http.Request) error {
		if token == "" {
			return kith.Errorf(kith.CodeNotFound, "",
				"metrics are off: start kith serve with KITH_METRICS_TOKEN (or --metrics-token-file) and scrape with that bearer token")
		}
		got := sha256.Sum256([]byte(bearerToken(r)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return kith.Errorf(kith.CodeInvalidAccessToken, "authorization", "send the metrics token as a Bearer token")
		}
		h.ServeHTTP(w, r)
		return nil
	}
}
