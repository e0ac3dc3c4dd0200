package httpapi

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/kith"
)

// Request bodies are read strictly (F7), with the JSON v2 decoder
// (github.com/go-json-experiment/json, the code behind Go's encoding/json/v2):
// strings must be valid UTF-8 with no unpaired surrogate escapes (encoding/json
// turns both into U+FFFD, so that two different references became one),
// object keys match field names exactly and appear once, and unknown keys
// are refused. Each of these is the decoder's default but the last;
// docs/benchmarks.md has what it costs.
var strict = json.RejectUnknownMembers(true)

// opt is a JSON value that can be absent, null or set, so that R2 can tell
// "leave it alone" from "clear it".
type opt[T any] struct {
	Set  bool // the key was in the body
	Null bool // its value was null
	V    T
}

// UnmarshalJSONFrom records that the key was present, and whether it was
// null; the value is read with the options of the decoder around it.
func (o *opt[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	o.Set = true
	if dec.PeekKind() == 'n' {
		o.Null = true
		_, err := dec.ReadToken()
		return err
	}
	return json.UnmarshalDecode(dec, &o.V)
}

func (o opt[T]) elemType() reflect.Type { return reflect.TypeFor[T]() }

// decode reads a JSON body into dst, refusing unknown fields, trailing data
// and bodies over the server's limit, with errors that name the field.
func decode(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeBytes(body, dst)
}

// readBody reads a request body within its limit.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, kith.Errorf(kith.CodeTooLarge, "", "the request body is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return nil, &kith.Error{Code: kith.CodeInvalidRequest, Message: "could not read the request body", Err: err}
	}
	return body, nil
}

// decodeBytes reads one JSON value into dst, strictly (see strict). Its
// errors are *kith.Error naming the field at fault, and never repeat a
// value that was sent.
func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is empty: send a JSON object")
	}
	err := json.Unmarshal(body, dst, strict)
	if err == nil {
		return nil
	}
	t := reflect.TypeOf(dst)
	var syntax *jsontext.SyntacticError
	var semantic *json.SemanticError
	switch {
	case errors.As(err, &semantic):
		path := pointerPath(semantic.JSONPointer, t)
		switch {
		case errors.Is(semantic.Err, json.ErrUnknownName):
			return kith.Errorf(kith.CodeUnknownField, path, "unknown field %s", path)
		case path == "":
			return kith.Errorf(kith.CodeInvalidRequest, "", "the request body must be a JSON object")
		case semantic.GoType != nil && semantic.JSONKind == '0' && jsonKind(semantic.GoType) == "a number":
			return kith.Errorf(kith.CodeInvalidField, path, "%s must be a number within range", path)
		}
		want := "of another type"
		if semantic.GoType != nil {
			want = jsonKind(semantic.GoType)
		}
		return kith.Errorf(kith.CodeInvalidField, path, "%s must be %s, not a JSON %s", path, want, kindName(semantic.JSONKind))
	case errors.As(err, &syntax):
		path := pointerPath(syntax.JSONPointer, t)
		msg := syntax.Err.Error()
		switch {
		case errors.Is(syntax.Err, jsontext.ErrDuplicateName):
			return kith.Errorf(kith.CodeInvalidRequest, path, "%s appears more than once: send each key once", path)
		case strings.HasPrefix(msg, "invalid UTF-8") || strings.Contains(msg, "surrogate"):
			code := kith.CodeInvalidField
			if path == "" {
				code = kith.CodeInvalidRequest
			}
			return kith.Errorf(code, path,
				"%s is not valid UTF-8: send text as UTF-8, with no unpaired surrogate escapes such as \\ud800", orBody(path))
		case errors.Is(syntax.Err, io.ErrUnexpectedEOF):
			return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is cut short")
		}
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is not valid JSON (at byte %d)", syntax.ByteOffset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return kith.Errorf(kith.CodeInvalidRequest, "", "the request body is cut short")
	}
	return &kith.Error{Code: kith.CodeInvalidRequest, Message: "the request body could not be read as JSON", Err: err}
}

func orBody(path string) string {
	if path == "" {
		return "the request body"
	}
	return path
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
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

// kindName names a JSON kind as jsontext.Kind abbreviates it.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

var (
	elemTyper = reflect.TypeFor[interface{ elemType() reflect.Type }]()
	rawValue  = reflect.TypeFor[jsontext.Value]()
)

// pointerPath turns the JSON Pointer of an error (/rev_info/user_traits/
// phone_numbers/0) into the path Kith's errors name
// (rev_info.user_traits.phone_numbers[0]), following the Go type t to tell
// list indexes from keys.
func pointerPath(p jsontext.Pointer, t reflect.Type) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != nil && t.Implements(elemTyper) {
			t = reflect.Zero(t).Interface().(interface{ elemType() reflect.Type }).elemType()
		}
		if t == rawValue {
			t = nil // any JSON inside: its shape is not in the type
		}
		var index bool
		switch {
		case t == nil:
			_, err := strconv.Atoi(tok)
			index = err == nil
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
			index, t = true, t.Elem()
		case t.Kind() == reflect.Map:
			t = t.Elem()
		case t.Kind() == reflect.Struct:
			t = fieldType(t, tok)
		default:
			t = nil
		}
		if index {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// fieldType returns the type of the field of struct t whose JSON name is
// exactly name, or nil.
func fieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f.Type
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
