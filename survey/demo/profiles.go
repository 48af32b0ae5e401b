package demo

// profile is how an agency behaves in the synthetic data. Quality is a latent score (roughly −1…2; higher
// is better) that the answer model turns into 1–5 answers; x below is the position in the 3-year window,
// 0 at its start and 1 at "now".
type profile struct {
	volume     float64 // relative number of visits
	from, to   float64 // latent quality at x=0 and at x=until
	until      float64 // the trend reaches `to` here and stays (1 = a straight line over the window)
	joined     float64 // x before which the agency had no responses (a partner that joined late)
	waitOffset float64 // queues: below 0 waits longer than the agency's quality suggests
}

// profiles give every ranking table a story: in "central" Migration overtakes Justice early and then stays
// 1st for many quarters (streaks); Internal Affairs and Property run neck and neck; Tax improves; in the
// utilities Azərişıq and Azərsu swap places while Azəriqaz declines; the translation bureau is so small that
// it often stays under min_n, and the insurer joined late.
var profiles = map[string]profile{
	"migration":        {volume: 2.2, from: 1.02, to: 1.62, until: 0.35},
	"justice":          {volume: 2.0, from: 1.25, to: 1.22, until: 1},
	"internal-affairs": {volume: 3.0, from: 0.96, to: 0.97, until: 1, waitOffset: -0.25},
	"property":         {volume: 1.4, from: 0.93, to: 0.96, until: 1},
	"tax":              {volume: 1.2, from: 0.45, to: 1.08, until: 1},
	"labour":           {volume: 1.5, from: 0.72, to: 0.70, until: 1, waitOffset: -0.15},
	"customs":          {volume: 0.5, from: 0.42, to: 0.50, until: 1},
	"economy":          {volume: 0.6, from: 0.80, to: 0.84, until: 1},
	"agriculture":      {volume: 0.35, from: 0.60, to: 0.66, until: 1},
	"education":        {volume: 0.4, from: 0.76, to: 0.74, until: 1},
	"azerishiq":        {volume: 0.9, from: 0.83, to: 0.79, until: 1},
	"azersu":           {volume: 0.8, from: 0.76, to: 0.80, until: 1},
	"azeriqaz":         {volume: 0.8, from: 1.05, to: 0.38, until: 1, waitOffset: -0.1},
	"azerpost":         {volume: 0.4, from: 0.58, to: 0.64, until: 1},
	"aztelekom":        {volume: 0.35, from: 0.36, to: 0.46, until: 1},
	"bank":             {volume: 0.7, from: 1.10, to: 1.12, until: 1},
	"notary-office":    {volume: 0.5, from: 0.92, to: 0.90, until: 1},
	"insurance":        {volume: 0.35, from: 0.70, to: 0.78, until: 1, joined: 0.76},
	"medical":          {volume: 0.9, from: 0.58, to: 0.66, until: 1, waitOffset: -0.2},
	"translation":      {volume: 0.04, from: 0.95, to: 0.98, until: 1},
	"photo":            {volume: 0.25, from: 1.25, to: 1.15, until: 1},
}

// quality is the agency's latent quality at x.
func (p profile) quality(x float64) float64 {
	if p.until <= 0 || x >= p.until {
		return p.to
	}
	return p.from + (p.to-p.from)*x/p.until
}

// weight is the agency's share of the visits at x: zero before it joined, ramping up over ~4 months after.
func (p profile) weight(x float64) float64 {
	if x < p.joined {
		return 0
	}
	if p.joined > 0 {
		if ramp := (x - p.joined) / 0.11; ramp < 1 {
			return p.volume * ramp * ramp
		}
	}
	return p.volume
}

// Centre and service effects on quality: the newest Baku centres run smoother, a few services are harder.
var centerQuality = map[string]float64{
	"baku-1": 0.08, "baku-2": 0.02, "baku-3": 0.05, "baku-4": -0.04, "baku-5": 0.10,
	"sumqayit": -0.06, "ganja": 0.03, "barda": -0.02, "qabala": 0.12, "shaki": 0.06,
	"lankaran": -0.08, "quba": 0.04, "mingachevir": -0.03,
}

var serviceQuality = map[string]float64{
	"disability": -0.35, "social-allowance": -0.2, "vehicle-customs": -0.25, "citizenship": -0.2,
	"work-permit": -0.1, "electricity-connection": -0.2, "gas-connection": -0.25, "water-connection": -0.2,
	"id-card": 0.1, "criminal-record": 0.15, "document-photo": 0.1, "tax-clearance": 0.12,
	"property-registration": -0.1, "loan-advice": -0.15,
}
