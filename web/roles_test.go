package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// The role × route matrix (docs/api.md#credentials-and-roles): every registered route, called by every kind of caller. A route
// added without a row here fails the test, so no route goes unchecked.

var principals = []string{"anonymous", "kiosk", "apikey", "managerA", "managerB", "analyst", "admin"}

// Access kinds: who may use a route.
const (
	accPublic     = "public"      // everyone gets the same answer, never 401/403
	accPage       = "page"        // any signed-in user; others go to the sign-in form
	accAgencyPage = "agency-page" // signed in and allowed to see agency A (migration)
	accAdminPage  = "admin-page"  // admins only
	accApiRead    = "api-read"    // API key or session; kiosk 403; nothing 401
	accApiAgency  = "api-agency"  // accApiRead, and a manager of another agency 403
	accSubmit     = "submit"      // kiosk token or API key
	accApiKeyOnly = "apikey-only" // API key only
	accKioskOnly  = "kiosk-only"  // kiosk token only
	accChallenge  = "challenge"   // a half-done sign-in only (web/login_2fa.go): without one, 401 for everyone
	accAdminAPI   = "admin-api"   // an admin's session only (JSON): bearer credentials and other roles 403, nothing 401
	accCaseAPI    = "case-api"    // a session of an admin or agency A's manager (web/api_cases.go); API keys, analysts, kiosks, managerB 403
	accCasePage   = "case-page"   // a page form of an admin or agency A's manager; analysts and managerB 403
)

type matrixCase struct {
	kind string
	path string               // concrete path (query included)
	body func(who string) any // url.Values for forms, anything else is JSON; nil: no body
}

// want is the expected outcome: "ok" (a 2xx or a redirect not to the sign-in form), "login" (303 to
// /login for GET, 401 for other methods), or an exact status.
func want(kind, who, method string) string {
	session := who == "managerA" || who == "managerB" || who == "analyst" || who == "admin"
	login := "login"
	switch kind {
	case accPage:
		if session {
			return "ok"
		}
		return login
	case accAgencyPage:
		switch {
		case !session:
			return login
		case who == "managerB":
			return "403"
		}
		return "ok"
	case accAdminPage:
		switch {
		case !session:
			return login
		case who != "admin":
			return "403"
		}
		return "ok"
	case accApiRead, accApiAgency:
		switch who {
		case "anonymous":
			return "401"
		case "kiosk":
			return "403"
		case "managerB":
			if kind == accApiAgency {
				return "403"
			}
		}
		return "ok"
	case accSubmit:
		if who == "kiosk" || who == "apikey" {
			return "ok"
		}
		return "401"
	case accApiKeyOnly, accKioskOnly:
		own := map[string]string{accApiKeyOnly: "apikey", accKioskOnly: "kiosk"}[kind]
		switch {
		case who == own:
			return "ok"
		case who == "kiosk" || who == "apikey":
			return "403"
		}
		return "401" // a session is no API credential
	case accChallenge:
		return "401"
	case accAdminAPI:
		switch who {
		case "anonymous":
			return "401"
		case "admin":
			return "ok"
		}
		return "403"
	case accCaseAPI, accCasePage:
		switch {
		case who == "admin" || who == "managerA":
			return "ok"
		case who == "anonymous" || (kind == accCasePage && !session):
			if kind == accCasePage {
				return login
			}
			return "401"
		}
		return "403"
	}
	return "?"
}

func TestRoleRouteMatrix(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { roleMatrix(t, dialect) })
	}
}

