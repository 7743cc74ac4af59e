package richtext

// teamsEmoji pairs the short names Parley's events carry (Slack's names,
// the de-facto lingua franca) with the characters Teams shows. Teams sends
// emoji as characters (in <emoji alt="…"> and in newer reaction types) and
// by its own legacy reaction names (like, heart, laugh, surprised, sad,
// angry), so both directions need the table.
var teamsEmoji = []struct{ name, char string }{
	{"thumbsup", "👍"}, {"+1", "👍"}, {"thumbsdown", "👎"}, {"-1", "👎"},
	{"heart", "❤️"}, {"laughing", "😆"}, {"joy", "😂"}, {"smile", "😄"},
	{"slightly_smiling_face", "🙂"}, {"grinning", "😀"}, {"wink", "😉"},
	{"open_mouth", "😮"}, {"cry", "😢"}, {"angry", "😠"}, {"rage", "😡"},
	{"tada", "🎉"}, {"white_check_mark", "✅"}, {"heavy_check_mark", "✔️"},
	{"x", "❌"}, {"eyes", "👀"}, {"fire", "🔥"}, {"rocket", "🚀"},
	{"100", "💯"}, {"pray", "🙏"}, {"clap", "👏"}, {"raised_hands", "🙌"},
	{"thinking_face", "🤔"}, {"wave", "👋"}, {"ok_hand", "👌"},
	{"muscle", "💪"}, {"star", "⭐"}, {"sparkles", "✨"}, {"warning", "⚠️"},
	{"question", "❓"}, {"exclamation", "❗"}, {"bulb", "💡"},
	{"coffee", "☕"}, {"sunglasses", "😎"}, {"sweat_smile", "😅"},
	{"sob", "😭"}, {"heart_eyes", "😍"}, {"confused", "😕"},
}

// teamsReactionTypes are the reaction names Teams used before it allowed
// any emoji; they still arrive in messageReaction activities.
var teamsReactionTypes = map[string]string{
	"like": "thumbsup", "heart": "heart", "laugh": "laughing",
	"surprised": "open_mouth", "sad": "cry", "angry": "angry",
}

var (
	emojiByName = map[string]string{}
	emojiByChar = map[string]string{}
)

func init() {
	for _, e := range teamsEmoji {
		emojiByName[e.name] = e.char
		if _, dup := emojiByChar[e.char]; !dup {
			emojiByChar[e.char] = e.name
		}
		// Teams drops or adds the variation selector freely.
		bare := trimVariation(e.char)
		if _, dup := emojiByChar[bare]; !dup {
			emojiByChar[bare] = e.name
		}
	}
}

func trimVariation(s string) string {
	const vs16 = "\ufe0f"
	for len(s) > len(vs16) && s[len(s)-len(vs16):] == vs16 {
		s = s[:len(s)-len(vs16)]
	}
	return s
}

// TeamsEmojiChar returns the character for a short name ("tada" → "🎉").
func TeamsEmojiChar(name string) (string, bool) {
	c, ok := emojiByName[name]
	return c, ok
}

// TeamsEmojiName returns the short name for what Teams calls an emoji: a
// character ("🎉"), a legacy reaction type ("like") or an <emoji id> such
// as "smile". Unknown characters come back unchanged, so nothing is lost.
func TeamsEmojiName(s string) string {
	if n, ok := teamsReactionTypes[s]; ok {
		return n
	}
	if n, ok := emojiByChar[s]; ok {
		return n
	}
	if n, ok := emojiByChar[trimVariation(s)]; ok {
		return n
	}
	return s
}
