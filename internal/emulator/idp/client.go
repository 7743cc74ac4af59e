package idp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// PageError is an authorize page that offered no choice: the error page
// an identity provider shows for a bad client or redirect URI.
type PageError struct {
	Status int
	Title  string
	Detail string
}

func (e *PageError) Error() string {
	return fmt.Sprintf("idp: authorize page %d: %s: %s", e.Status, e.Title, e.Detail)
}

// ErrNoSuchAccount means the chooser had no button for the email asked for.
var ErrNoSuchAccount = errors.New("idp: no account with that email on the chooser")

// maxPage caps the HTML the client reads.
const maxPage = 1 << 20

// Choose acts as the person with email on the authorize page at
// authorizeURL: it GETs the page with client (keeping the client's
// cookies and TLS settings), submits the chooser form with that person's
// button, and returns the URL the provider redirects the browser to: the
// app's redirect URI with code and state. It does not request that URL;
// a test that wants the app's callback to run GETs it with the same
// client (see Follow). An error page comes back as *PageError.
func Choose(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	return answer(ctx, client, authorizeURL, email)
}

// Deny presses the page's Deny button; the result is the redirect URI
// with error=access_denied (or the platform's equivalent).
func Deny(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return answer(ctx, client, authorizeURL, "")
}

// Follow GETs callback with client, following redirects, as a browser
// arriving at the app's redirect URI does.
func Follow(ctx context.Context, client *http.Client, callback *url.URL) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, callback.String(), nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

func answer(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return nil, fmt.Errorf("idp: authorize url: %w", err)
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("idp: get authorize page: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxPage))
	_ = res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("idp: read authorize page: %w", err)
	}
	if loc := res.Header.Get("Location"); res.StatusCode/100 == 3 && loc != "" {
		return res.Request.URL.Parse(loc) // answered without asking (e.g. an error redirect)
	}
	form, perr := ParseChooser(body)
	if res.StatusCode != http.StatusOK || perr != nil {
		title, detail := ParseErrorPage(body)
		return nil, &PageError{Status: res.StatusCode, Title: title, Detail: detail}
	}
	vals := url.Values{}
	for k, v := range form.Hidden {
		vals.Set(k, v)
	}
	if email == "" {
		vals.Set("deny", "1")
	} else {
		id, ok := form.Accounts[strings.ToLower(email)]
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrNoSuchAccount, email)
		}
		vals.Set("account", id)
	}
	action, err := res.Request.URL.Parse(form.Action)
	if err != nil {
		return nil, fmt.Errorf("idp: form action: %w", err)
	}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(vals.Encode()))
	if err != nil {
		return nil, err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = c.Do(post)
	if err != nil {
		return nil, fmt.Errorf("idp: post chooser: %w", err)
	}
	body, _ = io.ReadAll(io.LimitReader(res.Body, maxPage))
	_ = res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode/100 != 3 || loc == "" {
		title, detail := ParseErrorPage(body)
		return nil, &PageError{Status: res.StatusCode, Title: title, Detail: detail}
	}
	return action.Parse(loc)
}

// ChooserForm is what a chooser page offers.
type ChooserForm struct {
	Action   string
	Hidden   map[string]string
	Accounts map[string]string // lowercased button label (email) → value
	Deny     bool
}

var errNotChooser = errors.New("idp: not a chooser page")

// ParseChooser reads the first form of an authorize page.
func ParseChooser(page []byte) (*ChooserForm, error) {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return nil, err
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if form != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "form" {
			form = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		return nil, errNotChooser
	}
	f := &ChooserForm{Action: attr(form, "action"), Hidden: map[string]string{}, Accounts: map[string]string{}}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "input":
				if attr(n, "type") == "hidden" && attr(n, "name") != "" {
					f.Hidden[attr(n, "name")] = attr(n, "value")
				}
			case "button":
				switch attr(n, "name") {
				case "account":
					f.Accounts[strings.ToLower(strings.TrimSpace(text(n)))] = attr(n, "value")
				case "deny":
					f.Deny = true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	if !f.Deny {
		return nil, errNotChooser
	}
	return f, nil
}

// ParseErrorPage returns an error page's heading and first paragraph.
func ParseErrorPage(page []byte) (title, detail string) {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return "", ""
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "h1" && title == "":
				title = strings.TrimSpace(text(n))
			case n.Data == "p" && detail == "":
				detail = strings.TrimSpace(text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return title, detail
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
