package survey

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// packCache keeps the packs this process has read, by kind, key and version, so that a ranking read again
// (every dashboard of a quarter, all day) gets back version numbers instead of its months' and days' data:
// on PostgreSQL the data of a ranking of 1,000 agencies is megabytes of hex text a call (docs/scaling.md).
//
// It can never serve other figures than the table holds: a stored pack at a version is the key's cells at
// that version, and the version of a key's pack only ever grows (every write of its cells adds one, no part 0
// row is ever deleted), so (kind, key, version) names one content for good. readPacks asks the database for
// the data of every key whose version it does not hold; several instances, replicas and their lag change
// nothing. Only packs read as stored are kept, never those a reader built from the cells (their version is
// the one read before the cells were, and the cells may have moved on meanwhile).
type packCache struct {
	mu    sync.Mutex
	packs map[packKey]cachedPack
	bytes int
	hits  atomic.Int64 // packs served from the cache (PackCacheHits)
}

type cachedPack struct {
	version int64
	data    [][]byte // shared by every reader: never written to
	bytes   int
}

// packCacheBytes bounds the cache: ~1,000 packs of 1,000 agencies (32 kB each), enough for every month and
// a year of days of a national catalog.
var packCacheBytes = 32 << 20 // a variable for tests

// packSnapshot is what the cache held when a read began.
type packSnapshot map[packKey]cachedPack

func (c *packCache) snapshot() packSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := make(packSnapshot, len(c.packs))
	for k, p := range c.packs {
		s[k] = p
	}
	return s
}

// condition is SQL true for the rows of p's keys whose pack the snapshot holds at the row's version.
func (s packSnapshot) condition(p packPart) string {
	var vals []string
	for key, cp := range s {
		if key.kind == p.kind && key.k >= p.from && key.k < p.to {
			vals = append(vals, fmt.Sprintf("(%d, %d)", key.k, cp.version))
		}
	}
	if len(vals) == 0 {
		return "1 = 0"
	}
	return "(k, version) IN (VALUES " + strings.Join(vals, ", ") + ")"
}

// part is part of the cached pack of (kind, k) at version; nil when the snapshot does not hold it.
func (s packSnapshot) part(kind string, k int, version int64, part int) []byte {
	cp, ok := s[packKey{kind, k}]
	if !ok || cp.version != version || part >= len(cp.data) {
		return nil
	}
	return cp.data[part]
}

// PackCacheHits is how many packs readers have taken from this store's cache instead of the table.
func (s *Store) PackCacheHits() int64 { return s.cache.hits.Load() }

// keep adds the packs read as stored, evicting others (in no particular order) beyond packCacheBytes.
func (c *packCache) keep(read []readPack) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.packs == nil {
		c.packs = map[packKey]cachedPack{}
	}
	for _, p := range read {
		if p.source == fromCache {
			c.hits.Add(1)
		}
		if p.source != fromTable {
			continue
		}
		key := packKey{p.kind, p.k}
		if old, ok := c.packs[key]; ok {
			if old.version >= p.version {
				continue // a replica behind the primary read an older one
			}
			c.bytes -= old.bytes
			delete(c.packs, key)
		}
		n := 0
		for _, d := range p.data {
			n += len(d)
		}
		for k, old := range c.packs {
			if c.bytes+n <= packCacheBytes {
				break
			}
			c.bytes -= old.bytes
			delete(c.packs, k)
		}
		if c.bytes+n <= packCacheBytes {
			c.packs[key] = cachedPack{version: p.version, data: p.data, bytes: n}
			c.bytes += n
		}
	}
}
