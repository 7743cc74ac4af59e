package richtext

// Emoji short names as Slack spells them, with the Unicode that Google
// Chat (and Teams and Webex) carry instead. Reactions cross platforms
// through this table, so it holds the common reactions; a name it lacks
// stays :name: text, and a Unicode emoji it lacks cannot be relayed as a
// reaction.
var gchatEmojiTable = []struct{ name, unicode string }{
	{"thumbsup", "👍"}, {"+1", "👍"}, {"thumbsdown", "👎"}, {"-1", "👎"},
	{"heart", "❤️"}, {"smile", "😄"}, {"smiley", "😃"}, {"grinning", "😀"},
	{"joy", "😂"}, {"laughing", "😆"}, {"wink", "😉"}, {"blush", "😊"},
	{"slightly_smiling_face", "🙂"}, {"thinking_face", "🤔"}, {"cry", "😢"},
	{"sob", "😭"}, {"open_mouth", "😮"}, {"astonished", "😲"}, {"rage", "😡"},
	{"tada", "🎉"}, {"clap", "👏"}, {"pray", "🙏"}, {"raised_hands", "🙌"},
	{"wave", "👋"}, {"ok_hand", "👌"}, {"muscle", "💪"}, {"eyes", "👀"},
	{"fire", "🔥"}, {"rocket", "🚀"}, {"star", "⭐"}, {"sparkles", "✨"},
	{"100", "💯"}, {"white_check_mark", "✅"}, {"heavy_check_mark", "✔️"},
	{"x", "❌"}, {"warning", "⚠️"}, {"question", "❓"}, {"exclamation", "❗"},
	{"bulb", "💡"}, {"memo", "📝"}, {"coffee", "☕"}, {"beers", "🍻"},
	{"party_popper", "🎉"}, {"grimacing", "😬"}, {"sweat_smile", "😅"},
	{"heart_eyes", "😍"}, {"sunglasses", "😎"}, {"see_no_evil", "🙈"},
}

var (
	gchatEmojiByName    = make(map[string]string, len(gchatEmojiTable))
	gchatEmojiByUnicode = make(map[string]string, len(gchatEmojiTable))
)

func init() {
	for _, e := range gchatEmojiTable {
		if _, ok := gchatEmojiByName[e.name]; !ok {
			gchatEmojiByName[e.name] = e.unicode
		}
		// The first name listed for a Unicode emoji is the canonical one.
		if _, ok := gchatEmojiByUnicode[e.unicode]; !ok {
			gchatEmojiByUnicode[e.unicode] = e.name
		}
	}
}

// GChatEmojiUnicode returns the Unicode emoji for a short name ("thumbsup").
func GChatEmojiUnicode(name string) (string, bool) {
	u, ok := gchatEmojiByName[name]
	return u, ok
}

// GChatEmojiShortName returns the short name for a Unicode emoji. A variation
// selector (U+FE0F) is optional on input.
func GChatEmojiShortName(unicode string) (string, bool) {
	if n, ok := gchatEmojiByUnicode[unicode]; ok {
		return n, true
	}
	if n, ok := gchatEmojiByUnicode[unicode+"\uFE0F"]; ok {
		return n, true
	}
	n, ok := gchatEmojiByUnicode[gchatTrimVS16(unicode)]
	return n, ok
}

func gchatTrimVS16(s string) string {
	const vs16 = "\uFE0F"
	if len(s) > len(vs16) && s[len(s)-len(vs16):] == vs16 {
		return s[:len(s)-len(vs16)]
	}
	return s
}
