package httpapi_test

import "encoding/json"

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// rawJSON is JSON sent as written, even where encoding/json would not
// write it (an unpaired surrogate escape).
func rawJSON(s string) json.RawMessage { return json.RawMessage(s) }
