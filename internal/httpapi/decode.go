package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/kith-chat/kith/internal/kith"
)

// opt is a JSON value that can be absent, null or set, so that R2 can tell
// "leave it alone" from "clear it".
type opt[T any] struct {
	Set  bool // the key was in the body
	Null bool // its value was null
	V    T
}

// UnmarshalJSON records that the key was present, and whether it was null.
func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	// As strict as the decoder around it: unknown fields inside are errors.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&o.V)
}

func (o opt[T]) elemType() reflect.Type { return reflect.TypeFor[T]() }

// decode reads a JSON body into dst, refusing unknown fields, trailing data
// and bodies over the server's limit, with errors that name the field.
func decode(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return kith.Errorf(kith.CodeTooLarge, "", "the request body is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return &kith.Error{Code: kith.CodeInvalidRequest, Message: "could not read the request body", Err: err}
	}
	return decodeBytes(body, dst)
}

func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is empty: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil && len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body holds more than one JSON value")
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is cut short")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return kith.Errorf(kith.CodeInvalidRequest, "", "the request body must be a JSON object")
		}
		return kith.Errorf(kith.CodeInvalidField, typ.Field, "%s must be %s, not a JSON %s", typ.Field, jsonKind(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		path := unknownField(body, reflect.TypeOf(dst))
		if path == "" {
			// A repeated key can hide the copy encoding/json complained
			// about from the walk; its message still has the name.
			path, _ = strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return kith.Errorf(kith.CodeUnknownField, path, "unknown field %s", path)
	}
	return &kith.Error{Code: kith.CodeInvalidRequest, Message: "the request body could not be read as JSON", Err: err}
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Int32, reflect.Float32:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

var elemTyper = reflect.TypeFor[interface{ elemType() reflect.Type }]()

// unknownField finds the path of the first unknown field of body for the
// type t, which encoding/json does not report. It runs only once decoding
// has already failed, so it may be slow.
func unknownField(body []byte, t reflect.Type) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return walkUnknown(v, t, "")
}

func walkUnknown(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(elemTyper) {
		t = reflect.Zero(t).Interface().(interface{ elemType() reflect.Type }).elemType()
		return walkUnknown(v, t, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		for _, key := range sortedKeys(obj) {
			f, ok := fieldByJSONName(t, key)
			if !ok {
				return join(path, key)
			}
			if p := walkUnknown(obj[key], f.Type, join(path, key)); p != "" {
				return p
			}
		}
	case reflect.Slice:
		if list, ok := v.([]any); ok {
			for i, e := range list {
				if p := walkUnknown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// fieldByJSONName finds a struct field by its JSON name, matching case
// insensitively as encoding/json does.
func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "" {
			tag = f.Name
		}
		if tag != "-" && strings.EqualFold(tag, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
