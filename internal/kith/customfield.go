package kith

import "time"

// Object is a kind of record that can carry custom fields.
type Object string

// The objects with custom fields.
const (
	ObjectUser      Object = "user"
	ObjectAccount   Object = "account"
	ObjectWorkspace Object = "workspace"
)

// FieldType is the declared type of a custom field (F5).
type FieldType string

// The custom field types.
const (
	FieldText    FieldType = "text"
	FieldNumber  FieldType = "number"
	FieldBoolean FieldType = "boolean"
	FieldDate    FieldType = "date" // YYYY-MM-DD
	FieldEnum    FieldType = "enum"
)

// CustomField is the definition of a custom field. Definitions belong to
// the organization, because the users, accounts and workspaces they describe
// do: a field defined through one app is usable through every app.
type CustomField struct {
	ID        string
	OrgID     string
	Object    Object
	Name      string // tnt__<name>
	Type      FieldType
	Values    []string // the allowed values of an enum
	CreatedAt time.Time
}
