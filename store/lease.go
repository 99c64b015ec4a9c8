package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Lease is one claim on the translation of a sentence (by its translation
// memory key).
type Lease struct {
	Key     string    `db:"key"`
	Owner   string    `db:"owner"`
	Expires time.Time `db:"-"`
	// ExpiresMS is Expires in Unix milliseconds, as stored.
	ExpiresMS int64 `db:"expires_at"`
}

// Claim takes the leases on keys for owner until now+ttl: keys nobody
// holds, keys whose lease has expired or whose holder takeOver says is
// gone, and keys owner already holds (renewed). It returns the keys owner
// now holds and the live leases of others on the rest. One transaction.
func (db *DB) Claim(ctx context.Context, owner string, keys []string, ttl time.Duration, now time.Time, takeOver func(owner string) bool) (mine []string, others []Lease, err error) {
	if len(keys) == 0 {
		return nil, nil, nil
	}
	exp := now.Add(ttl).UnixMilli()
	err = db.Write(ctx, func(tx *sqlx.Tx) error {
		mine, others = mine[:0], others[:0]
		for start := 0; start < len(keys); start += 500 {
			chunk := keys[start:min(len(keys), start+500)]
			// Holders that takeOver says are gone lose their leases first.
			if takeOver != nil {
				q, args, err := sqlx.In(`SELECT DISTINCT owner FROM leases WHERE key IN (?) AND owner != ? AND expires_at >= ?`, chunk, owner, now.UnixMilli())
				if err != nil {
					return err
				}
				var holders []string
				if err := tx.SelectContext(ctx, &holders, tx.Rebind(q), args...); err != nil {
					return err
				}
				for _, h := range holders {
					if takeOver(h) {
						if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM leases WHERE owner = ?`), h); err != nil {
							return err
						}
					}
				}
			}
			for _, k := range chunk {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?)
					ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
					WHERE leases.expires_at < ? OR leases.owner = excluded.owner`), k, owner, exp, now.UnixMilli()); err != nil {
					return err
				}
			}
			q, args, err := sqlx.In(`SELECT key, owner, expires_at FROM leases WHERE key IN (?)`, chunk)
			if err != nil {
				return err
			}
			var rows []Lease
			if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
				return err
			}
			for _, l := range rows {
				if l.Owner == owner {
					mine = append(mine, l.Key)
				} else {
					l.Expires = time.UnixMilli(l.ExpiresMS)
					others = append(others, l)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("claim %d sentences for %s: %w", len(keys), owner, err)
	}
	return mine, others, nil
}

// RenewLeases extends owner's leases on keys to now+ttl and returns how
// many it holds of them. Only the keys a run is working on are renewed: a
// lease whose release failed is left to expire.
func (db *DB) RenewLeases(ctx context.Context, owner string, keys []string, ttl time.Duration, now time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		for start := 0; start < len(keys); start += 500 {
			chunk := keys[start:min(len(keys), start+500)]
			q, args, err := sqlx.In(`UPDATE leases SET expires_at = ? WHERE owner = ? AND key IN (?)`, now.Add(ttl).UnixMilli(), owner, chunk)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, tx.Rebind(q), args...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("renew leases of %s: %w", owner, err)
	}
	return n, nil
}

// ReleaseLeases gives up owner's leases on keys (all of them when keys is
// nil).
func (db *DB) ReleaseLeases(ctx context.Context, owner string, keys []string) error {
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		if keys == nil {
			_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM leases WHERE owner = ?`), owner)
			return err
		}
		for start := 0; start < len(keys); start += 500 {
			chunk := keys[start:min(len(keys), start+500)]
			q, args, err := sqlx.In(`DELETE FROM leases WHERE owner = ? AND key IN (?)`, owner, chunk)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release leases of %s: %w", owner, err)
	}
	return nil
}

// Leases returns the leases held on keys (expired ones included).
func (db *DB) Leases(ctx context.Context, keys []string) (map[string]Lease, error) {
	out := map[string]Lease{}
	for start := 0; start < len(keys); start += 500 {
		chunk := keys[start:min(len(keys), start+500)]
		q, args, err := sqlx.In(`SELECT key, owner, expires_at FROM leases WHERE key IN (?)`, chunk)
		if err != nil {
			return nil, err
		}
		var rows []Lease
		if err := db.reader.SelectContext(ctx, &rows, db.reader.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("look up leases: %w", err)
		}
		for _, l := range rows {
			l.Expires = time.UnixMilli(l.ExpiresMS)
			out[l.Key] = l
		}
	}
	return out, nil
}
