package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// Defaults of a generation run.
const (
	DefaultResponses = 200_000
	DefaultSeed      = 20_261_121
	DefaultYears     = 3
	DefaultChunk     = 20_000
)

// Options of a generation run. The same options (clock included) give the same rows.
type Options struct {
	Responses int            // rows in total, excluded bursts included
	Seed      uint64         // the random seed
	Now       time.Time      // the end of the window
	Location  *time.Location // where days begin (QIYMET_TIMEZONE)
	Years     int            // length of the window
	Chunk     int            // rows handed to emit at a time
}

func (o *Options) defaults() {
	if o.Responses <= 0 {
		o.Responses = DefaultResponses
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Years <= 0 {
		o.Years = DefaultYears
	}
	if o.Chunk <= 0 {
		o.Chunk = DefaultChunk
	}
}

// Summary counts what a run produced.
type Summary struct {
	Rows, Excluded, Comments int
	Channels                 map[string]int
	From, To                 time.Time
}

// channel mix of the ASAN network: exit kiosks dominate, SMS/QR links and queue-system integrations follow.
var channelMix = []struct {
	name  string
	share float64
}{{survey.ChannelKiosk, 0.70}, {survey.ChannelLink, 0.20}, {survey.ChannelAPI, 0.10}}

const burstChance = 0.005 // per kiosk response: a child (or an impatient citizen) taps again within seconds

// Generate produces opt.Responses synthetic responses over the opt.Years before opt.Now, in time order,
// prepared with cv.Prepare exactly as the API would, and hands them to emit in chunks of opt.Chunk.
// cv must hold the demo catalog.
func Generate(cv *survey.CatalogView, opt Options, emit func([]*survey.Response) error) (Summary, error) {
	opt.defaults()
	g, err := newGenerator(cv, opt)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Channels: map[string]int{}, From: g.start, To: opt.Now}
	rows := make([]*survey.Response, 0, min(opt.Chunk, opt.Responses))
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		err := emit(rows)
		rows = make([]*survey.Response, 0, min(opt.Chunk, opt.Responses-sum.Rows))
		return err
	}
	err = g.days(func(r *survey.Response) error {
		rows = append(rows, r)
		sum.Rows++
		sum.Channels[r.Channel]++
		if r.Status == survey.StatusExcluded {
			sum.Excluded++
		}
		if r.Comment != "" {
			sum.Comments++
		}
		if len(rows) >= opt.Chunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	return sum, flush()
}

type generator struct {
	cv        *survey.CatalogView
	opt       Options
	rng       *rand.Rand
	start     time.Time // midnight, opt.Years before now
	span      float64   // seconds from start to now
	hostedBy  map[string]hosting
	switchAt  map[string]float64 // x at which an agency's responses move to survey version 2
	shocks    map[[2]int]float64 // per (agency, quarter) quality wobble, so quarters are not a smooth line
	agencyIdx map[string]int
}

// hosting lists the centres of one agency with their visitor weights.
type hosting struct {
	centers []centerDef
	weights []float64
	sum     float64
}

// serviceWeights[k] weighs the services of an agency that has k: the first service is its busiest.
var serviceWeights = func() (out [6]struct {
	weights []float64
	sum     float64
}) {
	for k := 1; k < len(out); k++ {
		for i := 0; i < k; i++ {
			w := 1 / math.Pow(float64(i+1), 0.7)
			out[k].weights = append(out[k].weights, w)
			out[k].sum += w
		}
	}
	return out
}()

func newGenerator(cv *survey.CatalogView, opt Options) (*generator, error) {
	for _, a := range agencies {
		if _, ok := cv.Agency(a.code); !ok {
			return nil, fmt.Errorf("demo: the catalog has no agency %q; apply demo.Catalog first", a.code)
		}
	}
	for v := 1; v <= 2; v++ {
		if _, ok := cv.Survey(SurveyCode, v); !ok {
			return nil, fmt.Errorf("demo: the catalog has no survey %s version %d", SurveyCode, v)
		}
	}
	now := opt.Now.In(opt.Location)
	y, m, d := now.AddDate(-opt.Years, 0, 0).Date()
	g := &generator{cv: cv, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15)),
		start: time.Date(y, m, d, 0, 0, 0, 0, opt.Location), hostedBy: map[string]hosting{},
		switchAt: map[string]float64{}, shocks: map[[2]int]float64{}, agencyIdx: map[string]int{}}
	g.span = now.Sub(g.start).Seconds()
	for i, a := range agencies {
		g.agencyIdx[a.code] = i
		var h hosting
		for _, c := range centers {
			if c.hosts(a.code) {
				h.centers = append(h.centers, c)
				h.weights = append(h.weights, c.size)
				h.sum += c.size
			}
		}
		g.hostedBy[a.code] = h
		// the rollout of version 2 takes about two months around the middle of the window
		g.switchAt[a.code] = 0.5 + 0.06*(hashUnit(opt.Seed, a.code, 0)-0.5)
	}
	return g, nil
}

