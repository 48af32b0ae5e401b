package survey

import "github.com/uptrace/bun"

// APIKey is an integration credential (queue systems, importers).
type APIKey struct {
	bun.BaseModel `bun:"table:api_keys"`
	ID            int64  `bun:"id,pk,autoincrement" json:"id"`
	Name          string `bun:"name" json:"name"`
	KeyHash       string `bun:"key_hash" json:"-"`
	CreatedUS     int64  `bun:"created_us" json:"-"`
	RevokedUS     int64  `bun:"revoked_us,nullzero" json:"-"`
	LastUsedUS    int64  `bun:"last_used_us,nullzero" json:"-"`
}
