"""One module per purpose: common, tasks, programmes, commitments, reporting, briefings, schedule."""
