package kb

// For the external tests (setmembers_test.go), which play real sets
// through assistant and so cannot be in this package.
var (
	ScanSummary   = scanSummary
	DecodeSummary = decodeSummary
)
