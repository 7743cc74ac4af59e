// Package richtext is the platform-neutral form of a message body: a small
// AST of inline and block nodes, with one parser and one renderer per
// platform dialect (Slack mrkdwn, plain text, …). Converting through the AST
// rather than string to string is what lets a mention, a link or a code span
// survive every pair of platforms intact.
package richtext
