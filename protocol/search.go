package protocol

// SearchPage is the answer of GET /api/search: results newest first, and
// whether older ones exist (ask again with before = the last result's
// message id).
type SearchPage struct {
	Results []SearchResult `json:"results"`
	HasMore bool           `json:"hasMore"`
}
