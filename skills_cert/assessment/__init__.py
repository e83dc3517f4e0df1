"""Skills testing: testing centres and accreditation, candidates and their photos, test
sessions, recording results, the rule engine that decides, and bulk import."""