func roleMatrix(t *testing.T, dialect string) {
	e := newDashEnv(t, dialect, 0, "")
	ctx := context.Background()
	sessions := map[string]string{}
	for _, who := range []string{"managerA", "managerB", "analyst", "admin"} {
		sessions[who] = e.login(t, e.Users[who])
	}
	// Targets of admin actions, separate from the callers' own credentials.
	spareKiosk, _, err := e.Store.AddKiosk(ctx, "ganja", "Spare", "")
	if err != nil {
		t.Fatal(err)
	}
	spareKey, _, _ := e.Store.AddAPIKey(ctx, "spare")
	spareHook, spareDelivery := spareWebhookDelivery(t, e.Store) // admin_webhooks_test.go
	spareUser, err := e.Store.AddUser(ctx, "spare@example.az", testPassword, survey.RoleAnalyst, "")
	if err != nil {
		t.Fatal(err)
	}
	st, inv := e.postJSON(t, "/api/v1/invitations", e.APIKey, map[string]any{"agency": "migration", "visit_id": "M-1"})
	if st != http.StatusCreated {
		t.Fatalf("invitation: %d %v", st, inv)
	}
	invToken := strings.TrimPrefix(inv["url"].(string), e.BaseURL+"/r/")
	// A case of agency A (migration) to act on: a low rating opens it.
	if st, _ := e.postJSON(t, "/api/v1/responses", e.APIKey, map[string]any{"agency": "migration", "answers": map[string]any{"overall": 1}}); st != http.StatusCreated {
		t.Fatalf("low response: %d", st)
	}
	caseList, err := e.Store.ListCases(ctx, survey.CaseFilter{Agency: "migration"})
	if err != nil || len(caseList) != 1 {
		t.Fatalf("the low response's case: %v %v", caseList, err)
	}
	caseID := caseList[0].ID
	if _, err := e.Store.ApplyMethodology(ctx, storetest.Methodology(t)); err != nil { // composite index routes
		t.Fatal(err)
	}
	methJSON, _ := json.Marshal(storetest.Methodology(t))
	cv, _ := e.Store.CatalogView(ctx)
	sv, _ := cv.Survey("visit", 1)
	svJSON, _ := json.Marshal(sv)
	n := 0
	uniq := func() string { n++; return itoa(int64(n)) }
	publishForMatrix(t, e.Store) // 2025-Q2: the public portal's routes have something to serve

	form := func(v url.Values) func(string) any { return func(string) any { return v } }
	cases := map[string]matrixCase{
		"GET /healthz":               {kind: accPublic, path: "/healthz"},
		"HEAD /healthz":              {kind: accPublic, path: "/healthz"},
		"GET /readyz":                {kind: accPublic, path: "/readyz"},
		"HEAD /readyz":               {kind: accPublic, path: "/readyz"},
		"GET /metrics":               {kind: accPublic, path: "/metrics"},
		"GET /login":                 {kind: accPublic, path: "/login"},
		"POST /login":                {kind: accPublic, path: "/login", body: form(url.Values{"email": {"spare@example.az"}, "password": {testPassword}})},
		"POST /logout":               {kind: accPublic, path: "/logout", body: form(url.Values{})},
		"GET /static/dash/*":         {kind: accPublic, path: "/static/dash/dash.css"},
		"GET /favicon.ico":           {kind: accPublic, path: "/favicon.ico"},
		"HEAD /favicon.ico":          {kind: accPublic, path: "/favicon.ico"},
		"GET /manifest.webmanifest":  {kind: accPublic, path: "/manifest.webmanifest"},
		"HEAD /manifest.webmanifest": {kind: accPublic, path: "/manifest.webmanifest"},
		"HEAD /static/dash/*":        {kind: accPublic, path: "/static/dash/dash.js"},

		"GET /":                {kind: accPage, path: "/?period=2025-Q3"},
		"GET /agencies/{code}": {kind: accAgencyPage, path: "/agencies/migration?period=2025-Q3"},
		// Issue 15: the rankings page and the dashboard exports (web/dash_export.go).
		"GET /rankings":                            {kind: accPage, path: "/rankings?period=2025-Q3"},
		"GET /rankings.xlsx":                       {kind: accPage, path: "/rankings.xlsx?period=2025-Q3"},
		"GET /rankings.csv":                        {kind: accPage, path: "/rankings.csv?period=2025-Q3"},
		"GET /agencies/{code}/comments.xlsx":       {kind: accAgencyPage, path: "/agencies/migration/comments.xlsx?period=2025-Q3"},
		"GET /agencies/{code}/responses.xlsx":      {kind: accAgencyPage, path: "/agencies/migration/responses.xlsx?period=2025-Q3"},
		"GET /reports/{period:[0-9A-Za-z.-]+}.pdf": {kind: accPage, path: "/reports/2025-Q3.pdf"},
		"GET /help/figures":                        {kind: accPage, path: "/help/figures"},
		"GET /admin":                               {kind: accAdminPage, path: "/admin"},
		"GET /admin/kiosks":                        {kind: accAdminPage, path: "/admin/kiosks"},
		"POST /admin/kiosks": {kind: accAdminPage, path: "/admin/kiosks", body: func(string) any {
			return url.Values{"name": {"K" + uniq()}, "center": {"baku-1"}}
		}},
		"POST /admin/kiosks/{id:[0-9]+}/pair":   {kind: accAdminPage, path: "/admin/kiosks/" + itoa(spareKiosk.ID) + "/pair", body: form(url.Values{})},
		"POST /admin/kiosks/{id:[0-9]+}/revoke": {kind: accAdminPage, path: "/admin/kiosks/" + itoa(spareKiosk.ID) + "/revoke", body: form(url.Values{})},
		"GET /admin/sms":                        {kind: accAdminPage, path: "/admin/sms"},
		"POST /admin/sms": {kind: accAdminPage, path: "/admin/sms", body: form(url.Values{"sender": {"Qiymet"},
			"template_az": {"{agency}: {url}"}, "template_en": {"{agency}: {url}"}, "template_ru": {"{agency}: {url}"}})},
		"GET /admin/users": {kind: accAdminPage, path: "/admin/users"},
		"POST /admin/users": {kind: accAdminPage, path: "/admin/users", body: func(string) any {
			return url.Values{"email": {"u" + uniq() + "@example.az"}, "role": {"analyst"}}
		}},
		"POST /admin/users/{id:[0-9]+}": {kind: accAdminPage, path: "/admin/users/" + itoa(spareUser.ID),
			body: form(url.Values{"action": {"save"}, "role": {"analyst"}})},
		"GET /admin/apikeys":                     {kind: accAdminPage, path: "/admin/apikeys"},
		"POST /admin/apikeys":                    {kind: accAdminPage, path: "/admin/apikeys", body: form(url.Values{"name": {"new"}})},
		"POST /admin/apikeys/{id:[0-9]+}/revoke": {kind: accAdminPage, path: "/admin/apikeys/" + itoa(spareKey.ID) + "/revoke", body: form(url.Values{})},
		"GET /admin/catalog":                     {kind: accAdminPage, path: "/admin/catalog"},
		"POST /admin/catalog": {kind: accAdminPage, path: "/admin/catalog",
			body: form(url.Values{"catalog": {`{"groups":[{"code":"extra","name":{"az":"Əlavə"}}]}`}})},
		"POST /admin/surveys":     {kind: accAdminPage, path: "/admin/surveys", body: form(url.Values{"survey": {string(svJSON)}})},
		"GET /admin/audit":        {kind: accAdminPage, path: "/admin/audit?action=user"},
		"GET /admin/audit.csv":    {kind: accAdminPage, path: "/admin/audit.csv"},
		"GET /admin/publications": {kind: accAdminPage, path: "/admin/publications"},
		"POST /admin/publications": {kind: accAdminPage, path: "/admin/publications",
			body: form(url.Values{"period": {"2025-Q2"}, "reason": {"matrix"}})},
		"POST /api/v1/publications": {kind: accAdminAPI, path: "/api/v1/publications",
			body: func(string) any { return map[string]any{"period": "2025-Q2", "reason": "matrix"} }},
		"GET /api/v1/publications":                              {kind: accApiRead, path: "/api/v1/publications"},
		"GET /public":                                           {kind: accPublic, path: "/public"},
		"HEAD /public":                                          {kind: accPublic, path: "/public"},
		"GET /public/":                                          {kind: accPublic, path: "/public/"},
		"HEAD /public/":                                         {kind: accPublic, path: "/public/"},
		"GET /public/data-dictionary":                           {kind: accPublic, path: "/public/data-dictionary"},
		"HEAD /public/data-dictionary":                          {kind: accPublic, path: "/public/data-dictionary"},
		"GET /public/static/public.css":                         {kind: accPublic, path: "/public/static/public.css"},
		"HEAD /public/static/public.css":                        {kind: accPublic, path: "/public/static/public.css"},
		"GET " + publicPeriodRoute:                              {kind: accPublic, path: "/public/2025-Q2"},
		"HEAD " + publicPeriodRoute:                             {kind: accPublic, path: "/public/2025-Q2"},
		"GET " + publicPeriodRoute + ".json":                    {kind: accPublic, path: "/public/2025-Q2.json"},
		"HEAD " + publicPeriodRoute + ".json":                   {kind: accPublic, path: "/public/2025-Q2.json"},
		"GET " + publicPeriodRoute + ".csv":                     {kind: accPublic, path: "/public/2025-Q2.csv"},
		"HEAD " + publicPeriodRoute + ".csv":                    {kind: accPublic, path: "/public/2025-Q2.csv"},
		"GET " + publicPeriodRoute + ".pdf":                     {kind: accPublic, path: "/public/2025-Q2.pdf"},
		"HEAD " + publicPeriodRoute + ".pdf":                    {kind: accPublic, path: "/public/2025-Q2.pdf"},
		"GET " + publicPeriodRoute + "/r{rev:[0-9]{1,6}}.json":  {kind: accPublic, path: "/public/2025-Q2/r1.json"},
		"HEAD " + publicPeriodRoute + "/r{rev:[0-9]{1,6}}.json": {kind: accPublic, path: "/public/2025-Q2/r1.json"},
		"GET /login/2fa":                                        {kind: accPage, path: "/login/2fa"},
		"POST /login/2fa":                                       {kind: accChallenge, path: "/login/2fa", body: form(url.Values{"code": {"123456"}})},
		"GET /account/2fa":                                      {kind: accPage, path: "/account/2fa"},
		"POST /account/2fa":                                     {kind: accChallenge, path: "/account/2fa", body: form(url.Values{"code": {"123456"}})},
		"GET /admin/webhooks":                                   {kind: accAdminPage, path: "/admin/webhooks"},
		"POST /admin/webhooks": {kind: accAdminPage, path: "/admin/webhooks", body: func(string) any {
			return url.Values{"url": {"https://hooks.example.az/" + uniq()}, "events": {"case.opened"}}
		}},
		"POST /admin/webhooks/{id:[0-9]+}": {kind: accAdminPage, path: "/admin/webhooks/" + itoa(spareHook),
			body: form(url.Values{"action": {"disable"}})},
		"POST /admin/deliveries/{id:[0-9]+}/retry": {kind: accAdminPage, path: "/admin/deliveries/" + itoa(spareDelivery) + "/retry",
			body: form(url.Values{})},
		"GET /cases":      {kind: accPage, path: "/cases?status=open"},
		"POST /cases/sla": {kind: accAdminPage, path: "/cases/sla", body: form(url.Values{"agency": {"property"}, "hours": {"48"}})},
		"POST /cases/{id}/events": {kind: accCasePage, path: "/cases/" + caseID + "/events",
			body: form(url.Values{"action": {"comment"}, "note": {"Zəng etdik"}})},
		"GET /admin/catalog.json":           {kind: accAdminPage, path: "/admin/catalog.json"},
		"GET /admin/catalog/{kind:[a-z]+}":  {kind: accAdminPage, path: "/admin/catalog/agencies?code=migration"},
		"POST /admin/catalog/{kind:[a-z]+}": {kind: accAdminPage, path: "/admin/catalog/groups", body: form(url.Values{"new": {"1"}, "code": {"g-matrix"}, "name_az": {"Qrup"}})},
		"POST /admin/catalog/{kind:[a-z]+}/delete": {kind: accAdminPage, path: "/admin/catalog/groups/delete", body: func(string) any {
			code := "spare-" + uniq() // a group nothing refers to, so an admin's delete succeeds
			if _, err := e.Store.ApplyCatalog(ctx, survey.Catalog{Groups: []survey.Group{{Code: code, Name: survey.Names{AZ: "Boş"}}}}); err != nil {
				t.Fatal(err)
			}
			return url.Values{"code": {code}}
		}},
		"GET /admin/surveys/edit": {kind: accAdminPage, path: "/admin/surveys/edit?code=visit"},
		"POST /admin/surveys/edit": {kind: accAdminPage, path: "/admin/surveys/edit", body: form(url.Values{"new": {"1"}, "code": {"s-matrix"},
			"n": {"1"}, "primary": {"0"}, "q0.key": {"overall"}, "q0.type": {"scale"}, "q0.min": {"1"}, "q0.max": {"5"}, "q0.az": {"Necə?"}})},
		"GET /composite":            {kind: accPage, path: "/composite?period=2025-Q3"},
		"GET /admin/methodologies":  {kind: accAdminPage, path: "/admin/methodologies"},
		"POST /admin/methodologies": {kind: accAdminPage, path: "/admin/methodologies", body: form(url.Values{"methodology": {string(methJSON)}})},
		"GET /admin/assessments":    {kind: accAdminPage, path: "/admin/assessments?period=2025-Q3&service=temp-residence"},
		"POST /admin/assessments": {kind: accAdminPage, path: "/admin/assessments", body: form(url.Values{"methodology": {"test-asan"},
			"period": {"2025-Q3"}, "service": {"temp-residence"}, "p.info-site": {"1"}})},

		"GET /api/v1/rankings":                  {kind: accApiRead, path: "/api/v1/rankings?period=2025-Q3"},
		"GET /api/v1/agencies/{code}/breakdown": {kind: accApiAgency, path: "/api/v1/agencies/migration/breakdown?period=2025-Q3&by=service"},
		"GET /api/v1/agencies/{code}/control":   {kind: accApiAgency, path: "/api/v1/agencies/migration/control?to=2025-07&months=12"},
		"GET /api/v1/responses.csv":             {kind: accApiAgency, path: "/api/v1/responses.csv?agency=migration&from=2025-07-01&to=2025-09-30"},
		"POST /api/v1/responses": {kind: accSubmit, path: "/api/v1/responses", body: func(string) any {
			return map[string]any{"agency": "migration", "center": "baku-1", "answers": map[string]any{"overall": 4}}
		}},
		"POST /api/v1/invitations": {kind: accApiKeyOnly, path: "/api/v1/invitations", body: func(string) any {
			return map[string]any{"agency": "migration", "visit_id": "V-" + uniq()}
		}},
		"GET /api/v1/cases": {kind: accApiAgency, path: "/api/v1/cases?agency=migration&status=open"},
		"POST /api/v1/cases/{id}/events": {kind: accCaseAPI, path: "/api/v1/cases/" + caseID + "/events", body: func(string) any {
			return map[string]any{"action": "comment", "note": "Vətəndaşla danışdıq"}
		}},
		"GET /api/v1/composite/sensitivity": {kind: accApiRead, path: "/api/v1/composite/sensitivity?period=2025-Q3&methodology=test-asan"},
		"POST /api/v1/assessments": {kind: accAdminAPI, path: "/api/v1/assessments", body: func(string) any {
			return map[string]any{"methodology": "test-asan", "period": "2025-Q3", "agency": "migration", "service": "temp-residence",
				"scores": map[string]any{"info-site": 1}}
		}},
		"GET /api/v1/kiosk/config":     {kind: accKioskOnly, path: "/api/v1/kiosk/config"},
		"POST /api/v1/kiosk/heartbeat": {kind: accKioskOnly, path: "/api/v1/kiosk/heartbeat", body: func(string) any { return map[string]any{"version": "1", "queue_length": 0} }},
		"POST /api/v1/kiosk/pair":      {kind: accPublic, path: "/api/v1/kiosk/pair", body: func(string) any { return map[string]any{"code": "qp_unknown"} }},
		"GET /api/v1/openapi.json":     {kind: accPublic, path: "/api/v1/openapi.json"},

		"GET /kiosk":                                     {kind: accPublic, path: "/kiosk"},
		"HEAD /kiosk":                                    {kind: accPublic, path: "/kiosk"},
		"GET /kiosk/":                                    {kind: accPublic, path: "/kiosk/"},
		"HEAD /kiosk/":                                   {kind: accPublic, path: "/kiosk/"},
		"GET /kiosk/enrol/{code}":                        {kind: accPublic, path: "/kiosk/enrol/qp_x"},
		"HEAD /kiosk/enrol/{code}":                       {kind: accPublic, path: "/kiosk/enrol/qp_x"},
		"GET /kiosk/strings.json":                        {kind: accPublic, path: "/kiosk/strings.json"},
		"HEAD /kiosk/strings.json":                       {kind: accPublic, path: "/kiosk/strings.json"},
		"GET /kiosk/manifest.webmanifest":                {kind: accPublic, path: "/kiosk/manifest.webmanifest"},
		"HEAD /kiosk/manifest.webmanifest":               {kind: accPublic, path: "/kiosk/manifest.webmanifest"},
		"GET /kiosk/{file:[a-z0-9-]+\\.(?:js|css|svg)}":  {kind: accPublic, path: "/kiosk/app.js"},
		"HEAD /kiosk/{file:[a-z0-9-]+\\.(?:js|css|svg)}": {kind: accPublic, path: "/kiosk/app.css"},
		"GET /r/static/link.css":                         {kind: accPublic, path: "/r/static/link.css"},
		"HEAD /r/static/link.css":                        {kind: accPublic, path: "/r/static/link.css"},
		"GET /r/{token}":                                 {kind: accPublic, path: "/r/" + invToken},
		"HEAD /r/{token}":                                {kind: accPublic, path: "/r/" + invToken},
		"POST /r/{token}":                                {kind: accPublic, path: "/r/unknown-token", body: form(url.Values{"overall": {"5"}})},
		"GET /r/{token}/qr.png":                          {kind: accPublic, path: "/r/" + invToken + "/qr.png"},
		"HEAD /r/{token}/qr.png":                         {kind: accPublic, path: "/r/" + invToken + "/qr.png"},
		"GET /r/{token}/":                                {kind: accPublic, path: "/r/" + invToken + "/"},
		"HEAD /r/{token}/":                               {kind: accPublic, path: "/r/" + invToken + "/"},
	}

	var routes []string
	for _, rt := range e.Server.Routes() {
		for _, m := range rt.Methods {
			routes = append(routes, m+" "+rt.Path)
		}
	}
	sort.Strings(routes)
	if len(routes) < 30 {
		t.Fatalf("only %d routes found: %v", len(routes), routes)
	}
	checked := 0
	for _, route := range routes {
		c, ok := cases[route]
		if !ok {
			t.Errorf("route %q has no row in the role matrix: add one", route)
			continue
		}
		method := strings.SplitN(route, " ", 2)[0]
		statuses := map[string]int{}
		for _, who := range principals {
			var body any
			if c.body != nil {
				body = c.body(who)
			}
			got := call(t, e, method, c.path, who, sessions, body)
			statuses[who] = got.Status
			if c.kind == accPublic {
				continue
			}
			w := want(c.kind, who, method)
			if !matches(w, method, got) {
				t.Errorf("%s as %s: got %d (Location %q), want %s", route, who, got.Status, got.Header.Get("Location"), w)
			}
			if w == "403" && strings.HasPrefix(c.path, "/api/") && !strings.Contains(string(got.Body), `"forbidden"`) {
				t.Errorf("%s as %s: 403 without the forbidden error code: %s", route, who, got.Body)
			}
			checked++
		}
		if c.kind == accPublic {
			// Bearer credentials change nothing on a public route; a session may (GET /login sends a
			// signed-in user on to the rankings), but never into a refusal.
			for _, who := range principals {
				s := statuses[who]
				same := s == statuses["anonymous"] || sessions[who] != ""
				if !same || s == 401 || s == 403 || s >= 500 {
					t.Errorf("public %s: %s got %d, anonymous %d", route, who, s, statuses["anonymous"])
				}
			}
			checked += len(principals)
		}
	}
	for k := range cases {
		found := false
		for _, r := range routes {
			found = found || r == k
		}
		if !found {
			t.Logf("matrix row %q has no route (yet)", k)
		}
	}
	t.Logf("%d routes × %d callers, %d checks", len(routes), len(principals), checked)
}

