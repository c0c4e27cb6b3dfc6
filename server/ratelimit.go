package server

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter holds one token bucket per client, at most max of them: when a
// new client comes and the table is full, the least recently seen client is
// forgotten (it starts again with a full bucket, which is harmless: a
// client idle long enough to be evicted has refilled its bucket anyway,
// unless the table is flooded by more than max clients).
type limiter struct {
	rate  rate.Limit
	burst int
	max   int

	mu      sync.Mutex
	clients map[string]*list.Element // of *client
	lru     list.List                // front: most recently seen
}

type client struct {
	key string
	lim *rate.Limiter
}

func newLimiter(perSecond float64, burst, max int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, max: max, clients: map[string]*list.Element{}}
}

// allow takes a token from key's bucket at now. When the bucket is empty it
// returns false and how long until a token is available.
func (l *limiter) allow(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	e, ok := l.clients[key]
	if ok {
		l.lru.MoveToFront(e)
	} else {
		if l.lru.Len() >= l.max {
			old := l.lru.Back()
			l.lru.Remove(old)
			delete(l.clients, old.Value.(*client).key)
		}
		e = l.lru.PushFront(&client{key: key, lim: rate.NewLimiter(l.rate, l.burst)})
		l.clients[key] = e
	}
	lim := e.Value.(*client).lim
	l.mu.Unlock()

	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second, false
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// len returns the number of clients remembered.
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
