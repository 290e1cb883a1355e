"""Specialist advice for an EHC needs assessment: advice requests, the discipline e-forms and RAS scoring.

Its pure rule modules come first: `ras` (levels to a suggested funding band) and `specificity` (is provision
specified and quantified), shared with the plan's quality checks."""
