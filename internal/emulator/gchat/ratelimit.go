package gchat

import "parley/internal/emulator/ratelimit"

// Chat's published limits (developers.google.com/workspace/chat/limits):
// writes per space, shared by every caller, 60 per minute; message writes
// per project 3000 per minute. Google counts in fixed windows; a token
// bucket with a burst is the closest continuous model and lets ordinary
// chatter through while a flood is answered 429.
var (
	spaceWrites   = ratelimit.Rate{PerSecond: 1, Burst: 30}
	projectWrites = ratelimit.PerMinute(3000, 3000)
)

// allowWrite takes one write from the space's bucket and, for app auth,
// the project's; it reports false (429) if either is empty. A call refused
// by one bucket does not use up the other.
func (e *Emulator) allowWrite(space, project string) bool {
	keys := []ratelimit.Key{{Name: "space|" + space, Rate: spaceWrites}}
	if project != "" {
		keys = append(keys, ratelimit.Key{Name: "project|" + project, Rate: projectWrites})
	}
	_, ok := e.limits.Allow(keys...)
	return ok
}
