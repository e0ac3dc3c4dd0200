package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// Times are stored as Unix microseconds; zero times as NULL.

func us(t time.Time) int64 { return t.UnixMicro() }

func nullUS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullUS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUS(v.Int64)
}

// Empty strings are stored as NULL where NULL means "none", so that unique
// indexes ignore them.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonText encodes v for a JSON column, with empty lists and maps rather
// than null.
func jsonText(v any) string {
	switch v := v.(type) {
	case []string:
		if v == nil {
			return "[]"
		}
	case kith.Fields:
		if v == nil {
			return "{}"
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Only values that passed validation reach the store.
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return string(b)
}

// jsonColumn scans a JSON column into its Go value.
type jsonColumn struct{ dst any }

func (c jsonColumn) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("store: JSON column holds %T", src)
	}
	return json.Unmarshal(b, c.dst)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// where builds a WHERE clause with numbered parameters, which both SQLite
// and PostgreSQL understand.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; "?" in cond stands for arg.
func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

// page adds the keyset condition and returns the ORDER BY and LIMIT tail.
func (w *where) page(p kith.Page) string {
	if p.After != "" {
		w.add("id > ?", p.After)
	}
	limit := p.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return " ORDER BY id LIMIT " + strconv.Itoa(limit)
}

func itoa(n int) string { return strconv.Itoa(n) }

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// list runs a query and scans every row with scan.
func list[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// one maps sql.ErrNoRows to a kith not-found error naming what.
func one[T any](v *T, err error, what string) (*T, error) {
	if err == sql.ErrNoRows {
		return nil, kith.NotFound(what)
	}
	if err != nil {
		return nil, classify(err)
	}
	return v, nil
}
