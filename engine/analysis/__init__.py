"""Questions about results: diff (what a change does), explain (how one unit's result came about), combine (several periods) and a ruleset's own golden cases."""
