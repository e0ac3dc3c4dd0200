package httpapi

import (
	"net/http"

	"github.com/kith-chat/kith/internal/kith"
)

type fieldRequest struct {
	Object kith.Object    `json:"object"`
	Name   string         `json:"name"`
	Type   kith.FieldType `json:"type"`
	Values []string       `json:"values"`
}

func (s *Server) createCustomField(w http.ResponseWriter, r *http.Request) error {
	if err := requireOrg(r); err != nil {
		return err
	}
	var req fieldRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	f, err := s.apps.CreateField(r.Context(), callerOrg(r), req.Object, req.Name, req.Type, req.Values)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newFieldView(f))
	return nil
}

func (s *Server) listCustomFields(w http.ResponseWriter, r *http.Request) error {
	object := kith.Object(r.URL.Query().Get("object"))
	switch object {
	case "", kith.ObjectUser, kith.ObjectAccount, kith.ObjectWorkspace:
	default:
		return kith.Errorf(kith.CodeInvalidField, "object", "object must be user, account or workspace")
	}
	defs, err := s.store.CustomFields(r.Context(), callerOrg(r), object)
	if err != nil {
		return err
	}
	out := list[fieldView]{Data: []fieldView{}}
	for _, f := range defs {
		out.Data = append(out.Data, newFieldView(f))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
