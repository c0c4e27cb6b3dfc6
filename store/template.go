package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/missionsearch/missionsearch"
)

// Template returns the template stored under key (a site), ok false with
// a nil error when there is none.
func (s *Store) Template(ctx context.Context, key string) (t missionsearch.Template, ok bool, err error) {
	var blocks []byte
	var learned string
	err = s.r.QueryRowContext(ctx, `SELECT blocks, learned, version FROM templates WHERE key = ?`, key).
		Scan(&blocks, &learned, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return missionsearch.Template{}, false, nil
	} else if err != nil {
		return missionsearch.Template{}, false, fmt.Errorf("store: template %s: %w", key, err)
	}
	if err := json.Unmarshal(blocks, &t.Blocks); err != nil {
		return missionsearch.Template{}, false, fmt.Errorf("store: template %s: blocks: %w", key, err)
	}
	if t.Learned, err = parseTime(learned); err != nil {
		return missionsearch.Template{}, false, fmt.Errorf("store: template %s: learned: %w", key, err)
	}
	return t, true, nil
}

// PutTemplate stores t under key, replacing the template stored there, and
// is durable when it returns nil.
func (s *Store) PutTemplate(ctx context.Context, key string, t missionsearch.Template) error {
	learned, err := checkedTime("learned", t.Learned)
	if err != nil {
		return fmt.Errorf("store: put template %s: %w", key, err)
	}
	if t.Blocks == nil {
		t.Blocks = []uint64{}
	}
	blocks, err := json.Marshal(t.Blocks)
	if err != nil {
		return fmt.Errorf("store: put template %s: %w", key, err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO templates (key, blocks, learned, version) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET blocks = excluded.blocks, learned = excluded.learned, version = excluded.version`,
		key, string(blocks), learned, t.Version); err != nil {
		return fmt.Errorf("store: put template %s: %w", key, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check on the store's file and
// returns an error listing what it found wrong, nil when the file is
// sound (after a crash, a full disk, a copy).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}
