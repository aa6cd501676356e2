package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"assist/kb"
	"assist/kb/bundle"
)

// maxBundleBytes bounds an uploaded shop bundle, as the file reader does.
const maxBundleBytes = bundle.MaxFileSize

type shopLine struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Role    kb.Role `json:"role,omitempty"`
	Version int64   `json:"version,omitempty"`
}

type meResponse struct {
	Name  string     `json:"name"`
	Owner bool       `json:"owner"`
	Shops []shopLine `json:"shops"` // the shops the person belongs to, with their role in each
}

func meOf(u *kb.User) meResponse {
	out := meResponse{Name: u.Name, Owner: u.Owner, Shops: []shopLine{}}
	for _, m := range u.Shops {
		out.Shops = append(out.Shops, shopLine{ID: m.ShopID, Name: m.ShopName, Role: m.Role})
	}
	return out
}

// listShops is GET /api/v1/shops: every shop of the server, for an owner.
func (s *Server) listShops(w http.ResponseWriter, r *http.Request, _ *principal) error {
	infos, err := s.store.Shops(r.Context())
	if err != nil {
		return err
	}
	out := make([]shopLine, len(infos))
	for i, in := range infos {
		out[i] = shopLine{ID: in.ID, Name: in.Name, Version: in.Version}
	}
	writeJSON(w, http.StatusOK, struct {
		Shops []shopLine `json:"shops"`
	}{out})
	return nil
}

// createShop is POST /api/v1/shops with a shop bundle as the body: an owner
// adds a shop and becomes its admin. A bundle naming a shop that exists is a
// conflict: replacing a shop's knowledge is its admins' PUT .../admin/bundle.
func (s *Server) createShop(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := readBundle(w, r)
	if err != nil {
		return err
	}
	infos, err := s.store.Shops(r.Context())
	if err != nil {
		return err
	}
	for _, in := range infos {
		if in.Name == shop.Name {
			return kb.Errorf(kb.EConflict, "店铺 %q 已存在 (shop %q exists: its admins replace its knowledge with PUT /api/v1/shops/%d/admin/bundle)", shop.Name, shop.Name, in.ID)
		}
	}
	info, err := s.store.ImportShop(r.Context(), shop)
	if err != nil {
		return err
	}
	if err := s.store.Grant(r.Context(), p.User.ID, info.ID, kb.RoleAdmin); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, shopLine{ID: info.ID, Name: info.Name, Role: kb.RoleAdmin, Version: info.Version})
	return nil
}

// bundleProblems is the 400 answer of a bundle with problems: each one with
// file, line, column and field, so the admin can fix them all at once.
type bundleProblems struct {
	Error    string   `json:"error"`
	Reason   string   `json:"reason"`
	Problems []string `json:"problems"`
}

// readBundle reads and checks a shop bundle from the request body.
func readBundle(w http.ResponseWriter, r *http.Request) (*kb.Shop, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBundleBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, kb.Errorf(kb.EInvalid, "文件超过 %d MiB (bundle larger than %d MiB)", maxBundleBytes>>20, maxBundleBytes>>20)
	}
	if err != nil {
		return nil, kb.Errorf(kb.EInvalid, "read body: %v", err)
	}
	shop, err := bundle.Parse("shop.json", data)
	var problems bundle.Problems
	if errors.As(err, &problems) {
		lines := make([]string, len(problems))
		for i, pr := range problems {
			lines[i] = pr.String()
		}
		writeJSON(w, http.StatusBadRequest, bundleProblems{Error: kb.EInvalid,
			Reason: fmt.Sprintf("文件有 %d 处问题,未保存任何内容 (%d problems; nothing was saved)", len(problems), len(problems)), Problems: lines})
		return nil, errAnswered
	}
	return shop, err
}

// errAnswered tells handle that the handler has written its error answer.
var errAnswered = errors.New("answered")

type memberRequest struct {
	Role kb.Role `json:"role"`
}

type memberResponse struct {
	Name     string  `json:"name"`
	Role     kb.Role `json:"role"`
	Password string  `json:"password,omitempty"` // only for a person just created, shown once
}

// putMember is PUT /api/v1/shops/{shop}/members/{name}: an owner, or an
// admin of the shop, gives a person a role in it. A name not yet known
// creates the person, whose password is in the answer, once.
func (s *Server) putMember(w http.ResponseWriter, r *http.Request, p *principal) error {
	name := r.PathValue("name")
	var req memberRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if !req.Role.Valid() {
		return kb.Errorf(kb.EInvalid, "role %q: want agent, admin or manager", clip(string(req.Role)))
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), name)
	var password string
	status := http.StatusOK
	if kb.ErrorCode(err) == kb.ENotFound {
		if password, err = kb.NewPassword(); err != nil {
			return err
		}
		u, err = s.store.CreateUser(r.Context(), name, password, false)
		status = http.StatusCreated
	}
	if err != nil {
		return err
	}
	if err := s.store.Grant(r.Context(), u.ID, p.Shop, req.Role); err != nil {
		return err
	}
	writeJSON(w, status, memberResponse{Name: u.Name, Role: req.Role, Password: password})
	return nil
}

// deleteMember is DELETE /api/v1/shops/{shop}/members/{name}: the person
// keeps their account and other shops; their sockets in this shop close at
// their next frame or ping.
func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request, p *principal) error {
	u, err := s.store.User(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := s.store.Ungrant(r.Context(), u.ID, p.Shop); err != nil {
		return err
	}
	s.hub.closeWhere(func(c *client) bool {
		return c.topic.shop == p.Shop && c.who.User != nil && c.who.User.ID == u.ID
	}, "removed from this shop")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type memberLine struct {
	Name string  `json:"name"`
	Role kb.Role `json:"role"`
}

// listMembers is GET /api/v1/shops/{shop}/members, for the shop's admins.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, p *principal) error {
	users, err := s.store.Members(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]memberLine, len(users))
	for i, u := range users {
		out[i] = memberLine{Name: u.Name, Role: u.Shops[0].Role}
	}
	writeJSON(w, http.StatusOK, struct {
		Members []memberLine `json:"members"`
	}{out})
	return nil
}