// hashUnit is a deterministic number in [0,1) for a (seed, name, k): effects that must not depend on the
// order in which the main stream is consumed.
func hashUnit(seed uint64, name string, k int) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", seed, name, k)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// shock is a small quality deviation of an agency in one quarter (−0.09…0.09, triangular).
func (g *generator) shock(agency string, quarter int) float64 {
	k := [2]int{g.agencyIdx[agency], quarter}
	if v, ok := g.shocks[k]; ok {
		return v
	}
	v := (hashUnit(g.opt.Seed, agency, quarter) + hashUnit(g.opt.Seed, agency, quarter+10_000) - 1) * 0.09
	g.shocks[k] = v
	return v
}

// days walks the window day by day, giving each day its share of the total by its load.
func (g *generator) days(out func(*survey.Response) error) error {
	loc := g.opt.Location
	now := g.opt.Now.In(loc)
	type day struct {
		start       time.Time
		load        float64
		open, close float64
	}
	var ds []day
	total := 0.0
	for d := g.start; d.Before(now); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		x := d.Sub(g.start).Seconds() / g.span
		open, close := openHours(d)
		load := dayLoad(d) * (0.85 + 0.3*x) // the network grows ~35% over three years
		if today := now.Sub(d).Hours(); today < close {
			// today: only the hours already past
			full := close - open
			close = math.Max(open, today)
			load *= (close - open) / full
		}
		if load <= 0 || close <= open {
			continue
		}
		ds = append(ds, day{d, load, open, close})
		total += load
	}
	if total == 0 {
		return fmt.Errorf("demo: the window has no opening hours")
	}
	made, want := 0, g.opt.Responses
	cum := 0.0
	for i, d := range ds {
		cum += d.load
		target := int(math.Round(cum / total * float64(want)))
		if i == len(ds)-1 {
			target = want
		}
		if err := g.day(d.start, d.open, d.close, target-made, out); err != nil {
			return err
		}
		made = target
	}
	return nil
}

// day generates count responses on one day, in time order.
func (g *generator) day(d time.Time, open, close float64, count int, out func(*survey.Response) error) error {
	x := d.Sub(g.start).Seconds() / g.span
	quarter := d.Year()*4 + (int(d.Month())-1)/3
	weights := make([]float64, len(agencies))
	sumW := 0.0
	for i, a := range agencies {
		weights[i] = profiles[a.code].weight(x)
		sumW += weights[i]
	}
	type visit struct {
		hour   float64
		agency int
	}
	visits := make([]visit, count)
	for i := range visits {
		visits[i] = visit{visitHour(g.rng, open, close), pick(g.rng, weights, sumW)}
	}
	// time order within the day, so bursts follow their previous tap and exports read naturally
	slices.SortStableFunc(visits, func(a, b visit) int { return cmp.Compare(a.hour, b.hour) })
	for i := 0; i < count; i++ {
		v := visits[i]
		a := agencies[v.agency]
		at := d.Add(time.Duration(v.hour * float64(time.Hour))).Truncate(time.Second)
		r, err := g.response(a, d, at, x, quarter)
		if err != nil {
			return err
		}
		if err := out(r); err != nil {
			return err
		}
		if r.Channel == survey.ChannelKiosk && i+1 < count && g.rng.Float64() < burstChance {
			i++
			b, err := g.burst(r, at)
			if err != nil {
				return err
			}
			if err := out(b); err != nil {
				return err
			}
		}
	}
	return nil
}
