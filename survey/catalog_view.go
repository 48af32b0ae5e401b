package survey

// CatalogView is a loaded catalog with lookups. It is shared read-only between requests.
type CatalogView struct {
	Catalog
	Rev      string
	agency   map[string]*Agency
	service  map[string]*Service
	center   map[string]*Center
	group    map[string]*Group
	surveys  map[string]map[int]*Survey
	newest   map[string]int
	keys     []string // every question key, in order of first appearance (CSV columns)
	keyTypes map[string]string
}

func newCatalogView(c Catalog, rev string) *CatalogView {
	c.Sort()
	cv := &CatalogView{Catalog: c, Rev: rev, agency: map[string]*Agency{}, service: map[string]*Service{},
		center: map[string]*Center{}, group: map[string]*Group{}, surveys: map[string]map[int]*Survey{},
		newest: map[string]int{}, keyTypes: map[string]string{}}
	for i := range cv.Groups {
		cv.group[cv.Groups[i].Code] = &cv.Groups[i]
	}
	for i := range cv.Agencies {
		cv.agency[cv.Agencies[i].Code] = &cv.Agencies[i]
	}
	for i := range cv.Services {
		cv.service[cv.Services[i].Code] = &cv.Services[i]
	}
	for i := range cv.Centers {
		cv.center[cv.Centers[i].Code] = &cv.Centers[i]
	}
	for i := range cv.Surveys {
		sv := &cv.Surveys[i]
		if cv.surveys[sv.Code] == nil {
			cv.surveys[sv.Code] = map[int]*Survey{}
		}
		cv.surveys[sv.Code][sv.Version] = sv
		if sv.Version > cv.newest[sv.Code] {
			cv.newest[sv.Code] = sv.Version
		}
		for _, q := range sv.Questions {
			if _, ok := cv.keyTypes[q.Key]; !ok {
				cv.keys = append(cv.keys, q.Key)
				cv.keyTypes[q.Key] = q.Type
			}
		}
	}
	return cv
}

// Agency looks up an agency by code.
func (cv *CatalogView) Agency(code string) (*Agency, bool) { a, ok := cv.agency[code]; return a, ok }

// Service looks up a service by code.
func (cv *CatalogView) Service(code string) (*Service, bool) { a, ok := cv.service[code]; return a, ok }

// Center looks up a centre by code.
func (cv *CatalogView) Center(code string) (*Center, bool) { a, ok := cv.center[code]; return a, ok }

// Group looks up a peer group by code.
func (cv *CatalogView) Group(code string) (*Group, bool) { a, ok := cv.group[code]; return a, ok }

// Hosts reports whether centre c hosts agency a.
func (cv *CatalogView) Hosts(c, a string) bool {
	ce, ok := cv.center[c]
	if !ok {
		return false
	}
	for _, x := range ce.Agencies {
		if x == a {
			return true
		}
	}
	return false
}

// Survey returns a version of a survey; version 0 means the newest.
func (cv *CatalogView) Survey(code string, version int) (*Survey, bool) {
	if version == 0 {
		version = cv.newest[code]
	}
	s, ok := cv.surveys[code][version]
	return s, ok
}

// QuestionKeys lists every question key of every survey version, in a stable order (the CSV q.* columns).
func (cv *CatalogView) QuestionKeys() []string { return cv.keys }

// ServicesOf lists the services of one agency.
func (cv *CatalogView) ServicesOf(agency string) []Service {
	var out []Service
	for _, s := range cv.Services {
		if s.Agency == agency {
			out = append(out, s)
		}
	}
	return out
}