// call sends one request as who: a session cookie for users, a bearer token for kiosk and API key.
func call(t *testing.T, e *dashEnv, method, path, who string, sessions map[string]string, body any) testResponse {
	t.Helper()
	cookie := sessions[who]
	if path == "/logout" && cookie != "" {
		cookie = e.login(t, e.Users[who]) // a fresh session: the caller's own must survive the matrix
	}
	var hdr []string
	switch who {
	case "kiosk":
		hdr = []string{"Authorization", "Bearer " + e.KioskToken}
	case "apikey":
		hdr = []string{"Authorization", "Bearer " + e.APIKey}
	}
	switch b := body.(type) {
	case nil:
		return e.page(t, method, path, cookie, nil, hdr...)
	case url.Values:
		return e.page(t, method, path, cookie, b, hdr...)
	default:
		raw, _ := json.Marshal(b)
		return e.send(t, method, path, cookie, "application/json", strings.NewReader(string(raw)), hdr...)
	}
}

func matches(w, method string, r testResponse) bool {
	toLogin := r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login")
	switch w {
	case "ok":
		return r.Status < 400 && !toLogin
	case "login":
		if method == http.MethodGet {
			return toLogin
		}
		return r.Status == http.StatusUnauthorized
	}
	return itoa(int64(r.Status)) == w
}
